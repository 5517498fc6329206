#!/bin/bash
# SPDX-License-Identifier: MIT
# 96-statedir.t: the state directory on systems without /run (issue 13.1).
# Each case runs in a private mount namespace (unshare -m) whose /run,
# /var, /tmp and /dev/shm are replaced by tmpfs mounts as the case needs:
# OpenWrt (no /run, /var a tmpfs without /var/run), only a tmpfs found
# elsewhere, nothing writable at all, an unsafe candidate. The cases print
# what they saw as KEY=VALUE lines; the namespace, and every mount in it,
# ends with them. Sandbox names are t96-*, unique to this file. Also here,
# as it needs a mount namespace too: hutch check on a read-only root image
# and without /proc (issue 13.4).
. "$(dirname "$0")/../lib/tap.sh"
require_root
require_cmd unshare=util-linux timeout
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"

# Not in /tmp, /var, /run or /dev/shm, which the cases cover: beside hutch.
tmp=$(mktemp -d "$(dirname "$HUTCH")/t96.XXXXXX") || bail_out "cannot create a temporary directory"
trap 'rm -rf --one-file-system -- "$tmp"' EXIT
groups() { find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -path '*/hutch/t96-*' -type d | sort; }
# the host's mounts where the cases mount (others are the machine's business)
mounts() { awk '$5 ~ /^\/(run|var|tmp|dev\/shm|proc)$/' /proc/self/mountinfo; }
mounts_before=$(mounts)

# in_ns SETUP SCRIPT: SCRIPT run by bash in a new mount namespace after
# SETUP (mount commands); H and R name hutch and the rootfs there.
in_ns() {
	timeout 120 unshare -m --propagation private bash -c "
		H='$HUTCH' R='$ROOTFS' T='$tmp'
		$1
		$2" 2>&1 </dev/null
}
val() { sed -n "s/^$1=//p" <<<"$out" | head -n 1; }

