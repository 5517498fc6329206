#!/bin/sh
# SPDX-License-Identifier: MIT
# options-doc.sh GEN FILE: prints FILE with the lines between its
# "BEGIN options (generated" and "END options (generated" markers replaced
# by what GEN (tools/gen/options-doc.c, built for the host) prints from
# src/options.def: its md table for a .md file, its man entries for
# hutch.8. make docs writes the result over FILE; tests/static/options-doc.t
# compares it with FILE.
set -eu
gen=$1 file=$2
case $file in *.md) mode="md" ;; *) mode="man" ;; esac
begin='BEGIN options (generated'
end='END options (generated'
if ! grep -q "$begin" "$file" || ! grep -q "$end" "$file"; then
	echo "$file: no '$begin' and '$end' markers" >&2
	exit 1
fi
sed "/$begin/q" "$file"
"$gen" "$mode"
sed -n "/$end/,\$p" "$file"
