// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - libcland's main loop: drives a policy with the BPF backend.
 *
 * Each round takes every queued task to the policy, sends every decision the
 * policy produces, reports how many tasks it still holds, then sleeps until
 * the kernel queues more. No heap allocation happens here.
 */
#include <errno.h>
#include <sched.h>
#include <time.h>

#include "cland.h"

#define WAIT_MS 100 /* longest sleep: bounds how late a stop or an exit is seen */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void drain_queued(struct cland_sched *s, const struct cland_policy *pol, void *ctx,
			 const struct cland_observer *obs)
{
	struct cland_queued task;

	while (cland_recv_task(s, &task) > 0) {
		if (obs)
			obs->task(obs->arg, &task);
		pol->enqueue(ctx, &task);
	}
}

/*
 * Send the policy's decisions. When the decision ring is full, give the CPU
 * up so that the kernel drains it, and retry the same decision.
 */
static int send_decisions(struct cland_sched *s, const struct cland_policy *pol, void *ctx,
			  volatile sig_atomic_t *stop, const struct cland_observer *obs)
{
	struct cland_decision d;
	int ret;

	while (pol->dispatch(ctx, &d)) {
		while ((ret = cland_send_decision(s, &d)) == -ENOSPC) {
			if (*stop || cland_exited(s))
				return 0;
			cland_notify_complete(s, pol->nr_pending(ctx) + 1);
			sched_yield();
		}
		if (ret < 0)
			return ret;
		if (obs)
			obs->decision(obs->arg, &d);
	}
	return 0;
}

static void maybe_report(struct cland_sched *s, const struct cland_policy *pol, void *ctx,
			 const struct cland_run_opts *o, uint64_t *next)
{
	struct cland_policy_stats ps;
	struct cland_counters c;
	uint64_t t;

	if (!o->stats)
		return;
	t = now_ms();
	if (o->report_now && *o->report_now) {
		*o->report_now = 0;
	} else {
		if (!o->stats_interval_ms || t < *next)
			return;
		*next = t + o->stats_interval_ms;
	}
	cland_read_counters(s, &c);
	cland_policy_read_stats(pol, ctx, &ps);
	o->stats(&c, &ps, cland_nr_pending(s), o->stats_arg);
}

/*
 * Once a second: did the backend step in for the policy since the last look?
 * Each kind is reported once (a buggy policy would flood the log).
 */
static void check_policy_faults(struct cland_sched *s, const struct cland_run_opts *o,
				uint64_t *next, unsigned int *reported)
{
	struct cland_counters c;
	uint64_t t = now_ms();

	if (!o->policy_fault || t < *next)
		return;
	*next = t + 1000;
	cland_read_counters(s, &c);
	if (c.nr_overdue && !(*reported & 1)) {
		*reported |= 1;
		o->policy_fault("overdue", c.nr_overdue, o->stats_arg);
	}
	if (c.nr_policy_errors && !(*reported & 2)) {
		*reported |= 2;
		o->policy_fault("policy error", c.nr_policy_errors, o->stats_arg);
	}
}

/* The services whose fd is in @ready (bit i + 1 for services[i]) or whose period is over. */
static void run_services(const struct cland_run_opts *o, uint64_t ready, uint64_t *last_ms)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < o->nr_services; i++) {
		const struct cland_service *sv = &o->services[i];
		bool due = ready & (1ULL << (i + 1));

		if (!due && sv->period_ms) {
			if (!t)
				t = now_ms();
			due = t - last_ms[i] >= sv->period_ms;
		}
		if (!due)
			continue;
		last_ms[i] = t ? t : now_ms();
		sv->run(sv->arg);
	}
}

static int add_service_fds(struct cland_sched *s, const struct cland_run_opts *o)
{
	unsigned int i;
	int ret;

	if (o->nr_services > CLAND_MAX_SERVICES)
		return -EINVAL;
	for (i = 0; i < o->nr_services; i++) {
		if (o->services[i].fd < 0)
			continue;
		ret = cland_wait_add_fd(s, o->services[i].fd, i + 1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Sleep until tasks are queued (or a service's fd is ready: bits in *@ready). */
static int wait_work(struct cland_sched *s, const struct cland_run_opts *o, uint64_t *ready)
{
	if (!o->nr_services)
		return cland_wait(s, WAIT_MS);
	return cland_wait_fds(s, WAIT_MS, ready);
}

int cland_run(struct cland_sched *s, const struct cland_policy *pol, void *ctx,
	      const struct cland_run_opts *o)
{
	uint64_t svc_last_ms[CLAND_MAX_SERVICES] = {0}, ready = 0;
	uint64_t next_report = now_ms() + o->stats_interval_ms, next_check = 0;
	unsigned int reported = 0;
	int ret;

	ret = add_service_fds(s, o);
	if (ret < 0)
		return ret;
	while (!*o->stop && !cland_exited(s)) {
		drain_queued(s, pol, ctx, o->observer);
		ret = send_decisions(s, pol, ctx, o->stop, o->observer);
		if (ret < 0)
			return ret;
		cland_notify_complete(s, pol->nr_pending(ctx));
		maybe_report(s, pol, ctx, o, &next_report);
		check_policy_faults(s, o, &next_check, &reported);
		if (o->nr_services)
			run_services(o, ready, svc_last_ms);
		ret = wait_work(s, o, &ready);
		if (ret < 0 && ret != -EINTR)
			return ret;
	}
	return 0;
}
