/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - the in-memory model of a `make bench` run: the guest's
 * "CLAND-BENCH: " lines parsed into meta keys, samples per bench / metric /
 * scheduler, latency histograms and errors, plus the statistics the report
 * shows (median, min, max, spread, ratio to the EEVDF baseline). No I/O.
 */
#ifndef __CLAND_BENCH_RESULTS_H
#define __CLAND_BENCH_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#define BENCH_PREFIX   "CLAND-BENCH: "
#define BENCH_BASELINE "eevdf"
#define BENCH_MSG_MAX  256
/* Metrics named so are a bench's instruments (scx_cland counters over it). */
#define BENCH_INSTR_PREFIX "instr."

enum bench_better {
	BENCH_BETTER_NONE,
	BENCH_BETTER_LOWER,
	BENCH_BETTER_HIGHER,
};

/* What bench_results_add_line() did with a line (or a negative errno). */
enum bench_line {
	BENCH_LINE_IGNORED = 0, /* not a CLAND-BENCH line */
	BENCH_LINE_USED = 1,
};

/* Scheduler and bench fields are indices into bench_results.scheds / .benches. */
struct bench_sample {
	int sched;
	int round;
	double value;
};

struct bench_metric {
	char *name;
	char *unit; /* of the first sample; "" when none was given */
	enum bench_better better;
	struct bench_sample *samples; /* in input order */
	int nr_samples, cap_samples;
};

struct bench_bench {
	char *name;
	struct bench_metric *metrics; /* in first-seen order */
	int nr_metrics, cap_metrics;
};

struct bench_bucket {
	double lat_us;
	uint64_t count;
};

/* The histograms of one (scheduler, bench), summed over the rounds. */
struct bench_hist {
	int sched;
	int bench;
	uint64_t overflows;
	struct bench_bucket *buckets; /* sorted by lat_us, one per latency */
	int nr_buckets;
};

struct bench_error {
	int sched;
	int bench;
	int round;
	char *reason;
};

struct bench_kv {
	char *key;
	char *value;
};

struct bench_results {
	struct bench_kv *meta; /* first-seen key order, the last value of each */
	int nr_meta, cap_meta;
	char **scheds; /* first-seen order until bench_results_finish() */
	int nr_scheds, cap_scheds;
	struct bench_bench *benches;
	int nr_benches, cap_benches;
	struct bench_hist *hists;
	int nr_hists, cap_hists;
	struct bench_error *errors;
	int nr_errors, cap_errors;
	int nr_samples;
	bool complete;		 /* an END line was seen */
	char msg[BENCH_MSG_MAX]; /* why the last rejected line was rejected */
};

/* Statistics of one metric for one scheduler. */
struct bench_stats {
	int n;
	double median; /* the mean of the two middle values for an even n */
	double min;
	double max;
	bool has_spread;   /* false when the median is 0 and min != max */
	double spread_pct; /* (max - min) / |median| * 100 */
	bool has_ratio;	   /* false without baseline samples or with a 0 baseline median */
	double ratio;	   /* median / baseline median */
};

/* How a scheduler compares to the baseline (see bench_verdict()). */
enum bench_verdict {
	BENCH_VERDICT_NONE, /* no ratio, or better=none */
	BENCH_VERDICT_SAME,
	BENCH_VERDICT_BETTER,
	BENCH_VERDICT_WORSE,
};

void bench_results_init(struct bench_results *r);
void bench_results_free(struct bench_results *r);

/*
 * Parse one line of the results file (a trailing "\n" and "\r" are ignored).
 * Returns BENCH_LINE_USED, BENCH_LINE_IGNORED for a line that does not start
 * with BENCH_PREFIX, -EINVAL for a malformed CLAND-BENCH line (nothing is
 * kept; r->msg says why, prefixed with "line LINENO: ") or -ENOMEM.
 */
int bench_results_add_line(struct bench_results *r, const char *line, int lineno);

/*
 * Call once all lines are in: puts the schedulers in the order of the
 * "scheds" meta key (listed ones first, then the others in first-seen
 * order). Returns 0 or -ENOMEM.
 */
int bench_results_finish(struct bench_results *r);

/* The value of meta key @key, or NULL. */
const char *bench_results_meta(const struct bench_results *r, const char *key);
/* The index of scheduler / bench @name, or -1. */
int bench_results_sched(const struct bench_results *r, const char *name);
int bench_results_bench(const struct bench_results *r, const char *name);
/* The summed histogram of (@sched, @bench), or NULL. */
const struct bench_hist *bench_results_hist(const struct bench_results *r, int sched, int bench);
/* Whether @bench has at least one histogram. */
bool bench_results_has_hist(const struct bench_results *r, int bench);
/* Whether @sched has at least one error on @bench. */
bool bench_results_has_error(const struct bench_results *r, int sched, int bench);

/*
 * Statistics of the @n values @v (sorted in place). Leaves the ratio unset.
 * With n == 0 everything is 0.
 */
void bench_stats_compute(double *v, int n, struct bench_stats *s);
/*
 * Statistics of metric @m for scheduler @sched, with the ratio of its median
 * to the baseline's. s->n == 0 when @sched has no sample. Returns 0 or -ENOMEM.
 */
int bench_metric_stats(const struct bench_results *r, const struct bench_metric *m, int sched,
		       struct bench_stats *s);
/*
 * Better / worse when the ratio differs from 1 by more than the baseline's
 * spread (as a fraction), else the same.
 */
enum bench_verdict bench_verdict(const struct bench_stats *s, const struct bench_stats *base,
				 enum bench_better better);

/* The human title of bench @id, or @id itself. */
const char *bench_title(const char *id);
/* Whether @m is an instrument (its name starts with BENCH_INSTR_PREFIX). */
bool bench_metric_is_instr(const struct bench_metric *m);
/* The column title of instrument metric @name, or its name without the prefix. */
const char *bench_instr_title(const char *name);
/* "lower", "higher" or "none". */
const char *bench_better_name(enum bench_better b);

#endif /* __CLAND_BENCH_RESULTS_H */
