#!/bin/bash
# SPDX-License-Identifier: MIT
# The option docs are generated from src/config/options.def, the rows the parser
# and --help are made of (issue 14, item 2): docs/options.md's option table
# and hutch(8)'s OPTIONS entries are what tools/gen/options-doc.c prints
# from them now, so a row changed without `make docs` fails here. No root,
# no hutch binary: the host's compiler builds the generator.
. "$(dirname "$0")/../lib/tap.sh"
require_cmd cc=gcc diff=diffutils
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d) || bail_out "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT

gen=$tmp/options-doc
ok "the generator builds with the host's compiler" \
	"${HOSTCC:-cc}" -std=gnu11 -Wall -Wextra -Werror -I"$top/src/config" -o "$gen" "$top/tools/gen/options-doc.c"
for f in docs/options.md docs/hutch.8; do
	"$top/tools/gen/options-doc.sh" "$gen" "$top/$f" >"$tmp/new" 2>"$tmp/err" ||
		bail_out "tools/gen/options-doc.sh $f: $(cat "$tmp/err")"
	d=$(diff -u "$top/$f" "$tmp/new" | head -40)
	[ -z "$d" ] || diag "$d"
	is "$([ -z "$d" ] || echo "$f differs from what src/config/options.def makes: run make docs and commit it")" "" \
		"$f's options are generated from src/config/options.def"
done
n=$("$gen" md | grep -c '^| `')
ok "the table documents every row of src/config/options.def ($n)" \
	test "$n" = "$(grep -c '^OPT(' "$top/src/config/options.def")"
done_testing
