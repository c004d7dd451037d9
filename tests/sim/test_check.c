// SPDX-License-Identifier: GPL-2.0
/*
 * test_check.c - tests of cland-sim's verdict (sim/check.c, --check) and of
 * what it rests on: the built-in policies pass --check on every workload of
 * sim/workloads/; the backend's nets as modelled (the kernel's watchdog
 * ejects a scheduler whose policy strands a task while no CPU dispatches;
 * the starvation net runs a task whose deadline always loses; the heartbeat
 * makes a CPU dispatch when none has for too long); --trace names
 * a bad pid; tasks that wait for each other (inbox.c); the costs (a switch's
 * time is nobody's CPU time) and their options; the new workload keys'
 * errors. The newcomer's mistakes are tests/scripts/test_mistakes.sh's.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "check.h"
#include "decide.h"
#include "cli.h"
#include "cli_run.h"
#include "engine.h"
#include "policy.h"
#include "workload.h"

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL

/* Every built-in policy, every workload of sim/workloads/: --check passes (exit 0). */
static void test_builtins_pass_check(void **state)
{
	const struct cland_policy *const *p;
	struct dirent *e;
	int nr = 0;
	DIR *d = opendir(REPO "/sim/workloads");

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[1024];

		if (!strstr(e->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), REPO "/sim/workloads/%s", e->d_name);
		for (p = cland_policies; *p; p++) {
			char *argv[] = {"cland-sim", "-p", (char *)(*p)->name, "-w", path,
					"--check",   NULL};
			struct cli_out r = cli(6, argv);

			if (r.ret)
				fail_msg("%s on %s: exit %d\n%s", (*p)->name, e->d_name, r.ret,
					 r.err);
			assert_non_null(strstr(r.out,
					       "checks (cland-sim --check fails on any FAIL): 0 "
					       "of 7 failed"));
			cli_free(&r);
			nr++;
		}
	}
	closedir(d);
	assert_true(nr >= 3 * 8);
}

/* ---- policies for the backend's nets ------------------------------------ */

#define RING 4096

struct ring_ctx {
	cland_task_t q[RING];
	int head, nr;
	int dispatched;
	struct cland_host host;
};

static int ring_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	memset(ctx, 0, sizeof(struct ring_ctx));
	((struct ring_ctx *)ctx)->host = *host;
	return 0;
}

static void ring_enqueue(void *ctx, const cland_task_t *task)
{
	struct ring_ctx *c = ctx;

	assert_true(c->nr < RING);
	c->q[(c->head + c->nr++) % RING] = *task;
}

static cland_task_t ring_pop(struct ring_ctx *c)
{
	cland_task_t t = c->q[c->head];

	c->head = (c->head + 1) % RING;
	c->nr--;
	return t;
}

static void ring_exit(void *ctx)
{
}

/* Every task gets a 10 s slice, on any CPU. */
static bool long_dispatch(void *ctx, struct cland_decision *out)
{
	struct ring_ctx *c = ctx;
	cland_task_t t;

	if (!c->nr)
		return false;
	t = ring_pop(c);
	*out = (struct cland_decision){.pid = t.pid,
				       .gen = t.gen,
				       .cpu = CLAND_CPU_ANY,
				       .slice = CLAND_MAX_SLICE_NS,
				       .deadline = 1};
	return true;
}

/*
 * Greedy: the first two tasks get 10 s slices, every other task is kept for
 * good and nr_pending() says 0. Nothing dispatches for 10 s, so the overdue
 * net, which runs when a CPU dispatches, never looks: the watchdog fires.
 */
static bool greedy_dispatch(void *ctx, struct cland_decision *out)
{
	struct ring_ctx *c = ctx;

	if (c->dispatched == 2 || !long_dispatch(ctx, out))
		return false;
	c->dispatched++;
	return true;
}

static uint64_t zero_pending(void *ctx)
{
	return 0;
}

static const struct cland_policy greedy = {
	.name = "greedy",
	.summary = "two tasks get 10 s slices, the others are kept for good",
	.ctx_size = sizeof(struct ring_ctx),
	.init = ring_init,
	.enqueue = ring_enqueue,
	.dispatch = greedy_dispatch,
	.nr_pending = zero_pending,
	.exit = ring_exit,
};

