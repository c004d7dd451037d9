// SPDX-License-Identifier: GPL-2.0
/*
 * test_deadline.c - unit tests of the "deadline" policy (policies/deadline.c):
 * interactive tasks first, bounded wake-up credit, weighted charging, FIFO
 * ties, slice sizing, CPU selection, the heap-full path, running out of
 * memory and fairness. The mock host and shared helpers are in fixture.h.
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

extern const struct cland_policy cland_policy_deadline;

static int setup(void **state)
{
	return fixture_setup(state, &cland_policy_deadline);
}

static int teardown(void **state)
{
	return fixture_teardown(state);
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
	(void)state;
	check_init_rejects_bad_cfg(&cland_policy_deadline);
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
	check_pending_counts(*state);
}

static void test_interactive_before_hog(void **state)
{
	struct fixture *f = *state;
	cland_task_t hog = make_task(1, 5 * SLICE_NS, 50 * NSEC_PER_MSEC);
	cland_task_t interactive = make_task(2, 5 * SLICE_NS, 100000);
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
	/* 50 ms run since it last slept, the bonus capped at a fair slice (alone: all of it) */
	assert_int_equal(d.deadline, 5 * SLICE_NS + SLICE_NS);
	assert_true(d.deadline >= d.vtime);
}

/*
 * The interactive bonus is worth at most a fair slice: the slice shared among
 * the runnable tasks per CPU (4 CPUs here), never below the minimum slice.
 * It bounds how long a CPU hog waits behind tasks that sleep often.
 */
static void test_exec_runtime_bonus_capped(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = make_task(1, 0, 1000 * SLICE_NS);
	cland_task_t light = make_task(2, 0, 100 * SLICE_NS);
	struct cland_decision d;

	enqueue(f, &t);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, SLICE_NS);

	/* the cap applies after weight scaling too */
	light.weight = WEIGHT_NICE_5;
	enqueue(f, &light);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, SLICE_NS);

	/* 16 runnable on 4 CPUs: a quarter; 400: the minimum slice */
	t.nr_runnable = 16;
	enqueue(f, &t);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, SLICE_NS / 4);
	t.nr_runnable = 400;
	enqueue(f, &t);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, SLICE_MIN_NS);
	/* below the bonus cap, the time run is the bonus */
	t.exec_runtime = SLICE_MIN_NS / 2;
	enqueue(f, &t);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, SLICE_MIN_NS / 2);
}

static void test_wakeup_credit_bounded(void **state)
{
	struct fixture *f = *state;
	const uint64_t min = 1000 * SLICE_NS;
	cland_task_t fresh = make_task(1, 0, 0);
	cland_task_t sleeper = make_task(2, min - 3 * SLICE_NS, 0);
	cland_task_t recent = make_task(3, min - SLICE_NS / 2, 0);
	cland_task_t ahead = make_task(4, min + SLICE_NS, 0);

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
	cland_task_t fresh = make_task(1, 0, 0);

	/* min_vruntime (SLICE_NS / 2) is less than a slice: floor at 0 */
	set_min_vruntime(f, SLICE_NS / 2);
	enqueue(f, &fresh);
	assert_int_equal(dispatch(f).vtime, 0);
}

static void test_min_vruntime_monotonic(void **state)
{
	struct fixture *f = *state;
	const uint64_t high = 500 * SLICE_NS;
	cland_task_t low = make_task(1, 10 * SLICE_NS, 0);
	cland_task_t fresh = make_task(2, 0, 0);

	set_min_vruntime(f, high);
	/* dispatching a task with a lower vruntime does not move it back */
	enqueue(f, &low);
	assert_int_equal(dispatch(f).vtime, high - SLICE_NS);
	enqueue(f, &fresh);
	assert_int_equal(dispatch(f).vtime, high - SLICE_NS);
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
	cland_task_t t = make_task(1, 100 * SLICE_NS, 0);

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
	cland_task_t t = make_task(1, UINT64_MAX - 10, UINT64_MAX);
	struct cland_decision d;

	t.weight = 1;
	t.start_ts = 1;
	t.stop_ts = 1ULL << 62; /* a run of 146 years: the longest a u64 clock tells apart */
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
		cland_task_t t = make_task(pid, pid % 2 ? 2 * SLICE_NS : SLICE_NS, 0);

		enqueue(f, &t);
	}
	for (pid = 2; pid <= 20; pid += 2)
		assert_int_equal(dispatch(f).pid, pid);
	for (pid = 1; pid <= 19; pid += 2)
		assert_int_equal(dispatch(f).pid, pid);
}

static void test_slice_shrinks_with_runnable(void **state)
{
	check_slice_shrinks_with_runnable(*state);
}

/*
 * A task that woke up gets a standing decision for one fair slice of CPU
 * time (its next wake-ups skip the round trip); a task back from a slice's
 * end or a preemption gets none (CPU hogs come back every slice).
 */
