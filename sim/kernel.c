// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.c - the simulated sched_ext backend: what bpf/cland.bpf.c and the
 * sched_ext core do with a task, step by step, on simulated CPUs.
 *
 *  - wake-up (ops.select_cpu): an idle allowed CPU (the previous one first)
 *    and nothing waiting for the daemon nor in the shared queue: the task runs
 *    there at once with the default slice (a kernel dispatch, no round trip);
 *  - otherwise ops.enqueue: the generation is bumped and a struct
 *    cland_queued goes to the daemon (daemon.c);
 *  - a decision (apply_decision): dropped when its generation is stale, else
 *    the task goes to the target CPU's queue (bounced to the shared one when
 *    the CPU is not allowed) or to the shared queue, ordered by deadline; for
 *    the shared queue an idle allowed CPU is kicked, else the CPU running the
 *    task with the latest deadline, if later than this one, is preempted;
 *  - a CPU that needs a task takes its own queue first, then the shared one;
 *  - a running task whose slice ends (or that is preempted) is put back and
 *    queued to the daemon again only if another task is there to run; else it
 *    keeps its CPU with a fresh SCX_SLICE_DFL (sched_ext without
 *    SCX_OPS_ENQ_LAST).
 *
 * The CPUs have no SMT siblings, so "whole idle core" is "idle CPU". The
 * daemon is a delay, not a task: it uses no CPU and preempts no one.
 */
#include <errno.h>
#include <string.h>

#include "prng.h"
#include "sim.h"

/* kernel/sched/core.c: sched_prio_to_weight[] */
static const uint64_t prio_to_weight[SIM_NICE_LEVELS] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,	 1991,	1586,  1277,
	1024,  820,   655,   526,   423,   335,	  272,	 215,	172,   137,
	110,   87,    70,    56,    45,	   36,	  29,	 23,	18,    15,
};

uint64_t sim_nice_weight(int nice)
{
	uint64_t w;

	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	/* sched_weight_to_cgroup(): rounded to closest, clamped to 1..10000 */
	w = (prio_to_weight[nice + 20] * 100 + 512) / 1024;
	return w < 1 ? 1 : w > 10000 ? 10000 : w;
}

static bool allowed(const struct sim *s, int task, int cpu)
{
	return sim_cpu_allowed(sim_task_group(s, &s->tasks[task])->cpus, cpu);
}

