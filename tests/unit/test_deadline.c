// SPDX-License-Identifier: GPL-2.0
/*
 * test_deadline.c - unit tests of the "deadline" policy (policies/deadline.c):
 * interactive tasks first, bounded wake-up credit, weighted charging, FIFO
 * ties, slice sizing, CPU selection, the heap-full path and fairness.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

#define NSEC_PER_MSEC 1000000ULL
#define SLICE_NS      (20 * NSEC_PER_MSEC)
#define SLICE_MIN_NS  (1 * NSEC_PER_MSEC)

/* sched_ext weights: DIV_ROUND_CLOSEST(sched_prio_to_weight[] * 100, 1024) */
#define WEIGHT_NICE_0  100 /* 1024 */
#define WEIGHT_NICE_5  33  /* 335 */
#define WEIGHT_NICE_M5 305 /* 3121 */

/* More tasks than the policy's heap holds after init (65536): it must grow. */
#define MANY_TASKS 100000

extern const struct cland_policy cland_policy_deadline;

/* A backend whose claim_idle_cpu() returns a fixed answer and records the call. */
struct mock_be {
	int ret;
	int calls;
	int32_t pid;
	int32_t prev_cpu;
};

struct fixture {
	const struct cland_policy *pol;
	void *ctx;
	struct mock_be be;
	struct cland_host host;
};

static int mock_claim_idle_cpu(void *be, int32_t pid, int32_t prev_cpu)
{
	struct mock_be *m = be;

	m->calls++;
	m->pid = pid;
	m->prev_cpu = prev_cpu;
	return m->ret;
}

