// SPDX-License-Identifier: GPL-2.0
/*
 * cli_opts.c - the options and messages cland-sim's command lines share
 * (cli_opts.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_opts.h"
#include "options.h"

#define PROG "cland-sim"

int sim_cli_bad(FILE *errf, sim_usage_fn *usage, const char *fmt, ...)
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

int sim_cli_number(FILE *errf, sim_usage_fn *usage, const char *name, const char *arg, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = (*arg >= '0' && *arg <= '9') ? strtoull(arg, &end, 10) : 0;
	if (*arg < '0' || *arg > '9' || *end || errno || v < min || v > max)
		return sim_cli_bad(errf, usage, "%s: \"%s\" is not a number in %llu..%llu", name,
				   arg, (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

void sim_run_opts_init(struct sim_run_opts *o)
{
	*o = (struct sim_run_opts){.policy = CLAND_DEFAULT_POLICY,
				   .seed = SIM_DEFAULT_SEED,
				   .slice_us = CLAND_DEFAULT_SLICE_US,
				   .slice_min_us = CLAND_DEFAULT_SLICE_MIN_US};
}

int sim_run_opt(int c, struct sim_run_opts *o, char **argv, FILE *errf, sim_usage_fn *usage)
{
	switch (c) {
	case 'p':
		o->policy = optarg;
		return 0;
	case SIM_OPT_SEED:
		return sim_cli_number(errf, usage, "--seed", optarg, 0, UINT64_MAX, &o->seed);
	case SIM_OPT_RTT:
		o->rtt_set = true;
		return sim_cli_number(errf, usage, "--rtt-us", optarg, 0, SIM_MAX_US, &o->rtt_us);
	case 's':
		return sim_cli_number(errf, usage, "--slice-us", optarg, 1, CLAND_MAX_SLICE_US,
				      &o->slice_us);
	case 'S':
		return sim_cli_number(errf, usage, "--slice-min-us", optarg, 1, CLAND_MAX_SLICE_US,
				      &o->slice_min_us);
	case SIM_OPT_JSON:
		o->json = true;
		return 0;
	case SIM_OPT_TRACE:
		o->trace = true;
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case ':':
		return sim_cli_bad(errf, usage, "%s: missing argument", argv[optind - 1]);
	default:
		return -1;
	}
}

void sim_run_config(struct sim_config *cfg, const struct sim_run_opts *o,
		    const struct cland_policy *pol, const struct sim_workload *w, FILE *errf)
{
	*cfg = (struct sim_config){.policy = pol,
				   .seed = o->seed,
				   .slice_ns = o->slice_us * 1000,
				   .slice_min_ns = o->slice_min_us * 1000,
				   .trace = o->trace ? errf : NULL};
	cfg->rtt_ns = o->rtt_set ? o->rtt_us * 1000 : w->has_rtt ? w->rtt_ns : SIM_DEFAULT_RTT_NS;
	cfg->costs = w->has_costs ? w->costs : sim_default_costs;
}
