// SPDX-License-Identifier: GPL-2.0
/*
 * nets.c - the backend's safety nets and the kernel's watchdog, with the
 * rules of bpf/watch.h, as the backend runs them:
 *
 *  - the overdue net: a CPU that dispatches scans the tasks handed to user
 *    space every WATCH_OVERDUE_SCAN_NS, and BPF runs itself each one held
 *    WATCH_OVERDUE_NS without a decision (take_back(): a late decision is
 *    then stale);
 *  - the starvation net: a CPU that dispatches scans the DSQs every
 *    WATCH_STARVE_SCAN_NS and moves each task that has waited
 *    WATCH_STARVE_NS in one, and may run on it, to its own local queue with
 *    a DECIDE_STARVE_SLICE_NS slice;
 *  - the heartbeat, every WATCH_HEARTBEAT_NS, as far as the nets go: when
 *    no CPU has dispatched for too long while they have something to look
 *    at (watch_overdue_late(), watch_starve_late()), its CPU (CPU 0 here)
 *    dispatches, preempted if busy;
 *  - the kernel's watchdog: every half timeout it looks at every runnable
 *    task, and a task that has waited CLAND_WATCHDOG_MS for a CPU ejects the
 *    scheduler: the simulation stops there.
 *
 * The backend scans whole tables; the simulator keeps the tasks handed to
 * user space in a FIFO by time (records are queued in time order) and the
 * tasks in DSQs in a heap by runnable_at, both with stale entries dropped
 * when met, so that a scan costs what it finds (amortized O(log n) per
 * task): the same tasks are found, in the order of their waits.
 */
#include <errno.h>
#include <stdlib.h>

#include "decide.h"
#include "sim.h"
#include "watch.h"

int sim_nets_alloc(struct sim *s)
{
	struct sim_nets *n = &s->nets;

	n->flight_cap = 1024;
	n->flight = malloc(n->flight_cap * sizeof(*n->flight));
	n->starve_cap = 1024;
	n->starve = malloc(n->starve_cap * sizeof(*n->starve));
	n->next_watchdog = CLAND_WATCHDOG_MS * 1000000ULL / 2;
	n->next_beat = WATCH_HEARTBEAT_NS;
	return n->flight && n->starve ? 0 : -ENOMEM;
}

void sim_nets_free(struct sim *s)
{
	free(s->nets.flight);
	free(s->nets.starve);
	s->nets.flight = NULL;
	s->nets.starve = NULL;
}

/* Double the FIFO, unwrapping it. */
static int flight_grow(struct sim_nets *n)
{
	size_t cap = n->flight_cap * 2, i;
	struct sim_flight *f = malloc(cap * sizeof(*f));

	if (!f)
		return -ENOMEM;
	for (i = 0; i < n->flight_nr; i++)
		f[i] = n->flight[(n->flight_head + i) % n->flight_cap];
	free(n->flight);
	n->flight = f;
	n->flight_cap = cap;
	n->flight_head = 0;
	return 0;
}

/* @task was handed to user space now. */
void sim_nets_queued(struct sim *s, int task)
{
	struct sim_nets *n = &s->nets;

	if (n->flight_nr == n->flight_cap && flight_grow(n)) {
		sim_fail(s, "out of memory");
		return;
	}
	n->flight[(n->flight_head + n->flight_nr++) % n->flight_cap] =
		(struct sim_flight){.at = s->now, .gen = s->tasks[task].gen, .task = task};
	s->work++;
}

static bool starve_before(const struct sim_starve *a, const struct sim_starve *b)
{
	return a->runnable_at < b->runnable_at ||
	       (a->runnable_at == b->runnable_at && a->seq < b->seq);
}

static void starve_push(struct sim *s, struct sim_starve e)
{
	struct sim_nets *n = &s->nets;
	size_t i = n->starve_nr++;

	while (i > 0 && starve_before(&e, &n->starve[(i - 1) / 2])) {
		n->starve[i] = n->starve[(i - 1) / 2];
		i = (i - 1) / 2;
		s->work++;
	}
	n->starve[i] = e;
}

