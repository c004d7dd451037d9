// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - the control socket's server (control.h). Non-blocking
 * throughout: the listener and the clients sit in one epoll set whose fd
 * the main loop waits on; a client that sends garbage gets an error, one
 * that sends too much, too slowly, or does not read its replies is dropped.
 * Buffers are allocated when the server opens.
 */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

#define REPLY_MAX 8192 /* bytes of one reply */

struct client {
	int fd; /* -1: free */
	char in[CONTROL_MAX_LINE];
	size_t in_len;
	char out[CONTROL_OUT_MAX];
	size_t out_len, out_off;
	uint64_t since_ms; /* connected, or last whole request */
	int64_t wait_seq;  /* a reply waits for this swap; 0: none */
	uint64_t wait_since_ms;
	bool closing; /* close once the output is sent */
};

struct control_server {
	int listen_fd, epoll_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
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

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return ret;
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

/* Queue @text for @c; false if the client let too much pile up. */
static bool queue_out(struct client *c, const char *text, size_t n)
{
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + n > sizeof(c->out))
		return false;
	memcpy(c->out + c->out_len, text, n);
	c->out_len += n;
	return true;
}

/* The finished reply of the server to @c: "ok N" and the lines, or "error: ...". */
static bool send_reply(struct control_server *srv, struct client *c)
{
	struct control_reply *r = &srv->reply;
	char head[REPLY_MAX + 16];
	int n;

	if (r->error) {
		n = snprintf(head, sizeof(head), "error: %s\n", r->buf);
		return queue_out(c, head, (size_t)n < sizeof(head) ? (size_t)n : sizeof(head) - 1);
	}
	n = snprintf(head, sizeof(head), "ok %d\n", r->nr_lines);
	return queue_out(c, head, (size_t)n) && queue_out(c, r->buf, r->len);
}

static bool reply_error(struct control_server *srv, struct client *c, const char *msg)
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
static bool handle(struct control_server *srv, struct client *c, char *line)
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
		c->wait_seq = seq;
		c->wait_since_ms = now_ms();
		return true;
	}
	return send_reply(srv, c);
}

/* A swap @c waits for is over (or is too late): its reply. */
static bool check_wait(struct control_server *srv, struct client *c, uint64_t t)
{
	reply_reset(&srv->reply);
	if (srv->ops.done(srv->ops.arg, c->wait_seq, &srv->reply)) {
		c->wait_seq = 0;
		return send_reply(srv, c);
	}
	if (t - c->wait_since_ms < CONTROL_WAIT_MS)
		return true;
	c->wait_seq = 0;
	return reply_error(srv, c, "the policy swap did not happen within 10 s");
}

/* ---- connections ---- */

static void drop_client(struct control_server *srv, struct client *c)
{
	epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

/* Send what @c has pending; false when it must be dropped. */
static bool flush_out(struct control_server *srv, struct client *c)
{
	struct epoll_event ev = {.data.u64 = (uint64_t)(c - srv->clients) + 1};
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return false;
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->closing) {
			while (recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT) > 0)
				; /* unread input would reset the connection: our reply lost */
			return false;
		}
	}
	ev.events = (c->closing ? 0 : EPOLLIN) | (c->out_len ? EPOLLOUT : 0);
	epoll_ctl(srv->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
	return true;
}

/* A request line is printable text (tabs allowed). */
static bool is_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\t')
			return false;
	return true;
}

/* Handle the whole lines of @c's input; false when it must be dropped. */
static bool handle_lines(struct control_server *srv, struct client *c)
{
	char *nl;
	size_t used, n;

	while (!c->wait_seq && !c->closing && (nl = memchr(c->in, '\n', c->in_len))) {
		used = (size_t)(nl - c->in) + 1;
		n = used - 1;
		if (n && c->in[n - 1] == '\r')
			n--;
		c->since_ms = now_ms();
		if (!is_text(c->in, n)) {
			srv->nr_requests++;
			if (!reply_error(srv, c, "a request is one line of printable text"))
				return false;
		} else {
			c->in[n] = '\0';
			if (!handle(srv, c, c->in))
				return false;
		}
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
	return true;
}

/* Read what @c sent and answer each whole line; false when it must be dropped. */
static bool read_in(struct control_server *srv, struct client *c)
{
	ssize_t n;

	for (;;) {
		if (c->closing || c->wait_seq)
			return true;
		if (c->in_len == sizeof(c->in)) {
			c->closing = true;
			srv->nr_requests++;
			return reply_error(srv, c, "request longer than 1023 bytes");
		}
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0)
			return false; /* closed by the client, or an error */
		c->in_len += (size_t)n;
		if (!handle_lines(srv, c))
			return false;
	}
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

static void accept_clients(struct control_server *srv)
{
	struct epoll_event ev = {.events = EPOLLIN};
	char msg[128];
	struct client *c;
	uid_t uid;
	int fd, i;

	while ((fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < CONTROL_MAX_CLIENTS && srv->clients[i].fd >= 0; i++)
			;
		ev.data.u64 = (uint64_t)i + 1;
		if (i == CONTROL_MAX_CLIENTS || epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd); /* too many clients */
			continue;
		}
		c = &srv->clients[i];
		c->fd = fd;
		c->in_len = c->out_len = c->out_off = 0;
		c->since_ms = now_ms();
		c->wait_seq = 0;
		c->closing = false;
		if (!peer_allowed(srv, fd, &uid)) {
			srv->nr_refused++;
			c->closing = true;
			snprintf(
				msg, sizeof(msg),
				"permission denied: only uid %u may control scx_cland (you are %d)",
				(unsigned int)srv->allowed, (int)uid);
			if (!reply_error(srv, c, msg) || !flush_out(srv, c))
				drop_client(srv, c);
		}
	}
}

