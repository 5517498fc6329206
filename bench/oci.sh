# SPDX-License-Identifier: MIT
# bench/oci.sh - section 9: hutch as an OCI runtime (`hutch oci`, called
# as runc) against runc and crun, Debian's, sourced by bench/bench.sh.
#
#   a. the runtime alone: create, start and delete --force of a container
#      whose process sleeps (the life an engine gives it, minus the
#      engine), hyperfine -N, interleaved rounds;
#   b. the engines: `podman run --rm` and `ctr run --rm` of /bin/true,
#      each with hutch and with runc as its runtime (the engines' own
#      time is the same in both: the difference is the runtime's);
#   c. memory: the peak RSS (GNU time's %M) of `create`, the one runtime
#      process that lives while the container is set up (none of the
#      three leaves a process of its own once `start` returned: the
#      engines' shim or conmon waits for the container);
#   d. size: the runtime's binary and, for a dynamic one, the shared
#      libraries it loads (ldd), which a board must carry too.
#
# crun refuses this machine's hybrid cgroup layout ("cgroups in hybrid
# mode not supported", even with --cgroup-manager=disabled): its time is
# then left out and the refusal recorded; its size and its libraries are
# still measured. (Shown only the cgroup2 hierarchy, in a mount namespace
# of its own, crun goes on and stops at "setrlimit (RLIM_MEMLOCK):
# Operation not permitted": it raises RLIMIT_MEMLOCK for its cgroup v2
# device program, which root without CAP_SYS_RESOURCE, as in this
# machine's container, may not; hutch and runc do not need it.) Section
# 9b (bench/oci-guest.sh) times all three in a QEMU guest with cgroup v2
# alone, where crun runs.

OCI_ID=bench-oci

# oci_spec DIR ARGS...: runc spec's config.json in DIR, on the bench's
# rootfs (read-only), no network namespace, no cgroup mount (refused by
# hutch oci), the process ARGS.
oci_spec() {
	local d=$1
	shift
	rm -rf "$d"
	mkdir -p "$d"
	(cd "$d" && runc spec) || return 1
	jq --arg root "$ROOT" --args '.process.terminal = false | .process.args = $ARGS.positional
		| .root = {"path": $root, "readonly": true} | .hostname = "bench"
		| .linux.namespaces |= map(select(.type != "network"))
		| .mounts |= map(select(.type != "cgroup"))' "$@" \
		<"$d/config.json" >"$d/config.new" && mv "$d/config.new" "$d/config.json"
}

# The runtimes: key, the binary (hutch through a link named runc).
oci_runtimes() {
	printf 'hutch\t%s\n' "$B/oci/bin/runc"
	printf 'runc\t%s\n' "$(command -v runc)"
	printf 'crun\t%s\n' "$(command -v crun)"
}

# oci_life RUNTIME ID: one container's life under RUNTIME (a script, so
# that hyperfine -N runs each runtime the same way).
oci_life_script() {
	cat >"$B/oci/life" <<EOF
#!/bin/sh
# life RUNTIME ID: create, start, delete --force (bench/oci.sh)
"\$1" create --bundle "$B/oci/sleeper" "\$2" >/dev/null || exit 1
"\$1" start "\$2" || exit 1
exec "\$1" delete --force "\$2"
EOF
	chmod +x "$B/oci/life"
}

# The engines' stores live in $B/oci; containerd as a real service with
# its own socket, as tests/oci/80-containerd.t starts it.
oci_podman() {
	timeout 120 podman --root "$B/oci/podman/storage" --runroot "$B/oci/podman/run" \
		--tmpdir "$B/oci/podman/tmp" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend none --network-config-dir "$B/oci/podman/net" "$@"
}
oci_ctr() { timeout 120 ctr --address "$B/oci/ctd/containerd.sock" --namespace bench-oci "$@"; }

oci_containerd_start() {
	mkdir -p "$B/oci/ctd"
	cat >"$B/oci/ctd/config.toml" <<EOF
version = 2
root = "$B/oci/ctd/root"
state = "$B/oci/ctd/state"
[grpc]
  address = "$B/oci/ctd/containerd.sock"
[ttrpc]
  address = "$B/oci/ctd/containerd-ttrpc.sock"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$B/oci/ctd/opt"
EOF
	containerd --config "$B/oci/ctd/config.toml" >"$RAW/containerd.log" 2>&1 &
	OCI_CTD=$!
	track "$OCI_CTD"
	wait_until 20 'oci_ctr version >/dev/null 2>&1'
}

