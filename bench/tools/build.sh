#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh - builds the benchmarks' static guest tools, pingpong and reqwork,
# into TOOLS_DIR: one recipe for make bench (bench/run.sh), bench/ab/ab.sh and
# bench/prof/prof.sh, which each add them to their VM's initramfs.
#
# Usage: bench/tools/build.sh TOOLS_DIR     (CC: the compiler, default cc)
# Exit: 0; 1 when a tool does not build; 2 on bad usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || {
	echo "usage: bench/tools/build.sh TOOLS_DIR" >&2
	exit 2
}
mkdir -p "$1"
cc=${CC:-cc}
$cc -static -O2 -Wall -Wextra -o "$1/pingpong" "$here/pingpong.c" || {
	echo "build.sh: building pingpong failed" >&2
	exit 1
}
$cc -static -O2 -Wall -Wextra -pthread -o "$1/reqwork" "$here/reqwork.c" -lm || {
	echo "build.sh: building reqwork failed" >&2
	exit 1
}
