// SPDX-License-Identifier: GPL-2.0
/*
 * deadline.c - the "deadline" policy: weighted vruntime with an interactive
 * bonus, modelled on scx_rustland.
 *
 * The fair slice F is slice_ns shared among the tasks runnable per CPU
 * (task->nr_runnable, from the backend), within [slice_min_ns, slice_ns], as
 * the kernel's fair class divides its period.
 *
 * Each task carries a vruntime (kept by the backend in task->vtime). On
 * enqueue it is re-aligned to min_vruntime (the largest vruntime dispatched:
 * a waking task is never more than F behind it) and charged for its last
 * run, scaled by the inverse of its weight. The task is then queued by
 *
 *	deadline = vruntime + min(exec_runtime * 100 / weight, F)
 *
 * where exec_runtime is the time it ran since it last slept: tasks that
 * sleep often (interactive ones) get early deadlines and run first, CPU hogs
 * queue behind them, and vruntime keeps the long-run shares fair. Both the
 * credit and the bonus are at most F, so a CPU hog waits behind a stream of
 * such tasks for a few fair slices per task it competes with, not more (with
 * a bonus of 100 slices, 4 hogs among 400 chatty tasks waited 8 s in the
 * simulator, long past the kernel's 5 s watchdog).
 *
 * Time slice of a dispatched task: the run slice (common.h: F for a CPU
 * hog; for a task that sleeps, under contention, a share of slice_ns / 6,
 * not of slice_ns) scaled by weight / 100, clamped to [slice_min_ns,
 * slice_ns]: light tasks are preempted sooner, heavy ones never get more
 * than slice_ns.
 *
 * The rules' verdict (lib/policy.h): a latency-critical task's deadline is
 * min_vruntime - 2 slice_ns, ahead of every task queued since; a background
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

#ifndef DEADLINE_HEAP_CAP
#define DEADLINE_HEAP_CAP CLAND_MAX_INFLIGHT /* tasks the backend hands over at once */
#endif

struct deadline_ctx {
	struct task_queue queue;
	struct cland_host host;
	uint64_t slice_ns;
	uint64_t slice_min_ns;
	uint64_t min_vruntime; /* largest vruntime dispatched so far */
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
 * The fair slice (common.h), in ns of vruntime: it bounds what sleeping earns
 * and what the interactive bonus is worth, and so how long a task can wait: a
 * few fair slices per task it competes with.
 */
static uint64_t task_fair_slice(const struct deadline_ctx *c, const cland_task_t *task)
{
	return fair_slice(&c->host, task, c->slice_ns, c->slice_min_ns);
}

/* The task's vruntime after its last run, no more than a fair slice behind. */
static uint64_t task_vruntime(const struct deadline_ctx *c, const cland_task_t *task, uint64_t fair)
{
	uint64_t floor = c->min_vruntime > fair ? c->min_vruntime - fair : 0;
	uint64_t vruntime = task->vtime > floor ? task->vtime : floor;

	return sat_add(vruntime, scale_inv_weight(task, time_delta(task->stop_ts, task->start_ts)));
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
	uint64_t fair = task_fair_slice(c, task), deadline;
	cland_task_t t = *task;

	t.vtime = task_vruntime(c, task, fair);
	deadline = task_deadline(task, t.vtime, fair);
	/* the rules' verdict: ahead of every new key (>= min_vruntime - F), or far behind */
	deadline = cland_verdict_key(task, deadline, c->min_vruntime, 2 * c->slice_ns, c->slice_ns);
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
 * has run one more fair slice (struct cland_decision.standing_ns): the
 * backend then schedules them at once, at the same distance from the head of
 * the queue, with no round trip; the policy sees the task again, with all
 * that time charged, at its slice's end or once the fair slice is used up.
 * What a task can gain by it is one fair slice, the bound on its bonus
 * anyway. CPU hogs do not wake up: each of their slices comes here.
 */
static uint64_t standing_ns(const struct deadline_ctx *c, const cland_task_t *task)
{
	if (!(task->flags & CLAND_TASK_WAKEUP))
		return 0;
	return task_fair_slice(c, task);
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

	if (ent.task.vtime > c->min_vruntime)
		c->min_vruntime = ent.task.vtime;
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