/* Group "late" always gets a deadline far behind the others: it loses every race. */
static bool late_dispatch(void *ctx, struct cland_decision *out)
{
	struct ring_ctx *c = ctx;
	uint64_t now = c->host.now(c->host.be);
	cland_task_t t;

	if (!c->nr)
		return false;
	t = ring_pop(c);
	*out = (struct cland_decision){
		.pid = t.pid,
		.gen = t.gen,
		.cpu = CLAND_CPU_ANY,
		.deadline = now + (strcmp(t.comm, "late") ? 0 : 3600ULL * 1000000000)};
	return true;
}

static uint64_t ring_pending(void *ctx)
{
	return (uint64_t)((struct ring_ctx *)ctx)->nr;
}

static const struct cland_policy long_slices = {
	.name = "long_slices",
	.summary = "10 s slices for all",
	.ctx_size = sizeof(struct ring_ctx),
	.init = ring_init,
	.enqueue = ring_enqueue,
	.dispatch = long_dispatch,
	.nr_pending = ring_pending,
	.exit = ring_exit,
};

static const struct cland_policy late = {
	.name = "late",
	.summary = "group late always loses",
	.ctx_size = sizeof(struct ring_ctx),
	.init = ring_init,
	.enqueue = ring_enqueue,
	.dispatch = late_dispatch,
	.nr_pending = ring_pending,
	.exit = ring_exit,
};

/* Decisions for a pid no task has, then the right one. */
static bool wrong_pid_dispatch(void *ctx, struct cland_decision *out)
{
	struct ring_ctx *c = ctx;
	cland_task_t t;

	if (!c->nr)
		return false;
	if (!(c->dispatched++ & 1)) {
		*out = (struct cland_decision){.pid = 424242, .gen = 1, .cpu = CLAND_CPU_ANY};
		return true;
	}
	t = ring_pop(c);
	*out = (struct cland_decision){.pid = t.pid, .gen = t.gen, .cpu = CLAND_CPU_ANY};
	return true;
}

static const struct cland_policy wrong_pid = {
	.name = "wrong_pid",
	.summary = "a decision for pid 424242 before each good one",
	.ctx_size = sizeof(struct ring_ctx),
	.init = ring_init,
	.enqueue = ring_enqueue,
	.dispatch = wrong_pid_dispatch,
	.nr_pending = ring_pending,
	.exit = ring_exit,
};

struct run {
	struct sim_workload w;
	struct sim_result r;
	struct sim_checks c;
};

static void run(struct run *x, const char *json, const struct cland_policy *pol,
		const struct sim_costs *costs, FILE *trace)
{
	struct sim_config cfg = {.policy = pol,
				 .seed = 1,
				 .rtt_ns = 50 * NSEC_PER_USEC,
				 .slice_ns = 20 * NSEC_PER_MSEC,
				 .slice_min_ns = NSEC_PER_MSEC,
				 .trace = trace};
	char err[512] = "";

	if (costs)
		cfg.costs = *costs;
	if (sim_workload_parse(json, "test", &x->w, err, sizeof(err)))
		fail_msg("%s", err);
	if (sim_run(&x->w, &cfg, &x->r, err, sizeof(err)))
		fail_msg("sim_run: %s", err);
	assert_int_equal(sim_check(&x->w, &cfg, &x->r, &x->c), 0);
}

/* run() with --trace into memory: the trace's text (free() it). */
static char *run_traced(struct run *x, const char *json, const struct cland_policy *pol)
{
	char *text = NULL;
	size_t len;
	FILE *trace = open_memstream(&text, &len);

	assert_non_null(trace);
	run(x, json, pol, NULL, trace);
	fclose(trace);
	return text;
}

static void run_free(struct run *x)
{
	sim_checks_free(&x->c);
	sim_result_free(&x->r);
	sim_workload_free(&x->w);
}

static const struct sim_check *check(const struct run *x, const char *name)
{
	int i;

	for (i = 0; i < x->c.nr; i++) {
		if (!strcmp(x->c.c[i].name, name))
			return &x->c.c[i];
	}
	fail_msg("no check %s", name);
	return NULL;
}

/*
 * 2 CPUs, 3 hogs: two run, the third is queued. Under greedy, the third and
 * then the first one whose slice ends get 10 s slices, the next is kept.
 */
static const char three_hogs_json[] =
	"{\"cpus\": 2, \"duration_ms\": 10000, \"groups\": ["
	"{\"name\": \"hog\", \"count\": 3, \"run_us\": 100000000, \"sleep_us\": 0}]}";