void control_run(void *arg)
{
	struct epoll_event ev[CONTROL_MAX_CLIENTS + 1];
	struct control_server *srv = arg;
	struct client *c;
	uint64_t t;
	int n, i;

	n = epoll_wait(srv->epoll_fd, ev, CONTROL_MAX_CLIENTS + 1, 0);
	for (i = 0; i < n; i++) {
		if (!ev[i].data.u64) {
			accept_clients(srv);
			continue;
		}
		c = &srv->clients[ev[i].data.u64 - 1];
		if (c->fd < 0)
			continue;
		if ((ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !read_in(srv, c)) {
			drop_client(srv, c);
			continue;
		}
		if (!flush_out(srv, c))
			drop_client(srv, c);
	}
	/* replies waiting for a swap; clients that say nothing whole */
	t = now_ms();
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		c = &srv->clients[i];
		if (c->fd < 0)
			continue;
		if (c->wait_seq) {
			if (!check_wait(srv, c, t) || !handle_lines(srv, c) || !flush_out(srv, c))
				drop_client(srv, c);
			continue;
		}
		if (!c->closing && t - c->since_ms >= srv->idle_ms) {
			c->closing = true;
			srv->nr_requests += c->in_len > 0;
			if (!reply_error(srv, c,
					 c->in_len ? "incomplete request: no newline in time"
						   : "idle for too long") ||
			    !flush_out(srv, c))
				drop_client(srv, c);
		}
	}
}

/* ---- the listener ---- */

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* Create @path's directory (mode 0700) if it is missing. */
static int make_dir(const char *path, char *err, size_t len)
{
	char dir[PATH_MAX];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail(err, len, -errno, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

/* Remove a stale socket at @path; refuse a live one or another kind of file. */
static int clear_path(const char *path, char *err, size_t len)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret;

	if (lstat(path, &st))
		return errno == ENOENT ? 0
				       : fail(err, len, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return fail(err, len, -EEXIST, "%s exists and is not a socket", path);
	unix_addr(path, &sa);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, len, -errno, "socket: %s", strerror(errno));
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (!ret)
		return fail(err, len, -EADDRINUSE,
			    "%s: another process answers there (another scx_cland?)", path);
	if (unlink(path) && errno != ENOENT)
		return fail(err, len, -errno, "cannot remove the stale socket %s: %s", path,
			    strerror(errno));
	return 0;
}

static int listen_on(struct control_server *srv, const char *path, char *err, size_t len)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
	struct sockaddr_un sa;
	mode_t mask;
	int ret;

	if (unix_addr(path, &sa))
		return fail(err, len, -ENAMETOOLONG, "%s: path too long for a socket", path);
	ret = make_dir(path, err, len);
	if (!ret)
		ret = clear_path(path, err, len);
	if (ret)
		return ret;
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0)
		return fail(err, len, -errno, "socket: %s", strerror(errno));
	mask = umask(0177); /* the socket is born 0600 */
	ret = bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (ret)
		return fail(err, len, -errno, "cannot bind %s: %s", path, strerror(errno));
	strcpy(srv->path, path);
	if (chmod(path, 0600) || listen(srv->listen_fd, 8))
		return fail(err, len, -errno, "cannot listen on %s: %s", path, strerror(errno));
	srv->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epoll_fd < 0 || epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->listen_fd, &ev))
		return fail(err, len, -errno, "epoll: %s", strerror(errno));
	return 0;
}

int control_open(struct control_server **out, const char *path, uid_t allowed,
		 const struct control_ops *ops, char *err, size_t errlen)
{
	struct control_server *srv = calloc(1, sizeof(*srv));
	int i, ret;

	*out = NULL;
	if (!srv)
		return fail(err, errlen, -ENOMEM, "out of memory");
	srv->reply.buf = malloc(REPLY_MAX);
	if (!srv->reply.buf) {
		free(srv);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	srv->reply.cap = REPLY_MAX;
	srv->listen_fd = srv->epoll_fd = -1;
	srv->allowed = allowed;
	srv->idle_ms = CONTROL_IDLE_MS;
	srv->ops = *ops;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		srv->clients[i].fd = -1;
	ret = listen_on(srv, path, err, errlen);
	if (ret) {
		control_close(srv);
		return ret;
	}
	*out = srv;
	return 0;
}

int control_fd(const struct control_server *srv)
{
	return srv->epoll_fd;
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
	int i;

	if (!srv)
		return;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (srv->clients[i].fd >= 0)
			close(srv->clients[i].fd);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->epoll_fd >= 0)
		close(srv->epoll_fd);
	if (srv->path[0])
		unlink(srv->path);
	free(srv->reply.buf);
	free(srv);
}
