/* SPDX-License-Identifier: GPL-2.0 */
/*
 * watch.h - the backend's watchdogs as pure functions of timestamps: when the
 * daemon has stalled (degraded mode), when a task waiting in a DSQ starves
 * (the starvation net), when a task held by user space is overdue (the
 * policy never returned it). Shared by the BPF backend and the host tests,
 * so that the rules the tests check are the ones the kernel runs.
 *
 * Every timestamp may come from another CPU's clock, a few us ahead or
 * behind: every comparison goes through cland_time.h.
 */
#ifndef __CLAND_WATCH_H
#define __CLAND_WATCH_H

#include "cland_time.h"

#define WATCH_STARVE_NS	     (500ULL * 1000 * 1000)  /* a task waits longer in a DSQ: run it now */
#define WATCH_STARVE_SCAN_NS (20ULL * 1000 * 1000)   /* how often the DSQs are scanned */
#define WATCH_OVERDUE_NS     (1000ULL * 1000 * 1000) /* user space holds a task longer: take it */
#define WATCH_OVERDUE_SCAN_NS                                                                      \
	(100ULL * 1000 * 1000)	      /* how often the in-flight table is scanned                  \
				       */
#define WATCH_RUNNABLE_STALL_FACTOR 5 /* a runnable daemon stalls after 5 x stall_ns */
#define WATCH_FREEZE_NS		    (50ULL * 1000 * 1000) /* a 10 ms heartbeat this late: the machine froze */

/* What the stall test looks at. */
struct watch_daemon {
	__u64 last_seen;  /* when it last started or stopped running */
	__u64 work_since; /* when tasks started waiting on it, idle */
	bool has_work;	  /* tasks are queued to it, or its policy holds some */
	bool running;	  /* it is on a CPU */
	bool runnable;	  /* it can run (woken) */
	bool stopped;	  /* stopped, traced or frozen: it cannot run until someone acts */
	__u64 thaw;	  /* the end of the last freeze of the whole machine (watch_froze()) */
};

/*
 * The daemon has stalled: tasks wait for it and it has not run for @stall_ns
 * (0: never stalls), at once if it is stopped. A runnable daemon only waits
 * for a CPU, which the tick and the heartbeat give it: a long wait is then
 * the backend's failure (or the host's: every vCPU descheduled), not the
 * daemon's, and it gets WATCH_RUNNABLE_STALL_FACTOR times longer.
 */
static inline bool watch_daemon_stalled(const struct watch_daemon *d, __u64 now, __u64 stall_ns)
{
	__u64 since = time_max(time_max(d->last_seen, d->work_since), d->thaw);

	if (!stall_ns || d->running || !d->has_work)
		return false;
	if (d->stopped)
		return true;
	if (d->runnable)
		return time_elapsed(now, since, WATCH_RUNNABLE_STALL_FACTOR * stall_ns);
	return time_elapsed(now, since, stall_ns);
}

/*
 * The heartbeat, due every @period, last ran at @last_beat: if it is over
 * WATCH_FREEZE_NS late, the whole machine froze meanwhile (a virtual
 * machine's CPUs descheduled by its host, a suspend): nothing ran, so the
 * waits that span the freeze say nothing about the daemon or the policy.
 * The watchdogs then measure from its end (the thaw), not from before it.
 */
static inline bool watch_froze(__u64 now, __u64 last_beat, __u64 period)
{
	return last_beat && time_elapsed(now, last_beat, period + WATCH_FREEZE_NS);
}

/* A task runnable since @runnable_at, still waiting in a DSQ, starves (@thaw: see above). */
static inline bool watch_starving(__u64 now, __u64 runnable_at, __u64 thaw)
{
	return time_elapsed(now, time_max(runnable_at, thaw), WATCH_STARVE_NS);
}

/* A task handed to user space at @queued_at has waited too long for its decision. */
static inline bool watch_overdue(__u64 now, __u64 queued_at, __u64 thaw)
{
	return time_elapsed(now, time_max(queued_at, thaw), WATCH_OVERDUE_NS);
}

/* A periodic scan last done at @last is due again (every @period). */
static inline bool watch_scan_due(__u64 now, __u64 last, __u64 period)
{
	return time_elapsed(now, last, period);
}

#endif /* __CLAND_WATCH_H */
