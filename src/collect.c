// SPDX-License-Identifier: GPL-2.0
/*
 * collect.c - the running daemon's snapshots: reads the backend's counters
 * (BPF .bss: no system call), the policy's, getrusage() for CPU time and
 * page faults, and keeps the totals across re-attachments. Called on
 * request (stats server, /metrics, --stats), never from the hot path.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "collect.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static long nr_faults(struct rusage *ru)
{
	return ru->ru_minflt + ru->ru_majflt;
}

void cland_collector_init(struct cland_collector *col, const char *policy)
{
	memset(col, 0, sizeof(*col));
	col->start_ns = mono_ns();
	col->policy = policy;
}

void cland_collector_attach(struct cland_collector *col, struct cland_sched *s,
			    const struct cland_policy *pol, void *ctx)
{
	struct rusage ru;

	col->s = s;
	col->pol = pol;
	col->ctx = ctx;
	if (col->nr_attached++)
		col->restarts++;
	if (!col->faults_set) {
		getrusage(RUSAGE_SELF, &ru);
		col->faults_at_start = nr_faults(&ru);
		col->faults_set = true;
	}
}

void cland_collector_detach(struct cland_collector *col)
{
	const struct cland_exit_info *ei;
	struct cland_policy_stats ps;
	struct cland_counters c;

	if (!col->s)
		return;
	cland_read_counters(col->s, &c);
	cland_counters_add(&col->base, &c);
	cland_policy_read_stats(col->pol, col->ctx, &ps);
	col->pbase.nr_overflows += ps.nr_overflows;
	col->pbase.nr_dropped += ps.nr_dropped;
	ei = cland_exit_info(col->s);
	if (ei->kind) {
		col->exit_kind = ei->kind;
		snprintf(col->exit_reason, sizeof(col->exit_reason), "%s%s%.*s%s%.*s",
			 cland_exit_kind_str(ei->kind), ei->reason[0] ? ": " : "",
			 (int)sizeof(ei->reason), ei->reason, ei->msg[0] ? ": " : "",
			 (int)sizeof(ei->msg), ei->msg);
	}
	col->s = NULL;
	col->pol = NULL;
	col->ctx = NULL;
}

void cland_collector_snapshot(void *arg, struct cland_snapshot *out)
{
	struct cland_collector *col = arg;
	struct cland_policy_stats ps;
	struct cland_counters c;
	struct rusage ru;

	memset(out, 0, sizeof(*out));
	out->at_ns = mono_ns();
	out->uptime_ns = out->at_ns - col->start_ns;
	out->c = col->base;
	out->ps = col->pbase;
	if (col->s) {
		cland_read_counters(col->s, &c);
		cland_counters_add(&out->c, &c);
		cland_policy_read_stats(col->pol, col->ctx, &ps);
		out->ps.nr_overflows += ps.nr_overflows;
		out->ps.nr_dropped += ps.nr_dropped;
		out->nr_pending = cland_nr_pending(col->s);
		out->nr_runnable = cland_nr_runnable(col->s);
		out->degraded = cland_degraded(col->s);
	}
	getrusage(RUSAGE_SELF, &ru);
	out->cpu_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
		      (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
	if (col->faults_set && nr_faults(&ru) > col->faults_at_start)
		out->faults = (uint64_t)(nr_faults(&ru) - col->faults_at_start);
	out->restarts = col->restarts;
	out->exit_kind = col->exit_kind;
	snprintf(out->exit_reason, sizeof(out->exit_reason), "%s", col->exit_reason);
	snprintf(out->policy, sizeof(out->policy), "%s", col->policy ? col->policy : "");
}
