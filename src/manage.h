/* SPDX-License-Identifier: GPL-2.0 */
/*
 * manage.h - the daemon managed while it runs: the answers to the control
 * socket's requests (status, policy swaps, slices, rules reloads), SIGHUP
 * (reload the rules file), and the periodic work of the rules (cgroup
 * table). main.c calls these; control.c and runner.c do the work.
 */
#ifndef __CLAND_MANAGE_H
#define __CLAND_MANAGE_H

#include <signal.h>

#include "cland.h"
#include "options.h"
#include "runner.h"

/*
 * Before the first attachment: manage @rn for the daemon started with @o;
 * *@reload becomes non-zero on SIGHUP. Nothing is opened yet.
 */
void manage_init(struct runner *rn, const struct cland_options *o, volatile sig_atomic_t *reload);
/*
 * After each attachment to @s: open the control socket the first time (a
 * failure is only a warning), and add the services (control socket,
 * periodic work) to @ro after those already there.
 */
void manage_attach(struct cland_sched *s, struct cland_run_opts *ro);
/* Before cland_close(). */
void manage_detach(void);
/* At exit: close the control socket. */
void manage_close(void);

/*
 * Read the rules again from @file (NULL: the file in force). Returns 0, or
 * -1 with the message in @msg; the rules in force stay then.
 */
int manage_reload_rules(const char *file, char *msg, size_t len);

/* The runner's policy name changed: what the stats report (observe.c). */
const char *manage_policy_name(void);

#endif /* __CLAND_MANAGE_H */
