// SPDX-License-Identifier: GPL-2.0
/*
 * holdback.c - a test policy: a FIFO that never returns the tasks named
 * "cyclictest" (it drops them and counts each such task once in
 * nr_pending(), as held), while every other task is decided at once: the bug of a
 * policy that loses one task among many. Under load, the backend's overdue
 * net must run each of cyclictest's wake-ups itself after 1 s, however busy
 * the daemon and the dispatch rounds are with the others (tests/vm/chaos.sh,
 * case holdback). Built for the tests only, as a plug-in:
 *
 *	cc -shared -fPIC -Ilib -Ibpf tests/policies/holdback.c -o holdback.so
 */
#include <string.h>

#include <policy.h>

#define CAP	 (CLAND_MAX_INFLIGHT + 1024) /* the backend hands over at most this many */
#define HELD_CAP 64			     /* distinct tasks it holds (cyclictest: 2 threads) */
#define VICTIM	 "cyclictest"

struct holdback {
	cland_task_t fifo[CAP];
	uint32_t head, nr;
	int32_t held[HELD_CAP]; /* pids of the tasks it holds */
	uint32_t nr_held;
	struct cland_policy_cfg cfg;
};

static int hb_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	struct holdback *c = ctx;

	(void)host;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	return 0;
}

/* Hold @pid's enqueue: the task is counted once, however many times it comes. */
static void hold(struct holdback *c, int32_t pid)
{
	uint32_t i;

	for (i = 0; i < c->nr_held; i++)
		if (c->held[i] == pid)
			return;
	if (c->nr_held < HELD_CAP)
		c->held[c->nr_held++] = pid;
}

static void hb_enqueue(void *ctx, const cland_task_t *task)
{
	struct holdback *c = ctx;

	if (!strncmp(task->comm, VICTIM, sizeof(task->comm))) {
		hold(c, task->pid);
		return;
	}
	if (c->nr == CAP)
		return; /* cannot happen: the backend hands over at most CLAND_MAX_INFLIGHT */
	c->fifo[(c->head + c->nr) % CAP] = *task;
	c->nr++;
}

static bool hb_dispatch(void *ctx, struct cland_decision *out)
{
	struct holdback *c = ctx;
	const cland_task_t *t;

	if (!c->nr)
		return false;
	t = &c->fifo[c->head];
	memset(out, 0, sizeof(*out));
	out->pid = t->pid;
	out->gen = t->gen;
	out->cpu = CLAND_CPU_ANY;
	out->slice = c->cfg.slice_ns;
	out->deadline = t->stop_ts; /* FIFO: the order they last ran */
	c->head = (c->head + 1) % CAP;
	c->nr--;
	return true;
}

static void hb_exit(void *ctx)
{
	(void)ctx; /* nothing allocated */
}

static uint64_t hb_nr_pending(void *ctx)
{
	struct holdback *c = ctx;

	return c->nr + c->nr_held;
}

static const struct cland_policy holdback = {
	.name = "holdback",
	.summary = "a bug on purpose: FIFO that never returns cyclictest's tasks",
	.ctx_size = sizeof(struct holdback),
	.init = hb_init,
	.enqueue = hb_enqueue,
	.dispatch = hb_dispatch,
	.nr_pending = hb_nr_pending,
	.exit = hb_exit,
};

CLAND_PLUGIN(holdback);
