#!/bin/bash
# SPDX-License-Identifier: MIT
# hutch exec NAME [--] CMD...: the command runs with everything the
# service has, checked from outside: its /proc/PID/ns/* are the service's,
# so are its cgroups, its ids, groups, capabilities, NoNewPrivs and
# seccomp fields, and its root (the sandbox's, not the host's); only fds
# 0-2 reach it; its exit code (or 128+N) is hutch exec's; exit 3 when the
# sandbox does not run, 125 for bad usage. With --userns too.
. "$(dirname "$0")/../lib/tap.sh"
require_root
require_cmd pgrep=procps strace
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d)
chmod 755 "$tmp" # --userns: root inside is an unprivileged host uid
S=$tmp/state
cleanup() {
	for d in "$S"/*/ "$tmp"/rl/state/*/; do
		[ -f "$d/launcher" ] && kill -9 "$(sed -n 's/^pid=//p' "$d/launcher")" 2>/dev/null
	done
	sleep 0.2
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
cp -a "$ROOTFS" "$tmp/root"
echo sandbox-root >"$tmp/root/marker-t98"
echo 'dialout:x:20:service' >>"$tmp/root/etc/group"

h() { timeout 30 "$HUTCH" "$@"; }
launcher_of() { sed -n 's/^pid=//p' "$S/$1/launcher"; }
# The service: the child of PID 1, the launcher's child.
service_of() { pgrep -P "$(pgrep -P "$(launcher_of "$1")")" | head -1; }
fields() { grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$1/status"; }
nss() { for n in user mnt pid uts ipc net cgroup; do printf '%s ' "$n=$(readlink "/proc/$1/ns/$n")"; done; }

# An exec'd sleep, seen from the host: the child of the hutch exec process.
# With $wrap (strace), one level more.
wrap=()
exec_sleep() { # NAME -> $epid (hutch exec), $cpid (the command)
	"${wrap[@]}" "$HUTCH" exec --state-dir "$S" "$1" -- sleep 30 &
	epid=$!
	cpid=
	for _ in $(seq 100); do
		hpid=$epid
		[ ${#wrap[@]} -gt 0 ] && hpid=$(pgrep -P "$epid" | head -1)
		cpid=$(pgrep -P "${hpid:-0}" | head -1)
		[ -n "$cpid" ] && [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" = sleep ] && return
		sleep 0.05
	done
	cpid=
}

compare() { # NAME WHAT
	local svc
	svc=$(service_of "$1")
	exec_sleep "$1"
	ok "$2: the exec'd command runs" test -n "$cpid"
	is "$(nss "$cpid")" "$(nss "$svc")" "$2: its namespaces are the service's (user mnt pid uts ipc net cgroup)"
	is "$(cat "/proc/$cpid/cgroup")" "$(cat "/proc/$svc/cgroup")" "$2: its cgroups are the service's"
	is "$(fields "$cpid")" "$(fields "$svc")" "$2: ids, groups, capabilities, NoNewPrivs, Seccomp are the service's"
	is "$(stat -L -c %d:%i "/proc/$cpid/root")" "$(stat -L -c %d:%i "/proc/$svc/root")" "$2: its root is the sandbox's"
	isnt "$(stat -L -c %d:%i "/proc/$cpid/root")" "$(stat -L -c %d:%i /)" "$2: not the host's"
	is "$(sed 's/.*) //' "/proc/$cpid/stat" | cut -d' ' -f4)" "$(sed 's/.*) //' "/proc/$cpid/stat" | cut -d' ' -f3)" \
		"$2: a session of its own (no controlling terminal of the caller's)"
	kill -TERM "$hpid"
	wait "$epid"
	is "$?" 143 "$2: SIGTERM to hutch exec reaches the command, whose end is its code"
}

h --daemon --state-dir "$S" --name hutch-t98-exec --root "$tmp/root" --user service \
	--group-add nogroup --cap-keep net_bind_service --pids 64 --cpu 50% --memory 64M --workdir /tmp \
	--env GREETING=hello -- sleep 1000
is "$?" 0 "a sandbox runs (--user service, --group-add, --cap-keep, --pids, --cpu, --memory)"
compare hutch-t98-exec "plain"

out=$(HOST_ONLY=leak h exec --state-dir "$S" hutch-t98-exec -- sh -c \
	'cat /marker-t98; pwd; echo "$GREETING${HOST_ONLY:-}"; ls /proc/self/fd | tr "\n" " "' 5</etc/hostname 7>/dev/null 2>&1)
is "$?" 0 "exec runs a shell"
like "$out" "^sandbox-root$" "it sees the sandbox's root"
like "$out" "^/tmp$" "in the service's working directory"
like "$out" "^hello$" "with the service's environment, not the caller's"
like "$out" "^0 1 2 3 $" "only fds 0-2 (3 is ls's own): the caller's 5 and 7 are closed"
ok "the host has no such file" test ! -e /marker-t98

# A terminal on 0-2: the command gets a pty of the sandbox's own devpts as
# its controlling terminal (the service's way), never the caller's.
require_cmd script=bsdutils
out=$( (sleep 2) | script -qec "'$HUTCH' exec --state-dir '$S' hutch-t98-exec -- sh -c \
	'tty; [ \"\$(stat -L -c %d /proc/self/fd/0)\" = \"\$(stat -c %d /dev/pts/ptmx)\" ] && echo own-devpts; exit 6'" /dev/null)
is "$?" 6 "with a terminal: the command's exit code still"
like "$out" "^/dev/pts/[0-9]+.$" "with a terminal: the command has a pty"
like "$out" "^own-devpts.$" "of the sandbox's own devpts instance, not the caller's terminal"
out=$(echo 'echo typed-$((6*7)); exit 0' | script -qec "'$HUTCH' exec --state-dir '$S' hutch-t98-exec sh" /dev/null)
like "$out" "typed-42" "what is typed reaches an interactive shell through the relay"

h exec --state-dir "$S" hutch-t98-exec sh -c 'exit 7'
is "$?" 7 "the command's exit code is hutch exec's"
h exec --state-dir "$S" hutch-t98-exec sh -c 'kill -9 $$'
is "$?" 137 "128+N when it dies of signal N"
out=$(h exec --state-dir "$S" hutch-t98-exec no-such-command 2>&1)
is "$?" 127 "a command not found: 127"
like "$out" "no-such-command: not found in the sandbox" "says so"
out=$(h exec --state-dir "$S" hutch-t98-exec /etc/passwd 2>&1)
is "$?" 126 "a file that cannot be executed: 126"
out=$(h exec --state-dir "$S" hutch-t98-exec -- id 2>&1)
like "$out" "^uid=1000\(service\) gid=1000\(service\) groups=20\(dialout\),65534\(nogroup\)$" \
	"id: the user and groups of the service (/etc/group's and --group-add's)"

# hutch status: the host's pids beside the sandbox's, restarts, usage.
field() { printf '%s\n' "$out" | sed -n "s/^$1: //p"; }
out=$(h status --state-dir "$S" hutch-t98-exec)
is "$(field pid1)" "$(pgrep -P "$(launcher_of hutch-t98-exec)")" "status: PID 1's host pid"
is "$(field 'service host pid')" "$(service_of hutch-t98-exec)" "status: the service's host pid"
is "$(field service)" 2 "status: and its pid inside"
is "$(field restarts)" 0 "status: no restart yet"
is "$(field last)" none "status: no exit yet"
like "$(field processes)" "^[1-9][0-9]*$" "status: the processes its pids group counts"
like "$(field cpu)" "^[0-9]+\.[0-9]{3} s$" "status: its CPU time (--cpu: a group of its own)"
like "$(field memory)" "^[0-9]+\.[0-9]{3} MiB$" "status: its memory (--memory)"
h kill --state-dir "$S" hutch-t98-exec KILL
sleep 0.5
out=$(h status --state-dir "$S" hutch-t98-exec)
is "$(field restarts)" 1 "status: one restart after the service was killed"
like "$(field last)" "signal 9" "status: the last exit"

out=$(h exec --state-dir "$S" hutch-t98-nothere -- true 2>&1)
is "$?" 3 "a sandbox that does not run: exit 3"
like "$out" "hutch-t98-nothere: no such sandbox running" "says so"
for bad in "hutch-t98-exec" "hutch-t98-exec --" ""; do
	# shellcheck disable=SC2086
	out=$(h exec --state-dir "$S" $bad 2>&1)
	is "$?" 125 "hutch exec $bad: exit 125"
	is "$(printf '%s\n' "$out" | wc -l)" 1 "hutch exec $bad: one line"
done

# --userns: the user namespace is entered first, ids are the namespace's.
h --daemon --state-dir "$S" --name hutch-t98-userns --root "$tmp/root" --userns \
	--user service -- sleep 1000
is "$?" 0 "a --userns sandbox runs"
compare hutch-t98-userns "--userns"
out=$(h exec --state-dir "$S" hutch-t98-userns -- sh -c 'id; cat /proc/self/uid_map' 2>&1)
like "$out" "^uid=1000\(service\) gid=1000\(service\)" "--userns: id inside is the service's"
like "$out" "^ +0 +100000 +65536$" "in the sandbox's user namespace"

# The MS_MOVE + chroot fallback: the mount namespace's root is not the
# sandbox's, PID 1's root is; and a network namespace of its own.
h --daemon --state-dir "$S" --name hutch-t98-chroot --root "$tmp/root" --chroot \
	--net none --read-only -- sleep 1000
is "$?" 0 "a --chroot --net none --read-only sandbox runs"
compare hutch-t98-chroot "--chroot --net none"
out=$(h exec --state-dir "$S" hutch-t98-chroot -- sh -c 'cat /marker-t98; touch /x' 2>&1)
like "$out" "^sandbox-root$" "--chroot: the sandbox's root"
like "$out" "Read-only file system" "--read-only: the view is read-only for the command too"
h stop --state-dir "$S" hutch-t98-chroot
is "$?" 0 "stopped"

# A kernel before 5.8 cannot setns on a pidfd (EINVAL): hutch exec then
# opens /proc/PID/ns/* and enters them one by one. strace makes the first
# setns of hutch exec (the pidfd's, into the PID namespace) fail so, and
# the child, not traced, takes the other way.
wrap=(strace -o "$tmp/strace" -e trace=setns -e inject=setns:error=EINVAL:when=1)
compare hutch-t98-userns "without setns on a pidfd"
like "$(cat "$tmp/strace")" "CLONE_NEWPID\\) += -1 EINVAL .*INJECTED" \
	"(the pidfd's setns was refused, and /proc/PID/ns/pid taken)"
wrap=()

# An ordinary user's sandbox: refused, one line.
if command -v setpriv >/dev/null; then
	mkdir "$tmp/rl" && cp "$HUTCH" "$tmp/rl/hutch" && chown -R 65534:65534 "$tmp/rl" "$tmp/root"
	nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
	if nobody timeout 30 "$tmp/rl/hutch" --daemon --state-dir "$tmp/rl/state" --name rl \
		--root "$tmp/root" --userns -- sleep 100; then
		out=$(nobody timeout 30 "$tmp/rl/hutch" exec --state-dir "$tmp/rl/state" rl -- id 2>&1)
		is "$?" 125 "an ordinary user's sandbox: exec refused, 125"
		like "$out" "cannot be entered" "says so"
		nobody timeout 30 "$tmp/rl/hutch" stop --state-dir "$tmp/rl/state" rl
	else
		diag "rootless sandboxes do not start here: not checked"
	fi
	chown -R 0:0 "$tmp/root"
fi

# A sandbox whose PID 1 ends while exec waits: the command ends with it.
"$HUTCH" exec --state-dir "$S" hutch-t98-userns -- sleep 30 &
epid=$!
sleep 0.3
h stop --state-dir "$S" hutch-t98-userns
is "$?" 0 "hutch stop with an exec'd command inside"
wait "$epid"
like "$?" "^(143|137)$" "the exec'd command ends with the sandbox, a process of it (SIGTERM as a leftover, or SIGKILL)"

h stop --state-dir "$S" hutch-t98-exec
is "$?" 0 "stopped"
ok "nothing left: no state" test -z "$(ls -A "$S")"
for c in pids cpu memory; do
	ok "nothing left: no $c cgroup" test ! -e "/sys/fs/cgroup/$c/hutch/hutch-t98-exec"
done
done_testing