static void starve_pop(struct sim *s)
{
	struct sim_nets *n = &s->nets;
	struct sim_starve last = n->starve[--n->starve_nr];
	size_t i = 0, c;

	if (!n->starve_nr)
		return;
	while ((c = 2 * i + 1) < n->starve_nr) {
		if (c + 1 < n->starve_nr && starve_before(&n->starve[c + 1], &n->starve[c]))
			c++;
		n->starve[i] = n->starve[c];
		i = c;
		s->work++;
	}
	/* sift the last entry up from the hole */
	while (i > 0 && starve_before(&last, &n->starve[(i - 1) / 2])) {
		n->starve[i] = n->starve[(i - 1) / 2];
		i = (i - 1) / 2;
		s->work++;
	}
	n->starve[i] = last;
}

/* @task was just put in a DSQ (its dsq_seq names the entry). */
void sim_nets_dsq_insert(struct sim *s, int task)
{
	struct sim_nets *n = &s->nets;
	const struct sim_task *t = &s->tasks[task];

	if (n->starve_nr == n->starve_cap) {
		struct sim_starve *e = realloc(n->starve, 2 * n->starve_cap * sizeof(*e));

		if (!e) {
			sim_fail(s, "out of memory");
			return;
		}
		n->starve = e;
		n->starve_cap *= 2;
	}
	starve_push(s, (struct sim_starve){
			       .runnable_at = t->runnable_at, .seq = t->dsq_seq, .task = task});
}

static void note(struct sim *s, struct sim_note *n, int task)
{
	if (!n->n++)
		*n = (struct sim_note){
			.n = 1, .at = s->now, .task = task, .pid = s->tasks[task].pid};
}

/* run_overdue(): take back every task held by user space over WATCH_OVERDUE_NS. */
static void run_overdue(struct sim *s)
{
	struct sim_nets *n = &s->nets;

	if (!watch_scan_due(s->now, n->last_overdue_scan, WATCH_OVERDUE_SCAN_NS))
		return;
	n->last_overdue_scan = s->now;
	while (n->flight_nr) {
		struct sim_flight f = n->flight[n->flight_head];
		const struct sim_task *t = &s->tasks[f.task];

		s->work++;
		if (t->state == SIM_T_USER && t->gen == f.gen) {
			if (!watch_overdue(s->now, f.at))
				break;
			s->res->counters.nr_overdue++;
			note(s, &s->res->overdue, f.task);
			SIM_TRACE(s, "%s: held by user space for %llu us: overdue, BPF runs it",
				  SIM_TASK_NAME(s, f.task),
				  (unsigned long long)(s->now - f.at) / 1000);
			sim_take_back(s, f.task);
		}
		n->flight_head = (n->flight_head + 1) % n->flight_cap;
		n->flight_nr--;
	}
}

/*
 * run_starving(): every task that has waited WATCH_STARVE_NS in a DSQ and
 * may run on @cpu goes to @cpu's local queue. Those that may not run on @cpu
 * are set aside and put back: another CPU's scan will take them.
 */
