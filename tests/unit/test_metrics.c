// SPDX-License-Identifier: GPL-2.0
/*
 * test_metrics.c - scx_cland's Prometheus metrics (src/metrics.c): every
 * line of the exposition text parses, names are legal and prefixed,
 * counters end in _total, HELP/TYPE come before their samples, the
 * histogram is cumulative; the HTTP server (libmicrohttpd on 127.0.0.1,
 * an ephemeral port, run in a thread as the main loop runs it) serves that
 * text on /metrics and 404 elsewhere; and every metric the Grafana dashboard
 * (docs/grafana/scx_cland.json) queries exists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "metrics.h"

#define DASHBOARD REPO "/docs/grafana/scx_cland.json"

static void snapshot(void *arg, struct cland_snapshot *s)
{
	int i;

	(void)arg;
	memset(s, 0, sizeof(*s));
	s->uptime_ns = 42ULL * 1000000000ULL;
	s->c.nr_queued = 1000;
	s->c.nr_user_dispatches = 900;
	s->c.nr_degraded_enter = 3;
	s->c.degraded_ns = 1500000000ULL;
	s->c.nr_starved = 1;
	for (i = 5; i < 25; i++) {
		s->c.rtt_log2[i] = (uint64_t)i;
		s->c.wait_log2[i] = (uint64_t)i;
	}
	s->c.rtt_sum_ns = 1234567890ULL;
	s->c.wait_sum_ns = 5ULL;
	s->cpu_ns = 2500000000ULL;
	s->faults = 2;
	s->nr_pending = 4;
	snprintf(s->policy, sizeof(s->policy), "dead\"line\\");
}

static char *format_page(void)
{
	static char page[64 * 1024];
	struct cland_snapshot s;

	snapshot(NULL, &s);
	assert_true(metrics_format(page, sizeof(page), &s, "0.1.0") > 0);
	return page;
}

/* Sample names (before '{' or ' ') of @page, one per line, in @names. */
static int sample_names(const char *page, char names[][128], int max)
{
	const char *p = page, *nl;
	int n = 0;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (*p != '#' && n < max) {
			size_t len = strcspn(p, "{ ");

			snprintf(names[n++], 128, "%.*s", (int)len, p);
		}
	}
	return n;
}

static void test_every_line_parses(void **state)
{
	const char *page = format_page();
	regex_t help, type, sample;
	char line[1024], family[128] = "", typed[128] = "", kind[32] = "";
	const char *p = page, *nl;
	int nr_samples = 0, i;
	regmatch_t m[4];

	(void)state;
	assert_int_equal(regcomp(&help, "^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) [^\n]+$", REG_EXTENDED),
			 0);
	assert_int_equal(regcomp(&type,
				 "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$",
				 REG_EXTENDED),
			 0);
	/* name, optional {label="value",...}, a float */
	assert_int_equal(regcomp(&sample,
				 "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^"
				 "\"\\\\]|\\\\.)*\""
				 "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*\\})? "
				 "(-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|\\+Inf|NaN)$",
				 REG_EXTENDED),
			 0);
	assert_int_equal(page[strlen(page) - 1], '\n');
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (!regexec(&help, line, 2, m, 0)) {
			snprintf(family, sizeof(family), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
				 line + m[1].rm_so);
			continue;
		}
		if (!regexec(&type, line, 3, m, 0)) {
			snprintf(typed, sizeof(typed), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
				 line + m[1].rm_so);
			snprintf(kind, sizeof(kind), "%.*s", (int)(m[2].rm_eo - m[2].rm_so),
				 line + m[2].rm_so);
			/* TYPE right after its HELP */
			assert_string_equal(typed, family);
			continue;
		}
		if (regexec(&sample, line, 2, m, 0))
			fail_msg("line does not parse: '%s'", line);
		nr_samples++;
		/* a sample of the family announced last */
		assert_int_equal(strncmp(line, typed, strlen(typed)), 0);
		assert_int_equal(strncmp(line, CLAND_METRICS_PREFIX, strlen(CLAND_METRICS_PREFIX)),
				 0);
		if (!strcmp(kind, "counter")) {
			size_t n = strcspn(line, "{ ");

			assert_true(n > 6 && !strncmp(line + n - 6, "_total", 6));
		}
	}
	/* every field with a metric name is there */
	for (i = 0; i < CLAND_NR_STATS; i++) {
		char want[160];

		if (!cland_stat_fields[i].metric)
			continue;
		snprintf(want, sizeof(want), "\n" CLAND_METRICS_PREFIX "%s ",
			 cland_stat_fields[i].metric);
		if (!strstr(page, want))
			fail_msg("no sample %s", want + 1);
		nr_samples--;
	}
	assert_true(nr_samples > CLAND_RTT_BUCKETS); /* + the histogram and info */
	regfree(&help);
	regfree(&type);
	regfree(&sample);
}

