// SPDX-License-Identifier: GPL-2.0
/*
 * rules.c - parsing, validation and matching of scx_cland's rules (rules.h).
 *
 * Every problem is one line naming the file, the rule (its number from 1,
 * and its name) and what is wrong: a typo in a key, a value of the wrong
 * type or out of range, a glob that does not parse, a command name the
 * kernel could never report, a CPU the machine does not have.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "rules.h"

#define MAX_SLICE_US 10000000LL /* CLAND_MAX_SLICE_NS */
#define COMM_MAX     (CLAND_COMM_LEN - 1)

struct ctx {
	const char *source;
	int nr_cpus;
	int index;	  /* rule being parsed, from 1; 0: none */
	const char *name; /* its name, if known */
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->err || !c->errlen)
		return -1;
	if (!c->index)
		snprintf(c->err, c->errlen, "%s: %s", c->source, msg);
	else if (c->name)
		snprintf(c->err, c->errlen, "%s: rule %d (\"%s\"): %s", c->source, c->index,
			 c->name, msg);
	else
		snprintf(c->err, c->errlen, "%s: rule %d: %s", c->source, c->index, msg);
	return -1;
}

/* A JSON value, short, for messages. */
static const char *show(struct json_object *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	if (strlen(buf) == len - 1 && len > 4)
		strcpy(buf + len - 4, "...");
	return buf;
}

/* ---- globs ---- */

bool rules_is_glob(const char *pat)
{
	return strpbrk(pat, "*?[\\") != NULL;
}

/* The ']' closing the class whose text starts at @p (after '['); NULL if none. */
static const char *class_end(const char *p)
{
	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']')
		p++; /* a ']' first is a literal */
	while (*p && *p != ']') {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	return *p ? p : NULL;
}

/* The class [@p, @end) matches @ch. */
static bool class_match(const char *p, const char *end, char ch)
{
	bool neg = false, hit = false;
	unsigned char c = (unsigned char)ch, lo, hi;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	while (p < end) {
		if (*p == '\\' && p + 1 < end)
			p++;
		lo = (unsigned char)*p++;
		if (*p == '-' && p + 1 < end) {
			p++;
			if (*p == '\\' && p + 1 < end)
				p++;
			hi = (unsigned char)*p++;
			hit |= lo <= c && c <= hi;
		} else {
			hit |= lo == c;
		}
	}
	return hit != neg;
}

const char *rules_glob_error(const char *pat)
{
	const char *p, *e, *q;

	if (!*pat)
		return "empty pattern";
	for (p = pat; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return "ends with a lone '\\'";
			p++;
		} else if (*p == '[') {
			e = class_end(p + 1);
			if (!e)
				return "'[' without its ']'";
			for (q = p + 1; q < e; q++) {
				if (*q == '\\') {
					q++;
					continue;
				}
				if (q[1] == '-' && q + 2 < e && q[2] != '\\' &&
				    (unsigned char)q[2] < (unsigned char)q[0])
					return "a range in '[...]' goes backwards";
			}
			p = e;
		}
	}
	return NULL;
}

bool rules_glob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL, *e;
	char lit;

	while (*s) {
		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			p++;
			s++;
			continue;
		}
		if (*p == '[' && (e = class_end(p + 1))) {
			if (class_match(p + 1, e, *s)) {
				p = e + 1;
				s++;
				continue;
			}
		} else if (*p) {
			lit = *p;
			if (lit == '\\' && p[1])
				lit = *++p;
			if (lit == *s) {
				p++;
				s++;
				continue;
			}
		}
		if (!star_p)
			return false;
		p = star_p; /* let the last '*' take one more character */
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* ---- CPU lists ---- */

static bool cpuset_empty(const struct cland_cpuset *set)
{
	int i;

	for (i = 0; i < CLAND_CPUSET_WORDS; i++)
		if (set->bits[i])
			return false;
	return true;
}

/* A decimal number at *@s (digits only) into *@v; advances *@s. */
static bool read_num(const char **s, long *v)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return false;
	errno = 0;
	*v = strtol(*s, &end, 10);
	if (errno)
		*v = LONG_MAX;
	*s = end;
	return true;
}

