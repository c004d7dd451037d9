// SPDX-License-Identifier: GPL-2.0
/*
 * test_chaos.c - unit tests of the chaos test policy (tests/policies/chaos.c,
 * a plug-in built for the VM and simulator tests, included here whole): it
 * injects each kind of fault at its rate and counts each one, it loses only
 * the tasks it drops, its draws are the host's seeded ones (the same twice),
 * and it links with libm (its delays call log()) as every policy may.
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

#include "../policies/chaos.c"

#define NR_TASKS 20000

struct tally {
	uint64_t decisions, good, dup, malformed;
	uint64_t seen[NR_TASKS + 1];
};

/* Enqueue NR_TASKS tasks, then dispatch, moving the clock, until all are answered or lost. */
static void drive(struct tally *t, struct chaos **out)
{
	struct fixture *f = fixture_new(&chaos, 4);
	struct chaos *c;
	struct cland_decision d;
	int32_t pid;
	int i;

	assert_non_null(f);
	c = f->ctx;
	memset(t, 0, sizeof(*t));
	for (pid = 1; pid <= NR_TASKS; pid++) {
		cland_task_t task = make_task(pid, 0, 0);

		enqueue(f, &task);
	}
	for (i = 0; i < 200; i++) { /* 2 s of rounds, 10 ms apart */
		while (f->pol->dispatch(f->ctx, &d)) {
			t->decisions++;
			assert_true(d.pid >= 1 && d.pid <= NR_TASKS);
			assert_int_equal(d.gen, 1000 + (uint64_t)d.pid);
			if (d.cpu >= f->host.nr_cpus || d.slice > CLAND_MAX_SLICE_NS)
				t->malformed++;
			else if (t->seen[d.pid]++)
				t->dup++;
			else
				t->good++;
		}
		f->be.now += 10 * 1000 * 1000;
	}
	assert_int_equal(f->pol->nr_pending(f->ctx), 0);
	*out = malloc(sizeof(**out));
	**out = *c;
	(*out)->ring = NULL;
	(*out)->held = NULL;
	fixture_free(f);
}

static void test_faults_counted(void **state)
{
	struct tally *t = malloc(sizeof(*t));
	struct chaos *c;

	assert_non_null(t);
	drive(t, &c);
	assert_int_equal(c->enqueued, NR_TASKS);
	assert_int_equal(c->sent, t->decisions);
	assert_int_equal(c->malformed, t->malformed);
	assert_int_equal(c->duplicated, t->dup);
	/* every task answered once (well or malformed), but those dropped */
	assert_int_equal(t->good + t->malformed, NR_TASKS - c->dropped);
	/* each fault near its rate (per mille of the tasks; 20000 tasks) */
	assert_in_range(c->dropped, NR_TASKS * P_DROP / 2000, NR_TASKS * P_DROP * 2 / 1000);
	assert_in_range(c->late, NR_TASKS * P_LATE / 2000, NR_TASKS * P_LATE * 2 / 1000);
	assert_in_range(c->delayed, NR_TASKS * P_DELAY / 2000, NR_TASKS * P_DELAY * 2 / 1000);
	assert_in_range(c->duplicated, NR_TASKS * P_DUPLICATE / 2000,
			NR_TASKS * P_DUPLICATE * 2 / 1000);
	assert_in_range(c->malformed, NR_TASKS * P_MALFORM / 2000, NR_TASKS * P_MALFORM * 2 / 1000);
	assert_true(c->reordered > 0);
	free(c);
	free(t);
}

/* The same seed, the same faults. */
static void test_reproducible(void **state)
{
	struct tally *t = malloc(sizeof(*t));
	struct chaos *a, *b;

	assert_non_null(t);
	drive(t, &a);
	drive(t, &b);
	assert_int_equal(a->dropped, b->dropped);
	assert_int_equal(a->late, b->late);
	assert_int_equal(a->delayed, b->delayed);
	assert_int_equal(a->duplicated, b->duplicated);
	assert_int_equal(a->malformed, b->malformed);
	assert_int_equal(a->reordered, b->reordered);
	free(a);
	free(b);
	free(t);
}

/* The delays: exponential (log(): libm), 20 ms on average, at most 200 ms. */
static void test_delays(void **state)
{
	struct fixture *f = fixture_new(&chaos, 4);
	uint64_t sum = 0, d;
	int i;

	assert_non_null(f);
	for (i = 0; i < 10000; i++) {
		d = delay(f->ctx);
		assert_true(d <= DELAY_MAX);
		sum += d;
	}
	assert_in_range(sum / 10000, DELAY_MEAN * 8 / 10, DELAY_MEAN * 12 / 10);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_faults_counted),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_delays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
