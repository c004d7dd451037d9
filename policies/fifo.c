// SPDX-License-Identifier: GPL-2.0
/* fifo.c - the "fifo" policy: arrival order, fixed slice (docs/writing-a-policy.md) */
#include "common.h"
#include "task_queue.h"

struct fifo_ctx {
	struct task_queue queue; /* all keys equal: tasks come out in arrival order */
	struct cland_host host;
	uint64_t slice_ns, last_deadline;
};

static int fifo_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	struct fifo_ctx *c = ctx;

	*c = (struct fifo_ctx){.host = *host, .slice_ns = cfg->slice_ns};
	return task_queue_init(&c->queue, CLAND_MAX_INFLIGHT); /* all tasks that may be in flight */
}

static void fifo_enqueue(void *ctx, const cland_task_t *task)
{
	task_queue_push(&((struct fifo_ctx *)ctx)->queue, 0, task);
}

static bool fifo_dispatch(void *ctx, struct cland_decision *out)
{
	struct fifo_ctx *c = ctx;
	struct cland_heap_entry e;
	uint64_t now = c->host.now(c->host.be);

	if (!task_queue_pop(&c->queue, &e))
		return false;
	c->last_deadline = now > c->last_deadline ? now : c->last_deadline + 1; /* only grows */
	*out = (struct cland_decision){.pid = e.task.pid, .gen = e.task.gen, .slice = c->slice_ns};
	out->deadline = c->last_deadline;
	out->cpu = pick_cpu(&c->host, &e.task); /* an idle CPU, else the first free one */
	return true;
}

static uint64_t fifo_nr_pending(void *ctx)
{
	return task_queue_size(&((struct fifo_ctx *)ctx)->queue);
}

static void fifo_stats(void *ctx, struct cland_policy_stats *out)
{
	task_queue_stats(&((struct fifo_ctx *)ctx)->queue, out);
}

static void fifo_exit(void *ctx)
{
	task_queue_free(&((struct fifo_ctx *)ctx)->queue);
}

const struct cland_policy cland_policy_fifo = {
	.name = "fifo",
	.summary = "round-robin in arrival order, fixed slice, never preempts",
	.ctx_size = sizeof(struct fifo_ctx),
	.init = fifo_init,
	.enqueue = fifo_enqueue,
	.dispatch = fifo_dispatch,
	.nr_pending = fifo_nr_pending,
	.stats = fifo_stats,
	.exit = fifo_exit,
};
