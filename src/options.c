// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - command-line parsing and usage text of the scx_cland daemon.
 *
 * The parser never prints: every error becomes one line in the caller's
 * buffer, naming the option and the value that was rejected.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "control.h"
#include "options.h"
#include "plugin.h"
#include "policy.h"
#include "profiles.h"
#include "stats_server.h"

enum {
	OPT_PARTIAL = 256,
	OPT_STALL_MS,
	OPT_STATS,
	OPT_MONITOR,
	OPT_HELP_STATS,
	OPT_STATS_SOCKET,
	OPT_METRICS,
	OPT_RECORD,
	OPT_RECORD_MAX_MB,
	OPT_RULES,
	OPT_PROFILE,
	OPT_CONTROL_SOCKET,
	OPT_PRINT_RULES,
}; /* long-only options */

static const struct option long_opts[] = {
	{"slice-us", required_argument, NULL, 's'},
	{"slice-min-us", required_argument, NULL, 'S'},
	{"partial", no_argument, NULL, OPT_PARTIAL},
	{"stall-ms", required_argument, NULL, OPT_STALL_MS},
	{"verbose", no_argument, NULL, 'v'},
	{"policy", required_argument, NULL, 'p'},
	{"list-policies", no_argument, NULL, 'l'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"stats", required_argument, NULL, OPT_STATS},
	{"monitor", required_argument, NULL, OPT_MONITOR},
	{"help-stats", no_argument, NULL, OPT_HELP_STATS},
	{"stats-socket", required_argument, NULL, OPT_STATS_SOCKET},
	{"metrics", required_argument, NULL, OPT_METRICS},
	{"record", required_argument, NULL, OPT_RECORD},
	{"record-max-mb", required_argument, NULL, OPT_RECORD_MAX_MB},
	{"rules", required_argument, NULL, OPT_RULES},
	{"profile", required_argument, NULL, OPT_PROFILE},
	{"control-socket", required_argument, NULL, OPT_CONTROL_SOCKET},
	{"print-rules", no_argument, NULL, OPT_PRINT_RULES},
	{NULL, 0, NULL, 0},
};

/* '+': stop at the first non-option (no argv permutation); ':': report ':' */
static const char short_opts[] = "+:s:S:vp:lhV";

/* "-s/--slice-us" or "--partial" for the option with value @val; NULL if none. */
static const char *opt_name(int val, char *buf, size_t len)
{
	const struct option *o;

	for (o = long_opts; o->name; o++) {
		if (o->val != val)
			continue;
		if (val < 256)
			snprintf(buf, len, "-%c/--%s", val, o->name);
		else
			snprintf(buf, len, "--%s", o->name);
		return buf;
	}
	return NULL;
}

__attribute__((format(printf, 3, 4))) static int usage_error(char *err, size_t errlen,
							     const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return CLAND_EXIT_USAGE;
}

/* Parse a duration in us (1 .. CLAND_MAX_SLICE_US) into @ns. */
static int parse_us(int val, const char *arg, uint64_t *ns, char *err, size_t errlen)
{
	unsigned long long us;
	char name[32];
	char *end;

	opt_name(val, name, sizeof(name));
	/* strtoull() would skip spaces and accept a sign: allow digits only */
	if (*arg < '0' || *arg > '9')
		return usage_error(err, errlen,
				   "option %s: invalid value '%s' (expected a positive whole "
				   "number of microseconds)",
				   name, arg);
	errno = 0;
	us = strtoull(arg, &end, 10);
	if (*end)
		return usage_error(err, errlen,
				   "option %s: invalid value '%s' (expected a positive whole "
				   "number of microseconds)",
				   name, arg);
	if (errno == ERANGE || us > CLAND_MAX_SLICE_US)
		return usage_error(err, errlen,
				   "option %s: value '%s' is too large (at most %llu us)", name,
				   arg, CLAND_MAX_SLICE_US);
	if (!us)
		return usage_error(err, errlen, "option %s: value '%s' must be at least 1 us", name,
				   arg);
	*ns = (uint64_t)us * 1000;
	return CLAND_EXIT_OK;
}

/* Parse --stall-ms: 0 (never degrade) .. CLAND_MAX_STALL_MS, into ns. */
static int parse_stall_ms(const char *arg, uint64_t *ns, char *err, size_t errlen)
{
	unsigned long long ms;
	char *end;

	if (*arg < '0' || *arg > '9')
		return usage_error(err, errlen,
				   "option --stall-ms: invalid value '%s' (expected a whole number "
				   "of milliseconds, 0 to disable)",
				   arg);
	errno = 0;
	ms = strtoull(arg, &end, 10);
	if (*end)
		return usage_error(err, errlen,
				   "option --stall-ms: invalid value '%s' (expected a whole number "
				   "of milliseconds, 0 to disable)",
				   arg);
	if (errno == ERANGE || ms > CLAND_MAX_STALL_MS)
		return usage_error(err, errlen,
				   "option --stall-ms: value '%s' is too large (at most %llu ms, "
				   "below the kernel watchdog's timeout)",
				   arg, CLAND_MAX_STALL_MS);
	*ns = (uint64_t)ms * 1000000;
	return CLAND_EXIT_OK;
}