oci_engines_stop() {
	local id
	oci_podman rm -a -f -t 0 >/dev/null 2>&1 || true
	if [ -n "${OCI_CTD-}" ]; then
		for id in $(oci_ctr task ls -q 2>/dev/null); do oci_ctr task kill -s KILL "$id"; done >/dev/null 2>&1
		for id in $(oci_ctr container ls -q 2>/dev/null); do
			oci_ctr task delete -f "$id"
			oci_ctr container delete "$id"
		done >/dev/null 2>&1
		kill "$OCI_CTD" 2>/dev/null || true
		wait_until 10 "all_gone $OCI_CTD" || true
	fi
	for d in /sys/fs/cgroup/*/bench-oci* /sys/fs/cgroup/bench-oci*; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	umount -R "$B/oci/podman/storage" "$B/oci/podman/run" "$B/oci/ctd/root" "$B/oci/ctd/state" 2>/dev/null || true
	# Podman 4.3 keeps a blob cache in /var/lib/containers whatever
	# --root says, containerd's shims use /run/containerd: removed when
	# this run made them
	[ "${OCI_VLC_EXISTED-1}" = 1 ] || rm -rf /var/lib/containers
	[ "${OCI_RUNCTD_EXISTED-1}" = 1 ] || rm -rf /run/containerd
	return 0
}

# oci_hyperfine KEY_PREFIX RUNS CMD...: hyperfine -N over the commands
# (one per runtime, in oci_runtimes' order of $OCI_KEYS), each series
# appended to $RAW/oci-PREFIX-KEY.ms.
oci_hyperfine() {
	local prefix=$1 runs=$2 json i
	shift 2
	json=$RAW/oci-$prefix-$RANDOM.json
	hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$json" "$@" \
		>>"$RAW/hyperfine.log" 2>&1 || die "hyperfine failed on the OCI $prefix commands: see $RAW/hyperfine.log"
	for i in "${!OCI_KEYS[@]}"; do
		jq -r --argjson i "$i" '.results[$i].times[] * 1000' "$json" >>"$RAW/oci-$prefix-${OCI_KEYS[$i]}.ms"
	done
}

# oci_libs_bytes BINARY: the bytes of the shared libraries it loads
# (ldd's resolved paths, the loader included), 0 for a static binary.
oci_libs_bytes() {
	{ ldd "$1" 2>/dev/null || true; } | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
		xargs -r readlink -f | sort -u | xargs -r stat -L -c %s | awk '{ s += $1 } END { print s + 0 }'
}

section_oci() {
	say "9. hutch as an OCI runtime: create/start/delete, podman run, ctr run, memory, size"
	mkdir -p "$B/oci/bin"
	ln -sf "$HUTCH" "$B/oci/bin/runc"
	oci_spec "$B/oci/sleeper" sleep 1000 || die "runc spec failed"
	oci_spec "$B/oci/true" /bin/true || die "runc spec failed"
	oci_life_script
	[ -e /var/lib/containers ] && OCI_VLC_EXISTED=1 || OCI_VLC_EXISTED=0
	[ -e /run/containerd ] && OCI_RUNCTD_EXISTED=1 || OCI_RUNCTD_EXISTED=0

	# Which runtimes run here at all (crun: see the header).
	local key bin out cmds=() rounds
	OCI_KEYS=()
	: >"$RAW/oci-runtimes.tsv"
	while IFS=$'\t' read -r key bin; do
		if out=$("$B/oci/life" "$bin" "$OCI_ID-probe" 2>&1); then
			OCI_KEYS+=("$key")
			cmds+=("$B/oci/life $bin $OCI_ID-$key")
			printf '%s\t%s\truns\n' "$key" "$bin" >>"$RAW/oci-runtimes.tsv"
		else
			"$bin" delete --force "$OCI_ID-probe" >/dev/null 2>&1 || true
			printf '%s\t%s\t%s\n' "$key" "$bin" "$(printf '%s' "$out" | tr '\n\t' '  ' | cut -c1-160)" >>"$RAW/oci-runtimes.tsv"
		fi
	done < <(oci_runtimes)
	[ "${#OCI_KEYS[@]}" -ge 2 ] || die "hutch oci and runc must both run a container here: see $RAW/oci-runtimes.tsv"

	# a. the runtime alone, interleaved rounds
	rounds=$([ "$QUICK" = 1 ] && echo 1 || echo 5)
	for _ in $(seq "$rounds"); do
		oci_hyperfine life "$([ "$QUICK" = 1 ] && echo 5 || echo 10)" "${cmds[@]}"
	done

	# b. the engines, with the runtimes that run here
	mkdir -p "$B/oci/podman"
	tar -C "$ROOT" -c . | oci_podman import - bench-oci-busybox >/dev/null ||
		die "podman import of the bench rootfs failed"
	# tests/oci/70-podman.t's options: what hutch oci refuses today
	# (Podman's seccomp profile, its cgroup mount) left out for both
	local popts="--rm --network none --ipc none --security-opt seccomp=unconfined --cgroup-parent /bench-oci-podman"
	popts="$popts --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
	popts="$popts --mount type=tmpfs,destination=/sys/fs/cgroup,ro=true,notmpcopyup"
	cmds=()
	for key in "${OCI_KEYS[@]}"; do
		bin=$(awk -F '\t' -v k="$key" '$1 == k { print $2 }' "$RAW/oci-runtimes.tsv")
		cmds+=("timeout 120 podman --root $B/oci/podman/storage --runroot $B/oci/podman/run --tmpdir $B/oci/podman/tmp --storage-driver vfs --cgroup-manager cgroupfs --events-backend none --network-config-dir $B/oci/podman/net --runtime $bin run $popts bench-oci-busybox /bin/true")
	done
	oci_hyperfine podman "$([ "$QUICK" = 1 ] && echo 3 || echo 10)" "${cmds[@]}"

	oci_containerd_start || die "containerd did not start: $(tail -n 3 "$RAW/containerd.log")"
	cmds=()
	for key in "${OCI_KEYS[@]}"; do
		bin=$(awk -F '\t' -v k="$key" '$1 == k { print $2 }' "$RAW/oci-runtimes.tsv")
		cmds+=("timeout 120 ctr --address $B/oci/ctd/containerd.sock --namespace bench-oci run --rm --fifo-dir $B/oci/ctd/fifo --runtime io.containerd.runc.v2 --runc-binary $bin --config $B/oci/true/config.json bench-oci-ctr-$key")
	done
	oci_hyperfine ctr "$([ "$QUICK" = 1 ] && echo 3 || echo 10)" "${cmds[@]}"
	oci_engines_stop

	# c. the peak RSS of create (KiB), 5 samples each
	local i
	for key in "${OCI_KEYS[@]}"; do
		bin=$(awk -F '\t' -v k="$key" '$1 == k { print $2 }' "$RAW/oci-runtimes.tsv")
		for i in 1 2 3 4 5; do
			# the container's process keeps create's stdio: /dev/null,
			# not a pipe whose reader would wait for it
			/usr/bin/time -o "$RAW/oci-rss.tmp" -f %M "$bin" create --bundle "$B/oci/sleeper" \
				"$OCI_ID-mem" </dev/null >/dev/null 2>&1
			"$bin" delete --force "$OCI_ID-mem" >/dev/null 2>&1 || true
			tail -n 1 "$RAW/oci-rss.tmp" >>"$RAW/oci-rss-$key.kib"
		done
	done

	# d. size
	local n med p25 p75 min max
	{
		echo "### 9. hutch as an OCI runtime (hutch oci, called as runc)"
		echo
		echo "The same bundle (runc spec's config.json on the bench's rootfs, read-only, no network namespace, no cgroup mount) under each runtime; Podman and containerd (Debian's, as real services with their stores in build/bench/oci) with each as their runtime. Medians in ms; x hutch = median / hutch's."
		echo
		echo "Runtimes tried (a runtime that cannot create a container here is left out of the times, with its message):"
		echo
		awk -F '\t' '{ printf "%s\t%s\t%s %s\n", $1, $2, ($3 == "runs" ? "runs" : "refused:"), ($3 == "runs" ? "" : "`" $3 "`") }' \
			"$RAW/oci-runtimes.tsv" | sed "s|$B/|build/bench/|g" | md_table runtime binary "here"
		echo
		for prefix in life podman ctr; do
			case $prefix in
			life) echo "a. create + start + delete --force of a sleeping container (the runtime alone):" ;;
			podman) echo "b. \`podman run --rm ... /bin/true\` (Podman 4.3, vfs storage, --network none):" ;;
			ctr) echo "b. \`ctr run --rm --config ... /bin/true\` (containerd 1.6, its runc v2 shim with --runc-binary):" ;;
			esac
			echo
			for key in "${OCI_KEYS[@]}"; do
				[ -s "$RAW/oci-$prefix-$key.ms" ] || continue
				read -r n med p25 p75 min max _ < <(stats "$RAW/oci-$prefix-$key.ms")
				kv "oci_${prefix}_${key}_med" "$med"
				printf '%s\t%s\t%s - %s\t%s - %s\t%s\t%s\n' "$key" "$(num "$med" 2)" "$(num "$p25" 2)" "$(num "$p75" 2)" \
					"$(num "$min" 2)" "$(num "$max" 2)" "$n" "$(ratio "$med" "$(get "oci_${prefix}_hutch_med" -)")"
			done | md_table runtime median p25-p75 min-max runs "x hutch"
			echo
		done
		echo "c. memory and d. size:"
		echo
		while IFS=$'\t' read -r key bin _; do
			local rssm bytes libs
			rssm=-
			[ -s "$RAW/oci-rss-$key.kib" ] && rssm=$(stats "$RAW/oci-rss-$key.kib" | awk '{ printf "%d", $2 }')
			bytes=$(stat -L -c %s "$bin")
			libs=$(oci_libs_bytes "$bin")
			kv "oci_rss_${key}" "$rssm"
			kv "oci_size_${key}" "$bytes"
			kv "oci_libs_${key}" "$libs"
			printf '%s\t%s\t%s\t%s\t%s\n' "$key" "$rssm" "$bytes" "$libs" "$((bytes + libs))"
		done <"$RAW/oci-runtimes.tsv" | md_table runtime "peak RSS of create, KiB (median of 5)" "binary, bytes" "shared libraries, bytes" "on the board, bytes"
		echo
		echo "hutch's binary is the whole of hutch (profile full: the supervisor, the sandbox and every feature besides \`oci\`), static, no library; runc is Go, Debian's links libseccomp and glibc; crun is C, linked against libsystemd, libseccomp, libcap, libyajl and what they pull in (the libraries are counted whole, as a board must carry them, though other programs may share them)."
	} >"$OUT/9-oci.md"
}
