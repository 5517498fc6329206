#!/bin/bash
# SPDX-License-Identifier: MIT
# demo.sh - a short tour of what hutch does, for someone deciding whether to
# use it. `make demo` runs it as root with HUTCH (the binary) and ROOTFS (a
# BusyBox root file system) in the environment:
#
#   HUTCH=$PWD/build/x86_64/hutch ROOTFS=$PWD/build/x86_64/rootfs tools/demo.sh
#
# Five steps, each told in plain words and then shown with real output:
#   1. a service in its own sandbox: its own processes, hostname and root
#   2. the service killed from the host, and respawned at once by hutch
#   3. a crash-looping service backing off, then given up on
#   4. a CPU hog held to its cgroup limit, measured by the kernel
#   5. a clean stop with SIGTERM, and nothing left behind
#
# Every step checks what it claims, so the demo doubles as a smoke test: it
# exits 1 at the first thing that does not behave as told. It is bounded:
# every hutch run is under timeout(1), the whole demo takes a few seconds
# and at most about 30. It only signals processes it started, by pid.

set -u

# --- plumbing ----------------------------------------------------------------

work=
web_timeout_pid=   # timeout(1) around the long-running web sandbox
web_launcher=      # hutch's launcher (host namespaces) in that sandbox

say() { printf '%s\n' "$@"; }
step() { printf '\n== %s ==\n\n' "$*"; }
# The command as the user would type it, then its output indented.
shown() { printf '  $ %s\n' "$*"; }
indent() { sed 's/^/    /'; }
ok() { printf '  ok: %s\n' "$*"; }

fail() {
	printf '\ndemo: FAILED: %s\n' "$*" >&2
	printf 'demo: hutch did not behave as this demo says it does; please report it.\n' >&2
	exit 1
}

# Not hutch's fault: the demo cannot run here.
cannot() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

cleanup() {
	if [ -n "$web_launcher" ] && kill -0 "$web_launcher" 2>/dev/null; then
		kill -TERM "$web_launcher" 2>/dev/null
		wait_for 3 gone "$web_launcher" ||
			kill -KILL "$web_launcher" 2>/dev/null
	fi
	[ -z "$web_timeout_pid" ] || wait "$web_timeout_pid" 2>/dev/null
	[ -z "$work" ] || rm -rf -- "$work"
}

