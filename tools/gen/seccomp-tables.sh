#!/bin/sh
# SPDX-License-Identifier: MIT
# seccomp-tables.sh [OUT [ALL_OUT]]
#
# Generate src/seccomp/seccomp_table.h: the number of every system call hutch
# knows by name (tools/gen/seccomp-names) in every system call ABI the
# kernel defines for the architectures musl supports, and the AUDIT_ARCH
# value by which a seccomp filter sees each ABI. Written to OUT, else to
# stdout. With ALL_OUT, also src/seccomp/seccomp_syscalls.h: the same
# rows for every __NR_ name any of these headers defines (sorted), which
# hutch oci needs to compile an OCI profile's names (seccomp_oci.c); only
# builds with the OCI runtime carry it. `make seccomp-tables` regenerates
# the committed files; tests/integration/45-seccomp-tables.t regenerates
# them and diffs.
#
# The source is the kernel's own UAPI headers as Debian ships them
# (linux-libc-dev-ARCH-cross, under /usr/TRIPLET/include), read through
# the C preprocessor alone (cc -E, no compiler of the target): each ABI's
# header is included with the macros its compiler would predefine (MIPS's
# _MIPS_SIM, arm's __ARM_EABI__, the pointer size of the generic table),
# then a probe line per name prints __NR_name, or NO where the ABI has no
# such call, and the shell evaluates the expression it expands to
# ("(4000 + 21)"). Native columns are generated too: the filter must not
# depend on which calls a libc names (an old musl lacks clone3's SYS_
# macro; the kernel still runs it).
#
# Needs: a C preprocessor (CC, default cc) and the headers of
# linux-libc-dev-{amd64,arm64,armhf,mips,powerpc,s390x,riscv64,m68k,sh4}-cross
# (`make seccomp-tables` installs them: SECCOMP_HDR_PKGS).

set -eu

me=seccomp-tables
die() {
	printf '%s: %s\n' "$me" "$*" >&2
	exit 1
}

top=$(cd "$(dirname "$0")/../.." && pwd)
names=$top/tools/gen/seccomp-names
cc=${CC:-cc}
root=${UAPI_ROOT:-/usr} # UAPI_ROOT/TRIPLET/include

# The ABIs, one a line, in the order of the table's columns:
#   column  headers of   header to include      macros its compiler predefines
# x86: unistd_64.h and unistd_32.h (x32 has its own numbers, with a high
# bit set: not a column, see seccomp_abi.h). arm: EABI only (OABI kernels
# have no seccomp filter). MIPS: one header, the ABI picked by _MIPS_SIM.
# powerpc and s390: one file per width. The generic table (aarch64,
# riscv, loongarch): asm-generic/unistd.h, shaped by the __ARCH_WANT_
# macros of the architecture's asm/unistd.h and by the width; loongarch64
# has no Debian 12 package, so its asm/unistd.h of Linux 6.1 (clone3,
# the rest generic) is spelled here over riscv64's asm-generic/ and width.
abis() {
	cat <<'EOF'
x86_64      x86_64-linux-gnu    asm/unistd_64.h      -
i386        x86_64-linux-gnu    asm/unistd_32.h      -
aarch64     aarch64-linux-gnu   asm/unistd.h         -
arm         arm-linux-gnueabihf asm/unistd.h         -D__ARM_EABI__
mips_o32    mips-linux-gnu      asm/unistd.h         -D_MIPS_SIM=1
mips_n32    mips-linux-gnu      asm/unistd.h         -D_MIPS_SIM=2
mips_n64    mips-linux-gnu      asm/unistd.h         -D_MIPS_SIM=3
ppc         powerpc-linux-gnu   asm/unistd_32.h      -
ppc64       powerpc-linux-gnu   asm/unistd_64.h      -
s390        s390x-linux-gnu     asm/unistd_32.h      -
s390x       s390x-linux-gnu     asm/unistd_64.h      -
riscv32     riscv64-linux-gnu   asm/unistd.h         -D__SIZEOF_POINTER__=4
riscv64     riscv64-linux-gnu   asm/unistd.h         -D__SIZEOF_POINTER__=8,-D__LP64__
loongarch64 riscv64-linux-gnu   asm-generic/unistd.h -D__SIZEOF_POINTER__=8,-D__ARCH_WANT_SYS_CLONE3
m68k        m68k-linux-gnu      asm/unistd_32.h      -
sh          sh4-linux-gnu       asm/unistd_32.h      -
EOF
}

