#!/bin/bash
# SPDX-License-Identifier: MIT
# 20-mounts.t: the sandbox's file system. The root switch (pivot_root, and
# --chroot), /proc, the minimal /dev, /tmp, the user's --bind, --ro-bind and
# --tmpfs, --read-only, --workdir, mount points created in (or refused by) a
# root image, running without --root, and the service's environment.
#
# Tests that change a root image use a copy of $ROOTFS in a temporary
# directory; $ROOTFS itself is only ever read. Needs root.

source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"

require_root
require_cmd timeout mount umount mktemp stat
require_hutch

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
submount=
cleanup() {
	[ -z "$submount" ] || umount "$submount" 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# run_hutch ARGS...: one bounded run; sets rc, out and err.
run_hutch() {
	timeout 20 "$HUTCH" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# val KEY: the value of the "KEY=..." line the service printed.
val() {
	sed -n "s/^$1=//p" <<<"$out"
}

# mnt_awk: given m, prints "TYPE OPTIONS SUPER-OPTIONS" of each mount on m
# in /proc/self/mountinfo. The services get it as $MNT (-e MNT=...) and
# define mnt() { awk -v m="$1" "$MNT" /proc/self/mountinfo; }.
mnt_awk='$5 == m { for (i = 7; $i != "-"; i++) ; print $(i + 1), $6, $(i + 3) }'
mnt_fn='mnt() { awk -v m="$1" "$MNT" /proc/self/mountinfo; }'

# A copy of the root image, a host directory to bind (with a tmpfs mounted
# under it, to tell --bind's recursion from --ro-bind's), a marker file the
# sandbox must not see, and a directory a symlink in the image points at.
root=$tmp/root
cp -a "$ROOTFS" "$root" || bail_out "cannot copy $ROOTFS"
mkdir -p "$tmp/data/sub" "$tmp/outside" "$tmp/nr-dst" || bail_out "cannot create directories in $tmp"
echo hello >"$tmp/data/hello"
echo host-marker >"$tmp/host-marker"
mount -t tmpfs -o size=1m hutch-test "$tmp/data/sub" || bail_out "cannot mount a tmpfs on $tmp/data/sub"
submount=$tmp/data/sub
echo in-submount >"$tmp/data/sub/subfile"

# --- the root switch -----------------------------------------------------------

run_hutch --restart no -r "$ROOTFS" -e "MARKER=$tmp/host-marker" -e "HOSTTMP=$tmp" \
	-e "MNT=$mnt_awk" -- /bin/sh -c "$mnt_fn"'
	echo "root=$(stat -c %d:%i /)"
	[ -e "$MARKER" ] && echo "marker=seen" || echo "marker=unseen"
	[ -d "$HOSTTMP" ] && echo "hosttmp=seen" || echo "hosttmp=unseen"
	echo "rootls=$(ls -A / | tr "\n" " ")"
	cd /..
	echo "pwd=$(pwd)"
	echo "upls=$(ls -A | tr "\n" " ")"
	echo "proc1root=$(readlink /proc/1/root)"
	echo "selfroot=$(readlink /proc/self/root)"
	echo "mounts=$(awk "{ print \$5 }" /proc/self/mountinfo | sort | tr "\n" " ")"
	echo "procmnt=$(mnt /proc)"
	echo "devmnt=$(mnt /dev)"
	echo "ptsmnt=$(mnt /dev/pts)"
	echo "shmmnt=$(mnt /dev/shm)"
	echo "tmpmnt=$(mnt /tmp)"
	echo "devls=$(ls -A /dev | tr "\n" " ")"
	for d in null zero full random urandom tty; do
		echo "node=$(stat -c "%n %F %t:%T" /dev/$d)"
	done
	for l in fd stdin stdout stderr ptmx; do echo "link=$l $(readlink /dev/$l)"; done
	[ -c /dev/pts/ptmx ] && echo "ptsptmx=yes" || echo "ptsptmx=no"
	echo x >/dev/null && echo "null=ok" || echo "null=failed"
	echo "urandom=$(head -c 16 /dev/urandom | wc -c)"
	echo "zero=$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")"
	msg=$( (echo x >/dev/full) 2>&1); r=$?
	echo "full=$msg rc=$r"
	echo shm >/dev/shm/f && echo "shm=$(cat /dev/shm/f)"
	echo "tmpmode=$(stat -c %a /tmp)"
	echo written-in-tmp >/tmp/hutch-20-tmpfile && echo "tmp=$(cat /tmp/hutch-20-tmpfile)"
	exit 0'
is "$rc" 0 "a service probing its root exits 0"
is "$(val root)" "$(stat -c %d:%i "$ROOTFS")" "the service's / is the --root directory (same device and inode)"
is "$(val marker)" unseen "a file on the host outside the root is not visible"
is "$(val hosttmp)" unseen "the host directory the test works in is not reachable"
is "$(val rootls)" "$(ls -A "$ROOTFS" | tr '\n' ' ')" "/ lists what the root image holds"
is "$(val pwd)" / "cd /.. stays at /"
is "$(val upls)" "$(val rootls)" "/.. is / itself"
is "$(val proc1root)" "" "/proc/1/root is out of reach: PID 1 is not dumpable and the service has no CAP_SYS_PTRACE"
is "$(val selfroot)" / "/proc/self/root resolves to /"
# The masks below /proc depend on what this kernel has: compared apart.
is "$(val mounts | tr ' ' '\n' | grep -v -e '^/proc/' -e '^$' | tr '\n' ' ')" \
	"/ /dev /dev/full /dev/null /dev/pts /dev/random /dev/shm /dev/tty /dev/urandom /dev/zero /proc /tmp " \
	"the sandbox's mount table holds only its own mounts (the old root is detached)"
procmasks=$(val mounts | tr ' ' '\n' | grep '^/proc/' | grep -vxE '/proc/(kcore|kallsyms|keys|key-users|timer_list|sched_debug|kmsg|sysrq-trigger|latency_stats|acpi|scsi|asound|sys|irq|bus|fs)')
is "$procmasks" "" "every mount below /proc is one of hutch's masks or read-only binds"

procmnt=$(val procmnt)
like "$procmnt" '^proc ' "/proc is a proc mount"
like "$procmnt" '[ ,]nosuid(,|$)' "/proc is nosuid"
like "$procmnt" '[ ,]nodev(,|$)' "/proc is nodev"
like "$procmnt" '[ ,]noexec(,|$)' "/proc is noexec"

devmnt=$(val devmnt)
like "$devmnt" '^tmpfs ' "/dev is a tmpfs"
like "$devmnt" '^tmpfs rw,nosuid,nodev,noexec[, ]' "/dev is nosuid, nodev and noexec"
like "$devmnt" '[ ,]size=64k(,|$)' "/dev is a 64k tmpfs"
is "$(val devls)" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " \
	"/dev holds exactly the expected entries"
is "$(val node | tr '\n' '|')" \
	"/dev/null character special file 1:3|/dev/zero character special file 1:5|/dev/full character special file 1:7|/dev/random character special file 1:8|/dev/urandom character special file 1:9|/dev/tty character special file 5:0|" \
	"the devices are the host's null, zero, full, random, urandom and tty"
is "$(val link | tr '\n' '|')" \
	"fd /proc/self/fd|stdin /proc/self/fd/0|stdout /proc/self/fd/1|stderr /proc/self/fd/2|ptmx pts/ptmx|" \
	"/dev/fd, stdin, stdout, stderr and ptmx are the usual symlinks"
like "$(val ptsmnt)" '^devpts ' "/dev/pts is a devpts mount"
is "$(val ptsptmx)" yes "/dev/pts has its own ptmx (a new devpts instance)"
like "$(val shmmnt)" '^tmpfs ' "/dev/shm is a tmpfs"
is "$(val shm)" shm "/dev/shm is writable"
is "$(val null)" ok "writing to /dev/null works"
is "$(val urandom)" 16 "16 bytes can be read from /dev/urandom"
is "$(val zero)" 00000000 "/dev/zero reads zeros"
like "$(val full)" '[Nn]o space left on device.* rc=[1-9]' "writing to /dev/full fails with ENOSPC"
like "$(val tmpmnt)" '^tmpfs ' "/tmp is a tmpfs"
is "$(val tmpmode)" 1777 "/tmp is mode 1777"
is "$(val tmp)" written-in-tmp "/tmp is writable"
ok "what the service wrote to /tmp did not reach the root image" \
	test ! -e "$ROOTFS/tmp/hutch-20-tmpfile"

# --- --bind, --ro-bind, --tmpfs, and mount points created in the image ------

run_hutch --restart no -r "$root" \
	--bind "$tmp/data:/home" --ro-bind "$tmp/data:/var" --tmpfs /run:1M \
	--bind "$tmp/data:/new/deep/dir" --ro-bind "$tmp/data/hello:/etc/newfile" \
	--tmpfs /made/here -e "MNT=$mnt_awk" -- /bin/sh -c "$mnt_fn"'
	echo "bindread=$(cat /home/hello)"
	echo written-inside >/home/from-inside && echo "bindwrite=ok" || echo "bindwrite=failed"
	echo "bindsub=$(cat /home/sub/subfile 2>/dev/null)"
	echo "roread=$(cat /var/hello)"
	echo x >/var/ro-new 2>/dev/null && echo "rowrite=ok" || echo "rowrite=failed"
	echo x >>/var/hello 2>/dev/null && echo "roappend=ok" || echo "roappend=failed"
	[ -e /var/sub/subfile ] && echo "rosub=seen" || echo "rosub=unseen"
	echo "romnt=$(mnt /var)"
	echo "tmpfsopts=$(mnt /run)"
	echo "tmpfsdf=$(df -k /run | awk "NR == 2 { print \$2 }")"
	echo x >/run/f && echo "tmpfswrite=ok" || echo "tmpfswrite=failed"
	echo "deep=$(cat /new/deep/dir/hello)"
	echo "newfile=$(cat /etc/newfile)"
	echo "madehere=$(mnt /made/here)"
	exit 0'
is "$rc" 0 "a service with binds and tmpfs mounts exits 0"
is "$(val bindread)" hello "--bind: the host directory's file is readable"
is "$(val bindwrite)" ok "--bind: the service can write"
is "$(cat "$tmp/data/from-inside" 2>/dev/null)" written-inside "--bind: what the service wrote is on the host"
is "$(val bindsub)" in-submount "--bind is recursive: a mount under the source comes along"
is "$(val roread)" hello "--ro-bind: the file is readable"
is "$(val rowrite)" failed "--ro-bind: creating a file fails"
is "$(val roappend)" failed "--ro-bind: appending to a file fails"
ok "--ro-bind: nothing was created on the host" test ! -e "$tmp/data/ro-new"
is "$(cat "$tmp/data/hello")" hello "--ro-bind: the host file is unchanged"
is "$(val rosub)" unseen "--ro-bind is not recursive: the mount under the source stays out"
like "$(val romnt)" '^[^ ]+ ro(,| )' "--ro-bind: the mount is read-only in mountinfo"
like "$(val tmpfsopts)" '^tmpfs .*size=1024k' "--tmpfs DST:1M: a 1 MiB tmpfs in mountinfo"
is "$(val tmpfsdf)" 1024 "--tmpfs DST:1M: df shows 1024 1K-blocks"
is "$(val tmpfswrite)" ok "--tmpfs: the tmpfs is writable"
is "$(val deep)" hello "a bind on a missing path works"
ok "the missing directories of a bind's mount point were created in the image" \
	test -d "$root/new/deep/dir" -a ! -L "$root/new/deep/dir"
is "$(val newfile)" hello "a file bind on a missing path works"
ok "a file bind's missing mount point was created as an empty regular file" \
	test -f "$root/etc/newfile" -a ! -s "$root/etc/newfile"
like "$(val madehere)" '^tmpfs ' "a --tmpfs on a missing path works"
ok "a --tmpfs's missing mount point was created as a directory" test -d "$root/made/here"
ok "the binds did not leave their contents in the image" test ! -e "$root/new/deep/dir/hello"

run_hutch --restart no -r "$ROOTFS" --tmpfs /tmp:2M -e "MNT=$mnt_awk" -- /bin/sh -c "$mnt_fn"'
	mnt /tmp'
like "$out" '^tmpfs .*size=2048k' "--tmpfs /tmp:2M takes the place of the default /tmp"
is "$(wc -l <<<"$out")" 1 "with --tmpfs /tmp there is a single /tmp mount"

# --- --read-only ---------------------------------------------------------------

run_hutch --restart no -r "$root" --read-only -e "MNT=$mnt_awk" -- /bin/sh -c "$mnt_fn"'
	touch /rofile 2>/dev/null && echo "root=writable" || echo "root=readonly"
	touch /tmp/f && echo "tmp=writable" || echo "tmp=readonly"
	echo x >/dev/null && echo "dev=writable" || echo "dev=readonly"
	echo x >/dev/shm/f && echo "shm=writable" || echo "shm=readonly"
	echo "rootmnt=$(mnt /)"'
is "$rc" 0 "a service with --read-only exits 0"
is "$(val root)" readonly "--read-only: writing to / fails"
ok "--read-only: nothing was created in the image" test ! -e "$root/rofile"
is "$(val tmp)" writable "--read-only: /tmp stays writable"
is "$(val dev)" writable "--read-only: /dev/null stays writable"
is "$(val shm)" writable "--read-only: /dev/shm stays writable"
like "$(val rootmnt)" '^[^ ]+ ro(,| )' "--read-only: / is mounted ro"

# --- --workdir -------------------------------------------------------------------

run_hutch --restart no -r "$ROOTFS" --workdir /etc -- /bin/sh -c 'pwd; cat hostname'
is "$(sed -n 1p <<<"$out")" /etc "--workdir: the service starts in that directory"
is "$(sed -n 2p <<<"$out")" "$(cat "$ROOTFS/etc/hostname")" "--workdir: relative paths resolve from it"
run_hutch --restart no -r "$ROOTFS" -- /bin/pwd
is "$out" / "without --workdir the service starts in /"
run_hutch --restart no --workdir "$tmp/data" -- /bin/pwd
is "$out" "$tmp/data" "--workdir works without --root"

# --- symlinked mount points are refused -------------------------------------------

ln -s "$tmp/outside" "$root/link"
run_hutch --restart no -r "$root" --bind "$tmp/data:/link/x" -- /bin/echo ran
is "$rc" 125 "a bind through a symlink in the image is refused (exit 125)"
like "$err" "^hutch.*symlink" "... with a message about the symlink"
is "$out" "" "... and the service did not run"
ok "... and nothing was created where the symlink points" test ! -e "$tmp/outside/x"
run_hutch --restart no -r "$root" --tmpfs /link -- /bin/echo ran
is "$rc:$out" "125:" "a --tmpfs on a symlink is refused (exit 125)"
run_hutch --restart no -r "$root" --ro-bind "$tmp/data/hello:/link" -- /bin/echo ran
is "$rc:$out" "125:" "a file bind onto a symlink is refused (exit 125)"
is "$(ls -A "$tmp/outside")" "" "the symlink's target is still empty"
rm -f "$root/link"

root2=$tmp/root2
cp -a "$ROOTFS" "$root2" && rm -rf "$root2/tmp" && ln -s "$tmp/outside" "$root2/tmp" ||
	bail_out "cannot make a root image whose /tmp is a symlink"
run_hutch --restart no -r "$root2" -- /bin/echo ran
is "$rc:$out" "125:" "an image whose /tmp is a symlink is refused (exit 125)"
like "$err" "^hutch.*symlink" "... with a message about the symlink"
is "$(ls -A "$tmp/outside")" "" "... and the symlink's target is still empty"
rm -f "$root2/tmp" && mkdir -m 1777 "$root2/tmp" && rm -rf "${root2:?}/dev" && ln -s "$tmp/outside" "$root2/dev" ||
	bail_out "cannot make a root image whose /dev is a symlink"
run_hutch --restart no -r "$root2" -- /bin/echo ran
is "$rc:$out" "125:" "an image whose /dev is a symlink is refused (exit 125)"
is "$(ls -A "$tmp/outside")" "" "... and the symlink's target is still empty"

# --- --chroot: MS_MOVE + chroot instead of pivot_root ---------------------------

run_hutch --restart no -r "$ROOTFS" --chroot -e "MARKER=$tmp/host-marker" -- /bin/sh -c '
	echo "root=$(stat -c %d:%i /)"
	[ -e "$MARKER" ] && echo "marker=seen" || echo "marker=unseen"
	cd /..
	echo "pwd=$(pwd)"
	echo "upls=$(ls -A | tr "\n" " ")"
	echo "proc1root=$(readlink /proc/1/root)"
	set -- /proc/[0-9]*
	echo "procs=$*"
	echo "devls=$(ls -A /dev | tr "\n" " ")"
	echo x >/tmp/f && echo "tmp=ok"
	echo "pid=$$"'
is "$rc" 0 "--chroot: the service runs and exits 0"
is "$(val root)" "$(stat -c %d:%i "$ROOTFS")" "--chroot: the service's / is the --root directory"
is "$(val marker)" unseen "--chroot: host files are not visible"
is "$(val pwd)" / "--chroot: cd /.. stays at /"
is "$(val upls)" "$(ls -A "$ROOTFS" | tr '\n' ' ')" "--chroot: /.. lists the root image"
is "$(val proc1root)" "" "--chroot: /proc/1/root is out of reach too"
is "$(val procs)" "/proc/1 /proc/2" "--chroot: a fresh /proc with only the sandbox's processes"
is "$(val devls)" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " \
	"--chroot: the same minimal /dev"
is "$(val tmp)" ok "--chroot: /tmp is writable"

# --- no --root: the host's root, a fresh /proc ---------------------------------

host_proc_dev=$(awk '$5 == "/proc" { print $3 }' /proc/self/mountinfo | tail -n 1)
run_hutch --restart no -e "MARKER=$tmp/host-marker" --bind "$tmp/data:$tmp/nr-dst" -- /bin/sh -c '
	echo "root=$(stat -c %d:%i /)"
	[ -e "$MARKER" ] && echo "marker=seen" || echo "marker=unseen"
	set -- /proc/[0-9]*
	echo "procs=$*"
	echo "procdev=$(awk "\$5 == \"/proc\" { print \$3 }" /proc/self/mountinfo | tail -n 1)"
	echo "tmpmounts=$(awk "\$5 == \"/tmp\"" /proc/self/mountinfo | wc -l)"
	echo "bound=$(cat "${MARKER%/*}/nr-dst/hello")"
	echo nr >"${MARKER%/*}/nr-dst/nr-written" && echo "bindwrite=ok"'
is "$rc" 0 "without --root the service runs and exits 0"
is "$(val root)" "$(stat -c %d:%i /)" "without --root the service's / is the host's"
is "$(val marker)" seen "without --root host files are visible"
is "$(val procs)" "/proc/1 /proc/2" "without --root /proc is fresh: only the sandbox's processes"
isnt "$(val procdev)" "$host_proc_dev" "without --root the top /proc mount is a new one"
is "$(val tmpmounts)" "$(awk '$5 == "/tmp"' /proc/self/mountinfo | wc -l)" \
	"without --root no tmpfs is mounted on /tmp"
is "$(val bound)" hello "without --root a bind onto an existing directory works"
is "$(cat "$tmp/data/nr-written" 2>/dev/null)" nr "... and writes go through to the source"
is "$(ls -A "$tmp/nr-dst")" "" "... while the host's mount point stays as it was"
run_hutch --restart no --bind "$tmp/data:$tmp/nr-missing" -- /bin/echo ran
is "$rc:$out" "125:" "without --root a bind onto a missing mount point is refused (exit 125)"
ok "... and the mount point was not created on the host" test ! -e "$tmp/nr-missing"

# --- the environment ---------------------------------------------------------------

timeout_bin=$(command -v timeout)
std_path=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
out=$(env -i SECRET=s "$timeout_bin" 20 "$HUTCH" -q --restart no -r "$ROOTFS" -- /usr/bin/env </dev/null | sort)
is "$(tr '\n' ' ' <<<"$out")" "HOME=/ $std_path " \
	"the environment is exactly PATH and HOME when hutch has no TERM"
out=$(env -i TERM=vt100 SECRET=s FOO=bar "$timeout_bin" 20 "$HUTCH" -q --restart no -r "$ROOTFS" \
	-e FOO --env X=1 -e X=2 --env 'Q=a=b c' -- /usr/bin/env </dev/null | sort)
is "$(tr '\n' '|' <<<"$out")" "FOO=bar|HOME=/|$std_path|Q=a=b c|TERM=vt100|X=2|" \
	"the environment is PATH, HOME, TERM and the --env entries (KEY copied, the last KEY=VALUE wins)"
out=$(env -i TERM=vt100 "$timeout_bin" 20 "$HUTCH" -q --restart no -r "$ROOTFS" \
	-e TERM=dumb -e HOME=/tmp -e PATH=/usr/bin:/bin -- env </dev/null | sort)
is "$(tr '\n' '|' <<<"$out")" "HOME=/tmp|PATH=/usr/bin:/bin|TERM=dumb|" \
	"--env replaces PATH, HOME and TERM rather than adding second entries"

done_testing
