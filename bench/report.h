/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - cland-bench-report, the host side of `make bench`: turns the
 * guest's results file into OUTDIR/results.json, report.md and gnuplot PNGs.
 * The writers are separate functions so that tests can call them.
 */
#ifndef __CLAND_BENCH_REPORT_H
#define __CLAND_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results.h"

/* Exit codes of cland-bench-report. */
enum bench_exit_code {
	BENCH_EXIT_OK = 0,     /* also with warnings: incomplete run, skipped lines, no plots */
	BENCH_EXIT_FAILED = 1, /* unreadable input, no sample at all, unwritable output */
	BENCH_EXIT_USAGE = 2,
};

/* Environment variable naming the gnuplot binary (default "gnuplot"). */
#define BENCH_GNUPLOT_ENV "CLAND_GNUPLOT"

/* One plot of the report: a latency CDF (metric -1) or a bar chart of a metric. */
struct bench_plot {
	int bench;
	int metric;
	char file[128]; /* PNG name, relative to OUTDIR */
	char data[128]; /* its data file */
	bool made;	/* the PNG exists after gnuplot ran */
};

struct bench_plots {
	struct bench_plot *v;
	int nr;
	bool made;     /* gnuplot ran and succeeded */
	char why[256]; /* when not made: why */
};

/* Run cland-bench-report with @argv; the summary goes to @out, messages to @errf. */
int bench_report_main(int argc, char **argv, FILE *out, FILE *errf);

/* Write results.json to @path. Returns 0 or a negative errno. */
int bench_write_json(const struct bench_results *r, const char *path);

/*
 * Choose the plots of @r: a CDF per bench with histograms, a bar chart per
 * metric of the other benches except "overhead" and "fallback" (instruments
 * and metrics with better=none left out). Returns 0 or -ENOMEM; free with
 * bench_plots_free().
 */
int bench_plots_plan(const struct bench_results *r, struct bench_plots *p);
/*
 * Write the *.dat files and plots.gp into @outdir and run gnuplot there.
 * Returns 0 or a negative errno when a file cannot be written; a missing or
 * failing gnuplot is not an error: p->made is false and p->why says why.
 */
int bench_plots_make(const struct bench_results *r, const char *outdir, struct bench_plots *p);
void bench_plots_free(struct bench_plots *p);

/* Write report.md to @path; @p says which plots to link. Returns 0 or a negative errno. */
int bench_write_md(const struct bench_results *r, const struct bench_plots *p, const char *path);

/* @v for a table: integer from 100, one decimal from 10, else 3 significant digits; 0 as "0". */
void bench_fmt_num(char *buf, size_t len, double v);

#endif /* __CLAND_BENCH_REPORT_H */