static int setup(void **state)
{
	static const struct cland_policy_cfg cfg = {.slice_ns = SLICE_NS,
						    .slice_min_ns = SLICE_MIN_NS};
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->pol = &cland_policy_deadline;
	f->ctx = calloc(1, f->pol->ctx_size);
	if (!f->ctx) {
		free(f);
		return -1;
	}
	f->be.ret = -EBUSY;
	f->host.be = &f->be;
	f->host.claim_idle_cpu = mock_claim_idle_cpu;
	f->host.nr_cpus = 4;
	if (f->pol->init(f->ctx, &cfg, &f->host)) {
		free(f->ctx);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->pol->exit(f->ctx);
	free(f->ctx);
	free(f);
	return 0;
}

static cland_task_t task(int32_t pid, uint64_t vtime, uint64_t exec_runtime)
{
	cland_task_t t;

	memset(&t, 0, sizeof(t));
	t.pid = pid;
	t.cpu = pid % 4;
	t.weight = WEIGHT_NICE_0;
	t.vtime = vtime;
	t.exec_runtime = exec_runtime;
	t.gen = 1000 + (uint64_t)pid;
	t.nr_cpus_allowed = 4;
	return t;
}

static void enqueue(struct fixture *f, const cland_task_t *t)
{
	f->pol->enqueue(f->ctx, t);
}

static struct cland_decision dispatch(struct fixture *f)
{
	struct cland_decision d;

	assert_true(f->pol->dispatch(f->ctx, &d));
	return d;
}

static uint64_t pending(struct fixture *f)
{
	return f->pol->nr_pending(f->ctx);
}

/* Make the policy's min_vruntime @v by dispatching a task with that vruntime. */
static void set_min_vruntime(struct fixture *f, uint64_t v)
{
	cland_task_t t = task(999, v, 0);

	enqueue(f, &t);
	assert_int_equal(dispatch(f).vtime, v);
	assert_int_equal(pending(f), 0);
}

static void test_registered(void **state)
{
	(void)state;
	assert_ptr_equal(cland_policy_find("deadline"), &cland_policy_deadline);
	assert_ptr_equal(cland_policies[0], &cland_policy_deadline);
	assert_null(cland_policy_find("nope"));
	assert_null(cland_policy_find(NULL));
	assert_string_equal(cland_policy_deadline.name, "deadline");
	assert_non_null(cland_policy_deadline.summary);
	assert_true(cland_policy_deadline.ctx_size > 0);
}

static void test_init_rejects_bad_cfg(void **state)
{
	const struct cland_policy *pol = &cland_policy_deadline;
	struct cland_policy_cfg zero_min = {.slice_ns = SLICE_NS, .slice_min_ns = 0};
	struct cland_policy_cfg min_gt_max = {.slice_ns = SLICE_MIN_NS, .slice_min_ns = SLICE_NS};
	void *ctx = calloc(1, pol->ctx_size);

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(pol->init(ctx, NULL, NULL), -EINVAL);
	pol->exit(ctx); /* safe after a failed init */
	assert_int_equal(pol->init(ctx, &zero_min, NULL), -EINVAL);
	pol->exit(ctx);
	assert_int_equal(pol->init(ctx, &min_gt_max, NULL), -EINVAL);
	pol->exit(ctx);
	pol->exit(ctx); /* and twice */
	free(ctx);
}

static void test_empty(void **state)
{
	struct fixture *f = *state;
	struct cland_decision d;

	assert_int_equal(pending(f), 0);
	assert_false(f->pol->dispatch(f->ctx, &d));
}

static void test_pending_counts(void **state)
{
	struct fixture *f = *state;
	int32_t pid;

	for (pid = 1; pid <= 10; pid++) {
		cland_task_t t = task(pid, 0, 0);

		enqueue(f, &t);
		assert_int_equal(pending(f), (uint64_t)pid);
	}
	for (pid = 9; pid >= 0; pid--) {
		dispatch(f);
		assert_int_equal(pending(f), (uint64_t)pid);
	}
}

static void test_interactive_before_hog(void **state)
{
	struct fixture *f = *state;
	cland_task_t hog = task(1, 5 * SLICE_NS, 50 * NSEC_PER_MSEC);
	cland_task_t interactive = task(2, 5 * SLICE_NS, 100000);
	struct cland_decision d;

	/* the hog was queued first, with the same vruntime */
	enqueue(f, &hog);
	enqueue(f, &interactive);
	d = dispatch(f);
	assert_int_equal(d.pid, 2);
	assert_int_equal(d.vtime, 5 * SLICE_NS);
	assert_int_equal(d.deadline, 5 * SLICE_NS + 100000);
	d = dispatch(f);
	assert_int_equal(d.pid, 1);
	assert_int_equal(d.deadline, 5 * SLICE_NS + 50 * NSEC_PER_MSEC);
	assert_true(d.deadline >= d.vtime);
}

static void test_exec_runtime_bonus_capped(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = task(1, 0, 1000 * SLICE_NS);
	cland_task_t light = task(2, 0, 100 * SLICE_NS);
	struct cland_decision d;

	enqueue(f, &t);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, 100 * SLICE_NS);

	/* the cap applies after weight scaling too */
	light.weight = WEIGHT_NICE_5;
	enqueue(f, &light);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, 100 * SLICE_NS);
}

static void test_wakeup_credit_bounded(void **state)
{
	struct fixture *f = *state;
	const uint64_t min = 1000 * SLICE_NS;
	cland_task_t fresh = task(1, 0, 0);
	cland_task_t sleeper = task(2, min - 3 * SLICE_NS, 0);
	cland_task_t recent = task(3, min - SLICE_NS / 2, 0);
	cland_task_t ahead = task(4, min + SLICE_NS, 0);

	set_min_vruntime(f, min);
	/* vtime 0 (never seen) and long sleepers: exactly one slice of credit */
	enqueue(f, &fresh);
	assert_int_equal(dispatch(f).vtime, min - SLICE_NS);
	enqueue(f, &sleeper);
	assert_int_equal(dispatch(f).vtime, min - SLICE_NS);
	/* within the credit window, or ahead: the task keeps its own vruntime */
	enqueue(f, &recent);
	assert_int_equal(dispatch(f).vtime, min - SLICE_NS / 2);
	enqueue(f, &ahead);
	assert_int_equal(dispatch(f).vtime, min + SLICE_NS);
}

static void test_no_underflow_near_zero(void **state)
{
	struct fixture *f = *state;
	cland_task_t fresh = task(1, 0, 0);

	/* min_vruntime (SLICE_NS / 2) is less than a slice: floor at 0 */
	set_min_vruntime(f, SLICE_NS / 2);
	enqueue(f, &fresh);
	assert_int_equal(dispatch(f).vtime, 0);
}

