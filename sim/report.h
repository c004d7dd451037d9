/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - prints cland-sim's results: a table for people, or a JSON
 * document (built with json-c) for programs.
 */
#ifndef __CLAND_SIM_REPORT_H
#define __CLAND_SIM_REPORT_H

#include <stdio.h>

#include "check.h"
#include "engine.h"
#include "workload.h"

/* What was run, for the header of the report. */
struct sim_run_info {
	const char *workload; /* file name */
	const struct sim_workload *w;
	const struct sim_config *cfg;
	const struct sim_checks *checks; /* optional: the expected% column and the checks */
};

/* One line per failed check on @f: "cland-sim: FAIL NAME: what and why". */
void sim_report_failures(FILE *f, const struct sim_checks *c);

/*
 * Judge @r (check.h) and print the report (@json: as JSON) on @out; with
 * @check, each failed check on @errf too. Returns the exit status: 0, 1
 * when a check failed under @check or the report could not be written.
 */
int sim_report_run(FILE *out, FILE *errf, struct sim_run_info *info, const struct sim_result *r,
		   bool json, bool check);

void sim_report_text(FILE *f, const struct sim_run_info *info, const struct sim_result *r);
/* Returns 0, or -1 when the document could not be built (out of memory). */
int sim_report_json(FILE *f, const struct sim_run_info *info, const struct sim_result *r);

#endif /* __CLAND_SIM_REPORT_H */
