// SPDX-License-Identifier: GPL-2.0
/*
 * test_vruntime.c - unit tests of the "vruntime" policy (policies/vruntime.c):
 * weighted charging, fairness by weight, no latency boost, wake-up placement
 * at min_vruntime, slice sizing, CPU selection, the heap-full path and
 * running out of memory. The mock host and shared helpers are in fixture.h.
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

extern const struct cland_policy cland_policy_vruntime;
extern const struct cland_policy cland_policy_deadline;

/* Every decision is ordered by vruntime alone. */
static void check_deadline_is_vtime(const struct cland_decision *d)
{
	assert_true(d->deadline == d->vtime);
}

static struct fixture *vruntime_new(int nr_cpus)
{
	struct fixture *f = fixture_new(&cland_policy_vruntime, nr_cpus);

	if (f)
		f->check = check_deadline_is_vtime;
	return f;
}

static int setup(void **state)
{
	*state = vruntime_new(4);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	return fixture_teardown(state);
}

static void test_registered(void **state)
{
	const struct cland_policy *const *p;
	int idx = -1, i = 0;

	(void)state;
	assert_ptr_equal(cland_policy_find("vruntime"), &cland_policy_vruntime);
	for (p = cland_policies; *p; p++, i++) {
		if (*p == &cland_policy_vruntime)
			idx = i;
	}
	assert_true(idx > 0); /* listed, and not the default */
	assert_string_equal(cland_policy_vruntime.name, "vruntime");
	assert_non_null(cland_policy_vruntime.summary);
	assert_null(strchr(cland_policy_vruntime.summary, '\n'));
	assert_true(cland_policy_vruntime.ctx_size > 0);
}

