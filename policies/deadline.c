// SPDX-License-Identifier: GPL-2.0
/*
 * deadline.c - the "deadline" policy: weighted vruntime with an interactive
 * bonus, modelled on scx_rustland.
 *
 * The fair slice F is slice_ns shared among the tasks runnable per CPU
 * (task->nr_runnable, from the backend; the most of the last second for the
 * bounds below, nr_bound()), within [slice_min_ns, slice_ns], as the kernel's
 * fair class divides its period.
 *
 * Each task carries a vruntime (kept by the backend in task->vtime). The
 * policy keeps a virtual clock, vclock: the vruntime every runnable task
 * would have if the CPUs were shared fairly. Each enqueue advances it by the
 * run the task just ended, scaled by the inverse of its weight, over the
 * tasks runnable (task->nr_runnable): the mean advance of their vruntimes,
 * which under fair sharing is each one's. On enqueue the task's vruntime is
 * brought within a fair slice of vclock (sleeping earns at most F of credit,
 * 2F with the interactive boost below; a task that ran ahead owes at most F:
 * the kernel's EEVDF clamps lag the same way) and charged for its last run.
 * The task is then queued by
 *
 *	deadline = vruntime + min(exec_runtime * 100 / weight, F)
 *
 * where exec_runtime is the time it ran since it last slept: tasks that
 * sleep often (interactive ones) get early deadlines and run first, CPU hogs
 * queue behind them, and vruntime keeps the long-run shares fair. Both the
 * credit and the bonus are at most F (the boost's credit 2F, within its
 * budget), so a CPU hog waits behind a stream of such tasks for a few fair
 * slices per task it competes with, not more (with a bonus of 100 slices, 4
 * hogs among 400 chatty tasks waited 8 s in the simulator, long past the
 * kernel's 5 s watchdog). Every key is thus within [vclock - 2F, vclock +
 * 2F]; when F shrinks (the load rose), vclock jumps by
 * twice the difference, so that keys queued under the lighter load stay
 * within the new bounds (bound_slice()).
 *
 * Time slice of a dispatched task: the run slice (common.h: F for a CPU
 * hog; for a task that sleeps, under contention, a share of slice_ns / 6,
 * not of slice_ns) scaled by weight / 100, clamped to [slice_min_ns,
 * slice_ns]: light tasks are preempted sooner, heavy ones never get more
 * than slice_ns.
 *
 * Why a clock of its own and not the largest vruntime dispatched (the rule
 * until 2026-11): every task lagged that mark, so every enqueue floored the
 * task at it - F and charged a run longer than F (slices end at a tick):
 * the mark followed, at 50 times the fair rate on a message-passing load,
 * every key came from the moment of its enqueue and the queue was a FIFO
 * 300 ms deep; a task waking every 1 ms waited behind all of it (simulator,
 * sim/calibration/messaging.json with such a probe: wake-up p99 297 ms).
 *
 * Interactive boost: a wake-up that is not a sync one (no CLAND_TASK_SYNC:
 * a timer, a device, a futex, a signal; a frame timer, input, cyclictest;
 * pipes and sockets wake their readers sync) may earn up to 2F of credit,
 * so that it runs ahead of the tasks woken by messages queued before it.
 * Without it, all sleepers earn F and run in the order they woke: behind a
 * whole round of them under hackbench (160 tasks on 2 CPUs: a probe woken
 * every 1 ms waited 50-150 ms each time its standing decision ran out;
 * simulator, test_timer_wakeup_ahead_of_messages: wake-up p99 70.7 ms,
 * 5.1 ms with it). The boost is bounded in total by a budget of BOOST_PCT of
 * all CPUs' time, each boosted decision taking from it the CPU time it
 * covers (its standing time): 400 tasks woken by timers would otherwise
 * push CPU hogs back by one more F each (a hog waited past the starvation
 * net, 520 ms, in test_hogs_not_starved_by_wakers).
 *
 * A boosted task whose runs are short (its last one under
 * BOOST_SHORT_RUN_NS, cland_queued.last_run: a timer's, an input's wake-up)
 * is put at the credit's floor even when its vruntime ran ahead of it: the
 * budget pays for the CPU time its decision covers, so that time is not
 * charged to it twice. Such a task may use more than its share of a crowded
 * machine (cyclictest's 20 us every 1 ms is 2% of a CPU; its share among
 * hackbench's 160 tasks on 2 CPUs 1.2%): its vruntime then ran ahead, and
 * its boosted key with it, into the middle of the queue (VM, bench/ab/ab.sh,
 * mixed benchmark, before / after, 3 rounds: cyclictest p99 36.4, 34.2, 35.8
 * / 25.3, 21.2, 20.3 ms, EEVDF 34.4, 31.8, 30.9; p50 1608, 1374, 1497 / 883,
 * 852, 866 us). Moving only its key, not its vruntime, left it owing: each
 * decision the budget could not boost put it a fair slice past the clock,
 * behind the whole queue (samples over 100 ms: 11-16 a run, 1-5 before). A
 * task with long runs (a request's 1 ms burst) keeps its own vruntime.
 *
 * The rules' verdict (lib/policy.h): a latency-critical task's deadline is
 * vclock - 3 slice_ns, ahead of every task queued since; a background
 * task's is pushed CLAND_VERDICT_BG_DELAY_NS later; the weight multiplier
 * acts through task_weight(), the slices through cland_verdict_slice().
 *
 * Tasks wait in a task_queue (task_queue.h) keyed by deadline (FIFO among
 * ties), allocated by init for DEADLINE_HEAP_CAP tasks. A task is not dropped
 * because the queue is full: it grows, keeping its order (the only allocation
 * after init), and when memory runs out the task is dispatched at once,
 * through the queue's reserve. A fixed overflow FIFO dispatched ahead of the
 * heap in place of growing was rejected: it would run CPU hogs ahead of
 * interactive tasks exactly when the system is most overloaded, and it could
 * fill up in turn.
 */
