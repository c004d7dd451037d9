// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - cland-sim's command line: options, usage text, and the sequence
 * load workload -> simulate -> report, with its exit codes.
 */
#include <stdbool.h>
#include <string.h>

#include "bench.h"
#include "calibrate.h"
#include "cli.h"
#include "cli_opts.h"
#include "engine.h"
#include "options.h"
#include "plugin.h"
#include "replay_cli.h"
#include "report.h"
#include "sim_rules.h"
#include "workload.h"

#define PROG "cland-sim"

struct sim_opts {
	struct sim_run_opts run; /* --policy, --seed, --rtt-us, -s, -S, --json, --trace, --help */
	const char *workload;
	bool list;
	bool bench;
	uint64_t bench_decisions;
	const char *workloads[SIM_BENCH_MAX_WORKLOADS]; /* every -w, for --bench */
	int nr_workloads;
	const char *rules; /* --rules FILE (sim_rules.h) */
	bool check;	   /* --check: exit 1 when a check fails */
	const char *costs; /* --costs LIST: over the workload's, else the defaults */
	bool no_costs;	   /* --no-costs */
};

static void usage(FILE *f)
{
	const struct cland_policy *const *p;

	fprintf(f,
		"Usage: " PROG " --workload FILE.json [--policy NAME] [--seed N] [--json]\n"
		"                 [--rtt-us N] [-s US] [-S US] [--trace] [--rules FILE]\n"
		"       " PROG " --bench [--policy NAME|all] [--bench-decisions N] [-w FILE]...\n"
		"Simulate scx_cland running policy NAME on the CPUs and tasks of FILE.json\n"
		"(schema: sim/README.md); print per-group CPU shares and wake-up latencies.\n"
		"With --bench: time the policy's own decisions (dispatch + enqueue) on one\n"
		"core with 1k, 10k and 100k tasks waiting, 256 CPUs (every policy when NAME\n"
		"is \"all\", the default one otherwise), then the whole simulator on each\n"
		"FILE given (decisions per second of wall time).\n"
		"\n"
		"  -p, --policy NAME      policy to run (default: %s), or a plug-in: ./x.so\n"
		"  -w, --workload FILE    the workload (JSON); required, except with --bench\n"
		"      --seed N           seed of the \"exp\" distributions (default: %llu)\n"
		"      --json             print a JSON document instead of a table\n"
		"      --trace            print every event (wake-up, decision, run...) to stderr\n"
		"      --rtt-us N         round trip through user space per decision, in us\n"
		"                         (default: the workload's rtt_us, else %llu)\n"
		"  -s, --slice-us N       maximum slice in us (default: %llu)\n"
		"  -S, --slice-min-us N   minimum slice in us (default: %llu)\n"
		"      --rules FILE       scx_cland's rules (--rules): each group's tasks get the\n"
		"                         verdict of the rule matching its name, as comm\n"
		"      --check            exit 1 when a check fails (lost or stranded tasks,\n"
		"                         waits over the backend's limits, rejected decisions,\n"
		"                         hot-path allocations, CPU shares); one line per\n"
		"                         failure on stderr\n"
		"      --costs LIST       what costs, in us: switch=US,preempt=US,round=US,\n"
		"                         decision=US,tick=US (default: the workload's costs,\n"
		"                         else measured in the VM: sim/README.md)\n"
		"      --no-costs         an ideal machine: switches, IPIs, the daemon are free\n"
		"      --bench            benchmarks instead of a simulation (see above)\n"
		"      --bench-decisions N  decisions per timed repetition (default: %llu)\n"
		"  -l, --list-policies    list the policies and exit\n"
		"  -h, --help             print this help and exit\n"
		"\n"
		"Policies:",
		CLAND_DEFAULT_POLICY, (unsigned long long)SIM_DEFAULT_SEED,
		(unsigned long long)SIM_DEFAULT_RTT_NS / 1000, CLAND_DEFAULT_SLICE_US,
		CLAND_DEFAULT_SLICE_MIN_US, (unsigned long long)SIM_BENCH_DECISIONS);
	for (p = cland_policies; *p; p++)
		fprintf(f, " %s", (*p)->name);
	fprintf(f, "\nExit status: 0 done, 1 the simulation failed (policy error), "
		   "2 bad command line or workload.\n");
	fprintf(f, "Recordings (scx_cland --record FILE): " PROG " --replay FILE [--policy NAME]\n"
		   "replays one through a policy, " PROG " --compare FILE [--plot DIR] through\n"
		   "every policy, side by side (sim/README.md).\n");
}

