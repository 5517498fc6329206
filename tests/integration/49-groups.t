#!/bin/bash
# SPDX-License-Identifier: MIT
# Supplementary groups: --user keeps the groups the sandbox's own
# /etc/group gives the user, --group-add adds more (a name there or a
# number), and a group-owned file is readable only through them. Without
# them, a non-root service could hold one group only (dialout, gpio and i2c
# at once were impossible).
. "$(dirname "$0")/../lib/tap.sh"
require_root
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d)
chmod 755 "$tmp" # --userns: the unprivileged root inside must reach the root
trap 'rm -rf --one-file-system "$tmp"' EXIT

# A root whose /etc/group lists "service" in dialout, and a file only the
# gpio group may read.
cp -a "$ROOTFS" "$tmp/root"
cat >>"$tmp/root/etc/group" <<'G'
dialout:x:20:service
gpio:x:997:
i2c:x:998:nobody,other
G
mkdir -p "$tmp/root/srv"
echo secret >"$tmp/root/srv/gpio-only"
chown 0:997 "$tmp/root/srv/gpio-only"
chmod 040 "$tmp/root/srv/gpio-only"

run() {
	out=$(timeout 20 "$HUTCH" --name hutch-t49-groups --state-dir "$tmp/state" \
		--root "$tmp/root" --restart no "$@" 2>&1 </dev/null)
	rc=$?
}
groups='grep "^Groups:" /proc/self/status; id'

run --user service -- /bin/sh -c "$groups; cat /srv/gpio-only"
is "$rc" 1 "--user service: runs (and cannot read the gpio file)"
like "$out" "^Groups:[[:space:]]*20 *$" "/etc/group's membership is kept: dialout (20)"
like "$out" "^uid=1000\(service\) gid=1000\(service\) groups=20\(dialout\)$" "id shows it"
like "$out" "Permission denied" "the gpio group's file is not readable without the group"

run --user service --group-add gpio --group-add 998 -- /bin/sh -c "$groups; cat /srv/gpio-only"
is "$rc" 0 "--group-add gpio --group-add 998: runs"
like "$out" "^Groups:[[:space:]]*20 997 998 *$" "the groups: dialout from /etc/group, gpio by name, 998 by number"
like "$out" "^secret$" "the gpio group's file is readable through the supplementary group"

run --user service:nogroup -- /bin/sh -c "$groups"
like "$out" "^Groups:[[:space:]]*20 *$" "USER:GROUP keeps the memberships too"
like "$out" "gid=65534\(nogroup\)" "with the given primary group"

run --group-add gpio -- /bin/sh -c "$groups; cat /srv/gpio-only"
like "$out" "^Groups:[[:space:]]*997 *$" "--group-add without --user: root with that group"

run --user 1000 -- /bin/sh -c "$groups"
like "$out" "^Groups:[[:space:]]*20 *$" "a numeric --user finds its name in passwd, and so its groups"

run --user 4321 -- /bin/sh -c "$groups"
like "$out" "^Groups:[[:space:]]*$" "a uid without passwd entry: no supplementary groups"

# In the namespace, the file's group is host gid 100997 (--userns maps 0-65535
# to 100000-165535).
chown 0:100997 "$tmp/root/srv/gpio-only"
run --userns --user service --group-add gpio -- /bin/sh -c "$groups; cat /srv/gpio-only"
like "$out" "^Groups:[[:space:]]*20 997 *$" "--userns (root launcher): the groups are set inside the namespace"
like "$out" "^secret$" "and they open the file"

# docs/usage.md's serial recipe with a node that exists everywhere: a character
# device like /dev/ttyUSB0 (root:dialout 0660), made here with /dev/null's
# numbers, passed with --device, opened only through --group-add dialout.
mknod "$tmp/ttyT49" c 1 3 && chgrp 20 "$tmp/ttyT49" && chmod 660 "$tmp/ttyT49" ||
	bail_out "cannot make the test node"
dev='ls -l /dev/ttyT49; echo x >/dev/ttyT49 && echo written; cat /dev/ttyT49 && echo read'
run --user nobody --device "$tmp/ttyT49" -- /bin/sh -c "$dev"
like "$out" "^crw-rw---- +1 root +dialout +1, +3 " "--device: the node is in /dev, root:dialout 0660"
like "$out" "Permission denied" "a user without dialout cannot open it"
run --user nobody --device "$tmp/ttyT49" --group-add dialout -- /bin/sh -c "$dev"
is "$rc" 0 "--group-add dialout: runs"
like "$out" "^written$" "it writes the device"
like "$out" "^read$" "and reads it"

# Bad input: one line, exit 125, nothing made.
run --user service --group-add nosuchgroup -- /bin/true
is "$rc" 125 "--group-add nosuchgroup: exit 125"
like "$out" "--group-add nosuchgroup: no 'nosuchgroup' in the sandbox's /etc/group" "says so"
for bad in "--group-add 'a b'" "--group-add ''" "--group-add a:b"; do
	eval "set -- $bad"
	out=$(timeout 10 "$HUTCH" --root "$tmp/root" "$@" -- /bin/true 2>&1)
	is "$?" 125 "$bad: exit 125"
	is "$(printf '%s\n' "$out" | wc -l)" 1 "$bad: one line"
done
ok "no state left behind" test ! -e "$tmp/state/hutch-t49-groups"
done_testing
