# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# shellcheck disable=SC2154 # t_rc: set by stop_launcher in /init
# Scenario hutch_test=seccomp, sourced by /init (tests/qemu/guest/init):
# hutch's system call filter on the guest's real kernel. qemu-user cannot
# install seccomp filters, so for every architecture but the build
# machine's this is the only place where the filter's architecture check
# and system call numbers meet a kernel.
#
#   native   the default list denies mount and unshare with EPERM (the
#            capability kept, so that the filter is what refuses) while
#            sethostname and mkdir work, and lets adjtimex by since
#            CAP_SYS_TIME is kept (the filter follows --cap-keep); --seccomp-action
#            kill (SIGSYS: 31, or 12 on MIPS); --seccomp off; a FILE list.
#   compat   when the initramfs has /rootfs/bin/busybox32, a BusyBox of the
#            kernel's compat ABI (armhf on arm64, i386 on amd64): the same
#            checks from a 32-bit service under the native hutch, whose
#            filter has a section for that ABI; a list with a rule by
#            number kills a 32-bit service (documented).
#   hutch32  when the initramfs has /bin/hutch32, hutch built for the
#            compat ABI (the Raspberry Pi OS case: a 32-bit userland on a
#            64-bit kernel): a 32-bit service under its filter, its cgroup
#            v2 limits, a respawn and a clean stop; a 64-bit service is
#            killed by its filter (any other ABI).
#
# Every applet is called through its BusyBox by name (`busybox32 mount`),
# so that no command of the other ABI slips in through PATH.

H=/bin/hutch
R=/rootfs
CG=/sys/fs/cgroup
W=/tmp/hutch-test
mkdir -p "$W"

# run HUTCH ARGS...: one-shot sandbox (--root /rootfs --restart no); out is
# everything it printed (hutch's log and the service's output), rc its
# exit status.
run() {
	run_h=$1
	shift
	out=$("$run_h" --root "$R" --restart no "$@" </dev/null 2>&1)
	rc=$?
}

sys=$(kill -l SYS)
killed=$((128 + sys))
t_diag "SIGSYS is $sys here: a service the filter kills exits $killed"

# probe BB: the script of `BB sh -c`: calls the default list denies, two
# it allows, and adjtimex (a read: modes 0), which it lets by only because
# CAP_SYS_TIME is kept.
probe() {
	cat <<EOF
$1 grep ^Seccomp /proc/self/status
$1 mkdir -p /tmp/m && $1 mount -t tmpfs none /tmp/m && echo mounted
$1 unshare -U $1 true; echo unshare=\$?
$1 adjtimex -q; echo adjtimex=\$?
$1 hostname box2 && $1 hostname
$1 mkdir /tmp/d && echo made
EOF
}

# filtered WHO: what the probe's output ($out, $rc) must show under the
# default filter.
filtered() {
	t_is "$rc" 0 "$1: the service runs under the default filter" || t_diag "$out"
	t_like "$out" '^Seccomp:[[:space:]]+2$' "$1: in seccomp filter mode" || return 1
	t_like "$out" '^Seccomp_filters:[[:space:]]+1$' "$1: with one filter"
	t_unlike "$out" '^mounted$' "$1: mount is refused, even with CAP_SYS_ADMIN kept"
	t_like "$out" 'mount: permission denied' "$1: as EPERM"
	t_like "$out" 'unshare.*Operation not permitted' "$1: unshare is refused with EPERM"
	t_like "$out" '^unshare=1$' "$1: and the applet fails"
	t_like "$out" '^adjtimex=0$' \
		"$1: adjtimex passes, CAP_SYS_TIME being kept (the filter follows --cap-keep)"
	t_like "$out" '^box2$' "$1: sethostname (not on the list) works"
	t_like "$out" '^made$' "$1: mkdir works"
}

# The lists of --seccomp FILE.
printf '%s\n' '# no new directories, and the default list' 'deny mkdir' 'deny mkdirat' \
	'deny @default' >"$W/nomkdir"
