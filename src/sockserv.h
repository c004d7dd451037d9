/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockserv.h - what the daemon's UNIX-socket servers (stats_server.c,
 * control.c) share: the listener (its directory and the socket made with
 * the modes asked; a stale socket removed, a live one or another kind of
 * file refused), one epoll fd over the listener and the clients for the
 * main loop to wait on, clients accepted non-blocking into a fixed number
 * of slots (more are closed at once), each client's input and output
 * buffers (allocated at open), its lines, and dropping a client that sends
 * a line too long or does not read its replies. What a line means and what
 * is answered is the server's (struct sockserv_ops).
 */
#ifndef __CLAND_SOCKSERV_H
#define __CLAND_SOCKSERV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One client, in one of the server's slots. */
struct sockserv_conn {
	int fd;	  /* -1: a free slot */
	int slot; /* 0 .. nr_slots - 1: for the server's own state of each client */
	char *in; /* what the client sent and was not handled yet */
	size_t in_len, in_cap;
	char *out; /* replies not sent yet */
	size_t out_len, out_off, out_cap;
	bool held;    /* read nothing more for now (a reply is pending) */
	bool closing; /* read nothing more; close once the output is sent */
};

/* The server's part. Each callback returns false when the client must be dropped. */
struct sockserv_ops {
	void *arg;
	/* @c just connected (its buffers empty): set up its state. NULL: nothing to do. */
	bool (*accepted)(void *arg, struct sockserv_conn *c);
	/* New input in @c->in: answer its whole lines (sockserv_line()). */
	bool (*input)(void *arg, struct sockserv_conn *c);
	/* @c->in is full without a whole line: answer it (@c->closing is set already). */
	bool (*too_long)(void *arg, struct sockserv_conn *c);
};

struct sockserv_conf {
	const char *path;
	mode_t dir_mode;  /* of the directory of @path, if it is made */
	bool dir_parents; /* make its missing parents too (with @dir_mode) */
	mode_t sock_mode; /* of the socket; 0: as the umask makes it */
	const char *who;  /* who else may answer at @path, for the error: "another ..." */
	int nr_slots;	  /* clients served at once */
	size_t in_max;	  /* bytes of input kept: a line, its newline included */
	size_t out_max;	  /* bytes of replies not read yet */
};

struct sockserv;

/*
 * Listen as @conf says (its strings are copied or used during the call only).
 * Returns 0, or -errno with a message in @err.
 */
int sockserv_open(struct sockserv **out, const struct sockserv_conf *conf,
		  const struct sockserv_ops *ops, char *err, size_t errlen);
/* The fd the main loop waits on (an epoll fd over the listener and the clients). */
int sockserv_fd(const struct sockserv *s);
/* Accept, read, send what is ready; never blocks. */
void sockserv_run(struct sockserv *s);
/* The client in @slot (its fd -1 if the slot is free). */
struct sockserv_conn *sockserv_conn(struct sockserv *s, int slot);
/* Clients connected now. */
int sockserv_nr_clients(const struct sockserv *s);

/* The first whole line of @c's input (its length, newline excluded, in *@len); NULL: none. */
char *sockserv_line(struct sockserv_conn *c, size_t *len);
/* Forget the first @n bytes of @c's input (a line handled, its newline included). */
void sockserv_consume(struct sockserv_conn *c, size_t n);
/* Queue @n bytes of @text for @c; false if the client let too much pile up. */
bool sockserv_queue(struct sockserv_conn *c, const char *text, size_t n);
/* Send what @c has pending; false when it must be dropped (sockserv_drop()). */
bool sockserv_flush(struct sockserv *s, struct sockserv_conn *c);
/* Close @c's connection and free its slot. */
void sockserv_drop(struct sockserv *s, struct sockserv_conn *c);

/* Close every connection and the listener, remove the socket. NULL is fine. */
void sockserv_close(struct sockserv *s);

#endif /* __CLAND_SOCKSERV_H */
