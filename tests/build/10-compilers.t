#!/bin/bash
# SPDX-License-Identifier: MIT
# 10-compilers.t: hutch builds with the compilers a board owner or a
# distribution brings, and what it builds runs a sandbox:
#   - GCC 12 through musl-gcc (the default route: make check builds it),
#   - GCC 11 through musl-gcc (REALGCC=gcc-11): no -Oz before GCC 12, so
#     the build falls back to -Os instead of failing,
#   - clang with musl (tools/musl-clang), which needs no GCC-only flag,
#   - plain clang, which links glibc: it builds, says so, and runs;
# and -Werror only where the warnings are ours: a git checkout and make
# check, not a distribution's build of a release (no .git).
# Each in a build directory of its own, with -Werror (WERROR=1, as in
# make check). Needs root (the sandbox), HUTCH's directory is not used.

# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
require_root
require_cmd make musl-gcc gcc-11 clang
# Each build names its own flags: make check's WERROR=1 (in MAKEFLAGS and
# the environment) must not reach the release tree's build below.
unset MAKEFLAGS MFLAGS MAKELEVEL WERROR
[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
	bail_out "ROOTFS must name the test rootfs (make rootfs builds it)"
top=$(cd "$(dirname "$0")/../.." && pwd)

# build NAME MAKE-ARGS...: sets bin and out (make's output).
build() {
	local name=$1
	shift
	bin=$top/build/cc-$name/hutch
	rm -rf "$top/build/cc-$name"
	out=$(make -C "$top" --no-print-directory WERROR=1 BUILD="build/cc-$name" "$@" all 2>&1)
	ok "$name: builds with -Werror" test -x "$bin" || diag "$out"
}

runs() {
	local name=$1 got
	got=$("$bin" --root "$ROOTFS" --restart no -- /bin/echo "sandbox of $name" 2>/dev/null)
	is "$got" "sandbox of $name" "$name: the binary runs a sandbox"
}

build gcc12 CC=musl-gcc
like "$(cat "$top/build/cc-gcc12/flags")" ' -Oz( |$)' "gcc12: -Oz"
runs gcc12

build gcc11 CC=musl-gcc REALGCC=gcc-11
like "$(cat "$top/build/cc-gcc11/flags")" ' -Os( |$)' "gcc11: falls back to -Os (no -Oz before GCC 12)"
unlike "$(cat "$top/build/cc-gcc11/flags")" '-Oz' "gcc11: and does not pass -Oz"
runs gcc11

build clang-musl CC=tools/musl-clang
unlike "$(cat "$top/build/cc-clang-musl/flags")" 'malign-data' "clang: no GCC-only flag"
unlike "$out" 'NOTE.*glibc' "clang with musl: no glibc note"
runs clang-musl

build clang-glibc CC=clang
like "$out" 'NOTE +clang links glibc' "plain clang: the build says it links glibc, and what to use instead"
runs clang-glibc

rm -rf "$top"/build/cc-*

# -Werror: a checkout has it by default; a release tree (no .git) has not,
# unless WERROR=1. make writes its flags file while reading the Makefile.
release=$(mktemp -d) || bail_out "cannot create a temporary directory"
tar -C "$top" --exclude=./.git --exclude=./build -cf - . | tar -C "$release" -xf - ||
	bail_out "cannot copy the tree"
flags() {
	rm -rf "$1/build/cc-flags"
	make -C "$1" --no-print-directory -n BUILD=build/cc-flags "${@:2}" all >/dev/null 2>&1
	cat "$1/build/cc-flags/flags"
}
like "$(flags "$top")" ' -Werror ' "a git checkout builds with -Werror"
unlike "$(flags "$release")" 'Werror' "a release tree (no .git) builds without -Werror"
like "$(flags "$release" WERROR=1)" ' -Werror ' "WERROR=1 turns it on there"
unlike "$(flags "$top" WERROR=0)" 'Werror' "WERROR=0 turns it off in a checkout"
rm -rf "$release" "$top/build/cc-flags"
done_testing
