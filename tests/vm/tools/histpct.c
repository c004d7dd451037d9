// SPDX-License-Identifier: GPL-2.0
/*
 * histpct - VM test helper: percentiles from a cyclictest histogram.
 *
 * Usage: cyclictest ... -h N -q | histpct [PCT...]
 *
 * Reads cyclictest's histogram output (one "LATENCY COUNT" row per
 * microsecond, zero-padded decimals, then "# Max Latencies:" and
 * "# Histogram Overflows:" summary lines) and prints one line:
 *
 *   samples=S min=A avg=B p50=X p99=Y max=Z overflows=O
 *
 * (microseconds; default percentiles 50 and 99, others can be given as
 * arguments, e.g. "99.9"). Samples beyond the histogram's range count as
 * overflows; a percentile that falls among them prints as ">N". Parsing is
 * done here with strtoul base 10 because busybox awk reads "000123" as
 * octal. Only the first thread's column is used.
 *
 * Exit: 0, or 1 when no sample was found.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_US 1000000

static unsigned long hist[MAX_US];

/* Value after "KEY:" on a summary line, or -1 if this is not that line. */
static long summary(const char *line, const char *key)
{
	const char *p;

	if (line[0] != '#')
		return -1;
	p = strstr(line, key);
	if (!p)
		return -1;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	return strtol(p, NULL, 10);
}

int main(int argc, char **argv)
{
	long min = -1, avg = -1, max = -1, over = 0, v;
	unsigned long total = 0, lat, cnt, cum;
	unsigned long top = 0; /* highest latency row + 1 */
	static const char *defaults[] = {"50", "99"};
	const char **pcts = defaults;
	int npct = 2, i;
	bool whole = true; /* the last chunk read ended its line */
	char line[4096];

	if (argc > 1) {
		pcts = (const char **)argv + 1;
		npct = argc - 1;
	}

	while (fgets(line, sizeof(line), stdin)) {
		bool cont = !whole;
		char *end;

		/* The rest of a long line (the overflow cycle list) is no row. */
		whole = strchr(line, '\n') != NULL;
		if (cont)
			continue;

		if ((v = summary(line, "Min Latencies:")) >= 0) {
			min = v;
			continue;
		}
		if ((v = summary(line, "Avg Latencies:")) >= 0) {
			avg = v;
			continue;
		}
		if ((v = summary(line, "Max Latencies:")) >= 0) {
			max = v;
			continue;
		}
		if ((v = summary(line, "Histogram Overflows:")) >= 0) {
			over = v;
			continue;
		}
		if (line[0] < '0' || line[0] > '9')
			continue;
		lat = strtoul(line, &end, 10);
		if (end == line || (*end != ' ' && *end != '\t'))
			continue;
		cnt = strtoul(end, NULL, 10);
		if (lat >= MAX_US)
			continue;
		hist[lat] += cnt;
		total += cnt;
		if (lat + 1 > top)
			top = lat + 1;
	}
	total += over;
	if (!total) {
		fprintf(stderr, "histpct: no samples\n");
		printf("samples=0\n");
		return 1;
	}

	printf("samples=%lu min=%ld avg=%ld", total, min, avg);
	for (i = 0; i < npct; i++) {
		double pct = strtod(pcts[i], NULL);
		/* Smallest latency whose cumulative count reaches pct. */
		double need = pct / 100.0 * total;
		unsigned long l;

		cum = 0;
		for (l = 0; l < top; l++) {
			cum += hist[l];
			if (cum >= need && cum > 0)
				break;
		}
		if (l < top)
			printf(" p%s=%lu", pcts[i], l);
		else
			printf(" p%s=>%lu", pcts[i], top ? top - 1 : 0);
	}
	printf(" max=%ld overflows=%ld\n", max, over);
	return 0;
}
