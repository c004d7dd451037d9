// SPDX-License-Identifier: GPL-2.0
/*
 * test_replay.c - cland-sim --replay and --compare (sim/replay.c,
 * sim/compare.c, sim/replay_cli.c): a recording with known bursts, sleeps,
 * nice levels, affinity and lifetimes becomes the workload it describes;
 * it replays through every policy; --compare prints them side by side and
 * --plot draws the PNGs; damaged recordings exit 2 naming the offset; a
 * group's stop_us ends its tasks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "cli_run.h"
#include "engine.h"
#include "replay.h"
#include "trace.h"
#include "workload.h"

#define MS	 1000000ULL
#define T0	 (1000 * MS) /* CLOCK_MONOTONIC when "recording" started */
#define DURATION (2000 * MS)
#define NR_RECS	 4096

static struct cland_trace_rec recs[NR_RECS];
static size_t nr_recs;
static char dir[64], path[128];

static struct cland_trace_rec *add(uint8_t type, int32_t pid, uint64_t ts)
{
	struct cland_trace_rec *r = &recs[nr_recs++];

	assert_true(nr_recs < NR_RECS);
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->pid = pid;
	r->ts_ns = ts;
	return r;
}

static void info(int32_t pid, uint64_t ts, const char *comm, uint64_t mask0, uint32_t nr_allowed)
{
	struct cland_trace_rec *r = add(CLAND_TRACE_INFO, pid, ts);

	r->cpu = -1;
	r->aux = nr_allowed;
	snprintf(r->info.comm, sizeof(r->info.comm), "%s", comm);
	r->info.mask[0] = mask0;
}

static void queued(int32_t pid, uint64_t ts, uint64_t flags, uint64_t weight, uint64_t start,
		   uint64_t stop, uint64_t runtime)
{
	struct cland_trace_rec *r = add(CLAND_TRACE_TASK, pid, ts);

	r->flags = (uint8_t)flags;
	r->cpu = 0;
	r->task.weight = weight;
	r->task.start_ts = start;
	r->task.stop_ts = stop;
	r->task.exec_runtime = runtime;
	r->task.nr_runnable = 2;
}

/*
 * A 2 s recording on 2 CPUs, events in time order:
 *  - "ui" (pid 100): runs 1 ms, sleeps 9 ms, from 100 ms to 1100 ms; every
 *    wake-up reaches the daemon;
 *  - "chat" (pid 300, nice 5, CPU 1 only): bursts of 2 ms in two runs (a
 *    slice end in the middle: a record with exec_runtime 1 ms), sleeps 3 ms;
 *  - "hog" (pid 200): never sleeps, a record at each 20 ms slice end from
 *    0 to 2 s: 2 s of CPU time.
 */
static void build_trace(void)
{
	uint64_t t, ui = 100 * MS, chat = 50 * MS, hog = 0;
	bool ui_info = false, chat_info = false, hog_info = false;
	size_t n;

	nr_recs = 0;
	for (t = 0; t < DURATION; t += MS / 4) {
		if (t == ui && ui <= 1100 * MS) {
			if (!ui_info) {
				info(100, T0 + t, "ui", 3, 2);
				ui_info = true;
			}
			/* woke now; ran [t - 10 ms, t - 9 ms] */
			queued(100, T0 + t, CLAND_TASK_WAKEUP, 100, T0 + t - 10 * MS,
			       T0 + t - 9 * MS, 0);
			ui += 10 * MS;
		}
		if (t == chat) {
			if (!chat_info) {
				info(300, T0 + t, "chat", 2, 1);
				chat_info = true;
			}
			/* slice end after 1 ms of a 2 ms burst: exec_runtime 1 ms */
			queued(300, T0 + t, 0, 33, T0 + t - 1 * MS, T0 + t, 1 * MS);
			/* then the other 1 ms run, and a 3 ms sleep: the wake-up */
			queued(300, T0 + t + 4 * MS, CLAND_TASK_WAKEUP, 33, T0 + t, T0 + t + 1 * MS,
			       0);
			chat += 6 * MS;
		}
		if (t == hog && t + 20 * MS <= DURATION) {
			if (!hog_info) {
				info(200, T0 + t, "hog", 3, 2);
				hog_info = true;
			}
			queued(200, T0 + t + 20 * MS - 1, 0, 100, T0 + t, T0 + t + 20 * MS - 1,
			       t + 20 * MS);
			hog += 20 * MS;
		}
	}
	/* time order: the chat wake-ups were added ahead of time; sort by ts (stable) */
	for (size_t i = 1; i < nr_recs; i++) {
		struct cland_trace_rec r = recs[i];
		size_t j = i;

		while (j && recs[j - 1].ts_ns > r.ts_ns) {
			recs[j] = recs[j - 1];
			j--;
		}
		recs[j] = r;
	}
	n = nr_recs;
	add(CLAND_TRACE_END, 0, T0 + DURATION)->end.nr_records = n;
}

