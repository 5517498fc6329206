#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, amd64: Debian's own kernel, an initramfs of BusyBox and
# hutch, hutch's --root on the initramfs (pivot_root's MS_MOVE + chroot
# fallback), the cgroup v2 backend and the seccomp filter for real. Four
# boots:
#
#   hutch_test=cgroupv2 psi=1                   tests/qemu/guest/cgroupv2.sh
#   hutch_test=nomemcg cgroup_disable=memory    tests/qemu/guest/nomemcg.sh
#   hutch_test=seccomp                          tests/qemu/guest/seccomp.sh
#   hutch_test=linger                           tests/qemu/guest/linger.sh
#
# The linger boot carries /rootfs/bin/linger (tests/integration/helpers/
# linger.c, built here with musl-gcc): the notify socket's passed
# descriptors on a kernel without SO_PASSRIGHTS (6.16), as boards run.
#
# The seccomp boot also carries the i386 BusyBox (/rootfs/bin/busybox32)
# and the i386 hutch (/bin/hutch32): a 32-bit service under the x86_64
# filter's compat section, and the i386 hutch on a 64-bit kernel.
#
# Environment: HUTCH (the amd64 binary, required); BUSYBOX (a static amd64
# BusyBox; default ROOTFS/bin/busybox, else /bin/busybox); HUTCH_I386 and
# BUSYBOX_I386 (default build/i386/hutch and build/i386/rootfs/bin/busybox,
# which `make check-qemu` builds);
# HUTCH_QEMU_CACHE (kernels, default build/qemu/kernels); HUTCH_QEMU_WORK
# (initramfs and console logs, kept for reading: build/qemu/amd64);
# HUTCH_QEMU_ACCEL=tcg|kvm (default: kvm when /dev/kvm can boot a stock
# kernel, see lib.sh). tests/qemu/README.md tells the whole story.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

qemu_amd64 musl-gcc=musl-tools
hutch32=${HUTCH_I386:-$top/build/i386/hutch}
qemu_file "$hutch32" "i386 hutch (HUTCH_I386)" "make ARCH=i386"
busybox32=${BUSYBOX_I386:-$top/build/i386/rootfs/bin/busybox}
qemu_file "$busybox32" "static i386 BusyBox (BUSYBOX_I386)" "make ARCH=i386 rootfs"

# Timeouts (KVM, TCG): a boot takes 12 s (cgroupv2), 5 s (nomemcg),
# 7 s (seccomp) and 16 to 44 s (linger) with TCG, a few seconds with KVM; the
# bounds keep even a hung run under 4 minutes with KVM and 6 without.
linger=$top/build/qemu/helpers/linger
if ! mkdir -p "${linger%/*}" ||
	! musl-gcc -static -O2 -o "$linger" "$top/tests/integration/helpers/linger.c"; then
	bail_out "cannot build tests/integration/helpers/linger.c"
fi
qemu_prepare "$arch" "$HUTCH" "$BUSYBOX" cgroupv2 nomemcg seccomp linger -- \
	"$busybox32:/rootfs/bin/busybox32" "$hutch32:/bin/hutch32" "$linger:/rootfs/bin/linger"
qemu_scenario cgroupv2 "psi=1" 60 120
qemu_scenario nomemcg "cgroup_disable=memory" 40 60
qemu_scenario seccomp "" 40 60
qemu_scenario linger "" 60 120

done_testing
