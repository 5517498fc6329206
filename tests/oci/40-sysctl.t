#!/bin/bash
# SPDX-License-Identifier: MIT
# 40-sysctl.t: linux.sysctl under runc, the oracle, and under hutch oci.
# The same bundle (new network, IPC and UTS namespaces) sets knobs of
# each; the process reads them back inside, and the host's values must
# not move. Then runc's rule, refused by both: kernel.hostname (the
# hostname field's), a knob of no namespace (vm.*, kernel.pid_max),
# net.* without a network namespace of the container's own (none, or
# the host's joined by path), a knob the kernel does not have; and
# hutch's own refusal of a name that could leave /proc/sys.
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_setup 40 sysctl bad

keys="net.ipv4.ip_forward net.core.somaxconn net.ipv4.conf.all.forwarding kernel.shmmax
kernel.shm_rmid_forced kernel.sem kernel.msgmax fs.mqueue.msg_max kernel.domainname"
host() { # the host's values of the keys
	for k in $keys; do echo "$k=$(tr '\t' ' ' <"/proc/sys/${k//.//}")"; done
}
before=$(host)

mkdir -p "$tmp/sc"
{
	for k in $keys; do echo "echo $k=\$(tr '\\t' ' ' </proc/sys/${k//.//})"; done
	echo "echo END"
} >"$tmp/sc/read.sh"
bundle sc '
	mnt_dir;
	$c->{process}{args} = ["sh", "/mnt/read.sh"];
	$c->{linux}{sysctl} = { "net.ipv4.ip_forward" => "1", "net.core.somaxconn" => "77",
		"net.ipv4.conf.all.forwarding" => "1", "kernel.shmmax" => "1234567",
		"kernel.shm_rmid_forced" => "1", "kernel.sem" => "11 22 33 44",
		"kernel.msgmax" => "9000", "fs.mqueue.msg_max" => "20",
		"kernel.domainname" => "oci-dom" }' || bail_out "cannot make the bundle"

for r in runc hutch; do
	run_once $r oci40-$r-sysctl sc
	is "$?" 0 "$r: create with linux.sysctl" || diag "$(cat "$tmp/$r.oci40-$r-sysctl.err")"
done
is "$(cat "$tmp/hutch.oci40-hutch-sysctl.out")" "$(cat "$tmp/runc.oci40-runc-sysctl.out")" \
	"inside: each value read back is runc's"
diag "runc: $(tr '\n' ' ' <"$tmp/runc.oci40-runc-sysctl.out")"
like "$(cat "$tmp/hutch.oci40-hutch-sysctl.out")" '^kernel.sem=11 22 33 44$' "  (kernel.sem as given)"
is "$(host)" "$before" "the host's values did not move"

# refusals: both fail, hutch names the key, nothing left (oci_refused
# with runc: a bundle both refuse, no record, no cgroup)
both_refuse() { oci_refused "$1" "$2" "$3" runc; }
both_refuse "kernel.hostname" '$c->{linux}{sysctl} = { "kernel.hostname" => "x" }' \
	"linux.sysctl: kernel.hostname: use the hostname field"
both_refuse "vm.swappiness (no namespace)" '$c->{linux}{sysctl} = { "vm.swappiness" => "10" }' \
	"linux.sysctl: vm.swappiness is not in a namespace"
both_refuse "kernel.pid_max (no namespace)" '$c->{linux}{sysctl} = { "kernel.pid_max" => "5000" }' \
	"linux.sysctl: kernel.pid_max is not in a namespace"
both_refuse "net.* with the host's network namespace" \
	'$c->{linux}{sysctl} = { "net.ipv4.ip_forward" => "0" };
	 $c->{linux}{namespaces} = [ grep { $_->{type} ne "network" } @{$c->{linux}{namespaces}} ]' \
	"linux.sysctl: net.ipv4.ip_forward: the container has the host's network namespace"
both_refuse "net.* with the host's network namespace joined by path" \
	'$c->{linux}{sysctl} = { "net.ipv4.ip_forward" => "0" };
	 $_->{path} = "/proc/'$$'/ns/net" for grep { $_->{type} eq "network" } @{$c->{linux}{namespaces}}' \
	"linux.sysctl: net.ipv4.ip_forward: the container has the host's network namespace"
both_refuse "a knob the kernel lacks" '$c->{linux}{sysctl} = { "net.ipv4.nosuch" => "1" }' \
	"linux.sysctl: cannot write /proc/sys/net/ipv4/nosuch: No such file"
is "$(host)" "$before" "the host's values did not move"

for key in net.ipv4/../../kernel/pid_max net..core net.core.; do
	rm -rf "$tmp/bad" && KEY=$key bundle bad '$c->{linux}{sysctl} = { $ENV{KEY} => "1" }'
	runtime hutch create --bundle "$tmp/bad" oci40-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
	isnt "$?" 0 "hutch refuses the sysctl name $key"
	like "$(cat "$tmp/bad.err")" "linux.sysctl: '$key' is not a sysctl name" "  and names it"
done
is "$(ls -A "$tmp/root-hutch")" "" "no record left"

done_testing
