#!/bin/bash
# SPDX-License-Identifier: MIT
# 15-cgroups-path.t: linux.cgroupsPath's forms under runc, the oracle,
# and under hutch oci, side by side: absolute of one part (/NAME, the
# runtime-tools cgroup cases') and of three (/A/B/NAME), relative of one
# (NAME) and two (A/NAME), and none (runc's default: ID). runc's fs
# driver takes an absolute path below each hierarchy's root and a
# relative one below the runtime's own group in each hierarchy
# (/proc/self/cgroup: on this cgroup v1 host they differ, the memory one
# may be a session's group). For each: the groups the container's
# process is in (/proc/PID/cgroup, the hierarchies hutch makes a group in:
# memory, pids, devices), the limits read there, ps, kill --all, and what
# delete leaves (the group gone, its parents kept, as runc keeps them).
# Then a record of an older hutch (cgroup=PARENT/NAME, no group= lines)
# is still deleted, one listing no group touches none (not the root's),
# and the forms hutch refuses: one line, exit 125,
# nothing left. runc is not run on those: "/", "." and ".." put its
# container in the root or its own group, and its failed create then
# removes every empty group below it, machine-wide (seen here).
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_cleanup_more() { # the parents both runtimes leave, deepest first
	find /sys/fs/cgroup -depth -mindepth 2 -maxdepth 8 -type d -name 'oci-t15*' \
		-exec rmdir {} + 2>/dev/null
	find /sys/fs/cgroup -depth -mindepth 2 -maxdepth 8 -type d -path '*/oci-t15*' \
		-exec rmdir {} + 2>/dev/null
}
oci_setup 15 cg old none bad

