// SPDX-License-Identifier: GPL-2.0
/*
 * manage.c - the daemon's answers to control requests and SIGHUP
 * (manage.h): status, policy swaps through the runner, new slices (the
 * policy restarted with them, its tasks handed over as in a swap), rules
 * reloads (a file that does not parse or validate is refused, with the
 * parser's message, and the rules in force stay).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "manage.h"
#include "observe.h"

#define TICK_MS 200 /* SIGHUP, swaps done, the cgroup table: looked at this often */

static struct {
	struct runner *rn;
	const struct cland_options *o;
	volatile sig_atomic_t *reload;
	struct cland_sched *s; /* the current attachment, NULL between them */
	uint64_t start_ns;
	int nr_cpus;
	bool tried;
	struct control_server *srv;
	uint64_t seen_swaps; /* swaps the stats were told of */
	char name[384];	     /* the policy's name for the stats */
} m;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *manage_policy_name(void)
{
	return runner_policy_name(m.rn, m.name, sizeof(m.name));
}

int manage_reload_rules(const char *file, char *msg, size_t len)
{
	int was = m.rn->has_rules ? m.rn->rules.nr : 0;
	char path[PATH_MAX]; /* a copy: the runner's own is rewritten below */
	struct rules r;

	snprintf(path, sizeof(path), "%s", file ? file : m.rn->rules_path);
	if (!*path) {
		snprintf(msg, len,
			 "no rules file to reload: scx_cland was started without --rules (give "
			 "one: rules reload FILE)");
		return -1;
	}
	if (rules_load(path, m.nr_cpus, &r, msg, len))
		return -1;
	if (runner_set_rules(m.rn, &r, path)) {
		rules_free(&r);
		snprintf(msg, len, "%s: out of memory", path);
		return -1;
	}
	snprintf(msg, len, "rules %s: %d rules in force (were %d)", path, m.rn->rules.nr, was);
	return 0;
}

/* ---- control requests ---- */

static void ctl_status(void *arg, struct control_reply *r)
{
	struct runner *rn = m.rn;
	struct cland_counters c;
	char line[2048];

	(void)arg;
	control_line(r, "policy %s", rn->cur.pol->name);
	control_line(r, "source %s", rn->cur.handle ? rn->cur.source : "built-in");
	control_line(r, "uptime_s %" PRIu64, (uint64_t)((mono_ns() - m.start_ns) / 1000000000ULL));
	control_line(r, "profile %s", m.o->profile ? m.o->profile : "none");
	if (!rn->has_rules)
		control_line(r, "rules none");
	else
		control_line(r, "rules %s (%d rules)",
			     rn->rules_path[0] ? rn->rules_path : rn->rules.source, rn->rules.nr);
	control_line(r, "slice_us %" PRIu64, rn->cur.cfg.slice_ns / 1000);
	control_line(r, "slice_min_us %" PRIu64, rn->cur.cfg.slice_min_ns / 1000);
	control_line(r, "swaps %" PRIu64 " moved %" PRIu64 " drained %" PRIu64 " lost %" PRIu64,
		     rn->swap_seq, rn->nr_moved, rn->nr_drained, rn->nr_lost);
	if (rn->last_swap[0])
		control_line(r, "last_swap %s", rn->last_swap);
	if (rn->vc_ready)
		control_line(r,
			     "verdicts evaluated %" PRIu64 " matched %" PRIu64
			     " backend_set %" PRIu64 " backend_cleared %" PRIu64
			     " backend_failed %" PRIu64,
			     rn->vc.nr_evals, rn->vc.nr_matched, rn->nr_rules_set,
			     rn->nr_rules_cleared, rn->nr_rules_failed);
	if (m.s) {
		cland_read_counters(m.s, &c);
		cland_format_counters(line, sizeof(line), &c, cland_nr_pending(m.s));
		control_line(r, "counters %s", line);
	}
}

static int64_t ctl_policy(void *arg, const char *name, struct control_reply *r)
{
	char err[1024];
	int64_t seq;

	(void)arg;
	seq = runner_request_policy(m.rn, name, NULL, err, sizeof(err));
	if (seq < 0)
		control_error(r, "%s", err);
	return seq < 0 ? 0 : seq;
}