const char *rules_parse_cpulist(const char *s, int nr_cpus, struct cland_cpuset *set, char *buf,
				size_t len)
{
	const char *p = s;
	long a, b, cpu;

	memset(set, 0, sizeof(*set));
	while (*p) {
		if (!read_num(&p, &a))
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (!read_num(&p, &b))
				goto bad;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			goto bad;
		if (b < a) {
			snprintf(buf, len, "range %ld-%ld in \"%s\" goes backwards", a, b, s);
			return buf;
		}
		if (b >= nr_cpus || b >= CLAND_MAX_CPUS) {
			snprintf(buf, len, "CPU %ld is outside this machine (CPUs 0-%d)", b,
				 nr_cpus - 1);
			return buf;
		}
		for (cpu = a; cpu <= b; cpu++)
			set->bits[cpu / 64] |= 1ULL << (cpu % 64);
	}
	if (cpuset_empty(set))
		return "empty CPU set";
	return NULL;
bad:
	snprintf(buf, len, "bad CPU list \"%s\" (expected e.g. \"0-3,8\")", s);
	return buf;
}

static bool has_cpu(const struct cland_cpuset *set, int cpu)
{
	return (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

void rules_format_cpulist(const struct cland_cpuset *set, char *buf, size_t len)
{
	size_t off = 0;
	int cpu, end;

	buf[0] = '\0';
	for (cpu = 0; cpu < CLAND_MAX_CPUS && off < len; cpu++) {
		if (!has_cpu(set, cpu))
			continue;
		for (end = cpu; end + 1 < CLAND_MAX_CPUS && has_cpu(set, end + 1); end++)
			;
		if (end == cpu)
			off += (size_t)snprintf(buf + off, len - off, "%s%d", off ? "," : "", cpu);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "",
						cpu, end);
		cpu = end;
	}
}

/* ---- the file ---- */

/* A whole number within [@min, @max] in *@out; false if @v is not one. */
static bool get_int(struct json_object *v, long long min, long long max, long long *out)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return false;
	errno = 0;
	n = json_object_get_int64(v);
	if (errno || n < min || n > max)
		return false;
	*out = n;
	return true;
}

static int parse_comm(struct ctx *c, struct rule *r, struct json_object *v)
{
	const char *s, *why;
	char b[128];

	if (!json_object_is_type(v, json_type_string))
		return fail(c, "match.comm must be a string (got %s)", show(v, b, sizeof(b)));
	s = json_object_get_string(v);
	if (!*s)
		return fail(c, "match.comm is empty");
	if (strlen(s) >= RULE_COMM_PAT_LEN)
		return fail(c, "match.comm \"%.40s...\" is longer than %d characters", s,
			    RULE_COMM_PAT_LEN - 1);
	r->comm_glob = rules_is_glob(s);
	if (r->comm_glob && (why = rules_glob_error(s)))
		return fail(c, "match.comm: bad glob \"%s\": %s", s, why);
	if (!r->comm_glob && strlen(s) > COMM_MAX)
		return fail(c,
			    "match.comm \"%s\" is longer than %d characters: the kernel keeps "
			    "only the first %d of a command name, so it can never match (use "
			    "\"%.*s\" or a glob such as \"%.*s*\")",
			    s, COMM_MAX, COMM_MAX, COMM_MAX, s, COMM_MAX, s);
	strcpy(r->comm, s);
	r->has_comm = true;
	return 0;
}

static int parse_cgroup(struct ctx *c, struct rule *r, struct json_object *v)
{
	const char *s;
	char b[128];
	size_t n;

	if (!json_object_is_type(v, json_type_string))
		return fail(c, "match.cgroup must be a string (got %s)", show(v, b, sizeof(b)));
	s = json_object_get_string(v);
	n = strlen(s);
	if (s[0] != '/')
		return fail(c,
			    "match.cgroup \"%s\" must be a path from the cgroup2 root, starting "
			    "with '/' (e.g. \"/system.slice\")",
			    s);
	if (n >= RULE_CGROUP_LEN)
		return fail(c, "match.cgroup is longer than %d characters", RULE_CGROUP_LEN - 1);
	if (strstr(s, "//") || (n > 1 && s[n - 1] == '/') || strstr(s, "/./") ||
	    strstr(s, "/../") || (n >= 2 && !strcmp(s + n - 2, "/.")) ||
	    (n >= 3 && !strcmp(s + n - 3, "/..")))
		return fail(c,
			    "match.cgroup \"%s\": write the path plainly (no \"//\", \".\", "
			    "\"..\" nor trailing '/')",
			    s);
	strcpy(r->cgroup, s);
	r->has_cgroup = true;
	return 0;
}

