/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay_cli.h - cland-sim's --replay and --compare command lines:
 *   cland-sim --replay FILE [--policy NAME] [--seed N] [--rtt-us N] [-s US] [-S US]
 *             [--json] [--trace]
 *   cland-sim --compare FILE [--plot DIR] [--seed N] [--rtt-us N] [-s US] [-S US]
 * FILE is a recording (scx_cland --record); --compare also takes a JSON
 * workload. Exit status as cland-sim's: 2 for a bad command line or a bad
 * file (a damaged recording: its offset is named).
 */
#ifndef __CLAND_SIM_REPLAY_CLI_H
#define __CLAND_SIM_REPLAY_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* True when @argv asks for --replay or --compare. */
bool sim_replay_cli_wanted(int argc, char **argv);
int sim_replay_cli_main(int argc, char **argv, FILE *out, FILE *errf);

#endif /* __CLAND_SIM_REPLAY_CLI_H */
