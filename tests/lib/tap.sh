# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# tests/lib/tap.sh: a small TAP producer for hutch's shell tests, run by prove.
# Source it from a POSIX sh or bash test script:
#
#   . "$(dirname "$0")/../lib/tap.sh"
#   require_root
#   require_cmd unshare busybox qemu-aarch64-static=qemu-user-static
#   ok   "hutch starts"        "$HUTCH" --root "$ROOT" -- true
#   is   "$(cat "$f")" "20000 100000" "cpu.max holds the quota"
#   like "$out" '^uid=1000'    "the service runs as uid 1000"
#   ok   "cgroup is gone"      wait_for 5 test ! -d "$cg"
#   done_testing
#
# Assertions: ok DESC CMD [ARGS...]   passes when CMD exits 0 (CMD's stdout
#                                     goes to stderr so it cannot corrupt TAP)
#             is GOT EXPECTED [DESC]  string equality
#             isnt GOT UNEXPECTED [DESC]
#             like GOT ERE [DESC]     grep -E: passes if any line of GOT matches
#             unlike GOT ERE [DESC]   passes if no line of GOT matches
# Each prints "ok N - DESC" or "not ok N - DESC" plus "# got/expected"
# diagnostics on stderr, and returns 0 or 1 (so `is ... || bail_out ...`
# works). Do not `set -e` in test scripts: one failure would end the run.
#
# Plan:       plan N (before the tests) or nothing; done_testing at the end
#             prints "1..N" if there was no plan and exits: 0 if all passed,
#             the number of failures (at most 254), or 255 when the plan was
#             not met or no test ran.
# Helpers:    diag MSG...          "# MSG" on stderr
#             bail_out MSG...      "Bail out! MSG", exit 255: prove stops
#             wait_for SECS CMD... poll CMD (output discarded) every 0.1 s
#                                  until it succeeds (return 0) or SECS have
#                                  passed (return 1); for conditions that
#                                  become true eventually, never for timing
#             require_root         bail out unless uid 0
#             require_cmd CMD[=PKG]...  bail out naming each missing command
#                                  and the Debian package that brings it
#             has_feature NAME     0 when $HUTCH is built with feature NAME
#                                  (its --version line: +seccomp), else 1
#             require_feature NAME...  skip the whole file ("1..0 # SKIP
#                                  this hutch is built without NAME (profile
#                                  P)") unless $HUTCH has every NAME
#
# The one skip there is: a feature the build left out (configs/*.config).
# Otherwise a test that cannot run is a failure the machine's owner must
# fix (tools/deps.sh installs what is missing), not a silent pass; and the
# full profile, which make check builds, has every feature, so nothing is
# skipped there.
#
# Everything here is POSIX sh (no `local`): the globals are _tap_-prefixed,
# one set per function, so `ok DESC wait_for ...` does not clobber itself.

_tap_run=0
_tap_failed=0
_tap_plan=

diag() {
	printf '%s\n' "$*" | sed 's/^/# /' >&2
}

bail_out() {
	printf 'Bail out! %s\n' "$*"
	exit 255
}

plan() {
	case ${1-} in
	'' | *[!0-9]*) bail_out "plan: needs a number of tests, got '${1-}'" ;;
	esac
	if [ -n "$_tap_plan" ] || [ "$_tap_run" -ne 0 ]; then
		bail_out "plan: must come once, before the first test"
	fi
	_tap_plan=$1
	printf '1..%s\n' "$1"
}

# _tap_where: "FILE line N" of the assertion in the test script (bash only;
# a POSIX sh cannot tell).
_tap_where() {
	_tap_where=
	[ -n "${BASH_VERSION-}" ] || return 0
	eval '_tap_wi=1
	while [ "$_tap_wi" -lt "${#BASH_SOURCE[@]}" ] &&
		[ "${BASH_SOURCE[$_tap_wi]}" = "${BASH_SOURCE[0]}" ]; do
		_tap_wi=$((_tap_wi + 1))
	done
	_tap_where="${BASH_SOURCE[$_tap_wi]-?} line ${BASH_LINENO[$((_tap_wi - 1))]-?}"'
}

