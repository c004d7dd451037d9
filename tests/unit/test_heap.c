// SPDX-License-Identifier: GPL-2.0
/*
 * test_heap.c - unit tests of the fixed-capacity task min-heap (lib/heap.c):
 * ordering, FIFO order among equal keys, capacity limits, growth (and its
 * failure when memory runs out) and reuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "heap.h"

static cland_task_t task_with_pid(int32_t pid)
{
	cland_task_t t = {0};

	t.pid = pid;
	t.gen = (uint64_t)pid * 10;
	return t;
}

static void test_init_rejects_zero_capacity(void **state)
{
	struct cland_heap h;

	(void)state;
	assert_int_equal(cland_heap_init(&h, 0), -EINVAL);
	assert_null(h.e);
	cland_heap_free(&h);
	/* a slot is 32 bits: a capacity past them is refused, not truncated */
	if (SIZE_MAX > CLAND_HEAP_MAX_CAP) {
		assert_int_equal(cland_heap_init(&h, CLAND_HEAP_MAX_CAP + 1), -EINVAL);
		assert_null(h.e);
		assert_int_equal(cland_heap_capacity(&h), 0);
	}
}

static void test_empty(void **state)
{
	struct cland_heap h;
	struct cland_heap_entry ent;

	(void)state;
	assert_int_equal(cland_heap_init(&h, 4), 0);
	assert_int_equal(cland_heap_size(&h), 0);
	assert_int_equal(cland_heap_capacity(&h), 4);
	assert_false(cland_heap_peek(&h, &ent));
	assert_false(cland_heap_peek(&h, NULL));
	assert_false(cland_heap_pop(&h, &ent));
	assert_false(cland_heap_pop(&h, NULL));
	cland_heap_free(&h);
	assert_int_equal(cland_heap_capacity(&h), 0);
}

static void test_orders_by_key(void **state)
{
	static const uint64_t keys[] = {50, 10, 90, 30, 70, 20, 80, 0, 60, 40};
	struct cland_heap h;
	struct cland_heap_entry ent;
	size_t i;

	(void)state;
	assert_int_equal(cland_heap_init(&h, 16), 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		cland_task_t t = task_with_pid((int32_t)keys[i]);

		assert_int_equal(cland_heap_push(&h, keys[i], &t), 0);
	}
	assert_int_equal(cland_heap_size(&h), 10);
	for (i = 0; i < 10; i++) {
		struct cland_heap_entry top;

		assert_true(cland_heap_peek(&h, &top));
		assert_int_equal(top.key, i * 10);
		assert_int_equal(top.task.pid, (int32_t)(i * 10));
		assert_true(cland_heap_pop(&h, &ent));
		assert_int_equal(ent.key, i * 10);
		/* the payload travels with its key */
		assert_int_equal(ent.task.pid, (int32_t)(i * 10));
		assert_int_equal(ent.task.gen, i * 100);
		assert_int_equal(cland_heap_size(&h), 9 - i);
	}
	assert_false(cland_heap_pop(&h, &ent));
	cland_heap_free(&h);
}

static void test_equal_keys_fifo(void **state)
{
	struct cland_heap h;
	struct cland_heap_entry ent;
	int32_t pid;

	(void)state;
	assert_int_equal(cland_heap_init(&h, 64), 0);
	/* interleave two keys: each key's tasks must come out in push order */
	for (pid = 1; pid <= 40; pid++) {
		cland_task_t t = task_with_pid(pid);

		assert_int_equal(cland_heap_push(&h, pid % 2 ? 7 : 3, &t), 0);
	}
	for (pid = 2; pid <= 40; pid += 2) {
		assert_true(cland_heap_pop(&h, &ent));
		assert_int_equal(ent.key, 3);
		assert_int_equal(ent.task.pid, pid);
	}
	for (pid = 1; pid <= 39; pid += 2) {
		assert_true(cland_heap_pop(&h, &ent));
		assert_int_equal(ent.key, 7);
		assert_int_equal(ent.task.pid, pid);
	}
	assert_int_equal(cland_heap_size(&h), 0);
	cland_heap_free(&h);
}

static void test_full_capacity(void **state)
{
	struct cland_heap h;
	struct cland_heap_entry ent;
	cland_task_t t = task_with_pid(99);
	int32_t pid;

	(void)state;
	assert_int_equal(cland_heap_init(&h, 3), 0);
	for (pid = 1; pid <= 3; pid++) {
		cland_task_t x = task_with_pid(pid);

		assert_int_equal(cland_heap_push(&h, 100 - (uint64_t)pid, &x), 0);
	}
	assert_int_equal(cland_heap_push(&h, 0, &t), -ENOSPC);
	assert_int_equal(cland_heap_size(&h), 3);
	/* the rejected push left the heap intact */
	assert_true(cland_heap_peek(&h, &ent));
	assert_int_equal(ent.task.pid, 3);
	assert_true(cland_heap_pop(&h, NULL));
	/* room again after a pop */
	assert_int_equal(cland_heap_push(&h, 0, &t), 0);
	assert_int_equal(cland_heap_push(&h, 0, &t), -ENOSPC);
	assert_true(cland_heap_pop(&h, &ent));
	assert_int_equal(ent.task.pid, 99);
	assert_true(cland_heap_pop(&h, &ent));
	assert_int_equal(ent.task.pid, 2);
	assert_true(cland_heap_pop(&h, &ent));
	assert_int_equal(ent.task.pid, 1);
	assert_false(cland_heap_pop(&h, &ent));
	cland_heap_free(&h);
}