# where R ID PATH: the container's groups (hutch's hierarchies), their
# limits, ps, kill --all and what delete leaves, R and ID as R and ID
where() {
	local r=$1 id=$2 pid line dir
	pid=$(cat "$tmp/$r.pid")
	for h in memory pids devices; do
		line=$(grep -E "^[0-9]+:$h:" "/proc/$pid/cgroup")
		dir=/sys/fs/cgroup/$h${line#*:"$h":}
		echo "$h:${line#*:"$h":}"
		case $h in
		memory) echo "limit=$(cat "$dir/memory.limit_in_bytes" 2>&1)" ;;
		pids) echo "max=$(cat "$dir/pids.max" 2>&1)" ;;
		esac
		echo "$dir" >>"$tmp/$r.dirs"
	done
	echo "ps=$(runtime "$r" ps --format json "$id" | sed "s/$pid/PID/")"
	runtime "$r" kill --all "$id" KILL
	echo "kill --all=$?"
	wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
	runtime "$r" delete "$id"
	echo "delete=$?"
	while read -r dir; do
		echo "left: group=$([ -d "$dir" ] && echo yes || echo no)" \
			"parent=$([ -d "${dir%/*}" ] && echo yes || echo no)"
	done <"$tmp/$r.dirs"
}

# form DESC PATH: PATH ("R" for the runtime's name, "" for none) under
# both runtimes, what where says compared
form() {
	local r path
	for r in runc hutch; do
		path=${2//R/$r}
		rm -rf "$tmp/cg-$r" "$tmp/$r.dirs"
		CGP=$path bundle "cg-$r" '$c->{process}{args} = ["sleep", "1000"];
			$c->{linux}{cgroupsPath} = $ENV{CGP} if $ENV{CGP} ne "";
			$c->{linux}{resources}{memory} = { limit => 67108864 };
			$c->{linux}{resources}{pids} = { limit => 42 }' ||
			bail_out "cannot make the bundle"
		runtime $r create --bundle "$tmp/cg-$r" --pid-file "$tmp/$r.pid" "oci15-$r-cg" \
			</dev/null >/dev/null 2>"$tmp/$r.err"
		is "$?" 0 "$r: create with cgroupsPath '$path'" || diag "$(cat "$tmp/$r.err")"
		where $r "oci15-$r-cg" | sed "s/oci15-$r-cg/ID/g; s/$r/R/g" >"$tmp/$r.where"
	done
	is "$(cat "$tmp/hutch.where")" "$(cat "$tmp/runc.where")" "$1: as runc"
	diag "runc: $(tr '\n' ' ' <"$tmp/runc.where")"
}

form "/NAME (below each hierarchy's root)" /oci-t15-R
form "/A/B/NAME" /oci-t15-R-a/b/c
form "NAME (below the runtime's own group)" oci-t15-R-n
form "A/NAME" oci-t15-R-r/b
form "none (ID below the runtime's own group)" ""
oci_cleanup_more

# a record of an older hutch: cgroup=PARENT/NAME, the group below each
# hierarchy's root; delete finds it and removes it
bundle old '$c->{process}{args} = ["sleep", "1000"];
	$c->{linux}{cgroupsPath} = "/oci-t15-old/box";
	$c->{linux}{resources}{pids} = { limit => 5 }' || bail_out "cannot make the bundle"
runtime hutch create --bundle "$tmp/old" oci15-hutch-old </dev/null >/dev/null 2>"$tmp/old.err"
is "$?" 0 "hutch: create /oci-t15-old/box" || diag "$(cat "$tmp/old.err")"
state=$tmp/root-hutch/oci15-hutch-old/state
like "$(cat "$state")" "group=/sys/fs/cgroup/pids/oci-t15-old/box" "the record lists the groups made"
sed -i '/^group=/d' "$state" && echo "cgroup=oci-t15-old/box" >>"$state"
runtime hutch delete --force oci15-hutch-old
is "$?" 0 "delete of a record with cgroup=PARENT/NAME"
is "$(find /sys/fs/cgroup -maxdepth 3 -path '*oci-t15-old/box' 2>/dev/null)" "" \
	"  its groups removed"
oci_cleanup_more

# a record that lists no group (create made none: no controller to set,
# a read-only cgroup file system): ps, kill --all and delete touch no
# group, never a hierarchy's root, whose cgroup.procs is the host's
bundle none '$c->{process}{args} = ["sleep", "1000"];
	$c->{linux}{cgroupsPath} = "/oci-t15-none/box"' || bail_out "cannot make the bundle"
runtime hutch create --bundle "$tmp/none" --pid-file "$tmp/none.pid" oci15-hutch-none \
	</dev/null >/dev/null 2>"$tmp/none.err"
is "$?" 0 "hutch: create /oci-t15-none/box" || diag "$(cat "$tmp/none.err")"
sed -i '/^group=/d' "$tmp/root-hutch/oci15-hutch-none/state"
is "$(runtime hutch ps --format json oci15-hutch-none 2>/dev/null)" "" \
	"a record without groups: ps lists no pid (not the root group's)"
runtime hutch kill --all oci15-hutch-none KILL
is "$?" 0 "  kill --all: its own process only"
wait_for 30 sh -c "! kill -0 $(cat "$tmp/none.pid") 2>/dev/null"
runtime hutch delete oci15-hutch-none
is "$?" 0 "  delete"
oci_cleanup_more

# refused: one line naming the field, 125, no record, no group
refused() { # DESC PATH
	rm -rf "$tmp/bad"
	CGP=$2 bundle bad '$c->{linux}{cgroupsPath} = $ENV{CGP}' || bail_out "cannot make the bundle"
	runtime hutch create --bundle "$tmp/bad" oci15-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
	is "$?" 125 "refused: $1 '$2' (125)"
	like "$(cat "$tmp/bad.err")" "linux.cgroupsPath" "  the message names the field"
	is "$(wc -l <"$tmp/bad.err")" 1 "  in one line"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
	is "$(find /sys/fs/cgroup -maxdepth 8 -path '*oci-t15*' 2>/dev/null)" "" "  no group left"
}
refused "the root" /
refused "the runtime's own group" .
refused "its parent" ..
refused "a '..' part" ../oci-t15-up
refused "a '..' part inside" /oci-t15-a/../b
refused "an empty part" oci-t15-a//b
refused "a trailing slash" /oci-t15-a/
refused "a blank" "oci-t15 a"
refused "a newline (the record's lines)" $'oci-t15\nb'
refused "a name of 121 bytes" "/oci-t15/$(printf 'n%.0s' $(seq 121))"

done_testing
