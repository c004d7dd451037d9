/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control.h - the daemon's control socket (default /run/scx_cland/control):
 * `scx_cland ctl` talks to it (ctl.c). A UNIX stream socket in a directory
 * of mode 0700, the socket 0600, and each peer's credentials checked
 * (SO_PEERCRED): only the allowed uid (root) is served. Served from the main
 * loop, never blocking it (one epoll fd over the listener and the clients).
 *
 * Protocol: one request per line, at most CONTROL_MAX_LINE bytes of
 * printable text: "status", "policy NAME_OR_PATH", "set slice-us N",
 * "set slice-min-us N", "rules reload [FILE]". Reply: a first line "ok N"
 * followed by N lines, or one line "error: MESSAGE". A request that is not
 * text, too long, unknown, or left unfinished for CONTROL_IDLE_MS gets an
 * error (the last two close the connection).
 */
#ifndef __CLAND_CONTROL_H
#define __CLAND_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CLAND_CONTROL_SOCKET "/run/scx_cland/control"
#define CONTROL_MAX_LINE     1024  /* bytes of a request, newline included */
#define CONTROL_MAX_CLIENTS  8	   /* more are accepted and closed at once */
#define CONTROL_IDLE_MS	     5000  /* a client that sends no whole request for this long goes */
#define CONTROL_WAIT_MS	     10000 /* a swap not done after this is reported as failed */
#define CONTROL_OUT_MAX	     16384 /* bytes of replies not read yet */

/* The reply being written by a handler: lines, or an error. */
struct control_reply {
	char *buf;
	size_t len, cap;
	int nr_lines;
	bool error;
};

/* Add a line (no newline in @fmt) to @r. */
__attribute__((format(printf, 2, 3))) void control_line(struct control_reply *r, const char *fmt,
							...);
/* Make @r an error (what was added is dropped). */
__attribute__((format(printf, 2, 3))) void control_error(struct control_reply *r, const char *fmt,
							 ...);

/*
 * What the server does for each request (the daemon: main.c; tests: fakes).
 * policy and set may finish later (a swap happens at the next round): they
 * return a sequence number > 0, and done() is asked on each run of the
 * server until it says the swap @seq is over, and writes its reply; 0: the
 * reply is already in @r.
 */
struct control_ops {
	void *arg;
	void (*status)(void *arg, struct control_reply *r);
	int64_t (*policy)(void *arg, const char *name, struct control_reply *r);
	int64_t (*set)(void *arg, const char *key, uint64_t value, struct control_reply *r);
	void (*rules_reload)(void *arg, const char *file, struct control_reply *r);
	bool (*done)(void *arg, int64_t seq, struct control_reply *r);
};

struct control_server;

/*
 * Listen on @path (its directory made with mode 0700 if missing; a stale
 * socket removed, a live one or another kind of file refused), serving only
 * peers of uid @allowed. Returns 0, or -errno with a message in @err.
 */
int control_open(struct control_server **out, const char *path, uid_t allowed,
		 const struct control_ops *ops, char *err, size_t errlen);
/* The fd the main loop waits on. */
int control_fd(const struct control_server *srv);
/* Accept, read, answer what is ready, expire idle clients; never blocks. */
void control_run(void *srv);
/* Close clients that send no whole request for @ms instead of CONTROL_IDLE_MS (tests). */
void control_set_idle_ms(struct control_server *srv, unsigned int ms);
/* Requests answered and refused so far (tests). */
uint64_t control_nr_requests(const struct control_server *srv);
uint64_t control_nr_refused(const struct control_server *srv);
/* Close every connection and the listener, remove the socket. NULL is fine. */
void control_close(struct control_server *srv);

#endif /* __CLAND_CONTROL_H */
