#!/bin/bash
# SPDX-License-Identifier: MIT
# init/systemd/hutch-web.service, without a running systemd: what can be
# checked from the file alone.
#
#   - systemd-analyze verify (systemd 252's own parser, offline): every
#     section, key and value is one systemd knows, and ExecStart's program
#     exists; two broken copies show that a misspelled key or a bad value
#     would be caught;
#   - the choices the unit makes, key by key (Type=forking with --daemon and
#     the same PIDFile, Delegate=yes, KillMode=mixed, Restart=no, 143 a
#     success, TimeoutStopSec above the stop-timeout);
#   - ExecStart's shell script, with %n expanded as systemd would: it
#     passes sh -n and shellcheck, and the cgroup paths it names agree with the cgroup systemd
#     gives the unit (Slice=/NAME) and are a --cgroup-parent hutch accepts.
#
# Not checked here: systemd starting, stopping and killing the unit. That
# arrangement on a real cgroup v2 kernel (the unit's group made as systemd
# makes it, ExecStart run in it, the sandbox's group beside the launcher's,
# the stop as KillMode=mixed does it) boots in QEMU: tests/qemu/20-amd64-init.t,
# scenario "delegate". systemd itself is never booted.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/unit.sh"
require_cmd systemd-analyze=systemd shellcheck
[ -n "${HUTCH:-}" ] || bail_out "HUTCH must be set"
top=$(cd "$(dirname "$0")/../.." && pwd)
name=hutch-web.service
unit=$top/init/systemd/$name
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

diag "$(systemd-analyze --version | head -n 1)"
# verify reads units from where it is told; a copy in an empty directory
# keeps it from finding other units of this machine by the same name.
mkdir "$tmp/ok" "$tmp/typo" "$tmp/badvalue"
cp "$unit" "$tmp/ok/$name"
out=$(cd "$tmp/ok" && systemd-analyze verify --man=no "./$name" 2>&1)
is "$?" 0 "systemd-analyze verify: exit 0"
is "$out" "" "systemd-analyze verify: not one warning"
sed 's/^Delegate=/Delegat=/' "$unit" >"$tmp/typo/$name"
out=$(cd "$tmp/typo" && systemd-analyze verify --man=no "./$name" 2>&1)
like "$out" "Unknown key name 'Delegat'|Unknown key 'Delegat'" \
	"a misspelled key would be caught (Delegat=)"
sed 's/^KillMode=.*/KillMode=mixd/' "$unit" >"$tmp/badvalue/$name"
out=$(cd "$tmp/badvalue" && systemd-analyze verify --man=no "./$name" 2>&1)
like "$out" "mixd" "a bad value would be caught (KillMode=mixd)"

get() { unit_get "$unit" "$@"; }
is "$(get Service Type)" forking "Type=forking: systemctl start waits for hutch --daemon"
is "$(get Service Delegate)" yes "Delegate=yes"
is "$(get Service KillMode)" mixed "KillMode=mixed: SIGTERM to hutch only"
is "$(get Service Restart)" no "Restart=no: hutch respawns"
like "$(get Service SuccessExitStatus)" '(^| )143( |$)' "SuccessExitStatus has 143"
tss=$(get Service TimeoutStopSec)
ok "TimeoutStopSec ($tss) is above hutch's default stop-timeout (10 s)" test "${tss%s}" -gt 10
ok "and above the example web.conf's stop-timeout" test "${tss%s}" -gt \
	"$(sed -n 's/^stop-timeout = \([0-9]*\)s$/\1/p' "$top/board/x86_64/web.conf")"
is "$(get Install WantedBy)" multi-user.target "WantedBy=multi-user.target"

script=$(unit_shell_script "$unit" "$name")
ok "ExecStart is /bin/sh -c '...' that this test can read" test -n "$script"
diag "ExecStart's script, %n expanded: $script"
printf '#!/bin/sh\n%s\n' "$script" >"$tmp/execstart.sh"
ok "the script parses (sh -n)" sh -n "$tmp/execstart.sh"
ok "shellcheck: the script is clean" shellcheck -s sh "$tmp/execstart.sh"
# The words of the command it execs.
hutch_cmd=${script##*exec }
like "$hutch_cmd" '^/usr/sbin/hutch ' "it execs hutch (the shell's pid becomes hutch's: the main process)"
opt() { printf '%s\n' "$hutch_cmd" | sed -n "s/.* $1 \([^ ]*\).*/\1/p"; }
like "$hutch_cmd" ' --daemon( |$)' "hutch --daemon, as Type=forking needs"
is "$(opt --pidfile)" "$(get Service PIDFile)" "--pidfile is PIDFile="
is "$(opt --name)" web "--name web, as the unit's name says"
is "$(opt -f)" /etc/hutch/web.conf "-f /etc/hutch/web.conf, the unit's ConditionPathExists"
is "$(get Unit ConditionPathExists)" /etc/hutch/web.conf "ConditionPathExists= names the same file"

slice=$(get Service Slice)
unlike "$slice" '-' "Slice=$slice is a top-level slice: its cgroup is /$slice"
parent=$(opt --cgroup-parent)
is "$parent" "$slice/$name" "--cgroup-parent is the unit's own cgroup, /Slice/NAME ($slice/$name)"
like "$script" "^mkdir -p /sys/fs/cgroup/$parent/supervisor && echo 0 >/sys/fs/cgroup/$parent/supervisor/cgroup.procs && exec " \
	"before the exec, the shell moves itself into the leaf $parent/supervisor"
"$HUTCH" check --cgroup-parent "$parent" --pids 10 >/dev/null 2>&1
isnt "$?" 125 "hutch accepts --cgroup-parent $parent"

# The template hutch@.service: the same unit, with the instance for "web".
template=$top/init/systemd/hutch@.service
mkdir "$tmp/template"
cp "$template" "$tmp/template/hutch@.service"
out=$(cd "$tmp/template" && systemd-analyze verify --man=no ./hutch@web.service 2>&1)
is "$?:$out" "0:" "systemd-analyze verify hutch@web.service: exit 0, not one warning"
body() { sed -e '/^#/d' -e '/^$/d' "$1"; }
is "$(body "$template" | sed 's/%i/web/g')" "$(body "$unit")" \
	"hutch@.service is hutch-web.service with web as %i"
"$HUTCH" check --cgroup-parent "$slice/hutch@web.service" --pids 10 >/dev/null 2>&1
isnt "$?" 125 "hutch accepts an instance's group, --cgroup-parent $slice/hutch@web.service"

done_testing
