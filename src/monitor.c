// SPDX-License-Identifier: GPL-2.0
/*
 * monitor.c - scx_cland --monitor: a loop around the stats client. The
 * first "stats" reply of a connection only sets the server's baseline for
 * this connection; each later one holds the counters' growth since the one
 * before, which is printed as the --stats line.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monitor.h"
#include "stats_client.h"

#define RETRY_MS   1000
#define TIMEOUT_MS 5000
#define REQUEST	   "{\"req\":\"stats\",\"args\":{\"target\":\"top\"}}"

/* Sleep @ms, in 100 ms steps so that a stop is seen at once. */
static void nap(unsigned int ms, volatile sig_atomic_t *stop)
{
	struct timespec ts;

	while (ms && !*stop) {
		unsigned int step = ms < 100 ? ms : 100;

		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/* One request; 0 with @r filled, else -1 with the reason in @why. */
static int ask(int fd, struct stats_reply *r, char *why, size_t len)
{
	static char reply[256 * 1024];
	int ret = stats_client_call(fd, REQUEST, reply, sizeof(reply), TIMEOUT_MS);

	if (ret) {
		snprintf(why, len, "%s",
			 ret == -EPIPE	     ? "the server closed the connection"
			 : ret == -ETIMEDOUT ? "no reply within 5 s"
					     : strerror(-ret));
		return -1;
	}
	return stats_client_parse_stats(reply, r, why, len);
}

/* Print a line every @secs until the connection fails or *@stop. */
static void watch(int fd, const char *path, unsigned int secs, volatile sig_atomic_t *stop,
		  FILE *out, FILE *errf)
{
	struct stats_reply r;
	char why[512], line[2048];

	if (ask(fd, &r, why, sizeof(why))) {
		fprintf(errf, "scx_cland: %s: %s; reconnecting\n", path, why);
		return;
	}
	fprintf(errf, "scx_cland: watching %s: policy %s, up %llu s\n", path, r.policy,
		(unsigned long long)r.v.v[CLAND_ST_UPTIME_S].u);
	fflush(errf);
	for (;;) {
		nap(secs * 1000, stop);
		if (*stop)
			return;
		if (ask(fd, &r, why, sizeof(why))) {
			if (!*stop)
				fprintf(errf, "scx_cland: %s: %s; reconnecting\n", path, why);
			return;
		}
		cland_stats_format_line(line, sizeof(line), &r.v);
		fprintf(out, "%s\n", line);
		fflush(out);
	}
}

int cland_monitor(const char *path, unsigned int secs, volatile sig_atomic_t *stop, FILE *out,
		  FILE *errf)
{
	int fd, last_err = 0;

	while (!*stop) {
		fd = stats_client_connect(path);
		if (fd < 0) {
			if (fd != last_err) {
				fprintf(errf,
					"scx_cland: no scx_cland answers at %s (%s): retrying "
					"every "
					"second\n",
					path, strerror(-fd));
				fflush(errf);
			}
			last_err = fd;
			nap(RETRY_MS, stop);
			continue;
		}
		last_err = 0;
		watch(fd, path, secs, stop, out, errf);
		close(fd);
		if (!*stop)
			nap(RETRY_MS, stop);
	}
	return 0;
}
