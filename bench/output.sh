#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/output.sh - 5c. the cost of --output: a flooding service (`yes`)
# held to --cpu 10%, its output copied by the launcher to a file.
#
#   CPU:   the launcher's utime+stime (/proc/PID/stat) over a window, as a
#          ratio to the service's (the cgroup's cpuacct.usage or cpu.stat):
#          whatever the launcher burns is CPU outside the --cpu limit.
#   Wear:  what the launcher wrote (/proc/PID/io wchar, and write_bytes, what
#          reached the block layer's accounting) per byte kept on disk (FILE
#          plus FILE.1 at the end), with --output-max 64k: 128 KiB kept.
#
# Sourced by bench/bench.sh (section_output, results in $OUT/5c-output.md),
# or run alone as root: bench/output.sh [HUTCH] [ROOTFS] prints the table.
# OUTPUT_SECS sets the window (default 10 s).

# out_run LABEL SECS HUTCH-OPTION...: one sandbox named out-bench running
# `yes` (`yes $OUT_LINE` when set: 2-byte lines are the worst case of the
# per-line work); prints "label launcher-cpu-s service-cpu-s ratio wchar write_bytes
# kept wchar/kept syscalls-of-write".
out_run() {
	local label=$1 secs=$2 dir cg l0 l1 s0 s1 io0 io1 pid launcher kept
	shift 2
	dir=$(mktemp -d /var/tmp/hutch-bench-out.XXXXXX)
	"$OUT_HUTCH" --root "$OUT_ROOTFS" --name out-bench --restart no -q \
		--cpu 10% --output "$dir/log" "$@" -- /usr/bin/yes ${OUT_LINE:+"$OUT_LINE"} </dev/null >/dev/null 2>"$dir/err" &
	launcher=$!
	cg=
	for _ in $(seq 100); do
		for c in /sys/fs/cgroup/cpuacct/hutch/out-bench/cpuacct.usage \
			/sys/fs/cgroup/hutch/out-bench/cpu.stat; do
			[ -e "$c" ] && cg=$c
		done
		[ -n "$cg" ] && [ -s "$dir/log" ] && break
		sleep 0.1
	done
	[ -n "$cg" ] || { kill "$launcher"; wait "$launcher" || true; rm -rf "$dir"; printf '%s\t- - - - - - - -\n' "$label"; return; }
	sleep 1 # past the start
	out_cpu() { awk '{ print $14 + $15 }' "/proc/$launcher/stat"; }
	out_cg() {
		case $cg in
		*cpuacct.usage) awk '{ printf "%.0f\n", $1 / 1000 }' "$cg" ;; # ns -> us
		*) awk '/^usage_usec/ { print $2 }' "$cg" ;;
		esac
	}
	out_io() { awk '/^wchar|^write_bytes|^syscw/ { printf "%s ", $2 }' "/proc/$launcher/io"; }
	l0=$(out_cpu) s0=$(out_cg) io0=$(out_io)
	sleep "$secs"
	l1=$(out_cpu) s1=$(out_cg) io1=$(out_io)
	kill -TERM "$launcher"
	wait "$launcher" 2>/dev/null || true # 143: yes died of the SIGTERM, as it should
	kept=$(find "$dir" -name 'log*' -exec cat {} + | wc -c) # FILE, and FILE.1 once it rotated
	# shellcheck disable=SC2086
	set -- $io0 $io1 # wchar syscw write_bytes, before and after
	awk -v label="$label" -v hz="$(getconf CLK_TCK)" -v l0="$l0" -v l1="$l1" -v s0="$s0" -v s1="$s1" \
		-v w="$(($4 - $1))" -v sc="$(($5 - $2))" -v wb="$(($6 - $3))" -v kept="$kept" 'BEGIN {
		lc = (l1 - l0) / hz; sc_s = (s1 - s0) / 1e6
		printf "%s\t%.2f %.2f %.2f %.0f %.0f %d %.2f %d\n", label, lc, sc_s, sc_s ? lc / sc_s : 0,
			w, wb, kept, kept ? w / kept : 0, sc }'
	rm -rf "$dir"
}

# The table: each configuration once.
out_table() {
	local secs=${OUTPUT_SECS:-10}
	echo "### 5c. The output copy: CPU and bytes written (a \`yes\` flood under --cpu 10%, ${secs} s)"
	echo
	echo "| --output options | launcher CPU s | service CPU s | launcher/service | written (wchar) | write_bytes | kept | written/kept | write calls |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	{
		out_run "--output-max 1M (default)" "$secs"
		out_run "--output-max 64k" "$secs" --output-max 64k
		out_run "--output-max 0" "$secs" --output-max 0
		OUT_LINE=$(printf '%079d' 0) out_run "--output-max 1M, 80-byte lines" "$secs"
		if "$OUT_HUTCH" --help | grep -q -- --output-timestamps; then
			out_run "--output-timestamps" "$secs" --output-timestamps
			OUT_LINE=$(printf '%079d' 0) out_run "--output-timestamps, 80-byte lines" "$secs" --output-timestamps
			out_run "--output-max 64k --output-rate 64k/10s" "$secs" --output-max 64k --output-rate 64k/10s
			OUT_LINE=$(printf '%079d' 0) out_run "--output-max 64k --output-rate 64k/10s, 80-byte lines" \
				"$secs" --output-max 64k --output-rate 64k/10s
		fi
	} | while IFS=$'\t' read -r label nums; do
		# shellcheck disable=SC2086
		set -- $nums
		echo "| \`$label\` | $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"
	done
}

section_output() {
	say "5c. the output copy"
	[ "$QUICK" = 0 ] || OUTPUT_SECS=${OUTPUT_SECS:-3}
	OUT_HUTCH=$HUTCH OUT_ROOTFS=$ROOT out_table >"$OUT/5c-output.md"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	repo=$(cd "$(dirname "$0")/.." && pwd)
	OUT_HUTCH=${1:-$repo/build/$(uname -m)/hutch}
	OUT_ROOTFS=${2:-$repo/build/$(uname -m)/rootfs}
	[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
	out_table
fi
