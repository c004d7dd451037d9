// SPDX-License-Identifier: GPL-2.0
/*
 * report_md.c - writes report.md of a `make bench` run: the run's meta
 * data, a table per bench (median, min-max, spread and ratio to EEVDF of
 * each metric for each scheduler) and its instruments table (a row per
 * scheduler, a column per instrument), the errors and links to the plots.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

/* Meta keys the heading line shows; the others are listed after it. */
static const char *const shown_meta[] = {"kernel", "nproc", "rounds",
					 "scheds", "qemu",  "emulation"};

void bench_fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (v == 0)
		snprintf(buf, len, "0");
	else if (a >= 100)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%#.3g", v);
}

static bool is_tcg(const struct bench_results *r)
{
	const char *q = bench_results_meta(r, "qemu");
	const char *e = bench_results_meta(r, "emulation");

	return (q && strstr(q, "tcg")) || (e && strstr(e, "tcg"));
}

static bool is_shown_meta(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(shown_meta) / sizeof(shown_meta[0]); i++)
		if (!strcmp(key, shown_meta[i]))
			return true;
	return false;
}

static void md_meta_item(FILE *f, const char **sep, const char *fmt, const char *value)
{
	if (!value)
		return;
	fputs(*sep, f);
	fprintf(f, fmt, value);
	*sep = ", ";
}

/* "kernel K, N vCPUs, R rounds, schedulers: ...". */
static void md_run_line(FILE *f, const struct bench_results *r)
{
	const char *sep = "Run: ";
	int i;

	md_meta_item(f, &sep, "kernel %s", bench_results_meta(r, "kernel"));
	md_meta_item(f, &sep, "%s vCPUs", bench_results_meta(r, "nproc"));
	md_meta_item(f, &sep, "%s rounds", bench_results_meta(r, "rounds"));
	fprintf(f, "%sschedulers:", sep);
	for (i = 0; i < r->nr_scheds; i++)
		fprintf(f, "%s %s%s", i ? "," : "", r->scheds[i],
			strcmp(r->scheds[i], BENCH_BASELINE) ? "" : " (baseline)");
	fprintf(f, ".");
	if (is_tcg(r))
		fprintf(f, " QEMU TCG (software emulation): absolute numbers are not comparable to "
			   "bare metal; ratios within this run are.");
	fprintf(f, "\n\n");
}

/* The meta keys md_run_line() does not show, as `key=value`. */
static void md_other_meta(FILE *f, const struct bench_results *r)
{
	const char *sep = "Run parameters: ";
	int i;

	for (i = 0; i < r->nr_meta; i++) {
		if (is_shown_meta(r->meta[i].key))
			continue;
		fprintf(f, "%s`%s=%s`", sep, r->meta[i].key, r->meta[i].value);
		sep = ", ";
	}
	if (*sep == ',')
		fprintf(f, ".\n\n");
}

static void md_head(FILE *f, const struct bench_results *r)
{
	fprintf(f, "# scx_cland benchmarks\n\n");
	md_run_line(f, r);
	md_other_meta(f, r);
	if (!r->complete)
		fprintf(f, "**Incomplete run**: the guest did not report its end (no `" BENCH_PREFIX
			   "END` line); benches or schedulers may be missing.\n\n");
	if (bench_results_sched(r, BENCH_BASELINE) < 0)
		fprintf(f, "No " BENCH_BASELINE " results: no ratios.\n\n");
	fprintf(f,
		"Figures are over the rounds: median, min-max, spread = (max - min) / median. "
		"Ratio = median / " BENCH_BASELINE " median, (better) or (worse) when it differs "
		"from 1 by more than the " BENCH_BASELINE
		" spread, else (~). Arrows: lower (↓) or higher (↑) is better.\n");
}

static const char *arrow(enum bench_better b)
{
	return b == BENCH_BETTER_LOWER ? " ↓" : b == BENCH_BETTER_HIGHER ? " ↑" : "";
}

static const char *verdict_name(enum bench_verdict v)
{
	switch (v) {
	case BENCH_VERDICT_BETTER:
		return " (better)";
	case BENCH_VERDICT_WORSE:
		return " (worse)";
	case BENCH_VERDICT_SAME:
		return " (~)";
	default:
		return "";
	}
}

