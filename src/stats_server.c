// SPDX-License-Identifier: GPL-2.0
/*
 * stats_server.c - the scx_stats protocol server of the daemon (see
 * stats_server.h). Everything is non-blocking: the listener and the clients
 * sit in one epoll set whose fd the main loop waits on, and a client that
 * does not read its replies is dropped rather than waited for. Buffers are
 * allocated when the server opens; json-c parses the requests and builds the
 * replies.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "stats_server.h"

#define OUT_MAX (64 * 1024) /* replies not yet read by a client */

struct client {
	int fd; /* -1: free slot */
	char in[CLAND_STATS_MAX_LINE];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	bool closing; /* close once the output is sent */
	bool has_prev;
	struct cland_snapshot prev; /* at the previous "stats" request */
};

struct stats_server {
	int listen_fd;
	int epoll_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	cland_snapshot_fn snap;
	void *arg;
	struct cland_snapshot cur;
	struct client clients[CLAND_STATS_MAX_CLIENTS];
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

/* mkdir -p of @path's directory. */
static int make_dirs(const char *path)
{
	char dir[PATH_MAX];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* Remove a stale socket at @path; refuse a live one or another kind of file. */
static int clear_path(const char *path, char *err, size_t len)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		return fail(err, len, -errno, "%s: %s", path, strerror(errno));
	}
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
			    "%s: another process answers there (another scheduler's stats server?)",
			    path);
	if (unlink(path) && errno != ENOENT)
		return fail(err, len, -errno, "cannot remove the stale socket %s: %s", path,
			    strerror(errno));
	return 0;
}

static int listen_on(struct stats_server *srv, const char *path, char *err, size_t len)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
	struct sockaddr_un sa;
	int ret;

	if (unix_addr(path, &sa))
		return fail(err, len, -ENAMETOOLONG, "%s: path too long for a socket", path);
	ret = make_dirs(path);
	if (ret)
		return fail(err, len, ret, "cannot create the directory of %s: %s", path,
			    strerror(-ret));
	ret = clear_path(path, err, len);
	if (ret)
		return ret;
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0)
		return fail(err, len, -errno, "socket: %s", strerror(errno));
	if (bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fail(err, len, -errno, "cannot bind %s: %s", path, strerror(errno));
	strcpy(srv->path, path);
	if (listen(srv->listen_fd, 8))
		return fail(err, len, -errno, "cannot listen on %s: %s", path, strerror(errno));
	srv->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epoll_fd < 0)
		return fail(err, len, -errno, "epoll: %s", strerror(errno));
	if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->listen_fd, &ev))
		return fail(err, len, -errno, "epoll: %s", strerror(errno));
	return 0;
}

int stats_server_open(struct stats_server **out, const char *path, cland_snapshot_fn snap,
		      void *arg, char *err, size_t errlen)
{
	struct stats_server *srv = calloc(1, sizeof(*srv));
	int i, ret;

	*out = NULL;
	if (!srv)
		return fail(err, errlen, -ENOMEM, "out of memory");
	srv->listen_fd = srv->epoll_fd = -1;
	srv->snap = snap;
	srv->arg = arg;
	for (i = 0; i < CLAND_STATS_MAX_CLIENTS; i++) {
		srv->clients[i].fd = -1;
		srv->clients[i].out = malloc(OUT_MAX);
		if (!srv->clients[i].out) {
			stats_server_close(srv);
			return fail(err, errlen, -ENOMEM, "out of memory");
		}
	}
	ret = listen_on(srv, path, err, errlen);
	if (ret) {
		stats_server_close(srv);
		return ret;
	}
	*out = srv;
	return 0;
}

int stats_server_fd(const struct stats_server *srv)
{
	return srv->epoll_fd;
}

int stats_server_nr_clients(const struct stats_server *srv)
{
	int i, n = 0;

	for (i = 0; i < CLAND_STATS_MAX_CLIENTS; i++)
		n += srv->clients[i].fd >= 0;
	return n;
}

static void drop_client(struct stats_server *srv, struct client *c)
{
	epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

/* Queue @text (+ '\n') for @c; false if the client let too much pile up. */
static bool queue_out(struct client *c, const char *text)
{
	size_t n = strlen(text);

	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + n + 1 > OUT_MAX)
		return false;
	memcpy(c->out + c->out_len, text, n);
	c->out[c->out_len + n] = '\n';
	c->out_len += n + 1;
	return true;
}

