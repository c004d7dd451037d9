// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - reads a cland-sim workload file (JSON, with json-c) into a
 * struct sim_workload, rejecting anything the schema does not allow with a
 * message that names the group and the field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "workload.h"

#define MAX_FILE_BYTES (16 << 20)
#define NSEC_PER_USEC  1000ULL
#define NSEC_PER_MSEC  1000000ULL

/* Where a message points: the file, then a group if any. */
struct where {
	const char *file;
	char group[SIM_NAME_LEN + 48];
	char *err;
	size_t errlen;
};

static int fail(const struct where *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at->err && at->errlen)
		snprintf(at->err, at->errlen, "%s: %s%s", at->file, at->group, msg);
	return -1;
}

static bool key_in(const char *key, const char *const *keys)
{
	for (; *keys; keys++) {
		if (!strcmp(key, *keys))
			return true;
	}
	return false;
}

/* Every key of @obj must be one of @keys (NULL-terminated). */
static int check_keys(const struct where *at, struct json_object *obj, const char *const *keys)
{
	json_object_object_foreach(obj, key, val)
	{
		(void)val;
		if (!key_in(key, keys))
			return fail(at, "unknown key \"%s\"", key);
	}
	return 0;
}

/*
 * The integer @key of @obj into @out, within [@min, @max]. A missing key is an
 * error when @required, else @out keeps its value. Returns 0 or -1.
 */
static int get_int(const struct where *at, struct json_object *obj, const char *key, int64_t min,
		   int64_t max, bool required, int64_t *out)
{
	struct json_object *val;
	int64_t v;

	if (!json_object_object_get_ex(obj, key, &val)) {
		if (required)
			return fail(at, "missing field \"%s\"", key);
		return 0;
	}
	if (!json_object_is_type(val, json_type_int))
		return fail(at, "%s: expected an integer, got %s", key,
			    json_type_to_name(json_object_get_type(val)));
	v = json_object_get_int64(val);
	if (v < 0 && min >= 0)
		return fail(at, "%s: %lld is negative", key, (long long)v);
	if (v < min || v > max)
		return fail(at, "%s: %lld is out of range %lld..%lld", key, (long long)v,
			    (long long)min, (long long)max);
	*out = v;
	return 0;
}

/* Optional boolean @key of @obj into *@out (left as it is when absent). */
static int get_bool(const struct where *at, struct json_object *obj, const char *key, bool *out)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, key, &val))
		return 0;
	if (!json_object_is_type(val, json_type_boolean))
		return fail(at, "%s: expected true or false, got %s", key,
			    json_type_to_name(json_object_get_type(val)));
	*out = json_object_get_boolean(val);
	return 0;
}

/* A time in microseconds (or @unit ns) as nanoseconds. */
static int get_time(const struct where *at, struct json_object *obj, const char *key, int64_t min,
		    int64_t max, uint64_t unit, bool required, uint64_t *out)
{
	int64_t v = (int64_t)(*out / unit);

	if (get_int(at, obj, key, min, max, required, &v))
		return -1;
	*out = (uint64_t)v * unit;
	return 0;
}

static int parse_cpus(const struct where *at, struct json_object *arr, int nr_cpus,
		      struct sim_group *g)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array))
		return fail(at, "cpus: expected an array of CPU numbers, got %s",
			    json_type_to_name(json_object_get_type(arr)));
	n = json_object_array_length(arr);
	if (!n)
		return fail(at, "cpus: empty list (omit \"cpus\" to allow every CPU)");
	memset(g->cpus, 0, sizeof(g->cpus));
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		int64_t cpu;

		if (!json_object_is_type(v, json_type_int))
			return fail(at, "cpus[%zu]: expected an integer, got %s", i,
				    json_type_to_name(json_object_get_type(v)));
		cpu = json_object_get_int64(v);
		if (cpu < 0 || cpu >= nr_cpus)
			return fail(at, "cpus[%zu]: CPU %lld is out of range 0..%d (\"cpus\": %d)",
				    i, (long long)cpu, nr_cpus - 1, nr_cpus);
		if (sim_cpu_allowed(g->cpus, (int)cpu))
			return fail(at, "cpus[%zu]: CPU %lld is listed twice", i, (long long)cpu);
		g->cpus[cpu / 64] |= 1ULL << (cpu % 64);
	}
	g->nr_cpus_allowed = (int)n;
	g->pinned = (int)n < nr_cpus;
	return 0;
}

