#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, armv6: the rpi0 build (ARCH=armv6: ARMv6 code, Debian's
# armel musl) on QEMU's Raspberry Pi Zero (qemu-system-arm -M raspi0: a
# BCM2835 with its ARM1176, 512 MiB) with Debian's own Pi kernel
# (linux-image-rpi, armel) and its bcm2835-rpi-zero.dtb, an initramfs of
# BusyBox (Debian's armel, ARMv5) and hutch: the root on the initramfs
# (MS_MOVE + chroot), the cgroup v2 backend and the seccomp filter for
# real, on the CPU of a Pi Zero or Pi 1, so an ARMv7 instruction in hutch
# dies with SIGILL here. Five boots:
#
#   hutch_test=cgroupv2                         tests/qemu/guest/cgroupv2.sh
#   hutch_test=nomemcg cgroup_disable=memory    tests/qemu/guest/nomemcg.sh
#                                               (the Pi firmware's default)
#   hutch_test=seccomp                          tests/qemu/guest/seccomp.sh
#   hutch_test=examples                         tests/qemu/guest/examples.sh:
#       board/rpi0/web.conf on the Pi Zero it is written for
#   hutch_test=iothrottle                       tests/qemu/guest/iothrottle.sh:
#       --io-max on the Pi's SD card (/dev/mmcblk0), after 300 s of uptime
#
# QEMU 7.2 does not model the BCM2835's power management block: lib.sh
# boots this machine with initcall_blacklist=bcm2835_power_driver_init,
# without which the kernel oopses in bcm2835_power_probe (an external
# abort) and never reaches /init.
#
# Environment: HUTCH_ARMV6 (default build/armv6/hutch; build/rpi0/hutch is
# the same build), BUSYBOX_ARMV6 (a static armel BusyBox, default
# build/armv6/rootfs/bin/busybox); `make check-qemu` builds both.
# HUTCH_QEMU_CACHE, HUTCH_QEMU_WORK (build/qemu/armel), HUTCH_QEMU_ACCEL,
# HUTCH_QEMU_REPORT: see tests/qemu/README.md.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

arch=armel
require_cmd qemu-system-arm=qemu-system-arm qemu-arm-static=qemu-user-static \
	cpio=cpio gzip=gzip readelf=binutils timeout=coreutils apt-get=apt dpkg-deb=dpkg

b=$top/build
hutch=${HUTCH_ARMV6:-$b/armv6/hutch}
qemu_file "$hutch" "armv6 hutch (HUTCH_ARMV6)" "make ARCH=armv6"
busybox=${BUSYBOX_ARMV6:-$b/armv6/rootfs/bin/busybox}
qemu_file "$busybox" "static armel BusyBox (BUSYBOX_ARMV6)" "make ARCH=armv6 rootfs"

# Timeouts (TCG only: no host runs an ARMv6 guest under KVM): the boots
# take about 13 s (cgroupv2), 4 s (nomemcg) and 6 s (seccomp).
qemu_example_confs rpi0
# shellcheck disable=SC2086 # EXTRA:DEST words, without blanks
qemu_prepare "$arch" "$hutch" "$busybox" cgroupv2 nomemcg seccomp examples iothrottle -- $qemu_examples
qemu_scenario cgroupv2 "" 90 90
qemu_scenario nomemcg "cgroup_disable=memory" 45 45
qemu_scenario seccomp "" 60 60
qemu_scenario examples "" 60 120
# 305 s of the guest's idle wait (see the scenario), then a few seconds
qemu_scenario iothrottle "" 400 200

done_testing
