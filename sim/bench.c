// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - cland-sim --bench.
 *
 * The policy's own cost: a policy is given N tasks (1k, 10k, 100k), then
 * driven in steady state, one decision at a time: dispatch() hands out the
 * next task, which comes straight back through enqueue() as if it had run
 * (its slice, or 200 us and a sleep for one task in five), so the policy
 * always holds N tasks. One decision is that dispatch plus that enqueue,
 * through the policy's struct cland_policy callbacks. The host is a busy
 * 256-CPU machine: claim_idle_cpu() finds an idle CPU for one call in 64,
 * now() reads a counter; the harness's own cost (building each task record)
 * is measured alone and printed, a few ns. Each size: warm-up, then
 * SIM_BENCH_REPS timed repetitions (CLOCK_MONOTONIC), the best counts.
 *
 * The whole simulator: each workload given is simulated SIM_BENCH_REPS times;
 * the best wall time gives its decisions per second.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cli.h"
#include "options.h"
#include "random.h"
#include "workload.h"

#define BENCH_PID0	 1000
#define BENCH_IDLE_EVERY 64		  /* claim_idle_cpu() finds a CPU once in this many calls */
#define BENCH_CHATTY	 5		  /* one task in this many sleeps after each run */
#define BENCH_CHATTY_RUN 200000ULL	  /* ns a chatty task runs before it sleeps */
#define BENCH_T0	 1000000000000ULL /* the host clock starts here (ns) */
#define MAX_GROWTH	 3.0	   /* ns/decision at 100k over 1k: "logarithmic" up to this */
#define TARGET_10K	 1000000.0 /* decisions/s wanted at 10k tasks (the target) */

static const int bench_sizes[SIM_BENCH_SIZES] = {1000, 10000, 100000};

/* Weights of the tasks, by task number: mostly nice 0, some nice 5 and -5. */
static const uint64_t bench_weights[8] = {100, 100, 100, 33, 100, 100, 305, 100};

struct bench_host {
	uint64_t now;
	uint64_t claims;
	uint64_t random; /* host->random()'s state */
};

static int bench_claim_idle_cpu(void *be, int32_t pid, int32_t prev_cpu)
{
	struct bench_host *h = be;

	if (++h->claims % BENCH_IDLE_EVERY)
		return -EBUSY;
	return prev_cpu >= 0 && prev_cpu < SIM_BENCH_CPUS ? prev_cpu : 0;
}

static uint64_t bench_now(void *be)
{
	return ((const struct bench_host *)be)->now;
}

static uint64_t bench_random(void *be)
{
	return cland_random_next(&((struct bench_host *)be)->random);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The record of task @idx queued at @h->now: new (@d NULL) or back from the
 * run the decision @d gave it. The clock moves on by what the task ran over the
 * CPUs, as if they took turns.
 */
static void make_task(cland_task_t *t, struct bench_host *h, int idx, int nr,
		      const struct cland_decision *d)
{
	bool chatty = idx % BENCH_CHATTY == 0;
	uint64_t ran = !d ? 0 : chatty ? BENCH_CHATTY_RUN : d->slice;

	h->now += ran / SIM_BENCH_CPUS;
	memset(t, 0, sizeof(*t));
	t->pid = BENCH_PID0 + idx;
	t->cpu = d && d->cpu >= 0 ? d->cpu : idx % SIM_BENCH_CPUS;
	t->flags = d && chatty ? CLAND_TASK_WAKEUP : 0;
	t->weight = bench_weights[idx % 8];
	t->vtime = d ? d->vtime : 0;
	t->exec_runtime = ran;
	t->start_ts = h->now - ran;
	t->stop_ts = h->now;
	t->gen = d ? d->gen + 1 : 1;
	t->nr_cpus_allowed = SIM_BENCH_CPUS;
	t->nr_runnable = (uint64_t)nr;
	memcpy(t->comm, chatty ? "chatty" : "hog", chatty ? 7 : 4);
}

/* @n decisions: dispatch one, queue it back. Returns false if dispatch ran dry. */
static bool drive(const struct cland_policy *pol, void *ctx, struct bench_host *h, int nr,
		  uint64_t n)
{
	struct cland_decision d;
	cland_task_t t;

	while (n--) {
		if (!pol->dispatch(ctx, &d))
			return false;
		make_task(&t, h, d.pid - BENCH_PID0, nr, &d);
		pol->enqueue(ctx, &t);
	}
	return true;
}

/* The best of SIM_BENCH_REPS timed runs of @n decisions, in ns per decision; < 0: ran dry. */
static double time_drive(const struct cland_policy *pol, void *ctx, struct bench_host *h, int nr,
			 uint64_t n)
{
	double best = -1;
	int rep;

	for (rep = 0; rep < SIM_BENCH_REPS; rep++) {
		uint64_t t0 = mono_ns(), ns;

		if (!drive(pol, ctx, h, nr, n))
			return -1;
		ns = mono_ns() - t0;
		if (best < 0 || (double)ns / (double)n < best)
			best = (double)ns / (double)n;
	}
	return best;
}

/* One size: @nr tasks held by @pol. Returns ns per decision, or < 0 with @err set. */
static double bench_size(const struct cland_policy *pol, int nr, uint64_t decisions, char *err,
			 size_t errlen)
{
	struct bench_host h = {.now = BENCH_T0, .random = CLAND_HOST_SEED};
	struct cland_host host = {.be = &h,
				  .claim_idle_cpu = bench_claim_idle_cpu,
				  .now = bench_now,
				  .nr_cpus = SIM_BENCH_CPUS,
				  .random = bench_random};
	struct cland_policy_cfg cfg = {.slice_ns = CLAND_DEFAULT_SLICE_US * 1000ULL,
				       .slice_min_ns = CLAND_DEFAULT_SLICE_MIN_US * 1000ULL};
	void *ctx = calloc(1, pol->ctx_size ? pol->ctx_size : 1);
	double ns = -1;
	cland_task_t t;
	int i, ret;

	if (!ctx) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ret = pol->init(ctx, &cfg, &host);
	if (ret) {
		snprintf(err, errlen, "policy %s: init failed: %s", pol->name, strerror(-ret));
		free(ctx);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		make_task(&t, &h, i, nr, NULL);
		pol->enqueue(ctx, &t);
	}
	if (pol->nr_pending(ctx) != (uint64_t)nr)
		snprintf(err, errlen, "policy %s holds %llu of the %d tasks it was given",
			 pol->name, (unsigned long long)pol->nr_pending(ctx), nr);
	else if (!drive(pol, ctx, &h, nr, 2 * (uint64_t)nr + decisions) ||
		 (ns = time_drive(pol, ctx, &h, nr, decisions)) < 0)
		snprintf(err, errlen, "policy %s stopped dispatching while holding tasks",
			 pol->name);
	pol->exit(ctx);
	free(ctx);
	return ns;
}

/* A policy that keeps nothing: it hands tasks out in turn. Measures the harness. */
struct stub_ctx {
	int next, nr;
};

static int stub_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	return 0;
}

