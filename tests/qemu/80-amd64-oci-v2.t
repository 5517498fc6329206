#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, amd64: hutch oci on cgroup v2 alone (Debian's kernel
# booted with cgroup_no_v1=all; this machine is hybrid), with runc, the
# host's own with the libraries it loads, beside it as the oracle. One
# boot, hutch_test=ociv2 (tests/qemu/guest/ociv2.sh): create, state,
# start, state, delete of a container with a memory and a pids limit and
# linux.cgroupsPath absent, relative (t80rel/t80-rel) and absolute
# (/t80abs/t80-abs), the caller in a leaf group as a login shell is: the
# container's group lands where runc's fs2 driver puts it (a relative
# path below the parent of the caller's group) and the limits are
# written.
#
# Environment: HUTCH (the amd64 binary, required); BUSYBOX (as
# 60-amd64-init.t); HUTCH_QEMU_WORK (default build/qemu/amd64-oci-v2),
# HUTCH_QEMU_CACHE, HUTCH_QEMU_ACCEL, HUTCH_QEMU_REPORT: see
# tests/qemu/README.md. Needs runc and perl's JSON::PP on the host.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

qemu_amd64 runc=runc perl=perl
qemu_workdir amd64-oci-v2

# The bundles: runc spec's config.json on the guest's /rootfs, `sleep
# 1000`, 32 MiB and 30 pids, no cgroup mount; b-none without
# cgroupsPath, b-rel and b-abs with one.
extras=
for v in none rel abs; do
	d=$HUTCH_QEMU_WORK/b-$v
	rm -rf "$d" && mkdir -p "$d" && (cd "$d" && runc spec) ||
		bail_out "runc spec failed"
	perl -MJSON::PP -e '
		my ($file, $v) = @ARGV;
		local $/; open my $f, "<", $file or die; my $c = decode_json(<$f>);
		$c->{root} = { path => "/rootfs", readonly => JSON::PP::true };
		$c->{process}{terminal} = JSON::PP::false;
		$c->{process}{args} = ["sleep", "1000"];
		$c->{mounts} = [ grep { $_->{type} ne "cgroup" } @{$c->{mounts}} ];
		$c->{linux}{namespaces} = [ grep { $_->{type} ne "network" } @{$c->{linux}{namespaces}} ];
		$c->{linux}{resources}{memory} = { limit => 33554432 };
		$c->{linux}{resources}{pids} = { limit => 30 };
		$c->{linux}{cgroupsPath} = "t80rel/t80-rel" if $v eq "rel";
		$c->{linux}{cgroupsPath} = "/t80abs/t80-abs" if $v eq "abs";
		open $f, ">", $file or die; print $f JSON::PP->new->pretty->encode($c);
	' "$d/config.json" "$v" || bail_out "cannot make the bundle b-$v"
	extras="$extras $d/config.json:/oci/b-$v/config.json"
done
# runc and the shared libraries it loads (as bench/oci-guest.sh's
# ocig_extras)
b=$(command -v runc)
extras="$extras $(readlink -f "$b"):$b"
for l in $(ldd "$b" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }'); do
	extras="$extras $(readlink -f "$l"):$l"
done

# shellcheck disable=SC2086 # SRC:DEST words, without blanks
qemu_prepare "$arch" "$HUTCH" "$BUSYBOX" ociv2 -- $extras
qemu_scenario ociv2 "cgroup_no_v1=all" 60 300

done_testing
