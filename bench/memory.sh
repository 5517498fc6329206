# SPDX-License-Identifier: MIT
# bench/memory.sh - sections 3 and 5: memory of the supervising processes
# while a service runs, and their idle cost. Sourced by bench/bench.sh.
#
# memory_start starts every supervisor with a sleeping service, reads RSS,
# PSS and USS from /proc/PID/smaps_rollup once they are settled, and notes
# each process's context switches and CPU time. The supervisors then stay
# idle while the other sections run (minutes); memory_finish reads the
# counters again (every wakeup is a context switch: an idle supervisor
# should have none), attaches strace -c to each for IDLE_STRACE_SECS (after
# the window: attaching itself wakes a process up), and stops them all.

# key<TAB>label<TAB>binary<TAB>how it is started (for the results)
memory_rows() {
	cat <<EOF
hutch	hutch (launcher + PID 1)	$HUTCH	hutch --root R -q -- /bin/sleep
tini	tini	$(command -v tini)	tini -s -- sleep
tini_static	tini-static	$(command -v tini-static)	tini-static -s -- sleep
catatonit	catatonit	$(command -v catatonit)	catatonit -- sleep
dumb_init	dumb-init	$(command -v dumb-init)	dumb-init sleep
runsv	runsv	$(command -v runsv)	runsv DIR (./run: exec sleep)
s6	s6-supervise	$(command -v s6-supervise)	s6-supervise DIR (./run: exec sleep)
busybox	BusyBox init (PID 1, ::respawn:)	$ROOT/bin/busybox	bench/lowerbound R /sbin/init
bwrap	bwrap (its two processes)	$(command -v bwrap)	bwrap --unshare-pid ... --bind R / --proc /proc sleep
unshare	unshare --fork (waits)	$(command -v unshare)	unshare --root R --mount-proc --fork --pid ... sleep
runc	runc run (foreground)	$(command -v runc)	runc run -b BUNDLE (args: sleep)
EOF
}

# key -> the pids of its supervising processes (not the service), once up.
declare -A MEM_PIDS=()

mem_launch() {
	local key=$1 pid
	shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	track "$pid"
	MEM_PIDS[$key]=$pid
}

memory_start() {
	say "3/6 memory: starting the supervisors (they stay idle until the end, for 5/6)"
	local M=$B/memory
	rm -rf "$M"
	mkdir -p "$M/runsv" "$M/s6" "$M/runc"
	printf '#!/bin/sh\nexec sleep 100000\n' >"$M/runsv/run"
	cp "$M/runsv/run" "$M/s6/run"
	chmod +x "$M/runsv/run" "$M/s6/run"
	printf '::respawn:/bin/sleep 100000\n' >"$ROOT/etc/inittab"
	(cd "$M/runc" && runc spec) >/dev/null
	jq --arg root "$ROOT" '.process.terminal = false | .process.args = ["/bin/sleep", "100000"]
		| .root = {"path": $root, "readonly": false} | .linux.namespaces |= map(select(.type != "network"))
		| .mounts |= map(select(.destination | IN("/proc", "/dev", "/dev/pts", "/dev/shm")))' \
		"$M/runc/config.json" >"$M/runc/c.json" && mv "$M/runc/c.json" "$M/runc/config.json"

	mem_launch hutch "$HUTCH" --name bench-mem --root "$ROOT" -q -- /bin/sleep 100000
	mem_launch tini tini -s -- sleep 100000
	mem_launch tini_static tini-static -s -- sleep 100000
	mem_launch catatonit catatonit -- sleep 100000
	mem_launch dumb_init dumb-init sleep 100000
	mem_launch runsv runsv "$M/runsv"
	mem_launch s6 s6-supervise "$M/s6"
	mem_launch busybox "$B/lowerbound" "$ROOT" /sbin/init
	mem_launch bwrap bwrap --unshare-pid --unshare-uts --unshare-ipc --bind "$ROOT" / --proc /proc /bin/sleep 100000
	mem_launch unshare unshare --root "$ROOT" --mount-proc --fork --pid --mount --uts --ipc /bin/sleep 100000
	mem_launch runc runc run -b "$M/runc" bench-runc-mem

	# Up: each has its service (hutch: launcher -> PID 1 -> sleep).
	local key pid c
	for key in "${!MEM_PIDS[@]}"; do
		pid=${MEM_PIDS[$key]}
		case $key in
		hutch | bwrap | busybox) wait_until 10 'test -n "$(children "$(children "$pid")")"' ;;
		*) wait_until 10 'test -n "$(children "$pid")"' ;;
		esac || say "memory: $key did not start its service"
	done
	rm -f "$ROOT/etc/inittab"
	sleep 1
	# The supervising processes of each: hutch's launcher and PID 1, bwrap's
	# two, BusyBox init (not bench/lowerbound above it), the rest one.
	: >"$RAW/memory.tsv"
	: >"$RAW/idle-t0.tsv"
	local pids p rss pss uss
	for key in $(memory_rows | cut -f1); do
		pid=${MEM_PIDS[$key]}
		case $key in
		hutch | bwrap) pids="$pid $(children "$pid")" ;;
		busybox) pids=$(children "$pid") ;;
		*) pids=$pid ;;
		esac
		MEM_PIDS[$key]=$pids
		for p in $pids; do
			read -r rss pss uss < <(smaps "$p")
			printf '%s\t%s\t%s\t%s\t%s\n' "$key" "$p" "$rss" "$pss" "$uss" >>"$RAW/memory.tsv"
			printf '%s\t%s\t%s\t%s\n' "$key" "$p" "$(ctxsw "$p")" "$(runtime_ns "$p")" >>"$RAW/idle-t0.tsv"
		done
	done
	IDLE_T0=$(now_ns)
	memory_report
}

