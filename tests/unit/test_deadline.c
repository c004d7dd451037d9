// SPDX-License-Identifier: GPL-2.0
/*
 * test_deadline.c - unit tests of the "deadline" policy (policies/deadline.c):
 * interactive tasks first, bounded wake-up credit and its boost for timer
 * wake-ups, weighted charging, FIFO ties, slice sizing, CPU selection, the
 * heap-full path, running out of memory and fairness. The mock host and
 * shared helpers are in fixture.h.
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

	set_vclock(f, 5 * SLICE_NS);
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
	cland_task_t far = make_task(5, min + 30 * SLICE_NS, 0);

	set_vclock(f, min);
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
	/* further ahead (it ran more than its share): it owes one slice, no more */
	enqueue(f, &far);
	assert_int_equal(dispatch(f).vtime, min + SLICE_NS);
}

/* A long sleeper woken at @ts (no run to charge), by a timer or (@sync) by a task. */
static cland_task_t woken_at(int32_t pid, uint64_t ts, bool sync)
{
	cland_task_t t = make_waking(pid, 0);

	t.flags |= sync ? CLAND_TASK_SYNC : 0;
	t.nr_runnable = 1;
	t.start_ts = t.stop_ts = ts;
	return t;
}

/*
 * A wake-up that is not a sync one (a timer's) earns two fair slices of
 * credit (F is SLICE_NS here: one runnable task), a sync one
 * (CLAND_TASK_SYNC: a running task woke it) one; the boost is paid from a
 * budget of 5% of the CPUs' time, saved for at most a slice of each CPU
 * (80 ms of CPU on the fixture's 4), each boosted decision taking the CPU
 * time its standing decision covers (SLICE_NS): four in a row, then none
 * until 100 ms more have passed (4 CPUs x 5% x 100 ms).
 */
static void test_timer_wakeup_boost(void **state)
{
	struct fixture *f = *state;
	const uint64_t min = 1000 * SLICE_NS, t0 = 2 * min;
	cland_task_t t;
	int i;

	set_vclock(f, min);
	t = woken_at(1, t0, true);
	assert_int_equal(placed(f, &t), min - SLICE_NS);
	for (i = 0; i < 4; i++) {
		t = woken_at(2 + i, t0, false);
		assert_int_equal(placed(f, &t), min - 2 * SLICE_NS);
	}
	t = woken_at(6, t0, false);
	assert_int_equal(placed(f, &t), min - SLICE_NS);
	t = woken_at(7, t0 + 99 * NSEC_PER_MSEC, false);
	assert_int_equal(placed(f, &t), min - SLICE_NS);
	t = woken_at(8, t0 + 100 * NSEC_PER_MSEC, false);
	assert_int_equal(placed(f, &t), min - 2 * SLICE_NS);
	/* not a wake-up (preempted, slice over): no credit beyond F */
	t = woken_at(9, t0 + 10 * min, false);
	t.flags = 0;
	assert_int_equal(placed(f, &t), min - SLICE_NS);
}

static void test_no_underflow_near_zero(void **state)
{
	struct fixture *f = *state;
	cland_task_t fresh = make_task(1, 0, 0);

	/* the clock (SLICE_NS / 2) is less than a slice: floor at 0 */
	set_vclock(f, SLICE_NS / 2);
	enqueue(f, &fresh);
	assert_int_equal(dispatch(f).vtime, 0);
}

/* Tasks far behind or far ahead of the clock do not move it. */
static void test_vclock_moves_only_by_runs(void **state)
{
	struct fixture *f = *state;
	const uint64_t high = 500 * SLICE_NS;
	cland_task_t low = make_task(1, 10 * SLICE_NS, 0);
	cland_task_t far = make_task(2, 100 * high, 0);
	cland_task_t fresh = make_task(3, 0, 0);

	set_vclock(f, high);
	enqueue(f, &low);
	assert_int_equal(dispatch(f).vtime, high - SLICE_NS);
	enqueue(f, &far);
	assert_int_equal(dispatch(f).vtime, high + SLICE_NS);
	enqueue(f, &fresh);
	assert_int_equal(dispatch(f).vtime, high - SLICE_NS);
}

/*
 * The clock moves at the fair rate (run_at_fair_rate()): a new task is
 * placed a fair slice behind it.
 */
static void test_vclock_fair_rate(void **state)
{
	struct fixture *f = *state;
	cland_task_t fresh = make_task(2, 0, 0);
	uint64_t clock = run_at_fair_rate(f);

	fresh.nr_runnable = 4;
	assert_int_equal(placed(f, &fresh), clock - SLICE_NS);
}

/* A run with a bogus length moves the clock by slice_ns, no more. */
static void test_vclock_step_bounded(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = make_task(1, 0, 0), fresh = make_task(2, 0, 0);

	t.weight = 1;
	t.start_ts = 1;
	t.stop_ts = 1ULL << 62;
	t.nr_runnable = fresh.nr_runnable = 1;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).vtime, 2 * SLICE_NS); /* the clock + what it owes */
	assert_int_equal(placed(f, &fresh), 0);		   /* the clock: one slice */
}

