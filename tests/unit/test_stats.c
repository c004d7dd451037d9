// SPDX-License-Identifier: GPL-2.0
/*
 * test_stats.c - the daemon's statistics (src/stats.c): values over an
 * interval, the --stats line, --help-stats; and the scx_stats protocol end
 * to end: the server (src/stats_server.c, in a thread as the main loop
 * would run it) against the repo's client (src/stats_client.c), raw JSON
 * lines, bad requests, per-connection deltas, stale sockets, and --monitor
 * (src/monitor.c) reconnecting until a server appears.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "monitor.h"
#include "stats.h"
#include "stats_client.h"
#include "stats_server.h"

#define SEC 1000000000ULL

/* A daemon that schedules 1000 decisions per snapshot taken, 1 s apart. */
struct fake {
	pthread_mutex_t lock;
	uint64_t calls;
};

static void fake_snapshot(void *arg, struct cland_snapshot *out)
{
	struct fake *f = arg;
	uint64_t n;

	pthread_mutex_lock(&f->lock);
	n = ++f->calls;
	pthread_mutex_unlock(&f->lock);
	memset(out, 0, sizeof(*out));
	out->at_ns = 100 * SEC + n * SEC;
	out->uptime_ns = n * SEC;
	out->c.nr_queued = 1100 * n;
	out->c.nr_user_dispatches = 1000 * n;
	out->c.nr_degraded_enter = 2;
	out->c.rtt_log2[10] = 99 * n;  /* ~1 us */
	out->c.rtt_log2[20] = n;       /* ~1 ms */
	out->c.wait_log2[12] = 10 * n; /* [4096, 8192) ns */
	out->c.nr_overdue = n;
	out->c.nr_rekeyed = 2 * n;
	out->c.nr_standing_void = 3 * n;
	out->c.nr_migrated = 4 * n;
	out->c.nr_moves_local = 5 * n;
	out->c.moves_local_ns = 3 * n * 1000000;
	out->c.nr_moves_remote = 6 * n;
	out->c.moves_remote_ns = 7 * n * 1000000 + 999999 * (n & 1); /* ms: rounded down */
	out->cpu_ns = n * SEC / 10;				     /* 10% of a CPU */
	out->nr_pending = 7;
	out->degraded = true;
	snprintf(out->policy, sizeof(out->policy), "deadline");
	snprintf(out->exit_reason, sizeof(out->exit_reason), "quote \" and \\ and\nnewline");
}

static void test_values_over_interval(void **state)
{
	struct fake f = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct cland_snapshot a, b;
	struct cland_stat_values v;

	(void)state;
	fake_snapshot(&f, &a);
	fake_snapshot(&f, &b);
	/* since the daemon started */
	cland_stats_values(NULL, &a, &v);
	assert_int_equal(v.v[CLAND_ST_USER].u, 1000);
	assert_int_equal(v.v[CLAND_ST_QUEUED].u, 1100);
	assert_true(v.v[CLAND_ST_DECISIONS_PER_S].f > 999.9 &&
		    v.v[CLAND_ST_DECISIONS_PER_S].f < 1000.1);
	/* over the second between a and b: counters grew by one step */
	cland_stats_values(&a, &b, &v);
	assert_int_equal(v.v[CLAND_ST_USER].u, 1000);
	assert_int_equal(v.v[CLAND_ST_QUEUED].u, 1100);
	assert_int_equal(v.v[CLAND_ST_DEGRADED_ENTER].u, 0);
	assert_int_equal(v.rtt_log2[10], 99);
	assert_int_equal(v.rtt_log2[20], 1);
	assert_int_equal(v.v[CLAND_ST_CPU_MS].u, 100);
	assert_true(v.v[CLAND_ST_CPU_PCT].f > 9.99 && v.v[CLAND_ST_CPU_PCT].f < 10.01);
	assert_true(v.v[CLAND_ST_DECISIONS_PER_S].f > 999.9 &&
		    v.v[CLAND_ST_DECISIONS_PER_S].f < 1000.1);
	/* gauges: values now */
	assert_int_equal(v.v[CLAND_ST_PENDING].u, 7);
	assert_int_equal(v.v[CLAND_ST_DEGRADED_NOW].u, 1);
	assert_int_equal(v.v[CLAND_ST_UPTIME_S].u, 2);
	assert_string_equal(v.v[CLAND_ST_POLICY].s, "deadline");
	/* 99 of 100 round trips in [1024, 2048) ns: p50 1.5 us, p99 2.0 us, not 1 ms */
	assert_int_equal(v.v[CLAND_ST_RTT_P50_US].u, 1);
	assert_int_equal(v.v[CLAND_ST_RTT_P99_US].u, 2);
	/* 10 waits in [4096, 8192) ns: p50 4096 + 4096 * 5 / 11 ns */
	assert_int_equal(v.wait_log2[12], 10);
	assert_int_equal(v.v[CLAND_ST_WAIT_P50_US].u, 5);
	assert_int_equal(v.v[CLAND_ST_OVERDUE].u, 1);
	assert_int_equal(v.v[CLAND_ST_REKEYED].u, 2);
	assert_int_equal(v.v[CLAND_ST_STANDING_VOID].u, 3);
	assert_int_equal(v.v[CLAND_ST_MIGRATED].u, 4);
	assert_int_equal(v.v[CLAND_ST_MOVES_LOCAL].u, 5);
	assert_int_equal(v.v[CLAND_ST_MOVES_LOCAL_MS].u, 3);
	assert_int_equal(v.v[CLAND_ST_MOVES_REMOTE].u, 6);
	/* 14 ms - (7 ms + 999999 ns) */
	assert_int_equal(v.v[CLAND_ST_MOVES_REMOTE_MS].u, 6);
}