/* Growing keeps the order, FIFO among equal keys included. */
static void test_grow_keeps_order(void **state)
{
	struct cland_heap h;
	struct cland_heap_entry ent;
	int32_t pid;

	(void)state;
	assert_int_equal(cland_heap_init(&h, 4), 0);
	for (pid = 1; pid <= 4; pid++) {
		cland_task_t x = task_with_pid(pid);

		/* pids 1 and 3 share key 5, 2 and 4 share key 1 */
		assert_int_equal(cland_heap_push(&h, pid % 2 ? 5 : 1, &x), 0);
	}
	assert_int_equal(cland_heap_grow(&h), 0);
	assert_int_equal(cland_heap_capacity(&h), 8);
	assert_int_equal(cland_heap_size(&h), 4);
	for (pid = 5; pid <= 8; pid++) {
		cland_task_t x = task_with_pid(pid);

		assert_int_equal(cland_heap_push(&h, 5, &x), 0);
	}
	/* key order, and push order among equal keys, across the grow */
	{
		const int32_t want[] = {2, 4, 1, 3, 5, 6, 7, 8};
		size_t i;

		for (i = 0; i < 8; i++) {
			assert_true(cland_heap_pop(&h, &ent));
			assert_int_equal(ent.task.pid, want[i]);
		}
	}
	cland_heap_free(&h);
}

/* Growth that fails (no memory) leaves the heap as it was, still full. */
static void test_grow_failure_leaves_heap(void **state)
{
	struct cland_heap h;
	struct cland_heap_entry ent;
	cland_task_t t = task_with_pid(9);
	int32_t pid;

	(void)state;
	assert_int_equal(cland_heap_init(&h, 2), 0);
	for (pid = 1; pid <= 2; pid++) {
		cland_task_t x = task_with_pid(pid);

		assert_int_equal(cland_heap_push(&h, 10 - (uint64_t)pid, &x), 0);
	}
	cland_heap_fail_grow = true;
	assert_int_equal(cland_heap_grow(&h), -ENOMEM);
	cland_heap_fail_grow = false;
	assert_int_equal(cland_heap_capacity(&h), 2);
	assert_int_equal(cland_heap_size(&h), 2);
	assert_int_equal(cland_heap_push(&h, 0, &t), -ENOSPC);
	assert_true(cland_heap_pop(&h, &ent));
	assert_int_equal(ent.task.pid, 2);
	assert_true(cland_heap_pop(&h, &ent));
	assert_int_equal(ent.task.pid, 1);
	/* and it grows again once memory is back */
	assert_int_equal(cland_heap_grow(&h), 0);
	assert_int_equal(cland_heap_capacity(&h), 4);
	cland_heap_free(&h);
}

/* Random pushes and pops checked against a brute-force minimum search. */
static void test_random_against_reference(void **state)
{
	enum { CAP = 257, OPS = 20000 };
	static uint64_t ref_key[CAP], ref_seq[CAP];
	struct cland_heap h;
	struct cland_heap_entry ent;
	uint64_t seq = 0;
	size_t nr = 0;
	int op;

	(void)state;
	srand(12345);
	assert_int_equal(cland_heap_init(&h, CAP), 0);
	for (op = 0; op < OPS; op++) {
		bool push = nr == 0 || (nr < CAP && rand() % 3 != 0);

		if (push) {
			uint64_t key = (uint64_t)(rand() % 50);
			cland_task_t t = task_with_pid((int32_t)seq);

			assert_int_equal(cland_heap_push(&h, key, &t), 0);
			ref_key[nr] = key;
			ref_seq[nr] = seq++;
			nr++;
		} else {
			size_t i, best = 0;

			for (i = 1; i < nr; i++) {
				if (ref_key[i] < ref_key[best] ||
				    (ref_key[i] == ref_key[best] && ref_seq[i] < ref_seq[best]))
					best = i;
			}
			assert_true(cland_heap_peek(&h, &ent));
			assert_int_equal(ent.key, ref_key[best]);
			assert_int_equal(ent.task.pid, (int32_t)ref_seq[best]);
			assert_true(cland_heap_pop(&h, &ent));
			assert_int_equal(ent.key, ref_key[best]);
			assert_int_equal(ent.seq, ref_seq[best]);
			/* the whole task comes back from its slot, not another's */
			assert_int_equal(ent.task.pid, (int32_t)ref_seq[best]);
			assert_int_equal(ent.task.gen, ref_seq[best] * 10);
			ref_key[best] = ref_key[nr - 1];
			ref_seq[best] = ref_seq[nr - 1];
			nr--;
		}
		assert_int_equal(cland_heap_size(&h), nr);
	}
	cland_heap_free(&h);
}

static void test_reinit_after_free(void **state)
{
	struct cland_heap h;
	cland_task_t t = task_with_pid(5);

	(void)state;
	assert_int_equal(cland_heap_init(&h, 1), 0);
	assert_int_equal(cland_heap_push(&h, 1, &t), 0);
	cland_heap_free(&h);
	assert_int_equal(cland_heap_size(&h), 0);
	assert_int_equal(cland_heap_init(&h, 2), 0);
	assert_int_equal(cland_heap_size(&h), 0);
	assert_int_equal(cland_heap_capacity(&h), 2);
	cland_heap_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_zero_capacity),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_orders_by_key),
		cmocka_unit_test(test_equal_keys_fifo),
		cmocka_unit_test(test_full_capacity),
		cmocka_unit_test(test_grow_keeps_order),
		cmocka_unit_test(test_grow_failure_leaves_heap),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_reinit_after_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
