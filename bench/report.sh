# SPDX-License-Identifier: MIT
# bench/report.sh - the leak check, the goals, the table on stdout and
# bench/results.md. Sourced by bench/bench.sh.

# Nothing of the bench's may be left: processes, sandboxes' state
# directories, cgroups, runc containers, mounts on the host.
cleanup_check() {
	say "cleanup check"
	local problems=() p d n
	stop_tracked
	# Processes still running from the bench's binaries (by their path;
	# section 9b's QEMU by its initramfs).
	n=$(pgrep -f "$B/(hutch|lowerbound|stamp|oci-guest/)" 2>/dev/null | grep -cvx "$$") || true
	[ "$n" = 0 ] || problems+=("$n processes of build/bench still running")
	for d in /run/hutch/bench-* /dev/shm/hutch-bench; do
		[ -e "$d" ] && problems+=("state left: $d")
	done
	# cgroups: every hierarchy, the bench's names.
	local roots
	roots=$(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo)
	for d in $roots; do
		for p in "$d"/bench-* "$d"/hutch/bench-*; do
			[ -d "$p" ] && problems+=("cgroup left: $p")
		done
	done
	local rt
	for rt in runc crun "$HUTCH oci"; do
		# shellcheck disable=SC2086 # "$HUTCH oci": two words
		if $rt list -q 2>/dev/null | grep -q '^bench-'; then
			problems+=("$rt containers left: $($rt list -q | grep '^bench-' | tr '\n' ' ')")
		fi
	done
	# containerd keeps each namespace's directory (state/TYPE/bench-oci,
	# /run/containerd/runc/bench-oci) once made: a task left is an entry in it
	for p in /run/containerd/*/bench-oci/* "$B"/oci/ctd/state/*/bench-oci/*; do
		[ -e "$p" ] && problems+=("containerd state left: $p")
	done
	local m
	m=$(mounts_count)
	[ "$m" = "$MOUNTS_BEFORE" ] || problems+=("the host has $m mounts, $MOUNTS_BEFORE before the run")
	if grep -q "$B" /proc/self/mountinfo; then
		problems+=("mounts under build/bench on the host: $(grep -c "$B" /proc/self/mountinfo)")
	fi
	kv leftovers "${#problems[@]}"
	{
		echo "### Cleanup check"
		echo
		if [ "${#problems[@]}" = 0 ]; then
			echo "After the run: no process of build/bench left, no /run/hutch/bench-* state, no bench-* cgroup in any hierarchy (cgroup $(get cgroup_version)), no container of runc, crun or hutch oci, no containerd state, and the host's mount table has as many entries as before ($MOUNTS_BEFORE)."
		else
			echo "**Left behind:**"
			echo
			for p in "${problems[@]}"; do echo "- $p"; done
		fi
		[ -z "${RECHECK-}" ] || echo "(Checked again on $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/bench.sh --recheck\`, after a fix to this check; the measurements are the run's.)"
	} >"$OUT/8-cleanup.md"
}

# goal NAME MET(1/0) TEXT: one row of the goals table.
goal_row() { printf '%s\t%s\t%s\n' "$1" "$([ "$2" = 1 ] && echo met || echo '**missed**')" "$3" >>"$OUT/goals.tsv"; }

le() { LC_ALL=C awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a != "-" && a + 0 <= b + 0) }'; }

goals() {
	: >"$OUT/goals.tsv"
	local h lb bw r1 r2
	# issue 14's targets: the lower bound of hutch's own sandbox (lb_SDTM:
	# the same namespaces, /dev, /tmp and /proc masks, done by a bare
	# program), and bwrap with the same mounts (bwrap_dev)
	h=$(get start_hutch_med) lb=$(get start_lb_SDTM_med) bw=$(get start_bwrap_dev_med)
	r1=$(ratio "$h" "$lb") r2=$(ratio "$bw" "$h")
	goal_row "start-to-exit within 1.3x the lower bound of hutch's own sandbox (lb_SDTM)" "$(le "$r1" 1.3 && echo 1 || echo 0)" \
		"hutch $(num "$h" 3) ms = ${r1}x lb_SDTM's $(num "$lb" 3) ms; 1.3x would be $(num "$(calc "$lb * 1.3")" 3) ms, $(num "$(calc "$h - $lb * 1.3")" 3) ms less"
	goal_row "start-to-exit at least 2x faster than bwrap with the same mounts" "$(le 2 "$r2" && echo 1 || echo 0)" \
		"bwrap --dev --tmpfs $(num "$bw" 3) ms = ${r2}x hutch; 2x needs hutch at $(num "$(calc "$bw / 2")" 3) ms"
	local fr
	fr=$(get restart_hutch_first_med)
	goal_row "first restart under 2 ms" "$(le "$fr" 2 && echo 1 || echo 0)" \
		"median $(num "$fr" 3) ms (min $(num "$(get restart_hutch_first_min)" 3), max $(num "$(get restart_hutch_first_max)" 3))"
	local mr
	mr=$(get mem_hutch_max_rss)
	goal_row "each hutch process at most 64 KiB RSS" "$(le "$mr" 64 && echo 1 || echo 0)" \
		"launcher $(get mem_hutch_launcher_rss) KiB, PID 1 $(get mem_hutch_pid1_rss) KiB RSS ($(get mem_hutch_pss) KiB PSS, $(get mem_hutch_uss) KiB private for both); tini-static $(get mem_tini_static_rss) KiB"
	local f fa t m
	f=$(get size_x86_64_full -) fa=$(get size_aarch64_full -) t=$(get size_aarch64_tiny -)
	goal_row "full profile at most tini (musl, static): 48,376 bytes x86_64, 60,400 aarch64" \
		"$(le "$f" 48376 && le "$fa" 60400 && echo 1 || echo 0)" \
		"x86_64 $f ($(ratio "$f" 48376)x), aarch64 $fa ($(ratio "$fa" 60400)x); see bench/analysis.md for where the bytes are"
	goal_row "tiny profile at most 24 KiB on aarch64 (runsv 23,928)" "$(le "$t" 23928 && echo 1 || echo 0)" \
		"aarch64 tiny $t bytes ($(ratio "$t" 23928)x); x86_64 tiny $(get size_x86_64_tiny -)"
	m=$(cat "$RAW/size-profiles.tsv" "$RAW/size-boards.tsv" 2>/dev/null | awk -F '\t' '
		NF == 3 && $2 == "full" && $3 > m { m = $3; w = $1 " full" }
		NF == 4 && $4 > m { m = $4; w = $1 " (" $2 ")" } END { print m + 0 "\t" w }')
	goal_row "no architecture over 64 KiB" "$(le "${m%%$'\t'*}" 65536 && echo 1 || echo 0)" \
		"largest: ${m#*$'\t'}, ${m%%$'\t'*} bytes (the full builds of section 4 and every board's own profile)"
	local w
	w=$(get idle_hutch_wakeups)
	goal_row "zero idle wakeups" "$([ "$w" = 0 ] && echo 1 || echo 0)" \
		"$w context switches of the launcher and PID 1 in $(get idle_window_secs) s idle; $(get idle_hutch_strace_calls) system calls under strace"
	local c
	c=$(get crash_cpu_pct)
	goal_row "crash loop under 1% CPU" "$(le "$c" 1 && echo 1 || echo 0)" \
		"$(num "$c" 4)% of one CPU ($(num "$(get crash_cpu_ms)" 2) ms in $(get crash_secs) s, $(get crash_starts) starts)"
}

# oci_guest_row: section 9b's line of the headline (none when the section
# did not run): hutch, crun and runc in one cgroup v2 guest. Under TCG the
# times are an emulator's: their ratios only (x = the median of the
# turns' ratios of the peer's time to hutch's); the peak RSS is the
# programs' own and stays in KiB.
oci_guest_row() {
	local accel h c r
	[ -n "$(get ocig_status)" ] || return 0
	accel=$(get ocig_accel | tr '[:lower:]' '[:upper:]')
	if [ "$(get ocig_status)" != ok ]; then
		printf 'OCI runtime in a cgroup v2 guest (%s)\tFAILED\tthe guest did not run to its end: see 9b\t-\t-\n' "$accel"
		return 0
	fi
	h=$(get ocig_life_hutch_med -) c=$(get ocig_ratio_crun -) r=$(get ocig_ratio_runc -)
	if [ "$accel" = KVM ]; then
		printf 'OCI runtime in a cgroup v2 guest (KVM): create+start+delete, ms; peak RSS of create, KiB\t%s; %s\t%s\t-\t-\n' \
			"$(num "$h" 2)" "$(get ocig_rss_hutch -)" \
			"crun $(num "$(get ocig_life_crun_med -)" 2) ($(num "$c" 2)x), runc $(num "$(get ocig_life_runc_med -)" 2) ($(num "$r" 2)x); RSS crun $(get ocig_rss_crun -), runc $(get ocig_rss_runc -)"
	else
		printf 'OCI runtime in a cgroup v2 guest (%s, emulated: time ratios only): create+start+delete; peak RSS of create, KiB\t1x; %s\t%s\t-\t-\n' \
			"$accel" "$(get ocig_rss_hutch -)" \
			"crun $(num "$c" 2)x, runc $(num "$r" 2)x; RSS crun $(get ocig_rss_crun -), runc $(get ocig_rss_runc -)"
	fi
}

# The headline table: tab-separated, for the terminal (column) and markdown.
headline() {
	local t
	printf 'start-to-exit, ms (median)\t%s\t%s\t%s\t%s\n' "$(num "$(get start_hutch_med)" 3)" \
		"bwrap $(num "$(get start_bwrap_med)" 3) ($(ratio "$(get start_bwrap_med)" "$(get start_hutch_med)")x), unshare $(num "$(get start_unshare_med)" 3) ($(ratio "$(get start_unshare_med)" "$(get start_hutch_med)")x), runc $(num "$(get start_runc_med -)" 3) ($(ratio "$(get start_runc_med -)" "$(get start_hutch_med)")x)" \
		"$(num "$(get start_lb_med)" 3)" "$(ratio "$(get start_hutch_med)" "$(get start_lb_med)")x LB"
	printf 'start-to-exit with --cpu 20%%, ms\t%s\t%s\t%s\t%s\n' "$(num "$(get start_hutch_cg_med)" 3)" \
		"runc $(num "$(get start_runc_cg_med -)" 3) ($(ratio "$(get start_runc_cg_med -)" "$(get start_hutch_cg_med)")x)" \
		"$(num "$(get start_lb_cg_med)" 3)" "$(ratio "$(get start_hutch_cg_med)" "$(get start_lb_cg_med)")x LB"
	printf 'restart: exit to next exec, ms\t%s\t%s\t-\t-\n' "$(num "$(get restart_hutch_first_med)" 3)" \
		"runsv $(num "$(get restart_runsv_med)" 0), s6-supervise $(num "$(get restart_s6_med)" 0), BusyBox init $(num "$(get restart_busybox_med)" 0)"
	printf 'memory: PSS of the supervisor, KiB\t%s (2 processes)\t%s\t-\t-\n' "$(get mem_hutch_pss)" \
		"tini $(get mem_tini_pss), tini-static $(get mem_tini_static_pss), catatonit $(get mem_catatonit_pss), dumb-init $(get mem_dumb_init_pss), runsv $(get mem_runsv_pss), s6-supervise $(get mem_s6_pss)"
	printf 'memory: RSS per hutch process, KiB\t%s / %s\t%s\t-\t-\n' "$(get mem_hutch_launcher_rss)" "$(get mem_hutch_pid1_rss)" \
		"tini-static $(get mem_tini_static_rss), catatonit $(get mem_catatonit_rss), tini $(get mem_tini_rss), dumb-init $(get mem_dumb_init_rss)"
	printf 'binary, bytes (x86_64 / aarch64)\t%s / %s\t%s\t-\t-\n' "$(get size_x86_64)" "$(get size_rpi4)" \
		"tini-static $(get size_tini_static) / $(get size_tini_static_arm64 -), catatonit $(get size_catatonit) (glibc static)"
	printf 'idle wakeups per minute\t%s\t%s\t-\t-\n' "$(num "$(get idle_hutch_per_min)" 2)" \
		"tini $(num "$(get idle_tini_per_min)" 2), catatonit $(num "$(get idle_catatonit_per_min)" 2), dumb-init $(num "$(get idle_dumb_init_per_min)" 2), runsv $(num "$(get idle_runsv_per_min)" 2), s6-supervise $(num "$(get idle_s6_per_min)" 2)"
	printf 'OCI runtime: create+start+delete, ms\t%s\t%s\t-\t-\n' "$(num "$(get oci_life_hutch_med -)" 2)" \
		"runc $(num "$(get oci_life_runc_med -)" 2) ($(ratio "$(get oci_life_runc_med -)" "$(get oci_life_hutch_med -)")x), crun $(num "$(get oci_life_crun_med -)" 2)"
	printf 'OCI runtime: podman run / ctr run, ms\t%s / %s\t%s\t-\t-\n' "$(num "$(get oci_podman_hutch_med -)" 0)" "$(num "$(get oci_ctr_hutch_med -)" 0)" \
		"runc $(num "$(get oci_podman_runc_med -)" 0) / $(num "$(get oci_ctr_runc_med -)" 0)"
	printf 'OCI runtime: peak RSS of create, KiB; bytes on the board\t%s; %s\t%s\t-\t-\n' "$(get oci_rss_hutch -)" "$(get oci_size_hutch -)" \
		"runc $(get oci_rss_runc -); $(($(get oci_size_runc 0) + $(get oci_libs_runc 0))), crun $(get oci_rss_crun -); $(($(get oci_size_crun 0) + $(get oci_libs_crun 0))) (with its libraries)"
	oci_guest_row
	printf 'crash loop, %% of one CPU\t%s\t-\t-\t-\n' "$(num "$(get crash_cpu_pct)" 4)"
	printf 'scale: %s sandboxes, ms to all running\t%s\t-\t-\t-\n' "$(get scale_n_max)" "$(num "$(get scale_ms_max)" 0)"
	printf 'scale: hutch PSS per sandbox, KiB\t%s\t-\t-\t-\n' "$(num "$(get scale_pss_per)" 1)"
}

machine() {
	printf -- '- machine: %s, %s CPUs, %s MiB RAM; shared with other tenants (noisy)\n' \
		"$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" \
		"$(awk '/^MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
	printf -- '- kernel: %s (%s), cgroup %s\n' "$(uname -r)" "$(uname -m)" "$(get cgroup_version)"
	printf -- '- system: %s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
	printf -- '- date: %s\n' "$(get date "$(date -u '+%Y-%m-%d %H:%M UTC')")"
	printf -- '- hutch: %s, git %s, %s bytes (x86_64)\n' "$(get hutch_version)" "$(get git)" "$(stat -c %s "$HUTCH")"
	printf -- '- peers: %s\n' "$(for p in bubblewrap util-linux runc tini catatonit dumb-init runit s6 busybox-static hyperfine; do
		printf '%s %s, ' "$p" "$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null)"; done | sed 's/, $//')"
	printf -- '- mode: %s; the whole run took %s s\n' "$([ "$(get quick)" = 1 ] && echo 'BENCH_QUICK=1 (smoke run: few samples)' || echo full)" \
		"$(num "$(get total_secs)" 0)"
}

raw_appendix() {
	echo "## Raw data"
	echo
	echo "Every series in ms (start, restart), as measured, in order; the files are in build/bench/raw/ after a run (the hyperfine JSON too)."
	echo
	echo "<details><summary>raw series</summary>"
	echo
	echo '```'
	local f
	for f in "$RAW"/start-*.ms "$RAW"/restart-*.ms; do
		[ -s "$f" ] || continue
		printf '%s: ' "$(basename "$f" .ms)"
		awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 }' "$f"
		echo
	done
	echo "memory (key pid RSS PSS USS, KiB):"
	cat "$RAW/memory.tsv"
	echo "idle (key pid context-switches cpu-ns):"
	cat "$RAW/idle.tsv"
	echo "scale (N failed ms-to-running hutch-processes RSS PSS USS services-RSS services-PSS kernel-KiB ms-to-stop mounts-left state-left):"
	cat "$RAW/scale.tsv"
	echo '```'
	echo
	echo "</details>"
}

report() {
	goals
	local tmp=$OUT/results.md
	{
		echo "# hutch benchmarks"
		echo
		echo "Written by \`make bench\` (bench/bench.sh); do not edit by hand: the analysis is bench/analysis.md, included below. Goals are recorded, not asserted."
		echo
		machine
		echo
		echo "## Summary"
		echo
		headline | md_table metric hutch peers "lower bound" "hutch vs LB"
		echo
		echo "## Goals"
		echo
		md_table goal status "measured" <"$OUT/goals.tsv"
		echo
		echo "## Results"
		echo
		local f
		for f in 1-start 2-restart 2b-outage 3-memory 4-size 5-idle 5b-crash 5c-output 6-scale 7-profile 8-cleanup 9-oci 9b-oci-guest; do
			[ -f "$OUT/$f.md" ] || continue
			cat "$OUT/$f.md"
			echo
		done
		if [ -f "$BENCH_DIR/analysis.md" ]; then
			cat "$BENCH_DIR/analysis.md"
			echo
		fi
		raw_appendix
	} >"$tmp"
	cp "$tmp" "$RESULTS"
	echo
	headline | awk -F '\t' 'BEGIN { print "metric\thutch\tpeers\tlower bound\thutch vs LB" } { print }' |
		column -t -s "$(printf '\t')"
	echo
	awk -F '\t' '{ printf "  %-8s %s: %s\n", $2 == "met" ? "met" : "MISSED", $1, $3 }' "$OUT/goals.tsv"
	echo
	say "results: ${RESULTS#"$REPO"/} ($(num "$(get total_secs)" 0) s$([ "$(get leftovers)" = 0 ] && echo ', nothing left behind' || echo ", LEFT BEHIND: see the cleanup check"))"
}