printf '%s\n' '# a rule by number: this architecture'"'"'s own numbering' 'deny 999' >"$W/bynumber"
# shellcheck disable=SC2016 # expanded by the service's shell
nomkdir='BB mkdir /tmp/x && echo made; echo mkdir=$?; BB unshare -U BB true; echo unshare=$?'

# --- The native ABI ---------------------------------------------------------------
run "$H" -n native --cap-keep sys_admin,sys_time -- busybox sh -c "$(probe busybox)"
filtered "native"

run "$H" -n killsh --seccomp-action kill -- \
	busybox sh -c 'busybox unshare -U busybox true; echo unshare=$?; echo alive'
t_like "$out" "^unshare=$killed\$" "--seccomp-action kill: the offending process dies of SIGSYS ($killed)"
t_like "$out" '^alive$' "and only that process"
run "$H" -n killsvc --seccomp-action kill -- busybox unshare -U busybox true
t_is "$rc" "$killed" "a service killed by the filter: hutch exits $killed (128+SIGSYS)" || t_diag "$out"
t_like "$out" "killed by signal $sys \\(SIGSYS\\)" "and says so"
t_like "$out" "SIGSYS\\) after [0-9]+ ms: seccomp kill .*\\(cause: seccomp\\)" \
	"with the cause seccomp (issue 15.5)"
# The system call's name needs the kernel's audit record in /dev/kmsg
# (docs/exit-causes.md): said here, asserted on the build machine (72-exit-cause.t).
t_diag "$(printf '%s\n' "$out" | grep 'cause: seccomp')"

run "$H" -n off --seccomp off --cap-keep sys_admin,sys_time -- busybox sh -c "$(probe busybox)"
t_like "$out" '^Seccomp:[[:space:]]+0$' "--seccomp off: no filter" || t_diag "$out"
t_like "$out" '^mounted$' "--seccomp off: mount works (CAP_SYS_ADMIN kept)"
t_like "$out" '^adjtimex=0$' "--seccomp off: adjtimex runs"
run "$H" -n notime -- busybox sh -c 'busybox adjtimex -q; echo adjtimex=$?'
t_like "$out" '^adjtimex=1$' "without CAP_SYS_TIME kept, the filter refuses adjtimex" ||
	t_diag "$out"

run "$H" -n list --seccomp "$W/nomkdir" -- busybox sh -c "$(echo "$nomkdir" | sed 's/BB/busybox/g')"
t_like "$out" '^mkdir=1$' "--seccomp FILE (deny mkdir, mkdirat, @default): mkdir fails" || t_diag "$out"
t_like "$out" 'mkdir.*Operation not permitted' "with EPERM"
t_like "$out" '^unshare=1$' "and deny @default still refuses unshare"

run "$H" -n bynumber --seccomp "$W/bynumber" -- busybox true
t_is "$rc" 0 "a list with a rule by number: a native service runs" || t_diag "$out"

# --- The compat ABI, under the native hutch ------------------------------------------
if [ -f "$R/bin/busybox32" ]; then
	t_is "$(od -An -tx1 -j4 -N1 "$R/bin/busybox32" | tr -d ' ')" 01 \
		"busybox32 is a 32-bit ELF file (the kernel's compat ABI)"
	run "$H" -n compat --cap-keep sys_admin,sys_time -- busybox32 sh -c "$(probe busybox32)"
	filtered "compat"

	run "$H" -n compatkill --seccomp-action kill -- busybox32 unshare -U busybox32 true
	t_is "$rc" "$killed" "compat, --seccomp-action kill: the 32-bit unshare is killed ($killed)" ||
		t_diag "$out"

	run "$H" -n compatlist --seccomp "$W/nomkdir" -- \
		busybox32 sh -c "$(echo "$nomkdir" | sed 's/BB/busybox32/g')"
	t_like "$out" '^mkdir=1$' "compat, --seccomp FILE: mkdir fails (by name in both ABIs)" ||
		t_diag "$out"
	t_like "$out" '^unshare=1$' "compat, --seccomp FILE: deny @default refuses unshare"

	run "$H" -n compatnum --seccomp "$W/bynumber" -- busybox32 true
	t_is "$rc" "$killed" "a list with a rule by number kills a 32-bit service ($killed)" ||
		t_diag "$out"
