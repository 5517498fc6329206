#!/bin/sh
# SPDX-License-Identifier: MIT
# mkrootfs.sh OUTDIR BUSYBOX [EMULATOR [ARGS...]]
#
# Build a BusyBox root file system for hutch at OUTDIR:
#   rootfs-skel/ (minus its DIRS list), the directories DIRS names with their
#   modes, BUSYBOX as bin/busybox, one relative symlink per applet, and last
#   the marker OUTDIR/.hutch-rootfs that says "a complete rootfs made here".
#
# BUSYBOX must be statically linked: the rootfs holds no dynamic loader or
# libc. For a foreign-architecture BusyBox give the emulator words that run
# it (binfmt_misc is not registered on the build machines), e.g.
#   tools/mkrootfs.sh out/rootfs-arm64 busybox.arm64 qemu-aarch64-static
#
# Safety: an existing OUTDIR is replaced only when it holds the marker (or is
# an empty directory); anything else is refused, never removed. The new tree
# is built in a sibling staging directory and renamed into place, so an
# interrupted run leaves either the old rootfs or nothing under OUTDIR, and a
# rerun is never blocked by a half-built tree.
#
# Needs no root: files are owned by whoever runs it (root in CI, which is what
# a sandbox wants). Quiet unless it fails; prints one summary line.
# Exit status: 0 built, 1 failed, 2 usage error.

set -eu

# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"
marker=.hutch-rootfs

[ $# -ge 2 ] || usage 'OUTDIR BUSYBOX [EMULATOR [ARGS...]]'
out=$1
bb=$2
shift 2
# What is left in "$@" are the emulator words (possibly none).

# Checkout modes depend on the user's umask (git keeps only the x bit): never
# let a group/world-writable umask leak into etc/passwd and friends.
umask 022

# Trailing slashes would put the staging directory *inside* OUTDIR.
while :; do
	case $out in
	*?/) out=${out%/} ;;
	*) break ;;
	esac
done
case $out in
'' | / | . | ..) die "refusing OUTDIR '$out'" ;;
esac

skel=$(cd "$(dirname "$0")/../rootfs-skel" && pwd -P) ||
	die "cannot find rootfs-skel/ next to tools/"
[ -f "$skel/DIRS" ] || die "$skel/DIRS is missing"

