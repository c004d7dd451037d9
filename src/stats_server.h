/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats_server.h - the daemon's stats server: the sched_ext ecosystem's
 * scx_stats protocol on a UNIX stream socket (default
 * /var/run/scx/root/stats), served from the main loop without blocking it.
 *
 * One JSON object per line each way. Requests: {"req":"stats","args":
 * {"target":"top"}} (args optional, string to string) and
 * {"req":"stats_meta"}. Replies: {"errno":0,"args":{"resp":...}}; an error
 * is errno 22 (EINVAL) with the message as resp. A "stats" reply holds
 * every field of stats.h: counters as the growth since the previous "stats"
 * request on the same connection (the first: since the daemon started),
 * gauges as values.
 */
#ifndef __CLAND_STATS_SERVER_H
#define __CLAND_STATS_SERVER_H

#include <stddef.h>

#include "stats.h"

#define CLAND_STATS_SOCKET	"/var/run/scx/root/stats"
#define CLAND_STATS_MAX_LINE	4096 /* longest request line */
#define CLAND_STATS_MAX_CLIENTS 16   /* more are accepted and closed at once */
#define CLAND_STATS_META_NAME	"cland"

struct stats_server;

/*
 * Listen on @path: its directory is created, a stale socket (nobody
 * answers) removed; a socket someone answers on, or another kind of file,
 * is an error. Snapshots come from @snap(@arg). Returns 0, or -errno with a
 * message in @err.
 */
int stats_server_open(struct stats_server **out, const char *path, cland_snapshot_fn snap,
		      void *arg, char *err, size_t errlen);
/* The fd the main loop waits on (an epoll fd over the listener and the clients). */
int stats_server_fd(const struct stats_server *srv);
/* Accept, read, answer what is ready; never blocks (a struct cland_service's run). */
void stats_server_run(void *srv);
/* Clients connected now. */
int stats_server_nr_clients(const struct stats_server *srv);
/* Close every connection and the listener, remove the socket. NULL is fine. */
void stats_server_close(struct stats_server *srv);

#endif /* __CLAND_STATS_SERVER_H */
