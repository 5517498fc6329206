#!/bin/bash
# 45-seccomp-tables.t: the compat columns of src/seccomp_table.h, written
# by hand from the kernel's syscall tables, against the kernel's own
# headers: i386 (an i386 process on an x86_64 kernel) against
# asm/unistd_32.h of linux-libc-dev, arm EABI (armhf/armel on aarch64)
# against asm/unistd-eabi.h of linux-libc-dev-armhf-cross. A number must
# match, and NO must mean the header has no such call. Needs no root.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
table=$top/src/seccomp_table.h
i386_h=/usr/include/x86_64-linux-gnu/asm/unistd_32.h
arm_h=
for f in /usr/arm-linux-gnueabihf/include/asm/unistd-eabi.h \
	/usr/arm-linux-gnueabi/include/asm/unistd-eabi.h; do
	[ -f "$f" ] && arm_h=$f && break
done
[ -f "$i386_h" ] || bail_out "no $i386_h: install linux-libc-dev (tools/deps.sh linux-libc-dev)"
[ -n "$arm_h" ] || bail_out "no asm/unistd-eabi.h: install linux-libc-dev-armhf-cross (tools/deps.sh linux-libc-dev-armhf-cross)"

# "name number" for each call a header defines: "#define __NR_x 21" in
# unistd_32.h, "#define __NR_x (__NR_SYSCALL_BASE + 21)" in unistd-eabi.h.
kernel_i386=$(sed -nE 's/^#define __NR_([a-z0-9_]+)[[:space:]]+([0-9]+)$/\1 \2/p' "$i386_h")
kernel_arm=$(sed -nE 's/^#define __NR_([a-z0-9_]+)[[:space:]]+\(__NR_SYSCALL_BASE \+ ([0-9]+)\)$/\1 \2/p' "$arm_h")
ok "unistd_32.h lists the i386 calls ($(wc -l <<<"$kernel_i386"))" test "$(wc -l <<<"$kernel_i386")" -gt 300
ok "unistd-eabi.h lists the arm calls ($(wc -l <<<"$kernel_arm"))" test "$(wc -l <<<"$kernel_arm")" -gt 300

# "name i386 arm" for each S() line of the table.
rows=$(sed -nE 's/^S\(([a-z0-9_]+), *([0-9]+|NO), *([0-9]+|NO)\)$/\1 \2 \3/p' "$table")
is "$(wc -l <<<"$rows")" "$(grep -c '^S(' "$table")" "every S() line of seccomp_table.h has the form S(name, N|NO, N|NO)"
is "$(cut -d' ' -f1 <<<"$rows" | sort | uniq -d)" "" "no name appears twice"

# number_of NAME KERNEL-LIST: the header's number, or NO.
number_of() {
	awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print "NO" }' <<<"$2"
}

while read -r name i386 arm; do
	is "$i386 $arm" "$(number_of "$name" "$kernel_i386") $(number_of "$name" "$kernel_arm")" \
		"$name: i386 $i386, arm $arm, as in the kernel's headers"
done <<<"$rows"

# A name neither 32-bit table has would be a typo the columns cannot show
# (both NO): every name must be a call of the kernel's generic or x86_64
# table at least.
generic=$(sed -nE 's/^#define __NR(3264)?_([a-z0-9_]+)[[:space:]].*/\2/p' \
	/usr/include/asm-generic/unistd.h /usr/include/x86_64-linux-gnu/asm/unistd_64.h 2>/dev/null)
missing=
while read -r name _; do
	grep -qx "$name" <<<"$generic
$(cut -d' ' -f1 <<<"$kernel_i386")" || missing="$missing $name"
done <<<"$rows"
is "$missing" "" "every name is a system call the kernel knows"

done_testing