#include <errno.h>
#include <string.h>

#include "common.h"
#include "task_queue.h"

/* How long the largest count of runnable tasks seen holds for the bounds. */
#define NR_PEAK_HOLD_NS (1000ULL * 1000 * 1000)
/* The interactive boost's budget: this share of all CPUs' time, in % ... */
#define BOOST_PCT 5
/* ... saved for at most this long (of all CPUs' time: slice_ns x CPUs) */
#define BOOST_SAVE_SLICES 1
/* A boosted task whose runs are shorter than this is put at the credit's floor. */
#define BOOST_SHORT_RUN_NS (250ULL * 1000)

#ifndef DEADLINE_HEAP_CAP
#define DEADLINE_HEAP_CAP CLAND_MAX_INFLIGHT /* tasks the backend hands over at once */
#endif

struct deadline_ctx {
	struct task_queue queue;
	struct cland_host host;
	uint64_t slice_ns;
	uint64_t slice_min_ns;
	/* all set by enqueue alone (one thread calls the policy) */
	uint64_t vclock;     /* the fair vruntime; never moves back */
	uint64_t nr_peak;    /* most tasks runnable seen since nr_peak_ts (nr_bound()) */
	uint64_t nr_peak_ts; /* when nr_peak was last set, on the tasks' clock */
	uint64_t last_ts;    /* the latest stop_ts seen: the policy's now */
	uint64_t fair;	     /* F of the last enqueue (bound_slice()) */
	uint64_t boost_ns;   /* the interactive boost's budget left, in CPU ns */
	uint64_t boost_ts;   /* when it was last topped up, on the tasks' clock */
};

static void deadline_exit(void *ctx)
{
	struct deadline_ctx *c = ctx;

	task_queue_free(&c->queue);
}

static int deadline_init(void *ctx, const struct cland_policy_cfg *cfg,
			 const struct cland_host *host)
{
	struct deadline_ctx *c = ctx;

	memset(c, 0, sizeof(*c));
	if (!cfg || !cfg->slice_min_ns || cfg->slice_min_ns > cfg->slice_ns)
		return -EINVAL;
	c->slice_ns = cfg->slice_ns;
	c->slice_min_ns = cfg->slice_min_ns;
	if (host)
		c->host = *host;

	return task_queue_init(&c->queue, DEADLINE_HEAP_CAP);
}

/*
 * The fair slice (common.h) with the tasks runnable now, in ns of vruntime.
 * With the most of the last second (bound_slice()), it bounds what sleeping
 * earns, what a task owes and what the interactive bonus is worth, and so how
 * long a task can wait: a few fair slices per task it competes with.
 */
static uint64_t task_fair_slice(const struct deadline_ctx *c, const cland_task_t *task)
{
	return fair_slice(&c->host, task, c->slice_ns, c->slice_min_ns);
}

/*
 * The tasks runnable the bounds count: the most seen within the last
 * NR_PEAK_HOLD_NS, not only now. The count swings (hackbench: from 86 to 3
 * and back within 200 ms, between its rounds), and with each swing the
 * bounds would widen, then shrink and move the clock (bound_slice()).
 */
