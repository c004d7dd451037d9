// SPDX-License-Identifier: GPL-2.0
/*
 * chaos.c - a test policy (issue 13): FIFO that at random drops, delays,
 * makes late, duplicates, malforms and reorders its decisions, counting each
 * fault it injects, to show that the backend survives any policy and
 * accounts for what it had to do: a dropped task and a late one come back
 * as overdue (the overdue net takes them after 1 s), the late decision then
 * as cancel, a malformed one as policy_errors; every decision sent is
 * counted once by the backend (user + cancel + policy_errors + failed).
 * Built for the tests only, as a plug-in (never installed nor registered):
 *
 *	cc -shared -fPIC -Ilib -Ibpf tests/policies/chaos.c -o chaos.so
 *	build/cland-sim --policy ./chaos.so --workload sim/workloads/mixed.json
 *	scx_cland -v -p ./chaos.so        (tests/vm/chaos.sh, in the VM)
 *
 * Its draws come from host->random() (reproducible in the simulator with
 * --seed), the delays are exponential (log(): libm, linked by every host).
 * At exit it prints what it injected, one line:
 *	chaos: sent=N enqueued=N dropped=N late=N delayed=N duplicated=N malformed=N reordered=N
 *	       recent=N late_held=N
 * where recent counts the dropped and late tasks it got less than
 * RECENT_NS before (the overdue net may not have taken them back yet when
 * the daemon stopped), late_held the late tasks it still held (their late
 * decision never sent).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <policy.h>

#define RING_CAP (CLAND_MAX_INFLIGHT + 1024) /* the backend hands over at most 65536 */
#define HELD_CAP 4096			     /* delayed and late tasks at once */

/* Per mille of the tasks: what happens to their decision. */
#define P_DROP	    2	/* never answered: the overdue net takes it */
#define P_LATE	    2	/* answered 1.2 s to 1.5 s later: overdue, then the decision is stale */
#define P_DELAY	    30	/* answered after an exponential delay, 20 ms on average */
#define P_DUPLICATE 30	/* answered twice in a row */
#define P_MALFORM   10	/* a CPU out of range or a slice over 10 s: a policy error */
#define P_REORDER   100 /* the task at the head swaps with another one first */

#define MS	   (1000ULL * 1000)
#define RECENT_NS  (1200 * MS) /* the overdue net: 1 s, and a 100 ms scan */
#define RECENT_CAP 1024	       /* the last dropped or late tasks' times kept */
#define DELAY_MEAN (20 * MS)
#define DELAY_MAX  (200 * MS)

struct held {
	cland_task_t task;
	uint64_t release; /* answer at or after this time */
	bool late;
};

struct chaos {
	cland_task_t *ring;
	uint64_t head, nr;
	struct held *held;
	uint64_t nr_held;
	struct cland_decision dup; /* a duplicate to send next */
	bool have_dup;
	uint64_t last;		      /* the last deadline: they only grow */
	uint64_t faulted[RECENT_CAP]; /* when the last dropped or late tasks came, a ring */
	uint64_t nr_faulted;
	struct cland_host host;
	uint64_t sent, enqueued, dropped, late, delayed, duplicated, malformed, reordered;
};

static int chaos_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	struct chaos *c = ctx;

	c->host = *host;
	c->ring = calloc(RING_CAP, sizeof(*c->ring));
	c->held = calloc(HELD_CAP, sizeof(*c->held));
	if (c->ring && c->held && host->random)
		return 0;
	free(c->ring);
	free(c->held);
	return host->random ? -ENOMEM : -EINVAL;
}

static uint64_t rnd(struct chaos *c, uint64_t n)
{
	return c->host.random(c->host.be) % n;
}

static void chaos_enqueue(void *ctx, const cland_task_t *task)
{
	struct chaos *c = ctx;

	c->enqueued++;
	if (c->nr < RING_CAP)
		c->ring[(c->head + c->nr++) % RING_CAP] = *task;
	else
		c->dropped++; /* cannot happen: the backend hands over at most 65536 */
}

/* An exponential delay, 20 ms on average, at most 200 ms (log(): libm). */
static uint64_t delay(struct chaos *c)
{
	double u = (double)((c->host.random(c->host.be) >> 11) + 1) / 9007199254740992.0;
	double d = -log(u) * (double)DELAY_MEAN;

	return d < (double)DELAY_MAX ? (uint64_t)d : DELAY_MAX;
}

static void hold(struct chaos *c, const cland_task_t *t, uint64_t release, bool late)
{
	c->held[c->nr_held++] = (struct held){.task = *t, .release = release, .late = late};
}

/* A task dropped or made late now: its time kept, for "recent" at exit. */
static void faulted(struct chaos *c)
{
	c->faulted[c->nr_faulted++ % RECENT_CAP] = c->host.now(c->host.be);
}

