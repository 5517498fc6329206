# SPDX-License-Identifier: MIT
# bench/start.sh - section 1: start-to-exit latency of /bin/true in a
# sandbox (new PID, mount, UTS, IPC namespaces, root switched, proc
# mounted), sourced by bench/bench.sh.
#
# hyperfine -N (no shell in between) runs every command of a group in turn;
# the groups run START_ROUNDS times, interleaved, so that a burst of load
# from the machine's other tenants lands on every command rather than on
# one. The raw times of every round are pooled: median, quartiles, min, max.

# key<TAB>label<TAB>group<TAB>command. Groups: peer (the comparison), attr
# (hutch's cost, step by step), cg (with a cgroup CPU limit of 20%), and
# the slow ones (runc), which get fewer runs.
start_commands() {
	local R=$ROOT H=$HUTCH L=$B/lowerbound cg=$CG_ROOT
	local hq="--restart no -q --root $R"
	cat <<EOF
lb	lower bound (bench/lowerbound.c: clone, private /, bind, proc, pivot_root, exec, wait)	peer	$L $R /bin/true
lb_chroot	lower bound with chroot instead of pivot_root	peer	$L -c $R /bin/true
hutch	hutch (defaults: seccomp, capabilities dropped, /dev, /tmp, /proc masks, state dir)	peer	$H --name bench-start $hq -- /bin/true
bwrap	bwrap --unshare-pid --unshare-uts --unshare-ipc --bind R / --proc /proc	peer	bwrap --unshare-pid --unshare-uts --unshare-ipc --bind $R / --proc /proc /bin/true
bwrap_dev	bwrap, also --dev /dev --tmpfs /tmp (hutch's mounts)	peer	bwrap --unshare-pid --unshare-uts --unshare-ipc --bind $R / --proc /proc --dev /dev --tmpfs /tmp /bin/true
unshare	unshare --root R --mount-proc --fork --pid --mount --uts --ipc	peer	unshare --root $R --mount-proc --fork --pid --mount --uts --ipc /bin/true
runc	runc run (OCI bundle of the same rootfs; no network namespace)	slow	runc run -b $B/runc bench-runc-start
lb_S	lower bound + supervisor (PID 1 forks the command, as hutch)	attr	$L -S $R /bin/true
lb_SD	+ hutch's /dev	attr	$L -SD $R /bin/true
lb_SDT	+ tmpfs on /tmp	attr	$L -SDT $R /bin/true
lb_SDTM	+ hutch's /proc masks: hutch's whole sandbox, nothing else	attr	$L -SDTM $R /bin/true
hutch_noseccomp	hutch --seccomp off	attr	$H --name bench-start --seccomp off $hq -- /bin/true
hutch_tmpstate	hutch --state-dir on a tmpfs (/dev/shm; /run is ext4 here)	attr	$H --name bench-start --state-dir /dev/shm/hutch-bench $hq -- /bin/true
hutch_bare	hutch --seccomp off --state-dir on a tmpfs	attr	$H --name bench-start --seccomp off --state-dir /dev/shm/hutch-bench $hq -- /bin/true
lb_cg	lower bound + cgroup (mkdir, cpu quota 20%, join, rmdir)	cg	$L -g $cg/bench-lb $R /bin/true
hutch_cg	hutch --cpu 20%	cg	$H --name bench-cg --cpu 20% $hq -- /bin/true
runc_cg	runc run with linux.resources.cpu quota 20000 / period 100000	slowcg	runc run -b $B/runc-cg bench-runc-cg
EOF
}

# The OCI bundles: runc's default spec, made to match hutch's sandbox as
# closely as the spec allows: no network namespace (hutch keeps the host's
# by default), the root read-write, mounts proc, /dev, /dev/pts, /dev/shm
# (runc's /sys, /sys/fs/cgroup and /dev/mqueue dropped). runc keeps its own
# masked and read-only /proc paths and its capability set.
start_runc_bundles() {
	local d
	for d in runc runc-cg; do
		rm -rf "${B:?}/$d"
		mkdir -p "$B/$d"
		(cd "$B/$d" && runc spec) || return 1
		jq --arg root "$ROOT" '.process.terminal = false | .process.args = ["/bin/true"]
			| .root = {"path": $root, "readonly": false} | .hostname = "bench"
			| .linux.namespaces |= map(select(.type != "network"))
			| .mounts |= map(select(.destination | IN("/proc", "/dev", "/dev/pts", "/dev/shm")))' \
			"$B/$d/config.json" >"$B/$d/config.new" && mv "$B/$d/config.new" "$B/$d/config.json"
	done
	jq '.linux.resources.cpu = {"quota": 20000, "period": 100000}' "$B/runc-cg/config.json" \
		>"$B/runc-cg/config.new" && mv "$B/runc-cg/config.new" "$B/runc-cg/config.json"
}

section_start() {
	say "1/6 start-to-exit latency: $START_ROUNDS rounds of $START_RUNS runs ($SLOW_RUNS for runc)"
	local have_runc=1
	if ! { start_runc_bundles && runc run -b "$B/runc" bench-runc-start >/dev/null 2>&1; }; then
		have_runc=0
		say "runc does not run here; its rows are left out"
	fi
	mkdir -p /dev/shm/hutch-bench
	start_commands >"$RAW/start-commands.tsv"
	local r g keys cmds key label group cmd i json
	for r in $(seq "$START_ROUNDS"); do
		for g in fast slow; do
			keys=() cmds=()
			while IFS=$'\t' read -r key label group cmd; do
				case $g:$group in
				fast:peer | fast:attr | fast:cg) ;;
				slow:slow | slow:slowcg) [ "$have_runc" = 1 ] || continue ;;
				*) continue ;;
				esac
				keys+=("$key")
				cmds+=("$cmd")
			done <"$RAW/start-commands.tsv"
			json=$RAW/start-$g-r$r.json
			local runs=$START_RUNS
			[ $g = fast ] || runs=$SLOW_RUNS
			hyperfine -N --style none --warmup "$START_WARMUP" --runs "$runs" \
				--export-json "$json" "${cmds[@]}" >>"$RAW/hyperfine.log" 2>&1 ||
				die "hyperfine failed (a command exited non-zero?): see $RAW/hyperfine.log"
			for i in "${!keys[@]}"; do
				jq -r --argjson i "$i" '.results[$i].times[] * 1000' "$json" >>"$RAW/start-${keys[$i]}.ms"
			done
		done
	done

	# The table: median (ms), quartiles, min, max; ratios to hutch and to
	# the lower bound of the same group.
	local n med p25 p75 min max mean lbk hk
	while IFS=$'\t' read -r key label group cmd; do
		[ -s "$RAW/start-$key.ms" ] || continue
		read -r n med p25 p75 min max mean < <(stats "$RAW/start-$key.ms")
		kv "start_${key}_med" "$med"
		kv "start_${key}_n" "$n"
		kv "start_${key}_p25" "$p25"
		kv "start_${key}_p75" "$p75"
		kv "start_${key}_min" "$min"
		kv "start_${key}_max" "$max"
	done <"$RAW/start-commands.tsv"
	{
		echo "### 1. Start-to-exit latency of /bin/true (ms)"
		echo
		echo "hyperfine -N, $START_ROUNDS interleaved rounds x $START_RUNS runs (runc: x $SLOW_RUNS), $START_WARMUP warm-up runs per round; the runs pooled. Spread: p25-p75 and min-max. x hutch = median / hutch's median; x LB = median / the lower bound's (lb for rows without a cgroup, lb_cg for those with one)."
		echo
		for g in peer attr cg; do
			case $g in
			peer) echo "Peers:" ;;
			attr) echo; echo "Where hutch's time goes (the lower bound made into hutch's sandbox step by step, then hutch with one thing less):" ;;
			cg) echo; echo "With a cgroup CPU limit of 20% of one CPU (cgroup $(get cgroup_version) at $CG_ROOT):" ;;
			esac
			echo
			while IFS=$'\t' read -r key label group cmd; do
				case $g:$group in peer:peer | peer:slow | attr:attr | cg:cg | cg:slowcg) ;; *) continue ;; esac
				[ -s "$RAW/start-$key.ms" ] || continue
				read -r n med p25 p75 min max mean < <(stats "$RAW/start-$key.ms")
				if [ "$g" = cg ]; then lbk=lb_cg hk=hutch_cg; else lbk=lb hk=hutch; fi
				printf '%s\t%s\t%s\t%s - %s\t%s - %s\t%s\t%s\t%s\n' "$key" "$label" "$(num "$med" 3)" \
					"$(num "$p25" 3)" "$(num "$p75" 3)" "$(num "$min" 3)" "$(num "$max" 3)" "$n" \
					"$(ratio "$med" "$(get "start_${hk}_med" -)")" "$(ratio "$med" "$(get "start_${lbk}_med" -)")"
			done <"$RAW/start-commands.tsv" | md_table key what median p25-p75 min-max runs "x hutch" "x LB"
		done
		[ "$have_runc" = 1 ] || { echo; echo "runc: left out, it did not run on this machine (see $RAW/hyperfine.log)."; }
		echo
		echo "Commands (R = the bench's copy of the BusyBox rootfs):"
		echo
		echo '```'
		cut -f1,4 "$RAW/start-commands.tsv" | sed "s|$ROOT|R|g; s|$B/|build/bench/|g; s|$REPO/||g"
		echo '```'
	} >"$OUT/1-start.md"
	rmdir /dev/shm/hutch-bench 2>/dev/null || true
}
