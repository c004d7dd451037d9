/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rules.h - scx_cland's rules (--rules FILE, the profiles' presets): which
 * tasks they match (comm, exact or glob; cgroup path prefix; uid) and the
 * verdict they give (latency-critical, background, weight multiplier, fixed
 * slice, CPU set). Parsing and validation of the JSON file (json-c), and the
 * matching. Shared by the daemon and cland-sim. The schema is in the README
 * ("Rules and profiles") and in scx_cland(8).
 */
#ifndef __CLAND_RULES_H
#define __CLAND_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intf.h"

#define RULES_MAX	    1024      /* rules in a file */
#define RULE_NAME_LEN	    64	      /* a rule's "name", NUL included */
#define RULE_COMM_PAT_LEN   64	      /* a "comm" pattern, NUL included */
#define RULE_CGROUP_LEN	    512	      /* a "cgroup" path, NUL included */
#define RULE_MAX_WEIGHT_PCT 10000     /* "weight": 0.01 .. 100 */
#define RULES_MAX_FILE	    (1 << 20) /* bytes of a rules file */

/* What a rule does to the tasks it matches. */
struct rule_verdict {
	uint32_t flags;	     /* enum cland_verdict_flags */
	uint64_t slice_ns;   /* fixed slice; 0: none */
	uint32_t weight_pct; /* weight multiplier x 100; 0: none */
	bool has_cpus;
	struct cland_cpuset cpus; /* when has_cpus: never empty */
};

struct rule {
	char name[RULE_NAME_LEN]; /* "" if the file gives none */
	/* what it matches: every criterion given must hold */
	bool has_comm, comm_glob, has_cgroup, has_uid;
	char comm[RULE_COMM_PAT_LEN];
	char cgroup[RULE_CGROUP_LEN]; /* "/..." without a trailing '/', or "/" */
	uint32_t uid;
	struct rule_verdict v;
};

struct rules {
	char source[256]; /* the file, or "profile NAME" */
	int nr;
	struct rule *r;
	bool any_cgroup; /* some rule matches by cgroup */
	bool any_cpus;	 /* some rule has a CPU set */
	bool any_bpf;	 /* some rule the backend must know of (rules_task_rule()) */
};

/*
 * Parse and validate @text (@source names it in messages) for a machine of
 * @nr_cpus CPUs. Returns 0, or -1 with one line in @err naming @source, the
 * rule (number from 1, and name) and the problem; *@out is then empty.
 */
int rules_parse(const char *text, size_t len, const char *source, int nr_cpus, struct rules *out,
		char *err, size_t errlen);
/* Read @path and parse it as above (an unreadable file is an error too). */
int rules_load(const char *path, int nr_cpus, struct rules *out, char *err, size_t errlen);
void rules_free(struct rules *r);

/*
 * The index of the first rule matching a task, -1 if none. @cgroup_path is
 * the path of its cgroup under the cgroup2 root ("/" for the root), or NULL
 * when it is not known (then no cgroup rule matches).
 */
int rules_match(const struct rules *r, const char *comm, uint32_t uid, const char *cgroup_path);

/*
 * What the backend must know of rule @idx of @r (-1: none; else below
 * r->nr) in *@out (if not NULL): its CPU set, whether it is
 * latency-critical or background. False when it needs to know nothing.
 */
bool rules_task_rule(const struct rules *r, int idx, struct cland_task_rule *out);

/* One line describing @r's verdict ("latency_critical slice_us=500 cpus=0-3"). */
void rules_verdict_str(const struct rule *r, char *buf, size_t len);

/* A glob of the rules: '*', '?', '[...]' ('!' or '^' negates, ranges), '\' escapes. */
bool rules_glob_match(const char *pat, const char *s);
/* NULL if @pat is a valid glob, else what is wrong with it. */
const char *rules_glob_error(const char *pat);
/* @pat has a glob's special characters. */
bool rules_is_glob(const char *pat);

/*
 * A CPU list ("0-3,8") into @set, for a machine of @nr_cpus CPUs. NULL, or
 * what is wrong (in @buf, @len bytes).
 */
const char *rules_parse_cpulist(const char *s, int nr_cpus, struct cland_cpuset *set, char *buf,
				size_t len);
/* @set as a CPU list ("0-3,8") into @buf. */
void rules_format_cpulist(const struct cland_cpuset *set, char *buf, size_t len);

#endif /* __CLAND_RULES_H */
