/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - what the built-in policies share: saturating arithmetic on
 * times, sched_ext weights and the scaling of times by weight, and the
 * choice of a CPU for a decision. Header-only (static inline): each policy
 * stays one .c file.
 */
#ifndef __CLAND_POLICIES_COMMON_H
#define __CLAND_POLICIES_COMMON_H

#include <stdint.h>

#include "cland_time.h"
#include "policy.h"

#define WEIGHT_DFL 100	 /* sched_ext weight at nice 0 */
#define WEIGHT_MAX 10000 /* largest sched_ext weight (CGROUP_WEIGHT_MAX) */

/* @a + @b, UINT64_MAX instead of wrapping. */
static inline uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * @v * @num / @den without intermediate overflow, saturating the result.
 * @num and @den are weights or small factors (at most WEIGHT_MAX): r * num
 * below cannot overflow.
 */
static inline uint64_t mul_div(uint64_t v, uint64_t num, uint64_t den)
{
	uint64_t q = v / den, r = v % den;

	if (q > UINT64_MAX / num)
		return UINT64_MAX;
	return sat_add(q * num, r * num / den);
}

/* @v within [@lo, @hi] (@lo <= @hi). */
static inline uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * @period_ns shared among the tasks runnable per CPU (task->nr_runnable, from
 * the backend), or all of @slice_ns while they are no more than the CPUs;
 * within [@slice_min_ns, @slice_ns].
 */
static inline uint64_t period_share(const struct cland_host *host, const cland_task_t *task,
				    uint64_t slice_ns, uint64_t period_ns, uint64_t slice_min_ns)
{
	uint64_t cpus = host->nr_cpus > 0 ? (uint64_t)host->nr_cpus : 1;
	uint64_t nr = task->nr_runnable ? task->nr_runnable : 1;
	uint64_t slice = nr <= cpus ? slice_ns : period_ns * cpus / nr;

	return clamp_u64(slice, slice_min_ns, slice_ns);
}

/*
 * The fair slice when @task was queued: @slice_ns shared among the tasks
 * runnable per CPU, as the kernel's fair class divides its period, within
 * [@slice_min_ns, @slice_ns].
 */
static inline uint64_t fair_slice(const struct cland_host *host, const cland_task_t *task,
				  uint64_t slice_ns, uint64_t slice_min_ns)
{
	return period_share(host, task, slice_ns, slice_ns, slice_min_ns);
}

/*
 * Under contention a task that sleeps runs for a share of slice_ns /
 * FAIR_PERIOD_DIV (3.3 ms at the default 20 ms), not of all of slice_ns, as
 * the kernel's fair class shares a latency period. With all of it, 5 tasks
 * on 2 CPUs ran 8 ms slices: request/worker threads ran several requests back
 * to back while the others waited.
 */
#define FAIR_PERIOD_DIV 6

/*
 * The slice a task is dispatched with, before weight scaling. A CPU hog (it
 * has run slice_ns or more since it last slept, as the backend counts hogs,
 * bpf/decide.h) gets the fair slice: it is preempted at once for any task
 * more urgent anyway, and shorter slices only cost it round trips. Other
 * tasks get all of @slice_ns while there are no more runnable tasks than
 * CPUs, else the period above shared among the tasks runnable per CPU;
 * within [@slice_min_ns, @slice_ns]. Only how long a task runs at a time:
 * what sleeping earns and the bonuses stay bounded by fair_slice(), so that
 * shares by weight do not change (bounded by the shorter slice, the deadline
 * policy pulled a nice-0 hog up to a nice-10 one's vruntime: 3.3x its CPU,
 * not 9.3x).
 *
 * Measured in one VM run, three rounds (deadline; EEVDF in brackets):
 * reqwork request p99 17.2-18.0 ms with the fair slice for all, 8.3-9.7 ms
 * with this (4.9-5.1), wake-up p99 7.3-9.2 ms against 4.0-4.2 (2.1); with
 * the short slice for the hogs too, stress-ng's bogo ops/s under cyclictest
 * fell from 157-177 to 129-156, with this 140-174 (147-178).
 */
