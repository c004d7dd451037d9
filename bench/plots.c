// SPDX-License-Identifier: GPL-2.0
/*
 * plots.c - the plots of a `make bench` report: writes one data file per
 * plot and plots.gp into OUTDIR, then runs gnuplot there.
 *
 * Benches with latency histograms get a CDF (cdf-BENCH.png: one line per
 * scheduler, the histograms summed over the rounds, overflows counted in the
 * total so such a line stays below 1). The other benches get a bar chart per
 * metric (bars-BENCH-METRIC.png: median per scheduler, min-max error bars,
 * ratio to EEVDF on top), except "overhead" and "fallback", whose figures the
 * table shows well enough, and except instruments and metrics without a
 * direction (better=none). A scheduler has the same colour in every plot.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot.h"
#include "report.h"

#define CDF_X_MARGIN 2.0 /* the x axis of a CDF: [smallest / margin, largest * margin] */

static const char *const no_bars[] = {"overhead", "fallback"};

/* @s with the characters unsafe in a file name replaced by '_'. */
static void file_part(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';

		buf[i] = ok ? c : '_';
	}
	buf[i] = '\0';
}

static uint64_t hist_total(const struct bench_hist *h)
{
	uint64_t n = h->overflows;
	int i;

	for (i = 0; i < h->nr_buckets; i++)
		n += h->buckets[i].count;
	return n;
}

/* Whether @h has a point a log scale can show. */
static bool hist_plottable(const struct bench_hist *h)
{
	int i;

	if (!h || !hist_total(h))
		return false;
	for (i = 0; i < h->nr_buckets; i++)
		if (h->buckets[i].lat_us > 0)
			return true;
	return false;
}

static bool cdf_plottable(const struct bench_results *r, int bench)
{
	int i;

	for (i = 0; i < r->nr_scheds; i++)
		if (hist_plottable(bench_results_hist(r, i, bench)))
			return true;
	return false;
}

static bool bars_wanted(const struct bench_results *r, int bench)
{
	size_t i;

	if (bench_results_has_hist(r, bench))
		return false;
	for (i = 0; i < sizeof(no_bars) / sizeof(no_bars[0]); i++)
		if (!strcmp(r->benches[bench].name, no_bars[i]))
			return false;
	return true;
}

/* A bar chart for @m: not an instrument, and lower or higher is better. */
static bool bar_metric(const struct bench_metric *m)
{
	return !bench_metric_is_instr(m) && m->better != BENCH_BETTER_NONE;
}

static int add_plot(struct bench_plots *p, const struct bench_results *r, int bench, int metric)
{
	struct bench_plot *v = realloc(p->v, (size_t)(p->nr + 1) * sizeof(*v)), *pl;
	char b[48], m[48];

	if (!v)
		return -ENOMEM;
	p->v = v;
	pl = &v[p->nr++];
	memset(pl, 0, sizeof(*pl));
	pl->bench = bench;
	pl->metric = metric;
	file_part(b, sizeof(b), r->benches[bench].name);
	if (metric < 0) {
		snprintf(pl->file, sizeof(pl->file), "cdf-%s.png", b);
		snprintf(pl->data, sizeof(pl->data), "cdf-%s.dat", b);
		return 0;
	}
	file_part(m, sizeof(m), r->benches[bench].metrics[metric].name);
	snprintf(pl->file, sizeof(pl->file), "bars-%s-%s.png", b, m);
	snprintf(pl->data, sizeof(pl->data), "bars-%s-%s.dat", b, m);
	return 0;
}

int bench_plots_plan(const struct bench_results *r, struct bench_plots *p)
{
	int i, j, err = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < r->nr_benches && !err; i++) {
		if (bench_results_has_hist(r, i)) {
			if (cdf_plottable(r, i))
				err = add_plot(p, r, i, -1);
			continue;
		}
		for (j = 0; bars_wanted(r, i) && j < r->benches[i].nr_metrics && !err; j++)
			if (bar_metric(&r->benches[i].metrics[j]))
				err = add_plot(p, r, i, j);
	}
	if (!p->nr)
		snprintf(p->why, sizeof(p->why), "nothing to plot");
	return err;
}

