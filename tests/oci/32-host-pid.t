#!/bin/bash
# SPDX-License-Identifier: MIT
# 32-host-pid.t (from an outside review of 9ad10b3): a container left in
# the host's PID namespace (linux.namespaces without a pid entry) under
# runc, the oracle, and hutch oci. Its init is not PID 1 of a namespace
# of its own, so the kernel does not take its other processes with it
# when it ends: the runtime must. runc's destroy (delete, delete
# --force) sends SIGKILL to every process of the container's cgroup
# when the PID namespace is not private, and its kill --all freezes the
# cgroup before it lists and signals it. Shown here:
#  1. init ends, a child stays; delete: the child must be gone.
#  2. init runs with a child; delete --force: the child must be gone.
#  3. a process that forks a child and ends, over and over (one
#     unprivileged process of the container); kill --all KILL, then
#     kill --all TERM (each process dies of it): the cgroup must be
#     empty afterwards (tries up to 10 times). A hutch that reads
#     cgroup.procs once and signals each pid, unfrozen, lets a child
#     forked in between escape (KILL: 3 runs of 4 on d11793c; TERM: on
#     14f6590); runc freezes first, hutch signals round after round
#     (KILL: and waits for each to end).
#  4. a uts namespace joined by path that is the runtime's own
#     (/proc/self/ns/uts) and a hostname (run in a UTS namespace of the
#     test's own, never the machine's): runc renames it; hutch takes
#     the runtime's own namespace as the host's and refuses the
#     hostname, as with no uts entry; the runtime's own mount
#     namespace by path, refused (not run under runc: it would build
#     the container's root in the test's namespace).
#  5. a PID namespace joined by path (shareProcessNamespace): delete
#     --force of the joiner, whose init has a child.
#
# Needs root, runc, perl's JSON::PP, unshare.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_cleanup_more() {
	local f d p
	for d in "$tmp"/*/; do touch "$d/stop" 2>/dev/null; done
	for f in "$tmp"/*/child; do
		[ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	sleep 0.5
	for d in $(find /sys/fs/cgroup -maxdepth 6 -depth -type d -name 'rw91-*' 2>/dev/null); do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	done
	sleep 0.3
	find /sys/fs/cgroup -maxdepth 6 -depth -type d -name 'rw91-*' -exec rmdir {} + 2>/dev/null
}
oci_setup 91 masks exit force hop uts pause join bad -- unshare
oci_prefix=rw91

# procs ID: the number of processes in the container's cgroup (pids
# hierarchy on v1, the unified one on v2); "none" without one
procs() {
	local d
	d=$(find /sys/fs/cgroup/pids /sys/fs/cgroup -maxdepth 6 -type d -name "$1" 2>/dev/null | head -n 1)
	[ -n "$d" ] || { echo none; return; }
	wc -l <"$d/cgroup.procs"
}

# alive PID: the process exists and is no zombie
alive() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[^ZX]'; }
stopped() { runtime "$1" state "$2" | grep -q '"stopped"'; }
empty() { [ "$(procs "$1")" = 0 ] || [ "$(procs "$1")" = none ]; }

# hp_bundle NAME SCRIPT: mount namespace only (pid, ipc, uts, network
# the host's), no hostname, $tmp/NAME on /mnt, sh -c SCRIPT
hp_bundle() {
	rm -rf "${tmp:?}/$1"
	mkdir -p "$tmp/$1"
	SCRIPT=$2 bundle "$1" '
		mnt_dir;
		delete $c->{hostname};
		$c->{linux}{namespaces} = [ { type => "mount" } ];
		$c->{process}{args} = ["sh", "-c", $ENV{SCRIPT}];' || bail_out "cannot make the bundle"
}

# 0. the /proc of a host-PID container: hutch's masks hold (kcore and
# sysrq-trigger where the kernel has them)
hp_bundle masks 'awk '"'"'$5 ~ /^\/proc\/(kcore|sysrq-trigger|keys|timer_list|sys)$/ { split($6, o, ","); print $5 "=" o[1] }'"'"' /proc/self/mountinfo | sort -u | tr "\n" " "; echo; echo END'
for r in runc hutch; do
	run_once $r rw91-$r-masks masks
	diag "$r: $(head -n 1 "$tmp/$r.rw91-$r-masks.out")"
