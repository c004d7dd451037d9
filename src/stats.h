/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - what the scx_cland daemon reports about itself: a snapshot of
 * its counters (struct cland_snapshot) and the one table of fields (name,
 * counter or gauge, type, description, Prometheus name) that the --stats
 * line, --help-stats, the scx_stats server, --monitor and /metrics all use.
 */
#ifndef __CLAND_STATS_H
#define __CLAND_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../bpf/intf.h"
#include "policy.h"

#define CLAND_EXIT_REASON_LEN 600

/* Everything the daemon counts, at one instant (cumulative since it started). */
struct cland_snapshot {
	uint64_t at_ns;		      /* CLOCK_MONOTONIC when taken */
	uint64_t uptime_ns;	      /* since scx_cland started */
	struct cland_counters c;      /* the backend's, summed over every attachment */
	struct cland_policy_stats ps; /* the policy's, summed likewise */
	uint64_t nr_pending;	      /* tasks the policy holds now */
	uint64_t nr_runnable;	      /* tasks runnable under the scheduler now */
	bool degraded;		      /* the backend schedules alone now */
	uint64_t cpu_ns;	      /* the daemon's CPU time, user + system */
	uint64_t faults;	      /* its page faults since its main loop first started */
	uint64_t restarts;	      /* re-attachments after the kernel unloaded it */
	int exit_kind;		      /* the kernel's last unload (0: none yet) */
	char exit_reason[CLAND_EXIT_REASON_LEN]; /* what the kernel said then ("" if none) */
	char policy[32];
};

/* A function that fills a snapshot (the daemon's, or a test's). */
typedef void (*cland_snapshot_fn)(void *arg, struct cland_snapshot *out);

enum cland_stat_kind {
	CLAND_STAT_COUNTER, /* grows; reported as a difference over an interval */
	CLAND_STAT_GAUGE,   /* a value now (or a rate over the interval) */
};

enum cland_stat_type {
	CLAND_STAT_U64,
	CLAND_STAT_FLOAT,
	CLAND_STAT_STRING,
};

enum cland_stat_id {
	CLAND_ST_UPTIME_S,
	CLAND_ST_POLICY,
	CLAND_ST_DECISIONS_PER_S,
	CLAND_ST_PENDING,
	CLAND_ST_RUNNABLE,
	CLAND_ST_DEGRADED_NOW,
	CLAND_ST_RTT_P50_US,
	CLAND_ST_RTT_P99_US,
	CLAND_ST_WAIT_P50_US,
	CLAND_ST_WAIT_P99_US,
	CLAND_ST_CPU_PCT,
	CLAND_ST_QUEUED,
	CLAND_ST_USER,
	CLAND_ST_KERNEL,
	CLAND_ST_DIRECT,
	CLAND_ST_CANCEL,
	CLAND_ST_BOUNCE,
	CLAND_ST_FAILED,
	CLAND_ST_POLICY_ERRORS,
	CLAND_ST_OVERDUE,
	CLAND_ST_CONGESTED,
	CLAND_ST_USERSCHED,
	CLAND_ST_HEARTBEATS,
	CLAND_ST_PREEMPT,
	CLAND_ST_PREEMPT_DAEMON,
	CLAND_ST_PREEMPT_STANDING,
	CLAND_ST_PREEMPT_TICK,
	CLAND_ST_DEGRADED_ENTER,
	CLAND_ST_DEGRADED_LEAVE,
	CLAND_ST_DEGRADED_DISPATCHES,
	CLAND_ST_RESCUED,
	CLAND_ST_DEGRADED_MS,
	CLAND_ST_STARVED,
	CLAND_ST_REKEYED,
	CLAND_ST_MIGRATED,
	CLAND_ST_MOVES_LOCAL,
	CLAND_ST_MOVES_LOCAL_MS,
	CLAND_ST_MOVES_REMOTE,
	CLAND_ST_MOVES_REMOTE_MS,
	CLAND_ST_REQUEUED,
	CLAND_ST_STANDING,
	CLAND_ST_STANDING_VOID,
	CLAND_ST_FREEZES,
	CLAND_ST_FROZEN_MS,
	CLAND_ST_OVERFLOWS,
	CLAND_ST_DROPPED,
	CLAND_ST_CPU_MS,
	CLAND_ST_FAULTS,
	CLAND_ST_RESTARTS,
	CLAND_ST_EXIT_KIND,
	CLAND_ST_EXIT_REASON,
	CLAND_NR_STATS,
};

struct cland_stat_field {
	const char *name; /* key in the --stats line and the scx_stats reply */
	enum cland_stat_kind kind;
	enum cland_stat_type type;
	bool in_line; /* shown in the --stats / --monitor line */
	const char *desc;
	/*
	 * Prometheus name after "scx_cland_" (counters end in _total), NULL
	 * when not exported (rates and percentiles over an interval: Prometheus
	 * computes those itself); the value times @metric_scale is in the
	 * metric's base unit (seconds).
	 */
	const char *metric;
	double metric_scale;
};

extern const struct cland_stat_field cland_stat_fields[CLAND_NR_STATS];

/* The histograms, reported besides the fields (array counters). */
#define CLAND_STAT_RTT_NAME "rtt_log2"
#define CLAND_STAT_RTT_DESC                                                                        \
	"round trips through user space (enqueue to decision applied): element i counts "          \
	"those of [2^i, 2^(i+1)) ns"
#define CLAND_STAT_WAIT_NAME "wait_log2"
#define CLAND_STAT_WAIT_DESC                                                                       \
	"waits for a CPU after a decision (insert into a DSQ to running): element i counts "       \
	"those of [2^i, 2^(i+1)) ns"

struct cland_stat_value {
	uint64_t u;
	double f;
	const char *s; /* points into the snapshot it came from (or a reply) */
};

/* The fields' values over an interval. */
struct cland_stat_values {
	struct cland_stat_value v[CLAND_NR_STATS];
	uint64_t rtt_log2[CLAND_RTT_BUCKETS]; /* counters: differences too */
	uint64_t wait_log2[CLAND_RTT_BUCKETS];
};

/* The field called @name, or -1. */
int cland_stat_find(const char *name);

/*
 * The values of @cur over the interval since @prev (NULL: since the daemon
 * started): counters as differences, gauges as they are in @cur, rates
 * (decisions_per_s, cpu_pct) and round-trip percentiles over the interval.
 * String values point into @cur.
 */
void cland_stats_values(const struct cland_snapshot *prev, const struct cland_snapshot *cur,
			struct cland_stat_values *out);

/* The --stats line ("stats: uptime_s=N decisions_per_s=N.N ...") into @buf. */
int cland_stats_format_line(char *buf, size_t len, const struct cland_stat_values *v);

/* --help-stats: every field, what it means, how it is reported. */
void cland_stats_help(FILE *f);

/* @dst += @src, field by field (every field of struct cland_counters is a __u64). */
void cland_counters_add(struct cland_counters *dst, const struct cland_counters *src);

#endif /* __CLAND_STATS_H */
