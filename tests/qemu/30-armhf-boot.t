#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, armhf: Debian's own armmp kernel on QEMU's virt machine
# with a Cortex-A15 (qemu-system-arm -M virt -cpu cortex-a15), an
# initramfs of BusyBox and the armhf hutch (ARMv7, the rpi2 and rpi3-32
# boards' ABI), hutch's --root on the initramfs (pivot_root's MS_MOVE +
# chroot fallback), the cgroup v2 backend and the seccomp filter for
# real, on a 32-bit ARM kernel. Four boots:
#
#   hutch_test=cgroupv2                         tests/qemu/guest/cgroupv2.sh
#   hutch_test=nomemcg cgroup_disable=memory    tests/qemu/guest/nomemcg.sh
#   hutch_test=seccomp                          tests/qemu/guest/seccomp.sh
#   hutch_test=examples                         tests/qemu/guest/examples.sh:
#       the examples of the 32-bit ARMv7 boards (board/rpi2/cron.conf,
#       board/rpi3-32/ntp.conf, board/qemu-armhf/hello.conf)
#
# Environment: HUTCH_ARMHF (default build/armhf/hutch), BUSYBOX_ARMHF (a
# static armhf BusyBox, default build/armhf/rootfs/bin/busybox); `make
# check-qemu` builds both. HUTCH_QEMU_CACHE, HUTCH_QEMU_WORK
# (build/qemu/armhf), HUTCH_QEMU_ACCEL, HUTCH_QEMU_REPORT: see
# tests/qemu/README.md.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

arch=armhf
require_cmd qemu-system-arm=qemu-system-arm qemu-arm-static=qemu-user-static \
	cpio=cpio gzip=gzip readelf=binutils timeout=coreutils apt-get=apt dpkg-deb=dpkg

b=$top/build
hutch=${HUTCH_ARMHF:-$b/armhf/hutch}
qemu_file "$hutch" "armhf hutch (HUTCH_ARMHF)" "make ARCH=armhf"
busybox=${BUSYBOX_ARMHF:-$b/armhf/rootfs/bin/busybox}
qemu_file "$busybox" "static armhf BusyBox (BUSYBOX_ARMHF)" "make ARCH=armhf rootfs"

# Timeouts (KVM, TCG): with TCG the boots take about 14 s (cgroupv2),
# 3 s (nomemcg) and 5 s (seccomp).
qemu_example_confs rpi2 rpi3-32 qemu-armhf
# shellcheck disable=SC2086 # EXTRA:DEST words, without blanks
qemu_prepare "$arch" "$hutch" "$busybox" cgroupv2 nomemcg seccomp examples -- $qemu_examples
qemu_scenario cgroupv2 "" 60 90
qemu_scenario nomemcg "cgroup_disable=memory" 40 45
qemu_scenario seccomp "" 40 60
qemu_scenario examples "" 60 120

done_testing
