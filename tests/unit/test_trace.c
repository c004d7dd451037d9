// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace.c - scheduling traces: what the recorder (src/record.c) writes
 * the reader (lib/trace.c) gets back, record for record; names and
 * affinities once per task; the size limit stops recording with an END
 * record; a full buffer counts what it drops; and every kind of damaged
 * file is refused with the offset where it went wrong.
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

#include "record.h"
#include "trace.h"

#define NR_CPUS 4

static char path[64];

static int setup(void **state)
{
	int fd;

	(void)state;
	strcpy(path, "/tmp/cland-trace-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static struct recorder *open_rec(uint64_t max_bytes)
{
	struct recorder_opts o = {.path = path,
				  .max_bytes = max_bytes,
				  .nr_cpus = NR_CPUS,
				  .slice_ns = 20000000,
				  .slice_min_ns = 1000000,
				  .policy = "deadline"};
	struct recorder *r;
	char err[256];

	if (recorder_open(&r, &o, err, sizeof(err)))
		fail_msg("recorder_open: %s", err);
	return r;
}

static struct cland_queued task(int pid, const char *comm, uint64_t flags, uint64_t runtime)
{
	struct cland_queued t = {.pid = pid,
				 .cpu = pid % NR_CPUS,
				 .flags = flags,
				 .weight = 100,
				 .exec_runtime = runtime,
				 .start_ts = 1000,
				 .stop_ts = 2000,
				 .gen = 3,
				 .nr_cpus_allowed = NR_CPUS,
				 .nr_runnable = 5};

	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

static struct cland_trace load_ok(void)
{
	struct cland_trace t;
	char err[512];

	if (cland_trace_load(path, &t, err, sizeof(err)))
		fail_msg("cland_trace_load: %s", err);
	return t;
}

static void test_round_trip(void **state)
{
	struct recorder *r = open_rec(1 << 20);
	struct cland_queued a = task(101, "alpha", CLAND_TASK_WAKEUP, 0);
	struct cland_queued b = task(202, "beta", 0, 5000);
	struct cland_decision d = {.pid = 101,
				   .cpu = CLAND_CPU_ANY,
				   .slice = 3000000,
				   .vtime = 77,
				   .deadline = 88,
				   .gen = 3};
	struct cland_trace t;
	size_t i, nr_info = 0;

	(void)state;
	recorder_task(r, &a);
	recorder_decision(r, &d);
	recorder_task(r, &b);
	recorder_task(r, &a); /* known: no INFO again */
	snprintf(a.comm, sizeof(a.comm), "alpha2");
	recorder_task(r, &a); /* renamed (exec): INFO again */
	assert_int_equal(recorder_close(r), 0);

	t = load_ok();
	assert_int_equal(t.hdr.nr_cpus, NR_CPUS);
	assert_string_equal(t.hdr.policy, "deadline");
	assert_int_equal(t.hdr.slice_ns, 20000000);
	/* INFO a, TASK a, DECISION, INFO b, TASK b, TASK a, INFO a, TASK a, END */
	assert_int_equal(t.nr, 9);
	assert_int_equal(t.recs[0].type, CLAND_TRACE_INFO);
	assert_string_equal(t.recs[0].info.comm, "alpha");
	assert_int_equal(t.recs[0].info.mask[0], (1 << NR_CPUS) - 1);
	assert_int_equal(t.recs[1].type, CLAND_TRACE_TASK);
	assert_int_equal(t.recs[1].pid, 101);
	assert_int_equal(t.recs[1].flags, CLAND_TASK_WAKEUP);
	assert_int_equal(t.recs[1].cpu, 101 % NR_CPUS);
	assert_int_equal(t.recs[1].aux, NR_CPUS);
	assert_int_equal(t.recs[1].task.weight, 100);
	assert_int_equal(t.recs[1].task.start_ts, 1000);
	assert_int_equal(t.recs[1].task.stop_ts, 2000);
	assert_int_equal(t.recs[1].task.nr_runnable, 5);
	assert_int_equal(t.recs[2].type, CLAND_TRACE_DECISION);
	assert_int_equal(t.recs[2].cpu, CLAND_CPU_ANY);
	assert_int_equal(t.recs[2].decision.slice, 3000000);
	assert_int_equal(t.recs[2].decision.vtime, 77);
	assert_int_equal(t.recs[2].decision.deadline, 88);
	assert_int_equal(t.recs[4].task.exec_runtime, 5000);
	assert_int_equal(t.recs[6].type, CLAND_TRACE_INFO);
	assert_string_equal(t.recs[6].info.comm, "alpha2");
	for (i = 0; i < t.nr; i++) {
		nr_info += t.recs[i].type == CLAND_TRACE_INFO;
		if (i)
			assert_true(t.recs[i].ts_ns >= t.recs[i - 1].ts_ns);
		assert_true(t.recs[i].ts_ns >= t.hdr.start_ns);
	}
	assert_int_equal(nr_info, 3);
	assert_int_equal(t.recs[8].type, CLAND_TRACE_END);
	assert_int_equal(t.recs[8].end.nr_records, 8);
	assert_int_equal(t.recs[8].end.reason, CLAND_TRACE_END_STOPPED);
	cland_trace_free(&t);
}

/* A task with fewer CPUs than the machine: its real mask (this test's own). */
static void test_affinity(void **state)
{
	struct recorder *r = open_rec(1 << 20);
	struct cland_queued a = task(getpid(), "me", 0, 0);
	struct cland_trace t;

	(void)state;
	a.nr_cpus_allowed = 1; /* not all: the recorder asks the kernel */
	recorder_task(r, &a);
	assert_int_equal(recorder_close(r), 0);
	t = load_ok();
	assert_int_equal(t.recs[0].type, CLAND_TRACE_INFO);
	assert_int_equal(t.recs[0].aux, 1);
	/* this process may run on CPU 0 at least, and on nothing past NR_CPUS */
	assert_true(t.recs[0].info.mask[0] != 0);
	assert_int_equal(t.recs[0].info.mask[0] >> NR_CPUS, 0);
	cland_trace_free(&t);
}

/* At the limit, recording stops: the file stays within it and ends well. */
static void test_size_limit(void **state)
{
	const uint64_t max =
		sizeof(struct cland_trace_header) + 20 * sizeof(struct cland_trace_rec);
	struct recorder *r = open_rec(max);
	struct cland_queued a = task(7, "busy", 0, 1);
	struct recorder_stats st;
	struct cland_trace t;
	struct stat sb;
	int i;

	(void)state;
	for (i = 0; i < 50; i++) {
		recorder_task(r, &a);
		recorder_flush(r); /* a quarter of the buffer is not used: nothing written */
	}
	recorder_get_stats(r, &st);
	assert_false(st.stopped);
	assert_int_equal(st.bytes, sizeof(struct cland_trace_header));
	assert_int_equal(recorder_close(r), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal((uint64_t)sb.st_size, max);
	t = load_ok();
	assert_int_equal(t.nr, 20);
	assert_int_equal(t.recs[19].type, CLAND_TRACE_END);
	assert_int_equal(t.recs[19].end.reason, CLAND_TRACE_END_LIMIT);
	assert_int_equal(t.recs[19].end.nr_records, 19);
	cland_trace_free(&t);
}

/* More events than the buffer holds between two flushes: the rest is counted. */
static void test_buffer_full(void **state)
{
	struct recorder *r = open_rec(1ULL << 30);
	struct cland_queued a = task(9, "storm", 0, 1);
	struct recorder_stats st;
	struct cland_trace t;
	int i;

	(void)state;
	for (i = 0; i < CLAND_RECORD_BUF_RECORDS + 100; i++)
		recorder_task(r, &a); /* 1 INFO + tasks */
	recorder_get_stats(r, &st);
	assert_int_equal(st.nr_records, CLAND_RECORD_BUF_RECORDS);
	assert_int_equal(st.nr_dropped, 101);
	recorder_flush(r); /* over a quarter: written */
	recorder_get_stats(r, &st);
	assert_int_equal(st.bytes, sizeof(struct cland_trace_header) +
					   (uint64_t)CLAND_RECORD_BUF_RECORDS *
						   sizeof(struct cland_trace_rec));
	recorder_task(r, &a); /* room again */
	assert_int_equal(recorder_close(r), 0);
	t = load_ok();
	assert_int_equal(t.nr, CLAND_RECORD_BUF_RECORDS + 2);
	assert_int_equal(t.recs[t.nr - 1].end.nr_dropped, 101);
	cland_trace_free(&t);
}

static void test_cannot_create(void **state)
{
	struct recorder_opts o = {.path = "/nonexistent-dir/x.trc",
				  .max_bytes = 1 << 20,
				  .nr_cpus = 1,
				  .policy = "fifo"};
	struct recorder *r;
	char err[256];

	(void)state;
	assert_true(recorder_open(&r, &o, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot create /nonexistent-dir/x.trc"));
}

/* ---- damaged files ---- */

/* A good trace of @n task records in memory (header, records, END). */
static size_t good_trace(char *buf, int n)
{
	struct cland_trace_header h;
	struct cland_trace_rec *r = (void *)(buf + sizeof(h));
	int i;

	cland_trace_header_init(&h, NR_CPUS, 1000, 20000000, 1000000, "fifo");
	memcpy(buf, &h, sizeof(h));
	for (i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].type = CLAND_TRACE_TASK;
		r[i].pid = 100 + i;
		r[i].cpu = i % NR_CPUS;
		r[i].ts_ns = 2000 + (uint64_t)i;
		r[i].task.weight = 100;
	}
	memset(&r[n], 0, sizeof(r[n]));
	r[n].type = CLAND_TRACE_END;
	r[n].ts_ns = 3000;
	r[n].end.nr_records = (uint64_t)n;
	return sizeof(h) + (size_t)(n + 1) * sizeof(*r);
}

/* @data (@len bytes) must be refused with a message holding @want. */
static void refused(const char *data, size_t len, const char *want)
{
	struct cland_trace t;
	char err[512];

	if (!cland_trace_parse(data, len, "t.trc", &t, err, sizeof(err)))
		fail_msg("accepted a trace that should fail with '%s'", want);
	if (!strstr(err, want))
		fail_msg("message '%s' lacks '%s'", err, want);
	assert_int_equal(strncmp(err, "t.trc: ", 7), 0);
}

#define REC(i) (sizeof(struct cland_trace_header) + (i) * sizeof(struct cland_trace_rec))

static void test_damaged(void **state)
{
	static char buf[8192], copy[8192], want[128];
	struct cland_trace_rec *r = (void *)(copy + REC(0));
	struct cland_trace t;
	size_t len = good_trace(buf, 10), cut;
	char err[256];

	(void)state;
	assert_int_equal(cland_trace_parse(buf, len, "t.trc", &t, err, sizeof(err)), 0);
	assert_int_equal(t.nr, 11);
	cland_trace_free(&t);

	/* cut anywhere: refused, the offset named */
	for (cut = 0; cut < len; cut += 7) {
		if (cut < 8)
			snprintf(want, sizeof(want), "at offset 0: not a scx_cland trace");
		else if (cut < REC(0))
			snprintf(want, sizeof(want), "truncated at offset %zu: the header", cut);
		else if ((cut - REC(0)) % sizeof(*r))
			snprintf(want, sizeof(want), "truncated at offset %zu: a record cut",
				 REC((cut - REC(0)) / sizeof(*r)));
		else
			snprintf(want, sizeof(want), "truncated at offset %zu: no end record", cut);
		refused(buf, cut, want);
	}

#define DAMAGE(what, want)                                                                         \
	do {                                                                                       \
		memcpy(copy, buf, len);                                                            \
		what;                                                                              \
		refused(copy, len, want);                                                          \
	} while (0)
	DAMAGE(copy[0] = 'X', "corrupt at offset 0: not a scx_cland trace");
	DAMAGE(copy[8] = 2, "corrupt at offset 8: trace version 2");
	DAMAGE(copy[12] = 64, "corrupt at offset 12: header size");
	DAMAGE(copy[16] = 32, "corrupt at offset 16: record size");
	DAMAGE(memset(copy + 20, 0, 4), "corrupt at offset 20: 0 CPUs");
	DAMAGE(memset(copy + 48, 'x', 32), "corrupt at offset 48: policy name");
	DAMAGE(r[3].type = 9, "corrupt at offset 320: unknown record type 9");
	DAMAGE(r[4].zero = 1, "corrupt at offset 384: reserved bytes");
	DAMAGE(r[5].ts_ns = 1, "corrupt at offset 448: time goes back");
	DAMAGE(r[0].ts_ns = 999, "corrupt at offset 128: time goes back");
	DAMAGE(r[2].pid = 0, "corrupt at offset 256: pid 0");
	DAMAGE(r[2].cpu = NR_CPUS, "corrupt at offset 256: task on CPU 4 of 4");
	DAMAGE(r[6].task.weight = 0, "corrupt at offset 512: weight 0");
	DAMAGE((r[1].type = CLAND_TRACE_DECISION, r[1].cpu = -7),
	       "corrupt at offset 192: decision for CPU -7");
	DAMAGE((r[1].type = CLAND_TRACE_INFO, r[1].flags = 200),
	       "corrupt at offset 192: affinity mask part");
	DAMAGE((r[1].type = CLAND_TRACE_INFO, memset(r[1].info.comm, 'a', 16)),
	       "corrupt at offset 192: task name");
	DAMAGE(r[10].end.nr_records = 3,
	       "corrupt at offset 768: the end record counts 3 records, the file has 10");
	DAMAGE(r[10].end.reason = 7, "corrupt at offset 768: end reason 7");
	/* an END in the middle */
	DAMAGE((r[4].type = CLAND_TRACE_END, r[4].end.nr_records = 4),
	       "corrupt at offset 448: data after the end record");
	/* a trailing partial record after END */
	memcpy(copy, buf, len);
	refused(copy, len + 10, "corrupt at offset 832: data after the end record");
}

static void test_load_errors(void **state)
{
	struct cland_trace t;
	char err[256];

	(void)state;
	assert_int_equal(cland_trace_load("/nonexistent.trc", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent.trc: cannot open"));
	assert_int_equal(cland_trace_load("/tmp", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_affinity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffer_full, setup, teardown),
		cmocka_unit_test(test_cannot_create),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
