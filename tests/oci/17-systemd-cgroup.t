#!/bin/bash
# SPDX-License-Identifier: MIT
# 17-systemd-cgroup.t: --systemd-cgroup and linux.cgroupsPath in
# systemd's form, SLICE:PREFIX:NAME (containerd's SystemdCgroup = true,
# the kubelet's systemd driver, Podman's --cgroup-manager systemd). runc
# refuses --systemd-cgroup where systemd did not boot the host (this
# one); where it runs, runc has systemd make the unit PREFIX-NAME.scope
# in SLICE, each '-' of SLICE a level deeper (a-b.slice is
# a.slice/a-b.slice). hutch makes those groups itself where no systemd
# runs; where it does, systemd makes the scope too, over D-Bus
# (tests/qemu/90-amd64-systemd.t, systemd as PID 1, beside runc). The oracle for the paths is runc's
# own code (runc-cgpaths, built by tools/runc-cgpaths.sh from the
# sources of Debian's runc binary): for each form, the groups the
# container's process is in (/proc/PID/cgroup: memory, pids, devices,
# the hierarchies hutch makes a group in) are the paths runc's systemd
# driver computes, with the limits, ps, kill --all, and delete (the
# scope gone, its slices kept). Then the forms refused, each beside what
# runc's code says; and where systemd runs (a private mount namespace in
# which /run/systemd/system exists) but its socket /run/systemd/private
# cannot be reached, the refusal that says so.
#
# Needs root, runc, perl's JSON::PP, RUNC_CGPATHS (make check-oci).

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

[ -n "${RUNC_CGPATHS-}" ] && [ -x "$RUNC_CGPATHS" ] ||
	bail_out "RUNC_CGPATHS must name runc-cgpaths (make runc-cgpaths builds it)"
[ -d /run/systemd/system ] &&
	bail_out "systemd runs this host: hutch asks it for scopes here (the paths" \
		"are tests/qemu/90-amd64-systemd.t's); run this file where systemd is not PID 1"

# system.slice, the default slice, made by the test where missing:
# removed again at the end (when empty)
made_system=()
for h in memory pids devices; do
	[ -d "/sys/fs/cgroup/$h/system.slice" ] || made_system+=("/sys/fs/cgroup/$h/system.slice")
