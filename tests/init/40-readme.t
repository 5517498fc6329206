#!/bin/bash
# SPDX-License-Identifier: MIT
# The README's section "Starting hutch from an init system" shows parts of
# the files in init/: they must not drift from the files the tests run.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
section=$(sed -n '/^### Starting hutch from an init system$/,/^## /p' "$top/README.md")
ok "the README has the section" test -n "$section"

# Every file the section's table names exists.
for f in $(printf '%s\n' "$section" | grep -o '`init/[^`]*`\|`tests/[^`]*\.t`' | tr -d '`' | sort -u); do
	ok "the README names $f, which exists" test -e "$top/$f"
done

entry=$(grep -v '^#' "$top/init/busybox/inittab" | grep .)
like "$section" "^$(printf '%s' "$entry" | sed 's/[.[\*^$]/\\&/g')\$" \
	"the README's inittab line is the file's: $entry"

# The ini block after **systemd**: each Key=value line is in the unit.
ini=$(printf '%s\n' "$section" | awk '/^\*\*systemd\*\*/ { s = 1 } s && /^```$/ && in_ { exit }
	in_ && /=/ { print } s && /^```ini$/ { in_ = 1 }')
n=0
while IFS= read -r line; do
	n=$((n + 1))
	grep -qxF -- "$line" "$top/init/systemd/hutch-web.service" || echo "not in the unit: $line"
done <<<"$ini" >"${TMPDIR:-/tmp}/readme-unit-$$"
is "$(cat "${TMPDIR:-/tmp}/readme-unit-$$")" "" "the README's $n lines of the unit are in init/systemd/hutch-web.service"
rm -f "${TMPDIR:-/tmp}/readme-unit-$$"

procd=$(printf '%s\n' "$section" | sed -n '/^#!\/bin\/sh \/etc\/rc.common$/,/^```$/p')
file=$(cat "$top/init/procd/hutch")
is "$(printf '%s\n' "$procd" | sed -n 's/.*procd_set_param term_timeout \([0-9]*\).*/\1/p')" \
	"$(printf '%s\n' "$file" | sed -n 's/^TERM_TIMEOUT=//p')" "procd: the same term_timeout"
like "$procd" 'procd_set_param command /usr/sbin/hutch -f "\$conf" --name "\$name"' \
	"procd: the README's command line"
like "$file" 'procd_set_param command "\$PROG" -f "\$conf" --name "\$name"' "is the file's"
like "$file" '^PROG=/usr/sbin/hutch$' "with PROG=/usr/sbin/hutch"
like "$procd" '--state-dir /var/run/hutch' "procd: the README's state directory is OpenWrt's /var/run/hutch"
like "$file" '^STATE_DIR=/var/run/hutch$' "and the file's"
unlike "$procd
$file" '^[[:space:]]*procd_set_param respawn' "no respawn in either"

like "$section" "/etc/init.d/hutch-web start +# hutch --daemon --pidfile /run/hutch-web.pid" \
	"sysvinit: the README's pid file"
like "$(cat "$top/init/sysvinit/hutch-web")" 'PIDFILE:=/run/hutch-\$NAME.pid' "is the script's"

done_testing
