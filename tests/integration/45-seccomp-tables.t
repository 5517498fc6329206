#!/bin/bash
# SPDX-License-Identifier: MIT
# 45-seccomp-tables.t: src/seccomp/seccomp_table.h is what
# tools/gen/seccomp-tables.sh makes of the kernel's headers today
# (regenerated and compared), and, read independently of the generator,
# three of its columns against the kernel's own headers: x86_64 and i386
# (asm/unistd_64.h, asm/unistd_32.h of linux-libc-dev), arm EABI
# (asm/unistd-eabi.h of linux-libc-dev-armhf-cross). A number must match,
# and NO must mean the header has no such call. Then what src/seccomp/seccomp_abi.h
# makes of each architecture, preprocessed by clang for targets no
# compiler here builds for (big-endian, mips64, powerpc, s390x...): its
# AUDIT_ARCH, compat ABIs, clone's flags argument, the low half's offset.
# Needs no root.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
table=$top/src/seccomp/seccomp_table.h
gen=$top/tools/gen/seccomp-tables.sh
x86_64_h=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
i386_h=/usr/include/x86_64-linux-gnu/asm/unistd_32.h
arm_h=
for f in /usr/arm-linux-gnueabihf/include/asm/unistd-eabi.h \
	/usr/arm-linux-gnueabi/include/asm/unistd-eabi.h; do
	[ -f "$f" ] && arm_h=$f && break
done
[ -f "$i386_h" ] || bail_out "no $i386_h: install linux-libc-dev (tools/deps.sh linux-libc-dev)"
[ -n "$arm_h" ] || bail_out "no asm/unistd-eabi.h: install linux-libc-dev-armhf-cross (tools/deps.sh linux-libc-dev-armhf-cross)"
require_cmd cc=gcc clang

# --- The generator's output is the committed file ----------------------------
tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp/table.h" "$tmp/syscalls.h" 2>"$tmp/err" ||
	bail_out "tools/gen/seccomp-tables.sh failed (make seccomp-tables installs its headers): $(cat "$tmp/err")"
diff -u "$table" "$tmp/table.h" >"$tmp/diff"
is $? 0 "src/seccomp/seccomp_table.h is what tools/gen/seccomp-tables.sh makes (else: make seccomp-tables)" ||
	diag "$(head -n 40 "$tmp/diff")"
diff -u "${table%/*}/seccomp_syscalls.h" "$tmp/syscalls.h" >"$tmp/diff"
is $? 0 "src/seccomp/seccomp_syscalls.h (every name, hutch oci's) is what it makes too" ||
	diag "$(head -n 40 "$tmp/diff")"
