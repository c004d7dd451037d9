// SPDX-License-Identifier: GPL-2.0
/*
 * stats_server.c - the scx_stats protocol server of the daemon (see
 * stats_server.h). The socket, its clients and their lines are sockserv.c's
 * (non-blocking; a client that does not read its replies is dropped rather
 * than waited for); here json-c parses the requests and builds the replies.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "sockserv.h"
#include "stats_server.h"

#define OUT_MAX (64 * 1024) /* replies not yet read by a client */

struct stats_server {
	struct sockserv *ss;
	cland_snapshot_fn snap;
	void *arg;
	struct cland_snapshot cur;
	struct {
		bool has_prev;
		struct cland_snapshot prev; /* at the previous "stats" request */
	} clients[CLAND_STATS_MAX_CLIENTS]; /* by slot */
};

/* Queue @text (+ '\n') for @c; false if the client let too much pile up. */
static bool queue_out(struct sockserv_conn *c, const char *text)
{
	return sockserv_queue(c, text, strlen(text)) && sockserv_queue(c, "\n", 1);
}

/* {"errno":@no,"args":{"resp":@resp}} as one line into @c's output; takes @resp. */
static bool reply(struct sockserv_conn *c, int no, struct json_object *resp)
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
reply_error(struct sockserv_conn *c, const char *fmt, ...)
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

static bool handle_stats(struct stats_server *srv, struct sockserv_conn *c, const char *target)
{
	struct cland_stat_values v;
	bool *has_prev = &srv->clients[c->slot].has_prev;
	struct cland_snapshot *prev = &srv->clients[c->slot].prev;

	if (strcmp(target, "top"))
		return reply_error(c, "unknown stats target \"%.100s\" (there is only \"top\")",
				   target);
	srv->snap(srv->arg, &srv->cur);
	cland_stats_values(*has_prev ? prev : NULL, &srv->cur, &v);
	*prev = srv->cur;
	*has_prev = true;
	return reply(c, 0, stats_resp(&v));
}

/* Answer one request line; false when the client must be dropped. */
static bool handle_line(struct stats_server *srv, struct sockserv_conn *c, const char *line,
			size_t len)
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

/* Answer each whole line @c sent (sockserv_ops.input). */
static bool input(void *arg, struct sockserv_conn *c)
{
	char *line;
	size_t len;

	while ((line = sockserv_line(c, &len))) {
		if (len && !handle_line(arg, c, line, len))
			return false;
		sockserv_consume(c, len + 1);
	}
	return true;
}

static bool too_long(void *arg, struct sockserv_conn *c)
{
	return reply_error(c, "request line longer than %d bytes", CLAND_STATS_MAX_LINE - 1);
}

static bool accepted(void *arg, struct sockserv_conn *c)
{
	struct stats_server *srv = arg;

	srv->clients[c->slot].has_prev = false;
	return true;
}

int stats_server_open(struct stats_server **out, const char *path, cland_snapshot_fn snap,
		      void *arg, char *err, size_t errlen)
{
	struct stats_server *srv = calloc(1, sizeof(*srv));
	const struct sockserv_conf conf = {
		.path = path,
		.dir_mode = 0755,
		.dir_parents = true,
		.who = "scheduler's stats server",
		.nr_slots = CLAND_STATS_MAX_CLIENTS,
		.in_max = CLAND_STATS_MAX_LINE,
		.out_max = OUT_MAX,
	};
	const struct sockserv_ops ops = {
		.arg = srv,
		.accepted = accepted,
		.input = input,
		.too_long = too_long,
	};
	int ret;

	*out = NULL;
	if (!srv) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	srv->snap = snap;
	srv->arg = arg;
	ret = sockserv_open(&srv->ss, &conf, &ops, err, errlen);
	if (ret) {
		free(srv);
		return ret;
	}
	*out = srv;
	return 0;
}

int stats_server_fd(const struct stats_server *srv)
{
	return sockserv_fd(srv->ss);
}

int stats_server_nr_clients(const struct stats_server *srv)
{
	return sockserv_nr_clients(srv->ss);
}

void stats_server_run(void *arg)
{
	struct stats_server *srv = arg;

	sockserv_run(srv->ss);
}

void stats_server_close(struct stats_server *srv)
{
	if (!srv)
		return;
	sockserv_close(srv->ss);
	free(srv);
}