static void test_counters_add(void **state)
{
	struct cland_counters a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.nr_queued = 5;
	a.rtt_log2[CLAND_RTT_BUCKETS - 1] = 1;
	b.nr_queued = 7;
	b.nr_requeued = 3;
	b.rtt_log2[CLAND_RTT_BUCKETS - 1] = 2;
	cland_counters_add(&a, &b);
	assert_int_equal(a.nr_queued, 12);
	assert_int_equal(a.nr_requeued, 3);
	assert_int_equal(a.rtt_log2[CLAND_RTT_BUCKETS - 1], 3);
}

static void test_line(void **state)
{
	struct fake f = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct cland_snapshot a, b;
	struct cland_stat_values v;
	char line[2048], key[64];
	int i;

	(void)state;
	fake_snapshot(&f, &a);
	fake_snapshot(&f, &b);
	cland_stats_values(&a, &b, &v);
	assert_true(cland_stats_format_line(line, sizeof(line), &v) > 0);
	assert_non_null(strstr(line, "stats: "));
	assert_non_null(strstr(line, " user=1000 "));
	assert_non_null(strstr(line, " decisions_per_s=1000.0 "));
	assert_non_null(strstr(line, " cpu_pct=10.0 "));
	for (i = 0; i < CLAND_NR_STATS; i++) {
		snprintf(key, sizeof(key), " %s=", cland_stat_fields[i].name);
		if (cland_stat_fields[i].in_line)
			assert_non_null(strstr(line, key));
		else
			assert_null(strstr(line, key));
	}
	/* a small buffer is not overrun */
	line[10] = 'X';
	cland_stats_format_line(line, 8, &v);
	assert_int_equal(line[7], '\0');
	assert_int_equal(line[10], 'X');
}

static void test_help_names_every_field(void **state)
{
	char *text = NULL, key[64];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int i;

	(void)state;
	assert_non_null(f);
	cland_stats_help(f);
	fclose(f);
	for (i = 0; i < CLAND_NR_STATS; i++) {
		snprintf(key, sizeof(key), " %s ", cland_stat_fields[i].name);
		if (!strstr(text, key))
			fail_msg("--help-stats does not describe %s", cland_stat_fields[i].name);
		assert_true(strlen(cland_stat_fields[i].desc) > 10);
		assert_int_equal(cland_stat_find(cland_stat_fields[i].name), i);
	}
	assert_non_null(strstr(text, CLAND_STAT_RTT_NAME));
	assert_int_equal(cland_stat_find("no_such_field"), -1);
	free(text);
}

