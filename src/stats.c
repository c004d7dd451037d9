// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the daemon's statistics fields (one table for every consumer:
 * --stats, --help-stats, the scx_stats server, --monitor, /metrics), their
 * values over an interval from two snapshots, and the --stats line.
 */
#include <inttypes.h>
#include <string.h>

#include "cland.h"
#include "stats.h"

#define C  CLAND_STAT_COUNTER
#define G  CLAND_STAT_GAUGE
#define U  CLAND_STAT_U64
#define F  CLAND_STAT_FLOAT
#define S  CLAND_STAT_STRING
#define MS 1e-3

const struct cland_stat_field cland_stat_fields[CLAND_NR_STATS] = {
	[CLAND_ST_UPTIME_S] = {"uptime_s", G, U, true, "seconds since scx_cland started",
			       "uptime_seconds", 1},
	[CLAND_ST_POLICY] = {"policy", G, S, false, "the scheduling policy (-p)", NULL, 0},
	[CLAND_ST_DECISIONS_PER_S] = {"decisions_per_s", G, F, true,
				      "decisions of the policy applied by the kernel per second, "
				      "over the interval",
				      NULL, 0},
	[CLAND_ST_PENDING] = {"pending", G, U, true,
			      "tasks the policy holds without a decision yet (its queue length)",
			      "pending_tasks", 1},
	[CLAND_ST_RUNNABLE] = {"runnable", G, U, true,
			       "tasks runnable under the scheduler (running or waiting), the "
			       "daemon not counted",
			       "runnable_tasks", 1},
	[CLAND_ST_DEGRADED_NOW] = {"degraded_now", G, U, false,
				   "1 while the backend schedules alone because the daemon stalled",
				   "degraded", 1},
	[CLAND_ST_RTT_P50_US] = {"rtt_p50_us", G, U, true,
				 "median round trip through user space (task queued to decision "
				 "applied) over the interval, us",
				 NULL, 0},
	[CLAND_ST_RTT_P99_US] = {"rtt_p99_us", G, U, true,
				 "99th percentile of that round trip over the interval, us", NULL,
				 0},
	[CLAND_ST_WAIT_P50_US] = {"wait_p50_us", G, U, false,
				  "median wait for a CPU after a decision (inserted into a DSQ to "
				  "running) over the interval, us",
				  NULL, 0},
	[CLAND_ST_WAIT_P99_US] = {"wait_p99_us", G, U, false,
				  "99th percentile of that wait over the interval, us", NULL, 0},
	[CLAND_ST_CPU_PCT] = {"cpu_pct", G, F, true,
			      "the daemon's CPU use over the interval, % of one CPU", NULL, 0},
	[CLAND_ST_QUEUED] = {"queued", C, U, true, "tasks handed to user space", "queued_total", 1},
	[CLAND_ST_USER] = {"user", C, U, true,
			   "decisions of the policy applied (user-space dispatches)",
			   "user_dispatches_total", 1},
	[CLAND_ST_KERNEL] = {"kernel", C, U, true,
			     "tasks dispatched by BPF alone (idle CPU, ring full, degraded...)",
			     "kernel_dispatches_total", 1},
	[CLAND_ST_DIRECT] = {"direct", C, U, false,
			     "of which wake-ups run on an idle CPU with no round trip",
			     "direct_dispatches_total", 1},
	[CLAND_ST_CANCEL] = {"cancel", C, U, false,
			     "stale decisions dropped (the task was queued again meanwhile)",
			     "cancelled_dispatches_total", 1},
	[CLAND_ST_BOUNCE] = {"bounce", C, U, false,
			     "decisions for a CPU the task may not use: sent to the shared DSQ",
			     "bounced_dispatches_total", 1},
	[CLAND_ST_FAILED] = {"failed", C, U, false,
			     "malformed decisions for no known task (bad pid)",
			     "failed_dispatches_total", 1},
	[CLAND_ST_POLICY_ERRORS] = {"policy_errors", C, U, false,
				    "malformed decisions for a task (CPU out of range, slice over "
				    "10 s): BPF ran it itself",
				    "policy_errors_total", 1},
	[CLAND_ST_OVERDUE] = {"overdue", C, U, false,
			      "tasks the policy held over 1 s without a decision: BPF took them "
			      "back",
			      "overdue_total", 1},
	[CLAND_ST_CONGESTED] = {"congested", C, U, true,
				"tasks BPF scheduled itself because the ring to user space was "
				"full",
				"congested_total", 1},
	[CLAND_ST_USERSCHED] = {"usersched", C, U, false, "times the daemon was put on a CPU",
				"daemon_runs_total", 1},
	[CLAND_ST_HEARTBEATS] = {"heartbeats", C, U, false,
				 "heartbeat timer firings that woke the daemon", "heartbeats_total",
				 1},
	[CLAND_ST_PREEMPT] = {"preempt", C, U, true, "CPUs preempted for a more urgent task",
			      "preemptions_total", 1},
	[CLAND_ST_PREEMPT_DAEMON] = {"preempt_daemon", C, U, false,
				     "CPUs preempted to run the daemon", "daemon_preemptions_total",
				     1},
	[CLAND_ST_PREEMPT_STANDING] = {"preempt_standing", C, U, false,
				       "of preempt: for wake-ups under a standing decision",
				       "standing_preemptions_total", 1},
	[CLAND_ST_PREEMPT_TICK] = {"preempt_tick", C, U, false,
				   "of preempt: by the tick, for a task a kick found protected",
				   "tick_preemptions_total", 1},
	[CLAND_ST_DEGRADED_ENTER] = {"degraded_enter", C, U, true,
				     "times the daemon stalled and BPF took over scheduling",
				     "degraded_entered_total", 1},
	[CLAND_ST_DEGRADED_LEAVE] = {"degraded_leave", C, U, false,
				     "times the daemon ran again and took scheduling back",
				     "degraded_left_total", 1},
	[CLAND_ST_DEGRADED_DISPATCHES] = {"degraded_dispatches", C, U, false,
					  "tasks BPF scheduled alone while degraded",
					  "degraded_dispatches_total", 1},
	[CLAND_ST_RESCUED] = {"rescued", C, U, false, "tasks taken back from a stalled daemon",
			      "rescued_total", 1},
	[CLAND_ST_DEGRADED_MS] = {"degraded_ms", C, U, false,
				  "time spent degraded (closed periods), ms",
				  "degraded_seconds_total", MS},
	[CLAND_ST_STARVED] = {"starved", C, U, true,
			      "tasks BPF ran early because they waited in a DSQ over 500 ms",
			      "starved_total", 1},
	[CLAND_ST_REKEYED] = {"rekeyed", C, U, false,
			      "tasks BPF keyed while the daemon stalled, moved back onto the "
			      "policy's keys when it ran again",
			      "rekeyed_total", 1},
	[CLAND_ST_MIGRATED] = {"migrated", C, U, false,
			       "tasks queued on one CPU's run queue and run on another (moved "
			       "by a dispatch, under the other run queue's lock)",
			       "migrated_total", 1},
	[CLAND_ST_MOVES_LOCAL] = {"moves_local", C, U, false,
				  "tasks a dispatch moved from a DSQ to its CPU that were on that "
				  "CPU's run queue",
				  "moves_local_total", 1},
	[CLAND_ST_MOVES_LOCAL_MS] = {"moves_local_ms", C, U, false,
				     "wall time those moves took, ms", "moves_local_seconds_total",
				     MS},
	[CLAND_ST_MOVES_REMOTE] = {"moves_remote", C, U, false,
				   "tasks a dispatch moved from a DSQ to its CPU that were on "
				   "another CPU's run queue (whose lock the move takes too)",
				   "moves_remote_total", 1},
	[CLAND_ST_MOVES_REMOTE_MS] = {"moves_remote_ms", C, U, false,
				      "wall time those moves took, ms",
				      "moves_remote_seconds_total", MS},
	[CLAND_ST_REQUEUED] = {"requeued", C, U, false,
			       "preempted tasks put back in a DSQ by BPF, no round trip",
			       "requeued_total", 1},
	[CLAND_ST_STANDING] = {"standing", C, U, true,
			       "wake-ups scheduled by a standing decision of the policy, no "
			       "round trip",
			       "standing_dispatches_total", 1},
	[CLAND_ST_STANDING_VOID] = {"standing_void", C, U, false,
				    "wake-ups whose standing decision no longer held (its key too "
				    "far ahead of the shared DSQ's): through the policy",
				    "standing_void_total", 1},
	[CLAND_ST_FREEZES] = {"freezes", C, U, false,
			      "times the whole machine froze (the 10 ms heartbeat over 50 ms "
			      "late: a VM's CPUs descheduled by its host, a suspend)",
			      "freezes_total", 1},
	[CLAND_ST_FROZEN_MS] = {"frozen_ms", C, U, false,
				"time the machine was frozen, ms: left out of the waits the "
				"backend's nets judge",
				"frozen_seconds_total", MS},
	[CLAND_ST_OVERFLOWS] = {"overflows", C, U, false,
				"tasks the policy ran out of order for want of memory",
				"policy_overflows_total", 1},
	[CLAND_ST_DROPPED] = {"dropped", C, U, false, "tasks the policy lost (must stay 0)",
			      "policy_dropped_total", 1},
	[CLAND_ST_CPU_MS] = {"cpu_ms", C, U, false, "the daemon's CPU time, user + system, ms",
			     "daemon_cpu_seconds_total", MS},
	[CLAND_ST_FAULTS] = {"faults", C, U, true,
			     "the daemon's page faults since its main loop started (0 in steady "
			     "state: its memory is locked)",
			     "daemon_page_faults_total", 1},
	[CLAND_ST_RESTARTS] = {"restarts", C, U, false,
			       "re-attachments after the kernel unloaded the scheduler (CPU "
			       "hotplug)",
			       "restarts_total", 1},
	[CLAND_ST_EXIT_KIND] = {"exit_kind", G, U, false,
				"kind of the kernel's last unload of the scheduler (sched_ext "
				"exit kind: 64 user, 66 kernel, 1024+ errors; 0 none yet)",
				"last_exit_kind", 1},
	[CLAND_ST_EXIT_REASON] = {"exit_reason", G, S, false,
				  "what the kernel said at that unload (\"\" none yet)", NULL, 0},
};