static void test_values_and_units(void **state)
{
	const char *page = format_page();

	(void)state;
	assert_non_null(strstr(page, "\nscx_cland_queued_total 1000\n"));
	assert_non_null(strstr(page, "\nscx_cland_user_dispatches_total 900\n"));
	assert_non_null(strstr(page, "\nscx_cland_degraded_entered_total 3\n"));
	/* times in seconds */
	assert_non_null(strstr(page, "\nscx_cland_degraded_seconds_total 1.500000\n"));
	assert_non_null(strstr(page, "\nscx_cland_daemon_cpu_seconds_total 2.500000\n"));
	assert_non_null(strstr(page, "\nscx_cland_uptime_seconds 42\n"));
	assert_non_null(strstr(page, "# TYPE scx_cland_pending_tasks gauge\n"));
	assert_non_null(strstr(page, "\nscx_cland_pending_tasks 4\n"));
	/* label values escaped */
	assert_non_null(strstr(
		page, "\nscx_cland_info{policy=\"dead\\\"line\\\\\",version=\"0.1.0\"} 1\n"));
}

/* Histogram @name: cumulative buckets in order, +Inf and _count equal to the total. */
static void check_hist(const char *page, const char *name)
{
	uint64_t prev = 0, v, total = 0, inf = 0, count = 0;
	double le, prev_le = 0;
	int buckets = 0, i;
	char key[128];
	const char *p;

	for (i = 5; i < 25; i++)
		total += (uint64_t)i;
	snprintf(key, sizeof(key), "%s_bucket{le=\"", name);
	for (p = page; (p = strstr(p, key)); p++) {
		p += strlen(key);
		if (!strncmp(p, "+Inf", 4)) {
			assert_int_equal(sscanf(p, "+Inf\"} %lu", &inf), 1);
			continue;
		}
		assert_int_equal(sscanf(p, "%lf\"} %lu", &le, &v), 2);
		assert_true(le > prev_le);
		assert_true(v >= prev);
		prev = v;
		prev_le = le;
		buckets++;
	}
	assert_int_equal(buckets, CLAND_RTT_BUCKETS);
	assert_int_equal(inf, total);
	assert_int_equal(prev, total);
	snprintf(key, sizeof(key), "\n%s_count ", name);
	p = strstr(page, key);
	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(key), "%lu", &count), 1);
	assert_int_equal(count, total);
	/* bucket 0 is [1, 2) ns: le 2e-09 */
	snprintf(key, sizeof(key), "%s_bucket{le=\"2e-09\"} 0\n", name);
	assert_non_null(strstr(page, key));
}

static void test_histograms(void **state)
{
	const char *page = format_page();

	(void)state;
	check_hist(page, "scx_cland_rtt_seconds");
	check_hist(page, "scx_cland_dsq_wait_seconds");
	/* _sum in seconds, next to _count (the exposition format's histogram) */
	assert_non_null(strstr(page, "\nscx_cland_rtt_seconds_sum 1.234567890\n"
				     "scx_cland_rtt_seconds_count "));
	assert_non_null(strstr(page, "\nscx_cland_dsq_wait_seconds_sum 0.000000005\n"));
	assert_non_null(strstr(page, "# TYPE scx_cland_dsq_wait_seconds histogram\n"));
}

static void test_small_buffer(void **state)
{
	struct cland_snapshot s;
	char buf[256];

	(void)state;
	snapshot(NULL, &s);
	assert_int_equal(metrics_format(buf, sizeof(buf), &s, "v"), -1);
}

/* ---- HTTP ---- */

struct http {
	struct metrics_server *m;
	pthread_t thread;
	volatile int stop;
};

static void *serve(void *arg)
{
	struct http *h = arg;
	struct pollfd pfd = {.fd = metrics_fd(h->m), .events = POLLIN};

	while (!h->stop) {
		poll(&pfd, 1, 20);
		metrics_run(h->m);
	}
	return NULL;
}