static int parse_name(const struct where *at, struct json_object *obj, struct sim_group *g)
{
	struct json_object *val;
	const char *name;

	if (!json_object_object_get_ex(obj, "name", &val))
		return fail(at, "missing field \"name\"");
	if (!json_object_is_type(val, json_type_string))
		return fail(at, "name: expected a string, got %s",
			    json_type_to_name(json_object_get_type(val)));
	name = json_object_get_string(val);
	if (!*name || strlen(name) >= SIM_NAME_LEN)
		return fail(at, "name: must be 1 to %d characters", SIM_NAME_LEN - 1);
	strcpy(g->name, name);
	return 0;
}

static int parse_dist(const struct where *at, struct json_object *obj, struct sim_group *g)
{
	struct json_object *val;
	const char *s;

	g->dist = SIM_DIST_FIXED;
	if (!json_object_object_get_ex(obj, "dist", &val))
		return 0;
	if (!json_object_is_type(val, json_type_string))
		return fail(at, "dist: expected \"fixed\" or \"exp\", got %s",
			    json_type_to_name(json_object_get_type(val)));
	s = json_object_get_string(val);
	if (!strcmp(s, "exp"))
		g->dist = SIM_DIST_EXP;
	else if (strcmp(s, "fixed"))
		return fail(at, "dist: \"%s\" is not \"fixed\" or \"exp\"", s);
	return 0;
}

static int parse_times(const struct where *at, struct json_object *obj, struct sim_group *g)
{
	const int64_t max = (int64_t)SIM_MAX_US;

	if (get_time(at, obj, "run_us", 1, max, NSEC_PER_USEC, true, &g->run_ns) ||
	    get_time(at, obj, "sleep_us", 0, max, NSEC_PER_USEC, true, &g->sleep_ns) ||
	    get_time(at, obj, "start_us", 0, max, NSEC_PER_USEC, false, &g->start_ns) ||
	    get_time(at, obj, "stagger_us", 0, max, NSEC_PER_USEC, false, &g->stagger_ns) ||
	    get_time(at, obj, "stop_us", 0, max, NSEC_PER_USEC, false, &g->stop_ns))
		return -1;
	return 0;
}

/* "waits" (a boolean) and "inbox"; "wakes" is resolved once every group is read. */
static int parse_messages(const struct where *at, struct json_object *obj, struct sim_group *g)
{
	struct json_object *val;
	int64_t inbox = 0, capacity = 0;

	g->sync = true; /* a pipe's, unless "sync": false */
	if (get_bool(at, obj, "waits", &g->waits))
		return -1;
	if (json_object_object_get_ex(obj, "wakes", &val) &&
	    !json_object_is_type(val, json_type_string))
		return fail(at, "wakes: expected a group name, got %s",
			    json_type_to_name(json_object_get_type(val)));
	if (get_bool(at, obj, "per_task", &g->per_task) || get_bool(at, obj, "sync", &g->sync) ||
	    get_int(at, obj, "inbox", 0, (int64_t)SIM_MAX_US, false, &inbox) ||
	    get_int(at, obj, "capacity", 1, (int64_t)SIM_MAX_US, false, &capacity))
		return -1;
	if (!g->waits && (json_object_object_get_ex(obj, "inbox", NULL) ||
			  json_object_object_get_ex(obj, "per_task", NULL) ||
			  json_object_object_get_ex(obj, "capacity", NULL) ||
			  json_object_object_get_ex(obj, "sync", NULL)))
		return fail(at, "inbox, per_task, capacity, sync: only for a group that waits "
				"(\"waits\": true)");
	if (g->waits && g->sleep_ns)
		return fail(at, "sleep_us: must be 0 in a group that waits (it sleeps until a "
				"message comes)");
	g->inbox = (uint64_t)inbox;
	g->capacity = (uint64_t)capacity;
	return 0;
}

static int parse_group(struct where *at, struct json_object *obj, size_t idx, int nr_cpus,
		       struct sim_group *g)
{
	static const char *const keys[] = {
		"name",	      "count",	  "nice",     "run_us", "sleep_us", "start_us",
		"stagger_us", "stop_us",  "dist",     "cpus",	"waits",    "wakes",
		"inbox",      "per_task", "capacity", "sync",	NULL};
	struct json_object *cpus;
	int64_t count = 0, nice = 0;
	int cpu;

