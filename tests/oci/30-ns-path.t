#!/bin/bash
# SPDX-License-Identifier: MIT
# 30-ns-path.t: linux.namespaces entries with a path, as a Kubernetes
# pod container joins its sandbox's namespaces. A holder process (the
# "pod sandbox": unshare's new network, IPC, UTS and PID namespaces,
# its own hostname) is joined by the same bundle under runc, the
# oracle, and under hutch oci: the namespaces the container's process
# and an exec in it see (readlink /proc/self/ns/*) must be the holder's
# and runc's, its hostname the holder's, its mount namespace a new one.
# Then what runc refuses too (a path of another kind of namespace, a
# file that is no namespace), a hostname with a joined uts namespace,
# and a mount namespace by path (a holder's of its own for each runtime,
# which both build the container's root in), compared with runc.
#
# Needs root, runc, unshare (util-linux), perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

holder= mholder=
oci_cleanup_more() {
	[ -z "$holder" ] || { kill -KILL "$holder" "$unshare"; wait "$unshare"; } 2>/dev/null
	[ -z "$mholder" ] || kill -KILL "$mholder" 2>/dev/null
}
oci_setup 30 join bad mnt -- unshare=util-linux

# the pod sandbox: sleep as PID 1 of its own namespaces, named oci-pod
unshare --net --ipc --uts --pid --fork sh -c 'hostname oci-pod; exec sleep 1000' \
	</dev/null >/dev/null 2>&1 &
unshare=$!
wait_for 30 sh -c "grep -q [0-9] /proc/$unshare/task/$unshare/children" ||
	bail_out "the holder did not start"
holder=$(tr -d ' ' </proc/$unshare/task/$unshare/children)
# its hostname is set once it runs sleep
sleep_exe=$(readlink -f "$(command -v sleep)")
wait_for 30 sh -c "[ \"\$(readlink /proc/$holder/exe)\" = $sleep_exe ]" ||
	bail_out "the holder did not exec sleep"
join() { # the holder's namespaces, as the container should see them
	for ns in net ipc uts pid; do echo "$ns=$(readlink "/proc/$holder/ns/$ns")"; done
}

# inside: the namespaces, the hostname, whether it is PID 1, and its
# mount namespace (bundle's /mnt is the bundle directory)
mkdir -p "$tmp/join"
cat >"$tmp/join/ns.sh" <<'EOF'
for ns in net ipc uts pid; do echo "$ns=$(readlink /proc/self/ns/$ns)"; done
[ "${1-}" = exec ] && exit 0
echo "hostname=$(hostname)"
echo "pid1=$([ $$ = 1 ] && echo yes || echo no)"
echo "mnt=$(readlink /proc/self/ns/mnt)"
echo END
EOF
NS_HOLDER=$holder bundle join '
	mnt_dir;
	$c->{process}{args} = ["sh", "/mnt/ns.sh"];
	delete $c->{hostname};
	$c->{linux}{namespaces} = [ { type => "mount" },
		map { { type => $_->[0], path => "/proc/$ENV{NS_HOLDER}/ns/$_->[1]" } }
		[network => "net"], [ipc => "ipc"], [uts => "uts"], [pid => "pid"] ];
	exec_json("sh", "/mnt/ns.sh", "exec");
	sleep_json;' ||
	bail_out "cannot make the bundle"
host_name=$(hostname)

for r in runc hutch; do
	run_once $r oci30-$r-join join
	is "$?" 0 "$r: create joining the holder's network, ipc, uts and pid namespaces" ||
		diag "$(cat "$tmp/$r.oci30-$r-join.err")"
done
is "$(grep -v '^mnt=' "$tmp/hutch.oci30-hutch-join.out")" \
	"$(grep -v '^mnt=' "$tmp/runc.oci30-runc-join.out")" \
	"inside: the namespaces, hostname and PID are runc's"
diag "runc: $(tr '\n' ' ' <"$tmp/runc.oci30-runc-join.out")"
is "$(grep -v '^hostname\|^pid1\|^mnt\|^END' "$tmp/hutch.oci30-hutch-join.out")" "$(join)" \
	"inside: network, ipc, uts and pid are the holder's"
like "$(cat "$tmp/hutch.oci30-hutch-join.out")" '^hostname=oci-pod$' \
	"inside: the hostname is the joined uts namespace's, untouched"
m=$(sed -n 's/^mnt=//p' "$tmp/hutch.oci30-hutch-join.out")
ok "inside: a mount namespace of its own (not the holder's, not the host's)" \
	[ -n "$m" ] && [ "$m" != "$(readlink /proc/$holder/ns/mnt)" ] && [ "$m" != "$(readlink /proc/self/ns/mnt)" ]
is "$(hostname)" "$host_name" \
	"the host's hostname is unchanged"

# exec in a running container that joined them: the same namespaces
mkdir -p "$tmp/joinx" && cp "$tmp/join/config-sleep.json" "$tmp/joinx/config.json"
for r in runc hutch; do
	runtime $r create --bundle "$tmp/joinx" "oci30-$r-join" </dev/null >/dev/null 2>&1 &&
		runtime $r start "oci30-$r-join" &&
		runtime $r exec --process "$tmp/join/process.json" "oci30-$r-join" </dev/null \
			>"$tmp/$r.exec" 2>&1
	runtime $r delete --force "oci30-$r-join"
