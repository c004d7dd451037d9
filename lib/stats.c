// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - libcland's text form of the backend counters, one line, the same
 * for the daemon's periodic report, its final report and the tests that parse
 * them (key=value pairs separated by spaces), and the percentiles of the
 * round-trip histogram.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cland.h"

/* Samples counted in a log2 histogram. */
static uint64_t log2_total(const __u64 *h)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < CLAND_RTT_BUCKETS; i++)
		n += h[i];
	return n;
}

uint64_t cland_log2_percentile(const __u64 *h, unsigned int pct)
{
	uint64_t total = log2_total(h), rank, seen = 0, lo, in;
	int i;

	if (!total || pct > 100)
		return 0;
	/* nearest rank, at least 1 */
	rank = (total * pct + 99) / 100;
	if (!rank)
		rank = 1;
	for (i = 0; i < CLAND_RTT_BUCKETS; i++) {
		if (seen + h[i] < rank) {
			seen += h[i];
			continue;
		}
		/* linear within [2^i, 2^(i+1)): the rank's share of the bucket */
		lo = 1ULL << i;
		in = rank - seen;
		return lo + (lo * in) / (h[i] + 1);
	}
	return 1ULL << (CLAND_RTT_BUCKETS - 1);
}

uint64_t cland_rtt_percentile(const struct cland_counters *c, unsigned int pct)
{
	return cland_log2_percentile(c->rtt_log2, pct);
}

/* "I:C,I:C..." for the non-zero buckets, "-" when all are 0. */
static int format_rtt_hist(char *buf, size_t len, const struct cland_counters *c)
{
	size_t off = 0;
	int i, n;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < CLAND_RTT_BUCKETS; i++) {
		if (!c->rtt_log2[i])
			continue;
		n = snprintf(buf + off, off < len ? len - off : 0, "%s%d:%" PRIu64, off ? "," : "",
			     i, (uint64_t)c->rtt_log2[i]);
		if (n < 0)
			return n;
		off += (size_t)n;
	}
	if (!off)
		return snprintf(buf, len, "-");
	return (int)off;
}

int cland_format_counters(char *buf, size_t len, const struct cland_counters *c,
			  uint64_t nr_pending)
{
	char hist[CLAND_RTT_BUCKETS * 24];

	format_rtt_hist(hist, sizeof(hist), c);
	return snprintf(
		buf, len,
		"queued=%" PRIu64 " pending=%" PRIu64 " user=%" PRIu64 " kernel=%" PRIu64
		" direct=%" PRIu64 " cancel=%" PRIu64 " bounce=%" PRIu64 " failed=%" PRIu64
		" congested=%" PRIu64 " usersched=%" PRIu64 " heartbeats=%" PRIu64
		" preempt=%" PRIu64 " preempt_daemon=%" PRIu64 " preempt_standing=%" PRIu64
		" preempt_tick=%" PRIu64 " degraded=%" PRIu64 "/%" PRIu64
		" degraded_dispatches=%" PRIu64 " rescued=%" PRIu64 " degraded_ms=%" PRIu64
		" starved=%" PRIu64 " rekeyed=%" PRIu64 " migrated=%" PRIu64 " moves_local=%" PRIu64
		" moves_local_ns=%" PRIu64 " moves_remote=%" PRIu64 " moves_remote_ns=%" PRIu64
		" requeued=%" PRIu64 " standing=%" PRIu64 " standing_void=%" PRIu64
		" policy_errors=%" PRIu64 " overdue=%" PRIu64 " freezes=%" PRIu64
		" frozen_ms=%" PRIu64 " rtt_p50_us=%" PRIu64 " rtt_p99_us=%" PRIu64 " rtt_log2=%s"
		" wait_p50_us=%" PRIu64 " wait_p99_us=%" PRIu64,
		(uint64_t)c->nr_queued, nr_pending, (uint64_t)c->nr_user_dispatches,
		(uint64_t)c->nr_kernel_dispatches, (uint64_t)c->nr_direct_dispatches,
		(uint64_t)c->nr_cancel_dispatches, (uint64_t)c->nr_bounce_dispatches,
		(uint64_t)c->nr_failed_dispatches, (uint64_t)c->nr_sched_congested,
		(uint64_t)c->nr_usersched_runs, (uint64_t)c->nr_heartbeats,
		(uint64_t)c->nr_preemptions, (uint64_t)c->nr_preempt_usersched,
		(uint64_t)c->nr_preempt_standing, (uint64_t)c->nr_preempt_tick,
		(uint64_t)c->nr_degraded_enter, (uint64_t)c->nr_degraded_leave,
		(uint64_t)c->nr_degraded_dispatches, (uint64_t)c->nr_rescued,
		(uint64_t)(c->degraded_ns / 1000000), (uint64_t)c->nr_starved,
		(uint64_t)c->nr_rekeyed, (uint64_t)c->nr_migrated, (uint64_t)c->nr_moves_local,
		(uint64_t)c->moves_local_ns, (uint64_t)c->nr_moves_remote,
		(uint64_t)c->moves_remote_ns, (uint64_t)c->nr_requeued, (uint64_t)c->nr_standing,
		(uint64_t)c->nr_standing_void, (uint64_t)c->nr_policy_errors,
		(uint64_t)c->nr_overdue, (uint64_t)c->nr_freezes,
		(uint64_t)(c->frozen_ns / 1000000), cland_rtt_percentile(c, 50) / 1000,
		cland_rtt_percentile(c, 99) / 1000, hist,
		cland_log2_percentile(c->wait_log2, 50) / 1000,
		cland_log2_percentile(c->wait_log2, 99) / 1000);
}