static void test_min_vruntime_monotonic(void **state)
{
	struct fixture *f = *state;
	const uint64_t high = 500 * SLICE_NS;
	cland_task_t low = task(1, 10 * SLICE_NS, 0);
	cland_task_t fresh = task(2, 0, 0);

	set_min_vruntime(f, high);
	/* dispatching a task with a lower vruntime does not move it back */
	enqueue(f, &low);
	assert_int_equal(dispatch(f).vtime, high - SLICE_NS);
	enqueue(f, &fresh);
	assert_int_equal(dispatch(f).vtime, high - SLICE_NS);
}

/* The vruntime charged for @ran ns to a task of @weight. */
static uint64_t charged(struct fixture *f, uint64_t weight, uint64_t ran)
{
	static uint64_t base;
	cland_task_t t;
	struct cland_decision d;

	/* above every vruntime dispatched so far: no re-alignment */
	base += 1000000 * SLICE_NS;
	t = task(1, base, 0);
	t.weight = weight;
	t.start_ts = 7 * SLICE_NS;
	t.stop_ts = t.start_ts + ran;
	enqueue(f, &t);
	d = dispatch(f);
	return d.vtime - base;
}

static void test_weighted_charge(void **state)
{
	struct fixture *f = *state;
	const uint64_t ran = 3 * NSEC_PER_MSEC;
	uint64_t nice0 = charged(f, WEIGHT_NICE_0, ran);
	uint64_t nice5 = charged(f, WEIGHT_NICE_5, ran);
	uint64_t nicem5 = charged(f, WEIGHT_NICE_M5, ran);

	assert_int_equal(nice0, ran);
	assert_int_equal(nice5, ran * 100 / WEIGHT_NICE_5);
	assert_int_equal(nicem5, ran * 100 / WEIGHT_NICE_M5);
	assert_true(nice5 > 3 * nice0 - nice0 / 100);
	assert_true(nicem5 < nice0 / 3);
	/* extreme weights */
	assert_int_equal(charged(f, 1, ran), ran * 100);
	assert_int_equal(charged(f, 10000, ran), ran / 100);
}

static void test_bad_timestamps_and_weight(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = task(1, 100 * SLICE_NS, 0);

	/* stop before start: nothing charged */
	t.start_ts = 10 * SLICE_NS;
	t.stop_ts = 9 * SLICE_NS;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).vtime, 100 * SLICE_NS);
	/* weight 0 (malformed) is charged like nice 0, without dividing by 0 */
	assert_int_equal(charged(f, 0, 5000), 5000);
	/* weights above the kernel's range are clamped to 10000 */
	assert_int_equal(charged(f, 1000000, 500000), 5000);
}

static void test_saturates_instead_of_wrapping(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = task(1, UINT64_MAX - 10, UINT64_MAX);
	struct cland_decision d;

	t.weight = 1;
	t.start_ts = 0;
	t.stop_ts = UINT64_MAX;
	enqueue(f, &t);
	d = dispatch(f);
	assert_true(d.vtime == UINT64_MAX);
	assert_true(d.deadline == UINT64_MAX);
}

static void test_fifo_among_equal_deadlines(void **state)
{
	struct fixture *f = *state;
	int32_t pid;

	for (pid = 1; pid <= 20; pid++) {
		/* two groups with interleaved enqueues */
		cland_task_t t = task(pid, pid % 2 ? 2 * SLICE_NS : SLICE_NS, 0);

		enqueue(f, &t);
	}
	for (pid = 2; pid <= 20; pid += 2)
		assert_int_equal(dispatch(f).pid, pid);
	for (pid = 1; pid <= 19; pid += 2)
		assert_int_equal(dispatch(f).pid, pid);
}

