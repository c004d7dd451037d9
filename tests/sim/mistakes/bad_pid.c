// SPDX-License-Identifier: GPL-2.0
/*
 * bad_pid.c - a newcomer's mistake (issue 13): the decision is built field
 * by field and the pid is forgotten (0): the backend finds no task for it
 * and drops it, and the task it was meant for waits until the overdue net
 * takes it back.
 *
 * expect: example.json: FAIL rejected
 * expect: example.json: decisions named no task (bad pid; the first: pid 0
 * expect: example.json: FAIL lost
 */
#include "queue.h"

struct ctx {
	struct fifo q;
	struct cland_host host;
	uint64_t last;
};

static int init(void *c, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	((struct ctx *)c)->host = *host;
	return fifo_init(&((struct ctx *)c)->q);
}

static void enqueue(void *c, const cland_task_t *t)
{
	fifo_push(&((struct ctx *)c)->q, t);
}

static bool dispatch(void *c, struct cland_decision *out)
{
	struct ctx *x = c;
	cland_task_t t;
	uint64_t now = x->host.now(x->host.be);

	if (!fifo_pop(&x->q, &t))
		return false;
	x->last = now > x->last ? now : x->last + 1;
	memset(out, 0, sizeof(*out));
	out->gen = t.gen; /* and out->pid = t.pid forgotten */
	out->cpu = CLAND_CPU_ANY;
	out->deadline = x->last;
	return true;
}

static uint64_t nr_pending(void *c)
{
	return ((struct ctx *)c)->q.nr;
}

static void fini(void *c)
{
	free(((struct ctx *)c)->q.task);
}

static const struct cland_policy pol = {
	.name = "bad_pid",
	.summary = "a mistake: the pid forgotten",
	.ctx_size = sizeof(struct ctx),
	.init = init,
	.enqueue = enqueue,
	.dispatch = dispatch,
	.nr_pending = nr_pending,
	.exit = fini,
};

CLAND_PLUGIN(pol);
