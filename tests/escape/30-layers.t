#!/bin/bash
# SPDX-License-Identifier: MIT
# 30-layers.t: one defence at a time. Most attacks meet two defences, a
# dropped capability and the seccomp filter (and the filter stops the call
# before the kernel checks the capability); 10-escape.t shows that they
# fail, not that each defence would hold alone. Here the other defence is
# switched off on purpose:
#   - the filter alone: the capability the attack needs is kept
#     (--cap-keep), so only the filter stands in the way: for the
#     sandbox's walls (mounts, roots, namespaces, file handles); the calls
#     a capability governs (the clock, modules, reboot...) pass the filter
#     once it is kept, which is checked here too;
#   - the capabilities alone: --seccomp off;
#   - the root switch alone: chroot allowed and kept, and PID 1's /proc
#     entries readable (CAP_SYS_PTRACE), so only pivot_root (or --chroot's
#     MS_MOVE) keeps the old root away.
# Everything the attacks could reach is the sandbox's own or harmless (see
# probe.c).
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_feature seccomp

host_dev=$(stat -c '%Hd:%Ld' /)
host_uts=$(readlink /proc/self/ns/uts)

# --- the seccomp filter alone: the capability is kept -------------------------------

attack_filtered mount "the filter alone (CAP_SYS_ADMIN kept): mount" --cap-keep SYS_ADMIN
attack_filtered umount "the filter alone (CAP_SYS_ADMIN kept): umount2" --cap-keep SYS_ADMIN
attack_filtered remount-rw "the filter alone (CAP_SYS_ADMIN kept): --read-only holds" \
	--read-only --cap-keep SYS_ADMIN
ok "nothing was written into the read-only root image" test ! -e "$root/.probe-rw"
attack_filtered cgroup-write "the filter alone (CAP_SYS_ADMIN kept): no cgroup mount" \
	--cap-keep SYS_ADMIN
attack_filtered chroot-escape "the filter alone (CAP_SYS_CHROOT kept): chroot" \
	--cap-keep SYS_CHROOT -- "$marker"
attack_filtered setns "the filter alone (CAP_SYS_ADMIN, SYS_CHROOT kept): setns" \
	--cap-keep SYS_ADMIN,SYS_CHROOT
# CAP_SYS_PTRACE would override PID 1's non-dumpable flag (/proc/1/mem is
# opened with open(2), which no filter can tell apart): hutch refuses to
# let a service keep it (20-variants.t).
# The filter follows the capabilities kept (src/seccomp/seccomp.c): a capability
# given with --cap-keep lets by the calls it governs, so these meet the
# kernel's own check, and the capability is the grant. With
# --seccomp-action kill, a call the filter stopped would die of SIGSYS;
# these do not (what the kernel then does is harmless: see probe.c).
passes_filter() {
	local name=$1 why=$2
	shift 2
	run_probe --seccomp-action kill "$@" -- "$name"
	note "$out${err:+ [hutch: $(tail -n 1 <<<"$err")]}"
	unlike "$out" 'killed by SIGSYS' "$name passes the filter: $why" ||
		diag "hutch said: $err"
}
passes_filter module "CAP_SYS_MODULE kept: init_module, finit_module" --cap-keep SYS_MODULE
passes_filter reboot "CAP_SYS_BOOT kept: reboot" --cap-keep SYS_BOOT
attack_filtered kexec "the filter alone (CAP_SYS_BOOT kept, for reboot): kexec_load, kexec_file_load" \
	--cap-keep SYS_BOOT
passes_filter dmesg "CAP_SYSLOG kept: syslog" --cap-keep SYSLOG
passes_filter bpf "CAP_BPF kept: bpf" --cap-keep BPF
passes_filter perf_event_open "CAP_PERFMON kept: perf_event_open" --cap-keep PERFMON
passes_filter swapon "CAP_SYS_ADMIN kept: swapon" --cap-keep SYS_ADMIN
passes_filter settimeofday "CAP_SYS_TIME kept: settimeofday" --cap-keep SYS_TIME
attack_filtered open_by_handle_at "the filter alone (CAP_DAC_READ_SEARCH kept): open_by_handle_at" \
	--cap-keep DAC_READ_SEARCH -- "$marker"
case $(uname -m) in
x86_64)
	passes_filter ioperm "CAP_SYS_RAWIO kept: ioperm" --cap-keep SYS_RAWIO
	attack_filtered compat32 "the filter alone (CAP_SYS_ADMIN kept): i386 unshare and mount" \
		--cap-keep SYS_ADMIN
	;;
