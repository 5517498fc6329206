#!/bin/bash
# SPDX-License-Identifier: MIT
# 48-bidirectional.t (from an outside review of 745e360): spellings of
# Kubernetes' Bidirectional, a bind with shared/rshared while
# rootfsPropagation is shared/rshared, and their neighbours. For each pair of
# rootfsPropagation and a bind's options, the bind's source a directory
# of a shared tmpfs (as the host's / is shared under systemd), the
# container (CAP_SYS_ADMIN) mounts a tmpfs below the bind: under runc,
# the oracle, and hutch, whether create took it and whether that mount
# appears on the host. hutch's claim (docs/oci.md, Mount propagation):
# nothing the container mounts reaches the host; where runc's does and
# hutch takes the bundle, hutch runs it with its mounts kept inside: it
# refuses a bind with a shared word and none of slave, private,
# unbindable (what containerd sends for Bidirectional); a bind with no
# word at all under rootfsPropagation rshared reaches the host under
# runc and stays inside under hutch (a TODO line: docs/oci.md says so).
# What runc runs with its mounts inside (rslave or rprivate after
# rshared, a slave root, a tmpfs), hutch runs too.
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_cleanup_more() {
	local m
	grep ' rw92-in ' /proc/self/mountinfo | awk '{ print $5 }' | xargs -r umount -l 2>/dev/null
	for m in "$tmp/sh/root" "$tmp/sh"; do umount -l "$m" 2>/dev/null; done
}
oci_setup 48 p -- unshare
oci_prefix=rw92

mkdir -p "$tmp/sh" || bail_out "cannot make the directory"
mount -t tmpfs -o size=64k rw92 "$tmp/sh" && mount --make-shared "$tmp/sh" &&
	mkdir -p "$tmp/sh/root" "$tmp/sh/bi" && mount --bind "$ROOTFS" "$tmp/sh/root" ||
	bail_out "cannot make the shared tmpfs"

# one RUNTIME ROOTPROP TYPE OPTIONS: "rc=N host=yes|no"
one() {
	local r=$1 id=rw92-$1-p out
	out=$tmp/$r.p
	rm -rf "$tmp/p"
	PROP=$2 TYPE=$3 OPTS=$4 SRC=$tmp/sh/bi bundle p '
		my %m = (destination => "/mnt", type => $ENV{TYPE}, source => $ENV{SRC});
		$m{options} = [ split /,/, $ENV{OPTS} ] if $ENV{OPTS} ne "-";
		push @{$c->{mounts}}, \%m;
		if ($ENV{PROP} ne "-") { $c->{linux}{rootfsPropagation} = $ENV{PROP} }
		push @{$c->{process}{capabilities}{$_}}, "CAP_SYS_ADMIN" for qw(bounding effective permitted);
		$c->{process}{args} = ["sh", "-c", "mkdir -p /mnt/in; mount -t tmpfs rw92-in /mnt/in; echo END"]' ||
		bail_out "cannot make the bundle"
	runtime "$r" create --bundle "$tmp/p" "$id" </dev/null >"$out.out" 2>"$out.err"
	local rc=$?
	if [ $rc = 0 ]; then
		runtime "$r" start "$id"
		wait_for 30 grep -q '^END$' "$out.out"
	fi
	runtime "$r" delete --force "$id" >/dev/null 2>&1
	if grep -q ' rw92-in ' /proc/self/mountinfo; then
		echo "rc=$rc host=yes"
		grep ' rw92-in ' /proc/self/mountinfo | awk '{ print $5 }' | xargs -r umount -l
	else
		echo "rc=$rc host=no"
	fi
}

# ROOTPROP TYPE OPTIONS ("-": none)
while read -r prop type opts; do
	r=$(one runc "$prop" "$type" "$opts")
	h=$(one hutch "$prop" "$type" "$opts")
	diag "rootfsPropagation=$prop $type $opts: runc $r, hutch $h"
	unlike "$h" "host=yes" "rootfsPropagation $prop, $type $opts: hutch's mount stays inside"
	case $r:$opts in
	*host=yes*:*shared*) unlike "$h" "rc=0" "  runc's reaches the host: hutch refuses it, not runs it inside" ;;
	*rc=0\ host=no*) like "$h" "rc=0" "  runc runs it, its mounts inside: hutch runs it too" ;;
	*host=yes*) same "  runc's reaches the host, a bind without words: hutch refuses it" \
		"refused" "$(case $h in *rc=0*) echo ran inside ;; *) echo refused ;; esac)" \
		"hutch refuses only a bind that says shared (Bidirectional's); this one runs, its mounts kept inside" ;;
	esac
done <<'EOF'
rshared bind rbind,rshared
rshared bind rbind
rshared bind -
shared bind bind
rshared bind rbind,rslave,rshared
rshared bind rbind,rshared,rprivate
rslave bind rbind,rshared
- bind rbind,rshared
rshared tmpfs rshared
EOF

done_testing
