// SPDX-License-Identifier: GPL-2.0
/*
 * test_verdict.c - every built-in policy honours the rules' verdict
 * (lib/policy.h): a latency-critical task goes ahead of tasks queued before
 * it, with the minimum slice, and loses the boost once it has run a whole
 * slice without sleeping; a background task goes behind tasks queued after
 * it, with the long slice; a rule's fixed slice wins; the weight multiplier
 * counts as weight (a heavier task gets a longer or more frequent turn).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

extern const struct cland_policy cland_policy_deadline;
extern const struct cland_policy cland_policy_vruntime;
extern const struct cland_policy cland_policy_fifo;

static const struct cland_policy *const policies[] = {&cland_policy_deadline,
						      &cland_policy_vruntime, &cland_policy_fifo};

/* Three ordinary waking tasks, then @t: the order of the four decisions' pids. */
static void order_with(const struct cland_policy *pol, cland_task_t t, int32_t *pids,
		       uint64_t *slices)
{
	struct fixture *f = fixture_new(pol, 4);
	struct cland_decision d[4];
	int32_t pid;
	int i;

	assert_non_null(f);
	/* far from 0: keys have room on both sides */
	if (pol == &cland_policy_deadline)
		set_vclock(f, 50 * SLICE_NS);
	else if (pol == &cland_policy_vruntime)
		advance_vclock(f, 50 * SLICE_NS);
	for (pid = 1; pid <= 3; pid++) {
		cland_task_t o = make_waking(pid, 50 * SLICE_NS);

		o.nr_runnable = 4;
		enqueue(f, &o);
	}
	t.nr_runnable = 4;
	enqueue(f, &t);
	for (i = 0; i < 4; i++) {
		d[i] = dispatch(f);
		pids[i] = d[i].pid;
		slices[i] = d[i].slice;
	}
	/* a deadline order, not only a dispatch order: the backend's DSQ sorts by it */
	for (i = 0; i < 4; i++)
		if (d[i].pid == t.pid)
			slices[4] = d[i].deadline;
	slices[5] = d[0].pid == t.pid ? d[1].deadline : d[0].deadline;
	fixture_free(f);
}

static void test_latency_critical_first(void **state)
{
	int32_t pids[4];
	uint64_t s[6];
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		cland_task_t t = make_waking(9, 50 * SLICE_NS);

		t.verdict = CLAND_VERDICT_LATENCY_CRITICAL;
		order_with(policies[i], t, pids, s);
		if (pids[0] != 9)
			fail_msg("%s: the latency-critical task came out %d", policies[i]->name,
				 pids[0]);
		assert_int_equal(s[0], SLICE_MIN_NS);
		assert_true(s[4] < s[5]); /* its deadline is ahead of the others' */
	}
}

static void test_latency_critical_hog_loses_boost(void **state)
{
	int32_t pids[4];
	uint64_t s[6];
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		/* it ran a whole slice without sleeping: ordered as usual (queued last) */
		cland_task_t t = make_task(9, 50 * SLICE_NS, SLICE_NS);

		t.verdict = CLAND_VERDICT_LATENCY_CRITICAL;
		order_with(policies[i], t, pids, s);
		if (pids[3] != 9)
			fail_msg("%s: a latency-critical hog came out %d", policies[i]->name,
				 pids[3]);
	}
}

static void test_background_last(void **state)
{
	struct fixture *f;
	cland_task_t t;
	unsigned int i;
	int32_t pid;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct cland_decision bg, d;

		f = fixture_new(policies[i], 4);
		assert_non_null(f);
		t = make_waking(9, 0);
		t.verdict = CLAND_VERDICT_BACKGROUND;
		enqueue(f, &t); /* first in, last out */
		for (pid = 1; pid <= 3; pid++) {
			cland_task_t o = make_task(pid, 0, 0);

			enqueue(f, &o);
		}
		for (pid = 1; pid <= 3; pid++) {
			d = dispatch(f);
			if (d.pid == 9)
				fail_msg("%s: the background task came out before others",
					 policies[i]->name);
		}
		bg = dispatch(f);
		assert_int_equal(bg.pid, 9);
		assert_true(bg.deadline >= d.deadline + CLAND_VERDICT_BG_DELAY_NS);
		assert_int_equal(bg.slice, CLAND_VERDICT_BG_SLICES * SLICE_NS);
		fixture_free(f);
	}
}

static void test_fixed_slice_wins(void **state)
{
	struct fixture *f;
	struct cland_decision d;
	cland_task_t t;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		f = fixture_new(policies[i], 4);
		assert_non_null(f);
		t = make_waking(7, 0);
		t.verdict = CLAND_VERDICT_LATENCY_CRITICAL; /* would be the minimum slice */
		t.verdict_slice = 3456789;
		enqueue(f, &t);
		d = dispatch(f);
		assert_int_equal(d.slice, 3456789);
		t = make_waking(8, 0);
		t.verdict_slice = 20 * CLAND_MAX_SLICE_NS; /* never over the backend's limit */
		enqueue(f, &t);
		d = dispatch(f);
		assert_int_equal(d.slice, CLAND_MAX_SLICE_NS);
		fixture_free(f);
	}
}

/*
 * Two nice-0 hogs on one CPU, one with a rule's weight x 3: it gets about 3
 * times the CPU (deadline, vruntime: through its vruntime; fifo: its slice).
 */
static void test_weight_multiplier(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct fixture *f = fixture_new(policies[i], 1);
		uint64_t ran[2] = {0, 0}, now = 0;
		cland_task_t t[2];
		int k;

		assert_non_null(f);
		for (k = 0; k < 2; k++) {
			t[k] = make_task(k + 1, 0, 0);
			t[k].nr_runnable = 2;
			enqueue(f, &t[k]);
		}
		t[0].verdict_weight_pct = 300;
		assert_int_equal(cland_verdict_weight(&t[0]), 300);
		while (now < 20ULL * 1000 * NSEC_PER_MSEC) {
			struct cland_decision d = dispatch(f);

			k = d.pid - 1;
			t[k].vtime = d.vtime;
			t[k].start_ts = now;
			now += d.slice;
			t[k].stop_ts = now;
			t[k].exec_runtime += d.slice;
			t[k].gen++;
			ran[k] += d.slice;
			enqueue(f, &t[k]);
		}
		assert_ratio((double)ran[0] / (double)ran[1], 3.0);
		fixture_free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latency_critical_first),
		cmocka_unit_test(test_latency_critical_hog_loses_boost),
		cmocka_unit_test(test_background_last),
		cmocka_unit_test(test_fixed_slice_wins),
		cmocka_unit_test(test_weight_multiplier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