esac

# --- the capabilities alone: no filter ------------------------------------------------

attack mount "capabilities alone (--seccomp off): CAP_SYS_ADMIN dropped" --seccomp off
attack umount "capabilities alone (--seccomp off): CAP_SYS_ADMIN dropped" --seccomp off
attack remount-rw "capabilities alone (--seccomp off): --read-only holds" --read-only --seccomp off
attack cgroup-write "capabilities alone (--seccomp off): no cgroup mount" --seccomp off
attack chroot-escape "capabilities alone (--seccomp off): CAP_SYS_CHROOT dropped" \
	--seccomp off -- "$marker"
attack setns "capabilities alone (--seccomp off): PID 1 not dumpable, CAP_SYS_ADMIN dropped" \
	--seccomp off
attack ptrace-pid1 "capabilities alone (--seccomp off): PID 1 not dumpable, CAP_SYS_PTRACE dropped" \
	--seccomp off
attack module "capabilities alone (--seccomp off): CAP_SYS_MODULE dropped" --seccomp off
attack reboot "capabilities alone (--seccomp off): CAP_SYS_BOOT dropped" --seccomp off
attack kexec "capabilities alone (--seccomp off): CAP_SYS_BOOT dropped" --seccomp off
attack dmesg "capabilities alone (--seccomp off): CAP_SYSLOG dropped" --seccomp off
attack bpf "capabilities alone (--seccomp off): CAP_BPF, CAP_SYS_ADMIN dropped" --seccomp off
attack swapon "capabilities alone (--seccomp off): CAP_SYS_ADMIN dropped" --seccomp off
attack settimeofday "capabilities alone (--seccomp off): CAP_SYS_TIME dropped" --seccomp off
attack open_by_handle_at "capabilities alone (--seccomp off): CAP_DAC_READ_SEARCH dropped" \
	--seccomp off -- "$marker"
attack mknod "capabilities alone (--seccomp off): CAP_MKNOD dropped" --seccomp off -- /sda "$host_dev"
attack net-raw "capabilities alone (--seccomp off): CAP_NET_RAW dropped" --seccomp off
attack net-admin "capabilities alone (--seccomp off): CAP_NET_ADMIN dropped" --seccomp off
attack hostname "capabilities alone (--seccomp off): CAP_SYS_ADMIN dropped (and the UTS namespace)" \
	--seccomp off -- "$host_uts"
is "$(cksum <"$marker")" "$marker_sum" "the host marker is unchanged"

# --- the root switch alone: chroot allowed, PID 1's /proc entries readable -----------

attack chroot-escape "pivot_root alone (CAP_SYS_CHROOT kept, no filter): cd .. stops at the sandbox's root" \
	--cap-keep SYS_CHROOT --seccomp off -- "$marker"
attack chroot-escape "MS_MOVE + chroot alone (--chroot, CAP_SYS_CHROOT kept, no filter)" \
	--chroot --cap-keep SYS_CHROOT --seccomp off -- "$marker"
# /proc/1/root with no filter: PID 1 is not dumpable, the service has no
# CAP_SYS_PTRACE (hutch refuses to let it keep that one), and PID 1's one
# extra descriptor is a file, not a directory.
attack proc1-root "no filter, pivot_root: neither /proc/1/root nor PID 1's fds lead out" \
	--seccomp off -- "$marker"
attack proc1-root "no filter, MS_MOVE + chroot (--chroot): nor there" \
	--chroot --seccomp off -- "$marker"

# --- io_uring: the filter is its only defence -----------------------------------------

# No capability guards io_uring_setup (kernel.io_uring_disabled aside):
# without the filter, or with a list that allows it, the ring is set up.
# The attack is real, and 10-escape.t's "blocked" can fail.
io_uring_open=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo absent)
if [ "$io_uring_open" = 0 ]; then
	attack_wins io_uring "without the filter (--seccomp off)" --seccomp off
	printf 'allow io_uring_setup\ndeny @default\n' >"$tmp/uring.seccomp"
	attack_wins io_uring "with a list that allows it before @default" --seccomp "$tmp/uring.seccomp"
else
	fail "io_uring: kernel.io_uring_disabled is '$io_uring_open' here; the attack cannot be shown to win"
fi

done_testing