/* An idle CPU @task may use: @prev if it is one, else the lowest; -1 if none. */
static int pick_idle(struct sim *s, int task, int prev)
{
	return sim_idle_cpu(s, sim_task_group(s, &s->tasks[task])->cpus, prev);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Put @task on @cpu (ops.running). */
static void run_task(struct sim *s, int cpu, int task, uint64_t slice)
{
	struct sim_cpu *c = &s->cpus[cpu];
	struct sim_task *t = &s->tasks[task];

	t->state = SIM_T_RUNNING;
	t->cpu = cpu;
	t->start_ts = s->now;
	c->task = task;
	c->claimed = false;
	c->seg_start = s->now;
	c->slice_end = sat_add(s->now, slice);
	c->deadline = t->deadline;
	c->busy = true;
	sim_cpu_changed(s, cpu);
	SIM_TRACE(s, "cpu %d: runs %s, slice %llu us, deadline %llu", cpu, SIM_TASK_NAME(s, task),
		  (unsigned long long)slice / 1000, (unsigned long long)t->deadline);
	sim_task_started(s, cpu, task);
}

static void cpu_goes_idle(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpus[cpu];

	c->claimed = false;
	sim_cpu_changed(s, cpu);
	SIM_TRACE(s, "cpu %d: idle", cpu);
	if (c->last >= 0)
		s->res->context_switches++;
	c->last = -1;
}

void sim_enqueue(struct sim *s, int task, uint64_t flags)
{
	struct sim_task *t = &s->tasks[task];
	cland_task_t q = {0};

	t->gen++;
	t->state = SIM_T_USER;
	q.pid = t->pid;
	q.cpu = t->cpu;
	q.flags = flags;
	q.weight = t->weight;
	q.vtime = t->vtime;
	q.exec_runtime = t->exec_runtime;
	/* what it ran since the policy last saw it, as one run ending at stop_ts */
	q.start_ts = t->stop_ts > t->unseen ? t->stop_ts - t->unseen : 0;
	q.stop_ts = t->stop_ts;
	t->unseen = 0;
	q.gen = t->gen;
	q.nr_cpus_allowed = (uint64_t)sim_task_group(s, t)->nr_cpus_allowed;
	q.nr_runnable = s->nr_runnable;
	/* comm: the group's name, cut to TASK_COMM_LEN - 1 characters */
	memcpy(q.comm, sim_task_group(s, t)->name,
	       strnlen(sim_task_group(s, t)->name, sizeof(q.comm) - 1));
	SIM_TRACE(s, "%s queued to user space: gen %llu, vtime %llu, exec_runtime %llu us%s",
		  SIM_TASK_NAME(s, task), (unsigned long long)q.gen, (unsigned long long)q.vtime,
		  (unsigned long long)q.exec_runtime / 1000, flags ? ", wake-up" : "");
	sim_daemon_queue(s, &q);
	s->res->counters.nr_queued++;
}

static void kick_cpu_for(struct sim *s, int task, uint64_t deadline);

/*
 * ops.enqueue of a task waking under a standing decision: the shared queue,
 * its last deadline moved back by what it ran since (weight-scaled), as the
 * BPF backend's standing_dispatch() does.
 */
static void standing_dispatch(struct sim *s, int task)
{
	struct sim_task *t = &s->tasks[task];
	uint64_t key = t->deadline + t->standing_charge * 100 / (t->weight ? t->weight : 1);

	t->standing_charge = 0;
	t->deadline = key;
	t->gen++;
	t->state = SIM_T_DSQ;
	t->dsq_slice = t->standing_slice;
	s->res->counters.nr_standing++;
	SIM_TRACE(s, "%s: standing decision, shared queue, deadline %llu", SIM_TASK_NAME(s, task),
		  (unsigned long long)key);
	if (sim_dsq_insert(s, SIM_SHARED, task, key)) {
		sim_fail(s, "out of memory");
		return;
	}
	kick_cpu_for(s, task, key);
}

void sim_wakeup(struct sim *s, int task, bool woke)
{
	struct sim_task *t = &s->tasks[task];
	int cpu;

	t->exec_runtime = 0; /* ops.runnable */
	s->nr_runnable++;
	sim_task_waits(s, t, woke);
	SIM_TRACE(s, "%s %s, burst %llu us", SIM_TASK_NAME(s, task), woke ? "wakes up" : "starts",
		  (unsigned long long)t->burst_left / 1000);
	cpu = pick_idle(s, task, t->cpu);
	if (cpu < 0) {
		if (woke && t->standing_left)
			standing_dispatch(s, task);
		else
			sim_enqueue(s, task, woke ? CLAND_TASK_WAKEUP : 0);
		return;
	}
	t->cpu = cpu;
	if (sim_daemon_has_work(s) || sim_dsq_of(s, SIM_SHARED)->nr) {
		if (woke && t->standing_left)
			standing_dispatch(s, task);
		else
			sim_enqueue(s, task, woke ? CLAND_TASK_WAKEUP : 0);
		return;
	}
	s->res->counters.nr_kernel_dispatches++;
	SIM_TRACE(s, "%s: idle cpu %d, kernel dispatch", SIM_TASK_NAME(s, task), cpu);
	run_task(s, cpu, task, s->cfg.slice_ns);
}

/* Charge the CPU time of @cpu's task since the last time. */
void sim_account(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpus[cpu];
	struct sim_task *t = &s->tasks[c->task];
	uint64_t ran = s->now - c->seg_start;

	t->cpu_ns += ran;
	t->burst_left -= ran < t->burst_left ? ran : t->burst_left;
	s->res->groups[t->group].cpu_ns += ran;
	s->res->busy_ns += ran;
	c->seg_start = s->now;
}

/* @cpu's task stops running (ops.stopping); it leaves the CPU. */
void sim_stopping(struct sim *s, int cpu, bool runnable)
{
	struct sim_cpu *c = &s->cpus[cpu];
	struct sim_task *t = &s->tasks[c->task];

	sim_account(s, cpu);
	c->busy = false;
	t->stop_ts = s->now;
	t->exec_runtime += s->now - t->start_ts;
	t->unseen += s->now - t->start_ts;
	t->standing_charge += s->now - t->start_ts;
	t->standing_left = t->standing_left > s->now - t->start_ts
				   ? t->standing_left - (s->now - t->start_ts)
				   : 0;
	if (runnable)
		sim_task_waits(s, t, false);
	c->task = -1;
	sim_cpu_changed(s, cpu);
}

/*
 * The CPU @task may use whose running task has the latest deadline, if later
 * than @deadline; -1 otherwise. Ties go to the lowest CPU. A task allowed on
 * every CPU reads the tree of running deadlines; a pinned one looks at its
 * own CPUs.
 */
static int preemptible_cpu(struct sim *s, int task, uint64_t deadline)
{
	const struct sim_group *g = sim_task_group(s, &s->tasks[task]);
	uint64_t latest = deadline;
	int cpu, best = -1;

	if (!g->pinned) {
		cpu = sim_latest_running_cpu(s);
		s->work++;
		return cpu >= 0 && (int64_t)(s->cpus[cpu].deadline - latest) > 0 ? cpu : -1;
	}
	for (cpu = 0; cpu < s->w->nr_cpus; cpu++) {
		const struct sim_cpu *c = &s->cpus[cpu];

		if (!sim_cpu_allowed(g->cpus, cpu))
			continue;
		s->work++;
		if (c->busy && (int64_t)(c->deadline - latest) > 0) {
			latest = c->deadline;
			best = cpu;
		}
	}
	return best;
}

/*
 * scx_bpf_kick_cpu() for a task inserted into the shared queue: an idle CPU
 * it may use, else preempt the one running the least urgent task.
 */
static void kick_cpu_for(struct sim *s, int task, uint64_t deadline)
{
	int cpu = pick_idle(s, task, -1);

	if (cpu >= 0) {
		s->cpus[cpu].claimed = true;
		sim_cpu_changed(s, cpu);
		sim_cpu_kick(s, cpu);
		SIM_TRACE(s, "cpu %d: kicked (idle)", cpu);
		return;
	}
	cpu = preemptible_cpu(s, task, deadline);
	if (cpu < 0)
		return;
	s->cpus[cpu].preempt = true;
	sim_cpu_kick(s, cpu);
	SIM_TRACE(s, "cpu %d: preempted (running deadline %llu > %llu)", cpu,
		  (unsigned long long)s->cpus[cpu].deadline, (unsigned long long)deadline);
	s->res->counters.nr_preemptions++;
}

static bool decision_valid(struct sim *s, const struct cland_decision *d)
{
	struct sim_counters *n = &s->res->counters;
	int task;

	if (d->pid <= 0 || d->cpu < CLAND_CPU_ANY || d->cpu >= s->w->nr_cpus) {
		n->nr_failed_dispatches++;
		SIM_TRACE(s, "decision for pid %d, cpu %d: malformed, dropped", (int)d->pid,
			  (int)d->cpu);
		return false;
	}
	task = d->pid - SIM_PID0;
	/* unknown task, generation changed, or already decided */
	if (task < 0 || task >= s->nr_tasks || s->tasks[task].state != SIM_T_USER ||
	    s->tasks[task].gen != d->gen) {
		n->nr_cancel_dispatches++;
		SIM_TRACE(s, "decision for pid %d, gen %llu: stale, dropped", (int)d->pid,
			  (unsigned long long)d->gen);
		return false;
	}
	return true;
}

void sim_apply_decision(struct sim *s, const struct cland_decision *d)
{
	struct sim_task *t;
	int task, cpu = d->cpu;

	if (!decision_valid(s, d))
		return;
	task = d->pid - SIM_PID0;
	t = &s->tasks[task];
	t->vtime = d->vtime;
	t->deadline = d->deadline;
	t->dsq_slice = d->slice ? d->slice : s->cfg.slice_ns;
	t->standing_left = d->standing_ns;
	t->standing_slice = t->dsq_slice;
	t->standing_charge = 0;
	if (cpu != CLAND_CPU_ANY && !allowed(s, task, cpu)) {
		s->res->counters.nr_bounce_dispatches++;
		SIM_TRACE(s, "decision for %s: cpu %d not allowed, bounced", SIM_TASK_NAME(s, task),
			  cpu);
		cpu = CLAND_CPU_ANY;
	}
	s->res->counters.nr_user_dispatches++;
	t->state = SIM_T_DSQ;
	SIM_TRACE(s, "decision for %s: %s%.0d, slice %llu us, vtime %llu, deadline %llu",
		  SIM_TASK_NAME(s, task), cpu == CLAND_CPU_ANY ? "shared queue" : "cpu ",
		  cpu == CLAND_CPU_ANY ? 0 : cpu, (unsigned long long)t->dsq_slice / 1000,
		  (unsigned long long)t->vtime, (unsigned long long)t->deadline);
	if (sim_dsq_insert(s, cpu == CLAND_CPU_ANY ? SIM_SHARED : cpu, task, d->deadline)) {
		sim_fail(s, "out of memory");
		return;
	}
	if (cpu == CLAND_CPU_ANY)
		kick_cpu_for(s, task, d->deadline);
	else if (s->cpus[cpu].task < 0)
		sim_cpu_kick(s, cpu); /* SCX_KICK_IDLE */
}

/*
 * @cpu looks for a task (ops.dispatch and the core around it): its own queue,
 * then the shared one. A task still on the CPU (slice over or preempted)
 * makes way only for another task; otherwise it keeps running.
 */
void sim_cpu_dispatch(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpus[cpu];
	int next, prev = c->task;
	bool preempted = c->preempt;

	c->resched = false;
	c->preempt = false;
	next = sim_dsq_take(s, cpu, cpu);
	if (next < 0)
		next = sim_dsq_take(s, SIM_SHARED, cpu);
	if (prev >= 0 && next < 0) {
		SIM_TRACE(s, "cpu %d: nothing else to run, %s keeps it", cpu,
			  SIM_TASK_NAME(s, prev));
		sim_account(s, cpu);
		c->slice_end = sat_add(s->now, SIM_SCX_SLICE_DFL_NS);
		sim_cpu_changed(s, cpu);
		return;
	}
	if (prev >= 0) {
		SIM_TRACE(s, "cpu %d: %s %s", cpu, SIM_TASK_NAME(s, prev),
			  preempted ? "preempted" : "slice over");
		sim_stopping(s, cpu, true);
		sim_enqueue(s, prev, 0);
	}
	if (next >= 0)
		run_task(s, cpu, next, s->tasks[next].dsq_slice);
	else
		cpu_goes_idle(s, cpu);
}

/* Kicked CPUs reschedule, in CPU order. */
void sim_resched(struct sim *s)
{
	int cpu;

	for (cpu = sim_next_kicked(s, 0); cpu >= 0; cpu = sim_next_kicked(s, cpu + 1)) {
		struct sim_cpu *c = &s->cpus[cpu];

		if (!c->resched)
			continue;
		if (c->task >= 0 && !c->preempt) {
			c->resched = false; /* SCX_KICK_IDLE of a busy CPU: nothing */
			continue;
		}
		sim_cpu_dispatch(s, cpu);
	}
}

/* cland_host.claim_idle_cpu: claim an idle CPU for @pid, @prev_cpu first. */
static int host_claim_idle_cpu(void *be, int32_t pid, int32_t prev_cpu)
{
	struct sim *s = be;
	int task = pid - SIM_PID0, cpu;

	if (pid < SIM_PID0 || task >= s->nr_tasks)
		return -ESRCH;
	cpu = pick_idle(s, task, prev_cpu);
	if (cpu < 0)
		return -EBUSY;
	/* claimed until it reschedules at the end of this instant */
	s->cpus[cpu].claimed = true;
	sim_cpu_changed(s, cpu);
	sim_cpu_kick(s, cpu);
	return cpu;
}

static uint64_t host_now(void *be)
{
	const struct sim *s = be;

	return s->now;
}

/* cland_host.random: a stream of its own, seeded from --seed (the tasks' streams are others). */
static uint64_t host_random(void *be)
{
	return sim_prng_next(&((struct sim *)be)->host_random);
}

void sim_host_init(struct sim *s)
{
	s->host.be = s;
	s->host.claim_idle_cpu = host_claim_idle_cpu;
	s->host.now = host_now;
	s->host.nr_cpus = s->w->nr_cpus;
	s->host.random = host_random;
	s->host_random = sim_prng_seed(s->cfg.seed, UINT64_MAX);
}
