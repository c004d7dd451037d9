// SPDX-License-Identifier: GPL-2.0
/*
 * test_fifo.c - unit tests of the "fifo" policy (policies/fifo.c): arrival
 * order whatever the task, the fair slice scaled by weight, strictly increasing deadlines on the
 * host's clock (so that no decision can preempt an earlier one), generations
 * echoed, the idle CPU from claim_idle_cpu() used and no task lost when
 * memory runs out. The mock host and shared helpers are in fixture.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "policy.h"

extern const struct cland_policy cland_policy_fifo;

static int setup(void **state)
{
	return fixture_setup(state, &cland_policy_fifo);
}

static int teardown(void **state)
{
	return fixture_teardown(state);
}

/* Task @pid, made different from the others in every field fifo must ignore. */
static cland_task_t task(int32_t pid)
{
	cland_task_t t = make_task(pid, (uint64_t)(pid * 104729) % 1000 * NSEC_PER_MSEC,
				   (uint64_t)(pid * 31) % 97 * NSEC_PER_MSEC);

	t.flags = pid % 3 ? CLAND_TASK_WAKEUP : 0;
	t.weight = 1 + (uint64_t)(pid * 7919) % 10000;
	t.start_ts = 10 * NSEC_PER_MSEC;
	t.stop_ts = t.start_ts + (uint64_t)pid * 1000;
	return t;
}

static void enqueue_pid(struct fixture *f, int32_t pid)
{
	cland_task_t t = task(pid);

	enqueue(f, &t);
}

static void test_registered(void **state)
{
	const struct cland_policy *const *p;
	int idx = -1, i = 0;

	(void)state;
	assert_ptr_equal(cland_policy_find("fifo"), &cland_policy_fifo);
	for (p = cland_policies; *p; p++, i++) {
		if (*p == &cland_policy_fifo)
			idx = i;
	}
	assert_true(idx > 0); /* listed, and not the default */
	assert_string_equal(cland_policy_fifo.name, "fifo");
	assert_non_null(cland_policy_fifo.summary);
	assert_null(strchr(cland_policy_fifo.summary, '\n'));
	assert_true(cland_policy_fifo.ctx_size > 0);
}

static void test_empty(void **state)
{
	struct fixture *f = *state;
	struct cland_decision d;

	assert_int_equal(pending(f), 0);
	assert_false(f->pol->dispatch(f->ctx, &d));
	assert_int_equal(f->be.calls, 0);
}

/* Whatever their weight, vtime, runtime or flags: first come, first served. */
static void test_arrival_order(void **state)
{
	struct fixture *f = *state;
	int32_t pid;

	for (pid = 1; pid <= 1000; pid++) {
		enqueue_pid(f, pid);
		assert_int_equal(pending(f), (uint64_t)pid);
	}
	for (pid = 1; pid <= 1000; pid++) {
		assert_int_equal(dispatch(f).pid, pid);
		assert_int_equal(pending(f), (uint64_t)(1000 - pid));
	}
}

static void test_arrival_order_interleaved(void **state)
{
	struct fixture *f = *state;

	enqueue_pid(f, 3);
	enqueue_pid(f, 1);
	assert_int_equal(dispatch(f).pid, 3);
	enqueue_pid(f, 2);
	enqueue_pid(f, 3);
	assert_int_equal(dispatch(f).pid, 1);
	assert_int_equal(dispatch(f).pid, 2);
	enqueue_pid(f, 1);
	assert_int_equal(dispatch(f).pid, 3);
	assert_int_equal(dispatch(f).pid, 1);
	assert_int_equal(pending(f), 0);
}

/* Three CPU hogs on one CPU: each runs in turn, always in the same order. */
static void test_round_robin(void **state)
{
	struct fixture *f = *state;
	int i;

	enqueue_pid(f, 1);
	enqueue_pid(f, 2);
	enqueue_pid(f, 3);
	for (i = 0; i < 300; i++) {
		struct cland_decision d = dispatch(f);

		assert_int_equal(d.pid, 1 + i % 3);
		f->be.now += d.slice;
		enqueue_pid(f, d.pid);
	}
}

/* The slice: the fair slice (slice_ns shared among the runnable tasks per CPU) x weight / 100. */
static void test_weighted_slice(void **state)
{
	static const struct {
		uint64_t weight, nr_runnable, slice;
	} cases[] = {
		{100, 1, SLICE_NS},		/* alone: the whole slice */
		{100, 4, SLICE_NS},		/* one per CPU (4 CPUs): still the whole slice */
		{100, 8, SLICE_NS / 2},		/* 2 per CPU: half */
		{100, 16, SLICE_NS / 4},	/* 4 per CPU: a quarter */
		{33, 4, SLICE_NS * 33 / 100},	/* nice 5: a third of nice 0's */
		{305, 4, SLICE_NS * 305 / 100}, /* nice -5: three times */
		{1, 4, SLICE_MIN_NS},		/* never below slice_min_ns */
		{10000, 4, 10 * SLICE_NS},	/* nor above 10 slices */
		{100, 4000, SLICE_MIN_NS},	/* however many wait */
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cland_task_t t = task(1);

		t.weight = cases[i].weight;
		t.nr_runnable = cases[i].nr_runnable;
		enqueue(f, &t);
		assert_int_equal(dispatch(f).slice, cases[i].slice);
	}
}

