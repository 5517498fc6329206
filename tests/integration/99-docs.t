#!/bin/bash
# --help, the README's option table and the man page list the same options,
# with the same argument names: they are written by hand from one table
# (src/options.c), so this is where drift is caught. The man page renders
# without a groff warning.
. "$(dirname "$0")/../lib/tap.sh"
require_cmd groff=groff-base
[ -n "${HUTCH:-}" ] || bail_out "HUTCH must be set"
top=$(cd "$(dirname "$0")/../.." && pwd)

# "-f, --config FILE", "--hostname NAME", "command = CMD ARG..." ...
help() {
	"$HUTCH" --help | grep -E '^  (-[[:alnum:]], |    )(--[a-z]|[a-z][a-z-]* = )' |
		sed -E 's/^ +//; s/  .*//'
}
readme() {
	sed -n '/^## Options$/,/^## [^O]/p' "$top/README.md" |
		grep -E '^\| `(-|[a-z][a-z-]* = )' |
		sed -E 's/^\| `([^`]*)`.*/\1/; s/\\\|/|/g'
}
man8() {
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$top/docs/hutch.8" |
		awk '/^\.TP/ { getline; print }' | sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g'
}

n=$(help | wc -l)
ok "--help lists the options ($n)" test "$n" -ge 30
is "$(readme)" "$(help)" "README's option table lists what --help lists, in the same order"
is "$(man8)" "$(help)" "the man page's OPTIONS list what --help lists, in the same order"

# Every option the parser knows is in --help: each long option of the table
# is accepted as a key or an option.
for o in $(help | grep -oE -- '--[a-z][a-z-]*' | sed 's/^--//'); do
	"$HUTCH" "--$o" 2>&1 | grep -q "unknown option" && echo "--$o unknown to the parser"
done >"${TMPDIR:-/tmp}/docs-$$"
is "$(cat "${TMPDIR:-/tmp}/docs-$$")" "" "every option --help names is one the parser knows"
rm -f "${TMPDIR:-/tmp}/docs-$$"

warnings=$(groff -man -ww -z "$top/docs/hutch.8" 2>&1)
is "$warnings" "" "the man page renders without a groff warning"
like "$(groff -man -Tascii -P-cbou "$top/docs/hutch.8" 2>/dev/null)" "hutch check" \
	"and the rendered page documents hutch check"

done_testing
