// SPDX-License-Identifier: GPL-2.0
/*
 * report_json.c - writes results.json of a `make bench` run (json-c): the
 * meta keys, every sample with its statistics per bench / metric /
 * scheduler, the summed histograms and the errors.
 */
#include <errno.h>
#include <stdio.h>
#include <json-c/json.h>

#include "report.h"

/* A double as fixed text: 15 significant digits round-trip the guest's decimals. */
static struct json_object *num(double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", v);
	return json_object_new_double_s(v, buf);
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *meta_json(const struct bench_results *r)
{
	struct json_object *o = json_object_new_object();
	int i;

	for (i = 0; i < r->nr_meta; i++)
		add(o, r->meta[i].key, str(r->meta[i].value));
	return o;
}

static struct json_object *samples_json(const struct bench_metric *m, int sched)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < m->nr_samples; i++) {
		struct json_object *s;

		if (m->samples[i].sched != sched)
			continue;
		s = json_object_new_object();
		add(s, "round", json_object_new_int(m->samples[i].round));
		add(s, "value", num(m->samples[i].value));
		json_object_array_add(a, s);
	}
	return a;
}

static struct json_object *sched_json(const struct bench_results *r, const struct bench_metric *m,
				      int sched, const struct bench_stats *st)
{
	struct json_object *o = json_object_new_object();

	add(o, "sched", str(r->scheds[sched]));
	add(o, "samples", samples_json(m, sched));
	add(o, "n", json_object_new_int(st->n));
	add(o, "median", num(st->median));
	add(o, "min", num(st->min));
	add(o, "max", num(st->max));
	add(o, "spread_pct", st->has_spread ? num(st->spread_pct) : NULL);
	add(o, "ratio_to_baseline", st->has_ratio ? num(st->ratio) : NULL);
	return o;
}

/* The metric's object; *err is set on -ENOMEM. Schedulers without a sample are left out. */
static struct json_object *metric_json(const struct bench_results *r, const struct bench_metric *m,
				       int *err)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct bench_stats st;
	int i;

	add(o, "metric", str(m->name));
	add(o, "unit", str(m->unit));
	add(o, "better", str(bench_better_name(m->better)));
	for (i = 0; i < r->nr_scheds && !*err; i++) {
		*err = bench_metric_stats(r, m, i, &st);
		if (!*err && st.n)
			json_object_array_add(a, sched_json(r, m, i, &st));
	}
	add(o, "scheds", a);
	return o;
}

static struct json_object *benches_json(const struct bench_results *r, int *err)
{
	struct json_object *a = json_object_new_array();
	int i, j;

	for (i = 0; i < r->nr_benches; i++) {
		const struct bench_bench *b = &r->benches[i];
		struct json_object *o = json_object_new_object(), *ma = json_object_new_array();

		add(o, "bench", str(b->name));
		add(o, "title", str(bench_title(b->name)));
		for (j = 0; j < b->nr_metrics; j++)
			json_object_array_add(ma, metric_json(r, &b->metrics[j], err));
		add(o, "metrics", ma);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *hists_json(const struct bench_results *r)
{
	struct json_object *a = json_object_new_array();
	int i, j;

	for (i = 0; i < r->nr_hists; i++) {
		const struct bench_hist *h = &r->hists[i];
		struct json_object *o = json_object_new_object(), *d = json_object_new_array();

		add(o, "sched", str(r->scheds[h->sched]));
		add(o, "bench", str(r->benches[h->bench].name));
		add(o, "overflows", json_object_new_uint64(h->overflows));
		for (j = 0; j < h->nr_buckets; j++) {
			struct json_object *pair = json_object_new_array();

			json_object_array_add(pair, num(h->buckets[j].lat_us));
			json_object_array_add(pair, json_object_new_uint64(h->buckets[j].count));
			json_object_array_add(d, pair);
		}
		add(o, "data", d);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *errors_json(const struct bench_results *r)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < r->nr_errors; i++) {
		const struct bench_error *e = &r->errors[i];
		struct json_object *o = json_object_new_object();

		add(o, "sched", str(r->scheds[e->sched]));
		add(o, "round", json_object_new_int(e->round));
		add(o, "bench", str(r->benches[e->bench].name));
		add(o, "reason", str(e->reason));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *scheds_json(const struct bench_results *r)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < r->nr_scheds; i++)
		json_object_array_add(a, str(r->scheds[i]));
	return a;
}

int bench_write_json(const struct bench_results *r, const char *path)
{
	struct json_object *root = json_object_new_object();
	int err = 0;
	FILE *f;

	add(root, "meta", meta_json(r));
	add(root, "baseline", str(BENCH_BASELINE));
	add(root, "complete", json_object_new_boolean(r->complete));
	add(root, "scheds", scheds_json(r));
	add(root, "benches", benches_json(r, &err));
	add(root, "histograms", hists_json(r));
	add(root, "errors", errors_json(r));
	f = err ? NULL : fopen(path, "w");
	if (!err && !f)
		err = -errno;
	if (f) {
		fprintf(f, "%s\n",
			json_object_to_json_string_ext(
				root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE));
		if (fclose(f))
			err = -errno;
	}
	json_object_put(root);
	return err;
}