	snprintf(at->group, sizeof(at->group), "groups[%zu]: ", idx);
	if (!json_object_is_type(obj, json_type_object))
		return fail(at, "expected an object, got %s",
			    json_type_to_name(json_object_get_type(obj)));
	if (parse_name(at, obj, g))
		return -1;
	snprintf(at->group, sizeof(at->group), "groups[%zu] (\"%s\"): ", idx, g->name);
	if (check_keys(at, obj, keys) ||
	    get_int(at, obj, "count", 1, SIM_MAX_TASKS, true, &count) ||
	    get_int(at, obj, "nice", -20, 19, false, &nice) || parse_times(at, obj, g) ||
	    parse_dist(at, obj, g) || parse_messages(at, obj, g))
		return -1;
	g->count = (int)count;
	g->nice = (int)nice;
	if (json_object_object_get_ex(obj, "cpus", &cpus))
		return parse_cpus(at, cpus, nr_cpus, g);
	for (cpu = 0; cpu < nr_cpus; cpu++)
		g->cpus[cpu / 64] |= 1ULL << (cpu % 64);
	g->nr_cpus_allowed = nr_cpus;
	return 0;
}

static int check_unique(const struct where *at, const struct sim_workload *w)
{
	int i, j;

	for (i = 0; i < w->nr_groups; i++) {
		for (j = 0; j < i; j++) {
			if (!strcmp(w->groups[i].name, w->groups[j].name))
				return fail(at,
					    "groups[%d]: name \"%s\" is already used by groups[%d]",
					    i, w->groups[i].name, j);
		}
	}
	return 0;
}

/* Each "wakes" names a group that waits. */
static int resolve_wakes(struct where *at, struct json_object *arr, struct sim_workload *w)
{
	int i, j;

	for (i = 0; i < w->nr_groups; i++) {
		struct json_object *val;
		const char *name;

		if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), "wakes", &val))
			continue;
		name = json_object_get_string(val);
		for (j = 0; j < w->nr_groups && strcmp(w->groups[j].name, name); j++)
			;
		snprintf(at->group, sizeof(at->group), "groups[%d] (\"%s\"): ", i,
			 w->groups[i].name);
		if (j == w->nr_groups)
			return fail(at, "wakes: no group is named \"%s\"", name);
		if (!w->groups[j].waits)
			return fail(at,
				    "wakes: group \"%s\" does not wait for messages (\"waits\": "
				    "true)",
				    name);
		w->groups[i].wakes = j + 1;
	}
	at->group[0] = '\0';
	return 0;
}

static int parse_groups(struct where *at, struct json_object *arr, struct sim_workload *w)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array))
		return fail(at, "groups: expected an array, got %s",
			    json_type_to_name(json_object_get_type(arr)));
	n = json_object_array_length(arr);
	if (!n)
		return fail(at, "groups: empty list (at least one group is needed)");
	w->groups = calloc(n, sizeof(*w->groups));
	if (!w->groups)
		return fail(at, "out of memory");
	for (i = 0; i < n; i++) {
		struct sim_group *g = &w->groups[i];

		w->nr_groups = (int)i + 1;
		if (parse_group(at, json_object_array_get_idx(arr, i), i, w->nr_cpus, g))
			return -1;
		if (w->nr_tasks + g->count > SIM_MAX_TASKS)
			return fail(at, "count: more than %d tasks in all groups", SIM_MAX_TASKS);
		w->nr_tasks += g->count;
	}
	at->group[0] = '\0';
	if (check_unique(at, w))
		return -1;
	return resolve_wakes(at, arr, w);
}

/* The index in sim_cost_names of a "costs" key, "NAME_us"; -1 if none. */
static int cost_key(const char *key)
{
	size_t n = strlen(key);
	int i;

	if (n < 4 || strcmp(key + n - 3, "_us"))
		return -1;
	for (i = 0; i < SIM_NR_COSTS; i++)
		if (strlen(sim_cost_names[i]) == n - 3 && !strncmp(key, sim_cost_names[i], n - 3))
			return i;
	return -1;
}