static int parse_match(struct ctx *c, struct rule *r, struct json_object *m)
{
	char b[128];
	long long uid;
	int n = 0;

	if (!json_object_is_type(m, json_type_object))
		return fail(c, "\"match\" must be an object (got %s)", show(m, b, sizeof(b)));
	json_object_object_foreach(m, key, v)
	{
		n++;
		if (!strcmp(key, "comm")) {
			if (parse_comm(c, r, v))
				return -1;
		} else if (!strcmp(key, "cgroup")) {
			if (parse_cgroup(c, r, v))
				return -1;
		} else if (!strcmp(key, "uid")) {
			if (!get_int(v, 0, 4294967294LL, &uid))
				return fail(
					c,
					"match.uid must be a whole number 0..4294967294 (got %s)",
					show(v, b, sizeof(b)));
			r->uid = (uint32_t)uid;
			r->has_uid = true;
		} else {
			return fail(
				c,
				"unknown key \"%s\" in \"match\" (expected \"comm\", \"cgroup\" "
				"or \"uid\")",
				key);
		}
	}
	if (!n)
		return fail(c, "\"match\" is empty: give \"comm\", \"cgroup\" or \"uid\"");
	return 0;
}

static int parse_bool(struct ctx *c, const char *key, struct json_object *v, bool *out)
{
	char b[128];

	if (!json_object_is_type(v, json_type_boolean))
		return fail(c, "\"%s\" must be true or false (got %s)", key, show(v, b, sizeof(b)));
	*out = json_object_get_boolean(v);
	return 0;
}

static int parse_cpus(struct ctx *c, struct rule *r, struct json_object *v)
{
	char b[128], why[160];
	const char *err;
	long long cpu;
	size_t i, n;

	if (json_object_is_type(v, json_type_string)) {
		err = rules_parse_cpulist(json_object_get_string(v), c->nr_cpus, &r->v.cpus, why,
					  sizeof(why));
		if (err)
			return fail(c, "\"cpus\": %s", err);
	} else if (json_object_is_type(v, json_type_array)) {
		memset(&r->v.cpus, 0, sizeof(r->v.cpus));
		n = json_object_array_length(v);
		if (!n)
			return fail(c, "\"cpus\": empty CPU set");
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (!get_int(e, 0, INT32_MAX, &cpu))
				return fail(c, "\"cpus\"[%zu] must be a CPU number (got %s)", i,
					    show(e, b, sizeof(b)));
			if (cpu >= c->nr_cpus || cpu >= CLAND_MAX_CPUS)
				return fail(
					c, "\"cpus\": CPU %lld is outside this machine (CPUs 0-%d)",
					cpu, c->nr_cpus - 1);
			r->v.cpus.bits[cpu / 64] |= 1ULL << (cpu % 64);
		}
	} else {
		return fail(c,
			    "\"cpus\" must be a CPU list such as \"0-3,8\" or an array of CPU "
			    "numbers (got %s)",
			    show(v, b, sizeof(b)));
	}
	r->v.has_cpus = true;
	return 0;
}

static int parse_weight(struct ctx *c, struct rule *r, struct json_object *v)
{
	char b[128];
	double w;

	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return fail(c, "\"weight\" must be a number, 0.01 to 100 (got %s)",
			    show(v, b, sizeof(b)));
	w = json_object_get_double(v);
	if (!(w >= 0.01 && w <= 100))
		return fail(c,
			    "\"weight\" %s is out of range (0.01 to 100: a multiplier of the "
			    "task's weight)",
			    show(v, b, sizeof(b)));
	r->v.weight_pct = (uint32_t)lround(w * 100);
	return 0;
}

static const char rule_keys[] = "\"name\", \"match\", \"latency_critical\", \"background\", "
				"\"weight\", \"slice_us\", \"cpus\" or \"description\"";

