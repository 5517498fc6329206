#!/bin/bash
# SPDX-License-Identifier: MIT
# 21-image-root.t: --root IMAGE and --overlay. Images of the test rootfs
# built here (mksquashfs, mkfs.erofs, mke2fs -d): the service runs from
# each, on a read-only root; the loop device is attached while the
# sandbox runs and gone after every way it ends (stop, SIGKILL of the
# launcher or of PID 1), and the host's mount table never shows the
# image's mount. --overlay tmpfs: writes land, a plain restart keeps them
# (the same sandbox), a rebuild drops them; --overlay DIR keeps them in
# DIR/upper. hutch restart --rebuild with a new image swaps the loop
# devices. A cut or corrupt image, a file that is no image, an image
# others could write, and overlays the kernel would refuse: exit 125, one
# line. Sandbox names start with img-.
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
. "$(dirname "$0")/../lib/sandbox.sh"
require_feature image daemon control
require_root
require_cmd timeout mksquashfs=squashfs-tools mkfs.erofs=erofs-utils mke2fs=e2fsprogs \
	losetup=util-linux unshare mount umount strace
require_hutch
tmp=$(mktemp -d /tmp/hutch-21.XXXXXX) || bail_out "mktemp -d failed"
tmp=$(realpath "$tmp")
chmod 755 "$tmp"
S=$tmp/state
names="img-t1 img-t2 img-t3 img-t4 img-t5 img-c1 img-c2 img-c3 img-c4 img-c5 img-c6"
cleanup() {
	# shellcheck disable=SC2086 # the names, a word each
	kill_named "$S" $names
	umount "$tmp/ovm" 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT
h() { timeout 30 "$HUTCH" "$@"; }
field() { h status --state-dir "$S" "$1" | sed -n "s/^$2: //p"; }
launcher_of() { sed -n 's/^pid=//p' "$S/$1/launcher"; }
# The loop devices whose backing file is in this test's directory, as
# the kernel says (sysfs) and as losetup -a says.
loops() {
	grep -lF "$tmp/" /sys/block/loop*/loop/backing_file 2>/dev/null
	losetup -a | grep -F "$tmp/"
}
no_loops() { [ -z "$(loops)" ]; }
# The host's mount lines that name this test's directory, a loop device,
# or an image's or overlay's file system.
host_mounts() {
	grep -E -- "$tmp|/dev/loop| - (squashfs|erofs|overlay) " /proc/self/mountinfo
}
cgroups_of() { ls -d /sys/fs/cgroup/*/hutch/"$1" /sys/fs/cgroup/hutch/"$1" 2>/dev/null; }
lines() { printf '%s\n' "$1" | wc -l; }

# --- the images ------------------------------------------------------------------
src=$tmp/src
cp -a "$ROOTFS" "$src" || bail_out "cannot copy the rootfs"
echo A >"$src/marker"
mksquashfs "$src" "$tmp/a.sqfs" -noappend -quiet -all-root >/dev/null ||
	bail_out "mksquashfs failed"
mkfs.erofs "$tmp/a.erofs" "$src" >/dev/null 2>&1 || bail_out "mkfs.erofs failed"
mke2fs -q -t ext4 -d "$src" "$tmp/a.ext4" 16M >/dev/null || bail_out "mke2fs -d failed"
echo B >"$src/marker"
mksquashfs "$src" "$tmp/b.sqfs" -noappend -quiet -all-root >/dev/null ||
	bail_out "mksquashfs failed"
mounts_before=$(host_mounts)

# --- each image: the service runs from it, on a read-only root -------------------
probe='cat /marker; touch /x 2>/dev/null && echo writable || echo read-only
awk "\$5 == \"/\" { for (i = 7; \$i != \"-\"; i++); print \$(i + 1) }" /proc/self/mountinfo'
for t in sqfs:squashfs erofs:erofs ext4:ext4; do
	out=$(h --name img-t1 --restart no --root "$tmp/a.${t%%:*}" -- /bin/sh -c "$probe" 2>"$tmp/err")
	is "$?" 0 "--root a ${t#*:} image: the service runs from it"
	is "$out" "$(printf 'A\nread-only\n%s' "${t#*:}")" \
		"it sees the image's files, / is read-only without --overlay, a ${t#*:} mount"
	is "$(loops)" "" "no loop device left after the ${t#*:} sandbox ended"
done
is "$(cgroups_of img-t1)" "" "and no cgroup"

# --- six at once: each takes a free loop device (EBUSY when another was first) ---
for i in 1 2 3 4 5 6; do
	h --name "img-c$i" --restart no --root "$tmp/a.sqfs" -- /bin/cat /marker \
		>"$tmp/c$i.out" 2>"$tmp/c$i.err" &
done
wait
for i in 1 2 3 4 5 6; do
	[ "$(cat "$tmp/c$i.out")" = A ] || diag "img-c$i: $(cat "$tmp/c$i.out" "$tmp/c$i.err")"
done
is "$(cat "$tmp"/c[1-6].out | tr -d '\n')" AAAAAA "six sandboxes started at once on one image all run"
ok "and no loop device is left" wait_for 5 no_loops

# --- the kernel's answers hutch must handle, injected by strace into PID 1's
# second ioctl (after LOOP_CTL_GET_FREE): ENOTTY and EINVAL, a kernel
# before 5.8 without LOOP_CONFIGURE (LOOP_SET_FD + LOOP_SET_STATUS64, and
# autoclear still detaches the device); EBUSY, another process was first
# (LOOP_CTL_GET_FREE asked again).
for e in ENOTTY EINVAL EBUSY; do
	out=$(timeout 30 strace -f -qq -e trace=ioctl -e inject=ioctl:error=$e:when=2 \
		-o "$tmp/strace.$e" "$HUTCH" --name img-t1 --restart no --root "$tmp/a.sqfs" \
		-- /bin/cat /marker </dev/null 2>"$tmp/err")
	is "$out" A "LOOP_CONFIGURE failing with $e: the service runs from the image"
	calls=$(grep -o 'LOOP_[A-Z_0-9]*' "$tmp/strace.$e" | tr '\n' ' ')
	if [ "$e" = EBUSY ]; then
		like "$calls" "^LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_CTL_GET_FREE LOOP_CONFIGURE $" \
			"$e: a free device asked for again, and configured"
	else
		like "$calls" "^LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_SET_FD LOOP_SET_STATUS64 $" \
			"$e: the pre-5.8 ioctls"
		like "$(grep LOOP_SET_STATUS64 "$tmp/strace.$e")" "LO_FLAGS_AUTOCLEAR" \
			"$e: the status sets autoclear"
	fi
	ok "$e: no loop device left" wait_for 5 no_loops
done

# --- while it runs: a loop device, and nothing on the host's mount table ----------
h --daemon --state-dir "$S" --name img-t2 --root "$tmp/a.sqfs" -- /bin/sleep 1000 </dev/null
is "$?" 0 "a sandbox on the squashfs image starts (--daemon)"
dev=$(grep -lF "$tmp/a.sqfs" /sys/block/loop*/loop/backing_file 2>/dev/null)
is "$(printf '%s' "$dev" | grep -c .)" 1 "one loop device has the image (sysfs)"
like "$(losetup -a)" "$tmp/a.sqfs" "losetup -a lists it"
dev=${dev%/loop/backing_file}
is "$(cat "$dev/ro")" 1 "the loop device is read-only"
is "$(host_mounts)" "$mounts_before" "the host's mount table is as before the start"
pid1=$(field img-t2 pid1)
like "$(grep ' / / ' "/proc/$pid1/mountinfo")" " - squashfs /dev/loop" \
	"the sandbox's root is the squashfs on the loop device"
h stop --state-dir "$S" img-t2
is "$?" 0 "hutch stop"
ok "the loop device is detached after the stop" wait_for 5 no_loops
is "$(host_mounts)" "$mounts_before" "nothing on the host's mount table"
is "$(cgroups_of img-t2)" "" "no cgroup left"

# --- SIGKILL of the launcher, then of PID 1 ----------------------------------------
h --daemon --state-dir "$S" --name img-t2 --root "$tmp/a.erofs" -- /bin/sleep 1000 </dev/null
is "$?" 0 "a sandbox on the erofs image starts"
ok "its loop device is there" test -n "$(loops)"
kill -9 "$(launcher_of img-t2)"
ok "SIGKILL to the launcher: the loop device is detached" wait_for 10 no_loops
is "$(host_mounts)" "$mounts_before" "nothing on the host's mount table"
for g in $(cgroups_of img-t2); do
	# The launcher removes the group; killed, it cannot (as for any root).
	ok "the launcher's cgroup $g is left, empty" test -z "$(cat "$g/cgroup.procs")"
	rmdir "$g"
done
rm -rf "${S:?}/img-t2"

h --daemon --state-dir "$S" --name img-t2 --root "$tmp/a.ext4" -- /bin/sleep 1000 </dev/null
is "$?" 0 "a sandbox on the ext4 image starts"
launcher=$(launcher_of img-t2)
kill -9 "$(field img-t2 pid1)"
ok "SIGKILL to PID 1: the launcher exits" wait_for 10 sh -c "! kill -0 $launcher"
ok "and the loop device is detached" wait_for 10 no_loops
is "$(cgroups_of img-t2)" "" "the launcher removed the cgroup"
is "$(host_mounts)" "$mounts_before" "nothing on the host's mount table"

# --- --overlay tmpfs: writable, kept by a restart, dropped by a rebuild -----------
starts='date >>/etc/starts && exec sleep 1000'
h --daemon --state-dir "$S" --name img-t3 --root "$tmp/a.sqfs" --overlay tmpfs:4M \
	-- /bin/sh -c "$starts" </dev/null
is "$?" 0 "--overlay tmpfs:4M over the squashfs image: the sandbox starts"
ex() { h exec --state-dir "$S" "$@" 2>&1; }
ok "the service wrote /etc/starts" wait_for 5 sh -c "[ \"\$(timeout 5 '$HUTCH' exec --state-dir '$S' img-t3 -- cat /etc/starts | wc -l)\" = 1 ]"
like "$(ex img-t3 -- df /)" "overlay +4096 " "/ is the overlay, on a 4 MiB tmpfs"
is "$(ex img-t3 -- cat /marker)" A "the image's files show through"
h restart --state-dir "$S" img-t3
ok "a plain restart keeps the sandbox and its overlay: two lines" wait_for 5 sh -c \
	"[ \"\$(timeout 5 '$HUTCH' exec --state-dir '$S' img-t3 -- cat /etc/starts | wc -l)\" = 2 ]"
h restart --state-dir "$S" --rebuild img-t3
is "$?" 0 "hutch restart --rebuild"
ok "a rebuild is a new sandbox: the tmpfs was dropped, one line" wait_for 5 sh -c \
	"[ \"\$(timeout 5 '$HUTCH' exec --state-dir '$S' img-t3 -- cat /etc/starts | wc -l)\" = 1 ]"
is "$(loops | grep -c '^/sys')" 1 "one loop device, not two"
is "$(host_mounts)" "$mounts_before" "nothing on the host's mount table"
h stop --state-dir "$S" img-t3
ok "stopped: no loop device left" wait_for 5 no_loops

# --- --overlay DIR: kept in DIR/upper ------------------------------------------------
sum=$(sha256sum <"$tmp/a.sqfs")
mkdir -m 700 "$tmp/ov"
h --name img-t3 --restart no --root "$tmp/a.sqfs" --overlay "$tmp/ov" \
	-- /bin/sh -c 'echo one >>/etc/kept; rm /marker' 2>"$tmp/err"
is "$?" 0 "--overlay DIR: a run writes and removes files"
is "$(cat "$tmp/ov/upper/etc/kept")" one "the write is in DIR/upper"
ok "and DIR/work is there" test -d "$tmp/ov/work"
out=$(h --name img-t3 --restart no --root "$tmp/a.sqfs" --overlay "$tmp/ov" \
	-- /bin/sh -c 'echo two >>/etc/kept; cat /etc/kept; cat /marker 2>&1' 2>"$tmp/err")
is "$out" "$(printf 'one\ntwo\ncat: can'"'"'t open '"'"'/marker'"'"': No such file or directory')" \
	"the next sandbox finds them: the write kept, the removal too"
is "$(sha256sum <"$tmp/a.sqfs")" "$sum" "the image is unchanged"
no_loops
ok "no loop device left" test $? -eq 0

h --daemon --state-dir "$S" --name img-t4 --root "$tmp/a.sqfs" --overlay "$tmp/ov" \
	-- /bin/sleep 1000 </dev/null
out=$(h --name img-t5 --root "$tmp/a.erofs" --overlay "$tmp/ov" -- /bin/true 2>&1)
is "$?" 125 "a second sandbox on the same --overlay DIR: 125"
like "$out" "--overlay $tmp/ov: another sandbox has it as its overlay" "and says so"
is "$(lines "$out")" 1 "in one line"
h stop --state-dir "$S" img-t4
ok "no loop device left" wait_for 5 no_loops

# --- a directory root with an overlay; --chroot ----------------------------------------
out=$(h --name img-t3 --restart no --root "$src" --overlay tmpfs -- /bin/sh -c \
	'echo x >/new && cat /new && awk "\$5 == \"/\" { print \$9 }" /proc/self/mountinfo' 2>"$tmp/err")
is "$out" "$(printf 'x\noverlay')" "--overlay tmpfs over a directory root: / is an overlay, writable"
ok "the directory is unchanged" test ! -e "$src/new"
out=$(h --name img-t3 --restart no --chroot --root "$tmp/a.sqfs" --overlay tmpfs \
	-- /bin/sh -c 'echo y >/new && cat /new /marker' 2>"$tmp/err")
is "$out" "$(printf 'y\nA')" "--chroot (MS_MOVE + chroot) with an image and an overlay"
ok "no loop device left" wait_for 5 no_loops

# --- an update: a new image, hutch restart --rebuild ------------------------------------
ln -s a.sqfs "$tmp/current.sqfs"
cat >"$tmp/web.conf" <<EOF
name = img-t4
root = $tmp/current.sqfs
overlay = tmpfs
command = /bin/sh -c 'cat /marker >/tmp/seen; exec sleep 1000'
EOF
h --daemon --state-dir "$S" -f "$tmp/web.conf" </dev/null
is "$?" 0 "root = a symlink to image A"
is "$(ex img-t4 -- cat /marker)" A "the service sees A"
ln -sfn b.sqfs "$tmp/current.sqfs"
h restart --state-dir "$S" --rebuild img-t4
is "$?" 0 "the link moved to image B: hutch restart --rebuild"
is "$(ex img-t4 -- cat /marker)" B "the service sees B"
ok "A's loop device is detached" wait_for 5 sh -c \
	"! grep -qF '$tmp/a.sqfs' /sys/block/loop*/loop/backing_file 2>/dev/null"
is "$(grep -lF "$tmp/b.sqfs" /sys/block/loop*/loop/backing_file | grep -c .)" 1 \
	"B's is attached, once"
printf 'truncated' >"$tmp/bad.sqfs"
ln -sfn bad.sqfs "$tmp/current.sqfs"
out=$(h restart --state-dir "$S" --rebuild img-t4 2>&1)
is "$?" 1 "a rebuild onto a file that is no image: refused"
like "$out" "not rebuilt, it runs on as it was: --root $tmp/current.sqfs is neither a directory nor a squashfs, erofs or ext4 image" \
	"and says why"
is "$(ex img-t4 -- cat /marker)" B "the sandbox runs on, on B"
h stop --state-dir "$S" img-t4
ok "stopped: no loop device left" wait_for 5 no_loops
is "$(host_mounts)" "$mounts_before" "nothing on the host's mount table"

# --- bad images: one line, 125, nothing left --------------------------------------------
bad() { # FILE WHAT PATTERN
	out=$(h --name img-t5 --root "$1" -- /bin/true 2>&1)
	is "$?" 125 "$2: exit 125"
	like "$out" "$3" "$2: says why"
	is "$(lines "$out")" 1 "$2: in one line"
}
head -c 300000 "$tmp/a.sqfs" >"$tmp/cut.sqfs"
bad "$tmp/cut.sqfs" "a squashfs image cut short" \
	"--root $tmp/cut.sqfs: squashfs image cut short: its superblock says [0-9]+ bytes, the file has 300000"
head -c 300000 "$tmp/a.erofs" >"$tmp/cut.erofs"
bad "$tmp/cut.erofs" "an erofs image cut short" "erofs image cut short"
cp "$tmp/a.sqfs" "$tmp/corrupt.sqfs"
printf '\011\000' | dd of="$tmp/corrupt.sqfs" bs=1 seek=28 conv=notrunc 2>/dev/null
bad "$tmp/corrupt.sqfs" "a squashfs image with a bad superblock (version 9)" \
	"--root $tmp/corrupt.sqfs: the kernel refused the squashfs image on /dev/loop[0-9]+: Invalid argument"
ok "no loop device left by the refused mount" wait_for 5 no_loops
echo 'not an image' >"$tmp/text"
bad "$tmp/text" "a text file" \
	"--root $tmp/text is neither a directory nor a squashfs, erofs or ext4 image"
: >"$tmp/empty"
bad "$tmp/empty" "an empty file" "neither a directory nor a squashfs"

# The trust rule of trust.c: the kernel parses the image and the loop
# device reads it while the service runs.
mkdir -m 777 "$tmp/pub"
cp "$tmp/a.sqfs" "$tmp/pub/a.sqfs"
bad "$tmp/pub/a.sqfs" "an image in a directory others can write" \
	"--root $tmp/pub/a.sqfs: $tmp/pub is not safe to use"
cp "$tmp/a.sqfs" "$tmp/gw.sqfs" && chmod 664 "$tmp/gw.sqfs"
bad "$tmp/gw.sqfs" "a group-writable image" "only its owner .* can write"
cp "$tmp/a.sqfs" "$tmp/nobody.sqfs" && chown 65534 "$tmp/nobody.sqfs" && chmod 644 "$tmp/nobody.sqfs"
bad "$tmp/nobody.sqfs" "an image of another user's" "only its owner .* can write"
out=$(h --name img-t5 --userns --root "$tmp/a.sqfs" -- /bin/true 2>&1)
is "$?" 125 "an image root with --userns: 125"
like "$out" "is an image: not with --userns" "and says why"
is "$(loops)" "" "no loop device left by the refusals"

# --- overlays that cannot be ---------------------------------------------------------------
out=$(h --name img-t5 --overlay tmpfs -- /bin/true 2>&1)
is "$?" 125 "--overlay without --root: 125"
like "$out" "--overlay needs --root" "says why"
out=$(h --name img-t5 --root "$tmp/a.sqfs" --overlay tmpfs --read-only -- /bin/true 2>&1)
is "$?" 125 "--overlay with --read-only: 125"
out=$(h --name img-t5 --root "$tmp/a.sqfs" --overlay tmpfs:lots -- /bin/true 2>&1)
is "$?" 125 "--overlay tmpfs:lots: 125"
like "$out" "'lots' is not a size" "says why"
mkdir "$src/ov"
out=$(h --name img-t5 --root "$src" --overlay "$src/ov" -- /bin/true 2>&1)
is "$?" 125 "--overlay DIR inside the root directory: 125"
like "$out" "--overlay $src/ov and --root $src overlap" "says why"
mkdir -p "$tmp/ovx/upper" && chmod 700 "$tmp/ovx"
cp -a "$ROOTFS" "$tmp/ovx/upper/r"
out=$(h --name img-t5 --root "$tmp/ovx/upper/r" --overlay "$tmp/ovx" -- /bin/true 2>&1)
is "$?" 125 "--root inside --overlay DIR's upper layer: 125"
like "$out" "--overlay $tmp/ovx and --root $tmp/ovx/upper/r overlap" "says why"
ln -s ovx/upper/r "$tmp/hidden"
out=$(h --name img-t5 --root "$tmp/hidden" --overlay "$tmp/ovx" -- /bin/true 2>&1)
is "$?" 125 "the same through a symlink: 125 (the kernel's ELOOP)"
like "$out" "--overlay $tmp/ovx: the kernel refused the overlay: .* \\(its layers overlap\\)" \
	"said as the layers overlapping"
mkdir -m 700 "$tmp/ovs"
out=$(h --name img-t5 --restart no --root "$src" --overlay "$tmp/ovs" -- /bin/sh -c 'echo s >/s' 2>&1)
is "$?" 0 "--overlay DIR on the same file system as a directory root, apart: allowed"
is "$(cat "$tmp/ovs/upper/s")" s "the write in DIR/upper"
# DIR/upper holds what the service writes, as root: a DIR others may
# enter would let them run a setuid-root file it made (review of
# 2026-12-03); and hold DIR's lock.
mkdir -m 755 "$tmp/ovopen"
out=$(h --name img-t5 --root "$tmp/a.sqfs" --overlay "$tmp/ovopen" -- /bin/true 2>&1)
is "$?" 125 "--overlay DIR that other users may enter (0755): 125"
like "$out" "--overlay $tmp/ovopen is open to other users \(mode 755\): .* chmod 700 $tmp/ovopen" \
	"names the mode and the fix"
ok "and makes nothing in it" test -z "$(ls -A "$tmp/ovopen")"
out=$(h --name img-t5 --root "$tmp/a.sqfs" --overlay "$tmp/nosuch" -- /bin/true 2>&1)
is "$?" 125 "--overlay DIR that is not there: 125"
# An upper layer on an overlay: the kernel refuses it ("not supported as
# upperdir"); hutch says so before. The overlay is mounted in a mount
# namespace of the test's own, where hutch runs too.
mkdir -p "$tmp/ovl/l" "$tmp/ovl/u" "$tmp/ovl/w" "$tmp/ovm"
out=$(unshare -m --propagation private sh -c "mount -t overlay ovl -o \
lowerdir=$tmp/ovl/l,upperdir=$tmp/ovl/u,workdir=$tmp/ovl/w $tmp/ovm && mkdir -m 700 $tmp/ovm/d &&
	timeout 30 '$HUTCH' --name img-t5 --root '$tmp/a.sqfs' --overlay '$tmp/ovm/d' -- /bin/true" 2>&1)
is "$?" 125 "--overlay DIR on an overlayfs: 125"
like "$out" "--overlay $tmp/ovm/d is on overlayfs, which overlayfs does not take as an upper layer" \
	"names the file system"
is "$(lines "$out")" 1 "in one line"
is "$(loops)" "" "no loop device left"

# Two relative symlinks in a row (d/a -> b -> img.sqfs): each hop from its
# own link's directory. image_open read the second link over the path it
# still used, and looked for img.sqfs in the caller's directory instead
# (a review of 2026-12-03; a decoy there was opened).
mkdir -p "$tmp/hops/d" "$tmp/hops/cwd"
cp "$tmp/a.sqfs" "$tmp/hops/d/img.sqfs"
ln -s b "$tmp/hops/d/a" && ln -s img.sqfs "$tmp/hops/d/b"
cp "$tmp/b.sqfs" "$tmp/hops/cwd/img.sqfs" # the decoy (image B), where the bug looked
out=$(cd "$tmp/hops/cwd" && h --name img-t5 --restart no --root "$tmp/hops/d/a" \
	-- /bin/cat /marker 2>"$tmp/err")
is "$out" A "two relative symlinks: the image is found from each link's directory (A, not the decoy B)"

# --- hutch check --------------------------------------------------------------------------------
out=$(h check --name img-t5 --root "$tmp/a.sqfs" --overlay tmpfs 2>&1)
is "$?" 0 "hutch check with an image root and an overlay: 0"
like "$out" "ok +squashfs \(--root IMAGE\)" "it reports squashfs"
like "$out" "ok +overlay \(--overlay\)" "and overlayfs"
like "$out" "ok +loop \(--root IMAGE\)" "and the loop driver"
out=$(h check --name img-t5 --root "$tmp/cut.sqfs" 2>&1)
is "$?" 1 "hutch check with a cut image: 1"
like "$out" "missing +--root $tmp/cut.sqfs: squashfs image cut short" "with the start's refusal"

is "$(host_mounts)" "$mounts_before" "at the end, the host's mount table is as at the start"
is "$(loops)" "" "and no loop device of this test is left"
for n in $names; do
	is "$(cgroups_of "$n")" "" "no cgroup $n left"
done
done_testing
