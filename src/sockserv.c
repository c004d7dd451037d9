// SPDX-License-Identifier: GPL-2.0
/*
 * sockserv.c - the UNIX-socket server the stats server and the control
 * socket are built on (sockserv.h): listener, epoll set, client slots and
 * their buffers, reading lines and sending replies without ever blocking.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockserv.h"

struct sockserv {
	int listen_fd, epoll_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sockserv_ops ops;
	int nr_slots;
	struct sockserv_conn *conns;
	struct epoll_event *events; /* nr_slots + 1: the listener and every client ready */
};

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* ---- clients ---- */

struct sockserv_conn *sockserv_conn(struct sockserv *s, int slot)
{
	return &s->conns[slot];
}

int sockserv_nr_clients(const struct sockserv *s)
{
	int i, n = 0;

	for (i = 0; i < s->nr_slots; i++)
		n += s->conns[i].fd >= 0;
	return n;
}

char *sockserv_line(struct sockserv_conn *c, size_t *len)
{
	char *nl = memchr(c->in, '\n', c->in_len);

	if (!nl)
		return NULL;
	*len = (size_t)(nl - c->in);
	return c->in;
}

void sockserv_consume(struct sockserv_conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

bool sockserv_queue(struct sockserv_conn *c, const char *text, size_t n)
{
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + n > c->out_cap)
		return false;
	memcpy(c->out + c->out_len, text, n);
	c->out_len += n;
	return true;
}

void sockserv_drop(struct sockserv *s, struct sockserv_conn *c)
{
	epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

bool sockserv_flush(struct sockserv *s, struct sockserv_conn *c)
{
	struct epoll_event ev = {.data.u64 = (uint64_t)c->slot + 1};
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
			/* unread input would reset the connection: our last reply lost */
			while (recv(c->fd, c->in, c->in_cap, MSG_DONTWAIT) > 0)
				;
			return false;
		}
	}
	/* closing: no more reading (a client that keeps sending must not wake the loop) */
	ev.events = (c->closing ? 0 : EPOLLIN) | (c->out_len ? EPOLLOUT : 0);
	epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
	return true;
}

/* Read what @c sent and have its lines answered; false when it must be dropped. */
static bool read_in(struct sockserv *s, struct sockserv_conn *c)
{
	ssize_t n;

	for (;;) {
		if (c->closing || c->held)
			return true;
		if (c->in_len == c->in_cap) {
			c->closing = true;
			return s->ops.too_long(s->ops.arg, c);
		}
		n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0)
			return false; /* closed by the client, or an error */
		c->in_len += (size_t)n;
		if (!s->ops.input(s->ops.arg, c))
			return false;
	}
}

static void accept_clients(struct sockserv *s)
{
	struct epoll_event ev = {.events = EPOLLIN};
	struct sockserv_conn *c;
	int fd, i;

	while ((fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < s->nr_slots && s->conns[i].fd >= 0; i++)
			;
		ev.data.u64 = (uint64_t)i + 1;
		if (i == s->nr_slots || epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd); /* too many clients */
			continue;
		}
		c = &s->conns[i];
		c->fd = fd;
		c->in_len = c->out_len = c->out_off = 0;
		c->held = c->closing = false;
		if (s->ops.accepted && !s->ops.accepted(s->ops.arg, c))
			sockserv_drop(s, c);
	}
}