static inline uint64_t run_slice(const struct cland_host *host, const cland_task_t *task,
				 uint64_t slice_ns, uint64_t slice_min_ns)
{
	if (task->exec_runtime >= slice_ns)
		return fair_slice(host, task, slice_ns, slice_min_ns);
	return period_share(host, task, slice_ns, slice_ns / FAIR_PERIOD_DIV, slice_min_ns);
}

/*
 * The task's weight in the kernel's range, with its rule's multiplier
 * (cland_verdict_weight()); 0 (malformed) counts as nice 0.
 */
static inline uint64_t task_weight(const cland_task_t *task)
{
	if (!task->weight)
		return WEIGHT_DFL;
	return cland_verdict_weight(task);
}

/* @v scaled by the inverse of the task's weight: what @v ns cost in vruntime. */
static inline uint64_t scale_inv_weight(const cland_task_t *task, uint64_t v)
{
	return mul_div(v, WEIGHT_DFL, task_weight(task));
}

/* @v scaled by the task's weight: more for heavy tasks, less for light ones. */
static inline uint64_t scale_weight(const cland_task_t *task, uint64_t v)
{
	return mul_div(v, task_weight(task), WEIGHT_DFL);
}

/*
 * The run slice scaled by the task's weight, within [@slice_min_ns,
 * @slice_ns]: light tasks are preempted sooner, heavy ones never get more
 * than @slice_ns (the slice of "deadline" and "vruntime").
 */
static inline uint64_t weighted_run_slice(const struct cland_host *host, const cland_task_t *task,
					  uint64_t slice_ns, uint64_t slice_min_ns)
{
	return clamp_u64(scale_weight(task, run_slice(host, task, slice_ns, slice_min_ns)),
			 slice_min_ns, slice_ns);
}

/*
 * The standing time of a decision for @task (struct cland_decision.standing_ns):
 * for a wake-up, one fair slice of vruntime in CPU time (the fair slice scaled
 * by its weight), at most @slice_ns; 0 (no standing decision) for any other
 * enqueue, such as a CPU hog's slice end. Its next wake-ups are then scheduled by the
 * backend with no round trip, each key moved on by what the task ran over
 * its weight, until it has run that long or the load rose
 * (decide_standing_holds()). (Unscaled, a task of weight 1, khugepaged at
 * nice 19, ran a fair slice of CPU under it and its key moved 100 of them
 * ahead: the starvation net ran it, in the VM's mixed benchmark.)
 */
static inline uint64_t standing_slice(const struct cland_host *host, const cland_task_t *task,
				      uint64_t slice_ns, uint64_t slice_min_ns)
{
	uint64_t cpu;

	if (!(task->flags & CLAND_TASK_WAKEUP))
		return 0;
	cpu = scale_weight(task, fair_slice(host, task, slice_ns, slice_min_ns));
	return cpu < slice_ns ? cpu : slice_ns;
}

/*
 * The CPU of a decision for @task: an idle CPU it may use, claimed for it
 * through @host, else CLAND_CPU_ANY (whichever CPU frees up first). Asks
 * nothing of a host without claim_idle_cpu, nor for a task that reports no
 * allowed CPU (malformed). A claim is a system call on the real backend;
 * a policy that has no reason to choose the CPU itself returns
 * CLAND_CPU_ANY instead, and the backend finds the idle CPU in the kernel.
 */
static inline int32_t pick_cpu(const struct cland_host *host, const cland_task_t *task)
{
	int cpu;

	if (!host->claim_idle_cpu || !task->nr_cpus_allowed)
		return CLAND_CPU_ANY;
	cpu = host->claim_idle_cpu(host->be, task->pid, task->cpu);
	return cpu >= 0 ? cpu : CLAND_CPU_ANY;
}

#endif /* __CLAND_POLICIES_COMMON_H */
