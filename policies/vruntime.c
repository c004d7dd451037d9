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
 * min_vruntime is the largest vruntime dispatched so far. After charging, a
 * task is placed no earlier than:
 *  - min_vruntime exactly, if it is waking up or new (vtime 0): sleeping
 *    earns no credit, it only stops the task from falling behind. This is
 *    CFS's placement without the sleeper bonus, which would be a latency
 *    boost.
 *  - min_vruntime - slice_ns otherwise (a preempted task, or one whose slice
 *    ended): with several CPUs, tasks that ran side by side legitimately lag
 *    the last one dispatched; one slice keeps that lag while bounding the
 *    credit of a task whose vtime is stale (it ran without the policy).
 *
 * Time slice: slice_ns / (nr_still_pending + 1), clamped to [slice_min_ns,
 * slice_ns], like CFS dividing its scheduling period among the runnable
 * tasks: the more tasks wait, the sooner each gets its turn. The slice is not
 * scaled by weight: weights act through the vruntime charge alone.
 *
 * Tasks wait in a heap keyed by vruntime (FIFO among ties), allocated by init
 * for VRUNTIME_HEAP_CAP tasks; when full it doubles, keeping its order (the
 * only allocation after init, as in deadline.c). Only if memory is exhausted
 * is a task dropped (counted in nr_dropped).
 */
#include <errno.h>
#include <string.h>

#include "heap.h"
#include "policy.h"

#ifndef VRUNTIME_HEAP_CAP
#define VRUNTIME_HEAP_CAP 65536 /* tasks waiting in the heap */
#endif

#define WEIGHT_DFL 100	 /* sched_ext weight at nice 0 */
#define WEIGHT_MAX 10000 /* largest sched_ext weight */

struct vruntime_ctx {
	struct cland_heap heap;
	struct cland_host host;
	uint64_t slice_ns;
	uint64_t slice_min_ns;
	uint64_t min_vruntime; /* largest vruntime dispatched so far */
	uint64_t nr_dropped;   /* tasks lost: heap full and no memory to grow it */
};

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* @v * 100 / @weight without intermediate overflow, saturating the result. */
static uint64_t scale_inv(uint64_t v, uint64_t weight)
{
	uint64_t q = v / weight, r = v % weight;

	if (q > UINT64_MAX / WEIGHT_DFL)
		return UINT64_MAX;
	/* r < weight <= WEIGHT_MAX: r * 100 cannot overflow */
	return sat_add(q * WEIGHT_DFL, r * WEIGHT_DFL / weight);
}

/* A weight in the kernel's range; 0 (malformed) counts as nice 0. */
static uint64_t task_weight(const cland_task_t *task)
{
	if (!task->weight)
		return WEIGHT_DFL;
	return task->weight > WEIGHT_MAX ? WEIGHT_MAX : task->weight;
}

/* Double the heap's capacity, keeping the order of its entries. */
static int heap_grow(struct cland_heap *h)
{
	struct cland_heap_entry ent;
	struct cland_heap bigger;
	int err;

	err = cland_heap_init(&bigger, cland_heap_capacity(h) * 2);
	if (err)
		return err;
	/* popped in (key, seq) order: re-pushing renumbers ties in order */
	while (cland_heap_pop(h, &ent))
		cland_heap_push(&bigger, ent.key, &ent.task);
	cland_heap_free(h);
	*h = bigger;
	return 0;
}

static void vruntime_exit(void *ctx)
{
	struct vruntime_ctx *c = ctx;

	cland_heap_free(&c->heap);
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

	return cland_heap_init(&c->heap, VRUNTIME_HEAP_CAP);
}

/* The lowest vruntime @task may be placed at (see the top of the file). */
static uint64_t vruntime_floor(const struct vruntime_ctx *c, const cland_task_t *task)
{
	if ((task->flags & CLAND_TASK_WAKEUP) || !task->vtime)
		return c->min_vruntime;
	return c->min_vruntime > c->slice_ns ? c->min_vruntime - c->slice_ns : 0;
}

/* The task's vruntime, charged for its last run, then placed. */
static uint64_t task_vruntime(const struct vruntime_ctx *c, const cland_task_t *task)
{
	uint64_t ran = task->stop_ts > task->start_ts ? task->stop_ts - task->start_ts : 0;
	uint64_t vruntime = sat_add(task->vtime, scale_inv(ran, task_weight(task)));
	uint64_t floor = vruntime_floor(c, task);

	return vruntime > floor ? vruntime : floor;
}

static void vruntime_enqueue(void *ctx, const cland_task_t *task)
{
	struct vruntime_ctx *c = ctx;
	cland_task_t t = *task;

	t.vtime = task_vruntime(c, task);
	if (!cland_heap_push(&c->heap, t.vtime, &t))
		return;
	/* full: grow rather than drop the task */
	if (heap_grow(&c->heap) || cland_heap_push(&c->heap, t.vtime, &t))
		c->nr_dropped++;
}

static uint64_t vruntime_nr_pending(void *ctx)
{
	struct vruntime_ctx *c = ctx;

	return cland_heap_size(&c->heap);
}

/* Share slice_ns among the waiting tasks, within [slice_min_ns, slice_ns]. */
static uint64_t task_slice(struct vruntime_ctx *c)
{
	uint64_t slice = c->slice_ns / (vruntime_nr_pending(c) + 1);

	return slice < c->slice_min_ns ? c->slice_min_ns : slice;
}

/* An idle CPU the task may use, claimed for it, else whichever frees up. */
static int32_t task_cpu(struct vruntime_ctx *c, const cland_task_t *task)
{
	int cpu;

	if (!c->host.select_cpu || !task->nr_cpus_allowed)
		return CLAND_CPU_ANY;
	cpu = c->host.select_cpu(c->host.be, task->pid, task->cpu, 0);
	return cpu >= 0 ? cpu : CLAND_CPU_ANY;
}

static bool vruntime_dispatch(void *ctx, struct cland_decision *out)
{
	struct vruntime_ctx *c = ctx;
	struct cland_heap_entry ent;

	if (!cland_heap_pop(&c->heap, &ent))
		return false;

	memset(out, 0, sizeof(*out));
	out->pid = ent.task.pid;
	out->gen = ent.task.gen;
	out->vtime = ent.task.vtime;
	out->deadline = ent.task.vtime;
	out->slice = task_slice(c);
	out->cpu = task_cpu(c, &ent.task);

	if (ent.task.vtime > c->min_vruntime)
		c->min_vruntime = ent.task.vtime;
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
	.exit = vruntime_exit,
};
