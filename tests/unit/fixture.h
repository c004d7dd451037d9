/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - what the policy unit tests share (cmocka): a mock host with a
 * settable clock whose claim_idle_cpu() returns a set answer and records the
 * call, a policy instance on it, a task builder, one-call enqueue/dispatch
 * helpers, the dispatch/run/re-enqueue simulation of tasks on one CPU used by
 * the fairness tests, and the checks every policy must pass alike.
 *
 * Include after <cmocka.h> and its prerequisites.
 */
#ifndef __CLAND_TEST_FIXTURE_H
#define __CLAND_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

#define NSEC_PER_MSEC 1000000ULL
#define SLICE_NS      (20 * NSEC_PER_MSEC)
#define SLICE_MIN_NS  (1 * NSEC_PER_MSEC)

/* sched_ext weights: DIV_ROUND_CLOSEST(sched_prio_to_weight[] * 100, 1024) */
#define WEIGHT_NICE_0  100 /* 1024 */
#define WEIGHT_NICE_5  33  /* 335 */
#define WEIGHT_NICE_M5 305 /* 3121 */

/* More tasks than a policy's queue holds after init (65536): it must grow. */
#define MANY_TASKS 100000

/* The backend behind the mock host. */
struct mock_be {
	uint64_t now; /* what host->now() returns */
	int ret;      /* what host->claim_idle_cpu() returns */
	int calls;    /* claim_idle_cpu() calls so far */
	int32_t pid;  /* and the arguments of the last one */
	int32_t prev_cpu;
	uint64_t random; /* the state of host->random() */
};

struct fixture {
	const struct cland_policy *pol;
	void *ctx;
	struct mock_be be;
	struct cland_host host;
	/* optional: run on every decision dispatch() returns */
	void (*check)(const struct cland_decision *d);
};

/* slice_ns SLICE_NS, slice_min_ns SLICE_MIN_NS */
extern const struct cland_policy_cfg fixture_cfg;

/*
 * @pol initialised with fixture_cfg on a mock host with @nr_cpus CPUs, no idle
 * CPU (claim_idle_cpu() returns -EBUSY) and the clock at 1 s. NULL on failure.
 */
struct fixture *fixture_new(const struct cland_policy *pol, int nr_cpus);
void fixture_free(struct fixture *f);

/* cmocka setup helper: *state = fixture_new(@pol, 4). */
int fixture_setup(void **state, const struct cland_policy *pol);
/* cmocka teardown: fixture_free(*state). */
int fixture_teardown(void **state);

/* A nice-0 task on CPU pid % 4, 4 CPUs allowed, generation 1000 + pid. */
cland_task_t make_task(int32_t pid, uint64_t vtime, uint64_t exec_runtime);
/* make_task(), woken up (CLAND_TASK_WAKEUP). */
cland_task_t make_waking(int32_t pid, uint64_t vtime);

void enqueue(struct fixture *f, const cland_task_t *t);
/* The next decision; fails the test if there is none. */
struct cland_decision dispatch(struct fixture *f);
uint64_t pending(struct fixture *f);
/* The vruntime @t is dispatched with (alone in the queue). */
uint64_t placed(struct fixture *f, const cland_task_t *t);
/* Move the virtual clock of a fresh "deadline" or "vruntime" policy from 0 to @v. */
void advance_vclock(struct fixture *f, uint64_t v);
/* The same under "deadline", checked by where a task that never ran is placed. */
void set_vclock(struct fixture *f, uint64_t v);
/* Move that clock at the fair rate, weights mixed; returns where it then is. */
uint64_t run_at_fair_rate(struct fixture *f);
/* The vruntime a run of @ran ns costs a task of @weight placed at @v, near the clock. */
uint64_t charged(struct fixture *f, uint64_t v, uint64_t weight, uint64_t ran);

/*
 * @nr tasks (at most 8, all counted in nr_runnable) of @weight[] on one CPU
 * for @duration ns: dispatch, run for the slice, re-enqueue with the
 * decision's vruntime. Tasks with @sleeps[i] set (@sleeps may be NULL) run at
 * most @burst ns and wake straight up again (CLAND_TASK_WAKEUP, exec_runtime
 * reset); the others never sleep. @ran[i]: the CPU time each got.
 */
void simulate(struct fixture *f, const uint64_t *weight, const bool *sleeps, uint64_t burst,
	      uint64_t *ran, int nr, uint64_t duration);
/* @got (a ratio of CPU times) is @want within 5%. */
void assert_ratio(double got, double want);

/* Checks every policy passes alike; each is one test of each policy's file. */
void check_init_rejects_bad_cfg(const struct cland_policy *pol);
void check_no_claim_idle_cpu_in_host(const struct cland_policy *pol);
/*
 * Decisions leave the CPU to the backend (CLAND_CPU_ANY) and never make the
 * host claim an idle CPU (a system call per decision on the real backend),
 * even with idle CPUs and a task allowed on one CPU only.
 */
void check_backend_places_tasks(struct fixture *f);
/*
 * The slice is the run slice (policies/common.h): slice_ns with no more
 * runnable tasks than CPUs (4 here), else slice_ns / FAIR_PERIOD_DIV shared
 * among the runnable tasks per CPU, as the kernel's fair class divides its
 * period, within [slice_min_ns, slice_ns]; whatever the policy itself holds.
 * A CPU hog (slice_ns run since it last slept) shares all of slice_ns.
 * Nice-0 tasks.
 */
void check_slice_shrinks_with_runnable(struct fixture *f);
void check_generation_echoed(struct fixture *f);
void check_pending_counts(struct fixture *f);
/*
 * With memory exhausted (heap growth fails), CLAND_MAX_INFLIGHT + @extra
 * tasks: every one is dispatched exactly once, those beyond the queue's
 * capacity first, counted as overflows; none is dropped.
 */
void check_no_memory_loses_nothing(struct fixture *f, int extra);
/* The same beyond the reserve too: the tasks lost are exactly those counted. */
void check_no_memory_drops_counted(struct fixture *f);

#endif /* __CLAND_TEST_FIXTURE_H */
