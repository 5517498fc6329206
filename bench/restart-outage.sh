#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/restart-outage.sh - section 2b: the outage per crash under several
# --restart-reset values (the run length that resets the backoff), for a
# service that crashes now and then and for crash loops. Sourced by
# bench/bench.sh; or run alone, as root, after `make bench-build`, to print
# the section:
#
#   bench/restart-outage.sh
#
# Occasional crashes: the service (bench/stamp.c in "pause" mode: it
# stamps CLOCK_MONOTONIC at its exec, then waits) is killed with SIGKILL
# OUTAGE_GAP seconds after each start, OUTAGE_CRASHES times. The outage of
# a crash is the next exec's stamp minus a stamp taken on the host just
# before the kill (stamp again, run there: the same clock in every
# namespace): what a client sees as the service being away, less the
# service's own start-up, which is the same under every policy.
#
# Crash loops, all reset values side by side for OUTAGE_LOOP_SECS: a
# service that fails at once (stamp exits 1) and one that fails after
# 1.5 s. Counted: starts, and the CPU time of hutch's two processes
# (/proc/PID/schedstat), which is what a backoff protects.

OUTAGE_RESETS=${OUTAGE_RESETS:-"250ms 1s 2s 5s 10s"}
OUTAGE_CRASHES=${OUTAGE_CRASHES:-6}
OUTAGE_GAP=${OUTAGE_GAP:-2}
OUTAGE_LOOP_SECS=${OUTAGE_LOOP_SECS:-30}

# starts FILE: S lines so far.
outage_starts() { grep -c '^S' "$1" 2>/dev/null || echo 0; }

# outage_occasional RESET: one line per crash, ms from the kill to the
# next exec.
outage_occasional() {
	local reset=$1 d i h pid1 svc
	d=$B/outage/occ-$reset
	rm -rf "$d"
	mkdir -p "$d"
	"$HUTCH" --name "bench-outage-$reset" --root "$ROOT" --bind "$d:/out" \
		--restart-reset "$reset" -- /bin/stamp /out/s.log pause >/dev/null 2>"$d/hutch.log" &
	h=$!
	track "$h"
	for i in $(seq "$OUTAGE_CRASHES"); do
		wait_until 60 "[ \$(outage_starts '$d/s.log') -ge $i ]" ||
			die "outage ($reset): start $i did not come: $(cat "$d/hutch.log")"
		sleep "$OUTAGE_GAP"
		pid1=$(children "$h")
		svc=$(children "$pid1")
		"$B/stamp" "$d/kill.log" 0
		kill -KILL "$svc"
	done
	wait_until 60 "[ \$(outage_starts '$d/s.log') -gt $OUTAGE_CRASHES ]" ||
		die "outage ($reset): no start after the last crash"
	kill -TERM "$h"
	wait_until 15 "all_gone $h" || say "hutch (outage $reset) did not stop"
	paste <(awk '/^S/ { print $2 }' "$d/kill.log") <(awk '/^S/ && NR > 1 { print $2 }' "$d/s.log") |
		awk '{ printf "%.3f\n", ($2 - $1) / 1e6 }'
}

# outage_loop KIND RESET CMD...: start a crash loop in the background;
# prints "hutch-pid dir".
outage_loop_start() {
	local kind=$1 reset=$2 d
	d=$B/outage/$1-$2
	shift 2
	rm -rf "$d"
	mkdir -p "$d"
	"$HUTCH" --name "bench-loop-$kind-$reset" --root "$ROOT" --bind "$d:/out" \
		--restart-reset "$reset" -- "$@" >/dev/null 2>"$d/hutch.log" &
	track "$!"
	echo "$! $d"
}

