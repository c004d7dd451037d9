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
	assert_false(watch_starving(NOW, NOW + SKEW));
	assert_false(watch_starving(NOW, NOW - 499 * NSEC_PER_MSEC));
	assert_true(watch_starving(NOW, NOW - 500 * NSEC_PER_MSEC));
}

static void test_overdue_skew(void **state)
{
	(void)state;
	assert_false(watch_overdue(NOW, NOW + SKEW));
	assert_false(watch_overdue(NOW, NOW - 999 * NSEC_PER_MSEC));
	assert_true(watch_overdue(NOW, NOW - 1000 * NSEC_PER_MSEC));
}

/*
 * The in-flight table is scanned only when an entry may be overdue: none in
 * it (or a count gone below zero), no scan; entries since a time stamped by
 * a CPU ahead of this one, or under 1 s ago, none yet.
 */
static void test_inflight_may_be_overdue(void **state)
{
	(void)state;
	assert_false(watch_inflight_may_be_overdue(NOW, 0, NOW - 5000 * NSEC_PER_MSEC));
	assert_false(watch_inflight_may_be_overdue(NOW, -1, NOW - 5000 * NSEC_PER_MSEC));
	assert_false(watch_inflight_may_be_overdue(NOW, 3, NOW + SKEW));
	assert_false(watch_inflight_may_be_overdue(NOW, 3, NOW - 999 * NSEC_PER_MSEC));
	assert_true(watch_inflight_may_be_overdue(NOW, 1, NOW - 1000 * NSEC_PER_MSEC));
	assert_true(watch_inflight_may_be_overdue(NOW, 3, NOW - 5000 * NSEC_PER_MSEC));
}

/* A scan stamped by a CPU ahead of this one is not due again at once. */
static void test_scan_due_skew(void **state)
{
	(void)state;
	assert_false(watch_scan_due(NOW, NOW + SKEW, WATCH_STARVE_SCAN_NS));
	assert_false(watch_scan_due(NOW, NOW - 19 * NSEC_PER_MSEC, WATCH_STARVE_SCAN_NS));
	assert_true(watch_scan_due(NOW, NOW - 20 * NSEC_PER_MSEC, WATCH_STARVE_SCAN_NS));
}

#define BEAT (10 * NSEC_PER_MSEC) /* the backend's heartbeat period */

/* The heartbeat's state, as the backend keeps it (note_beat()). */
struct beat {
	__u64 last_beat;
	__u64 frozen_ns;
};

static void beat_at(struct beat *b, __u64 now)
{
	b->frozen_ns += watch_late(now, b->last_beat, BEAT);
	b->last_beat = now;
}

static __u64 wclock(const struct beat *b, __u64 now)
{
	return watch_clock(now, b->frozen_ns, b->last_beat, BEAT);
}

/*
 * The whole machine froze (a virtual machine's CPUs descheduled by its
 * host): the heartbeat, due every 10 ms, comes late. The watch clock stops
 * for the freeze: nothing is starving, overdue or stalled for the time
 * nothing could run; it never jumps forward, not when the freeze is seen
 * nor when the heartbeat runs again.
 */
