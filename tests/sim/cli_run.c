// SPDX-License-Identifier: GPL-2.0
/*
 * cli_run.c - cland-sim's command line run in process for the simulator's
 * tests (cli_run.h).
 */
#define _GNU_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cli.h"
#include "cli_run.h"

struct cli_out cli(int argc, char **argv)
{
	struct cli_out r = {0};
	size_t olen, elen;
	FILE *out = open_memstream(&r.out, &olen), *err = open_memstream(&r.err, &elen);

	assert_non_null(out);
	assert_non_null(err);
	r.ret = sim_cli_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

void cli_free(struct cli_out *r)
{
	free(r->out);
	free(r->err);
}
