/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collect.h - takes the running daemon's snapshots (struct cland_snapshot):
 * the backend's counters of the current attachment plus those of the
 * previous ones (a CPU hotplug re-attaches, and the BPF side starts from 0),
 * the policy's, the daemon's CPU time and page faults, the last exit.
 */
#ifndef __CLAND_COLLECT_H
#define __CLAND_COLLECT_H

#include "cland.h"
#include "stats.h"

struct cland_collector {
	uint64_t start_ns;
	const char *policy;
	/* totals of the attachments that ended */
	struct cland_counters base;
	struct cland_policy_stats pbase;
	uint64_t restarts;
	int exit_kind;
	char exit_reason[CLAND_EXIT_REASON_LEN];
	bool faults_set;
	long faults_at_start;
	/* the current attachment (s NULL between attachments) */
	struct cland_sched *s;
	const struct cland_policy *pol;
	void *ctx;
	uint64_t nr_attached;
};

void cland_collector_init(struct cland_collector *col, const char *policy);
/* The daemon attached (again) with @pol's state @ctx. */
void cland_collector_attach(struct cland_collector *col, struct cland_sched *s,
			    const struct cland_policy *pol, void *ctx);
/* Before cland_close(): keep that attachment's counters and the kernel's exit. */
void cland_collector_detach(struct cland_collector *col);
/* A cland_snapshot_fn: @arg is the collector. */
void cland_collector_snapshot(void *arg, struct cland_snapshot *out);

#endif /* __CLAND_COLLECT_H */
