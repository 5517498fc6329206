#!/bin/bash
# SPDX-License-Identifier: MIT
# 18-systemd-dbus.t: --systemd-cgroup where systemd runs, on a host that
# systemd did not boot: a private mount namespace with /run/systemd/system
# and, on /run/systemd/private, helpers/fake-systemd.py, which answers as
# systemd's manager does. hutch asks it for the scope (StartTransientUnit
# PREFIX-NAME.scope, the wait for JobRemoved) and delete has it stopped
# (StopUnit); systemd's error, a job that fails and an answer that is no
# D-Bus message each give one line, 125, and nothing left behind (no
# record, no group); a call that came with BEGIN and waits for more
# bytes (systemd 252 does that) still gets its answer; the properties of
# the scope (LOG.props): the limits, pids -1 as TasksMax=infinity. The real systemd
# and runc beside hutch: tests/qemu/90-amd64-systemd.t.
#
# Needs root, python3.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

[ -d /run/systemd/system ] &&
	bail_out "systemd runs this host: tests/qemu/90-amd64-systemd.t is this file's test there"
oci_cleanup_more() {
	find /sys/fs/cgroup -depth -mindepth 2 -maxdepth 4 -type d -name 't18*' \
		-exec rmdir {} + 2>/dev/null
}
oci_setup 18 a b c d e f g h i -- python3
fake=$(cd "$(dirname "$0")" && pwd)/helpers/fake-systemd.py

# sd MODE CMD...: CMD (hutch oci's arguments) where systemd runs, its
# socket fake-systemd.py in MODE, its calls appended to $tmp/calls
sd() {
	unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs t18 /run &&
		mkdir -p /run/systemd/system || exit 99
		python3 "$0" /run/systemd/private "$1" "$2" & fake=$!
		i=0; while [ ! -S /run/systemd/private ] && [ $i -lt 200 ]; do
			sleep 0.05; i=$((i + 1)); done
		shift 2; "$@"; rc=$?; kill $fake; exit $rc' \
		"$fake" "$1" "$tmp/calls" "$HUTCH" oci --root "$tmp/root-hutch" "${@:2}"
}

bundle_for() { # ID
	rm -rf "${tmp:?}/$1"
	ID=$1 bundle "$1" '$c->{process}{args} = ["sleep", "1000"];
		$c->{linux}{cgroupsPath} = "t18.slice:t18p:$ENV{ID}";
		$c->{linux}{resources}{memory} = { limit => 67108864 };
		$c->{linux}{resources}{pids} = { limit => 42 }' || bail_out "cannot make the bundle"
}

nothing_left() { # ID
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
	is "$(find /sys/fs/cgroup -maxdepth 4 -name "t18p-$1.scope")" "" "  no group left"
}

# systemd makes the scope: hutch's group, its limits; delete stops it
id=oci18-hutch-a
bundle_for $id
: >"$tmp/calls"
sd done --systemd-cgroup create --bundle "$tmp/$id" --pid-file "$tmp/$id.pid" $id \
	</dev/null >/dev/null 2>"$tmp/$id.err"
is "$?" 0 "create where systemd runs" || diag "$(cat "$tmp/$id.err")"
is "$(cat "$tmp/calls")" "Subscribe
StartTransientUnit t18p-$id.scope" "  Subscribe, then StartTransientUnit of PREFIX-NAME.scope"
pid=$(cat "$tmp/$id.pid")
# the properties runc 1.1.5's driver gives a scope on this host (cgroup
# v1), values as systemd reads them
prop() { sed -n "s/^$1=//p" "$tmp/calls.props"; }
is "$(prop Slice) $(prop Delegate) $(prop DefaultDependencies) $(prop PIDs)" \
	"t18.slice true false [$pid]" "  Slice, Delegate, DefaultDependencies=false, PIDs the container's"
