// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - the bench harness's parsers (bench/parse.c) on output
 * recorded from the tools (tests/bench/samples/) and on edge cases.
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
	double v = 0;

	assert_int_equal(bp_stressng(t, "cpu", &v), 0);
	assert_float_equal(v, 1601.43, 1e-9);
	/* The header row names no stressor; another stressor is absent. */
	assert_int_equal(bp_stressng(t, "stressor", &v), -1);
	assert_int_equal(bp_stressng(t, "fork", &v), -1);
	free(t);
}

static void stressng_old_format(void **state)
{
	const char *t = "stress-ng: info:  [9] cpu-online 10 1.00 0.5 0.5 10.00 10.00\n"
			"stress-ng: info:  [9] cpu 200 2.00 1.90 0.05 100.50 102.56\n";
	double v = 0;

	assert_int_equal(bp_stressng(t, "cpu", &v), 0);
	assert_float_equal(v, 100.5, 1e-9);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
