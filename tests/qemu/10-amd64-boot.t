#!/bin/sh
# QEMU system test, amd64: Debian's own kernel, an initramfs of BusyBox and
# hutch, hutch's --root on the initramfs (pivot_root's MS_MOVE + chroot
# fallback) and the cgroup v2 backend for real. Two boots:
#
#   hutch_test=cgroupv2                         tests/qemu/guest/cgroupv2.sh
#   hutch_test=nomemcg cgroup_disable=memory    tests/qemu/guest/nomemcg.sh
#
# Environment: HUTCH (the amd64 binary, required); BUSYBOX (a static amd64
# BusyBox; default ROOTFS/bin/busybox, else /bin/busybox);
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

arch=amd64
require_cmd qemu-system-x86_64=qemu-system-x86 cpio=cpio gzip=gzip \
	readelf=binutils timeout=coreutils apt-get=apt dpkg-deb=dpkg

if [ -z "${HUTCH-}" ] || [ ! -f "$HUTCH" ]; then
	bail_out "set HUTCH to the hutch binary for $arch (make; build/x86_64/hutch)"
fi
if [ -z "${BUSYBOX-}" ]; then
	BUSYBOX=/bin/busybox
	[ -n "${ROOTFS-}" ] && [ -f "$ROOTFS/bin/busybox" ] && BUSYBOX=$ROOTFS/bin/busybox
fi

# Timeouts (KVM, TCG): a boot takes 12 s (cgroupv2) and 5 s (nomemcg)
# with TCG, a few seconds with KVM; the bounds keep even a hung run under 2
# minutes with KVM and 3 minutes without.
qemu_prepare "$arch" "$HUTCH" "$BUSYBOX" cgroupv2 nomemcg
qemu_scenario cgroupv2 "" 60 120
qemu_scenario nomemcg "cgroup_disable=memory" 40 60

done_testing