static void test_init_rejects_bad_cfg(void **state)
{
	(void)state;
	check_init_rejects_bad_cfg(&cland_policy_vruntime);
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

static void test_lowest_vruntime_first(void **state)
{
	struct fixture *f = *state;
	static const uint64_t v[] = {50, 10, 40, 20, 30};
	int i;

	for (i = 0; i < 5; i++) {
		cland_task_t t = make_task(i + 1, v[i] * NSEC_PER_MSEC, 0);

		enqueue(f, &t);
	}
	assert_int_equal(dispatch(f).pid, 2);
	assert_int_equal(dispatch(f).pid, 4);
	assert_int_equal(dispatch(f).pid, 5);
	assert_int_equal(dispatch(f).pid, 3);
	assert_int_equal(dispatch(f).pid, 1);
}

/*
 * Same vruntime: a task that ran 100 us since it last slept is not ordered
 * before a hog that ran 50 ms (the "deadline" policy does exactly that).
 */
static void test_no_latency_boost(void **state)
{
	struct fixture *f = *state, *dl = fixture_new(&cland_policy_deadline, 4);
	cland_task_t hog = make_task(1, 5 * SLICE_NS, 50 * NSEC_PER_MSEC);
	cland_task_t interactive = make_waking(2, 5 * SLICE_NS);
	struct cland_decision d;

	interactive.exec_runtime = 100000;
	assert_non_null(dl);
	enqueue(f, &hog);
	enqueue(f, &interactive);
	d = dispatch(f);
	assert_int_equal(d.pid, 1);
	assert_int_equal(d.deadline, 5 * SLICE_NS);
	d = dispatch(f);
	assert_int_equal(d.pid, 2);
	assert_int_equal(d.deadline, 5 * SLICE_NS);

	/* the same two tasks under "deadline": the interactive one goes first */
	enqueue(dl, &hog);
	enqueue(dl, &interactive);
	assert_true(dl->pol->dispatch(dl->ctx, &d));
	assert_int_equal(d.pid, 2);
	fixture_free(dl);
}

/* A slightly higher vruntime is enough to go after the hog, however short its runs. */
static void test_short_runs_do_not_jump_the_queue(void **state)
{
	struct fixture *f = *state;
	cland_task_t interactive = make_task(2, 5 * SLICE_NS + 1, 1);
	cland_task_t hog = make_task(1, 5 * SLICE_NS, 100 * SLICE_NS);

	enqueue(f, &interactive);
	enqueue(f, &hog);
	assert_int_equal(dispatch(f).pid, 1);
	assert_int_equal(dispatch(f).pid, 2);
}

/* Waking tasks are placed at min_vruntime: sleeping earns no credit. */
static void test_wakeup_placed_at_min_vruntime(void **state)
{
	struct fixture *f = *state;
	const uint64_t min = 1000 * SLICE_NS;
	cland_task_t long_sleeper = make_waking(1, min - 3 * SLICE_NS);
	cland_task_t short_sleeper = make_waking(2, min - SLICE_MIN_NS);
	cland_task_t ahead = make_waking(3, min + SLICE_NS);
	cland_task_t fresh = make_task(4, 0, 0); /* never seen: vtime 0, no flag */

	set_min_vruntime(f, min);
	assert_int_equal(placed(f, &long_sleeper), min);
	assert_int_equal(placed(f, &short_sleeper), min);
	assert_int_equal(placed(f, &fresh), min);
	/* last: dispatching it moves min_vruntime up */
	assert_int_equal(placed(f, &ahead), min + SLICE_NS);
}

/*
 * A new task (vtime 0) starts with the tasks furthest ahead, less a fair
 * slice: it has no history, and placed at min_vruntime it would run ahead of
 * everyone for as long as min_vruntime stays behind (in the simulator a CPU
 * hog that had run alone waited 4 s for 400 new tasks to catch up with it).
 */
static void test_new_task_placed_near_the_front(void **state)
{
	struct fixture *f = *state;
	cland_task_t ahead = make_waking(1, 50 * SLICE_NS);
	cland_task_t fresh = make_task(2, 0, 0);
	cland_task_t sleeper = make_waking(3, 1);

	assert_int_equal(placed(f, &ahead), 50 * SLICE_NS);
	assert_int_equal(placed(f, &fresh), 49 * SLICE_NS);
	fresh.nr_runnable = 16; /* 16 on 4 CPUs: a quarter of the slice */
	assert_int_equal(placed(f, &fresh), 50 * SLICE_NS - SLICE_NS / 4);
	/* a waking task still goes no further than min_vruntime */
	assert_int_equal(placed(f, &sleeper), 1);
}

/* Non-waking returns min_vruntime is taken from: 2 per CPU of the fixture, at least 8. */
#define WINDOW 8

/* @nr tasks come back without having slept; the i-th last started with @v + i * @step. */
static void runs_started(struct fixture *f, int nr, uint64_t v, uint64_t step, uint64_t flags)
{
	int i;

	for (i = 0; i < nr; i++) {
		cland_task_t t = make_task(100 + i, v + (uint64_t)i * step, 0);

		t.flags = flags;
		placed(f, &t);
	}
}

/* Where a task waking from a long sleep is placed: min_vruntime. */
static uint64_t wake_place(struct fixture *f)
{
	cland_task_t sleeper = make_waking(2, 1);

	return placed(f, &sleeper);
}

/*
 * min_vruntime is the lowest vruntime the last WINDOW tasks that came back
 * without sleeping started their run with, and never moves back.
 */
static void test_min_vruntime_lowest_recent_start(void **state)
{
	struct fixture *f = *state;
	const uint64_t min = 1000 * SLICE_NS;
	cland_task_t hog = make_task(1, min, 0);

	set_min_vruntime(f, min);
	/* a hog charged 10 slices, dispatched but not back: it has not started */
	hog.start_ts = 10 * SLICE_NS;
	hog.stop_ts = 20 * SLICE_NS;
	assert_int_equal(placed(f, &hog), min + 10 * SLICE_NS);
	assert_int_equal(wake_place(f), min);
	/* one task started far ahead (out of order): not the queue's progress */
	runs_started(f, 1, min + 50 * SLICE_NS, 0, 0);
	assert_int_equal(wake_place(f), min);
	/* the first two tasks started with min: it holds while they are among the last WINDOW */
	runs_started(f, WINDOW - 2, min + 10 * SLICE_NS, SLICE_NS, 0);
	assert_int_equal(wake_place(f), min);
	/* all of the last WINDOW starts are beyond it: the lowest of them */
	runs_started(f, 1, min + 16 * SLICE_NS, 0, 0);
	assert_int_equal(wake_place(f), min + 10 * SLICE_NS);
	/* what waking tasks report started before they slept: ignored */
	runs_started(f, WINDOW, min + 100 * SLICE_NS, 0, CLAND_TASK_WAKEUP);
	assert_int_equal(wake_place(f), min + 10 * SLICE_NS);
	/* lower starts never move it back */
	runs_started(f, WINDOW, min, 0, 0);
	assert_int_equal(wake_place(f), min + 10 * SLICE_NS);
	runs_started(f, WINDOW, min + 20 * SLICE_NS, 0, 0);
	assert_int_equal(wake_place(f), min + 20 * SLICE_NS);
}

/* With many CPUs, more out-of-order starts are outvoted. */
static void test_window_grows_with_cpus(void **state)
{
	const uint64_t min = 1000 * SLICE_NS;
	struct fixture *f;

	(void)state;
	f = vruntime_new(64);
	assert_non_null(f);
	set_min_vruntime(f, min);
	runs_started(f, 2 * 64 - 1, min + 50 * SLICE_NS, 0, 0);
	assert_int_equal(wake_place(f), min);
	runs_started(f, 1, min + 50 * SLICE_NS, 0, 0);
	assert_int_equal(wake_place(f), min + 50 * SLICE_NS);
	fixture_free(f);
}

/* The last run is charged before the placement: no part of it is forgiven. */
static void test_wakeup_charged_then_placed(void **state)
{
	struct fixture *f = *state;
	const uint64_t min = 1000 * SLICE_NS;
	cland_task_t t = make_waking(1, 0);

	set_min_vruntime(f, min);
	t.start_ts = 50 * SLICE_NS;
	t.stop_ts = t.start_ts + 3 * NSEC_PER_MSEC;
	/* ran less than its lag (5 ms): placed at min_vruntime */
	t.vtime = min - 5 * NSEC_PER_MSEC;
	assert_int_equal(placed(f, &t), min);
	/* ran more than its lag (1 ms): 2 ms beyond min_vruntime */
	t.vtime = min - NSEC_PER_MSEC;
	assert_int_equal(placed(f, &t), min + 2 * NSEC_PER_MSEC);
}

/* A task put back without sleeping keeps up to one slice of lag. */
static void test_requeue_keeps_bounded_lag(void **state)
{
	struct fixture *f = *state;
	const uint64_t min = 1000 * SLICE_NS;
	cland_task_t recent = make_task(1, min - SLICE_NS / 2, 0);
	cland_task_t stale = make_task(2, min - 3 * SLICE_NS, 0);

	set_min_vruntime(f, min);
	assert_int_equal(placed(f, &recent), min - SLICE_NS / 2);
	assert_int_equal(placed(f, &stale), min - SLICE_NS);
}

static void test_no_underflow_near_zero(void **state)
{
	struct fixture *f = *state;
	cland_task_t requeued = make_task(1, 1, 0);
	cland_task_t woken = make_waking(2, 0);

	/* min_vruntime (SLICE_NS / 2) is less than a slice: floor at 0 */
	set_min_vruntime(f, SLICE_NS / 2);
	assert_int_equal(placed(f, &requeued), 1);
	assert_int_equal(placed(f, &woken), SLICE_NS / 2);
}

static void test_min_vruntime_monotonic(void **state)
{
	struct fixture *f = *state;
	const uint64_t high = 500 * SLICE_NS;
	cland_task_t low = make_task(1, 10 * SLICE_NS, 0);
	cland_task_t woken = make_waking(2, 0);

	set_min_vruntime(f, high);
	/* dispatching a task with a lower vruntime does not move it back */
	assert_int_equal(placed(f, &low), high - SLICE_NS);
	assert_int_equal(placed(f, &woken), high);
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
	assert_int_equal(placed(f, &t), 100 * SLICE_NS);
	/* weight 0 (malformed) is charged like nice 0, without dividing by 0 */
	assert_int_equal(charged(f, 0, 5000), 5000);
	/* weights above the kernel's range are clamped to 10000 */
	assert_int_equal(charged(f, 1000000, 500000), 5000);
}

static void test_saturates_instead_of_wrapping(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = make_task(1, UINT64_MAX - 10, 0);

	t.weight = 1;
	t.start_ts = 0;
	t.stop_ts = UINT64_MAX;
	assert_true(placed(f, &t) == UINT64_MAX);
	/* it started with UINT64_MAX - 10: a waking task goes there, not to 5 */
	t = make_waking(2, 5);
	assert_true(placed(f, &t) == UINT64_MAX - 10);
}

static void test_fifo_among_equal_vruntimes(void **state)
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
 * The slice is scaled by weight, as CFS does (alone: the fair slice is all of
 * slice_ns): each slice costs a task the same vruntime, within the limits.
 */
static void test_slice_scaled_by_weight(void **state)
{
	struct fixture *f = *state;
	static const struct {
		uint64_t weight, slice;
	} cases[] = {
		{1, SLICE_MIN_NS},	   {WEIGHT_NICE_5, SLICE_NS * WEIGHT_NICE_5 / 100},
		{WEIGHT_NICE_0, SLICE_NS}, {WEIGHT_NICE_M5, SLICE_NS},
		{10000, SLICE_NS},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cland_task_t t = make_task(1, 0, 0);

		t.weight = cases[i].weight;
		enqueue(f, &t);
		assert_int_equal(dispatch(f).slice, cases[i].slice);
	}
	/* 16 runnable on 4 CPUs: a quarter of a sixth (0.83 ms), 1 ms at least, then the weight */
	{
		cland_task_t t = make_task(1, 0, 0);

		t.nr_runnable = 16;
		t.weight = WEIGHT_NICE_M5;
		enqueue(f, &t);
		assert_int_equal(dispatch(f).slice, SLICE_MIN_NS * WEIGHT_NICE_M5 / 100);
	}
}

static void test_backend_places_tasks(void **state)
{
	check_backend_places_tasks(*state);
}

static void test_no_claim_idle_cpu_in_host(void **state)
{
	(void)state;
	check_no_claim_idle_cpu_in_host(&cland_policy_vruntime);
}

static void test_generation_echoed(void **state)
{
	check_generation_echoed(*state);
}

/* Far more tasks than the heap holds: each is dispatched once, in order. */
static void test_heap_full_loses_nothing(void **state)
{
	struct fixture *f = *state;
	unsigned char *seen = calloc(MANY_TASKS + 1, 1);
	uint64_t prev = 0;
	int32_t pid;

	assert_non_null(seen);
	for (pid = 1; pid <= MANY_TASKS; pid++) {
		cland_task_t t = make_task(pid, (uint64_t)((pid * 7919) % 1000) * 1000, 0);

		enqueue(f, &t);
	}
	assert_int_equal(pending(f), MANY_TASKS);
	for (pid = 1; pid <= MANY_TASKS; pid++) {
		struct cland_decision d = dispatch(f);

		assert_in_range(d.pid, 1, MANY_TASKS);
		assert_int_equal(seen[d.pid], 0);
		seen[d.pid] = 1;
		assert_int_equal(d.gen, 1000 + (uint64_t)d.pid);
		assert_true(d.vtime >= prev);
		prev = d.vtime;
	}
	assert_int_equal(pending(f), 0);
	free(seen);
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

/* Nice 0 and nice 5 hogs: CPU shares follow the kernel's weights, 1024 / 335. */
static void test_fairness_nice0_nice5(void **state)
{
	static const uint64_t weight[] = {WEIGHT_NICE_0, WEIGHT_NICE_5};
	struct fixture *f = *state;
	uint64_t ran[2];

	simulate(f, weight, NULL, 0, ran, 2, 10000 * NSEC_PER_MSEC);
	assert_ratio((double)ran[0] / (double)ran[1], 1024.0 / 335.0);
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

/*
 * A task that runs 1 ms at a time and wakes straight up again, against a hog
 * of the same weight: frequent wake-ups buy it nothing beyond half the CPU.
 */
static void test_wakeups_earn_no_extra_share(void **state)
{
	static const uint64_t weight[] = {WEIGHT_NICE_0, WEIGHT_NICE_0};
	static const bool sleeps[] = {false, true};
	struct fixture *f = *state;
	uint64_t ran[2];

	simulate(f, weight, sleeps, NSEC_PER_MSEC, ran, 2, 10000 * NSEC_PER_MSEC);
	assert_ratio((double)ran[1] / (double)ran[0], 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered),
		cmocka_unit_test(test_init_rejects_bad_cfg),
		cmocka_unit_test(test_no_claim_idle_cpu_in_host),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lowest_vruntime_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_latency_boost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_runs_do_not_jump_the_queue, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wakeup_placed_at_min_vruntime, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_min_vruntime_lowest_recent_start, setup,
						teardown),
		cmocka_unit_test(test_window_grows_with_cpus),
		cmocka_unit_test_setup_teardown(test_wakeup_charged_then_placed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_keeps_bounded_lag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_underflow_near_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_min_vruntime_monotonic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weighted_charge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_timestamps_and_weight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_saturates_instead_of_wrapping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fifo_among_equal_vruntimes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slice_shrinks_with_runnable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_task_placed_near_the_front, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slice_scaled_by_weight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_places_tasks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation_echoed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_full_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_drops_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness_nice0_nice5, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness_mixed_weights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wakeups_earn_no_extra_share, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