static void test_freeze(void **state)
{
	const __u64 t0 = NOW - 600 * NSEC_PER_MSEC;
	struct beat b = {.last_beat = t0};
	struct watch_daemon d;
	__u64 runnable, w;

	(void)state;
	assert_int_equal(watch_late(NOW, NOW - BEAT, BEAT), 0);
	assert_int_equal(watch_late(NOW, NOW - 59 * NSEC_PER_MSEC, BEAT), 0);
	assert_int_equal(watch_late(NOW, NOW - 60 * NSEC_PER_MSEC, BEAT), 50 * NSEC_PER_MSEC);
	assert_int_equal(watch_late(NOW, 0, BEAT), 0); /* no beat yet */
	assert_int_equal(watch_late(NOW, NOW + SKEW, BEAT), 0);

	/* runnable 5 ms after the last beat, then 590 ms frozen */
	runnable = wclock(&b, t0 + 5 * NSEC_PER_MSEC);
	assert_int_equal(runnable, t0 + 5 * NSEC_PER_MSEC);
	w = wclock(&b, t0 + 60 * NSEC_PER_MSEC - 1); /* not seen yet: runs on */
	assert_int_equal(w, t0 + 60 * NSEC_PER_MSEC - 1);
	/* seen: steps back to the freeze's start, never forward */
	assert_int_equal(wclock(&b, t0 + 60 * NSEC_PER_MSEC), t0 + BEAT);
	assert_int_equal(wclock(&b, NOW), t0 + BEAT);
	assert_true(watch_starving(NOW, t0 - 500 * NSEC_PER_MSEC)); /* real clock: starving */
	assert_false(watch_starving(wclock(&b, NOW), runnable));
	assert_false(watch_overdue(wclock(&b, NOW), runnable - 900 * NSEC_PER_MSEC));
	beat_at(&b, NOW); /* the heartbeat runs again: the clock goes on from there */
	assert_int_equal(b.frozen_ns, 590 * NSEC_PER_MSEC);
	assert_int_equal(wclock(&b, NOW), t0 + BEAT);

	/* the daemon last seen 5 ms after the beat: 5 ms seen, not 595 */
	d = waiting(runnable, runnable);
	d.runnable = true;
	assert_false(watch_daemon_stalled(&d, wclock(&b, NOW), STALL_NS));
	d.runnable = false;
	assert_false(watch_daemon_stalled(&d, wclock(&b, NOW), STALL_NS));
	assert_true(watch_daemon_stalled(&d, wclock(&b, NOW + 45 * NSEC_PER_MSEC), STALL_NS));

	/* beats on time: nothing more is left out */
	for (w = NOW + BEAT; w <= NOW + 490 * NSEC_PER_MSEC; w += BEAT)
		beat_at(&b, w);
	assert_int_equal(b.frozen_ns, 590 * NSEC_PER_MSEC);
	assert_false(watch_starving(wclock(&b, NOW + 494 * NSEC_PER_MSEC), runnable));
	assert_true(watch_starving(wclock(&b, NOW + 495 * NSEC_PER_MSEC), runnable));
}

/*
 * A machine that freezes for 100 ms every 300 ms (a busy host) still has its
 * nets: a task held by user space is overdue after 1 s of the time the
 * machine ran (when the end of each freeze counted as a fresh start, this
 * one never was). Heartbeats every 10 ms while the machine runs; the watch
 * clock never goes ahead faster than the real one.
 */
static void test_freeze_often(void **state)
{
	const __u64 ms = NSEC_PER_MSEC, t0 = NOW;
	struct beat b = {.last_beat = t0};
	__u64 t, held = wclock(&b, t0), prev = held, ran = 0, fired = 0;

	(void)state;
	for (t = t0 + ms; t < t0 + 5000 * ms && !fired; t += ms) {
		bool frozen = (t - t0) % (300 * ms) >= 200 * ms;

		if (!frozen) {
			ran += ms;
			if (time_elapsed(t, b.last_beat, BEAT))
				beat_at(&b, t);
		}
		assert_true(time_delta(wclock(&b, t), prev) <= ms); /* never forward */
		prev = wclock(&b, t);
		if (!frozen && watch_overdue(prev, held))
			fired = t;
	}
	assert_true(fired);
	/* 1 s of running (and a 10 ms beat period of each freeze), not more */
	assert_in_range(ran, 900 * ms, 1000 * ms);
	assert_in_range(fired - t0, 1300 * ms, 1500 * ms);
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
		cmocka_unit_test(test_inflight_may_be_overdue),
		cmocka_unit_test(test_scan_due_skew),
		cmocka_unit_test(test_freeze),
		cmocka_unit_test(test_freeze_often),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