section_outage() {
	say "2b/6 outage per crash: --restart-reset $OUTAGE_RESETS; crashes ${OUTAGE_GAP}s apart, crash loops for ${OUTAGE_LOOP_SECS}s"
	rm -rf "$B/outage"
	mkdir -p "$B/outage"
	local r loops=() l h d pid1s=() i
	for r in $OUTAGE_RESETS; do
		outage_occasional "$r" >"$RAW/outage-occasional-$r.ms"
	done
	# Both crash loops for every reset value at once: they sleep between
	# restarts and do not disturb one another.
	local t0
	t0=$(now_ns)
	for r in $OUTAGE_RESETS; do
		loops+=("$(outage_loop_start fast "$r" /bin/stamp /out/s.log 1)")
		loops+=("$(outage_loop_start slow "$r" /bin/sh -c 'sleep 1.5; exec /bin/stamp /out/s.log 1')")
	done
	sleep "$OUTAGE_LOOP_SECS"
	for l in "${loops[@]}"; do
		read -r h d <<<"$l"
		local p1
		p1=$(children "$h")
		echo "$(outage_starts "$d/s.log") $(calc "($(runtime_ns "$h") + $(runtime_ns "$p1")) / 1e6")" >"$d/result"
		kill -TERM "$h"
		pid1s+=("$h")
	done
	local elapsed
	elapsed=$(calc "($(now_ns) - $t0) / 1e9")
	wait_until 15 "all_gone ${pid1s[*]}" || say "a crash loop's hutch did not stop"
	local hdr=("--restart-reset")
	for i in $(seq "$OUTAGE_CRASHES"); do hdr+=("crash $i"); done
	{
		echo "### 2b. Outage per crash, by --restart-reset"
		echo
		echo "The service stays up until it is killed (bench/stamp.c, pause mode) and is killed with SIGKILL ${OUTAGE_GAP} s after each start, $OUTAGE_CRASHES times; the outage is the kill (stamped on the host just before) to the next exec (stamped by the service), in ms. Defaults otherwise: --restart-delay 100ms, doubling, --restart-max-delay 30s; --kill-grace has nothing to wait for (no leftovers)."
		echo
		for r in $OUTAGE_RESETS; do
			printf '%s\t' "$r"
			awk '{ printf "%.1f\t", $1; s += $1; if ($1 > m) m = $1 } END { printf "%.1f\t%.1f\n", s, m }' \
				"$RAW/outage-occasional-$r.ms"
		done | md_table "${hdr[@]}" total max
		echo
		echo "Crash loops, all side by side for $(num "$elapsed" 1) s: **fast** fails at once (stamp exits 1), **slow** after 1.5 s (\`sleep 1.5\`, then stamp). Starts in that time, and the CPU time of hutch's launcher and PID 1 (ms, /proc/PID/schedstat):"
		echo
		for r in $OUTAGE_RESETS; do
			local fs fc ss sc
			read -r fs fc <"$B/outage/fast-$r/result"
			read -r ss sc <"$B/outage/slow-$r/result"
			printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$fs" "$(num "$fc" 1)" "$ss" "$(num "$sc" 1)"
		done | md_table "--restart-reset" "fast: starts" "fast: hutch CPU ms" "slow: starts" "slow: hutch CPU ms"
	} >"$OUT/2b-outage.md"
	for r in $OUTAGE_RESETS; do
		kv "outage_occasional_${r}_total_ms" "$(awk '{ s += $1 } END { printf "%.1f", s }' "$RAW/outage-occasional-$r.ms")"
	done
}

# Run alone: the environment bench/bench.sh would give, then the section.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -Eeuo pipefail
	export LC_ALL=C
	REPO=$(cd "$(dirname "$0")/.." && pwd)
	BENCH_DIR=$REPO/bench
	B=$REPO/build/bench
	RAW=$B/raw-outage
	OUT=$B/out-outage
	# shellcheck source=bench/lib.sh
	. "$BENCH_DIR/lib.sh"
	[ "$(id -u)" = 0 ] || die "run as root (namespaces, mounts, cgroups)"
	HUTCH=$REPO/build/$(uname -m)/hutch
	{ [ -x "$HUTCH" ] && [ -x "$B/stamp" ]; } || die "run make bench-build first"
	ROOT=$B/rootfs-outage
	rm -rf "$ROOT" "$RAW" "$OUT"
	cp -a "$REPO/build/$(uname -m)/rootfs" "$ROOT"
	cp "$B/stamp" "$ROOT/bin/stamp"
	mkdir -p "$ROOT/out" "$RAW" "$OUT"
	: >"$OUT/summary.env"
	: >"$B/tracked.pids"
	trap 'stop_tracked' EXIT
	section_outage
	cat "$OUT/2b-outage.md"
fi
