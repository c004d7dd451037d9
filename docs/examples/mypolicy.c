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

#define RING_CAP   (2 * CLAND_MAX_INFLIGHT) /* what the backend hands over at once, twice */
#define AHEAD_NS   (1000ULL * 1000 * 1000)  /* latency-critical: this far before now */
#define NR_CLASSES 3			    /* latency-critical, the others, background */

struct ring {
	cland_task_t *tasks;
	size_t head, len;
};

struct rr3 {
	struct ring ring[NR_CLASSES];
	struct cland_host host;
	struct cland_policy_cfg cfg;
	uint64_t last;	  /* the last deadline given: they only grow */
	uint64_t dropped; /* tasks that found their ring full (must stay 0) */
};

static int rr3_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	struct rr3 *c = ctx;
	int i;

	c->host = *host;
	c->cfg = *cfg;
	for (i = 0; i < NR_CLASSES; i++) {
		c->ring[i].tasks = calloc(RING_CAP, sizeof(cland_task_t)); /* all we will need */
		if (!c->ring[i].tasks)
			return -ENOMEM;
	}
	return 0;
}

static void rr3_exit(void *ctx)
{
	struct rr3 *c = ctx;
	int i;

	for (i = 0; i < NR_CLASSES; i++)
		free(c->ring[i].tasks);
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
	struct ring *r = &c->ring[class_of(task)];

	if (r->len == RING_CAP) {
		c->dropped++;
		return;
	}
	r->tasks[(r->head + r->len++) % RING_CAP] = *task;
}

static bool rr3_dispatch(void *ctx, struct cland_decision *out)
{
	struct rr3 *c = ctx;
	uint64_t now = c->host.now(c->host.be), slice;
	struct ring *r = NULL;
	cland_task_t t;
	int i;

	for (i = 0; i < NR_CLASSES && !r; i++)
		if (c->ring[i].len)
			r = &c->ring[i];
	if (!r)
		return false;
	t = r->tasks[r->head];
	r->head = (r->head + 1) % RING_CAP;
	r->len--;

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
	struct rr3 *c = ctx;

	return c->ring[0].len + c->ring[1].len + c->ring[2].len;
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
