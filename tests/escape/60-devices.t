#!/bin/bash
# SPDX-License-Identifier: MIT
# 60-devices.t: devices are what hutch gave, nothing else. The service
# finds device nodes it was not given (shipped in the image, on a host
# file system reached through an inherited descriptor, made with mknod)
# and opens them for writing: the host's disk and the kernel log. The
# device allow-list in the sandbox's cgroup (v1 devices.deny/allow here;
# the v2 BPF program is tested in tests/qemu/guest/cgroupv2.sh) must answer
# EPERM at open(2) and mknod(2), while the nodes in the sandbox's /dev keep
# working.
#
# Attacks that meet only the cgroup (the others also meet nodev mounts,
# which answer EACCES): a node on the host's own file system, not the
# sandbox's mounts, reopened through /proc/self/fd/0 (the mount that counts
# is the one the caller opened it on, which allows devices), and mknod with
# CAP_MKNOD kept and no seccomp filter (mknod is checked by the cgroup, not
# by the mount).
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_feature devices seccomp
require_cmd mknod

name=dv-$$
nodes=$tmp/nodes
mkdir "$nodes"

# The host's root disk; where even host root may not open it (a VM or
# container that denies it, as on some CI machines), the first loop
# device stands in: what counts is a block device the host can open.
read -r maj min < <(stat -c '%Hd %Ld' /)
mknod "$nodes/disk" b "$maj" "$min"
if [ "$maj" = 0 ] || ! (exec 3<"$nodes/disk") 2>/dev/null; then
	note "the host cannot open its root disk ($maj:$min): /dev/loop0 (7:0) instead"
	maj=7 min=0
	rm "$nodes/disk"
	mknod "$nodes/disk" b 7 0
	(exec 3<"$nodes/disk") 2>/dev/null || bail_out "the host cannot open block device 7:0"
fi
mknod "$nodes/kmsg" c 1 11
(exec 3<"$nodes/kmsg") || bail_out "the host cannot open /dev/kmsg's node"