memory_report() {
	local key label bin how n rss pss uss hp
	hp=$(awk -F '\t' '$1 == "hutch" { s += $4 } END { print s }' "$RAW/memory.tsv")
	kv mem_hutch_pss "$hp"
	kv mem_hutch_rss "$(awk -F '\t' '$1 == "hutch" { s += $3 } END { print s }' "$RAW/memory.tsv")"
	kv mem_hutch_uss "$(awk -F '\t' '$1 == "hutch" { s += $5 } END { print s }' "$RAW/memory.tsv")"
	kv mem_hutch_max_rss "$(awk -F '\t' '$1 == "hutch" && $3 > m { m = $3 } END { print m }' "$RAW/memory.tsv")"
	kv mem_hutch_launcher_rss "$(awk -F '\t' '$1 == "hutch" { print $3; exit }' "$RAW/memory.tsv")"
	kv mem_hutch_pid1_rss "$(awk -F '\t' '$1 == "hutch" { n++ } $1 == "hutch" && n == 2 { print $3 }' "$RAW/memory.tsv")"
	{
		echo "### 3. Memory of the supervising processes while a service runs (KiB)"
		echo
		echo "From /proc/PID/smaps_rollup once each had started a sleeping service: RSS, PSS (shared pages divided among the processes that map them) and USS (private pages). Only the supervisor's processes are counted, not the service. A dynamically linked peer shares glibc with every other process of the machine, so its PSS is below its RSS; hutch's launcher and PID 1 share hutch's pages (fork), so each is counted half of them."
		echo
		while IFS=$'\t' read -r key label bin how; do
			read -r n rss pss uss < <(awk -F '\t' -v k="$key" '$1 == k { n++; r += $3; p += $4; u += $5 }
				END { print n + 0, r + 0, p + 0, u + 0 }' "$RAW/memory.tsv")
			[ "$n" -gt 0 ] || continue
			kv "mem_${key}_pss" "$pss"
			kv "mem_${key}_rss" "$rss"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "$rss" "$pss" "$uss" \
				"$(ratio "$pss" "$hp" 1)" "$(bin_kind "$bin")"
			if [ "$key" = hutch ]; then
				awk -F '\t' '$1 == "hutch" { n++; printf "&nbsp;&nbsp;%s\t1\t%s\t%s\t%s\t\t\n", n == 1 ? "hutch launcher" : "hutch PID 1", $3, $4, $5 }' "$RAW/memory.tsv"
			fi
		done < <(memory_rows) | md_table supervisor processes RSS PSS USS "PSS x hutch" binary
		echo
		echo "How each was started: see bench/memory.sh (memory_rows)."
	} >"$OUT/3-memory.md"
}

# bin_kind FILE: "static" or "dynamic (glibc)", and its size.
bin_kind() {
	local f=$1 kind
	if readelf -lW "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
		kind=dynamic
	else
		kind=static
	fi
	local glibc
	glibc=$(strings -a "$f" 2>/dev/null | grep -ciE 'GLIBC_2\.|glibc-ld|GNU C Library' || true)
	if [ "${glibc:-0}" -gt 0 ]; then
		kind="$kind, glibc"
	elif [ "$f" = "$HUTCH" ]; then
		kind="$kind, musl"
	fi
	case $(basename "$f") in runc) kind="$kind, Go" ;; busybox) kind="$kind (Debian busybox-static)" ;; esac
	printf '%s, %s bytes' "$kind" "$(stat -c %s "$f")"
}

