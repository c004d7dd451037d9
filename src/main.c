// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the scx_cland daemon: parses the command line, checks the rules
 * and loads the policy (a plug-in too) before anything touches the kernel,
 * attaches the BPF backend, runs the policy (swappable: runner.c) until
 * SIGINT/SIGTERM or until the kernel unloads the scheduler, and re-attaches
 * when the kernel asks for a restart. `scx_cland ctl ...` is the control
 * socket's client instead (ctl.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cland.h"
#include "ctl.h"
#include "manage.h"
#include "monitor.h"
#include "observe.h"
#include "options.h"
#include "policy.h"
#include "profiles.h"
#include "rules.h"
#include "runner.h"
#include "stats.h"

#ifndef CLAND_VERSION
#define CLAND_VERSION "0.1.0"
#endif

#define STATS_INTERVAL_MS 1000

static volatile sig_atomic_t stop;
static volatile sig_atomic_t report_now; /* SIGUSR1: print the counters at once */
static volatile sig_atomic_t reload;	 /* SIGHUP: read the rules file again */
static struct runner rn;		 /* the policy, swappable, with the rules */
static long faults_at_start;		 /* page faults before the main loop started */

/* Page faults of the daemon so far (minor + major). */
static long nr_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report_now = 1;
	else if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
}

/* No SA_RESTART: a signal interrupts the epoll wait at once. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * The counters line: the backend's, then the policy's (overflows: tasks run
 * out of order for want of memory; dropped: tasks lost, must stay 0), then
 * the daemon's page faults.
 */
static void print_counters(const struct cland_counters *c, const struct cland_policy_stats *ps,
			   uint64_t nr_pending, void *arg)
{
	char line[2048];

	(void)arg;
	cland_format_counters(line, sizeof(line), c, nr_pending);
	/* Faults in the main loop: 0 in steady state (memory is locked). */
	printf("cland: %s overflows=%" PRIu64 " dropped=%" PRIu64 " faults=%ld\n", line,
	       ps->nr_overflows, ps->nr_dropped, nr_faults() - faults_at_start);
	fflush(stdout);
}

/*
 * Nice -20. Attached, the BPF backend schedules the daemon whatever its
 * nice value; between attachments (start-up, the re-attach after a CPU
 * hotplug) the daemon is an ordinary task of the kernel's scheduler and
 * competes with the load it is about to schedule: loading the backend
 * (the verifier's work) must not take a share of a CPU among the hogs.
 */
static void raise_priority(void)
{
	if (geteuid() != 0) /* cland_open() says what is wrong */
		return;
	if (setpriority(PRIO_PROCESS, 0, -20) < 0)
		fprintf(stderr, "scx_cland: cannot raise its priority (nice -20): %s\n",
			strerror(errno));
}

/* The backend stepped in for the policy (once per kind): say which policy. */
static void policy_fault(const char *what, uint64_t count, void *arg)
{
	const struct cland_policy *pol = ((struct runner *)arg)->cur.pol;

	if (!strcmp(what, "overdue"))
		fprintf(stderr,
			"scx_cland: policy %s held a task for over 1 s without a decision: the "
			"backend ran it itself (overdue=%" PRIu64 " so far; a policy bug)\n",
			pol->name, count);
	else
		fprintf(stderr,
			"scx_cland: policy %s sent a malformed decision (CPU out of range or slice "
			"over 10 s): the backend ran the task itself (policy_errors=%" PRIu64
			" so far; a policy bug)\n",
			pol->name, count);
}

static void list_policies(void)
{
	const struct cland_policy *const *p;

	for (p = cland_policies; *p; p++)
		printf("%-10s %s\n", (*p)->name, (*p)->summary);
}

/* What the backend must know of the rules, for the runner. */
static int backend_set_rule(void *be, int32_t pid, const struct cland_task_rule *rule)
{
	return cland_set_task_rule(be, pid, rule);
}

static void backend_enable_rules(void *be, bool on)
{
	cland_enable_task_rules(be, on);
}