/* A whole number @min..@max of @unit for option @val (long only) into *@out. */
static int parse_count(int val, const char *arg, unsigned long long min, unsigned long long max,
		       const char *unit, unsigned long long *out, char *err, size_t errlen)
{
	unsigned long long v;
	char name[32];
	char *end;

	opt_name(val, name, sizeof(name));
	errno = 0;
	v = (*arg >= '0' && *arg <= '9') ? strtoull(arg, &end, 10) : 0;
	if (*arg < '0' || *arg > '9' || *end || errno == ERANGE || v < min || v > max)
		return usage_error(err, errlen,
				   "option %s: invalid value '%s' (expected a whole number of %s, "
				   "%llu to %llu)",
				   name, arg, unit, min, max);
	*out = v;
	return CLAND_EXIT_OK;
}

int cland_parse_listen_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	const char *colon, *port = s;
	char host[64] = CLAND_DEFAULT_METRICS_ADDR;
	unsigned long p;
	bool v6 = false;
	size_t n;
	char *end;

	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (!colon || (size_t)(colon - s - 1) >= sizeof(host))
			return -1;
		n = (size_t)(colon - s - 1);
		memcpy(host, s + 1, n);
		host[n] = '\0';
		port = colon + 2;
		v6 = true;
	} else if ((colon = strrchr(s, ':'))) {
		n = (size_t)(colon - s);
		if (!n || n >= sizeof(host) || memchr(s, ':', n))
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
		port = colon + 1;
	}
	if (*port < '0' || *port > '9')
		return -1;
	errno = 0;
	p = strtoul(port, &end, 10);
	if (*end || errno || p < 1 || p > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -1;
		*len = sizeof(*in6);
	} else {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p);
		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return -1;
		*len = sizeof(*in);
	}
	return 0;
}

