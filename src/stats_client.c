// SPDX-License-Identifier: GPL-2.0
/*
 * stats_client.c - the scx_stats client of --monitor and of the tests:
 * one request line out, one reply line back, and the "stats" reply parsed
 * into the fields of the stats table by name.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "stats_client.h"

int stats_client_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ECONNRESET ? -EPIPE : -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int stats_client_call(int fd, const char *line, char *reply, size_t len, int timeout_ms)
{
	long long end = ms_now() + timeout_ms;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t got = 0;
	char *nl;
	ssize_t n;
	int ret;

	ret = send_all(fd, line, strlen(line));
	if (!ret)
		ret = send_all(fd, "\n", 1);
	if (ret)
		return ret;
	/* peek, then take the bytes up to the newline only: the next reply stays queued */
	for (;;) {
		long long left = end - ms_now();

		if (left <= 0)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)left);
		if (ret < 0 && errno == EINTR)
			return -EINTR;
		if (ret <= 0)
			continue;
		if (got + 1 >= len)
			return -EMSGSIZE;
		n = recv(fd, reply + got, len - 1 - got, MSG_PEEK);
		if (n < 0 && errno == EINTR)
			return -EINTR;
		if (n <= 0)
			return n == 0 || errno == ECONNRESET ? -EPIPE : -errno;
		reply[got + (size_t)n] = '\0';
		nl = memchr(reply + got, '\n', (size_t)n);
		n = recv(fd, reply + got, nl ? (size_t)(nl - (reply + got)) + 1 : (size_t)n, 0);
		if (n <= 0)
			return n == 0 || errno == ECONNRESET ? -EPIPE : -errno;
		got += (size_t)n;
		if (nl) {
			reply[got - 1] = '\0';
			return 0;
		}
	}
}

static void set_value(struct stats_reply *out, int id, struct json_object *val)
{
	const struct cland_stat_field *sf = &cland_stat_fields[id];
	struct cland_stat_value *v = &out->v.v[id];

	switch (sf->type) {
	case CLAND_STAT_U64:
		v->u = json_object_get_uint64(val);
		v->f = (double)v->u;
		break;
	case CLAND_STAT_FLOAT:
		v->f = json_object_get_double(val);
		break;
	case CLAND_STAT_STRING:
		if (id == CLAND_ST_POLICY) {
			snprintf(out->policy, sizeof(out->policy), "%s",
				 json_object_get_string(val));
			v->s = out->policy;
		} else {
			snprintf(out->exit_reason, sizeof(out->exit_reason), "%s",
				 json_object_get_string(val));
			v->s = out->exit_reason;
		}
		break;
	}
}

static void get_hist(struct json_object *resp, const char *name, uint64_t *out)
{
	struct json_object *val;
	int i;

	if (!json_object_object_get_ex(resp, name, &val) ||
	    !json_object_is_type(val, json_type_array))
		return;
	for (i = 0; i < CLAND_RTT_BUCKETS && i < (int)json_object_array_length(val); i++)
		out[i] = json_object_get_uint64(json_object_array_get_idx(val, i));
}

int stats_client_parse_stats(const char *reply, struct stats_reply *out, char *err, size_t errlen)
{
	struct json_object *root = json_tokener_parse(reply), *no, *args, *resp, *val;
	int i, ret = -1;

	memset(out, 0, sizeof(*out));
	out->v.v[CLAND_ST_POLICY].s = out->policy;
	out->v.v[CLAND_ST_EXIT_REASON].s = out->exit_reason;
	if (!root || !json_object_object_get_ex(root, "errno", &no) ||
	    !json_object_object_get_ex(root, "args", &args) ||
	    !json_object_object_get_ex(args, "resp", &resp)) {
		snprintf(err, errlen, "not a stats reply: %.200s", reply);
		goto out;
	}
	if (json_object_get_int(no)) {
		snprintf(err, errlen, "the server answered errno %d: %.300s",
			 json_object_get_int(no), json_object_get_string(resp));
		goto out;
	}
	if (!json_object_is_type(resp, json_type_object)) {
		snprintf(err, errlen, "not a stats reply: %.200s", reply);
		goto out;
	}
	for (i = 0; i < CLAND_NR_STATS; i++) {
		if (json_object_object_get_ex(resp, cland_stat_fields[i].name, &val))
			set_value(out, i, val);
	}
	get_hist(resp, CLAND_STAT_RTT_NAME, out->v.rtt_log2);
	get_hist(resp, CLAND_STAT_WAIT_NAME, out->v.wait_log2);
	ret = 0;
out:
	json_object_put(root);
	return ret;
}