/*
 * The rules in force at start: --rules FILE, else the profile's, else none.
 * Returns CLAND_EXIT_OK, or CLAND_EXIT_USAGE after saying what is wrong.
 */
static int load_rules(const struct cland_options *o, struct rules *r, bool *have)
{
	int nr_cpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	const struct cland_profile *p;
	char err[1024], src[64];

	*have = false;
	if (o->rules) {
		if (rules_load(o->rules, nr_cpus, r, err, sizeof(err))) {
			fprintf(stderr, "scx_cland: %s\n", err);
			return CLAND_EXIT_USAGE;
		}
	} else if ((p = cland_profile_find(o->profile))) {
		snprintf(src, sizeof(src), "profile %s", p->name);
		if (rules_parse(p->rules, strlen(p->rules), src, nr_cpus, r, err, sizeof(err))) {
			fprintf(stderr, "scx_cland: %s\n", err);
			return CLAND_EXIT_USAGE;
		}
	} else {
		return CLAND_EXIT_OK;
	}
	*have = true;
	return CLAND_EXIT_OK;
}

/* --print-rules: one line per rule, what it matches and what it does. */
static void print_rules(const struct rules *r, bool have)
{
	char v[256];
	int i;

	if (!have) {
		printf("no rules (neither --rules nor --profile)\n");
		return;
	}
	printf("%d rules from %s; the first that matches a task applies:\n", r->nr, r->source);
	for (i = 0; i < r->nr; i++) {
		const struct rule *x = &r->r[i];

		rules_verdict_str(x, v, sizeof(v));
		printf("%3d %-16s", i + 1, x->name[0] ? x->name : "-");
		if (x->has_comm)
			printf(" comm %s%s", x->comm, x->comm_glob ? " (glob)" : "");
		if (x->has_cgroup)
			printf(" cgroup %s", x->cgroup);
		if (x->has_uid)
			printf(" uid %u", x->uid);
		printf(" -> %s\n", v);
	}
}

static void report_exit(struct cland_sched *s, const struct cland_policy *pol, void *ctx)
{
	const struct cland_exit_info *ei = cland_exit_info(s);
	struct cland_policy_stats ps;
	struct cland_counters c;

	cland_read_counters(s, &c);
	cland_policy_read_stats(pol, ctx, &ps);
	print_counters(&c, &ps, cland_nr_pending(s), NULL);
	fprintf(stderr, "scx_cland: clock check: %llu tasks, %llu timestamps ahead of now\n",
		(unsigned long long)cland_clock_check(s)->checked,
		(unsigned long long)cland_clock_check(s)->errors);
	if (!ei->kind)
		return;
	fprintf(stderr,
		"scx_cland: the kernel unloaded the scheduler: %s (kind %d, code %#llx)%s%s%s%s\n",
		cland_exit_kind_str(ei->kind), ei->kind, (unsigned long long)ei->exit_code,
		ei->reason[0] ? ": " : "", ei->reason, ei->msg[0] ? ": " : "", ei->msg);
}

/*
 * One attachment: start the policy, attach, run until told to stop or the
 * kernel unloads us. Returns an exit code; *@restart says whether to attach
 * again.
 */
