/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - what a scx_cland policy implements, and what it may call.
 *
 * A policy is plain C: it is told about runnable tasks (struct cland_task)
 * and hands back decisions (struct cland_decision). It never sees BPF or
 * libbpf. The same policy object is driven by the real BPF backend (the
 * scx_cland daemon) and by the simulator, through struct cland_host.
 */
#ifndef __CLAND_POLICY_H
#define __CLAND_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/intf.h"

/* A runnable task as a policy sees it (same layout as the wire message). */
typedef struct cland_queued cland_task_t;

/* Services of the backend that a policy may call. */
struct cland_host {
	void *be; /* backend state, passed back to every call */
	/*
	 * Find an idle CPU that @pid may run on, preferring @prev_cpu and
	 * whole idle cores, and claim it (cland_claim_idle_cpu() in the
	 * daemon). Returns the CPU or a negative value when none is idle.
	 */
	int (*claim_idle_cpu)(void *be, int32_t pid, int32_t prev_cpu);
	/* Current time in ns, on the clock of the task timestamps. */
	uint64_t (*now)(void *be);
	int nr_cpus;
	/*
	 * 64 random bits from the host's seeded generator (lib/random.h): the
	 * same draws on every run with the same seed (cland-sim --seed N; the
	 * daemon's seed is fixed, CLAND_HOST_SEED), so that a randomized
	 * policy is reproducible. Not for cryptography.
	 */
	uint64_t (*random)(void *be);
};

/*
 * What a policy may call and allocate, and where.
 *
 * The daemon is one thread and the policy runs in it, on the path every
 * waiting task goes through: while enqueue() or dispatch() runs, the tasks
 * queued to user space wait.
 *  - init(): anything. Allocate here everything the hot path will need
 *    (memory is locked: mlockall), read files, compute tables.
 *  - enqueue(), dispatch(), nr_pending(), stats(): no blocking (no I/O, no
 *    sleeping, no locks, no system calls other than the host's), no
 *    threads, no signals, and no allocation (malloc may fault or take a
 *    lock; cland-sim --check counts every allocation made there and fails
 *    the policy for it). They may call the host (now(), random(),
 *    claim_idle_cpu() - a system call in the daemon: in dispatch(), for
 *    the decision it returns, or not at all), libc functions that neither
 *    block nor allocate (memcpy, memset, string functions, qsort...) and
 *    libm (log, exp, sqrt, pow...: linked into the daemon, the simulator
 *    and the unit tests). A structure that must grow past what init()
 *    allocated may grow there, rarely, and must not lose a task when the
 *    allocation fails (policies/task_queue.h).
 *  - exit(): free what init() allocated.
 * State lives in ctx (ctx_size bytes), never in globals: the simulator and
 * the tests run several instances of a policy in one process.
 */

/* Tunables every policy receives (all in ns). */
struct cland_policy_cfg {
	uint64_t slice_ns;     /* maximum time slice */
	uint64_t slice_min_ns; /* minimum time slice */
};

/*
 * A policy's own counters (cland_policy.stats). The daemon appends them to
 * its counters line ("overflows=N dropped=N"), the simulator to its report.
 */
struct cland_policy_stats {
	/* tasks the policy could not queue in order (no memory): run out of order */
	uint64_t nr_overflows;
	/*
	 * Tasks the policy lost: never dispatched, so each waits for the
	 * kernel's watchdog, which then unloads the scheduler. Must stay 0.
	 */
	uint64_t nr_dropped;
};

struct cland_policy {
	const char *name;
	const char *summary; /* one line, for --list-policies */
	size_t ctx_size;     /* bytes of private state, zeroed, given to each call */

	/*
	 * Set up the policy. All memory the hot path needs must be allocated
	 * here. The daemon has already locked its memory (mlockall with
	 * MCL_FUTURE, in cland_open()), so what init allocates is locked too;
	 * allocating later, while tasks wait on the daemon, costs page faults
	 * and may fail. Returns 0 or -errno.
	 */
	int (*init)(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host);
	/* A task became runnable and waits for a decision. */
	void (*enqueue)(void *ctx, const cland_task_t *task);
	/*
	 * Produce the next decision into @out. Returns false when the policy
	 * wants to dispatch nothing more for now.
	 */
	bool (*dispatch)(void *ctx, struct cland_decision *out);
	/* Number of tasks the policy still holds (not yet dispatched). */
	uint64_t (*nr_pending)(void *ctx);
	/* Optional: fill @out (zeroed by the caller) with the policy's counters. */
	void (*stats)(void *ctx, struct cland_policy_stats *out);
	/* Release what init allocated. */
	void (*exit)(void *ctx);
};

/* The policies built into scx_cland, NULL-terminated. */
extern const struct cland_policy *const cland_policies[];

/* Look a policy up by name; NULL if there is none. */
const struct cland_policy *cland_policy_find(const char *name);

/* @pol's counters for its state @ctx into @out: all 0 if it keeps none. */
static inline void cland_policy_read_stats(const struct cland_policy *pol, void *ctx,
					   struct cland_policy_stats *out)
{
	*out = (struct cland_policy_stats){0};
	if (pol->stats)
		pol->stats(ctx, out);
}

#endif /* __CLAND_POLICY_H */
