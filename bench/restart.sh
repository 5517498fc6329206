# SPDX-License-Identifier: MIT
# bench/restart.sh - section 2: restart latency, from the service's exit to
# its next exec; and 5b: hutch's CPU while a service crash-loops. Sourced
# by bench/bench.sh.
#
# The service is bench/stamp.c: it appends "S <CLOCK_MONOTONIC ns>" first
# thing after the exec and "E <ns>" last thing before it exits 1, so a
# latency is the next S minus the previous E, and every supervisor gets
# the same service: hutch (in its sandbox, the log bound in), runsv and
# s6-supervise (stamp is the service directory's ./run itself, no shell),
# BusyBox init (::respawn: in an inittab, as PID 1 of a PID namespace made
# by bench/lowerbound.c).

# latencies LOG: one line per restart, next S - previous E, in ms.
latencies() {
	awk '/^E / { e = $2 } /^S / && e { printf "%.4f\n", ($2 - e) / 1e6 } /^S / { e = 0 }' "$1"
}

# A service directory for runsv / s6-supervise whose ./run is stamp itself.
restart_svdir() {
	rm -rf "$1"
	mkdir -p "$1"
	cp "$B/stamp" "$1/run"
}

crash_start() {
	CRASH_LOG=$RAW/crash.log
	"$HUTCH" --name bench-crash --root "$ROOT" -- /bin/false 2>"$CRASH_LOG" &
	CRASH_PID=$!
	CRASH_T0=$(now_ns)
	track "$CRASH_PID"
	wait_until 5 'test -n "$(children "$CRASH_PID")"' || die "hutch (crash loop) did not start: $(cat "$CRASH_LOG")"
	CRASH_PID1=$(children "$CRASH_PID")
}

# The crash loop has run CRASH_SECS: CPU of the launcher and PID 1 (their
# own, from /proc/PID/schedstat: ns on a CPU since each started; the
# service's children are not in it), as a share of one CPU.
crash_finish() {
	local left
	left=$(calc "$CRASH_SECS - ($(now_ns) - $CRASH_T0) / 1e9")
	case $left in -* | 0) ;; *) sleep "$left" ;; esac
	local rl r1 tl t1 elapsed
	rl=$(runtime_ns "$CRASH_PID") r1=$(runtime_ns "$CRASH_PID1")
	tl=$(ticks "$CRASH_PID") t1=$(ticks "$CRASH_PID1")
	elapsed=$(calc "($(now_ns) - $CRASH_T0) / 1e9")
	kill -TERM "$CRASH_PID" 2>/dev/null || true
	wait_until 15 "all_gone $CRASH_PID $CRASH_PID1" || say "the crash loop's hutch did not stop on SIGTERM"
	local starts
	starts=$(grep -c 'service exited' "$CRASH_LOG" || true)
	kv crash_secs "$(num "$elapsed" 1)"
	kv crash_starts "$starts"
	kv crash_cpu_ms "$(calc "($rl + $r1) / 1e6")"
	kv crash_cpu_launcher_ms "$(calc "$rl / 1e6")"
	kv crash_cpu_pid1_ms "$(calc "$r1 / 1e6")"
	kv crash_ticks "$((tl + t1))"
	kv crash_cpu_pct "$(calc "($rl + $r1) / 1e9 / $elapsed * 100")"
	{
		echo "### 5b. CPU of hutch while the service crash-loops"
		echo
		echo "\`hutch --root R -- /bin/false\` (restart on-failure, the default backoff: 0, 100 ms, doubling, 30 s at most) for $(num "$elapsed" 1) s: $starts starts."
		echo "CPU time of hutch's two processes from /proc/PID/schedstat (ns on a CPU since each began; the service's own time is not in it):"
		echo
		printf 'launcher\t%s ms\nPID 1\t%s ms\ntotal\t%s ms = **%s%%** of one CPU (utime+stime: %s ticks)\n' \
			"$(num "$(get crash_cpu_launcher_ms)" 3)" "$(num "$(get crash_cpu_pid1_ms)" 3)" \
			"$(num "$(get crash_cpu_ms)" 3)" "$(num "$(get crash_cpu_pct)" 4)" "$(get crash_ticks)" |
			md_table process CPU
		echo
		echo "hutch's log of the loop (first lines):"
		echo
		echo '```'
		head -n 12 "$CRASH_LOG"
		echo '```'
	} >"$OUT/5b-crash.md"
}

