#!/bin/bash
# SPDX-License-Identifier: MIT
# 60-hooks.t: config.json's hooks (prestart, createRuntime, poststart,
# poststop) under runc, the oracle, and under hutch oci: each hook
# writes what it got (the state JSON on its stdin, its args, its env) to
# a file on the host, and appends its name to a log, in order; the two
# runtimes' files are compared, field by field. Then a failing prestart
# hook and a createRuntime hook past its timeout fail create under both
# (hutch: nothing left), and a failing poststart hook is logged while
# start succeeds (the runtime spec's rule).
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_setup 60 hooks bad

# the hook: /bin/sh -c SCRIPT KIND R; what it got into $tmp/out/R.KIND
cat >"$tmp/hook.sh" <<'EOF'
out=$HOOK_OUT/$2.$1
cat >"$out.state"
echo "args=$0 $*" >"$out.args"
echo "pid namespace: $(readlink /proc/self/ns/pid)" >>"$out.args"
echo "cwd: $(pwd | sed 's,.*/hooks-[a-z]*$,BUNDLE,; s,.*/rootfs$,ROOTFS,')" >>"$out.args"
# the root it runs in: the image's has the hooks' directory at /mnt
echo "root: $([ -e /mnt/hook.sh ] && echo "the image's" || echo "the runtime's")" >>"$out.args"
env | grep -v '^PWD=\|^SHLVL=\|^_=' | sort >"$out.env"
echo "$1" >>"$HOOK_OUT/$2.log"
EOF
mkdir -p "$tmp/out"
hooks() { # R: the hooks object for runtime R
	local k sep=
	printf '{'
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		# startContainer runs in the container's root: $tmp is its /mnt
		t=$tmp
		[ $k = startContainer ] && t=/mnt
		printf '%s"%s": [{"path": "/bin/sh", "args": ["sh", "%s", "%s", "%s"], "env": ["HOOK_OUT=%s", "X=1"], "timeout": 30}]' \
			"$sep" "$k" "$t/hook.sh" "$k" "$1" "$t/out"
		sep=,
	done
	printf '}'
}
for r in runc hutch; do
	HOOKS=$(hooks $r) T=$tmp bundle "hooks-$r" '$c->{hooks} = decode_json($ENV{HOOKS});
		push @{$c->{mounts}}, { destination => "/mnt", type => "bind", source => $ENV{T},
			options => ["rbind", "rw"] };
		$c->{process}{args} = ["sleep", "1000"]' || bail_out "cannot make the bundle"
	runtime $r create --bundle "$tmp/hooks-$r" --pid-file "$tmp/$r.pid" "oci60-$r-hooks" \
		</dev/null >/dev/null 2>"$tmp/$r.hooks.err"
	echo "create=$?" >"$tmp/$r.steps"
	cp "$tmp/out/$r.log" "$tmp/$r.after-create" 2>/dev/null
	runtime $r start "oci60-$r-hooks" 2>>"$tmp/$r.hooks.err"
	echo "start=$?" >>"$tmp/$r.steps"
	# startContainer runs in the container once start released it, as
	# start returns (runc's too): delete kills it, so wait for its end
	wait_for 30 grep -q startContainer "$tmp/out/$r.log"
	runtime $r delete --force "oci60-$r-hooks" 2>>"$tmp/$r.hooks.err"
	echo "delete=$?" >>"$tmp/$r.steps"
done
is "$(cat "$tmp/hutch.steps")" "$(cat "$tmp/runc.steps")" "create, start, delete succeed, as runc's" ||
	diag "$(cat "$tmp/hutch.hooks.err")"
# runc 1.1 runs poststart at create already (fixed in runc 1.2, as the
# runtime spec has it: after start), hutch at start
is "$(cat "$tmp/hutch.after-create")" "$(grep -v poststart "$tmp/runc.after-create")" \
	"create ran prestart, createRuntime and createContainer, in order, as runc"
is "$(grep -v poststart "$tmp/out/hutch.log")" "$(grep -v poststart "$tmp/out/runc.log")" \
	"then start ran startContainer and delete poststop, as runc ($(tr '\n' ' ' <"$tmp/out/runc.log"))"

