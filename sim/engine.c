// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - cland-sim's discrete-event loop: moves the clock from one event
 * to the next (a burst or a slice ends, a task wakes up, the daemon's next
 * round), lets the simulated backend (kernel.c) and daemon (daemon.c) act,
 * and collects what the results report.
 *
 * Events at the same instant are handled in a fixed order - CPUs whose task
 * stops (by CPU number), tasks that wake up (by task number), the daemon's
 * round, kicked CPUs (by CPU number) - so that a run depends only on the
 * workload, the configuration and the seed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "prng.h"
#include "sim.h"

/* Passes at one instant before the simulation is declared stuck. */
#define MAX_PASSES_PER_INSTANT 1000000

void sim_fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;
	s->failed = true;
	if (!s->err || !s->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
}

void sim_trace(const struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->cfg.trace)
		return;
	fprintf(s->cfg.trace, "%14.3f us  ", (double)s->now / 1000.0);
	va_start(ap, fmt);
	vfprintf(s->cfg.trace, fmt, ap);
	va_end(ap);
	fputc('\n', s->cfg.trace);
}

const char *sim_task_name(const struct sim *s, int task, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%d", sim_task_group(s, &s->tasks[task])->name,
		 (int)s->tasks[task].pid);
	return buf;
}

static void add_sample(struct sim *s, struct sim_samples *l, uint64_t v)
{
	if (l->nr == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		uint64_t *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			sim_fail(s, "out of memory");
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->nr++] = v;
}

static void note_wait(struct sim *s, const struct sim_task *t, uint64_t wait)
{
	struct sim_group_stats *g = &s->res->groups[t->group];
	int task = (int)(t - s->tasks);

	if (wait > g->max_wait_ns) {
		g->max_wait_ns = wait;
		g->max_wait_task = task;
	}
	if (wait > s->res->max_wait_ns) {
		s->res->max_wait_ns = wait;
		s->res->max_wait_group = t->group;
		s->res->max_wait_task = task;
	}
}

void sim_task_waits(struct sim *s, struct sim_task *t, bool woke)
{
	t->waiting_since = s->now;
	t->woke = woke;
}

/* @task was just put on @cpu: count it and check its affinity. It runs from c->seg_start. */
void sim_task_started(struct sim *s, int cpu, int task)
{
	struct sim_task *t = &s->tasks[task];
	struct sim_group_stats *g = &s->res->groups[t->group];
	struct sim_cpu *c = &s->cpus[cpu];
	uint64_t wait = c->seg_start - t->waiting_since;

	if (!sim_cpu_allowed(sim_task_group(s, t)->cpus, cpu))
		s->res->affinity_violations++;
	g->runs++;
	g->cpus_used[cpu / 64] |= 1ULL << (cpu % 64);
	if (t->ran_on >= 0 && t->ran_on != cpu)
		g->migrations++;
	t->ran_on = cpu;
	if (c->last != task)
		s->res->context_switches++;
	c->last = task;
	note_wait(s, t, wait);
	if (t->woke) {
		g->wakeups++;
		add_sample(s, &s->lat[t->group], wait);
		t->woke = false;
	}
}

/* A burst or sleep length around @mean, as the task's group draws them. */
static uint64_t draw(struct sim *s, struct sim_task *t, uint64_t mean)
{
	if (sim_task_group(s, t)->dist == SIM_DIST_EXP && mean)
		return sim_prng_exp(&t->prng, mean);
	return mean;
}

/* The @k-th CPU @g allows, counting round the allowed ones. */
static int nth_allowed(const struct sim *s, const struct sim_group *g, int k)
{
	int cpu, n = k % g->nr_cpus_allowed;

	for (cpu = 0; cpu < s->w->nr_cpus; cpu++) {
		if (sim_cpu_allowed(g->cpus, cpu) && !n--)
			return cpu;
	}
	return 0;
}

/* When the @k-th task of @g starts; past any duration if that overflows. */
static uint64_t start_time(const struct sim_group *g, int k)
{
	if (g->stagger_ns && (uint64_t)k > (SIM_NONE / 2 - g->start_ns) / g->stagger_ns)
		return SIM_NONE / 2;
	return g->start_ns + (uint64_t)k * g->stagger_ns;
}