is "$(prop MemoryLimit) $(prop TasksMax)" "67108864 42" "  MemoryLimit and TasksMax from the bundle"
group=$(sed -n 's/^[0-9]*:memory://p' "/proc/$pid/cgroup")
is "$group" "/t18.slice/t18p-$id.scope" "  the group runc's driver computes"
is "$(cat "/sys/fs/cgroup/memory$group/memory.limit_in_bytes")" 67108864 "  hutch's limit there"
like "$(cat "$tmp/root-hutch/$id/state")" "unit=t18p-$id.scope" "  the record keeps the unit"
: >"$tmp/calls"
sd done delete --force $id 2>"$tmp/$id.err"
is "$?" 0 "delete --force" || diag "$(cat "$tmp/$id.err")"
is "$(cat "$tmp/calls")" "Subscribe
StopUnit t18p-$id.scope
ResetFailedUnit t18p-$id.scope" "  StopUnit of the unit, then ResetFailedUnit (as runc's stopUnit)"
ok "  the group gone" sh -c "[ ! -d '/sys/fs/cgroup/memory$group' ]"

# a create that fails once the scope is made (a createRuntime hook that
# fails): the scope is stopped and reset, not left active with its group
# removed under it (systemd would never see it empty; a build that
# removed the group alone made no StopUnit here)
id=oci18-hutch-f
bundle_for $id
perl -MJSON::PP -i -0pe 'my $c = decode_json($_);
	$c->{hooks}{createRuntime} = [ { path => "/bin/sh", args => ["sh", "-c", "exit 3"] } ];
	$_ = encode_json($c)' "$tmp/$id/config.json"
: >"$tmp/calls"
sd done --systemd-cgroup create --bundle "$tmp/$id" $id </dev/null >/dev/null 2>"$tmp/$id.err"
is "$?" 125 "a hook fails after the scope was made: create fails (125)"
is "$(cat "$tmp/calls")" "Subscribe
StartTransientUnit t18p-$id.scope
Subscribe
StopUnit t18p-$id.scope
ResetFailedUnit t18p-$id.scope" "  the scope stopped and reset" || diag "$(cat "$tmp/$id.err")"
nothing_left $id

# refused: one line each, 125, nothing left
refused() { # MODE ID DESC LINE
	bundle_for "$2"
	: >"$tmp/calls"
	sd "$1" --systemd-cgroup create --bundle "$tmp/$2" "$2" </dev/null >/dev/null 2>"$tmp/$2.err"
	is "$?" 125 "$3 (125)"
	like "$(cat "$tmp/$2.err")" "$4" "  the message says it"
	is "$(wc -l <"$tmp/$2.err")" 1 "  in one line" || diag "$(cat "$tmp/$2.err")"
	nothing_left "$2"
}
refused refuse oci18-hutch-b "systemd refuses the unit" \
	"systemd refused the scope t18p-oci18-hutch-b.scope: org.freedesktop.DBus.Error.InvalidArgs: Cannot set property TasksMax"
refused failed oci18-hutch-c "the start job fails" \
	"systemd's job to start t18p-oci18-hutch-c.scope ended \"failed\", not done"
like "$(cat "$tmp/calls")" "ResetFailedUnit t18p-oci18-hutch-c.scope" "  the failed unit reset, as runc's"
refused garbage oci18-hutch-d "an answer that is no D-Bus message" \
	"no answer from systemd on /run/systemd/private to start t18p-oci18-hutch-d.scope"
refused exists oci18-hutch-g "a unit of the name exists, active" \
	"systemd has a unit t18p-oci18-hutch-g.scope already, and it is not failed"
is "$(cat "$tmp/calls")" "Subscribe
StartTransientUnit t18p-oci18-hutch-g.scope
ResetFailedUnit t18p-oci18-hutch-g.scope
StartTransientUnit t18p-oci18-hutch-g.scope" \
	"  reset once and asked again, then refused (runc 1.1.5 goes on with the old unit)"

# a failed unit of the name (left by a container before): reset, then
# the scope made (a build that went on at UnitExists made no second start)
id=oci18-hutch-h
bundle_for $id
: >"$tmp/calls"
sd stale --systemd-cgroup create --bundle "$tmp/$id" $id </dev/null >/dev/null 2>"$tmp/$id.err"
is "$?" 0 "a failed unit of the name: create" || diag "$(cat "$tmp/$id.err")"
is "$(head -n 4 "$tmp/calls")" "Subscribe
StartTransientUnit t18p-$id.scope
ResetFailedUnit t18p-$id.scope
StartTransientUnit t18p-$id.scope" "  the failed unit reset, the scope asked again"
sd done delete --force $id 2>"$tmp/$id.err"
is "$?" 0 "  delete --force"
nothing_left $id

# pids.limit -1 is no limit: TasksMax=infinity (UINT64_MAX), as runc
# gives it; without it systemd's DefaultTasksMax would hold (a build
# that sent nothing here left 15% of the host's pid_max)
id=oci18-hutch-i
bundle_for $id
perl -MJSON::PP -i -0pe 'my $c = decode_json($_); $c->{linux}{resources}{pids}{limit} = -1;
	$_ = encode_json($c)' "$tmp/$id/config.json"
sd done --systemd-cgroup create --bundle "$tmp/$id" $id </dev/null >/dev/null 2>"$tmp/$id.err"
is "$?" 0 "pids.limit -1: create" || diag "$(cat "$tmp/$id.err")"
is "$(prop TasksMax)" 18446744073709551615 "  TasksMax=infinity"
sd done delete --force $id 2>"$tmp/$id.err"
is "$?" 0 "  delete --force"
nothing_left $id

# systemd 252 leaves a call that came in one read with BEGIN unread
# until more bytes come: hutch sends BEGIN with AUTH and its first call
# once OK is read, never with BEGIN (a build that sent BEGIN, then its
# call at once, waited 30 s here, then refused)
id=oci18-hutch-e
bundle_for $id
: >"$tmp/calls"
sd lazy --systemd-cgroup create --bundle "$tmp/$id" $id </dev/null >/dev/null 2>"$tmp/$id.err"
is "$?" 0 "a call that came with BEGIN, read once more bytes come: create" ||
	diag "$(cat "$tmp/$id.err")"
sd done delete --force $id 2>"$tmp/$id.err"
is "$?" 0 "  delete --force"
nothing_left $id
oci_cleanup_more

done_testing
