// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - the bench harness's parsers (bench/parse.c) on output
 * recorded from the tools (tests/bench/samples/) and on edge cases, and the
 * instruments computed from recorded scx_cland counters lines (with and
 * without the round-trip fields).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parse.h"

#ifndef SAMPLES
#define SAMPLES "tests/bench/samples"
#endif

static char *slurp(const char *name)
{
	char path[512], *buf = NULL;
	size_t len = 0;
	FILE *f, *m;
	int c;

	snprintf(path, sizeof(path), "%s/%s", SAMPLES, name);
	f = fopen(path, "r");
	assert_non_null(f);
	m = open_memstream(&buf, &len);
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void hackbench_recorded(void **state)
{
	char *pipe = slurp("hackbench-pipe.txt"), *sock = slurp("hackbench-socket.txt");
	double s = 0;

	assert_int_equal(bp_hackbench(pipe, &s), 0);
	assert_float_equal(s, 0.173, 1e-9);
	assert_int_equal(bp_hackbench(sock, &s), 0);
	assert_float_equal(s, 0.250, 1e-9);
	free(pipe);
	free(sock);
}

static void hackbench_missing(void **state)
{
	double s = -1;

	assert_int_equal(bp_hackbench("Running in process mode\n", &s), -1);
	/* "Time:" must start a line and be followed by a number. */
	assert_int_equal(bp_hackbench("Real Time: 1.0\nTime: x\n", &s), -1);
	assert_int_equal(bp_hackbench("x\nTime: 2.5\n", &s), 0);
	assert_float_equal(s, 2.5, 1e-9);
}

static void stressng_recorded(void **state)
{
	char *t = slurp("stress-ng-cpu.txt");
	struct bp_stressng r = {0};

	assert_int_equal(bp_stressng(t, "cpu", &r), 0);
	assert_float_equal(r.ops_s, 1601.43, 1e-9);
	assert_float_equal(r.ops, 4804, 1e-9);
	assert_float_equal(r.real_s, 3.00, 1e-9);
	assert_float_equal(r.cpu_s, 2.99, 1e-9);
	/* The header row names no stressor; another stressor is absent. */
	assert_int_equal(bp_stressng(t, "stressor", &r), -1);
	assert_int_equal(bp_stressng(t, "fork", &r), -1);
	free(t);
}

static void stressng_old_format(void **state)
{
	const char *t = "stress-ng: info:  [9] cpu-online 10 1.00 0.5 0.5 10.00 10.00\n"
			"stress-ng: info:  [9] cpu 200 2.00 1.90 0.05 100.50 102.56\n";
	struct bp_stressng r = {0};

	assert_int_equal(bp_stressng(t, "cpu", &r), 0);
	assert_float_equal(r.ops_s, 100.5, 1e-9);
	assert_float_equal(r.cpu_s, 1.95, 1e-9);
	/* a row cut short, or with a field that is not a number: none */
	assert_int_equal(bp_stressng("stress-ng: info:  [9] cpu 200 2.00 1.90\n", "cpu", &r), -1);
	assert_int_equal(
		bp_stressng("stress-ng: info:  [9] cpu 200 2.0x 1.90 0.05 100.5\n", "cpu", &r), -1);
}

static void cyclictest_recorded(void **state)
{
	FILE *f = fopen(SAMPLES "/cyclictest-hist.txt", "r");
	struct bp_hist h;

	assert_non_null(f);
	assert_int_equal(bp_cyclictest(f, &h), 0);
	fclose(f);
	/* 2957 rows ("# Total:") + 7 overflows. */
	assert_int_equal(h.samples, 2964);
	assert_int_equal(h.overflows, 7);
	assert_int_equal(h.max_us, 3870);
	assert_int_equal(h.count[15], 1);
	assert_int_equal(h.count[18], 2);
	assert_int_equal(bp_hist_pct(&h, 0.01), 15);
	assert_int_equal(bp_hist_pct(&h, 50), 117);
	/* Beyond the histogram's range: the max from the summary. */
	assert_int_equal(bp_hist_pct(&h, 99.9), 3870);
	bp_hist_free(&h);
}

static void cyclictest_long_overflow_line(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct bp_hist h;
	int i;

	/* Rows as cyclictest prints them: zero-padded decimal, not octal. */
	fprintf(m, "# Histogram\n000010 000090\n000011 000000\n000012 000009\n");
	fprintf(m, "# Max Latencies: 05000\n# Histogram Overflows: 01000\n");
	fprintf(m, "# Thread 0:");
	for (i = 0; i < 1000; i++)
		fprintf(m, " %05d", i); /* a line far longer than any buffer */
	fprintf(m, "\n");
	fclose(m);
	m = fmemopen(buf, len, "r");
	assert_int_equal(bp_cyclictest(m, &h), 0);
	fclose(m);
	assert_int_equal(h.samples, 1099);
	assert_int_equal(h.count[10], 90);
	assert_int_equal(h.count[12], 9);
	assert_int_equal(bp_hist_pct(&h, 5), 10);
	assert_int_equal(bp_hist_pct(&h, 9), 12);
	assert_int_equal(bp_hist_pct(&h, 50), 5000);
	bp_hist_free(&h);
	free(buf);
}

static void cyclictest_empty(void **state)
{
	char text[] = "# /dev/cpu_dma_latency set to 0us\n# Histogram\n";
	FILE *m = fmemopen(text, strlen(text), "r");
	struct bp_hist h;

	assert_int_equal(bp_cyclictest(m, &h), -1);
	fclose(m);
}

static void counters_line(void **state)
{
	const char *l = "cland: queued=120 pending=0 user=5000 kernel=7 degraded=3/2 "
			"degraded_ms=40 faults=0";
	double v = -1;

	assert_int_equal(bp_counter(l, "user", &v), 0);
	assert_float_equal(v, 5000, 0);
	assert_int_equal(bp_counter(l, "degraded", &v), 0);
	assert_float_equal(v, 3, 0);
	assert_int_equal(bp_counter(l, "degraded_ms", &v), 0);
	assert_float_equal(v, 40, 0);
	assert_int_equal(bp_counter(l, "faults", &v), 0);
	assert_float_equal(v, 0, 0);
	/* "ms" is only part of other keys; "queue" only a prefix. */
	assert_int_equal(bp_counter(l, "ms", &v), -1);
	assert_int_equal(bp_counter(l, "queue", &v), -1);
}

static void reqwork_recorded(void **state)
{
	char *t = slurp("reqwork.txt");
	struct bp_reqwork r;

	assert_int_equal(bp_reqwork(t, &r), 0);
	assert_float_equal(r.requests_s, 685.9, 1e-9);
	assert_float_equal(r.req_p50_us, 5008.0, 1e-9);
	assert_float_equal(r.req_p99_us, 41060.0, 1e-9);
	assert_float_equal(r.samples, 1376, 0);
	assert_true(r.has_wake);
	assert_float_equal(r.wake_p50_us, 3032.3, 1e-9);
	assert_float_equal(r.wake_p99_us, 11497.3, 1e-9);
	assert_float_equal(r.wake_samples, 583, 0);
	free(t);
}

static void reqwork_edges(void **state)
{
	struct bp_reqwork r;

	/* No hand-out found its worker asleep: the wake-up fields are "-". */
	assert_int_equal(bp_reqwork("requests_s=10.0 req_p50_us=1.5 req_p99_us=3.0 "
				    "wake_p50_us=- wake_p99_us=- samples=20 wake_samples=0\n",
				    &r),
			 0);
	assert_float_equal(r.requests_s, 10, 0);
	assert_false(r.has_wake);
	/* The last result line counts; noise before it is skipped. */
	assert_int_equal(bp_reqwork("reqwork: warming up\nrequests_s=1 req_p50_us=1 "
				    "req_p99_us=1 samples=1\nrequests_s=2 req_p50_us=3 "
				    "req_p99_us=4 samples=5\n",
				    &r),
			 0);
	assert_float_equal(r.requests_s, 2, 0);
	assert_float_equal(r.req_p99_us, 4, 0);
	assert_false(r.has_wake);
	/* A required field missing, no samples, or no result line at all. */
	assert_int_equal(bp_reqwork("requests_s=2 req_p50_us=3 samples=5\n", &r), -1);
	assert_int_equal(bp_reqwork("requests_s=2 req_p50_us=3 req_p99_us=4 samples=0\n", &r), -1);
	assert_int_equal(bp_reqwork("usage: reqwork [-w WORKERS]\n", &r), -1);
	/* "requests_s=" must start the line. */
	assert_int_equal(bp_reqwork("x requests_s=2 req_p50_us=3 req_p99_us=4 samples=5\n", &r),
			 -1);
}

/* Line @n (0-based) of sample file @name, without its newline. */
static char *sample_line(const char *name, int n)
{
	char *t = slurp(name), *p = t, *line;

	while (n-- > 0) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	line = strndup(p, strcspn(p, "\n"));
	free(t);
	return line;
}

static void counters_old_format(void **state)
{
	char *l = sample_line("counters-old.txt", 0);
	struct bp_counters z, c;
	struct bp_instr in;

	assert_int_equal(bp_counters(l, &c), 0);
	assert_true(c.has[BP_CTR_QUEUED] && c.has[BP_CTR_USER] && c.has[BP_CTR_USERSCHED]);
	assert_true(c.has[BP_CTR_PREEMPT]);
	assert_float_equal(c.v[BP_CTR_USER], 16539, 0);
	assert_float_equal(c.v[BP_CTR_PREEMPT], 7783, 0);
	/* Fields of the newer daemon: absent, not 0. */
	assert_false(c.has[BP_CTR_DIRECT]);
	assert_false(c.has[BP_CTR_PREEMPT_DAEMON]);
	assert_false(c.has_rtt);
	/* Over the daemon's whole run: only the figures its counters give. */
	bp_counters_zero(&z);
	bp_instruments(&z, &c, 10, &in);
	assert_true(in.has[BP_I_DECISIONS_S]);
	assert_float_equal(in.v[BP_I_DECISIONS_S], 1653.9, 1e-9);
	assert_float_equal(in.v[BP_I_PER_RUN], 16539.0 / 6006, 1e-12);
	assert_float_equal(in.v[BP_I_PREEMPT], 7783.0 / 16539, 1e-12);
	assert_false(in.has[BP_I_PREEMPT_DAEMON]);
	assert_false(in.has[BP_I_DIRECT_PCT]);
	assert_false(in.has[BP_I_RTT_P50]);
	assert_false(in.has[BP_I_RTT_P99]);
	free(l);
	l = sample_line("counters-old.txt", 1);
	assert_int_equal(bp_counters(l, &c), 0);
	assert_float_equal(c.v[BP_CTR_QUEUED], 51537, 0);
	free(l);
}

static void counters_new_format(void **state)
{
	char *l0 = sample_line("counters-new.txt", 0), *l1 = sample_line("counters-new.txt", 1);
	struct bp_counters a, b;
	struct bp_instr in;
	int i;

	assert_int_equal(bp_counters(l0, &a), 0);
	assert_int_equal(bp_counters(l1, &b), 0);
	for (i = 0; i < BP_NR_CTRS; i++)
		assert_true((a.has[i] && b.has[i]) || i >= BP_CTR_MIGRATED);
	/* a daemon from before `migrated` and the moves: absent, and no figure from them */
	assert_false(a.has[BP_CTR_MIGRATED]);
	assert_false(a.has[BP_CTR_MOVES_REMOTE_NS]);
	assert_float_equal(a.v[BP_CTR_DIRECT], 11, 0);
	assert_float_equal(a.v[BP_CTR_PREEMPT_DAEMON], 181, 0);
	assert_true(a.has_rtt);
	assert_int_equal(a.rtt[17], 105);
	assert_int_equal(a.rtt[24], 2);
	assert_int_equal(a.rtt[23], 0);
	bp_instruments(&a, &b, 2.5, &in);
	assert_float_equal(in.v[BP_I_DECISIONS_S], 873 / 2.5, 1e-9);
	assert_float_equal(in.v[BP_I_PER_RUN], 873.0 / 405, 1e-12);
	assert_float_equal(in.v[BP_I_PREEMPT], 233.0 / 873, 1e-12);
	assert_float_equal(in.v[BP_I_PREEMPT_DAEMON], 404.0 / 873, 1e-12);
	/* No direct dispatch in the interval: 0 %, not absent. */
	assert_true(in.has[BP_I_DIRECT_PCT]);
	assert_float_equal(in.v[BP_I_DIRECT_PCT], 0, 0);
	/*
	 * The histogram's delta: 873 round trips. p50 is rank 437, the 99th of
	 * 266 in [2^18, 2^19) ns; p99 rank 865, the 5th of 11 in [2^23, 2^24).
	 */
	assert_int_equal(in.rtt_samples, 873);
	assert_float_equal(in.v[BP_I_RTT_P50], 262.144 * (1 + 99.0 / 266), 1e-9);
	assert_float_equal(in.v[BP_I_RTT_P99], 8388.608 * (1 + 5.0 / 11), 1e-9);
	assert_false(in.has[BP_I_MIGRATED_S]);
	assert_false(in.has[BP_I_MOVE_LOCAL_US] || in.has[BP_I_MOVE_REMOTE_US] ||
		     in.has[BP_I_REMOTE_PCT]);
	/* The other way round the counters go back (a restart): no figure. */
	bp_instruments(&b, &a, 2.5, &in);
	for (i = 0; i < BP_NR_INSTR; i++)
		assert_false(in.has[i]);
	/* The same line twice: 0 decisions/s, nothing divided by 0. */
	bp_instruments(&a, &a, 1, &in);
	assert_true(in.has[BP_I_DECISIONS_S]);
	assert_float_equal(in.v[BP_I_DECISIONS_S], 0, 0);
	assert_false(in.has[BP_I_PER_RUN]);
	assert_false(in.has[BP_I_PREEMPT]);
	assert_false(in.has[BP_I_RTT_P50]);
	free(l0);
	free(l1);
}

/* Tasks moved between CPUs, a second: the delta of `migrated` over the interval. */
static void counters_migrated(void **state)
{
	struct bp_counters a, b;
	struct bp_instr in;

	assert_int_equal(bp_counters("cland: queued=10 user=10 migrated=7", &a), 0);
	assert_int_equal(bp_counters("cland: queued=20 user=20 migrated=17 faults=0", &b), 0);
	assert_true(a.has[BP_CTR_MIGRATED] && b.has[BP_CTR_MIGRATED]);
	bp_instruments(&a, &b, 2, &in);
	assert_true(in.has[BP_I_MIGRATED_S]);
	assert_float_equal(in.v[BP_I_MIGRATED_S], 5, 0);
	/* none moved: 0 a second, not absent */
	bp_instruments(&a, &a, 2, &in);
	assert_true(in.has[BP_I_MIGRATED_S]);
	assert_float_equal(in.v[BP_I_MIGRATED_S], 0, 0);
}

/*
 * A dispatch's moves: the mean time of a local one and of a remote one over
 * the interval, and the remote share; a kind with no move has no mean.
 */
static void counters_moves(void **state)
{
	struct bp_counters a, b;
	struct bp_instr in;

	assert_int_equal(bp_counters("cland: queued=1 moves_local=10 moves_local_ns=150000 "
				     "moves_remote=5 moves_remote_ns=900000",
				     &a),
			 0);
	assert_int_equal(bp_counters("cland: queued=2 moves_local=40 moves_local_ns=600000 "
				     "moves_remote=65 moves_remote_ns=12900000 faults=0",
				     &b),
			 0);
	bp_instruments(&a, &b, 1, &in);
	assert_true(in.has[BP_I_MOVE_LOCAL_US] && in.has[BP_I_MOVE_REMOTE_US]);
	assert_float_equal(in.v[BP_I_MOVE_LOCAL_US], 15, 1e-9);	  /* 450 us / 30 */
	assert_float_equal(in.v[BP_I_MOVE_REMOTE_US], 200, 1e-9); /* 12000 us / 60 */
	assert_float_equal(in.v[BP_I_REMOTE_PCT], 200.0 / 3, 1e-9);
	/* no move in the interval: no mean time, no share */
	bp_instruments(&a, &a, 1, &in);
	assert_false(in.has[BP_I_MOVE_LOCAL_US] || in.has[BP_I_MOVE_REMOTE_US] ||
		     in.has[BP_I_REMOTE_PCT]);
	/* remote moves only: 100% remote, no local mean */
	assert_int_equal(bp_counters("cland: queued=3 moves_local=10 moves_local_ns=150000 "
				     "moves_remote=6 moves_remote_ns=1000000",
				     &b),
			 0);
	bp_instruments(&a, &b, 1, &in);
	assert_false(in.has[BP_I_MOVE_LOCAL_US]);
	assert_float_equal(in.v[BP_I_MOVE_REMOTE_US], 100, 1e-9);
	assert_float_equal(in.v[BP_I_REMOTE_PCT], 100, 0);
}

static void counters_rtt_field(void **state)
{
	struct bp_counters c;

	assert_int_equal(bp_counters("cland: queued=1 user=1 rtt_log2=- faults=0", &c), 0);
	assert_true(c.has_rtt);
	assert_int_equal(c.rtt[0], 0);
	assert_int_equal(bp_counters("cland: queued=1 rtt_log2=63:5,0:1,0:2", &c), 0);
	assert_true(c.has_rtt);
	assert_int_equal(c.rtt[63], 5);
	assert_int_equal(c.rtt[0], 3);
	/* Malformed: absent, the other counters still there. */
	assert_int_equal(bp_counters("cland: queued=1 user=4 rtt_log2=64:1 faults=0", &c), 0);
	assert_false(c.has_rtt);
	assert_true(c.has[BP_CTR_USER]);
	assert_int_equal(bp_counters("cland: queued=1 rtt_log2=14:x", &c), 0);
	assert_false(c.has_rtt);
	assert_int_equal(bp_counters("cland: queued=1 rtt_log2=14:2;15:1", &c), 0);
	assert_false(c.has_rtt);
	assert_int_equal(bp_counters("cland: queued=1 rtt_log2=-5", &c), 0);
	assert_false(c.has_rtt);
	/* Not a counters line. */
	assert_int_equal(bp_counters("scx_cland: scheduling with policy deadline", &c), -1);
}

static void log2_percentiles(void **state)
{
	unsigned long long b[BP_RTT_BUCKETS] = {0};
	double us = -1;

	assert_int_equal(bp_log2_pct(b, 50, &us), -1);
	/* 4 round trips in [1024, 2048) ns: ranks 1..4 at 1280, 1536, 1792, 2048 ns. */
	b[10] = 4;
	assert_int_equal(bp_log2_pct(b, 50, &us), 0);
	assert_float_equal(us, 1.536, 1e-12);
	assert_int_equal(bp_log2_pct(b, 99, &us), 0);
	assert_float_equal(us, 2.048, 1e-12);
	assert_int_equal(bp_log2_pct(b, 0, &us), 0);
	assert_float_equal(us, 1.28, 1e-12);
	/* 100 samples, 99 in bucket 10, 1 in bucket 20: p99 is the last of bucket 10. */
	b[10] = 99;
	b[20] = 1;
	assert_int_equal(bp_log2_pct(b, 99, &us), 0);
	assert_float_equal(us, 2.048, 1e-12);
	assert_int_equal(bp_log2_pct(b, 100, &us), 0);
	assert_float_equal(us, 2097.152, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hackbench_recorded),
		cmocka_unit_test(hackbench_missing),
		cmocka_unit_test(stressng_recorded),
		cmocka_unit_test(stressng_old_format),
		cmocka_unit_test(cyclictest_recorded),
		cmocka_unit_test(cyclictest_long_overflow_line),
		cmocka_unit_test(cyclictest_empty),
		cmocka_unit_test(counters_line),
		cmocka_unit_test(reqwork_recorded),
		cmocka_unit_test(reqwork_edges),
		cmocka_unit_test(counters_old_format),
		cmocka_unit_test(counters_new_format),
		cmocka_unit_test(counters_migrated),
		cmocka_unit_test(counters_moves),
		cmocka_unit_test(counters_rtt_field),
		cmocka_unit_test(log2_percentiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