section_restart() {
	say "2/6 restart latency: hutch x $RESTART_FIRST, its schedule, runsv, s6-supervise, BusyBox init (${PEER_RESTART_SECS}s each, together)"
	crash_start
	local D=$B/restart
	rm -rf "$D"
	mkdir -p "$D/first" "$D/sched"

	# The peers, and hutch's backoff schedule, all at once: they sleep
	# between restarts, so they do not disturb one another.
	restart_svdir "$D/runsv"
	restart_svdir "$D/s6"
	printf '::respawn:/bin/stamp /var/bb-stamp.log\n' >"$ROOT/etc/inittab"
	rm -f "$ROOT/var/bb-stamp.log"
	runsv "$D/runsv" >/dev/null 2>&1 &
	local runsv_pid=$!
	s6-supervise "$D/s6" >/dev/null 2>&1 &
	local s6_pid=$!
	"$B/lowerbound" "$ROOT" /sbin/init >/dev/null 2>&1 &
	local bb_pid=$!
	"$HUTCH" --name bench-sched --root "$ROOT" --bind "$D/sched:/out" --workdir /out \
		--start-limit "$RESTART_SCHEDULE_STARTS/1h" -- /bin/stamp 2>"$RAW/restart-schedule.log" &
	local sched_pid=$!
	track "$runsv_pid" "$s6_pid" "$bb_pid" "$sched_pid"
	sleep "$PEER_RESTART_SECS"
	local bb_init
	bb_init=$(children "$bb_pid")
	[ -z "$bb_init" ] || kill -KILL "$bb_init" 2>/dev/null || true
	kill -TERM "$runsv_pid" "$s6_pid" 2>/dev/null || true
	wait_until 10 "all_gone $runsv_pid $s6_pid $bb_pid" || say "runsv, s6-supervise or BusyBox init did not stop"
	# hutch gives up at its start limit.
	wait_until 60 "all_gone $sched_pid" || say "hutch (schedule) did not give up at its start limit"
	latencies "$D/runsv/stamp.log" >"$RAW/restart-runsv.ms"
	latencies "$D/s6/stamp.log" >"$RAW/restart-s6.ms"
	latencies "$ROOT/var/bb-stamp.log" >"$RAW/restart-busybox.ms"
	latencies "$D/sched/stamp.log" >"$RAW/restart-hutch-schedule.ms"
	rm -f "$ROOT/etc/inittab"

	# hutch's first restart, again and again: each run starts the service,
	# which exits 1; hutch restarts it at once; it exits 1 again and the
	# start limit (2 starts) ends hutch. The same with --seccomp off and
	# with the state directory on a tmpfs, alternately, to see their share.
	local i v key series
	mkdir -p /dev/shm/hutch-bench
	for series in hutch-first hutch-first-noseccomp hutch-first-tmpstate; do : >"$RAW/restart-$series.ms"; done
	for i in $(seq "$RESTART_FIRST"); do
		for series in hutch-first hutch-first-noseccomp hutch-first-tmpstate; do
			case $series in
			hutch-first) v=() ;;
			hutch-first-noseccomp) v=(--seccomp off) ;;
			hutch-first-tmpstate) v=(--state-dir /dev/shm/hutch-bench) ;;
			esac
			rm -f "$D/first/stamp.log"
			"$HUTCH" --name bench-restart "${v[@]}" --root "$ROOT" --bind "$D/first:/out" --workdir /out \
				--start-limit 2/1h -q -- /bin/stamp >/dev/null 2>&1 || true
			latencies "$D/first/stamp.log" >>"$RAW/restart-$series.ms"
		done
	done
	rmdir /dev/shm/hutch-bench 2>/dev/null || true
	for series in hutch-first hutch-first-noseccomp hutch-first-tmpstate; do
		[ "$(grep -c . "$RAW/restart-$series.ms")" = "$RESTART_FIRST" ] ||
			die "hutch's first-restart runs did not all restart once ($RAW/restart-$series.ms)"
	done

	local n med p25 p75 min max mean label
	for key in hutch-first hutch-first-noseccomp hutch-first-tmpstate runsv s6 busybox; do
		read -r n med p25 p75 min max mean < <(stats "$RAW/restart-$key.ms")
		kv "restart_${key//-/_}_med" "$med"
		kv "restart_${key//-/_}_n" "$n"
		kv "restart_${key//-/_}_min" "$min"
		kv "restart_${key//-/_}_max" "$max"
	done
	{
		echo "### 2. Restart latency: the service's exit to its next exec (ms)"
		echo
		echo "The service is bench/stamp.c (CLOCK_MONOTONIC at its start and just before it exits 1). hutch: $RESTART_FIRST runs of its first restart, which is immediate (and as many with --seccomp off and with the state directory on a tmpfs, interleaved, to show what those cost). The others, all together for ${PEER_RESTART_SECS} s: runsv and s6-supervise with stamp as ./run, BusyBox init with \`::respawn:/bin/stamp\` as PID 1 of a PID namespace."
		echo
		for key in hutch-first runsv s6 busybox hutch-first-noseccomp hutch-first-tmpstate; do
			case $key in
			hutch-first) label="hutch, first restart" ;;
			hutch-first-noseccomp) label="(hutch --seccomp off, first restart)" ;;
			hutch-first-tmpstate) label="(hutch --state-dir on a tmpfs, first restart)" ;;
			runsv) label="runsv (runit $(dpkg-query -W -f '${Version}' runit 2>/dev/null))" ;;
			s6) label="s6-supervise (s6 $(dpkg-query -W -f '${Version}' s6 2>/dev/null))" ;;
			busybox) label="BusyBox init respawn ($("$ROOT/bin/busybox" 2>&1 | sed -n 1,1p | awk '{ print $2 }'))" ;;
			esac
			read -r n med p25 p75 min max mean < <(stats "$RAW/restart-$key.ms")
			printf '%s\t%s\t%s - %s\t%s - %s\t%s\t%s\n' "$label" "$(num "$med" 3)" "$(num "$p25" 3)" "$(num "$p75" 3)" \
				"$(num "$min" 3)" "$(num "$max" 3)" "$n" "$(ratio "$med" "$(get restart_hutch_first_med)" 0)"
		done | md_table supervisor median p25-p75 min-max samples "x hutch"
		echo
		echo "hutch's backoff schedule (defaults: --restart-delay 100ms, doubling, --restart-max-delay 30s; --start-limit $RESTART_SCHEDULE_STARTS/1h ends the run):"
		echo
		# The delays hutch announced ("restarting in N ms"; the first
		# restart announces none) against the measured exit-to-exec.
		grep -o 'restarting in [0-9]* ms' "$RAW/restart-schedule.log" | awk '{ print $3 }' >"$RAW/restart-announced.ms" || true
		local nmeas nann k meas ann
		nmeas=$(grep -c . "$RAW/restart-hutch-schedule.ms" || true)
		nann=$(grep -c . "$RAW/restart-announced.ms" || true)
		for k in $(seq "$nmeas"); do
			meas=$(sed -n "${k}p" "$RAW/restart-hutch-schedule.ms")
			# Restarts without an announcement (the immediate ones) come first.
			if [ "$k" -le $((nmeas - nann)) ]; then ann=0; else ann=$(sed -n "$((k - nmeas + nann))p" "$RAW/restart-announced.ms"); fi
			printf '%s\t%s\t%s\t%s\n' "$k" "$ann" "$(num "$meas" 3)" "$(num "$(calc "$meas - $ann")" 3)"
		done | md_table restart "delay (ms)" "exit to exec (ms)" "beyond the delay (ms)"
		echo
		echo "hutch's log of that run:"
		echo
		echo '```'
		cat "$RAW/restart-schedule.log"
		echo '```'
	} >"$OUT/2-restart.md"
}
