/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - parsers of the benchmark tools' output (hackbench, stress-ng,
 * cyclictest histograms, reqwork, scx_cland counters lines) and the
 * instruments computed from two counters lines, shared by the guest's
 * benchparse tool and the host tests (tests/bench/test_parse.c).
 */
#ifndef CLAND_BENCH_PARSE_H
#define CLAND_BENCH_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* hackbench: "Time: 1.234" -> seconds. 0, or -1 when not found. */
int bp_hackbench(const char *text, double *seconds);

/* A stress-ng --metrics-brief row: its stressor's instances together. */
struct bp_stressng {
	double ops;    /* bogo ops */
	double real_s; /* wall time */
	double cpu_s;  /* user + system time, summed over the instances */
	double ops_s;  /* bogo ops/s (real time) */
};

/*
 * stress-ng --metrics-brief: the row of STRESSOR (e.g. "cpu"). 0, or -1 when
 * not found or a field is not a number.
 */
int bp_stressng(const char *text, const char *stressor, struct bp_stressng *r);

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

/*
 * reqwork's result line (the last line of TEXT starting "requests_s=").
 * The wake-up figures are optional (has_wake): reqwork prints "-" when no
 * hand-out found its worker asleep. 0, or -1 when a required field
 * (requests_s, req_p50_us, req_p99_us, samples > 0) is missing.
 */
struct bp_reqwork {
	double requests_s, req_p50_us, req_p99_us;
	double samples;
	bool has_wake;
	double wake_p50_us, wake_p99_us, wake_samples;
};

int bp_reqwork(const char *text, struct bp_reqwork *r);

/* The counters of a counters line the instruments use. */
enum bp_ctr {
	BP_CTR_QUEUED,	       /* tasks sent to user space */
	BP_CTR_USER,	       /* decisions applied */
	BP_CTR_DIRECT,	       /* wake-ups dispatched in BPF without the round trip */
	BP_CTR_USERSCHED,      /* daemon wake-ups */
	BP_CTR_PREEMPT,	       /* CPUs preempted for a more urgent task */
	BP_CTR_PREEMPT_DAEMON, /* CPUs preempted to run the daemon */
	BP_CTR_MIGRATED,       /* tasks queued on one CPU's run queue, run on another */
	BP_CTR_MOVES_LOCAL,    /* a dispatch's moves of tasks on its own run queue */
	BP_CTR_MOVES_LOCAL_NS, /* and their wall time */
	BP_CTR_MOVES_REMOTE,   /* of tasks on another CPU's run queue */
	BP_CTR_MOVES_REMOTE_NS,
	BP_NR_CTRS,
};

/* Buckets of the round-trip histogram: bucket I counts [2^I, 2^(I+1)) ns. */
#define BP_RTT_BUCKETS 64

/*
 * One scx_cland counters line: each counter with whether the line has it
 * (older daemons lack some), and the round-trip histogram ("rtt_log2=I:C,...",
 * "-" when empty; has_rtt false when absent or malformed).
 */
struct bp_counters {
	double v[BP_NR_CTRS];
	bool has[BP_NR_CTRS];
	bool has_rtt;
	unsigned long long rtt[BP_RTT_BUCKETS];
};

/* The counters at the daemon's start: all present, all 0. */
void bp_counters_zero(struct bp_counters *c);

/* Parse a counters line ("cland: queued=..."). 0, or -1 without "queued=". */
int bp_counters(const char *line, struct bp_counters *c);

/*
 * The PCT percentile of a log2 histogram in us: the nearest-rank sample,
 * placed by linear interpolation of its rank within its bucket (the last
 * sample of bucket I is 2^(I+1) ns). 0, or -1 when the histogram is empty.
 */
int bp_log2_pct(const unsigned long long *b, double pct, double *us);

/* The instruments: figures over an interval, from two counters lines. */
enum bp_instr_id {
	BP_I_DECISIONS_S,    /* delta user / seconds */
	BP_I_PER_RUN,	     /* delta user / delta usersched */
	BP_I_PREEMPT,	     /* delta preempt / delta user */
	BP_I_PREEMPT_DAEMON, /* delta preempt_daemon / delta user */
	BP_I_DIRECT_PCT,     /* delta direct / (delta direct + delta queued), % */
	BP_I_MIGRATED_S,     /* delta migrated / seconds */
	BP_I_MOVE_LOCAL_US,  /* delta moves_local_ns / delta moves_local, us */
	BP_I_MOVE_REMOTE_US, /* delta moves_remote_ns / delta moves_remote, us */
	BP_I_REMOTE_PCT,     /* delta moves_remote / (delta moves_local + delta moves_remote), % */
	BP_I_RTT_P50,	     /* of the histogram's delta, us */
	BP_I_RTT_P99,
	BP_NR_INSTR,
};

struct bp_instr {
	double v[BP_NR_INSTR];
	bool has[BP_NR_INSTR];
	unsigned long long rtt_samples; /* round trips in the interval */
};

/* Name (metric id), unit and better ("lower"/"none") of each instrument. */
struct bp_instr_info {
	const char *name, *unit, *better;
};

extern const struct bp_instr_info bp_instr_info[BP_NR_INSTR];

/*
 * The instruments between @before and @after, @seconds apart. A figure is
 * left out (has[] false) when a counter it needs is missing from either
 * line, went backwards (the daemon restarted) or its divisor is 0.
 */
void bp_instruments(const struct bp_counters *before, const struct bp_counters *after,
		    double seconds, struct bp_instr *out);

#endif
