#!/bin/bash
# SPDX-License-Identifier: MIT
# 31-host-ns.t: linux.namespaces without a pid, ipc, uts or network
# entry: the container keeps the runtime's own (the host's), as a pod
# with hostPID, hostIPC and hostNetwork asks (node agents: a metrics
# exporter, a CNI or kube-proxy daemon). The same bundle (a new mount
# namespace only) under runc, the oracle, and under hutch oci: the
# namespaces the container's process and an exec in it see (readlink
# /proc/self/ns/*) are the host's but for mount, it is not PID 1, its
# /proc shows the host's processes (PID 1's name), its hostname is the
# host's, and ps, kill --all and delete work. Each left out alone too
# (the others new). Then what runc refuses too: a hostname with the
# host's UTS namespace, an IPC or UTS sysctl with the host's namespace;
# and what hutch refuses where runc goes on: no mount namespace (runc
# then mounts into the image in the host's namespace and leaves the
# mounts after delete; not run under runc here), a user namespace with
# the host's PID namespace.
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_setup 31 host pid ipc uts bad

# inside: whether each namespace is the host's (HOST_NS: the host's
# readlinks), PID 1 or not, the name of /proc's PID 1, the hostname
cat >"$tmp/ns.sh" <<'EOF'
for ns in pid ipc uts net mnt; do
	case " $HOST_NS " in
	*" $ns=$(readlink /proc/self/ns/$ns) "*) echo "$ns=host" ;;
	*) echo "$ns=own" ;;
	esac
done
[ "${1-}" = exec ] && exit 0
echo "pid1=$([ $$ = 1 ] && echo yes || echo no)"
echo "proc1=$(cat /proc/1/comm)"
echo "hostname=$(hostname)"
echo END
EOF
host_ns=$(for ns in pid ipc uts net mnt; do printf '%s=%s ' $ns "$(readlink /proc/self/ns/$ns)"; done)

# bundle NAME TYPES...: the namespaces given (the rest left out), no
# hostname, the script as the process and an exec's process.json
ns_bundle() {
	local name=$1
	shift
	rm -rf "${tmp:?}/$name"
	mkdir -p "$tmp/$name" && cp "$tmp/ns.sh" "$tmp/$name/" || bail_out "cannot copy ns.sh"
	HOST_NS=$host_ns TYPES="$*" bundle "$name" '
		mnt_dir;
		push @{$c->{process}{env}}, "HOST_NS=$ENV{HOST_NS}";
		delete $c->{hostname};
		$c->{linux}{namespaces} = [ map { { type => $_ } } split " ", $ENV{TYPES} ];
		$c->{process}{args} = ["sh", "/mnt/ns.sh"];
		exec_json("sh", "/mnt/ns.sh", "exec");
		sleep_json;' ||
		bail_out "cannot make the bundle"
}