static void stub_enqueue(void *ctx, const cland_task_t *task)
{
	struct stub_ctx *c = ctx;

	c->nr += c->nr < task->pid - BENCH_PID0 + 1;
}

static bool stub_dispatch(void *ctx, struct cland_decision *out)
{
	struct stub_ctx *c = ctx;

	*out = (struct cland_decision){
		.pid = BENCH_PID0 + c->next, .cpu = CLAND_CPU_ANY, .slice = 1000000, .gen = 1};
	c->next = (c->next + 1) % c->nr;
	return true;
}

static uint64_t stub_nr_pending(void *ctx)
{
	return (uint64_t)((struct stub_ctx *)ctx)->nr;
}

static void stub_exit(void *ctx)
{
}

static const struct cland_policy stub_policy = {
	.name = "(harness)",
	.ctx_size = sizeof(struct stub_ctx),
	.init = stub_init,
	.enqueue = stub_enqueue,
	.dispatch = stub_dispatch,
	.nr_pending = stub_nr_pending,
	.exit = stub_exit,
};

/* log2(largest size) / log2(smallest): the growth of a logarithmic cost. */
static double log2_ratio(void)
{
	return log2(bench_sizes[SIM_BENCH_SIZES - 1]) / log2(bench_sizes[0]);
}

/* @pol at every size, one line each and the verdict. Returns 0 or -1 (message printed). */
static int bench_policy(const struct cland_policy *pol, uint64_t decisions, FILE *out, FILE *errf)
{
	double ns[SIM_BENCH_SIZES], growth;
	char err[256];
	int i;

	for (i = 0; i < SIM_BENCH_SIZES; i++) {
		ns[i] = bench_size(pol, bench_sizes[i], decisions, err, sizeof(err));
		if (ns[i] < 0) {
			fprintf(errf, "cland-sim: %s\n", err);
			return -1;
		}
		fprintf(out, "%-10s %7d %12.1f %14.0f %8.2f\n", pol->name, bench_sizes[i], ns[i],
			1e9 / ns[i], ns[i] / ns[0]);
	}
	growth = ns[SIM_BENCH_SIZES - 1] / ns[0];
	fprintf(out, "%s: %d -> %d tasks: %.2fx the time per decision (a log2 n cost: %.2fx): %s\n",
		pol->name, bench_sizes[0], bench_sizes[SIM_BENCH_SIZES - 1], growth, log2_ratio(),
		growth <= MAX_GROWTH ? "logarithmic (<= 3x)" : "NOT logarithmic (> 3x)");
	fprintf(out, "%s: %.2fM decisions/s at %d tasks: %s the target (%.0fM/s)\n", pol->name,
		1e3 / ns[1], bench_sizes[1], 1e9 / ns[1] >= TARGET_10K ? "meets" : "MISSES",
		TARGET_10K / 1e6);
	return 0;
}

