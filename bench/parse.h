/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - parsers of the benchmark tools' output (hackbench, stress-ng,
 * cyclictest histograms, scx_cland counters lines), shared by the guest's
 * benchparse tool and the host tests (tests/bench/test_parse.c).
 */
#ifndef CLAND_BENCH_PARSE_H
#define CLAND_BENCH_PARSE_H

#include <stddef.h>
#include <stdio.h>

/* hackbench: "Time: 1.234" -> seconds. 0, or -1 when not found. */
int bp_hackbench(const char *text, double *seconds);

/*
 * stress-ng --metrics-brief: the "bogo ops/s (real time)" column of the
 * row of STRESSOR (e.g. "cpu"). 0, or -1 when not found.
 */
int bp_stressng(const char *text, const char *stressor, double *ops_per_s);

/*
 * A latency histogram in microseconds: count[us] for us < len, plus the
 * samples beyond it (overflows) and the largest latency seen (max_us, from
 * cyclictest's summary; -1 if unknown).
 */
struct bp_hist {
	unsigned long *count;
	size_t len;
	unsigned long overflows;
	long max_us;
	unsigned long samples; /* sum of count[] + overflows */
};

/*
 * cyclictest -q -h N output (first thread's column) -> hist (allocated;
 * bp_hist_free). Lines of any length are read (the overflow cycle list can
 * be long). 0, -1 on a read error or no sample.
 */
int bp_cyclictest(FILE *f, struct bp_hist *hist);
void bp_hist_free(struct bp_hist *hist);

/*
 * The smallest latency whose cumulative count reaches PCT percent of the
 * samples; when that falls among the overflows: max_us (or len if unknown).
 */
long bp_hist_pct(const struct bp_hist *hist, double pct);

/*
 * A "key=value" field of a counters line ("cland: queued=12 user=34 ...");
 * for "degraded=E/L" the value before the slash. 0, or -1 when missing.
 */
int bp_counter(const char *line, const char *key, double *value);

#endif
