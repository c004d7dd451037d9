// SPDX-License-Identifier: GPL-2.0
/*
 * daemon.c - the simulated scx_cland daemon: drives the policy as
 * lib/loop.c does, each round handing it the queued tasks (policy->enqueue)
 * and applying its decisions (policy->dispatch until it returns false).
 *
 * The round trip through user space is a delay: a task queued at time t
 * to an idle daemon reaches the policy at t + rtt, with every task queued
 * meanwhile (the daemon, once woken, drains the ring: a round serves them
 * all), and the decisions of that round take effect at once. A policy that still holds tasks after
 * a round is driven again one rtt after a CPU frees up (the backend runs the daemon first then),
 * and at least every SIM_TICK_NS. With costs, a round also takes CPU time (costs.round_ns +
 * costs.decision_ns per decision, kernel.c), and the next round waits for it to end.
 *
 * What --check looks at is noted here: the records the policy got and has
 * not answered (each decision naming the task answers one), against what
 * its nr_pending() says after each round; and the allocations made while
 * the policy's enqueue, dispatch and nr_pending run (alloc.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int sim_daemon_init(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;
	struct cland_policy_cfg cfg = {
		.slice_ns = s->cfg.slice_ns,
		.slice_min_ns = s->cfg.slice_min_ns,
	};
	int err;

	d->pol = s->cfg.policy;
	d->next_poll = SIM_NONE;
	d->ring = calloc((size_t)s->nr_tasks, sizeof(*d->ring));
	d->ctx = calloc(1, d->pol->ctx_size ? d->pol->ctx_size : 1);
	if (!d->ring || !d->ctx) {
		sim_fail(s, "out of memory");
		return -ENOMEM;
	}
	err = d->pol->init(d->ctx, &cfg, &s->host);
	if (err) {
		sim_fail(s, "policy %s: init failed: %s", d->pol->name, strerror(-err));
		free(d->ctx);
		d->ctx = NULL;
		return err;
	}
	return 0;
}

void sim_daemon_exit(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;

	if (d->ctx)
		d->pol->exit(d->ctx);
	free(d->ctx);
	free(d->ring);
	d->ctx = NULL;
	d->ring = NULL;
}

/* The ring buffer of the backend: a task waits for the daemon. */
void sim_daemon_queue(struct sim *s, const cland_task_t *task)
{
	struct sim_daemon *d = &s->daemon;
	struct sim_record *r;

	/* a task has at most one record: it waits until it is decided */
	if (d->nr >= s->nr_tasks) {
		sim_fail(s, "internal error: more records than tasks");
		return;
	}
	r = &d->ring[(d->head + d->nr) % s->nr_tasks];
	/* with the round already coming for earlier records, else one rtt from now */
	r->due = s->now + s->cfg.rtt_ns;
	if (d->nr && d->ring[d->head].due < r->due)
		r->due = d->ring[(d->head + d->nr - 1) % s->nr_tasks].due;
	if (d->next_poll < r->due && d->next_poll >= s->now && !d->nr)
		r->due = d->next_poll;
	r->task = *task;
	d->nr++;
}

/* usersched_has_work() of the backend. */
bool sim_daemon_has_work(const struct sim *s)
{
	return s->daemon.nr > 0 || s->daemon.nr_pending > 0;
}

uint64_t sim_daemon_next(const struct sim *s)
{
	const struct sim_daemon *d = &s->daemon;
	uint64_t t = d->next_poll;

	if (d->nr && d->ring[d->head].due < t)
		t = d->ring[d->head].due;
	return t != SIM_NONE && t < d->busy_until ? d->busy_until : t;
}

void sim_daemon_cpu_freed(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;
	uint64_t t = s->now + s->cfg.rtt_ns;

	if (d->nr_pending && t < d->next_poll)
		d->next_poll = t;
}

static int due_records(const struct sim *s)
{
	const struct sim_daemon *d = &s->daemon;
	int n = 0;

	while (n < d->nr && d->ring[(d->head + n) % s->nr_tasks].due <= s->now)
		n++;
	return n;
}

/* Allocations made by the policy's @what just now: noted (the first one named). */
static void watch_end(struct sim *s, uint64_t before, const char *what)
{
	struct sim_note *n = &s->res->alloc;
	uint64_t seen = sim_alloc_seen() - before;

	sim_alloc_watch(false);
	if (!seen)
		return;
	if (!n->n)
		*n = (struct sim_note){.at = s->now, .task = -1, .what = what};
	n->n += seen;
}

static void deliver(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;

	while (d->nr && d->ring[d->head].due <= s->now) {
		const cland_task_t *q = &d->ring[d->head].task;
		struct sim_task *t = &s->tasks[q->pid - SIM_PID0];
		uint64_t before = sim_alloc_seen();

		t->held++;
		t->held_at = s->now;
		d->nr_held++;
		sim_alloc_watch(true);
		d->pol->enqueue(d->ctx, q);
		watch_end(s, before, "enqueue");
		d->head = (d->head + 1) % s->nr_tasks;
		d->nr--;
	}
}

/* The policy's own count of the tasks it holds, against the records it has not answered. */
static void check_pending(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;
	struct sim_note *n = &s->res->pending;
	uint64_t held = d->nr_held;

	if (d->nr_pending == held || d->round_bad_pid)
		return;
	if (!n->n)
		*n = (struct sim_note){
			.at = s->now, .task = -1, .a = (int64_t)d->nr_pending, .b = (int64_t)held};
	n->n++;
}

void sim_daemon_round(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;
	uint64_t limit = 2 * (uint64_t)s->nr_tasks + 64, n = 0, before;
	const struct sim_costs *k = &s->cfg.costs;
	struct cland_decision dec;
	bool more;

	s->res->counters.nr_rounds++;
	d->round_bad_pid = false;
	SIM_TRACE(s, "daemon round: %d records due", due_records(s));
	deliver(s);
	for (;;) {
		memset(&dec, 0, sizeof(dec));
		before = sim_alloc_seen();
		sim_alloc_watch(true);
		more = d->pol->dispatch(d->ctx, &dec);
		watch_end(s, before, "dispatch");
		if (s->failed || !more)
			break;
		s->res->counters.nr_decisions++;
		if (++n > limit) {
			sim_fail(s, "policy %s: more than %llu decisions in one round for %d tasks",
				 d->pol->name, (unsigned long long)limit, s->nr_tasks);
			return;
		}
		sim_apply_decision(s, &dec);
	}
	before = sim_alloc_seen();
	sim_alloc_watch(true);
	d->nr_pending = d->pol->nr_pending(d->ctx);
	watch_end(s, before, "nr_pending");
	check_pending(s);
	d->next_poll = d->nr_pending ? s->now + SIM_TICK_NS : SIM_NONE;
	sim_run_daemon(s, k->round_ns + n * k->decision_ns);
}