int cland_stat_find(const char *name)
{
	int i;

	for (i = 0; i < CLAND_NR_STATS; i++) {
		if (!strcmp(cland_stat_fields[i].name, name))
			return i;
	}
	return -1;
}

void cland_counters_add(struct cland_counters *dst, const struct cland_counters *src)
{
	_Static_assert(sizeof(*dst) % sizeof(__u64) == 0, "cland_counters: __u64 fields only");
	__u64 *d = (__u64 *)dst;
	const __u64 *s = (const __u64 *)src;
	size_t i;

	for (i = 0; i < sizeof(*dst) / sizeof(__u64); i++)
		d[i] += s[i];
}

/* @a - @b, 0 if it went backwards (never for counters of one daemon). */
static uint64_t diff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* The counters' values of @cur, less those of @prev (if any). */
static void counters(const struct cland_snapshot *p, const struct cland_snapshot *cur,
		     struct cland_stat_value *v)
{
	const struct cland_counters *c = &cur->c, *o = p ? &p->c : NULL;

#define D(id, field) v[id].u = diff(c->field, o ? o->field : 0)
	D(CLAND_ST_QUEUED, nr_queued);
	D(CLAND_ST_USER, nr_user_dispatches);
	D(CLAND_ST_KERNEL, nr_kernel_dispatches);
	D(CLAND_ST_DIRECT, nr_direct_dispatches);
	D(CLAND_ST_CANCEL, nr_cancel_dispatches);
	D(CLAND_ST_BOUNCE, nr_bounce_dispatches);
	D(CLAND_ST_FAILED, nr_failed_dispatches);
	D(CLAND_ST_POLICY_ERRORS, nr_policy_errors);
	D(CLAND_ST_OVERDUE, nr_overdue);
	D(CLAND_ST_CONGESTED, nr_sched_congested);
	D(CLAND_ST_USERSCHED, nr_usersched_runs);
	D(CLAND_ST_HEARTBEATS, nr_heartbeats);
	D(CLAND_ST_PREEMPT, nr_preemptions);
	D(CLAND_ST_PREEMPT_DAEMON, nr_preempt_usersched);
	D(CLAND_ST_PREEMPT_STANDING, nr_preempt_standing);
	D(CLAND_ST_PREEMPT_TICK, nr_preempt_tick);
	D(CLAND_ST_DEGRADED_ENTER, nr_degraded_enter);
	D(CLAND_ST_DEGRADED_LEAVE, nr_degraded_leave);
	D(CLAND_ST_DEGRADED_DISPATCHES, nr_degraded_dispatches);
	D(CLAND_ST_RESCUED, nr_rescued);
	D(CLAND_ST_STARVED, nr_starved);
	D(CLAND_ST_REKEYED, nr_rekeyed);
	D(CLAND_ST_MIGRATED, nr_migrated);
	D(CLAND_ST_MOVES_LOCAL, nr_moves_local);
	D(CLAND_ST_MOVES_REMOTE, nr_moves_remote);
	D(CLAND_ST_REQUEUED, nr_requeued);
	D(CLAND_ST_STANDING, nr_standing);
	D(CLAND_ST_STANDING_VOID, nr_standing_void);
	D(CLAND_ST_FREEZES, nr_freezes);
#undef D
	v[CLAND_ST_FROZEN_MS].u = diff(c->frozen_ns, o ? o->frozen_ns : 0) / 1000000;
	v[CLAND_ST_DEGRADED_MS].u = diff(c->degraded_ns, o ? o->degraded_ns : 0) / 1000000;
	v[CLAND_ST_MOVES_LOCAL_MS].u = diff(c->moves_local_ns, o ? o->moves_local_ns : 0) / 1000000;
	v[CLAND_ST_MOVES_REMOTE_MS].u =
		diff(c->moves_remote_ns, o ? o->moves_remote_ns : 0) / 1000000;
	v[CLAND_ST_OVERFLOWS].u = diff(cur->ps.nr_overflows, p ? p->ps.nr_overflows : 0);
	v[CLAND_ST_DROPPED].u = diff(cur->ps.nr_dropped, p ? p->ps.nr_dropped : 0);
	v[CLAND_ST_CPU_MS].u = diff(cur->cpu_ns, p ? p->cpu_ns : 0) / 1000000;
	v[CLAND_ST_FAULTS].u = diff(cur->faults, p ? p->faults : 0);
	v[CLAND_ST_RESTARTS].u = diff(cur->restarts, p ? p->restarts : 0);
}

