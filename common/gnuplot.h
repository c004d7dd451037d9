/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gnuplot.h - what the two programs that draw PNGs with gnuplot share
 * (cland-sim --compare --plot: sim/compare.c; cland-bench-report:
 * bench/plots.c): the PNG terminal their plots.gp scripts pick, and running
 * gnuplot on such a script.
 */
#ifndef __CLAND_GNUPLOT_H
#define __CLAND_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#define GNUPLOT_LOG "gnuplot.log" /* gnuplot's output, beside the script */

/* The lines of a script that pick the PNG terminal: pngcairo where gnuplot has it, else png. */
void gnuplot_terminal(FILE *f);
/*
 * Run @gnuplot (NULL or "": "gnuplot") on plots.gp in @dir, its output into
 * @dir/GNUPLOT_LOG. 0 when it ran and succeeded; else -1 and why in @why.
 */
int gnuplot_run(const char *gnuplot, const char *dir, char *why, size_t whylen);

#endif /* __CLAND_GNUPLOT_H */
