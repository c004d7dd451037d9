// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - parsers of the benchmark tools' output and the instruments
 * computed from scx_cland counters lines; see parse.h.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int bp_hackbench(const char *text, double *seconds)
{
	const char *p = text;
	char *end;

	while ((p = strstr(p, "Time:"))) {
		if (p == text || p[-1] == '\n') {
			*seconds = strtod(p + 5, &end);
			if (end != p + 5)
				return 0;
		}
		p += 5;
	}
	return -1;
}

/* The N numbers at S into V; the end of the last, or NULL when one is not a number. */
static const char *numbers(const char *s, double *v, int n)
{
	char *end;

	while (n-- > 0) {
		*v++ = strtod(s, &end);
		if (end == s || (*end && *end != ' ' && *end != '\t' && *end != '\n'))
			return NULL;
		s = end;
	}
	return s;
}

/*
 * A metrics row: "stress-ng: metrc: [PID] cpu  OPS REAL USR SYS OPS/S
 * OPS/S" (older versions say "info:"). Fields after the stressor name:
 * bogo ops, real, usr, sys time, bogo ops/s (real time), bogo ops/s (usr+sys).
 */
int bp_stressng(const char *text, const char *stressor, struct bp_stressng *r)
{
	size_t n = strlen(stressor);
	const char *line = text;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *p = strchr(line, ']');
		const char *nl = strchr(line, '\n');
		double v[5];

		if (strncmp(line, "stress-ng:", 10) || !p || (nl && p > nl))
			continue;
		p++;
		while (*p == ' ')
			p++;
		if (strncmp(p, stressor, n) || (p[n] != ' ' && p[n] != '\t'))
			continue;
		p = numbers(p + n, v, 5);
		if (!p || (nl && p > nl))
			continue;
		r->ops = v[0];
		r->real_s = v[1];
		r->cpu_s = v[2] + v[3];
		r->ops_s = v[4];
		return 0;
	}
	return -1;
}

/* Value after "KEY:" on a "# KEY: value" summary line, or -1. */
static long summary(const char *line, const char *key)
{
	const char *p;

	if (line[0] != '#')
		return -1;
	p = strstr(line, key);
	if (!p)
		return -1;
	return strtol(p + strlen(key), NULL, 10);
}

/* Count LAT (us) once more COUNT times, growing the histogram. */
static int hist_add(struct bp_hist *h, unsigned long lat, unsigned long cnt)
{
	if (lat >= h->len) {
		size_t len = h->len ? h->len : 1024;
		unsigned long *c;

		while (len <= lat)
			len *= 2;
		c = realloc(h->count, len * sizeof(*c));
		if (!c)
			return -1;
		memset(c + h->len, 0, (len - h->len) * sizeof(*c));
		h->count = c;
		h->len = len;
	}
	h->count[lat] += cnt;
	h->samples += cnt;
	return 0;
}

/* One histogram row "000123 000045": decimal (not octal) fields. */
static int hist_row(struct bp_hist *h, const char *line)
{
	unsigned long lat, cnt;
	char *end;

	if (!isdigit((unsigned char)line[0]))
		return 0;
	lat = strtoul(line, &end, 10);
	if (*end != ' ' && *end != '\t')
		return 0;
	cnt = strtoul(end, NULL, 10);
	if (!cnt || lat > 10000000)
		return 0;
	return hist_add(h, lat, cnt);
}

int bp_cyclictest(FILE *f, struct bp_hist *h)
{
	char *line = NULL;
	size_t cap = 0;
	long v;
	int err = 0;

	memset(h, 0, sizeof(*h));
	h->max_us = -1;
	while (!err && getline(&line, &cap, f) >= 0) {
		if ((v = summary(line, "Max Latencies:")) >= 0)
			h->max_us = v;
		else if ((v = summary(line, "Histogram Overflows:")) >= 0)
			h->overflows = v;
		else
			err = hist_row(h, line);
	}
	free(line);
	h->samples += h->overflows;
	if (err || ferror(f) || !h->samples) {
		bp_hist_free(h);
		return -1;
	}
	return 0;
}

void bp_hist_free(struct bp_hist *h)
{
	free(h->count);
	h->count = NULL;
	h->len = 0;
}

long bp_hist_pct(const struct bp_hist *h, double pct)
{
	double need = pct / 100.0 * h->samples;
	unsigned long cum = 0;
	size_t l;

	for (l = 0; l < h->len; l++) {
		cum += h->count[l];
		if (cum && cum >= need)
			return l;
	}
	return h->max_us >= 0 ? h->max_us : (long)h->len;
}

