/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - cland-sim's command line: parses it, runs the simulation and
 * prints the report. A function rather than main() so that tests can call it.
 */
#ifndef __CLAND_SIM_CLI_H
#define __CLAND_SIM_CLI_H

#include <stdio.h>

/* Exit codes of cland-sim. */
enum sim_exit_code {
	SIM_EXIT_OK = 0,
	SIM_EXIT_FAILED = 1, /* the simulation failed: the policy's init or a policy bug */
	SIM_EXIT_USAGE = 2,  /* bad command line or workload file */
};

/* Run cland-sim with @argv; the report goes to @out, messages to @errf. */
int sim_cli_main(int argc, char **argv, FILE *out, FILE *errf);

#endif /* __CLAND_SIM_CLI_H */
