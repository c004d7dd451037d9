// SPDX-License-Identifier: GPL-2.0
/*
 * benchparse - guest helper of `make bench`: turns a tool's output file
 * into the numbers bench.sh reports (the parsers are in bench/parse.c).
 *
 * Usage:
 *   benchparse hackbench FILE          -> seconds
 *   benchparse stressng STRESSOR FILE  -> bogo ops/s (real time)
 *   benchparse cyclictest FILE         -> samples=N p50=U p99=U p999=U
 *                                         max=U overflows=N
 *                                         data=US:COUNT,... (second line)
 *   benchparse counter KEY FILE        -> KEY's value in FILE's last
 *                                         scx_cland counters line
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

/* KEY in the last "cland: queued=" line of the file at PATH. */
static int counter(const char *key, const char *path)
{
	char *text = slurp(path), *line, *last = NULL, *save = NULL;
	double v;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "cland: queued="))
			last = line;
	if (!last || bp_counter(last, key, &v)) {
		fprintf(stderr, "benchparse: no counter %s in %s\n", key, path);
		return 1;
	}
	printf("%.15g\n", v);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: benchparse hackbench FILE | stressng STRESSOR FILE |\n"
			"                  cyclictest FILE | counter KEY FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	double v;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "hackbench")) {
		rc = bp_hackbench(slurp(argv[2]), &v);
	} else if (argc == 4 && !strcmp(argv[1], "stressng")) {
		rc = bp_stressng(slurp(argv[3]), argv[2], &v);
	} else if (argc == 3 && !strcmp(argv[1], "cyclictest")) {
		return cyclictest(argv[2]);
	} else if (argc == 4 && !strcmp(argv[1], "counter")) {
		return counter(argv[2], argv[3]);
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