memory_finish() {
	say "5/6 idle cost: the window closes; strace -c on each supervisor for ${IDLE_STRACE_SECS}s"
	local window key pid cs rt cs0 rt0 n
	window=$(calc "($(now_ns) - $IDLE_T0) / 1e9")
	kv idle_window_secs "$(num "$window" 0)"
	: >"$RAW/idle.tsv"
	while IFS=$'\t' read -r key pid cs0 rt0; do
		cs=$(ctxsw "$pid") rt=$(runtime_ns "$pid")
		if [ -z "$cs" ]; then
			printf '%s\t%s\tgone\t\n' "$key" "$pid" >>"$RAW/idle.tsv"
		else
			printf '%s\t%s\t%s\t%s\n' "$key" "$pid" "$((cs - cs0))" "$((rt - rt0))" >>"$RAW/idle.tsv"
		fi
	done <"$RAW/idle-t0.tsv"
	# strace -c on every supervisor at once, -f so hutch's two are one row.
	local spids=() args
	for key in $(memory_rows | cut -f1); do
		args=()
		for pid in ${MEM_PIDS[$key]}; do args+=(-p "$pid"); done
		timeout -s INT "$IDLE_STRACE_SECS" strace -f -c -o "$RAW/idle-strace-$key.txt" "${args[@]}" 2>/dev/null &
		spids+=($!)
	done
	wait "${spids[@]}" 2>/dev/null || true
	memory_stop

	local calls label rows=()
	{
		echo "### 5. Idle cost"
		echo
		echo "Each supervisor of section 3, idle with a sleeping service for $(num "$window" 0) s while the other sections ran: context switches (every wakeup is one) and CPU time from /proc/PID/status and /proc/PID/schedstat; then strace -f -c attached for $IDLE_STRACE_SECS s (its attach interrupts the wait once; that one call is not a wakeup of the supervisor's own)."
		echo
		while IFS=$'\t' read -r key label _ _; do
			n=$(awk -F '\t' -v k="$key" '$1 == k && $3 != "gone" { s += $3 } END { print s + 0 }' "$RAW/idle.tsv")
			rt=$(awk -F '\t' -v k="$key" '$1 == k && $3 != "gone" { s += $4 } END { print s + 0 }' "$RAW/idle.tsv")
			calls=$(awk '$NF == "total" { print $4 }' "$RAW/idle-strace-$key.txt" 2>/dev/null)
			[ -n "$calls" ] || calls=0
			kv "idle_${key}_wakeups" "$n"
			kv "idle_${key}_per_min" "$(calc "$n / $window * 60")"
			kv "idle_${key}_strace_calls" "$calls"
			printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "$(num "$(calc "$n / $window * 60")" 2)" \
				"$(num "$(calc "$rt / 1e6")" 3)" "$calls"
		done < <(memory_rows) | md_table supervisor "wakeups in the window" "per minute" "CPU in the window (ms)" "syscalls under strace"
		echo
		echo "strace -c of hutch's two processes:"
		echo
		echo '```'
		if [ -s "$RAW/idle-strace-hutch.txt" ]; then cat "$RAW/idle-strace-hutch.txt"; else echo "(no system call at all)"; fi
		echo '```'
	} >"$OUT/5-idle.md"
}

# Stop every supervisor of this section: SIGTERM to each (runc: runc
# kill), as an init system would; after 3 s, SIGKILL to what is left of
# each one's whole tree (bwrap and unshare do not pass SIGTERM on, and the
# init of a PID namespace ignores it).
memory_stop() {
	local key pid all=''
	[ "${#MEM_PIDS[@]}" -gt 0 ] || return 0
	for key in "${!MEM_PIDS[@]}"; do
		for pid in ${MEM_PIDS[$key]}; do all="$all $(tree "$pid")"; done
	done
	runc kill bench-runc-mem KILL >/dev/null 2>&1 || true
	for key in "${!MEM_PIDS[@]}"; do
		pid=${MEM_PIDS[$key]%% *}
		kill -TERM "$pid" 2>/dev/null || true
	done
	wait_until 3 "all_gone $all" || {
		# shellcheck disable=SC2086
		kill -KILL $all 2>/dev/null || true
		wait_until 10 "all_gone $all" || say "memory: processes left: $all"
	}
	stop_tracked
	runc delete -f bench-runc-mem >/dev/null 2>&1 || true
	MEM_PIDS=()
}