/* 2 CPUs, 2 hogs and a task that sleeps: it is queued while both CPUs are busy. */
static const char two_hogs_json[] =
	"{\"cpus\": 2, \"duration_ms\": 10000, \"groups\": ["
	"{\"name\": \"hog\", \"count\": 2, \"run_us\": 100000000, \"sleep_us\": 0},"
	"{\"name\": \"sleeper\", \"count\": 1, \"run_us\": 100, \"sleep_us\": 900,"
	" \"start_us\": 1000}]}";

static void test_watchdog_ejects(void **state)
{
	struct run x;

	run(&x, three_hogs_json, &greedy, NULL, NULL);
	assert_int_equal(x.r.ejected.n, 1);
	assert_true((uint64_t)x.r.ejected.a >= CLAND_WATCHDOG_MS * NSEC_PER_MSEC);
	/* it looks every half timeout: at 7.5 s, for the hog kept since 20 ms */
	assert_int_equal(x.r.ejected.at, 3 * CLAND_WATCHDOG_MS * NSEC_PER_MSEC / 2);
	assert_int_equal(x.r.end_ns, x.r.ejected.at);
	assert_int_equal(x.r.counters.nr_overdue, 0); /* no CPU dispatched: no scan */
	assert_false(check(&x, "watchdog")->ok);
	assert_non_null(strstr(check(&x, "watchdog")->msg,
			       "the kernel's watchdog ejected the scheduler at 7.500 s: hog/"));
	assert_false(check(&x, "in_flight")->ok);
	run_free(&x);
}

/*
 * The starvation net scans when a CPU dispatches. Under long_slices, 3 hogs
 * on 2 CPUs: two run 10 s slices, the third waits in the shared DSQ and no
 * CPU dispatches. The heartbeat makes CPU 0 dispatch once the scan is
 * 250 ms late, which runs the waiting hog then (the starvation net would at
 * 500 ms), instead of its waiting for the kernel's watchdog to eject the
 * scheduler.
 */
static void test_heartbeat_runs_the_nets(void **state)
{
	struct run x;
	char *text = run_traced(&x, three_hogs_json, &long_slices);

	assert_false(x.r.ejected.n);
	assert_true(check(&x, "watchdog")->ok);
	/* the preempted hog is requeued behind the one waiting (same deadline) */
	assert_in_range(x.r.groups[0].max_wait_ns, 240 * NSEC_PER_MSEC, 300 * NSEC_PER_MSEC);
	assert_non_null(strstr(text, "heartbeat: no CPU ran the nets for too long"));
	run_free(&x);
	free(text);
}

/* 1 CPU, 2 hogs and a "late" hog whose deadline always loses. */
static const char late_json[] =
	"{\"cpus\": 1, \"duration_ms\": 3000, \"groups\": ["
	"{\"name\": \"hog\", \"count\": 2, \"run_us\": 100000000, \"sleep_us\": 0},"
	"{\"name\": \"late\", \"count\": 1, \"run_us\": 100000000, \"sleep_us\": 0}]}";

static void test_starvation_net(void **state)
{
	const struct sim_group_stats *g;
	struct run x;

	run(&x, late_json, &late, NULL, NULL);
	g = &x.r.groups[1];
	assert_true(x.r.counters.nr_starved >= 3);
	assert_true(g->cpu_ns > 0);
	/* waits 500 ms, the scan comes within 20 ms, then waits for the running slice */
	assert_true(g->max_wait_ns >= 500 * NSEC_PER_MSEC);
	assert_true(g->max_wait_ns <= 540 * NSEC_PER_MSEC);
	assert_false(check(&x, "max_wait")->ok);
	assert_non_null(strstr(check(&x, "max_wait")->msg, "starvation net ran them at once"));
	run_free(&x);
}

static void test_trace_names_bad_pid(void **state)
{
	struct run x;
	char *text = run_traced(&x, two_hogs_json, &wrong_pid);

	assert_non_null(strstr(text, "decision for pid 424242: bad pid (no task has it), dropped"));
	assert_null(strstr(text, "pid 424242, gen 1: stale"));
	assert_true(x.r.counters.nr_bad_pid > 0);
	assert_int_equal(x.r.counters.nr_bad_pid, x.r.counters.nr_cancel_dispatches);
	assert_false(check(&x, "rejected")->ok);
	assert_true(check(&x, "in_flight")->ok); /* rounds with a bad pid are not judged */
	run_free(&x);
	free(text);
}