/* The text after "KEY=" in LINE (KEY a whole word), or NULL. */
static const char *field_value(const char *line, const char *key)
{
	size_t n = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[n] == '=')
			return p + n + 1;
		p += n;
	}
	return NULL;
}

int bp_counter(const char *line, const char *key, double *value)
{
	const char *p = field_value(line, key);
	char *end;

	if (!p)
		return -1;
	*value = strtod(p, &end);
	return end != p ? 0 : -1;
}

/* The last line of TEXT starting with PREFIX, as a new string; NULL if none. */
static char *last_line(const char *text, const char *prefix)
{
	const char *line = text, *found = NULL;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, prefix, strlen(prefix)))
			found = line;
	return found ? strndup(found, strcspn(found, "\n")) : NULL;
}

int bp_reqwork(const char *text, struct bp_reqwork *r)
{
	char *l = last_line(text, "requests_s=");
	int err;

	memset(r, 0, sizeof(*r));
	if (!l)
		return -1;
	err = bp_counter(l, "requests_s", &r->requests_s) ||
	      bp_counter(l, "req_p50_us", &r->req_p50_us) ||
	      bp_counter(l, "req_p99_us", &r->req_p99_us) ||
	      bp_counter(l, "samples", &r->samples) || r->samples <= 0;
	r->has_wake = !bp_counter(l, "wake_p50_us", &r->wake_p50_us) &&
		      !bp_counter(l, "wake_p99_us", &r->wake_p99_us) &&
		      !bp_counter(l, "wake_samples", &r->wake_samples) && r->wake_samples > 0;
	free(l);
	return err ? -1 : 0;
}

static const char *const ctr_keys[BP_NR_CTRS] = {
	[BP_CTR_QUEUED] = "queued",
	[BP_CTR_USER] = "user",
	[BP_CTR_DIRECT] = "direct",
	[BP_CTR_USERSCHED] = "usersched",
	[BP_CTR_PREEMPT] = "preempt",
	[BP_CTR_PREEMPT_DAEMON] = "preempt_daemon",
	[BP_CTR_MIGRATED] = "migrated",
	[BP_CTR_MOVES_LOCAL] = "moves_local",
	[BP_CTR_MOVES_LOCAL_NS] = "moves_local_ns",
	[BP_CTR_MOVES_REMOTE] = "moves_remote",
	[BP_CTR_MOVES_REMOTE_NS] = "moves_remote_ns",
};

void bp_counters_zero(struct bp_counters *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < BP_NR_CTRS; i++)
		c->has[i] = true;
	c->has_rtt = true;
}

/* "I:C,I:C,..." or "-" (up to a blank) into @b. 0, or -1 when malformed. */
static int parse_log2(const char *s, unsigned long long *b)
{
	unsigned long i;
	char *end;

	memset(b, 0, BP_RTT_BUCKETS * sizeof(*b));
	if (*s == '-')
		return s[1] && !isspace((unsigned char)s[1]) ? -1 : 0;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			return -1;
		i = strtoul(s, &end, 10);
		if (*end != ':' || i >= BP_RTT_BUCKETS || !isdigit((unsigned char)end[1]))
			return -1;
		b[i] += strtoull(end + 1, &end, 10);
		if (*end != ',')
			return *end && !isspace((unsigned char)*end) ? -1 : 0;
		s = end + 1;
	}
}

int bp_counters(const char *line, struct bp_counters *c)
{
	const char *rtt;
	int i;

	memset(c, 0, sizeof(*c));
	if (!field_value(line, "queued"))
		return -1;
	for (i = 0; i < BP_NR_CTRS; i++)
		c->has[i] = !bp_counter(line, ctr_keys[i], &c->v[i]);
	rtt = field_value(line, "rtt_log2");
	c->has_rtt = rtt && !parse_log2(rtt, c->rtt);
	return 0;
}

int bp_log2_pct(const unsigned long long *b, double pct, double *us)
{
	unsigned long long total = 0, cum = 0, rank;
	int i;

	for (i = 0; i < BP_RTT_BUCKETS; i++)
		total += b[i];
	if (!total)
		return -1;
	rank = (unsigned long long)ceil(pct * total / 100);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < BP_RTT_BUCKETS; i++) {
		if (b[i] && cum + b[i] >= rank)
			break;
		cum += b[i];
	}
	*us = ldexp(1 + (double)(rank - cum) / b[i], i) / 1000;
	return 0;
}

