// SPDX-License-Identifier: GPL-2.0
/*
 * never_returns.c - a newcomer's mistake (issue 13): enqueue() keeps the
 * task, dispatch() never returns one (its loop condition is wrong) and
 * nr_pending() says 0. Every task that reaches the policy waits until the
 * backend's overdue net takes it back after 1 s; the backend stops waking
 * the daemon for it.
 *
 * expect: example.json: FAIL lost
 * expect: example.json: FAIL in_flight
 * expect: example.json: nr_pending() did not count the tasks the policy held
 * expect: example.json: FAIL max_wait
 */
#include "queue.h"

struct ctx {
	struct fifo q;
};

static int init(void *c, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	return fifo_init(&((struct ctx *)c)->q);
}

static void enqueue(void *c, const cland_task_t *t)
{
	fifo_push(&((struct ctx *)c)->q, t);
}

static bool dispatch(void *c, struct cland_decision *out)
{
	struct ctx *x = c;

	return x->q.nr > FIFO_CAP; /* meant: x->q.nr > 0 */
}

static uint64_t nr_pending(void *c)
{
	return 0;
}

static void fini(void *c)
{
	free(((struct ctx *)c)->q.task);
}

static const struct cland_policy pol = {
	.name = "never_returns",
	.summary = "a mistake: dispatch() never returns a task",
	.ctx_size = sizeof(struct ctx),
	.init = init,
	.enqueue = enqueue,
	.dispatch = dispatch,
	.nr_pending = nr_pending,
	.exit = fini,
};

CLAND_PLUGIN(pol);
