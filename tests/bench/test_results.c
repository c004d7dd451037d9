// SPDX-License-Identifier: GPL-2.0
/*
 * test_results.c - tests of cland-bench-report (bench/results.c, report*.c,
 * plots.c): parsing of each CLAND-BENCH line kind, rejection of malformed
 * lines, the statistics (median, spread, ratio to EEVDF, verdict), the
 * scheduler order, and whole runs on tests/bench/samples/results-small.txt
 * checked through results.json (json-c) and report.md.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "report.h"
#include "results.h"

#ifndef SAMPLES
#define SAMPLES "tests/bench/samples"
#endif
#define SMALL SAMPLES "/results-small.txt"

#define P BENCH_PREFIX

/* Feed @lines (NULL-terminated) to a fresh @r, each must be used; then finish. */
static void load(struct bench_results *r, const char *const *lines)
{
	int i;

	bench_results_init(r);
	for (i = 0; lines[i]; i++)
		assert_int_equal(bench_results_add_line(r, lines[i], i + 1), BENCH_LINE_USED);
	assert_int_equal(bench_results_finish(r), 0);
}

static const struct bench_metric *metric(const struct bench_results *r, const char *bench,
					 const char *name)
{
	int b = bench_results_bench(r, bench), i;

	assert_true(b >= 0);
	for (i = 0; i < r->benches[b].nr_metrics; i++)
		if (!strcmp(r->benches[b].metrics[i].name, name))
			return &r->benches[b].metrics[i];
	fail_msg("no metric %s in %s", name, bench);
	return NULL;
}

static struct bench_stats stats(const struct bench_results *r, const char *bench, const char *name,
				const char *sched)
{
	struct bench_stats s;
	int i = bench_results_sched(r, sched);

	assert_true(i >= 0);
	assert_int_equal(bench_metric_stats(r, metric(r, bench, name), i, &s), 0);
	return s;
}

static void test_sample_line(void **state)
{
	static const char *const lines[] = {
		P "sample sched=eevdf round=2 bench=hackbench_pipe metric=seconds value=1.25 "
		  "unit=s better=lower",
		NULL,
	};
	struct bench_results r;
	const struct bench_metric *m;

	(void)state;
	load(&r, lines);
	assert_int_equal(r.nr_samples, 1);
	assert_int_equal(r.nr_scheds, 1);
	assert_string_equal(r.scheds[0], "eevdf");
	assert_int_equal(r.nr_benches, 1);
	m = metric(&r, "hackbench_pipe", "seconds");
	assert_string_equal(m->unit, "s");
	assert_int_equal(m->better, BENCH_BETTER_LOWER);
	assert_int_equal(m->nr_samples, 1);
	assert_int_equal(m->samples[0].sched, 0);
	assert_int_equal(m->samples[0].round, 2);
	assert_float_equal(m->samples[0].value, 1.25, 0);
	assert_false(r.complete);
	bench_results_free(&r);
}

static void test_key_order_and_unknown_keys(void **state)
{
	static const char *const a[] = {
		P "sample sched=s1 round=1 bench=b metric=m value=3 unit=ms better=higher",
		NULL,
	};
	static const char *const b[] = {
		P "sample better=higher future=yes value=3 metric=m  unit=ms\tbench=b round=1 "
		  "sched=s1 junk",
		NULL,
	};
	struct bench_results ra, rb;
	const struct bench_metric *ma, *mb;

	(void)state;
	load(&ra, a);
	load(&rb, b);
	ma = metric(&ra, "b", "m");
	mb = metric(&rb, "b", "m");
	assert_string_equal(ma->unit, mb->unit);
	assert_int_equal(ma->better, BENCH_BETTER_HIGHER);
	assert_int_equal(mb->better, BENCH_BETTER_HIGHER);
	assert_int_equal(mb->samples[0].round, 1);
	assert_float_equal(mb->samples[0].value, 3, 0);
	assert_string_equal(rb.scheds[0], "s1");
	bench_results_free(&ra);
	bench_results_free(&rb);
}

static void test_other_lines_ignored_and_cr_stripped(void **state)
{
	struct bench_results r;

	(void)state;
	bench_results_init(&r);
	assert_int_equal(bench_results_add_line(&r, "[ 1.0] random console line\n", 1),
			 BENCH_LINE_IGNORED);
	assert_int_equal(bench_results_add_line(&r, "CLAND-PROGRESS: step 1/3", 2),
			 BENCH_LINE_IGNORED);
	assert_int_equal(bench_results_add_line(&r, " " P "END", 3), BENCH_LINE_IGNORED);
	assert_int_equal(bench_results_add_line(&r, "", 4), BENCH_LINE_IGNORED);
	assert_false(r.complete);
	assert_int_equal(bench_results_add_line(
				 &r, P "sample sched=a bench=b metric=m value=2.5 unit=s\r\n", 5),
			 BENCH_LINE_USED);
	assert_string_equal(metric(&r, "b", "m")->unit, "s");
	assert_float_equal(metric(&r, "b", "m")->samples[0].value, 2.5, 0);
	/* no better= means none; no round= means 0 */
	assert_int_equal(metric(&r, "b", "m")->better, BENCH_BETTER_NONE);
	assert_int_equal(metric(&r, "b", "m")->samples[0].round, 0);
	assert_int_equal(bench_results_add_line(&r, P "END\r\n", 6), BENCH_LINE_USED);
	assert_true(r.complete);
	bench_results_free(&r);
}

