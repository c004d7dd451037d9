// SPDX-License-Identifier: GPL-2.0
/*
 * deadline.c - the "deadline" policy: weighted vruntime with an interactive
 * bonus, modelled on scx_rustland.
 *
 * Each task carries a vruntime (kept by the backend in task->vtime). The
 * policy keeps a virtual clock, vclock (fair_clock.h: the vruntime every
 * runnable task would have if the CPUs were shared fairly, moved on by each
 * enqueue), and the fair slice F (slice_ns shared among the tasks runnable
 * per CPU, the most of the last second, within [slice_min_ns, slice_ns]).
 * On enqueue the task's vruntime is brought within a fair slice of vclock
 * (sleeping earns at most F of credit, 2F with the interactive boost below;
 * a task that ran ahead owes at most F: the kernel's EEVDF clamps lag the
 * same way) and charged for its last run. The task is then queued by
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
 * 2F], and when F shrinks (the load rose) the clock jumps so that the keys
 * queued under the lighter load stay within the new bounds (fair_clock.h).
 *
 * Messages: a sync wake-up (CLAND_TASK_SYNC: a pipe's or a socket's reader,
 * woken by a writer that goes on running) gets no bonus, its deadline is
 * vruntime + F whatever it ran, as a CPU hog's is: it is still ahead of
 * them by its vruntime, the credit its sleep earned. With the bonus, a
 * reader woken for one message ran ahead of the writers, read that message
 * and slept again, and the writers waited behind a wake-up per message: in
 * the simulator (messaging.json, hackbench) receivers woke 752 times, 189
 * without it, for 4672 -> 3205 context switches and 5% more messages; in
 * the VM (bench/ab/ab.sh, 2 vCPUs, 2 rounds of two runs, before / after)
 * hackbench pipes 1.16 1.85, 1.07 1.30 / 1.01 0.88, 0.91 1.19 s (EEVDF
 * 2.06 1.99, 1.01 0.86), sockets 2.43 2.39, 1.97 1.75 / 2.02 1.89, 1.55
 * 2.04 s (EEVDF 2.35 2.45, 1.64 1.85), the decisions under them 5.0k, 4.1k
 * / 2.7k, 3.3k a run of pipes; in another boot, 3 rounds, sockets 2.27 ->
 * 1.73 s and pipes 0.97 -> 0.81 s on average (EEVDF 1.78, 1.43). What it
 * gives up: a task a socket woke (a desktop client, by its compositor) is
 * ahead of CPU hogs by its vruntime alone, no longer ahead of the other
 * sleepers by its short runs. A wake-up that is not a sync one (a timer's,
 * a futex's: cyclictest, reqwork) is keyed as before.
 *
 * Time slice of a dispatched task: the run slice (common.h: F for a CPU
 * hog; for a task that sleeps, under contention, a share of slice_ns / 6,
 * not of slice_ns) scaled by weight / 100, clamped to [slice_min_ns,
 * slice_ns]: light tasks are preempted sooner, heavy ones never get more
 * than slice_ns.
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
#include "fair_clock.h"
#include "task_queue.h"

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
	/* set by enqueue alone (one thread calls the policy) */
	struct fair_clock clock; /* vclock (clock.now) and F */
	uint64_t boost_ns;	 /* the interactive boost's budget left, in CPU ns */
	uint64_t boost_ts;	 /* when it was last topped up, on the tasks' clock */
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
	fair_clock_init(&c->clock, &c->host, c->slice_ns, c->slice_min_ns);

	return task_queue_init(&c->queue, DEADLINE_HEAP_CAP);
}

/*
 * The boost's budget, topped up with BOOST_PCT of the CPUs' time since the
 * last top-up, up to BOOST_SAVE_SLICES slices of every CPU.
 */
static void boost_refill(struct deadline_ctx *c)
{
	uint64_t cpus = c->host.nr_cpus > 0 ? (uint64_t)c->host.nr_cpus : 1;
	uint64_t cap = c->slice_ns * BOOST_SAVE_SLICES * cpus;
	uint64_t add = mul_div(time_delta(c->clock.last_ts, c->boost_ts), cpus * BOOST_PCT, 100);

	c->boost_ts = time_max(c->boost_ts, c->clock.last_ts);
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
	return c->clock.now > credit ? c->clock.now - credit : 0;
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
	uint64_t ceiling = sat_add(c->clock.now, fair);

	return vruntime < ceiling ? vruntime : ceiling;
}

/* A boosted short runner's vruntime: at most the credit's floor (the budget pays its runs). */
static uint64_t boosted_floor(const struct deadline_ctx *c, uint64_t vruntime, uint64_t credit)
{
	uint64_t floor = credit_floor(c, credit);

	return time_before(floor, vruntime) ? floor : vruntime;
}

/*
 * vruntime + the time it ran since it last slept, at most a fair slice; a
 * sync wake-up's is a whole fair slice (the header: messages).
 */
static uint64_t task_deadline(const cland_task_t *task, uint64_t vruntime, uint64_t fair)
{
	uint64_t lag =
		(task->flags & CLAND_TASK_SYNC) ? fair : scale_inv_weight(task, task->exec_runtime);

	return sat_add(vruntime, lag < fair ? lag : fair);
}

static void deadline_enqueue(void *ctx, const cland_task_t *task)
{
	struct deadline_ctx *c = ctx;
	uint64_t charge = fair_clock_charge(task), deadline, credit;
	uint64_t fair = fair_clock_enqueue(&c->clock, task, charge);
	cland_task_t t = *task;

	credit = wake_credit(c, task, fair);
	t.vtime = task_vruntime(c, task, fair, credit, charge);
	if (credit > fair && task->last_run < BOOST_SHORT_RUN_NS) /* a boosted short runner */
		t.vtime = boosted_floor(c, t.vtime, credit);
	deadline = task_deadline(task, t.vtime, fair);
	/* the rules' verdict: ahead of every new key (>= vclock - 2 slice_ns), or far behind */
	deadline = cland_verdict_key(task, deadline, c->clock.now, 3 * c->slice_ns, c->slice_ns);
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
 * trip (and so are the ends of its slices while it sleeps often: a burst a
 * little longer than its run slice); the policy sees the task again, with
 * all that time charged, once the decision is used up (or the load rose,
 * or it ran a whole slice_ns awake: a CPU hog). What a task can gain by it is
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
