// SPDX-License-Identifier: GPL-2.0
/*
 * test_bench.c - cland-sim --bench's plumbing: the lines it prints for each
 * policy and size, the whole-simulator line of each workload (its decisions
 * are the simulation's), a policy that loses tasks or fails to start, and
 * the options it refuses. The times themselves are not checked: a test
 * never depends on how fast the machine is.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bench.h"
#include "cli.h"
#include "cli_run.h"
#include "engine.h"
#include "policy.h"
#include "workload.h"

static const char workload_json[] =
	"{\"cpus\": 4, \"duration_ms\": 200, \"groups\": ["
	"{\"name\": \"hog\", \"count\": 40, \"run_us\": 100000000, \"sleep_us\": 0},"
	"{\"name\": \"chatty\", \"count\": 10, \"run_us\": 200, \"sleep_us\": 800}]}";

static void temp_workload(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/cland-bench-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, workload_json, strlen(workload_json)),
			 (ssize_t)strlen(workload_json));
	close(fd);
}

/* Lines "NAME TASKS NS DECISIONS/S RATIO" of policy @name, sizes in order; how many. */
static int size_lines(const char *text, const char *name)
{
	static const int sizes[] = {1000, 10000, 100000};
	const char *line;
	int found = 0;

	for (line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char pol[32];
		int tasks;
		double ns, rate, ratio;

		if (sscanf(line, "%31s %d %lf %lf %lf", pol, &tasks, &ns, &rate, &ratio) != 5 ||
		    strcmp(pol, name))
			continue;
		assert_true(found < 3);
		assert_int_equal(tasks, sizes[found]);
		assert_true(ns > 0 && rate > 0 && ratio > 0);
		found++;
	}
	return found;
}

/* The decisions of the whole-simulator line of @path in @text. */
static unsigned long long whole_sim_decisions(const char *text, const char *path)
{
	const char *line = strstr(text, path);
	unsigned long long decisions = 0;
	char pol[32];
	int cpus, tasks;

	assert_non_null(line);
	assert_int_equal(
		sscanf(line + strlen(path), "%31s %d %d %llu", pol, &cpus, &tasks, &decisions), 4);
	assert_int_equal(cpus, 4);
	assert_int_equal(tasks, 50);
	return decisions;
}

static void test_bench_prints_every_size_and_workload(void **state)
{
	const struct cland_policy *pol = cland_policy_find("fifo");
	struct sim_config cfg = {.policy = pol,
				 .costs = sim_default_costs,
				 .seed = 1,
				 .rtt_ns = SIM_DEFAULT_RTT_NS,
				 .slice_ns = 20000000,
				 .slice_min_ns = 1000000};
	struct sim_workload w;
	struct sim_result r;
	char path[64], err[256];
	char *argv[] = {"cland-sim", "--bench", "-p", "fifo", "--bench-decisions",
			"2000",	     "-w",	path, NULL};
	struct cli_out o;

	if (!pol)
		skip();
	temp_workload(path, sizeof(path));
	o = cli(8, argv);
	assert_int_equal(o.ret, SIM_EXIT_OK);
	assert_int_equal(size_lines(o.out, "fifo"), 3);
	assert_int_equal(size_lines(o.out, "deadline"), 0);
	assert_non_null(strstr(o.out, "fifo: 1000 -> 100000 tasks: "));
	assert_non_null(strstr(o.out, "harness alone"));
	/* the simulation it timed is the one cland-sim -w runs */
	assert_int_equal(sim_workload_parse(workload_json, "w", &w, err, sizeof(err)), 0);
	assert_int_equal(sim_run(&w, &cfg, &r, err, sizeof(err)), 0);
	assert_true(r.counters.nr_decisions > 0);
	assert_int_equal(whole_sim_decisions(o.out, path), r.counters.nr_decisions);
	sim_result_free(&r);
	sim_workload_free(&w);
	cli_free(&o);
	unlink(path);
}

static void test_bench_all_policies(void **state)
{
	const struct cland_policy *const *p;
	char *argv[] = {"cland-sim",	     "--bench", "--policy", "all",
			"--bench-decisions", "1000",	NULL};
	struct cli_out o = cli(6, argv);

	assert_int_equal(o.ret, SIM_EXIT_OK);
	for (p = cland_policies; *p; p++)
		assert_int_equal(size_lines(o.out, (*p)->name), 3);
	assert_null(strstr(o.out, "whole simulator"));
	cli_free(&o);
}

