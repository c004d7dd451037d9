/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctl.h - `scx_cland ctl COMMAND`, the control socket's client (ctl.c).
 */
#ifndef __CLAND_CTL_H
#define __CLAND_CTL_H

#include <stdio.h>

/* Run `scx_cland ctl` with @argv (argv[0] is "ctl"): 0 ok, 1 refused or unreachable, 2 usage. */
int cland_ctl_main(int argc, char **argv, FILE *out, FILE *errf);

#endif /* __CLAND_CTL_H */