static void test_slice_shrinks_with_pending(void **state)
{
	struct fixture *f = *state;
	uint64_t prev = 0;
	int32_t pid;

	/* 1 alone: full slice */
	{
		cland_task_t t = task(1, 0, 0);

		enqueue(f, &t);
		assert_int_equal(dispatch(f).slice, SLICE_NS);
	}
	/* 4 queued: the first dispatched shares with 3 others */
	for (pid = 1; pid <= 4; pid++) {
		cland_task_t t = task(pid, 0, 0);

		enqueue(f, &t);
	}
	assert_int_equal(dispatch(f).slice, SLICE_NS / 4);
	assert_int_equal(dispatch(f).slice, SLICE_NS / 3);
	assert_int_equal(dispatch(f).slice, SLICE_NS / 2);
	assert_int_equal(dispatch(f).slice, SLICE_NS);
	/* 100 queued: never below the minimum, grows as the queue drains */
	for (pid = 1; pid <= 100; pid++) {
		cland_task_t t = task(pid, 0, 0);

		enqueue(f, &t);
	}
	for (pid = 1; pid <= 100; pid++) {
		uint64_t slice = dispatch(f).slice;

		assert_in_range(slice, SLICE_MIN_NS, SLICE_NS);
		assert_true(slice >= prev);
		prev = slice;
	}
	assert_int_equal(prev, SLICE_NS);
}

static void test_slice_scaled_by_weight(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = task(1, 0, 0);
	int32_t pid;

	t.weight = WEIGHT_NICE_5;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).slice, SLICE_NS * WEIGHT_NICE_5 / 100);
	/* heavy tasks never get more than the maximum */
	t.weight = WEIGHT_NICE_M5;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).slice, SLICE_NS);
	/* light tasks never get less than the minimum */
	t.weight = 1;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).slice, SLICE_MIN_NS);
	/* weight and sharing combine: 20 ms / 2 * 305 / 100, capped at 20 ms */
	for (pid = 1; pid <= 2; pid++) {
		t = task(pid, 0, 0);
		t.weight = WEIGHT_NICE_M5;
		enqueue(f, &t);
	}
	assert_int_equal(dispatch(f).slice, SLICE_NS);
	assert_int_equal(dispatch(f).slice, SLICE_NS);
	for (pid = 1; pid <= 8; pid++) {
		t = task(pid, 0, 0);
		t.weight = WEIGHT_NICE_M5;
		enqueue(f, &t);
	}
	assert_int_equal(dispatch(f).slice, SLICE_NS / 8 * WEIGHT_NICE_M5 / 100);
}

static void test_claim_idle_cpu_used(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = task(42, 0, 0);
	struct cland_decision d;

	t.cpu = 2;
	f->be.ret = 3;
	enqueue(f, &t);
	d = dispatch(f);
	assert_int_equal(d.cpu, 3);
	assert_int_equal(f->be.calls, 1);
	assert_int_equal(f->be.pid, 42);
	assert_int_equal(f->be.prev_cpu, 2);

	f->be.ret = 0; /* CPU 0 is a real CPU, not "none" */
	enqueue(f, &t);
	assert_int_equal(dispatch(f).cpu, 0);

	f->be.ret = -EBUSY; /* no idle CPU */
	enqueue(f, &t);
	assert_int_equal(dispatch(f).cpu, CLAND_CPU_ANY);
	assert_int_equal(f->be.calls, 3);
}

static void test_claim_idle_cpu_skipped_without_allowed_cpus(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = task(42, 0, 0);

	t.nr_cpus_allowed = 0;
	f->be.ret = 3;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).cpu, CLAND_CPU_ANY);
	assert_int_equal(f->be.calls, 0);
}

static void test_no_claim_idle_cpu_in_host(void **state)
{
	static const struct cland_policy_cfg cfg = {.slice_ns = SLICE_NS,
						    .slice_min_ns = SLICE_MIN_NS};
	const struct cland_policy *pol = &cland_policy_deadline;
	struct cland_host host = {.nr_cpus = 1};
	cland_task_t t = task(7, 0, 0);
	struct cland_decision d;
	void *ctx = calloc(1, pol->ctx_size);

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(pol->init(ctx, &cfg, &host), 0);
	pol->enqueue(ctx, &t);
	assert_true(pol->dispatch(ctx, &d));
	assert_int_equal(d.cpu, CLAND_CPU_ANY);
	pol->exit(ctx);

	/* no host at all */
	assert_int_equal(pol->init(ctx, &cfg, NULL), 0);
	pol->enqueue(ctx, &t);
	assert_true(pol->dispatch(ctx, &d));
	assert_int_equal(d.cpu, CLAND_CPU_ANY);
	pol->exit(ctx);
	free(ctx);
}