static void md_ratio(FILE *f, const struct bench_results *r, const struct bench_metric *m,
		     int sched, const struct bench_stats *s, const struct bench_stats *base)
{
	if (!s->has_ratio)
		fprintf(f, "-");
	else if (!strcmp(r->scheds[sched], BENCH_BASELINE))
		fprintf(f, "%.2fx", s->ratio);
	else
		fprintf(f, "%.2fx%s", s->ratio, verdict_name(bench_verdict(s, base, m->better)));
}

static void md_row(FILE *f, const struct bench_results *r, const struct bench_metric *m, int sched,
		   const struct bench_stats *s, const struct bench_stats *base)
{
	char med[32], lo[32], hi[32];

	fprintf(f, "| %s", m->name);
	if (*m->unit)
		fprintf(f, " (%s)", m->unit);
	fprintf(f, "%s | %s | ", arrow(m->better), r->scheds[sched]);
	if (!s->n) {
		fprintf(f, "- | - | - | - | 0 (error) |\n");
		return;
	}
	bench_fmt_num(med, sizeof(med), s->median);
	bench_fmt_num(lo, sizeof(lo), s->min);
	bench_fmt_num(hi, sizeof(hi), s->max);
	fprintf(f, "%s | %s%s%s | ", med, lo, s->min < 0 || s->max < 0 ? " to " : "-", hi);
	if (s->has_spread)
		fprintf(f, "%.1f%% | ", s->spread_pct);
	else
		fprintf(f, "- | ");
	md_ratio(f, r, m, sched, s, base);
	fprintf(f, " | %d |\n", s->n);
}

/* The rows of metric @m: schedulers with samples, or with an error on the bench. */
static int md_metric(FILE *f, const struct bench_results *r, int bench,
		     const struct bench_metric *m)
{
	int base_idx = bench_results_sched(r, BENCH_BASELINE), i, err;
	struct bench_stats base = {0}, s;

	if (base_idx >= 0) {
		err = bench_metric_stats(r, m, base_idx, &base);
		if (err)
			return err;
	}
	for (i = 0; i < r->nr_scheds; i++) {
		err = bench_metric_stats(r, m, i, &s);
		if (err)
			return err;
		if (s.n || bench_results_has_error(r, i, bench))
			md_row(f, r, m, i, &s, &base);
	}
	return 0;
}

/* How many metrics of @b are instruments (@instr) or not. */
static int nr_metrics(const struct bench_bench *b, bool instr)
{
	int i, n = 0;

	for (i = 0; i < b->nr_metrics; i++)
		n += bench_metric_is_instr(&b->metrics[i]) == instr;
	return n;
}

static void md_instr_head(FILE *f, const struct bench_bench *b)
{
	int j;

	fprintf(f, "\nInstruments (scx_cland counters over the benchmark; median over the "
		   "rounds):\n\n| scheduler |");
	for (j = 0; j < b->nr_metrics; j++)
		if (bench_metric_is_instr(&b->metrics[j]))
			fprintf(f, " %s |", bench_instr_title(b->metrics[j].name));
	fprintf(f, " n |\n|---|");
	for (j = 0; j < b->nr_metrics; j++)
		if (bench_metric_is_instr(&b->metrics[j]))
			fprintf(f, "--:|");
	fprintf(f, "--:|\n");
}

/* The most rounds of @sched in an instrument of @b (0: no row) into *@n. */
static int instr_rounds(const struct bench_results *r, const struct bench_bench *b, int sched,
			int *n)
{
	struct bench_stats s;
	int j, err;

	*n = 0;
	for (j = 0; j < b->nr_metrics; j++) {
		if (!bench_metric_is_instr(&b->metrics[j]))
			continue;
		err = bench_metric_stats(r, &b->metrics[j], sched, &s);
		if (err)
			return err;
		*n = s.n > *n ? s.n : *n;
	}
	return 0;
}