static void test_weighted_charge(void **state)
{
	struct fixture *f = *state;
	const uint64_t ran = 3 * NSEC_PER_MSEC, v = 100 * SLICE_NS;
	uint64_t nice0, nice5, nicem5;

	set_vclock(f, v);
	nice0 = charged(f, v, WEIGHT_NICE_0, ran);
	nice5 = charged(f, v, WEIGHT_NICE_5, ran);
	nicem5 = charged(f, v, WEIGHT_NICE_M5, ran);

	assert_int_equal(nice0, ran);
	assert_int_equal(nice5, ran * 100 / WEIGHT_NICE_5);
	assert_int_equal(nicem5, ran * 100 / WEIGHT_NICE_M5);
	assert_true(nice5 > 3 * nice0 - nice0 / 100);
	assert_true(nicem5 < nice0 / 3);
	/* extreme weights (a run short enough to stay under the cap at weight 1) */
	assert_int_equal(charged(f, v, 1, ran / 30), ran / 30 * 100);
	assert_int_equal(charged(f, v, 10000, ran), ran / 100);
}

static void test_bad_timestamps_and_weight(void **state)
{
	struct fixture *f = *state;
	cland_task_t t = make_task(1, 100 * SLICE_NS, 0);

	set_vclock(f, 100 * SLICE_NS);
	/* stop before start: nothing charged */
	t.start_ts = 10 * SLICE_NS;
	t.stop_ts = 9 * SLICE_NS;
	enqueue(f, &t);
	assert_int_equal(dispatch(f).vtime, 100 * SLICE_NS);
	/* weight 0 (malformed) is charged like nice 0, without dividing by 0 */
	assert_int_equal(charged(f, 100 * SLICE_NS, 0, 5000), 5000);
	/* weights above the kernel's range are clamped to 10000 */
	assert_int_equal(charged(f, 100 * SLICE_NS, 1000000, 500000), 5000);
}

/*
 * An extreme task (vruntime at the top of the range, a run of 146 years at
 * weight 1, an endless run without sleeping) wraps nothing and drags nothing:
 * placed a slice ahead of the clock (what it owes, at most), its deadline a
 * slice later, and the clock moved a slice.
 */
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
	assert_int_equal(d.vtime, 2 * SLICE_NS);
	assert_int_equal(d.deadline, 3 * SLICE_NS);
}

static void test_fifo_among_equal_deadlines(void **state)
{
	struct fixture *f = *state;
	int32_t pid;

	set_vclock(f, 2 * SLICE_NS);
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

/*
 * A standing decision covers a fair slice of vruntime: in CPU time, the fair
 * slice scaled by the task's weight (the backend moves its key on by what it
 * runs over its weight), at most slice_ns.
 */
static void test_standing_scaled_by_weight(void **state)
{
	struct fixture *f = *state;
	cland_task_t waking = make_waking(1, 0);

	waking.nr_runnable = 16; /* on 4 CPUs: a fair slice of SLICE_NS / 4 */
	waking.weight = 1;
	enqueue(f, &waking);
	assert_int_equal(dispatch(f).standing_ns, SLICE_NS / 4 / 100);
	waking.weight = 200;
	enqueue(f, &waking);
	assert_int_equal(dispatch(f).standing_ns, SLICE_NS / 2);
	waking.weight = 10000;
	enqueue(f, &waking);
	assert_int_equal(dispatch(f).standing_ns, SLICE_NS);
}

/*
 * The bounds count the most tasks runnable of the last second: after 400
 * runnable tasks (the minimum slice), a task alone still gets the minimum
 * slice as its bonus cap, until a second has passed on the tasks' clock.
 */
static void test_bounds_hold_the_peak(void **state)
{
	struct fixture *f = *state;
	cland_task_t crowd = make_task(1, 0, 0), hog = make_task(2, 0, 1000 * SLICE_NS);
	struct cland_decision d;

	crowd.nr_runnable = 400;
	crowd.stop_ts = crowd.start_ts = SLICE_NS;
	placed(f, &crowd);
	hog.nr_runnable = 1;
	hog.start_ts = hog.stop_ts = SLICE_NS + 999 * NSEC_PER_MSEC;
	enqueue(f, &hog);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, SLICE_MIN_NS);
	hog.start_ts = hog.stop_ts = SLICE_NS + 1000 * NSEC_PER_MSEC;
	enqueue(f, &hog);
	d = dispatch(f);
	assert_int_equal(d.deadline - d.vtime, SLICE_NS);
}

/*
 * When the load rises (F shrinks from SLICE_NS to SLICE_MIN_NS), the clock
 * jumps by twice the difference: a key queued at the old bound, clock + 2F,
 * is at the new one.
 */
static void test_vclock_jumps_when_load_rises(void **state)
{
	struct fixture *f = *state;
	const uint64_t v = 100 * SLICE_NS, jump = 2 * (SLICE_NS - SLICE_MIN_NS);
	cland_task_t hog = make_task(1, v + SLICE_NS, 1000 * SLICE_NS);
	cland_task_t fresh = make_task(2, 0, 0);

	set_vclock(f, v);
	hog.nr_runnable = 1;
	enqueue(f, &hog);
	assert_int_equal(dispatch(f).deadline, v + 2 * SLICE_NS);
	fresh.nr_runnable = 400; /* the clock is at v + jump: the hog's key, less 2F */
	assert_int_equal(placed(f, &fresh), v + jump - SLICE_MIN_NS);
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

	/* descending deadlines, all within a fair slice: the last ones enqueued run first */
	for (pid = 1; pid <= MANY_TASKS; pid++) {
		cland_task_t t = make_task(pid, (uint64_t)(MANY_TASKS - pid) * 100, 0);

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
		cmocka_unit_test_setup_teardown(test_timer_wakeup_boost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_underflow_near_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vclock_moves_only_by_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vclock_fair_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vclock_step_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vclock_jumps_when_load_rises, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds_hold_the_peak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_standing_scaled_by_weight, setup, teardown),
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
