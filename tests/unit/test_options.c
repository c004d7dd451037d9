// SPDX-License-Identifier: GPL-2.0
/*
 * test_options.c - unit tests of the scx_cland command-line parser
 * (src/options.c): defaults, good values, every kind of bad input, and the
 * usage text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "options.h"
#include "policy.h"

#define MAX_ARGS 16

struct parsed {
	struct cland_options o;
	char err[256];
	int ret;
};

/* Parse a NULL-terminated list of arguments (argv[0] is added). */
static struct parsed parse_list(const char *arg, va_list ap)
{
	static char *argv[MAX_ARGS + 2];
	static char prog[] = "scx_cland";
	struct parsed p;
	int argc = 0;

	memset(&p, 0, sizeof(p));
	argv[argc++] = prog;
	for (; arg; arg = va_arg(ap, const char *)) {
		assert_true(argc <= MAX_ARGS);
		argv[argc++] = (char *)arg;
	}
	argv[argc] = NULL;
	p.ret = cland_parse_options(argc, argv, &p.o, p.err, sizeof(p.err));
	return p;
}

static struct parsed parse(const char *arg, ...)
{
	struct parsed p;
	va_list ap;

	va_start(ap, arg);
	p = parse_list(arg, ap);
	va_end(ap);
	return p;
}

/* The arguments must be rejected with a message containing @needle. */
#define assert_usage_error(needle, ...)                                                            \
	do {                                                                                       \
		struct parsed p_ = parse(__VA_ARGS__, NULL);                                       \
		assert_int_equal(p_.ret, CLAND_EXIT_USAGE);                                        \
		if (!strstr(p_.err, (needle)))                                                     \
			fail_msg("message '%s' does not contain '%s'", p_.err, (needle));          \
	} while (0)

static void test_defaults(void **state)
{
	struct parsed p = parse(NULL);

	(void)state;
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_string_equal(p.err, "");
	assert_int_equal(p.o.slice_ns, 20000ULL * 1000);
	assert_int_equal(p.o.slice_min_ns, 1000ULL * 1000);
	assert_false(p.o.partial);
	assert_false(p.o.verbose);
	assert_string_equal(p.o.policy, "deadline");
	assert_false(p.o.list_policies);
	assert_false(p.o.help);
	assert_false(p.o.version);
}

static void test_defaults_helper(void **state)
{
	struct cland_options o;

	(void)state;
	memset(&o, 0xff, sizeof(o));
	cland_options_defaults(&o);
	assert_int_equal(o.slice_ns, CLAND_DEFAULT_SLICE_US * 1000);
	assert_int_equal(o.slice_min_ns, CLAND_DEFAULT_SLICE_MIN_US * 1000);
	assert_false(o.partial);
	assert_string_equal(o.policy, CLAND_DEFAULT_POLICY);
}

static void test_short_options(void **state)
{
	struct parsed p =
		parse("-s", "5000", "-S", "250", "-v", "-p", "deadline", "-l", "-h", "-V", NULL);

	(void)state;
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.slice_ns, 5000ULL * 1000);
	assert_int_equal(p.o.slice_min_ns, 250ULL * 1000);
	assert_true(p.o.verbose);
	assert_string_equal(p.o.policy, "deadline");
	assert_true(p.o.list_policies);
	assert_true(p.o.help);
	assert_true(p.o.version);
	assert_false(p.o.partial);
}

static void test_long_options(void **state)
{
	struct parsed p =
		parse("--slice-us", "30000", "--slice-min-us=2000", "--partial", "--verbose",
		      "--policy=deadline", "--list-policies", "--help", "--version", NULL);

	(void)state;
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.slice_ns, 30000ULL * 1000);
	assert_int_equal(p.o.slice_min_ns, 2000ULL * 1000);
	assert_true(p.o.partial);
	assert_true(p.o.verbose);
	assert_true(p.o.list_policies);
	assert_true(p.o.help);
	assert_true(p.o.version);
}

