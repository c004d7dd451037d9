// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - the control socket's server (control.h). The socket, its
 * clients and their lines are sockserv.c's (non-blocking; a client that
 * sends too much or does not read its replies is dropped); here: who may
 * connect, what each request line means, replies that wait for a swap, and
 * clients that send no whole request in time. Buffers are allocated when
 * the server opens.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "control.h"
#include "sockserv.h"

#define REPLY_MAX 8192 /* bytes of one reply */

/* What the control server keeps of a client (by its sockserv slot). */
struct client {
	uint64_t since_ms; /* connected, or last whole request */
	int64_t wait_seq;  /* a reply waits for this swap (the connection held); 0: none */
	uint64_t wait_since_ms;
};

struct control_server {
	struct sockserv *ss;
	uid_t allowed;
	unsigned int idle_ms;
	struct control_ops ops;
	struct control_reply reply;
	uint64_t nr_requests, nr_refused;
	struct client clients[CONTROL_MAX_CLIENTS];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- replies ---- */

static void reply_reset(struct control_reply *r)
{
	r->len = 0;
	r->nr_lines = 0;
	r->error = false;
	r->buf[0] = '\0';
}

void control_line(struct control_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->error || r->len + 2 >= r->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, r->cap - r->len - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= r->cap - r->len - 1)
		n = (int)(r->cap - r->len - 2);
	r->len += (size_t)n;
	r->buf[r->len++] = '\n';
	r->buf[r->len] = '\0';
	r->nr_lines++;
}

void control_error(struct control_reply *r, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(r->buf, r->cap - 1, fmt, ap);
	va_end(ap);
	for (i = 0; r->buf[i]; i++) /* one line */
		if (r->buf[i] == '\n')
			r->buf[i] = ' ';
	r->len = i;
	r->error = true;
}

/* The finished reply of the server to @c: "ok N" and the lines, or "error: ...". */
static bool send_reply(struct control_server *srv, struct sockserv_conn *c)
{
	struct control_reply *r = &srv->reply;
	char head[REPLY_MAX + 16];
	int n;

	if (r->error) {
		n = snprintf(head, sizeof(head), "error: %s\n", r->buf);
		return sockserv_queue(c, head,
				      (size_t)n < sizeof(head) ? (size_t)n : sizeof(head) - 1);
	}
	n = snprintf(head, sizeof(head), "ok %d\n", r->nr_lines);
	return sockserv_queue(c, head, (size_t)n) && sockserv_queue(c, r->buf, r->len);
}

static bool reply_error(struct control_server *srv, struct sockserv_conn *c, const char *msg)
{
	reply_reset(&srv->reply);
	control_error(&srv->reply, "%s", msg);
	return send_reply(srv, c);
}

/* ---- requests ---- */

/* Split @line into words (at most @max) in place; the number of words. */
static int split(char *line, char **w, int max)
{
	int n = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == max)
			return max + 1;
		w[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

/* A whole number in @s (digits only, at most @max) into *@v. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (*end || errno || x > max)
		return false;
	*v = x;
	return true;
}

static const char usage[] =
	"unknown request (status | policy NAME_OR_PATH | set slice-us N | set slice-min-us N | "
	"rules reload [FILE])";

/* Answer one request line of @c (text, no newline). False: drop the client. */
static bool handle(struct control_server *srv, struct sockserv_conn *c, char *line)
{
	struct control_reply *r = &srv->reply;
	char *w[4];
	uint64_t v;
	int64_t seq = 0;
	int n = split(line, w, 3);

	if (!n)
		return true;
	srv->nr_requests++;
	reply_reset(r);
	if (!strcmp(w[0], "status") && n == 1) {
		srv->ops.status(srv->ops.arg, r);
	} else if (!strcmp(w[0], "policy") && n == 2) {
		seq = srv->ops.policy(srv->ops.arg, w[1], r);
	} else if (!strcmp(w[0], "set") && n == 3 &&
		   (!strcmp(w[1], "slice-us") || !strcmp(w[1], "slice-min-us"))) {
		if (!parse_u64(w[2], UINT64_MAX, &v))
			control_error(r, "set %s: '%.64s' is not a whole number of microseconds",
				      w[1], w[2]);
		else
			seq = srv->ops.set(srv->ops.arg, w[1], v, r);
	} else if (!strcmp(w[0], "rules") && (n == 2 || n == 3) && !strcmp(w[1], "reload")) {
		srv->ops.rules_reload(srv->ops.arg, n == 3 ? w[2] : NULL, r);
	} else {
		control_error(r, "%s", usage);
	}
	if (seq > 0) {
		srv->clients[c->slot].wait_seq = seq;
		srv->clients[c->slot].wait_since_ms = now_ms();
		c->held = true; /* its next request waits for this reply */
		return true;
	}
	return send_reply(srv, c);
}

/* A swap @c waits for is over (or is too late): its reply. */
static bool check_wait(struct control_server *srv, struct sockserv_conn *c, uint64_t t)
{
	struct client *cl = &srv->clients[c->slot];

	reply_reset(&srv->reply);
	if (srv->ops.done(srv->ops.arg, cl->wait_seq, &srv->reply)) {
		cl->wait_seq = 0;
		c->held = false;
		return send_reply(srv, c);
	}
	if (t - cl->wait_since_ms < CONTROL_WAIT_MS)
		return true;
	cl->wait_seq = 0;
	c->held = false;
	return reply_error(srv, c, "the policy swap did not happen within 10 s");
}

/* ---- connections ---- */

/* A request line is printable text (tabs allowed). */
static bool is_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\t')
			return false;
	return true;
}

