/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - the policy the daemon's main loop drives: the current policy
 * (built in or a plug-in), swappable while the BPF scheduler stays attached,
 * with the rules' verdict filled into every task before the policy sees it.
 *
 * To cland_run() the runner is one struct cland_policy (runner_policy, its
 * ctx the struct runner). It keeps a copy of each task the policy holds (a
 * table allocated at start), so that a swap can hand them to the next
 * policy: at the first dispatch() after runner_request_policy(), the new
 * policy (already initialised, outside the hot path) gets every task the old
 * one holds; what the old one holds that the table missed is drained from
 * it (dispatched as it decides). Counted: tasks moved, drained, lost (must
 * be 0). The decisions' keys stay on one scale across a swap (an offset
 * brings the new policy's keys up to where the old one's were), so tasks the
 * backend still holds from before are not left behind.
 *
 * What the backend must know of a task's rule (its CPU set, whether it is
 * latency-critical: struct cland_task_rule) is written to it (through
 * struct runner_backend) when the task's verdict is evaluated.
 */
#ifndef __CLAND_RUNNER_H
#define __CLAND_RUNNER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroups.h"
#include "policy.h"
#include "rules.h"
#include "verdict.h"

#define RUNNER_HELD_SLOTS    16384 /* tasks held by the policy, tracked: half that at most */
#define RUNNER_VERDICT_TASKS 65536 /* tasks whose verdict is cached */

/* What the runner needs of the backend (the daemon: libcland; tests: a fake). */
struct runner_backend {
	void *be;
	/* write (@rule) or remove (NULL) what the backend holds of task @pid's rule: 0 or -errno */
	int (*set_rule)(void *be, int32_t pid, const struct cland_task_rule *rule);
	/* make the backend look the rules up, or not */
	void (*enable_rules)(void *be, bool on);
};

struct runner_policy_slot {
	const struct cland_policy *pol;
	void *ctx;
	void *handle;	       /* a plug-in's dlopen handle, NULL for a built-in */
	char source[PATH_MAX]; /* what it was loaded by: a name or a path */
	struct cland_policy_cfg cfg;
};

struct held_slot;

struct runner {
	struct runner_policy_slot cur;	/* the policy */
	struct runner_policy_slot next; /* swapped in at the next dispatch (pol NULL: none) */
	struct runner_policy_slot old;	/* being drained (pol NULL: none) */
	struct cland_host host;
	bool attached;
	struct runner_backend be;
	/* rules */
	bool has_rules;
	struct rules rules;
	char rules_path[PATH_MAX]; /* the file, "" for a profile's */
	struct verdict_cache vc;
	bool vc_ready;
	struct cgroup_map cg;
	bool cg_ready;
	bool rules_on; /* the backend looks rules up */
	/* the tasks the policy holds: open addressing by pid */
	struct held_slot *held;
	uint32_t nr_held;
	/* keys: offset of the current policy's, of the one draining, the latest given */
	uint64_t key_offset, old_offset, key_hi;
	bool key_hi_set, offset_pending;
	/* the swap in progress */
	uint64_t swap_n_old, swap_skipped, swap_moved, swap_drained;
	/* counters */
	uint64_t swap_seq; /* swaps done */
	uint64_t swap_req; /* swaps asked for */
	uint64_t nr_moved, nr_drained, nr_lost;
	uint64_t nr_held_overflow; /* tasks the table had no room for */
	uint64_t nr_rules_set, nr_rules_cleared, nr_rules_failed; /* in the backend */
	struct cland_policy_stats retired;			  /* of the policies swapped out */
	char last_swap[512];					  /* what the last swap did */
};

/*
 * Load policy @name (built in, or a plug-in path) with @cfg. Returns 0, or
 * -1 with a message in @err (nothing stays loaded).
 */
int runner_init(struct runner *rn, const char *name, const struct cland_policy_cfg *cfg, char *err,
		size_t errlen);
void runner_free(struct runner *rn);

/*
 * Use @rules (taken over; NULL: none) read from @path ("" for a profile's).
 * While attached, what the backend holds of the rules of the tasks whose
 * verdict changes is rewritten at once. Returns 0 or -ENOMEM.
 */
int runner_set_rules(struct runner *rn, struct rules *rules, const char *path);

/* Start the current policy on @host, with @be (NULL: none). 0 or -errno (said on stderr). */
int runner_attach(struct runner *rn, const struct cland_host *host,
		  const struct runner_backend *be);
/* Stop the policy (a pending swap takes effect for the next attach). */
void runner_detach(struct runner *rn);

/* What cland_run() drives; its ctx is the struct runner. */
extern const struct cland_policy runner_policy;

/*
 * Swap to policy @name (NULL: the current one again) with @cfg (NULL: the
 * current one's): it is loaded and initialised now, and takes over at the
 * next dispatch. Returns the swap's number (runner_swap_done() tells when it
 * is done), or -1 with a message in @err.
 */
int64_t runner_request_policy(struct runner *rn, const char *name,
			      const struct cland_policy_cfg *cfg, char *err, size_t errlen);
/* Swap number @seq is done. */
bool runner_swap_done(const struct runner *rn, int64_t seq);

/* Periodic work outside the hot path (the cgroup table walked again when needed). */
void runner_service(struct runner *rn, uint64_t now_ns);

/* The current policy's name ("fifo", or "mine (./mine.so)" for a plug-in) into @buf. */
const char *runner_policy_name(const struct runner *rn, char *buf, size_t len);

#endif /* __CLAND_RUNNER_H */
