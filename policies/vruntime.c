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
 * min_vruntime is the policy's view of how far the queue has got, CFS's
 * min_vruntime (the lowest vruntime among runnable tasks), estimated from
 * what the policy sees: when a task comes back, task->vtime is the vruntime
 * its last run started with, and tasks start in vruntime order. Only tasks
 * that did not sleep since count (a waking task's last start may be long
 * ago), and min_vruntime is the lowest of the last `window` such starts
 * (2 per CPU, 8 to VRUNTIME_WINDOW_MAX), never moving back. The lowest, not
 * the latest: a CPU sometimes starts a task far ahead in vruntime (it found
 * the shared queue empty while better tasks were on their round trip through
 * user space, or it was idle), and that start says nothing of the queue.
 * (The largest vruntime *dispatched* would not do either: the daemon
 * dispatches every task as soon as it is queued, so that is the task furthest
 * ahead, and a waking task placed there would queue behind every CPU hog.)
 *
 * After charging, a task is placed no earlier than:
 *  - min_vruntime exactly, if it is waking up: sleeping earns no credit, it
 *    only stops the task from falling behind. This is CFS's placement
 *    without the sleeper bonus, which would be a latency boost.
 *  - the largest vruntime dispatched less a fair slice (below), and at least
 *    min_vruntime, if it is new (vtime 0): with no history it joins the
 *    tasks furthest ahead. At min_vruntime, which moves only when tasks
 *    that did not sleep start, new tasks could run ahead of a CPU hog for as
 *    long as it waited (4 s for 400 new tasks in the simulator).
 *  - min_vruntime - a fair slice otherwise (a preempted task, or one whose
 *    slice ended): tasks that ran side by side on several CPUs legitimately
 *    lag one another; one fair slice keeps that lag while bounding the
 *    credit of a task whose vtime is stale (it ran without the policy).
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
 * min_vruntime. A task that slept while the queue moved past it therefore
 * runs that much earlier, for at most the CPU time its decision covers, and
 * the decision is void once the load rose (decide_standing_holds()). Without
 * them every wake-up was a round trip: the daemon took 8.1% of the CPUs' time
 * over make bench's loads (2 vCPUs), where "deadline" took 2.8%; with them
 * 3.1%, in the next run.
 *
 * What "no latency boost" costs: a waking task is placed at min_vruntime and
 * preempts only a running task that started with a later vruntime, so it may
 * wait for a slice to end (the backend compares the vruntime a task started
 * with, not what it has reached since). Use "deadline" for latency.
 *
 * The rules' verdict (lib/policy.h): a latency-critical task is keyed
 * min_vruntime - 2 slice_ns, ahead of every task placed since; a background
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
#include "task_queue.h"

#ifndef VRUNTIME_HEAP_CAP
#define VRUNTIME_HEAP_CAP CLAND_MAX_INFLIGHT /* tasks the backend hands over at once */
#endif

#define VRUNTIME_WINDOW_MIN 8	/* starts min_vruntime is taken from, at least */
#define VRUNTIME_WINDOW_MAX 256 /* and at most (2 per CPU in between) */

struct vruntime_ctx {
	struct task_queue queue;
	struct cland_host host;
	uint64_t slice_ns;
	uint64_t slice_min_ns;
	uint64_t min_vruntime;		      /* see the top of the file; never decreases */
	uint64_t max_vruntime;		      /* largest vruntime dispatched: where new tasks go */
	uint64_t starts[VRUNTIME_WINDOW_MAX]; /* vruntimes of the last starts, a ring */
	unsigned int window;		      /* size of the ring */
	unsigned int nr_starts;		      /* entries filled, up to window */
	unsigned int next_start;	      /* entry to fill next */
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
	c->window = 2 * (c->host.nr_cpus > 0 ? (unsigned int)c->host.nr_cpus : 0);
	if (c->window < VRUNTIME_WINDOW_MIN)
		c->window = VRUNTIME_WINDOW_MIN;
	if (c->window > VRUNTIME_WINDOW_MAX)
		c->window = VRUNTIME_WINDOW_MAX;

	return task_queue_init(&c->queue, VRUNTIME_HEAP_CAP);
}

/*
 * @task comes back: if it did not sleep, its last run started with
 * task->vtime. Move min_vruntime up to the lowest of the last starts.
 */
static void update_min_vruntime(struct vruntime_ctx *c, const cland_task_t *task)
{
	uint64_t lowest = UINT64_MAX;
	unsigned int i;

	if ((task->flags & CLAND_TASK_WAKEUP) || !task->vtime)
		return;
	c->starts[c->next_start] = task->vtime;
	c->next_start = (c->next_start + 1) % c->window;
	if (c->nr_starts < c->window)
		c->nr_starts++;
	for (i = 0; i < c->nr_starts; i++) {
		if (c->starts[i] < lowest)
			lowest = c->starts[i];
	}
	if (lowest > c->min_vruntime)
		c->min_vruntime = lowest;
}

/* The lowest vruntime @task may be placed at (see the top of the file). */
static uint64_t vruntime_floor(const struct vruntime_ctx *c, const cland_task_t *task)
{
	uint64_t fair = fair_slice(&c->host, task, c->slice_ns, c->slice_min_ns);

	if (!task->vtime) /* new: with the tasks furthest ahead, less a fair slice */
		return time_max(c->min_vruntime,
				c->max_vruntime > fair ? c->max_vruntime - fair : 0);
	if (task->flags & CLAND_TASK_WAKEUP)
		return c->min_vruntime;
	return c->min_vruntime > fair ? c->min_vruntime - fair : 0;
}

/* The task's vruntime, charged for its last run, then placed. */
static uint64_t task_vruntime(const struct vruntime_ctx *c, const cland_task_t *task)
{
	uint64_t ran = task->stop_ts > task->start_ts ? task->stop_ts - task->start_ts : 0;
	uint64_t vruntime = sat_add(task->vtime, scale_inv_weight(task, ran));
	uint64_t floor = vruntime_floor(c, task);

	return vruntime > floor ? vruntime : floor;
}

static void vruntime_enqueue(void *ctx, const cland_task_t *task)
{
	struct vruntime_ctx *c = ctx;
	cland_task_t t = *task;

	update_min_vruntime(c, task);
	t.vtime = task_vruntime(c, task);
	/* the rules' verdict: ahead of every new key (>= min_vruntime - slice_ns), or far behind */
	task_queue_push(
		&c->queue,
		cland_verdict_key(task, t.vtime, c->min_vruntime, 2 * c->slice_ns, c->slice_ns),
		&t);
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
	if (ent.task.vtime > c->max_vruntime)
		c->max_vruntime = ent.task.vtime;
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