/*
 * A dispatcher and 4 workers (sim/calibration/reqwork.json's shape): each
 * reply wakes the dispatcher, each request a worker; 4 requests circulate.
 */
static const char reqwork_json[] =
	"{\"cpus\": 2, \"duration_ms\": 1000, \"groups\": ["
	"{\"name\": \"dispatcher\", \"count\": 1, \"run_us\": 20, \"sleep_us\": 0,"
	" \"waits\": true, \"wakes\": \"worker\"},"
	"{\"name\": \"worker\", \"count\": 4, \"run_us\": 1000, \"sleep_us\": 0,"
	" \"waits\": true, \"wakes\": \"dispatcher\", \"inbox\": 4}]}";

/* Senders that never sleep, into one-message pipes: they block until the receiver reads. */
static const char pipes_json[] =
	"{\"cpus\": 1, \"duration_ms\": 1000, \"groups\": ["
	"{\"name\": \"sender\", \"count\": 2, \"run_us\": 10, \"sleep_us\": 0, \"wakes\": "
	"\"receiver\"},"
	"{\"name\": \"receiver\", \"count\": 2, \"run_us\": 30, \"sleep_us\": 0,"
	" \"waits\": true, \"per_task\": true, \"capacity\": 1}]}";

static void test_messages(void **state)
{
	const struct cland_policy *const *p;

	for (p = cland_policies; *p; p++) {
		uint64_t sent, read;
		struct run x;

		run(&x, reqwork_json, *p, NULL, NULL);
		/* every reply handled is a request handed out: at most 4 apart */
		assert_true(x.r.groups[0].bursts + 4 >= x.r.groups[1].bursts);
		assert_true(x.r.groups[1].bursts >= x.r.groups[0].bursts);
		/* 2 CPUs, 1 ms requests: at most 2000/s, and most of it */
		assert_true(x.r.groups[1].bursts <= 2000);
		assert_true(x.r.groups[1].bursts >= 1500);
		run_free(&x);

		run(&x, pipes_json, *p, NULL, NULL);
		sent = x.r.groups[0].bursts;
		read = x.r.groups[1].bursts;
		print_message("%s: %llu messages sent, %llu read\n", (*p)->name,
			      (unsigned long long)sent, (unsigned long long)read);
		/*
		 * per pipe: the message in it, a blocked sender's, and the one its
		 * receiver took and is reading (its burst is counted at the end)
		 */
		assert_true(read <= sent && sent <= read + 2 * 3);
		/* the CPU is shared: senders cannot run away with it */
		assert_true(read > 1000);
		run_free(&x);
	}
}

/* One CPU, two hogs, 1 ms slices: every switch costs 100 us that nobody runs. */
static void test_switch_costs_cpu(void **state)
{
	static const char json[] = "{\"cpus\": 1, \"duration_ms\": 1000, \"groups\": [{\"name\": "
				   "\"h\", \"count\": 2, \"run_us\": 100000000, \"sleep_us\": 0}]}";
	const struct sim_costs costs = {.switch_ns = 100 * NSEC_PER_USEC};
	struct run x, free_run;

	run(&free_run, json, cland_policy_find("fifo"), NULL, NULL);
	run(&x, json, cland_policy_find("fifo"), &costs, NULL);
	assert_int_equal(free_run.r.busy_ns, free_run.r.capacity_ns);
	assert_true(x.r.switch_ns > 0);
	/* every ns is either run by a task, spent switching, or the tail of a switch */
	assert_true(x.r.busy_ns + x.r.switch_ns >= x.r.capacity_ns);
	assert_true(x.r.busy_ns + x.r.switch_ns <= x.r.capacity_ns + costs.switch_ns);
	assert_true(x.r.busy_ns < free_run.r.busy_ns);
	run_free(&x);
	run_free(&free_run);
}

static void expect_cli(int argc, char **argv, int ret, const char *in_err)
{
	struct cli_out r = cli(argc, argv);

	if (r.ret != ret || !strstr(r.err, in_err))
		fail_msg("exit %d \"%s\", expected exit %d with \"%s\"", r.ret, r.err, ret, in_err);
	cli_free(&r);
}

