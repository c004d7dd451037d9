// SPDX-License-Identifier: GPL-2.0
/*
 * test_rules.c - the rules (src/rules.c): the parser accepts the schema and
 * refuses each kind of mistake with a message naming the file, the rule and
 * the problem; globs, CPU lists and matching; every profile's rules parse;
 * the verdict cache (src/verdict.c) evaluates once, again on exec, a cgroup
 * or uid change or new rules, and evicts when full; the cgroup table
 * (src/cgroups.c) on a directory tree of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroups.h"
#include "profiles.h"
#include "rules.h"
#include "verdict.h"

static char err[1024];

static int parse(const char *text, int nr_cpus, struct rules *r)
{
	return rules_parse(text, strlen(text), "t.json", nr_cpus, r, err, sizeof(err));
}

/* @text is refused with a message holding every string given (NULL-terminated). */
static void refused(const char *text, ...)
{
	struct rules r;
	const char *want;
	va_list ap;

	err[0] = '\0';
	assert_int_equal(parse(text, 4, &r), -1);
	assert_int_equal(r.nr, 0);
	assert_null(r.r);
	assert_non_null(strstr(err, "t.json"));
	va_start(ap, text);
	while ((want = va_arg(ap, const char *))) {
		if (!strstr(err, want))
			fail_msg("message \"%s\" lacks \"%s\" (file: %s)", err, want, text);
	}
	va_end(ap);
}

static void test_parse_all_keys(void **state)
{
	struct rules r;

	(void)state;
	assert_int_equal(
		parse("{\"description\": \"x\", \"rules\": ["
		      "{\"name\": \"lc\", \"match\": {\"comm\": \"cyclictest\"}, "
		      "\"latency_critical\": true, \"description\": \"probe\"},"
		      "{\"match\": {\"comm\": \"stress-ng*\", \"uid\": 1000}, \"background\": true,"
		      " \"slice_us\": 40000},"
		      "{\"match\": {\"cgroup\": \"/system.slice\"}, \"weight\": 2.5, "
		      "\"cpus\": \"0-1,3\"},"
		      "{\"match\": {\"uid\": 0}, \"cpus\": [2, 3], \"weight\": 1}]}",
		      4, &r),
		0);
	assert_int_equal(r.nr, 4);
	assert_string_equal(r.r[0].name, "lc");
	assert_int_equal(r.r[0].v.flags, CLAND_VERDICT_LATENCY_CRITICAL);
	assert_false(r.r[0].comm_glob);
	assert_true(r.r[1].comm_glob);
	assert_int_equal(r.r[1].v.flags, CLAND_VERDICT_BACKGROUND);
	assert_int_equal(r.r[1].v.slice_ns, 40000000);
	assert_true(r.r[1].has_uid);
	assert_int_equal(r.r[1].uid, 1000);
	assert_int_equal(r.r[2].v.weight_pct, 250);
	assert_true(r.r[2].v.has_cpus);
	assert_int_equal(r.r[2].v.cpus.bits[0], 0xb);
	assert_int_equal(r.r[3].v.cpus.bits[0], 0xc);
	assert_int_equal(r.r[3].v.weight_pct, 100);
	assert_true(r.any_cgroup);
	assert_true(r.any_cpus);
	rules_free(&r);
}

