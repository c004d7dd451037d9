// SPDX-License-Identifier: GPL-2.0
/*
 * vruntime.c - the "vruntime" policy: weighted fair share (CFS-like), with no
 * latency boost.
 *
 * Each task carries a vruntime (kept by the backend in task->vtime): on
 * enqueue it is charged for the task's last run, scaled by the inverse of its
 * weight,
 *
 *	vruntime += (stop_ts - start_ts) * 100 / weight
 *
 * and tasks run in vruntime order (deadline = vruntime), so over time each
 * task gets CPU in proportion to its weight. Nothing else matters: unlike the
 * "deadline" policy, a task that runs in short bursts is not ordered before a
 * CPU hog with the same vruntime.
 *
 * The clock these vruntimes are measured against is vclock (fair_clock.h:
 * the vruntime every runnable task would have if the CPUs were shared
 * fairly, moved on by each enqueue, as the kernel's EEVDF keeps its
 * avg_vruntime), with the fair slice F (slice_ns shared among the tasks
 * runnable per CPU, the most of the last second), scaled by the task's
 * weight into its lag allowance L = F * 100 / weight, as EEVDF scales its
 * lag limit. After charging, a task owes at most L: its vruntime is brought
 * back to vclock + L if it ran further ahead (a task that ran to the tick
 * past a short slice would otherwise wait for every other task to catch up
 * with it: 8 senders waited for the starvation net in the simulator's
 * sim/calibration/messaging.json, under the former min_vruntime estimate).
 * It is then placed no earlier than:
 *  - vclock, if it is new (vtime 0): it starts with no lag;
 *  - vclock - L if it was put back without sleeping (preempted, or its
 *    slice ended): tasks that ran side by side on several CPUs
 *    legitimately lag one another; L keeps that lag while bounding the
 *    credit of a task whose vtime is stale (it ran without the policy);
 *  - vclock - 2L if it woke up: ahead of the tasks that never sleep, as
 *    CFS places a sleeper half a latency period behind min_vruntime. The
 *    clock runs ahead of the tasks that stay runnable (fair_clock.h), so
 *    CPU hogs sit at vclock - L; a waking task put there too queued behind
 *    them all: in the simulator, 16 tasks running 200 us every 1 ms among
 *    64 hogs on 16 CPUs got 12.1% of the CPUs (their due 20%), wake-up p99
 *    13.5 ms; at vclock - 2L, 18.2% and 0.9 ms (min_vruntime: 19.4%, 0.2 ms).
 *    It earns no more: a task that sleeps does not get ahead of its share.
 *
 * Time slice: the run slice (common.h): slice_ns while no more tasks are
 * runnable than CPUs (task->nr_runnable, from the backend), else a sixth of
 * it shared among the tasks runnable per CPU (all of it for a CPU hog),
 * within [slice_min_ns, slice_ns], as CFS divides its period among the
 * runnable tasks, scaled by the task's weight as CFS scales its slices: a
 * light task's slice costs it as much vruntime as a heavy one's, so its waits
 * between slices stay short (unscaled, a nice-10 hog's slice cost it 10
 * slices of vruntime and it then waited over 300 ms among hogs and servers).
 *
 * Standing decisions (standing_slice(), as in "deadline"): a task that woke
 * up keeps its decision for its next wake-ups until it has run one more fair
 * slice of CPU time; the backend schedules those with no round trip, at its
 * vruntime moved on by what it ran over its weight: the key this policy
 * would give, but for the floor, since such a wake-up is not brought up to
 * vclock - 2L. A task that slept while the queue moved past it therefore
 * runs that much earlier, for at most the CPU time its decision covers, and
 * the decision is void once the load rose (decide_standing_holds()). Without
 * them every wake-up was a round trip: the daemon took 8.1% of the CPUs' time
 * over make bench's loads (2 vCPUs), where "deadline" took 2.8%; with them
 * 3.1%, in the next run.
 *
 * What "no latency boost" costs: a waking task is placed by its vruntime,
 * within 2L of vclock, and preempts only a running task that started with a
 * later vruntime, so it may wait for a slice to end (the backend compares the
 * vruntime a task started with, not what it has reached since); one that
 * goes through the policy among tasks on standing decisions, whose keys move
 * only by their own runs, lands behind those that fell behind the clock (a
 * probe woken every 1 ms among hackbench's tasks:
 * sim/workloads/messaging-probe.json, wake-up p99 65 ms; 2.4 ms under
 * "deadline", whose boost puts a timer's short runs ahead). Use "deadline"
 * for latency.
 *
 * The rules' verdict (lib/policy.h): a latency-critical task is keyed
 * vclock - 2 slice_ns, ahead of every task placed since; a background
 * task CLAND_VERDICT_BG_DELAY_NS after its vruntime; the weight multiplier
 * acts through the charge (task_weight()), the slices through
 * cland_verdict_slice().
 *
 * Tasks wait in a task_queue (task_queue.h) keyed by vruntime (FIFO among
 * ties), allocated by init for VRUNTIME_HEAP_CAP tasks; when full it grows,
 * keeping its order, and when memory runs out the task is dispatched at once
 * through the queue's reserve, as in deadline.c.
 */