static void list_policies(FILE *f)
{
	const struct cland_policy *const *p;

	for (p = cland_policies; *p; p++)
		fprintf(f, "%-12s %s\n", (*p)->name, (*p)->summary);
}

enum {
	OPT_BENCH = SIM_OPT_OWN,
	OPT_BENCH_DECISIONS,
	OPT_RULES,
	OPT_CHECK,
	OPT_COSTS,
	OPT_NO_COSTS
};

static int parse_opt(int c, struct sim_opts *o, FILE *errf, char **argv)
{
	int ret = sim_run_opt(c, &o->run, argv, errf, usage);

	if (ret >= 0) /* an option of a run */
		return ret;
	switch (c) {
	case 'w':
		o->workload = optarg;
		if (o->nr_workloads == SIM_BENCH_MAX_WORKLOADS)
			return sim_cli_bad(errf, usage, "more than %d workloads",
					   SIM_BENCH_MAX_WORKLOADS);
		o->workloads[o->nr_workloads++] = optarg;
		return 0;
	case OPT_BENCH:
		o->bench = true;
		return 0;
	case OPT_BENCH_DECISIONS:
		return sim_cli_number(errf, usage, "--bench-decisions", optarg, 1, 1000000000,
				      &o->bench_decisions);
	case OPT_RULES:
		o->rules = optarg;
		return 0;
	case OPT_CHECK:
		o->check = true;
		return 0;
	case OPT_COSTS: {
		struct sim_costs scratch;
		char err[256];

		o->costs = optarg;
		if (!sim_costs_parse(optarg, &scratch, err, sizeof(err)))
			return 0;
		return sim_cli_bad(errf, usage, "--costs: %s", err);
	}
	case OPT_NO_COSTS:
		o->no_costs = true;
		return 0;
	case 'l':
		o->list = true;
		return 0;
	default:
		if (optopt)
			return sim_cli_bad(errf, usage, "unknown option \"-%c\"", optopt);
		return sim_cli_bad(errf, usage, "unknown option \"%s\"", argv[optind - 1]);
	}
}

