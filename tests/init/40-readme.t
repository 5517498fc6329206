#!/bin/bash
# SPDX-License-Identifier: MIT
# docs/init-systems.md (once README's section "Starting hutch from an init
# system") and README's short examples show parts of the files in init/:
# they must not drift from the files the tests run.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
section=$(cat "$top/docs/init-systems.md")
like "$section" "^# Starting hutch from an init system\$" "docs/init-systems.md is there"
readme=$(sed -n '/^\*\*Started at boot\*\*/,/^\*\*Controlled/p' "$top/README.md")
ok "README has its examples for init systems" test -n "$readme"

# Every file the doc's table and README's examples name exists.
for f in $(printf '%s\n' "$section" "$readme" | grep -o '`init/[^`]*`\|`tests/[^`]*\.t`\|init/[a-z]*/[a-z@.-]*[a-z]' |
	tr -d '`' | sort -u); do
	ok "the docs name $f, which exists" test -e "$top/$f"
done

entry=$(grep -v '^#' "$top/init/busybox/inittab" | grep .)
like "$section" "^$(printf '%s' "$entry" | sed 's/[.[\*^$]/\\&/g')\$" \
	"docs/init-systems.md's inittab line is the file's: $entry"
like "$readme" "^$(printf '%s' "$entry" | sed 's/[.[\*^$]/\\&/g')\$" "and README's"

# The ini block after **systemd**: each Key=value line is in the unit.
ini=$(printf '%s\n' "$section" | awk '/^\*\*systemd\*\*/ { s = 1 } s && /^```$/ && in_ { exit }
	in_ && /=/ { print } s && /^```ini$/ { in_ = 1 }')
n=0
while IFS= read -r line; do
	n=$((n + 1))
	grep -qxF -- "$line" "$top/init/systemd/hutch-web.service" || echo "not in the unit: $line"
done <<<"$ini" >"${TMPDIR:-/tmp}/readme-unit-$$"
is "$(cat "${TMPDIR:-/tmp}/readme-unit-$$")" "" "docs/init-systems.md's $n lines of the unit are in init/systemd/hutch-web.service"
rm -f "${TMPDIR:-/tmp}/readme-unit-$$"

procd=$(printf '%s\n' "$section" | sed -n '/^#!\/bin\/sh \/etc\/rc.common$/,/^```$/p')
file=$(cat "$top/init/procd/hutch")
is "$(printf '%s\n' "$procd" | sed -n 's/.*procd_set_param term_timeout \([0-9]*\).*/\1/p')" \
	"$(printf '%s\n' "$file" | sed -n 's/^TERM_TIMEOUT=//p')" "procd: the same term_timeout"
like "$procd" 'procd_set_param command /usr/sbin/hutch -f "\$conf" --name "\$name"' \
	"procd: docs/init-systems.md's command line"
like "$file" 'procd_set_param command "\$PROG" -f "\$conf" --name "\$name"' "is the file's"
like "$file" '^PROG=/usr/sbin/hutch$' "with PROG=/usr/sbin/hutch"
like "$procd" '--state-dir /var/run/hutch' "procd: docs/init-systems.md's state directory is OpenWrt's /var/run/hutch"
like "$file" '^STATE_DIR=/var/run/hutch$' "and the file's"
like "$readme" 'procd_set_param command /usr/sbin/hutch -f "\$conf" --name "\$name" --state-dir /var/run/hutch' \
	"procd: README's command line with the same state directory"
unlike "$procd
$file" '^[[:space:]]*procd_set_param respawn' "no respawn in either"

like "$section" "/etc/init.d/hutch-web start +# hutch --daemon --pidfile /run/hutch-web.pid" \
	"sysvinit: docs/init-systems.md's pid file"
like "$readme" "/etc/init.d/hutch-web start +# hutch --daemon --pidfile /run/hutch-web.pid" "and README's"
like "$(cat "$top/init/sysvinit/hutch-web")" 'PIDFILE:=/run/hutch-\$NAME.pid' "is the script's"

# README's systemd line: the template it names runs hutch@NAME's config.
like "$readme" 'systemctl enable --now hutch@web' "systemd: README enables the template"
like "$(cat "$top/init/systemd/hutch@.service")" '/etc/hutch/%i\.conf' "which runs /etc/hutch/%i.conf"

done_testing