# state FILE R: the state JSON's fields, the id, pid and bundle as words
state() {
	perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>); my ($r, $pid) = @ARGV;
		for my $k (sort keys %$s) { next if $k eq "created" || $k eq "rootfs" || $k eq "owner";
			my $v = $s->{$k}; $v = "ID" if $k eq "id" && $v eq "oci60-$r-hooks";
			$v = "PID" if $k eq "pid" && $v == $pid; $v = "BUNDLE" if $k eq "bundle" && $v =~ m{/hooks-$r$};
			$v = JSON::PP->new->canonical->encode($v) if ref $v;
			print "$k=$v\n" }' "$2" "$(cat "$tmp/$2.pid")" <"$1"
}
# poststart's status: runc 1.1 runs it at create (created), hutch after
# start (running, the runtime spec's): compared without it
like "$(cat "$tmp/out/hutch.poststart.state")" '"status": "running"' "poststart: the status is running"
# a hook's PID namespace: the host's or another (the container's)
host_pidns=$(stat -L -c %i /proc/self/ns/pid)
pidns() { sed "s/hutch/R/; s/runc/R/; s/pid:\[$host_pidns\]/host/; s/pid:\[[0-9]*\]/container/" "$1"; }
for k in prestart createRuntime createContainer startContainer poststart poststop; do
	skip='^$'
	[ $k = poststart ] && skip='^status='
	is "$(state "$tmp/out/hutch.$k.state" hutch | grep -v "$skip")" \
		"$(state "$tmp/out/runc.$k.state" runc | grep -v "$skip")" \
		"$k: the state on stdin is runc's ($(state "$tmp/out/runc.$k.state" runc | tr '\n' ' '))"
	is "$(pidns "$tmp/out/hutch.$k.args")" "$(pidns "$tmp/out/runc.$k.args")" \
		"$k: its args, PID namespace, cwd and root are runc's ($(pidns "$tmp/out/runc.$k.args" | tail -3 | tr '\n' ' '))"
	is "$(sed 's/hutch/R/' "$tmp/out/hutch.$k.env")" "$(sed 's/runc/R/' "$tmp/out/runc.$k.env")" \
		"$k: its environment is runc's (the hook's env alone)"
done

# failures
fails() { # DESC PERL WANT: create fails under both
	local r
	rm -rf "$tmp/bad" && bundle bad "$2" || return 1
	for r in runc hutch; do
		runtime $r create --bundle "$tmp/bad" "oci60-$r-bad" </dev/null >/dev/null 2>"$tmp/$r.bad.err"
		echo "$r=$?" >"$tmp/$r.bad.rc"
		runtime $r delete --force "oci60-$r-bad" >/dev/null 2>&1
	done
	isnt "$(cat "$tmp/runc.bad.rc")" runc=0 "runc fails create: $1"
	isnt "$(cat "$tmp/hutch.bad.rc")" hutch=0 "hutch fails create: $1"
	like "$(cat "$tmp/hutch.bad.err")" "$3" "  and says why"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
	is "$(find /sys/fs/cgroup -maxdepth 4 -name oci60-hutch-bad 2>/dev/null)" "" "  no cgroup left"
}
fails "a prestart hook exits 3" '$c->{hooks} = { prestart => [ { path => "/bin/sh", args => ["sh", "-c", "exit 3"] } ] }' \
	"hooks.prestart: /bin/sh: exited 3"
fails "a createRuntime hook past its timeout" \
	'$c->{hooks} = { createRuntime => [ { path => "/bin/sleep", args => ["sleep", "100"], timeout => 1 } ] }' \
	"hooks.createRuntime: /bin/sleep: timed out after 1 s"

rm -rf "$tmp/bad" && bundle bad '$c->{hooks} = { poststart => [ { path => "/bin/false" } ] };
	$c->{process}{args} = ["sleep", "1000"]'
runtime hutch create --bundle "$tmp/bad" oci60-hutch-bad </dev/null >/dev/null 2>&1
runtime hutch start oci60-hutch-bad 2>"$tmp/ps.err"
is "$?" 0 "a failing poststart hook: start still succeeds (runtime spec: logged)"
like "$(cat "$tmp/ps.err")" "hooks.poststart: /bin/false: exited 1" "  and it is logged"
is "$(field_status=$(runtime hutch state oci60-hutch-bad); echo "$field_status" | grep -c '"running"')" 1 \
	"  the container runs"
runtime hutch delete --force oci60-hutch-bad

# the container's process killed while create runs its hooks: create
# says so, and leaves nothing (it must not die of SIGPIPE on its way)
fails "a createRuntime hook kills the container's process" \
	'$c->{hooks} = { createRuntime => [ { path => "/bin/sh", args => ["sh", "-c",
		"kill -KILL \$(tr -d \"\\n \" | sed \"s/.*\\\"pid\\\":\\([0-9]*\\).*/\\1/\")"] } ] }' \
	"create: the container's process ended before it was set up"
fails "a createContainer hook exits 4" \
	'$c->{hooks} = { createContainer => [ { path => "/bin/sh", args => ["sh", "-c", "exit 4"] } ] }' \
	"hooks.createContainer: /bin/sh: exited 4"

done_testing