/* "costs": {"switch_us": N, ...}: the machine's, in us (decimals allowed); the others are 0. */
static int parse_costs(const struct where *at, struct json_object *root, struct sim_workload *w)
{
	struct json_object *obj;

	if (!json_object_object_get_ex(root, "costs", &obj))
		return 0;
	if (!json_object_is_type(obj, json_type_object))
		return fail(at, "costs: expected an object, got %s",
			    json_type_to_name(json_object_get_type(obj)));
	json_object_object_foreach(obj, key, v)
	{
		(void)v;
		if (cost_key(key) < 0)
			return fail(at, "costs: unknown key \"%s\"", key);
	}
	w->has_costs = true;
	json_object_object_foreach(obj, name, val)
	{
		double us;

		if (!json_object_is_type(val, json_type_int) &&
		    !json_object_is_type(val, json_type_double))
			return fail(at, "costs: %s: expected a number, got %s", name,
				    json_type_to_name(json_object_get_type(val)));
		us = json_object_get_double(val);
		if (!(us >= 0) || us > 1e6)
			return fail(at, "costs: %s: %g is out of range 0..1000000", name, us);
		*sim_cost_field(&w->costs, cost_key(name)) = (uint64_t)(us * 1000 + 0.5);
	}
	return 0;
}

static int parse_top(struct where *at, struct json_object *root, struct sim_workload *w)
{
	static const char *const keys[] = {"cpus",   "duration_ms", "rtt_us", "costs",
					   "groups", "description", NULL};
	struct json_object *groups, *desc;
	int64_t cpus = 0;

	if (!json_object_is_type(root, json_type_object))
		return fail(at, "expected a JSON object at the top, got %s",
			    json_type_to_name(json_object_get_type(root)));
	if (check_keys(at, root, keys) ||
	    get_int(at, root, "cpus", 1, CLAND_MAX_CPUS, true, &cpus) ||
	    get_time(at, root, "duration_ms", 1, SIM_MAX_DURATION_MS, NSEC_PER_MSEC, true,
		     &w->duration_ns))
		return -1;
	w->nr_cpus = (int)cpus;
	w->has_rtt = json_object_object_get_ex(root, "rtt_us", NULL);
	if (get_time(at, root, "rtt_us", 0, (int64_t)SIM_MAX_US, NSEC_PER_USEC, false,
		     &w->rtt_ns) ||
	    parse_costs(at, root, w))
		return -1;
	if (json_object_object_get_ex(root, "description", &desc) &&
	    !json_object_is_type(desc, json_type_string))
		return fail(at, "description: expected a string, got %s",
			    json_type_to_name(json_object_get_type(desc)));
	if (!json_object_object_get_ex(root, "groups", &groups))
		return fail(at, "missing field \"groups\"");
	return parse_groups(at, groups, w);
}

static bool only_space(const char *s)
{
	for (; *s; s++) {
		if (!strchr(" \t\r\n", *s))
			return false;
	}
	return true;
}

static struct json_object *parse_json(const struct where *at, const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t len = strlen(text);

	if (!tok) {
		fail(at, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue)
		fail(at, "not valid JSON: unexpected end of file");
	else if (jerr != json_tokener_success)
		fail(at, "not valid JSON: %s at byte %zu", json_tokener_error_desc(jerr),
		     json_tokener_get_parse_end(tok));
	else if (!only_space(text + json_tokener_get_parse_end(tok)))
		fail(at, "not valid JSON: text after the end at byte %zu",
		     json_tokener_get_parse_end(tok));
	else {
		json_tokener_free(tok);
		return root;
	}
	json_object_put(root);
	json_tokener_free(tok);
	return NULL;
}

int sim_workload_parse(const char *text, const char *name, struct sim_workload *w, char *err,
		       size_t errlen)
{
	struct where at = {.file = name, .err = err, .errlen = errlen};
	struct json_object *root;
	int ret;

	memset(w, 0, sizeof(*w));
	root = parse_json(&at, text);
	if (!root)
		return -1;
	ret = parse_top(&at, root, w);
	json_object_put(root);
	if (ret)
		sim_workload_free(w);
	return ret;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_FILE_BYTES + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, MAX_FILE_BYTES + 1, f);
	if (ferror(f) || n > MAX_FILE_BYTES || memchr(buf, '\0', n)) {
		snprintf(err, errlen, "%s: %s", path,
			 ferror(f)	      ? "read error"
			 : n > MAX_FILE_BYTES ? "larger than 16 MiB"
					      : "not a text file");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

int sim_workload_load(const char *path, struct sim_workload *w, char *err, size_t errlen)
{
	char *text = read_file(path, err, errlen);
	int ret;

	memset(w, 0, sizeof(*w));
	if (!text)
		return -1;
	ret = sim_workload_parse(text, path, w, err, errlen);
	free(text);
	return ret;
}

void sim_workload_free(struct sim_workload *w)
{
	free(w->groups);
	w->groups = NULL;
	w->nr_groups = 0;
	w->nr_tasks = 0;
}