static void test_malformed_lines_rejected(void **state)
{
	static const char *const bad[] = {
		P "sample round=1 bench=b metric=m value=1",
		P "sample sched=a round=1 metric=m value=1",
		P "sample sched=a round=1 bench=b value=1",
		P "sample sched=a round=1 bench=b metric=m",
		P "sample sched=a round=1 bench=b metric=m value=",
		P "sample sched=a round=1 bench=b metric=m value=abc",
		P "sample sched=a round=1 bench=b metric=m value=1.5x",
		P "sample sched=a round=1 bench=b metric=m value=nan",
		P "sample sched=a round=1 bench=b metric=m value=inf",
		P "sample sched=a round=one bench=b metric=m value=1",
		P "hist round=1 bench=b data=1:2",
		P "hist sched=a round=1 bench=b data=1:2,3",
		P "hist sched=a round=1 bench=b data=1:-2",
		P "hist sched=a round=1 bench=b data=x:2",
		P "hist sched=a round=1 bench=b overflows=many data=1:2",
		P "error sched=a round=1 reason=no bench",
		P "frobnicate sched=a",
		P "",
		NULL,
	};
	struct bench_results r;
	char want[32];
	int i;

	(void)state;
	bench_results_init(&r);
	for (i = 0; bad[i]; i++) {
		assert_int_equal(bench_results_add_line(&r, bad[i], 100 + i), -EINVAL);
		snprintf(want, sizeof(want), "line %d: ", 100 + i);
		assert_memory_equal(r.msg, want, strlen(want));
	}
	/* nothing of a rejected line is kept */
	assert_int_equal(r.nr_samples, 0);
	assert_int_equal(r.nr_scheds, 0);
	assert_int_equal(r.nr_benches, 0);
	assert_int_equal(r.nr_hists, 0);
	assert_int_equal(r.nr_errors, 0);
	assert_int_equal(bench_results_add_line(&r, P "frobnicate x=1", 7), -EINVAL);
	assert_string_equal(r.msg, "line 7: unknown record kind 'frobnicate'");
	assert_int_equal(bench_results_add_line(&r, P "sample sched=a bench=b metric=m", 8),
			 -EINVAL);
	assert_string_equal(r.msg, "line 8: sample without value=");
	bench_results_free(&r);
}

static void test_meta_later_wins(void **state)
{
	static const char *const lines[] = {
		P "meta kernel=7.2 nproc=2 rounds=3 qemu=tcg",
		P "meta rounds=5 quick=1 noequals =novalue",
		NULL,
	};
	struct bench_results r;

	(void)state;
	load(&r, lines);
	assert_int_equal(r.nr_meta, 5);
	assert_string_equal(bench_results_meta(&r, "kernel"), "7.2");
	assert_string_equal(bench_results_meta(&r, "rounds"), "5");
	assert_string_equal(bench_results_meta(&r, "quick"), "1");
	assert_string_equal(r.meta[0].key, "kernel");
	assert_string_equal(r.meta[4].key, "quick");
	assert_null(bench_results_meta(&r, "noequals"));
	bench_results_free(&r);
}

static void test_hist_summed_over_rounds(void **state)
{
	static const char *const lines[] = {
		P "hist sched=a round=1 bench=lat overflows=2 data=10:5,100:3,1000:2",
		P "hist sched=a round=2 bench=lat overflows=1 data=1000:1,10:1,50:4",
		P "hist sched=a round=3 bench=lat data=",
		P "hist sched=b round=1 bench=lat overflows=0 data=5:7",
		NULL,
	};
	static const double lat[] = {10, 50, 100, 1000};
	static const uint64_t count[] = {6, 4, 3, 3};
	struct bench_results r;
	const struct bench_hist *h;
	int i;

	(void)state;
	load(&r, lines);
	assert_int_equal(r.nr_hists, 2);
	assert_int_equal(r.nr_samples, 0);
	h = bench_results_hist(&r, bench_results_sched(&r, "a"), bench_results_bench(&r, "lat"));
	assert_non_null(h);
	assert_int_equal(h->overflows, 3);
	assert_int_equal(h->nr_buckets, 4);
	for (i = 0; i < 4; i++) {
		assert_float_equal(h->buckets[i].lat_us, lat[i], 0);
		assert_int_equal(h->buckets[i].count, count[i]);
	}
	h = bench_results_hist(&r, bench_results_sched(&r, "b"), bench_results_bench(&r, "lat"));
	assert_non_null(h);
	assert_int_equal(h->nr_buckets, 1);
	assert_int_equal(h->buckets[0].count, 7);
	assert_true(bench_results_has_hist(&r, bench_results_bench(&r, "lat")));
	bench_results_free(&r);
}

