#!/bin/sh
# SPDX-License-Identifier: MIT
# qemu-kernel.sh ARCH CACHE_DIR
#
# Print the path of a Debian kernel (vmlinuz) for ARCH, fetched once into
# CACHE_DIR and reused from there afterwards, for the QEMU system tests.
#
#   ARCH       Debian architecture: amd64, arm64, armhf (armmp, for QEMU's
#              virt machine), armel (rpi, for QEMU's raspi0: the Pi Zero)
#              or mipsel (4kc-malta, for QEMU's malta)
#   CACHE_DIR  where kernels are kept: CACHE_DIR/ARCH/vmlinuz is a link to
#              CACHE_DIR/ARCH/PACKAGE/boot/vmlinuz-VERSION; for a machine
#              that needs a device tree, CACHE_DIR/ARCH/dtb is a link to
#              the package's (armel: bcm2835-rpi-zero.dtb)
#
# How: the architecture's kernel metapackage (linux-image-amd64,
# linux-image-arm64, linux-image-armmp, linux-image-rpi,
# linux-image-4kc-malta) depends on exactly one versioned package
# (linux-image-6.1.0-NN-amd64); `apt-cache depends` names it, `apt-get
# download PKG:ARCH` fetches its .deb, and only its ./boot (and the one
# device tree) is unpacked (the modules, hundreds of MB, are of no use to
# an initramfs that needs none). No root file system image is involved.
#
# Once CACHE_DIR/ARCH/vmlinuz (and dtb) exist, apt is not consulted: the
# tests run offline and a newer point release does not change them behind
# their back. Remove CACHE_DIR/ARCH to fetch the current kernel again.
#
# Needs apt's package lists (`apt-get update`). A foreign ARCH must be known
# to dpkg (`dpkg --add-architecture ARCH` + `apt-get update`, as
# tools/deps.sh does for PKG:ARCH); as root this script does both when
# needed, otherwise it prints the commands to run.
#
# Output: the vmlinuz path on stdout, one line. Errors: one line on stderr
# ("qemu-kernel: ..."), exit 1; usage errors exit 2.

set -eu

# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || usage 'ARCH CACHE_DIR'
arch=$1
cache=$2

# The one table to extend for another architecture: its kernel metapackage
# and the device tree its QEMU machine needs, if any (Debian installs them
# in /usr/lib/linux-image-VERSION/).
dtb=
case $arch in
amd64) meta=linux-image-amd64 ;;
arm64) meta=linux-image-arm64 ;;
armhf) meta=linux-image-armmp ;;
armel) meta=linux-image-rpi dtb=bcm2835-rpi-zero.dtb ;;
mipsel) meta=linux-image-4kc-malta ;;
*) die "no Debian kernel known for architecture '$arch' (amd64, arm64, armhf, armel, mipsel)" ;;
esac

dir=$cache/$arch
link=$dir/vmlinuz

# --- Reuse -------------------------------------------------------------------
if [ -f "$link" ] && { [ -z "$dtb" ] || [ -f "$dir/dtb" ]; }; then
	# Absolute, so that callers may change directory.
	real=$(readlink -f -- "$link")
	printf '%s\n' "$real"
	exit 0
fi

for cmd in apt-get apt-cache dpkg dpkg-deb tar; do
	command -v "$cmd" >/dev/null 2>&1 ||
		die "needs $cmd: this only works on Debian (or a derivative)"
done

root=false
[ "$(id -u)" -eq 0 ] && root=true

# --- A foreign architecture must be known to dpkg and apt ----------------------
native=$(dpkg --print-architecture)
if [ "$arch" != "$native" ] &&
	! dpkg --print-foreign-architectures | grep -qx -- "$arch"; then
	$root || die "dpkg does not know the architecture $arch; run:" \
		"sudo dpkg --add-architecture $arch && sudo apt-get update"
	printf '%s: adding the Debian architecture %s\n' "$me" "$arch" >&2
	dpkg --add-architecture "$arch" || die "dpkg --add-architecture $arch failed"
	# Non-zero when any index fails; whether the lookup works is what counts.
	apt-get -q update >/dev/null 2>&1 || true
fi

# --- Metapackage -> versioned kernel package --------------------------------------
# `apt-cache depends linux-image-amd64:amd64` prints
#   linux-image-amd64
#     Depends: linux-image-6.1.0-56-amd64
# (a foreign arch's names carry ":arm64"). The first Depends is the kernel.
resolve() {
	apt-cache depends "$meta:$arch" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: *\(linux-image-[^ :]*\).*/\1/p' | head -n 1
}
pkg=$(resolve)
if [ -z "$pkg" ] && $root; then
	# No package lists yet (a fresh machine): fetch them once and retry.
	printf '%s: %s not in the package lists; running apt-get update\n' \
		"$me" "$meta:$arch" >&2
	apt-get -q update >/dev/null 2>&1 || true
	pkg=$(resolve)
fi
[ -n "$pkg" ] || die "cannot find $meta:$arch in apt's package lists" \
	"(run apt-get update first; is the $arch architecture's index reachable?)"

# --- Download and unpack ./boot, once ---------------------------------------------
mkdir -p "$dir"
stage=$(mktemp -d "$dir/.fetch.XXXXXX") || die "cannot create a directory in $dir"
trap 'rm -rf -- "$stage"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# apt drops root to _apt for downloads: let it write here (else it only warns).
chmod 0777 "$stage"

log=$stage/apt.log
if ! (cd "$stage" && apt-get -q download "$pkg:$arch") >"$log" 2>&1; then
	sed 's/^/  /' "$log" >&2
	die "apt-get download $pkg:$arch failed (see above): no network or package" \
		"lists out of date (run apt-get update)"
fi
deb=$(find "$stage" -maxdepth 1 -name '*.deb' | head -n 1)
[ -n "$deb" ] || die "apt-get download $pkg:$arch left no .deb in $stage"

mkdir "$stage/$pkg"
# Only ./boot (and the device tree): what dpkg -x would unpack, minus the
# modules tree.
set -- ./boot
[ -z "$dtb" ] || set -- "$@" "./usr/lib/linux-image-*/$dtb"
dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards -C "$stage/$pkg" "$@" ||
	die "cannot unpack $* of $deb"
kernel=$(find "$stage/$pkg/boot" -maxdepth 1 -name 'vmlinu[xz]-*' | head -n 1)
[ -n "$kernel" ] || die "$pkg has no boot/vmlinuz-*"
if [ -n "$dtb" ]; then
	dtbfile=$(cd "$stage/$pkg" && find ./usr/lib -name "$dtb" | head -n 1)
	[ -n "$dtbfile" ] || die "$pkg has no $dtb"
fi

# Into place: the package directory, then the links (the reuse test above
# looks only at the links, so an interrupted run is simply redone).
rm -rf -- "${dir:?}/$pkg"
mv -- "$stage/$pkg" "$dir/$pkg"
[ -z "$dtb" ] || ln -sfn -- "$pkg/${dtbfile#./}" "$dir/dtb"
ln -sfn -- "$pkg/boot/${kernel##*/}" "$link"
printf '%s: %s: %s\n' "$me" "$arch" "$pkg" >&2
readlink -f -- "$link"