const struct bp_instr_info bp_instr_info[BP_NR_INSTR] = {
	[BP_I_DECISIONS_S] = {"decisions_s", "1/s", "none"},
	[BP_I_PER_RUN] = {"decisions_per_run", "1/run", "none"},
	[BP_I_PREEMPT] = {"preempt_per_decision", "1/decision", "none"},
	[BP_I_PREEMPT_DAEMON] = {"preempt_daemon_per_decision", "1/decision", "none"},
	[BP_I_DIRECT_PCT] = {"direct_pct", "%", "none"},
	[BP_I_MIGRATED_S] = {"migrated_s", "1/s", "none"},
	[BP_I_MOVE_LOCAL_US] = {"move_local_us", "us", "none"},
	[BP_I_MOVE_REMOTE_US] = {"move_remote_us", "us", "none"},
	[BP_I_REMOTE_PCT] = {"moves_remote_pct", "%", "none"},
	[BP_I_RTT_P50] = {"rtt_p50_us", "us", "lower"},
	[BP_I_RTT_P99] = {"rtt_p99_us", "us", "lower"},
};

/* after - before of counter @k in *@d; false when either lacks it or it went back. */
static bool delta(const struct bp_counters *a, const struct bp_counters *b, int k, double *d)
{
	if (!a->has[k] || !b->has[k] || b->v[k] < a->v[k])
		return false;
	*d = b->v[k] - a->v[k];
	return true;
}

static void set(struct bp_instr *o, int id, double v)
{
	o->v[id] = v;
	o->has[id] = true;
}

/*
 * A dispatch's moves: the mean wall time of a local and of a remote one, and
 * the remote ones' share.
 */
static void move_instruments(const struct bp_counters *a, const struct bp_counters *b,
			     struct bp_instr *o)
{
	double nl, tl, nr, tr;
	bool local =
		delta(a, b, BP_CTR_MOVES_LOCAL, &nl) && delta(a, b, BP_CTR_MOVES_LOCAL_NS, &tl);
	bool remote =
		delta(a, b, BP_CTR_MOVES_REMOTE, &nr) && delta(a, b, BP_CTR_MOVES_REMOTE_NS, &tr);

	if (local && nl > 0)
		set(o, BP_I_MOVE_LOCAL_US, tl / nl / 1000);
	if (remote && nr > 0)
		set(o, BP_I_MOVE_REMOTE_US, tr / nr / 1000);
	if (local && remote && nl + nr > 0)
		set(o, BP_I_REMOTE_PCT, nr / (nl + nr) * 100);
}

/* The round-trip percentiles of the histogram's delta. */
static void rtt_instruments(const struct bp_counters *a, const struct bp_counters *b,
			    struct bp_instr *o)
{
	unsigned long long d[BP_RTT_BUCKETS];
	double us;
	int i;

	if (!a->has_rtt || !b->has_rtt)
		return;
	for (i = 0; i < BP_RTT_BUCKETS; i++) {
		if (b->rtt[i] < a->rtt[i])
			return;
		d[i] = b->rtt[i] - a->rtt[i];
		o->rtt_samples += d[i];
	}
	if (!bp_log2_pct(d, 50, &us))
		set(o, BP_I_RTT_P50, us);
	if (!bp_log2_pct(d, 99, &us))
		set(o, BP_I_RTT_P99, us);
}

void bp_instruments(const struct bp_counters *a, const struct bp_counters *b, double seconds,
		    struct bp_instr *o)
{
	double user, runs, pre, pred, direct, queued, migrated;
	bool has_user = delta(a, b, BP_CTR_USER, &user);

	memset(o, 0, sizeof(*o));
	if (has_user && seconds > 0)
		set(o, BP_I_DECISIONS_S, user / seconds);
	if (has_user && delta(a, b, BP_CTR_USERSCHED, &runs) && runs > 0)
		set(o, BP_I_PER_RUN, user / runs);
	if (has_user && user > 0 && delta(a, b, BP_CTR_PREEMPT, &pre))
		set(o, BP_I_PREEMPT, pre / user);
	if (has_user && user > 0 && delta(a, b, BP_CTR_PREEMPT_DAEMON, &pred))
		set(o, BP_I_PREEMPT_DAEMON, pred / user);
	if (delta(a, b, BP_CTR_DIRECT, &direct) && delta(a, b, BP_CTR_QUEUED, &queued) &&
	    direct + queued > 0)
		set(o, BP_I_DIRECT_PCT, direct / (direct + queued) * 100);
	if (delta(a, b, BP_CTR_MIGRATED, &migrated) && seconds > 0)
		set(o, BP_I_MIGRATED_S, migrated / seconds);
	move_instruments(a, b, o);
	rtt_instruments(a, b, o);
}