# _tap_emit STATUS DESC: print the TAP line, count, return 0 or 1.
_tap_emit() {
	_tap_run=$((_tap_run + 1))
	# One line, and a '#' in DESC must not read as a TAP directive (# SKIP).
	_tap_desc=$(printf '%s' "$2" | tr '\n' ' ' | sed 's/\\/\\\\/g; s/#/\\#/g')
	if [ "$1" -eq 0 ]; then
		printf 'ok %d%s\n' "$_tap_run" "${_tap_desc:+ - $_tap_desc}"
		return 0
	fi
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d%s\n' "$_tap_run" "${_tap_desc:+ - $_tap_desc}"
	_tap_where
	_tap_msg="  Failed test"
	[ -z "$2" ] || _tap_msg="$_tap_msg '$2'"
	[ -z "$_tap_where" ] || _tap_msg="$_tap_msg
  at $_tap_where"
	diag "$_tap_msg"
	return 1
}

ok() {
	[ $# -ge 2 ] || bail_out "ok: use ok DESC CMD [ARGS...]"
	case $1 in
	*[!0-9]*) ;;
	# "ok $? DESC" is the other common TAP idiom; catch it loudly.
	*) bail_out "ok: use ok DESC CMD [ARGS...] (for a status: ok DESC test \"\$rc\" -eq 0)" ;;
	esac
	_tap_ok_desc=$1
	shift
	"$@" >&2
	_tap_ok_rc=$?
	_tap_emit "$_tap_ok_rc" "$_tap_ok_desc" && return 0
	diag "     command: $*
 exit status: $_tap_ok_rc"
	return 1
}

