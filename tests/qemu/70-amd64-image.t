#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, amd64: --root IMAGE and --overlay on Debian's kernel
# (cgroup v2, whose device list is a BPF program; / on the initramfs, so
# the MS_MOVE + chroot fallback), one boot:
#
#   hutch_test=image                            tests/qemu/guest/image.sh
#
# Debian builds loop, squashfs, erofs and overlayfs as modules: their .ko
# files come from the kernel's own package (apt-get download, kept in
# HUTCH_QEMU_CACHE/amd64/PKG-modules) and are loaded by the guest. The
# squashfs and erofs images are built here from ROOTFS with mksquashfs and
# mkfs.erofs. Environment as 10-amd64-boot.t (HUTCH, ROOTFS required).

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
	bail_out "set ROOTFS to the test rootfs (make rootfs)"
qemu_amd64 mksquashfs=squashfs-tools mkfs.erofs=erofs-utils

cache=${HUTCH_QEMU_CACHE:-$top/build/qemu/kernels}
work=${HUTCH_QEMU_WORK:-$top/build/qemu/$arch}
mkdir -p "$work" || bail_out "cannot create $work"
kernel=$("$top/tools/qemu-kernel.sh" "$arch" "$cache") || bail_out "no Debian $arch kernel"
pkg=$(basename "$(dirname "$(dirname "$kernel")")")
mods=$cache/$arch/$pkg-modules
if [ ! -f "$mods/overlay.ko" ]; then
	rm -rf "$mods.tmp" && mkdir -p "$mods.tmp" || bail_out "cannot create $mods.tmp"
	(cd "$mods.tmp" && apt-get -q download "$pkg:$arch" >/dev/null 2>&1) ||
		bail_out "apt-get download $pkg:$arch failed"
	dpkg-deb --fsys-tarfile "$mods.tmp"/*.deb | (cd "$mods.tmp" && tar -x --wildcards \
		'./lib/modules/*/drivers/block/loop.ko' './lib/modules/*/fs/squashfs/squashfs.ko' \
		'./lib/modules/*/fs/erofs/erofs.ko' './lib/modules/*/fs/overlayfs/overlay.ko' \
		'./lib/modules/*/lib/libcrc32c.ko' './lib/modules/*/crypto/crc32c_generic.ko') ||
		bail_out "cannot unpack the modules of $pkg"
	find "$mods.tmp/lib" -name '*.ko' -exec mv {} "$mods.tmp/" \;
	rm -rf "$mods.tmp/lib" "$mods.tmp"/*.deb && mv "$mods.tmp" "$mods" ||
		bail_out "cannot keep the modules in $mods"
fi
src=$work/image-src
rm -rf "$src" "$work/a.sqfs" "$work/a.erofs"
cp -a "$ROOTFS" "$src" && echo A >"$src/marker" || bail_out "cannot copy ROOTFS"
mksquashfs "$src" "$work/a.sqfs" -noappend -quiet -all-root >/dev/null || bail_out "mksquashfs failed"
mkfs.erofs "$work/a.erofs" "$src" >/dev/null 2>&1 || bail_out "mkfs.erofs failed"
rm -rf "$src"

extra=
for m in loop squashfs crc32c_generic libcrc32c erofs overlay; do
	extra="$extra $mods/$m.ko:/modules/$m.ko"
done
# shellcheck disable=SC2086 # one word per file
qemu_prepare "$arch" "$HUTCH" "$BUSYBOX" image -- $extra \
	"$work/a.sqfs:/images/a.sqfs" "$work/a.erofs:/images/a.erofs"
qemu_scenario image "" 60 120

done_testing
