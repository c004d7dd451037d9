// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - every policy on one workload (compare.h): a table with a
 * column per policy (wake-up latency over all tasks, waits, context
 * switches, decisions, CPU shares by task name) and, on request, gnuplot
 * plots written the way bench/plots.c writes the bench's: data files and a
 * plots.gp in the directory, gnuplot run there, its output in gnuplot.log.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "gnuplot.h"

#define MAX_POLICIES 16
#define CDF_POINTS   1000
#define TOP_NAMES    10
#define ZERO_AT_US   0.1 /* log scale: a latency of 0 is drawn here */

struct run {
	const struct cland_policy *pol;
	struct sim_result r;
	uint64_t *lat; /* every wake-up latency, all tasks, sorted */
	size_t nr_lat, cap_lat;
	bool failed;
};

static int cmp_asc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @pct-th percentile (nearest rank) of sorted @v; 0 when @n is 0. */
static uint64_t percentile(const uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	if (!n)
		return 0;
	return v[rank ? rank - 1 : 0];
}

static void collect(void *arg, int group, const uint64_t *ns, size_t n)
{
	struct run *run = arg;
	uint64_t *v;

	(void)group;
	if (run->nr_lat + n > run->cap_lat) {
		size_t cap = (run->nr_lat + n) * 2;

		v = realloc(run->lat, cap * sizeof(*v));
		if (!v) {
			run->failed = true;
			return;
		}
		run->lat = v;
		run->cap_lat = cap;
	}
	memcpy(run->lat + run->nr_lat, ns, n * sizeof(*ns));
	run->nr_lat += n;
}

static int run_all(const struct sim_workload *w, const struct sim_config *base, struct run *runs,
		   int *nr, FILE *errf)
{
	const struct cland_policy *const *p;
	char err[512];

	*nr = 0;
	for (p = cland_policies; *p && *nr < MAX_POLICIES; p++) {
		struct run *run = &runs[(*nr)++];
		struct sim_config cfg = *base;

		memset(run, 0, sizeof(*run));
		run->pol = *p;
		cfg.policy = *p;
		cfg.latencies = collect;
		cfg.latencies_arg = run;
		if (sim_run(w, &cfg, &run->r, err, sizeof(err)) || run->failed) {
			fprintf(errf, "cland-sim: policy %s: %s\n", (*p)->name,
				run->failed ? "out of memory" : err);
			return -1;
		}
		if (run->nr_lat)
			qsort(run->lat, run->nr_lat, sizeof(*run->lat), cmp_asc);
	}
	return 0;
}

static void row_u64(FILE *out, const char *label, struct run *runs, int nr,
		    uint64_t (*get)(const struct run *))
{
	int i;

	fprintf(out, "%-24s", label);
	for (i = 0; i < nr; i++)
		fprintf(out, " %12llu", (unsigned long long)get(&runs[i]));
	fputc('\n', out);
}

#define GETTER(name, expr)                                                                         \
	static uint64_t name(const struct run *run)                                                \
	{                                                                                          \
		return (expr);                                                                     \
	}
GETTER(g_wakeups, run->nr_lat)
GETTER(g_p50, percentile(run->lat, run->nr_lat, 50) / 1000)
GETTER(g_p90, percentile(run->lat, run->nr_lat, 90) / 1000)
GETTER(g_p99, percentile(run->lat, run->nr_lat, 99) / 1000)
GETTER(g_max, run->nr_lat ? run->lat[run->nr_lat - 1] / 1000 : 0)
GETTER(g_wait, run->r.max_wait_ns / 1000)
GETTER(g_cs, run->r.context_switches)
GETTER(g_dec, run->r.counters.nr_decisions)
GETTER(g_preempt, run->r.counters.nr_preemptions)
GETTER(g_kernel, run->r.counters.nr_kernel_dispatches)

/* Length of the task name in a group name "comm/pid" (the whole name if no '/'). */
static size_t comm_len(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? (size_t)(slash - name) : strlen(name);
}

/* CPU share (% of capacity) of the groups whose name starts with @comm (@len bytes). */
static double comm_share(const struct sim_workload *w, const struct run *run, const char *comm,
			 size_t len)
{
	uint64_t ns = 0;
	int g;

	for (g = 0; g < w->nr_groups; g++) {
		if (comm_len(w->groups[g].name) == len && !strncmp(w->groups[g].name, comm, len))
			ns += run->r.groups[g].cpu_ns;
	}
	return run->r.capacity_ns ? (double)ns * 100.0 / (double)run->r.capacity_ns : 0;
}

