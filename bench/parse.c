// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - parsers of the benchmark tools' output; see parse.h.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int bp_hackbench(const char *text, double *seconds)
{
	const char *p = text;
	char *end;

	while ((p = strstr(p, "Time:"))) {
		if (p == text || p[-1] == '\n') {
			*seconds = strtod(p + 5, &end);
			if (end != p + 5)
				return 0;
		}
		p += 5;
	}
	return -1;
}

/* Skip N whitespace-separated fields of S. */
static const char *skip_fields(const char *s, int n)
{
	while (n-- > 0) {
		while (*s == ' ' || *s == '\t')
			s++;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n')
			s++;
	}
	return s;
}

/*
 * A metrics row: "stress-ng: metrc: [PID] cpu  OPS REAL USR SYS OPS/S
 * OPS/S" (older versions say "info:"). Fields after the stressor name:
 * bogo ops, real, usr, sys time, bogo ops/s (real time).
 */
int bp_stressng(const char *text, const char *stressor, double *ops_per_s)
{
	size_t n = strlen(stressor);
	const char *line = text;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *p = strchr(line, ']');
		const char *nl = strchr(line, '\n');
		char *end;

		if (strncmp(line, "stress-ng:", 10) || !p || (nl && p > nl))
			continue;
		p++;
		while (*p == ' ')
			p++;
		if (strncmp(p, stressor, n) || (p[n] != ' ' && p[n] != '\t'))
			continue;
		p = skip_fields(p + n, 4);
		*ops_per_s = strtod(p, &end);
		if (end != p && (!nl || end <= nl))
			return 0;
	}
	return -1;
}

/* Value after "KEY:" on a "# KEY: value" summary line, or -1. */
static long summary(const char *line, const char *key)
{
	const char *p;

	if (line[0] != '#')
		return -1;
	p = strstr(line, key);
	if (!p)
		return -1;
	return strtol(p + strlen(key), NULL, 10);
}

/* Count LAT (us) once more COUNT times, growing the histogram. */
static int hist_add(struct bp_hist *h, unsigned long lat, unsigned long cnt)
{
	if (lat >= h->len) {
		size_t len = h->len ? h->len : 1024;
		unsigned long *c;

		while (len <= lat)
			len *= 2;
		c = realloc(h->count, len * sizeof(*c));
		if (!c)
			return -1;
		memset(c + h->len, 0, (len - h->len) * sizeof(*c));
		h->count = c;
		h->len = len;
	}
	h->count[lat] += cnt;
	h->samples += cnt;
	return 0;
}

/* One histogram row "000123 000045": decimal (not octal) fields. */
static int hist_row(struct bp_hist *h, const char *line)
{
	unsigned long lat, cnt;
	char *end;

	if (!isdigit((unsigned char)line[0]))
		return 0;
	lat = strtoul(line, &end, 10);
	if (*end != ' ' && *end != '\t')
		return 0;
	cnt = strtoul(end, NULL, 10);
	if (!cnt || lat > 10000000)
		return 0;
	return hist_add(h, lat, cnt);
}

int bp_cyclictest(FILE *f, struct bp_hist *h)
{
	char *line = NULL;
	size_t cap = 0;
	long v;
	int err = 0;

	memset(h, 0, sizeof(*h));
	h->max_us = -1;
	while (!err && getline(&line, &cap, f) >= 0) {
		if ((v = summary(line, "Max Latencies:")) >= 0)
			h->max_us = v;
		else if ((v = summary(line, "Histogram Overflows:")) >= 0)
			h->overflows = v;
		else
			err = hist_row(h, line);
	}
	free(line);
	h->samples += h->overflows;
	if (err || ferror(f) || !h->samples) {
		bp_hist_free(h);
		return -1;
	}
	return 0;
}

void bp_hist_free(struct bp_hist *h)
{
	free(h->count);
	h->count = NULL;
	h->len = 0;
}

long bp_hist_pct(const struct bp_hist *h, double pct)
{
	double need = pct / 100.0 * h->samples;
	unsigned long cum = 0;
	size_t l;

	for (l = 0; l < h->len; l++) {
		cum += h->count[l];
		if (cum && cum >= need)
			return l;
	}
	return h->max_us >= 0 ? h->max_us : (long)h->len;
}

int bp_counter(const char *line, const char *key, double *value)
{
	size_t n = strlen(key);
	const char *p = line;
	char *end;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[n] == '=') {
			*value = strtod(p + n + 1, &end);
			if (end != p + n + 1)
				return 0;
		}
		p += n;
	}
	return -1;
}
