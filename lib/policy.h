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

/* bpf/intf.h; installed next to this header (pkg-config --cflags cland) */
#include "intf.h"

/*
 * The version of this interface: struct cland_policy, cland_task_t, struct
 * cland_decision, struct cland_host and what they mean. A policy built as a
 * plug-in (below) exports CLAND_POLICY_ABI as it was built, and is refused
 * when it differs from its host's. CLAND_POLICY_ABI_VERSION is bumped
 * whenever any of them changes; the sizes of the task, the decision and the
 * host are part of CLAND_POLICY_ABI too, so that a struct that grew is caught
 * even if the bump was forgotten (a plug-in writing a decision of the wrong
 * size would corrupt its host's memory).
 */
/* 2: cland_decision.standing_ns; 3: CLAND_TASK_SYNC; 4: cland_queued.last_run */
#define CLAND_POLICY_ABI_VERSION 4
#define CLAND_POLICY_ABI                                                                           \
	((int)((CLAND_POLICY_ABI_VERSION << 24) | ((sizeof(struct cland_queued) & 0xfff) << 12) |  \
	       ((sizeof(struct cland_decision) + sizeof(struct cland_host)) & 0xfff)))

/*
 * A runnable task as a policy sees it: the wire message of the backend, with
 * the verdict of the daemon's rules filled in (verdict, verdict_slice,
 * verdict_weight_pct, verdict_rule; all 0 when no rule matched).
 *
 * What a policy does with a verdict (deadline, vruntime and fifo do this,
 * with the helpers below):
 *  - CLAND_VERDICT_LATENCY_CRITICAL: queued ahead of the other tasks
 *    (cland_verdict_key()), with the minimum slice; a task that has run a
 *    whole slice_ns since it last slept is ordered as usual (still with the
 *    short slice) until it sleeps again, so that it cannot keep the others
 *    off a CPU (the backend, told by the daemon, also lets it preempt a
 *    less urgent running task at once, without the preemption granularity);
 *  - CLAND_VERDICT_BACKGROUND: queued behind every other task
 *    (CLAND_VERDICT_BG_DELAY_NS later), so it runs when nothing else wants
 *    the CPU, with a long slice (CLAND_VERDICT_BG_SLICES x slice_ns); its
 *    late deadline makes it the first to be preempted. (The backend's
 *    starvation net still runs it after 500 ms of waiting.);
 *  - verdict_weight_pct: the weight is multiplied by it / 100
 *    (cland_verdict_weight());
 *  - verdict_slice: the slice of every decision for the task, whatever the
 *    policy or the flags above would give (cland_verdict_slice()).
 * A rule's CPU set is not the policy's business: the backend never places
 * the task outside it, whatever CPU a decision names.
 */
typedef struct cland_queued cland_task_t;

/* How far behind the other tasks a background task is queued (1000 s). */
#define CLAND_VERDICT_BG_DELAY_NS (1000ULL * 1000 * 1000 * 1000)
/* A background task's slice: this many times slice_ns (at most CLAND_MAX_SLICE_NS). */
#define CLAND_VERDICT_BG_SLICES 4

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

/* The latency-critical boost applies: the flag, and less than @slice_ns run since it slept. */
static inline bool cland_verdict_boosted(const cland_task_t *task, uint64_t slice_ns)
{
	return (task->verdict & CLAND_VERDICT_LATENCY_CRITICAL) && task->exec_runtime < slice_ns;
}

/*
 * The ordering key (decision deadline) of @task given the one the policy
 * would give it, @key: @now - @ahead when the latency-critical boost applies
 * (@now: the policy's current position on its key scale, @ahead: more than
 * the spread of the keys it gives, so that the task goes ahead of them),
 * @key + CLAND_VERDICT_BG_DELAY_NS for a background task, else @key.
 */
static inline uint64_t cland_verdict_key(const cland_task_t *task, uint64_t key, uint64_t now,
					 uint64_t ahead, uint64_t slice_ns)
{
	if (cland_verdict_boosted(task, slice_ns))
		return now > ahead ? now - ahead : 0;
	if (task->verdict & CLAND_VERDICT_BACKGROUND)
		return key > UINT64_MAX - CLAND_VERDICT_BG_DELAY_NS
			       ? UINT64_MAX
			       : key + CLAND_VERDICT_BG_DELAY_NS;
	return key;
}

/*
 * The slice of a decision for @task given the policy's own, @slice: the
 * rule's fixed slice if any, else @slice_min_ns for a latency-critical task,
 * CLAND_VERDICT_BG_SLICES x @slice_ns for a background one, else @slice.
 */
static inline uint64_t cland_verdict_slice(const cland_task_t *task, uint64_t slice,
					   uint64_t slice_ns, uint64_t slice_min_ns)
{
	uint64_t bg = slice_ns * CLAND_VERDICT_BG_SLICES;

	if (task->verdict_slice)
		return task->verdict_slice < CLAND_MAX_SLICE_NS ? task->verdict_slice
								: CLAND_MAX_SLICE_NS;
	if (task->verdict & CLAND_VERDICT_LATENCY_CRITICAL)
		return slice_min_ns;
	if (task->verdict & CLAND_VERDICT_BACKGROUND)
		return bg < CLAND_MAX_SLICE_NS ? bg : CLAND_MAX_SLICE_NS;
	return slice;
}

/* The weight of @task with its rule's multiplier, within the kernel's 1..10000. */
static inline uint64_t cland_verdict_weight(const cland_task_t *task)
{
	uint64_t w = task->weight;

	if (task->verdict_weight_pct)
		w = w * task->verdict_weight_pct / 100;
	return w < 1 ? 1 : w > 10000 ? 10000 : w;
}

/*
 * Policies as plug-ins: a shared object built out of tree (`cc -shared -fPIC
 * $(pkg-config --cflags cland) mypolicy.c -o mypolicy.so`), loaded with
 * `scx_cland -p ./mypolicy.so` or `cland-sim --policy ./mypolicy.so`. It
 * exports its policy and the CLAND_POLICY_ABI it was built with:
 *
 *	CLAND_PLUGIN(my_policy);
 *
 * A missing symbol, another ABI, or a policy without name, init, enqueue,
 * dispatch, nr_pending or exit is refused with a message, and nothing runs.
 */
#define CLAND_PLUGIN_POLICY_SYM "cland_plugin_policy"
#define CLAND_PLUGIN_ABI_SYM	"cland_plugin_abi"
#define CLAND_PLUGIN(pol)                                                                          \
	__attribute__((visibility("default"))) const int cland_plugin_abi = CLAND_POLICY_ABI;      \
	__attribute__((visibility("default")))                                                     \
	const struct cland_policy *const cland_plugin_policy = &(pol)

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