static void init_tasks(struct sim *s)
{
	int gi, k, idx = 0;

	for (gi = 0; gi < s->w->nr_groups; gi++) {
		const struct sim_group *g = &s->w->groups[gi];

		for (k = 0; k < g->count; k++, idx++) {
			struct sim_task *t = &s->tasks[idx];

			t->group = gi;
			t->pid = SIM_PID0 + idx;
			t->state = SIM_T_NEW;
			t->weight = sim_nice_weight(g->nice);
			t->prng = sim_prng_seed(s->cfg.seed, (uint64_t)idx);
			t->wake_at = start_time(g, k);
			t->cpu = nth_allowed(s, g, idx);
			t->ran_on = -1;
			sim_wakeq_push(s, idx, t->wake_at);
		}
	}
	for (k = 0; k < s->w->nr_cpus; k++) {
		s->cpus[k].task = -1;
		s->cpus[k].last = SIM_LAST_IDLE;
		sim_cpu_changed(s, k);
	}
}

static uint64_t next_event(struct sim *s)
{
	uint64_t t = sim_daemon_next(s), v = sim_wakeq_next(s);

	if (v < t)
		t = v;
	v = sim_nets_next(s);
	if (v < t)
		t = v;
	sim_next_cpu_event(s, &v);
	return v < t ? v : t;
}

/* @cpu's task goes on with a new burst, without leaving the CPU. */
static void next_burst(struct sim *s, int cpu, struct sim_task *t)
{
	sim_account(s, cpu);
	t->burst_left = draw(s, t, sim_task_group(s, t)->run_ns);
	if (!t->burst_left)
		t->burst_left = 1;
	sim_cpu_changed(s, cpu);
	SIM_TRACE(s, "cpu %d: %s goes on, burst %llu us", cpu,
		  SIM_TASK_NAME(s, (int)(t - s->tasks)), (unsigned long long)t->burst_left / 1000);
}

enum after_burst { GO_ON, SLEEP, WAIT_MSG, BLOCKED, DONE };

/*
 * A burst of @cpu's task is over: counted, and its message posted if its
 * group wakes another (inbox.c: it may find the inbox full and block). A
 * task that has more to do at once (a message waits in its inbox, or it
 * sends without sleeping) goes on; else it sleeps (until a message comes,
 * for a group that waits), or for good past its group's stop time.
 */
static enum after_burst burst_over(struct sim *s, struct sim_task *t)
{
	const struct sim_group *g = sim_task_group(s, t);
	int task = (int)(t - s->tasks);

	t->bursts++;
	s->res->groups[t->group].bursts++;
	if (g->stop_ns && s->now >= g->stop_ns)
		return g->waits || g->wakes ? DONE : SLEEP; /* SLEEP: it sleeps for good */
	if (g->wakes && !sim_box_post(s, g->wakes - 1, task))
		return BLOCKED;
	if (g->waits)
		return sim_box_take(s, task) ? GO_ON : WAIT_MSG;
	if (g->wakes && !g->sleep_ns)
		return GO_ON;
	return SLEEP;
}

/* @cpu's task ran its burst out: it goes on, or to sleep and the CPU looks for work. */
static void task_sleeps(struct sim *s, int cpu)
{
	int task = s->cpus[cpu].task;
	struct sim_task *t = &s->tasks[task];
	enum after_burst what = burst_over(s, t);
	uint64_t sleep;

	if (what == GO_ON) {
		next_burst(s, cpu, t);
		return;
	}
	sim_stopping(s, cpu, false);
	s->nr_runnable--; /* ops.quiescent */
	if (what == SLEEP) {
		sleep = draw(s, t, sim_task_group(s, t)->sleep_ns);
		t->state = SIM_T_SLEEPING;
		t->wake_at = s->now + sleep;
		/* a burst that ends past the group's stop time is the task's last */
		if (!sim_task_group(s, t)->stop_ns || s->now < sim_task_group(s, t)->stop_ns)
			sim_wakeq_push(s, task, t->wake_at);
		SIM_TRACE(s, "cpu %d: %s sleeps for %llu us", cpu, SIM_TASK_NAME(s, task),
			  (unsigned long long)sleep / 1000);
	} else if (what == WAIT_MSG) {
		sim_box_wait(s, task);
		SIM_TRACE(s, "cpu %d: %s waits for a message", cpu, SIM_TASK_NAME(s, task));
	} else if (what == BLOCKED) {
		SIM_TRACE(s, "cpu %d: %s blocks: the inbox it sends to is full", cpu,
			  SIM_TASK_NAME(s, task));
	} else {
		t->state = SIM_T_SLEEPING;
		SIM_TRACE(s, "cpu %d: %s is done", cpu, SIM_TASK_NAME(s, task));
	}
	sim_daemon_cpu_freed(s);
	sim_cpu_dispatch(s, cpu);
}