static void test_costs_options(void **state)
{
	char *bad1[] = {"cland-sim", "-w",	REPO "/sim/workloads/nice.json",
			"--costs",   "swich=1", NULL};
	char *bad2[] = {"cland-sim", "-w",	 REPO "/sim/workloads/nice.json",
			"--costs",   "switch=x", NULL};
	char *none[] = {"cland-sim", "-w", REPO "/sim/workloads/nice.json", "--no-costs", NULL};
	char *some[] = {"cland-sim",	     "-w", REPO "/sim/workloads/nice.json", "--costs",
			"switch=2.5,tick=0", NULL};
	char *dflt[] = {"cland-sim", "-w", REPO "/sim/workloads/nice.json", NULL};
	struct cli_out r;

	expect_cli(5, bad1, SIM_EXIT_USAGE,
		   "--costs: \"swich\" is not a cost (switch, preempt, round, decision, tick or "
		   "migrate)");
	expect_cli(5, bad2, SIM_EXIT_USAGE, "switch: \"x\" is not a number of us");
	r = cli(4, none);
	assert_int_equal(r.ret, 0);
	assert_non_null(strstr(r.out, "costs: switch 0.0 us, preemption 0.0 us, daemon 0.0 us"));
	cli_free(&r);
	r = cli(5, some); /* over the defaults: the others stay */
	assert_int_equal(r.ret, 0);
	assert_non_null(strstr(r.out, "costs: switch 2.5 us, preemption 126.8 us"));
	cli_free(&r);
	r = cli(3, dflt);
	assert_non_null(strstr(r.out, "costs: switch 94.2 us, preemption 126.8 us, daemon 0.0 "
				      "us a round + 123.7 us a decision"));
	cli_free(&r);
}

struct bad_case {
	const char *json, *msg;
};

#define GROUP  "{\"name\": \"a\", \"count\": 1, \"run_us\": 10, \"sleep_us\": 0"
#define TOP(g) "{\"cpus\": 2, \"duration_ms\": 10, \"groups\": [" g "]}"

static const struct bad_case bad_cases[] = {
	{TOP(GROUP ", \"waits\": 1}"), "waits: expected true or false, got int"},
	{TOP(GROUP ", \"wakes\": \"b\"}"), "wakes: no group is named \"b\""},
	{TOP(GROUP ", \"wakes\": \"a\"}"), "wakes: group \"a\" does not wait for messages"},
	{TOP(GROUP ", \"wakes\": 3}"), "wakes: expected a group name, got int"},
	{TOP(GROUP ", \"inbox\": 3}"),
	 "inbox, per_task, capacity, sync: only for a group that waits"},
	{TOP(GROUP ", \"sync\": false}"),
	 "inbox, per_task, capacity, sync: only for a group that waits"},
	{TOP(GROUP ", \"waits\": true, \"sync\": 0}"), "sync: expected true or false, got int"},
	{TOP(GROUP ", \"waits\": true, \"capacity\": 0}"), "capacity: 0 is out of range 1.."},
	{TOP("{\"name\": \"a\", \"count\": 1, \"run_us\": 10, \"sleep_us\": 5, \"waits\": true}"),
	 "sleep_us: must be 0 in a group that waits"},
	{"{\"cpus\": 2, \"duration_ms\": 10, \"costs\": {\"swtch_us\": 1}, \"groups\": [" GROUP
	 "}]}",
	 "costs: unknown key \"swtch_us\""},
	{"{\"cpus\": 2, \"duration_ms\": 10, \"costs\": {\"tick_us\": -1}, \"groups\": [" GROUP
	 "}]}",
	 "costs: tick_us: -1 is out of range 0..1000000"},
	{"{\"cpus\": 2, \"duration_ms\": 10, \"costs\": 3, \"groups\": [" GROUP "}]}",
	 "costs: expected an object, got int"},
};

static void test_bad_message_keys(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		struct sim_workload w;
		char err[512] = "";

		assert_int_equal(
			sim_workload_parse(bad_cases[i].json, "w.json", &w, err, sizeof(err)), -1);
		if (!strstr(err, bad_cases[i].msg))
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, err, bad_cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins_pass_check),
		cmocka_unit_test(test_watchdog_ejects),
		cmocka_unit_test(test_heartbeat_runs_the_nets),
		cmocka_unit_test(test_starvation_net),
		cmocka_unit_test(test_trace_names_bad_pid),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_switch_costs_cpu),
		cmocka_unit_test(test_costs_options),
		cmocka_unit_test(test_bad_message_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
