#!/bin/bash
# SPDX-License-Identifier: MIT
# 16-record.t: the container's record (ROOT/ID/state) cannot be made to
# name a group that is not the container's. ociVersion: what runc, the
# oracle, takes (digits, letters, '.', '-', '+') hutch takes; a newline
# (which had added a group= line: the root cpuset's, for kill --all) is
# refused, one line, 125, nothing left. A record rewritten by hand (a
# hierarchy's root, by name, through "..", "." or a symlink; a directory
# outside the cgroup file systems; a real group reached through "..")
# makes ps list the container's process only, kill --all signal it only
# and delete remove its groups only. state's JSON escapes what the record
# holds. With OLD_HUTCH (a hutch of 5ae6e27 or before, which read
# cgroup=PARENT/NAME and, without the line, acted on each hierarchy's
# root): its ps on a new record lists none of the host's processes.
# Never kill --all with a root in the record: if the defence failed, the
# test would kill the machine; kill --all meets only the test's own
# sentinels (two sleeps), so a failing defence kills only them.
#
# Needs root, runc, perl's JSON::PP, a cgroup v1 host (pids, memory).

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

sentinels=()
oci_cleanup_more() {
	local s
	for s in "${sentinels[@]}"; do kill "$s" 2>/dev/null; done
	sleep 0.2
	find /sys/fs/cgroup -depth -mindepth 2 -maxdepth 4 -type d -path '*/oci-t16*' \
		-exec rmdir {} + 2>/dev/null
}
oci_setup 16 v box bad
if [ "$(stat -f -c %T /sys/fs/cgroup)" != tmpfs ] || [ ! -d /sys/fs/cgroup/pids ]; then
	echo "1..0 # SKIP a cgroup v1 host (pids, memory) is needed"
	exit 0
fi

# --- ociVersion: runc's forms taken, a line break refused ---------------
for v in 1.0.2 1.0.2-dev 1.1.0-rc.1 1.0.2+dev 1.2.0; do
	rc=()
	for r in runc hutch; do
		rm -rf "$tmp/v"
		V=$v bundle v '$c->{ociVersion} = $ENV{V}' || bail_out "cannot make the bundle"
		runtime $r create --bundle "$tmp/v" "oci16-$r-v" </dev/null >/dev/null 2>"$tmp/v.err"
		rc+=($?)
		runtime $r delete --force "oci16-$r-v" >/dev/null 2>&1
	done
	is "${rc[1]}" "${rc[0]}" "ociVersion $v: hutch's create as runc's (${rc[0]})"
done

rm -rf "$tmp/bad"
bundle bad '$c->{ociVersion} = "1.\ngroup=/sys/fs/cgroup/cpuset"' || bail_out "cannot make the bundle"
runtime runc create --bundle "$tmp/bad" oci16-runc-bad </dev/null >/dev/null 2>&1
diag "runc 1.1.5 on an ociVersion with a newline: create exit $? (it keeps JSON)"
runtime runc delete --force oci16-runc-bad >/dev/null 2>&1
runtime hutch create --bundle "$tmp/bad" oci16-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
is "$?" 125 "ociVersion \"1.\\ngroup=/sys/fs/cgroup/cpuset\": refused (125)"
like "$(cat "$tmp/bad.err")" "ociVersion" "  the message names the field"
is "$(wc -l <"$tmp/bad.err")" 1 "  in one line"
is "$(ls -A "$tmp/root-hutch")" "" "  no record left"

# --- a record rewritten by hand -----------------------------------------
sleep 1000 &
sentinels+=($!)
sleep 1000 &
sentinels+=($!)
mkdir -p /sys/fs/cgroup/pids/oci-t16-sent/x "$tmp/fake" "$tmp/empty"
echo "${sentinels[0]}" >/sys/fs/cgroup/pids/oci-t16-sent/cgroup.procs
echo "${sentinels[1]}" >"$tmp/fake/cgroup.procs"
ln -s /sys/fs/cgroup "$tmp/lnk"

bundle box '$c->{process}{args} = ["sleep", "1000"];
	$c->{linux}{cgroupsPath} = "/oci-t16-box/c";
	$c->{linux}{resources}{pids} = { limit => 42 }' || bail_out "cannot make the bundle"
