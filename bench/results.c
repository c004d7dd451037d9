// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - parses the guest's "CLAND-BENCH: " lines of a `make bench`
 * run into struct bench_results and computes the statistics of the report.
 *
 * A line is either kept whole or rejected whole: every field is checked
 * before anything is added to the model.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

enum field {
	F_SCHED,
	F_ROUND,
	F_BENCH,
	F_METRIC,
	F_VALUE,
	F_UNIT,
	F_BETTER,
	F_OVERFLOWS,
	F_DATA,
	F_REASON,
	NR_FIELDS,
};

static const char *const field_names[NR_FIELDS] = {
	[F_SCHED] = "sched",   [F_ROUND] = "round",	    [F_BENCH] = "bench",
	[F_METRIC] = "metric", [F_VALUE] = "value",	    [F_UNIT] = "unit",
	[F_BETTER] = "better", [F_OVERFLOWS] = "overflows", [F_DATA] = "data",
	[F_REASON] = "reason",
};

static const struct {
	const char *id;
	const char *title;
} bench_titles[] = {
	{"latency", "Interactive latency under CPU load (cyclictest, stress-ng --cpu 2xCPUs)"},
	{"hackbench_pipe", "hackbench (pipes)"},
	{"hackbench_socket", "hackbench (sockets)"},
	{"stressng_cpu", "stress-ng --cpu throughput"},
	{"pingpong", "Wake-up ping-pong (pipe round trips)"},
	{"reqwork", "Request/worker server (reqwork: 1 dispatcher, 2xCPUs workers, 1 ms bursts)"},
	{"mixed", "Mixed: latency probe + hackbench"},
	{"overhead", "Scheduler overhead"},
	{"fallback", "Fallback: daemon stopped / killed"},
};

static const struct {
	const char *name;
	const char *title;
} instr_titles[] = {
	{"decisions_s", "decisions/s"},
	{"decisions_per_run", "decisions per daemon run"},
	{"preempt_per_decision", "preemptions per decision"},
	{"preempt_daemon_per_decision", "daemon preemptions per decision"},
	{"direct_pct", "direct (no round trip) %"},
	{"migrated_s", "moved between CPUs /s"},
	{"move_local_us", "move from own run queue us"},
	{"move_remote_us", "move from another run queue us"},
	{"moves_remote_pct", "moves from another run queue %"},
	{"rtt_p50_us", "round trip p50 us"},
	{"rtt_p99_us", "round trip p99 us"},
};

/* Room for @need elements of @size at @p (capacity *@cap); NULL when out of memory. */
static void *reserve(void *p, int *cap, int need, size_t size)
{
	int ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return p;
	while (ncap < need)
		ncap *= 2;
	n = realloc(p, (size_t)ncap * size);
	if (n)
		*cap = ncap;
	return n;
}

