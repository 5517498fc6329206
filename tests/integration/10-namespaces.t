#!/bin/bash
# SPDX-License-Identifier: MIT
# 10-namespaces.t: the namespaces hutch puts a service in, seen from inside
# and checked from the host: a PID namespace where hutch is PID 1 and the
# service PID 2, its own hostname (UTS), IPC and mount namespaces, and the
# network namespace --net none makes (only lo, up) or --net host keeps.
#
# Needs root. HUTCH and ROOTFS come from `make check-integration`.

source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"

require_root
require_cmd timeout pgrep nsenter ipcmk ipcrm mktemp readlink
require_hutch

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
launchers=()
shm_id=
cleanup() {
	for p in "${launchers[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -z "$shm_id" ] || ipcrm -m "$shm_id" 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# run_hutch ARGS...: one bounded run; sets rc and out (stderr in $tmp/err).
run_hutch() {
	timeout 20 "$HUTCH" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
}

# start_hutch ARGS...: hutch in the background, for a service that prints
# READY when it has said what it has to say and then keeps running. Sets
# bg (the timeout process), launcher, pid1 and svc (host pids).
start_hutch() {
	launcher='' pid1='' svc=''
	: >"$tmp/bg.out"
	timeout 30 "$HUTCH" "$@" </dev/null >"$tmp/bg.out" 2>"$tmp/bg.err" &
	bg=$!
	wait_for 10 grep -q READY "$tmp/bg.out" || return 1
	launcher=$(pgrep -P "$bg" -x hutch) && launchers+=("$launcher") &&
		pid1=$(pgrep -P "$launcher" -x hutch) &&
		svc=$(pgrep -P "$pid1")
}

# stop_hutch: SIGTERM to the launcher, then wait for it.
stop_hutch() {
	[ -z "$launcher" ] || kill -TERM "$launcher" 2>/dev/null
	wait "$bg" 2>/dev/null
}

host_hostname=$(hostname)
host_uname_n=$(uname -n)

# --- the PID namespace -----------------------------------------------------

run_hutch --restart no -r "$ROOTFS" -- /bin/sh -c '
	echo "pid=$$"
	ps -o pid,comm
	set -- /proc/[0-9]*
	echo "procs=$*"
	tr "\0" "\n" </proc/1/cmdline | head -n 1
	exit 0'
is "$rc" 0 "a service listing its processes exits 0"
is "$(sed -n 's/^pid=//p' <<<"$out")" 2 "the service is PID 2"
# ps lists itself too, under a pid of its own: name it P.
is "$(sed -n '/^ *PID /,/^procs=/p' <<<"$out" | sed '1d;$d' |
	awk '{ print ($2 == "ps" ? "P" : $1) " " $2 }' | tr '\n' ' ')" \
	"1 hutch 2 sh P ps " \
	"ps inside shows only hutch as PID 1, the service and ps itself"
# Without a fork in between, the shell's glob sees exactly PID 1 and itself.
is "$(sed -n 's/^procs=//p' <<<"$out")" "/proc/1 /proc/2" \
	"/proc holds only PID 1 and the service"
is "$(tail -n 1 <<<"$out")" "$HUTCH" "/proc/1/cmdline is hutch's"

# From the host: the chain launcher -> PID 1 -> service, and the service's
# pid in its own namespace is 2.
start_hutch --restart no -r "$ROOTFS" -- /bin/sh -c '
	for ns in uts ipc mnt pid net; do echo "$ns $(readlink /proc/self/ns/$ns)"; done
	echo "hostname=$(hostname)"
	echo READY
	exec sleep 1000'
ok "a long-running service starts (launcher, PID 1 and service seen)" \
	test -n "$svc"
is "$(awk '/^NSpid:/ { print $3 }' "/proc/$pid1/status" 2>/dev/null)" 1 \
	"from the host, hutch's child is PID 1 in its namespace"
is "$(awk '/^NSpid:/ { print $3 }' "/proc/$svc/status" 2>/dev/null)" 2 \
	"from the host, the service is PID 2 in its namespace"
is "$(readlink "/proc/$pid1/exe" 2>/dev/null)" "$(readlink -f "$HUTCH")" \
	"from the host, PID 1 runs the hutch binary"

# --- UTS, IPC, mount (and PID) namespaces: inodes inside vs outside ---------

for ns in uts ipc mnt pid; do
	inside=$(awk -v ns="$ns" '$1 == ns { print $2 }' "$tmp/bg.out")
	host=$(readlink "/proc/self/ns/$ns")
	like "$inside" "^$ns:\[[0-9]+\]$" "the service can read its $ns namespace link"
	isnt "$inside" "$host" "the service's $ns namespace is not the host's"
	is "$(readlink "/proc/$svc/ns/$ns" 2>/dev/null)" "$inside" \
		"seen from the host, the service's $ns namespace is the one it reports"
done
is "$(readlink "/proc/$pid1/ns/mnt" 2>/dev/null)" \
	"$(awk '$1 == "mnt" { print $2 }' "$tmp/bg.out")" \
	"PID 1 and the service share the sandbox's mount namespace"