static int parse_rule(struct ctx *c, struct rule *r, struct json_object *o)
{
	struct json_object *v;
	bool lc = false, bg = false, has_match = false;
	long long us;
	char b[128];

	if (!json_object_is_type(o, json_type_object))
		return fail(c, "a rule must be an object (got %s)", show(o, b, sizeof(b)));
	if (json_object_object_get_ex(o, "name", &v)) {
		if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v) ||
		    strlen(json_object_get_string(v)) >= RULE_NAME_LEN)
			return fail(c, "\"name\" must be a string of 1 to %d characters (got %s)",
				    RULE_NAME_LEN - 1, show(v, b, sizeof(b)));
		strcpy(r->name, json_object_get_string(v));
		c->name = r->name;
	}
	json_object_object_foreach(o, key, val)
	{
		if (!strcmp(key, "name") || !strcmp(key, "description")) {
			if (!json_object_is_type(val, json_type_string))
				return fail(c, "\"%s\" must be a string", key);
		} else if (!strcmp(key, "match")) {
			has_match = true;
			if (parse_match(c, r, val))
				return -1;
		} else if (!strcmp(key, "latency_critical")) {
			if (parse_bool(c, key, val, &lc))
				return -1;
		} else if (!strcmp(key, "background")) {
			if (parse_bool(c, key, val, &bg))
				return -1;
		} else if (!strcmp(key, "weight")) {
			if (parse_weight(c, r, val))
				return -1;
		} else if (!strcmp(key, "slice_us")) {
			if (!get_int(val, 1, MAX_SLICE_US, &us))
				return fail(
					c,
					"\"slice_us\" must be a whole number of microseconds, 1 "
					"to %lld (got %s)",
					MAX_SLICE_US, show(val, b, sizeof(b)));
			r->v.slice_ns = (uint64_t)us * 1000;
		} else if (!strcmp(key, "cpus")) {
			if (parse_cpus(c, r, val))
				return -1;
		} else {
			return fail(c, "unknown key \"%s\" (expected %s)", key, rule_keys);
		}
	}
	if (!has_match)
		return fail(c, "no \"match\": say which tasks the rule is for (\"comm\", "
			       "\"cgroup\", \"uid\")");
	if (lc && bg)
		return fail(c, "\"latency_critical\" and \"background\" exclude each other");
	r->v.flags =
		(lc ? CLAND_VERDICT_LATENCY_CRITICAL : 0) | (bg ? CLAND_VERDICT_BACKGROUND : 0);
	if (!r->v.flags && !r->v.slice_ns && !r->v.weight_pct && !r->v.has_cpus)
		return fail(c, "no action: give \"latency_critical\": true, \"background\": true, "
			       "\"weight\", \"slice_us\" or \"cpus\"");
	return 0;
}

/* Line and column of byte @off of @text, from 1. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* Parse @text as one JSON document; NULL with the message in @c. */
static struct json_object *parse_json(struct ctx *c, const char *text, size_t len)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t end, i;
	int line, col;

	for (i = 0; i < len && isspace((unsigned char)text[i]); i++)
		;
	if (i == len) {
		fail(c, "empty file (expected {\"rules\": [...]})");
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		line_col(text, (size_t)((const char *)memchr(text, '\0', len) - text), &line, &col);
		fail(c, "line %d, column %d: a NUL byte: not a JSON text file", line, col);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		fail(c, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(root);
		line_col(text, end > len ? len : end, &line, &col);
		fail(c, "line %d, column %d: not valid JSON: %s", line, col,
		     jerr == json_tokener_continue ? "the text ends in the middle of a value"
						   : json_tokener_error_desc(jerr));
		return NULL;
	}
	for (i = end; i < len && isspace((unsigned char)text[i]); i++)
		;
	if (i < len) {
		json_object_put(root);
		line_col(text, i, &line, &col);
		fail(c, "line %d, column %d: text after the JSON document", line, col);
		return NULL;
	}
	return root;
}

