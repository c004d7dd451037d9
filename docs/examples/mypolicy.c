// SPDX-License-Identifier: GPL-2.0
/*
 * mypolicy.c - a scx_cland policy built out of tree, as a plug-in
 * (docs/writing-a-policy.md, "Out of tree"): round robin in three classes,
 * the rules' latency-critical tasks first and their background tasks last,
 * each task's slice in proportion to its weight. It needs nothing but the
 * installed policy.h:
 *
 *	cc -shared -fPIC $(pkg-config --cflags cland) mypolicy.c -o mypolicy.so
 *	cland-sim --policy ./mypolicy.so --workload example.json
 *	sudo scx_cland -p ./mypolicy.so          (or: scx_cland ctl policy ./mypolicy.so)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <policy.h>

#define POOL_CAP   (CLAND_MAX_INFLIGHT + 1024) /* the backend hands over at most this many */
#define AHEAD_NS   (1000ULL * 1000 * 1000)     /* latency-critical: this far before now */
#define NR_CLASSES 3			       /* latency-critical, the others, background */
#define NONE	   UINT32_MAX

/* A waiting task; the three classes are FIFO lists through one pool. */
struct node {
	cland_task_t task;
	uint32_t next;
};

struct rr3 {
	struct node *pool;
	uint32_t free; /* list of unused nodes */
	uint32_t head[NR_CLASSES], tail[NR_CLASSES];
	uint64_t nr_pending;
	struct cland_host host;
	struct cland_policy_cfg cfg;
	uint64_t last;	  /* the last deadline given: they only grow */
	uint64_t dropped; /* tasks that found the pool full (must stay 0) */
};

static int rr3_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	struct rr3 *c = ctx;
	uint32_t i;

	c->host = *host;
	c->cfg = *cfg;
	c->pool = calloc(POOL_CAP, sizeof(*c->pool)); /* all the hot path will need */
	if (!c->pool)
		return -ENOMEM;
	for (i = 0; i < POOL_CAP; i++)
		c->pool[i].next = i + 1 < POOL_CAP ? i + 1 : NONE;
	for (i = 0; i < NR_CLASSES; i++)
		c->head[i] = c->tail[i] = NONE;
	return 0;
}

static void rr3_exit(void *ctx)
{
	free(((struct rr3 *)ctx)->pool);
}

/* The class of a task: its rule's verdict (lib/policy.h). */
static int class_of(const cland_task_t *t)
{
	if (t->verdict & CLAND_VERDICT_LATENCY_CRITICAL)
		return 0;
	return (t->verdict & CLAND_VERDICT_BACKGROUND) ? 2 : 1;
}

static void rr3_enqueue(void *ctx, const cland_task_t *task)
{
	struct rr3 *c = ctx;
	int k = class_of(task);
	uint32_t n = c->free;

	if (n == NONE) {
		c->dropped++;
		return;
	}
	c->free = c->pool[n].next;
	c->pool[n].task = *task;
	c->pool[n].next = NONE;
	if (c->tail[k] == NONE)
		c->head[k] = n;
	else
		c->pool[c->tail[k]].next = n;
	c->tail[k] = n;
	c->nr_pending++;
}

static bool rr3_dispatch(void *ctx, struct cland_decision *out)
{
	struct rr3 *c = ctx;
	uint64_t now = c->host.now(c->host.be), slice;
	cland_task_t t;
	uint32_t n;
	int k;

	for (k = 0; k < NR_CLASSES && c->head[k] == NONE; k++)
		;
	if (k == NR_CLASSES)
		return false;
	n = c->head[k];
	t = c->pool[n].task;
	c->head[k] = c->pool[n].next;
	if (c->head[k] == NONE)
		c->tail[k] = NONE;
	c->pool[n].next = c->free;
	c->free = n;
	c->nr_pending--;

	/* the slice in proportion to the weight (rules' multiplier included) */
	slice = c->cfg.slice_ns * cland_verdict_weight(&t) / 100;
	slice = slice < c->cfg.slice_min_ns ? c->cfg.slice_min_ns
		: slice > c->cfg.slice_ns   ? c->cfg.slice_ns
					    : slice;
	c->last = now > c->last ? now : c->last + 1;
	memset(out, 0, sizeof(*out));
	out->pid = t.pid;
	out->gen = t.gen; /* always echo the generation */
	out->cpu = CLAND_CPU_ANY;
	out->slice = cland_verdict_slice(&t, slice, c->cfg.slice_ns, c->cfg.slice_min_ns);
	out->deadline = cland_verdict_key(&t, c->last, now, AHEAD_NS, c->cfg.slice_ns);
	return true;
}

static uint64_t rr3_nr_pending(void *ctx)
{
	return ((struct rr3 *)ctx)->nr_pending;
}

static void rr3_stats(void *ctx, struct cland_policy_stats *out)
{
	out->nr_dropped = ((struct rr3 *)ctx)->dropped;
}

static const struct cland_policy rr3 = {
	.name = "rr3",
	.summary = "round robin in three classes (the rules' latency-critical first, background "
		   "last), slices by weight",
	.ctx_size = sizeof(struct rr3),
	.init = rr3_init,
	.enqueue = rr3_enqueue,
	.dispatch = rr3_dispatch,
	.nr_pending = rr3_nr_pending,
	.stats = rr3_stats,
	.exit = rr3_exit,
};

CLAND_PLUGIN(rr3);