/*
 * CPUs whose task stops now, by CPU number. The clock only moves to the
 * earliest event, and a task put on a CPU stops later than now: every CPU
 * event is at now or later, so the earliest, lowest-numbered first, are
 * the CPUs due now in CPU order. Handling one CPU changes no other, and
 * moves that one's event past now.
 */
static void handle_cpus(struct sim *s)
{
	int cpu, last = -1;
	uint64_t at;

	while (!s->failed && (cpu = sim_next_cpu_event(s, &at)) > last && at <= s->now) {
		struct sim_cpu *c = &s->cpus[cpu];

		last = cpu;
		if (c->daemon) {
			sim_daemon_done(s, cpu);
		} else if (c->seg_start + s->tasks[c->task].burst_left <= s->now) {
			task_sleeps(s, cpu);
		} else {
			/* slice over: the CPU goes through dispatch with the task on it */
			sim_daemon_cpu_freed(s);
			sim_cpu_dispatch(s, cpu);
		}
	}
}

/* Tasks whose wake-up time has come, in task order (the queue's tie-break). */
static void handle_wakeups(struct sim *s)
{
	int i;

	while (!s->failed && (i = sim_wakeq_pop(s, s->now)) >= 0) {
		struct sim_task *t = &s->tasks[i];

		/* a task of a waiting group starts by taking a message */
		if (t->state == SIM_T_NEW && sim_task_group(s, t)->waits && !sim_box_take(s, i)) {
			sim_box_wait(s, i);
			continue;
		}
		t->burst_left = draw(s, t, sim_task_group(s, t)->run_ns);
		if (!t->burst_left)
			t->burst_left = 1;
		sim_wakeup(s, i, t->state == SIM_T_SLEEPING);
	}
}

static void step(struct sim *s)
{
	if (sim_nets_next(s) <= s->now) {
		sim_nets_timers(s);
		if (s->stop)
			return;
	}
	handle_cpus(s);
	handle_wakeups(s);
	if (!s->failed && sim_daemon_next(s) <= s->now)
		sim_daemon_round(s);
	if (!s->failed)
		sim_resched(s);
}

static void run_loop(struct sim *s)
{
	uint64_t end = s->w->duration_ns, t;
	long passes = 0;

	while (!s->failed && !s->stop) {
		t = next_event(s);
		if (t >= end)
			break;
		passes = t == s->now ? passes + 1 : 0;
		if (passes > MAX_PASSES_PER_INSTANT) {
			sim_fail(s, "simulation stuck at %llu ns: policy %s makes no progress",
				 (unsigned long long)t, s->cfg.policy->name);
			break;
		}
		s->now = t;
		step(s);
	}
	if (!s->stop)
		s->now = end;
}

static void finish_jain(struct sim *s)
{
	struct sim_result *r = s->res;
	uint64_t *x = calloc((size_t)s->nr_tasks, sizeof(*x));
	int nice, i;

	r->jain_min = -1;
	if (!x) {
		sim_fail(s, "out of memory");
		return;
	}
	for (nice = -20; nice < 20; nice++) {
		size_t n = 0;
		double j;

		for (i = 0; i < s->nr_tasks; i++) {
			const struct sim_group *g = sim_task_group(s, &s->tasks[i]);

			if (g->nice == nice && !g->sleep_ns && !g->pinned)
				x[n++] = s->tasks[i].cpu_ns;
		}
		j = n >= 2 ? sim_jain_index(x, n) : -1;
		if (j < 0)
			continue;
		r->jain[r->nr_jain++] =
			(struct sim_jain){.nice = nice, .nr_tasks = (int)n, .index = j};
		if (r->jain_min < 0 || j < r->jain_min)
			r->jain_min = j;
	}
	free(x);
}