static void test_error_line(void **state)
{
	static const char *const lines[] = {
		P "error sched=cland-fifo round=3 bench=hackbench_pipe reason=hackbench -g 4 "
		  "failed: x=1 Killed  \r",
		P "error bench=latency sched=eevdf reason=",
		NULL,
	};
	struct bench_results r;

	(void)state;
	load(&r, lines);
	assert_int_equal(r.nr_errors, 2);
	assert_string_equal(r.scheds[r.errors[0].sched], "cland-fifo");
	assert_string_equal(r.benches[r.errors[0].bench].name, "hackbench_pipe");
	assert_int_equal(r.errors[0].round, 3);
	assert_string_equal(r.errors[0].reason, "hackbench -g 4 failed: x=1 Killed");
	assert_string_equal(r.errors[1].reason, "");
	assert_true(bench_results_has_error(&r, r.errors[0].sched, r.errors[0].bench));
	assert_false(bench_results_has_error(&r, r.errors[0].sched, r.errors[1].bench));
	bench_results_free(&r);
}

static void test_median_odd_even(void **state)
{
	double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2}, one[] = {7}, zero[] = {0, 0};
	double zmix[] = {-1, 0, 1};
	struct bench_stats s;

	(void)state;
	bench_stats_compute(odd, 3, &s);
	assert_int_equal(s.n, 3);
	assert_float_equal(s.median, 3, 0);
	assert_float_equal(s.min, 1, 0);
	assert_float_equal(s.max, 5, 0);
	assert_true(s.has_spread);
	assert_float_equal(s.spread_pct, 400.0 / 3, 1e-9);
	assert_false(s.has_ratio);
	bench_stats_compute(even, 4, &s);
	assert_float_equal(s.median, 2.5, 0);
	assert_float_equal(s.spread_pct, 120, 1e-9);
	bench_stats_compute(one, 1, &s);
	assert_float_equal(s.median, 7, 0);
	assert_float_equal(s.spread_pct, 0, 0);
	bench_stats_compute(zero, 2, &s);
	assert_true(s.has_spread);
	assert_float_equal(s.spread_pct, 0, 0);
	bench_stats_compute(zmix, 3, &s);
	assert_false(s.has_spread);
	bench_stats_compute(NULL, 0, &s);
	assert_int_equal(s.n, 0);
}

static const char *const ratio_lines[] = {
	P "sample sched=eevdf round=1 bench=b metric=t value=2.0 unit=s better=lower",
	P "sample sched=eevdf round=2 bench=b metric=t value=2.2 unit=s better=lower",
	P "sample sched=fast round=1 bench=b metric=t value=1.5 unit=s better=lower",
	P "sample sched=fast round=2 bench=b metric=t value=1.7 unit=s better=lower",
	P "sample sched=close round=1 bench=b metric=t value=2.2 unit=s better=lower",
	P "sample sched=close round=2 bench=b metric=t value=2.2 unit=s better=lower",
	P "sample sched=fast round=1 bench=b metric=only_fast value=9 unit=s better=lower",
	NULL,
};

static void test_ratio_to_baseline(void **state)
{
	struct bench_results r;
	struct bench_stats base, fast, close, only;

	(void)state;
	load(&r, ratio_lines);
	base = stats(&r, "b", "t", "eevdf");
	fast = stats(&r, "b", "t", "fast");
	close = stats(&r, "b", "t", "close");
	assert_float_equal(base.median, 2.1, 1e-12);
	assert_true(base.has_ratio);
	assert_float_equal(base.ratio, 1, 0);
	assert_true(fast.has_ratio);
	assert_float_equal(fast.ratio, 1.6 / 2.1, 1e-12);
	assert_float_equal(close.ratio, 2.2 / 2.1, 1e-12);
	/* the baseline has no sample of this metric */
	only = stats(&r, "b", "only_fast", "fast");
	assert_int_equal(only.n, 1);
	assert_false(only.has_ratio);
	/* and no sample at all for "eevdf" in "only_fast" */
	assert_int_equal(stats(&r, "b", "only_fast", "eevdf").n, 0);
	bench_results_free(&r);
}

