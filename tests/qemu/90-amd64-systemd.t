#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, amd64: hutch oci --systemd-cgroup where systemd is
# PID 1 (issue 16: hutch as the runtime of k3s/containerd on systemd
# boards), runc beside it as the oracle. One boot, hutch_test=systemd
# (tests/qemu/guest/systemd.sh): the guest's /init switches root into a
# tmpfs and execs Debian's systemd 252, the host's own with the shared
# libraries it loads; systemd starts one unit, t90.service, which runs
# the scenario's second stage: each runtime creates and starts the same
# bundle with cgroupsPath system.slice:t90:t90-c1, none and the
# kubelet's kubepods-besteffort.slice:cri-containerd:t90-c3 (a slice not
# there before), then deletes it; what systemctl shows of the scope
# (ControlGroup, ActiveState, Slice, Delegate), its group's cgroup.procs,
# memory.max and pids.max, and what is left after delete, hutch's beside
# runc's. Then a NAME systemd refuses as a unit name. A second boot,
# hutch_test=systemdv1 with systemd.unified_cgroup_hierarchy=0: the same
# on systemd's cgroup v1 (hybrid) tree, the v1 files read, the devices
# group's verdict on a denied and an allowed node before and after
# daemon-reload.
#
# Environment: HUTCH (the amd64 binary, required); BUSYBOX (as
# 60-amd64-init.t); HUTCH_QEMU_WORK (default build/qemu/amd64-systemd),
# HUTCH_QEMU_CACHE, HUTCH_QEMU_ACCEL, HUTCH_QEMU_REPORT: see
# tests/qemu/README.md. Needs runc, systemd and perl's JSON::PP on the
# host.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

qemu_amd64 runc=runc perl=perl systemctl=systemd ldd=libc-bin
sd=/lib/systemd/systemd
[ -x "$sd" ] || bail_out "no $sd: install Debian's systemd (tools/deps.sh systemd)"
qemu_workdir amd64-systemd

# The bundles: runc spec's config.json on the guest's /rootfs, `sleep
# 1000`, 32 MiB and 30 pids, no cgroup mount (as 80-amd64-oci-v2.t).
extras=
bundle() {
	d=$HUTCH_QEMU_WORK/$1
	{ rm -rf "$d" && mkdir -p "$d" && (cd "$d" && runc spec); } ||
		bail_out "runc spec failed"
	CGP=$2 perl -MJSON::PP -e '
		my ($file) = @ARGV;
		local $/; open my $f, "<", $file or die; my $c = decode_json(<$f>);
		$c->{root} = { path => "/rootfs", readonly => JSON::PP::true };
		$c->{process}{terminal} = JSON::PP::false;
		$c->{process}{args} = ["sleep", "1000"];
		$c->{mounts} = [ grep { $_->{type} ne "cgroup" } @{$c->{mounts}} ];
		$c->{linux}{namespaces} = [ grep { $_->{type} ne "network" } @{$c->{linux}{namespaces}} ];
		$c->{linux}{resources}{memory} = { limit => 33554432, reservation => 8388608,
			swap => 67108864 };
		$c->{linux}{resources}{pids} = { limit => 30 };
		$c->{linux}{resources}{cpu} = { shares => 512, quota => 25000, period => 50000 };
		# two nodes for the devices group: /dev/kmsg, 1:11,
		# denied, and tty1, 4:1, allowed (a device the guest has:
		# runc names in DeviceAllow only nodes /sys/dev/char knows)
		$c->{linux}{devices} = [
			{ path => "/dev/t90kmsg", type => "c", major => 1, minor => 11 },
			{ path => "/dev/t90tty1", type => "c", major => 4, minor => 1 } ];
		push @{$c->{linux}{resources}{devices}},
			{ allow => JSON::PP::true, type => "c", major => 4, minor => 1, access => "rw" };
		$c->{linux}{cgroupsPath} = $ENV{CGP} if $ENV{CGP} ne "";
		open $f, ">", $file or die; print $f JSON::PP->new->pretty->encode($c);
	' "$d/config.json" || bail_out "cannot make the bundle $1"
	extras="$extras $d/config.json:/oci/$1/config.json"
}
bundle c1 system.slice:t90:t90-c1
bundle c2 ''
bundle c3 kubepods-besteffort.slice:cri-containerd:t90-c3
bundle bad 'system.slice:t90:t90 bad'
bundle sl system.slice:t90:t90-x.slice

# Programs with the shared libraries they load (as 80-amd64-oci-v2.t
# adds runc): runc, systemd, systemctl; and what systemd reads at boot.
for p in "$(command -v runc)" "$sd" "$(command -v systemctl)"; do
	extras="$extras $(readlink -f "$p"):$p"
	for l in $(ldd "$p" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }'); do
		extras="$extras $(readlink -f "$l"):$l"
	done
done
extras="$extras $(readlink -f /etc/os-release):/etc/os-release"

# shellcheck disable=SC2086 # SRC:DEST words, without blanks
qemu_prepare "$arch" "$HUTCH" "$BUSYBOX" systemd systemdv1 -- $extras
# 20 s with TCG on an idle host (qemu_timeout doubles the TCG time)
qemu_scenario systemd "" 60 120
# the same on systemd's cgroup v1 (hybrid: v1 controllers, cgroup2 on
# /sys/fs/cgroup/unified), as Debian 11 and Raspberry Pi OS bullseye boot
qemu_scenario systemdv1 systemd.unified_cgroup_hierarchy=0 60 120

done_testing
