// SPDX-License-Identifier: GPL-2.0
/*
 * test_run.c - bench/run.sh (make bench) refuses bad input before it builds
 * or boots anything: exit 2 and a message naming the problem; so does
 * tests/vm/qemu.sh for the vCPU count run.sh hands it (CLAND_VM_CPUS),
 * bench/ab/ab.sh and bench/prof/prof.sh.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#ifndef REPO
#define REPO "."
#endif

/* Run @script (under the repo) with ENV and ARGS; its exit status, stderr in @err. */
static int run_script(const char *script, const char *env, const char *args, char *err, size_t len)
{
	char cmd[1024];
	size_t n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "env %s %s/%s %s 2>&1 >/dev/null", env, REPO, script, args);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(err, 1, len - 1, f);
	err[n] = '\0';
	st = pclose(f);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Run bench/run.sh with ENV and ARGS. */
static int run(const char *env, const char *args, char *err, size_t len)
{
	return run_script("bench/run.sh", env, args, err, len);
}

/* bench/ab/ab.sh refuses bad input the same way, before it builds or boots anything. */
static void bad_ab(void **state)
{
	static const char ab[] = "bench/ab/ab.sh";
	char err[4096];

	assert_int_equal(run_script(ab, "", "", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "usage: bench/ab/ab.sh A_BINARY B_BINARY"));
	assert_int_equal(run_script(ab, "", "/nonexistent /bin/true", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "/nonexistent: not an executable"));
	assert_int_equal(run_script(ab, "", "/bin/true /bin/true --cpus two", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--cpus: 'two' is not a number of CPUs"));
	assert_int_equal(run_script(ab, "", "/bin/true /bin/true --rounds 0", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--rounds: '0' is not a number of rounds"));
	assert_int_equal(run_script(ab, "", "/bin/true /bin/true --rounds", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--rounds needs a value"));
	assert_int_equal(run_script(ab, "", "/bin/true /bin/true --bogus 1", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "unknown option --bogus"));
}

/* bench/prof/prof.sh too: one build or two, the same options' checks. */
static void bad_prof(void **state)
{
	static const char prof[] = "bench/prof/prof.sh";
	char err[4096];

	assert_int_equal(run_script(prof, "", "", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "usage: bench/prof/prof.sh A_BINARY [B_BINARY]"));
	assert_int_equal(run_script(prof, "", "/nonexistent", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "/nonexistent: not an executable"));
	assert_int_equal(run_script(prof, "", "/bin/true /nonexistent", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "/nonexistent: not an executable"));
	assert_int_equal(run_script(prof, "", "/bin/true --cpus two", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--cpus: 'two' is not a number of CPUs"));
	assert_int_equal(run_script(prof, "", "/bin/true /bin/true --kernel", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--kernel needs a value"));
	assert_int_equal(run_script(prof, "", "/bin/true --rounds 2", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "unknown option --rounds"));
}

static void bad_rounds(void **state)
{
	char err[4096];

	assert_int_equal(run("", "--rounds 0", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--rounds wants a whole number >= 1"));
	assert_int_equal(run("", "--rounds x", err, sizeof(err)), 2);
	assert_int_equal(run("", "--rounds 21", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "at most 20"));
	assert_int_equal(run("", "--rounds", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--rounds needs a value"));
}

static void bad_arguments(void **state)
{
	char err[4096];

	assert_int_equal(run("", "--bogus", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "unknown argument '--bogus'"));
	assert_int_equal(run("", "--timeout 1m", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--timeout wants whole seconds"));
	assert_int_equal(run("BENCH_POLICIES=deadline,foo", "", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "unknown policy 'foo'"));
}

static void bad_cpus(void **state)
{
	char err[4096];

	assert_int_equal(run("", "--cpus 0", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--cpus wants a whole number of vCPUs, 1 to 64"));
	assert_int_equal(run("", "--cpus two", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--cpus wants a whole number of vCPUs, 1 to 64"));
	assert_int_equal(run("", "--cpus -1", err, sizeof(err)), 2);
	assert_int_equal(run("", "--cpus 65", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--cpus: at most 64"));
	assert_int_equal(run("", "--cpus", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--cpus needs a value"));
}

/* tests/vm/qemu.sh with CLAND_VM_CPUS=@cpus (and arguments it never gets to use). */
static int qemu_cpus(const char *cpus, char *err, size_t len)
{
	char cmd[1024];
	size_t n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "env CLAND_VM_CPUS='%s' %s/tests/vm/qemu.sh /nonexistent /nonexistent "
		 "/dev/null 1 2>&1 >/dev/null",
		 cpus, REPO);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(err, 1, len - 1, f);
	err[n] = '\0';
	st = pclose(f);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void bad_vm_cpus(void **state)
{
	char err[4096];

	assert_int_equal(qemu_cpus("0", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "CLAND_VM_CPUS='0': want a whole number of vCPUs, 1 to 64"));
	assert_int_equal(qemu_cpus("65", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "CLAND_VM_CPUS='65'"));
	assert_int_equal(qemu_cpus("2x", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "CLAND_VM_CPUS='2x'"));
}

static void bad_extra(void **state)
{
	char err[4096];

	assert_int_equal(run("BENCH_EXTRA=/nonexistent/scx_x", "", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "'/nonexistent/scx_x' is not an executable file"));
	assert_int_equal(run("BENCH_EXTRA=/bin/true,/bin/true", "", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "'true' given twice"));
	/* A name that would clash with a built-in scheduler's. */
	assert_int_equal(
		run("BENCH_EXTRA=" REPO "/tests/bench/samples/eevdf", "", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "'eevdf' clashes with a built-in scheduler name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_rounds),  cmocka_unit_test(bad_arguments),
		cmocka_unit_test(bad_extra),   cmocka_unit_test(bad_cpus),
		cmocka_unit_test(bad_vm_cpus), cmocka_unit_test(bad_ab),
		cmocka_unit_test(bad_prof),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