static void test_verdict(void **state)
{
	struct bench_results r;
	struct bench_stats base, fast, close, s;

	(void)state;
	load(&r, ratio_lines);
	base = stats(&r, "b", "t", "eevdf");
	fast = stats(&r, "b", "t", "fast");
	close = stats(&r, "b", "t", "close");
	/* baseline spread 0.2 / 2.1 = 9.5 %: 0.76x is out of it, 1.05x inside */
	assert_int_equal(bench_verdict(&fast, &base, BENCH_BETTER_LOWER), BENCH_VERDICT_BETTER);
	assert_int_equal(bench_verdict(&fast, &base, BENCH_BETTER_HIGHER), BENCH_VERDICT_WORSE);
	assert_int_equal(bench_verdict(&close, &base, BENCH_BETTER_LOWER), BENCH_VERDICT_SAME);
	assert_int_equal(bench_verdict(&base, &base, BENCH_BETTER_LOWER), BENCH_VERDICT_SAME);
	assert_int_equal(bench_verdict(&fast, &base, BENCH_BETTER_NONE), BENCH_VERDICT_NONE);
	s = close;
	s.ratio = 1.2;
	assert_int_equal(bench_verdict(&s, &base, BENCH_BETTER_LOWER), BENCH_VERDICT_WORSE);
	assert_int_equal(bench_verdict(&s, &base, BENCH_BETTER_HIGHER), BENCH_VERDICT_BETTER);
	s.has_ratio = false;
	assert_int_equal(bench_verdict(&s, &base, BENCH_BETTER_LOWER), BENCH_VERDICT_NONE);
	bench_results_free(&r);
}

static void test_missing_baseline_no_ratio(void **state)
{
	static const char *const lines[] = {
		P "sample sched=a round=1 bench=b metric=t value=2 better=lower",
		P "sample sched=c round=1 bench=b metric=t value=3 better=lower",
		NULL,
	};
	struct bench_results r;
	struct bench_stats s;

	(void)state;
	load(&r, lines);
	s = stats(&r, "b", "t", "a");
	assert_int_equal(s.n, 1);
	assert_false(s.has_ratio);
	assert_false(stats(&r, "b", "t", "c").has_ratio);
	bench_results_free(&r);
}

