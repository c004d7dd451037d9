// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - cland-bench-report's command line: reads the results file of a
 * `make bench` run, then has results.json, the plots and report.md written
 * into OUTDIR (report_json.c, plots.c, report_md.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"

#define PROG "cland-bench-report"

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " RESULTS_FILE OUTDIR\n"
		   "Turns the CLAND-BENCH lines of a `make bench` run into OUTDIR/results.json,\n"
		   "OUTDIR/report.md and PNG plots (gnuplot; $" BENCH_GNUPLOT_ENV
		   " overrides the binary).\n"
		   "OUTDIR is created if needed.\n");
}

/* Read @file into @r, warning on @errf about each rejected line. Returns 0 or -errno. */
static int read_results(const char *file, struct bench_results *r, FILE *errf)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, ret = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) >= 0) {
		ret = bench_results_add_line(r, line, ++lineno);
		if (ret == -EINVAL)
			fprintf(errf, PROG ": warning: %s: %s; line skipped\n", file, r->msg);
		else if (ret < 0)
			break;
		ret = 0;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	free(line);
	fclose(f);
	return ret;
}

/* mkdir -p @dir. Returns 0 or -errno. */
static int make_dir(const char *dir)
{
	char path[PATH_MAX];
	size_t i, len = strlen(dir);

	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		path[i] = dir[i];
	}
	return 0;
}

static int out_path(char *buf, size_t len, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Write results.json, the plots and report.md. Returns 0 or -errno (@what: the culprit). */
static int write_outputs(const struct bench_results *r, const char *dir, struct bench_plots *p,
			 char *what, size_t len)
{
	char path[PATH_MAX];
	int err;

	snprintf(what, len, "%s/results.json", dir);
	err = out_path(path, sizeof(path), dir, "results.json");
	if (!err)
		err = bench_write_json(r, path);
	if (err)
		return err;
	snprintf(what, len, "the plot files in %s", dir);
	err = bench_plots_plan(r, p);
	if (!err)
		err = bench_plots_make(r, dir, p);
	if (err)
		return err;
	snprintf(what, len, "%s/report.md", dir);
	err = out_path(path, sizeof(path), dir, "report.md");
	return err ? err : bench_write_md(r, p, path);
}

static int nr_made(const struct bench_plots *p)
{
	int i, n = 0;

	for (i = 0; i < p->nr; i++)
		n += p->v[i].made;
	return n;
}

/* Everything after the command line; @file and @dir are the two arguments. */
static int run(const char *file, const char *dir, FILE *out, FILE *errf)
{
	struct bench_results r;
	struct bench_plots p = {0};
	char what[PATH_MAX + 32];
	int err, ret = BENCH_EXIT_FAILED;

	bench_results_init(&r);
	err = read_results(file, &r, errf);
	if (!err)
		err = bench_results_finish(&r);
	if (err) {
		fprintf(errf, PROG ": %s: %s\n", file, strerror(-err));
		goto out;
	}
	if (!r.nr_samples) {
		fprintf(errf, PROG ": no benchmark samples in %s\n", file);
		goto out;
	}
	if (!r.complete)
		fprintf(errf, PROG ": warning: %s: no END line, the run is incomplete\n", file);
	err = make_dir(dir);
	if (err) {
		fprintf(errf, PROG ": cannot create %s: %s\n", dir, strerror(-err));
		goto out;
	}
	err = write_outputs(&r, dir, &p, what, sizeof(what));
	if (err) {
		fprintf(errf, PROG ": cannot write %s: %s\n", what, strerror(-err));
		goto out;
	}
	if (!p.made && p.nr)
		fprintf(errf, PROG ": warning: no plots: %s\n", p.why);
	fprintf(out,
		PROG ": %d samples, %d errors%s; wrote %s/results.json, %s/report.md, %d plots\n",
		r.nr_samples, r.nr_errors, r.complete ? "" : " (incomplete run)", dir, dir,
		nr_made(&p));
	ret = BENCH_EXIT_OK;
out:
	bench_plots_free(&p);
	bench_results_free(&r);
	return ret;
}

int bench_report_main(int argc, char **argv, FILE *out, FILE *errf)
{
	int i;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(out);
		return BENCH_EXIT_OK;
	}
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(errf, PROG ": unknown option '%s'\n", argv[i]);
			usage(errf);
			return BENCH_EXIT_USAGE;
		}
	}
	if (argc != 3 || !*argv[1] || !*argv[2]) {
		usage(errf);
		return BENCH_EXIT_USAGE;
	}
	return run(argv[1], argv[2], out, errf);
}