/* The instruments row of @sched (medians), if it has any sample. */
static int md_instr_row(FILE *f, const struct bench_results *r, const struct bench_bench *b,
			int sched)
{
	struct bench_stats s;
	int j, n, err;
	char cell[32];

	err = instr_rounds(r, b, sched, &n);
	if (err || !n)
		return err;
	fprintf(f, "| %s |", r->scheds[sched]);
	for (j = 0; j < b->nr_metrics; j++) {
		if (!bench_metric_is_instr(&b->metrics[j]))
			continue;
		err = bench_metric_stats(r, &b->metrics[j], sched, &s);
		if (err)
			return err;
		if (s.n)
			bench_fmt_num(cell, sizeof(cell), s.median);
		fprintf(f, " %s |", s.n ? cell : "-");
	}
	fprintf(f, " %d |\n", n);
	return 0;
}

static int md_instruments(FILE *f, const struct bench_results *r, const struct bench_bench *b)
{
	int i, err;

	if (!nr_metrics(b, true))
		return 0;
	md_instr_head(f, b);
	for (i = 0; i < r->nr_scheds; i++) {
		err = md_instr_row(f, r, b, i);
		if (err)
			return err;
	}
	return 0;
}

static int md_bench(FILE *f, const struct bench_results *r, int bench)
{
	const struct bench_bench *b = &r->benches[bench];
	int i, err;

	fprintf(f, "\n### %s\n\n", bench_title(b->name));
	if (!nr_metrics(b, false)) {
		fprintf(f, "No results (see the errors).\n");
		return md_instruments(f, r, b);
	}
	fprintf(f, "| metric | scheduler | median | min-max | spread | ratio to EEVDF | n |\n"
		   "|---|---|--:|--:|--:|---|--:|\n");
	for (i = 0; i < b->nr_metrics; i++) {
		if (bench_metric_is_instr(&b->metrics[i]))
			continue;
		err = md_metric(f, r, bench, &b->metrics[i]);
		if (err)
			return err;
	}
	return md_instruments(f, r, b);
}

static void md_errors(FILE *f, const struct bench_results *r)
{
	int i;

	if (!r->nr_errors)
		return;
	fprintf(f, "\n## Errors\n\n");
	for (i = 0; i < r->nr_errors; i++) {
		const struct bench_error *e = &r->errors[i];

		fprintf(f, "- %s, round %d, %s: %s\n", r->scheds[e->sched], e->round,
			r->benches[e->bench].name, *e->reason ? e->reason : "(no reason given)");
	}
}

static void md_plots(FILE *f, const struct bench_results *r, const struct bench_plots *p)
{
	int i;

	if (!p->nr)
		return;
	fprintf(f, "\n## Plots\n\n");
	if (!p->made) {
		fprintf(f,
			"The plots were not made: %s. Their data (`*.dat`) and gnuplot script "
			"(`plots.gp`) are in this directory.\n",
			p->why);
		return;
	}
	fprintf(f, "Latency CDFs for the benches with histograms (all rounds summed), bar charts "
		   "(median, min-max) of the metrics with a direction (↓ or ↑) for the others "
		   "except overhead and fallback.\n\n");
	for (i = 0; i < p->nr; i++) {
		const struct bench_plot *pl = &p->v[i];
		const struct bench_bench *b = &r->benches[pl->bench];

		if (!pl->made) {
			fprintf(f, "- %s: not made\n\n", pl->file);
			continue;
		}
		if (pl->metric < 0)
			fprintf(f, "![%s: latency CDF](%s)\n\n", bench_title(b->name), pl->file);
		else
			fprintf(f, "![%s: %s](%s)\n\n", bench_title(b->name),
				b->metrics[pl->metric].name, pl->file);
	}
}

int bench_write_md(const struct bench_results *r, const struct bench_plots *p, const char *path)
{
	FILE *f = fopen(path, "w");
	int i, err = 0;

	if (!f)
		return -errno;
	md_head(f, r);
	for (i = 0; i < r->nr_benches && !err; i++)
		err = md_bench(f, r, i);
	md_errors(f, r);
	md_plots(f, r, p);
	if (fclose(f) && !err)
		err = -errno;
	return err;
}
