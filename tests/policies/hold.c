// SPDX-License-Identifier: GPL-2.0
/*
 * hold.c - a test policy (issue 13): holds every task it is given, forever,
 * and says so (nr_pending()). Nothing runs through it: the backend's overdue
 * net must carry the whole system, taking each task back after 1 s. Built
 * for the tests only, as a plug-in (tests/vm/chaos.sh):
 *
 *	cc -shared -fPIC -Ilib -Ibpf tests/policies/hold.c -o hold.so
 *
 * At exit it prints how many tasks it was given: "hold: held=N".
 */
#include <stdio.h>

#include <policy.h>

struct hold {
	uint64_t held;
};

static int hold_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	return 0;
}

static void hold_enqueue(void *ctx, const cland_task_t *task)
{
	((struct hold *)ctx)->held++;
}

static bool hold_dispatch(void *ctx, struct cland_decision *out)
{
	return false;
}

static uint64_t hold_nr_pending(void *ctx)
{
	return ((struct hold *)ctx)->held;
}

static void hold_exit(void *ctx)
{
	fprintf(stderr, "hold: held=%llu\n", (unsigned long long)((struct hold *)ctx)->held);
}

static const struct cland_policy hold = {
	.name = "hold",
	.summary = "test only: holds every task forever",
	.ctx_size = sizeof(struct hold),
	.init = hold_init,
	.enqueue = hold_enqueue,
	.dispatch = hold_dispatch,
	.nr_pending = hold_nr_pending,
	.exit = hold_exit,
};

CLAND_PLUGIN(hold);
