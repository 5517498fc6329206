#!/bin/bash
# SPDX-License-Identifier: MIT
# What the service may do: no capabilities by default (bounding set too),
# no_new_privs, --user from the sandbox's own passwd, --cap-keep (ambient
# for a non-root user), --rlimit, --umask, masked and read-only /proc,
# PID 1 not dumpable. Read from /proc/self/status inside, and from the
# host.
. "$(dirname "$0")/../lib/tap.sh"
require_root
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d)
trap 'rm -rf --one-file-system "$tmp"' EXIT

run() { out=$(timeout 20 "$HUTCH" --root "$ROOTFS" --restart no "$@" 2>&1 </dev/null); rc=$?; }
val() { printf '%s\n' "$out" | sed -n "s/^$1:[[:space:]]*//p" | head -1; }
status='grep -E "^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs):" /proc/self/status'

run -- /bin/sh -c "$status; umask; echo HOME: \$HOME"
is "$rc" 0 "a default service runs"
is "$(val Uid)" "0	0	0	0" "it runs as root of the sandbox"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$(val $c)" 0000000000000000 "$c: no capability at all"
done
is "$(val NoNewPrivs)" 1 "no_new_privs is set"
like "$out" "^0022$" "umask 022"
is "$(val HOME)" / "HOME is /"

run --cap-keep net_bind_service,CAP_KILL -- /bin/sh -c "$status"
is "$(val CapBnd)" 0000000000000420 "--cap-keep: the bounding set holds only kill and net_bind_service"
is "$(val CapEff)" 0000000000000420 "and they are effective"

run --user service -- /bin/sh -c "$status; echo HOME: \$HOME; touch /tmp/f; ls -ln /tmp/f"
is "$rc" 0 "--user service runs"
is "$(val Uid)" "1000	1000	1000	1000" "as uid 1000, from the sandbox's /etc/passwd"
is "$(val Gid)" "1000	1000	1000	1000" "with its group 1000"
is "$(val Groups)" "" "and no supplementary groups"
is "$(val CapEff)" 0000000000000000 "and no capabilities"
is "$(val HOME)" /tmp "HOME is the user's home from passwd"
like "$out" "^-rw-r--r-- +1 1000 +1000 " "files it creates are its own, mode 644 (umask 022)"

run --user 1234:nogroup -- /bin/sh -c "$status"
is "$(val Uid)" "1234	1234	1234	1234" "a numeric uid not in passwd"
is "$(val Gid)" "65534	65534	65534	65534" "with a group by name from the sandbox's /etc/group"
run --user 4321 -- /bin/sh -c "$status"
is "$(val Gid)" "4321	4321	4321	4321" "a numeric uid without passwd entry gets the same number as gid, never 0"

run --user service --cap-keep net_bind_service -- /bin/sh -c "$status; httpd -p 127.0.0.1:80 -h /tmp && echo bound"
is "$(val CapAmb)" 0000000000000400 "--cap-keep for a non-root user: an ambient capability"
like "$out" "^bound$" "so it can bind port 80"
run --user service -- /bin/sh -c "httpd -p 127.0.0.1:80 -h /tmp && echo bound"
unlike "$out" "^bound$" "without it, port 80 is refused"

run --rlimit nofile=64:128 --rlimit core=0 --umask 077 -- /bin/sh -c 'ulimit -n; ulimit -Hn; ulimit -c; umask'
is "$(printf '%s\n' "$out" | head -4 | tr '\n' ' ')" "64 128 0 0077 " "--rlimit and --umask reach the service"

# setuid binaries give nothing back (no_new_privs): a setuid-root copy of
# busybox in a copy of the root, run by uid 1000.
cp -a "$ROOTFS" "$tmp/root"
mkdir "$tmp/root/suid"
cp "$ROOTFS/bin/busybox" "$tmp/root/suid/busybox" # busybox picks applets by argv[0]
chmod 4755 "$tmp/root/suid/busybox"
out=$(timeout 20 "$HUTCH" --root "$tmp/root" --restart no --user service -- /suid/busybox id -u 2>&1)
like "$out" "^1000$" "a setuid-root binary runs with the caller's uid: no_new_privs"

for who in names: "--user nosuchuser" "--user service:nosuchgroup"; do
	[ "$who" = names: ] && continue
	# shellcheck disable=SC2086
	run $who -- /bin/true
	is "$rc" 125 "$who: exit 125"
	like "$out" "no '(nosuchuser|nosuchgroup)' in the sandbox's /etc/(passwd|group) \(hutch never falls back to root\)" "$who: says so"
done
for bad in "--user a:b:c" "--user ''" "--cap-keep cap_nothing" "--rlimit nofile" "--rlimit files=10" "--rlimit nofile=10:5" "--umask 999"; do
	eval "set -- $bad"
	out=$(timeout 10 "$HUTCH" --root "$ROOTFS" "$@" -- /bin/true 2>&1)
	is "$?" 125 "$bad: exit 125"
	is "$(printf '%s\n' "$out" | wc -l)" 1 "$bad: one line"
done

# /proc: kernel-wide entries hidden, tunables read-only.
run -- /bin/sh -c 'for f in kcore kallsyms keys timer_list sysrq-trigger; do [ -e /proc/$f ] && echo "$f: $(wc -c < /proc/$f)"; done; echo 1 > /proc/sys/kernel/domainname && echo sys-writable; grep -E " /proc/(sys|irq|bus|fs) " /proc/self/mountinfo | grep -c " ro,"'
for f in kcore kallsyms keys timer_list sysrq-trigger; do
	[ -e /proc/$f ] || continue # not in this kernel
	is "$(val $f)" 0 "/proc/$f is there on the host, empty in the sandbox"
done
unlike "$out" "sys-writable" "/proc/sys is read-only"

# PID 1 is not dumpable: the service cannot reach it through /proc.
run -- /bin/sh -c 'ls /proc/1/root/ >/dev/null 2>&1 && echo root-reachable; cat /proc/1/environ >/dev/null 2>&1 && echo environ-readable; echo done'
like "$out" "^done$" "the probe ran"
unlike "$out" "reachable|readable" "PID 1's /proc/1/root and environ are out of the service's reach"

done_testing