static void finish(struct sim *s)
{
	struct sim_result *r = s->res;
	int i;

	for (i = 0; i < s->w->nr_cpus; i++) {
		if (s->cpus[i].task >= 0)
			sim_account(s, i);
	}
	r->end_ns = s->now;
	r->nr_held_end = s->daemon.nr_held;
	for (i = 0; i < s->nr_tasks; i++) {
		const struct sim_task *t = &s->tasks[i];

		if (t->state == SIM_T_USER || t->state == SIM_T_DSQ)
			note_wait(s, t, s->now - t->waiting_since);
		r->nr_waiting_user += t->state == SIM_T_USER;
	}
	for (i = 0; i < s->w->nr_groups; i++) {
		struct sim_samples *l = &s->lat[i];
		struct sim_group_stats *g = &r->groups[i];

		g->lat_p50_ns = sim_percentile(l->v, l->nr, 50);
		g->lat_p99_ns = sim_percentile(l->v, l->nr, 99);
		g->lat_max_ns = sim_percentile(l->v, l->nr, 100);
		if (s->cfg.latencies)
			s->cfg.latencies(s->cfg.latencies_arg, i, l->v, l->nr);
	}
	r->work = s->work;
	r->capacity_ns = (uint64_t)s->w->nr_cpus * s->now;
	r->nr_policy_pending = s->daemon.pol->nr_pending(s->daemon.ctx);
	cland_policy_read_stats(s->daemon.pol, s->daemon.ctx, &r->policy_stats);
	finish_jain(s);
}

static int alloc_sim(struct sim *s, struct sim_result *res)
{
	const struct sim_workload *w = s->w;

	memset(res, 0, sizeof(*res));
	s->res = res;
	res->nr_groups = w->nr_groups;
	res->groups = calloc((size_t)w->nr_groups, sizeof(*res->groups));
	s->lat = calloc((size_t)w->nr_groups, sizeof(*s->lat));
	s->tasks = calloc((size_t)s->nr_tasks, sizeof(*s->tasks));
	s->cpus = calloc((size_t)w->nr_cpus, sizeof(*s->cpus));
	if (!res->groups || !s->lat || !s->tasks || !s->cpus || sim_dsq_alloc(s) ||
	    sim_wakeq_alloc(s) || sim_cpus_alloc(s) || sim_nets_alloc(s) || sim_boxes_alloc(s)) {
		sim_fail(s, "out of memory");
		return -1;
	}
	return 0;
}

static void free_sim(struct sim *s)
{
	int i;

	if (s->lat) {
		for (i = 0; i < s->w->nr_groups; i++)
			free(s->lat[i].v);
	}
	free(s->lat);
	free(s->tasks);
	free(s->cpus);
	sim_dsq_free(s);
	sim_wakeq_free(s);
	sim_cpus_free(s);
	sim_nets_free(s);
	sim_boxes_free(s);
}

static bool config_ok(struct sim *s, const struct sim_workload *w, const struct sim_config *cfg)
{
	if (!cfg->policy)
		sim_fail(s, "no policy");
	else if (!w->nr_cpus || !w->nr_groups || !w->nr_tasks || !w->duration_ns)
		sim_fail(s, "empty workload");
	else if (!cfg->slice_ns || !cfg->slice_min_ns || cfg->slice_min_ns > cfg->slice_ns)
		sim_fail(s, "bad slices: min %llu ns, max %llu ns",
			 (unsigned long long)cfg->slice_min_ns, (unsigned long long)cfg->slice_ns);
	return !s->failed;
}

int sim_run(const struct sim_workload *w, const struct sim_config *cfg, struct sim_result *res,
	    char *err, size_t errlen)
{
	struct sim s = {.w = w, .cfg = *cfg, .nr_tasks = w->nr_tasks, .err = err, .errlen = errlen};

	memset(res, 0, sizeof(*res));
	if (!config_ok(&s, w, cfg))
		return -1;
	if (!alloc_sim(&s, res)) {
		init_tasks(&s);
		sim_host_init(&s);
		if (!sim_daemon_init(&s)) {
			run_loop(&s);
			if (!s.failed)
				finish(&s);
		}
		sim_daemon_exit(&s);
	}
	free_sim(&s);
	if (!s.failed)
		return 0;
	sim_result_free(res);
	return -1;
}

void sim_result_free(struct sim_result *res)
{
	free(res->groups);
	res->groups = NULL;
	res->nr_groups = 0;
}