/* The stub policy at the largest size: the harness's share of each decision. */
static void bench_harness(uint64_t decisions, FILE *out)
{
	int nr = bench_sizes[SIM_BENCH_SIZES - 1];
	char err[256];
	double ns = bench_size(&stub_policy, nr, decisions, err, sizeof(err));

	fprintf(out,
		"harness alone (task records, no policy), %d tasks: %.1f ns/decision, included "
		"above\n",
		nr, ns);
}

/* Simulate @w under @pol SIM_BENCH_REPS times; one line with the best wall time. */
static int bench_workload(const char *path, const struct sim_workload *w,
			  const struct sim_bench_args *a, const struct cland_policy *pol, FILE *out,
			  FILE *errf)
{
	struct sim_config cfg = a->cfg;
	struct sim_result r;
	uint64_t best = UINT64_MAX;
	char err[512];
	int rep;

	cfg.policy = pol;
	if (!a->rtt_set)
		cfg.rtt_ns = w->has_rtt ? w->rtt_ns : SIM_DEFAULT_RTT_NS;
	cfg.costs = w->has_costs ? w->costs : sim_default_costs;
	for (rep = 0; rep < SIM_BENCH_REPS; rep++) {
		uint64_t t0 = mono_ns(), ns;

		if (rep)
			sim_result_free(&r);
		if (sim_run(w, &cfg, &r, err, sizeof(err))) {
			fprintf(errf, "cland-sim: %s: %s\n", path, err);
			return SIM_EXIT_FAILED;
		}
		ns = mono_ns() - t0;
		best = ns < best ? ns : best;
	}
	fprintf(out, "%-36s %-9s %5d %6d %10llu %9.1f %12.0f %8.1f\n", path, pol->name, w->nr_cpus,
		w->nr_tasks, (unsigned long long)r.counters.nr_decisions, (double)best / 1e6,
		(double)r.counters.nr_decisions * 1e9 / (double)best,
		r.counters.nr_decisions ? (double)r.work / (double)r.counters.nr_decisions : 0.0);
	sim_result_free(&r);
	return SIM_EXIT_OK;
}

/* Load every workload of @a into @w before anything is timed; an exit code. */
static int load_workloads(const struct sim_bench_args *a, struct sim_workload *w, FILE *errf)
{
	char err[512];
	int i;

	for (i = 0; i < a->nr_workloads; i++) {
		if (sim_workload_load(a->workloads[i], &w[i], err, sizeof(err))) {
			fprintf(errf, "cland-sim: %s\n", err);
			while (i--)
				sim_workload_free(&w[i]);
			return SIM_EXIT_USAGE;
		}
	}
	return SIM_EXIT_OK;
}

static int bench_workloads(const struct sim_bench_args *a, const struct sim_workload *w,
			   const struct cland_policy *const *pols, FILE *out, FILE *errf)
{
	const struct cland_policy *const *p;
	int i, ret = SIM_EXIT_OK;

	fprintf(out,
		"\nwhole simulator, wall time (best of %d runs):\n"
		"%-36s %-9s %5s %6s %10s %9s %12s %8s\n",
		SIM_BENCH_REPS, "workload", "policy", "cpus", "tasks", "decisions", "wall_ms",
		"decisions/s", "work/dec");
	for (i = 0; !ret && i < a->nr_workloads; i++) {
		for (p = pols; *p && !ret; p++)
			ret = bench_workload(a->workloads[i], &w[i], a, *p, out, errf);
	}
	return ret;
}

int sim_bench_main(const struct sim_bench_args *a, FILE *out, FILE *errf)
{
	const struct cland_policy *one[2] = {a->policy, NULL};
	const struct cland_policy *const *pols = a->policy ? one : cland_policies;
	const struct cland_policy *const *p;
	struct sim_workload w[SIM_BENCH_MAX_WORKLOADS];
	int i, ret = load_workloads(a, w, errf);

	if (ret)
		return ret;
	fprintf(out,
		"policy cost per decision (one dispatch + one enqueue), %d CPUs, the host finds an "
		"idle CPU\nonce in %d claims; one core, best of %d x %llu decisions after a "
		"warm-up\n"
		"%-10s %7s %12s %14s %8s\n",
		SIM_BENCH_CPUS, BENCH_IDLE_EVERY, SIM_BENCH_REPS, (unsigned long long)a->decisions,
		"policy", "tasks", "ns/decision", "decisions/s", "vs 1k");
	for (p = pols; *p; p++) {
		if (bench_policy(*p, a->decisions, out, errf))
			ret = SIM_EXIT_FAILED;
	}
	bench_harness(a->decisions, out);
	if (a->nr_workloads && !ret)
		ret = bench_workloads(a, w, pols, out, errf);
	for (i = 0; i < a->nr_workloads; i++)
		sim_workload_free(&w[i]);
	if (fflush(out) || ferror(out)) {
		fprintf(errf, "cland-sim: cannot write the report\n");
		ret = SIM_EXIT_FAILED;
	}
	return ret;
}
