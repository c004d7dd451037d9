// SPDX-License-Identifier: GPL-2.0
/*
 * lottery_v2.c - a newcomer's mistake (issue 13): the second version of
 * docs/examples/lottery.c, which holds the tasks back and hands out a winner
 * only when a CPU is idle (host->claim_idle_cpu()). Under CPU hogs no CPU is
 * ever idle (a task whose slice ends keeps its CPU when nothing else waits
 * in a DSQ), so the tasks it holds wait until the backend's overdue net
 * takes them back after 1 s.
 *
 * expect: example.json: FAIL lost
 * expect: example.json: tasks waited over 1 s in user space for a decision
 * expect: example.json: FAIL max_wait
 *
 * The rest of this comment is the right version's:
 *
 * Every task handed to the policy gets its decision in the same round (the
 * daemon calls dispatch() until it returns false, every round: a policy
 * that keeps tasks pays for it, see the tutorial). The lottery is in the
 * deadline: a ticket drawn at random, now + X where X is exponential with a
 * mean of the task's fair slice x 100 / weight. The backend runs the
 * earliest deadline first, and of tasks racing exponential clocks the one
 * with the highest weight wins most often: in proportion to its weight. The
 * slice is the fair slice (slice_ns shared among the tasks runnable per
 * CPU): the weight acts through the odds alone (scaling the slice as well
 * would count it twice). Decisions never preempt (CLAND_DECISION_NO_PREEMPT):
 * a winner waits for the next free CPU.
 *
 *	cc -shared -fPIC -Ilib -Ibpf docs/examples/lottery.c -o lottery.so -lm
 *	build/cland-sim --policy ./lottery.so --workload sim/workloads/nice.json --check
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include <policy.h>

#define RING_CAP (CLAND_MAX_INFLIGHT + 1024) /* the backend hands over at most 65536 */
#define MAX_DRAW 8			     /* a ticket is at most 8 means away: bounded waits */

struct lottery {
	cland_task_t *ring; /* the tasks of this round, FIFO */
	uint64_t head, nr;
	struct cland_host host;
	uint64_t slice_ns, slice_min_ns;
};

static int lottery_init(void *ctx, const struct cland_policy_cfg *cfg,
			const struct cland_host *host)
{
	struct lottery *l = ctx;

	l->host = *host;
	l->slice_ns = cfg->slice_ns;
	l->slice_min_ns = cfg->slice_min_ns;
	l->ring = calloc(RING_CAP, sizeof(*l->ring)); /* all the memory, here */
	return l->ring ? 0 : -ENOMEM;
}

static void lottery_enqueue(void *ctx, const cland_task_t *task)
{
	struct lottery *l = ctx;

	if (l->nr < RING_CAP) /* never full: the backend hands over at most 65536 */
		l->ring[(l->head + l->nr++) % RING_CAP] = *task;
}

/* slice_ns shared among the tasks runnable per CPU, within [slice_min_ns, slice_ns]. */
static uint64_t fair_slice(const struct lottery *l, const cland_task_t *t)
{
	uint64_t cpus = l->host.nr_cpus > 0 ? (uint64_t)l->host.nr_cpus : 1;
	uint64_t nr = t->nr_runnable ? t->nr_runnable : 1;
	uint64_t s = nr <= cpus ? l->slice_ns : l->slice_ns * cpus / nr;

	return s < l->slice_min_ns ? l->slice_min_ns : s;
}

/* An exponential draw with mean @mean ns, at most MAX_DRAW means (host->random, libm). */
static uint64_t draw(struct lottery *l, double mean)
{
	/* u in (0, 1]: 53 random bits, never 0, so that log(u) is finite */
	double u = (double)((l->host.random(l->host.be) >> 11) + 1) / 9007199254740992.0;
	double x = -log(u);

	return (uint64_t)((x < MAX_DRAW ? x : MAX_DRAW) * mean);
}

static bool lottery_dispatch(void *ctx, struct cland_decision *out)
{
	struct lottery *l = ctx;
	uint64_t w, fair;
	cland_task_t t;

	if (!l->nr)
		return false;
	/* hold every task until a CPU is free: the mistake */
	if (l->host.claim_idle_cpu(l->host.be, l->ring[l->head].pid, l->ring[l->head].cpu) < 0)
		return false;
	t = l->ring[l->head];
	l->head = (l->head + 1) % RING_CAP;
	l->nr--;
	w = t.weight ? t.weight : 100;
	fair = fair_slice(l, &t);
	*out = (struct cland_decision){
		.pid = t.pid,
		.gen = t.gen,
		.cpu = CLAND_CPU_ANY,
		.slice = fair,
		.deadline = l->host.now(l->host.be) + draw(l, (double)fair * 100 / w),
		.flags = CLAND_DECISION_NO_PREEMPT,
	};
	return true;
}

static uint64_t lottery_nr_pending(void *ctx)
{
	return ((struct lottery *)ctx)->nr;
}

static void lottery_exit(void *ctx)
{
	free(((struct lottery *)ctx)->ring);
}

static const struct cland_policy lottery = {
	.name = "lottery_v2",
	.summary = "weighted lottery: random deadlines, the odds by weight",
	.ctx_size = sizeof(struct lottery),
	.init = lottery_init,
	.enqueue = lottery_enqueue,
	.dispatch = lottery_dispatch,
	.nr_pending = lottery_nr_pending,
	.exit = lottery_exit,
};

CLAND_PLUGIN(lottery);