static int reject(struct bench_results *r, int lineno, const char *fmt, ...)
{
	va_list ap;
	int len;

	len = snprintf(r->msg, sizeof(r->msg), "line %d: ", lineno);
	va_start(ap, fmt);
	vsnprintf(r->msg + len, sizeof(r->msg) - len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void bench_results_init(struct bench_results *r)
{
	memset(r, 0, sizeof(*r));
}

static void free_bench(struct bench_bench *b)
{
	int i;

	for (i = 0; i < b->nr_metrics; i++) {
		free(b->metrics[i].name);
		free(b->metrics[i].unit);
		free(b->metrics[i].samples);
	}
	free(b->metrics);
	free(b->name);
}

void bench_results_free(struct bench_results *r)
{
	int i;

	for (i = 0; i < r->nr_meta; i++) {
		free(r->meta[i].key);
		free(r->meta[i].value);
	}
	for (i = 0; i < r->nr_scheds; i++)
		free(r->scheds[i]);
	for (i = 0; i < r->nr_benches; i++)
		free_bench(&r->benches[i]);
	for (i = 0; i < r->nr_hists; i++)
		free(r->hists[i].buckets);
	for (i = 0; i < r->nr_errors; i++)
		free(r->errors[i].reason);
	free(r->meta);
	free(r->scheds);
	free(r->benches);
	free(r->hists);
	free(r->errors);
	bench_results_init(r);
}

const char *bench_results_meta(const struct bench_results *r, const char *key)
{
	int i;

	for (i = 0; i < r->nr_meta; i++)
		if (!strcmp(r->meta[i].key, key))
			return r->meta[i].value;
	return NULL;
}

int bench_results_sched(const struct bench_results *r, const char *name)
{
	int i;

	for (i = 0; i < r->nr_scheds; i++)
		if (!strcmp(r->scheds[i], name))
			return i;
	return -1;
}

int bench_results_bench(const struct bench_results *r, const char *name)
{
	int i;

	for (i = 0; i < r->nr_benches; i++)
		if (!strcmp(r->benches[i].name, name))
			return i;
	return -1;
}

const struct bench_hist *bench_results_hist(const struct bench_results *r, int sched, int bench)
{
	int i;

	for (i = 0; i < r->nr_hists; i++)
		if (r->hists[i].sched == sched && r->hists[i].bench == bench)
			return &r->hists[i];
	return NULL;
}

bool bench_results_has_hist(const struct bench_results *r, int bench)
{
	int i;

	for (i = 0; i < r->nr_hists; i++)
		if (r->hists[i].bench == bench)
			return true;
	return false;
}

bool bench_results_has_error(const struct bench_results *r, int sched, int bench)
{
	int i;

	for (i = 0; i < r->nr_errors; i++)
		if (r->errors[i].sched == sched && r->errors[i].bench == bench)
			return true;
	return false;
}

/* The index of scheduler @name, added if new; -ENOMEM. */
static int intern_sched(struct bench_results *r, const char *name)
{
	int i = bench_results_sched(r, name);
	char **v;

	if (i >= 0)
		return i;
	v = reserve(r->scheds, &r->cap_scheds, r->nr_scheds + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->scheds = v;
	v[r->nr_scheds] = strdup(name);
	if (!v[r->nr_scheds])
		return -ENOMEM;
	return r->nr_scheds++;
}

static int intern_bench(struct bench_results *r, const char *name)
{
	int i = bench_results_bench(r, name);
	struct bench_bench *b;

	if (i >= 0)
		return i;
	b = reserve(r->benches, &r->cap_benches, r->nr_benches + 1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	r->benches = b;
	b += r->nr_benches;
	memset(b, 0, sizeof(*b));
	b->name = strdup(name);
	if (!b->name)
		return -ENOMEM;
	return r->nr_benches++;
}

static enum bench_better parse_better(const char *s)
{
	if (s && !strcmp(s, "lower"))
		return BENCH_BETTER_LOWER;
	if (s && !strcmp(s, "higher"))
		return BENCH_BETTER_HIGHER;
	return BENCH_BETTER_NONE;
}

const char *bench_better_name(enum bench_better b)
{
	switch (b) {
	case BENCH_BETTER_LOWER:
		return "lower";
	case BENCH_BETTER_HIGHER:
		return "higher";
	default:
		return "none";
	}
}

/* Metric @name of @b, added (with @unit and @better) if new; NULL when out of memory. */
static struct bench_metric *intern_metric(struct bench_bench *b, const char *name, const char *unit,
					  enum bench_better better)
{
	struct bench_metric *m;
	int i;

	for (i = 0; i < b->nr_metrics; i++)
		if (!strcmp(b->metrics[i].name, name))
			return &b->metrics[i];
	m = reserve(b->metrics, &b->cap_metrics, b->nr_metrics + 1, sizeof(*m));
	if (!m)
		return NULL;
	b->metrics = m;
	m += b->nr_metrics;
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	m->unit = strdup(unit ? unit : "");
	m->better = better;
	if (!m->name || !m->unit) {
		free(m->name);
		free(m->unit);
		return NULL;
	}
	b->nr_metrics++;
	return m;
}

/*
 * Split @s (modified) into key=value words. Unknown keys and words without
 * "=" are ignored; with @reason_to_eol, "reason=" takes the rest of the line.
 */
static void parse_fields(char *s, const char *f[NR_FIELDS], bool reason_to_eol)
{
	char *word, *eq;
	int i;

	for (;;) {
		s += strspn(s, " \t");
		if (!*s)
			return;
		if (reason_to_eol && !strncmp(s, "reason=", 7)) {
			f[F_REASON] = s + 7;
			return;
		}
		word = s;
		s += strcspn(s, " \t");
		if (*s)
			*s++ = '\0';
		eq = strchr(word, '=');
		if (!eq)
			continue;
		*eq = '\0';
		for (i = 0; i < NR_FIELDS; i++)
			if (!strcmp(word, field_names[i]))
				f[i] = eq + 1;
	}
}

/* The first of the required fields (-1 terminated) that is missing or empty, or NULL. */
static const char *missing_field(const char *f[NR_FIELDS], const int *required)
{
	for (; *required >= 0; required++)
		if (!f[*required] || !*f[*required])
			return field_names[*required];
	return NULL;
}

static bool parse_double(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return !*end && !errno && isfinite(*out);
}

static bool parse_int(const char *s, int *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < -1000000000L || v > 1000000000L)
		return false;
	*out = (int)v;
	return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !*end && !errno;
}

/* round= is optional (0 when absent) but must be an integer when given. */
static int parse_round(struct bench_results *r, int lineno, const char *s, int *round)
{
	*round = 0;
	if (s && !parse_int(s, round))
		return reject(r, lineno, "round is not an integer: '%s'", s);
	return 0;
}

static int add_meta_pair(struct bench_results *r, const char *key, const char *value)
{
	struct bench_kv *kv;
	char *v = strdup(value);
	int i;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < r->nr_meta; i++) {
		if (!strcmp(r->meta[i].key, key)) {
			free(r->meta[i].value);
			r->meta[i].value = v;
			return 0;
		}
	}
	kv = reserve(r->meta, &r->cap_meta, r->nr_meta + 1, sizeof(*kv));
	if (!kv) {
		free(v);
		return -ENOMEM;
	}
	r->meta = kv;
	kv[r->nr_meta].key = strdup(key);
	kv[r->nr_meta].value = v;
	if (!kv[r->nr_meta].key) {
		free(v);
		return -ENOMEM;
	}
	r->nr_meta++;
	return 0;
}

/* meta KEY=VALUE...: words without "=" or with an empty key are skipped. */
static int add_meta(struct bench_results *r, char *args)
{
	char *save = NULL, *word, *eq;
	int err;

	for (word = strtok_r(args, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
		eq = strchr(word, '=');
		if (!eq || eq == word)
			continue;
		*eq = '\0';
		err = add_meta_pair(r, word, eq + 1);
		if (err)
			return err;
	}
	return 0;
}

static int add_sample(struct bench_results *r, char *args, int lineno)
{
	static const int required[] = {F_SCHED, F_BENCH, F_METRIC, F_VALUE, -1};
	const char *f[NR_FIELDS] = {0};
	struct bench_metric *m;
	struct bench_sample *s;
	const char *missing;
	int sched, bench, round;
	double value;

	parse_fields(args, f, false);
	missing = missing_field(f, required);
	if (missing)
		return reject(r, lineno, "sample without %s=", missing);
	if (!parse_double(f[F_VALUE], &value))
		return reject(r, lineno, "sample value is not a number: '%s'", f[F_VALUE]);
	if (parse_round(r, lineno, f[F_ROUND], &round))
		return -EINVAL;
	sched = intern_sched(r, f[F_SCHED]);
	bench = intern_bench(r, f[F_BENCH]);
	if (sched < 0 || bench < 0)
		return -ENOMEM;
	m = intern_metric(&r->benches[bench], f[F_METRIC], f[F_UNIT], parse_better(f[F_BETTER]));
	if (!m)
		return -ENOMEM;
	s = reserve(m->samples, &m->cap_samples, m->nr_samples + 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	m->samples = s;
	s[m->nr_samples++] = (struct bench_sample){.sched = sched, .round = round, .value = value};
	r->nr_samples++;
	return BENCH_LINE_USED;
}

/* Parse "L:C,L:C,..." into a new array (*out, *nr); -EINVAL or -ENOMEM. */
static int parse_hist_data(const char *data, struct bench_bucket **out, int *nr)
{
	char *copy = strdup(data), *save = NULL, *pair, *colon;
	struct bench_bucket *b = NULL, *nb;
	int n = 0, cap = 0, err = 0;

	if (!copy)
		return -ENOMEM;
	for (pair = strtok_r(copy, ",", &save); pair; pair = strtok_r(NULL, ",", &save)) {
		struct bench_bucket bk;

		colon = strchr(pair, ':');
		if (!colon) {
			err = -EINVAL;
			break;
		}
		*colon = '\0';
		if (!parse_double(pair, &bk.lat_us) || bk.lat_us < 0 ||
		    !parse_u64(colon + 1, &bk.count)) {
			err = -EINVAL;
			break;
		}
		nb = reserve(b, &cap, n + 1, sizeof(*b));
		if (!nb) {
			err = -ENOMEM;
			break;
		}
		b = nb;
		b[n++] = bk;
	}
	free(copy);
	if (err) {
		free(b);
		return err;
	}
	*out = b;
	*nr = n;
	return 0;
}

static int cmp_bucket(const void *a, const void *b)
{
	double x = ((const struct bench_bucket *)a)->lat_us;
	double y = ((const struct bench_bucket *)b)->lat_us;

	return x < y ? -1 : x > y;
}

/*
 * Add the @nr buckets @add (sorted here) to @h, keeping its buckets sorted
 * and one per latency: a merge, as a histogram may have thousands of buckets.
 */
static int hist_merge(struct bench_hist *h, struct bench_bucket *add, int nr)
{
	struct bench_bucket *old = h->buckets, *v;
	int i = 0, j = 0, n = 0;

	if (!nr)
		return 0;
	qsort(add, nr, sizeof(*add), cmp_bucket);
	v = malloc((size_t)(h->nr_buckets + nr) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	while (i < h->nr_buckets || j < nr) {
		struct bench_bucket b;

		if (j == nr || (i < h->nr_buckets && old[i].lat_us <= add[j].lat_us))
			b = old[i++];
		else
			b = add[j++];
		if (n && v[n - 1].lat_us == b.lat_us)
			v[n - 1].count += b.count;
		else
			v[n++] = b;
	}
	free(old);
	h->buckets = v;
	h->nr_buckets = n;
	return 0;
}

/* The histogram of (@sched, @bench), added empty if new; NULL when out of memory. */
static struct bench_hist *intern_hist(struct bench_results *r, int sched, int bench)
{
	struct bench_hist *h = (struct bench_hist *)bench_results_hist(r, sched, bench);

	if (h)
		return h;
	h = reserve(r->hists, &r->cap_hists, r->nr_hists + 1, sizeof(*h));
	if (!h)
		return NULL;
	r->hists = h;
	h += r->nr_hists++;
	memset(h, 0, sizeof(*h));
	h->sched = sched;
	h->bench = bench;
	return h;
}

static int add_hist(struct bench_results *r, char *args, int lineno)
{
	static const int required[] = {F_SCHED, F_BENCH, -1};
	const char *f[NR_FIELDS] = {0};
	struct bench_bucket *buckets = NULL;
	struct bench_hist *h;
	const char *missing;
	int sched, bench, round, nr = 0, err;
	uint64_t overflows = 0;

	parse_fields(args, f, false);
	missing = missing_field(f, required);
	if (missing)
		return reject(r, lineno, "hist without %s=", missing);
	if (parse_round(r, lineno, f[F_ROUND], &round))
		return -EINVAL;
	if (f[F_OVERFLOWS] && !parse_u64(f[F_OVERFLOWS], &overflows))
		return reject(r, lineno, "hist overflows is not a count: '%s'", f[F_OVERFLOWS]);
	err = parse_hist_data(f[F_DATA] ? f[F_DATA] : "", &buckets, &nr);
	if (err == -EINVAL)
		return reject(r, lineno, "hist data is not LATENCY:COUNT,...: '%s'", f[F_DATA]);
	if (err)
		return err;
	sched = intern_sched(r, f[F_SCHED]);
	bench = intern_bench(r, f[F_BENCH]);
	h = sched < 0 || bench < 0 ? NULL : intern_hist(r, sched, bench);
	err = h ? hist_merge(h, buckets, nr) : -ENOMEM;
	free(buckets);
	if (err)
		return err;
	h->overflows += overflows;
	return BENCH_LINE_USED;
}

static int add_error(struct bench_results *r, char *args, int lineno)
{
	static const int required[] = {F_SCHED, F_BENCH, -1};
	const char *f[NR_FIELDS] = {0};
	struct bench_error *e;
	const char *missing;
	int sched, bench, round;
	char *reason;
	size_t len;

	parse_fields(args, f, true);
	missing = missing_field(f, required);
	if (missing)
		return reject(r, lineno, "error without %s=", missing);
	if (parse_round(r, lineno, f[F_ROUND], &round))
		return -EINVAL;
	reason = strdup(f[F_REASON] ? f[F_REASON] : "");
	if (!reason)
		return -ENOMEM;
	for (len = strlen(reason); len && (reason[len - 1] == ' ' || reason[len - 1] == '\t');)
		reason[--len] = '\0';
	sched = intern_sched(r, f[F_SCHED]);
	bench = intern_bench(r, f[F_BENCH]);
	e = NULL;
	if (sched >= 0 && bench >= 0)
		e = reserve(r->errors, &r->cap_errors, r->nr_errors + 1, sizeof(*e));
	if (!e) {
		free(reason);
		return -ENOMEM;
	}
	r->errors = e;
	e[r->nr_errors++] = (struct bench_error){
		.sched = sched, .bench = bench, .round = round, .reason = reason};
	return BENCH_LINE_USED;
}

/* Dispatch on the record kind, the first word of @rest (modified). */
static int add_record(struct bench_results *r, char *rest, int lineno)
{
	char *kind = rest + strspn(rest, " \t");
	char *args = kind + strcspn(kind, " \t");

	if (*args)
		*args++ = '\0';
	if (!strcmp(kind, "END")) {
		r->complete = true;
		return BENCH_LINE_USED;
	}
	if (!strcmp(kind, "meta")) {
		int err = add_meta(r, args);

		return err ? err : BENCH_LINE_USED;
	}
	if (!strcmp(kind, "sample"))
		return add_sample(r, args, lineno);
	if (!strcmp(kind, "hist"))
		return add_hist(r, args, lineno);
	if (!strcmp(kind, "error"))
		return add_error(r, args, lineno);
	if (!*kind)
		return reject(r, lineno, "no record kind after '" BENCH_PREFIX "'");
	return reject(r, lineno, "unknown record kind '%s'", kind);
}

int bench_results_add_line(struct bench_results *r, const char *line, int lineno)
{
	size_t plen = strlen(BENCH_PREFIX), len;
	char *copy;
	int ret;

	if (strncmp(line, BENCH_PREFIX, plen))
		return BENCH_LINE_IGNORED;
	copy = strdup(line + plen);
	if (!copy)
		return -ENOMEM;
	len = strlen(copy);
	if (len && copy[len - 1] == '\n')
		copy[--len] = '\0';
	if (len && copy[len - 1] == '\r')
		copy[--len] = '\0';
	ret = add_record(r, copy, lineno);
	free(copy);
	return ret;
}

/* Add the schedulers of the "scheds" meta key to r->scheds and mark them in @order. */
static int listed_scheds(struct bench_results *r, int *order, int *nr)
{
	const char *list = bench_results_meta(r, "scheds");
	char *copy, *save = NULL, *name;
	int i, j, err = 0;

	if (!list)
		return 0;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		i = intern_sched(r, name);
		if (i < 0) {
			err = i;
			break;
		}
		for (j = 0; j < *nr && order[j] != i; j++)
			;
		if (j == *nr)
			order[(*nr)++] = i;
	}
	free(copy);
	return err;
}

static void remap_scheds(struct bench_results *r, const int *map)
{
	int i, j, k;

	for (i = 0; i < r->nr_benches; i++)
		for (j = 0; j < r->benches[i].nr_metrics; j++)
			for (k = 0; k < r->benches[i].metrics[j].nr_samples; k++) {
				struct bench_sample *s = &r->benches[i].metrics[j].samples[k];

				s->sched = map[s->sched];
			}
	for (i = 0; i < r->nr_hists; i++)
		r->hists[i].sched = map[r->hists[i].sched];
	for (i = 0; i < r->nr_errors; i++)
		r->errors[i].sched = map[r->errors[i].sched];
}

int bench_results_finish(struct bench_results *r)
{
	const char *list = bench_results_meta(r, "scheds");
	int cap = r->nr_scheds + 1, *order, *map = NULL;
	char **names = NULL;
	int nr = 0, i, j, err;

	/* room for the schedulers seen and those only listed (commas + 1) */
	for (; list && *list; list++)
		cap += *list == ',';
	order = calloc(cap + 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	err = listed_scheds(r, order, &nr);
	if (!err) {
		map = calloc(r->nr_scheds + 1, sizeof(*map));
		names = calloc(r->nr_scheds + 1, sizeof(*names));
		err = map && names ? 0 : -ENOMEM;
	}
	for (i = 0; !err && i < r->nr_scheds; i++) {
		for (j = 0; j < nr && order[j] != i; j++)
			;
		if (j == nr)
			order[nr++] = i;
	}
	for (i = 0; !err && i < nr; i++) {
		names[i] = r->scheds[order[i]];
		map[order[i]] = i;
	}
	if (!err) {
		memcpy(r->scheds, names, (size_t)nr * sizeof(*names));
		remap_scheds(r, map);
	}
	free(order);
	free(map);
	free(names);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_stats_compute(double *v, int n, struct bench_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	if (n <= 0)
		return;
	qsort(v, n, sizeof(*v), cmp_double);
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	if (s->median != 0) {
		s->has_spread = true;
		s->spread_pct = (s->max - s->min) / fabs(s->median) * 100;
	} else if (s->max == s->min) {
		s->has_spread = true;
	}
}

/* The statistics of @m for @sched, without the ratio. */
static int plain_stats(const struct bench_metric *m, int sched, struct bench_stats *s)
{
	double *v = malloc((size_t)(m->nr_samples + 1) * sizeof(*v));
	int i, n = 0;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < m->nr_samples; i++)
		if (m->samples[i].sched == sched)
			v[n++] = m->samples[i].value;
	bench_stats_compute(v, n, s);
	free(v);
	return 0;
}

int bench_metric_stats(const struct bench_results *r, const struct bench_metric *m, int sched,
		       struct bench_stats *s)
{
	int base = bench_results_sched(r, BENCH_BASELINE);
	struct bench_stats b;
	int err;

	err = plain_stats(m, sched, s);
	if (err || !s->n || base < 0)
		return err;
	err = plain_stats(m, base, &b);
	if (err || !b.n || b.median == 0)
		return err;
	s->has_ratio = true;
	s->ratio = s->median / b.median;
	return 0;
}

enum bench_verdict bench_verdict(const struct bench_stats *s, const struct bench_stats *base,
				 enum bench_better better)
{
	double tolerance = base->has_spread ? base->spread_pct / 100 : 0;

	if (!s->n || !s->has_ratio || better == BENCH_BETTER_NONE)
		return BENCH_VERDICT_NONE;
	if (fabs(s->ratio - 1) <= tolerance)
		return BENCH_VERDICT_SAME;
	if ((s->ratio > 1) == (better == BENCH_BETTER_HIGHER))
		return BENCH_VERDICT_BETTER;
	return BENCH_VERDICT_WORSE;
}

const char *bench_title(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(bench_titles) / sizeof(bench_titles[0]); i++)
		if (!strcmp(bench_titles[i].id, id))
			return bench_titles[i].title;
	return id;
}

bool bench_metric_is_instr(const struct bench_metric *m)
{
	return !strncmp(m->name, BENCH_INSTR_PREFIX, strlen(BENCH_INSTR_PREFIX));
}

const char *bench_instr_title(const char *name)
{
	size_t i, n = strlen(BENCH_INSTR_PREFIX);

	if (!strncmp(name, BENCH_INSTR_PREFIX, n))
		name += n;
	for (i = 0; i < sizeof(instr_titles) / sizeof(instr_titles[0]); i++)
		if (!strcmp(instr_titles[i].name, name))
			return instr_titles[i].title;
	return name;
}
