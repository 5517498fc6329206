# SPDX-License-Identifier: MIT
# bench/scale.sh - section 6: N sandboxes started at once, each running
# sleep: time until all run, their memory, how both grow with N; all
# stopped and checked gone. Sourced by bench/bench.sh.
#
# Each is `hutch --daemon`, which returns once its service has exec'd, so
# "all running" is when the last of the N returned. Memory: RSS, PSS and
# USS of every hutch process (N launchers, N PID 1s) from smaps_rollup, the
# services apart; and the kernel's side (slab, kernel stacks, page tables
# from /proc/meminfo, before and after: namespaces, mounts, task structs),
# which other tenants of the machine make noisy.

meminfo_kernel_kib() {
	awk '/^(Slab|KernelStack|PageTables):/ { s += $2 } END { print s }' /proc/meminfo
}

section_scale() {
	say "6/6 scale: N = $SCALE_NS sandboxes at once"
	local S=$B/scale N i p t0 t1 t2 t3 k0 k1 m0 m1 fails
	local launchers pid1s services rss pss uss srss spss left
	: >"$RAW/scale.tsv"
	for N in $SCALE_NS; do
		rm -rf "$S"
		mkdir -p "$S"
		m0=$(mounts_count)
		k0=$(meminfo_kernel_kib)
		local callers=()
		t0=$(now_ns)
		for i in $(seq "$N"); do
			"$HUTCH" --daemon --name "bench-scale-$i" --pidfile "$S/$i.pid" --root "$ROOT" -q \
				-- /bin/sleep 100000 >/dev/null 2>"$S/$i.err" &
			callers+=($!)
		done
		fails=0
		for p in "${callers[@]}"; do wait "$p" || fails=$((fails + 1)); done
		t1=$(now_ns)
		launchers=$(cat "$S"/*.pid 2>/dev/null | tr '\n' ' ')
		# shellcheck disable=SC2086
		track $launchers
		[ "$fails" = 0 ] || say "scale: $fails of $N hutch --daemon failed: $(cat "$S"/*.err | sort | uniq -c | sed -n 1,3p)"
		sleep 0.5
		k1=$(meminfo_kernel_kib)
		pid1s='' services=''
		for p in $launchers; do pid1s="$pid1s $(children "$p")"; done
		for p in $pid1s; do services="$services $(children "$p")"; done
		read -r rss pss uss < <(for p in $launchers $pid1s; do smaps "$p"; done |
			awk '{ r += $1; p += $2; u += $3 } END { print r + 0, p + 0, u + 0 }')
		read -r srss spss < <(for p in $services; do smaps "$p"; done |
			awk '{ r += $1; p += $2 } END { print r + 0, p + 0 }')
		local nh
		# shellcheck disable=SC2086
		nh=$(echo $launchers $pid1s | wc -w)
		# Stop them all: SIGTERM to each launcher, as an init system would.
		t2=$(now_ns)
		# shellcheck disable=SC2086
		kill -TERM $launchers 2>/dev/null || true
		wait_until 60 "all_gone $launchers $pid1s $services" || say "scale: N=$N: not all gone after 60 s"
		t3=$(now_ns)
		m1=$(mounts_count)
		left=$(find /run/hutch -maxdepth 1 -name 'bench-scale-*' 2>/dev/null | wc -l)
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$N" "$fails" "$(calc "($t1 - $t0) / 1e6")" \
			"$nh" "$rss" "$pss" "$uss" "$srss" "$spss" "$((k1 - k0))" "$(calc "($t3 - $t2) / 1e6")" \
			"$((m1 - m0))" "$left" >>"$RAW/scale.tsv"
	done
	local last
	last=$(tail -n 1 "$RAW/scale.tsv")
	kv scale_n_max "$(cut -f1 <<<"$last")"
	kv scale_ms_max "$(cut -f3 <<<"$last")"
	kv scale_pss_max "$(cut -f6 <<<"$last")"
	kv scale_pss_per "$(awk -F '\t' '{ print $6 / $1 }' <<<"$last")"
	kv scale_fails "$(awk -F '\t' '{ s += $2 } END { print s + 0 }' "$RAW/scale.tsv")"
	kv scale_leaks "$(awk -F '\t' '$12 != 0 || $13 != 0 { n++ } END { print n + 0 }' "$RAW/scale.tsv")"
	{
		echo "### 6. Scale: N sandboxes started at once"
		echo
		echo "N \`hutch --daemon --name bench-scale-I --root R -q -- /bin/sleep 100000\` started together; each returns once its service has exec'd. Memory of all 2N hutch processes (launchers and PID 1s), the N services apart; kernel memory is the change of Slab + KernelStack + PageTables in /proc/meminfo (noisy: the machine has other tenants). Then SIGTERM to every launcher and the time until every process is gone; the host's mount table and /run/hutch are checked after each N."
		echo
		awk -F '\t' '{ printf "%s\t%s\t%.1f\t%.2f\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%.1f\t%s\n",
			$1, $2, $3, $3 / $1, $5, $6, $7, $6 / $1, $8, $9, $10, $11, ($12 == 0 && $13 == 0) ? "none" : "LEAK: mounts " $12 ", state dirs " $13 }' \
			"$RAW/scale.tsv" |
			md_table N failed "ms to all running" "ms per sandbox" "hutch RSS KiB" "hutch PSS KiB" "hutch USS KiB" \
				"hutch PSS KiB per sandbox" "services RSS KiB" "services PSS KiB" "kernel KiB (indicative)" "ms to stop all" "left behind"
	} >"$OUT/6-scale.md"
}