void sockserv_run(struct sockserv *s)
{
	struct epoll_event *ev = s->events;
	struct sockserv_conn *c;
	int n, i;

	n = epoll_wait(s->epoll_fd, ev, s->nr_slots + 1, 0);
	for (i = 0; i < n; i++) {
		if (!ev[i].data.u64) {
			accept_clients(s);
			continue;
		}
		c = &s->conns[ev[i].data.u64 - 1];
		if (c->fd < 0)
			continue;
		if ((ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !read_in(s, c)) {
			sockserv_drop(s, c);
			continue;
		}
		if (!sockserv_flush(s, c))
			sockserv_drop(s, c);
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

/* Make @path's directory if it is missing, and its missing parents if @parents. */
static int make_dir(const char *path, mode_t mode, bool parents, char *err, size_t len)
{
	char dir[PATH_MAX];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; parents && *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, mode) && errno != EEXIST)
			return fail(err, len, -errno, "cannot create %s: %s", dir, strerror(errno));
		*p = '/';
	}
	if (mkdir(dir, mode) && errno != EEXIST)
		return fail(err, len, -errno, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

/* Remove a stale socket at @path; refuse a live one or another kind of file. */
static int clear_path(const char *path, const char *who, char *err, size_t len)
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
			    "%s: another process answers there (another %s?)", path, who);
	if (unlink(path) && errno != ENOENT)
		return fail(err, len, -errno, "cannot remove the stale socket %s: %s", path,
			    strerror(errno));
	return 0;
}

static int listen_on(struct sockserv *s, const struct sockserv_conf *conf, char *err, size_t len)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
	const char *path = conf->path;
	struct sockaddr_un sa;
	mode_t mask = 0;
	int ret;

	if (unix_addr(path, &sa))
		return fail(err, len, -ENAMETOOLONG, "%s: path too long for a socket", path);
	ret = make_dir(path, conf->dir_mode, conf->dir_parents, err, len);
	if (!ret)
		ret = clear_path(path, conf->who, err, len);
	if (ret)
		return ret;
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return fail(err, len, -errno, "socket: %s", strerror(errno));
	if (conf->sock_mode)
		mask = umask(~conf->sock_mode & 0777); /* the socket is born with its mode */
	ret = bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	if (conf->sock_mode)
		umask(mask);
	if (ret)
		return fail(err, len, -errno, "cannot bind %s: %s", path, strerror(errno));
	strcpy(s->path, path);
	if ((conf->sock_mode && chmod(path, conf->sock_mode)) || listen(s->listen_fd, 8))
		return fail(err, len, -errno, "cannot listen on %s: %s", path, strerror(errno));
	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epoll_fd < 0 || epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->listen_fd, &ev))
		return fail(err, len, -errno, "epoll: %s", strerror(errno));
	return 0;
}

int sockserv_open(struct sockserv **out, const struct sockserv_conf *conf,
		  const struct sockserv_ops *ops, char *err, size_t errlen)
{
	struct sockserv *s = calloc(1, sizeof(*s));
	struct sockserv_conn *c;
	int i, ret;

	*out = NULL;
	if (!s)
		return fail(err, errlen, -ENOMEM, "out of memory");
	s->listen_fd = s->epoll_fd = -1;
	s->ops = *ops;
	s->conns = calloc((size_t)conf->nr_slots, sizeof(*s->conns));
	s->events = calloc((size_t)conf->nr_slots + 1, sizeof(*s->events));
	if (!s->conns || !s->events) {
		sockserv_close(s);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	for (i = 0; i < conf->nr_slots; i++) {
		s->nr_slots = i + 1; /* what sockserv_close() sees if this fails */
		c = &s->conns[i];
		c->fd = -1;
		c->slot = i;
		c->in_cap = conf->in_max;
		c->out_cap = conf->out_max;
		c->in = malloc(conf->in_max);
		c->out = malloc(conf->out_max);
		if (!c->in || !c->out) {
			sockserv_close(s);
			return fail(err, errlen, -ENOMEM, "out of memory");
		}
	}
	ret = listen_on(s, conf, err, errlen);
	if (ret) {
		sockserv_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

int sockserv_fd(const struct sockserv *s)
{
	return s->epoll_fd;
}

void sockserv_close(struct sockserv *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->nr_slots; i++) {
		if (s->conns[i].fd >= 0)
			close(s->conns[i].fd);
		free(s->conns[i].in);
		free(s->conns[i].out);
	}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	if (s->path[0])
		unlink(s->path);
	free(s->conns);
	free(s->events);
	free(s);
}
