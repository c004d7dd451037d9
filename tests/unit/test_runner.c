// SPDX-License-Identifier: GPL-2.0
/*
 * test_runner.c - the daemon's swappable policy (src/runner.c) on a fake
 * backend: a swap hands every task the old policy holds to the new one and
 * each comes out exactly once (tracked ones moved, the rest drained, none
 * lost); the decisions' keys stay on one scale across a swap; the rules'
 * verdict reaches the policy; what the backend must hold of a rule (CPU
 * set, latency-critical urgency) is written when a verdict is evaluated,
 * removed when the backend holds one the verdict has not, and rewritten at
 * once when the rules change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runner.h"

#define SLICE_NS     (20 * 1000 * 1000ULL)
#define SLICE_MIN_NS (1000 * 1000ULL)

static const struct cland_policy_cfg cfg = {.slice_ns = SLICE_NS, .slice_min_ns = SLICE_MIN_NS};
static uint64_t clock_ns = 5000000000ULL;

static uint64_t host_now(void *be)
{
	(void)be;
	return clock_ns;
}

static uint64_t host_random(void *be)
{
	(void)be;
	return 4; /* chosen by a fair dice roll */
}

static const struct cland_host host = {.now = host_now, .random = host_random, .nr_cpus = 2};

/* What the fake backend was asked. */
static struct {
	int calls;
	int32_t pid[256];
	bool set[256];
	uint32_t flags[256];
	uint64_t bits0[256];
	int enables;
	bool on;
} fb;

static int fake_set_rule(void *be, int32_t pid, const struct cland_task_rule *rule)
{
	(void)be;
	if (fb.calls < 256) {
		fb.pid[fb.calls] = pid;
		fb.set[fb.calls] = rule != NULL;
		fb.flags[fb.calls] = rule ? rule->flags : 0;
		fb.bits0[fb.calls] = rule ? rule->cpus.bits[0] : 0;
	}
	fb.calls++;
	return 0;
}

static void fake_enable(void *be, bool on)
{
	(void)be;
	fb.enables++;
	fb.on = on;
}

static const struct runner_backend fake_be = {.set_rule = fake_set_rule,
					      .enable_rules = fake_enable};

static struct runner *start(const char *policy)
{
	struct runner *rn = calloc(1, sizeof(*rn));
	char err[512];

	memset(&fb, 0, sizeof(fb));
	assert_non_null(rn);
	if (runner_init(rn, policy, &cfg, err, sizeof(err)))
		fail_msg("runner_init: %s", err);
	assert_int_equal(runner_attach(rn, &host, &fake_be), 0);
	return rn;
}

static void stop(struct runner *rn)
{
	runner_free(rn);
	free(rn);
}

