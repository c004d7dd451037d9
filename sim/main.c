// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - entry point of cland-sim, the deterministic simulator that runs
 * scx_cland policies without root or a sched_ext kernel (see sim/README.md).
 */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	return sim_cli_main(argc, argv, stdout, stderr);
}
