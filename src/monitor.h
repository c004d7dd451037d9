/* SPDX-License-Identifier: GPL-2.0 */
/*
 * monitor.h - scx_cland --monitor SECS: watch a running scx_cland through
 * its stats server and print the --stats line every SECS, without loading
 * a scheduler.
 */
#ifndef __CLAND_MONITOR_H
#define __CLAND_MONITOR_H

#include <signal.h>
#include <stdio.h>

/*
 * Connect to the stats server at @path (retrying every second while it is
 * absent or refuses, and again whenever the connection is lost), then print
 * to @out one line every @secs s: the growth of the counters over those
 * seconds and the gauges. Messages go to @errf. Returns 0 when *@stop is set
 * (SIGINT, SIGTERM).
 */
int cland_monitor(const char *path, unsigned int secs, volatile sig_atomic_t *stop, FILE *out,
		  FILE *errf);

#endif /* __CLAND_MONITOR_H */