# A bare name would be looked up in PATH when executed, but copied from ".".
case $bb in
*/*) ;;
*) bb=./$bb ;;
esac
[ -f "$bb" ] || die "BusyBox binary '$bb' is not a regular file"

# --- 1. BusyBox must be static: an ELF with no PT_INTERP program header ----
# (readelf reads every architecture's ELF, so this works for foreign ones.)
command -v readelf >/dev/null 2>&1 ||
	die "needs readelf (Debian package binutils)"
phdrs=$(LC_ALL=C readelf -lW "$bb" 2>&1) ||
	die "'$bb' is not an ELF file: $phdrs"
case $phdrs in
*'Elf file type is EXEC'* | *'Elf file type is DYN'*) ;;
*) die "'$bb' is not an ELF executable" ;;
esac
if printf '%s\n' "$phdrs" | grep -q '^ *INTERP '; then
	interp=$(printf '%s\n' "$phdrs" | sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
	die "'$bb' is dynamically linked (needs ${interp:-a program interpreter});" \
		"the rootfs has no libc: use a static BusyBox (Debian: busybox-static)"
fi

# --- 2. The applet list, from the binary itself (through the emulator) -----
applets=$("$@" "$bb" --list-full) ||
	die "cannot run '${*:+$* }$bb --list-full'" \
		"(a foreign-arch BusyBox needs an emulator, e.g. qemu-aarch64-static;" \
		"an old BusyBox may lack --list-full)"
[ -n "$applets" ] || die "'$bb --list-full' printed no applets"

# --- 3. What is at OUTDIR now decides whether we may replace it ------------
if [ -L "$out" ]; then
	die "$out is a symlink; refusing to replace it"
elif [ -e "$out" ]; then
	[ -d "$out" ] || die "$out exists and is not a directory; refusing to touch it"
	if [ ! -f "$out/$marker" ] && [ -n "$(ls -A "$out")" ]; then
		die "$out exists, is not empty and has no $marker marker:" \
			"not a rootfs made by this script; refusing to remove it"
	fi
	# A mount left inside the old rootfs (a crashed test's bind of the host,
	# a proc) must never be recursed into by rm; say so before deleting
	# anything so the old tree is not left half removed.
	real=$(cd "$out" && pwd -P)
	mounted=$(awk -v top="$real" '{
		p = $5  # mount point, with octal escapes for blanks and backslash
		gsub(/\\040/, " ", p); gsub(/\\011/, "\t", p)
		gsub(/\\012/, "\n", p); gsub(/\\134/, "\\", p)
		if (p == top || index(p, top "/") == 1) print p
	}' /proc/self/mountinfo 2>/dev/null) || mounted=
	[ -z "$mounted" ] || die "still mounted inside $out, unmount first: $mounted"
fi

# --- 4. Build in a sibling staging directory --------------------------------
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.tmp.XXXXXX") || die "cannot create a directory next to $out"
# The staging directory is ours (mktemp made it): remove it on any failure.
# INT/TERM/HUP go through exit so that the EXIT trap runs in every shell.
trap 'rm -rf -- "$stage"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
chmod 0755 "$stage" # mktemp makes it 0700: unusable as / for a non-root service

# Skeleton: -P copies symlinks as symlinks; no -p, so files get root (or the
# caller) as owner rather than the uid of whoever checked the tree out.
cp -RP "$skel/." "$stage/"
rm -f "$stage/DIRS"

# Directories after the copy, so DIRS decides the mode of etc/ too.
lineno=0
while read -r dir mode rest || [ -n "$dir" ]; do
	lineno=$((lineno + 1))
	case $dir in '' | '#'*) continue ;; esac
	case $rest in '' | '#'*) ;; *) die "DIRS:$lineno: junk after the mode: $rest" ;; esac
	case $dir in
	/* | ../* | */../* | */.. | ..) die "DIRS:$lineno: path must stay inside the rootfs: $dir" ;;
	esac
	case ${mode:-0755} in
	[0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) ;;
	*) die "DIRS:$lineno: bad octal mode '$mode'" ;;
	esac
	mkdir -p "$stage/$dir"
	chmod "${mode:-0755}" "$stage/$dir"
done <"$skel/DIRS"

mkdir -p "$stage/bin"
cp "$bb" "$stage/bin/busybox"
chmod 0755 "$stage/bin/busybox"

# --- 5. Applet links: relative, so they resolve the same whether the tree
# is seen as / inside the sandbox or as OUTDIR from the host. ----------------
# Only the PATH directories: BusyBox also lists e.g. /linuxrc (initrd only).
n=0
while read -r path; do
	case $path in
	'') continue ;;
	*/../* | ../* | */.. | *//*) die "suspicious applet path from --list-full: $path" ;;
	esac
	case ${path%/*} in
	bin) target=busybox ;;
	sbin) target=../bin/busybox ;;
	usr/bin | usr/sbin) target=../../bin/busybox ;;
	*) continue ;;
	esac
	# A file the skeleton provides wins over the applet (and bin/busybox stays).
	if [ -e "$stage/$path" ] || [ -L "$stage/$path" ]; then
		continue
	fi
	mkdir -p "$stage/${path%/*}"
	ln -s "$target" "$stage/$path"
	n=$((n + 1))
done <<EOF
$applets
EOF
[ "$n" -gt 0 ] || die "no applets for bin, sbin, usr/bin or usr/sbin in '$bb --list-full'"

# --- 6. Marker last, then swap the finished tree into place -----------------
printf 'hutch rootfs made by tools/mkrootfs.sh from %s\n' "$bb" >"$stage/$marker"
if [ -d "$out" ]; then
	# --one-file-system: belt and braces against a mount appearing since the check.
	rm -rf --one-file-system -- "$out" || die "cannot remove the old $out"
fi
mv -- "$stage" "$out"
trap - EXIT

printf '%s: %s: %d applets, %s\n' "$me" "$out" "$n" "$(du -sh -- "$out" | cut -f1)"
