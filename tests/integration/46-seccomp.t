#!/bin/bash
# SPDX-License-Identifier: MIT
# 46-seccomp.t: the system call filter from inside the sandbox. The default
# list denies mount and unshare with EPERM while what it allows still works
# (given the capability, so that the filter, not the missing capability,
# is what refuses); --seccomp-action kill kills with SIGSYS; --seccomp off
# lets mount through; a --seccomp FILE denies what it names, and a bad one
# is refused up front; and on x86_64 the i386 door (int $0x80) and x32 are
# filtered too, probed by a small static helper built here with musl-gcc
# and copied into a copy of the rootfs ($ROOTFS itself is only read). The
# filter follows --cap-keep: with sys_time kept, the clock calls pass.
#
# Needs root. HUTCH and ROOTFS come from `make check-integration`.

source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"
require_feature seccomp

require_root
require_cmd timeout mktemp
require_hutch
top=$(cd "$(dirname "$0")/../.." && pwd)

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
trap 'rm -rf --one-file-system -- "$tmp"' EXIT

# run ARGS... -- SCRIPT: sh -c SCRIPT as a one-shot service in the rootfs
# copy; sets rc and out (stdout and stderr, hutch's lines included).
root=$tmp/root
cp -a "$ROOTFS" "$root" || bail_out "cannot copy $ROOTFS"
run() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	out=$(timeout 20 "$HUTCH" --root "$root" --restart no "${opts[@]}" -- /bin/sh -c "$2" \
		</dev/null 2>&1)
	rc=$?
}

# --- the default list ------------------------------------------------------------

mnt='mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted'
run --cap-keep sys_admin -- "grep ^Seccomp /proc/self/status; $mnt; hostname box2 && hostname
	unshare -U true; echo unshare=\$?"
is "$rc" 0 "a service runs under the default filter"
like "$out" '^Seccomp:[[:space:]]+2$' "in seccomp filter mode"
like "$out" '^Seccomp_filters:[[:space:]]+1$' "with one filter"
unlike "$out" '^mounted$' "mount is refused, even with CAP_SYS_ADMIN kept"
like "$out" 'mount: permission denied' "as EPERM"
like "$out" '^box2$' "sethostname, with the capability, is not filtered"
like "$out" 'unshare.*Operation not permitted' "unshare is refused with EPERM"
like "$out" '^unshare=1$' "and the applet fails"

run -- "mkdir /tmp/d && echo made; ps >/dev/null && echo ps; wget -q -O- http://127.0.0.1:1/ 2>/dev/null; echo wget=\$?"
like "$out" '^made$' "mkdir works"
like "$out" '^ps$' "ps works"
like "$out" '^wget=1$' "a socket and a refused connection are ordinary failures"

# --- --seccomp-action kill ----------------------------------------------------------

run --seccomp-action kill -- 'unshare -U true; echo unshare=$?; echo alive'
like "$out" '^unshare=159$' "--seccomp-action kill: the offending process dies of SIGSYS (159)"
like "$out" '^alive$' "and only that process"
out=$(timeout 20 "$HUTCH" --root "$root" --restart no --seccomp-action kill -- \
	unshare -U true 2>&1 </dev/null)
is "$?" 159 "a service killed by the filter: hutch exits 128+31"
like "$out" 'killed by signal 31 \(SIGSYS\)' "and says so"

# --- --seccomp off ------------------------------------------------------------------

run --seccomp off --cap-keep sys_admin -- "grep ^Seccomp: /proc/self/status; $mnt"
like "$out" '^Seccomp:[[:space:]]+0$' "--seccomp off: no filter"
like "$out" '^mounted$' "and mount works (as root with CAP_SYS_ADMIN)"

# --- --seccomp FILE -------------------------------------------------------------------

cat >"$tmp/list" <<'EOF'
# no new directories, and the default list
deny mkdir
deny mkdirat
deny @default
EOF
run --seccomp "$tmp/list" --cap-keep sys_admin -- "mkdir /tmp/x; echo mkdir=\$?; touch /tmp/y && echo touched; $mnt"
like "$out" "mkdir: can't create directory '/tmp/x': Operation not permitted" \
	"a list's 'deny mkdir': mkdir fails with EPERM"
like "$out" '^touched$' "creating a file still works"
unlike "$out" '^mounted$' "'deny @default' brings the default list"
printf 'allow mount\ndeny @default\n' >"$tmp/list2"
run --seccomp "$tmp/list2" --cap-keep sys_admin -- "$mnt"
like "$out" '^mounted$' "the first match wins: 'allow mount' before '@default'"
printf 'seccomp = %s\n' "$tmp/list" >"$tmp/conf"
run -f "$tmp/conf" -- 'mkdir /tmp/x; echo mkdir=$?'
like "$out" '^mkdir=1$' "seccomp = FILE in a config file"

# A list that denies everything still lets the service start (execve) and
# end (exit, exit_group): hutch reports its exit instead of hanging.
printf 'default deny\n' >"$tmp/deny-all"
timeout 20 "$HUTCH" --root "$root" --restart no --seccomp "$tmp/deny-all" -- /bin/true \
	</dev/null >/dev/null 2>&1
rc=$?
ok "default deny: the service still starts and ends (exit $rc)" test "$rc" -ne 124 -a "$rc" -ne 125