static uint64_t nr_bound(struct deadline_ctx *c, const cland_task_t *task)
{
	c->last_ts = time_max(c->last_ts, task->stop_ts);
	if (task->nr_runnable >= c->nr_peak ||
	    time_elapsed(c->last_ts, c->nr_peak_ts, NR_PEAK_HOLD_NS)) {
		c->nr_peak = task->nr_runnable;
		c->nr_peak_ts = c->last_ts;
	}
	return c->nr_peak;
}

/*
 * F for the bounds: the fair slice with nr_bound() tasks runnable. A key
 * stays in the DSQ as it was set, and the clock moves at the fair rate,
 * slower the more tasks are runnable: when F shrinks, vclock jumps by twice
 * the difference, so that every key queued is within the new bounds and
 * reached as soon as a new one. Without it, a CPU hog keyed 2F ahead while 3
 * tasks were runnable (F = 13 ms) waited for the clock to move 27 ms at the
 * pace of the 80 that hackbench then forked: the starvation net ran it after
 * 500 ms (VM, make check's "healthy" case).
 */
static uint64_t bound_slice(struct deadline_ctx *c, const cland_task_t *task)
{
	cland_task_t t = *task;
	uint64_t fair;

	t.nr_runnable = nr_bound(c, task);
	fair = task_fair_slice(c, &t);
	if (fair < c->fair)
		c->vclock = sat_add(c->vclock, 2 * (c->fair - fair));
	c->fair = fair;
	return fair;
}

/* The run the task just ended, in ns of vruntime. */
static uint64_t task_charge(const cland_task_t *task)
{
	return scale_inv_weight(task, time_delta(task->stop_ts, task->start_ts));
}

/*
 * vclock moves by the mean of the runnable tasks' vruntime advances (@charge:
 * this task's, task_charge()), at most slice_ns at a time: a run with a bogus
 * length (timestamps are the backend's, a task's weight may be 1) cannot
 * throw it far ahead of every task.
 */
static void advance_vclock(struct deadline_ctx *c, const cland_task_t *task, uint64_t charge)
{
	uint64_t nr = task->nr_runnable ? task->nr_runnable : 1;
	uint64_t step = charge / nr;

	c->vclock = sat_add(c->vclock, step < c->slice_ns ? step : c->slice_ns);
}

/*
 * The boost's budget, topped up with BOOST_PCT of the CPUs' time since the
 * last top-up, up to BOOST_SAVE_SLICES slices of every CPU.
 */
static void boost_refill(struct deadline_ctx *c)
{
	uint64_t cpus = c->host.nr_cpus > 0 ? (uint64_t)c->host.nr_cpus : 1;
	uint64_t cap = c->slice_ns * BOOST_SAVE_SLICES * cpus;
	uint64_t add = mul_div(time_delta(c->last_ts, c->boost_ts), cpus * BOOST_PCT, 100);

	c->boost_ts = time_max(c->boost_ts, c->last_ts);
	c->boost_ns = sat_add(c->boost_ns, add) < cap ? sat_add(c->boost_ns, add) : cap;
}

static uint64_t standing_ns(const struct deadline_ctx *c, const cland_task_t *task);

/*
 * The credit the task's wake-up earns: F, or 2F for a wake-up that is not a
 * sync one (a timer's, a device's, a futex's) while the boost's budget
 * covers the CPU time its decision gives (standing_ns()), which it then
 * takes from the budget. A boosted short runner is put at the credit's
 * floor even when its own vruntime is ahead of it (deadline_enqueue()).
 */
static uint64_t wake_credit(struct deadline_ctx *c, const cland_task_t *task, uint64_t fair)
{
	uint64_t cost;

	if ((task->flags & (CLAND_TASK_WAKEUP | CLAND_TASK_SYNC)) != CLAND_TASK_WAKEUP)
		return fair;
	boost_refill(c);
	cost = standing_ns(c, task);
	if (cost > c->boost_ns)
		return fair;
	c->boost_ns -= cost;
	return 2 * fair;
}

/* The least vruntime a wake-up with @credit is put at: @credit behind vclock. */
static uint64_t credit_floor(const struct deadline_ctx *c, uint64_t credit)
{
	return c->vclock > credit ? c->vclock - credit : 0;
}

/*
 * The task's vruntime after its last run (@charge), within @credit (a fair
 * slice, or two: wake_credit()) behind vclock and a fair slice ahead.
 */