void cland_stats_values(const struct cland_snapshot *prev, const struct cland_snapshot *cur,
			struct cland_stat_values *out)
{
	struct cland_counters h, wh;
	struct cland_stat_value *v = out->v;
	uint64_t span_ns;
	int i;

	memset(out, 0, sizeof(*out));
	counters(prev, cur, v);
	memset(&h, 0, sizeof(h));
	memset(&wh, 0, sizeof(wh));
	for (i = 0; i < CLAND_RTT_BUCKETS; i++) {
		out->rtt_log2[i] = diff(cur->c.rtt_log2[i], prev ? prev->c.rtt_log2[i] : 0);
		h.rtt_log2[i] = out->rtt_log2[i];
		out->wait_log2[i] = diff(cur->c.wait_log2[i], prev ? prev->c.wait_log2[i] : 0);
		wh.rtt_log2[i] = out->wait_log2[i]; /* cland_rtt_percentile() reads rtt_log2 */
	}
	/* the interval: since @prev, else since the daemon started */
	span_ns = prev ? diff(cur->at_ns, prev->at_ns) : cur->uptime_ns;
	v[CLAND_ST_UPTIME_S].u = cur->uptime_ns / 1000000000ULL;
	v[CLAND_ST_POLICY].s = cur->policy;
	v[CLAND_ST_PENDING].u = cur->nr_pending;
	v[CLAND_ST_RUNNABLE].u = cur->nr_runnable;
	v[CLAND_ST_DEGRADED_NOW].u = cur->degraded;
	v[CLAND_ST_RTT_P50_US].u = cland_rtt_percentile(&h, 50) / 1000;
	v[CLAND_ST_RTT_P99_US].u = cland_rtt_percentile(&h, 99) / 1000;
	v[CLAND_ST_WAIT_P50_US].u = cland_rtt_percentile(&wh, 50) / 1000;
	v[CLAND_ST_WAIT_P99_US].u = cland_rtt_percentile(&wh, 99) / 1000;
	if (span_ns) {
		v[CLAND_ST_DECISIONS_PER_S].f = (double)v[CLAND_ST_USER].u * 1e9 / (double)span_ns;
		v[CLAND_ST_CPU_PCT].f = (double)diff(cur->cpu_ns, prev ? prev->cpu_ns : 0) * 100.0 /
					(double)span_ns;
	}
	v[CLAND_ST_EXIT_KIND].u = (uint64_t)(cur->exit_kind > 0 ? cur->exit_kind : 0);
	v[CLAND_ST_EXIT_REASON].s = cur->exit_reason;
	for (i = 0; i < CLAND_NR_STATS; i++) {
		if (cland_stat_fields[i].type == CLAND_STAT_U64)
			v[i].f = (double)v[i].u;
	}
}

