# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# tools/lib.sh: what the scripts of tools/ share, sourced first by each
# (. "$(dirname "$0")/lib.sh"; they are run by their path, from the
# Makefile, the tests and bench/): me, the script's name without .sh,
# which starts each of its messages; die MESSAGE, exit 1; usage WORDS,
# the arguments the script takes, exit 2; one_dir "$@", for a script
# whose one argument is the directory it builds in.

me=$(basename "$0" .sh)

die() {
	printf '%s: %s\n' "$me" "$*" >&2
	exit 1
}

usage() {
	printf 'usage: %s %s\n' "$0" "$*" >&2
	exit 2
}

# one_dir "$@": the one argument DIR (else usage), created; dir, its
# absolute path
one_dir() {
	[ $# -eq 1 ] || usage DIR
	mkdir -p "$1" || die "cannot create $1"
	# shellcheck disable=SC2034 # for the script that sources this
	dir=$(cd "$1" && pwd)
}