static void test_attached_and_clustered(void **state)
{
	struct parsed p = parse("-s7000", "-vlS", "300", NULL);

	(void)state;
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.slice_ns, 7000ULL * 1000);
	assert_int_equal(p.o.slice_min_ns, 300ULL * 1000);
	assert_true(p.o.verbose);
	assert_true(p.o.list_policies);
}

static void test_limits_accepted(void **state)
{
	struct parsed p;

	(void)state;
	/* smallest values, and min == max */
	p = parse("-s", "1", "-S", "1", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.slice_ns, 1000);
	assert_int_equal(p.o.slice_min_ns, 1000);
	/* the largest slice: 10 s */
	p = parse("-s", "10000000", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.slice_ns, 10000000ULL * 1000);
	/* leading zeros are still decimal */
	p = parse("-s", "010", "-S", "08", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.slice_ns, 10000);
	assert_int_equal(p.o.slice_min_ns, 8000);
}

static void test_last_one_wins(void **state)
{
	struct parsed p = parse("-s", "2000", "--slice-us", "3000", "-p", "deadline", NULL);

	(void)state;
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.slice_ns, 3000000);
}

static void test_bad_slice_values(void **state)
{
	static const char *const bad[] = {
		"0",   "00",  "-5",   " -5", " 5",  "5 ", "+5",	 "",
		"abc", "10x", "0x10", "1e3", "1.5", "-0", "\t7", "5\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_usage_error("--slice-us", "-s", bad[i]);
		assert_usage_error("--slice-us", "--slice-us", bad[i]);
		assert_usage_error("--slice-min-us", "-S", bad[i]);
		assert_usage_error("--slice-min-us", "--slice-min-us", bad[i]);
	}
}

static void test_bad_value_is_quoted(void **state)
{
	(void)state;
	assert_usage_error("'10x'", "-s", "10x");
	assert_usage_error("' -5'", "-S", " -5");
	assert_usage_error("at least 1", "-s", "0");
}

static void test_slice_overflow(void **state)
{
	static const char *const big[] = {
		"10000001",		/* just above 10 s */
		"18446744073709552",	/* ns would overflow uint64 */
		"18446744073709551615", /* UINT64_MAX us */
		"18446744073709551616", /* strtoull overflow */
		"99999999999999999999999999999",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		assert_usage_error("--slice-us", "-s", big[i]);
		assert_usage_error("too large", "-s", big[i]);
		assert_usage_error("--slice-min-us", "-S", big[i]);
	}
}

static void test_min_above_max(void **state)
{
	(void)state;
	assert_usage_error("--slice-min-us", "-s", "1000", "-S", "1001");
	assert_usage_error("--slice-us", "-s", "1000", "-S", "1001");
	/* the default maximum (20000 us) applies too */
	assert_usage_error("--slice-min-us", "-S", "30000");
	/* and the default minimum (1000 us) */
	assert_usage_error("--slice-min-us", "-s", "500");
}

static void test_unknown_options(void **state)
{
	(void)state;
	assert_usage_error("'-x'", "-x");
	assert_usage_error("'-x'", "-vx");
	assert_usage_error("'--bogus'", "--bogus");
	assert_usage_error("'--bogus'", "--bogus=3");
	/* ambiguous abbreviation of --slice-us and --slice-min-us */
	assert_usage_error("'--slice'", "--slice", "5");
	assert_usage_error("ambiguous", "--slice=5");
	assert_usage_error("unknown option '--bogus'", "--bogus");
}

static void test_missing_argument(void **state)
{
	(void)state;
	assert_usage_error("--slice-us", "-s");
	assert_usage_error("--slice-us", "--slice-us");
	assert_usage_error("--slice-min-us", "-S");
	assert_usage_error("--slice-min-us", "--slice-min-us");
	assert_usage_error("--policy", "-p");
	assert_usage_error("--policy", "--policy");
	assert_usage_error("requires an argument", "-v", "-s");
}

