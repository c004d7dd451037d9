/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_opts.h - what cland-sim's command lines (cli.c: a simulation and
 * --bench; replay_cli.c: --replay and --compare) share: the options of a
 * run (--policy, --seed, --rtt-us, -s, -S, --json, --trace, --help), their
 * numbers checked, the messages of a bad command line, and the simulation's
 * configuration they make.
 */
#ifndef __CLAND_SIM_CLI_OPTS_H
#define __CLAND_SIM_CLI_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"

/* The options of a run. */
struct sim_run_opts {
	const char *policy;
	uint64_t seed;
	bool rtt_set;
	uint64_t rtt_us;
	uint64_t slice_us;
	uint64_t slice_min_us;
	bool json;
	bool trace;
	bool help;
};

/* getopt_long's values of the long-only options; a command line's own start at SIM_OPT_OWN. */
enum { SIM_OPT_SEED = 256, SIM_OPT_RTT, SIM_OPT_JSON, SIM_OPT_TRACE, SIM_OPT_OWN };

/* The entries of a struct option[] for the options of a run. */
/* clang-format off */
#define SIM_RUN_LONGOPTS						\
	{"policy", required_argument, NULL, 'p'},			\
	{"seed", required_argument, NULL, SIM_OPT_SEED},		\
	{"rtt-us", required_argument, NULL, SIM_OPT_RTT},		\
	{"slice-us", required_argument, NULL, 's'},			\
	{"slice-min-us", required_argument, NULL, 'S'},			\
	{"json", no_argument, NULL, SIM_OPT_JSON},			\
	{"trace", no_argument, NULL, SIM_OPT_TRACE},			\
	{"help", no_argument, NULL, 'h'}
/* clang-format on */

/* A command line's usage text. */
typedef void sim_usage_fn(FILE *f);

/* "cland-sim: MESSAGE" and @usage on @errf; returns SIM_EXIT_USAGE. */
__attribute__((format(printf, 3, 4))) int sim_cli_bad(FILE *errf, sim_usage_fn *usage,
						      const char *fmt, ...);
/*
 * @arg, a whole number in [@min, @max], into *@out: 0; else SIM_EXIT_USAGE
 * after sim_cli_bad()'s "NAME: "ARG" is not a number in MIN..MAX".
 */
int sim_cli_number(FILE *errf, sim_usage_fn *usage, const char *name, const char *arg, uint64_t min,
		   uint64_t max, uint64_t *out);

/* The defaults of a run. */
void sim_run_opts_init(struct sim_run_opts *o);
/*
 * getopt_long's @c into @o when it is an option of a run or ':' (a missing
 * argument): 0, or SIM_EXIT_USAGE (told on @errf). -1: not one of them.
 */
int sim_run_opt(int c, struct sim_run_opts *o, char **argv, FILE *errf, sim_usage_fn *usage);
/*
 * The configuration of a run of @pol on @w as @o says: the round trip is
 * --rtt-us, else the workload's, else the default; the costs the workload's,
 * else the defaults; the trace (--trace) on @errf.
 */
void sim_run_config(struct sim_config *cfg, const struct sim_run_opts *o,
		    const struct cland_policy *pol, const struct sim_workload *w, FILE *errf);

#endif /* __CLAND_SIM_CLI_OPTS_H */