/* {"errno":@no,"args":{"resp":@resp}} as one line into @c's output; takes @resp. */
static bool reply(struct client *c, int no, struct json_object *resp)
{
	struct json_object *root = json_object_new_object(), *args = json_object_new_object();
	bool ok;

	if (!root || !args) {
		json_object_put(root);
		json_object_put(args);
		json_object_put(resp);
		return false;
	}
	json_object_object_add(args, "resp", resp);
	json_object_object_add(root, "errno", json_object_new_int(no));
	json_object_object_add(root, "args", args);
	ok = queue_out(c, json_object_to_json_string_ext(
				  root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return ok;
}

static bool __attribute__((format(printf, 2, 3)))
reply_error(struct client *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return reply(c, EINVAL, json_object_new_string(msg));
}

static const char *type_name(enum cland_stat_type t)
{
	return t == CLAND_STAT_U64 ? "u64" : t == CLAND_STAT_FLOAT ? "float" : "string";
}

/* A histogram field of stats_meta: an array of u64, a counter. */
static void add_hist_meta(struct json_object *fields, const char *name, const char *what)
{
	struct json_object *f = json_object_new_object(), *user = json_object_new_object();
	char desc[512];

	json_object_object_add(f, "array", json_object_new_string("u64"));
	snprintf(desc, sizeof(desc), "%s (counter: growth since the previous request)", what);
	json_object_object_add(f, "desc", json_object_new_string(desc));
	json_object_object_add(user, "_kind", json_object_new_string("counter"));
	json_object_object_add(f, "user", user);
	json_object_object_add(fields, name, f);
}

/* The stats_meta reply: one struct, the top one, and its fields. */
static struct json_object *meta(void)
{
	struct json_object *all = json_object_new_object(), *top = json_object_new_object();
	struct json_object *fields = json_object_new_object(), *f, *user;
	char desc[512];
	int i;

	for (i = 0; i < CLAND_NR_STATS; i++) {
		const struct cland_stat_field *sf = &cland_stat_fields[i];
		bool counter = sf->kind == CLAND_STAT_COUNTER;

		f = json_object_new_object();
		user = json_object_new_object();
		json_object_object_add(f, "datum", json_object_new_string(type_name(sf->type)));
		snprintf(desc, sizeof(desc), "%s (%s)", sf->desc,
			 counter ? "counter: growth since the previous request" : "gauge");
		json_object_object_add(f, "desc", json_object_new_string(desc));
		json_object_object_add(user, "_kind",
				       json_object_new_string(counter ? "counter" : "gauge"));
		json_object_object_add(f, "user", user);
		json_object_object_add(fields, sf->name, f);
	}
	add_hist_meta(fields, CLAND_STAT_RTT_NAME, CLAND_STAT_RTT_DESC);
	add_hist_meta(fields, CLAND_STAT_WAIT_NAME, CLAND_STAT_WAIT_DESC);

	json_object_object_add(top, "name", json_object_new_string(CLAND_STATS_META_NAME));
	json_object_object_add(top, "desc",
			       json_object_new_string("scx_cland: the BPF backend's, the "
						      "policy's and the daemon's counters"));
	json_object_object_add(top, "top", json_object_new_string("true"));
	json_object_object_add(top, "fields", fields);
	json_object_object_add(all, CLAND_STATS_META_NAME, top);
	return all;
}

/* The "stats" reply from the values over the client's interval. */
static struct json_object *stats_resp(const struct cland_stat_values *v)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	struct json_object *warr = json_object_new_array();
	char num[32];
	int i;

	for (i = 0; i < CLAND_NR_STATS; i++) {
		const struct cland_stat_field *sf = &cland_stat_fields[i];
		struct json_object *val;

		if (sf->type == CLAND_STAT_U64) {
			val = json_object_new_uint64(v->v[i].u);
		} else if (sf->type == CLAND_STAT_FLOAT) {
			snprintf(num, sizeof(num), "%.3f", v->v[i].f);
			val = json_object_new_double_s(v->v[i].f, num);
		} else {
			val = json_object_new_string(v->v[i].s ? v->v[i].s : "");
		}
		json_object_object_add(o, sf->name, val);
	}
	for (i = 0; i < CLAND_RTT_BUCKETS; i++) {
		json_object_array_add(arr, json_object_new_uint64(v->rtt_log2[i]));
		json_object_array_add(warr, json_object_new_uint64(v->wait_log2[i]));
	}
	json_object_object_add(o, CLAND_STAT_RTT_NAME, arr);
	json_object_object_add(o, CLAND_STAT_WAIT_NAME, warr);
	return o;
}

/* @args, if there: an object of strings. Its "target" (default "top") in *@target. */
static const char *check_args(struct json_object *req, const char **target)
{
	struct json_object *args;

	*target = "top";
	if (!json_object_object_get_ex(req, "args", &args) ||
	    json_object_is_type(args, json_type_null))
		return NULL;
	if (!json_object_is_type(args, json_type_object))
		return "\"args\" must be an object of strings";
	json_object_object_foreach(args, key, val)
	{
		if (!json_object_is_type(val, json_type_string))
			return "\"args\" must be an object of strings";
		if (!strcmp(key, "target"))
			*target = json_object_get_string(val);
	}
	return NULL;
}

static bool handle_stats(struct stats_server *srv, struct client *c, const char *target)
{
	struct cland_stat_values v;

	if (strcmp(target, "top"))
		return reply_error(c, "unknown stats target \"%.100s\" (there is only \"top\")",
				   target);
	srv->snap(srv->arg, &srv->cur);
	cland_stats_values(c->has_prev ? &c->prev : NULL, &srv->cur, &v);
	c->prev = srv->cur;
	c->has_prev = true;
	return reply(c, 0, stats_resp(&v));
}

/* Answer one request line; false when the client must be dropped. */
static bool handle_line(struct stats_server *srv, struct client *c, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *req = NULL, *name;
	enum json_tokener_error jerr;
	const char *what, *target;
	bool ok;

	if (!tok)
		return false;
	req = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(req);
		return reply_error(c, "invalid JSON: %s",
				   jerr == json_tokener_continue ? "incomplete"
								 : json_tokener_error_desc(jerr));
	}
	if (!json_object_is_type(req, json_type_object))
		ok = reply_error(c, "a request is a JSON object with \"req\"");
	else if (!json_object_object_get_ex(req, "req", &name) ||
		 !json_object_is_type(name, json_type_string))
		ok = reply_error(c, "missing \"req\" (a string: \"stats\" or \"stats_meta\")");
	else if ((what = check_args(req, &target)))
		ok = reply_error(c, "%s", what);
	else if (!strcmp(json_object_get_string(name), "stats"))
		ok = handle_stats(srv, c, target);
	else if (!strcmp(json_object_get_string(name), "stats_meta"))
		ok = reply(c, 0, meta());
	else
		ok = reply_error(c, "unknown request \"%.100s\" (\"stats\" or \"stats_meta\")",
				 json_object_get_string(name));
	json_object_put(req);
	return ok;
}