static void test_argument_not_allowed(void **state)
{
	(void)state;
	assert_usage_error("--partial", "--partial=1");
	assert_usage_error("--verbose", "--verbose=yes");
	assert_usage_error("does not take an argument", "--help=x");
}

static void test_stray_arguments(void **state)
{
	(void)state;
	assert_usage_error("'foo'", "foo");
	assert_usage_error("'foo'", "-v", "foo");
	/* stops at the first non-option: the rest is not parsed as options */
	assert_usage_error("'foo'", "foo", "-v");
	assert_usage_error("'-v'", "--", "-v");
	assert_usage_error("'-'", "-");
}

static void test_unknown_policy(void **state)
{
	(void)state;
	assert_usage_error("--policy", "-p", "nope");
	assert_usage_error("'nope'", "--policy", "nope");
	assert_usage_error("--policy", "--policy=");
	assert_usage_error("--policy", "-p", "Deadline");
}

/* --rules, --profile, --control-socket, --print-rules, plug-in paths. */
static void test_rules_options(void **state)
{
	struct parsed p;

	(void)state;
	p = parse(NULL);
	assert_null(p.o.rules);
	assert_null(p.o.profile);
	assert_string_equal(p.o.control_socket, "/run/scx_cland/control");
	p = parse("--rules", "/etc/r.json", "--control-socket", "none", "--print-rules", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_string_equal(p.o.rules, "/etc/r.json");
	assert_null(p.o.control_socket);
	assert_true(p.o.print_rules);
	/* a plug-in is a path: checked when it is loaded, not here */
	p = parse("-p", "./mine.so", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	p = parse("-p", "/opt/x/policy", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_usage_error("./mine.so", "-p", "mine");
	assert_usage_error("--rules", "--rules", "");
	assert_usage_error("unknown profile 'turbo' (desktop, gaming, server, powersave)",
			   "--profile", "turbo");
	assert_usage_error("--control-socket", "--control-socket", "");
}

/* A profile sets what the command line leaves unset, and no more. */
static void test_profile_presets(void **state)
{
	struct parsed p;

	(void)state;
	p = parse("--profile", "server", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_string_equal(p.o.policy, "vruntime");
	assert_int_equal(p.o.slice_ns, 20000000);
	assert_int_equal(p.o.slice_min_ns, 2000000);
	p = parse("--profile", "gaming", "-p", "fifo", "-S", "100", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_string_equal(p.o.policy, "fifo");
	assert_int_equal(p.o.slice_ns, 5000000);
	assert_int_equal(p.o.slice_min_ns, 100000);
	/* the profile's slice and an explicit minimum that does not fit it */
	assert_usage_error("must not exceed", "--profile", "gaming", "-S", "6000");
}

static void test_every_registered_policy_accepted(void **state)
{
	const struct cland_policy *const *pol;

	(void)state;
	for (pol = cland_policies; *pol; pol++) {
		struct parsed p = parse("-p", (*pol)->name, NULL);

		assert_int_equal(p.ret, CLAND_EXIT_OK);
		assert_string_equal(p.o.policy, (*pol)->name);
	}
}

static void test_repeated_calls(void **state)
{
	struct parsed p;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		p = parse("-s", "3000", "-v", NULL);
		assert_int_equal(p.ret, CLAND_EXIT_OK);
		assert_int_equal(p.o.slice_ns, 3000000);
		assert_true(p.o.verbose);
		/* an error in the middle of a cluster must not leak into the next call */
		p = parse("-vx", "-s", "1", NULL);
		assert_int_equal(p.ret, CLAND_EXIT_USAGE);
		p = parse("--bogus", NULL);
		assert_int_equal(p.ret, CLAND_EXIT_USAGE);
		/* a fresh call starts from the defaults again */
		p = parse(NULL);
		assert_int_equal(p.ret, CLAND_EXIT_OK);
		assert_int_equal(p.o.slice_ns, 20000000);
		assert_false(p.o.verbose);
	}
}

static void test_null_or_small_err_buffer(void **state)
{
	static char prog[] = "scx_cland", opt[] = "-s", val[] = "10x";
	char *argv[] = {prog, opt, val, NULL};
	struct cland_options o;
	char err[8];

	(void)state;
	assert_int_equal(cland_parse_options(3, argv, &o, NULL, 0), CLAND_EXIT_USAGE);
	memset(err, 'z', sizeof(err));
	assert_int_equal(cland_parse_options(3, argv, &o, err, sizeof(err)), CLAND_EXIT_USAGE);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

static void test_argv_not_reordered(void **state)
{
	static char prog[] = "scx_cland", v[] = "-v", foo[] = "foo", s[] = "-s";
	char *argv[] = {prog, v, foo, s, NULL};
	struct cland_options o;
	char err[128];

	(void)state;
	assert_int_equal(cland_parse_options(4, argv, &o, err, sizeof(err)), CLAND_EXIT_USAGE);
	assert_ptr_equal(argv[1], v);
	assert_ptr_equal(argv[2], foo);
	assert_ptr_equal(argv[3], s);
}

static void test_watch_defaults(void **state)
{
	struct parsed p = parse(NULL);

	(void)state;
	assert_int_equal(p.o.stats_s, 0);
	assert_int_equal(p.o.monitor_s, 0);
	assert_false(p.o.help_stats);
	assert_string_equal(p.o.stats_socket, "/var/run/scx/root/stats");
	assert_null(p.o.metrics);
	assert_null(p.o.record);
	assert_int_equal(p.o.record_max_bytes, CLAND_DEFAULT_RECORD_MAX_MB << 20);
}

static void test_watch_options(void **state)
{
	struct sockaddr_in *in;
	struct sockaddr_in6 *in6;
	struct parsed p;
	char addr[64];

	(void)state;
	p = parse("--stats", "2", "--help-stats", "--stats-socket", "/tmp/s", "--metrics",
		  "0.0.0.0:9100", "--record", "/tmp/t.trc", "--record-max-mb=3", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.stats_s, 2);
	assert_true(p.o.help_stats);
	assert_string_equal(p.o.stats_socket, "/tmp/s");
	assert_string_equal(p.o.metrics, "0.0.0.0:9100");
	in = (struct sockaddr_in *)&p.o.metrics_addr;
	assert_int_equal(in->sin_family, AF_INET);
	assert_int_equal(ntohs(in->sin_port), 9100);
	assert_int_equal(in->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_string_equal(p.o.record, "/tmp/t.trc");
	assert_int_equal(p.o.record_max_bytes, 3ULL << 20);
	/* a port alone: loopback */
	p = parse("--metrics", "9090", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	in = (struct sockaddr_in *)&p.o.metrics_addr;
	assert_int_equal(ntohs(in->sin_port), 9090);
	assert_int_equal(in->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(p.o.metrics_addr_len, sizeof(*in));
	/* IPv6 */
	p = parse("--metrics", "[::1]:65535", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	in6 = (struct sockaddr_in6 *)&p.o.metrics_addr;
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 65535);
	inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
	assert_string_equal(addr, "::1");
	/* no stats server */
	p = parse("--stats-socket", "none", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_null(p.o.stats_socket);
	/* --monitor, with its socket */
	p = parse("--monitor", "3600", "--stats-socket", "/tmp/x", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.monitor_s, 3600);
	/* limits */
	p = parse("--stats", "1", "--record", "f", "--record-max-mb", "1048576", NULL);
	assert_int_equal(p.ret, CLAND_EXIT_OK);
	assert_int_equal(p.o.record_max_bytes, 1ULL << 40);
}

static void test_bad_watch_values(void **state)
{
	static const char *const secs[] = {"0",	   "-1", "",   "1.5",
					   "3601", "x",	 " 1", "99999999999999999999"};
	static const char *const mb[] = {"0", "-1", "", "1048577", "1M", "1e3"};
	static const char *const addrs[] = {
		"",	    ":",	 "0",	       "65536",	      "host:80", "1.2.3.4",
		"1.2.3.4:", "1.2.3.4:0", ":80x",       "1.2.3:80",    "[::1]",	 "[::1]:",
		"::1:80",   "[zz]:80",	 "1.2.3.4:-5", "[::1]:99999",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		assert_usage_error("option --stats: invalid value", "--stats", secs[i]);
		assert_usage_error("option --monitor: invalid value", "--monitor", secs[i]);
	}
	for (i = 0; i < sizeof(mb) / sizeof(mb[0]); i++)
		assert_usage_error("option --record-max-mb: invalid value", "--record", "f",
				   "--record-max-mb", mb[i]);
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		assert_usage_error("option --metrics: invalid value", "--metrics", addrs[i]);
	assert_usage_error("1 to 3600", "--stats", "0");
	assert_usage_error("'3601'", "--monitor", "3601");
	assert_usage_error("option --record: empty file name", "--record", "");
	assert_usage_error("option --stats-socket: invalid value", "--stats-socket", "");
	assert_usage_error(
		"option --stats-socket: invalid value", "--stats-socket",
		"/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_usage_error("--stats", "--stats");
	assert_usage_error("--record", "--record");
	assert_usage_error("--help-stats", "--help-stats=1");
}

static void test_watch_combinations(void **state)
{
	(void)state;
	assert_usage_error("option --record-max-mb needs --record FILE", "--record-max-mb", "5");
	assert_usage_error("cannot be combined with --record", "--monitor", "1", "--record", "f");
	assert_usage_error("cannot be combined with --metrics", "--monitor", "1", "--metrics",
			   "9090");
	assert_usage_error("cannot be combined with --stats", "--stats", "1", "--monitor", "1");
	assert_usage_error("option --monitor needs a stats socket", "--monitor", "1",
			   "--stats-socket", "none");
}

static void test_usage_text(void **state)
{
	static const char *const want[] = {
		"Usage: scx_cland",
		"-s, --slice-us",
		"20000",
		"-S, --slice-min-us",
		"1000",
		"10000000",
		"--partial",
		"-v, --verbose",
		"-p, --policy",
		"deadline",
		"-l, --list-policies",
		"-h, --help",
		"-V, --version",
		"--stats SECS",
		"--monitor SECS",
		"--help-stats",
		"--stats-socket PATH",
		"/var/run/scx/root/stats",
		"--metrics ADDR:PORT",
		"--record FILE",
		"--record-max-mb N",
		"256",
		"0 success",
		"1 runtime error",
		"2 usage error",
	};
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	cland_usage(f, "scx_cland");
	fclose(f);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buf, want[i]))
			fail_msg("usage text lacks '%s':\n%s", want[i], buf);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_defaults_helper),
		cmocka_unit_test(test_short_options),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_attached_and_clustered),
		cmocka_unit_test(test_limits_accepted),
		cmocka_unit_test(test_last_one_wins),
		cmocka_unit_test(test_bad_slice_values),
		cmocka_unit_test(test_bad_value_is_quoted),
		cmocka_unit_test(test_slice_overflow),
		cmocka_unit_test(test_min_above_max),
		cmocka_unit_test(test_unknown_options),
		cmocka_unit_test(test_missing_argument),
		cmocka_unit_test(test_argument_not_allowed),
		cmocka_unit_test(test_stray_arguments),
		cmocka_unit_test(test_unknown_policy),
		cmocka_unit_test(test_every_registered_policy_accepted),
		cmocka_unit_test(test_repeated_calls),
		cmocka_unit_test(test_null_or_small_err_buffer),
		cmocka_unit_test(test_argv_not_reordered),
		cmocka_unit_test(test_watch_defaults),
		cmocka_unit_test(test_watch_options),
		cmocka_unit_test(test_rules_options),
		cmocka_unit_test(test_profile_presets),
		cmocka_unit_test(test_bad_watch_values),
		cmocka_unit_test(test_watch_combinations),
		cmocka_unit_test(test_usage_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