static void test_sched_order_from_meta(void **state)
{
	static const char *const lines[] = {
		P "sample sched=stray round=1 bench=b metric=t value=4",
		P "sample sched=cland-fifo round=1 bench=b metric=t value=3",
		P "sample sched=eevdf round=1 bench=b metric=t value=1",
		P "hist sched=cland-fifo round=1 bench=b data=1:1",
		P "error sched=eevdf round=1 bench=b reason=x",
		P "meta scheds=eevdf,cland-deadline,cland-fifo",
		NULL,
	};
	static const char *const want[] = {"eevdf", "cland-deadline", "cland-fifo", "stray"};
	struct bench_results r;
	int i;

	(void)state;
	load(&r, lines);
	assert_int_equal(r.nr_scheds, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(r.scheds[i], want[i]);
	/* samples, histograms and errors follow their scheduler */
	assert_float_equal(stats(&r, "b", "t", "eevdf").median, 1, 0);
	assert_float_equal(stats(&r, "b", "t", "cland-fifo").median, 3, 0);
	assert_float_equal(stats(&r, "b", "t", "stray").median, 4, 0);
	assert_int_equal(stats(&r, "b", "t", "cland-deadline").n, 0);
	assert_int_equal(r.hists[0].sched, 2);
	assert_int_equal(r.errors[0].sched, 0);
	bench_results_free(&r);
}

static void test_first_seen_order(void **state)
{
	static const char *const lines[] = {
		P "sample sched=y round=1 bench=zeta metric=m2 value=1",
		P "sample sched=x round=1 bench=alpha metric=m9 value=1",
		P "sample sched=x round=1 bench=zeta metric=m1 value=1",
		P "sample sched=y round=2 bench=zeta metric=m2 value=1",
		NULL,
	};
	struct bench_results r;

	(void)state;
	load(&r, lines);
	assert_string_equal(r.scheds[0], "y");
	assert_string_equal(r.scheds[1], "x");
	assert_string_equal(r.benches[0].name, "zeta");
	assert_string_equal(r.benches[1].name, "alpha");
	assert_int_equal(r.benches[0].nr_metrics, 2);
	assert_string_equal(r.benches[0].metrics[0].name, "m2");
	assert_string_equal(r.benches[0].metrics[1].name, "m1");
	bench_results_free(&r);
}

static void test_fmt_and_titles(void **state)
{
	char buf[32];

	(void)state;
	bench_fmt_num(buf, sizeof(buf), 12345.6);
	assert_string_equal(buf, "12346");
	bench_fmt_num(buf, sizeof(buf), 100);
	assert_string_equal(buf, "100");
	bench_fmt_num(buf, sizeof(buf), 42.25);
	assert_string_equal(buf, "42.2");
	bench_fmt_num(buf, sizeof(buf), 2.1);
	assert_string_equal(buf, "2.10");
	bench_fmt_num(buf, sizeof(buf), 0.012345);
	assert_string_equal(buf, "0.0123");
	bench_fmt_num(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");
	bench_fmt_num(buf, sizeof(buf), -250.4);
	assert_string_equal(buf, "-250");
	assert_string_equal(bench_title("hackbench_pipe"), "hackbench (pipes)");
	assert_string_equal(bench_title("fallback"), "Fallback: daemon stopped / killed");
	assert_string_equal(bench_title("new_bench"), "new_bench");
	assert_string_equal(bench_instr_title("instr.direct_pct"), "direct (no round trip) %");
	assert_string_equal(bench_instr_title("instr.new_figure"), "new_figure");
}

static void test_md_row_of_failed_sched(void **state)
{
	static const char *const lines[] = {
		P "meta scheds=eevdf,cland-fifo",
		P
		"sample sched=eevdf round=1 bench=pingpong metric=roundtrips_s value=9000 unit=1/s "
		"better=higher",
		P "error sched=cland-fifo round=1 bench=pingpong reason=pingpong failed",
		NULL,
	};
	char dir[] = "/tmp/cland-bench-md.XXXXXX", path[64], *buf = NULL;
	struct bench_plots p = {0};
	struct bench_results r;
	size_t len = 0;
	FILE *f, *m;
	int c;

	(void)state;
	load(&r, lines);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.md", dir);
	assert_int_equal(bench_write_md(&r, &p, path), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	m = open_memstream(&buf, &len);
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	fclose(m);
	assert_non_null(strstr(buf, "| roundtrips_s (1/s) ↑ | eevdf | 9000 | 9000-9000 | 0.0% | "
				    "1.00x | 1 |\n"));
	assert_non_null(strstr(buf, "| roundtrips_s (1/s) ↑ | cland-fifo | - | - | - | - | "
				    "0 (error) |\n"));
	assert_non_null(strstr(buf, "- cland-fifo, round 1, pingpong: pingpong failed\n"));
	/* no plots planned: no plots section */
	assert_null(strstr(buf, "## Plots"));
	free(buf);
	unlink(path);
	rmdir(dir);
	bench_results_free(&r);
}

/* Whole runs. */

struct run {
	char dir[64];
	char *out, *err;
	size_t out_len, err_len;
	int rc;
};

static void rm_dir(const char *dir)
{
	char path[512];
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			unlink(path);
		}
	closedir(dp);
	rmdir(dir);
}

/* cland-bench-report @input DIR/out (DIR a new temporary directory) with $CLAND_GNUPLOT @gp. */
static void run_report(struct run *run, const char *input, const char *gp)
{
	char outdir[96];
	char *argv[] = {"cland-bench-report", (char *)input, outdir, NULL};
	FILE *out, *err;

	memset(run, 0, sizeof(*run));
	strcpy(run->dir, "/tmp/cland-bench-test.XXXXXX");
	assert_non_null(mkdtemp(run->dir));
	snprintf(outdir, sizeof(outdir), "%s/out", run->dir);
	if (gp)
		setenv(BENCH_GNUPLOT_ENV, gp, 1);
	else
		unsetenv(BENCH_GNUPLOT_ENV);
	out = open_memstream(&run->out, &run->out_len);
	err = open_memstream(&run->err, &run->err_len);
	run->rc = bench_report_main(3, argv, out, err);
	fclose(out);
	fclose(err);
}

static void run_free(struct run *run)
{
	char outdir[96];

	snprintf(outdir, sizeof(outdir), "%s/out", run->dir);
	rm_dir(outdir);
	rm_dir(run->dir);
	free(run->out);
	free(run->err);
}

static char *slurp(const struct run *run, const char *name)
{
	char path[256], *buf = NULL;
	size_t len = 0;
	FILE *f, *m;
	int c;

	snprintf(path, sizeof(path), "%s/out/%s", run->dir, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	m = open_memstream(&buf, &len);
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static bool exists(const struct run *run, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/out/%s", run->dir, name);
	return !stat(path, &st) && st.st_size > 0;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key %s", key);
	return v;
}

static struct json_object *at(struct json_object *a, size_t i)
{
	assert_true(i < json_object_array_length(a));
	return json_object_array_get_idx(a, i);
}

static void check_json(struct json_object *root)
{
	struct json_object *benches, *pipe, *m, *s, *h, *e;

	assert_string_equal(json_object_get_string(get(root, "baseline")), "eevdf");
	assert_true(json_object_get_boolean(get(root, "complete")));
	assert_string_equal(json_object_get_string(get(get(root, "meta"), "kernel")),
			    "7.2.13+deb14-amd64");
	assert_string_equal(json_object_get_string(get(get(root, "meta"), "quick")), "1");
	benches = get(root, "benches");
	assert_int_equal(json_object_array_length(benches), 6);
	assert_string_equal(json_object_get_string(get(at(benches, 0), "bench")), "latency");
	pipe = at(benches, 1);
	assert_string_equal(json_object_get_string(get(pipe, "bench")), "hackbench_pipe");
	assert_string_equal(json_object_get_string(get(pipe, "title")), "hackbench (pipes)");
	m = at(get(pipe, "metrics"), 0);
	assert_string_equal(json_object_get_string(get(m, "metric")), "seconds");
	assert_string_equal(json_object_get_string(get(m, "unit")), "s");
	assert_string_equal(json_object_get_string(get(m, "better")), "lower");
	s = at(get(m, "scheds"), 0);
	assert_string_equal(json_object_get_string(get(s, "sched")), "eevdf");
	assert_float_equal(json_object_get_double(get(s, "ratio_to_baseline")), 1, 0);
	/* the CRLF line counts */
	assert_int_equal(json_object_get_int(get(s, "n")), 2);
	s = at(get(m, "scheds"), 1);
	assert_string_equal(json_object_get_string(get(s, "sched")), "cland-deadline");
	assert_int_equal(json_object_get_int(get(s, "n")), 2);
	assert_int_equal(json_object_get_int(get(at(get(s, "samples"), 1), "round")), 2);
	assert_float_equal(json_object_get_double(get(at(get(s, "samples"), 1), "value")), 1.7,
			   1e-12);
	assert_float_equal(json_object_get_double(get(s, "median")), 1.6, 1e-12);
	assert_float_equal(json_object_get_double(get(s, "min")), 1.5, 1e-12);
	assert_float_equal(json_object_get_double(get(s, "max")), 1.7, 1e-12);
	assert_float_equal(json_object_get_double(get(s, "spread_pct")), 12.5, 1e-9);
	assert_float_equal(json_object_get_double(get(s, "ratio_to_baseline")), 1.6 / 2.1, 1e-9);
	/* instruments are metrics of their bench, after the bench's own */
	m = at(get(pipe, "metrics"), 1);
	assert_string_equal(json_object_get_string(get(m, "metric")), "instr.decisions_s");
	assert_float_equal(json_object_get_double(get(at(get(m, "scheds"), 0), "median")), 5100, 0);
	/* overhead: no eevdf samples, so no ratio */
	assert_string_equal(json_object_get_string(get(at(benches, 5), "bench")), "overhead");
	m = at(get(at(benches, 5), "metrics"), 0);
	s = at(get(m, "scheds"), 0);
	assert_true(json_object_is_type(get(s, "ratio_to_baseline"), json_type_null));
	/* eevdf's latency histograms of both rounds summed */
	h = at(get(root, "histograms"), 0);
	assert_string_equal(json_object_get_string(get(h, "sched")), "eevdf");
	assert_string_equal(json_object_get_string(get(h, "bench")), "latency");
	assert_int_equal(json_object_get_int(get(h, "overflows")), 1);
	assert_int_equal(json_object_array_length(get(h, "data")), 4);
	assert_int_equal(json_object_get_int(at(at(get(h, "data"), 0), 0)), 10);
	assert_int_equal(json_object_get_int(at(at(get(h, "data"), 0), 1)), 6);
	assert_int_equal(json_object_get_int(at(at(get(h, "data"), 3), 1)), 7);
	e = at(get(root, "errors"), 0);
	assert_string_equal(json_object_get_string(get(e, "sched")), "cland-deadline");
	assert_int_equal(json_object_get_int(get(e, "round")), 2);
	assert_string_equal(json_object_get_string(get(e, "bench")), "hackbench_socket");
	assert_string_equal(json_object_get_string(get(e, "reason")),
			    "hackbench -g 2 -l 20 failed: Killed");
}

/* reqwork's table, the instruments tables and the overhead totals in report.md. */
static void check_md_reqwork_and_instruments(const char *md)
{
	const char *pipe = strstr(md, "### hackbench (pipes)\n"), *rw = strstr(md, "### Request/");
	const char *sock;

	assert_non_null(pipe);
	assert_non_null(rw);
	assert_non_null(strstr(md, "| requests_s (1/s) ↑ | eevdf | 1550 | 1500-1600 | 6.5% | 1.00x "
				   "| 2 |\n"));
	assert_non_null(strstr(md, "| requests_s (1/s) ↑ | cland-deadline | 1350 | 1300-1400 | "
				   "7.4% | 0.87x (worse) | 2 |\n"));
	assert_non_null(strstr(md, "| wake_p50_us (us) ↓ | cland-deadline | 85.0 | 80.0-90.0 | "
				   "11.8% | 1.55x (worse) | 2 |\n"));
	assert_non_null(strstr(md, "| woken_pct (%) | cland-deadline | 21.0 | 20.0-22.0 | 9.5% | "
				   "1.91x | 2 |\n"));
	/* instruments: their own table under the bench's, not rows of it */
	assert_null(strstr(md, "| instr."));
	assert_non_null(strstr(
		pipe,
		"| seconds (s) ↓ | cland-deadline | 1.60 | 1.50-1.70 | 12.5% | 0.76x (better) "
		"| 2 |\n\nInstruments (scx_cland counters over the benchmark; median over the "
		"rounds):\n\n| scheduler | decisions/s | decisions per daemon run | preemptions "
		"per decision | daemon preemptions per decision | direct (no round trip) % | "
		"round trip p50 us | round trip p99 us | n |\n|---|--:|--:|--:|--:|--:|--:|--:|"
		"--:|\n| cland-deadline | 5100 | 2.60 | 0.150 | 0.450 | 13.0 | 370 | 13000 | 2 "
		"|\n\n### "));
	/* an older daemon's figures only, one round */
	assert_non_null(strstr(rw, "| scheduler | decisions/s | decisions per daemon run | "
				   "preemptions per decision | n |\n|---|--:|--:|--:|--:|\n| "
				   "cland-deadline | 3000 | 2.00 | 0.300 | 1 |\n"));
	/* no instruments: no table (the next one is reqwork's) */
	sock = strstr(md, "### hackbench (sockets)");
	assert_non_null(sock);
	assert_true(strstr(sock, "Instruments") > strstr(sock + 4, "\n### "));
	assert_non_null(strstr(md, "| rtt_p50_us (us) ↓ | cland-deadline | 370 | 365-375 | 2.7% | "
				   "- | 2 |\n"));
	assert_non_null(strstr(md, "| decisions_s (1/s) | cland-deadline | 4100 | 4000-4200 | "
				   "4.9% | - | 2 |\n"));
}

static void test_whole_run_without_gnuplot(void **state)
{
	struct json_object *root;
	struct run run;
	char *md, *json;

	(void)state;
	run_report(&run, SMALL, "/nonexistent/gnuplot");
	assert_int_equal(run.rc, BENCH_EXIT_OK);
	assert_non_null(strstr(run.err, "warning: no plots"));
	json = slurp(&run, "results.json");
	root = json_tokener_parse(json);
	assert_non_null(root);
	check_json(root);
	json_object_put(root);
	md = slurp(&run, "report.md");
	assert_non_null(strstr(md, "2 vCPUs, 2 rounds"));
	assert_non_null(strstr(md, "QEMU TCG (software emulation)"));
	assert_non_null(strstr(md, "### hackbench (pipes)\n"));
	assert_non_null(
		strstr(md, "| seconds (s) ↓ | eevdf | 2.10 | 2.00-2.20 | 9.5% | 1.00x | 2 |\n"));
	assert_non_null(strstr(md, "| seconds (s) ↓ | cland-deadline | 1.60 | 1.50-1.70 | 12.5% | "
				   "0.76x (better) | 2 |\n"));
	assert_non_null(strstr(md, "| p50_us (us) ↓ | cland-deadline | 46.0 | 45.0-47.0 | 4.3% | "
				   "0.92x (~) | 2 |\n"));
	assert_non_null(strstr(md, "| bogo_ops_s (ops/s) ↑ | cland-deadline | 1030 | 1020-1040 | "
				   "1.9% | 0.98x (~) | 2 |\n"));
	assert_non_null(strstr(md, "| daemon_cpu_pct (%) ↓ | cland-deadline | 2.00 | 1.50-2.50 | "
				   "50.0% | - | 2 |\n"));
	assert_non_null(strstr(md, "- cland-deadline, round 2, hackbench_socket: hackbench -g 2 "
				   "-l 20 failed: Killed\n"));
	check_md_reqwork_and_instruments(md);
	assert_non_null(strstr(md, "The plots were not made: cannot run /nonexistent/gnuplot"));
	assert_null(strstr(md, "Incomplete"));
	assert_true(exists(&run, "plots.gp"));
	assert_true(exists(&run, "cdf-latency.dat"));
	assert_true(exists(&run, "bars-hackbench_pipe-seconds.dat"));
	/* overhead is left out of the bar charts, and so are instruments and better=none */
	assert_false(exists(&run, "bars-overhead-daemon_cpu_pct.dat"));
	assert_true(exists(&run, "bars-reqwork-requests_s.dat"));
	assert_true(exists(&run, "bars-reqwork-req_p99_us.dat"));
	assert_false(exists(&run, "bars-reqwork-woken_pct.dat"));
	assert_false(exists(&run, "bars-hackbench_pipe-instr.decisions_s.dat"));
	assert_false(exists(&run, "bars-hackbench_pipe-instr.rtt_p50_us.dat"));
	free(md);
	free(json);
	run_free(&run);
}

static void test_whole_run_with_gnuplot(void **state)
{
	struct run run;
	char *md;

	(void)state;
	if (system("gnuplot -V >/dev/null 2>&1"))
		skip();
	run_report(&run, SMALL, NULL);
	assert_int_equal(run.rc, BENCH_EXIT_OK);
	assert_string_equal(run.err, "");
	assert_non_null(strstr(run.out, "9 plots"));
	assert_true(exists(&run, "cdf-latency.png"));
	assert_true(exists(&run, "bars-hackbench_pipe-seconds.png"));
	assert_true(exists(&run, "bars-hackbench_socket-seconds.png"));
	assert_true(exists(&run, "bars-stressng_cpu-bogo_ops_s.png"));
	assert_true(exists(&run, "bars-reqwork-requests_s.png"));
	assert_true(exists(&run, "bars-reqwork-wake_p99_us.png"));
	md = slurp(&run, "report.md");
	assert_non_null(strstr(md, "](cdf-latency.png)\n"));
	assert_non_null(strstr(md, "](bars-stressng_cpu-bogo_ops_s.png)\n"));
	free(md);
	run_free(&run);
}

/* Write @text to in.txt of a new temporary directory (its name into @dir); returns the path. */
static char *write_input(char *dir, const char *text)
{
	static char path[128];
	FILE *f;

	strcpy(dir, "/tmp/cland-bench-in.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_incomplete_run_and_bad_lines(void **state)
{
	char indir[64], *md, *path, *json;
	struct json_object *root;
	struct run run;

	(void)state;
	path = write_input(indir,
			   P "meta nproc=4\n" P "sample sched=eevdf bench=b metric=t value=1\n" P
			     "sample sched=eevdf bench=b metric=t value=oops\n");
	run_report(&run, path, "/nonexistent/gnuplot");
	assert_int_equal(run.rc, BENCH_EXIT_OK);
	assert_non_null(strstr(run.err, "line 3: sample value is not a number"));
	assert_non_null(strstr(run.err, "incomplete"));
	md = slurp(&run, "report.md");
	assert_non_null(strstr(md, "**Incomplete run**"));
	json = slurp(&run, "results.json");
	root = json_tokener_parse(json);
	assert_false(json_object_get_boolean(get(root, "complete")));
	json_object_put(root);
	free(md);
	free(json);
	run_free(&run);
	rm_dir(indir);
}

static void test_usage_and_failures(void **state)
{
	char *argv[] = {"cland-bench-report", "-h", NULL, NULL};
	char indir[64], *path, *buf = NULL;
	size_t len = 0;
	struct run run;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(bench_report_main(2, argv, f, f), BENCH_EXIT_OK);
	argv[1] = "only-one";
	assert_int_equal(bench_report_main(2, argv, f, f), BENCH_EXIT_USAGE);
	argv[1] = "--frob";
	argv[2] = "x";
	assert_int_equal(bench_report_main(3, argv, f, f), BENCH_EXIT_USAGE);
	assert_int_equal(bench_report_main(1, argv, f, f), BENCH_EXIT_USAGE);
	fclose(f);
	assert_non_null(strstr(buf, "usage: cland-bench-report RESULTS_FILE OUTDIR"));
	free(buf);

	run_report(&run, "/nonexistent/results.txt", "/nonexistent/gnuplot");
	assert_int_equal(run.rc, BENCH_EXIT_FAILED);
	assert_non_null(strstr(run.err, "/nonexistent/results.txt: No such file or directory"));
	run_free(&run);

	path = write_input(indir, "boot noise\n" P "meta nproc=2\n" P "END\n");
	run_report(&run, path, "/nonexistent/gnuplot");
	assert_int_equal(run.rc, BENCH_EXIT_FAILED);
	assert_non_null(strstr(run.err, "no benchmark samples in "));
	run_free(&run);
	rm_dir(indir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_line),
		cmocka_unit_test(test_key_order_and_unknown_keys),
		cmocka_unit_test(test_other_lines_ignored_and_cr_stripped),
		cmocka_unit_test(test_malformed_lines_rejected),
		cmocka_unit_test(test_meta_later_wins),
		cmocka_unit_test(test_hist_summed_over_rounds),
		cmocka_unit_test(test_error_line),
		cmocka_unit_test(test_median_odd_even),
		cmocka_unit_test(test_ratio_to_baseline),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_missing_baseline_no_ratio),
		cmocka_unit_test(test_sched_order_from_meta),
		cmocka_unit_test(test_first_seen_order),
		cmocka_unit_test(test_fmt_and_titles),
		cmocka_unit_test(test_md_row_of_failed_sched),
		cmocka_unit_test(test_whole_run_without_gnuplot),
		cmocka_unit_test(test_whole_run_with_gnuplot),
		cmocka_unit_test(test_incomplete_run_and_bad_lines),
		cmocka_unit_test(test_usage_and_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