static cland_task_t task(int32_t pid, const char *comm, uint64_t gen)
{
	cland_task_t t;

	memset(&t, 0, sizeof(t));
	t.pid = pid;
	t.cpu = pid % 2;
	t.weight = 100;
	t.gen = gen;
	t.nr_cpus_allowed = 2;
	t.nr_runnable = 4;
	t.flags = CLAND_TASK_WAKEUP;
	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

static void enqueue(struct runner *rn, const cland_task_t *t)
{
	runner_policy.enqueue(rn, t);
}

/* Every decision the runner gives now; @seen[pid] counts them. */
static int dispatch_all(struct runner *rn, int *seen, int max_pid, struct cland_decision *last)
{
	struct cland_decision d;
	int n = 0;

	while (runner_policy.dispatch(rn, &d)) {
		assert_true(d.pid > 0 && d.pid <= max_pid);
		seen[d.pid]++;
		n++;
		if (last)
			*last = d;
	}
	return n;
}

static void swap_to(struct runner *rn, const char *name)
{
	char err[512];
	int64_t seq = runner_request_policy(rn, name, NULL, err, sizeof(err));

	if (seq < 0)
		fail_msg("swap to %s: %s", name, err);
	assert_false(runner_swap_done(rn, seq));
}

static void test_swap_moves_held_tasks(void **state)
{
	struct runner *rn = start("deadline");
	static int seen[201];
	int pid;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (pid = 1; pid <= 200; pid++) {
		cland_task_t t = task(pid, "w", 1);

		enqueue(rn, &t);
	}
	swap_to(rn, "fifo");
	assert_int_equal(dispatch_all(rn, seen, 200, NULL), 200);
	for (pid = 1; pid <= 200; pid++)
		assert_int_equal(seen[pid], 1);
	assert_string_equal(rn->cur.pol->name, "fifo");
	assert_int_equal(rn->swap_seq, 1);
	assert_int_equal(rn->nr_moved, 200);
	assert_int_equal(rn->nr_drained, 0);
	assert_int_equal(rn->nr_lost, 0);
	assert_int_equal(runner_policy.nr_pending(rn), 0);
	assert_non_null(strstr(rn->last_swap, "deadline -> fifo: 200 tasks handed over"));
	/* and the next swap, with nothing held */
	swap_to(rn, "vruntime");
	assert_int_equal(dispatch_all(rn, seen, 200, NULL), 0);
	assert_int_equal(rn->swap_seq, 2);
	assert_string_equal(rn->cur.pol->name, "vruntime");
	stop(rn);
}

static void test_swap_drains_what_the_table_missed(void **state)
{
	int n = RUNNER_HELD_SLOTS / 2 + 300, pid;
	struct runner *rn = start("vruntime");
	int *seen = calloc((size_t)n + 1, sizeof(*seen));

	(void)state;
	assert_non_null(seen);
	for (pid = 1; pid <= n; pid++) {
		cland_task_t t = task(pid, "w", 7);

		enqueue(rn, &t);
	}
	assert_int_equal(rn->nr_held_overflow, 300);
	swap_to(rn, "deadline");
	assert_int_equal(dispatch_all(rn, seen, n, NULL), n);
	for (pid = 1; pid <= n; pid++)
		if (seen[pid] != 1)
			fail_msg("task %d dispatched %d times", pid, seen[pid]);
	assert_int_equal(rn->nr_moved, RUNNER_HELD_SLOTS / 2);
	assert_int_equal(rn->nr_drained, 300);
	assert_int_equal(rn->nr_lost, 0);
	assert_int_equal(rn->swap_seq, 1);
	assert_null(rn->old.pol);
	assert_int_equal(runner_policy.nr_pending(rn), 0);
	free(seen);
	stop(rn);
}

/* A task re-queued (newer generation) after its first record: its latest record moves. */
static void test_swap_stale_record_is_drained(void **state)
{
	struct runner *rn = start("fifo");
	struct cland_decision d;
	cland_task_t t1 = task(9, "w", 1), t2 = task(9, "w", 2);
	int gens[3] = {0};

	(void)state;
	enqueue(rn, &t1);
	enqueue(rn, &t2); /* the policy holds both; the table only the newer */
	swap_to(rn, "deadline");
	while (runner_policy.dispatch(rn, &d)) {
		assert_int_equal(d.pid, 9);
		gens[d.gen]++;
	}
	assert_int_equal(gens[1], 1); /* drained: the backend cancels it as stale */
	assert_int_equal(gens[2], 1); /* moved */
	assert_int_equal(rn->nr_moved, 1);
	assert_int_equal(rn->nr_drained, 1);
	assert_int_equal(rn->nr_lost, 0);
	stop(rn);
}

static void test_keys_continue_across_a_swap(void **state)
{
	struct runner *rn = start("fifo");
	struct cland_decision last, d;
	static int seen[41];
	uint64_t before;
	int pid;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (pid = 1; pid <= 20; pid++) {
		cland_task_t t = task(pid, "w", 1);

		enqueue(rn, &t);
	}
	dispatch_all(rn, seen, 40, &last);
	before = last.deadline; /* fifo: the time, ~5 s in ns */
	assert_true(before >= clock_ns);
	swap_to(rn, "vruntime");
	for (pid = 21; pid <= 40; pid++) {
		cland_task_t t = task(pid, "w", 1);

		enqueue(rn, &t);
	}
	/* vruntime's own keys start near 0: moved up to where fifo's were */
	while (runner_policy.dispatch(rn, &d))
		assert_true(d.deadline >= before);
	stop(rn);
}

static void test_verdict_reaches_policy(void **state)
{
	struct runner *rn = start("fifo");
	struct rules r;
	struct cland_decision d;
	cland_task_t lc = task(1, "probe", 1), bg = task(2, "batch", 1);
	char err[512];
	const char *text = "{\"rules\": [{\"match\": {\"comm\": \"probe\"}, \"latency_critical\": "
			   "true}, {\"match\": {\"comm\": \"batch\"}, \"background\": true}]}";

	(void)state;
	assert_int_equal(rules_parse(text, strlen(text), "t", 2, &r, err, sizeof(err)), 0);
	assert_int_equal(runner_set_rules(rn, &r, "t"), 0);
	enqueue(rn, &bg);
	enqueue(rn, &lc);
	/* fifo: the latency-critical task first, never preempting, with the short slice */
	assert_true(runner_policy.dispatch(rn, &d));
	assert_int_equal(d.pid, 1);
	assert_int_equal(d.slice, SLICE_MIN_NS);
	assert_true(d.flags & CLAND_DECISION_NO_PREEMPT);
	assert_true(d.deadline < clock_ns);
	assert_true(runner_policy.dispatch(rn, &d));
	assert_int_equal(d.pid, 2);
	assert_true(d.deadline >= clock_ns + CLAND_VERDICT_BG_DELAY_NS);
	assert_int_equal(d.slice, SLICE_NS * CLAND_VERDICT_BG_SLICES);
	/* the backend knows both: urgency, and a key not to take as its clock */
	assert_true(fb.on);
	assert_int_equal(fb.calls, 2);
	assert_int_equal(fb.pid[0], 2);
	assert_int_equal(fb.flags[0], CLAND_RULE_BACKGROUND);
	assert_int_equal(fb.pid[1], 1);
	assert_int_equal(fb.flags[1], CLAND_RULE_URGENT);
	stop(rn);
}

static void test_cpu_sets(void **state)
{
	struct runner *rn = start("deadline");
	cland_task_t t;
	struct rules r;
	char err[512];
	const char *text = "{\"rules\": [{\"match\": {\"comm\": \"pin\"}, \"cpus\": \"1\"}]}";
	const char *none = "{\"rules\": [{\"match\": {\"comm\": \"pin\"}, \"weight\": 2}]}";
	static int seen[10];

	(void)state;
	assert_int_equal(rules_parse(text, strlen(text), "t", 2, &r, err, sizeof(err)), 0);
	assert_int_equal(runner_set_rules(rn, &r, "t"), 0);
	assert_true(fb.on);
	/* evaluated: the set is written */
	t = task(5, "pin", 1);
	enqueue(rn, &t);
	assert_int_equal(fb.calls, 1);
	assert_int_equal(fb.pid[0], 5);
	assert_true(fb.set[0]);
	assert_int_equal(fb.flags[0], CLAND_RULE_CPUS);
	assert_int_equal(fb.bits0[0], 2);
	/* seen again, the backend has it: nothing to do */
	t = task(5, "pin", 2);
	t.flags |= CLAND_TASK_RULE;
	enqueue(rn, &t);
	assert_int_equal(fb.calls, 1);
	/* a child that inherited a set it should not have: removed */
	t = task(6, "other", 1);
	t.flags |= CLAND_TASK_RULE;
	enqueue(rn, &t);
	assert_int_equal(fb.calls, 2);
	assert_int_equal(fb.pid[1], 6);
	assert_false(fb.set[1]);
	/* it exec'ed into a ruled command: written */
	t = task(6, "pin", 2);
	enqueue(rn, &t);
	assert_int_equal(fb.calls, 3);
	assert_true(fb.set[2]);
	dispatch_all(rn, seen, 9, NULL);
	/* new rules without sets: both sets removed at once, lookups off */
	assert_int_equal(rules_parse(none, strlen(none), "t2", 2, &r, err, sizeof(err)), 0);
	assert_int_equal(runner_set_rules(rn, &r, "t2"), 0);
	assert_int_equal(fb.calls, 5);
	assert_false(fb.set[3]);
	assert_false(fb.set[4]);
	assert_int_equal(fb.pid[3] + fb.pid[4], 11);
	assert_false(fb.on);
	assert_int_equal(rn->nr_rules_set, 2);
	assert_int_equal(rn->nr_rules_cleared, 3);
	stop(rn);
}

static void test_bad_requests(void **state)
{
	struct runner *rn = start("deadline");
	char err[512];
	struct cland_policy_cfg bad = {.slice_ns = SLICE_NS, .slice_min_ns = 0};

	(void)state;
	assert_true(runner_request_policy(rn, "nope", NULL, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "unknown policy 'nope'"));
	assert_true(runner_request_policy(rn, "./missing.so", NULL, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "./missing.so"));
	/* deadline refuses a minimum slice of 0: its init fails, nothing changes */
	assert_true(runner_request_policy(rn, NULL, &bad, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "failed to start"));
	assert_string_equal(rn->cur.pol->name, "deadline");
	assert_null(rn->next.pol);
	stop(rn);
}

static void test_new_slice_restarts_policy(void **state)
{
	struct runner *rn = start("deadline");
	struct cland_policy_cfg c2 = {.slice_ns = 5000000, .slice_min_ns = 500000};
	struct cland_decision d;
	cland_task_t t = task(3, "w", 1);
	char err[512];
	int64_t seq;

	(void)state;
	enqueue(rn, &t);
	seq = runner_request_policy(rn, NULL, &c2, err, sizeof(err));
	assert_true(seq > 0);
	assert_true(runner_policy.dispatch(rn, &d));
	assert_true(runner_swap_done(rn, seq));
	assert_int_equal(d.pid, 3);
	assert_true(d.slice <= 5000000);
	assert_int_equal(rn->cur.cfg.slice_ns, 5000000);
	assert_int_equal(rn->nr_moved, 1);
	stop(rn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap_moves_held_tasks),
		cmocka_unit_test(test_swap_drains_what_the_table_missed),
		cmocka_unit_test(test_swap_stale_record_is_drained),
		cmocka_unit_test(test_keys_continue_across_a_swap),
		cmocka_unit_test(test_verdict_reaches_policy),
		cmocka_unit_test(test_cpu_sets),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_new_slice_restarts_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