static void run_starving(struct sim *s, int cpu)
{
	struct sim_nets *n = &s->nets;
	struct sim_starve aside[64];
	int nr_aside = 0, i;

	if (!watch_scan_due(s->now, n->last_starve_scan, WATCH_STARVE_SCAN_NS))
		return;
	n->last_starve_scan = s->now;
	while (n->starve_nr) {
		struct sim_starve e = n->starve[0];
		struct sim_task *t = &s->tasks[e.task];

		s->work++;
		if (t->state != SIM_T_DSQ || t->dsq_seq != e.seq) {
			starve_pop(s); /* it left that DSQ */
			continue;
		}
		if (!watch_starving(s->now, e.runnable_at))
			break;
		starve_pop(s);
		if (t->dsq == SIM_LOCAL(cpu))
			continue; /* already moved here: it runs next */
		if (!sim_cpu_allowed(sim_task_group(s, t)->cpus, cpu)) {
			if (nr_aside == (int)(sizeof(aside) / sizeof(*aside)))
				break; /* the rest waits for the next scan */
			aside[nr_aside++] = e;
			continue;
		}
		s->res->counters.nr_starved++;
		note(s, &s->res->starved, e.task);
		SIM_TRACE(s, "%s: waited %llu us in a DSQ: starving, moved to cpu %d",
			  SIM_TASK_NAME(s, e.task),
			  (unsigned long long)(s->now - e.runnable_at) / 1000, cpu);
		sim_dsq_forget(s, e.task);
		sim_insert_dsq(s, e.task, SIM_LOCAL(cpu), 0, DECIDE_STARVE_SLICE_NS);
	}
	for (i = 0; i < nr_aside; i++)
		starve_push(s, aside[i]);
}

/* ops.dispatch on @cpu, before it takes a task: the nets, when their scans are due. */
void sim_nets_dispatch(struct sim *s, int cpu)
{
	run_overdue(s);
	run_starving(s, cpu);
}

/* dsqs_queued() of the backend: tasks wait in the shared DSQ or a CPU's. */
static bool dsqs_queued(struct sim *s)
{
	int cpu;

	if (sim_dsq_of(s, SIM_SHARED)->nr)
		return true;
	for (cpu = 0; cpu < s->w->nr_cpus; cpu++) {
		if (sim_dsq_of(s, cpu)->nr)
			return true;
	}
	return false;
}

/* The heartbeat, for the nets: no CPU ran their scans for too long, so CPU 0 does. */
static void heartbeat(struct sim *s)
{
	struct sim_nets *n = &s->nets;

	n->next_beat = s->now + WATCH_HEARTBEAT_NS;
	if (!(sim_daemon_has_work(s) && watch_overdue_late(s->now, n->last_overdue_scan)) &&
	    !(watch_starve_late(s->now, n->last_starve_scan) && dsqs_queued(s)))
		return;
	SIM_TRACE(s, "heartbeat: no CPU ran the nets for too long: cpu 0 dispatches");
	sim_kick_preempt(s, 0);
}

uint64_t sim_nets_next(const struct sim *s)
{
	return s->nets.next_beat < s->nets.next_watchdog ? s->nets.next_beat
							 : s->nets.next_watchdog;
}

/*
 * The kernel's watchdog (scx_watchdog_workfn(), every half timeout): a
 * runnable task that has not run for CLAND_WATCHDOG_MS ejects the
 * scheduler. Looks at every task, as the kernel looks at every runnable one.
 */
static void watchdog(struct sim *s)
{
	uint64_t timeout = CLAND_WATCHDOG_MS * 1000000ULL, worst = 0;
	int i, who = -1;

	s->nets.next_watchdog = s->now + timeout / 2;
	for (i = 0; i < s->nr_tasks; i++) {
		const struct sim_task *t = &s->tasks[i];
		uint64_t wait;

		if (t->state != SIM_T_USER && t->state != SIM_T_DSQ)
			continue;
		wait = time_delta(s->now, t->waiting_since);
		if (wait > worst) {
			worst = wait;
			who = i;
		}
	}
	if (who < 0 || worst < timeout)
		return;
	s->res->ejected = (struct sim_note){
		.n = 1, .at = s->now, .task = who, .pid = s->tasks[who].pid, .a = (int64_t)worst};
	SIM_TRACE(s,
		  "watchdog: %s runnable for %llu ms without running: the kernel ejects the "
		  "scheduler",
		  SIM_TASK_NAME(s, who), (unsigned long long)worst / 1000000);
	s->stop = true;
}

/* The nets' timers due now: the heartbeat, the kernel's watchdog. */
void sim_nets_timers(struct sim *s)
{
	if (s->nets.next_beat <= s->now)
		heartbeat(s);
	if (s->nets.next_watchdog <= s->now)
		watchdog(s);
}