/* ---- the server, run in a thread as the daemon's main loop runs it ---- */

struct served {
	struct stats_server *srv;
	struct fake fake;
	char dir[64];
	char path[128];
	pthread_t thread;
	volatile int stop;
	unsigned int delay_ms; /* open the server only after this long (monitor test) */
};

static void *serve(void *arg)
{
	struct served *s = arg;
	struct pollfd pfd;
	char err[256];

	if (s->delay_ms) {
		usleep(s->delay_ms * 1000);
		if (stats_server_open(&s->srv, s->path, fake_snapshot, &s->fake, err, sizeof(err)))
			return NULL;
	}
	pfd.fd = stats_server_fd(s->srv);
	pfd.events = POLLIN;
	while (!s->stop) {
		if (poll(&pfd, 1, 20) > 0)
			stats_server_run(s->srv);
	}
	return NULL;
}

static struct served *start_server(unsigned int delay_ms)
{
	struct served *s = calloc(1, sizeof(*s));
	char err[256];

	assert_non_null(s);
	pthread_mutex_init(&s->fake.lock, NULL);
	strcpy(s->dir, "/tmp/cland-stats-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	/* a directory that does not exist yet: the server creates it */
	snprintf(s->path, sizeof(s->path), "%s/run/scx/root/stats", s->dir);
	s->delay_ms = delay_ms;
	if (!delay_ms) {
		if (stats_server_open(&s->srv, s->path, fake_snapshot, &s->fake, err, sizeof(err)))
			fail_msg("stats_server_open: %s", err);
	}
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
	return s;
}

static void stop_server(struct served *s)
{
	char cmd[128];

	s->stop = 1;
	pthread_join(s->thread, NULL);
	stats_server_close(s->srv);
	/* closing removes the socket */
	assert_int_equal(access(s->path, F_OK), -1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
	free(s);
}

/* One request line, one reply line, parsed. */
static struct json_object *call(int fd, const char *line)
{
	static char reply[256 * 1024];
	struct json_object *o;
	int ret = stats_client_call(fd, line, reply, sizeof(reply), 5000);

	if (ret)
		fail_msg("no reply to %s: %s", line, strerror(-ret));
	o = json_tokener_parse(reply);
	if (!o)
		fail_msg("reply is not JSON: %s", reply);
	return o;
}

static int reply_errno(struct json_object *o)
{
	struct json_object *no;

	assert_true(json_object_object_get_ex(o, "errno", &no));
	return json_object_get_int(no);
}

static struct json_object *reply_resp(struct json_object *o)
{
	struct json_object *args, *resp;

	assert_true(json_object_object_get_ex(o, "args", &args));
	assert_true(json_object_object_get_ex(args, "resp", &resp));
	return resp;
}

static uint64_t resp_u64(struct json_object *resp, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(resp, name, &v))
		fail_msg("no field %s in the reply", name);
	return json_object_get_uint64(v);
}

static void test_server_round_trip(void **state)
{
	struct served *s = start_server(0);
	struct stats_reply r;
	struct json_object *o;
	char reply[64 * 1024], err[256];
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(stat(s->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	fd = stats_client_connect(s->path);
	assert_true(fd >= 0);
	/* the first request: counters since the daemon started */
	o = call(fd, "{\"req\":\"stats\",\"args\":{\"target\":\"top\"}}");
	assert_int_equal(reply_errno(o), 0);
	assert_int_equal(resp_u64(reply_resp(o), "user"), 1000);
	assert_int_equal(resp_u64(reply_resp(o), "degraded_enter"), 2);
	json_object_put(o);
	/* the next ones: growth since the previous request on this connection */
	assert_int_equal(stats_client_call(fd, "{\"req\":\"stats\"}", reply, sizeof(reply), 5000),
			 0);
	if (stats_client_parse_stats(reply, &r, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(r.v.v[CLAND_ST_USER].u, 1000);
	assert_int_equal(r.v.v[CLAND_ST_QUEUED].u, 1100);
	assert_int_equal(r.v.v[CLAND_ST_DEGRADED_ENTER].u, 0); /* did not grow */
	assert_int_equal(r.v.v[CLAND_ST_PENDING].u, 7);	       /* a gauge: its value */
	assert_int_equal(r.v.v[CLAND_ST_UPTIME_S].u, 2);
	assert_int_equal(r.v.rtt_log2[10], 99);
	assert_int_equal(r.v.wait_log2[12], 10);
	assert_int_equal(r.v.v[CLAND_ST_OVERDUE].u, 1);
	assert_true(r.v.v[CLAND_ST_DECISIONS_PER_S].f > 999 &&
		    r.v.v[CLAND_ST_DECISIONS_PER_S].f < 1001);
	assert_string_equal(r.policy, "deadline");
	/* strings with quotes, backslashes and newlines survive */
	assert_string_equal(r.exit_reason, "quote \" and \\ and\nnewline");
	close(fd);
	stop_server(s);
}

static void test_server_deltas_per_connection(void **state)
{
	struct served *s = start_server(0);
	struct json_object *o;
	int a, b;

	(void)state;
	a = stats_client_connect(s->path);
	b = stats_client_connect(s->path);
	assert_true(a >= 0 && b >= 0);
	json_object_put(call(a, "{\"req\":\"stats\"}")); /* snapshot 1: a's baseline */
	json_object_put(call(b, "{\"req\":\"stats\"}")); /* 2: b's */
	json_object_put(call(b, "{\"req\":\"stats\"}")); /* 3 */
	o = call(a, "{\"req\":\"stats\"}");		 /* 4: a's growth since 1 */
	assert_int_equal(resp_u64(reply_resp(o), "user"), 3000);
	json_object_put(o);
	o = call(b, "{\"req\":\"stats\"}"); /* 5: b's growth since 3 */
	assert_int_equal(resp_u64(reply_resp(o), "user"), 2000);
	json_object_put(o);
	close(a);
	close(b);
	stop_server(s);
}

static void test_server_meta(void **state)
{
	struct served *s = start_server(0);
	struct json_object *o, *top, *fields, *f, *v;
	int fd, i;

	(void)state;
	fd = stats_client_connect(s->path);
	o = call(fd, "{\"req\":\"stats_meta\",\"args\":{}}");
	assert_int_equal(reply_errno(o), 0);
	assert_true(json_object_object_get_ex(reply_resp(o), CLAND_STATS_META_NAME, &top));
	assert_true(json_object_object_get_ex(top, "name", &v));
	assert_string_equal(json_object_get_string(v), CLAND_STATS_META_NAME);
	assert_true(json_object_object_get_ex(top, "top", &v));
	assert_string_equal(json_object_get_string(v), "true");
	assert_true(json_object_object_get_ex(top, "fields", &fields));
	for (i = 0; i < CLAND_NR_STATS; i++) {
		const struct cland_stat_field *sf = &cland_stat_fields[i];
		const char *want = sf->type == CLAND_STAT_U64	  ? "u64"
				   : sf->type == CLAND_STAT_FLOAT ? "float"
								  : "string";

		if (!json_object_object_get_ex(fields, sf->name, &f))
			fail_msg("stats_meta lacks %s", sf->name);
		assert_true(json_object_object_get_ex(f, "datum", &v));
		assert_string_equal(json_object_get_string(v), want);
		assert_true(json_object_object_get_ex(f, "desc", &v));
		assert_non_null(strstr(json_object_get_string(v), sf->desc));
	}
	assert_true(json_object_object_get_ex(fields, CLAND_STAT_RTT_NAME, &f));
	assert_true(json_object_object_get_ex(f, "array", &v));
	assert_string_equal(json_object_get_string(v), "u64");
	assert_true(json_object_object_get_ex(fields, CLAND_STAT_WAIT_NAME, &f));
	assert_true(json_object_object_get_ex(f, "array", &v));
	/* every field of a stats reply is described */
	v = call(fd, "{\"req\":\"stats\"}");
	json_object_object_foreach(reply_resp(v), key, val)
	{
		(void)val;
		if (!json_object_object_get_ex(fields, key, &f))
			fail_msg("field %s of the stats reply is not in stats_meta", key);
	}
	json_object_put(v);
	json_object_put(o);
	close(fd);
	stop_server(s);
}

/* Each bad request gets errno 22 and a message; the connection and the server go on. */
static void test_server_bad_requests(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"this is not json", "invalid JSON"},
		{"{\"req\":\"stats\"", "invalid JSON"},
		{"[1,2]", "JSON object"},
		{"{}", "missing \"req\""},
		{"{\"req\":5}", "missing \"req\""},
		{"{\"req\":\"reboot\"}", "unknown request \"reboot\""},
		{"{\"req\":\"stats\",\"args\":{\"target\":\"bogus\"}}", "unknown stats target"},
		{"{\"req\":\"stats\",\"args\":{\"target\":1}}", "object of strings"},
		{"{\"req\":\"stats\",\"args\":[\"top\"]}", "object of strings"},
	};
	struct served *s = start_server(0);
	struct json_object *o, *resp;
	size_t i;
	int fd;

	(void)state;
	fd = stats_client_connect(s->path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = call(fd, bad[i].line);
		assert_int_equal(reply_errno(o), 22);
		resp = reply_resp(o);
		assert_true(json_object_is_type(resp, json_type_string));
		if (!strstr(json_object_get_string(resp), bad[i].msg))
			fail_msg("%s: message '%s' lacks '%s'", bad[i].line,
				 json_object_get_string(resp), bad[i].msg);
		json_object_put(o);
	}
	/* still serving on the same connection */
	o = call(fd, "{\"req\":\"stats\",\"args\":null}");
	assert_int_equal(reply_errno(o), 0);
	json_object_put(o);
	close(fd);
	stop_server(s);
}

/* A line longer than the limit: an error, then the server hangs up. */
static void test_server_long_line(void **state)
{
	struct served *s = start_server(0);
	static char line[CLAND_STATS_MAX_LINE + 100], reply[4096];
	struct json_object *o;
	int fd;

	(void)state;
	memset(line, ' ', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	fd = stats_client_connect(s->path);
	assert_int_equal(stats_client_call(fd, line, reply, sizeof(reply), 5000), 0);
	o = json_tokener_parse(reply);
	assert_int_equal(reply_errno(o), 22);
	assert_non_null(strstr(json_object_get_string(reply_resp(o)), "longer than"));
	json_object_put(o);
	assert_int_equal(stats_client_call(fd, "{\"req\":\"stats\"}", reply, sizeof(reply), 5000),
			 -EPIPE);
	close(fd);
	/* others are still served */
	fd = stats_client_connect(s->path);
	o = call(fd, "{\"req\":\"stats\"}");
	assert_int_equal(reply_errno(o), 0);
	json_object_put(o);
	close(fd);
	stop_server(s);
}

static void test_server_client_limit(void **state)
{
	struct served *s = start_server(0);
	int fds[CLAND_STATS_MAX_CLIENTS + 1], i;
	struct json_object *o;
	char reply[4096];

	(void)state;
	for (i = 0; i <= CLAND_STATS_MAX_CLIENTS; i++) {
		fds[i] = stats_client_connect(s->path);
		assert_true(fds[i] >= 0);
	}
	for (i = 0; i < CLAND_STATS_MAX_CLIENTS; i++) {
		o = call(fds[i], "{\"req\":\"stats\"}");
		assert_int_equal(reply_errno(o), 0);
		json_object_put(o);
	}
	assert_int_equal(stats_server_nr_clients(s->srv), CLAND_STATS_MAX_CLIENTS);
	/* one too many: closed at once */
	assert_int_equal(stats_client_call(fds[CLAND_STATS_MAX_CLIENTS], "{\"req\":\"stats\"}",
					   reply, sizeof(reply), 5000),
			 -EPIPE);
	for (i = 0; i <= CLAND_STATS_MAX_CLIENTS; i++)
		close(fds[i]);
	stop_server(s);
}

/* A socket nobody answers on is removed; a live one or a plain file is refused. */
static void test_server_socket_path(void **state)
{
	char dir[] = "/tmp/cland-sock-XXXXXX", path[128], err[256], cmd[128];
	struct stats_server *a, *b;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct fake f = {.lock = PTHREAD_MUTEX_INITIALIZER};
	FILE *file;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stats", dir);
	/* stale: bound, then closed without unlink (a crashed daemon) */
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	if (stats_server_open(&a, path, fake_snapshot, &f, err, sizeof(err)))
		fail_msg("stale socket not replaced: %s", err);
	/* live: refused, and left alone */
	assert_int_equal(stats_server_open(&b, path, fake_snapshot, &f, err, sizeof(err)),
			 -EADDRINUSE);
	assert_non_null(strstr(err, "another process answers"));
	assert_null(b);
	fd = stats_client_connect(path);
	assert_true(fd >= 0);
	close(fd);
	stats_server_close(a);
	/* not a socket */
	file = fopen(path, "w");
	fclose(file);
	assert_int_equal(stats_server_open(&b, path, fake_snapshot, &f, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "not a socket"));
	assert_int_equal(access(path, F_OK), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static volatile sig_atomic_t monitor_stop;
static char monitor_out[64];

/* Stop the monitor once it printed 3 lines (or after 30 s). */
static void *stop_after_lines(void *arg)
{
	char buf[8192];
	int i, lines = 0;
	size_t n;
	FILE *f;

	(void)arg;
	for (i = 0; i < 300 && lines < 3; i++) {
		usleep(100 * 1000);
		f = fopen(monitor_out, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		lines = 0;
		for (char *p = buf; (p = strstr(p, "stats: ")); p++)
			lines++;
	}
	monitor_stop = 1;
	return NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * --monitor started before any server: it says so, retries every second,
 * connects when the server appears (1.5 s later), then prints a line a
 * second with the counters' growth.
 */
static void test_monitor_waits_and_prints(void **state)
{
	struct served *s = start_server(1500);
	char *err = NULL, out[8192];
	size_t errlen = 0, n;
	FILE *o, *e = open_memstream(&err, &errlen);
	long long t0, took;
	int lines = 0, fd;
	pthread_t t;
	char *p;

	(void)state;
	strcpy(monitor_out, "/tmp/cland-monitor-XXXXXX");
	fd = mkstemp(monitor_out);
	assert_true(fd >= 0);
	o = fdopen(fd, "w");
	monitor_stop = 0;
	t0 = now_ms();
	assert_int_equal(pthread_create(&t, NULL, stop_after_lines, NULL), 0);
	assert_int_equal(cland_monitor(s->path, 1, &monitor_stop, o, e), 0);
	took = now_ms() - t0;
	pthread_join(t, NULL);
	fclose(o);
	fclose(e);
	o = fopen(monitor_out, "r");
	n = fread(out, 1, sizeof(out) - 1, o);
	out[n] = '\0';
	fclose(o);
	unlink(monitor_out);
	assert_non_null(strstr(err, "no scx_cland answers at"));
	assert_non_null(strstr(err, "retrying every second"));
	assert_non_null(strstr(err, "watching"));
	assert_non_null(strstr(err, "policy deadline"));
	for (p = out; (p = strstr(p, "stats: ")); p++) {
		lines++;
		/* each line: the growth over one request, 1000 decisions */
		assert_int_equal(strncmp(strstr(p, " user="), " user=1000 ", 11), 0);
	}
	assert_true(lines >= 3);
	/* the server came up after 1.5 s, then a baseline and a line a second: 4.5 s at least */
	if (took < 4500 || took > 30000)
		fail_msg("3 lines after %lld ms", took);
	free(err);
	stop_server(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_over_interval),
		cmocka_unit_test(test_counters_add),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_help_names_every_field),
		cmocka_unit_test(test_server_round_trip),
		cmocka_unit_test(test_server_deltas_per_connection),
		cmocka_unit_test(test_server_meta),
		cmocka_unit_test(test_server_bad_requests),
		cmocka_unit_test(test_server_long_line),
		cmocka_unit_test(test_server_client_limit),
		cmocka_unit_test(test_server_socket_path),
		cmocka_unit_test(test_monitor_waits_and_prints),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