done
like "$(head -n 1 "$tmp/hutch.rw91-hutch-masks.out")" \
	"^/proc/keys=r[ow] (/proc/kcore=r[ow] )?/proc/sys=ro (/proc/sysrq-trigger=r[ow] )?/proc/timer_list=r[ow] $" \
	"host PID namespace: kcore, sysrq-trigger, keys, timer_list masked, /proc/sys read-only"

# hp_delete NAME WHAT CHECK SCRIPT DESC [--force]: under each runtime,
# the container rw91-R-NAME of hp_bundle NAME SCRIPT (SCRIPT writes its
# child's pid to /mnt/child) created (a test: "R: create (host PID
# namespace, WHAT)") and started; CHECK R ID CHILD; then delete (with
# --force if given): its status, whether the child lives and the
# cgroup's processes under hutch as under runc (a test: DESC)
hp_delete() {
	local name=$1 what=$2 check=$3 script=$4 desc=$5 r id child
	shift 5
	for r in runc hutch; do
		id=rw91-$r-$name
		hp_bundle "$name" "$script"
		runtime $r create --bundle "$tmp/$name" "$id" </dev/null >"$tmp/$r.$name.out" 2>&1
		is "$?" 0 "$r: create (host PID namespace, $what)" ||
			diag "$(cat "$tmp/$r.$name.out")"
		runtime $r start "$id"
		wait_for 30 test -s "$tmp/$name/child"
		child=$(cat "$tmp/$name/child")
		"$check" "$r" "$id" "$child"
		runtime $r delete "$@" "$id" >>"$tmp/$r.$name.out" 2>&1
		echo "$r delete${*:+ $*} rc=$? child=$(sleep 0.5; alive "$child" && echo alive || echo gone) procs=$(procs "$id")" >"$tmp/$r.$name.res"
		diag "$(cat "$tmp/$r.$name.res")"
		kill -9 "$child" 2>/dev/null
	done
	is "$(sed 's/^hutch //' "$tmp/hutch.$name.res")" "$(sed 's/^runc //' "$tmp/runc.$name.res")" "$desc"
}

# init_ended R ID CHILD: init has ended, its child runs on
init_ended() {
	wait_for 10 stopped "$1" "$2"
	ok "$1: the child ($3) runs once init has ended" alive "$3"
}

# 1. init ends, its child stays; then delete (no --force)
hp_delete exit "init leaves a child" init_ended \
	'sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >/mnt/child; echo END' \
	"delete of a stopped host-PID container: the child and the cgroup as runc's"

# 2. delete --force while init runs with a child
hp_delete force "init with a child" : \
	'sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >/mnt/child; exec sleep 1000' \
	"delete --force of a running host-PID container: the child and the cgroup as runc's" --force

# 3. kill --all KILL, then TERM (kill's default), against a process
# that keeps forking and ending
for sig in KILL TERM; do
	for r in runc hutch; do
		esc=0
		for try in 1 2 3 4 5 6 7 8 9 10; do
			id=rw91-$r-hop
			hp_bundle hop 'h() { [ -e /mnt/stop ] || { h & }; }; h; exec sleep 1000'
			runtime $r create --bundle "$tmp/hop" "$id" </dev/null >"$tmp/$r.hop.out" 2>&1 ||
				{ diag "$(cat "$tmp/$r.hop.out")"; break; }
			runtime $r start "$id"
			sleep 0.3
			runtime $r kill --all "$id" $sig
			sleep 1
			n=$(procs "$id")
			touch "$tmp/hop/stop"
			runtime $r kill --all "$id" KILL
			wait_for 10 empty "$id"
			runtime $r delete --force "$id" >/dev/null 2>&1
			[ "$n" != 0 ] && { esc=$try; break; }
		done
		echo "escaped=$([ "$esc" = 0 ] && echo no || echo yes)" >"$tmp/$r.hop.res"
		diag "$r: kill --all $sig: $([ "$esc" = 0 ] && echo "cgroup empty in 10 tries" || echo "$n process(es) left at try $esc")"
	done
	is "$(cat "$tmp/hutch.hop.res")" "$(cat "$tmp/runc.hop.res")" \
		"kill --all $sig: a forking process does not escape, as under runc"
