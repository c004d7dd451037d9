/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - cland-sim --compare: one workload (a replayed recording or a
 * JSON file) through every policy, the results side by side, and with a
 * plot directory each policy's wake-up latency CDF and per-task CPU share
 * drawn by gnuplot.
 */
#ifndef __CLAND_SIM_COMPARE_H
#define __CLAND_SIM_COMPARE_H

#include <stdio.h>

#include "engine.h"
#include "workload.h"

#define SIM_GNUPLOT_ENV "CLAND_GNUPLOT" /* the gnuplot to run (default: gnuplot) */

/*
 * Run @w under every policy of cland_policies with @base's settings (its
 * policy is ignored), print the comparison to @out under the title @title.
 * With @plot_dir: also latency-cdf.png and cpu-share.png there (with their
 * .dat files and plots.gp). Returns 0, 1 when a simulation failed, 2 when
 * the plots could not be made (message on @errf).
 */
int sim_compare(const struct sim_workload *w, const struct sim_config *base, const char *title,
		const char *plot_dir, FILE *out, FILE *errf);

#endif /* __CLAND_SIM_COMPARE_H */