/*
 * Drop what @c sent and we will not read: closing a UNIX socket with unread
 * data resets the connection, and the client might lose our last reply.
 */
static void discard_in(struct client *c)
{
	while (recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT) > 0)
		;
}

/* Send what @c has pending; false when it must be dropped. */
static bool flush_out(struct stats_server *srv, struct client *c)
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
			discard_in(c);
			return false;
		}
	}
	/* closing: no more reading (a client that keeps sending must not wake the loop) */
	ev.events = (c->closing ? 0 : EPOLLIN) | (c->out_len ? EPOLLOUT : 0);
	epoll_ctl(srv->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
	return true;
}

/* Read what @c sent and answer each complete line; false when it must be dropped. */
static bool read_in(struct stats_server *srv, struct client *c)
{
	char *nl;
	size_t used;
	ssize_t n;

	for (;;) {
		if (c->closing)
			return true;
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0)
			return false; /* closed by the client, or an error */
		c->in_len += (size_t)n;
		while ((nl = memchr(c->in, '\n', c->in_len))) {
			used = (size_t)(nl - c->in) + 1;
			if (used > 1 && !handle_line(srv, c, c->in, used - 1))
				return false;
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
		}
		if (c->in_len == sizeof(c->in)) {
			c->closing = true;
			return reply_error(c, "request line longer than %d bytes",
					   CLAND_STATS_MAX_LINE - 1);
		}
	}
}

static void accept_clients(struct stats_server *srv)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int fd, i;

	while ((fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < CLAND_STATS_MAX_CLIENTS && srv->clients[i].fd >= 0; i++)
			;
		ev.data.u64 = (uint64_t)i + 1;
		if (i == CLAND_STATS_MAX_CLIENTS ||
		    epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd); /* too many clients */
			continue;
		}
		srv->clients[i] = (struct client){.fd = fd, .out = srv->clients[i].out};
	}
}

void stats_server_run(void *arg)
{
	struct epoll_event ev[CLAND_STATS_MAX_CLIENTS + 1];
	struct stats_server *srv = arg;
	struct client *c;
	int n, i;

	n = epoll_wait(srv->epoll_fd, ev, CLAND_STATS_MAX_CLIENTS + 1, 0);
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
}

void stats_server_close(struct stats_server *srv)
{
	int i;

	if (!srv)
		return;
	for (i = 0; i < CLAND_STATS_MAX_CLIENTS; i++) {
		if (srv->clients[i].fd >= 0)
			close(srv->clients[i].fd);
		free(srv->clients[i].out);
	}
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->epoll_fd >= 0)
		close(srv->epoll_fd);
	if (srv->path[0])
		unlink(srv->path);
	free(srv);
}