static uint64_t task_vruntime(const struct deadline_ctx *c, const cland_task_t *task, uint64_t fair,
			      uint64_t credit, uint64_t charge)
{
	uint64_t floor = credit_floor(c, credit);
	uint64_t vruntime = sat_add(task->vtime > floor ? task->vtime : floor, charge);
	uint64_t ceiling = sat_add(c->vclock, fair);

	return vruntime < ceiling ? vruntime : ceiling;
}

/* A boosted short runner's vruntime: at most the credit's floor (the budget pays its runs). */
static uint64_t boosted_floor(const struct deadline_ctx *c, uint64_t vruntime, uint64_t credit)
{
	uint64_t floor = credit_floor(c, credit);

	return time_before(floor, vruntime) ? floor : vruntime;
}

/* vruntime + the time it ran since it last slept, at most a fair slice. */
static uint64_t task_deadline(const cland_task_t *task, uint64_t vruntime, uint64_t fair)
{
	uint64_t lag = scale_inv_weight(task, task->exec_runtime);

	return sat_add(vruntime, lag < fair ? lag : fair);
}

static void deadline_enqueue(void *ctx, const cland_task_t *task)
{
	struct deadline_ctx *c = ctx;
	uint64_t fair = bound_slice(c, task), charge = task_charge(task), deadline, credit;
	cland_task_t t = *task;

	advance_vclock(c, task, charge);
	credit = wake_credit(c, task, fair);
	t.vtime = task_vruntime(c, task, fair, credit, charge);
	if (credit > fair && task->last_run < BOOST_SHORT_RUN_NS) /* a boosted short runner */
		t.vtime = boosted_floor(c, t.vtime, credit);
	deadline = task_deadline(task, t.vtime, fair);
	/* the rules' verdict: ahead of every new key (>= vclock - 2 slice_ns), or far behind */
	deadline = cland_verdict_key(task, deadline, c->vclock, 3 * c->slice_ns, c->slice_ns);
	task_queue_push(&c->queue, deadline, &t);
}

static uint64_t deadline_nr_pending(void *ctx)
{
	struct deadline_ctx *c = ctx;

	return task_queue_size(&c->queue);
}

static void deadline_stats(void *ctx, struct cland_policy_stats *out)
{
	struct deadline_ctx *c = ctx;

	task_queue_stats(&c->queue, out);
}

/*
 * A task that woke up keeps this decision for its next wake-ups, until it
 * has run one more fair slice of vruntime (struct cland_decision.standing_ns,
 * in CPU time: the fair slice scaled by its weight, at most slice_ns): the
 * backend then schedules them at once, each key moved on by what the task
 * ran, scaled by the inverse of its weight as a vruntime is, with no round
 * trip; the policy sees the task again, with all that time charged, at its
 * slice's end or once the decision is used up. What a task can gain by it is
 * one fair slice, the bound on its bonus anyway (standing_slice()). CPU hogs
 * do not wake up: each of their slices comes here.
 */
static uint64_t standing_ns(const struct deadline_ctx *c, const cland_task_t *task)
{
	return standing_slice(&c->host, task, c->slice_ns, c->slice_min_ns);
}

static bool deadline_dispatch(void *ctx, struct cland_decision *out)
{
	struct deadline_ctx *c = ctx;
	struct cland_heap_entry ent;

	if (!task_queue_pop(&c->queue, &ent))
		return false;

	memset(out, 0, sizeof(*out));
	out->pid = ent.task.pid;
	out->gen = ent.task.gen;
	out->vtime = ent.task.vtime;
	out->deadline = ent.key;
	out->slice = cland_verdict_slice(
		&ent.task, weighted_run_slice(&c->host, &ent.task, c->slice_ns, c->slice_min_ns),
		c->slice_ns, c->slice_min_ns);
	out->cpu = CLAND_CPU_ANY; /* the backend places it: no syscall per decision */
	out->standing_ns = standing_ns(c, &ent.task);
	return true;
}

const struct cland_policy cland_policy_deadline = {
	.name = "deadline",
	.summary = "weighted vruntime, earliest deadline first; favours tasks that sleep often",
	.ctx_size = sizeof(struct deadline_ctx),
	.init = deadline_init,
	.enqueue = deadline_enqueue,
	.dispatch = deadline_dispatch,
	.nr_pending = deadline_nr_pending,
	.stats = deadline_stats,
	.exit = deadline_exit,
};