# The AUDIT_ARCH_ values of <linux/audit.h> a filter of these ABIs meets
# (its LE and 64BIT bits, with the ELF machine of <linux/elf-em.h>).
audit_names="X86_64 I386 AARCH64 ARM ARMEB MIPS MIPSEL MIPS64 MIPSEL64 MIPS64N32
MIPSEL64N32 PPC PPC64 PPC64LE S390 S390X RISCV32 RISCV64 LOONGARCH64 M68K SH SHEL"

[ -f "$names" ] || die "no $names"
list=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$names")
command -v "$cc" >/dev/null 2>&1 || die "no C preprocessor: $cc (give CC=)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# preprocess DIR FLAGS: stdin through cc -E with only DIR's headers and
# FLAGS (comma-separated) defined: no predefined macro of this machine.
preprocess() {
	# shellcheck disable=SC2046 # FLAGS are words, split on commas
	"$cc" -E -P -undef -nostdinc -I "$root/$1/include" \
		$(if [ "$2" != - ]; then printf '%s\n' "$2" | tr , ' '; fi) -x c - 2>"$tmp/err" ||
		die "cc -E failed on $root/$1/include: $(head -n 3 "$tmp/err")"
}

# evaluate: "name EXPR" lines -> "name NUMBER" (NO stays NO). $(($expr)):
# dash takes $((expr)) as the value of a variable named expr.
# shellcheck disable=SC2004
evaluate() {
	while read -r name expr; do
		case $expr in
		NO) echo "$name NO" ;;
		*[!0-9\ \(\)+x]*) die "$name: cannot evaluate '$expr'" ;;
		*) echo "$name $(($expr))" ;;
		esac
	done
}

# columns LIST DIR [ABIS]: one file per ABI of ABIS (default: abis) in
# DIR, "name number" for each name of LIST, in the list's order; sets
# $columns to the ABIs' names.
columns() {
	columns=
	mkdir -p "$2"
	while read -r col triplet header flags; do
		[ -f "$root/$triplet/include/$header" ] ||
			die "no $root/$triplet/include/$header: install linux-libc-dev-$(
				case $triplet in
				x86_64-*) echo amd64 ;; aarch64-*) echo arm64 ;; arm-*) echo armhf ;;
				sh4-*) echo sh4 ;; *) echo "${triplet%%-*}" ;;
				esac)-cross"
		{
			echo "#include <$header>"
			for n in $1; do
				printf '#ifdef __NR_%s\n%s __NR_%s\n#else\n%s NO\n#endif\n' "$n" "$n" "$n" "$n"
			done
		} | preprocess "$triplet" "$flags" | grep -v '^[[:space:]]*$' | evaluate >"$2/$col"
		[ "$(wc -l <"$2/$col")" -eq "$(printf '%s\n' "$1" | wc -l)" ] ||
			die "$col: $header gave $(wc -l <"$2/$col") lines for $(printf '%s\n' "$1" | wc -l) names"
		columns="$columns $col"
	done <"${3:-$tmp/abis}"
	columns=${columns# }
}

# Every system call name of every ABI: the __NR_ macros each header
# defines under its ABI's flags, lower-case names only (MIPS's
# __NR_Linux, arm's __NR_ARM_ are bases, not calls), without the
# generic table's counters (__NR_syscalls, __NR_arch_specific_syscall).
all_names() {
	while read -r col triplet header flags; do
		# shellcheck disable=SC2046 # FLAGS are words, split on commas
		echo "#include <$header>" | "$cc" -E -dM -P -undef -nostdinc -I "$root/$triplet/include" \
			$(if [ "$flags" != - ]; then printf '%s\n' "$flags" | tr , ' '; fi) -x c - 2>"$tmp/err" ||
			die "cc -E -dM failed on $root/$triplet/include: $(head -n 3 "$tmp/err")"
	done <"$tmp/abis" | sed -n 's/^#define __NR_\([a-z][a-z0-9_]*\) .*/\1/p' |
		grep -vx 'syscalls\|arch_specific_syscall' | LC_ALL=C sort -u
}

abis >"$tmp/abis"
columns "$list" "$tmp"

# A name no ABI has is a typo (every column NO).
for n in $list; do
	for col in $columns; do
		grep -q "^$n [0-9]" "$tmp/$col" && continue 2
	done
	die "$n: no ABI has such a system call (a typo in $names?)"
done

# The AUDIT_ARCH values, from x86_64's linux/audit.h (the same in every
# architecture's package: it is not an asm/ header).
{
	echo '#include <linux/audit.h>'
	for a in $audit_names; do echo "audit_arch_$a AUDIT_ARCH_$a"; done
} | preprocess x86_64-linux-gnu - | sed -n 's/^audit_arch_/AUDIT_ARCH_/p' >"$tmp/audit"

