/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - scx_cland --metrics ADDR:PORT: the daemon's statistics as
 * Prometheus metrics (text exposition format 0.0.4) on http://ADDR:PORT/metrics,
 * served with libmicrohttpd from the main loop, without a thread and
 * without blocking it.
 */
#ifndef __CLAND_METRICS_H
#define __CLAND_METRICS_H

#include <stddef.h>
#include <sys/socket.h>

#include "stats.h"

#define CLAND_METRICS_PREFIX "scx_cland_"

struct metrics_server;

/*
 * Listen on @sa; each GET /metrics takes a snapshot from @snap(@arg).
 * Returns 0, or -errno with a message in @err.
 */
int metrics_open(struct metrics_server **out, const struct sockaddr *sa, socklen_t salen,
		 cland_snapshot_fn snap, void *arg, const char *version, char *err, size_t errlen);
/* The fd the main loop waits on (libmicrohttpd's epoll fd). */
int metrics_fd(const struct metrics_server *m);
/* Serve what is ready (a struct cland_service's run; also every second for timeouts). */
void metrics_run(void *m);
/* The port it listens on (useful after port 0 in tests). */
int metrics_port(const struct metrics_server *m);
void metrics_close(struct metrics_server *m);

/*
 * The exposition text of @s into @buf: every field of the stats table that
 * has a metric name, the round-trip histogram and scx_cland_info. Returns
 * its length, or -1 when @len is too small.
 */
int metrics_format(char *buf, size_t len, const struct cland_snapshot *s, const char *version);

#endif /* __CLAND_METRICS_H */