static void test_generation_echoed(void **state)
{
	struct fixture *f = *state;
	cland_task_t a = task(5, 0, 0), b = task(6, 0, 0);
	struct cland_decision d;

	a.gen = 0xdeadbeefcafeULL;
	b.gen = 0;
	enqueue(f, &a);
	enqueue(f, &b);
	d = dispatch(f);
	assert_int_equal(d.pid, 5);
	assert_true(d.gen == 0xdeadbeefcafeULL);
	d = dispatch(f);
	assert_int_equal(d.pid, 6);
	assert_int_equal(d.gen, 0);
}

/* Far more tasks than the heap holds: every one is dispatched exactly once. */
static void test_heap_full_loses_nothing(void **state)
{
	struct fixture *f = *state;
	unsigned char *seen = calloc(MANY_TASKS + 1, 1);
	struct cland_decision d;
	int32_t pid;

	assert_non_null(seen);
	for (pid = 1; pid <= MANY_TASKS; pid++) {
		/* mixed deadlines, so that both overflow cases occur */
		cland_task_t t = task(pid, 0, (uint64_t)((pid * 7919) % 1000) * 1000);

		enqueue(f, &t);
	}
	assert_int_equal(pending(f), MANY_TASKS);
	for (pid = 1; pid <= MANY_TASKS; pid++) {
		d = dispatch(f);
		assert_in_range(d.pid, 1, MANY_TASKS);
		assert_int_equal(seen[d.pid], 0);
		seen[d.pid] = 1;
		assert_int_equal(d.gen, 1000 + (uint64_t)d.pid);
		assert_in_range(d.slice, SLICE_MIN_NS, SLICE_NS);
		assert_int_equal(pending(f), (uint64_t)(MANY_TASKS - pid));
	}
	assert_false(f->pol->dispatch(f->ctx, &d));
	free(seen);
}

/* Beyond capacity, tasks still come out in deadline order. */
static void test_heap_full_keeps_order(void **state)
{
	struct fixture *f = *state;
	uint64_t prev = 0;
	int32_t pid;

	/* descending deadlines: the last ones enqueued run first */
	for (pid = 1; pid <= MANY_TASKS; pid++) {
		cland_task_t t = task(pid, (uint64_t)(MANY_TASKS - pid) * 1000, 0);

		enqueue(f, &t);
	}
	for (pid = MANY_TASKS; pid >= 1; pid--) {
		struct cland_decision d = dispatch(f);

		assert_int_equal(d.pid, pid);
		assert_true(pid == MANY_TASKS || d.deadline > prev);
		prev = d.deadline;
	}
}

/* Beyond capacity, equal deadlines still come out in enqueue order. */
static void test_heap_full_keeps_fifo(void **state)
{
	struct fixture *f = *state;
	int32_t pid;

	for (pid = 1; pid <= MANY_TASKS; pid++) {
		cland_task_t t = task(pid, SLICE_NS, 0);

		enqueue(f, &t);
	}
	for (pid = 1; pid <= MANY_TASKS; pid++)
		assert_int_equal(dispatch(f).pid, pid);
}

/* With the heap full, an urgent newcomer still runs before the queued hogs. */
static void test_heap_full_urgent_first(void **state)
{
	struct fixture *f = *state;
	cland_task_t urgent = task(MANY_TASKS + 1, 0, 0);
	int32_t pid;

	for (pid = 1; pid <= MANY_TASKS; pid++) {
		cland_task_t t = task(pid, SLICE_NS, SLICE_NS);

		enqueue(f, &t);
	}
	enqueue(f, &urgent);
	assert_int_equal(dispatch(f).pid, MANY_TASKS + 1);
	assert_int_equal(pending(f), MANY_TASKS);
}

/*
 * One CPU, hogs that never sleep: dispatch, run for the slice, re-enqueue
 * with the returned vruntime. CPU shares must follow the weights.
 */
