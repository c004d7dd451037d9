// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - libcland's text form of the backend counters, one line, the same
 * for the daemon's periodic report, its final report and the tests that parse
 * them (key=value pairs separated by spaces).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cland.h"

int cland_format_counters(char *buf, size_t len, const struct cland_counters *c,
			  uint64_t nr_pending)
{
	return snprintf(buf, len,
			"queued=%" PRIu64 " pending=%" PRIu64 " user=%" PRIu64 " kernel=%" PRIu64
			" cancel=%" PRIu64 " bounce=%" PRIu64 " failed=%" PRIu64
			" congested=%" PRIu64 " usersched=%" PRIu64 " heartbeats=%" PRIu64
			" preempt=%" PRIu64 " degraded=%" PRIu64 "/%" PRIu64
			" degraded_dispatches=%" PRIu64 " rescued=%" PRIu64 " degraded_ms=%" PRIu64
			" starved=%" PRIu64,
			(uint64_t)c->nr_queued, nr_pending, (uint64_t)c->nr_user_dispatches,
			(uint64_t)c->nr_kernel_dispatches, (uint64_t)c->nr_cancel_dispatches,
			(uint64_t)c->nr_bounce_dispatches, (uint64_t)c->nr_failed_dispatches,
			(uint64_t)c->nr_sched_congested, (uint64_t)c->nr_usersched_runs,
			(uint64_t)c->nr_heartbeats, (uint64_t)c->nr_preemptions,
			(uint64_t)c->nr_degraded_enter, (uint64_t)c->nr_degraded_leave,
			(uint64_t)c->nr_degraded_dispatches, (uint64_t)c->nr_rescued,
			(uint64_t)(c->degraded_ns / 1000000), (uint64_t)c->nr_starved);
}
