// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - cland-sim's output: the per-group table and overall lines for
 * people, or the same figures as a JSON document (json-c). Numbers are
 * printed with fixed precision, so equal results give equal bytes.
 */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "report.h"

#define NSEC_PER_USEC 1000.0
#define NSEC_PER_MSEC 1000000.0

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static double us(uint64_t ns)
{
	return (double)ns / NSEC_PER_USEC;
}

static void text_header(FILE *f, const struct sim_run_info *info)
{
	const struct sim_config *c = info->cfg;
	const struct sim_workload *w = info->w;

	fprintf(f, "cland-sim: policy %s, workload %s, seed %llu\n", c->policy->name,
		info->workload, (unsigned long long)c->seed);
	fprintf(f, "%d CPUs, %.0f ms, round trip %.1f us, slice %.0f us (min %.0f us), %d tasks\n",
		w->nr_cpus, (double)w->duration_ns / NSEC_PER_MSEC, us(c->rtt_ns), us(c->slice_ns),
		us(c->slice_min_ns), w->nr_tasks);
	fprintf(f,
		"costs: switch %.1f us, preemption %.1f us, daemon %.1f us a round + %.1f us a "
		"decision, a move between CPUs %.1f us\n\n",
		us(c->costs.switch_ns), us(c->costs.preempt_ns), us(c->costs.round_ns),
		us(c->costs.decision_ns), us(c->costs.migrate_ns));
	fprintf(f, "%-16s %5s %4s %10s %6s %9s %6s %8s %8s %10s %10s %10s %11s\n", "group", "tasks",
		"nice", "cpu_ms", "cap%", "expected%", "used%", "runs", "wakeups", "lat_p50_us",
		"lat_p99_us", "lat_max_us", "max_wait_us");
}

/* The expected% of group @i, or "-" when none is computed. */
static void text_expected(FILE *f, const struct sim_run_info *info, int i)
{
	const struct sim_checks *c = info->checks;

	if (c && c->expected_pct && c->expected_pct[i] >= 0)
		fprintf(f, " %9.2f", c->expected_pct[i]);
	else
		fprintf(f, " %9s", "-");
}

static void text_groups(FILE *f, const struct sim_run_info *info, const struct sim_result *r)
{
	int i;

	for (i = 0; i < r->nr_groups; i++) {
		const struct sim_group *g = &info->w->groups[i];
		const struct sim_group_stats *s = &r->groups[i];

		fprintf(f, "%-16s %5d %4d %10.3f %6.2f", g->name, g->count, g->nice,
			(double)s->cpu_ns / NSEC_PER_MSEC, pct(s->cpu_ns, r->capacity_ns));
		text_expected(f, info, i);
		fprintf(f, " %6.2f %8llu %8llu ", pct(s->cpu_ns, r->busy_ns),
			(unsigned long long)s->runs, (unsigned long long)s->wakeups);
		if (s->wakeups)
			fprintf(f, "%10.1f %10.1f %10.1f", us(s->lat_p50_ns), us(s->lat_p99_ns),
				us(s->lat_max_ns));
		else
			fprintf(f, "%10s %10s %10s", "-", "-", "-");
		fprintf(f, " %11.1f\n", us(s->max_wait_ns));
	}
	fprintf(f, "%-16s %5d %4s %10.3f %6.2f %9s %6.2f\n", "(all)", info->w->nr_tasks, "",
		(double)r->busy_ns / NSEC_PER_MSEC, pct(r->busy_ns, r->capacity_ns), "", 100.0);
	fprintf(f, "\ncap%%: share of the CPU capacity (CPUs x duration); expected%%: the share "
		   "its weight entitles it to;\nused%%: share of the CPU time all tasks used.\n");
}