# run_sh [HUTCH-OPTION...] -- SCRIPT: sh -c SCRIPT in the sandbox, stdin
# from $stdin; sets rc, out (stdout and stderr of the service) and err.
stdin=/dev/null
run_sh() {
	local opts args
	take_opts "$@"
	timeout 20 "$HUTCH" --name "$name" --root "$root" --restart no "${opts[@]}" \
		-- /bin/sh -c "exec 2>&1; ${args[0]}" <"$stdin" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# try WHAT REDIRECTION: in a subshell (a failed exec redirection ends the
# shell), "WHAT: WON" when the open succeeds, else the shell's error.
try() {
	printf '( exec %s && echo "%s: WON" ); ' "$2" "$1"
}

# --- the nodes hutch gives still work -------------------------------------------

run_sh -- 'echo x >/dev/null && echo null ok; head -c 3 /dev/zero | wc -c;
	head -c 3 /dev/urandom | wc -c; head -c 3 /dev/random | wc -c;
	echo x >/dev/full; ( exec 5<>/dev/ptmx && echo ptmx ok; exec 6<>/dev/pts/0 );
	( exec 7</dev/tty )'
note "$out"
like "$out" "null ok" "/dev/null opens"
is "$(grep -c '^3$' <<<"$out")" 3 "/dev/zero, /dev/urandom and /dev/random read"
like "$out" "No space left on device" "/dev/full opens (and is full)"
like "$out" "ptmx ok" "/dev/ptmx opens"
unlike "$out" "Operation not permitted" \
	"no EPERM for the sandbox's pty (136:*) nor /dev/tty (5:0): only the driver's own answer"

# --- nodes shipped in the image -------------------------------------------------

mknod "$root/dv-disk" b "$maj" "$min"
mknod "$root/dv-kmsg" c 1 11
mknod "$root/dv-mem" c 1 1
run_sh -- "$(try disk '3<>/dv-disk')$(try kmsg '4>/dv-kmsg')$(try mem '5</dv-mem')"
note "$out"
unlike "$out" "WON" "a node in the image opens nothing: the host's disk ($maj:$min), /dev/kmsg, /dev/mem"
is "$(grep -Ec 'Operation not permitted|Permission denied' <<<"$out")" 3 \
	"each open is refused (EPERM: the device cgroup; EACCES: a nodev mount)"
rm -f "$root/dv-disk" "$root/dv-kmsg" "$root/dv-mem"

# --- the cgroup alone -----------------------------------------------------------

stdin=$nodes/disk
run_sh -- "$(try disk '3<>/proc/self/fd/0')"
note "$out"
like "$out" "sh: can't create /proc/self/fd/0: Operation not permitted$" \
	"the host's disk, reopened for writing through stdin on a dev mount: EPERM from the device cgroup"
stdin=$nodes/kmsg
run_sh -- "$(try kmsg '3>/proc/self/fd/0')"
note "$out"
like "$out" "sh: can't create /proc/self/fd/0: Operation not permitted$" \
	"/dev/kmsg, reopened for writing the same way: EPERM from the device cgroup"
stdin=/dev/null

run_sh --cap-keep MKNOD --seccomp off -- "mknod /tmp/disk b $maj $min && echo 'mknod disk: WON';
	mknod /tmp/mem c 1 1 && echo 'mknod mem: WON'; mknod /tmp/null c 1 3 && echo 'mknod null: ok'"
note "$out"
unlike "$out" "WON" "mknod of the host's disk and of /dev/mem with CAP_MKNOD kept and no filter: refused"
is "$(grep -c 'Operation not permitted' <<<"$out")" 2 "both with EPERM, the device cgroup's answer"
like "$out" "mknod null: ok" "a node of the allow-list may be made (m in rwm)"

# --- --device: one more node, with the access given ----------------------------

run_sh --device "$nodes/disk:r" --device "$nodes/kmsg:w" -- "ls -l /dev/disk /dev/kmsg;
	$(try 'disk read' '3</dev/disk')$(try 'disk write' '3<>/dev/disk')
	$(try 'kmsg write' '4>/dev/kmsg')$(try 'kmsg read' '4</dev/kmsg')"
note "$out"
like "$out" "^b.* $maj, *$min .*/dev/disk" "--device PATH:r: the node is /dev/NAME in the sandbox"
like "$out" "disk read: WON" "--device PATH:r opens for reading"
like "$out" "can't create /dev/disk: Operation not permitted" "but not for writing (EPERM)"
like "$out" "kmsg write: WON" "--device PATH:w opens for writing"
like "$out" "can't open /dev/kmsg: Operation not permitted" "but not for reading (EPERM)"
for bad in /etc/passwd /dev/null /dev/loop0:x dev/loop0 "$nodes/none"; do
	run_sh --device "$bad" -- 'echo ran'
	is "$rc" 125 "--device $bad: exit 125"
	is "$(wc -l <<<"$err")" 1 "--device $bad: one line ($err)"
done

# --- the list itself, read from the host ----------------------------------------

if [ -d /sys/fs/cgroup/devices ]; then
	start_probe --name "$name" -- 'echo READY; exec sleep 30' || bail_out "the sandbox did not start"
	is "$(tr '\n' ' ' </sys/fs/cgroup/devices/hutch/$name/devices.list)" \
		"c 1:3 rwm c 1:5 rwm c 1:7 rwm c 1:8 rwm c 1:9 rwm c 5:0 rwm c 5:2 rwm c 136:* rwm " \
		"cgroup v1 devices.list: null zero full random urandom tty ptmx and the ptys, nothing else"
	stop_probe
	start_probe --name "$name" --device "$nodes/disk:rw" -- 'echo READY; exec sleep 30' ||
		bail_out "the sandbox did not start"
	like "$(tr '\n' ' ' </sys/fs/cgroup/devices/hutch/$name/devices.list)" "c 136:\\* rwm b $maj:$min rw \$" \
		"--device PATH:rw: one more line, b $maj:$min rw"
	stop_probe
	ok "the group is removed" wait_for 5 test ! -e "/sys/fs/cgroup/devices/hutch/$name"
fi

done_testing
