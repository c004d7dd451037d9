/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decide.h - how the backend carries a decision out, as constants and pure
 * functions: when a decision is malformed, how long a running task is
 * protected from preemption (by a decision, by a standing wake-up), when a preempted task goes back
 * to a DSQ without a round trip through user space, the slices and the ordering key of the tasks
 * BPF runs itself. Shared by the BPF backend and the simulator (sim/kernel.c, sim/nets.c), so that
 * the simulator models the rules the kernel runs. Header-only; comparisons of times go through
 * cland_time.h.
 */
#ifndef __CLAND_DECIDE_H
#define __CLAND_DECIDE_H

#include "cland_time.h"
#include "intf.h"

/* A running task is not preempted before it has run this long (preempt_gran_ns). */
#define DECIDE_PREEMPT_GRAN_NS (1000ULL * 1000)
/* The least lead a standing decision is allowed (decide_standing_lead()). */
#define DECIDE_STANDING_LEAD_MIN_NS (1000ULL * 1000)
/* A preempted task with less of its slice left goes through user space again. */
#define DECIDE_REQUEUE_MIN_NS (100ULL * 1000)
/* The slice of a task the starvation net runs: a backlog drains fast. */
#define DECIDE_STARVE_SLICE_NS (1000ULL * 1000)
/* A task BPF schedules alone (taken back, degraded, congested) gets slice_ns / this. */
#define DECIDE_ALONE_SLICE_DIV 4
/*
 * The kernel's watchdog (sched_ext_ops.timeout_ms): a runnable task that has
 * not run for this long ejects the scheduler. It looks every half of it.
 */
#define CLAND_WATCHDOG_MS 5000

/*
 * A task due at @deadline may displace one running due at @running (past its
 * granularity, checked apart): only if that one is due later by more than
 * @gran, the wake-up granularity of the kernel's former fair class (CFS), so
 * that tasks of equal urgency do not preempt each other back and forth; the
 * daemon (@deadline 0) displaces any task due later. Under reqwork, a worker
 * woken by the dispatcher displaced another one close to the end of its
 * burst: bench/ab/ab.sh, 2 vCPUs, two runs of two rounds, main / this:
 * request p99 2472, 2455 / 2349, 2256 us and 2150, 2345 / 1748, 1967 us;
 * under mixed, preemptions 1826-2075 / 1306-1553.
 */
static inline bool decide_displaces(__u64 running, __u64 deadline, __u64 gran)
{
	return time_after(running, deadline ? deadline + gran : 0);
}

/* The longest protection decide_protect() gives, for granularity @gran. */
static inline __u64 decide_protect_max(__u64 gran)
{
	return 2 * gran;
}

/*
 * How long a running task is protected from preemption (from where
 * decide_gran_start() counts): two granularities @gran for a task whose
 * last run (@last_run: from a wake-up to its sleep) ended within two, one
 * for the others. A task that runs about a millisecond and sleeps was
 * preempted close to the end of its run, to wait behind the others for the
 * little it had left: under reqwork (1 ms bursts) a woken worker or the
 * dispatcher preempted a worker about to reply. A task that runs longer
 * gets no more than the granularity, so that a task woken among such runs
 * does not wait longer. bench/ab/ab.sh, 2 vCPUs, three rounds, 1 ms for all /
 * this: reqwork preemptions 2949, 2537, 1740 / 309, 210, 90, request p99
 * 11.7, 9.8, 8.4 / 7.2, 6.5, 5.4 ms (EEVDF 6.5, 7.8, 5.7), its wake-up p50
 * 309, 285, 673 / 1146, 1087, 1006 us (660, 796, 610). 2 ms for every task
 * cut the preemptions further (55, 36 in another boot), but in the
 * simulator a task running 100 us among two that run 5 ms then waited
 * longer (wake-up p99 over 5 ms, test_standing_wakeups_preempt). The fair
 * class protects a task for its slice (0.75 ms x (1 + log2 CPUs): 1.5 ms at
 * 2 CPUs, 2.25 at 4).
 */
static inline __u64 decide_protect(__u64 last_run, __u64 gran)
{
	return last_run && last_run <= decide_protect_max(gran) ? decide_protect_max(gran) : gran;
}

/*
 * A decision whose CPU, slice or standing time cannot be carried out (on a
 * host of @nr_cpu_ids CPUs).
 */
static inline bool decide_malformed(__s32 cpu, __u64 slice, __u64 standing_ns, __u32 nr_cpu_ids)
{
	return cpu < CLAND_CPU_ANY || cpu >= (__s32)nr_cpu_ids || slice > CLAND_MAX_SLICE_NS ||
	       standing_ns > CLAND_MAX_SLICE_NS;
}

/*
 * The ordering key of a wake-up under a standing decision: the task's last
 * key @deadline moved back by what it ran since (@ran), scaled by its
 * @weight as a vruntime is. Never ahead of where the policy put it; how far
 * ahead of the others it can run is bounded by the CPU time the decision
 * covers (a fair slice, for deadline) and by decide_standing_holds(). (Keeping it no further ahead
 * of the last-started key than when it was decided was tried: an interactive task then lost its
 * place to CPU hogs, ui p99 3 ms -> 11 ms in the simulator.)
 */
static inline __u64 decide_standing_key(__u64 deadline, __u64 ran, __u64 weight)
{
	return deadline + ran * 100 / (weight ? weight : 1);
}