static void text_overall(FILE *f, const struct sim_run_info *info, const struct sim_result *r)
{
	const struct sim_counters *n = &r->counters;
	int i;

	fprintf(f, "fairness (Jain, always-running unpinned tasks of one nice):");
	for (i = 0; i < r->nr_jain; i++)
		fprintf(f, " nice %d: %.4f (%d tasks)%s", r->jain[i].nice, r->jain[i].index,
			r->jain[i].nr_tasks, i + 1 < r->nr_jain ? "," : "");
	fprintf(f, "%s\n", r->nr_jain ? "" : " n/a");
	fprintf(f, "context switches: %llu\n", (unsigned long long)r->context_switches);
	fprintf(f,
		"decisions: %llu (applied %llu, stale %llu, bounced %llu, policy errors %llu, bad "
		"pid %llu)\n",
		(unsigned long long)n->nr_decisions, (unsigned long long)n->nr_user_dispatches,
		(unsigned long long)n->nr_cancel_dispatches,
		(unsigned long long)n->nr_bounce_dispatches,
		(unsigned long long)n->nr_policy_errors, (unsigned long long)n->nr_bad_pid);
	fprintf(f,
		"queued to user space: %llu, kernel dispatches: %llu, standing: %llu (void: "
		"%llu), requeued: %llu, "
		"preemptions: %llu (%llu for standing wake-ups), daemon rounds: %llu, moved "
		"between CPUs: %llu\n",
		(unsigned long long)n->nr_queued, (unsigned long long)n->nr_kernel_dispatches,
		(unsigned long long)n->nr_standing, (unsigned long long)n->nr_standing_void,
		(unsigned long long)n->nr_requeued, (unsigned long long)n->nr_preemptions,
		(unsigned long long)n->nr_preempt_standing, (unsigned long long)n->nr_rounds,
		(unsigned long long)n->nr_migrated);
	fprintf(f,
		"backend nets: %llu tasks overdue (held over 1 s), %llu starved (500 ms in a "
		"DSQ)\n",
		(unsigned long long)n->nr_overdue, (unsigned long long)n->nr_starved);
	fprintf(f, "overhead: %.3f ms switching, %.3f ms of daemon (%llu CPUs preempted for it)\n",
		(double)r->switch_ns / NSEC_PER_MSEC, (double)r->daemon_ns / NSEC_PER_MSEC,
		(unsigned long long)n->nr_preempt_daemon);
	fprintf(f, "longest wait of a runnable task: %.1f us (group %s)\n", us(r->max_wait_ns),
		info->w->groups[r->max_wait_group].name);
	fprintf(f,
		"at the end: %llu tasks wait for a decision, the policy holds %llu (its "
		"nr_pending() says %llu)\n",
		(unsigned long long)r->nr_waiting_user, (unsigned long long)r->nr_held_end,
		(unsigned long long)r->nr_policy_pending);
	if (r->ejected.n)
		fprintf(f,
			"ejected by the kernel's watchdog at %.3f s: the simulation stopped "
			"there\n",
			(double)r->ejected.at / 1e9);
	fprintf(f, "policy: %llu tasks run out of order (no memory), %llu lost\n",
		(unsigned long long)r->policy_stats.nr_overflows,
		(unsigned long long)r->policy_stats.nr_dropped);
	fprintf(f, "affinity violations: %llu\n", (unsigned long long)r->affinity_violations);
}

/* Each line of a check's message, prefixed with its verdict and name. */
static void text_check(FILE *f, const struct sim_check *k, const char *prefix)
{
	const char *line = k->msg, *nl;

	do {
		nl = strchr(line, '\n');
		fprintf(f, "%s%-4s %-9s %.*s\n", prefix, k->ok ? "ok" : "FAIL", k->name,
			nl ? (int)(nl - line) : (int)strlen(line), line);
		line = nl ? nl + 1 : NULL;
	} while (line);
}

static void text_checks(FILE *f, const struct sim_checks *c)
{
	int i;

	fprintf(f, "checks (cland-sim --check fails on any FAIL): %d of %d failed\n", c->nr_failed,
		c->nr);
	for (i = 0; i < c->nr; i++)
		text_check(f, &c->c[i], "  ");
}

void sim_report_failures(FILE *f, const struct sim_checks *c)
{
	int i;

	for (i = 0; i < c->nr; i++) {
		if (!c->c[i].ok)
			text_check(f, &c->c[i], "cland-sim: ");
	}
}

void sim_report_text(FILE *f, const struct sim_run_info *info, const struct sim_result *r)
{
	text_header(f, info);
	text_groups(f, info, r);
	text_overall(f, info, r);
	if (info->checks)
		text_checks(f, info->checks);
}

