// SPDX-License-Identifier: GPL-2.0
/*
 * benchparse - guest helper of `make bench`: turns a tool's output file
 * into the numbers bench.sh reports (the parsers are in bench/parse.c).
 *
 * Usage:
 *   benchparse hackbench FILE          -> seconds
 *   benchparse stressng STRESSOR FILE  -> "METRIC VALUE UNIT BETTER" lines:
 *                                         bogo ops/s (real time), and the
 *                                         CPUs' worth of time its instances ran
 *   benchparse cyclictest FILE         -> samples=N p50=U p99=U p999=U
 *                                         max=U overflows=N
 *                                         data=US:COUNT,... (second line)
 *   benchparse counter KEY FILE        -> KEY's value in FILE's last
 *                                         scx_cland counters line
 *   benchparse reqwork FILE            -> "METRIC VALUE UNIT BETTER" lines
 *   benchparse instruments BEFORE AFTER SECONDS
 *                                      -> "METRIC VALUE UNIT BETTER" lines:
 *                                         the instruments between the last
 *                                         counters lines of two files
 *                                         (BEFORE "-": the daemon's start)
 * Exit: 0; 1 when the number is not in the file; 2 on bad usage.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f) {
		perror(path);
		exit(1);
	}
	m = open_memstream(&buf, &len);
	while (m && (c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	if (!m || fclose(m)) {
		perror("benchparse");
		exit(1);
	}
	return buf;
}

static int cyclictest(const char *path)
{
	struct bp_hist h;
	FILE *f = fopen(path, "r");
	const char *sep = "";
	size_t l;

	if (!f) {
		perror(path);
		return 1;
	}
	if (bp_cyclictest(f, &h)) {
		fprintf(stderr, "benchparse: no cyclictest samples in %s\n", path);
		fclose(f);
		return 1;
	}
	fclose(f);
	printf("samples=%lu p50=%ld p99=%ld p999=%ld max=%ld overflows=%lu\n", h.samples,
	       bp_hist_pct(&h, 50), bp_hist_pct(&h, 99), bp_hist_pct(&h, 99.9),
	       h.max_us >= 0 ? h.max_us : bp_hist_pct(&h, 100), h.overflows);
	printf("data=");
	for (l = 0; l < h.len; l++) {
		if (h.count[l]) {
			printf("%s%zu:%lu", sep, l, h.count[l]);
			sep = ",";
		}
	}
	printf("\n");
	bp_hist_free(&h);
	return 0;
}

/* The last "cland: queued=" line of the file at PATH (in a buffer to free), or NULL. */
static char *last_counters(const char *path, char **buf)
{
	char *line, *last = NULL, *save = NULL;

	*buf = slurp(path);
	for (line = strtok_r(*buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "cland: queued="))
			last = line;
	return last;
}

/* KEY in the last counters line of the file at PATH. */
static int counter(const char *key, const char *path)
{
	char *buf, *last = last_counters(path, &buf);
	double v;

	if (!last || bp_counter(last, key, &v)) {
		fprintf(stderr, "benchparse: no counter %s in %s\n", key, path);
		return 1;
	}
	printf("%.15g\n", v);
	free(buf);
	return 0;
}

static int reqwork(const char *path)
{
	struct bp_reqwork r;

	if (bp_reqwork(slurp(path), &r)) {
		fprintf(stderr, "benchparse: no reqwork result line in %s\n", path);
		return 1;
	}
	printf("requests_s %.15g 1/s higher\n", r.requests_s);
	printf("req_p50_us %.15g us lower\n", r.req_p50_us);
	printf("req_p99_us %.15g us lower\n", r.req_p99_us);
	if (r.has_wake) {
		printf("wake_p50_us %.15g us lower\n", r.wake_p50_us);
		printf("wake_p99_us %.15g us lower\n", r.wake_p99_us);
	}
	printf("woken_pct %.4g %% none\n", r.wake_samples / r.samples * 100);
	return 0;
}

/*
 * stress-ng's row of STRESSOR: bogo ops/s (real time), and busy_cpus, the
 * CPUs' worth of time its instances ran ((user + system) / real: 2.0 when two
 * hogs had two CPUs to themselves). The first follows the emulated CPU's
 * speed, which drifts; the second only what the scheduler gave them.
 */
static int stressng(const char *stressor, const char *path)
{
	struct bp_stressng r;

	if (bp_stressng(slurp(path), stressor, &r)) {
		fprintf(stderr, "benchparse: no stress-ng %s row in %s\n", stressor, path);
		return 1;
	}
	printf("bogo_ops_s %.15g ops/s higher\n", r.ops_s);
	if (r.real_s > 0)
		printf("busy_cpus %.4g cpus higher\n", r.cpu_s / r.real_s);
	return 0;
}

/* The counters in the last counters line of the file at PATH ("-": all 0). */
static int snapshot(const char *path, struct bp_counters *c)
{
	char *buf = NULL, *last;
	int err = 0;

	if (!strcmp(path, "-")) {
		bp_counters_zero(c);
		return 0;
	}
	last = last_counters(path, &buf);
	if (!last || bp_counters(last, c)) {
		fprintf(stderr, "benchparse: no counters line in %s\n", path);
		err = 1;
	}
	free(buf);
	return err;
}

static int instruments(const char *before, const char *after, const char *secs)
{
	struct bp_counters a, b;
	struct bp_instr in;
	char *end;
	double s = strtod(secs, &end);
	int i;

	if (!*secs || *end || !(s > 0)) {
		fprintf(stderr, "benchparse: instruments: '%s' is not a duration in s\n", secs);
		return 2;
	}
	if (snapshot(before, &a) || snapshot(after, &b))
		return 1;
	bp_instruments(&a, &b, s, &in);
	for (i = 0; i < BP_NR_INSTR; i++)
		if (in.has[i])
			printf("%s %.6g %s %s\n", bp_instr_info[i].name, in.v[i],
			       bp_instr_info[i].unit, bp_instr_info[i].better);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: benchparse hackbench FILE | stressng STRESSOR FILE |\n"
			"                  cyclictest FILE | counter KEY FILE | reqwork FILE |\n"
			"                  instruments BEFORE|- AFTER SECONDS\n");
	return 2;
}

int main(int argc, char **argv)
{
	double v;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "hackbench")) {
		rc = bp_hackbench(slurp(argv[2]), &v);
	} else if (argc == 4 && !strcmp(argv[1], "stressng")) {
		return stressng(argv[2], argv[3]);
	} else if (argc == 3 && !strcmp(argv[1], "cyclictest")) {
		return cyclictest(argv[2]);
	} else if (argc == 4 && !strcmp(argv[1], "counter")) {
		return counter(argv[2], argv[3]);
	} else if (argc == 3 && !strcmp(argv[1], "reqwork")) {
		return reqwork(argv[2]);
	} else if (argc == 5 && !strcmp(argv[1], "instruments")) {
		return instruments(argv[2], argv[3], argv[4]);
	} else {
		return usage();
	}
	if (rc) {
		fprintf(stderr, "benchparse: no %s result in the file\n", argv[1]);
		return 1;
	}
	printf("%.15g\n", v);
	return 0;
}
