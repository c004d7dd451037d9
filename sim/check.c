// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - cland-sim's verdict on a policy. Each check passes or fails with
 * one line per failure saying what happened and why it matters on the real
 * backend (bpf/cland.bpf.c, whose limits come from bpf/watch.h and
 * bpf/decide.h):
 *
 *  lost      tasks the policy held over WATCH_OVERDUE_NS (the overdue net ran
 *            them), or counted as lost itself (stats: nr_dropped);
 *  in_flight its nr_pending() against the tasks it held (got from enqueue(),
 *            not returned by dispatch()) after each daemon round;
 *  max_wait  the longest wait of a runnable task against the starvation net
 *            (WATCH_STARVE_NS), and the tasks that net had to run;
 *  watchdog  the kernel's watchdog ejected the scheduler (CLAND_WATCHDOG_MS);
 *  rejected  decisions the backend rejects: malformed (it runs the task and
 *            counts a policy error), naming no task (bad pid), stale;
 *  hot_path  allocations while enqueue(), dispatch() or nr_pending() ran;
 *  share     each group's CPU share against the share its weight entitles
 *            it to (expected%), for the groups whose entitlement the weights
 *            decide: always runnable, unpinned, not messaging.
 *
 * The entitlement is weighted max-min fairness (water-filling) over time:
 * between two instants where tasks start or stop, each task gets at most
 * what it asks for (a CPU for a task that never sleeps, run / (run + sleep)
 * for one that does; what it used for one that waits for messages), and the
 * CPU time the tasks used is shared among those that ask for more in
 * proportion to their weights. Affinity is not taken into account (pinned
 * groups are not checked); a task that sleeps is entitled to what it asks,
 * but how much of it it gets is its wake-up latency's business (the latency
 * columns), so only groups that never sleep are checked, and only those
 * there from the start (where a newcomer is placed is the policy's choice).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "decide.h"
#include "sim.h"
#include "watch.h"

#define NSEC_PER_SEC 1e9
/* segments x groups above which the entitlement is not computed (a huge replay) */
#define EXPECTED_BUDGET 20000000ULL

static double secs(uint64_t ns)
{
	return (double)ns / NSEC_PER_SEC;
}

static struct sim_check *add_check(struct sim_checks *c, const char *name)
{
	struct sim_check *k = &c->c[c->nr++];

	*k = (struct sim_check){.name = name, .ok = true};
	return k;
}

/* Append a line to @k's message: a failure (counted) or, for a passing check, what was seen. */
static void __attribute__((format(printf, 3, 4)))
say(struct sim_check *k, bool failure, const char *fmt, ...)
{
	size_t len = strlen(k->msg);
	va_list ap;

	if (failure) {
		if (k->ok) { /* the first failure replaces what a pass would have said */
			k->msg[0] = '\0';
			len = 0;
		}
		k->ok = false;
		k->nr_failures++;
	} else if (!k->ok) {
		return;
	}
	if (len && len < sizeof(k->msg) - 1)
		k->msg[len++] = '\n';
	va_start(ap, fmt);
	vsnprintf(k->msg + len, sizeof(k->msg) - len, fmt, ap);
	va_end(ap);
}

/* "group/pid" of a task noted in a result. */
static const char *who(const struct sim_workload *w, const struct sim_note *n, char *buf,
		       size_t len)
{
	int g = 0, idx = n->task, i;

	if (idx < 0) {
		snprintf(buf, len, "pid %d", (int)n->pid);
		return buf;
	}
	for (i = 0; i < w->nr_groups && idx >= w->groups[i].count; i++)
		idx -= w->groups[i].count;
	g = i < w->nr_groups ? i : 0;
	snprintf(buf, len, "%s/%d", w->groups[g].name, (int)n->pid);
	return buf;
}

static void check_lost(struct sim_checks *c, const struct sim_workload *w,
		       const struct sim_result *r)
{
	struct sim_check *k = add_check(c, "lost");
	char name[64];

	if (r->overdue.n)
		say(k, true,
		    "%llu tasks waited over %.0f s in user space for a decision (the first: %s, "
		    "at %.3f s): the backend's overdue net ran them itself (scx_cland: overdue=, "
		    "and the policy named in its log); every task enqueue() gets must come back "
		    "from dispatch(), with its pid and gen",
		    (unsigned long long)r->overdue.n, secs(WATCH_OVERDUE_NS),
		    who(w, &r->overdue, name, sizeof(name)), secs(r->overdue.at));
	if (r->policy_stats.nr_dropped)
		say(k, true,
		    "the policy counted %llu tasks it lost (stats: nr_dropped; scx_cland: "
		    "dropped=): each waits for the overdue net",
		    (unsigned long long)r->policy_stats.nr_dropped);
	say(k, false, "no task held over %.0f s, none dropped", secs(WATCH_OVERDUE_NS));
}

static void check_in_flight(struct sim_checks *c, const struct sim_result *r)
{
	struct sim_check *k = add_check(c, "in_flight");

	if (r->pending.n)
		say(k, true,
		    "after %llu of %llu daemon rounds nr_pending() did not count the tasks the "
		    "policy held (the first, at %.3f s: it said %lld, it held %lld): the backend "
		    "keeps the daemon running on that count and stops waking it at 0; nr_pending() "
		    "must count every task enqueue() gave it and dispatch() has not returned",
		    (unsigned long long)r->pending.n, (unsigned long long)r->counters.nr_rounds,
		    secs(r->pending.at), (long long)r->pending.a, (long long)r->pending.b);
	say(k, false,
	    "nr_pending() always counted the tasks held; at the end: %llu held, %llu wait "
	    "for a decision",
	    (unsigned long long)r->nr_held_end, (unsigned long long)r->nr_waiting_user);
}

/*
 * The longest wait against the starvation net. A load of R runnable tasks per
 * CPU makes waits of (R - 1) x slice_min_ns inevitable whatever the policy
 * (each task runs at least the minimum slice in its turn): when that is over
 * the net, it fires for any policy, and a wait up to twice that is accepted.
 */
static void check_max_wait(struct sim_checks *c, const struct sim_workload *w,
			   const struct sim_config *cfg, const struct sim_result *r, double load)
{
	struct sim_check *k = add_check(c, "max_wait");
	struct sim_note longest = {.task = r->max_wait_task};
	double per_cpu = load / w->nr_cpus;
	double inevitable = per_cpu > 1 ? (per_cpu - 1) * (double)cfg->slice_min_ns : 0;
	char name[64];

	if (r->max_wait_task >= 0)
		longest.pid = SIM_PID0 + r->max_wait_task;
	if (inevitable >= WATCH_STARVE_NS) {
		if ((double)r->max_wait_ns > 2 * inevitable)
			say(k, true,
			    "%s waited %.3f s for a CPU, over twice the %.3f s the load makes "
			    "inevitable (%.1f runnable tasks per CPU x the %.1f ms minimum slice)",
			    who(w, &longest, name, sizeof(name)), secs(r->max_wait_ns),
			    inevitable / 1e9, per_cpu, cfg->slice_min_ns / 1e6);
		say(k, false,
		    "longest wait %.1f ms (%s): the load makes waits of %.1f ms inevitable (%.1f "
		    "runnable tasks per CPU x the %.1f ms minimum slice); the starvation net ran "
		    "%llu tasks",
		    r->max_wait_ns / 1e6, who(w, &longest, name, sizeof(name)), inevitable / 1e6,
		    per_cpu, cfg->slice_min_ns / 1e6, (unsigned long long)r->starved.n);
		return;
	}
	if (r->starved.n)
		say(k, true,
		    "%llu tasks had been runnable for %.0f ms and were still in a dispatch "
		    "queue: the backend's starvation net ran them at once (the first: %s, at "
		    "%.3f s)",
		    (unsigned long long)r->starved.n, WATCH_STARVE_NS / 1e6,
		    who(w, &r->starved, name, sizeof(name)), secs(r->starved.at));
	if (r->max_wait_ns >= WATCH_STARVE_NS)
		say(k, true,
		    "%s waited %.3f s for a CPU; the real backend's limits: the starvation net "
		    "runs "
		    "a task that waited %.0f ms in a dispatch queue, the overdue net takes back "
		    "one "
		    "the policy held %.0f s, the kernel's watchdog ejects the scheduler at %.0f s",
		    who(w, &longest, name, sizeof(name)), secs(r->max_wait_ns),
		    WATCH_STARVE_NS / 1e6, secs(WATCH_OVERDUE_NS), CLAND_WATCHDOG_MS / 1e3);
	say(k, false, "longest wait %.1f ms (%s), under the starvation net's %.0f ms",
	    r->max_wait_ns / 1e6,
	    r->max_wait_task >= 0 ? who(w, &longest, name, sizeof(name)) : "-",
	    WATCH_STARVE_NS / 1e6);
}

static void check_watchdog(struct sim_checks *c, const struct sim_workload *w,
			   const struct sim_result *r)
{
	struct sim_check *k = add_check(c, "watchdog");
	char name[64];

	if (r->ejected.n)
		say(k, true,
		    "the kernel's watchdog ejected the scheduler at %.3f s: %s had been runnable "
		    "for %.3f s without running (sched_ext's timeout: %.0f s); the simulation "
		    "stopped there",
		    secs(r->ejected.at), who(w, &r->ejected, name, sizeof(name)),
		    secs((uint64_t)r->ejected.a), CLAND_WATCHDOG_MS / 1e3);
	say(k, false, "no task runnable for %.0f s", CLAND_WATCHDOG_MS / 1e3);
}

static void check_rejected(struct sim_checks *c, const struct sim_workload *w,
			   const struct sim_result *r)
{
	struct sim_check *k = add_check(c, "rejected");
	char name[64];

	if (r->policy_error.n)
		say(k, true,
		    "%llu malformed decisions (the first: %s at %.3f s, cpu %lld, slice %lld ns, "
		    "on "
		    "%d CPUs): the backend runs such a task itself and counts a policy error "
		    "(scx_cland: policy_errors=); a decision's cpu is a CPU number below nr_cpus "
		    "or "
		    "CLAND_CPU_ANY, its slice at most %.0f s",
		    (unsigned long long)r->policy_error.n,
		    who(w, &r->policy_error, name, sizeof(name)), secs(r->policy_error.at),
		    (long long)r->policy_error.a, (long long)r->policy_error.b, w->nr_cpus,
		    secs(CLAND_MAX_SLICE_NS));
	if (r->bad_pid.n)
		say(k, true,
		    "%llu decisions named no task (bad pid; the first: pid %d at %.3f s): the "
		    "backend drops them (scx_cland: failed= or cancel=) and the task they were "
		    "meant for waits; copy task->pid into the decision",
		    (unsigned long long)r->bad_pid.n, (int)r->bad_pid.pid, secs(r->bad_pid.at));
	if (r->stale.n)
		say(k, true,
		    "%llu stale decisions (the first: %s at %.3f s, gen %lld: %s, its gen %lld): "
		    "the backend drops them (scx_cland: cancel=); copy task->gen into the decision "
		    "and return each task once",
		    (unsigned long long)r->stale.n, who(w, &r->stale, name, sizeof(name)),
		    secs(r->stale.at), (long long)r->stale.a, r->stale.what, (long long)r->stale.b);
	say(k, false, "none: %llu decisions applied, %llu bounced to another CPU",
	    (unsigned long long)r->counters.nr_user_dispatches,
	    (unsigned long long)r->counters.nr_bounce_dispatches);
}

static void check_hot_path(struct sim_checks *c, const struct sim_result *r)
{
	struct sim_check *k = add_check(c, "hot_path");

	if (r->alloc.n)
		say(k, true,
		    "%llu heap allocations while the policy ran (the first in %s(), at %.3f s): "
		    "enqueue(), dispatch() and nr_pending() run while tasks wait for the daemon, "
		    "where malloc may fault or block; allocate in init() (lib/policy.h)",
		    (unsigned long long)r->alloc.n, r->alloc.what, secs(r->alloc.at));
	say(k, false, "no allocation in enqueue(), dispatch() or nr_pending()");
}

/*
 * A group whose weight alone decides its share: always runnable, unpinned,
 * no messages, there from the start to the end. (Where a policy places a
 * task that arrives later is its own choice: CFS, for one, makes it wait.)
 */
static bool share_checkable(const struct sim_group *g)
{
	return !g->sleep_ns && !g->pinned && !g->waits && !g->wakes && !g->stop_ns &&
	       !g->start_ns && !g->stagger_ns;
}

/* Tasks of @g present at @t. */
static int present(const struct sim_group *g, uint64_t t)
{
	uint64_t n;

	if (t < g->start_ns || (g->stop_ns && t >= g->stop_ns))
		return 0;
	if (!g->stagger_ns)
		return g->count;
	n = (t - g->start_ns) / g->stagger_ns + 1;
	return n < (uint64_t)g->count ? (int)n : g->count;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct entitled {
	const struct sim_workload *w;
	double load;	 /* the most CPUs the tasks asked for at once */
	double *demand;	 /* per task of each group, in CPUs */
	double *weight;	 /* per task of each group */
	int *order;	 /* groups by demand / weight */
	double *got;	 /* CPU ns entitled, per group */
	double capacity; /* CPUs the tasks used, on average */
};

static const struct entitled *sort_ctx;

static int cmp_ratio(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	double rx = sort_ctx->demand[x] / sort_ctx->weight[x];
	double ry = sort_ctx->demand[y] / sort_ctx->weight[y];

	return rx < ry ? -1 : rx > ry ? 1 : x - y;
}

/* Water-filling between @t0 and @t1. */
static void fill(struct entitled *e, uint64_t t0, uint64_t t1)
{
	const struct sim_workload *w = e->w;
	double sum_w = 0, rem = e->capacity, level;
	int i, n;

	double load = 0;

	for (i = 0; i < w->nr_groups; i++) {
		sum_w += present(&w->groups[i], t0) * e->weight[i];
		load += present(&w->groups[i], t0) * e->demand[i];
	}
	if (load > e->load)
		e->load = load;
	for (i = 0; i < w->nr_groups; i++) {
		int g = e->order[i];

		n = present(&w->groups[g], t0);
		if (!n)
			continue;
		level = sum_w > 0 ? rem / sum_w : 0;
		if (e->demand[g] <= e->weight[g] * level) {
			e->got[g] += n * e->demand[g] * (double)(t1 - t0);
			rem -= n * e->demand[g];
			sum_w -= n * e->weight[g];
			continue;
		}
		for (; i < w->nr_groups; i++) {
			g = e->order[i];
			e->got[g] += present(&w->groups[g], t0) * e->weight[g] * level *
				     (double)(t1 - t0);
		}
	}
}

/* The instants where tasks start or stop, sorted and unique, in [0, @end]; NULL if none fit. */
static uint64_t *instants(const struct sim_workload *w, uint64_t end, size_t *nr)
{
	size_t n = 2, i = 0, j;
	uint64_t *t;
	int g, k;

	for (g = 0; g < w->nr_groups; g++)
		n += (size_t)w->groups[g].count + 1;
	if ((unsigned long long)n * (unsigned long long)w->nr_groups > EXPECTED_BUDGET)
		return NULL;
	t = malloc(n * sizeof(*t));
	if (!t)
		return NULL;
	t[i++] = 0;
	t[i++] = end;
	for (g = 0; g < w->nr_groups; g++) {
		const struct sim_group *grp = &w->groups[g];

		for (k = 0; k < grp->count && (grp->stagger_ns || !k); k++) {
			uint64_t at = grp->start_ns + (uint64_t)k * grp->stagger_ns;

			if (at < end)
				t[i++] = at;
		}
		if (grp->stop_ns && grp->stop_ns < end)
			t[i++] = grp->stop_ns;
	}
	qsort(t, i, sizeof(*t), cmp_u64);
	for (j = 0, n = 0; j < i; j++) {
		if (!n || t[j] != t[n - 1])
			t[n++] = t[j];
	}
	*nr = n;
	return t;
}

/*
 * expected_pct of every group, and in *@load the most CPUs the tasks asked
 * for at once; false when it is not computed (out of memory or too big).
 */
static bool entitlement(const struct sim_workload *w, const struct sim_result *r, double *pct,
			double *load)
{
	int G = w->nr_groups, g;
	struct entitled e = {.w = w};
	uint64_t *t;
	size_t nr = 0, i;
	bool ok = false;

	if (!r->end_ns || !r->busy_ns)
		return false;
	t = instants(w, r->end_ns, &nr);
	e.demand = calloc((size_t)G, sizeof(double));
	e.weight = calloc((size_t)G, sizeof(double));
	e.order = calloc((size_t)G, sizeof(int));
	e.got = calloc((size_t)G, sizeof(double));
	if (!t || !e.demand || !e.weight || !e.order || !e.got)
		goto out;
	e.capacity = (double)r->busy_ns / (double)r->end_ns;
	for (g = 0; g < G; g++) {
		const struct sim_group *grp = &w->groups[g];

		e.weight[g] = (double)sim_nice_weight(grp->nice);
		if (grp->waits || grp->wakes) /* what it used: messages decide it */
			e.demand[g] = (double)r->groups[g].cpu_ns / (double)r->end_ns / grp->count;
		else if (grp->sleep_ns)
			e.demand[g] = (double)grp->run_ns / (double)(grp->run_ns + grp->sleep_ns);
		else
			e.demand[g] = 1;
		e.order[g] = g;
	}
	sort_ctx = &e;
	qsort(e.order, (size_t)G, sizeof(int), cmp_ratio);
	for (i = 0; i + 1 < nr; i++)
		fill(&e, t[i], t[i + 1]);
	for (g = 0; g < G; g++)
		pct[g] = 100.0 * e.got[g] / ((double)w->nr_cpus * (double)r->end_ns);
	*load = e.load;
	ok = true;
out:
	free(t);
	free(e.demand);
	free(e.weight);
	free(e.order);
	free(e.got);
	return ok;
}

static void check_share(struct sim_checks *c, const struct sim_workload *w,
			const struct sim_result *r, bool computed)
{
	struct sim_check *k = add_check(c, "share");
	int g, nr = 0;

	if (!computed) {
		for (g = 0; g < w->nr_groups; g++)
			c->expected_pct[g] = -1;
		say(k, false, "not computed (too many groups and start times)");
		return;
	}
	for (g = 0; g < w->nr_groups; g++) {
		const struct sim_group *grp = &w->groups[g];
		double got = 100.0 * (double)r->groups[g].cpu_ns / (double)r->capacity_ns;
		double want = c->expected_pct[g];

		c->share_checked[g] = share_checkable(grp);
		if (!c->share_checked[g])
			continue;
		nr++;
		if (got < want * (1 - SIM_SHARE_TOLERANCE) && want - got >= SIM_SHARE_ABS_PCT)
			say(k, true,
			    "group %s got %.2f%% of the CPUs, its weight entitles it to %.2f%% "
			    "(expected%%): its %d tasks never sleep and have nice %d (weight "
			    "%llu); "
			    "CPU time is shared among busy tasks in proportion to task->weight",
			    grp->name, got, want, grp->count, grp->nice,
			    (unsigned long long)sim_nice_weight(grp->nice));
	}
	say(k, false, "%d groups that never sleep got at least %.0f%% of their weighted share", nr,
	    100 * (1 - SIM_SHARE_TOLERANCE));
}

int sim_check(const struct sim_workload *w, const struct sim_config *cfg,
	      const struct sim_result *r, struct sim_checks *out)
{
	double load = 0;
	bool computed;
	int i;

	memset(out, 0, sizeof(*out));
	out->expected_pct = calloc((size_t)w->nr_groups, sizeof(double));
	out->share_checked = calloc((size_t)w->nr_groups, sizeof(bool));
	if (!out->expected_pct || !out->share_checked) {
		sim_checks_free(out);
		return -1;
	}
	computed = entitlement(w, r, out->expected_pct, &load);
	check_lost(out, w, r);
	check_in_flight(out, r);
	check_max_wait(out, w, cfg, r, load);
	check_watchdog(out, w, r);
	check_rejected(out, w, r);
	check_hot_path(out, r);
	check_share(out, w, r, computed);
	for (i = 0; i < out->nr; i++)
		out->nr_failed += !out->c[i].ok;
	return 0;
}

void sim_checks_free(struct sim_checks *c)
{
	free(c->expected_pct);
	free(c->share_checked);
	c->expected_pct = NULL;
	c->share_checked = NULL;
}
