// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.c - the simulated sched_ext backend: what bpf/cland.bpf.c and the
 * sched_ext core do with a task, step by step, on simulated CPUs. The rules
 * shared with the BPF side come from bpf/decide.h and bpf/watch.h.
 *
 *  - wake-up (ops.select_cpu): an idle allowed CPU (the previous one first)
 *    whose DSQ and the shared DSQ are empty: the task runs there at once with
 *    the default slice (a kernel dispatch, no round trip);
 *  - otherwise ops.enqueue: a task preempted with slice left goes back to the
 *    shared DSQ at its deadline (requeued, no round trip); else the
 *    generation is bumped and a struct cland_queued goes to the daemon
 *    (daemon.c);
 *  - a decision (ops.dispatch draining the decisions): a pid that names no
 *    task is dropped (failed, or cancelled); a malformed one (CPU out of
 *    range, slice over CLAND_MAX_SLICE_NS) for the awaited task makes BPF
 *    run the task itself (policy error); a stale one is cancelled; else the
 *    task goes to the target CPU's DSQ (the shared one when the CPU is not
 *    allowed: bounce) or, for CLAND_CPU_ANY, to an idle allowed CPU's DSQ (the
 *    previous CPU first), else to the shared DSQ, where it preempts the
 *    allowed CPU running the latest deadline if later than its own and run
 *    past its protection (decide_protect(); not with CLAND_DECISION_NO_PREEMPT);
 *  - a CPU that needs a task: the backend's nets first (nets.c), its local
 *    queue, then the earlier of its own DSQ's head and the shared one's;
 *  - a running task whose slice ends (or that is preempted) is put back and
 *    enqueued again only if another task is there to run; else it keeps its
 *    CPU with a fresh SCX_SLICE_DFL (sched_ext without SCX_OPS_ENQ_LAST);
 *  - costs (struct sim_costs): a context switch delays the task's start, a
 *    preemption lands one IPI later, the daemon's rounds take CPU time on an
 *    idle CPU or on the CPU running the latest deadline (preempted for it).
 *
 * The CPUs have no SMT siblings, so "whole idle core" is "idle CPU".
 */
#include <errno.h>
#include <string.h>

#include "decide.h"
#include "prng.h"
#include "sim.h"

/* kernel/sched/core.c: sched_prio_to_weight[] */
static const uint64_t prio_to_weight[SIM_NICE_LEVELS] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,	 1991,	1586,  1277,
	1024,  820,   655,   526,   423,   335,	  272,	 215,	172,   137,
	110,   87,    70,    56,    45,	   36,	  29,	 23,	18,    15,
};

/* Preemption candidates looked at beyond the latest deadline (those that ran too briefly). */
#define PREEMPT_SKIP_MAX 2

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

