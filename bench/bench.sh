#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/bench.sh - hutch against its peers and against the lower bound, in
# one run: prints one table and writes bench/results.md. Run it through
# `make bench` (which installs the peers and builds hutch, the BusyBox
# rootfs and bench/*.c first), as root, on an otherwise quiet machine.
#
#   BENCH_QUICK=1   a smoke run of about half a minute: few runs, short windows
#   BENCH_OUT=FILE  write the results there instead of bench/results.md
#   bench/bench.sh --report   write the results again from the last run's
#                   build/bench/out (after editing bench/analysis.md)
#
# Sections (each its own file, sourced):
#   start.sh    1. start-to-exit latency (hyperfine -N), with a cgroup CPU limit too
#   restart.sh  2. restart latency, the backoff schedule; 5b. the crash loop's CPU
#   restart-outage.sh  2b. outage per crash for --restart-reset values
#   memory.sh   3. RSS/PSS of the supervisors; 5. idle wakeups (kept running
#               through the other sections, then strace)
#   size.sh     4. binary size per board, vs the peers' static binaries
#   scale.sh    6. N sandboxes at once: memory and time to all-running
#   profile.sh  where hutch's start time goes: strace -c, perf, callgrind
#   oci.sh      9. hutch oci as the runtime of Podman and containerd, against runc
#               and crun: time, memory, size
#   oci-guest.sh  9b. hutch oci, runc and crun side by side in a QEMU guest with
#               cgroup v2 alone, where crun runs (also runs alone:
#               bench/oci-guest.sh)
#   output.sh   5c. the output copy: the launcher's CPU and bytes written
#               for a flooding service (also runs alone: bench/output.sh)
#   report.sh   the goals, the table, bench/results.md
#
# Everything it starts is tracked by pid and stopped at the end (also on
# failure or Ctrl-C); at the end it checks that no sandbox, cgroup, mount,
# state directory or process of its own is left, and says so in the results.

set -Eeuo pipefail
export LC_ALL=C
trap 'printf "bench: failed: %s:%s: %s\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
BENCH_DIR=$REPO/bench
HOST_ARCH=$(uname -m)
B=$REPO/build/bench
RAW=$B/raw
OUT=$B/out
RESULTS=${BENCH_OUT:-$REPO/bench/results.md}
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 0 ] || QUICK=1

# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
for s in start restart restart-outage memory size scale profile output oci oci-guest report; do
	# shellcheck disable=SC1090
	. "$BENCH_DIR/$s.sh"
done

# How much of everything: full (about 2 minutes here) or quick (half a minute).
if [ "$QUICK" = 1 ]; then
	START_ROUNDS=1 START_RUNS=25 SLOW_RUNS=8 START_WARMUP=3
	RESTART_FIRST=15 RESTART_SCHEDULE_STARTS=5 PEER_RESTART_SECS=2.5
	CRASH_SECS=10 IDLE_STRACE_SECS=3 SCALE_NS="1 10 50"
	PROFILE_RUNS=20 PERF_RUNS=50 CPU_RUNS=30 CPU_ROUNDS=3
	OUTAGE_RESETS="1s 10s" OUTAGE_CRASHES=3 OUTAGE_LOOP_SECS=5
else
	START_ROUNDS=10 START_RUNS=100 SLOW_RUNS=15 START_WARMUP=5
	RESTART_FIRST=300 RESTART_SCHEDULE_STARTS=8 PEER_RESTART_SECS=8.5
	CRASH_SECS=30 IDLE_STRACE_SECS=10 SCALE_NS="1 10 100 200"
	PROFILE_RUNS=50 PERF_RUNS=500 CPU_RUNS=400 CPU_ROUNDS=8
fi

# --recheck: the leak check again on the machine as it is now (after a fix
# to the check itself), then the report; the measurements stay the run's.
if [ "${1-}" = --recheck ]; then
	[ -s "$OUT/summary.env" ] || die "no earlier run in $OUT: run make bench"
	HUTCH=$B/hutch MOUNTS_BEFORE=$(get mounts_before) RECHECK=1
	cleanup_check
	report
	exit 0
fi
if [ "${1-}" = --report ]; then
	[ -s "$OUT/summary.env" ] || die "no earlier run in $OUT: run make bench"
	HUTCH=$B/hutch
	report
	exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (namespaces, mounts, cgroups): sudo make bench"
for t in hyperfine bwrap unshare runc crun podman containerd ctr tini tini-static catatonit dumb-init runsv s6-supervise \
	strace perf valgrind jq; do
	command -v "$t" >/dev/null || die "$t is missing: run make bench (it installs the peers)"
done
for f in "build/$HOST_ARCH/hutch" "build/$HOST_ARCH/rootfs/.hutch-rootfs" "$B/lowerbound" "$B/stamp" "$B/seccomp-install"; do
	[ -e "$f" ] || die "$f is missing: run make bench"
done

T0=$(now_ns)
rm -rf "$RAW" "$OUT"
mkdir -p "$RAW" "$OUT"
: >"$OUT/summary.env"
: >"$B/tracked.pids"

# The binary under test is a copy: a rebuild during the run changes nothing.
cp "build/$HOST_ARCH/hutch" "$B/hutch"
HUTCH=$B/hutch
# The rootfs is a copy too: runc and the bind mounts create mount points in
# it, and the restart test adds bench/stamp.c as /bin/stamp.
ROOT=$B/rootfs
rm -rf "$ROOT"
cp -a "build/$HOST_ARCH/rootfs" "$ROOT"
cp "$B/stamp" "$ROOT/bin/stamp"
mkdir -p "$ROOT/out"
CG_ROOT=$(cpu_cgroup_root)
[ -n "$CG_ROOT" ] || die "no cgroup hierarchy with the cpu controller is mounted"
case $(awk -v m="$CG_ROOT" '$5 == m { print $9 }' /proc/self/mountinfo) in
cgroup2) kv cgroup_version v2 ;;
*) kv cgroup_version v1 ;;
esac

MOUNTS_BEFORE=$(mounts_count)
kv mounts_before "$MOUNTS_BEFORE"
kv quick "$QUICK"
kv date "$(date -u '+%Y-%m-%d %H:%M UTC')"
kv hutch_version "$($HUTCH --version 2>&1 | sed -n 1,1p)"
kv git "$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"

finish() {
	local rc=$?
	trap - EXIT INT TERM
	stop_tracked
	memory_stop 2>/dev/null || true
	oci_engines_stop 2>/dev/null || true
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

memory_start        # 3. the supervisors start now; their idle window opens
section_start       # 1.
section_restart     # 2. (and the crash loop, 5b)
section_outage      # 2b.
section_scale       # 6.
crash_finish        # 5b. the crash loop began with section 2
section_size        # 4.
section_output      # 5c.
section_profile     # where the start time goes
section_oci         # 9.
section_oci_guest   # 9b. (a QEMU guest: the host's runtimes are idle by now)
memory_finish       # 3. and 5.: the idle window closes; strace; all stopped
cleanup_check
kv total_secs "$(calc "($(now_ns) - $T0) / 1e9")"
report
