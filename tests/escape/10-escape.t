#!/bin/bash
# SPDX-License-Identifier: MIT
# 10-escape.t: every attack of the probe, from inside a sandbox that hutch
# built with its default options (--root COPY --restart no, the service
# root in the sandbox), must fail; where an attack could leave a trace, the
# host is checked afterwards. Each test names the defence that stops it.
# The same attacks under other options (--read-only, --chroot, --user,
# --cap-keep, a cgroup, the filter's kill action) are in 20-variants.t;
# 30-layers.t switches one defence off at a time to test the other alone.
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`
# (without PROBE the probe is built here with musl-gcc).

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"

host_hostname=$(hostname)
host_uts=$(readlink /proc/self/ns/uts)
host_dev=$(stat -c '%Hd:%Ld' /)
# The host's loaded modules ("none" on a kernel without module support).
modules() {
	if [ -r /proc/modules ]; then wc -l </proc/modules; else echo none; fi
}
modules_before=$(modules)

# --- the file system ----------------------------------------------------------

attack chroot-escape "chroot in the seccomp filter, CAP_SYS_CHROOT dropped, and pivot_root detached the old root" \
	-- "$marker"
attack proc1-root "PID 1 not dumpable, the PID namespace and pivot_root: no /proc/PID/root, cwd or fd leads out" \
	-- "$marker"
# Started from a host directory outside the root, with a directory and a
# file of the host open as fds 3 and 4.
cd "$tmp/outside" || bail_out "cannot enter $tmp/outside"
attack cwd-leak "hutch closes every fd but 0, 1, 2 and enters the new root" \
	-- "$marker" 3<"$tmp" 4<"$marker"
cd / || bail_out "cannot return to /"
attack open_by_handle_at "name_to_handle_at, open_by_handle_at in the seccomp filter; CAP_DAC_READ_SEARCH dropped (shocker)" \
	-- "$marker"
is "$(cksum <"$marker")" "$marker_sum" "the host marker is unchanged"

attack mount "CAP_SYS_ADMIN dropped; mount in the seccomp filter"
attack umount "CAP_SYS_ADMIN dropped; umount2 in the seccomp filter"
is "$(grep -c -F "$tmp" /proc/self/mountinfo)" 0 \
	"no mount of the sandbox appears in the host's mount table"

attack mknod "CAP_MKNOD dropped (and /tmp is nodev)" -- /tmp/sda "$host_dev"
attack mknod "CAP_MKNOD dropped: no device node in the root image either" -- /sda "$host_dev"
is "$(find "$root" -xdev \( -type b -o -type c \) | wc -l)" 0 \
	"no device node was left in the root image"

# --- processes ----------------------------------------------------------------

host_name=hutch-escape-host-$$
(exec -a "$host_name" sleep 1000) &
host_pids+=($!)
disown # no "Killed" report when the cleanup ends it
attack host-proc "the PID namespace: no host process can be seen or signalled" \
	-- "${host_pids[0]}" "$host_name"
ok "the host process is still alive" kill -0 "${host_pids[0]}"
attack ptrace-pid1 "PID 1 is not dumpable and holds capabilities the service lacks; ptrace in the seccomp filter"

# --- /proc ----------------------------------------------------------------------

attack kcore "/proc/kcore masked (and CAP_SYS_RAWIO dropped)"
[ -e /proc/kcore ] || note "this kernel has no /proc/kcore: the test shows only that it is absent"
attack sysrq "/proc/sysrq-trigger masked (opened for writing, never written)"
[ -e /proc/sysrq-trigger ] || note "this kernel has no /proc/sysrq-trigger: the test shows only that it is absent"
for f in /proc/keys /proc/timer_list /proc/sched_debug /proc/kallsyms; do
	if [ -e "$f" ]; then
		attack masked "$f masked" -- "$f"
	else
		note "this kernel has no $f"
	fi
done
# Opened for writing, never written: a core_pattern of "|/path" would run a
# program of the sandbox's as root on the host.
for f in /proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe /proc/sys/vm/overcommit_memory; do
	if [ -e "$f" ]; then
		attack proc-sys "/proc/sys read-only: $f cannot be opened for writing" -- "$f"
	else
		note "this kernel has no $f"
	fi
done

# --- the kernel -------------------------------------------------------------------

attack_filtered module "CAP_SYS_MODULE dropped; init_module, finit_module in the seccomp filter"
is "$(modules)" "$modules_before" "the host's module list is unchanged"
attack reboot "CAP_SYS_BOOT dropped; reboot in the seccomp filter (CAD_OFF asked, nothing else)"
attack_filtered kexec "CAP_SYS_BOOT dropped; kexec_load, kexec_file_load in the seccomp filter"
attack dmesg "CAP_SYSLOG dropped; syslog in the seccomp filter"
attack_filtered keyctl "keyctl in the seccomp filter (keyrings are not namespaced)"
attack bpf "CAP_BPF and CAP_SYS_ADMIN dropped; bpf in the seccomp filter"
attack_filtered io_uring "io_uring_setup in the seccomp filter (no capability guards it)"
attack_filtered perf_event_open "perf_event_open in the seccomp filter (kernel.perf_event_paranoid allows self-monitoring)"
attack swapon "CAP_SYS_ADMIN dropped; swapon in the seccomp filter"
attack settimeofday "CAP_SYS_TIME dropped; settimeofday in the seccomp filter"
attack ioperm "iopl, ioperm in the seccomp filter; CAP_SYS_RAWIO dropped"
attack net-raw "CAP_NET_RAW dropped: no packet socket on the host's network"
attack net-admin "CAP_NET_ADMIN dropped: the host's interfaces stay out of reach"

attack hostname "the UTS namespace (and CAP_SYS_ADMIN dropped)" -- "$host_uts"
is "$(hostname)" "$host_hostname" "the host's hostname is unchanged"

# --- namespaces ----------------------------------------------------------------------

attack_filtered unshare "unshare of new namespaces in the seccomp filter (CLONE_NEWUSER needs no capability)"
attack_filtered clone-newns "clone with CLONE_NEW* flags in the seccomp filter, clone3 refused"
attack setns "setns in the seccomp filter; PID 1 not dumpable (/proc/1/ns closed); CAP_SYS_ADMIN dropped"

# --- the filter itself: other system call tables on x86_64 ---------------------------

case $(uname -m) in
x86_64)
	# The probe calls this an escape unless the i386 unshare and mount
	# fail with EPERM as the native ones do (or the kernel has no i386
	# entry at all).
	attack compat32 "the seccomp filter checks the architecture: i386 calls through int \$0x80 are filtered too"
	# Strict: a kernel without the x32 ABI answers ENOSYS by itself, but
	# the same filter must hold on kernels that have it.
	attack_filtered x32 "the seccomp filter refuses x32 system calls (the x32 bit)"
	;;
*) note "compat32 and x32 are x86_64 attacks: not run on $(uname -m)" ;;
esac

# --- the sandbox's privileges as the service sees them -------------------------------

attack caps "every capability dropped, bounding set included"
attack nnp "PR_SET_NO_NEW_PRIVS set"
attack seccomp-state "the default seccomp filter installed"
attack setuid "the bounding set is empty: a setuid-root binary gives root no capability back" \
	-- /suid-probe

done_testing