/* Claim idle @cpu and make it dispatch at the end of this instant (SCX_KICK_IDLE). */
static void claim_and_kick(struct sim *s, int cpu)
{
	s->cpus[cpu].claimed = true;
	sim_cpu_changed(s, cpu);
	sim_cpu_kick(s, cpu);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* When a slice running out at @end is seen: at the first tick from then on (costs.tick_ns). */
static uint64_t slice_seen(const struct sim *s, uint64_t end)
{
	uint64_t tick = s->cfg.costs.tick_ns;

	if (!tick || end > UINT64_MAX - tick)
		return end;
	return (end + tick - 1) / tick * tick;
}

/*
 * Put @task on @cpu (ops.running); a switch from something else costs
 * costs.switch_ns first, a task moved from another CPU's run queue (the
 * backend's `migrated`) costs.migrate_ns more.
 */
static void run_task(struct sim *s, int cpu, int task, uint64_t slice)
{
	struct sim_cpu *c = &s->cpus[cpu];
	struct sim_task *t = &s->tasks[task];
	uint64_t sw = c->last != task ? s->cfg.costs.switch_ns : 0;

	if (t->cpu != cpu) {
		s->res->counters.nr_migrated++;
		sw += s->cfg.costs.migrate_ns;
	}

	t->state = SIM_T_RUNNING;
	t->cpu = cpu;
	t->run_slice = slice;
	c->task = task;
	c->claimed = false;
	c->seg_start = s->now + sw;
	c->run_start = c->seg_start;
	c->slice_end = slice_seen(s, sat_add(c->seg_start, slice));
	/* after a requeue, the policy sees the runs before it as one with this */
	t->start_ts = c->seg_start - t->carried;
	t->carried = 0;
	c->deadline = t->deadline;
	c->started_at =
		decide_gran_start(t->start_ts, decide_awake_since(c->seg_start, t->exec_runtime),
				  t->exec_runtime, s->cfg.slice_ns);
	c->protect = decide_protect(t->last_run, DECIDE_PREEMPT_GRAN_NS);
	c->busy = true;
	c->preempting = false;
	s->vclock = t->deadline;
	s->res->switch_ns += sw;
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
	if (c->last != SIM_LAST_IDLE)
		s->res->context_switches++;
	c->last = SIM_LAST_IDLE;
}

/* Into DSQ @dsq (a CPU's, SIM_SHARED or SIM_LOCAL(cpu)) at @deadline, to run with @slice. */
void sim_insert_dsq(struct sim *s, int task, int dsq, uint64_t deadline, uint64_t slice)
{
	struct sim_task *t = &s->tasks[task];

	t->state = SIM_T_DSQ;
	t->dsq = dsq;
	t->dsq_slice = slice;
	t->dsq_seq = s->dsq_seq;
	if (sim_dsq_insert(s, dsq, task, deadline)) {
		sim_fail(s, "out of memory");
		return;
	}
	sim_nets_dsq_insert(s, task);
}

/* Wake an idle CPU @task may use, if there is one (kick_idle_for()). */
static void kick_idle_for(struct sim *s, int task)
{
	int cpu = pick_idle(s, task, -1);

	if (cpu < 0)
		return;
	claim_and_kick(s, cpu);
	SIM_TRACE(s, "cpu %d: kicked (idle)", cpu);
}

/* A CPU is preemptible once its task has run past its protection (decide_protect()). */
static bool ran_enough(const struct sim *s, int cpu)
{
	return time_elapsed(s->now, s->cpus[cpu].started_at, s->cpus[cpu].protect);
}

/*
 * The CPU @task may use whose running task has the latest deadline, if later
 * than @deadline by more than the granularity (decide_displaces()) and run
 * past its protection (decide_protect()); -1 otherwise. Ties go to
 * the lowest CPU. A task allowed on every CPU reads the tree of running
 * deadlines (the latest CPUs that ran too briefly are set aside, at most
 * PREEMPT_SKIP_MAX of them); a pinned one looks at its own CPUs.
 */
/* Among all CPUs: the latest deadline later than @deadline (any, for @any) that ran enough. */
static int latest_preemptible(struct sim *s, uint64_t deadline, bool any)
{
	int aside[PREEMPT_SKIP_MAX], nr_aside = 0, cpu, best = -1, i;

	while ((cpu = sim_latest_running_cpu(s)) >= 0 &&
	       (any || decide_displaces(s->cpus[cpu].deadline, deadline, DECIDE_PREEMPT_GRAN_NS))) {
		s->work++;
		if (ran_enough(s, cpu)) {
			best = cpu;
			break;
		}
		if (nr_aside == PREEMPT_SKIP_MAX)
			break;
		aside[nr_aside++] = cpu;
		sim_cputree_clear(s, &s->running, cpu);
	}
	for (i = 0; i < nr_aside; i++)
		sim_cputree_set(s, &s->running, aside[i], s->cpus[aside[i]].deadline);
	return best;
}

static int preemptible_cpu(struct sim *s, int task, uint64_t deadline)
{
	const struct sim_group *g = sim_task_group(s, &s->tasks[task]);
	uint64_t latest = deadline;
	int cpu, best = -1;

	if (!g->pinned)
		return latest_preemptible(s, deadline, false);
	for (cpu = 0; cpu < s->w->nr_cpus; cpu++) {
		const struct sim_cpu *c = &s->cpus[cpu];

		if (!sim_cpu_allowed(g->cpus, cpu))
			continue;
		s->work++;
		if (c->busy && ran_enough(s, cpu) &&
		    decide_displaces(c->deadline, deadline, DECIDE_PREEMPT_GRAN_NS) &&
		    (best < 0 || time_after(c->deadline, latest))) {
			latest = c->deadline;
			best = cpu;
		}
	}
	return best;
}

/*
 * Preempt @cpu's task: with costs.preempt_ns, the IPI lands that much later
 * (its slice ends then); else it reschedules at the end of this instant.
 */
static void preempt_cpu(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpus[cpu];
	uint64_t at = s->now + s->cfg.costs.preempt_ns;

	c->preempt = true;
	c->preempting = true;
	if (!s->cfg.costs.preempt_ns) {
		sim_cpu_kick(s, cpu);
		return;
	}
	if (at < c->slice_end) {
		c->slice_end = at;
		sim_cpu_changed(s, cpu);
	}
}

/* The heartbeat makes @cpu dispatch: scx_bpf_kick_cpu(SCX_KICK_PREEMPT) of itself. */
void sim_kick_preempt(struct sim *s, int cpu)
{
	if (s->cpus[cpu].task < 0)
		sim_cpu_kick(s, cpu);
	else
		preempt_cpu(s, cpu);
}

/*
 * kick_cpu_for(): an idle CPU @task may use, else (@kick) preempt the one
 * running the least urgent task (for SIM_KICK_PREEMPT), if
 * @deadline is earlier.
 */
bool sim_kick_cpu_for(struct sim *s, int task, uint64_t deadline, enum sim_kick kick)
{
	int cpu = pick_idle(s, task, -1);

	if (cpu >= 0) {
		claim_and_kick(s, cpu);
		SIM_TRACE(s, "cpu %d: kicked (idle)", cpu);
		return false;
	}
	if (kick == SIM_KICK_IDLE)
		return false;
	cpu = preemptible_cpu(s, task, deadline);
	if (cpu < 0)
		return false;
	preempt_cpu(s, cpu);
	SIM_TRACE(s, "cpu %d: preempted (running deadline %llu > %llu)", cpu,
		  (unsigned long long)s->cpus[cpu].deadline, (unsigned long long)deadline);
	s->res->counters.nr_preemptions++;
	return true;
}

/* requeue_preempted(): back into the shared DSQ at its deadline, what was left of its slice. */
static void requeue_preempted(struct sim *s, int task)
{
	struct sim_task *t = &s->tasks[task];

	t->requeue = false;
	s->res->counters.nr_requeued++;
	SIM_TRACE(s, "%s requeued by BPF: deadline %llu, slice left %llu us",
		  SIM_TASK_NAME(s, task), (unsigned long long)t->deadline,
		  (unsigned long long)t->slice_left / 1000);
	sim_insert_dsq(s, task, SIM_SHARED, t->deadline, t->slice_left);
	kick_idle_for(s, task);
}

static void run_alone(struct sim *s, int task);
static bool standing_takes(struct sim *s, int task, bool quiet);

/*
 * The slice of a task that sleeps (not a CPU hog) ran out under a standing
 * decision: the decision goes on, as for a wake-up, preempting no one (the
 * backend's ops.enqueue). True when it took the task.
 */
static bool standing_slice_end(struct sim *s, int task)
{
	struct sim_task *t = &s->tasks[task];
	bool ended = t->slice_ended && t->exec_runtime < s->cfg.slice_ns;

	t->slice_ended = false;
	return ended && standing_takes(s, task, true);
}

void sim_enqueue(struct sim *s, int task, uint64_t flags, bool quiet)
{
	struct sim_task *t = &s->tasks[task];
	cland_task_t q = {0};

	t->gen++;
	if (t->requeue) {
		requeue_preempted(s, task);
		return;
	}
	/* taken back and cut off before it slept: once more in BPF */
	if (t->taken_back) {
		t->taken_back = false;
		if (!(flags & CLAND_TASK_WAKEUP)) {
			SIM_TRACE(s, "%s taken back, not slept since: BPF runs it again",
				  SIM_TASK_NAME(s, task));
			run_alone(s, task);
			return;
		}
	}
	if (!(flags & CLAND_TASK_WAKEUP) && standing_slice_end(s, task))
		return;
	t->state = SIM_T_USER;
	t->queued_at = s->now;
	t->queued_quiet = quiet;
	q.pid = t->pid;
	q.cpu = t->cpu;
	q.flags = flags;
	q.weight = t->weight;
	q.vtime = t->vtime;
	q.exec_runtime = t->exec_runtime;
	q.last_run = t->last_run;
	/* what it ran since the policy last saw it, as one run ending at stop_ts */
	q.start_ts = t->stop_ts > t->unseen ? t->stop_ts - t->unseen : 0;
	q.stop_ts = t->stop_ts;
	t->unseen = 0;
	q.gen = t->gen;
	q.nr_cpus_allowed = (uint64_t)sim_task_group(s, t)->nr_cpus_allowed;
	q.nr_runnable = s->nr_runnable ? s->nr_runnable : 1;
	/* comm: the group's name, cut to TASK_COMM_LEN - 1 characters */
	memcpy(q.comm, sim_task_group(s, t)->name,
	       strnlen(sim_task_group(s, t)->name, sizeof(q.comm) - 1));
	SIM_TRACE(s, "%s queued to user space: gen %llu, vtime %llu, exec_runtime %llu us%s",
		  SIM_TASK_NAME(s, task), (unsigned long long)q.gen, (unsigned long long)q.vtime,
		  (unsigned long long)q.exec_runtime / 1000, flags ? ", wake-up" : "");
	sim_daemon_queue(s, &q);
	sim_nets_queued(s, task);
	s->res->counters.nr_queued++;
}

/*
 * standing_preempt_own_cpu(): a standing wake-up that may preempt the task on
 * its own CPU goes into that CPU's local queue, ahead of the task it preempts.
 * (The backend does so only when that CPU is the one waking it: a timer's
 * wake-up is, the only kind here that preempts.)
 */
static bool preempt_own_cpu(struct sim *s, int task, uint64_t key)
{
	struct sim_task *t = &s->tasks[task];
	int cpu = t->cpu;
	const struct sim_cpu *c;

	if (cpu < 0 || !allowed(s, task, cpu))
		return false;
	c = &s->cpus[cpu];
	if (!c->busy || !ran_enough(s, cpu) ||
	    !decide_displaces(c->deadline, key, DECIDE_PREEMPT_GRAN_NS))
		return false;
	SIM_TRACE(s, "%s: standing decision, preempts cpu %d (running deadline %llu > %llu)",
		  SIM_TASK_NAME(s, task), cpu, (unsigned long long)c->deadline,
		  (unsigned long long)key);
	sim_insert_dsq(s, task, SIM_LOCAL(cpu), key, t->standing_slice);
	preempt_cpu(s, cpu);
	s->res->counters.nr_preemptions++;
	s->res->counters.nr_preempt_standing++;
	return true;
}

/*
 * ops.enqueue of a task waking under a standing decision: the shared queue,
 * its last deadline moved back by what it ran since (weight-scaled), as the
 * BPF backend's standing_dispatch() does (preempting as a decision does, its
 * own CPU's task straight from its local queue, and for a @quiet wake-up no
 * one: decide_standing_preempts()).
 */
static void standing_dispatch(struct sim *s, int task, bool quiet)
{
	struct sim_task *t = &s->tasks[task];
	uint64_t key = decide_standing_key(t->deadline, t->standing_charge, t->weight);

	t->standing_charge = 0;
	t->deadline = key;
	t->gen++;
	s->res->counters.nr_standing++;
	SIM_TRACE(s, "%s: standing decision, deadline %llu", SIM_TASK_NAME(s, task),
		  (unsigned long long)key);
	if (!decide_standing_preempts(quiet)) { /* an idle CPU, if any */
		sim_insert_dsq(s, task, SIM_SHARED, key, t->standing_slice);
		sim_kick_cpu_for(s, task, key, SIM_KICK_IDLE);
		return;
	}
	if (pick_idle(s, task, -1) < 0 && preempt_own_cpu(s, task, key))
		return;
	sim_insert_dsq(s, task, SIM_SHARED, key, t->standing_slice);
	if (sim_kick_cpu_for(s, task, key, SIM_KICK_PREEMPT))
		s->res->counters.nr_preempt_standing++;
}

/* BPF's "now" on the shared DSQ's key scale: the key at its head, else st.vclock. */
static uint64_t shared_now(struct sim *s)
{
	uint64_t key;

	return sim_dsq_head_key(s, SIM_SHARED, -1, &key) ? key : s->vclock;
}

/* The BPF backend's standing_holds(): the task's standing decision holds. */
static bool standing_holds(struct sim *s, const struct sim_task *t)
{
	return decide_standing_holds(
		decide_standing_key(t->deadline, t->standing_charge, t->weight), shared_now(s),
		decide_standing_lead(s->cfg.slice_ns, (uint64_t)s->w->nr_cpus, s->nr_runnable,
				     DECIDE_STANDING_LEAD_MIN_NS));
}

/*
 * @task's standing decision, if any, schedules this enqueue (a wake-up, or a
 * sleeper's slice end) as the backend's ops.enqueue does: void (through the
 * policy) when it no longer holds. True when it took the task.
 */
static bool standing_takes(struct sim *s, int task, bool quiet)
{
	struct sim_task *t = &s->tasks[task];

	if (!t->standing_left)
		return false;
	if (!standing_holds(s, t)) {
		t->standing_left = 0; /* void: through the policy */
		s->res->counters.nr_standing_void++;
		return false;
	}
	standing_dispatch(s, task, quiet);
	return true;
}

void sim_wakeup(struct sim *s, int task, bool woke)
{
	struct sim_task *t = &s->tasks[task];
	bool sync = t->wake_sync, quiet = t->wake_quiet;
	int cpu;

	t->wake_sync = t->wake_quiet = false;
	t->exec_runtime = 0; /* ops.runnable */
	t->taken_back = false;
	t->runnable_at = s->now;
	s->nr_runnable++;
	sim_task_waits(s, t, woke);
	SIM_TRACE(s, "%s %s, burst %llu us", SIM_TASK_NAME(s, task), woke ? "wakes up" : "starts",
		  (unsigned long long)t->burst_left / 1000);
	/* ops.select_cpu: an idle CPU, and no decided task waiting for a CPU */
	cpu = pick_idle(s, task, t->cpu);
	if (cpu < 0 || sim_dsq_of(s, SIM_SHARED)->nr || sim_dsq_of(s, cpu)->nr) {
		if (cpu >= 0)
			t->cpu = cpu;
		if (!woke || !standing_takes(s, task, quiet))
			sim_enqueue(s, task,
				    woke ? CLAND_TASK_WAKEUP | (sync ? CLAND_TASK_SYNC : 0) : 0,
				    woke && quiet);
		return;
	}
	t->cpu = cpu;
	s->res->counters.nr_kernel_dispatches++;
	SIM_TRACE(s, "%s: idle cpu %d, kernel dispatch", SIM_TASK_NAME(s, task), cpu);
	run_task(s, cpu, task, s->cfg.slice_ns);
}

/* Charge the CPU time of @cpu's task since the last time (none during a switch). */
void sim_account(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpus[cpu];
	struct sim_task *t = &s->tasks[c->task];
	uint64_t ran = s->now > c->seg_start ? s->now - c->seg_start : 0;

	t->cpu_ns += ran;
	t->burst_left -= ran < t->burst_left ? ran : t->burst_left;
	s->res->groups[t->group].cpu_ns += ran;
	s->res->busy_ns += ran;
	if (s->now > c->seg_start)
		c->seg_start = s->now;
}

/*
 * @cpu's task stops running (ops.stopping); it leaves the CPU. Preempted
 * while runnable with a useful part of its slice left, it will be requeued
 * in BPF (decide_requeue()).
 */
void sim_stopping(struct sim *s, int cpu, bool runnable)
{
	struct sim_cpu *c = &s->cpus[cpu];
	struct sim_task *t = &s->tasks[c->task];
	uint64_t ran = time_delta(s->now, c->run_start); /* this run, since ops.running */
	bool preempted = c->preempting;

	if (c->seg_start > s->now) /* stopped during its switch: the rest was not spent */
		s->res->switch_ns -= c->seg_start - s->now;
	sim_account(s, cpu);
	c->busy = false;
	c->preempting = false;
	t->stop_ts = s->now;
	t->exec_runtime += ran;
	t->unseen += ran;
	t->standing_charge += ran;
	t->standing_left = t->standing_left > ran ? t->standing_left - ran : 0;
	t->slice_ended = runnable && !preempted;
	if (runnable) {
		sim_task_waits(s, t, false);
		t->runnable_at = s->now;
		if (preempted && decide_requeue(t->run_slice, ran)) {
			t->requeue = true;
			t->slice_left = t->run_slice - ran;
			t->carried = time_delta(s->now, t->start_ts);
		}
	} else {
		t->last_run = t->exec_runtime;
	}
	c->task = -1;
	sim_cpu_changed(s, cpu);
}

/*
 * take_back(): BPF runs @task, whose decision user space owes, itself: its
 * generation is bumped (a late decision is then stale) and it goes to the
 * shared DSQ at a key near the head, with a quarter slice.
 */
/* enqueue_alone(): BPF runs @task itself, in the shared DSQ with a short slice. */
static void run_alone(struct sim *s, int task)
{
	struct sim_task *t = &s->tasks[task];
	uint64_t key;

	key = decide_alone_key(t->deadline, shared_now(s), s->cfg.slice_ns,
			       time_delta(t->stop_ts, t->start_ts), t->weight, false);
	t->deadline = key;
	t->start_ts = t->stop_ts; /* charged once */
	sim_insert_dsq(s, task, SIM_SHARED, key, s->cfg.slice_ns / DECIDE_ALONE_SLICE_DIV);
	sim_kick_cpu_for(s, task, key, SIM_KICK_PREEMPT);
}

void sim_take_back(struct sim *s, int task)
{
	s->tasks[task].gen++;
	s->tasks[task].taken_back = true;
	run_alone(s, task);
}

/*
 * A decision naming no task: counted and noted, never applied. The policy
 * meant it for one of the tasks it holds, or sent it on top: the round's
 * count of what it holds cannot be judged (daemon.c).
 */
static void bad_pid(struct sim *s, const struct cland_decision *d)
{
	struct sim_note *n = &s->res->bad_pid;

	s->daemon.round_bad_pid = true; /* meant for a task it holds: which, nobody knows */
	if (!n->n++)
		*n = (struct sim_note){.n = 1, .at = s->now, .task = -1, .pid = d->pid};
	s->res->counters.nr_bad_pid++;
	SIM_TRACE(s, "decision for pid %d: bad pid (no task has it), dropped", (int)d->pid);
}

/* A decision for a task that does not wait for one with that generation: cancelled. */
static void stale(struct sim *s, int task, const struct cland_decision *d)
{
	struct sim_task *t = &s->tasks[task];
	struct sim_note *n = &s->res->stale;

	s->res->counters.nr_cancel_dispatches++;
	if (!n->n++)
		*n = (struct sim_note){.n = 1,
				       .at = s->now,
				       .task = task,
				       .pid = d->pid,
				       .a = (int64_t)d->gen,
				       .b = (int64_t)t->gen,
				       .what = t->state == SIM_T_USER
						       ? "wrong generation"
						       : "not waiting for a decision"};
	SIM_TRACE(s, "decision for %s, gen %llu: stale (%s, its gen %llu), dropped",
		  SIM_TASK_NAME(s, task), (unsigned long long)d->gen,
		  t->state == SIM_T_USER ? "wrong generation" : "not waiting for a decision",
		  (unsigned long long)t->gen);
}

/* refuse_decision(): a malformed decision; the awaited task is run by BPF. */
static void refuse(struct sim *s, int task, const struct cland_decision *d)
{
	struct sim_task *t = &s->tasks[task];
	struct sim_note *n = &s->res->policy_error;

	if (t->state != SIM_T_USER || t->gen != d->gen) {
		stale(s, task, d);
		return;
	}
	s->res->counters.nr_policy_errors++;
	if (!n->n++)
		*n = (struct sim_note){.n = 1,
				       .at = s->now,
				       .task = task,
				       .pid = d->pid,
				       .a = d->cpu,
				       .b = (int64_t)d->slice};
	SIM_TRACE(s,
		  "decision for %s: malformed (cpu %d, slice %llu us): policy error, BPF runs "
		  "it",
		  SIM_TASK_NAME(s, task), (int)d->cpu, (unsigned long long)d->slice / 1000);
	sim_take_back(s, task);
}

/* An idle CPU for a CLAND_CPU_ANY decision: the task's last CPU first. */
static int any_idle_cpu(struct sim *s, int task)
{
	int cpu = pick_idle(s, task, s->tasks[task].cpu);

	if (cpu >= 0) {
		s->cpus[cpu].claimed = true;
		sim_cpu_changed(s, cpu);
	}
	return cpu;
}

void sim_apply_decision(struct sim *s, const struct cland_decision *d)
{
	struct sim_task *t;
	int task = d->pid - SIM_PID0, cpu = d->cpu;

	if (d->pid <= 0) {
		s->res->counters.nr_failed_dispatches++;
		bad_pid(s, d);
		return;
	}
	if (d->pid < SIM_PID0 || task >= s->nr_tasks) {
		s->res->counters.nr_cancel_dispatches++; /* bpf_task_from_pid() finds none */
		bad_pid(s, d);
		return;
	}
	t = &s->tasks[task];
	if (t->held) { /* the policy answered one of the records it got for the task */
		t->held--;
		s->daemon.nr_held--;
	}
	if (decide_malformed(d->cpu, d->slice, d->standing_ns, (uint32_t)s->w->nr_cpus)) {
		refuse(s, task, d);
		return;
	}
	if (t->state != SIM_T_USER || t->gen != d->gen) {
		stale(s, task, d);
		return;
	}
	t->vtime = d->vtime;
	t->deadline = d->deadline;
	t->standing_left = d->standing_ns;
	t->standing_slice = d->slice ? d->slice : s->cfg.slice_ns;
	t->standing_charge = 0;
	if (cpu != CLAND_CPU_ANY && !allowed(s, task, cpu)) {
		s->res->counters.nr_bounce_dispatches++;
		SIM_TRACE(s, "decision for %s: cpu %d not allowed, bounced", SIM_TASK_NAME(s, task),
			  cpu);
		cpu = CLAND_CPU_ANY;
	}
	s->res->counters.nr_user_dispatches++;
	if (cpu == CLAND_CPU_ANY)
		cpu = any_idle_cpu(s, task);
	SIM_TRACE(s, "decision for %s: %s%.0d, slice %llu us, vtime %llu, deadline %llu%s",
		  SIM_TASK_NAME(s, task), cpu < 0 ? "shared queue" : "cpu ", cpu < 0 ? 0 : cpu,
		  (unsigned long long)(d->slice ? d->slice : s->cfg.slice_ns) / 1000,
		  (unsigned long long)t->vtime, (unsigned long long)t->deadline,
		  d->flags & CLAND_DECISION_NO_PREEMPT ? ", no preemption" : "");
	sim_insert_dsq(s, task, cpu < 0 ? SIM_SHARED : cpu, d->deadline,
		       d->slice ? d->slice : s->cfg.slice_ns);
	if (cpu >= 0) {
		if (s->cpus[cpu].task < 0)
			sim_cpu_kick(s, cpu); /* SCX_KICK_IDLE */
		return;
	}
	/* a quiet wake-up's decision preempts no one, as in the backend */
	if ((d->flags & CLAND_DECISION_NO_PREEMPT) || !decide_standing_preempts(t->queued_quiet))
		sim_kick_cpu_for(s, task, d->deadline, SIM_KICK_IDLE);
	else
		sim_kick_cpu_for(s, task, d->deadline, SIM_KICK_PREEMPT);
}

/*
 * consume_earliest(): the earlier of the heads of @cpu's DSQ and of the
 * shared DSQ (the first task there that may run on @cpu); @cpu's on ties.
 */
static int consume_earliest(struct sim *s, int cpu)
{
	uint64_t mine, shared;

	if (!sim_dsq_head_key(s, cpu, cpu, &mine))
		return sim_dsq_take(s, SIM_SHARED, cpu);
	if (sim_dsq_head_key(s, SIM_SHARED, cpu, &shared) && time_before(shared, mine))
		return sim_dsq_take(s, SIM_SHARED, cpu);
	return sim_dsq_take(s, cpu, cpu);
}

/*
 * @cpu looks for a task (ops.dispatch and the core around it): the nets
 * (which may move a starving task to its local queue), its local queue,
 * then its own DSQ or the shared one. A task still on the CPU (slice over
 * or preempted) makes way only for another task; otherwise it keeps
 * running.
 */
void sim_cpu_dispatch(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpus[cpu];
	int next, prev = c->task;
	bool preempted = c->preempt;

	c->resched = false;
	c->preempt = false;
	sim_nets_dispatch(s, cpu);
	next = sim_dsq_take(s, SIM_LOCAL(cpu), cpu);
	if (next < 0)
		next = consume_earliest(s, cpu);
	if (prev >= 0 && next < 0) {
		SIM_TRACE(s, "cpu %d: nothing else to run, %s keeps it", cpu,
			  SIM_TASK_NAME(s, prev));
		sim_account(s, cpu);
		c->preempting = false;
		c->slice_end = slice_seen(s, sat_add(c->seg_start, SIM_SCX_SLICE_DFL_NS));
		sim_cpu_changed(s, cpu);
		return;
	}
	if (prev >= 0) {
		SIM_TRACE(s, "cpu %d: %s %s", cpu, SIM_TASK_NAME(s, prev),
			  preempted ? "preempted" : "slice over");
		c->claimed = true; /* switching: not idle, whatever prev's enqueue looks for */
		sim_stopping(s, cpu, true);
		sim_enqueue(s, prev, 0, false);
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
		if ((c->task >= 0 && !c->preempt) || c->daemon) {
			c->resched = false; /* SCX_KICK_IDLE of a busy CPU: nothing */
			continue;
		}
		sim_cpu_dispatch(s, cpu);
	}
}

/*
 * The daemon runs a round that costs @cost of CPU: on an idle CPU, else on
 * the CPU running the latest deadline among those that ran past their
 * protection (decide_protect()), whose task is preempted (requeued in BPF when it
 * has slice left), as the backend wakes it (kick_cpu_for() of the daemon);
 * when none ran that long, the one with the latest deadline (the backend's
 * tick takes a CPU for it within a tick). The preempted task then competes
 * again with the decisions just made. The daemon is one thread: its next
 * round starts when this one ends. A free daemon (@cost 0, an ideal
 * machine) takes no CPU.
 */
void sim_run_daemon(struct sim *s, uint64_t cost)
{
	const struct sim_costs *k = &s->cfg.costs;
	int cpu = sim_idle_cpu(s, NULL, -1), victim;
	uint64_t until;
	struct sim_cpu *c;

	if (cpu >= 0 && !cost)
		return; /* an idle CPU, for no time */
	until = s->now + k->switch_ns + cost;
	if (cpu < 0) {
		cpu = latest_preemptible(s, 0, true);
		if (cpu < 0)
			cpu = sim_latest_running_cpu(s);
		if (cpu < 0)
			return; /* every CPU is idle-but-claimed or running the daemon */
		c = &s->cpus[cpu];
		victim = c->task;
		c->preempting = true;
		c->claimed = true; /* the daemon's: not idle for the victim's requeue */
		sim_stopping(s, cpu, true);
		sim_enqueue(s, victim, 0, false);
		s->res->counters.nr_preempt_daemon++;
		until += k->preempt_ns;
		SIM_TRACE(s, "cpu %d: preempted for the daemon", cpu);
	}
	c = &s->cpus[cpu];
	if (c->last != SIM_LAST_DAEMON)
		s->res->context_switches++;
	c->last = SIM_LAST_DAEMON;
	c->daemon = true;
	c->claimed = false;
	c->daemon_until = until;
	s->res->daemon_ns += cost;
	s->res->switch_ns += k->switch_ns;
	s->daemon.busy_until = until;
	sim_cpu_changed(s, cpu);
	SIM_TRACE(s, "cpu %d: the daemon runs for %llu us", cpu,
		  (unsigned long long)(until - s->now) / 1000);
}

/* The daemon's round on @cpu is over: the CPU looks for a task. */
void sim_daemon_done(struct sim *s, int cpu)
{
	s->cpus[cpu].daemon = false;
	sim_cpu_changed(s, cpu);
	sim_cpu_dispatch(s, cpu);
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
	claim_and_kick(s, cpu);
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
