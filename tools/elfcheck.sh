#!/bin/sh
# SPDX-License-Identifier: MIT
# elfcheck.sh FILE [MACHINE [FLAGS]]
#
# Check that FILE is what hutch must be on every board: a static executable
# (ELF type EXEC, no PT_INTERP, no dynamic section: -static, never
# -static-pie), every loadable segment aligned to 64 KiB (0x10000: runs on
# 4K, 16K and 64K page kernels, the Pi 5's 16K among them), and, when given,
# of the right machine (the last word of readelf's "Machine:", e.g. AArch64,
# ARM, R3000, X86-64) with the right flags (the number readelf prints first
# on "Flags:", e.g. 0x5000400 for ARM EABI5 hard-float, 0x5000200 soft-float).
#
# Silent when all holds; else one line per failed check, exit 1. Usage
# errors exit 2. readelf (binutils) reads the ELF files of every
# architecture.

set -eu

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	printf 'usage: %s FILE [MACHINE [FLAGS]]\n' "$0" >&2
	exit 2
fi
file=$1 machine=${2-} flags=${3-}

hdr=$(LC_ALL=C readelf -hlW "$file" 2>&1) || {
	printf '%s: not an ELF file: %s\n' "$file" "$hdr" >&2
	exit 1
}
field() { printf '%s\n' "$hdr" | sed -n "s/^ *$1: *//p"; }

bad=0
fail() {
	printf '%s: %s\n' "$file" "$*" >&2
	bad=1
}

type=$(field Type)
case $type in
EXEC*) ;;
*) fail "ELF type is '$type', not EXEC (a static, non-PIE executable)" ;;
esac
printf '%s\n' "$hdr" | grep -q '^ *INTERP ' && fail "has a PT_INTERP: dynamically linked"
printf '%s\n' "$hdr" | grep -q '^ *DYNAMIC ' && fail "has a dynamic section"

# LOAD lines: Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align;
# the alignment is the last word.
aligns=$(printf '%s\n' "$hdr" | awk '$1 == "LOAD" { print $NF }' | sort -u)
[ -n "$aligns" ] || fail "has no loadable segment"
for a in $aligns; do
	[ "$a" = 0x10000 ] || fail "a LOAD segment is aligned to $a, not 0x10000 (64 KiB)"
done

got=$(field Machine)
if [ -n "$machine" ] && [ "${got##* }" != "$machine" ]; then
	fail "machine is '$got', not $machine"
fi
got=$(field Flags)
if [ -n "$flags" ] && [ "${got%%,*}" != "$flags" ]; then
	fail "ELF flags are '$got', not $flags"
fi
exit "$bad"