/* GET @path over HTTP/1.0 from 127.0.0.1:@port; the whole response in @buf. */
static size_t get(int port, const char *method, const char *path, char *buf, size_t len)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char req[256];
	size_t got = 0;
	ssize_t n;
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: localhost\r\n\r\n", method, path);
	assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	while (got + 1 < len && (n = recv(fd, buf + got, len - 1 - got, 0)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	return got;
}

static void test_http(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	static char resp[128 * 1024];
	struct http h = {0};
	char err[256];
	const char *body;
	int port;

	(void)state;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (metrics_open(&h.m, (struct sockaddr *)&sa, sizeof(sa), snapshot, NULL, "0.1.0", err,
			 sizeof(err)))
		fail_msg("metrics_open: %s", err);
	port = metrics_port(h.m);
	assert_true(port > 0);
	assert_true(metrics_fd(h.m) >= 0);
	assert_int_equal(pthread_create(&h.thread, NULL, serve, &h), 0);

	get(port, "GET", "/metrics", resp, sizeof(resp));
	assert_int_equal(strncmp(resp, "HTTP/1.0 200", 12) && strncmp(resp, "HTTP/1.1 200", 12), 0);
	assert_non_null(strstr(resp, "Content-Type: text/plain; version=0.0.4"));
	body = strstr(resp, "\r\n\r\n");
	assert_non_null(body);
	assert_string_equal(body + 4, format_page());

	get(port, "GET", "/", resp, sizeof(resp));
	assert_non_null(strstr(resp, " 404 "));
	get(port, "POST", "/metrics", resp, sizeof(resp));
	assert_non_null(strstr(resp, " 405 "));
	/* a second server on the same port: refused with a reason */
	sa.sin_port = htons((uint16_t)port);
	{
		struct metrics_server *m2;

		assert_true(metrics_open(&m2, (struct sockaddr *)&sa, sizeof(sa), snapshot, NULL,
					 "0.1.0", err, sizeof(err)) < 0);
		assert_non_null(strstr(err, "cannot serve HTTP there"));
	}
	h.stop = 1;
	pthread_join(h.thread, NULL);
	metrics_close(h.m);
}

/* Every scx_cland_* name in an expression of the dashboard is a sample of /metrics. */
static void collect_exprs(struct json_object *o, char exprs[][512], int *n, int max)
{
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val)
		{
			if ((!strcmp(key, "expr") || !strcmp(key, "definition")) &&
			    json_object_is_type(val, json_type_string) && *n < max)
				snprintf(exprs[(*n)++], 512, "%s", json_object_get_string(val));
			else
				collect_exprs(val, exprs, n, max);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		size_t i;

		for (i = 0; i < json_object_array_length(o); i++)
			collect_exprs(json_object_array_get_idx(o, i), exprs, n, max);
	}
}

static void test_grafana_dashboard(void **state)
{
	static char exprs[64][512], names[256][128];
	static const char *const must[] = {
		"scx_cland_user_dispatches_total",    "scx_cland_rtt_seconds_bucket",
		"scx_cland_degraded_entered_total",   "scx_cland_starved_total",
		"scx_cland_daemon_cpu_seconds_total",
	};
	struct json_object *dash = json_object_from_file(DASHBOARD), *v;
	int nr_exprs = 0, nr_names, nr_checked = 0, i, j;
	const char *page = format_page();
	regmatch_t m[1];
	regex_t re;

	(void)state;
	if (!dash)
		fail_msg("%s is not JSON", DASHBOARD);
	/* importable as is: a title, panels, a datasource variable */
	assert_true(json_object_object_get_ex(dash, "title", &v));
	assert_true(json_object_object_get_ex(dash, "panels", &v));
	assert_true(json_object_array_length(v) >= 5);
	assert_true(json_object_object_get_ex(dash, "templating", &v));
	collect_exprs(dash, exprs, &nr_exprs, 64);
	assert_true(nr_exprs >= 5);
	nr_names = sample_names(page, names, 256);
	assert_int_equal(regcomp(&re, "scx_cland_[a-zA-Z0-9_]+", REG_EXTENDED), 0);
	for (i = 0; i < nr_exprs; i++) {
		const char *p = exprs[i];

		while (!regexec(&re, p, 1, m, 0)) {
			char name[128];
			bool found = false;

			snprintf(name, sizeof(name), "%.*s", (int)(m[0].rm_eo - m[0].rm_so),
				 p + m[0].rm_so);
			for (j = 0; j < nr_names && !found; j++)
				found = !strcmp(names[j], name);
			if (!found)
				fail_msg("the dashboard queries %s, which /metrics does not have",
					 name);
			nr_checked++;
			p += m[0].rm_eo;
		}
	}
	/* the panels the issue asks for query these */
	for (i = 0; i < (int)(sizeof(must) / sizeof(must[0])); i++) {
		bool found = false;

		for (j = 0; j < nr_exprs && !found; j++)
			found = strstr(exprs[j], must[i]) != NULL;
		if (!found)
			fail_msg("no dashboard panel queries %s", must[i]);
	}
	assert_true(nr_checked >= nr_exprs);
	regfree(&re);
	json_object_put(dash);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_line_parses),
		cmocka_unit_test(test_values_and_units),
		cmocka_unit_test(test_histograms),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_grafana_dashboard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
