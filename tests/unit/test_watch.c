// SPDX-License-Identifier: GPL-2.0
/*
 * test_watch.c - the BPF backend's watchdogs (bpf/watch.h, the very header
 * the backend compiles) and its time helpers (bpf/cland_time.h) when
 * timestamps come from CPUs whose clocks disagree by a few microseconds:
 * a healthy daemon must never look stalled, a task that just became
 * runnable must never look starving, nothing may wrap to a huge duration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "watch.h"

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define STALL_NS      (50 * NSEC_PER_MSEC) /* the daemon's default --stall-ms */
#define NOW	      (1000000 * NSEC_PER_MSEC)
#define SKEW	      (3 * NSEC_PER_USEC) /* another CPU's clock, a little ahead */

/* A daemon with work queued, not on a CPU, asleep (waiting for its wake-up). */
static struct watch_daemon waiting(__u64 last_seen, __u64 work_since)
{
	struct watch_daemon d = {
		.last_seen = last_seen,
		.work_since = work_since,
		.has_work = true,
	};

	return d;
}

static void test_time_helpers_skew(void **state)
{
	(void)state;
	assert_int_equal(time_delta(NOW, NOW + SKEW), 0);
	assert_int_equal(time_delta(NOW + SKEW, NOW), SKEW);
	assert_true(time_before(NOW, NOW + SKEW));
	assert_false(time_before(NOW + SKEW, NOW));
	assert_true(time_after(NOW + SKEW, NOW));
	assert_int_equal(time_max(NOW, NOW + SKEW), NOW + SKEW);
	assert_false(time_elapsed(NOW, NOW + SKEW, STALL_NS));
	/* across the u64 wrap of the clock itself */
	assert_int_equal(time_delta(5, UINT64_MAX - 4), 10);
	assert_true(time_before(UINT64_MAX - 4, 5));
}

/* The daemon just ran on a CPU whose clock is ahead: it has not stalled. */
static void test_daemon_seen_in_the_future(void **state)
{
	struct watch_daemon d = waiting(NOW + SKEW, NOW - 10 * NSEC_PER_MSEC);

	(void)state;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
	d = waiting(NOW - 10 * NSEC_PER_MSEC, NOW + SKEW); /* work queued from that CPU */
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
	d.runnable = true;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
}

static void test_daemon_really_stalled(void **state)
{
	struct watch_daemon d = waiting(NOW - 60 * NSEC_PER_MSEC, NOW - 55 * NSEC_PER_MSEC);

	(void)state;
	assert_true(watch_daemon_stalled(&d, NOW, STALL_NS));
	/* runnable, waiting for a CPU: 5 x longer */
	d.runnable = true;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
	d.last_seen = d.work_since = NOW - 251 * NSEC_PER_MSEC;
	assert_true(watch_daemon_stalled(&d, NOW, STALL_NS));
	/* stalled only while tasks wait for it and it is off the CPU */
	d.has_work = false;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
	d.has_work = true;
	d.running = true;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
	/* --stall-ms 0: never */
	d.running = false;
	assert_false(watch_daemon_stalled(&d, NOW, 0));
}

/* Stopped (SIGSTOP, traced, frozen): at once, whatever the clocks say. */
static void test_daemon_stopped(void **state)
{
	struct watch_daemon d = waiting(NOW + SKEW, NOW + SKEW);

	(void)state;
	d.stopped = true;
	assert_true(watch_daemon_stalled(&d, NOW, STALL_NS));
	d.has_work = false;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
}

/* Became runnable on a CPU ahead of the scanning one: not starving. */
static void test_starving_skew(void **state)
{
	(void)state;
	assert_false(watch_starving(NOW, NOW + SKEW, 0));
	assert_false(watch_starving(NOW, NOW - 499 * NSEC_PER_MSEC, 0));
	assert_true(watch_starving(NOW, NOW - 500 * NSEC_PER_MSEC, 0));
}

static void test_overdue_skew(void **state)
{
	(void)state;
	assert_false(watch_overdue(NOW, NOW + SKEW, 0));
	assert_false(watch_overdue(NOW, NOW - 999 * NSEC_PER_MSEC, 0));
	assert_true(watch_overdue(NOW, NOW - 1000 * NSEC_PER_MSEC, 0));
}

/* A scan stamped by a CPU ahead of this one is not due again at once. */
static void test_scan_due_skew(void **state)
{
	(void)state;
	assert_false(watch_scan_due(NOW, NOW + SKEW, WATCH_STARVE_SCAN_NS));
	assert_false(watch_scan_due(NOW, NOW - 19 * NSEC_PER_MSEC, WATCH_STARVE_SCAN_NS));
	assert_true(watch_scan_due(NOW, NOW - 20 * NSEC_PER_MSEC, WATCH_STARVE_SCAN_NS));
}

/*
 * The whole machine froze (a virtual machine's CPUs descheduled by its host):
 * the heartbeat, due every 10 ms, comes late; the waits that span the freeze
 * count from its end, so that nothing is starving, overdue or stalled for
 * the time nothing could run.
 */
static void test_freeze(void **state)
{
	const __u64 beat = 10 * NSEC_PER_MSEC, thaw = NOW - 20 * NSEC_PER_MSEC;
	struct watch_daemon d = waiting(NOW - 400 * NSEC_PER_MSEC, NOW - 400 * NSEC_PER_MSEC);

	(void)state;
	assert_false(watch_froze(NOW, NOW - beat, beat));
	assert_false(watch_froze(NOW, NOW - 59 * NSEC_PER_MSEC, beat));
	assert_true(watch_froze(NOW, NOW - 60 * NSEC_PER_MSEC, beat));
	assert_false(watch_froze(NOW, 0, beat)); /* no beat yet */
	assert_false(watch_froze(NOW, NOW + SKEW, beat));
	/* a task runnable for 600 ms, 580 of them frozen */
	assert_true(watch_starving(NOW, NOW - 600 * NSEC_PER_MSEC, 0));
	assert_false(watch_starving(NOW, NOW - 600 * NSEC_PER_MSEC, thaw));
	assert_false(watch_overdue(NOW, NOW - 1100 * NSEC_PER_MSEC, thaw));
	assert_true(watch_overdue(NOW, NOW - 1100 * NSEC_PER_MSEC, NOW - 1000 * NSEC_PER_MSEC));
	/* the daemon last seen 400 ms ago, the machine thawed 20 ms ago */
	d.runnable = true;
	assert_true(watch_daemon_stalled(&d, NOW, STALL_NS));
	d.thaw = thaw;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
	d.runnable = false;
	assert_false(watch_daemon_stalled(&d, NOW, STALL_NS));
	d.thaw = NOW - 51 * NSEC_PER_MSEC;
	assert_true(watch_daemon_stalled(&d, NOW, STALL_NS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_helpers_skew),
		cmocka_unit_test(test_daemon_seen_in_the_future),
		cmocka_unit_test(test_daemon_really_stalled),
		cmocka_unit_test(test_daemon_stopped),
		cmocka_unit_test(test_starving_skew),
		cmocka_unit_test(test_overdue_skew),
		cmocka_unit_test(test_scan_due_skew),
		cmocka_unit_test(test_freeze),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