# wait_for SECS CMD...: poll CMD every 0.1 s until it succeeds (0) or SECS
# have passed (1). For things that become true eventually, never for timing.
wait_for() {
	local tries=$(($1 * 10))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

gone() { ! kill -0 "$1" 2>/dev/null; }
# The oldest child of a process (pgrep -P), or nothing.
child_of() { pgrep -o -P "$1"; }
has_child() { [ -n "$(child_of "$1")" ]; }
# Every process in the tree under $1, $1 included.
tree_of() {
	local p
	echo "$1"
	for p in $(pgrep -P "$1"); do tree_of "$p"; done
}
count_host_processes() {
	local entries=(/proc/[0-9]*)
	echo "${#entries[@]}"
}
# Mount points in our own mount table (field 5 of mountinfo).
mount_points() { awk '{ print $5 }' /proc/self/mountinfo | sort; }

# --- before anything: who we are, what we run --------------------------------

if [ "$(id -u)" -ne 0 ]; then
	say "demo: hutch creates namespaces and mounts, which needs root." \
		"demo: run it as root: sudo make demo" >&2
	exit 1
fi
[ -n "${HUTCH:-}" ] || cannot "set HUTCH to the hutch binary (make demo does)"
[ -n "${ROOTFS:-}" ] || cannot "set ROOTFS to a BusyBox root file system (make demo does)"
[ -x "$HUTCH" ] || cannot "HUTCH=$HUTCH is not an executable file (run make)"
for f in bin/sh usr/sbin/httpd; do
	[ -x "$ROOTFS/$f" ] || cannot "ROOTFS=$ROOTFS has no /$f (run make rootfs)"
done
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v pgrep >/dev/null 2>&1; then
	"$here/deps.sh" procps || cannot "the demo needs pgrep (Debian package procps)"
fi
# A static BusyBox to fetch pages from the web service: the host's
# (busybox-static, which make demo installs) or the rootfs's own.
bb=$(command -v busybox || echo "$ROOTFS/bin/busybox")

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
work=$(mktemp -d /tmp/hutch-demo.XXXXXX) || cannot "cannot create a work directory"
mounts_before=$(mount_points)

say "hutch $("$HUTCH" --version | cut -d' ' -f2): $(stat -c %s "$HUTCH") bytes, statically linked, no dependencies."
say "It starts one service in fresh namespaces, is PID 1 there, respawns the"
say "service when it fails and stops it cleanly. Each step below shows it."

# --- 1. the sandbox ------------------------------------------------------------

step "1. A service in its own sandbox"
say "We run a BusyBox shell as the service, in the root file system $ROOTFS."
say "It lists the processes it can see, its hostname and its / ."
say "On the host, we first leave a file that the service must not see."
secret="$work/only-on-the-host"
echo "host data" >"$secret"
cat >"$work/look.sh" <<EOF
ps
echo "hostname: \$(hostname)"
echo "/: \$(ls / | tr '\n' ' ')"
if [ -e $secret ]; then echo "host file: visible"; else echo "host file: not there"; fi
EOF
say "The script the shell reads from its stdin:"
indent <"$work/look.sh"
say ""
shown "hutch --name demo-box --root $ROOTFS --restart no -- /bin/sh -s < look.sh"
inside=$(timeout 5 "$HUTCH" --name demo-box --root "$ROOTFS" --restart no \
	-- /bin/sh -s <"$work/look.sh" 2>"$work/box.log")
rc=$?
printf '%s\n' "$inside" | indent
indent <"$work/box.log"
[ "$rc" -eq 0 ] || fail "the sandboxed shell exited with $rc, expected 0"

seen=$(printf '%s\n' "$inside" | grep -cE '^ *[0-9]+ ')
host_count=$(count_host_processes)
say ""
say "Inside, the service sees $seen processes; the host has $host_count right now."
printf '%s\n' "$inside" | grep -qE '^ +1 +[a-z]+ +[^ ]*hutch' ||
	fail "PID 1 in the sandbox is not hutch"
[ "$seen" -le 5 ] || fail "the sandbox sees $seen processes: the host's leak in"
ok "its own PID namespace: PID 1 is hutch, the shell is PID 2, no host process in sight"
printf '%s\n' "$inside" | grep -qx 'hostname: demo-box' ||
	fail "the hostname inside is not demo-box"
ok "its own hostname (demo-box; the host is $(cat /proc/sys/kernel/hostname))"
printf '%s\n' "$inside" | grep -qx 'host file: not there' ||
	fail "the service can see $secret from the host"
[ -e "$secret" ] || fail "$secret vanished on the host"
ok "its own root: $secret exists on the host, not in the sandbox"

# --- 2. killed from the host, respawned --------------------------------------

step "2. The service is killed; hutch starts it again at once"
say "Now a real service: BusyBox httpd serving a page from the host, bound"
say "read-only on /home (a directory the BusyBox root has: hutch would create a"
say "missing mount point in the root directory). Default restart policy"
say "(on-failure), and -v, so that hutch logs every start."
mkdir "$work/www"
echo "hello from the sandbox" >"$work/www/index.html"
port=
for _ in 1 2 3 4 5 6 7 8 9 10; do
	p=$((20000 + RANDOM % 20000))
	if ! grep -qi ":$(printf %04X "$p") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || cannot "no free TCP port found"
fetch() { timeout 3 "$bb" wget -q -O - "http://127.0.0.1:$port/" 2>/dev/null; }
fetch_ok() { [ "$(fetch)" = "hello from the sandbox" ]; }

say ""
shown "hutch -v --name web --root $ROOTFS --ro-bind $work/www:/home -- /usr/sbin/httpd -f -p 127.0.0.1:$port -h /home &"
timeout 25 "$HUTCH" -v --name web --root "$ROOTFS" --ro-bind "$work/www:/home" \
	-- /usr/sbin/httpd -f -p "127.0.0.1:$port" -h /home \
	</dev/null >"$work/web.out" 2>"$work/web.log" &
web_timeout_pid=$!
wait_for 5 has_child "$web_timeout_pid" || fail "hutch did not start"
web_launcher=$(child_of "$web_timeout_pid")
wait_for 5 has_child "$web_launcher" || fail "hutch did not create its PID 1"
pid1=$(child_of "$web_launcher")
wait_for 5 has_child "$pid1" || fail "hutch did not start the service"
wait_for 5 fetch_ok || { indent <"$work/web.log"; fail "httpd does not answer on port $port"; }
old=$(child_of "$pid1")
say "hutch's log:"
indent <"$work/web.log"
say ""
say "Seen from the host: hutch (pid $web_launcher) -> hutch, PID 1 of the sandbox"
say "(pid $pid1) -> httpd (pid $old, found with: pgrep -P $pid1)."
shown "$(basename "$bb") wget -q -O - http://127.0.0.1:$port/"
fetch | indent
ok "the service answers"

leaked=$(awk -v top="$ROOTFS" 'index($5, top) == 1' /proc/self/mountinfo)
[ -z "$leaked" ] || fail "the sandbox's mounts show on the host: $leaked"
ok "the sandbox mounted /proc, /dev and /tmp for itself, yet the host's mount table has none of them"

say ""
say "Now we kill httpd from the host, hard, as the kernel's OOM killer would."
lines=$(wc -l <"$work/web.log")
shown "kill -KILL $old"
kill -KILL "$old" || fail "cannot signal httpd (pid $old)"
respawned() { local n; n=$(child_of "$pid1"); [ -n "$n" ] && [ "$n" != "$old" ]; }
wait_for 5 respawned || fail "hutch did not start httpd again"
wait_for 5 fetch_ok || fail "the new httpd does not answer"
new=$(child_of "$pid1")
say "hutch's log since:"
tail -n +"$((lines + 1))" "$work/web.log" | indent
grep -q 'service killed by signal 9 ' "$work/web.log" ||
	fail "hutch did not log the SIGKILL death"
grep -qE 'service started as pid [0-9]+ \(start 2\)' "$work/web.log" ||
	fail "hutch did not log the second start"
grep -q 'restarting in' "$work/web.log" &&
	fail "the first restart was delayed; it should be immediate"
ok "httpd is back as pid $new (was $old), at once: the first restart has no delay"
fetch | indent

# --- 3. crash loop ------------------------------------------------------------

step "3. A crash-looping service backs off"
say "This service fails as soon as it starts (exit code 3). hutch restarts it at"
say "once the first time, then waits 100 ms, doubling each time up to the"
say "--restart-max-delay of 800 ms. With --start-limit 7/1m it allows 7 starts"
say "within a minute: when the 7th run ends, it gives up at once (an 8th start"
say "would be one too many) and exits with the service's code."
say ""
shown "hutch --name crashy --root $ROOTFS --restart-delay 100ms --restart-max-delay 800ms --start-limit 7/1m -- /bin/sh -c 'echo \"crashy: starting\"; exit 3'"
t0=$(date +%s%N)
timeout 10 "$HUTCH" --name crashy --root "$ROOTFS" --restart-delay 100ms \
	--restart-max-delay 800ms --start-limit 7/1m \
	-- /bin/sh -c 'echo "crashy: starting"; exit 3' </dev/null >"$work/crash.out" 2>&1
rc=$?
t1=$(date +%s%N)
indent <"$work/crash.out"
say "hutch exited with $rc after $(((t1 - t0) / 1000000)) ms."
delays=$(grep -o 'restarting in [0-9]* ms' "$work/crash.out" | awk '{ printf "%s ", $3 }')
[ "$delays" = "100 200 400 800 800 " ] ||
	fail "backoff delays were '${delays% }', expected '100 200 400 800 800'"
ok "backoff: immediate, then 100, 200, 400, 800, 800 ms; no wait for an 8th start that would be refused"
starts=$(grep -c '^crashy: starting' "$work/crash.out")
[ "$starts" -eq 7 ] || fail "$starts starts, expected 7"
grep -q 'start limit reached' "$work/crash.out" || fail "no 'start limit reached' line"
[ "$rc" -eq 3 ] || fail "hutch exited with $rc, expected the service's 3"
ok "gave up after 7 starts, with the service's exit code 3"

# --- 4. a CPU hog held to its limit --------------------------------------------

step "4. A CPU hog held to 20% of one CPU"
say "A service that only burns CPU, limited with --cpu 20%. hutch writes the"
say "limit into the sandbox's cgroup before the service exists. We read how much"
say "CPU the group used from the kernel's own accounting for that group: CPU"
say "time used over the scheduler periods in which it wanted to run."
say ""
shown "hutch --name demo-hog --root $ROOTFS --cpu 20% -- /bin/sh -c 'while :; do :; done' &"
timeout 20 "$HUTCH" --name demo-hog --root "$ROOTFS" --cpu 20% \
	-- /bin/sh -c 'while :; do :; done' </dev/null 2>"$work/hog.log" &
hog_timeout_pid=$!
# CPU time in ns and periods of the group, on cgroup v2 or v1.
hog_usage() {
	local v2=/sys/fs/cgroup/hutch/demo-hog v1=/sys/fs/cgroup/cpuacct/hutch/demo-hog
	if [ -f "$v2/cpu.stat" ]; then
		awk '$1 == "usage_usec" { u = $2 * 1000 } $1 == "nr_periods" { p = $2 }
		     END { print u, p }' "$v2/cpu.stat"
	elif [ -f "$v1/cpuacct.usage" ]; then
		echo "$(cat "$v1/cpuacct.usage") $(awk '$1 == "nr_periods" { print $2 }' \
			/sys/fs/cgroup/cpu/hutch/demo-hog/cpu.stat)"
	fi
}
hog_running() { [ -n "$(hog_usage)" ]; }
wait_for 5 hog_running || fail "the CPU hog's cgroup did not appear"
sleep 0.5
read -r u0 p0 <<<"$(hog_usage)"
sleep 2
read -r u1 p1 <<<"$(hog_usage)"
hog_launcher=$(child_of "$hog_timeout_pid")
kill -TERM "$hog_launcher" 2>/dev/null
wait "$hog_timeout_pid"
periods=$((p1 - p0))
[ "$periods" -gt 0 ] || fail "the group ran in no scheduler period"
# usage (ns) / (periods x 100 ms period), in tenths of a percent
permille=$(( (u1 - u0) * 1000 / (periods * 100000000) ))
say "The group used $(( (u1 - u0) / 1000000 )) ms of CPU in $periods periods of 100 ms:"
say "    $((permille / 10)).$((permille % 10))% of one CPU."
[ "$permille" -ge 150 ] && [ "$permille" -le 250 ] ||
	fail "the hog got $((permille / 10)).$((permille % 10))% of a CPU, not about 20%"
ok "held to its limit, however hard it tries"
[ ! -e /sys/fs/cgroup/hutch/demo-hog ] && [ ! -e /sys/fs/cgroup/cpu/hutch/demo-hog ] ||
	fail "the CPU hog's cgroup is still there after the stop"
ok "its cgroup is gone with it"

# --- 5. clean stop ------------------------------------------------------------

step "5. A clean stop, and nothing left behind"
procs=$(tree_of "$web_launcher" | sort -n | tr '\n' ' ')
say "The web sandbox from step 2 is still up: processes ${procs% } on the host."
say "An init system stops it with SIGTERM to hutch. hutch passes it to the"
say "service, waits up to --stop-timeout (10 s) and would then SIGKILL"
say "everything left in the sandbox."
lines=$(wc -l <"$work/web.log")
say ""
shown "kill -TERM $web_launcher"
kill -TERM "$web_launcher" || fail "cannot signal hutch (pid $web_launcher)"
wait "$web_timeout_pid"
rc=$?
web_timeout_pid=
tail -n +"$((lines + 1))" "$work/web.log" | indent
say "hutch exited with $rc (128 + 15: httpd died of the SIGTERM)."
[ "$rc" -eq 143 ] || fail "hutch exited with $rc, expected 143"
grep -q 'stopping: ' "$work/web.log" || fail "no 'stopping:' line in the log"
ok "stopped on SIGTERM"

left=
for p in $procs; do
	gone "$p" || left="$left $p"
done
[ -z "$left" ] || fail "processes left behind:$left"
ok "none of the processes ${procs% } is left"
mounts_after=$(mount_points)
new_mounts=$(comm -13 <(printf '%s\n' "$mounts_before") <(printf '%s\n' "$mounts_after"))
ours=$(printf '%s\n' "$new_mounts" | grep -F -e "$ROOTFS" -e "$work" -e /proc)
[ -z "$ours" ] || fail "mounts left behind: $ours"
if [ -n "$new_mounts" ]; then
	say "  (new mounts elsewhere, not made by hutch: $(printf "%s\n" "$new_mounts" | tr "\n" " "))"
fi
ok "no new mount in /proc/self/mountinfo ($(printf '%s\n' "$mounts_after" | wc -l) before and after)"

# --- summary ------------------------------------------------------------------

step "What you saw"
say "- hutch ran each service as PID 2 of its own PID namespace, with its own"
say "  hostname, mounts and root file system; the host's processes and files"
say "  were out of sight, and the sandbox's mounts never showed on the host."
say "- Killed from outside, the service was back at once; a service that keeps"
say "  failing is restarted with a doubling delay, and given up on at the start"
say "  limit with its own exit code."
say "- A CPU hog was held to the 20% it was given, measured by the kernel."
say "- SIGTERM stopped everything: no process and no mount was left behind."
say ""
say "Next: README.md, then docs/init-systems.md (inittab, sysvinit, systemd, procd, runit/s6)"
say "and the manual page: man -l docs/hutch.8"