is() {
	[ $# -ge 2 ] || bail_out "is: use is GOT EXPECTED [DESC]"
	[ "$1" = "$2" ]
	_tap_emit $? "${3-}" && return 0
	diag "         got: '$1'
    expected: '$2'"
	return 1
}

isnt() {
	[ $# -ge 2 ] || bail_out "isnt: use isnt GOT UNEXPECTED [DESC]"
	[ "$1" != "$2" ]
	_tap_emit $? "${3-}" && return 0
	diag "         got: '$1'
    expected: anything else"
	return 1
}

# _tap_match GOT ERE: 0 match, 1 no match; a bad ERE bails out rather than
# pass an unlike by accident.
_tap_match() {
	printf '%s\n' "$1" | grep -Eq -e "$2"
	_tap_match_rc=$?
	[ "$_tap_match_rc" -le 1 ] || bail_out "bad regular expression: '$2'"
	return "$_tap_match_rc"
}

like() {
	[ $# -ge 2 ] || bail_out "like: use like GOT ERE [DESC]"
	_tap_match "$1" "$2"
	_tap_emit $? "${3-}" && return 0
	diag "                  '$1'
    doesn't match '$2'"
	return 1
}

unlike() {
	[ $# -ge 2 ] || bail_out "unlike: use unlike GOT ERE [DESC]"
	! _tap_match "$1" "$2"
	_tap_emit $? "${3-}" && return 0
	diag "                  '$1'
          matches '$2'"
	return 1
}

done_testing() {
	[ "$_tap_run" -gt 0 ] || bail_out "no tests were run"
	if [ -z "$_tap_plan" ]; then
		printf '1..%d\n' "$_tap_run"
	elif [ "$_tap_plan" -ne "$_tap_run" ]; then
		diag "Looks like you planned $_tap_plan tests but ran $_tap_run."
		[ "$_tap_failed" -gt 0 ] || exit 255
	fi
	if [ "$_tap_failed" -gt 0 ]; then
		diag "Looks like you failed $_tap_failed test(s) of $_tap_run."
		[ "$_tap_failed" -le 254 ] || exit 254
		exit "$_tap_failed"
	fi
	exit 0
}

wait_for() {
	case ${1-} in
	'' | *[!0-9]*) bail_out "wait_for: use wait_for SECONDS CMD [ARGS...]" ;;
	esac
	[ $# -ge 2 ] || bail_out "wait_for: use wait_for SECONDS CMD [ARGS...]"
	# Whole seconds from date(1): polling goes on while now <= start + SECS,
	# so the bound is at least SECS and at most SECS + 1 seconds.
	_tap_wf_end=$(($(date +%s) + $1))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -le "$_tap_wf_end" ] || return 1
		sleep 0.1
	done
}

# _tap_features: $HUTCH's "features: +a -b ... (profile P)" line, once.
_tap_features() {
	[ -n "${_tap_features-}" ] && return 0
	if [ -z "${HUTCH-}" ] || [ ! -x "$HUTCH" ]; then
		bail_out "has_feature: HUTCH must name the hutch binary"
	fi
	_tap_features=$(${RUN-} "$HUTCH" --version 2>/dev/null | sed -n 's/^features: //p')
	[ -n "$_tap_features" ] ||
		bail_out "has_feature: $HUTCH --version prints no features line"
}

has_feature() {
	_tap_features
	case " $_tap_features " in
	*" +$1 "*) return 0 ;;
	*" -$1 "*) return 1 ;;
	esac
	bail_out "has_feature: $HUTCH knows no feature '$1' ($_tap_features)"
}

require_feature() {
	for _tap_rf in "$@"; do
		has_feature "$_tap_rf" && continue
		if [ "$_tap_run" -ne 0 ] || [ -n "$_tap_plan" ]; then
			bail_out "require_feature: must come before the first test"
		fi
		printf '1..0 # SKIP this hutch is built without %s %s\n' "$_tap_rf" \
			"$(printf '%s\n' "$_tap_features" | sed -n 's/.*(\(profile [^)]*\)).*/(\1)/p')"
		exit 0
	done
}

require_root() {
	[ "$(id -u)" -eq 0 ] ||
		bail_out "must run as root (real namespaces, mounts and cgroups)"
}

# _tap_pkg CMD: the Debian package that provides CMD, or "" if unknown.
_tap_pkg() {
	case $1 in
	unshare | nsenter | mount | umount | findmnt | setpriv | prlimit | lsns | taskset) echo util-linux ;;
	ip) echo iproute2 ;;
	prove) echo perl ;;
	busybox) echo busybox-static ;;
	musl-gcc) echo musl-tools ;;
	aarch64-linux-musl-gcc) echo musl-dev:arm64 ;;
	arm-linux-musleabihf-gcc) echo musl-dev:armhf ;;
	arm-linux-musleabi-gcc) echo musl-dev:armel ;;
	readelf | objdump | strip | nm | size) echo binutils ;;
	qemu-*-static) echo qemu-user-static ;;
	qemu-system-aarch64 | qemu-system-arm) echo qemu-system-arm ;;
	qemu-system-x86_64) echo qemu-system-x86 ;;
	ps | pgrep | pkill | sysctl) echo procps ;;
	capsh | getpcaps | setcap | getcap) echo libcap2-bin ;;
	timeout | stat | mktemp | sha256sum) echo coreutils ;;
	cpio | gzip | file | strace | make | gcc | shellcheck) echo "$1" ;;
	*) echo ;;
	esac
}

require_cmd() {
	_tap_rc_missing=
	for _tap_rc_arg in "$@"; do
		_tap_rc_cmd=${_tap_rc_arg%%=*}
		command -v "$_tap_rc_cmd" >/dev/null 2>&1 && continue
		case $_tap_rc_arg in
		*=*) _tap_rc_pkg=${_tap_rc_arg#*=} ;;
		*) _tap_rc_pkg=$(_tap_pkg "$_tap_rc_cmd") ;;
		esac
		_tap_rc_missing="$_tap_rc_missing${_tap_rc_missing:+, }$_tap_rc_cmd (Debian package ${_tap_rc_pkg:-unknown})"
	done
	[ -z "$_tap_rc_missing" ] ||
		bail_out "missing commands: $_tap_rc_missing; install with tools/deps.sh"
}