void bench_plots_free(struct bench_plots *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* A gnuplot double-quoted string. */
static void gp_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The smallest positive and the largest latency of the plottable histograms of @bench. */
static void cdf_range(const struct bench_results *r, int bench, double *lo, double *hi)
{
	int i, j;

	*lo = 0;
	*hi = 0;
	for (i = 0; i < r->nr_scheds; i++) {
		const struct bench_hist *h = bench_results_hist(r, i, bench);

		if (!hist_plottable(h))
			continue;
		for (j = 0; j < h->nr_buckets; j++) {
			double l = h->buckets[j].lat_us;

			if (l > 0 && (!*lo || l < *lo))
				*lo = l;
		}
		if (h->buckets[h->nr_buckets - 1].lat_us > *hi)
			*hi = h->buckets[h->nr_buckets - 1].lat_us;
	}
}

/*
 * The steps of @h: from 0 (or what latencies <= 0 hold) at its first
 * positive latency up to its last fraction, carried on to @end.
 */
static void cdf_block(FILE *f, const struct bench_hist *h, double end)
{
	double total = (double)hist_total(h), cum = 0;
	bool first = true;
	int j;

	for (j = 0; j < h->nr_buckets; j++) {
		const struct bench_bucket *b = &h->buckets[j];

		if (b->lat_us > 0 && first)
			fprintf(f, "%.15g %.9g\n", b->lat_us, cum / total);
		cum += (double)b->count;
		if (b->lat_us > 0) {
			fprintf(f, "%.15g %.9g\n", b->lat_us, cum / total);
			first = false;
		}
	}
	fprintf(f, "%.15g %.9g\n\n\n", end, cum / total);
}

/* One block per plottable scheduler: "latency cumulative-fraction" lines. */
static void cdf_data(FILE *f, const struct bench_results *r, int bench)
{
	double lo, hi;
	int i;

	cdf_range(r, bench, &lo, &hi);
	fprintf(f,
		"# %s: fraction of the latencies <= x us, histograms summed over the rounds,\n"
		"# samples beyond the histogram in the total; one block (index) per scheduler\n",
		r->benches[bench].name);
	for (i = 0; i < r->nr_scheds; i++) {
		const struct bench_hist *h = bench_results_hist(r, i, bench);

		if (!hist_plottable(h))
			continue;
		fprintf(f, "# %s: %llu samples, %llu beyond the histogram\n", r->scheds[i],
			(unsigned long long)hist_total(h), (unsigned long long)h->overflows);
		cdf_block(f, h, hi * CDF_X_MARGIN);
	}
}

/* "index name median min max colour ratio" per scheduler with samples. */
static int bars_data(FILE *f, const struct bench_results *r, const struct bench_metric *m)
{
	struct bench_stats st;
	int i, x = 0, err;

	fprintf(f, "# %s: x, scheduler, median, min, max, colour, ratio to %s\n", m->name,
		BENCH_BASELINE);
	for (i = 0; i < r->nr_scheds; i++) {
		err = bench_metric_stats(r, m, i, &st);
		if (err)
			return err;
		if (!st.n)
			continue;
		fprintf(f, "%d ", x++);
		gp_string(f, r->scheds[i]);
		fprintf(f, " %.15g %.15g %.15g %d ", st.median, st.min, st.max, i + 1);
		if (st.has_ratio)
			fprintf(f, "\"%.2fx\"\n", st.ratio);
		else
			fprintf(f, "\"\"\n");
	}
	return 0;
}

static FILE *open_in(const char *dir, const char *name, int *err)
{
	char path[PATH_MAX];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	f = fopen(path, "w");
	*err = f ? 0 : -errno;
	return f;
}

static int close_file(FILE *f)
{
	return fclose(f) ? -errno : 0;
}

static int write_data(const struct bench_results *r, const char *dir, const struct bench_plot *pl)
{
	int err;
	FILE *f = open_in(dir, pl->data, &err);

	if (!f)
		return err;
	if (pl->metric < 0)
		cdf_data(f, r, pl->bench);
	else
		err = bars_data(f, r, &r->benches[pl->bench].metrics[pl->metric]);
	return close_file(f) ?: err;
}

static void cdf_script(FILE *f, const struct bench_results *r, const struct bench_plot *pl)
{
	char title[160];
	int i, block = 0;
	double lo, hi;

	fprintf(f, "set title ");
	snprintf(title, sizeof(title), "%s: latency CDF (all rounds)",
		 bench_title(r->benches[pl->bench].name));
	gp_string(f, title);
	fprintf(f, "\nset logscale x\nset xlabel \"latency (us, log scale)\"\n"
		   "set ylabel \"fraction of samples <= latency\"\n"
		   "set yrange [0:1.02]\nset key bottom right\n");
	cdf_range(r, pl->bench, &lo, &hi);
	fprintf(f, "set xrange [%.15g:%.15g]\n", lo / CDF_X_MARGIN, hi * CDF_X_MARGIN);
	for (i = 0; i < r->nr_scheds; i++) {
		const struct bench_hist *h = bench_results_hist(r, i, pl->bench);

		if (!hist_plottable(h))
			continue;
		fprintf(f, "%s'%s' index %d using 1:2 with steps lt %d lw 2 title ",
			block ? ", \\\n     " : "plot ", block ? "" : pl->data, block, i + 1);
		if (h->overflows)
			snprintf(title, sizeof(title), "%s (%llu beyond the histogram)",
				 r->scheds[i], (unsigned long long)h->overflows);
		else
			snprintf(title, sizeof(title), "%s", r->scheds[i]);
		gp_string(f, title);
		block++;
	}
	fprintf(f, "\n");
}

static void bars_script(FILE *f, const struct bench_results *r, const struct bench_plot *pl)
{
	const struct bench_metric *m = &r->benches[pl->bench].metrics[pl->metric];
	char title[256], label[128];
	struct bench_stats st;
	int i, n = 0;
	bool negative = false;

	for (i = 0; i < r->nr_scheds; i++) {
		if (bench_metric_stats(r, m, i, &st) || !st.n)
			continue;
		n++;
		negative |= st.min < 0;
	}
	snprintf(label, sizeof(label), *m->unit ? "%s (%s)" : "%s", m->name, m->unit);
	snprintf(title, sizeof(title), "%s: %s%s%s", bench_title(r->benches[pl->bench].name), label,
		 m->better == BENCH_BETTER_NONE ? "" : ", ",
		 m->better == BENCH_BETTER_LOWER    ? "lower is better"
		 : m->better == BENCH_BETTER_HIGHER ? "higher is better"
						    : "");
	fprintf(f, "set title ");
	gp_string(f, title);
	fprintf(f, "\nset ylabel ");
	gp_string(f, label);
	fprintf(f, "\nset xlabel \"median over the rounds, bars: min-max; ratio to %s on top\"\n",
		BENCH_BASELINE);
	fprintf(f,
		"set style fill solid 0.75 border -1\nset boxwidth 0.6\nunset key\n"
		"set xtics nomirror scale 0\nset xrange [-0.6:%g]\n%s"
		"set offsets 0, 0, graph 0.1, 0\n",
		n - 0.4, negative ? "" : "set yrange [0:*]\n");
	fprintf(f,
		"plot '%s' using 1:3:6:xtic(2) with boxes lc variable, \\\n"
		"     '' using 1:4:(0):($5-$4) with vectors heads size screen 0.01,90 lc rgb "
		"\"black\" "
		"lw 1.5, \\\n"
		"     '' using 1:5:7 with labels offset 0,0.8\n",
		pl->data);
}

static void write_script_to(FILE *f, const struct bench_results *r, const struct bench_plots *p)
{
	int i;

	fprintf(f, "# plots.gp - written by cland-bench-report: `gnuplot plots.gp` in this "
		   "directory\n"
		   "# makes the PNGs of report.md from the *.dat files next to it.\n");
	gnuplot_terminal(f);
	for (i = 0; i < p->nr; i++) {
		const struct bench_plot *pl = &p->v[i];

		fprintf(f, "\nreset\nset grid\nset output '%s'\n", pl->file);
		if (pl->metric < 0)
			cdf_script(f, r, pl);
		else
			bars_script(f, r, pl);
	}
	fprintf(f, "\nset output\n");
}

/* Mark the PNGs gnuplot made; drop an empty log. */
static void check_pngs(const char *dir, struct bench_plots *p)
{
	char path[PATH_MAX];
	struct stat st;
	int i;

	for (i = 0; i < p->nr; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, p->v[i].file);
		p->v[i].made = !stat(path, &st) && st.st_size > 0;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, GNUPLOT_LOG);
	if (!stat(path, &st) && !st.st_size)
		unlink(path);
}

int bench_plots_make(const struct bench_results *r, const char *dir, struct bench_plots *p)
{
	int i, err = 0;
	FILE *f;

	if (!p->nr)
		return 0;
	for (i = 0; i < p->nr && !err; i++)
		err = write_data(r, dir, &p->v[i]);
	f = err ? NULL : open_in(dir, "plots.gp", &err);
	if (!f)
		return err;
	write_script_to(f, r, p);
	err = close_file(f);
	if (err)
		return err;
	p->made = !gnuplot_run(getenv(BENCH_GNUPLOT_ENV), dir, p->why, sizeof(p->why));
	if (p->made)
		check_pngs(dir, p);
	return 0;
}
