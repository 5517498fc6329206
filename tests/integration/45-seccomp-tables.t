#!/bin/bash
# 45-seccomp-tables.t: src/seccomp_table.h is what
# tools/gen/seccomp-tables.sh makes of the kernel's headers today
# (regenerated and compared), and, read independently of the generator,
# three of its columns against the kernel's own headers: x86_64 and i386
# (asm/unistd_64.h, asm/unistd_32.h of linux-libc-dev), arm EABI
# (asm/unistd-eabi.h of linux-libc-dev-armhf-cross). A number must match,
# and NO must mean the header has no such call. Needs no root.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
table=$top/src/seccomp_table.h
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
require_cmd cc=gcc

# --- The generator's output is the committed file ----------------------------
tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp/table.h" 2>"$tmp/err" ||
	bail_out "tools/gen/seccomp-tables.sh failed (make seccomp-tables installs its headers): $(cat "$tmp/err")"
diff -u "$table" "$tmp/table.h" >"$tmp/diff"
is $? 0 "src/seccomp_table.h is what tools/gen/seccomp-tables.sh makes (else: make seccomp-tables)" ||
	diag "$(head -n 40 "$tmp/diff")"

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

done_testing
