// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_hot.c - a newcomer's mistake (issue 13): a linked list of the
 * tasks, a node allocated by enqueue() and freed by dispatch(): it works,
 * but on the real backend each malloc in the daemon's hot path may fault or
 * block while tasks wait (lib/policy.h: allocate in init()).
 *
 * expect: example.json: FAIL hot_path
 * expect: example.json: heap allocations while the policy ran (the first in enqueue()
 */
#include <stdlib.h>

#include <policy.h>

struct node {
	cland_task_t task;
	struct node *next;
};

struct ctx {
	struct node *head, *tail;
	uint64_t nr, last;
	struct cland_host host;
};

static int init(void *c, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	((struct ctx *)c)->host = *host;
	return 0;
}

static void enqueue(void *c, const cland_task_t *t)
{
	struct ctx *x = c;
	struct node *n = malloc(sizeof(*n)); /* the mistake */

	if (!n)
		return;
	n->task = *t;
	n->next = NULL;
	if (x->tail)
		x->tail->next = n;
	else
		x->head = n;
	x->tail = n;
	x->nr++;
}

static bool dispatch(void *c, struct cland_decision *out)
{
	struct ctx *x = c;
	struct node *n = x->head;
	uint64_t now = x->host.now(x->host.be);

	if (!n)
		return false;
	x->head = n->next;
	if (!x->head)
		x->tail = NULL;
	x->nr--;
	x->last = now > x->last ? now : x->last + 1;
	*out = (struct cland_decision){
		.pid = n->task.pid, .gen = n->task.gen, .cpu = CLAND_CPU_ANY, .deadline = x->last};
	free(n);
	return true;
}

static uint64_t nr_pending(void *c)
{
	return ((struct ctx *)c)->nr;
}

static void fini(void *c)
{
	struct ctx *x = c;

	while (x->head) {
		struct node *n = x->head;

		x->head = n->next;
		free(n);
	}
}

static const struct cland_policy pol = {
	.name = "malloc_hot",
	.summary = "a mistake: malloc in enqueue()",
	.ctx_size = sizeof(struct ctx),
	.init = init,
	.enqueue = enqueue,
	.dispatch = dispatch,
	.nr_pending = nr_pending,
	.exit = fini,
};

CLAND_PLUGIN(pol);
