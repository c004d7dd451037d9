// SPDX-License-Identifier: GPL-2.0
/*
 * replay_cli.c - the command line of cland-sim --replay and --compare
 * (replay_cli.h): load the recording (or, for --compare, a JSON workload),
 * then one simulation and its report, or every policy side by side.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "options.h"
#include "replay.h"
#include "replay_cli.h"
#include "report.h"

#define PROG "cland-sim"

struct replay_opts {
	const char *replay, *compare, *plot, *policy;
	uint64_t seed, rtt_us, slice_us, slice_min_us;
	bool rtt_set, json, trace, help;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " --replay FILE [--policy NAME] [--seed N] [--rtt-us N] [-s US]\n"
		"                 [-S US] [--json] [--trace]\n"
		"       " PROG
		" --compare FILE [--plot DIR] [--seed N] [--rtt-us N] [-s US] [-S US]\n"
		"Replay a recording of scx_cland (scx_cland --record FILE) through a policy of "
		"the\n"
		"simulator: each recorded task becomes a task with its bursts, sleeps, nice "
		"level,\n"
		"CPUs and lifetime (sim/README.md). --compare runs every policy on it (or on a\n"
		"JSON workload) and prints them side by side; --plot DIR also draws each policy's\n"
		"wake-up latency CDF and per-task CPU share there (gnuplot).\n"
		"Exit status: 0 done, 1 the simulation failed, 2 bad command line or file.\n");
}

static int __attribute__((format(printf, 2, 3))) bad(FILE *errf, const char *fmt, ...)
{
	va_list ap;

	fprintf(errf, PROG ": ");
	va_start(ap, fmt);
	vfprintf(errf, fmt, ap);
	va_end(ap);
	fprintf(errf, "\n");
	usage(errf);
	return SIM_EXIT_USAGE;
}

static int number(FILE *errf, const char *name, const char *arg, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = (*arg >= '0' && *arg <= '9') ? strtoull(arg, &end, 10) : 0;
	if (*arg < '0' || *arg > '9' || *end || errno || v < min || v > max)
		return bad(errf, "%s: \"%s\" is not a number in %llu..%llu", name, arg,
			   (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

enum { OPT_REPLAY = 256, OPT_COMPARE, OPT_PLOT, OPT_SEED, OPT_RTT, OPT_JSON, OPT_TRACE };

static const struct option longopts[] = {
	{"replay", required_argument, NULL, OPT_REPLAY},
	{"compare", required_argument, NULL, OPT_COMPARE},
	{"plot", required_argument, NULL, OPT_PLOT},
	{"policy", required_argument, NULL, 'p'},
	{"seed", required_argument, NULL, OPT_SEED},
	{"rtt-us", required_argument, NULL, OPT_RTT},
	{"slice-us", required_argument, NULL, 's'},
	{"slice-min-us", required_argument, NULL, 'S'},
	{"json", no_argument, NULL, OPT_JSON},
	{"trace", no_argument, NULL, OPT_TRACE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

bool sim_replay_cli_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--replay", 8) || !strncmp(argv[i], "--compare", 9))
			return true;
	}
	return false;
}

static int parse_one(int c, struct replay_opts *o, char **argv, FILE *errf)
{
	switch (c) {
	case OPT_REPLAY:
		o->replay = optarg;
		return 0;
	case OPT_COMPARE:
		o->compare = optarg;
		return 0;
	case OPT_PLOT:
		o->plot = optarg;
		return 0;
	case 'p':
		o->policy = optarg;
		return 0;
	case OPT_SEED:
		return number(errf, "--seed", optarg, 0, UINT64_MAX, &o->seed);
	case OPT_RTT:
		o->rtt_set = true;
		return number(errf, "--rtt-us", optarg, 0, SIM_MAX_US, &o->rtt_us);
	case 's':
		return number(errf, "--slice-us", optarg, 1, CLAND_MAX_SLICE_US, &o->slice_us);
	case 'S':
		return number(errf, "--slice-min-us", optarg, 1, CLAND_MAX_SLICE_US,
			      &o->slice_min_us);
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_TRACE:
		o->trace = true;
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case ':':
		return bad(errf, "%s: missing argument", argv[optind - 1]);
	default:
		return bad(errf, "unknown option \"%s\" (with --replay or --compare)",
			   argv[optind - 1]);
	}
}

static int parse(int argc, char **argv, struct replay_opts *o, FILE *errf)
{
	int c, ret;

	*o = (struct replay_opts){.policy = CLAND_DEFAULT_POLICY,
				  .seed = SIM_DEFAULT_SEED,
				  .slice_us = CLAND_DEFAULT_SLICE_US,
				  .slice_min_us = CLAND_DEFAULT_SLICE_MIN_US};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:s:S:h", longopts, NULL)) != -1) {
		ret = parse_one(c, o, argv, errf);
		if (ret)
			return ret;
	}
	if (o->help)
		return 0;
	if (optind < argc)
		return bad(errf, "unexpected argument \"%s\"", argv[optind]);
	if (!!o->replay == !!o->compare)
		return bad(errf, "give one of --replay FILE and --compare FILE");
	if (o->plot && !o->compare)
		return bad(errf, "--plot DIR goes with --compare");
	if (o->compare && (o->json || o->trace))
		return bad(errf, "--compare prints a table: no --json nor --trace");
	if (o->slice_min_us > o->slice_us)
		return bad(errf, "--slice-min-us is larger than --slice-us");
	if (!cland_policy_find(o->policy))
		return bad(errf, "--policy: unknown policy \"%s\"", o->policy);
	return 0;
}

static void say_replay(FILE *f, const char *path, const struct sim_replay_info *ri)
{
	fprintf(f,
		"replay of %s: recorded under policy %s, %.3f s; %d tasks (%d never seen waking: "
		"CPU hogs), %llu tasks queued to the policy, %llu decisions%s",
		path, ri->policy[0] ? ri->policy : "?", (double)ri->duration_ns / 1e9, ri->nr_tasks,
		ri->nr_hogs, (unsigned long long)ri->nr_queued,
		(unsigned long long)ri->nr_decisions,
		ri->cut ? "; the recording was cut short (size limit)" : "");
	if (ri->nr_dropped)
		fprintf(f, "; %llu events lost by the recorder",
			(unsigned long long)ri->nr_dropped);
	fprintf(f, "\n\n");
}

static int load(const char *path, bool json_ok, struct sim_workload *w, struct sim_replay_info *ri,
		FILE *errf)
{
	char err[512];
	int ret;

	memset(ri, 0, sizeof(*ri));
	if (json_ok && !sim_replay_is_trace(path))
		ret = sim_workload_load(path, w, err, sizeof(err));
	else
		ret = sim_replay_load(path, w, ri, err, sizeof(err));
	if (ret)
		fprintf(errf, PROG ": %s\n", err);
	return ret;
}

int sim_replay_cli_main(int argc, char **argv, FILE *out, FILE *errf)
{
	struct replay_opts o;
	struct sim_replay_info ri;
	struct sim_workload w;
	struct sim_result r;
	struct sim_config cfg;
	struct sim_run_info info;
	char err[512], title[600];
	int ret = parse(argc, argv, &o, errf);

	if (ret)
		return ret;
	if (o.help) {
		usage(out);
		return SIM_EXIT_OK;
	}
	if (load(o.replay ? o.replay : o.compare, !!o.compare, &w, &ri, errf))
		return SIM_EXIT_USAGE;
	cfg = (struct sim_config){.policy = cland_policy_find(o.policy),
				  .seed = o.seed,
				  .slice_ns = o.slice_us * 1000,
				  .slice_min_ns = o.slice_min_us * 1000,
				  .trace = o.trace ? errf : NULL};
	cfg.rtt_ns = o.rtt_set ? o.rtt_us * 1000 : w.has_rtt ? w.rtt_ns : SIM_DEFAULT_RTT_NS;
	cfg.costs = w.has_costs ? w.costs : sim_default_costs;
	if (o.compare) {
		snprintf(title, sizeof(title), "%s", o.compare);
		if (ri.nr_tasks)
			say_replay(out, o.compare, &ri);
		ret = sim_compare(&w, &cfg, title, o.plot, out, errf);
		sim_workload_free(&w);
		return ret;
	}
	info = (struct sim_run_info){.workload = o.replay, .w = &w, .cfg = &cfg};
	if (sim_run(&w, &cfg, &r, err, sizeof(err))) {
		fprintf(errf, PROG ": %s\n", err);
		sim_workload_free(&w);
		return SIM_EXIT_FAILED;
	}
	if (!o.json)
		say_replay(out, o.replay, &ri);
	ret = sim_report_run(out, errf, &info, &r, o.json, false) ? SIM_EXIT_FAILED : SIM_EXIT_OK;
	sim_result_free(&r);
	sim_workload_free(&w);
	return ret;
}
