# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# shellcheck disable=SC2154 # t_rc: set by stop_launcher in /init
# Scenario hutch_test=image, sourced by /init (tests/qemu/guest/init):
# --root IMAGE and --overlay on Debian's kernel with cgroup v2, where the
# group's device list is a BPF program (the loop device must be opened
# before PID 1 joins), and / is the initramfs (pivot_root refuses: the
# MS_MOVE + chroot fallback over the stage). The kernel has loop,
# squashfs, erofs and overlayfs as modules: /modules/*.ko, loaded first.
# The images (built on the host from the test rootfs, /marker = A) are
# /images/a.sqfs and /images/a.erofs.

H=/bin/hutch
W=/tmp/hutch-img
mkdir -p "$W"
load() {
	insmod "/modules/$1.ko" 2>"$W/insmod" || t_diag "insmod $1: $(cat "$W/insmod")"
}
# refused NAME CONFIG ARGS...: hutch ARGS exits 125 with one line naming CONFIG
refused() {
	r_what=$1 r_config=$2
	shift 2
	out=$("$H" --name img-no --restart no "$@" -- /bin/true </dev/null 2>&1)
	t_is "$?" 125 "without $r_what: exit 125"
	t_like "$out" "$r_config" "without $r_what: the line names $r_config"
	t_is "$(printf '%s\n' "$out" | wc -l)" 1 "without $r_what: one line"
}

# --- a kernel without them: refused before anything starts ----------------
refused "the loop driver" CONFIG_BLK_DEV_LOOP --root /images/a.sqfs
out=$("$H" check --root /images/a.sqfs 2>&1)
t_is "$?" 1 "hutch check without the loop driver: 1"
t_like "$out" '^info +loop \(--root IMAGE\): kernel option CONFIG_BLK_DEV_LOOP' \
	"hutch check: the loop driver's line names its option"
t_like "$out" '^missing +--root IMAGE needs the loop driver' "and the start's refusal"
load loop
refused squashfs CONFIG_SQUASHFS --root /images/a.sqfs
refused erofs CONFIG_EROFS_FS --root /images/a.erofs
load squashfs
refused overlayfs CONFIG_OVERLAY_FS --root /images/a.sqfs --overlay tmpfs
# (erofs needs libcrc32c, which needs the crc32c algorithm, a module too)
for m in crc32c_generic libcrc32c erofs overlay; do
	load "$m"
done

loops() { grep -l /images/ /sys/block/loop*/loop/backing_file 2>/dev/null; }
no_loops() { [ -z "$(loops)" ]; }
mounts() { grep -E -- '/images|/dev/loop| - (squashfs|erofs|overlay) ' /proc/self/mountinfo; }
before=$(mounts)

out=$("$H" check --root /images/a.sqfs --overlay tmpfs 2>&1)
t_is "$?" 0 "hutch check --root a.sqfs --overlay tmpfs passes" || t_diag "$out"
t_like "$out" '^ok +squashfs \(--root IMAGE\)' "hutch check: squashfs"
t_like "$out" '^ok +erofs \(--root IMAGE\)' "hutch check: erofs"
t_like "$out" '^ok +overlay \(--overlay\)' "hutch check: overlayfs"

probe='cat /marker; touch /x 2>/dev/null && echo writable || echo read-only
awk "\$5 == \"/\" { for (i = 7; \$i != \"-\"; i++); print \$(i + 1) }" /proc/self/mountinfo'
for t in sqfs:squashfs erofs:erofs; do
	out=$("$H" --name "img-${t%%:*}" --restart no --root "/images/a.${t%%:*}" -- /bin/sh -c "$probe" 2>"$W/err")
	t_is "$?" 0 "--root a ${t#*:} image runs (cgroup v2, / on the initramfs)" || t_show "$W/err"
	t_is "$out" "$(printf 'A\nread-only\n%s' "${t#*:}")" "the service sees the ${t#*:} image, read-only"
	t_like "$(cat "$W/err")" 'pivot_root refused' "the MS_MOVE + chroot fallback was taken"
	t_ok "no loop device left" t_wait 5 no_loops
done

out=$("$H" --name img-ov --restart no --root /images/a.sqfs --overlay tmpfs:2M \
	-- /bin/sh -c 'echo w >/etc/w && cat /etc/w /marker' 2>"$W/err")
t_is "$out" "$(printf 'w\nA')" "--overlay tmpfs:2M over squashfs: writable" || t_show "$W/err"
mkdir -p /data && mount -t tmpfs tmpfs /data && mkdir -m 700 /data/ov
"$H" --name img-ov --restart no --root /images/a.erofs --overlay /data/ov \
	-- /bin/sh -c 'echo kept >/etc/kept' 2>"$W/err"
t_is "$(cat /data/ov/upper/etc/kept 2>&1)" kept "--overlay DIR over erofs: the write is in DIR/upper" ||
	t_show "$W/err"

# a long-running one: cgroup v2 files, then SIGKILL of the launcher
"$H" --name img-long --root /images/a.sqfs -- /bin/sleep 1000 2>"$W/long.err" &
launcher=$!
t_ok "the long-running sandbox's loop device is attached" t_wait 10 sh -c '[ -n "$(grep -l /images/a.sqfs /sys/block/loop*/loop/backing_file)" ]'
t_ok "its cgroup holds its processes" t_wait 5 grep -q . /sys/fs/cgroup/hutch/img-long/cgroup.procs
t_is "$(mounts)" "$before" "the guest's mount table does not show the image"
kill -KILL "$launcher"
wait "$launcher"
t_ok "SIGKILL to the launcher: the loop device is detached" t_wait 10 no_loops
t_is "$(mounts)" "$before" "the guest's mount table is as before"
rmdir /sys/fs/cgroup/hutch/img-long 2>/dev/null

"$H" --name img-long --root /images/a.erofs -- /bin/sleep 1000 2>"$W/long.err" &
launcher=$!
t_ok "again, on erofs" t_wait 10 sh -c '[ -n "$(grep -l /images/a.erofs /sys/block/loop*/loop/backing_file)" ]'
stop_launcher "$launcher" 20
t_is "$t_rc" 143 "SIGTERM: the launcher exits 143"
t_ok "the loop device is detached" t_wait 10 no_loops
t_ok "the cgroup is removed" test ! -e /sys/fs/cgroup/hutch/img-long