static int run_once(const struct cland_options *o, bool *restart)
{
	struct cland_open_opts oo = {
		.slice_ns = o->slice_ns,
		.partial = o->partial,
		.stall_ns = o->stall_ns,
	};
	struct cland_run_opts ro = {
		.stop = &stop,
		.stats = print_counters,
		.report_now = &report_now,
		.policy_fault = policy_fault,
		.stats_arg = &rn,
	};
	struct runner_backend be = {.set_rule = backend_set_rule,
				    .enable_rules = backend_enable_rules};
	struct cland_sched *s;
	struct cland_host host;
	char err[512];
	int ret;

	*restart = false;
	ret = cland_open(&s, &oo, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "scx_cland: %s\n", err);
		return CLAND_EXIT_RUNTIME;
	}
	cland_host_init(&host, s, (int)sysconf(_SC_NPROCESSORS_CONF));
	be.be = s;
	if (runner_attach(&rn, &host, &be)) {
		cland_close(s);
		return CLAND_EXIT_RUNTIME;
	}
	fprintf(stderr,
		"scx_cland: scheduling with policy %s%s%s%s (attached in %" PRIu64
		" ms, of which %" PRIu64 " loading the BPF backend)\n",
		manage_policy_name(), o->partial ? " (SCHED_EXT tasks only)" : "",
		rn.has_rules ? ", rules from " : "", rn.has_rules ? rn.rules.source : "",
		cland_open_times(s)->attached_ms,
		cland_open_times(s)->loaded_ms - cland_open_times(s)->configured_ms);
	if (o->verbose)
		ro.stats_interval_ms = STATS_INTERVAL_MS;
	observe_attach(s, &runner_policy, &rn, &ro);
	manage_attach(s, &ro);
	faults_at_start = nr_faults();
	ret = cland_run(s, &runner_policy, &rn, &ro);
	if (ret < 0)
		fprintf(stderr, "scx_cland: backend error: %s\n", strerror(-ret));
	report_exit(s, &runner_policy, &rn);
	*restart = !stop && cland_restart_requested(s);
	if (ret < 0 || cland_exit_is_error(s))
		ret = CLAND_EXIT_RUNTIME;
	else
		ret = CLAND_EXIT_OK;
	manage_detach();
	observe_detach();
	cland_close(s);
	runner_detach(&rn);
	return ret;
}

int main(int argc, char **argv)
{
	struct cland_policy_cfg cfg;
	struct cland_options o;
	struct rules rules = {0};
	bool restart, have_rules;
	char err[1024];
	int ret;

	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return cland_ctl_main(argc - 1, argv + 1, stdout, stderr);
	if (cland_parse_options(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "scx_cland: %s\n\n", err);
		cland_usage(stderr, argv[0]);
		return CLAND_EXIT_USAGE;
	}
	if (o.help) {
		cland_usage(stdout, argv[0]);
		return CLAND_EXIT_OK;
	}
	if (o.version) {
		printf("scx_cland %s\n", CLAND_VERSION);
		return CLAND_EXIT_OK;
	}
	if (o.list_policies) {
		list_policies();
		return CLAND_EXIT_OK;
	}
	if (o.help_stats) {
		cland_stats_help(stdout);
		return CLAND_EXIT_OK;
	}
	install_signals();
	if (o.monitor_s)
		return cland_monitor(o.stats_socket, o.monitor_s, &stop, stdout, stderr);
	/* the rules and the policy (a plug-in too) are checked before the kernel is */
	ret = load_rules(&o, &rules, &have_rules);
	if (ret)
		return ret;
	if (o.print_rules) {
		print_rules(&rules, have_rules);
		rules_free(&rules);
		return CLAND_EXIT_OK;
	}
	cfg = (struct cland_policy_cfg){.slice_ns = o.slice_ns, .slice_min_ns = o.slice_min_ns};
	if (runner_init(&rn, o.policy, &cfg, err, sizeof(err))) {
		fprintf(stderr, "scx_cland: %s\n", err);
		rules_free(&rules);
		return CLAND_EXIT_USAGE;
	}
	if (runner_set_rules(&rn, have_rules ? &rules : NULL, o.rules ? o.rules : "")) {
		fprintf(stderr, "scx_cland: out of memory\n");
		return CLAND_EXIT_RUNTIME;
	}
	manage_init(&rn, &o, &reload);
	ret = observe_open(&o, rn.cur.pol, CLAND_VERSION);
	if (ret)
		return ret;
	observe_set_policy(manage_policy_name());
	raise_priority();
	do {
		ret = run_once(&o, &restart);
		if (restart)
			fprintf(stderr,
				"scx_cland: the kernel asked for a restart: attaching again\n");
	} while (restart);
	manage_close();
	observe_close();
	runner_free(&rn);
	return ret;
}