/* The task names, most CPU under the first policy first; at most TOP_NAMES. */
static int top_names(const struct sim_workload *w, const struct run *run, int *first)
{
	double *share = calloc((size_t)w->nr_groups, sizeof(*share));
	int g, k, n = 0, best;

	if (!share)
		return 0;
	for (g = 0; g < w->nr_groups; g++) {
		const char *name = w->groups[g].name;

		share[g] = -1;
		for (k = 0; k < g; k++) {
			if (comm_len(w->groups[k].name) == comm_len(name) &&
			    !strncmp(w->groups[k].name, name, comm_len(name)))
				break;
		}
		if (k == g) /* the first group of that name stands for them all */
			share[g] = comm_share(w, run, name, comm_len(name));
	}
	while (n < TOP_NAMES) {
		best = -1;
		for (g = 0; g < w->nr_groups; g++) {
			if (share[g] >= 0 && (best < 0 || share[g] > share[best]))
				best = g;
		}
		if (best < 0)
			break;
		first[n++] = best;
		share[best] = -1;
	}
	free(share);
	return n;
}

static void print_table(const struct sim_workload *w, const char *title, struct run *runs, int nr,
			FILE *out)
{
	int first[TOP_NAMES], n, i, k;

	fprintf(out, "%s\n%d tasks on %d CPUs, %.3f s simulated, each policy in turn\n\n", title,
		w->nr_tasks, w->nr_cpus, (double)w->duration_ns / 1e9);
	fprintf(out, "%-24s", "");
	for (i = 0; i < nr; i++)
		fprintf(out, " %12s", runs[i].pol->name);
	fputc('\n', out);
	row_u64(out, "wake-ups", runs, nr, g_wakeups);
	row_u64(out, "wake-up latency p50 us", runs, nr, g_p50);
	row_u64(out, "wake-up latency p90 us", runs, nr, g_p90);
	row_u64(out, "wake-up latency p99 us", runs, nr, g_p99);
	row_u64(out, "wake-up latency max us", runs, nr, g_max);
	row_u64(out, "longest wait us", runs, nr, g_wait);
	row_u64(out, "context switches", runs, nr, g_cs);
	row_u64(out, "decisions", runs, nr, g_dec);
	row_u64(out, "preemptions", runs, nr, g_preempt);
	row_u64(out, "kernel dispatches", runs, nr, g_kernel);
	fprintf(out, "%-24s", "CPU busy %");
	for (i = 0; i < nr; i++)
		fprintf(out, " %12.1f",
			runs[i].r.capacity_ns
				? (double)runs[i].r.busy_ns * 100.0 / (double)runs[i].r.capacity_ns
				: 0.0);
	fprintf(out, "\n\nCPU share by task name (%% of capacity):\n");
	n = top_names(w, &runs[0], first);
	for (k = 0; k < n; k++) {
		const char *name = w->groups[first[k]].name;

		fprintf(out, "  %-22.*s", (int)comm_len(name), name);
		for (i = 0; i < nr; i++)
			fprintf(out, " %12.2f", comm_share(w, &runs[i], name, comm_len(name)));
		fputc('\n', out);
	}
}

/* ---- plots ---- */

