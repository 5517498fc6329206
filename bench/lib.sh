# SPDX-License-Identifier: MIT
# bench/lib.sh - helpers for bench/bench.sh and its sections (sourced).
#
# Directories (absolute): B=build/bench, RAW=$B/raw (one file per series,
# one number a line), OUT=$B/out (markdown fragments per section and
# summary.env, KEY=VALUE lines the report reads).

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# kv KEY VALUE: record a result for the report.
kv() { printf '%s=%s\n' "$1" "$2" >>"$OUT/summary.env"; }
# get KEY [DEFAULT]: the last value recorded for KEY.
get() {
	local v
	v=$(sed -n "s/^$1=//p" "$OUT/summary.env" 2>/dev/null | tail -n 1)
	printf '%s' "${v:-${2-}}"
}

# stats FILE: "n median p25 p75 min max mean" of the numbers in FILE (one
# a line); quantiles by linear interpolation between order statistics.
stats() {
	sort -g "$1" | awk '
		{ a[NR] = $1; s += $1 }
		function q(p,   pos, lo) {
			pos = (NR - 1) * p + 1; lo = int(pos)
			return lo >= NR ? a[NR] : a[lo] + (a[lo + 1] - a[lo]) * (pos - lo)
		}
		END {
			if (NR == 0) { print "0 - - - - - -"; exit }
			printf "%d %.4f %.4f %.4f %.4f %.4f %.4f\n", NR, q(0.5), q(0.25), q(0.75), a[1], a[NR], s / NR
		}'
}

# num X [DIGITS]: X rounded; "-" stays "-".
num() {
	case $1 in
	'' | -) printf -- '-' ;;
	*) LC_ALL=C awk -v x="$1" -v d="${2-2}" 'BEGIN { printf "%.*f", d, x }' ;;
	esac
}
# ratio A B [DIGITS]: A/B, or "-" when either is missing or B is 0.
ratio() {
	case "$1:$2" in
	-:* | *:- | :* | *:) printf -- '-' ; return ;;
	esac
	LC_ALL=C awk -v a="$1" -v b="$2" -v d="${3-2}" 'BEGIN { if (b == 0) printf "-"; else printf "%.*f", d, a / b }'
}
# calc EXPR: awk arithmetic.
calc() { LC_ALL=C awk "BEGIN { printf \"%s\", $1 }" 2>/dev/null; }

now_ns() { date +%s%N; }

# smaps PID: "RSS PSS USS" in KiB from /proc/PID/smaps_rollup (USS: the
# private pages, clean and dirty).
smaps() {
	awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 }
	     /^Private_(Clean|Dirty):/ { u += $2 }
	     END { printf "%d %d %d\n", r, p, u }' "/proc/$1/smaps_rollup" 2>/dev/null || echo "- - -"
}

# ctxsw PID: voluntary + involuntary context switches so far.
ctxsw() {
	awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }' "/proc/$1/status" 2>/dev/null
}
# runtime_ns PID: CPU time so far (ns, /proc/PID/schedstat, first field).
runtime_ns() { awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null; }
# ticks PID: utime + stime (clock ticks).
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null; }

# children PID: its child processes.
# (All threads: a Go program such as runc forks from any of them.)
children() {
	local c
	c=$(cat /proc/"$1"/task/*/children 2>/dev/null) || true
	# shellcheck disable=SC2086 # one line of pids
	echo $c
}
# tree PID: PID and all its descendants.
tree() {
	local p out=$1
	for p in $(children "$1"); do out="$out $(tree "$p")"; done
	echo "$out"
}

# wait_until TIMEOUT_S 'SHELL CODE': evaluate it every 10 ms until it
# succeeds (1 when the time is up).
wait_until() {
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until eval "$*"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.01
	done
}

alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
all_gone() {
	local p
	for p in "$@"; do alive "$p" && return 1; done
	return 0
}

# track PID...: processes the bench started, killed by stop_tracked. They
# are disowned (bash would print a line for each one killed); wait for them
# with wait_until ... all_gone, not wait.
track() {
	printf '%s\n' "$@" >>"$B/tracked.pids"
	disown "$@" 2>/dev/null || true
}
# stop_tracked: SIGKILL to each tracked process still alive and to all its
# descendants (by pid, only ours), then forget them.
stop_tracked() {
	local p all=''
	[ -f "$B/tracked.pids" ] || return 0
	while read -r p; do
		[ -n "$p" ] && alive "$p" && all="$all $(tree "$p")"
	done <"$B/tracked.pids"
	# shellcheck disable=SC2086
	[ -z "$all" ] || kill -KILL $all 2>/dev/null || true
	: >"$B/tracked.pids"
}

# The hierarchy that has the cpu controller: a v1 mount with "cpu" in its
# options, else the v2 root.
cpu_cgroup_root() {
	awk '$9 == "cgroup" && $NF ~ /(^|,)cpu(,|$)/ { print $5; exit }
	     $9 == "cgroup2" { v2 = $5 } END { if (v2 != "") print v2 }' /proc/self/mountinfo | sed -n 1,1p
}

# mounts_count: lines of the host's mount table (a leak check).
mounts_count() { grep -c . /proc/self/mountinfo; }

# md_table HEADER_CELLS... then rows on stdin as tab-separated cells.
md_table() {
	local h
	printf '|'; for h in "$@"; do printf ' %s |' "$h"; done; printf '\n'
	printf '|'; for h in "$@"; do printf ' --- |'; done; printf '\n'
	awk -F '\t' '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n" }'
}