/* The decision a well-behaved FIFO would send for @t. */
static void decide(struct chaos *c, const cland_task_t *t, struct cland_decision *out)
{
	uint64_t now = c->host.now(c->host.be);

	c->last = now > c->last ? now : c->last + 1;
	*out = (struct cland_decision){
		.pid = t->pid, .gen = t->gen, .cpu = CLAND_CPU_ANY, .deadline = c->last};
}

/* A held task whose time has come, into *@t; false if none. */
static bool release(struct chaos *c, cland_task_t *t)
{
	uint64_t now = c->host.now(c->host.be), i;

	for (i = 0; i < c->nr_held; i++) {
		if (c->held[i].release > now)
			continue;
		*t = c->held[i].task;
		c->held[i] = c->held[--c->nr_held];
		return true;
	}
	return false;
}

static bool chaos_dispatch(void *ctx, struct cland_decision *out)
{
	struct chaos *c = ctx;
	uint64_t now = c->host.now(c->host.be), r;
	cland_task_t t;

	if (c->have_dup) {
		*out = c->dup;
		c->have_dup = false;
		c->sent++;
		return true;
	}
	if (release(c, &t)) {
		decide(c, &t, out);
		c->sent++;
		return true;
	}
	while (c->nr) {
		if (c->nr > 1 && rnd(c, 1000) < P_REORDER) {
			uint64_t j = (c->head + 1 + rnd(c, c->nr - 1)) % RING_CAP;
			cland_task_t tmp = c->ring[c->head];

			c->ring[c->head] = c->ring[j];
			c->ring[j] = tmp;
			c->reordered++;
		}
		t = c->ring[c->head];
		c->head = (c->head + 1) % RING_CAP;
		c->nr--;
		r = rnd(c, 1000);
		if (r < P_DROP) {
			c->dropped++;
			faulted(c);
			continue;
		}
		r -= P_DROP;
		if (r < P_LATE && c->nr_held < HELD_CAP) {
			hold(c, &t, now + 1200 * MS + rnd(c, 300) * MS, true);
			c->late++;
			faulted(c);
			continue;
		}
		r -= P_LATE;
		if (r < P_DELAY && c->nr_held < HELD_CAP) {
			hold(c, &t, now + delay(c), false);
			c->delayed++;
			continue;
		}
		r -= P_DELAY;
		decide(c, &t, out);
		if (r < P_DUPLICATE) {
			c->dup = *out;
			c->have_dup = true;
			c->duplicated++;
		} else if (r - P_DUPLICATE < P_MALFORM) {
			if (c->malformed++ & 1)
				out->slice = CLAND_MAX_SLICE_NS + 1;
			else
				out->cpu = c->host.nr_cpus + 7;
		}
		c->sent++;
		return true;
	}
	return false;
}

/* What it holds: queued, held back and a duplicate to send (not the dropped ones: lost). */
static uint64_t chaos_nr_pending(void *ctx)
{
	struct chaos *c = ctx;

	return c->nr + c->nr_held + c->have_dup;
}

static void chaos_stats(void *ctx, struct cland_policy_stats *out)
{
	out->nr_dropped = ((struct chaos *)ctx)->dropped;
}

static void chaos_exit(void *ctx)
{
	struct chaos *c = ctx;
	uint64_t now = c->host.now(c->host.be), recent = 0, late_held = 0, i;

	for (i = 0; i < c->nr_faulted && i < RECENT_CAP; i++)
		recent += now - c->faulted[i] < RECENT_NS;
	for (i = 0; i < c->nr_held; i++)
		late_held += c->held[i].late;
	fprintf(stderr,
		"chaos: sent=%llu enqueued=%llu dropped=%llu late=%llu delayed=%llu "
		"duplicated=%llu malformed=%llu reordered=%llu recent=%llu late_held=%llu\n",
		(unsigned long long)c->sent, (unsigned long long)c->enqueued,
		(unsigned long long)c->dropped, (unsigned long long)c->late,
		(unsigned long long)c->delayed, (unsigned long long)c->duplicated,
		(unsigned long long)c->malformed, (unsigned long long)c->reordered,
		(unsigned long long)recent, (unsigned long long)late_held);
	free(c->ring);
	free(c->held);
}

static const struct cland_policy chaos = {
	.name = "chaos",
	.summary = "test only: FIFO that drops, delays, duplicates, malforms, reorders",
	.ctx_size = sizeof(struct chaos),
	.init = chaos_init,
	.enqueue = chaos_enqueue,
	.dispatch = chaos_dispatch,
	.nr_pending = chaos_nr_pending,
	.stats = chaos_stats,
	.exit = chaos_exit,
};

CLAND_PLUGIN(chaos);
