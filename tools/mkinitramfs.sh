#!/bin/sh
# SPDX-License-Identifier: MIT
# mkinitramfs.sh OUTFILE ARCH HUTCH_BIN BUSYBOX INIT_SCRIPT [EXTRA[:DEST]...]
#
# Build the initramfs of the QEMU system tests (a gzip'd newc cpio), without
# root rights:
#
#   /                  a BusyBox root: bin/busybox, one relative link per
#                      applet, rootfs-skel's etc and mount points (made by
#                      tools/mkrootfs.sh, so it is the same tree `make rootfs`
#                      builds)
#   /init              INIT_SCRIPT (what the kernel runs as PID 1)
#   /bin/hutch         HUTCH_BIN
#   /rootfs            a second BusyBox root of the same kind, for hutch's
#                      --root inside the guest. It lives on the initramfs, so
#                      pivot_root refuses it and hutch must switch root with
#                      its MS_MOVE + chroot fallback: the case every embedded
#                      user with an initramfs-only system hits.
#   EXTRA[:DEST]       each further file, at DEST (absolute; default:
#                      /BASENAME of EXTRA)
#
# ARCH is the Debian architecture (amd64, arm64, armhf, armel, i386,
# mipsel). HUTCH_BIN and BUSYBOX must be static ELF executables for it:
# readelf checks the machine, so that a wrong binary fails here and not as
# a kernel panic ("Attempted to kill init") in the guest. BusyBox is run on
# the build machine to list its applets; for a foreign ARCH through
# qemu-ARCH-static (package qemu-user-static), as binfmt_misc may not be
# registered.
#
# The archive is written to OUTFILE.tmp and renamed: OUTFILE is complete or
# absent. Files are stored as owned by root (cpio -R 0:0); device nodes are
# not needed: the kernel's built-in initramfs already has /dev/console, and
# /init mounts devtmpfs on /dev.
#
# Exit status: 0 built, 1 failed, 2 usage error. One summary line on stderr.

set -eu

# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 5 ] || usage 'OUTFILE ARCH HUTCH_BIN BUSYBOX INIT_SCRIPT [EXTRA[:DEST]...]'
out=$1 arch=$2 hutch=$3 bb=$4 init=$5
shift 5

here=$(cd "$(dirname "$0")" && pwd -P)
umask 022

# Debian architecture -> what readelf calls the machine, and the qemu-user
# emulator that runs its binaries on another host.
case $arch in
amd64) machine='Advanced Micro Devices X86-64' emu=qemu-x86_64-static ;;
i386) machine='Intel 80386' emu=qemu-i386-static ;;
arm64) machine='AArch64' emu=qemu-aarch64-static ;;
armhf | armel) machine='ARM' emu=qemu-arm-static ;;
mipsel) machine='MIPS R3000' emu=qemu-mipsel-static ;;
*) die "unknown architecture '$arch' (amd64, i386, arm64, armhf, armel, mipsel)" ;;
esac

for cmd in cpio gzip readelf find sort; do
	command -v "$cmd" >/dev/null 2>&1 || die "needs $cmd (Debian packages: cpio gzip binutils findutils coreutils)"
done

# static_for FILE WHAT: FILE is a static ELF executable for $machine.
static_for() {
	[ -f "$1" ] || die "$2 '$1' is not a file"
	hdr=$(LC_ALL=C readelf -hlW "$1" 2>&1) || die "$2 '$1' is not an ELF file"
	m=$(printf '%s\n' "$hdr" | sed -n 's/^ *Machine: *//p')
	[ "$m" = "$machine" ] || die "$2 '$1' is built for '$m', not $arch ($machine)"
	if printf '%s\n' "$hdr" | grep -q '^ *INTERP '; then
		die "$2 '$1' is dynamically linked: the initramfs has no libc"
	fi
}
static_for "$hutch" "HUTCH_BIN"
static_for "$bb" "BUSYBOX"
[ -f "$init" ] || die "INIT_SCRIPT '$init' is not a file"
head -c 2 "$init" | grep -q '^#!' || die "INIT_SCRIPT '$init' does not start with #!"

# Run BusyBox natively when it is this machine's architecture.
emulator=
if [ "$arch" != "$(dpkg --print-architecture 2>/dev/null || echo unknown)" ]; then
	command -v "$emu" >/dev/null 2>&1 ||
		die "a $arch BusyBox needs $emu to list its applets (Debian package qemu-user-static)"
	emulator=$emu
fi

case $out in */*) ;; *) out=./$out ;; esac
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.stage.XXXXXX") || die "cannot create a directory next to $out"
trap 'rm -rf -- "$stage" "$out.tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The two BusyBox trees -------------------------------------------------------
# shellcheck disable=SC2086 # $emulator is zero or one word
"$here/mkrootfs.sh" "$stage/root" "$bb" $emulator >/dev/null ||
	die "tools/mkrootfs.sh failed for the initramfs root"
# shellcheck disable=SC2086
"$here/mkrootfs.sh" "$stage/root/rootfs" "$bb" $emulator >/dev/null ||
	die "tools/mkrootfs.sh failed for /rootfs"
rm -f "$stage/root/.hutch-rootfs"

install -m 0755 "$hutch" "$stage/root/bin/hutch"
install -m 0755 "$init" "$stage/root/init"

for extra in "$@"; do
	src=${extra%%:*}
	dest=${extra#"$src"}
	dest=${dest#:}
	[ -n "$dest" ] || dest=/${src##*/}
	case $dest in
	/*) ;;
	*) die "EXTRA destination must be absolute: '$extra'" ;;
	esac
	case $dest in
	*/../* | */.. | /init | /) die "EXTRA destination not allowed: '$dest'" ;;
	esac
	[ -f "$src" ] || die "EXTRA file '$src' is not a file"
	mkdir -p "$stage/root$(dirname "$dest")"
	cp -- "$src" "$stage/root$dest"
	[ ! -x "$src" ] || chmod 0755 "$stage/root$dest"
done

# --- The archive: sorted names and -n for gzip, so equal input gives equal bytes --
(cd "$stage/root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --quiet -o -H newc -R 0:0) | gzip -n -6 >"$out.tmp" ||
	die "cpio | gzip failed"
mv -f -- "$out.tmp" "$out"
printf '%s: %s: %s, %s bytes\n' "$me" "$out" "$arch" "$(stat -c %s "$out")" >&2