done

# 4. uts joined by path = the runtime's own, with a hostname: in a UTS
# namespace of this test's own (the "host" here)
rm -rf "$tmp/uts"
bundle uts '
	$c->{hostname} = "rw91-set";
	$_->{path} = "/proc/self/ns/uts" for grep { $_->{type} eq "uts" } @{$c->{linux}{namespaces}};
	$c->{process}{args} = ["true"];' || bail_out "cannot make the uts bundle"
for r in runc hutch; do
	bin="runc --root $tmp/root-runc"
	[ $r = hutch ] && bin="$HUTCH oci --root $tmp/root-hutch"
	out=$(unshare --uts sh -c "hostname rw91-outer; $bin create --bundle '$tmp/uts' rw91-$r-uts </dev/null >/dev/null 2>'$tmp/$r.uts.err'; echo create=\$?;
		$bin start rw91-$r-uts; sleep 1; $bin delete --force rw91-$r-uts; echo outer=\$(hostname)" 2>&1)
	echo "$out" | tr '\n' ' ' >"$tmp/$r.uts.res"
	diag "$r: $(cat "$tmp/$r.uts.res") $(head -c 200 "$tmp/$r.uts.err")"
done
like "$(cat "$tmp/runc.uts.res")" "create=0 outer=rw91-set" \
	"runc: uts joined at the runtime's own namespace with a hostname renames it"
like "$(cat "$tmp/hutch.uts.res")" "^create=125 .*outer=rw91-outer" \
	"hutch: the runtime's own namespace by path is the host's: the hostname refused, as with no uts entry"
like "$(cat "$tmp/hutch.uts.err")" "hostname: the container has the host's UTS namespace" \
	"  naming why"
# the runtime's own mount namespace by path: hutch refuses (runc builds
# the container's root in it: not run, it would swap the test's /)
oci_refused "the runtime's own mount namespace by path" '
	$_->{path} = "/proc/self/ns/mnt" for grep { $_->{type} eq "mount" } @{$c->{linux}{namespaces}}' \
	"mount: path /proc/self/ns/mnt is the runtime's own: hutch oci never mounts in the host's"

# 5. the same with a PID namespace joined by path (a pod's
# shareProcessNamespace): a sandbox container, then one joining its
# PID namespace whose init has a child; delete --force of the second
for r in runc hutch; do
	rm -rf "$tmp/pause" && bundle pause '$c->{process}{args} = ["sleep", "1000"]' ||
		bail_out "cannot make the bundle"
	runtime $r create --bundle "$tmp/pause" --pid-file "$tmp/$r.pause.pid" rw91-$r-pause \
		</dev/null >/dev/null 2>"$tmp/$r.pause.err" || diag "$(cat "$tmp/$r.pause.err")"
	runtime $r start rw91-$r-pause
	PAUSE=$(cat "$tmp/$r.pause.pid") hp_bundle join 'sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >/mnt/child; exec sleep 1000'
	PAUSE=$(cat "$tmp/$r.pause.pid") perl -MJSON::PP -i -0pe '
		my $c = decode_json($_);
		$c->{linux}{namespaces} = [ { type => "mount" }, { type => "pid", path => "/proc/$ENV{PAUSE}/ns/pid" } ];
		$_ = encode_json($c)' "$tmp/join/config.json"
	runtime $r create --bundle "$tmp/join" rw91-$r-join </dev/null >"$tmp/$r.join.out" 2>&1
	is "$?" 0 "$r: create joining the sandbox's PID namespace" || diag "$(cat "$tmp/$r.join.out")"
	runtime $r start rw91-$r-join
	wait_for 30 test -s "$tmp/join/child"
	runtime $r delete --force rw91-$r-join >>"$tmp/$r.join.out" 2>&1
	echo "delete --force rc=$? procs=$(procs rw91-$r-join)" >"$tmp/$r.join.res"
	diag "$r: $(cat "$tmp/$r.join.res")"
	runtime $r delete --force rw91-$r-pause >/dev/null 2>&1
done
is "$(cat "$tmp/hutch.join.res")" "$(cat "$tmp/runc.join.res")" \
	"delete --force with a joined PID namespace: the cgroup emptied and removed as runc's"

done_testing
