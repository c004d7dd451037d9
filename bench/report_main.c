// SPDX-License-Identifier: GPL-2.0
/*
 * report_main.c - entry point of cland-bench-report, which turns the results
 * file of `make bench` into results.json, report.md and plots (report.c).
 */
#include <stdio.h>

#include "report.h"

int main(int argc, char **argv)
{
	return bench_report_main(argc, argv, stdout, stderr);
}