static void test_standing_for_wakeups(void **state)
{
	struct fixture *f = *state;
	cland_task_t waking = make_waking(1, 0), back = make_task(2, 0, 0);

	enqueue(f, &waking);
	assert_int_equal(dispatch(f).standing_ns, SLICE_NS);
	waking.nr_runnable = 16; /* on 4 CPUs: a quarter of the slice */
	enqueue(f, &waking);
	assert_int_equal(dispatch(f).standing_ns, SLICE_NS / 4);
	enqueue(f, &back);
	assert_int_equal(dispatch(f).standing_ns, 0);
}

static void test_slice_scaled_by_weight(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = make_task(1, 0, 0);

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
	/* weight and sharing combine: 20 ms / 6 * 4 CPUs / 8 * 305 / 100 */
	t = make_task(1, 0, 0);
	t.weight = WEIGHT_NICE_M5;
	t.nr_runnable = 8;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).slice, SLICE_NS / 6 * 4 / 8 * WEIGHT_NICE_M5 / 100);
	/* and the weight cannot take it past slice_ns: 2.67 ms * 9.06 (nice -10) = 24 ms */
	t.weight = 906;
	t.nr_runnable = 5;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).slice, SLICE_NS);
}

static void test_backend_places_tasks(void **state)
{
	check_backend_places_tasks(*state);
}

static void test_no_claim_idle_cpu_in_host(void **state)
{
	(void)state;
	check_no_claim_idle_cpu_in_host(&cland_policy_deadline);
}

static void test_generation_echoed(void **state)
{
	check_generation_echoed(*state);
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
		cland_task_t t = make_task(pid, 0, (uint64_t)((pid * 7919) % 1000) * 1000);

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
		cland_task_t t = make_task(pid, (uint64_t)(MANY_TASKS - pid) * 1000, 0);

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
		cland_task_t t = make_task(pid, SLICE_NS, 0);

		enqueue(f, &t);
	}
	for (pid = 1; pid <= MANY_TASKS; pid++)
		assert_int_equal(dispatch(f).pid, pid);
}

/* With the heap full, an urgent newcomer still runs before the queued hogs. */
static void test_heap_full_urgent_first(void **state)
{
	struct fixture *f = *state;
	cland_task_t urgent = make_task(MANY_TASKS + 1, 0, 0);
	int32_t pid;

	for (pid = 1; pid <= MANY_TASKS; pid++) {
		cland_task_t t = make_task(pid, SLICE_NS, SLICE_NS);

		enqueue(f, &t);
	}
	enqueue(f, &urgent);
	assert_int_equal(dispatch(f).pid, MANY_TASKS + 1);
	assert_int_equal(pending(f), MANY_TASKS);
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

static void test_fairness_two_hogs(void **state)
{
	static const uint64_t weight[] = {WEIGHT_NICE_0, WEIGHT_NICE_5};
	struct fixture *f = *state;
	uint64_t ran[2];

	simulate(f, weight, NULL, 0, ran, 2, 10000 * NSEC_PER_MSEC);
	assert_ratio((double)ran[0] / (double)ran[1], (double)weight[0] / (double)weight[1]);
}

/*
 * Four hogs and a task that wakes every 5 ms, runs 100 us and sleeps again:
 * once the hogs have run (before that they are new tasks, as urgent as any),
 * each time it wakes it is the next task dispatched.
 */
static void test_interactive_wakes_first(void **state)
{
	struct fixture *f = fixture_new(&cland_policy_deadline, 1);
	cland_task_t hog[4], ia = make_task(10, 0, 0);
	uint64_t now = 0, next_wake = 100 * NSEC_PER_MSEC, wakeups = 0;
	bool ia_queued = false;
	int i;

	(void)state;
	assert_non_null(f);
	ia.nr_runnable = 5; /* one CPU: the hogs and itself */
	for (i = 0; i < 4; i++) {
		hog[i] = make_task(i + 1, 0, 0);
		hog[i].nr_runnable = 5;
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
	fixture_free(f);
}

static void test_fairness_mixed_weights(void **state)
{
	static const uint64_t weight[] = {WEIGHT_NICE_0, WEIGHT_NICE_5, WEIGHT_NICE_M5, 1000};
	struct fixture *f = *state;
	uint64_t ran[4];
	int i;

	simulate(f, weight, NULL, 0, ran, 4, 60000 * NSEC_PER_MSEC);
	for (i = 1; i < 4; i++)
		assert_ratio((double)ran[i] / (double)ran[0],
			     (double)weight[i] / (double)weight[0]);
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
		cmocka_unit_test_setup_teardown(test_slice_shrinks_with_runnable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_standing_for_wakeups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slice_scaled_by_weight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_places_tasks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation_echoed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_keeps_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_keeps_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_urgent_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_drops_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness_two_hogs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness_mixed_weights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interactive_wakes_first, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
