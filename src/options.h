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
#include <sys/socket.h>

#define CLAND_DEFAULT_SLICE_US	    20000ULL
#define CLAND_DEFAULT_SLICE_MIN_US  1000ULL
#define CLAND_MAX_SLICE_US	    10000000ULL /* 10 s: longer is surely a mistake */
#define CLAND_DEFAULT_POLICY	    "deadline"
#define CLAND_DEFAULT_STALL_MS	    50ULL
#define CLAND_MAX_STALL_MS	    4000ULL /* the kernel watchdog fires at 5 s */
#define CLAND_MAX_STATS_S	    3600U   /* --stats, --monitor: at most an hour apart */
#define CLAND_DEFAULT_RECORD_MAX_MB 256ULL
#define CLAND_MAX_RECORD_MAX_MB	    (1ULL << 20) /* 1 TiB */
#define CLAND_DEFAULT_METRICS_ADDR  "127.0.0.1"	 /* --metrics PORT */

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
	/* watching it */
	unsigned int stats_s;		      /* --stats SECS: the stats line every SECS; 0: none */
	unsigned int monitor_s;		      /* --monitor SECS: watch a running scx_cland; 0: no */
	bool help_stats;		      /* --help-stats */
	const char *stats_socket;	      /* --stats-socket PATH; NULL: no stats server */
	const char *metrics;		      /* --metrics ADDR:PORT as given; NULL: no /metrics */
	struct sockaddr_storage metrics_addr; /* ... parsed */
	socklen_t metrics_addr_len;
	const char *record;	   /* --record FILE; NULL: no recording */
	uint64_t record_max_bytes; /* --record-max-mb, in bytes */
	/* workload-specific scheduling */
	const char *rules;	    /* --rules FILE; NULL: the profile's, else none */
	const char *profile;	    /* --profile NAME; NULL: none */
	const char *control_socket; /* --control-socket PATH; NULL: no control socket */
	bool print_rules;	    /* --print-rules: show the rules in force and exit */
	bool slice_set, slice_min_set,
		policy_set; /* given explicitly: the profile's do not apply */
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

/*
 * Parse a listening address: "ADDR:PORT" (IPv4), "[ADDR]:PORT" (IPv6) or
 * "PORT" (CLAND_DEFAULT_METRICS_ADDR); port 1..65535. Returns 0, or -1.
 */
int cland_parse_listen_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

/* Print the usage text, with defaults, policies and exit codes, to @f. */
void cland_usage(FILE *f, const char *prog);

#endif /* __CLAND_OPTIONS_H */
