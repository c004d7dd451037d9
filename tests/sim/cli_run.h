/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_run.h - how the simulator's tests run cland-sim's command line in
 * process (sim_cli_main), its standard output and error captured.
 */
#ifndef __CLAND_TEST_CLI_RUN_H
#define __CLAND_TEST_CLI_RUN_H

struct cli_out {
	int ret;   /* sim_cli_main's exit status */
	char *out; /* what it printed on standard output */
	char *err; /* and on standard error */
};

/* Run cland-sim with @argv (argv[0] the program's name); free with cli_free(). */
struct cli_out cli(int argc, char **argv);
void cli_free(struct cli_out *r);

#endif /* __CLAND_TEST_CLI_RUN_H */