static void test_refused(void **state)
{
	(void)state;
	/* syntax, with the line and column */
	refused("{\"rules\": [\n  {\"match\": {\"comm\": \"a\"},, \"background\": true}]}",
		"line 2", "not valid JSON", NULL);
	refused("{\"rules\": [", "ends in the middle", NULL);
	refused("{\"rules\": []} x", "line 1, column 15", NULL);
	refused("", "empty file", NULL);
	refused("  \n ", "empty file", NULL);
	refused("[1]", "one object", NULL);
	refused("{\"rules\": []}", "no rules", NULL);
	refused("{\"rule\": []}", "unknown key \"rule\"", NULL);
	refused("{\"rules\": {}}", "must be a list", NULL);
	/* unknown keys, named with the rule */
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"background\": true},"
		"{\"name\": \"x\", \"match\": {\"comm\": \"b\"}, \"lantency_critical\": true}]}",
		"rule 2 (\"x\")", "unknown key \"lantency_critical\"", NULL);
	refused("{\"rules\": [{\"match\": {\"command\": \"a\"}, \"background\": true}]}", "rule 1",
		"unknown key \"command\" in \"match\"", NULL);
	/* bad globs */
	refused("{\"rules\": [{\"match\": {\"comm\": \"a[bc\"}, \"background\": true}]}", "rule 1",
		"bad glob \"a[bc\"", "without its ']'", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"ab\\\\\"}, \"background\": true}]}",
		"bad glob", "lone", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"[z-a]x\"}, \"background\": true}]}",
		"bad glob", "backwards", NULL);
	/* a comm the kernel cannot report */
	refused("{\"rules\": [{\"match\": {\"comm\": \"averyveryverylongname\"}, "
		"\"background\": true}]}",
		"longer than 15", "never match", NULL);
	/* CPU sets */
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"cpus\": \"0-4\"}]}",
		"CPU 4 is outside this machine (CPUs 0-3)", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"cpus\": [7]}]}", "CPU 7 is outside",
		NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"cpus\": []}]}", "empty CPU set",
		NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"cpus\": \"\"}]}", "empty CPU set",
		NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"cpus\": \"1-x\"}]}", "bad CPU list",
		NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"cpus\": \"3-1\"}]}", "backwards",
		NULL);
	/* values */
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"slice_us\": 0}]}", "slice_us", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"slice_us\": \"5\"}]}", "slice_us",
		"\"5\"", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"weight\": 0}]}", "weight",
		"out of range", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"weight\": 101}]}", "weight", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"background\": 1}]}", "true or false",
		NULL);
	refused("{\"rules\": [{\"match\": {\"uid\": -1}, \"background\": true}]}", "match.uid",
		NULL);
	refused("{\"rules\": [{\"match\": {\"cgroup\": \"system.slice\"}, \"background\": true}]}",
		"starting with '/'", NULL);
	refused("{\"rules\": [{\"match\": {\"cgroup\": \"/a//b\"}, \"background\": true}]}",
		"plainly", NULL);
	refused("{\"rules\": [{\"match\": {\"cgroup\": \"/a/\"}, \"background\": true}]}",
		"plainly", NULL);
	/* what a rule must and must not have */
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}}]}", "no action", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"latency_critical\": false}]}",
		"no action", NULL);
	refused("{\"rules\": [{\"background\": true}]}", "no \"match\"", NULL);
	refused("{\"rules\": [{\"match\": {}, \"background\": true}]}", "\"match\" is empty", NULL);
	refused("{\"rules\": [{\"match\": {\"comm\": \"a\"}, \"background\": true, "
		"\"latency_critical\": true}]}",
		"exclude each other", NULL);
	refused("{\"rules\": [3]}", "must be an object", NULL);
}

