// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - Prometheus metrics of the daemon over HTTP (metrics.h).
 * libmicrohttpd runs in "external epoll" mode: it opens no thread (the
 * daemon must stay one thread, see struct cland_service) and the main loop
 * calls MHD_run() when its epoll fd is ready. The exposition text is built
 * from the stats table (stats.c): counters as NAME_total, times in seconds,
 * the round-trip histogram as a Prometheus histogram.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "metrics.h"

#define PAGE_MAX       (64 * 1024)
#define CONN_LIMIT     8
#define CONN_TIMEOUT_S 5
#define CONTENT_TYPE   "text/plain; version=0.0.4; charset=utf-8"

struct metrics_server {
	struct MHD_Daemon *d;
	cland_snapshot_fn snap;
	void *arg;
	const char *version;
	struct cland_snapshot s;
	char page[PAGE_MAX];
};

/* Appends to a buffer; off goes past len when it does not fit. */
struct out {
	char *buf;
	size_t len, off;
};

static void __attribute__((format(printf, 2, 3))) put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + (o->off < o->len ? o->off : o->len),
		      o->off < o->len ? o->len - o->off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->off += (size_t)n;
}

/* A label value with \, " and newlines escaped. */
static void put_label(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			put(o, "\\%c", *s);
		else if (*s == '\n')
			put(o, "\\n");
		else
			put(o, "%c", *s);
	}
}

/*
 * A log2 histogram of the backend (bucket i: [2^i, 2^(i+1)) ns, summing to
 * @sum_ns) as a Prometheus one, in seconds.
 */
static void put_hist(struct out *o, const char *name, const char *help, const __u64 *log2,
		     uint64_t sum_ns)
{
	uint64_t cum = 0;
	int i;

	put(o,
	    "# HELP " CLAND_METRICS_PREFIX "%s %s\n# TYPE " CLAND_METRICS_PREFIX "%s histogram\n",
	    name, help, name);
	for (i = 0; i < CLAND_RTT_BUCKETS; i++) {
		cum += log2[i];
		put(o, CLAND_METRICS_PREFIX "%s_bucket{le=\"%.10g\"} %" PRIu64 "\n", name,
		    (double)(1ULL << (i + 1)) * 1e-9, cum);
	}
	put(o, CLAND_METRICS_PREFIX "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, cum);
	put(o, CLAND_METRICS_PREFIX "%s_sum %.9f\n", name, (double)sum_ns * 1e-9);
	put(o, CLAND_METRICS_PREFIX "%s_count %" PRIu64 "\n", name, cum);
}

int metrics_format(char *buf, size_t len, const struct cland_snapshot *s, const char *version)
{
	struct out o = {.buf = buf, .len = len};
	struct cland_stat_values v;
	int i;

	/* counters over the whole life of the daemon: values "since start" */
	cland_stats_values(NULL, s, &v);
	for (i = 0; i < CLAND_NR_STATS; i++) {
		const struct cland_stat_field *f = &cland_stat_fields[i];

		if (!f->metric)
			continue;
		put(&o, "# HELP " CLAND_METRICS_PREFIX "%s %s\n", f->metric, f->desc);
		put(&o, "# TYPE " CLAND_METRICS_PREFIX "%s %s\n", f->metric,
		    f->kind == CLAND_STAT_COUNTER ? "counter" : "gauge");
		if (f->metric_scale == 1)
			put(&o, CLAND_METRICS_PREFIX "%s %" PRIu64 "\n", f->metric, v.v[i].u);
		else
			put(&o, CLAND_METRICS_PREFIX "%s %.6f\n", f->metric,
			    (double)v.v[i].u * f->metric_scale);
	}
	put_hist(&o, "rtt_seconds",
		 "round trip of a task through user space, queued to decision applied",
		 s->c.rtt_log2, s->c.rtt_sum_ns);
	put_hist(&o, "dsq_wait_seconds",
		 "wait for a CPU after a decision, inserted into a DSQ to running", s->c.wait_log2,
		 s->c.wait_sum_ns);
	put(&o,
	    "# HELP " CLAND_METRICS_PREFIX "info the running scx_cland: its policy and version\n"
	    "# TYPE " CLAND_METRICS_PREFIX "info gauge\n" CLAND_METRICS_PREFIX "info{policy=\"");
	put_label(&o, s->policy);
	put(&o, "\",version=\"");
	put_label(&o, version ? version : "");
	put(&o, "\"} 1\n");
	if (o.off >= len)
		return -1;
	return (int)o.off;
}

static enum MHD_Result send_page(struct MHD_Connection *conn, unsigned int code, const char *type,
				 const char *text, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *http_version,
				  const char *upload_data, size_t *upload_size, void **req_cls)
{
	static const char not_found[] = "not found: the metrics are at /metrics\n";
	static const char bad_method[] = "only GET and HEAD\n";
	struct metrics_server *m = cls;
	int n;

	(void)http_version;
	(void)upload_data;
	(void)req_cls;
	if (*upload_size) { /* a body we do not want: ignore it */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return send_page(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", bad_method,
				 sizeof(bad_method) - 1);
	if (strcmp(url, "/metrics"))
		return send_page(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
				 sizeof(not_found) - 1);
	m->snap(m->arg, &m->s);
	n = metrics_format(m->page, sizeof(m->page), &m->s, m->version);
	if (n < 0)
		return send_page(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
				 "metrics page too large\n", 23);
	return send_page(conn, MHD_HTTP_OK, CONTENT_TYPE, m->page, (size_t)n);
}

int metrics_open(struct metrics_server **out, const struct sockaddr *sa, socklen_t salen,
		 cland_snapshot_fn snap, void *arg, const char *version, char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct metrics_server *m;
	int ret;

	(void)salen;
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "--metrics: out of memory");
		return -ENOMEM;
	}
	m->snap = snap;
	m->arg = arg;
	m->version = version;
	if (sa->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	m->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR, sa,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_LIMIT,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT_S,
				MHD_OPTION_END);
	if (!m->d) {
		ret = errno ? -errno : -EINVAL;
		snprintf(err, errlen, "--metrics: cannot serve HTTP there: %s", strerror(-ret));
		free(m);
		return ret;
	}
	*out = m;
	return 0;
}

int metrics_fd(const struct metrics_server *m)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_EPOLL_FD);

	return i ? i->epoll_fd : -1;
}

void metrics_run(void *arg)
{
	struct metrics_server *m = arg;

	MHD_run(m->d);
}

int metrics_port(const struct metrics_server *m)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : -1;
}

void metrics_close(struct metrics_server *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->d);
	free(m);
}