/* Write the trace, less @cut bytes at the end. */
static void write_trace(size_t cut)
{
	struct cland_trace_header h;
	size_t len;
	char *buf;
	FILE *f;

	cland_trace_header_init(&h, 2, T0, 20 * MS, MS, "vruntime");
	len = sizeof(h) + nr_recs * sizeof(recs[0]);
	buf = malloc(len);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), recs, nr_recs * sizeof(recs[0]));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len - cut, f), len - cut);
	fclose(f);
	free(buf);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/cland-replay-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/rec.trc", dir);
	build_trace();
	write_trace(0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const struct sim_group *group(const struct sim_workload *w, const char *name)
{
	int i;

	for (i = 0; i < w->nr_groups; i++) {
		if (!strcmp(w->groups[i].name, name))
			return &w->groups[i];
	}
	fail_msg("no group %s", name);
	return NULL;
}

static void test_workload_from_recording(void **state)
{
	struct sim_replay_info ri;
	struct sim_workload w;
	const struct sim_group *g;
	char err[512];

	(void)state;
	if (sim_replay_load(path, &w, &ri, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(ri.policy, "vruntime");
	assert_int_equal(w.nr_cpus, 2);
	assert_int_equal(w.duration_ns, DURATION);
	assert_int_equal(w.nr_groups, 3);
	assert_int_equal(ri.nr_hogs, 1);
	assert_false(ri.cut);

	g = group(&w, "ui/100");
	assert_int_equal(g->run_ns, 1 * MS);
	assert_int_equal(g->sleep_ns, 9 * MS);
	assert_int_equal(g->dist, SIM_DIST_EXP);
	assert_int_equal(g->start_ns, 100 * MS);
	assert_int_equal(g->stop_ns, 1100 * MS);
	assert_int_equal(g->nice, 0);
	assert_false(g->pinned);

	g = group(&w, "chat/300");
	/* the two runs of each burst: 1 ms reported at the slice end + the 1 ms run */
	assert_int_equal(g->run_ns, 2 * MS);
	assert_int_equal(g->sleep_ns, 3 * MS);
	assert_int_equal(g->nice, 5);
	assert_true(g->pinned);
	assert_int_equal(g->nr_cpus_allowed, 1);
	assert_true(sim_cpu_allowed(g->cpus, 1));
	assert_false(sim_cpu_allowed(g->cpus, 0));

	g = group(&w, "hog/200");
	assert_int_equal(g->sleep_ns, 0);
	/* its runs: 100 slices of 20 ms, less 1 ns each, and nothing after its last record */
	assert_true(g->run_ns >= DURATION - 100 && g->run_ns <= DURATION);
	assert_int_equal(g->stop_ns, g->start_ns + 1);
	sim_workload_free(&w);
}

/* cland-sim with the arguments up to a NULL. */
static struct cli_out run_cli(const char *first, ...)
{
	char *argv[16] = {"cland-sim"};
	int argc = 1;
	va_list ap;
	const char *a;

	va_start(ap, first);
	for (a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	return cli(argc, argv);
}

static void test_replay_every_policy(void **state)
{
	const struct cland_policy *const *p;
	struct cli_out r;

	(void)state;
	for (p = cland_policies; *p; p++) {
		r = run_cli("--replay", path, "--policy", (*p)->name, NULL);
		if (r.ret)
			fail_msg("%s: exit %d: %s", (*p)->name, r.ret, r.err);
		assert_non_null(strstr(r.out, "recorded under policy vruntime"));
		assert_non_null(strstr(r.out, "3 tasks (1 never seen waking"));
		assert_non_null(strstr(r.out, "ui/100"));
		assert_non_null(strstr(r.out, "chat/300"));
		assert_non_null(strstr(r.out, "hog/200"));
		cli_free(&r);
	}
	r = run_cli("--replay", path, "--json", NULL);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.out[0], '{');
	cli_free(&r);
}

/* The hog does its 2 s of CPU time once; ui stops after 1.1 s. */
static void test_replay_lifetimes(void **state)
{
	struct sim_replay_info ri;
	struct sim_workload w;
	struct sim_result res;
	struct sim_config cfg = {.policy = cland_policy_find("fifo"),
				 .seed = 1,
				 .rtt_ns = 50000,
				 .slice_ns = 20 * MS,
				 .slice_min_ns = MS};
	char err[512];
	int i;

	(void)state;
	assert_int_equal(sim_replay_load(path, &w, &ri, err, sizeof(err)), 0);
	assert_int_equal(sim_run(&w, &cfg, &res, err, sizeof(err)), 0);
	for (i = 0; i < w.nr_groups; i++) {
		if (!strcmp(w.groups[i].name, "ui/100")) {
			/* ~100 bursts of ~1 ms (exp), not 190 as if it lived to the end */
			assert_true(res.groups[i].cpu_ns > 60 * MS &&
				    res.groups[i].cpu_ns < 160 * MS);
		}
		if (!strcmp(w.groups[i].name, "hog/200"))
			assert_true(res.groups[i].cpu_ns > DURATION / 2);
	}
	sim_result_free(&res);
	sim_workload_free(&w);
}

static void test_compare_and_plot(void **state)
{
	char plots[160], png[200];
	const struct cland_policy *const *p;
	struct stat st;
	struct cli_out r;

	(void)state;
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	r = run_cli("--compare", path, "--plot", plots, NULL);
	if (r.ret)
		fail_msg("exit %d: %s", r.ret, r.err);
	for (p = cland_policies; *p; p++)
		assert_non_null(strstr(r.out, (*p)->name));
	assert_non_null(strstr(r.out, "wake-up latency p99 us"));
	assert_non_null(strstr(r.out, "CPU share by task name"));
	assert_non_null(strstr(r.out, "  hog "));
	snprintf(png, sizeof(png), "%s/latency-cdf.png", plots);
	assert_int_equal(stat(png, &st), 0);
	assert_true(st.st_size > 1000);
	snprintf(png, sizeof(png), "%s/cpu-share.png", plots);
	assert_int_equal(stat(png, &st), 0);
	assert_true(st.st_size > 1000);
	cli_free(&r);
	/* a JSON workload compares too */
	r = run_cli("--compare", REPO "/sim/workloads/interactive.json", NULL);
	assert_int_equal(r.ret, 0);
	assert_non_null(strstr(r.out, "wake-ups"));
	cli_free(&r);
}

static void test_damaged_recordings(void **state)
{
	struct cli_out r;

	(void)state;
	write_trace(10); /* cut in the middle of the END record */
	r = run_cli("--replay", path, NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "truncated at offset"));
	assert_non_null(strstr(r.err, path));
	cli_free(&r);
	write_trace(64); /* cut at a record boundary: no END */
	r = run_cli("--compare", path, NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "no end record"));
	cli_free(&r);
	recs[5].type = 77;
	write_trace(0);
	r = run_cli("--replay", path, NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "corrupt at offset 448: unknown record type 77"));
	cli_free(&r);
	build_trace();
	write_trace(0);
}

