#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, arm64: Debian's own arm64 kernel on QEMU's virt machine
# with a Cortex-A53 (qemu-system-aarch64 -M virt -cpu cortex-a53), an
# initramfs of BusyBox and hutch, hutch's --root on the initramfs
# (pivot_root's MS_MOVE + chroot fallback), the cgroup v2 backend and the
# seccomp filter for real. Four boots:
#
#   hutch_test=cgroupv2                         tests/qemu/guest/cgroupv2.sh
#   hutch_test=nomemcg cgroup_disable=memory    tests/qemu/guest/nomemcg.sh
#   hutch_test=seccomp                          tests/qemu/guest/seccomp.sh
#   hutch_test=examples                         tests/qemu/guest/examples.sh:
#       the examples of the 64-bit Pi boards and of the QEMU arm64 board
#       (board/rpi3-64/temp-log.conf, board/rpi4/web.conf,
#       board/rpi5/web.conf, board/qemu-aarch64/hello.conf), this being
#       the booted guest nearest them; with four vCPUs, as the Pis have
#
# The seccomp boot also carries the armhf BusyBox (/rootfs/bin/busybox32)
# and the armhf hutch (/bin/hutch32): a 32-bit service under the aarch64
# filter's compat section, and the armhf hutch on a 64-bit kernel, as on a
# Raspberry Pi with a 32-bit userland and a 64-bit kernel.
#
# Environment: HUTCH_AARCH64 (default build/aarch64/hutch), BUSYBOX_AARCH64
# (a static arm64 BusyBox, default build/aarch64/rootfs/bin/busybox),
# HUTCH_ARMHF and BUSYBOX_ARMHF (the same for armhf); `make check-qemu`
# builds them all. HUTCH_QEMU_CACHE, HUTCH_QEMU_WORK (build/qemu/arm64),
# HUTCH_QEMU_ACCEL, HUTCH_QEMU_REPORT: see tests/qemu/README.md.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

arch=arm64
require_cmd qemu-system-aarch64=qemu-system-arm qemu-aarch64-static=qemu-user-static \
	cpio=cpio gzip=gzip readelf=binutils timeout=coreutils apt-get=apt dpkg-deb=dpkg

b=$top/build
hutch=${HUTCH_AARCH64:-$b/aarch64/hutch}
qemu_file "$hutch" "arm64 hutch (HUTCH_AARCH64)" "make ARCH=aarch64"
busybox=${BUSYBOX_AARCH64:-$b/aarch64/rootfs/bin/busybox}
qemu_file "$busybox" "static arm64 BusyBox (BUSYBOX_AARCH64)" "make ARCH=aarch64 rootfs"
hutch32=${HUTCH_ARMHF:-$b/armhf/hutch}
qemu_file "$hutch32" "armhf hutch (HUTCH_ARMHF)" "make ARCH=armhf"
busybox32=${BUSYBOX_ARMHF:-$b/armhf/rootfs/bin/busybox}
qemu_file "$busybox32" "static armhf BusyBox (BUSYBOX_ARMHF)" "make ARCH=armhf rootfs"

# Timeouts (KVM on an arm64 host, TCG): with TCG on an x86-64 host the
# boots take about 12 s (cgroupv2), 2 s (nomemcg) and 5 s (seccomp).
qemu_example_confs rpi3-64 rpi4 rpi5 qemu-aarch64
# shellcheck disable=SC2086 # EXTRA:DEST words, without blanks
qemu_prepare "$arch" "$hutch" "$busybox" cgroupv2 nomemcg seccomp examples -- \
	"$busybox32:/rootfs/bin/busybox32" "$hutch32:/bin/hutch32" $qemu_examples
qemu_scenario cgroupv2 "" 60 90
qemu_scenario nomemcg "cgroup_disable=memory" 40 45
qemu_scenario seccomp "" 40 60
# The Pi 4 and 5 have four cores, and their web.conf asks for 1.5 and 2 of
# them (cpu =), which hutch refuses on a machine with fewer online: the
# examples boot has four vCPUs unless HUTCH_QEMU_SMP says otherwise.
smp=${HUTCH_QEMU_SMP-}
HUTCH_QEMU_SMP=${HUTCH_QEMU_SMP:-4}
qemu_scenario examples "" 60 120
HUTCH_QEMU_SMP=$smp

done_testing
