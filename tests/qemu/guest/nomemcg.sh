# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Scenario hutch_test=nomemcg, sourced by /init (tests/qemu/guest/init):
# booted with cgroup_disable=memory, the Raspberry Pi firmware's default.
# hutch must name the fix (cgroup_enable=memory), refuse --memory (125)
# unless --cgroup-missing warn, and keep the other limits working.

H=/bin/hutch
R=/rootfs
CG=/sys/fs/cgroup
W=/tmp/hutch-test
mkdir -p "$W"

t_like "$(cat /proc/cmdline)" 'cgroup_disable=memory' "booted with cgroup_disable=memory"
t_is "$(awk '$1 == "memory" { print $4 }' /proc/cgroups)" 0 \
	"/proc/cgroups: the memory controller is disabled"
t_unlike "$(cat $CG/cgroup.controllers)" '(^| )memory( |$)' \
	"cgroup.controllers has no memory"

out=$("$H" check --memory 16M 2>&1)
rc=$?
t_is "$rc" 1 "hutch check --memory 16M exits 1" || t_diag "$out"
t_like "$out" '^missing +memory controller.*cgroup_enable=memory' \
	"hutch check: a missing memory line naming cgroup_enable=memory" || t_diag "$out"
t_diag "$(printf '%s\n' "$out" | grep memory)"

out=$("$H" check --memory 16M --cgroup-missing warn 2>&1)
rc=$?
t_is "$rc" 0 "hutch check --memory 16M --cgroup-missing warn exits 0" || t_diag "$out"
t_like "$out" '^info +memory controller.*cgroup_enable=memory' \
	"hutch check with warn: memory is an info line"

out=$("$H" check --cpu 20% --pids 20 2>&1)
rc=$?
t_is "$rc" 0 "hutch check --cpu 20% --pids 20 exits 0 (no memory needed)" || t_diag "$out"

err=$("$H" -n nomem --memory 16M -- /bin/true 2>&1)
rc=$?
t_is "$rc" 125 "hutch --memory 16M -- /bin/true exits 125"
t_like "$err" 'cgroup_enable=memory' "its error names cgroup_enable=memory"
t_is "$(printf '%s\n' "$err" | wc -l)" 1 "the error is one line" || t_diag "$err"
t_ok "no group is left behind" test ! -e "$CG/hutch/nomem"

err=$("$H" -n warned --memory 16M --cgroup-missing warn -- /bin/true 2>&1)
rc=$?
t_is "$rc" 0 "with --cgroup-missing warn it runs and exits 0" || t_diag "$err"
t_like "$err" 'running without the memory limit' "and warns that it runs without the limit"

# The limits the kernel has still apply beside the missing one.
out=$("$H" --root "$R" -n partial --memory 16M --pids 20 --cgroup-missing warn \
	--restart no -- cat /proc/self/cgroup 2>"$W/err")
rc=$?
t_is "$rc" 0 "--memory 16M --pids 20 with warn runs" || t_show "$W/err"
t_is "$out" "0::/hutch/partial" "the service is in /hutch/partial (for pids)"
t_ok "/sys/fs/cgroup/hutch/partial is removed" test ! -e "$CG/hutch/partial"