/*
 * The backend preempts a running task for a decision with an earlier deadline.
 * Deadlines only grow, even when the clock stands still or goes back, so no
 * decision ever preempts one made before it.
 */
static void test_deadlines_strictly_increasing(void **state)
{
	struct fixture *f = *state;
	uint64_t prev = 0;
	int32_t pid;
	int i;

	for (i = 0; i < 50; i++) {
		for (pid = 1; pid <= 20; pid++)
			enqueue_pid(f, pid);
		for (pid = 1; pid <= 20; pid++) {
			struct cland_decision d = dispatch(f);

			assert_true(d.deadline > prev);
			prev = d.deadline;
			/* the clock: stands still, goes on, or (bad host) goes back */
			if (i % 3 == 1)
				f->be.now += 1000;
			else if (i % 3 == 2)
				f->be.now -= 10;
		}
	}
}

/* Deadlines are times on the host's clock, as the backend's own are. */
static void test_deadline_is_dispatch_time(void **state)
{
	struct fixture *f = *state;
	struct cland_decision d;

	enqueue_pid(f, 1);
	d = dispatch(f);
	assert_int_equal(d.deadline, f->be.now);
	/* same instant: one ns later */
	enqueue_pid(f, 2);
	assert_int_equal(dispatch(f).deadline, f->be.now + 1);
	/* time went on: the clock again */
	f->be.now += 5 * NSEC_PER_MSEC;
	enqueue_pid(f, 3);
	assert_int_equal(dispatch(f).deadline, f->be.now);
}

static void test_generation_echoed(void **state)
{
	struct fixture *f = *state;
	cland_task_t a = task(5), b = task(6);
	struct cland_decision d;

	a.gen = 0xdeadbeefcafeULL;
	b.gen = 0;
	f->pol->enqueue(f->ctx, &a);
	f->pol->enqueue(f->ctx, &b);
	d = dispatch(f);
	assert_int_equal(d.pid, 5);
	assert_true(d.gen == 0xdeadbeefcafeULL);
	d = dispatch(f);
	assert_int_equal(d.pid, 6);
	assert_int_equal(d.gen, 0);
}

static void test_claim_idle_cpu_used(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = task(42);
	struct cland_decision d;

	t.cpu = 2;
	f->be.ret = 3;
	f->pol->enqueue(f->ctx, &t);
	d = dispatch(f);
	assert_int_equal(d.cpu, 3);
	assert_int_equal(f->be.calls, 1);
	assert_int_equal(f->be.pid, 42);
	assert_int_equal(f->be.prev_cpu, 2);

	f->be.ret = 0; /* CPU 0 is a real CPU, not "none" */
	f->pol->enqueue(f->ctx, &t);
	assert_int_equal(dispatch(f).cpu, 0);

	f->be.ret = -EBUSY; /* no idle CPU: whichever frees up first */
	f->pol->enqueue(f->ctx, &t);
	assert_int_equal(dispatch(f).cpu, CLAND_CPU_ANY);
	f->be.ret = -1;
	f->pol->enqueue(f->ctx, &t);
	assert_int_equal(dispatch(f).cpu, CLAND_CPU_ANY);
	assert_int_equal(f->be.calls, 4);
}

/* As many tasks as the backend can have in flight: all kept, in order. */
static void test_holds_all_in_flight(void **state)
{
	struct fixture *f = *state;
	int32_t pid;

	for (pid = 1; pid <= CLAND_MAX_INFLIGHT; pid++)
		enqueue_pid(f, pid);
	assert_int_equal(pending(f), CLAND_MAX_INFLIGHT);
	for (pid = 1; pid <= CLAND_MAX_INFLIGHT; pid++) {
		struct cland_decision d = dispatch(f);

		assert_int_equal(d.pid, pid);
		assert_int_equal(d.gen, 1000 + (uint64_t)pid);
	}
	assert_int_equal(pending(f), 0);
}

/* Memory exhausted: the tasks the queue has no room for run at once, none is lost. */
static void test_no_memory_loses_nothing(void **state)
{
	check_no_memory_loses_nothing(*state, 1000);
}

/* Beyond the reserve too: each lost task is counted (the daemon's "dropped="). */
static void test_no_memory_drops_counted(void **state)
{
	check_no_memory_drops_counted(*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arrival_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arrival_order_interleaved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weighted_slice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines_strictly_increasing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deadline_is_dispatch_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation_echoed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_idle_cpu_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holds_all_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_drops_counted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