runtime hutch create --bundle "$tmp/box" --pid-file "$tmp/box.pid" oci16-hutch-box \
	</dev/null >/dev/null 2>"$tmp/box.err"
is "$?" 0 "create with cgroupsPath /oci-t16-box/c" || diag "$(cat "$tmp/box.err")"
pid=$(cat "$tmp/box.pid")
state=$tmp/root-hutch/oci16-hutch-box/state
cp "$state" "$tmp/state.orig"
is "$(runtime hutch ps --format json oci16-hutch-box)" "[$pid]" "ps of the record as made"

# tamper LINE...: the record with group=LINE lines before its own
tamper() {
	{
		grep -v '^group=' "$tmp/state.orig"
		printf 'group=%s\n' "$@"
		grep '^group=' "$tmp/state.orig"
	} >"$state"
}

# each a directory a rewritten record may name; ps lists the container only
bad_groups=(
	/sys/fs/cgroup/cpuset
	/sys/fs/cgroup/pids/oci-t16-box/c/../..
	/sys/fs/cgroup/memory/.
	"$tmp/lnk/pids"
	/etc
	"$tmp/fake"
	/sys/fs/cgroup/pids/oci-t16-sent/x/..
	sys/fs/cgroup/pids
)
for g in "${bad_groups[@]}"; do
	tamper "$g"
	is "$(runtime hutch ps --format json oci16-hutch-box 2>/dev/null)" "[$pid]" \
		"group=$g: ps lists the container's process only"
done

# kill --all: only where a failing defence meets the sentinels
tamper "$tmp/fake" /sys/fs/cgroup/pids/oci-t16-sent/x/..
runtime hutch kill --all oci16-hutch-box KILL 2>/dev/null
ok "kill --all: the container's process gone" wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
sleep 0.3
for s in "${sentinels[@]}"; do
	ok "  a process of a group the record named (not the container's) alive" kill -0 "$s"
done

tamper "${bad_groups[@]}" "$tmp/empty"
runtime hutch delete --force oci16-hutch-box 2>/dev/null
is "$?" 0 "delete of the rewritten record"
is "$(find /sys/fs/cgroup -maxdepth 3 -path '*oci-t16-box/c' 2>/dev/null)" "" \
	"  its own groups removed"
ok "  a directory outside the cgroup file systems kept" test -d "$tmp/empty"
ok "  a real group named through '..' kept" test -d /sys/fs/cgroup/pids/oci-t16-sent

# --- state's JSON: every string escaped ---------------------------------
rm -rf "$tmp/v"
bundle v '$c->{process}{args} = ["sleep", "1000"]' || bail_out "cannot make the bundle"
runtime hutch create --bundle "$tmp/v" oci16-hutch-v </dev/null >/dev/null 2>&1
state=$tmp/root-hutch/oci16-hutch-v/state
sed -i 's/^version=.*/version=1.0","status":"x/; s/^created=.*/created=a"b\\c/' "$state"
json=$(runtime hutch state oci16-hutch-v)
is "$(printf '%s' "$json" | perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
	print join "|", @$s{qw(ociVersion status created)}' 2>&1)" '1.0","status":"x|created|a"b\c' \
	"state: a record's quote and backslash escaped in the JSON"
runtime hutch delete --force oci16-hutch-v

# --- an older hutch on a new record --------------------------------------
if [ -n "${OLD_HUTCH-}" ]; then
	rm -rf "$tmp/box"
	bundle box '$c->{process}{args} = ["sleep", "1000"];
		$c->{linux}{cgroupsPath} = "/oci-t16-box/c";
		$c->{linux}{resources}{pids} = { limit => 42 }' || bail_out "cannot make the bundle"
	runtime hutch create --bundle "$tmp/box" --pid-file "$tmp/box.pid" oci16-hutch-box \
		</dev/null >/dev/null 2>&1
	out=$("$OLD_HUTCH" oci --root "$tmp/root-hutch" ps --format json oci16-hutch-box 2>&1)
	unlike "$out" '\[[0-9,]*,[0-9]' "an older hutch's ps lists none of the host's processes"
	diag "older hutch's ps: $out"
	runtime hutch delete --force oci16-hutch-box
else
	diag "OLD_HUTCH unset: an older hutch's ps of a new record not tried"
fi

done_testing
