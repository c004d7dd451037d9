// SPDX-License-Identifier: GPL-2.0
/*
 * observe.c - the daemon's observability, plugged into the main loop (see
 * observe.h). Each watcher is a struct cland_service: the stats server and
 * /metrics wake the loop through their fds, the recorder's batches and the
 * --stats line run on a period. None of them adds work to the hot path
 * except the recorder's copies, and only with --record.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "metrics.h"
#include "observe.h"
#include "record.h"
#include "stats_server.h"

#define METRICS_PERIOD_MS 1000 /* libmicrohttpd's connection timeouts */
#define RECORD_PERIOD_MS  100

static struct {
	struct cland_collector col;
	const char *stats_path;
	bool stats_tried;
	struct stats_server *stats;
	struct metrics_server *metrics;
	struct recorder *rec;
	const char *record_path;
	unsigned int stats_s;
	bool have_prev;
	struct cland_snapshot prev, cur;
	struct cland_service svc[CLAND_MAX_SERVICES];
	struct cland_observer obs;
} ob;

/* The --stats line: the growth since the previous line (the first call sets it). */
static void stats_line(void *arg)
{
	struct cland_stat_values v;
	char line[2048];

	(void)arg;
	cland_collector_snapshot(&ob.col, &ob.cur);
	if (ob.have_prev) {
		cland_stats_values(&ob.prev, &ob.cur, &v);
		cland_stats_format_line(line, sizeof(line), &v);
		printf("%s\n", line);
		fflush(stdout);
	}
	ob.prev = ob.cur;
	ob.have_prev = true;
}

int observe_open(const struct cland_options *o, const struct cland_policy *pol, const char *version)
{
	struct recorder_opts ro = {
		.path = o->record,
		.max_bytes = o->record_max_bytes,
		.nr_cpus = (int)sysconf(_SC_NPROCESSORS_CONF),
		.slice_ns = o->slice_ns,
		.slice_min_ns = o->slice_min_ns,
		.policy = pol->name,
	};
	char err[512];

	memset(&ob, 0, sizeof(ob));
	cland_collector_init(&ob.col, pol->name);
	ob.stats_path = o->stats_socket;
	ob.stats_s = o->stats_s;
	if (o->metrics && metrics_open(&ob.metrics, (const struct sockaddr *)&o->metrics_addr,
				       o->metrics_addr_len, cland_collector_snapshot, &ob.col,
				       version, err, sizeof(err))) {
		fprintf(stderr, "scx_cland: %s (%s)\n", err, o->metrics);
		return CLAND_EXIT_RUNTIME;
	}
	if (o->record) {
		if (ro.nr_cpus > CLAND_MAX_CPUS)
			ro.nr_cpus = CLAND_MAX_CPUS;
		if (recorder_open(&ob.rec, &ro, err, sizeof(err))) {
			fprintf(stderr, "scx_cland: %s\n", err);
			metrics_close(ob.metrics);
			ob.metrics = NULL;
			return CLAND_EXIT_RUNTIME;
		}
		ob.record_path = o->record;
	}
	return CLAND_EXIT_OK;
}

static void open_stats_server(void)
{
	char err[512];

	ob.stats_tried = true;
	if (!ob.stats_path)
		return;
	if (stats_server_open(&ob.stats, ob.stats_path, cland_collector_snapshot, &ob.col, err,
			      sizeof(err)))
		fprintf(stderr, "scx_cland: no stats server: %s\n", err);
}

static void add_service(struct cland_run_opts *ro, int fd, unsigned int period_ms,
			void (*run)(void *), void *arg)
{
	ob.svc[ro->nr_services++] =
		(struct cland_service){.fd = fd, .period_ms = period_ms, .run = run, .arg = arg};
}

void observe_attach(struct cland_sched *s, const struct cland_policy *pol, void *ctx,
		    struct cland_run_opts *ro)
{
	cland_collector_attach(&ob.col, s, pol, ctx);
	if (!ob.stats_tried)
		open_stats_server();
	ro->services = ob.svc;
	ro->nr_services = 0;
	if (ob.stats)
		add_service(ro, stats_server_fd(ob.stats), 0, stats_server_run, ob.stats);
	if (ob.metrics)
		add_service(ro, metrics_fd(ob.metrics), METRICS_PERIOD_MS, metrics_run, ob.metrics);
	if (ob.stats_s)
		add_service(ro, -1, ob.stats_s * 1000, stats_line, NULL);
	if (ob.rec) {
		add_service(ro, -1, RECORD_PERIOD_MS, recorder_flush, ob.rec);
		ob.obs = (struct cland_observer){
			.task = recorder_task, .decision = recorder_decision, .arg = ob.rec};
		ro->observer = &ob.obs;
	}
}

void observe_set_policy(const char *name)
{
	ob.col.policy = name;
}

void observe_detach(void)
{
	cland_collector_detach(&ob.col);
}

void observe_close(void)
{
	struct recorder_stats st;
	int ret;

	if (ob.rec) {
		recorder_get_stats(ob.rec, &st);
		ret = recorder_close(ob.rec);
		if (ret)
			fprintf(stderr, "scx_cland: --record: finishing %s failed: %s\n",
				ob.record_path, strerror(-ret));
		else
			fprintf(stderr,
				"scx_cland: recorded %llu events in %s%s (%llu lost: buffer "
				"full)\n",
				(unsigned long long)st.nr_records, ob.record_path,
				st.stopped ? ", stopped early" : "",
				(unsigned long long)st.nr_dropped);
		ob.rec = NULL;
	}
	stats_server_close(ob.stats);
	ob.stats = NULL;
	metrics_close(ob.metrics);
	ob.metrics = NULL;
}