static FILE *open_in(const char *dir, const char *name, FILE *errf)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(errf, "cland-sim: --plot: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int close_file(FILE *f, const char *name, FILE *errf)
{
	if (ferror(f) | fclose(f)) {
		fprintf(errf, "cland-sim: --plot: writing %s failed\n", name);
		return -1;
	}
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* latency-cdf.dat and cpu-share.dat: one block per policy (gnuplot "index"). */
static int write_data(const struct sim_workload *w, struct run *runs, int nr, const char *dir,
		      FILE *errf)
{
	FILE *cdf = open_in(dir, "latency-cdf.dat", errf), *share;
	uint64_t *cpu = calloc((size_t)w->nr_groups + 1, sizeof(*cpu));
	int i, g, ret = 0;
	size_t k, idx, pts;

	if (!cdf || !cpu) {
		if (cdf)
			fclose(cdf);
		free(cpu);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		fprintf(cdf, "# %s: wake-up latency us, fraction of wake-ups at or below\n",
			runs[i].pol->name);
		pts = runs[i].nr_lat < CDF_POINTS ? runs[i].nr_lat : CDF_POINTS;
		for (k = 0; k < pts; k++) {
			idx = pts > 1 ? k * (runs[i].nr_lat - 1) / (pts - 1) : 0;
			fprintf(cdf, "%.3f %.6f\n",
				runs[i].lat[idx] ? (double)runs[i].lat[idx] / 1000.0 : ZERO_AT_US,
				(double)(idx + 1) / (double)runs[i].nr_lat);
		}
		if (!pts) /* no wake-up: a point gnuplot can draw */
			fprintf(cdf, "%.3f 0\n", ZERO_AT_US);
		fprintf(cdf, "\n\n");
	}
	ret |= close_file(cdf, "latency-cdf.dat", errf);
	share = open_in(dir, "cpu-share.dat", errf);
	if (!share) {
		free(cpu);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		fprintf(share,
			"# %s: task rank, its CPU share %% (tasks by share, largest first)\n",
			runs[i].pol->name);
		for (g = 0; g < w->nr_groups; g++)
			cpu[g] = runs[i].r.groups[g].cpu_ns;
		qsort(cpu, (size_t)w->nr_groups, sizeof(*cpu), cmp_desc);
		for (g = 0; g < w->nr_groups; g++)
			fprintf(share, "%d %.4f\n", g + 1,
				runs[i].r.capacity_ns
					? (double)cpu[g] * 100.0 / (double)runs[i].r.capacity_ns
					: 0.0);
		fprintf(share, "\n\n");
	}
	free(cpu);
	ret |= close_file(share, "cpu-share.dat", errf);
	return ret;
}

static int write_script(const struct sim_workload *w, const char *title, struct run *runs, int nr,
			const char *dir, FILE *errf)
{
	FILE *f = open_in(dir, "plots.gp", errf);
	int i;

	if (!f)
		return -1;
	fprintf(f, "# plots.gp - written by cland-sim --compare: `gnuplot plots.gp` in this "
		   "directory\n");
	gnuplot_terminal(f);
	fprintf(f,
		"set grid\nset key bottom right\n"
		"set output 'latency-cdf.png'\n"
		"set title \"wake-up latency, every task: %s\"\n"
		"set logscale x\nset xlabel \"wake-up latency, us (log; 0 drawn at %.1f)\"\n"
		"set ylabel \"fraction of wake-ups\"\nset yrange [0:1.02]\nplot ",
		title, ZERO_AT_US);
	for (i = 0; i < nr; i++)
		fprintf(f, "%s'latency-cdf.dat' index %d using 1:2 with steps lw 2 title '%s'",
			i ? ", " : "", i, runs[i].pol->name);
	fprintf(f,
		"\n\nreset\nset grid\nset key top right\nset output 'cpu-share.png'\n"
		"set title \"CPU share per task: %s\"\n"
		"set xlabel \"%s, largest share first\"\n"
		"set ylabel \"CPU share, %% of capacity\"\nset yrange [0:*]\n%s\nplot ",
		title, w->nr_groups == w->nr_tasks ? "tasks" : "groups of tasks",
		w->nr_groups <= 20 ? "set xtics 1" : "");
	for (i = 0; i < nr; i++)
		fprintf(f, "%s'cpu-share.dat' index %d using 1:2 with linespoints lw 2 title '%s'",
			i ? ", " : "", i, runs[i].pol->name);
	fprintf(f, "\n\nset output\n");
	return close_file(f, "plots.gp", errf);
}

/* Run gnuplot ($CLAND_GNUPLOT) on plots.gp in @dir, its output into gnuplot.log. */
static int run_gnuplot(const char *dir, FILE *errf)
{
	char why[PATH_MAX + 128];

	if (!gnuplot_run(getenv(SIM_GNUPLOT_ENV), dir, why, sizeof(why)))
		return 0;
	fprintf(errf, "cland-sim: --plot: %s\n", why);
	return -1;
}

static int plot(const struct sim_workload *w, const char *title, struct run *runs, int nr,
		const char *dir, FILE *out, FILE *errf)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(errf, "cland-sim: --plot: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (write_data(w, runs, nr, dir, errf) || write_script(w, title, runs, nr, dir, errf) ||
	    run_gnuplot(dir, errf))
		return -1;
	fprintf(out, "\nplots: %s/latency-cdf.png %s/cpu-share.png\n", dir, dir);
	return 0;
}

int sim_compare(const struct sim_workload *w, const struct sim_config *base, const char *title,
		const char *plot_dir, FILE *out, FILE *errf)
{
	struct run runs[MAX_POLICIES];
	int nr = 0, i, ret = 0;

	if (run_all(w, base, runs, &nr, errf)) {
		ret = 1;
	} else {
		print_table(w, title, runs, nr, out);
		if (plot_dir && plot(w, title, runs, nr, plot_dir, out, errf))
			ret = 2;
	}
	for (i = 0; i < nr; i++) {
		sim_result_free(&runs[i].r);
		free(runs[i].lat);
	}
	return ret;
}
