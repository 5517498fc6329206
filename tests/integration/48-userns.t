#!/bin/bash
# SPDX-License-Identifier: MIT
# --userns: as root, PID 1 in a new user namespace with the ids 0-65535
# mapped to --userns-base (default 100000) and up, read from inside and
# from the host (the service's ids, files it makes in a --bind directory,
# its user namespace); --user and --cap-keep inside; a cgroup limit still
# applied by the launcher; nothing left behind. As an ordinary user
# (setpriv to 65534): root inside is the caller, the state directory under
# XDG_RUNTIME_DIR, list/status/stop, and each option that needs root
# refused before anything is made. Last, the escape probe's attacks
# (tests/escape) again with --userns.
. "$(dirname "$0")/../lib/tap.sh"
require_feature userns daemon control limits
require_root
require_cmd timeout pgrep setpriv stat unshare mount
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d /tmp/hutch-t48.XXXXXX) || bail_out "mktemp -d failed"
# The namespace's root is host uid 100000: it must reach the --bind
# directories and the root copy below (mktemp -d makes 0700).
chmod 755 "$tmp"
launchers=()
cleanup() {
	local l
	for l in "${launchers[@]}"; do
		kill -0 "$l" 2>/dev/null && kill -9 "$l"
	done 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

USERNS_IDS=65536
NOBODY=65534
CG=/sys/fs/cgroup
cg_dir() { if [ -d $CG/pids ]; then echo "$CG/pids/hutch/$1"; else echo "$CG/hutch/$1"; fi; }

# run [HUTCH-OPTION...] -- CMD...: as root, to the end; out: stdout and stderr.
run() { out=$(cd /tmp && timeout 20 "$HUTCH" --root "$ROOTFS" --restart no "$@" 2>&1 </dev/null); rc=$?; }
# val FIELD: the value of "FIELD: value" (or "FIELD:<tab>value") in $out.
val() { printf '%s\n' "$out" | sed -n "s/^$1:[[:space:]]*//p" | head -1; }
lines() { printf '%s\n' "$out" | wc -l; }
status='grep -E "^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs):" /proc/self/status'
maps='echo uid_map: $(cat /proc/self/uid_map); echo gid_map: $(cat /proc/self/gid_map); echo setgroups: $(cat /proc/self/setgroups)'
# status_of PID FIELD: the field of /proc/PID/status, seen from the host.
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null; }
running() {
	[ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
gone() { ! running "$1"; }
all_gone() { local p; for p; do running "$p" && return 1; done; return 0; }
host_userns=$(readlink /proc/self/ns/user)

# daemon NAME [HUTCH-OPTION...]: /bin/sleep 100 in the background (as
# root); sets drc and launcher, pid1, svc: host pids.
daemon() {
	local n=$1
	shift
	launcher='' pid1='' svc=''
	(cd /tmp && timeout 20 "$HUTCH" --daemon --root "$ROOTFS" --restart no --name "$n" \
		--pidfile "$tmp/$n.pid" "$@" -- /bin/sleep 100 </dev/null >"$tmp/$n.out" 2>"$tmp/$n.err")
	drc=$?
	launcher=$(cat "$tmp/$n.pid" 2>/dev/null) && launchers+=("$launcher") &&
		pid1=$(pgrep -P "$launcher") && svc=$(pgrep -P "$pid1")
}

b=$tmp/b
mkdir "$b" && chmod 777 "$b"

# --- as root: the namespace from inside ---------------------------------------------

run --userns --name t48-ids --bind "$b:/mnt" -- /bin/sh -c "id; $maps; $status; hostname; touch /mnt/by-root"
is "$rc" 0 "--userns: the service runs"
like "$out" '^uid=0\(root\) gid=0\(root\)' "id says uid 0, gid 0"
is "$(val Uid)" "0	0	0	0" "it is root of the namespace"
is "$(val Gid)" "0	0	0	0" "with gid 0"
is "$(val Groups)" "" "and no supplementary groups (root's host groups are gone)"
is "$(val uid_map)" "0 100000 $USERNS_IDS" "uid_map: 0 100000 65536 (the default base)"
is "$(val gid_map)" "0 100000 $USERNS_IDS" "gid_map: 0 100000 65536"
is "$(val setgroups)" allow "setgroups is allowed (a root launcher writes the maps)"
is "$(val CapEff)" 0000000000000000 "no effective capability, as without --userns"
is "$(val CapBnd)" 0000000000000000 "an empty bounding set"
is "$(val NoNewPrivs)" 1 "no_new_privs is set"
like "$out" '^t48-ids$' "the hostname is the name"
is "$(stat -c %u:%g "$b/by-root" 2>&1)" 100000:100000 \
	"a file root of the namespace makes in a --bind directory is 100000:100000 on the host"
ok "its state directory is gone" test ! -e /run/hutch/t48-ids

run --userns-base 200000 --name t48-base --bind "$b:/mnt" -- /bin/sh -c "$maps; touch /mnt/by-base"
is "$rc" 0 "--userns-base 200000 (without --userns): the service runs"
is "$(val uid_map)" "0 200000 $USERNS_IDS" "--userns-base implies --userns: uid_map 0 200000 65536"
is "$(val gid_map)" "0 200000 $USERNS_IDS" "gid_map 0 200000 65536"
is "$(stat -c %u:%g "$b/by-base" 2>&1)" 200000:200000 "its files are 200000:200000 on the host"

run --userns --user 1000 --name t48-user --bind "$b:/mnt" -- /bin/sh -c "$status; touch /mnt/by-1000"
is "$rc" 0 "--userns --user 1000 runs"
is "$(val Uid)" "1000	1000	1000	1000" "as uid 1000 inside"
is "$(val Gid)" "1000	1000	1000	1000" "with the group of passwd, 1000"
is "$(stat -c %u:%g "$b/by-1000" 2>&1)" 101000:101000 "which is 101000:101000 on the host"

run --userns --user 70000 --name t48-user -- /bin/true
is "$rc" 125 "--userns --user 70000 (outside the 65536 ids): exit 125"
is "$(lines)" 1 "one line"
like "$out" "outside the user namespace" "saying the user is outside the user namespace"
run --userns --user 70000:0 --name t48-user -- /bin/true
is "$rc" 125 "--userns --user 70000:0: exit 125"
like "$out" "outside the user namespace" "saying so too"

# Capabilities inside count for what the namespace owns: a port below 1024
# on the namespace's own network (--net none), not the host's.
run --userns --cap-keep net_bind_service --name t48-cap -- /bin/sh -c "$status"
is "$(val CapEff)" 0000000000000400 "--userns --cap-keep net_bind_service: that one is effective"
is "$(val CapBnd)" 0000000000000400 "and the only one in the bounding set"
run --userns --net none --cap-keep net_bind_service --name t48-cap -- /bin/sh -c 'httpd -p 127.0.0.1:80 -h /tmp && echo bound'
like "$out" "^bound$" "with --net none it binds port 80 of the sandbox's network"
run --userns --net none --user service --cap-keep net_bind_service --name t48-cap -- /bin/sh -c "$status; httpd -p 127.0.0.1:80 -h /tmp && echo bound"
is "$(val CapAmb)" 0000000000000400 "--user service: as an ambient capability"
like "$out" "^bound$" "and binds port 80 too"
run --userns --net none --name t48-cap -- /bin/sh -c 'httpd -p 127.0.0.1:80 -h /tmp && echo bound'
unlike "$out" "^bound$" "without --cap-keep, root of the namespace cannot bind port 80"

# --- as root: the namespace from the host -------------------------------------------

daemon t48-host --userns
is "$drc" 0 "--userns --daemon: starts"
ok "the service is found from the host (launcher -> PID 1 -> service)" test -n "$svc"
is "$(status_of "$svc" Uid)" "100000	100000	100000	100000" "from the host, the service's uids are all 100000"
is "$(status_of "$svc" Gid)" "100000	100000	100000	100000" "and its gids"
is "$(status_of "$svc" CapEff)" 0000000000000000 "no capability"
is "$(status_of "$pid1" Uid)" "100000	100000	100000	100000" "PID 1 is 100000 too"
is "$(status_of "$launcher" Uid)" "0	0	0	0" "the launcher stays root on the host"
isnt "$(readlink "/proc/$svc/ns/user")" "$host_userns" "the service's user namespace is not the host's"
is "$(readlink "/proc/$pid1/ns/user")" "$(readlink "/proc/$svc/ns/user")" "it is PID 1's"
is "$(readlink "/proc/$launcher/ns/user")" "$host_userns" "the launcher stays in the host's"
ok "the state directory exists while it runs" test -f /run/hutch/t48-host/launcher
timeout 20 "$HUTCH" stop t48-host 2>/dev/null
is "$?" 0 "hutch stop: exit 0"
ok "the launcher is gone" gone "$launcher"
ok "PID 1 is gone" gone "$pid1"
ok "the service is gone" gone "$svc"
ok "the state directory is gone" test ! -e /run/hutch/t48-host
ok "the pidfile is gone" test ! -e "$tmp/t48-host.pid"

daemon t48-nouserns
is "$drc" 0 "without --userns, --daemon: starts"
is "$(readlink "/proc/$svc/ns/user" 2>&1)" "$host_userns" "without --userns the service is in the host's user namespace"
timeout 20 "$HUTCH" stop t48-nouserns 2>/dev/null

# --- as root: a cgroup limit with --userns ------------------------------------------

cg=$(cg_dir t48-cg)
daemon t48-cg --userns --pids 20
is "$drc" 0 "--userns --pids 20: starts"
is "$(cat "$cg/pids.max" 2>&1)" 20 "the host's group $cg has pids.max 20"
ok "the service is in that group" grep -qx "$svc" "$cg/cgroup.procs"
ok "PID 1 is in that group" grep -qx "$pid1" "$cg/cgroup.procs"
timeout 20 "$HUTCH" stop t48-cg 2>/dev/null
is "$?" 0 "hutch stop: exit 0"
ok "the group is removed" wait_for 5 test ! -d "$cg"
ok "the state directory is gone" test ! -e /run/hutch/t48-cg
ok "no process of it is left" all_gone "$launcher" "$pid1" "$svc"

run --userns --pids 20 --name t48-cg2 -- /bin/sh -c 'i=0; while [ $i -lt 30 ]; do sleep 2 & i=$((i+1)); done; echo forked all'
like "$out" "can't fork" "--userns --pids 20: the 21st process is refused"
unlike "$out" "^forked all$" "the loop does not get through"
ok "the group is removed after the run" test ! -d "$(cg_dir t48-cg2)"
ok "and the state directory" test ! -e /run/hutch/t48-cg2

# --- as root: bad input --------------------------------------------------------------

for bad in "--userns-base 0" "--userns-base abc" "--userns-base 4294967295" "--userns-base -1" "--userns-base ''" "--userns=maybe"; do
	eval "set -- $bad"
	run --name t48-bad "$@" -- /bin/true
	is "$rc" 125 "$bad: exit 125"
	is "$(lines)" 1 "$bad: one line"
done
like "$out" "--userns" "--userns=maybe names the option"
printf 'userns = maybe\n' >"$tmp/maybe.conf"
run -f "$tmp/maybe.conf" --name t48-bad -- /bin/true
is "$rc" 125 "userns = maybe in a config file: exit 125"
like "$out" "is not yes or no" "'maybe' is not yes or no"
ok "no state directory was made for the bad ones" test ! -e /run/hutch/t48-bad

# --- as an ordinary user (65534) ---------------------------------------------------

D=$tmp/xdg
mkdir "$D" && chown $NOBODY:$NOBODY "$D" && chmod 700 "$D"
# as_user [VAR=VALUE...] -- ARG...: hutch as uid/gid 65534, no groups, in /tmp.
as_user() {
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	(cd /tmp && setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		env -u XDG_RUNTIME_DIR "${envs[@]}" timeout 20 "$HUTCH" "$@")
}
urun() { out=$(as_user XDG_RUNTIME_DIR="$D" -- --root "$ROOTFS" --restart no "$@" 2>&1 </dev/null); rc=$?; }

urun --userns --name t48-rl -- /bin/sh -c "id; $maps; $status; hostname; echo comm: \$(cat /proc/1/comm); echo hi >/tmp/w && echo tmp: \$(cat /tmp/w)"
is "$rc" 0 "rootless --userns: the service runs"
is "$(val Uid)" "0	0	0	0" "as root of the namespace"
is "$(val Gid)" "0	0	0	0" "with gid 0"
is "$(val uid_map)" "0 $NOBODY 1" "uid_map: the caller's uid only (0 65534 1)"
is "$(val gid_map)" "0 $NOBODY 1" "gid_map: 0 65534 1"
is "$(val setgroups)" deny "setgroups is denied"
is "$(val CapEff)" 0000000000000000 "no capability"
is "$(val NoNewPrivs)" 1 "no_new_privs"
like "$out" '^t48-rl$' "the hostname is the name"
is "$(val comm)" hutch "/proc is the sandbox's: PID 1 is hutch"
is "$(val tmp)" hi "/tmp is writable"
ok "the state directory is gone after the run" test ! -e "$D/hutch/t48-rl"

urun --userns --user 1000 --name t48-rl -- /bin/true
is "$rc" 125 "rootless --user 1000: exit 125"
like "$out" "outside the user namespace" "saying it is outside the user namespace (only 0 is mapped)"

# As a daemon: the state directory under XDG_RUNTIME_DIR, and the control
# commands of the same user find it.
as_user XDG_RUNTIME_DIR="$D" -- --daemon --root "$ROOTFS" --restart no --userns --name t48-rld \
	--pidfile "$D/rld.pid" -- /bin/sleep 100 </dev/null >"$tmp/rld.out" 2>"$tmp/rld.err"
is "$?" 0 "rootless --daemon: starts"
launcher=$(cat "$D/rld.pid" 2>/dev/null) && launchers+=("$launcher")
pid1=$(pgrep -P "$launcher") && svc=$(pgrep -P "$pid1")
ok "its state directory is \$XDG_RUNTIME_DIR/hutch/t48-rld" test -f "$D/hutch/t48-rld/launcher"
ok "not /run/hutch/t48-rld" test ! -e /run/hutch/t48-rld
is "$(stat -c %u "$D/hutch/t48-rld" 2>&1)" $NOBODY "owned by the user"
is "$(status_of "$svc" Uid)" "$NOBODY	$NOBODY	$NOBODY	$NOBODY" "from the host, the service is uid 65534"
is "$(status_of "$launcher" Uid)" "$NOBODY	$NOBODY	$NOBODY	$NOBODY" "and so is the launcher"
out=$(as_user XDG_RUNTIME_DIR="$D" -- list 2>&1)
like "$out" '^t48-rld running$' "hutch list as the same user shows it"
out=$(as_user XDG_RUNTIME_DIR="$D" -- status t48-rld 2>&1)
is "$?" 0 "hutch status as the same user: 0"
is "$(val state)" running "state: running"
is "$(val launcher)" "$launcher" "the launcher's pid"
as_user XDG_RUNTIME_DIR="$D" -- stop t48-rld 2>/dev/null
is "$?" 0 "hutch stop as the same user: 0"
ok "the launcher is gone" gone "$launcher"
ok "the service is gone" gone "$svc"
ok "the state directory is gone" test ! -e "$D/hutch/t48-rld"
out=$(as_user XDG_RUNTIME_DIR="$D" -- status t48-rld 2>&1)
is "$?" 3 "hutch status after the stop: 3"

# Refused before anything is made: each in an empty XDG_RUNTIME_DIR.
E=$tmp/empty
mkdir "$E" && chown $NOBODY:$NOBODY "$E"
refused() { # DESC ERE HUTCH-OPTION...
	local desc=$1 ere=$2
	shift 2
	out=$(as_user XDG_RUNTIME_DIR="$E" -- --root "$ROOTFS" --restart no --name t48-no "$@" -- /bin/true 2>&1 </dev/null)
	rc=$?
	is "$rc" 125 "rootless $desc: exit 125"
	is "$(lines)" 1 "rootless $desc: one line"
	like "$out" "$ere" "rootless $desc: says why"
	is "$(ls -A "$E")" "" "rootless $desc: nothing was created"
}
refused "without --userns" "an ordinary user cannot make namespaces: run hutch as root, or add --userns"
refused "--userns --cpu 20%" "need a cgroup, which only root may make" --userns --cpu 20%
refused "--userns --memory 16M" "need a cgroup, which only root may make" --userns --memory 16M
refused "--userns --pids 5" "need a cgroup, which only root may make" --userns --pids 5
if has_feature limits; then
	refused "--userns --cpuset 0" "--cpuset.* need a cgroup, which only root may make" --userns --cpuset 0
	refused "--userns --memory-high 16M" "--memory-high.* need a cgroup, which only root may make" \
		--userns --memory-high 16M
	refused "--userns --io-weight 200" "--io-\* need a cgroup, which only root may make" \
		--userns --io-weight 200
fi
refused "--userns-base 200000" "--userns-base needs root" --userns-base 200000
refused "--userns --userns-base 200000" "--userns-base needs root" --userns --userns-base 200000

# Without XDG_RUNTIME_DIR the state directory is /run/hutch or
# /var/run/hutch, which the user cannot write: in a mount namespace of its
# own with an empty /run (root's 0755), once without /run/hutch and once
# with it (as on a machine where root has run hutch). The sandbox runs all
# the same (issue 13.1: the control plane never keeps a service from
# starting), with one line that says why hutch list will not see it.
for there in absent present; do
	pre=
	[ $there = absent ] || pre="mkdir -m 755 /run/hutch &&"
	desc="without XDG_RUNTIME_DIR (/run/hutch $there)"
	out=$(unshare -m bash -c "mount -t tmpfs -o mode=755 t48 /run && $pre
		cd /tmp && setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups env -u XDG_RUNTIME_DIR \
		timeout 20 '$HUTCH' --root '$ROOTFS' --restart no --userns --name t48-noxdg -- /bin/true" 2>&1 </dev/null)
	rc=$?
	is "$rc" 0 "rootless $desc: the sandbox runs all the same"
	is "$(grep -c 'no state directory' <<<"$out")" 1 "rootless $desc: one line says it has no state directory"
	like "$out" "hutch list, status and stop will not see this sandbox: give --state-dir DIR, or set XDG_RUNTIME_DIR" \
		"rootless $desc: says list/stop will not see it, and to give --state-dir or set XDG_RUNTIME_DIR"
done

D2=$tmp/state2
mkdir "$D2" && chown $NOBODY:$NOBODY "$D2"
out=$(as_user -- --root "$ROOTFS" --restart no --userns --state-dir "$D2" --name t48-sd -- /bin/true 2>&1 </dev/null)
is "$?" 0 "rootless without XDG_RUNTIME_DIR but --state-dir (the user's): runs"
as_user -- --daemon --root "$ROOTFS" --restart no --userns --state-dir "$D2" --name t48-sd \
	-- /bin/sleep 100 </dev/null >/dev/null 2>"$tmp/sd.err"
is "$?" 0 "and as a daemon"
ok "its state directory is there" test -f "$D2/t48-sd/launcher"
[ -f "$D2/t48-sd/launcher" ] && launchers+=("$(sed -n 's/^pid=//p' "$D2/t48-sd/launcher")")
as_user -- stop --state-dir "$D2" t48-sd 2>/dev/null
is "$?" 0 "hutch stop --state-dir: 0"
ok "and it is gone" test ! -e "$D2/t48-sd"

# --- the escape probe's attacks with --userns ------------------------------------------
# tests/escape/10-escape.t and 20-variants.t run unchanged, through a
# wrapper that adds --userns (and a t48- name) to every run and makes the
# suite's 0700 temporary directory traversable, which the namespace's root
# (host uid 100000) needs to reach the root copy inside it. Each of their
# results is repeated here. The setuid attacks are not: their setuid-root
# probe belongs to host uid 0, which is unmapped in the namespace, so the
# probe calls it a setup problem; they are run below with a probe that
# belongs to the namespace's root.
esc=$(cd "$(dirname "$0")/../escape" && pwd)
# The probe: PROBE (make check-escape), or make's build next to HUTCH, or
# built here as tests/escape/lib.sh does.
PROBE=${PROBE:-}
[ -n "$PROBE" ] || [ ! -x "$(dirname "$HUTCH")/tests/probe" ] || PROBE=$(dirname "$HUTCH")/tests/probe
if [ -z "$PROBE" ]; then
	require_cmd musl-gcc
	PROBE=$tmp/probe
	musl-gcc -std=gnu11 -Wall -Wextra -Werror -Os -static -no-pie -fno-pie \
		-o "$PROBE" "$esc/probe.c" || bail_out "cannot build the probe"
fi
mkdir "$tmp/wrap"
cat >"$tmp/wrap/hutch" <<EOF
#!/bin/bash
a=("\$@") name=(--name "t48-esc-\$\$")
for ((i = 0; i < \${#a[@]}; i++)); do
	case \${a[i]} in
	--) break ;;
	--root) chmod o+x "\$(dirname "\${a[i+1]}")" ;;
	--name | -n) name=() ;;
	esac
done
exec '$HUTCH' --userns "\${name[@]}" "\$@"
EOF
chmod 755 "$tmp/wrap/hutch"
for suite in 10-escape.t 20-variants.t; do
	(cd / && HUTCH=$tmp/wrap/hutch PROBE=$PROBE timeout 300 bash "$esc/$suite") >"$tmp/esc.tap" 2>&1
	ok "$suite with --userns ran to its end" grep -qE '^1\.\.[0-9]+$' "$tmp/esc.tap"
	unlike "$(cat "$tmp/esc.tap")" '^Bail out!' "$suite with --userns did not bail out"
	while IFS= read -r line; do
		case $line in
		'ok '* | 'not ok '*) ;;
		*) continue ;;
		esac
		st=${line%% [0-9]*}
		desc=${line#* - }
		case $desc in setuid\ is\ blocked*) continue ;; esac
		is "$st" ok "--userns, $suite: $desc" ||
			L=$line awk '$0 == ENVIRON["L"] { on = 1; next } on && /^#/ { print; next } { on = 0 }' "$tmp/esc.tap" >&2
	done <"$tmp/esc.tap"
done

uroot=$tmp/uroot
cp -a "$ROOTFS" "$uroot" && install -m 0755 "$PROBE" "$uroot/probe" &&
	install -o 100000 -g 100000 -m 4755 "$PROBE" "$uroot/suid-probe" ||
	bail_out "cannot make the setuid root copy"
for who in "" "--user 1000"; do
	# shellcheck disable=SC2086
	out=$(cd /tmp && timeout 20 "$HUTCH" --root "$uroot" --restart no --userns --name t48-suid $who \
		-- /probe setuid /suid-probe 2>/dev/null </dev/null)
	rc=$?
	diag "$out"
	like "$rc $out" '^0 setuid: blocked \(' \
		"--userns${who:+ $who}: a setuid binary of the namespace's root gives back no capability (empty bounding set, no_new_privs)"
done

# --- nothing left ---------------------------------------------------------------------
is "$(pgrep -f -- '--name t48-' | tr '\n' ' ')" "" "no t48- sandbox process is left"
is "$(ls -d /run/hutch/t48-* 2>/dev/null | tr '\n' ' ')" "" "no t48- state directory is left in /run/hutch"
is "$(ls -d "$(dirname "$(cg_dir x)")"/t48-* 2>/dev/null | tr '\n' ' ')" "" "no t48- cgroup is left"

done_testing
