# SPDX-License-Identifier: MIT
# bench/profile.sh - where hutch's start-to-exit time goes: system calls
# (strace -c over many runs, strace -T of one), the kernel's CPU profile
# (perf record over many runs), and hutch's own instructions (callgrind on
# the launcher and PID 1). Sourced by bench/bench.sh; the findings it
# feeds are in bench/analysis.md.
#
# perf and callgrind run build/bench/hutch-syms: the same objects as the
# binary under test, not stripped. The start table's "attr" rows (section
# 1) are the other half: the wall-clock cost of each part, step by step.

section_profile() {
	say "profile: strace -c x $PROFILE_RUNS, strace -T, perf record x $PERF_RUNS, callgrind"
	local P=$B/profile HS=$B/hutch-syms i
	[ -x "$HS" ] || HS=$HUTCH
	rm -rf "$P"
	mkdir -p "$P"
	local run=(--name bench-prof --root "$ROOT" --restart no -q -- /bin/true)

	# strace -c, one file per run, summed: calls per run by system call,
	# the service's own (BusyBox true: about a dozen) included.
	for i in $(seq "$PROFILE_RUNS"); do
		strace -f -c -o "$P/c.$i" "$HUTCH" "${run[@]}" || true
	done
	awk -v runs="$PROFILE_RUNS" '$NF != "total" && $NF !~ /^-/ && $4 ~ /^[0-9]+$/ && $1 ~ /^[0-9.]+$/ {
			calls[$NF] += $4; secs[$NF] += $2; if (NF == 6) errs[$NF] += $5 }
		END { for (s in calls) printf "%s\t%.1f\t%.1f\t%.1f\n", s, calls[s] / runs, errs[s] / runs, secs[s] / runs * 1e6 }' \
		"$P"/c.* | sort -t "$(printf '\t')" -k2,2nr >"$P/strace-c.tsv"
	kv profile_syscalls_per_run "$(awk -F '\t' '{ s += $2 } END { printf "%.0f", s }' "$P/strace-c.tsv")"

	# The seccomp filter's install, which each service child makes before
	# its exec (bench/seccomp-install.c): hutch's default filter and the
	# kernel's floor, a filter of one instruction.
	"$B/seccomp-install" "$((PROFILE_RUNS * 100))" >"$P/seccomp-install.tsv"

	# strace -T of one run: the slowest calls (their times inflated by
	# strace's own stops, but their order is telling).
	strace -f -T -o "$P/strace-T.txt" "$HUTCH" "${run[@]}" || true
	# Lines: PID call(...) = RET <secs>; the resumed halves carry the time.
	awk '{ if (match($0, /<[0-9.]+>$/)) { t = substr($0, RSTART + 1, RLENGTH - 2); c = $2; sub(/\(.*/, "", c)
		if (c ~ /^<\.\.\./) { c = $3 } printf "%.0f\t%s\t%s\n", t * 1e6, $1, substr($0, index($0, $2), 110) } }' \
		"$P/strace-T.txt" | grep -Ev 'rt_sigtimedwait|wait4|read resumed>""' |
		sort -t "$(printf '\t')" -k1,1nr | sed -n 1,15p >"$P/strace-T-top.tsv"

	# CPU time per start (perf stat: task-clock of every process of the
	# command, the service's too), which the machine's other tenants
	# disturb less than the wall-clock time.
	mkdir -p /dev/shm/hutch-bench
	: >"$P/cpu.tsv"
	local key label group cmd line
	{
		grep -E '^(lb|lb_S|lb_SDTM|hutch|hutch_noseccomp|hutch_tmpstate|hutch_bare|bwrap|bwrap_dev|unshare|lb_cg|hutch_cg)\b' "$RAW/start-commands.tsv"
	} >"$P/cpu-commands.tsv"
	# CPU_ROUNDS rounds, each command in turn, so that a change of the
	# machine's load lands on all of them: the median of the rounds' means.
	local r runs=$((CPU_RUNS / CPU_ROUNDS))
	: >"$P/cpu-rounds.tsv"
	for r in $(seq "$CPU_ROUNDS"); do
		while IFS=$'\t' read -r key label group cmd; do
			# shellcheck disable=SC2086
			perf stat -x, -r "$runs" -e task-clock,context-switches,page-faults $cmd 2>&1 >/dev/null |
				awk -F, -v k="$key" '$3 == "task-clock" { t = $1 } $3 == "context-switches" { c = $1 } $3 == "page-faults" { f = $1 }
					END { printf "%s\t%s\t%s\t%s\n", k, t, c, f }' >>"$P/cpu-rounds.tsv" || true
		done <"$P/cpu-commands.tsv"
	done
	local t n med lo hi cs pf
	while IFS=$'\t' read -r key label group cmd; do
		awk -F '\t' -v k="$key" '$1 == k && $2 != "" { print $2 }' "$P/cpu-rounds.tsv" >"$P/cpu-$key.ms"
		read -r n med _ _ lo hi _ < <(stats "$P/cpu-$key.ms")
		cs=$(awk -F '\t' -v k="$key" '$1 == k { s += $3; n++ } END { printf "%.0f", n ? s / n : 0 }' "$P/cpu-rounds.tsv")
		pf=$(awk -F '\t' -v k="$key" '$1 == k { s += $4; n++ } END { printf "%.0f", n ? s / n : 0 }' "$P/cpu-rounds.tsv")
		printf '%s\t%s\t%s\t%s - %s\t%s\t%s\n' "$key" "$label" "$med" "$(num "$lo" 3)" "$(num "$hi" 3)" "$cs" "$pf" >>"$P/cpu.tsv"
		kv "cpu_${key}_ms" "$med"
	done <"$P/cpu-commands.tsv"
	rmdir /dev/shm/hutch-bench 2>/dev/null || true

	# perf: the kernel's CPU profile over PERF_RUNS starts, with call graphs;
	# inclusive shares of the system calls and of exec and exit.
	local perf_ok=1
	printf 'i=0; while [ $i -lt %d ]; do %s %s >/dev/null 2>&1; i=$((i + 1)); done\n' \
		"$PERF_RUNS" "$HS" "${run[*]}" >"$P/loop.sh"
	if perf record -q -F 20000 -g -o "$P/perf.data" -- sh "$P/loop.sh" >"$P/perf-record.log" 2>&1; then
		local comm
		comm=$(basename "$HS" | cut -c1-15)
		perf report -i "$P/perf.data" --comm "$comm" --children --sort sym --stdio -g none 2>/dev/null |
			awk '/\[k\]/ && ($NF ~ /^__(x64|do)_sys_/ || $NF ~ /^(do_exit|do_seccomp|bprm_execve|copy_process|exit_mmap|asm_exc_page_fault|put_mnt_ns|free_nsproxy|exit_task_namespaces|switch_task_namespaces|unshare_nsproxy_namespaces|create_new_namespaces|copy_mnt_ns|copy_ipcs|bpf_prog_create_from_user|ext4_rename|ext4_writepages|seq_read_iter|show_mountinfo)$/) {
				sub(/%/, "", $1); printf "%s\t%s\n", $NF, $1 }' | sort -t "$(printf '\t')" -k2,2nr | sed -n 1,40p >"$P/perf-top.tsv"
		perf report -i "$P/perf.data" --no-children --sort comm --stdio -g none --show-nr-samples 2>/dev/null |
			awk '/^ +[0-9.]+%/ { print $NF "\t" $(NF - 1) "\t" $1 }' >"$P/perf-comm.tsv"
	else
		perf_ok=0
	fi

	# callgrind: hutch's own instructions, launcher and PID 1 (whose file
	# is written inside the sandbox, hence the bind of the same path).
	local cg=/tmp/hutch-bench-callgrind cg_ok=1
	rm -rf "$cg"
	mkdir -p "$cg"
	valgrind --tool=callgrind --callgrind-out-file="$cg/callgrind.%p" "$HS" --name bench-prof \
		--root "$ROOT" --bind "$cg:$cg" --restart no -q -- /bin/true >"$P/callgrind.log" 2>&1 || cg_ok=0
	local f role total
	: >"$P/callgrind.tsv"
	for f in "$cg"/callgrind.*; do
		[ -f "$f" ] || { cg_ok=0; continue; }
		case $f in *.1) role="PID 1 (from the start: includes the launcher's part before the fork)" ;; *) role=launcher ;; esac
		total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1 }')
		printf '%s\t%s\t%s\n' "$role" "$total" \
			"$(callgrind_annotate --inclusive=no "$f" 2>/dev/null | awk 'match($0, /\?\?\?:[^ ]+/) {
				printf "%s%s %s", (n++ ? ", " : ""), substr($0, RSTART + 4, RLENGTH - 4), $1 } n == 6 { exit }')" \
			>>"$P/callgrind.tsv"
		cp "$f" "$P/"
	done
	rm -rf "$cg"

	{
		echo "### Profile of one start (hutch --root R --restart no -q -- /bin/true)"
		echo
		echo "CPU time per start, all processes of the command together, the service's too (perf stat -e task-clock,context-switches,page-faults, $CPU_ROUNDS interleaved rounds of $((CPU_RUNS / CPU_ROUNDS)) runs: the median of the rounds' means, and their range). It counts no waiting, so the other tenants of the machine disturb it less than the wall-clock times, though not nothing:"
		echo
		awk -F '\t' -v lb="$(get cpu_lb_ms)" -v h="$(get cpu_hutch_ms)" '{ printf "%s\t%s\t%.3f\t%s\t%s\t%s\t%.2f\t%.2f\n", $1, $2, $3, $4, $5, $6, h ? $3 / h : 0, lb ? $3 / lb : 0 }' "$P/cpu.tsv" |
			md_table key what "CPU ms" "range of the rounds" "context switches" "page faults" "x hutch" "x LB"
		echo
		echo "System calls per run (strace -f -c, mean of $PROFILE_RUNS runs; the service's own included), the 20 most frequent; strace's times are inflated by its stops and are shown only to rank:"
		echo
		head -n 20 "$P/strace-c.tsv" | awk -F '\t' '{ printf "%s\t%s\t%s\t%s\n", $1, $2, $3, $4 }' |
			md_table "system call" "calls per run" "errors per run" "us per run (under strace)"
		echo
		echo "In all, $(get profile_syscalls_per_run) system calls per run."
		echo
		echo "Installing the seccomp filter, as each service child does before its exec ($((PROFILE_RUNS * 100)) children, one PR_SET_SECCOMP each, bench/seccomp-install.c): hutch's default filter, and the kernel's floor, a filter of one instruction. The kernel runs a new filter once per system call number of each ABI to cache the calls it always allows, so the cost follows how far the program goes for a number, not its length (bench/analysis.md):"
		echo
		md_table program "BPF instructions" "median us" "p10 us" "p90 us" <"$P/seccomp-install.tsv"
		echo
		echo "The 15 slowest calls of one run under strace -T (us, pid; the waits left out: sigtimedwait, wait4, the read of the exec pipe):"
		echo
		echo '```'
		cat "$P/strace-T-top.tsv"
		echo '```'
		echo
		if [ "$perf_ok" = 1 ]; then
			echo "perf record -F 20000 -g over $PERF_RUNS starts (build/bench/hutch-syms): inclusive share of the CPU samples of hutch's own processes (launcher, PID 1, the service's child until its exec), by kernel function: the system calls, and some of what they spend it on (namespaces, the seccomp filter, ext4, /proc/self/mountinfo). Nested rows overlap; user space is under 1% (see callgrind below)."
			echo
			md_table "kernel function" "% of hutch's CPU (inclusive)" <"$P/perf-top.tsv"
			echo
			echo "Samples by process name (the loop's sh, hutch, the service):"
			echo
			md_table command samples share <"$P/perf-comm.tsv"
		else
			echo "perf record did not run here (see build/bench/profile/perf-record.log)."
		fi
		echo
		if [ "$cg_ok" = 1 ]; then
			echo "callgrind (valgrind --tool=callgrind): instructions executed in user space by hutch itself, and the functions that executed most:"
			echo
			md_table process instructions "top functions (self)" <"$P/callgrind.tsv"
		else
			echo "callgrind did not run here (see build/bench/profile/callgrind.log)."
		fi
	} >"$OUT/7-profile.md"
}