/*
 * A standing decision holds while the task's next key (decide_standing_key())
 * is not ahead of @head, the first key waiting for a CPU (none waiting: the
 * key of the task that started last), by more than @lead:
 * beyond, the decision is void and the task goes back to its policy. Its
 * budget was sized for the load it was decided under; after that load rose,
 * the task's key ran ahead of the others' at its own CPU rate, and it then
 * waited for them all to catch up: in the VM's mixed benchmark, cyclictest
 * decided between two hackbench runs (13 ms standing: 3 tasks runnable) ran
 * 9 ms of key ahead of 115 queued tasks and waited for the starvation net (500 ms), about
 * once a run. Its policy bounds how far ahead a task is put (deadline: one
 * fair slice at the load of the moment). How far is too far:
 * decide_standing_lead().
 */
static inline bool decide_standing_holds(__u64 key, __u64 head, __u64 lead)
{
	return !time_after(key, head + lead);
}

/*
 * The lead decide_standing_holds() allows: the fair slice at the load of the
 * moment (@slice_ns shared by @nr_runnable tasks on @nr_cpus), at least
 * @min (DECIDE_STANDING_LEAD_MIN_NS). A key that far ahead waits about a
 * slice for the others to catch up, whatever the load. (A 1 ms lead
 * whatever the load: reqwork at 4 vCPUs 0.9x the requests/s of the code
 * before, in bench/ab/ab.sh.)
 */
static inline __u64 decide_standing_lead(__u64 slice_ns, __u64 nr_cpus, __u64 nr_runnable,
					 __u64 min)
{
	__u64 fair = nr_runnable > nr_cpus ? slice_ns * nr_cpus / nr_runnable : slice_ns;

	return fair > min ? fair : min;
}

/*
 * When a task running from @seg_start, having run @exec_runtime since it last
 * slept, would have started had it run all that in one go: what
 * decide_gran_start() counts from.
 */
static inline __u64 decide_awake_since(__u64 seg_start, __u64 exec_runtime)
{
	return seg_start > exec_runtime ? seg_start - exec_runtime : 0;
}

/*
 * Where the preemption granularity of a running task counts from. @run_start
 * is when it started the run its policy decided (before a requeue, if it was
 * preempted and resumes: it is not protected twice); a task that has run
 * @exec_runtime >= @hog_ns since it last slept is a CPU hog: it counts from
 * @awake_since (decide_awake_since()), so it is not protected at all. A task
 * protected for a millisecond will likely sleep again soon (messaging: sparing
 * it halves the switches); a hog will not, and protecting each of its slices
 * made an interactive task wait up to a tick or a slice behind it (cyclictest
 * under hogs, p99 12 ms).
 */
static inline __u64 decide_gran_start(__u64 run_start, __u64 awake_since, __u64 exec_runtime,
				      __u64 hog_ns)
{
	return exec_runtime < hog_ns ? run_start : awake_since;
}

/*
 * A standing wake-up (no round trip) may preempt a running task (a less
 * urgent one past its granularity, as a decision may), unless it is a @quiet
 * one: a running user task woke it from a system call (a pipe's or a
 * socket's sync wake-up, a futex's), so the woken task waits for a CPU to
 * free up or a slice to end, as the fair class's RUN_TO_PARITY lets the
 * waker run on. A timer's wake-up (an interrupt) preempts. A task writing
 * to many readers would be preempted by each: hackbench sockets at 4 vCPUs
 * saw 29-44 thousand preemptions a run; when a reader preempted it once it
 * had had 1 ms of its CPU, still 10-13 thousand (one per ms of writing:
 * sockets 2.6-3.8 s, EEVDF 1.9-2.3); never, 150 (2.4-2.5 s). Until 2026-12-02
 * a futex's wake-up preempted: reqwork's woken workers preempted the others
 * (bench/ab/ab.sh, 4 vCPUs, 2 rounds, before / after: 2411, 2240 / 212, 170
 * preemptions a run, 1098, 1093 / 1173, 1171 requests/s, wake-up p50 1091,
 * 1086 / 828, 761 us; 2 vCPUs, 3 rounds: requests/s 1411, 1177, 1493 /
 * 1424, 1521, 1369, wake-up p50 1163, 1144, 1127 / 1313, 1249, 1261 us, p99
 * within the spread). Before that, until 2026-12, it preempted only a CPU
 * hog (awake a slice), and a task that sleeps often only at the tick after
 * (tick_preempt()): wake-up p50 1148, 1149 against 362, 383 us when any
 * task past its protection could be preempted (2 vCPUs; EEVDF 696, 620).
 */
static inline bool decide_standing_preempts(bool quiet)
{
	return !quiet;
}

/* A task preempted after running @ran of its @run_slice goes back to a DSQ in BPF. */
static inline bool decide_requeue(__u64 run_slice, __u64 ran)
{
	return run_slice > ran + DECIDE_REQUEUE_MIN_NS;
}

/*
 * The ordering key of a task BPF schedules alone, given its last deadline
 * @deadline, BPF's "now" on the shared DSQ's key scale @now, the default
 * slice @slice_ns, its last run @ran and its @weight: a weighted vruntime
 * kept in its deadline, brought within one slice of @now, then charged with
 * its last run. Kernel threads go one slice before @now.
 */
static inline __u64 decide_alone_key(__u64 deadline, __u64 now, __u64 slice_ns, __u64 ran,
				     __u64 weight, bool kthread)
{
	__u64 floor = now > slice_ns ? now - slice_ns : 0;

	if (kthread)
		return floor;
	if (time_before(deadline, floor))
		deadline = floor;
	if (time_after(deadline, now + slice_ns))
		deadline = now + slice_ns;
	return deadline + ran * 100 / (weight ? weight : 1);
}

#endif /* __CLAND_DECIDE_H */