/* A policy that keeps one task in two: the bench says so and fails. */
struct lossy_ctx {
	int32_t pids[8];
	int nr;
	uint64_t seen;
};

static int lossy_init(void *ctx, const struct cland_policy_cfg *cfg, const struct cland_host *host)
{
	return 0;
}

static void lossy_enqueue(void *ctx, const cland_task_t *task)
{
	struct lossy_ctx *c = ctx;

	if (c->seen++ % 2 == 0 && c->nr < 8)
		c->pids[c->nr++] = task->pid;
}

static bool lossy_dispatch(void *ctx, struct cland_decision *out)
{
	struct lossy_ctx *c = ctx;

	if (!c->nr)
		return false;
	*out = (struct cland_decision){.pid = c->pids[--c->nr], .cpu = CLAND_CPU_ANY};
	return true;
}

static uint64_t lossy_nr_pending(void *ctx)
{
	return (uint64_t)((struct lossy_ctx *)ctx)->nr;
}

static void lossy_exit(void *ctx)
{
}

static int failing_init(void *ctx, const struct cland_policy_cfg *cfg,
			const struct cland_host *host)
{
	return -ENOMEM;
}

static void test_bench_bad_policies_fail(void **state)
{
	struct cland_policy lossy = {.name = "lossy",
				     .ctx_size = sizeof(struct lossy_ctx),
				     .init = lossy_init,
				     .enqueue = lossy_enqueue,
				     .dispatch = lossy_dispatch,
				     .nr_pending = lossy_nr_pending,
				     .exit = lossy_exit};
	struct cland_policy failing = lossy;
	struct sim_bench_args a = {.policy = &lossy, .decisions = 100};
	struct cli_out o = {0};
	size_t olen, elen;
	FILE *out, *err;

	failing.name = "failing";
	failing.init = failing_init;
	out = open_memstream(&o.out, &olen);
	err = open_memstream(&o.err, &elen);
	assert_int_equal(sim_bench_main(&a, out, err), SIM_EXIT_FAILED);
	a.policy = &failing;
	assert_int_equal(sim_bench_main(&a, out, err), SIM_EXIT_FAILED);
	fclose(out);
	fclose(err);
	assert_non_null(strstr(o.err, "policy lossy holds 8 of the 1000 tasks it was given"));
	assert_non_null(strstr(o.err, "policy failing: init failed"));
	cli_free(&o);
}

static void expect_usage(int argc, char **argv, const char *msg)
{
	struct cli_out o = cli(argc, argv);

	if (o.ret != SIM_EXIT_USAGE || !strstr(o.err, msg))
		fail_msg("%s: exit %d \"%s\", expected exit 2 with \"%s\"", argv[1], o.ret, o.err,
			 msg);
	cli_free(&o);
}

static void test_bench_bad_usage(void **state)
{
	char *a1[] = {"cland-sim", "--bench", "--json", NULL};
	char *a2[] = {"cland-sim", "--bench", "--trace", NULL};
	char *a3[] = {"cland-sim", "-p", "all", "-w", "x.json", NULL};
	char *a4[] = {"cland-sim", "--bench", "-p", "nope", NULL};
	char *a5[] = {"cland-sim",	   "--bench", "--bench-decisions", "100", "-w",
		      "/nonexistent.json", NULL};
	char *a6[] = {"cland-sim", "--bench", "--bench-decisions", "0", NULL};

	expect_usage(3, a1, "--bench prints a table");
	expect_usage(3, a2, "--bench prints a table");
	expect_usage(5, a3, "--policy all is for --bench only");
	expect_usage(4, a4, "unknown policy \"nope\"");
	expect_usage(6, a5, "/nonexistent.json: cannot open");
	expect_usage(4, a6, "--bench-decisions: \"0\" is not a number in 1..");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bench_prints_every_size_and_workload),
		cmocka_unit_test(test_bench_all_policies),
		cmocka_unit_test(test_bench_bad_policies_fail),
		cmocka_unit_test(test_bench_bad_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
