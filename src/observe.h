/* SPDX-License-Identifier: GPL-2.0 */
/*
 * observe.h - wires what watches the daemon into its main loop: the stats
 * collector, the scx_stats server, /metrics, the --stats line and the trace
 * recorder, as the services and the observer of struct cland_run_opts.
 * main.c calls these four and nothing else of them.
 */
#ifndef __CLAND_OBSERVE_H
#define __CLAND_OBSERVE_H

#include "cland.h"
#include "options.h"

/*
 * Before the first attachment: open /metrics and the recording if asked.
 * Returns CLAND_EXIT_OK, or CLAND_EXIT_RUNTIME after saying why on stderr.
 */
int observe_open(const struct cland_options *o, const struct cland_policy *pol,
		 const char *version);
/*
 * After each cland_open() and the policy's start: count this attachment,
 * open the stats server the first time (a failure is only a warning), and
 * fill @ro's services and observer.
 */
void observe_attach(struct cland_sched *s, const struct cland_policy *pol, void *ctx,
		    struct cland_run_opts *ro);
/* The policy is now @name (a swap): what the stats report from now on (@name stays valid). */
void observe_set_policy(const char *name);
/* After cland_run(), before cland_close(): keep that attachment's counters. */
void observe_detach(void);
/* At exit: finish the recording (its END record), close the servers. */
void observe_close(void);

#endif /* __CLAND_OBSERVE_H */