# each runtime, each case: what the process sees, as runc's
for case in "host:mount" "pid:mount ipc uts network" "ipc:mount pid uts network" \
	"uts:mount pid ipc network"; do
	name=${case%%:*}
	ns_bundle "$name" ${case#*:}
	for r in runc hutch; do
		run_once $r "oci31-$r-$name" "$name"
		is "$?" 0 "$r: create with namespaces ${case#*:} only" ||
			diag "$(cat "$tmp/$r.oci31-$r-$name.err")"
	done
	like "$(tr '\n' ' ' <"$tmp/hutch.oci31-hutch-$name.out")" "^pid=.* END $" "  hutch: the script ran"
	is "$(cat "$tmp/hutch.oci31-hutch-$name.out")" "$(cat "$tmp/runc.oci31-runc-$name.out")" \
		"  $name left out: the namespaces, PID 1, /proc and hostname as runc's"
	diag "runc: $(tr '\n' ' ' <"$tmp/runc.oci31-runc-$name.out")"
done
like "$(tr '\n' ' ' <"$tmp/hutch.oci31-hutch-host.out")" \
	"^pid=host ipc=host uts=host net=host mnt=own pid1=no proc1=$(cat /proc/1/comm) hostname=$(hostname) END" \
	"all but mount left out: the host's, not PID 1, the host's /proc and hostname"

# a container of the host's PID namespace: exec, ps, kill --all, delete
for r in runc hutch; do
	cp "$tmp/host/config-sleep.json" "$tmp/host/config.json"
	runtime $r create --bundle "$tmp/host" --pid-file "$tmp/$r.pid" "oci31-$r-host" \
		</dev/null >/dev/null 2>"$tmp/$r.err"
	is "$?" 0 "$r: create (sleep) in the host's namespaces" || diag "$(cat "$tmp/$r.err")"
	runtime $r start "oci31-$r-host"
	runtime $r exec --process "$tmp/host/process.json" "oci31-$r-host" >"$tmp/$r.exec" 2>&1
	echo "exec=$?" >>"$tmp/$r.exec"
	pid=$(cat "$tmp/$r.pid")
	echo "ps=$(runtime $r ps --format json "oci31-$r-host" | sed "s/$pid/PID/")" >>"$tmp/$r.exec"
	runtime $r kill --all "oci31-$r-host" KILL
	echo "kill=$?" >>"$tmp/$r.exec"
	wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
	runtime $r delete "oci31-$r-host"
	echo "delete=$? gone=$(kill -0 "$pid" 2>/dev/null && echo no || echo yes)" >>"$tmp/$r.exec"
done
is "$(cat "$tmp/hutch.exec")" "$(cat "$tmp/runc.exec")" \
	"  an exec's namespaces, ps, kill --all and delete as runc's"
diag "runc: $(tr '\n' ' ' <"$tmp/runc.exec")"

# refused, by runc too
oci_refused "a hostname with the host's UTS namespace" '
	$c->{hostname} = "oci31";
	$c->{linux}{namespaces} = [ grep { $_->{type} ne "uts" } @{$c->{linux}{namespaces}} ]' \
	"hostname: the container has the host's UTS namespace" runc
oci_refused "an IPC sysctl with the host's IPC namespace" '
	$c->{linux}{sysctl} = { "kernel.shmmni" => "4000" };
	$c->{linux}{namespaces} = [ grep { $_->{type} ne "ipc" } @{$c->{linux}{namespaces}} ]' \
	"kernel.shmmni: the container has the host's IPC namespace" runc
oci_refused "an mqueue sysctl with the host's IPC namespace" '
	$c->{linux}{sysctl} = { "fs.mqueue.queues_max" => "200" };
	$c->{linux}{namespaces} = [ grep { $_->{type} ne "ipc" } @{$c->{linux}{namespaces}} ]' \
	"fs.mqueue.queues_max: the container has the host's IPC namespace" runc
oci_refused "kernel.domainname with the host's UTS namespace" '
	delete $c->{hostname};
	$c->{linux}{sysctl} = { "kernel.domainname" => "oci31" };
	$c->{linux}{namespaces} = [ grep { $_->{type} ne "uts" } @{$c->{linux}{namespaces}} ]' \
	"kernel.domainname: the container has the host's UTS namespace" runc
# refused by hutch only: runc's create would mount into the host's
# namespace (not run)
oci_refused "no mount namespace" '
	$c->{linux}{namespaces} = [ grep { $_->{type} ne "mount" } @{$c->{linux}{namespaces}} ]' \
	"needs a mount namespace .new or joined.: it never mounts in the host's"
is "$(grep -c " $ROOTFS/" /proc/self/mountinfo)" 0 "  nothing mounted on the host"
oci_refused "a user namespace with the host's PID namespace" '
	$c->{linux}{namespaces} = [ { type => "mount" }, { type => "user" } ];
	$c->{linux}{uidMappings} = [ { containerID => 0, hostID => 100000, size => 65536 } ];
	$c->{linux}{gidMappings} = [ { containerID => 0, hostID => 100000, size => 65536 } ]' \
	"a user namespace needs a pid namespace"

done_testing
