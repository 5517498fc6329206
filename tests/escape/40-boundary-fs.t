#!/bin/bash
# SPDX-License-Identifier: MIT
# 40-boundary-fs.t: the file-system boundary. Devices come only from
# /dev's bound nodes (the root and every bind are nodev and nosuid, the
# nodes read-only); without --root the host's view is read-only, sysfs and
# the cgroup file system too, and the state directory is hidden; --read-only
# reaches submounts; /tmp and /dev/shm are a tenth of the RAM. Each attack
# is written as a service would try it; each won against the hutch before
# these defences (see docs/design.md).
#
# The same attacks run again as on a kernel before 5.12 (no-setattr.c
# answers mount_setattr with ENOSYS), through hutch's fallbacks.
#
# Needs root and gcc. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_feature limits

require_cmd mknod mount umount gcc
submount=
# shellcheck disable=SC2317 # called by the trap
cleanup_fs() {
	[ -z "$submount" ] || umount "$submount" 2>/dev/null
	cleanup
}
trap cleanup_fs EXIT

# noroot_probe [HUTCH-OPTION...] -- NAME [ARG...]: the probe run on the
# host's own root (no --root), from the copy's path.
noroot_probe() {
	local opts args
	take_opts "$@"
	timeout 20 "$HUTCH" --name mnt-fs --restart no "${opts[@]}" -- "$root/probe" "${args[@]}" \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# noroot_attack NAME DEFENCE [HUTCH-OPTION...] -- [ARG...]
noroot_attack() {
	local name=$1 defence=$2
	shift 2
	local opts args
	take_opts "$@"
	noroot_probe "${opts[@]}" -- "$name" "${args[@]}"
	note "$out${err:+ [hutch: $(tail -n 1 <<<"$err")]}"
	like "$rc $out" "^0 $name: blocked \\(" "without --root, $name is blocked: $defence" ||
		diag "hutch said: $err"
}

# Every attack, run once with the kernel as it is and once as before 5.12.
boundary_attacks() {
	# The host's root disk, as a block device node shipped in the image (made
	# on the host by whoever prepared it) and in a directory bound in; and a
	# character node with /dev/null's numbers, which a device cgroup around
	# the host itself (a container) lets through, so nodev alone is tested.
	read -r maj min < <(stat -c '%Hd %Ld' /)
	mknod "$root/disk" b "$maj" "$min" && mkdir "$tmp/bound" &&
		mknod "$tmp/bound/disk" b "$maj" "$min" && mknod "$root/nul" c 1 3 &&
		mknod "$tmp/bound/nul" c 1 3 ||
		bail_out "cannot make device nodes for the test"
	for node in disk nul; do
		attack device-node "the root is mounted nodev: a node in the image opens nothing" -- /$node
		attack device-node "--bind is nodev: a node in a bound directory opens nothing" \
			--bind "$tmp/bound:/mnt" -- /mnt/$node
	done

	null_mode=$(stat -c %a /dev/null)
	attack node-attrs "/dev/null is the host's node bound read-only: chmod, chown, utimes refused" -- /dev/null
	is "$(stat -c %a /dev/null)" "$null_mode" "the host's /dev/null keeps its mode"
	run_probe -- write-paths /dev/null
	note "$out"
	like "$rc $out" '^1 write-paths: ESCAPED \(opened for writing /dev/null' \
		"the read-only /dev/null is still writable as a device"

	# --- without --root: the host's view is read-only -----------------------------------

	noroot_attack write-paths "the host's view is read-only: /etc" -- /etc /etc/passwd
	if [ -e /etc/shadow ]; then
		noroot_attack write-paths "the host's view is read-only: /etc/shadow" -- /etc/shadow
	fi
	noroot_attack write-paths "the host's view is read-only: /tmp, /var/tmp" -- /tmp /var/tmp
	sysfs_file=
	for f in /sys/kernel/mm/transparent_hugepage/enabled /sys/power/state /sys/kernel/uevent_helper; do
		[ -e "$f" ] && sysfs_file=$f && break
	done
	[ -n "$sysfs_file" ] || bail_out "no sysfs file to attack"
	noroot_attack write-paths "sysfs is read-only" -- "$sysfs_file"
	noroot_attack cgroup-leave "the cgroup file system is read-only" --pids 100
	attack write-paths "sysfs is read-only even under --bind" --bind /sys -- "$sysfs_file"
	attack cgroup-leave "the cgroup file system is read-only even under --bind" \
		--pids 100 --bind /sys
	# The state directory: hutch's own records (status, launcher) of every
	# sandbox; forging one would make hutch stop signal another process.
	state_dir=/run/hutch
	noroot_attack write-paths "the state directory is hidden (an empty read-only tmpfs)" \
		-- "$state_dir/mnt-fs/status" "$state_dir/mnt-fs" "$state_dir"
	attack write-paths "the state directory is hidden in a --bind of /run too" \
		--name mnt-fs --bind /run:/mnt -- "/mnt/hutch/mnt-fs/status" /mnt/hutch/mnt-fs
	noroot_probe -- write-paths /proc/self/oom_score_adj
	like "$rc $out" '^1 write-paths: ESCAPED' "without --root the sandbox's own /proc stays writable"

	# Writable places come from --bind and --tmpfs only.
	mkdir "$tmp/rw" || bail_out "cannot create $tmp/rw"
	noroot_probe --bind "$tmp/rw" -- write-paths "$tmp/rw"
	like "$rc $out" '^1 write-paths: ESCAPED \(created a file in' "without --root a --bind stays writable"

	# --- --read-only reaches submounts ---------------------------------------------------

	mkdir -p "$root/var/sub" && mount -t tmpfs -o size=1m mnt-fs-sub "$root/var/sub" ||
		bail_out "cannot mount a tmpfs in the image"
	submount=$root/var/sub
	attack write-paths "--read-only is recursive: a submount of the image is read-only too" \
		--read-only -- /var/sub /etc
	run_probe --read-only -- write-paths /tmp /dev/shm
	like "$rc $out" '^1 write-paths: ESCAPED \(created a file in /tmp' "--read-only leaves /tmp writable"
	umount "$submount" && submount=

	# --- default sizes ---------------------------------------------------------------------

	attack tmpfs-size "/tmp is a tenth of the RAM by default" -- /tmp
	attack tmpfs-size "/dev/shm is a tenth of the RAM by default" -- /dev/shm
	attack fill "--tmpfs /tmp:1M overrides the size, and filling it stops there" \
		--tmpfs /tmp:1M -- /tmp 4
}

boundary_attacks

# --- kernels before 5.12: the fallbacks ----------------------------------------------

gcc -O2 -o "$tmp/no-setattr" "$(dirname "$0")/no-setattr.c" ||
	bail_out "cannot build no-setattr"
printf '#!/bin/sh\nexec %s %s "$@"\n' "$tmp/no-setattr" "$HUTCH" >"$tmp/hutch" &&
	chmod +x "$tmp/hutch" || bail_out "cannot write the wrapper"
HUTCH=$tmp/hutch
rm -f "$root/disk" "$root/nul" "$tmp/bound/disk" "$tmp/bound/nul"
rmdir "$tmp/bound" "$tmp/rw" "$root/var/sub"
note "from here on mount_setattr answers ENOSYS (as before Linux 5.12)"
boundary_attacks

done_testing