#include <errno.h>
#include <string.h>

#include "common.h"
#include "fair_clock.h"
#include "task_queue.h"

#ifndef VRUNTIME_HEAP_CAP
#define VRUNTIME_HEAP_CAP CLAND_MAX_INFLIGHT /* tasks the backend hands over at once */
#endif

struct vruntime_ctx {
	struct task_queue queue;
	struct cland_host host;
	uint64_t slice_ns;
	uint64_t slice_min_ns;
	struct fair_clock clock; /* vclock (clock.now) and F; set by enqueue alone */
};

static void vruntime_exit(void *ctx)
{
	struct vruntime_ctx *c = ctx;

	task_queue_free(&c->queue);
}

static int vruntime_init(void *ctx, const struct cland_policy_cfg *cfg,
			 const struct cland_host *host)
{
	struct vruntime_ctx *c = ctx;

	memset(c, 0, sizeof(*c));
	if (!cfg || !cfg->slice_min_ns || cfg->slice_min_ns > cfg->slice_ns)
		return -EINVAL;
	c->slice_ns = cfg->slice_ns;
	c->slice_min_ns = cfg->slice_min_ns;
	if (host)
		c->host = *host;
	fair_clock_init(&c->clock, &c->host, c->slice_ns, c->slice_min_ns);

	return task_queue_init(&c->queue, VRUNTIME_HEAP_CAP);
}

/*
 * The task's vruntime, charged for its last run (@charge), at most a fair
 * slice (@fair, scaled by its weight) ahead of vclock, then placed: at
 * vclock if it is new, at least two such slices behind it if it woke up,
 * one otherwise (see the top of the file).
 */
static uint64_t task_vruntime(const struct vruntime_ctx *c, const cland_task_t *task, uint64_t fair,
			      uint64_t charge)
{
	uint64_t now = c->clock.now, lag = scale_inv_weight(task, fair);
	uint64_t vruntime = sat_add(task->vtime, charge), ceiling = sat_add(now, lag);
	uint64_t back = task->flags & CLAND_TASK_WAKEUP ? 2 * lag : lag;
	uint64_t floor = !task->vtime ? now : now > back ? now - back : 0;

	vruntime = vruntime < ceiling ? vruntime : ceiling;
	return vruntime > floor ? vruntime : floor;
}

static void vruntime_enqueue(void *ctx, const cland_task_t *task)
{
	struct vruntime_ctx *c = ctx;
	uint64_t charge = fair_clock_charge(task);
	uint64_t fair = fair_clock_enqueue(&c->clock, task, charge);
	cland_task_t t = *task;

	t.vtime = task_vruntime(c, task, fair, charge);
	/* the rules' verdict: ahead of every new key (>= vclock - slice_ns), or far behind */
	task_queue_push(
		&c->queue,
		cland_verdict_key(task, t.vtime, c->clock.now, 2 * c->slice_ns, c->slice_ns), &t);
}

static uint64_t vruntime_nr_pending(void *ctx)
{
	struct vruntime_ctx *c = ctx;

	return task_queue_size(&c->queue);
}

static void vruntime_stats(void *ctx, struct cland_policy_stats *out)
{
	struct vruntime_ctx *c = ctx;

	task_queue_stats(&c->queue, out);
}

static bool vruntime_dispatch(void *ctx, struct cland_decision *out)
{
	struct vruntime_ctx *c = ctx;
	struct cland_heap_entry ent;

	if (!task_queue_pop(&c->queue, &ent))
		return false;

	memset(out, 0, sizeof(*out));
	out->pid = ent.task.pid;
	out->gen = ent.task.gen;
	out->vtime = ent.task.vtime;
	out->deadline = ent.key; /* the vruntime, unless the rules' verdict moved it */
	out->slice = cland_verdict_slice(
		&ent.task, weighted_run_slice(&c->host, &ent.task, c->slice_ns, c->slice_min_ns),
		c->slice_ns, c->slice_min_ns);
	out->cpu = CLAND_CPU_ANY; /* the backend places it: no syscall per decision */
	out->standing_ns = standing_slice(&c->host, &ent.task, c->slice_ns, c->slice_min_ns);
	return true;
}

const struct cland_policy cland_policy_vruntime = {
	.name = "vruntime",
	.summary = "weighted fair share (CFS-like): lowest vruntime first, no latency boost",
	.ctx_size = sizeof(struct vruntime_ctx),
	.init = vruntime_init,
	.enqueue = vruntime_enqueue,
	.dispatch = vruntime_dispatch,
	.nr_pending = vruntime_nr_pending,
	.stats = vruntime_stats,
	.exit = vruntime_exit,
};