/* A double printed with @fmt: fixed text, the same on every run. */
static struct json_object *num(const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *json_config(const struct sim_run_info *info)
{
	struct json_object *o = json_object_new_object();

	add(o, "cpus", json_object_new_int(info->w->nr_cpus));
	add(o, "duration_ms", num("%.3f", (double)info->w->duration_ns / NSEC_PER_MSEC));
	add(o, "rtt_us", num("%.3f", us(info->cfg->rtt_ns)));
	add(o, "slice_us", num("%.3f", us(info->cfg->slice_ns)));
	add(o, "slice_min_us", num("%.3f", us(info->cfg->slice_min_ns)));
	add(o, "switch_us", num("%.3f", us(info->cfg->costs.switch_ns)));
	add(o, "preempt_us", num("%.3f", us(info->cfg->costs.preempt_ns)));
	add(o, "round_us", num("%.3f", us(info->cfg->costs.round_ns)));
	add(o, "decision_us", num("%.3f", us(info->cfg->costs.decision_ns)));
	add(o, "migrate_us", num("%.3f", us(info->cfg->costs.migrate_ns)));
	add(o, "tasks", json_object_new_int(info->w->nr_tasks));
	return o;
}

static struct json_object *json_cpus(const struct sim_group_stats *s, int nr_cpus)
{
	struct json_object *a = json_object_new_array();
	int cpu;

	for (cpu = 0; cpu < nr_cpus; cpu++) {
		if (sim_cpu_allowed(s->cpus_used, cpu))
			json_object_array_add(a, json_object_new_int(cpu));
	}
	return a;
}

static struct json_object *json_group(const struct sim_run_info *info, const struct sim_result *r,
				      int i)
{
	const struct sim_group *g = &info->w->groups[i];
	const struct sim_group_stats *s = &r->groups[i];
	struct json_object *o = json_object_new_object(), *lat = NULL;

	add(o, "name", json_object_new_string(g->name));
	add(o, "tasks", json_object_new_int(g->count));
	add(o, "nice", json_object_new_int(g->nice));
	add(o, "cpu_ms", num("%.3f", (double)s->cpu_ns / NSEC_PER_MSEC));
	add(o, "share_of_capacity_pct", num("%.3f", pct(s->cpu_ns, r->capacity_ns)));
	add(o, "share_of_used_pct", num("%.3f", pct(s->cpu_ns, r->busy_ns)));
	add(o, "runs", u64(s->runs));
	add(o, "wakeups", u64(s->wakeups));
	if (s->wakeups) {
		lat = json_object_new_object();
		add(lat, "p50", num("%.3f", us(s->lat_p50_ns)));
		add(lat, "p99", num("%.3f", us(s->lat_p99_ns)));
		add(lat, "max", num("%.3f", us(s->lat_max_ns)));
	}
	/* null when the group never woke up (always runnable) */
	add(o, "wakeup_latency_us", s->wakeups ? lat : NULL);
	add(o, "max_wait_us", num("%.3f", us(s->max_wait_ns)));
	add(o, "bursts", u64(s->bursts));
	add(o, "migrations", u64(s->migrations));
	if (info->checks && info->checks->expected_pct && info->checks->expected_pct[i] >= 0)
		add(o, "expected_pct", num("%.3f", info->checks->expected_pct[i]));
	else
		add(o, "expected_pct", NULL);
	add(o, "cpus_used", json_cpus(s, info->w->nr_cpus));
	return o;
}

static struct json_object *json_jain(const struct sim_result *r)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < r->nr_jain; i++) {
		struct json_object *o = json_object_new_object();

		add(o, "nice", json_object_new_int(r->jain[i].nice));
		add(o, "tasks", json_object_new_int(r->jain[i].nr_tasks));
		add(o, "index", num("%.6f", r->jain[i].index));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_counters(const struct sim_counters *n)
{
	struct json_object *o = json_object_new_object();

	add(o, "queued", u64(n->nr_queued));
	add(o, "decisions", u64(n->nr_decisions));
	add(o, "user_dispatches", u64(n->nr_user_dispatches));
	add(o, "kernel_dispatches", u64(n->nr_kernel_dispatches));
	add(o, "cancel_dispatches", u64(n->nr_cancel_dispatches));
	add(o, "bounce_dispatches", u64(n->nr_bounce_dispatches));
	add(o, "failed_dispatches", u64(n->nr_failed_dispatches));
	add(o, "policy_errors", u64(n->nr_policy_errors));
	add(o, "bad_pid", u64(n->nr_bad_pid));
	add(o, "overdue", u64(n->nr_overdue));
	add(o, "starved", u64(n->nr_starved));
	add(o, "requeued", u64(n->nr_requeued));
	add(o, "preemptions", u64(n->nr_preemptions));
	add(o, "preempt_standing", u64(n->nr_preempt_standing));
	add(o, "preempt_daemon", u64(n->nr_preempt_daemon));
	add(o, "daemon_rounds", u64(n->nr_rounds));
	add(o, "standing_dispatches", u64(n->nr_standing));
	add(o, "standing_void", u64(n->nr_standing_void));
	add(o, "migrated", u64(n->nr_migrated));
	return o;
}

static struct json_object *json_overall(const struct sim_run_info *info, const struct sim_result *r)
{
	struct json_object *o = json_object_new_object();