out() {
	cat <<EOF
/* SPDX-License-Identifier: MIT */
/* seccomp_table.h - GENERATED by tools/gen/seccomp-tables.sh from the
 * kernel's UAPI headers (Debian's linux-libc-dev-*-cross) and
 * tools/gen/seccomp-names: do not edit, run \`make seccomp-tables\`.
 *
 * The system calls hutch knows by name, one S(name, numbers...) a line,
 * a number per ABI (NO: not on that ABI), included by seccomp.c with S()
 * defined to pick a column; seccomp_abi.h says which column is this
 * build's native ABI and which are its compat ABIs. The first block, up to
 * clone3, is the default deny list (--seccomp default); personality, clone
 * and clone3 get special rules there (see seccomp.c). After it, common
 * calls a list may name. */
#ifndef HUTCH_SECCOMP_COLUMNS
#define HUTCH_SECCOMP_COLUMNS

/* <linux/audit.h>: how a filter sees each ABI (seccomp_data.arch). */
EOF
	while read -r name expr; do
		case $expr in
		*[!0-9a-fx\ \(\)\|]*) die "$name: cannot evaluate '$expr'" ;;
		esac
		# shellcheck disable=SC2004 # as in evaluate
		printf '#define %-23s 0x%08xU\n' "$name" "$(($expr))"
	done <"$tmp/audit"
	echo
	echo '/* COL_abi(numbers...): the column of that ABI. */'
	params=$(echo "$columns" | sed 's/ /, /g')
	for col in $columns; do
		printf '#define COL_%s(%s) %s\n' "$col" "$params" "$col"
	done
	echo '#endif'
	echo
	printf '/* S(name, %s) */\n' "$params" | fold -s -w 76 | sed -e 's/ *$//' -e '2,$s/^/ * /'
	rows "$tmp"
}

# rows DIR: an S() line per name from DIR's column files (each in the
# list's order, so pasted side by side).
rows() {
	# shellcheck disable=SC2086 # the columns are words
	(cd "$1" && paste -d ' ' $columns) |
		awk '{ printf "S(%-21s", $1 ","; for (i = 2; i <= NF; i += 2) printf "%s%5s", (i > 2 ? "," : ""), $i; print ")" }'
}

# The second file: the rows of every name, for hutch oci.
out_all() {
	cat <<EOF
/* SPDX-License-Identifier: MIT */
/* seccomp_syscalls.h - GENERATED by tools/gen/seccomp-tables.sh from the
 * kernel's UAPI headers (Debian's linux-libc-dev-*-cross): do not edit,
 * run \`make seccomp-tables\`.
 *
 * Every system call any ABI of seccomp_table.h defines (each __NR_ name),
 * sorted, one S(name, numbers...) a line in seccomp_table.h's columns (NO:
 * not on that ABI). hutch oci compiles an OCI seccomp profile's names
 * with it (seccomp_oci.c); builds without the OCI runtime do not carry it. */

EOF
	printf '/* S(name, %s) */\n' "$params" | fold -s -w 76 | sed -e 's/ *$//' -e '2,$s/^/ * /'
	echo '#ifndef X32'
	echo '#define X32(name, number)'
	echo '#define HUTCH_X32_UNSET'
	echo '#endif'
	rows "$tmp/all"
	cat <<EOF

/* X32(name, number): x32's numbers, without __X32_SYSCALL_BIT (x32 calls
 * are x86_64's arch with that bit in the number: not a column of its own,
 * as hutch's own filter kills x32), in the same order. */
EOF
	awk '{ printf "X32(%-21s%5s)\n", $1 ",", $2 }' "$tmp/x32/x32"
	echo '#ifdef HUTCH_X32_UNSET'
	echo '#undef X32'
	echo '#undef HUTCH_X32_UNSET'
	echo '#endif'
}

if [ $# -ge 1 ]; then
	out >"$tmp/out"
	mv "$tmp/out" "$1"
else
	out
fi
if [ $# -ge 2 ]; then
	all=$(all_names)
	echo 'x32 x86_64-linux-gnu asm/unistd_x32.h -D__X32_SYSCALL_BIT=0' >"$tmp/abis-x32"
	columns "$all" "$tmp/x32" "$tmp/abis-x32"
	columns "$all" "$tmp/all"
	out_all >"$tmp/out"
	mv "$tmp/out" "$2"
fi