ok "seccomp_syscalls.h has every x86_64 call of unistd_64.h ($(grep -c '^#define __NR_' "$x86_64_h"))" \
	test "$(grep -c '^S(' "${table%/*}/seccomp_syscalls.h")" -ge "$(grep -c '^#define __NR_' "$x86_64_h")"

# The generator fails loudly on a name no ABI has (a typo).
mkdir -p "$tmp/gen/tools/gen"
cp "$gen" "$tmp/gen/tools/gen/"
printf 'mount\nfrobnicate\n' >"$tmp/gen/tools/gen/seccomp-names"
err=$("$tmp/gen/tools/gen/seccomp-tables.sh" 2>&1 >/dev/null)
isnt $? 0 "a name no ABI has fails the generator"
like "$err" 'frobnicate: no ABI has such a system call' "naming it"

# --- Three columns, read without the generator -------------------------------
# "name number" for each call a header defines: "#define __NR_x 21" in
# unistd_32.h, "#define __NR_x (__NR_SYSCALL_BASE + 21)" in unistd-eabi.h.
kernel_x86_64=$(sed -nE 's/^#define __NR_([a-z0-9_]+)[[:space:]]+([0-9]+)$/\1 \2/p' "$x86_64_h")
kernel_i386=$(sed -nE 's/^#define __NR_([a-z0-9_]+)[[:space:]]+([0-9]+)$/\1 \2/p' "$i386_h")
kernel_arm=$(sed -nE 's/^#define __NR_([a-z0-9_]+)[[:space:]]+\(__NR_SYSCALL_BASE \+ ([0-9]+)\)$/\1 \2/p' "$arm_h")
ok "unistd_64.h lists the x86_64 calls ($(wc -l <<<"$kernel_x86_64"))" test "$(wc -l <<<"$kernel_x86_64")" -gt 300
ok "unistd_32.h lists the i386 calls ($(wc -l <<<"$kernel_i386"))" test "$(wc -l <<<"$kernel_i386")" -gt 300
ok "unistd-eabi.h lists the arm calls ($(wc -l <<<"$kernel_arm"))" test "$(wc -l <<<"$kernel_arm")" -gt 300

# The columns' order, from the comment above the rows.
columns=$(sed -n '/^\/\* S(name, /,/\*\//p' "$table" | tr -d '\n*/' | sed -e 's/^ *S(name, //' -e 's/).*//' -e 's/,  */ /g')
ncol=$(wc -w <<<"$columns")
ok "the table names its columns ($ncol)" test "$ncol" -ge 16
col_of() { tr ' ' '\n' <<<"$columns" | grep -nx "$1" | cut -d: -f1; }

rows=$(sed -nE 's/^S\(([a-z0-9_]+),(( *([0-9]+|NO),?)+)\)$/\1\2/p' "$table" | tr -d ',')
is "$(wc -l <<<"$rows")" "$(grep -c '^S(' "$table")" "every S() line has the form S(name, N|NO, ...)"
is "$(awk -v n="$ncol" 'NF != n + 1' <<<"$rows")" "" "with a number for each of the $ncol columns"
is "$(cut -d' ' -f1 <<<"$rows" | sort | uniq -d)" "" "no name appears twice"

# number_of NAME KERNEL-LIST: the header's number, or NO.
number_of() {
	awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print "NO" }' <<<"$2"
}

cx=$(col_of x86_64) ci=$(col_of i386) ca=$(col_of arm)
while read -r -a row; do
	name=${row[0]}
	got="${row[cx]} ${row[ci]} ${row[ca]}"
	is "$got" "$(number_of "$name" "$kernel_x86_64") $(number_of "$name" "$kernel_i386") $(number_of "$name" "$kernel_arm")" \
		"$name: x86_64, i386, arm: $got, as in the kernel's headers"
done <<<"$rows"

# --- seccomp_abi.h per target ------------------------------------------------
# "clang target [flags]|native AUDIT, ABIs, clone's argument, low half at
# +N|compat AUDITs|mount's number": AUDIT_ARCH values as <linux/audit.h>
# spells them (EM_ number, 0x80000000 64-bit, 0x40000000 little-endian,
# 0x20000000 MIPS n32).
cat >"$tmp/probe.c" <<'PROBE'
#include "seccomp_abi.h"
#define S(name, ...) name NATIVE(__VA_ARGS__)
native ARCH_NATIVE N_ABIS CLONE_FLAGS_ARG ARG_LO
#ifdef ARCH_COMPAT1
compat ARCH_COMPAT1
#endif
#ifdef ARCH_COMPAT2
compat ARCH_COMPAT2
#endif
#include "seccomp_table.h"
PROBE
while IFS='|' read -r target want; do
	# shellcheck disable=SC2086 # target and its flags
	got=$(clang -target $target -E -P -I "$top/src/seccomp" "$tmp/probe.c" 2>&1 |
		sed -n -e 's/^native \(.*\)/\1/p' -e 's/^compat \(.*\)/\1/p' -e 's/^mount //p' | tr '\n' ' ')
	is "${got% }" "$want" "seccomp_abi.h on $target: $want"
done <<'TARGETS'
x86_64-linux-musl|0xc000003eU 2 0 0 0x40000003U 165
i386-linux-musl|0x40000003U 1 0 0 21
aarch64-linux-musl|0xc00000b7U 2 0 0 0x40000028U 40
aarch64_be-linux-musl|0xc00000b7U 2 0 4 0x40000028U 40
armv7-linux-musleabihf|0x40000028U 1 0 0 21
armebv7-linux-musleabihf|0x00000028U 1 0 4 21
mips-linux-musl|0x00000008U 1 0 4 4021
mipsel-linux-musl|0x40000008U 1 0 0 4021
mips64-linux-musl|0x80000008U 3 0 4 0x00000008U 0xa0000008U 5160
mips64el-linux-musl -mabi=n32|0xe0000008U 3 0 0 0x40000008U 0xc0000008U 6160
powerpc-linux-musl|0x00000014U 1 0 4 21
powerpc64-linux-musl|0x80000015U 2 0 4 0x00000014U 21
powerpc64le-linux-musl|0xc0000015U 2 0 0 0x00000014U 21
s390x-linux-musl|0x80000016U 2 1 4 0x00000016U 21
riscv64-linux-musl|0xc00000f3U 2 0 0 0x400000f3U 40
riscv32-linux-musl|0x400000f3U 1 0 0 40
m68k-linux-musl|0x00000004U 1 0 4 21
TARGETS
err=$(clang -target x86_64-linux-muslx32 -E -P -I "$top/src/seccomp" "$tmp/probe.c" 2>&1 >/dev/null)
like "$err" 'error: "x32 is not supported' "x32 is refused, with the reason"

done_testing
