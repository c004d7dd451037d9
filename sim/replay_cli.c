// SPDX-License-Identifier: GPL-2.0
/*
 * replay_cli.c - the command line of cland-sim --replay and --compare
 * (replay_cli.h): load the recording (or, for --compare, a JSON workload),
 * then one simulation and its report, or every policy side by side.
 */
#include <string.h>

#include "cli.h"
#include "cli_opts.h"
#include "compare.h"
#include "options.h"
#include "replay.h"
#include "replay_cli.h"
#include "report.h"

#define PROG "cland-sim"

struct replay_opts {
	const char *replay, *compare, *plot;
	struct sim_run_opts run;
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

enum { OPT_REPLAY = SIM_OPT_OWN, OPT_COMPARE, OPT_PLOT };

static const struct option longopts[] = {
	{"replay", required_argument, NULL, OPT_REPLAY},
	{"compare", required_argument, NULL, OPT_COMPARE},
	{"plot", required_argument, NULL, OPT_PLOT},
	SIM_RUN_LONGOPTS,
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
	int ret = sim_run_opt(c, &o->run, argv, errf, usage);

	if (ret >= 0) /* an option of a run */
		return ret;
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
	default:
		return sim_cli_bad(errf, usage,
				   "unknown option \"%s\" (with --replay or --compare)",
				   argv[optind - 1]);
	}
}

static int parse(int argc, char **argv, struct replay_opts *o, FILE *errf)
{
	int c, ret;

	*o = (struct replay_opts){0};
	sim_run_opts_init(&o->run);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:s:S:h", longopts, NULL)) != -1) {
		ret = parse_one(c, o, argv, errf);
		if (ret)
			return ret;
	}
	if (o->run.help)
		return 0;
	if (optind < argc)
		return sim_cli_bad(errf, usage, "unexpected argument \"%s\"", argv[optind]);
	if (!!o->replay == !!o->compare)
		return sim_cli_bad(errf, usage, "give one of --replay FILE and --compare FILE");
	if (o->plot && !o->compare)
		return sim_cli_bad(errf, usage, "--plot DIR goes with --compare");
	if (o->compare && (o->run.json || o->run.trace))
		return sim_cli_bad(errf, usage, "--compare prints a table: no --json nor --trace");
	if (o->run.slice_min_us > o->run.slice_us)
		return sim_cli_bad(errf, usage, "--slice-min-us is larger than --slice-us");
	if (!cland_policy_find(o->run.policy))
		return sim_cli_bad(errf, usage, "--policy: unknown policy \"%s\"", o->run.policy);
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
	if (o.run.help) {
		usage(out);
		return SIM_EXIT_OK;
	}
	if (load(o.replay ? o.replay : o.compare, !!o.compare, &w, &ri, errf))
		return SIM_EXIT_USAGE;
	sim_run_config(&cfg, &o.run, cland_policy_find(o.run.policy), &w, errf);
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
	if (!o.run.json)
		say_replay(out, o.replay, &ri);
	ret = sim_report_run(out, errf, &info, &r, o.run.json, false) ? SIM_EXIT_FAILED
								      : SIM_EXIT_OK;
	sim_result_free(&r);
	sim_workload_free(&w);
	return ret;
}
