/* SPDX-License-Identifier: GPL-2.0 */
/*
 * options.h - the command line of the scx_cland daemon: defaults, limits,
 * exit codes and the parser.
 */
#ifndef __CLAND_OPTIONS_H
#define __CLAND_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLAND_DEFAULT_SLICE_US	   20000ULL
#define CLAND_DEFAULT_SLICE_MIN_US 1000ULL
#define CLAND_MAX_SLICE_US	   10000000ULL /* 10 s: longer is surely a mistake */
#define CLAND_DEFAULT_POLICY	   "deadline"
#define CLAND_DEFAULT_STALL_MS	   50ULL
#define CLAND_MAX_STALL_MS	   4000ULL /* the kernel watchdog fires at 5 s */

/* Exit codes of scx_cland. */
enum cland_exit_code {
	CLAND_EXIT_OK = 0,	/* clean exit (including --help, --version) */
	CLAND_EXIT_RUNTIME = 1, /* runtime error: could not load, scheduler ejected, ... */
	CLAND_EXIT_USAGE = 2,	/* bad command line */
};

struct cland_options {
	uint64_t slice_ns;     /* -s/--slice-us, converted to ns */
	uint64_t slice_min_ns; /* -S/--slice-min-us, converted to ns */
	bool partial;	       /* --partial: only tasks that set SCHED_EXT */
	uint64_t stall_ns;     /* --stall-ms, in ns: degraded mode after; 0: never */
	bool verbose;	       /* -v/--verbose */
	const char *policy;    /* -p/--policy: a name found in cland_policies */
	bool list_policies;    /* -l/--list-policies */
	bool help;	       /* -h/--help */
	bool version;	       /* -V/--version */
};

/* Fill @o with the defaults. */
void cland_options_defaults(struct cland_options *o);

/*
 * Parse @argv into @o (defaults first). Returns CLAND_EXIT_OK, or
 * CLAND_EXIT_USAGE with a one-line message naming the offending option and
 * value in @err (if @err is not NULL). Prints nothing. May be called again:
 * getopt's state is reset on each call. @o->policy may point into @argv.
 */
int cland_parse_options(int argc, char **argv, struct cland_options *o, char *err, size_t errlen);

/* Print the usage text, with defaults, policies and exit codes, to @f. */
void cland_usage(FILE *f, const char *prog);

#endif /* __CLAND_OPTIONS_H */
