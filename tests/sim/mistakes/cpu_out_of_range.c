// SPDX-License-Identifier: GPL-2.0
/*
 * cpu_out_of_range.c - a newcomer's mistake (issue 13): each decision names
 * the CPU after the task's last one, forgetting to wrap: on the last CPU it
 * names a CPU that does not exist. The backend runs such a task itself and
 * counts a policy error.
 *
 * expect: example.json: FAIL rejected
 * expect: example.json: malformed decisions (the first:
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
	*out = (struct cland_decision){
		.pid = t.pid, .gen = t.gen, .cpu = t.cpu + 1, .deadline = x->last};
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
	.name = "cpu_out_of_range",
	.summary = "a mistake: cpu + 1",
	.ctx_size = sizeof(struct ctx),
	.init = init,
	.enqueue = enqueue,
	.dispatch = dispatch,
	.nr_pending = nr_pending,
	.exit = fini,
};

CLAND_PLUGIN(pol);
