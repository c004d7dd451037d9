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
 * The fair slice when @task was queued: @slice_ns shared among the tasks
 * runnable per CPU (task->nr_runnable, from the backend), as the kernel's
 * fair class divides its period, within [@slice_min_ns, @slice_ns].
 */
static inline uint64_t fair_slice(const struct cland_host *host, const cland_task_t *task,
				  uint64_t slice_ns, uint64_t slice_min_ns)
{
	uint64_t cpus = host->nr_cpus > 0 ? (uint64_t)host->nr_cpus : 1;
	uint64_t nr = task->nr_runnable ? task->nr_runnable : 1;
	uint64_t slice = nr <= cpus ? slice_ns : slice_ns * cpus / nr;

	return clamp_u64(slice, slice_min_ns, slice_ns);
}

/*
 * Under contention a task runs for a share of slice_ns / FAIR_PERIOD_DIV
 * (3.3 ms at the default 20 ms), not of all of slice_ns, as the kernel's fair
 * class shares a latency period. With all of it, 5 tasks on 2 CPUs ran 8 ms
 * slices: request/worker threads ran several requests back to back while the
 * others waited. reqwork in the VM, both in one run, two rounds: request p99
 * 18.6 and 18.7 ms with all of slice_ns, 7.4 and 8.8 ms with a sixth (EEVDF
 * 5.4 and 5.0), wake-up p99 9.5-9.7 ms against 3.7-4.0 (EEVDF 2.2-2.4);
 * requests/s, hackbench and cyclictest under hogs unchanged.
 */
#define FAIR_PERIOD_DIV 6

/*
 * The slice a task is dispatched with, before weight scaling: all of
 * @slice_ns while there are no more runnable tasks than CPUs, else the period
 * above shared among the tasks runnable per CPU, within [@slice_min_ns,
 * @slice_ns]. Only how long a task runs at a time: what sleeping earns and
 * the bonuses stay bounded by fair_slice(), so that shares by weight do not
 * change (bounded by this shorter slice, the deadline policy pulled a nice-0
 * hog up to a nice-10 one's vruntime: 3.3x its CPU, not 9.3x).
 */
static inline uint64_t run_slice(const struct cland_host *host, const cland_task_t *task,
				 uint64_t slice_ns, uint64_t slice_min_ns)
{
	uint64_t cpus = host->nr_cpus > 0 ? (uint64_t)host->nr_cpus : 1;
	uint64_t nr = task->nr_runnable ? task->nr_runnable : 1;
	uint64_t slice = nr <= cpus ? slice_ns : slice_ns / FAIR_PERIOD_DIV * cpus / nr;

	return clamp_u64(slice, slice_min_ns, slice_ns);
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
