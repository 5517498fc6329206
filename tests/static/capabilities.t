#!/bin/sh
# SPDX-License-Identifier: MIT
# capabilities.t - src/lib/capabilities.h is what tools/gen/capabilities.sh
# makes of the kernel's <linux/capability.h> (CAP_HEADER, else the
# toolchain's under build/x86_64/uapi, else /usr/include): regenerated and
# diffed, so a header with a new capability fails until `make
# capabilities` writes the file again. The generator refuses a header
# with a gap in the numbers or a CAP_LAST_CAP that is not the last. No
# root, no build beyond the toolchain's headers.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"

gen=$top/tools/gen/capabilities.sh
header=${CAP_HEADER:-}
for h in "$top/build/x86_64/uapi/linux/capability.h" /usr/include/linux/capability.h; do
	[ -n "$header" ] || [ ! -r "$h" ] || header=$h
done
[ -n "$header" ] && [ -r "$header" ] ||
	bail_out "no <linux/capability.h>: install linux-libc-dev (or set CAP_HEADER)"
tmp=$(mktemp -d) || bail_out "mktemp"
trap 'rm -rf "$tmp"' EXIT

"$gen" "$header" "$tmp/capabilities.h"
is "$?" 0 "the generator reads $header"
ok "src/lib/capabilities.h is what it makes (else: make capabilities)" \
	diff "$top/src/lib/capabilities.h" "$tmp/capabilities.h"

# a header one capability newer: another file, so the diff above fails
sed 's/^#define CAP_LAST_CAP .*/#define CAP_FUTURE 41\n#define CAP_LAST_CAP CAP_FUTURE/' \
	"$header" >"$tmp/newer.h"
"$gen" "$tmp/newer.h" "$tmp/newer-capabilities.h"
is "$?" 0 "a header with a capability more"
isnt "$(cat "$tmp/newer-capabilities.h")" "$(cat "$top/src/lib/capabilities.h")" \
	"  makes another file (the check above would see it)"
like "$(cat "$tmp/newer-capabilities.h")" 'CAP_FUTURE = 41,' "  with its number"
like "$(cat "$tmp/newer-capabilities.h")" '"future\\0"' "  and its name"

# a gap, a wrong last: refused in one line, nothing written
grep -v '^#define CAP_BPF' "$header" >"$tmp/gap.h"
out=$("$gen" "$tmp/gap.h" "$tmp/gap-capabilities.h" 2>&1)
is "$?" 1 "a header without CAP_BPF: refused"
like "$out" "no capability numbered 39" "  naming the gap"
ok "  nothing written" test ! -e "$tmp/gap-capabilities.h"
sed 's/^#define CAP_LAST_CAP .*/#define CAP_LAST_CAP CAP_BPF/' "$header" >"$tmp/last.h"
out=$("$gen" "$tmp/last.h" 2>&1)
is "$?" 1 "CAP_LAST_CAP not the last: refused"
like "$out" "CAP_LAST_CAP is CAP_BPF" "  saying so"

# no hand-kept capability numbers left in src/ (the generated header
# is their one source)
left=$(grep -rnE '\b(CAP_[A-Z_]+ *= *[0-9]+|1ULL << (5|6|7|8|24)\))' "$top/src" |
	grep -v '^[^:]*src/lib/capabilities.h:')
is "$left" "" "no capability numbered by hand in src/"

done_testing
