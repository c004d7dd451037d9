// SPDX-License-Identifier: GPL-2.0
/*
 * fifo.c - the "fifo" policy: arrival order, never preempts; the slice is the
 * fair slice (slice_ns shared among the tasks runnable per CPU, common.h)
 * scaled by the task's weight, so that CPU hogs share the CPUs by weight
 * and a turn round all of them stays short (docs/writing-a-policy.md).
 */
#include "common.h"
#include "task_queue.h"

/* A latency-critical task's deadline is this much before now: ahead of every waiting task. */
#define FIFO_AHEAD_NS (1000ULL * 1000 * 1000) /* none waits 1 s: the starvation net */

struct fifo_ctx {
	struct task_queue queue; /* equal keys: tasks come out in arrival order */
	struct cland_host host;
	uint64_t slice_ns, slice_min_ns, last_deadline;
};

static int fifo_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	struct fifo_ctx *c = ctx;

	*c = (struct fifo_ctx){
		.host = *host, .slice_ns = cfg->slice_ns, .slice_min_ns = cfg->slice_min_ns};
	return task_queue_init(&c->queue, CLAND_MAX_INFLIGHT); /* all tasks that may be in flight */
}

static void fifo_enqueue(void *ctx, const cland_task_t *task)
{
	struct fifo_ctx *c = ctx;
	/* key 1; the rules' verdict: latency-critical tasks first (0), background ones last (2) */
	uint64_t key = cland_verdict_boosted(task, c->slice_ns)	    ? 0
		       : (task->verdict & CLAND_VERDICT_BACKGROUND) ? 2
								    : 1;

	task_queue_push(&c->queue, key, task);
}

/*
 * The fair slice scaled by the weight (with the rules' multiplier,
 * task_weight()), within [slice_min_ns, FIFO_MAX_SLICES x slice_ns]: the
 * only way a policy that never reorders gives a heavy task more CPU.
 */
#define FIFO_MAX_SLICES 10

static uint64_t fifo_slice(const struct fifo_ctx *c, const cland_task_t *t)
{
	uint64_t fair = fair_slice(&c->host, t, c->slice_ns, c->slice_min_ns);

	return clamp_u64(scale_weight(t, fair), c->slice_min_ns, FIFO_MAX_SLICES * c->slice_ns);
}

/*
 * The rules' verdict (lib/policy.h) on a decision: a latency-critical task
 * goes ahead of every waiting task, without preempting (fifo never does), a
 * background one behind them all; the weight multiplier acts in fifo_slice().
 */
static void fifo_verdict(struct fifo_ctx *c, const cland_task_t *t, struct cland_decision *out,
			 uint64_t now)
{
	out->slice = cland_verdict_slice(t, out->slice, c->slice_ns, c->slice_min_ns);
	out->deadline = cland_verdict_key(t, out->deadline, now, FIFO_AHEAD_NS, c->slice_ns);
	if (t->verdict & CLAND_VERDICT_LATENCY_CRITICAL)
		out->flags |= CLAND_DECISION_NO_PREEMPT;
}

static bool fifo_dispatch(void *ctx, struct cland_decision *out)
{
	struct fifo_ctx *c = ctx;
	struct cland_heap_entry e;
	uint64_t now = c->host.now(c->host.be);

	if (!task_queue_pop(&c->queue, &e))
		return false;
	c->last_deadline = now > c->last_deadline ? now : c->last_deadline + 1; /* only grows */
	*out = (struct cland_decision){
		.pid = e.task.pid, .gen = e.task.gen, .slice = fifo_slice(c, &e.task)};
	out->deadline = c->last_deadline;
	out->cpu = pick_cpu(&c->host, &e.task); /* an idle CPU, else the first free one */
	if (e.task.verdict || e.task.verdict_slice || e.task.verdict_weight_pct)
		fifo_verdict(c, &e.task, out, now);
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
	.summary = "round-robin in arrival order, slices by weight, never preempts",
	.ctx_size = sizeof(struct fifo_ctx),
	.init = fifo_init,
	.enqueue = fifo_enqueue,
	.dispatch = fifo_dispatch,
	.nr_pending = fifo_nr_pending,
	.stats = fifo_stats,
	.exit = fifo_exit,
};
