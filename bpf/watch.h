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
 *
 * The waits they judge are measured on the watch clock (watch_clock()):
 * CLOCK_MONOTONIC stopped while the whole machine is frozen, so that a
 * freeze neither counts as waiting nor resets a wait.
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
#define WATCH_HEARTBEAT_NS	    (10ULL * 1000 * 1000) /* the backend's heartbeat timer period */

/* What the stall test looks at. */
struct watch_daemon {
	__u64 last_seen;  /* when it last started or stopped running */
	__u64 work_since; /* when tasks started waiting on it, idle */
	bool has_work;	  /* tasks are queued to it, or its policy holds some */
	bool running;	  /* it is on a CPU */
	bool runnable;	  /* it can run (woken) */
	bool stopped;	  /* stopped, traced or frozen: it cannot run until someone acts */
};

/*
 * The daemon has stalled: tasks wait for it and it has not run for @stall_ns
 * (0: never stalls), at once if it is stopped. @now and @d's times are
 * watch-clock readings. A runnable daemon only waits for a CPU, which the
 * tick and the heartbeat give it: a long wait is then the backend's failure
 * (or the host's: every vCPU descheduled), not the daemon's, and it gets
 * WATCH_RUNNABLE_STALL_FACTOR times longer.
 */
static inline bool watch_daemon_stalled(const struct watch_daemon *d, __u64 now, __u64 stall_ns)
{
	__u64 since = time_max(d->last_seen, d->work_since);

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
 * WATCH_FREEZE_NS late, the whole machine is frozen (a virtual machine's
 * CPUs descheduled by its host, a suspend): nothing runs, so no wait should
 * grow. How long it has been frozen so far: all of the lateness (0 when it
 * is not that late, or before the first beat).
 */
static inline __u64 watch_late(__u64 now, __u64 last_beat, __u64 period)
{
	if (!last_beat || !time_elapsed(now, last_beat, period + WATCH_FREEZE_NS))
		return 0;
	return time_delta(now, last_beat) - period;
}

/*
 * The watch clock at @now: CLOCK_MONOTONIC less the time the machine was
 * frozen, @frozen_ns in the freezes that ended (the heartbeat adds each
 * one's watch_late() when it runs again) and the one going on. It stops
 * during a freeze (stepping back to the freeze's start when the freeze is
 * seen) and goes on from there: it never jumps forward, so a freeze never
 * makes a wait look longer, and a wait measured on it leaves out every
 * freeze inside it, however many, and still ends (a machine that freezes
 * every few hundred ms keeps its nets).
 */
static inline __u64 watch_clock(__u64 now, __u64 frozen_ns, __u64 last_beat, __u64 period)
{
	return now - frozen_ns - watch_late(now, last_beat, period);
}

/* A task runnable since @runnable_at, still waiting in a DSQ, starves (watch clock). */
static inline bool watch_starving(__u64 now, __u64 runnable_at)
{
	return time_elapsed(now, runnable_at, WATCH_STARVE_NS);
}

/* A task handed to user space at @queued_at has waited too long for its decision (watch clock). */
static inline bool watch_overdue(__u64 now, __u64 queued_at)
{
	return time_elapsed(now, queued_at, WATCH_OVERDUE_NS);
}

/*
 * An entry of the in-flight table may be overdue at @now: there are some
 * (@nr counts them, or more), and the oldest, held since @since at the
 * earliest (when @nr last went from 0 to 1), has been held WATCH_OVERDUE_NS.
 * Otherwise the scan is skipped: walking the table's CLAND_MAX_INFLIGHT
 * buckets took 4 ms in the VM (TCG), every 100 ms: 2% of 2 CPUs, mostly for
 * nothing (bpf_stats: ops.dispatch 222 ms of CPU in 5.3 s of stress-ng).
 */
static inline bool watch_inflight_may_be_overdue(__u64 now, __s64 nr, __u64 since)
{
	return nr > 0 && watch_overdue(now, since);
}

/* A periodic scan last done at @last is due again (every @period). */
static inline bool watch_scan_due(__u64 now, __u64 last, __u64 period)
{
	return time_elapsed(now, last, period);
}

/*
 * The nets scan when a CPU dispatches. When none has for this long (every
 * CPU idle while user space holds every runnable task, or every CPU running
 * a long slice) and a net has something to look at, the heartbeat makes one
 * dispatch: the overdue net after two of its scan periods (tasks held by
 * user space), the starvation net after half its bound (tasks in a DSQ; a
 * policy's long slices are cut only that late).
 */
#define WATCH_OVERDUE_LATE_NS (2 * WATCH_OVERDUE_SCAN_NS)
#define WATCH_STARVE_LATE_NS  (WATCH_STARVE_NS / 2)

/* No CPU has run the overdue scan (last at @scan) for too long. */
static inline bool watch_overdue_late(__u64 now, __u64 scan)
{
	return time_elapsed(now, scan, WATCH_OVERDUE_LATE_NS);
}

/* No CPU has run the starvation scan (last at @scan) for too long. */
static inline bool watch_starve_late(__u64 now, __u64 scan)
{
	return time_elapsed(now, scan, WATCH_STARVE_LATE_NS);
}

#endif /* __CLAND_WATCH_H */
