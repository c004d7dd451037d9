/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fair_clock.h - the virtual clock the deadline and vruntime policies key
 * tasks against: the vruntime every runnable task would have if the CPUs
 * were shared fairly (the kernel's EEVDF keeps the same, avg_vruntime), and
 * the fair slice F that bounds how far from it a task's vruntime may be.
 *
 * Each enqueue advances the clock by the run the task just ended, scaled by
 * the inverse of its weight (fair_clock_charge()), over the tasks runnable
 * (task->nr_runnable, from the backend): the mean advance of their
 * vruntimes, which under fair sharing is each one's. A step is at most
 * slice_ns: a run with a bogus length (timestamps are the backend's, a
 * task's weight may be 1) cannot throw the clock far ahead of every task.
 * The clock never moves back.
 *
 * F is slice_ns shared among the tasks runnable per CPU, within
 * [slice_min_ns, slice_ns] (common.h, fair_slice()), with the most tasks
 * runnable seen within the last FAIR_CLOCK_PEAK_HOLD_NS rather than those
 * of the moment: the count swings (hackbench: from 86 to 3 and back within
 * 200 ms, between its rounds), and with each swing the bounds would widen,
 * then shrink. A key stays in the DSQ as it was set while the clock moves
 * slower the more tasks are runnable: when F shrinks, the clock jumps by
 * twice the difference, so that every key queued within 2F of it is within
 * the new bounds and reached as soon as a new one. Without it, a CPU hog
 * keyed 2F ahead while 3 tasks were runnable (F = 13 ms) waited for the
 * clock to move 27 ms at the pace of the 80 that hackbench then forked: the
 * starvation net ran it after 500 ms (VM, make check's "healthy" case).
 *
 * Why a clock and not the policies' view of the queue. The largest vruntime
 * dispatched (deadline's rule until 2026-11): every task lagged that mark,
 * so every enqueue floored the task at it - F and charged a run longer than
 * F (slices end at a tick): the mark moved at 50 times the fair rate on a
 * message-passing load, every key came from the moment of its enqueue and
 * the queue was a FIFO 300 ms deep; a task waking every 1 ms waited behind
 * all of it (simulator, sim/calibration/messaging.json with such a probe:
 * wake-up p99 297 ms). The lowest of the recent starts of tasks that did not
 * sleep, CFS's min_vruntime as vruntime estimated it until 2026-12: it moved
 * only when such tasks started, so it stalled under messaging, a sender that
 * had run to the tick, 4 ms past its 1 ms slice, waited for 160 tasks to
 * catch up with it, and the starvation net ran 8 senders in the simulator
 * (messaging.json; 68-146 tasks a hackbench round in the VM).
 *
 * What the clock is not: EEVDF's average moves back when a task that ran
 * ahead of it sleeps, and this one cannot (a policy does not see tasks go to
 * sleep). Tasks that sleep often run ahead of it while runnable and then
 * leave; the tasks that stay runnable fall behind it. A policy that floors
 * keys against it must give waking tasks room to go ahead of those
 * (vruntime.c).
 *
 * One thread calls a policy: no locking.
 */
#ifndef __CLAND_FAIR_CLOCK_H
#define __CLAND_FAIR_CLOCK_H

#include <stdint.h>

#include "policy.h"

/* How long the largest count of runnable tasks seen holds for F. */
#define FAIR_CLOCK_PEAK_HOLD_NS (1000ULL * 1000 * 1000)

/* All set by fair_clock_enqueue() alone. */
struct fair_clock {
	const struct cland_host *host; /* the policy's: its CPUs count */
	uint64_t slice_ns, slice_min_ns;
	uint64_t now;	     /* the fair vruntime; never moves back */
	uint64_t nr_peak;    /* most tasks runnable seen since nr_peak_ts */
	uint64_t nr_peak_ts; /* when nr_peak was last set, on the tasks' clock */
	uint64_t last_ts;    /* the latest stop_ts seen: the policy's now */
	uint64_t fair;	     /* F of the last enqueue */
};

/* A clock at 0; @host must outlive it (the policy's context holds both). */
void fair_clock_init(struct fair_clock *fc, const struct cland_host *host, uint64_t slice_ns,
		     uint64_t slice_min_ns);

/* The run @task just ended, in ns of vruntime (scaled by the inverse of its weight). */
uint64_t fair_clock_charge(const cland_task_t *task);

/*
 * @task is queued: note its load and its stop time, move the clock (a jump
 * if F shrank, then @charge, the run it ended as fair_clock_charge() gives
 * it, over the tasks runnable), and return F.
 */
uint64_t fair_clock_enqueue(struct fair_clock *fc, const cland_task_t *task, uint64_t charge);

#endif /* __CLAND_FAIR_CLOCK_H */