static int64_t ctl_set(void *arg, const char *key, uint64_t value, struct control_reply *r)
{
	struct cland_policy_cfg cfg = m.rn->cur.cfg;
	bool max = !strcmp(key, "slice-us");
	char err[1024];
	int64_t seq;

	(void)arg;
	if (!value || value > CLAND_MAX_SLICE_US) {
		control_error(r, "set %s: %" PRIu64 " is out of range (1 to %llu us)", key, value,
			      CLAND_MAX_SLICE_US);
		return 0;
	}
	if (max)
		cfg.slice_ns = value * 1000;
	else
		cfg.slice_min_ns = value * 1000;
	if (cfg.slice_min_ns > cfg.slice_ns) {
		control_error(r,
			      "set %s: the minimum slice (%" PRIu64 " us) would exceed the "
			      "maximum (%" PRIu64 " us)",
			      key, cfg.slice_min_ns / 1000, cfg.slice_ns / 1000);
		return 0;
	}
	seq = runner_request_policy(m.rn, NULL, &cfg, err, sizeof(err));
	if (seq < 0)
		control_error(r, "%s", err);
	return seq < 0 ? 0 : seq;
}

static void ctl_rules_reload(void *arg, const char *file, struct control_reply *r)
{
	char msg[1024];

	(void)arg;
	if (manage_reload_rules(file, msg, sizeof(msg))) {
		fprintf(stderr, "scx_cland: rules reload refused, the rules in force stay: %s\n",
			msg);
		control_error(r, "%s (the rules in force stay)", msg);
		return;
	}
	fprintf(stderr, "scx_cland: %s\n", msg);
	control_line(r, "%s", msg);
}

static bool ctl_done(void *arg, int64_t seq, struct control_reply *r)
{
	(void)arg;
	if (!runner_swap_done(m.rn, seq))
		return false;
	control_line(r, "%s", m.rn->last_swap[0] ? m.rn->last_swap : "done");
	control_line(r, "policy %s slice_us %" PRIu64 " slice_min_us %" PRIu64,
		     manage_policy_name(), m.rn->cur.cfg.slice_ns / 1000,
		     m.rn->cur.cfg.slice_min_ns / 1000);
	return true;
}

static const struct control_ops ops = {
	.status = ctl_status,
	.policy = ctl_policy,
	.set = ctl_set,
	.rules_reload = ctl_rules_reload,
	.done = ctl_done,
};

/* ---- the periodic work ---- */

static void tick(void *arg)
{
	char msg[1024];

	(void)arg;
	runner_service(m.rn, mono_ns());
	if (*m.reload) {
		*m.reload = 0;
		if (manage_reload_rules(NULL, msg, sizeof(msg)))
			fprintf(stderr,
				"scx_cland: SIGHUP: rules reload refused, the rules in force "
				"stay: %s\n",
				msg);
		else
			fprintf(stderr, "scx_cland: SIGHUP: %s\n", msg);
	}
	if (m.rn->swap_seq != m.seen_swaps) {
		m.seen_swaps = m.rn->swap_seq;
		observe_set_policy(manage_policy_name());
	}
}

void manage_init(struct runner *rn, const struct cland_options *o, volatile sig_atomic_t *reload)
{
	memset(&m, 0, sizeof(m));
	m.rn = rn;
	m.o = o;
	m.reload = reload;
	m.start_ns = mono_ns();
	m.nr_cpus = (int)sysconf(_SC_NPROCESSORS_CONF);
}

void manage_attach(struct cland_sched *s, struct cland_run_opts *ro)
{
	struct cland_service *svc = (struct cland_service *)ro->services;
	static struct cland_service all[CLAND_MAX_SERVICES];
	char err[512];
	unsigned int n = ro->nr_services;

	m.s = s;
	if (!m.tried && m.o->control_socket) {
		m.tried = true;
		if (control_open(&m.srv, m.o->control_socket, 0, &ops, err, sizeof(err)))
			fprintf(stderr, "scx_cland: no control socket: %s\n", err);
	}
	if (n)
		memcpy(all, svc, n * sizeof(*all));
	if (m.srv && n < CLAND_MAX_SERVICES)
		all[n++] = (struct cland_service){.fd = control_fd(m.srv),
						  .period_ms = 100,
						  .run = control_run,
						  .arg = m.srv};
	if (n < CLAND_MAX_SERVICES)
		all[n++] = (struct cland_service){.fd = -1, .period_ms = TICK_MS, .run = tick};
	ro->services = all;
	ro->nr_services = n;
}

void manage_detach(void)
{
	m.s = NULL;
}

void manage_close(void)
{
	control_close(m.srv);
	m.srv = NULL;
}