printf 'deny mkdir\n\n# x\nallow frobnicate\n' >"$tmp/bad"
before=$(find "$root" | sort)
err=$(timeout 20 "$HUTCH" --root "$root" --seccomp "$tmp/bad" -- /bin/true 2>&1 >"$tmp/out" </dev/null)
is "$?" 125 "a bad list: exit 125"
is "$err" "hutch: $tmp/bad:4: unknown syscall frobnicate" "one line naming FILE:LINE and the name"
is "$(cat "$tmp/out")" "" "nothing on stdout"
is "$(find "$root" | sort)" "$before" "nothing created in the root"
printf 'seccomp = %s\n' "$tmp/bad" >"$tmp/conf"
err=$(timeout 20 "$HUTCH" -f "$tmp/conf" -- /bin/true 2>&1 </dev/null)
is "$?" 125 "a bad list named in a config file: exit 125"
is "$err" "hutch: $tmp/bad:4: unknown syscall frobnicate" "naming the list's own line"
err=$(timeout 20 "$HUTCH" --seccomp-action trap -- /bin/true 2>&1 </dev/null)
is "$?" 125 "a bad --seccomp-action: exit 125"
is "$err" "hutch: option --seccomp-action: 'trap' is not eperm or kill" "with one line"
err=$(timeout 20 "$HUTCH" --seccomp "$tmp/none" -- /bin/true 2>&1 </dev/null)
is "$err" "hutch: cannot open seccomp list $tmp/none: No such file or directory" \
	"a missing list: one line"

# --- the filter follows the capabilities kept ---------------------------------------

# adjtimex(2) with modes 0 only reads the clock's state (BusyBox adjtimex
# without options): the kernel asks no capability for that, but the default
# list denies the call. With CAP_SYS_TIME kept, the filter lets the clock
# calls by: a service given a capability must be able to use it.
run --name "seccomp-time-$$" -- 'adjtimex >/dev/null; echo adjtimex=$?'
like "$out" 'adjtimex: .*Operation not permitted' \
	"without --cap-keep sys_time: adjtimex is refused by the filter (EPERM)"
like "$out" '^adjtimex=1$' "and the applet fails"
run --name "seccomp-time-$$" --cap-keep sys_time -- 'adjtimex; echo adjtimex=$?'
like "$out" '^adjtimex=0$' "--cap-keep sys_time: adjtimex(modes 0) runs"
like "$out" 'status: ' "and reads the clock's state"
run --name "seccomp-time-$$" --cap-keep sys_time --seccomp-action kill -- 'adjtimex -q; echo adjtimex=$?'
like "$out" '^adjtimex=0$' "--seccomp-action kill too: the call is let by, not killed"
# settimeofday(NULL, NULL): the kernel checks CAP_SYS_TIME, then changes
# nothing. The probe says ESCAPED (exit 1) when the call passes both.
PROBE=${PROBE:-$(dirname "$HUTCH")/tests/probe}
if [ -x "$PROBE" ]; then
	install -m 0755 "$PROBE" "$root/probe"
	run --name "seccomp-time-$$" --cap-keep sys_time -- '/probe settimeofday; echo probe=$?'
	like "$out" '^probe=1$' "--cap-keep sys_time: settimeofday passes the filter and the kernel" ||
		diag "$out"
	run --name "seccomp-time-$$" -- '/probe settimeofday; echo probe=$?'
	like "$out" 'settimeofday: blocked \(.*EPERM' "without it: refused with EPERM" || diag "$out"
	rm -f "$root/probe"
else
	diag "no probe at $PROBE (make build/ARCH/tests/probe): settimeofday not tried"
fi
# Only what the capability governs: the sandbox's walls stay.
run --name "seccomp-time-$$" --cap-keep sys_time,sys_admin,sys_chroot -- \
	"$mnt; chroot / true; echo chroot=\$?"
unlike "$out" '^mounted$' "with sys_time, sys_admin, sys_chroot kept: mount stays refused"
like "$out" '^chroot=1$' "and chroot"

# --- the compat ABI and x32 (x86_64) -------------------------------------------------------

if [ "$(uname -m)" != x86_64 ]; then
	diag "the i386 and x32 probes are x86_64's: not run on $(uname -m)"
	done_testing
fi
require_cmd musl-gcc=musl-tools
musl-gcc -static -O2 -o "$root/bin/syscall32" "$top/tests/integration/helpers/syscall32.c" ||
	bail_out "cannot build tests/integration/helpers/syscall32.c"
"$root/bin/syscall32" int80 20 >/dev/null ||
	bail_out "int \$0x80 does not work on this kernel (CONFIG_IA32_EMULATION, ia32_emulation=)"

# i386 numbers: getpid 20, mount 21 (NULL pointers: EFAULT when it runs),
# unshare 310, personality 136, clone 120 (with CLONE_NEWNET); x32 getpid.
probe='syscall32 int80 20; syscall32 int80 21 0 0 0; syscall32 int80 310 0x10000000
	syscall32 int80 136 0x0040000; syscall32 int80 120 0x40000011; syscall32 x32 39
	echo x32=$?'
run -- "$probe"
is "$(printf '%s\n' "$out" | grep -E '^(-?[0-9]+|x32=.*)$' | tr '\n' ' ')" "3 -1 -1 -1 -1 x32=159 " \
	"i386 getpid works; i386 mount, unshare, personality(ADDR_NO_RANDOMIZE), clone(CLONE_NEWNET) get EPERM (-1); x32 is killed" ||
	diag "$out"
run --seccomp off -- "$probe"
like "$(printf '%s\n' "$out" | sed -n 2p)" '^-14$' "without the filter, i386 mount runs (and fails with EFAULT)"
unlike "$out" '^x32=159$' "and x32 is not killed"
printf 'deny 165\n' >"$tmp/raw"
run --seccomp "$tmp/raw" -- 'syscall32 int80 20; echo int80=$?'
like "$out" '^int80=159$' "a list with a raw (native) number kills the i386 ABI"

done_testing