/* Handle the whole lines of @c's input (sockserv_ops.input); false: drop @c. */
static bool input(void *arg, struct sockserv_conn *c)
{
	struct control_server *srv = arg;
	char *line;
	size_t len, n;

	while (!c->held && !c->closing && (line = sockserv_line(c, &len))) {
		n = len;
		if (n && line[n - 1] == '\r')
			n--;
		srv->clients[c->slot].since_ms = now_ms();
		if (!is_text(line, n)) {
			srv->nr_requests++;
			if (!reply_error(srv, c, "a request is one line of printable text"))
				return false;
		} else {
			line[n] = '\0';
			if (!handle(srv, c, line))
				return false;
		}
		sockserv_consume(c, len + 1);
	}
	return true;
}

static bool too_long(void *arg, struct sockserv_conn *c)
{
	struct control_server *srv = arg;

	srv->nr_requests++;
	return reply_error(srv, c, "request longer than 1023 bytes");
}

/* The peer of @fd is the allowed uid; its uid in *@uid. */
static bool peer_allowed(struct control_server *srv, int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || len != sizeof(cred)) {
		*uid = (uid_t)-1;
		return false;
	}
	*uid = cred.uid;
	return cred.uid == srv->allowed;
}

/* A new client: served if it is the allowed uid, else told so and closed. */
static bool accepted(void *arg, struct sockserv_conn *c)
{
	struct control_server *srv = arg;
	char msg[128];
	uid_t uid;

	srv->clients[c->slot].since_ms = now_ms();
	srv->clients[c->slot].wait_seq = 0;
	if (peer_allowed(srv, c->fd, &uid))
		return true;
	srv->nr_refused++;
	c->closing = true;
	snprintf(msg, sizeof(msg),
		 "permission denied: only uid %u may control scx_cland (you are %d)",
		 (unsigned int)srv->allowed, (int)uid);
	return reply_error(srv, c, msg) && sockserv_flush(srv->ss, c);
}

void control_run(void *arg)
{
	struct control_server *srv = arg;
	struct sockserv_conn *c;
	struct client *cl;
	uint64_t t;
	int i;

	sockserv_run(srv->ss);
	/* replies waiting for a swap; clients that say nothing whole */
	t = now_ms();
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		c = sockserv_conn(srv->ss, i);
		cl = &srv->clients[i];
		if (c->fd < 0)
			continue;
		if (cl->wait_seq) {
			if (!check_wait(srv, c, t) || !input(srv, c) || !sockserv_flush(srv->ss, c))
				sockserv_drop(srv->ss, c);
			continue;
		}
		if (!c->closing && t - cl->since_ms >= srv->idle_ms) {
			c->closing = true;
			srv->nr_requests += c->in_len > 0;
			if (!reply_error(srv, c,
					 c->in_len ? "incomplete request: no newline in time"
						   : "idle for too long") ||
			    !sockserv_flush(srv->ss, c))
				sockserv_drop(srv->ss, c);
		}
	}
}

int control_open(struct control_server **out, const char *path, uid_t allowed,
		 const struct control_ops *ops, char *err, size_t errlen)
{
	struct control_server *srv = calloc(1, sizeof(*srv));
	const struct sockserv_conf conf = {
		.path = path,
		.dir_mode = 0700,
		.sock_mode = 0600,
		.who = "scx_cland",
		.nr_slots = CONTROL_MAX_CLIENTS,
		.in_max = CONTROL_MAX_LINE,
		.out_max = CONTROL_OUT_MAX,
	};
	const struct sockserv_ops sops = {
		.arg = srv,
		.accepted = accepted,
		.input = input,
		.too_long = too_long,
	};
	int ret;

	*out = NULL;
	if (srv)
		srv->reply.buf = malloc(REPLY_MAX);
	if (!srv || !srv->reply.buf) {
		free(srv);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	srv->reply.cap = REPLY_MAX;
	srv->allowed = allowed;
	srv->idle_ms = CONTROL_IDLE_MS;
	srv->ops = *ops;
	ret = sockserv_open(&srv->ss, &conf, &sops, err, errlen);
	if (ret) {
		control_close(srv);
		return ret;
	}
	*out = srv;
	return 0;
}

int control_fd(const struct control_server *srv)
{
	return sockserv_fd(srv->ss);
}

void control_set_idle_ms(struct control_server *srv, unsigned int ms)
{
	srv->idle_ms = ms;
}

uint64_t control_nr_requests(const struct control_server *srv)
{
	return srv->nr_requests;
}

uint64_t control_nr_refused(const struct control_server *srv)
{
	return srv->nr_refused;
}

void control_close(struct control_server *srv)
{
	if (!srv)
		return;
	sockserv_close(srv->ss);
	free(srv->reply.buf);
	free(srv);
}