	add(o, "busy_pct", num("%.3f", pct(r->busy_ns, r->capacity_ns)));
	add(o, "jain", r->nr_jain ? num("%.6f", r->jain_min) : NULL);
	add(o, "jain_by_nice", json_jain(r));
	add(o, "context_switches", u64(r->context_switches));
	add(o, "decisions", u64(r->counters.nr_decisions));
	add(o, "max_wait_us", num("%.3f", us(r->max_wait_ns)));
	add(o, "max_wait_group", json_object_new_string(info->w->groups[r->max_wait_group].name));
	add(o, "affinity_violations", u64(r->affinity_violations));
	add(o, "waiting_for_decision_at_end", u64(r->nr_waiting_user));
	add(o, "policy_holds_at_end", u64(r->nr_held_end));
	add(o, "policy_pending_at_end", u64(r->nr_policy_pending));
	add(o, "switch_ms", num("%.3f", (double)r->switch_ns / NSEC_PER_MSEC));
	add(o, "daemon_ms", num("%.3f", (double)r->daemon_ns / NSEC_PER_MSEC));
	add(o, "ejected_at_ms",
	    r->ejected.n ? num("%.3f", (double)r->ejected.at / NSEC_PER_MSEC) : NULL);
	add(o, "policy_overflows", u64(r->policy_stats.nr_overflows));
	add(o, "policy_dropped", u64(r->policy_stats.nr_dropped));
	return o;
}

/* {"passed": bool, "failed": N, "NAME": {"ok": bool, "messages": [...]}, ...} */
static struct json_object *json_checks(const struct sim_checks *c)
{
	struct json_object *o = json_object_new_object();
	int i;

	add(o, "passed", json_object_new_boolean(!c->nr_failed));
	add(o, "failed", json_object_new_int(c->nr_failed));
	for (i = 0; i < c->nr; i++) {
		struct json_object *k = json_object_new_object(), *msgs = json_object_new_array();
		const char *line = c->c[i].msg, *nl;

		do {
			nl = strchr(line, '\n');
			json_object_array_add(
				msgs, json_object_new_string_len(line, nl ? (int)(nl - line)
									  : (int)strlen(line)));
			line = nl ? nl + 1 : NULL;
		} while (line);
		add(k, "ok", json_object_new_boolean(c->c[i].ok));
		add(k, "messages", msgs);
		add(o, c->c[i].name, k);
	}
	return o;
}

int sim_report_json(FILE *f, const struct sim_run_info *info, const struct sim_result *r)
{
	struct json_object *root = json_object_new_object(), *groups = json_object_new_array();
	const char *text;
	int i;

	if (!root || !groups) {
		json_object_put(root);
		json_object_put(groups);
		return -1;
	}
	add(root, "policy", json_object_new_string(info->cfg->policy->name));
	add(root, "workload", json_object_new_string(info->workload));
	add(root, "seed", u64(info->cfg->seed));
	add(root, "config", json_config(info));
	for (i = 0; i < r->nr_groups; i++)
		json_object_array_add(groups, json_group(info, r, i));
	add(root, "groups", groups);
	add(root, "overall", json_overall(info, r));
	add(root, "counters", json_counters(&r->counters));
	if (info->checks)
		add(root, "checks", json_checks(info->checks));
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text)
		fprintf(f, "%s\n", text);
	json_object_put(root);
	return text ? 0 : -1;
}

int sim_report_run(FILE *out, FILE *errf, struct sim_run_info *info, const struct sim_result *r,
		   bool json, bool check)
{
	struct sim_checks checks;
	int ret = 0;

	if (sim_check(info->w, info->cfg, r, &checks)) {
		fprintf(errf, "cland-sim: out of memory\n");
		return 1;
	}
	info->checks = &checks;
	if (json)
		ret = sim_report_json(out, info, r) ? 1 : 0;
	else
		sim_report_text(out, info, r);
	if (fflush(out) || ferror(out)) {
		fprintf(errf, "cland-sim: cannot write the report\n");
		ret = 1;
	}
	if (check && checks.nr_failed) {
		sim_report_failures(errf, &checks);
		fprintf(errf, "cland-sim: %d of %d checks failed (sim/README.md, \"Checks\")\n",
			checks.nr_failed, checks.nr);
		ret = 1;
	}
	info->checks = NULL;
	sim_checks_free(&checks);
	return ret;
}