is "$(awk '$1 == "net" { print $2 }' "$tmp/bg.out")" \
	"$(readlink /proc/self/ns/net)" \
	"without --net the service stays in the host's network namespace"

# --- the hostname ------------------------------------------------------------

is "$(sed -n 's/^hostname=//p' "$tmp/bg.out")" sh "the default hostname is the name (the command's base name)"
is "$(nsenter --uts="/proc/$svc/ns/uts" hostname 2>/dev/null)" sh \
	"from the host, the sandbox's UTS namespace holds that hostname"
is "$(hostname)" "$host_hostname" "the host's hostname is unchanged while the sandbox runs"
stop_hutch

run_hutch --restart no -r "$ROOTFS" --name web-1 -- /bin/hostname
is "$out" web-1 "--name sets the hostname when --hostname is absent"
run_hutch --restart no -r "$ROOTFS" -- /bin/uname -n
is "$out" uname "without --name, the command's base name is the hostname"
run_hutch --restart no -r "$ROOTFS" --name web-1 --hostname box.example -- /bin/hostname
is "$out" box.example "--hostname overrides the name"
run_hutch --restart no --name nsroot --hostname noroot-host -- /bin/hostname
is "$out" noroot-host "--hostname works without --root too"
is "$(hostname)" "$host_hostname" "the host's hostname is unchanged afterwards"
is "$(uname -n)" "$host_uname_n" "the host's nodename (uname -n) is unchanged afterwards"

# --- IPC: a System V segment of the host is not visible inside ---------------

shm_id=$(ipcmk -M 4096 2>/dev/null | grep -Eo '[0-9]+$')
is "$(awk -v id="$shm_id" 'NR > 1 && $2 == id { print "found" }' /proc/sysvipc/shm)" \
	found "a System V shared memory segment exists on the host"
run_hutch --restart no -r "$ROOTFS" -- /bin/sh -c \
	'echo "shmids:$(awk "NR > 1 { print \$2 }" /proc/sysvipc/shm | tr "\n" " ")"'
is "$rc:$out" "0:shmids:" "the service sees none of the host's IPC objects"
ipcrm -m "$shm_id" 2>/dev/null && shm_id=

# --- --net none ----------------------------------------------------------------

host_net=$(readlink /proc/self/ns/net)
run_hutch --restart no -r "$ROOTFS" --net none -- /bin/sh -c '
	echo "net=$(readlink /proc/self/ns/net)"
	echo "ifaces=$(awk -F: "NR > 2 { gsub(/ /, \"\", \$1); print \$1 }" /proc/net/dev | tr "\n" " ")"
	ip -o link | sed "s/^/link=/"
	ip -o -4 addr | sed "s/^/addr=/"
	mkdir -p /tmp/www && echo ping-through-lo >/tmp/www/x
	httpd -p 127.0.0.1:7777 -h /tmp/www; echo "server=$?"
	i=0
	until netstat -ltn | grep -q ":7777 "; do
		i=$((i + 1)); [ $i -lt 200 ] || { echo "no listener"; exit 3; }
		sleep 0.05
	done
	got=$(wget -q -O - http://127.0.0.1:7777/x); echo "client=$?"
	echo "got=$got"'
is "$rc" 0 "a service in --net none exits 0"
net_none=$(sed -n 's/^net=//p' <<<"$out")
like "$net_none" '^net:\[[0-9]+\]$' "--net none: the service can read its network namespace link"
isnt "$net_none" "$host_net" "--net none: a network namespace other than the host's"
is "$(sed -n 's/^ifaces=//p' <<<"$out")" "lo " "--net none: /proc/net/dev lists only lo"
is "$(grep -c '^link=' <<<"$out")" 1 "--net none: ip link shows one interface"
like "$(grep '^link=' <<<"$out")" '^link=1: lo: <([A-Z_]+,)*UP[,>]' "--net none: lo is up"
like "$(grep '^addr=' <<<"$out")" 'inet 127\.0\.0\.1/8' "--net none: lo has 127.0.0.1"
is "$(grep -E '^(client|server|got)=' <<<"$out" | tr '\n' ' ')" \
	"server=0 client=0 got=ping-through-lo " \
	"--net none: a TCP connection to 127.0.0.1 works inside"
is "$(readlink /proc/self/ns/net)" "$host_net" "the host's network namespace is unchanged"

# --- --net host ------------------------------------------------------------------

run_hutch --restart no -r "$ROOTFS" --net host -- /bin/sh -c '
	echo "net=$(readlink /proc/self/ns/net)"
	echo "ifaces=$(awk -F: "NR > 2 { gsub(/ /, \"\", \$1); print \$1 }" /proc/net/dev | sort | tr "\n" " ")"'
is "$rc" 0 "a service in --net host exits 0"
is "$(sed -n 's/^net=//p' <<<"$out")" "$host_net" "--net host: the host's network namespace"
is "$(sed -n 's/^ifaces=//p' <<<"$out")" \
	"$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort | tr '\n' ' ')" \
	"--net host: the service sees the host's interfaces"

done_testing
