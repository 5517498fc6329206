# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Scenario hutch_test=delegate, sourced by /init: the cgroup arrangement of
# init/systemd/hutch-web.service on a real cgroup v2 kernel, without
# systemd. The guest makes the tree systemd makes for a unit with
# Delegate=yes in hutch.slice (the controllers enabled down to the slice,
# an empty group for the unit), starts the unit's ExecStart in that group
# as systemd does (/tests/execstart: its shell script, %n expanded on the
# host by tests/lib/unit.sh), and stops it as KillMode=mixed does: SIGTERM
# to the main pid (PIDFile=), then SIGKILL to anything left in the group.
#
# What this cannot show: systemd's own handling of the unit (it is not
# running here); the tree is made by hand to match what systemd documents
# for delegation.

CG=/sys/fs/cgroup
UNIT=hutch-web.service
U=$CG/hutch.slice/$UNIT
W=/tmp/hutch-test
mkdir -p "$W" /usr/sbin /etc/hutch /run
ln -sf /bin/hutch /usr/sbin/hutch

# What systemd does for a delegated unit in hutch.slice: every controller
# enabled from the root down to the slice, so the unit's group has them
# all, and the unit's group itself left to the unit.
echo "+cpu +memory +pids" >"$CG/cgroup.subtree_control"
mkdir -p "$U"
echo "+cpu +memory +pids" >"$CG/hutch.slice/cgroup.subtree_control"
t_is "$(cat "$U/cgroup.controllers")" "cpu memory pids" \
	"the unit's group has cpu, memory and pids available (as Delegate=yes gives)"

cat >/etc/hutch/web.conf <<-EOF
	name = web
	root = /rootfs
	stop-timeout = 2s
	pids = 20
	memory = 32M
	cpu = 50%
	command = /bin/sleep 600
EOF

# systemd runs ExecStart in the unit's group: run_in_unit CMD... does the
# same (the shell moves itself there, then execs CMD).
run_in_unit() {
	sh -c 'echo 0 >"$0/cgroup.procs" && exec "$@"' "$U" "$@"
}

# --- What the unit avoids: the launcher left in the unit's own group --------------
out=$(run_in_unit /usr/sbin/hutch -f /etc/hutch/web.conf --name naive \
	--cgroup-parent "hutch.slice/$UNIT" -- /bin/true 2>&1)
rc=$?
t_is "$rc" 125 "the launcher in the unit's own group, the sandbox below it: refused (125)"
t_like "$out" 'it holds processes' "hutch names the no-internal-processes rule" || t_diag "$out"
t_is "$(cat "$U/cgroup.subtree_control")" "" "and changed nothing in the unit's group"
t_ok "nothing left in the unit's group" test -z "$(cat "$U/cgroup.procs")"

# --- The unit's ExecStart ---------------------------------------------------------
script=$(cat /tests/execstart)
t_diag "ExecStart: /bin/sh -c '$script'"
# Into a file, as systemd hands the journal: the launcher keeps its stderr,
# and a pipe would stay open as long as the sandbox runs.
run_in_unit /bin/sh -c "$script" >"$W/execstart.log" 2>&1
rc=$?
t_is "$rc" 0 "ExecStart exits 0 once the service runs (Type=forking: the start succeeded)" ||
	t_show "$W/execstart.log"
L=$(cat /run/hutch-web.pid 2>/dev/null)
t_ok "PIDFile /run/hutch-web.pid names the launcher, which runs" alive "$L"
t_is "$(cat "/proc/$L/cgroup")" "0::/hutch.slice/$UNIT/supervisor" \
	"the launcher (systemd's main pid) is in $UNIT/supervisor"
svc=$(svc_of "$L")
t_is "$(cat "/proc/$svc/cgroup" 2>/dev/null)" "0::/hutch.slice/$UNIT/web" \
	"the service is in $UNIT/web, inside the unit's delegated subtree"
t_is "$(cat "$U/cgroup.procs")" "" "the unit's own group holds no process"
t_like "$(cat "$U/cgroup.subtree_control")" 'pids' "hutch enabled the controllers it needs there"
t_is "$(cat "$U/web/pids.max")" 20 "pids.max 20 in the sandbox's group"
t_is "$(cat "$U/web/memory.max")" 33554432 "memory.max 32M"
t_is "$(cat "$U/web/cpu.max")" "50000 100000" "cpu.max 50%"
t_like "$(/usr/sbin/hutch status web)" '^state: running$' "hutch status web: running"

# --- Stop as KillMode=mixed: SIGTERM to the main pid, SIGKILL to what is left -----
# (The launcher is not this shell's child but an orphan, adopted by this
# PID 1: its exit status cannot be read here; the host tests check 143.)
kill -TERM "$L"
t_ok "SIGTERM to the main pid: hutch stops within TimeoutStopSec" t_wait 20 exited "$L"
# --log kmsg: the daemon's stderr went at the start, its lines are here
t_like "$(dmesg)" 'hutch\[web\]: stopping: SIGTERM sent to the service' "hutch stopped the service itself"
t_ok "the sandbox's group is removed" test ! -e "$U/web"
left=$(cat "$U/supervisor/cgroup.procs" "$U/cgroup.procs" 2>/dev/null)
t_is "$left" "" "nothing is left for systemd's SIGKILL"
t_ok "systemd can remove the unit's groups (supervisor, then the unit's)" \
	sh -c "rmdir '$U/supervisor' && rmdir '$U'"

# --- A setup error fails the start, as Type=forking reports it ---------------------
mkdir -p "$U"
sed -i 's|^root = .*|root = /no/such/root|' /etc/hutch/web.conf
run_in_unit /bin/sh -c "$script" >"$W/execstart.log" 2>&1
rc=$?
t_is "$rc" 125 "with a missing root ExecStart exits 125: systemctl start would fail"
t_like "$(dmesg)" 'hutch\[web\]: .*/no/such/root' "with hutch's message (--log kmsg)" ||
	t_show "$W/execstart.log"
t_ok "and no group is left but the supervisor leaf" test ! -e "$U/web"