fi

# --- hutch built for the compat ABI (a 32-bit userland on a 64-bit kernel) ----------
if [ -f /bin/hutch32 ]; then
	H32=/bin/hutch32
	t_is "$(od -An -tx1 -j4 -N1 $H32 | tr -d ' ')" 01 "hutch32 is a 32-bit ELF file"
	run $H32 -n h32 --cap-keep sys_admin,sys_time -- busybox32 sh -c "$(probe busybox32)"
	filtered "hutch32"

	run $H32 -n h32view -- busybox32 ps -o pid,comm
	t_is "$(printf '%s\n' "$out" | grep -Ec '^ *[0-9]+ ')" 2 \
		"hutch32: ps in the sandbox shows 2 processes" || t_diag "$out"
	t_like "$out" 'pivot_root refused .*switching root with MS_MOVE \+ chroot' \
		"hutch32: switches root with MS_MOVE + chroot (root on the initramfs)"

	run $H32 -n h32native -- busybox true
	t_is "$rc" "$killed" "hutch32: a 64-bit service is killed by its filter (another ABI)" ||
		t_diag "$out"
	t_like "$out" "killed by signal $sys \\(SIGSYS\\)" "hutch32: and says so"
	run $H32 -n h32off --seccomp off -- busybox true
	t_is "$rc" 0 "hutch32: with --seccomp off the 64-bit service runs" || t_diag "$out"

	# A long-running 32-bit service with limits: the cgroup v2 files a
	# 32-bit hutch writes, a respawn, a clean stop.
	$H32 --root "$R" -n web32 --cpu 20% --memory 16M --pids 20 --restart on-failure \
		--stop-timeout 2s -- busybox32 sleep 600 2>"$W/web32.log" &
	L=$!
	t_ok "hutch32: the service starts" t_wait 10 svc_of "$L" || t_show "$W/web32.log"
	svc=$(svc_of "$L")
	G=$CG/hutch/web32
	t_is "$(cat "$G/cpu.max" 2>&1)" "20000 100000" "hutch32: cpu.max is 20000 100000 (--cpu 20%)"
	t_is "$(cat "$G/memory.max" 2>&1)" 16777216 "hutch32: memory.max is 16777216 (--memory 16M)"
	t_is "$(cat "$G/pids.max" 2>&1)" 20 "hutch32: pids.max is 20 (--pids 20)"
	t_is "$(cat "/proc/$svc/cgroup" 2>&1)" "0::/hutch/web32" "hutch32: the service is in /hutch/web32"
	t_like "$(grep NSpid "/proc/$svc/status")" "^NSpid:[[:space:]]+${svc}[[:space:]]+2\$" \
		"hutch32: the service is PID 2 in its PID namespace"
	t_like "$(grep ^Seccomp: "/proc/$svc/status")" '^Seccomp:[[:space:]]+2$' \
		"hutch32: the service runs under the filter"
	kill -KILL "$svc"
	t_new_svc32() {
		newsvc=$(svc_of "$L") && [ "$newsvc" != "$svc" ]
	}
	t_ok "hutch32: a new service after SIGKILL (on-failure)" t_wait 10 t_new_svc32
	stop_launcher "$L" 10
	t_is "$t_rc" 143 "hutch32: SIGTERM stops it: exit 143" || t_show "$W/web32.log"
	t_ok "hutch32: /sys/fs/cgroup/hutch/web32 is removed" test ! -e "$G"
fi