static void simulate_hogs(struct fixture *f, const uint64_t *weight, uint64_t *ran, int nr,
			  uint64_t duration)
{
	cland_task_t t[8];
	uint64_t now = 0;
	int i;

	assert_true(nr <= 8);
	for (i = 0; i < nr; i++) {
		t[i] = task(i + 1, 0, 0);
		t[i].weight = weight[i];
		ran[i] = 0;
		enqueue(f, &t[i]);
	}
	while (now < duration) {
		struct cland_decision d = dispatch(f);

		i = d.pid - 1;
		assert_in_range(i, 0, nr - 1);
		assert_int_equal(d.gen, t[i].gen);
		t[i].vtime = d.vtime;
		t[i].start_ts = now;
		now += d.slice;
		t[i].stop_ts = now;
		t[i].exec_runtime += d.slice;
		t[i].gen++;
		ran[i] += d.slice;
		enqueue(f, &t[i]);
	}
}

static void assert_share(uint64_t ran_a, uint64_t ran_b, uint64_t w_a, uint64_t w_b)
{
	double got = (double)ran_a / (double)ran_b;
	double want = (double)w_a / (double)w_b;

	if (got < want * 0.95 || got > want * 1.05)
		fail_msg("CPU share %.3f, expected %.3f +- 5%%", got, want);
}

static void test_fairness_two_hogs(void **state)
{
	static const uint64_t weight[] = {WEIGHT_NICE_0, WEIGHT_NICE_5};
	struct fixture *f = *state;
	uint64_t ran[2];

	simulate_hogs(f, weight, ran, 2, 10000 * NSEC_PER_MSEC);
	assert_share(ran[0], ran[1], weight[0], weight[1]);
}

/*
 * Four hogs and a task that wakes every 5 ms, runs 100 us and sleeps again:
 * once the hogs have run (before that they are new tasks, as urgent as any),
 * each time it wakes it is the next task dispatched.
 */
static void test_interactive_wakes_first(void **state)
{
	struct fixture *f = *state;
	cland_task_t hog[4], ia = task(10, 0, 0);
	uint64_t now = 0, next_wake = 100 * NSEC_PER_MSEC, wakeups = 0;
	bool ia_queued = false;
	int i;

	for (i = 0; i < 4; i++) {
		hog[i] = task(i + 1, 0, 0);
		enqueue(f, &hog[i]);
	}
	while (now < 2000 * NSEC_PER_MSEC) {
		struct cland_decision d;

		if (!ia_queued && now >= next_wake) {
			ia.exec_runtime = 0; /* it slept */
			enqueue(f, &ia);
			ia_queued = true;
			wakeups++;
			d = dispatch(f);
			assert_int_equal(d.pid, ia.pid);
		} else {
			d = dispatch(f);
		}
		if (d.pid == ia.pid) {
			ia.vtime = d.vtime;
			ia.start_ts = now;
			now += 100000;
			ia.stop_ts = now;
			ia.exec_runtime += 100000;
			ia.gen++;
			ia_queued = false;
			next_wake = now + 5 * NSEC_PER_MSEC;
			continue;
		}
		i = d.pid - 1;
		assert_in_range(i, 0, 3);
		hog[i].vtime = d.vtime;
		hog[i].start_ts = now;
		now += d.slice;
		hog[i].stop_ts = now;
		hog[i].exec_runtime += d.slice;
		hog[i].gen++;
		enqueue(f, &hog[i]);
	}
	assert_true(wakeups > 100);
}

static void test_fairness_mixed_weights(void **state)
{
	static const uint64_t weight[] = {WEIGHT_NICE_0, WEIGHT_NICE_5, WEIGHT_NICE_M5, 1000};
	struct fixture *f = *state;
	uint64_t ran[4];
	int i;

	simulate_hogs(f, weight, ran, 4, 60000 * NSEC_PER_MSEC);
	for (i = 1; i < 4; i++)
		assert_share(ran[i], ran[0], weight[i], weight[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered),
		cmocka_unit_test(test_init_rejects_bad_cfg),
		cmocka_unit_test(test_no_claim_idle_cpu_in_host),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interactive_before_hog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_runtime_bonus_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wakeup_credit_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_underflow_near_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_min_vruntime_monotonic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weighted_charge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_timestamps_and_weight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_saturates_instead_of_wrapping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fifo_among_equal_deadlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slice_shrinks_with_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slice_scaled_by_weight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_idle_cpu_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_idle_cpu_skipped_without_allowed_cpus,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation_echoed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_keeps_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_keeps_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_urgent_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness_two_hogs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness_mixed_weights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interactive_wakes_first, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