static int parse_args(int argc, char **argv, struct sim_opts *o, FILE *errf)
{
	static const struct option longopts[] = {
		SIM_RUN_LONGOPTS,
		{"workload", required_argument, NULL, 'w'},
		{"bench", no_argument, NULL, OPT_BENCH},
		{"bench-decisions", required_argument, NULL, OPT_BENCH_DECISIONS},
		{"rules", required_argument, NULL, OPT_RULES},
		{"check", no_argument, NULL, OPT_CHECK},
		{"costs", required_argument, NULL, OPT_COSTS},
		{"no-costs", no_argument, NULL, OPT_NO_COSTS},
		{"list-policies", no_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	int c, ret;

	*o = (struct sim_opts){.bench_decisions = SIM_BENCH_DECISIONS};
	sim_run_opts_init(&o->run);
	optind = 0; /* full reset: the function may be called again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:w:s:S:lh", longopts, NULL)) != -1) {
		ret = parse_opt(c, o, errf, argv);
		if (ret)
			return ret;
	}
	if (o->run.help || o->list)
		return 0;
	if (optind < argc)
		return sim_cli_bad(errf, usage, "unexpected argument \"%s\"", argv[optind]);
	if (o->bench && (o->run.json || o->run.trace))
		return sim_cli_bad(errf, usage, "--bench prints a table: no --json nor --trace");
	if (!o->bench && !strcmp(o->run.policy, "all"))
		return sim_cli_bad(errf, usage, "--policy all is for --bench only");
	if (!o->bench && !o->workload)
		return sim_cli_bad(errf, usage, "--workload FILE is required");
	if (o->run.slice_min_us > o->run.slice_us)
		return sim_cli_bad(errf, usage, "--slice-min-us is larger than --slice-us");
	return 0;
}

static int simulate(const struct sim_opts *o, const struct cland_policy *pol, FILE *out, FILE *errf)
{
	struct sim_workload w;
	struct sim_result r;
	struct sim_config cfg;
	struct sim_run_info info = {.workload = o->workload, .w = &w, .cfg = &cfg};
	char err[512];
	int ret = SIM_EXIT_OK;

	if (sim_workload_load(o->workload, &w, err, sizeof(err))) {
		fprintf(errf, PROG ": %s\n", err);
		return SIM_EXIT_USAGE;
	}
	sim_run_config(&cfg, &o->run, pol, &w, errf);
	if (o->no_costs)
		cfg.costs = (struct sim_costs){0};
	if (o->costs) /* checked by parse_opt() */
		sim_costs_parse(o->costs, &cfg.costs, err, sizeof(err));
	if (o->rules && sim_rules_setup(o->rules, &w, pol, &cfg.policy, errf, err, sizeof(err))) {
		fprintf(errf, PROG ": %s\n", err);
		sim_workload_free(&w);
		return SIM_EXIT_USAGE;
	}
	if (sim_run(&w, &cfg, &r, err, sizeof(err))) {
		fprintf(errf, PROG ": %s\n", err);
		sim_workload_free(&w);
		return SIM_EXIT_FAILED;
	}
	ret = sim_report_run(out, errf, &info, &r, o->run.json, o->check) ? SIM_EXIT_FAILED
									  : SIM_EXIT_OK;
	sim_result_free(&r);
	sim_workload_free(&w);
	sim_rules_free();
	return ret;
}

static int bench(const struct sim_opts *o, const struct cland_policy *pol, FILE *out, FILE *errf)
{
	struct sim_bench_args a = {.policy = pol,
				   .decisions = o->bench_decisions,
				   .nr_workloads = o->nr_workloads,
				   .rtt_set = o->run.rtt_set,
				   .cfg = {.seed = o->run.seed,
					   .rtt_ns = o->run.rtt_us * 1000,
					   .slice_ns = o->run.slice_us * 1000,
					   .slice_min_ns = o->run.slice_min_us * 1000}};

	memcpy(a.workloads, o->workloads, sizeof(a.workloads));
	return sim_bench_main(&a, out, errf);
}

/* --policy ./x.so: a plug-in (lib/plugin.h), refused with exit 2 when it breaks the contract. */
static int plugin(const struct sim_opts *o, FILE *out, FILE *errf)
{
	const struct cland_policy *pol;
	char err[1024];
	void *handle;
	int ret;

	if (cland_policy_load(o->run.policy, &pol, &handle, err, sizeof(err))) {
		fprintf(errf, PROG ": --policy: %s\n", err);
		return SIM_EXIT_USAGE;
	}
	ret = o->bench ? bench(o, pol, out, errf) : simulate(o, pol, out, errf);
	cland_policy_unload(handle);
	return ret;
}

int sim_cli_main(int argc, char **argv, FILE *out, FILE *errf)
{
	const struct cland_policy *const *p;
	const struct cland_policy *pol;
	struct sim_opts o;
	int ret;

	if (sim_replay_cli_wanted(argc, argv))
		return sim_replay_cli_main(argc, argv, out, errf);
	if (sim_calibrate_wanted(argc, argv))
		return sim_calibrate_main(argc, argv, out, errf);
	ret = parse_args(argc, argv, &o, errf);
	if (ret)
		return ret;
	if (o.run.help) {
		usage(out);
		return SIM_EXIT_OK;
	}
	if (o.list) {
		list_policies(out);
		return SIM_EXIT_OK;
	}
	if (o.bench && !strcmp(o.run.policy, "all"))
		return bench(&o, NULL, out, errf);
	if (cland_policy_is_path(o.run.policy))
		return plugin(&o, out, errf);
	pol = cland_policy_find(o.run.policy);
	if (!pol) {
		fprintf(errf, PROG ": --policy: unknown policy \"%s\"; known:", o.run.policy);
		for (p = cland_policies; *p; p++)
			fprintf(errf, " %s", (*p)->name);
		fprintf(errf, "\n");
		return SIM_EXIT_USAGE;
	}
	if (o.bench)
		return bench(&o, pol, out, errf);
	return simulate(&o, pol, out, errf);
}