static void test_bad_command_lines(void **state)
{
	struct cli_out r;

	(void)state;
	r = run_cli("--replay", path, "--compare", path, NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "one of --replay FILE and --compare FILE"));
	cli_free(&r);
	r = run_cli("--replay", path, "--plot", dir, NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "--plot DIR goes with --compare"));
	cli_free(&r);
	r = run_cli("--replay", path, "--policy", "nope", NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "unknown policy"));
	cli_free(&r);
	r = run_cli("--replay", "/nonexistent.trc", NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "/nonexistent.trc: cannot open"));
	cli_free(&r);
	r = run_cli("--compare", path, "--json", NULL);
	assert_int_equal(r.ret, 2);
	cli_free(&r);
	r = run_cli("--replay", path, "--seed", "x", NULL);
	assert_int_equal(r.ret, 2);
	assert_non_null(strstr(r.err, "--seed"));
	cli_free(&r);
}

/* A JSON group's stop_us: no burst starts after it. */
static void test_stop_us(void **state)
{
	static const char json[] =
		"{\"cpus\": 1, \"duration_ms\": 1000, \"groups\": ["
		"{\"name\": \"short\", \"count\": 1, \"run_us\": 1000, \"sleep_us\": 1000,"
		" \"stop_us\": 100000},"
		"{\"name\": \"long\", \"count\": 1, \"run_us\": 1000, \"sleep_us\": 1000}]}";
	struct sim_config cfg = {.policy = cland_policy_find("deadline"),
				 .seed = 1,
				 .rtt_ns = 0,
				 .slice_ns = 20 * MS,
				 .slice_min_ns = MS};
	struct sim_workload w;
	struct sim_result res;
	char err[512];

	(void)state;
	if (sim_workload_parse(json, "t.json", &w, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(w.groups[0].stop_ns, 100 * MS);
	assert_int_equal(w.groups[1].stop_ns, 0);
	assert_int_equal(sim_run(&w, &cfg, &res, err, sizeof(err)), 0);
	/* 50 bursts before 100 ms, the one running then, and no more */
	assert_true(res.groups[0].cpu_ns >= 50 * MS && res.groups[0].cpu_ns <= 52 * MS);
	assert_true(res.groups[1].cpu_ns > 400 * MS);
	sim_result_free(&res);
	sim_workload_free(&w);
	assert_int_equal(sim_workload_parse("{\"cpus\": 1, \"duration_ms\": 10, \"groups\": [{"
					    "\"name\": \"a\", \"count\": 1, \"run_us\": 1, "
					    "\"sleep_us\": 1, \"stop_us\": -1}]}",
					    "t.json", &w, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "stop_us"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workload_from_recording),
		cmocka_unit_test(test_replay_every_policy),
		cmocka_unit_test(test_replay_lifetimes),
		cmocka_unit_test(test_compare_and_plot),
		cmocka_unit_test(test_damaged_recordings),
		cmocka_unit_test(test_bad_command_lines),
		cmocka_unit_test(test_stop_us),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