int cland_stats_format_line(char *buf, size_t len, const struct cland_stat_values *v)
{
	size_t off;
	int i, n;

	n = snprintf(buf, len, "stats:");
	if (n < 0)
		return n;
	off = (size_t)n;
	for (i = 0; i < CLAND_NR_STATS; i++) {
		const struct cland_stat_field *f = &cland_stat_fields[i];

		if (!f->in_line)
			continue;
		if (f->type == CLAND_STAT_FLOAT)
			n = snprintf(buf + off, off < len ? len - off : 0, " %s=%.1f", f->name,
				     v->v[i].f);
		else
			n = snprintf(buf + off, off < len ? len - off : 0, " %s=%" PRIu64, f->name,
				     v->v[i].u);
		if (n < 0)
			return n;
		off += (size_t)n;
	}
	return (int)off;
}

void cland_stats_help(FILE *f)
{
	int i;

	fprintf(f,
		"scx_cland's statistics, as --stats SECS and --monitor SECS print them (the "
		"fields\n"
		"marked *), as the stats server reports them (request {\"req\":\"stats\"} on\n"
		"/var/run/scx/root/stats; {\"req\":\"stats_meta\"} describes them) and as "
		"/metrics\n"
		"exports them (--metrics; the Prometheus name, in base units, after each field).\n"
		"\n"
		"counter: a count since scx_cland started (summed over re-attachments); --stats,\n"
		"         --monitor and the stats server show how much it grew over the interval\n"
		"         (for the stats server: since the previous request on the same "
		"connection,\n"
		"         the first request of a connection counting from the daemon's start).\n"
		"gauge:   a value now, or a rate or percentile over that same interval.\n"
		"\n");
	for (i = 0; i < CLAND_NR_STATS; i++) {
		const struct cland_stat_field *sf = &cland_stat_fields[i];

		fprintf(f, "%c %-20s %-7s %-6s %s", sf->in_line ? '*' : ' ', sf->name,
			sf->kind == CLAND_STAT_COUNTER ? "counter" : "gauge",
			sf->type == CLAND_STAT_U64     ? "u64"
			: sf->type == CLAND_STAT_FLOAT ? "float"
						       : "string",
			sf->desc);
		if (sf->metric)
			fprintf(f, " [scx_cland_%s]", sf->metric);
		fputc('\n', f);
	}
	fprintf(f,
		"  %-20s counter u64[%d] %s [scx_cland_rtt_seconds histogram]\n"
		"  %-20s counter u64[%d] %s [scx_cland_dsq_wait_seconds histogram]\n"
		"\n"
		"/metrics also has scx_cland_info{policy=\"NAME\",version=\"V\"} 1.\n",
		CLAND_STAT_RTT_NAME, CLAND_RTT_BUCKETS, CLAND_STAT_RTT_DESC, CLAND_STAT_WAIT_NAME,
		CLAND_RTT_BUCKETS, CLAND_STAT_WAIT_DESC);
}