static void test_load_names_file(void **state)
{
	char path[] = "/tmp/cland-rules-XXXXXX";
	const char *text = "{\"rules\": [{\"match\": {\"comm\": \"x\"}}]}";
	struct rules r;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(rules_load(path, 2, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "rule 1"));
	unlink(path);
	assert_int_equal(rules_load(path, 2, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
}

static void test_globs(void **state)
{
	(void)state;
	assert_true(rules_glob_match("stress-ng*", "stress-ng-cpu"));
	assert_true(rules_glob_match("stress-ng*", "stress-ng"));
	assert_false(rules_glob_match("stress-ng*", "stress"));
	assert_true(rules_glob_match("*.exe", "game.exe"));
	assert_false(rules_glob_match("*.exe", "game.exe2"));
	assert_true(rules_glob_match("a?c", "abc"));
	assert_false(rules_glob_match("a?c", "ac"));
	assert_true(rules_glob_match("kworker/[0-9]*", "kworker/3:1"));
	assert_false(rules_glob_match("kworker/[0-9]*", "kworker/u8:1"));
	assert_true(rules_glob_match("[!a]x", "bx"));
	assert_false(rules_glob_match("[!a]x", "ax"));
	assert_true(rules_glob_match("[]]", "]"));
	assert_true(rules_glob_match("a\\*", "a*"));
	assert_false(rules_glob_match("a\\*", "ab"));
	assert_true(rules_glob_match("*a*b*c*", "xxaxxbxxcxx"));
	assert_false(rules_glob_match("*a*b*c", "xxaxxbxxcxx"));
	assert_true(rules_glob_match("**", ""));
	assert_null(rules_glob_error("a[bc]*"));
	assert_non_null(rules_glob_error("a["));
	assert_non_null(rules_glob_error("[!]"));
	assert_true(rules_is_glob("a*"));
	assert_false(rules_is_glob("plain-name"));
}

static void test_cpulist(void **state)
{
	struct cland_cpuset set;
	char buf[128], out[64];

	(void)state;
	assert_null(rules_parse_cpulist("0-2,5,64-65", 128, &set, buf, sizeof(buf)));
	assert_int_equal(set.bits[0], 0x27);
	assert_int_equal(set.bits[1], 3);
	rules_format_cpulist(&set, out, sizeof(out));
	assert_string_equal(out, "0-2,5,64-65");
	assert_non_null(rules_parse_cpulist("0,", 4, &set, buf, sizeof(buf)));
	assert_non_null(rules_parse_cpulist(",0", 4, &set, buf, sizeof(buf)));
	assert_non_null(rules_parse_cpulist("1024", 2048, &set, buf, sizeof(buf)));
	assert_non_null(rules_parse_cpulist(" 1", 4, &set, buf, sizeof(buf)));
}

static void test_match_order(void **state)
{
	struct rules r;

	(void)state;
	assert_int_equal(parse("{\"rules\": ["
			       "{\"match\": {\"comm\": \"a*\", \"uid\": 5}, \"background\": true},"
			       "{\"match\": {\"cgroup\": \"/svc\"}, \"weight\": 2},"
			       "{\"match\": {\"comm\": \"ab\"}, \"latency_critical\": true},"
			       "{\"match\": {\"cgroup\": \"/\"}, \"slice_us\": 7}]}",
			       2, &r),
			 0);
	assert_int_equal(rules_match(&r, "ab", 5, "/x"), 0);	 /* the first that matches */
	assert_int_equal(rules_match(&r, "ab", 6, "/svc/x"), 1); /* under the prefix */
	assert_int_equal(rules_match(&r, "ab", 6, "/svcx"), 2);	 /* a prefix of whole names */
	assert_int_equal(rules_match(&r, "zz", 6, "/svcx"), 3);	 /* "/" holds every cgroup */
	assert_int_equal(rules_match(&r, "zz", 6, NULL), -1);	 /* unknown cgroup: none */
	assert_int_equal(rules_match(&r, "abc", 6, "/svc"), 1);
	rules_free(&r);
}

static void test_profiles_parse(void **state)
{
	const struct cland_profile *p;
	struct rules r;
	int n = 0;

	(void)state;
	for (p = cland_profiles; p->name; p++, n++) {
		if (rules_parse(p->rules, strlen(p->rules), p->name, 1, &r, err, sizeof(err)))
			fail_msg("profile %s: %s", p->name, err);
		assert_true(r.nr > 0);
		assert_true(p->slice_min_us <= p->slice_us);
		assert_non_null(p->policy);
		rules_free(&r);
	}
	assert_int_equal(n, 4);
	assert_non_null(cland_profile_find("powersave"));
	assert_null(cland_profile_find("turbo"));
}

static cland_task_t task(int32_t pid, const char *comm, uint32_t uid, uint64_t cg)
{
	cland_task_t t;

	memset(&t, 0, sizeof(t));
	t.pid = pid;
	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	t.uid = uid;
	t.cgroup_id = cg;
	t.weight = 100;
	return t;
}

static const char *fake_cgroup(void *arg, uint64_t id)
{
	(void)arg;
	return id == 7 ? "/batch" : id == 1 ? "/" : NULL;
}

static void test_verdict_cache(void **state)
{
	struct verdict_cache vc;
	struct rules r, r2;
	cland_task_t t;
	bool fresh;

	(void)state;
	assert_int_equal(parse("{\"rules\": ["
			       "{\"match\": {\"comm\": \"probe\"}, \"latency_critical\": true, "
			       "\"slice_us\": 300},"
			       "{\"match\": {\"cgroup\": \"/batch\"}, \"background\": true, "
			       "\"weight\": 0.5}]}",
			       2, &r),
			 0);
	assert_int_equal(verdict_cache_init(&vc, 64), 0);
	verdict_cache_set_cgroups(&vc, fake_cgroup, NULL);
	verdict_cache_set_rules(&vc, &r);

	t = task(10, "probe", 0, 1);
	assert_int_equal(verdict_apply(&vc, &t, &fresh), 0);
	assert_true(fresh);
	assert_int_equal(t.verdict, CLAND_VERDICT_LATENCY_CRITICAL);
	assert_int_equal(t.verdict_slice, 300000);
	assert_int_equal(t.verdict_rule, 1);
	/* cached: not evaluated again */
	t = task(10, "probe", 0, 1);
	assert_int_equal(verdict_apply(&vc, &t, &fresh), 0);
	assert_false(fresh);
	assert_int_equal(t.verdict, CLAND_VERDICT_LATENCY_CRITICAL);
	assert_int_equal(vc.nr_evals, 1);
	/* it exec'ed: comm changed */
	t = task(10, "sh", 0, 1);
	assert_int_equal(verdict_apply(&vc, &t, &fresh), -1);
	assert_true(fresh);
	assert_int_equal(t.verdict, 0);
	assert_int_equal(t.verdict_rule, 0);
	/* moved to another cgroup */
	t = task(10, "sh", 0, 7);
	assert_int_equal(verdict_apply(&vc, &t, &fresh), 1);
	assert_true(fresh);
	assert_int_equal(t.verdict, CLAND_VERDICT_BACKGROUND);
	assert_int_equal(t.verdict_weight_pct, 50);
	/* new rules: evaluated again */
	assert_int_equal(
		parse("{\"rules\": [{\"match\": {\"comm\": \"sh\"}, \"slice_us\": 9}]}", 2, &r2),
		0);
	verdict_cache_set_rules(&vc, &r2);
	t = task(10, "sh", 0, 7);
	assert_int_equal(verdict_apply(&vc, &t, &fresh), 0);
	assert_true(fresh);
	assert_int_equal(t.verdict_slice, 9000);
	verdict_cache_free(&vc);
	rules_free(&r);
	rules_free(&r2);
}

static void test_verdict_cache_evicts(void **state)
{
	struct verdict_cache vc;
	struct rules r;
	cland_task_t t;
	bool fresh;
	int pid, idx;

	(void)state;
	assert_int_equal(parse("{\"rules\": [{\"match\": {\"comm\": \"odd\"}, \"background\": "
			       "true}]}",
			       2, &r),
			 0);
	assert_int_equal(verdict_cache_init(&vc, 100), 0);
	verdict_cache_set_rules(&vc, &r);
	/* far more tasks than slots: entries go, every verdict stays right */
	for (pid = 1; pid <= 20000; pid++) {
		t = task(pid, pid % 2 ? "odd" : "even", 0, 0);
		idx = verdict_apply(&vc, &t, &fresh);
		assert_int_equal(idx, pid % 2 ? 0 : -1);
		assert_true(vc.nr <= vc.max);
	}
	assert_true(vc.nr_evicted > 0);
	/* the latest are still there and found */
	for (pid = 19990; pid <= 20000; pid++) {
		t = task(pid, pid % 2 ? "odd" : "even", 0, 0);
		verdict_apply(&vc, &t, &fresh);
		assert_false(fresh);
	}
	verdict_cache_free(&vc);
	rules_free(&r);
}

static void test_cgroup_map(void **state)
{
	char root[] = "/tmp/cland-cg-XXXXXX", p[512];
	struct cgroup_map m;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/system.slice", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/system.slice/x.service", root);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(cgroup_map_init(&m, root), 0);
	assert_int_equal(m.nr, 3);
	assert_int_equal(stat(p, &st), 0);
	assert_string_equal(cgroup_map_path(&m, st.st_ino), "/system.slice/x.service");
	assert_int_equal(stat(root, &st), 0);
	assert_string_equal(cgroup_map_path(&m, st.st_ino), "/");
	/* a new cgroup: unknown until the next walk, which waits for a second */
	snprintf(p, sizeof(p), "%s/user.slice", root);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_false(m.want_rescan);
	assert_null(cgroup_map_path(&m, st.st_ino));
	assert_true(m.want_rescan);
	assert_false(cgroup_map_maybe_rescan(&m, m.last_scan_ns + 1000));
	assert_true(cgroup_map_maybe_rescan(&m, m.last_scan_ns + CGROUP_RESCAN_MIN_NS));
	assert_string_equal(cgroup_map_path(&m, st.st_ino), "/user.slice");
	assert_int_equal(m.nr_scans, 2);
	cgroup_map_free(&m);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/system.slice/x.service", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/system.slice", root);
	rmdir(p);
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_all_keys),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_load_names_file),
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_match_order),
		cmocka_unit_test(test_profiles_parse),
		cmocka_unit_test(test_verdict_cache),
		cmocka_unit_test(test_verdict_cache_evicts),
		cmocka_unit_test(test_cgroup_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
