#!/bin/sh
# SPDX-License-Identifier: MIT
# Self-test of tests/lib/tap.sh: prove tests/lib/tap-selftest.t
#
# Passing assertions are checked directly; failing ones only inside
# sub-scripts whose output is captured, so that their "not ok" and
# "Bail out!" lines reach this script's checks, never prove.

lib=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$lib/tap.sh"

tmp=$(mktemp -d) || bail_out "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# run_t SHELL BODY: run BODY (with tap.sh sourced) under SHELL; sets $out
# (stdout and stderr) and $rc.
run_t() {
	printf '. "%s"\n%s\n' "$lib/tap.sh" "$2" >"$tmp/sub.t"
	out=$("$1" "$tmp/sub.t" 2>&1)
	rc=$?
}

# --- passing assertions ----------------------------------------------------
ok "ok passes when the command exits 0" true
is "abc" "abc" "is compares equal strings"
isnt "abc" "abd" "isnt compares different strings"
like "hello world" '^hel+o w' "like matches an ERE"
like "line one
line two" '^line two$' "like matches any line of a multi-line value"
unlike "hello" 'x|y' "unlike passes on no match"
is "" "" "is handles empty strings"

(sleep 0.3 && : >"$tmp/appeared") &
ok "wait_for sees a condition become true" wait_for 10 test -e "$tmp/appeared"
wait
# shellcheck disable=SC2317 # called through ok
gives_up() { ! wait_for 0 false; }
ok "wait_for gives up after its bound" gives_up

# --- failures make the script fail, with diagnostics -----------------------
run_t sh 'is a b "mismatch"
ok "passes" true
done_testing'
is "$rc" 1 "one failure: exit status 1"
like "$out" '^not ok 1 - mismatch$' "failure printed as not ok"
like "$out" "^#          got: 'a'\$" "got diagnostic"
like "$out" "^#     expected: 'b'\$" "expected diagnostic"
like "$out" '^ok 2 - passes$' "tests after a failure still run"
like "$out" '^1\.\.2$' "done_testing prints the plan"
like "$out" 'failed 1 test\(s\) of 2' "failure summary"

run_t bash 'ok "x" true
is a b "at line 3"'
like "$out" 'at .*sub\.t line 3$' "under bash a failure names file and line"

run_t sh 'ok "false fails" false
unlike "abc" "b" "unlike fails on a match"
like "abc" "z" "like fails on no match"
isnt a a "isnt fails on equal"
done_testing'
is "$rc" 4 "exit status is the number of failures"
like "$out" '^# +command: false$' "ok shows the command"
like "$out" '^# +exit status: 1$' "ok shows its exit status"
like "$out" "^# +matches 'b'\$" "unlike shows the pattern"
like "$out" "^# +doesn't match 'z'\$" "like shows the pattern"

run_t sh 'ok "noisy" echo "ok 99 - fake"
done_testing'
is "$rc" 0 "a passing script exits 0"
unlike "$(sh "$tmp/sub.t" 2>/dev/null)" '^ok 99' "a command's stdout stays out of the TAP stream"

run_t sh 'ok "a # SKIP b" false
done_testing'
like "$out" '^not ok 1 - a \\# SKIP b$' "a # in a description is escaped, not a directive"

# --- plans, bail outs, requirements ----------------------------------------
run_t sh 'plan 3
ok "one" true
done_testing'
is "$rc" 255 "ran fewer tests than planned: exit 255"
like "$out" '^1\.\.3$' "plan prints 1..N first"

run_t sh 'done_testing'
is "$rc" 255 "no tests at all is a failure, not a skip"
like "$out" '^Bail out! no tests were run$' "and says so"

run_t sh 'bail_out "cannot go on"
ok "never reached" true'
is "$rc" 255 "bail_out exits 255"
like "$out" '^Bail out! cannot go on$' "bail_out prints Bail out! MSG"
unlike "$out" 'never reached' "nothing runs after bail_out"

run_t sh 'require_cmd sh hutch-no-such-cmd unshare-no-such=util-linux'
is "$rc" 255 "require_cmd bails out on a missing command"
like "$out" '^Bail out! missing commands: hutch-no-such-cmd \(Debian package unknown\), unshare-no-such \(Debian package util-linux\)' \
	"require_cmd names each missing command and its package"

# require_feature: a stand-in hutch whose --version names its features
printf '#!/bin/sh\necho "hutch 0.1.0"\necho "features: +seccomp -userns (profile tiny)"\n' \
	>"$tmp/hutch"
chmod +x "$tmp/hutch"
run_t sh "HUTCH=$tmp/hutch
require_feature seccomp
ok 'seccomp is there' true
done_testing"
is "$rc:$out" "0:ok 1 - seccomp is there
1..1" "require_feature goes on when the feature is built"
run_t sh "HUTCH=$tmp/hutch
require_feature seccomp userns
ok 'never reached' false"
is "$rc:$out" "0:1..0 # SKIP this hutch is built without userns (profile tiny)" \
	"require_feature skips the file, naming the feature and the profile"
run_t sh "HUTCH=$tmp/hutch
has_feature seccomp && ok 'has +seccomp' true
has_feature userns || ok 'has not -userns' true
done_testing"
is "$rc" 0 "has_feature tells + from -"
run_t sh "HUTCH=$tmp/hutch
has_feature seccom"
is "$rc" 255 "has_feature bails out on a name the build does not know"

run_t sh 'ok $? "status first"'
is "$rc" 255 "ok STATUS DESC (the wrong form) bails out"

run_t sh 'like abc "(" "bad regex"'
is "$rc" 255 "a bad regular expression bails out"

done_testing