done
is "$(cat "$tmp/hutch.exec")" "$(join)" "exec: the holder's namespaces, as runc's"
is "$(cat "$tmp/runc.exec")" "$(join)" "  (runc's exec sees them too)"

# refusals: runc's and hutch's (both fail), hutch's message names it
both_refuse() { # DESC PERL WANT
	local r
	rm -rf "$tmp/bad" && bundle bad "$2" || return 1
	for r in runc hutch; do
		runtime $r create --bundle "$tmp/bad" "oci30-$r-bad" </dev/null >/dev/null \
			2>"$tmp/$r.bad.err"
		echo "$r=$?" >"$tmp/$r.bad.rc"
		runtime $r delete --force "oci30-$r-bad" >/dev/null 2>&1
	done
	isnt "$(cat "$tmp/runc.bad.rc")" runc=0 "runc refuses $1"
	isnt "$(cat "$tmp/hutch.bad.rc")" hutch=0 "hutch refuses $1"
	like "$(cat "$tmp/hutch.bad.err")" "$3" "  and names it"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
}
both_refuse "a network path that is an ipc namespace" \
	"\$c->{linux}{namespaces} = [ { type => 'network', path => '/proc/$holder/ns/ipc' },
	 map { { type => \$_ } } qw(pid mount ipc uts) ]" \
	"linux.namespaces: network: path /proc/$holder/ns/ipc is a ipc namespace"
both_refuse "a path that is no namespace file" \
	"\$c->{linux}{namespaces} = [ { type => 'ipc', path => '/etc/hostname' },
	 map { { type => \$_ } } qw(pid mount uts) ]" \
	"linux.namespaces: ipc: path /etc/hostname is not a namespace file"
# a hostname with a joined uts namespace: runc sets it there (CRI gives
# each container of a pod the pod's name); the holder's name after each
mkdir -p "$tmp/name" && cp "$tmp/join/ns.sh" "$tmp/name/"
NS_HOLDER=$holder bundle name '
	mnt_dir;
	$c->{process}{args} = ["sh", "/mnt/ns.sh"];
	$c->{hostname} = "oci-named";
	$c->{linux}{namespaces} = [ { type => "uts", path => "/proc/$ENV{NS_HOLDER}/ns/uts" },
		map { { type => $_ } } qw(pid mount ipc) ]' || bail_out "cannot make the bundle"
for r in runc hutch; do
	nsenter -t "$holder" -u hostname oci-pod
	run_once $r oci30-$r-bad name
	echo "rc=$? $(grep hostname "$tmp/$r.oci30-$r-bad.out") holder=$(nsenter -t "$holder" -u hostname)" \
		>"$tmp/$r.name"
done
is "$(cat "$tmp/hutch.name")" "$(cat "$tmp/runc.name")" \
	"a hostname with a joined uts namespace: set in it, as runc ($(cat "$tmp/runc.name"))"

# a mount namespace by path: runc builds the container's root in it, so
# its mounts change for every process there (the holder's / becomes the
# image's); a holder of its own for each runtime
mounts=$(sort /proc/self/mountinfo)
for r in runc hutch; do
	unshare --mount --propagation private sleep 1000 </dev/null >/dev/null 2>&1 &
	mholder=$!
	wait_for 30 sh -c "[ \"\$(readlink /proc/$mholder/exe)\" = $sleep_exe ]" ||
		bail_out "the mount holder did not start"
	rm -rf "$tmp/mnt-$r" && mkdir -p "$tmp/mnt-$r" && cp "$tmp/join/ns.sh" "$tmp/mnt-$r/"
	H=$mholder bundle "mnt-$r" '
		mnt_dir;
		$c->{process}{args} = ["sh", "/mnt/ns.sh"];
		$c->{linux}{namespaces} = [ { type => "mount", path => "/proc/$ENV{H}/ns/mnt" },
			map { { type => $_ } } qw(pid ipc uts network) ]' || bail_out "cannot make the bundle"
	run_once $r oci30-$r-mnt "mnt-$r"
	{
		echo "create=$?"
		echo "joined=$([ "$(sed -n 's/^mnt=//p' "$tmp/$r.oci30-$r-mnt.out")" = "$(readlink /proc/$mholder/ns/mnt)" ] && echo yes || echo no)"
		echo "holder's root is the image's: $([ /proc/$mholder/root/bin/busybox -ef "$ROOTFS/bin/busybox" ] && echo yes || echo no)"
	} >"$tmp/$r.mnt"
	kill -KILL "$mholder" && wait "$mholder" 2>/dev/null
done
is "$(cat "$tmp/hutch.mnt")" "$(cat "$tmp/runc.mnt")" \
	"a mount namespace by path: joined and built in, as runc ($(one_line "$(cat "$tmp/runc.mnt")"))" ||
	diag "$(cat "$tmp/hutch.oci30-hutch-mnt.err")"
is "$(sort /proc/self/mountinfo)" "$mounts" "  the test's own mounts did not change"
is "$(find /sys/fs/cgroup -maxdepth 4 -name 'oci30-hutch-*' 2>/dev/null)" "" "no cgroup left"

done_testing