int rules_parse(const char *text, size_t len, const char *source, int nr_cpus, struct rules *out,
		char *err, size_t errlen)
{
	struct ctx c = {.source = source, .nr_cpus = nr_cpus, .err = err, .errlen = errlen};
	struct json_object *root, *list = NULL;
	char b[128];
	size_t i, n;

	memset(out, 0, sizeof(*out));
	root = parse_json(&c, text, len);
	if (!root)
		return -1;
	if (!json_object_is_type(root, json_type_object)) {
		fail(&c, "the file must hold one object, {\"rules\": [...]} (got %s)",
		     show(root, b, sizeof(b)));
		goto fail;
	}
	json_object_object_foreach(root, key, v)
	{
		if (!strcmp(key, "rules")) {
			list = v;
		} else if (strcmp(key, "description") ||
			   !json_object_is_type(v, json_type_string)) {
			fail(&c,
			     strcmp(key, "description")
				     ? "unknown key \"%s\" (expected \"rules\" or \"description\")"
				     : "\"%s\" must be a string",
			     key);
			goto fail;
		}
	}
	if (!list || !json_object_is_type(list, json_type_array)) {
		fail(&c,
		     "\"rules\" must be a list of rules: {\"rules\": [{\"match\": {...}, ...}]}");
		goto fail;
	}
	n = json_object_array_length(list);
	if (!n) {
		fail(&c, "no rules: the \"rules\" list is empty");
		goto fail;
	}
	if (n > RULES_MAX) {
		fail(&c, "%zu rules: at most %d", n, RULES_MAX);
		goto fail;
	}
	out->r = calloc(n, sizeof(*out->r));
	if (!out->r) {
		fail(&c, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		c.index = (int)i + 1;
		c.name = NULL;
		if (parse_rule(&c, &out->r[i], json_object_array_get_idx(list, i)))
			goto fail;
		out->any_cgroup |= out->r[i].has_cgroup;
		out->any_cpus |= out->r[i].v.has_cpus;
		out->any_bpf |= rules_task_rule(out, (int)i, NULL);
	}
	out->nr = (int)n;
	snprintf(out->source, sizeof(out->source), "%s", source);
	json_object_put(root);
	return 0;
fail:
	json_object_put(root);
	rules_free(out);
	return -1;
}

int rules_load(const char *path, int nr_cpus, struct rules *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!f) {
		snprintf(err, errlen, "%s: cannot read the rules file: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(RULES_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, RULES_MAX_FILE + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read the rules file: %s", path, strerror(errno));
		ret = -1;
	} else if (n > RULES_MAX_FILE) {
		snprintf(err, errlen, "%s: larger than %d bytes: not a rules file", path,
			 RULES_MAX_FILE);
		ret = -1;
	} else {
		ret = rules_parse(buf, n, path, nr_cpus, out, err, errlen);
	}
	free(buf);
	fclose(f);
	return ret;
}

void rules_free(struct rules *r)
{
	free(r->r);
	memset(r, 0, sizeof(*r));
}

/* @path is @prefix or under it ("/" is the prefix of every path). */
static bool cgroup_under(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);

	if (n == 1)
		return true;
	return !strncmp(prefix, path, n) && (path[n] == '\0' || path[n] == '/');
}

int rules_match(const struct rules *r, const char *comm, uint32_t uid, const char *cgroup_path)
{
	int i;

	for (i = 0; i < r->nr; i++) {
		const struct rule *x = &r->r[i];

		if (x->has_uid && x->uid != uid)
			continue;
		if (x->has_comm &&
		    (x->comm_glob ? !rules_glob_match(x->comm, comm) : strcmp(x->comm, comm)))
			continue;
		if (x->has_cgroup && (!cgroup_path || !cgroup_under(x->cgroup, cgroup_path)))
			continue;
		return i;
	}
	return -1;
}

bool rules_task_rule(const struct rules *r, int idx, struct cland_task_rule *out)
{
	const struct rule_verdict *v;
	struct cland_task_rule tr;

	memset(&tr, 0, sizeof(tr));
	if (r && r->r && idx >= 0) { /* idx < r->nr: the caller's word */
		v = &r->r[idx].v;
		if (v->has_cpus) {
			tr.flags |= CLAND_RULE_CPUS;
			tr.cpus = v->cpus;
		}
		if (v->flags & CLAND_VERDICT_LATENCY_CRITICAL)
			tr.flags |= CLAND_RULE_URGENT;
		if (v->flags & CLAND_VERDICT_BACKGROUND)
			tr.flags |= CLAND_RULE_BACKGROUND;
	}
	if (out)
		*out = tr;
	return tr.flags != 0;
}

void rules_verdict_str(const struct rule *r, char *buf, size_t len)
{
	char cpus[128];
	size_t off = 0;

	buf[0] = '\0';
	if (r->v.flags & CLAND_VERDICT_LATENCY_CRITICAL)
		off += (size_t)snprintf(buf + off, len - off, "latency_critical");
	if (r->v.flags & CLAND_VERDICT_BACKGROUND && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%sbackground", off ? " " : "");
	if (r->v.weight_pct && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%sweight=%u.%02u", off ? " " : "",
					r->v.weight_pct / 100, r->v.weight_pct % 100);
	if (r->v.slice_ns && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%sslice_us=%llu", off ? " " : "",
					(unsigned long long)(r->v.slice_ns / 1000));
	if (r->v.has_cpus && off < len) {
		rules_format_cpulist(&r->v.cpus, cpus, sizeof(cpus));
		snprintf(buf + off, len - off, "%scpus=%s", off ? " " : "", cpus);
	}
}