# --- OpenWrt: no /run, /var a tmpfs without /var/run ---------------------------
openwrt='mount -t tmpfs -o ro,mode=755 t96 /run && mount -t tmpfs -o mode=755 t96 /var'
out=$(in_ns "$openwrt" '
	echo "check=$($H check --root "$R" | grep "state directory")"
	$H --daemon --root "$R" --name t96-owrt --pidfile "$T/owrt.pid" -- /bin/sleep 1000 >/dev/null 2>"$T/owrt.err"
	echo "start=$?"
	echo "varrun=$(stat -c "%U %a %F" /var/run)"
	echo "record=$(test -f /var/run/hutch/t96-owrt/launcher && echo yes)"
	echo "list=$($H list)"
	echo "status=$($H status t96-owrt | sed -n "s/^state: //p")"
	echo "kill=$($H kill t96-owrt USR1 2>&1; echo $?)"
	echo "again=$($H check --root "$R" --name t96-owrt -- /bin/true | grep "^missing"; echo $?)"
	$H stop t96-owrt; echo "stop=$?"
	echo "gone=$(ls -A /var/run/hutch)"
	echo "pidfile=$(test -e "$T/owrt.pid" && echo left || echo gone)"
	echo "errlines=$(grep -c . "$T/owrt.err")"')
like "$(val check)" "^ok +state directory: /var/run/hutch \(skipped: /run/hutch: Read-only file system\)" \
	"no /run: hutch check says state goes to /var/run/hutch, and why /run/hutch was skipped"
is "$(val start)" 0 "no /run: the sandbox starts (--daemon: exit 0)"
is "$(val varrun)" "root 755 directory" "/var/run was made as mkdir -p would (/var is a tmpfs): root's, 0755"
is "$(val record)" yes "the state is in /var/run/hutch/t96-owrt"
is "$(val list)" "t96-owrt running" "hutch list finds it there"
is "$(val status)" running "hutch status finds it there"
is "$(val kill)" 0 "hutch kill finds it there"
like "$(val again)" "^missing +a sandbox named t96-owrt is already running \(launcher pid [0-9]+\): give this one another --name" \
	"hutch check --name of a running sandbox: missing, as a start would be refused"
is "$(val stop)" 0 "hutch stop finds it there and stops it"
is "$(val gone)" "" "its state directory is removed"
is "$(val pidfile)" gone "and its pid file"
is "$(val errlines)" 0 "nothing said on stderr: /var/run/hutch is a place as good as /run/hutch"

# --- a tmpfs found elsewhere: /run and /var read-only, /dev/shm a tmpfs ------------
out=$(in_ns 'mount -t tmpfs -o ro t96 /run && mount -t tmpfs -o ro t96 /var &&
	mount -t tmpfs -o ro t96 /tmp && mount -t tmpfs -o mode=1777 t96 /dev/shm' '
	echo "check=$($H check | grep "state directory")"
	$H --daemon --name t96-shm -- /bin/sleep 1000 >/dev/null 2>&1; echo "start=$?"
	echo "where=$(ls /dev/shm/hutch)"
	echo "list=$($H list)"
	$H --restart no --name t96-peek -- /bin/sh -c "ls -A /dev/shm/hutch | wc -l" >"$T/peek" 2>/dev/null
	echo "peek=$(cat "$T/peek")"
	$H stop t96-shm; echo "stop=$?"')
like "$(val check)" "^ok +state directory: /dev/shm/hutch \(skipped: /run/hutch: .*; /var/run(/hutch)?: .*; /tmp/hutch: Read-only file system\)" \
	"no /run or /var/run: hutch check names /dev/shm/hutch, a tmpfs, and what it skipped"
is "$(val start)" 0 "the sandbox starts"
is "$(val where)" t96-shm "its state is in /dev/shm/hutch"
is "$(val list)" "t96-shm running" "hutch list finds it there"
is "$(val peek)" 0 "a service on the host's view sees none of /dev/shm/hutch (covered)"
is "$(val stop)" 0 "hutch stop stops it"

# --- an unsafe candidate: /run/hutch writable by all --------------------------------
out=$(in_ns 'mount -t tmpfs -o mode=755 t96 /run && mkdir -m 777 /run/hutch &&
	mount -t tmpfs -o mode=755 t96 /var' '
	$H --daemon --root "$R" --name t96-skip -- /bin/sleep 1000 >/dev/null 2>"$T/skip.err"; echo "start=$?"
	echo "err=$(cat "$T/skip.err")"
	echo "used=$(ls /var/run/hutch) $(ls -A /run/hutch | wc -l)"
	$H list >"$T/list.out" 2>"$T/list.err"
	echo "list=$(cat "$T/list.out")"
	echo "listerr=$(cat "$T/list.err")"
	$H stop t96-skip 2>/dev/null; echo "stop=$?"')
is "$(val start)" 0 "an unsafe /run/hutch: the sandbox starts"
like "$(val err)" "state directory /run/hutch is not safe to use .*not writable by group or others.*: skipped" \
	"one line says /run/hutch is not safe and skipped"
is "$(val used)" "t96-skip 0" "the state went to /var/run/hutch, nothing into /run/hutch"
is "$(val list)" "t96-skip running" "hutch list skips /run/hutch and finds it"
like "$(val listerr)" "/run/hutch is not safe to use.*skipped" "and says why it skipped /run/hutch"
is "$(val stop)" 0 "hutch stop finds it"

# Only the unsafe one: the one line about no state directory says it too,
# and no second line.
out=$(in_ns 'mount -t tmpfs -o mode=755 t96 /run && mkdir -m 777 /run/hutch &&
	mount -t tmpfs -o ro t96 /var && mount -t tmpfs -o ro t96 /tmp && mount -t tmpfs -o ro t96 /dev/shm' '
	$H --root "$R" --restart no --name t96-only -- /bin/true 2>"$T/only.err"; echo "rc=$?"
	echo "lines=$(grep -c "state directory" "$T/only.err")"
	echo "line=$(grep "state directory" "$T/only.err")"')
is "$(val rc)" 0 "only an unsafe candidate: the service runs"
is "$(val lines)" 1 "one line about the state directory"
like "$(val line)" "no state directory is usable \(/run/hutch is not safe to use .*\): running without one" \
	"which says /run/hutch is not safe"

# --- nothing writable ---------------------------------------------------------------
none='mount -t tmpfs -o ro t96 /run && mount -t tmpfs -o ro t96 /var && mount -t tmpfs -o ro t96 /tmp &&
	mount -t tmpfs -o ro t96 /dev/shm'
out=$(in_ns "$none" '
	$H check --root "$R" >"$T/check.out"; echo "checkrc=$?"
	echo "check=$(grep "state directory" "$T/check.out")"
	$H --root "$R" --restart no --name t96-none --pidfile "$T/none.pid" -- /bin/echo hello \
		>"$T/none.out" 2>"$T/none.err"
	echo "rc=$?"
	echo "out=$(cat "$T/none.out")"
	echo "warnings=$(grep -c "no state directory" "$T/none.err")"
	echo "warning=$(grep "no state directory" "$T/none.err")"
	echo "pidfile=$(test -e "$T/none.pid" && echo left || echo gone)"
	$H --root "$R" --restart no --name t96-given --state-dir /run/x -- /bin/true 2>"$T/given.err"
	echo "given=$? $(cat "$T/given.err")"
	$H list; echo "list=$?"')
is "$(val checkrc)" 0 "nothing writable: hutch check does not fail (the start runs)"
like "$(val check)" "^warning +state directory: none usable \(/run/hutch: .*\): the sandbox runs, but hutch list, status and stop will not see it" \
	"but warns that list, status and stop will not see it"
is "$(val rc)" 0 "nothing writable: the service runs all the same"
is "$(val out)" hello "and does its job"
is "$(val warnings)" 1 "one line says so"
like "$(val warning)" "no state directory is usable \(/run/hutch: Read-only file system; /var/run(/hutch)?: .*\): running without one, so hutch list, status and stop will not see this sandbox: give --state-dir DIR" \
	"naming each place and why, and the fix"
is "$(val pidfile)" gone "the pid file goes at the end (the launcher removes its own)"
like "$(val given)" "^125 hutch\[t96-given\]: cannot create the state directory /run/x: Read-only file system" \
	"--state-dir given stays strict: exit 125"
is "$(val list)" 0 "hutch list with nowhere to look: exit 0, nothing listed"

# --- a read-only root image: a mount point that is not there ---------------------
out=$(in_ns 'mount --bind "$R" "$R" && mount -o remount,bind,ro "$R"' '
	$H --root "$R" --restart no --name t96-ro --bind "$T:/t96-new" -- /bin/true 2>"$T/ro.err"
	echo "start=$? $(cat "$T/ro.err")"
	$H check --root "$R" --name t96-ro --bind "$T:/t96-new" -- /bin/true >"$T/ro.out"
	echo "check=$? $(grep "^missing" "$T/ro.out")"
	$H check --root "$R" --name t96-ro --bind "$T:/mnt" -- /bin/true >/dev/null
	echo "there=$?"')
like "$(val start)" "^125 hutch\[t96-ro\]: cannot create mount point /t96-new in the root: Read-only file system \(create it in the root image, or mount the image writable\)" \
	"a read-only image without the mount point: the start is refused, naming the fix"
like "$(val check)" "^1 missing +cannot create mount point /t96-new in the root: Read-only file system \(create it in the root image" \
	"and hutch check says the same (exit 1)"
is "$(val there)" 0 "a mount point the read-only image has: hutch check passes"
ok "nothing was made in the image" test ! -e "$ROOTFS/t96-new"

# --- hutch check without /proc --------------------------------------------------------
out=$(in_ns 'mount -t tmpfs t96 /proc' '$H check; echo "rc=$?"')
like "$out" "^missing +/proc: not mounted.*mount -t proc proc /proc" "without /proc: hutch check says /proc is missing"
unlike "$out" "CONFIG_PID_NS" "and does not blame CONFIG_PID_NS"
unlike "$out" "no cgroup file system" "nor says no cgroup file system is mounted"
is "$(val rc)" 1 "exit 1"

is "$(pgrep -f 't96-' | wc -l)" 0 "no t96 process is left"
is "$(groups)" "" "no t96 cgroup is left"
is "$(mounts)" "$mounts_before" "no mount is left on the host"
is "$(ls -d /run/hutch/t96-* 2>/dev/null)" "" "nothing in the host's /run/hutch"

done_testing
