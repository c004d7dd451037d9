/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats_client.h - a client of the scx_stats protocol (stats_server.h):
 * connect, send one request line, read one reply line, turn a "stats"
 * reply back into the fields of stats.h. Used by --monitor and the tests.
 */
#ifndef __CLAND_STATS_CLIENT_H
#define __CLAND_STATS_CLIENT_H

#include <stddef.h>

#include "stats.h"

/* A "stats" reply: the values, and the strings they point to. */
struct stats_reply {
	struct cland_stat_values v;
	char policy[32];
	char exit_reason[CLAND_EXIT_REASON_LEN];
};

/* Connect to @path. Returns the socket, or -errno. */
int stats_client_connect(const char *path);

/*
 * Send @line (a JSON object, no newline) and read the reply line into
 * @reply (without its newline), waiting at most @timeout_ms. Returns 0, or
 * -errno: -ETIMEDOUT, -EPIPE when the server closed the connection,
 * -EMSGSIZE when the reply does not fit.
 */
int stats_client_call(int fd, const char *line, char *reply, size_t len, int timeout_ms);

/*
 * Parse the reply to a "stats" request into @out. Returns 0, or -1 with a
 * message in @err (not JSON, errno not 0: then the server's message).
 */
int stats_client_parse_stats(const char *reply, struct stats_reply *out, char *err, size_t errlen);

#endif /* __CLAND_STATS_CLIENT_H */
