#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, mipsel: the mipsel build (MIPS32r2 little-endian, o32,
# the mt7621 router board's ABI) on QEMU's MIPS Malta with a 24Kc, which
# has no FPU, as routers have none (qemu-system-mipsel -M malta -cpu 24Kc
# -m 256), with Debian's own 4kc-malta kernel: the root on the initramfs
# (MS_MOVE + chroot), the cgroup v2 backend and the seccomp filter (o32
# numbers, SIGSYS 12) for real. Debian's mipsel BusyBox uses the FPU; the
# kernel emulates it. Four boots:
#
#   hutch_test=cgroupv2                         tests/qemu/guest/cgroupv2.sh
#   hutch_test=nomemcg cgroup_disable=memory    tests/qemu/guest/nomemcg.sh
#   hutch_test=seccomp                          tests/qemu/guest/seccomp.sh
#   hutch_test=examples                         tests/qemu/guest/examples.sh:
#       the router examples, board/mt7621/dhcp.conf and
#       board/ath79/httpd.conf (ath79 is big-endian MIPS: no guest boots
#       that yet, and this little-endian MIPS router guest is the nearest)
#
# Environment: HUTCH_MIPSEL (default build/mipsel/hutch), BUSYBOX_MIPSEL (a
# static mipsel BusyBox, default build/mipsel/rootfs/bin/busybox); `make
# check-qemu` builds both. HUTCH_QEMU_CACHE, HUTCH_QEMU_WORK
# (build/qemu/mipsel), HUTCH_QEMU_ACCEL, HUTCH_QEMU_REPORT: see
# tests/qemu/README.md.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

arch=mipsel
require_cmd qemu-system-mipsel=qemu-system-mips qemu-mipsel-static=qemu-user-static \
	cpio=cpio gzip=gzip readelf=binutils timeout=coreutils apt-get=apt dpkg-deb=dpkg

b=$top/build
hutch=${HUTCH_MIPSEL:-$b/mipsel/hutch}
qemu_file "$hutch" "mipsel hutch (HUTCH_MIPSEL)" "make ARCH=mipsel"
busybox=${BUSYBOX_MIPSEL:-$b/mipsel/rootfs/bin/busybox}
qemu_file "$busybox" "static mipsel BusyBox (BUSYBOX_MIPSEL)" "make ARCH=mipsel rootfs"

# Timeouts (TCG only): the boots take about 11 s (cgroupv2), 3 s
# (nomemcg) and 5 s (seccomp).
qemu_example_confs mt7621 ath79
# shellcheck disable=SC2086 # EXTRA:DEST words, without blanks
qemu_prepare "$arch" "$hutch" "$busybox" cgroupv2 nomemcg seccomp examples -- $qemu_examples
qemu_scenario cgroupv2 "" 90 90
qemu_scenario nomemcg "cgroup_disable=memory" 45 45
qemu_scenario seccomp "" 60 60
qemu_scenario examples "" 60 120

done_testing
