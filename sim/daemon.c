// SPDX-License-Identifier: GPL-2.0
/*
 * daemon.c - the simulated scx_cland daemon: drives the policy as
 * lib/loop.c does, each round handing it the queued tasks (policy->enqueue)
 * and applying its decisions (policy->dispatch until it returns false).
 *
 * The round trip through user space is a delay: a task queued at time t
 * reaches the policy at t + rtt, and the decisions of that round take effect
 * at once. A policy that still holds tasks after a round is driven again one
 * rtt after a CPU frees up (the backend runs the daemon first then), and at
 * least every SIM_TICK_NS.
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
	r->due = s->now + s->cfg.rtt_ns;
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
	return t;
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

static void deliver(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;

	while (d->nr && d->ring[d->head].due <= s->now) {
		d->pol->enqueue(d->ctx, &d->ring[d->head].task);
		d->head = (d->head + 1) % s->nr_tasks;
		d->nr--;
	}
}

void sim_daemon_round(struct sim *s)
{
	struct sim_daemon *d = &s->daemon;
	uint64_t limit = 2 * (uint64_t)s->nr_tasks + 64, n = 0;
	struct cland_decision dec;

	s->res->counters.nr_rounds++;
	SIM_TRACE(s, "daemon round: %d records due", due_records(s));
	deliver(s);
	memset(&dec, 0, sizeof(dec));
	while (!s->failed && d->pol->dispatch(d->ctx, &dec)) {
		s->res->counters.nr_decisions++;
		if (++n > limit) {
			sim_fail(s, "policy %s: more than %llu decisions in one round for %d tasks",
				 d->pol->name, (unsigned long long)limit, s->nr_tasks);
			return;
		}
		sim_apply_decision(s, &dec);
		memset(&dec, 0, sizeof(dec));
	}
	d->nr_pending = d->pol->nr_pending(d->ctx);
	d->next_poll = d->nr_pending ? s->now + SIM_TICK_NS : SIM_NONE;
}