done
oci_cleanup_more() { # the scopes and slices made, deepest first
	find /sys/fs/cgroup -depth -mindepth 2 -maxdepth 8 -type d \
		\( -name 't17*' -o -name 'oci17*' -o -name '*-oci17-*' \) -exec rmdir {} + 2>/dev/null
	[ ${#made_system[@]} -eq 0 ] || rmdir "${made_system[@]}" 2>/dev/null
}
oci_setup 17 a b c d e f g bad

# form DESC ID PATH [FLAG]: the container ID with cgroupsPath PATH ("":
# none) under FLAG (--systemd-cgroup); its groups as runc's code puts
# them, its limits; started, its PID 1 (sleep, which ignores SIGTERM from
# outside its PID namespace) and PID 1's child (sleep) listed by ps;
# kill --all TERM ends the child (a kill of PID 1 alone would not),
# KILL the rest; delete
form() {
	local id=$2 path=$3 flag=${4:---systemd-cgroup} pid h line want dirs=() child gone
	rm -rf "${tmp:?}/$id"
	CGP=$path bundle "$id" '$c->{process}{args} = ["sh", "-c", "sleep 1000 & exec sleep 1001"];
		$c->{linux}{cgroupsPath} = $ENV{CGP} if $ENV{CGP} ne "";
		$c->{linux}{resources}{memory} = { limit => 67108864 };
		$c->{linux}{resources}{pids} = { limit => 42 }' || bail_out "cannot make the bundle"
	# shellcheck disable=SC2086 # no path: runc-cgpaths' second argument left out
	"$RUNC_CGPATHS" "$id" ${path:+"$path"} >"$tmp/$id.runc"
	runtime hutch "$flag" create --bundle "$tmp/$id" --pid-file "$tmp/$id.pid" "$id" \
		</dev/null >/dev/null 2>"$tmp/$id.err"
	is "$?" 0 "create with $flag, cgroupsPath '$path' ($1)" ||
		{ diag "$(cat "$tmp/$id.err")"; return; }
	pid=$(cat "$tmp/$id.pid")
	for h in memory pids devices; do
		line=$(grep -E "^[0-9]+:$h:" "/proc/$pid/cgroup")
		want=$(sed -n "s|^$h ||p" "$tmp/$id.runc")
		is "/sys/fs/cgroup/$h${line#*:"$h":}" "$want" "  $h: the group runc's systemd driver gives it"
		dirs+=("$want")
	done
	is "$(cat "${dirs[0]}/memory.limit_in_bytes" 2>&1)" 67108864 "  memory.limit_in_bytes there"
	is "$(cat "${dirs[1]}/pids.max" 2>&1)" 42 "  pids.max there"
	runtime hutch start "$id"
	wait_for 30 sh -c "[ \$(wc -l <'${dirs[0]}/cgroup.procs') = 2 ]"
	child=$(grep -vx "$pid" "${dirs[0]}/cgroup.procs")
	like "$(runtime hutch ps --format json "$id")" "^\\[($pid,$child|$child,$pid)\\]\$" \
		"  started: ps lists PID 1 and its child"
	runtime hutch kill --all "$id" TERM
	is "$?" 0 "  kill --all TERM"
	# ended: gone, or a zombie of PID 1 (sleep reaps no child)
	gone="! kill -0 $child 2>/dev/null || grep -q '^State:.*Z' /proc/$child/status"
	wait_for 30 sh -c "$gone"
	ok "  the child ended (PID 1, which ignores it, stays)" sh -c "$gone && kill -0 $pid"
	runtime hutch kill --all "$id" KILL
	wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
	ok "  kill --all KILL: PID 1 is gone" sh -c "! kill -0 $pid 2>/dev/null"
	runtime hutch delete "$id"
	is "$?" 0 "  delete"
	for want in "${dirs[@]}"; do
		ok "  ${want#/sys/fs/cgroup/} removed, its slice kept" \
			sh -c "[ ! -d '$want' ] && [ -d '${want%/*}' ]"
	done
}

form "none: system.slice, runc-ID.scope" oci17-hutch-a ""
form "one slice" oci17-hutch-b t17.slice:t17pre:oci17-hutch-b
form "nested slices" oci17-hutch-c t17-a-b.slice:t17pre:oci17-hutch-c
form "no slice: system.slice" oci17-hutch-d :t17pre:oci17-hutch-d --systemd-cgroup=true
# the kubelet's besteffort pod slice: a last part of 68 bytes (a UID's 36)
form "a kubelet pod's slice" oci17-hutch-g \
	t17kubepods-besteffort-pod12345678_1234_1234_1234_123456789012.slice:cri-containerd:oci17-hutch-g
form "NAME a slice: the unit is NAME" oci17-hutch-e t17-a.slice:t17pre:t17-a-oci17.slice
form "the root slice, -.slice" oci17-hutch-f -.slice:t17pre:oci17-hutch-f
oci_cleanup_more

# hutch_refused STATUS DESC PATTERN: create's STATUS and $tmp/bad.err
# are a refusal: 125, one line naming PATTERN, no record, no group
hutch_refused() {
	is "$1" 125 "$2 (125)"
	like "$(cat "$tmp/bad.err")" "$3" "  the message names it"
	is "$(wc -l <"$tmp/bad.err")" 1 "  in one line"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
	is "$(find /sys/fs/cgroup -maxdepth 8 \( -path '*t17*' -o -name 'oci17*' \) 2>/dev/null)" "" \
		"  no group left"
}

# refused: one line naming the field, 125, no record, no group; RUNC
# is "as runc" where runc's code refuses it too, else why hutch differs
refused() { # DESC PATH RUNC
	local runc_says
	rm -rf "$tmp/bad"
	CGP=$2 bundle bad '$c->{linux}{cgroupsPath} = $ENV{CGP}' || bail_out "cannot make the bundle"
	runc_says=$("$RUNC_CGPATHS" oci17-hutch-bad "$2" | head -1)
	if [ "$3" = "as runc" ]; then
		like "$runc_says" "^error: " "runc's code refuses $1 '$2'"
	else
		unlike "$runc_says" "^error: " "runc's code takes $1 '$2': $3"
	fi
	runtime hutch --systemd-cgroup create --bundle "$tmp/bad" oci17-hutch-bad \
		</dev/null >/dev/null 2>"$tmp/bad.err"
	hutch_refused "$?" "  hutch refuses it" "linux.cgroupsPath"
	diag "runc's code: $runc_says; hutch: $(cat "$tmp/bad.err")"
}
refused "two parts" t17.slice:oci17 "as runc"
refused "four parts" t17.slice:a:b:c "as runc"
refused "the fs form" /t17/oci17 "as runc"
refused "no .slice" t17:pre:oci17 "as runc"
refused "only .slice" .slice:pre:oci17 "as runc"
refused "a leading '-'" -t17.slice:pre:oci17 "as runc"
refused "a '--'" t17--a.slice:pre:oci17 "as runc"
refused "a trailing '-'" t17-.slice:pre:oci17 "as runc"
refused "a '/' in the slice" t17/a.slice:pre:oci17 "as runc"
refused "a blank in NAME" "t17.slice:pre:oci17 x" \
	"systemd would refuse the unit name over D-Bus, runc's create then fails"
refused "a '/' in NAME" "t17.slice:pre:t17/x" \
	"systemd would refuse the unit name over D-Bus, runc's create then fails"
refused "a '/' in PREFIX" "t17.slice:t17/a:oci17" \
	"systemd would refuse the unit name over D-Bus, runc's create then fails"
refused "NAME .slice" "t17.slice:pre:.slice" \
	"its unit .slice, which systemd would refuse over D-Bus, runc's create then fails"
refused "no PREFIX" t17.slice::oci17 \
	"its unit -oci17.scope; hutch takes no name that starts with '-'"
refused "a slice whose path is over 128 bytes" \
	"t17-$(printf 'a%.0s' $(seq 40))-$(printf 'b%.0s' $(seq 40)).slice:pre:oci17" \
	"hutch's limit (systemd's: a unit name up to 255 bytes)"
refused "a unit name of 121 bytes" "t17.slice:pre:oci17$(printf 'n%.0s' $(seq 111))" \
	"hutch's limit (systemd's: a unit name up to 255 bytes)"
refused "a newline (the record's lines)" $'t17.slice:pre:oci17\nx' \
	"systemd would refuse the unit name over D-Bus, runc's create then fails"

# the fs driver (no --systemd-cgroup) takes no systemd form: the message
# says which flag would
rm -rf "$tmp/bad"
bundle bad '$c->{linux}{cgroupsPath} = "t17.slice:pre:oci17"' || bail_out "cannot make the bundle"
runtime hutch create --bundle "$tmp/bad" oci17-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
is "$?" 125 "without --systemd-cgroup, SLICE:PREFIX:NAME is refused (125)"
like "$(cat "$tmp/bad.err")" "with --systemd-cgroup: SLICE:PREFIX:NAME" "  naming the flag"
runtime hutch --systemd-cgroup=false create --bundle "$tmp/bad" oci17-hutch-bad \
	</dev/null >/dev/null 2>"$tmp/bad.err"
is "$?" 125 "with --systemd-cgroup=false (runc's flags take =false): the same"
like "$(cat "$tmp/bad.err")" "with --systemd-cgroup: SLICE:PREFIX:NAME" "  naming the flag"

# where systemd runs (a private mount namespace with /run/systemd/system)
# but its socket /run/systemd/private is not there: refused, one line
# naming the socket and the engine's cgroupfs settings, nothing made
where_systemd_runs() { # CGROUPSPATH
	rm -rf "$tmp/bad"
	CGP=$1 bundle bad '$c->{linux}{cgroupsPath} = $ENV{CGP}' || bail_out "cannot make the bundle"
	unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs t17 /run &&
		mkdir -p /run/systemd/system && exec "$@"' sh \
		"$HUTCH" oci --root "$tmp/root-hutch" --systemd-cgroup create --bundle "$tmp/bad" \
		oci17-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
}
where_systemd_runs t17.slice:pre:oci17
hutch_refused "$?" "where systemd runs, its socket missing: refused" \
	"/run/systemd/private cannot be used .*SystemdCgroup = false"
# a NAME that is a slice: runc's driver would ask systemd for a slice
# with the container's process in it (PIDs), which systemd refuses
where_systemd_runs t17.slice:pre:oci17.slice
hutch_refused "$?" "where systemd runs, a slice as NAME: refused" "NAME 'oci17.slice' is a slice"

done_testing