/* The options about watching the daemon (long only). */
static int parse_watch_opt(int c, const char *arg, struct cland_options *o, char *err,
			   size_t errlen)
{
	unsigned long long v;
	int ret = CLAND_EXIT_OK;

	switch (c) {
	case OPT_STATS:
	case OPT_MONITOR:
		ret = parse_count(c, arg, 1, CLAND_MAX_STATS_S, "seconds", &v, err, errlen);
		if (c == OPT_STATS)
			o->stats_s = (unsigned int)v;
		else
			o->monitor_s = (unsigned int)v;
		break;
	case OPT_HELP_STATS:
		o->help_stats = true;
		break;
	case OPT_STATS_SOCKET:
		if (!*arg || strlen(arg) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return usage_error(err, errlen,
					   "option --stats-socket: invalid value '%s' (a path of 1 "
					   "to %zu bytes, or 'none')",
					   arg, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		o->stats_socket = strcmp(arg, "none") ? arg : NULL;
		break;
	case OPT_METRICS:
		if (cland_parse_listen_addr(arg, &o->metrics_addr, &o->metrics_addr_len))
			return usage_error(
				err, errlen,
				"option --metrics: invalid value '%s' (expected ADDR:PORT, "
				"e.g. 127.0.0.1:9090 or [::1]:9090, or PORT for %s)",
				arg, CLAND_DEFAULT_METRICS_ADDR);
		o->metrics = arg;
		break;
	case OPT_RECORD:
		if (!*arg)
			return usage_error(err, errlen, "option --record: empty file name");
		o->record = arg;
		break;
	case OPT_RECORD_MAX_MB:
		ret = parse_count(c, arg, 1, CLAND_MAX_RECORD_MAX_MB, "MiB", &v, err, errlen);
		o->record_max_bytes = v << 20;
		break;
	}
	return ret;
}

/* --monitor only watches: what it cannot be combined with. */
static int check_watch_opts(const struct cland_options *o, bool max_mb_set, char *err,
			    size_t errlen)
{
	const char *with = o->record	? "--record"
			   : o->metrics ? "--metrics"
			   : o->stats_s ? "--stats"
					: NULL;

	if (max_mb_set && !o->record)
		return usage_error(err, errlen, "option --record-max-mb needs --record FILE");
	if (o->monitor_s && with)
		return usage_error(err, errlen,
				   "option --monitor watches a running scx_cland and schedules "
				   "nothing: it cannot be combined with %s",
				   with);
	if (o->monitor_s && !o->stats_socket)
		return usage_error(err, errlen,
				   "option --monitor needs a stats socket (--stats-socket none)");
	return CLAND_EXIT_OK;
}

/* How many long options start with the @len bytes at @prefix. */
static int nr_prefix_matches(const char *prefix, size_t len)
{
	const struct option *o;
	int nr = 0;

	for (o = long_opts; o->name; o++)
		nr += !strncmp(o->name, prefix, len);
	return nr;
}

/* An option getopt_long() rejected ('?' or ':'); the argument it was in is @arg. */
static int bad_option(int c, const char *arg, char *err, size_t errlen)
{
	char name[32];
	size_t len;

	if (c == ':' && opt_name(optopt, name, sizeof(name)))
		return usage_error(err, errlen, "option %s requires an argument", name);
	if (optopt && opt_name(optopt, name, sizeof(name)))
		return usage_error(err, errlen, "option %s does not take an argument", name);
	if (optopt)
		return usage_error(err, errlen, "unknown option '-%c'", optopt);
	if (!arg)
		return usage_error(err, errlen, "unknown option");
	len = strcspn(arg, "=");
	if (!strncmp(arg, "--", 2) && nr_prefix_matches(arg + 2, len - 2) > 1)
		return usage_error(err, errlen, "ambiguous option '%.*s' (see --help)", (int)len,
				   arg);
	return usage_error(err, errlen, "unknown option '%.*s'", (int)len, arg);
}

void cland_options_defaults(struct cland_options *o)
{
	memset(o, 0, sizeof(*o));
	o->slice_ns = CLAND_DEFAULT_SLICE_US * 1000;
	o->slice_min_ns = CLAND_DEFAULT_SLICE_MIN_US * 1000;
	o->policy = CLAND_DEFAULT_POLICY;
	o->stall_ns = CLAND_DEFAULT_STALL_MS * 1000000;
	o->stats_socket = CLAND_STATS_SOCKET;
	o->record_max_bytes = CLAND_DEFAULT_RECORD_MAX_MB << 20;
	o->control_socket = CLAND_CONTROL_SOCKET;
}

/* The options of rules, profiles and the control socket (long only). */
static int parse_rules_opt(int c, const char *arg, struct cland_options *o, char *err,
			   size_t errlen)
{
	const struct cland_profile *p;
	char names[128] = "";
	size_t n = 0;

	switch (c) {
	case OPT_RULES:
		if (!*arg)
			return usage_error(err, errlen, "option --rules: empty file name");
		o->rules = arg;
		break;
	case OPT_PROFILE:
		if (cland_profile_find(arg)) {
			o->profile = arg;
			break;
		}
		for (p = cland_profiles; p->name && n < sizeof(names); p++)
			n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", n ? ", " : "",
					      p->name);
		return usage_error(err, errlen, "option --profile: unknown profile '%s' (%s)", arg,
				   names);
	case OPT_CONTROL_SOCKET:
		if (!*arg || strlen(arg) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return usage_error(err, errlen,
					   "option --control-socket: invalid value '%s' (a path of "
					   "1 to %zu bytes, or 'none')",
					   arg, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		o->control_socket = strcmp(arg, "none") ? arg : NULL;
		break;
	case OPT_PRINT_RULES:
		o->print_rules = true;
		break;
	}
	return CLAND_EXIT_OK;
}

/* What the profile sets and the command line does not. */
static void apply_profile(struct cland_options *o)
{
	const struct cland_profile *p = cland_profile_find(o->profile);

	if (!p)
		return;
	if (!o->slice_set)
		o->slice_ns = p->slice_us * 1000;
	if (!o->slice_min_set)
		o->slice_min_ns = p->slice_min_us * 1000;
	if (!o->policy_set)
		o->policy = p->policy;
}

int cland_parse_options(int argc, char **argv, struct cland_options *o, char *err, size_t errlen)
{
	bool max_mb_set = false;
	int c, ret;

	cland_options_defaults(o);
	if (err && errlen)
		err[0] = '\0';
	optind = 0; /* glibc: full reset, so that the parser can run again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 's':
			ret = parse_us(c, optarg, &o->slice_ns, err, errlen);
			if (ret)
				return ret;
			o->slice_set = true;
			break;
		case 'S':
			ret = parse_us(c, optarg, &o->slice_min_ns, err, errlen);
			if (ret)
				return ret;
			o->slice_min_set = true;
			break;
		case OPT_PARTIAL:
			o->partial = true;
			break;
		case OPT_STALL_MS:
			ret = parse_stall_ms(optarg, &o->stall_ns, err, errlen);
			if (ret)
				return ret;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'p':
			o->policy = optarg;
			o->policy_set = true;
			break;
		case 'l':
			o->list_policies = true;
			break;
		case 'h':
			o->help = true;
			break;
		case 'V':
			o->version = true;
			break;
		case OPT_STATS ... OPT_RECORD_MAX_MB:
			max_mb_set |= c == OPT_RECORD_MAX_MB;
			ret = parse_watch_opt(c, optarg, o, err, errlen);
			if (ret)
				return ret;
			break;
		case OPT_RULES ... OPT_PRINT_RULES:
			ret = parse_rules_opt(c, optarg, o, err, errlen);
			if (ret)
				return ret;
			break;
		default: /* '?' or ':' */
			return bad_option(c, optind > 0 && optind <= argc ? argv[optind - 1] : NULL,
					  err, errlen);
		}
	}
	if (optind < argc)
		return usage_error(err, errlen, "unexpected argument '%s'", argv[optind]);
	apply_profile(o);
	if (o->slice_min_ns > o->slice_ns)
		return usage_error(err, errlen,
				   "option -S/--slice-min-us (%llu us) must not exceed "
				   "-s/--slice-us (%llu us)",
				   (unsigned long long)(o->slice_min_ns / 1000),
				   (unsigned long long)(o->slice_ns / 1000));
	if (!cland_policy_is_path(o->policy) && !cland_policy_find(o->policy))
		return usage_error(
			err, errlen,
			"option -p/--policy: unknown policy '%s' (see --list-policies; a "
			"plug-in is given by its path, e.g. ./%s.so)",
			o->policy, o->policy);
	return check_watch_opts(o, max_mb_set, err, errlen);
}

void cland_usage(FILE *f, const char *prog)
{
	const struct cland_policy *const *p;
	const struct cland_profile *pr;

	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"\n"
		"A sched_ext CPU scheduler whose policy runs in user space.\n"
		"\n"
		"Options:\n"
		"  -s, --slice-us N       maximum time slice, in us (default %llu, at most %llu)\n"
		"  -S, --slice-min-us N   minimum time slice, in us (default %llu, at most -s)\n"
		"      --partial          schedule only tasks that set SCHED_EXT "
		"(default: all tasks)\n"
		"      --stall-ms N       schedule in BPF alone when the daemon has not run for\n"
		"                         N ms while tasks wait (default %llu, 0: never)\n"
		"  -p, --policy NAME|PATH scheduling policy (default %s), or a plug-in .so\n"
		"  -l, --list-policies    list the policies and exit\n"
		"  -v, --verbose          print the counters every second\n"
		"      --stats SECS       print a line of statistics every SECS while scheduling\n"
		"      --monitor SECS     watch the running scx_cland: its statistics every SECS\n"
		"                         (schedules nothing; waits for one to start)\n"
		"      --help-stats       describe every statistic and exit\n"
		"      --stats-socket PATH  the stats server's socket (scx_stats protocol;\n"
		"                         default %s, 'none': no server)\n"
		"      --metrics ADDR:PORT  serve Prometheus metrics on http://ADDR:PORT/metrics\n"
		"                         (PORT alone: %s)\n"
		"      --record FILE      record every task and decision to FILE (cland-sim\n"
		"                         --replay FILE replays it)\n"
		"      --record-max-mb N  stop recording (not scheduling) at N MiB (default %llu)\n"
		"      --rules FILE       scheduling rules by command name, cgroup or uid (JSON,\n"
		"                         scx_cland(8)); checked before anything is loaded\n"
		"      --profile NAME     a preset of policy, slices and rules (below); options\n"
		"                         given explicitly win, --rules replaces its rules\n"
		"      --print-rules      print the rules in force (file or profile) and exit\n"
		"      --control-socket PATH  where `scx_cland ctl` reaches the daemon\n"
		"                         (default %s, 'none': no control socket)\n"
		"  -V, --version          print the version and exit\n"
		"  -h, --help             print this help and exit\n"
		"\n"
		"Policies:",
		prog ? prog : "scx_cland", CLAND_DEFAULT_SLICE_US, CLAND_MAX_SLICE_US,
		CLAND_DEFAULT_SLICE_MIN_US, CLAND_DEFAULT_STALL_MS, CLAND_DEFAULT_POLICY,
		CLAND_STATS_SOCKET, CLAND_DEFAULT_METRICS_ADDR, CLAND_DEFAULT_RECORD_MAX_MB,
		CLAND_CONTROL_SOCKET);
	for (p = cland_policies; *p; p++)
		fprintf(f, " %s", (*p)->name);
	fprintf(f, "\nProfiles:");
	for (pr = cland_profiles; pr->name; pr++)
		fprintf(f, " %s", pr->name);
	fprintf(f,
		"\n"
		"\n"
		"Control a running scx_cland: %s ctl status|policy NAME|set slice-us N|rules "
		"reload\n"
		"\n"
		"Exit codes: %d success, %d runtime error, %d usage error.\n",
		prog ? prog : "scx_cland", CLAND_EXIT_OK, CLAND_EXIT_RUNTIME, CLAND_EXIT_USAGE);
}
