/* SPDX-License-Identifier: MIT */
/* kernel_calls.h - every bare system call hutch makes, and nowhere else
 * (tests/static/kernel-calls.t fails on a syscall( outside this file).
 *
 * Why bare: musl's wrappers carry what hutch does not need, and pay for
 * it in bytes (fcntl's special cases, 400; sigaction, 600; the vDSO
 * lookup of clock_gettime, 1 KiB; setrlimit's and setresuid's
 * synchronisation of every thread, 5 KiB) or in behaviour (a retry
 * without SOCK_CLOEXEC for kernels before 2.6.27; glibc's sigprocmask
 * dropping signals 32 and 33). Or musl has no wrapper (pivot_root,
 * pidfd_open, mount_setattr, openat2, close_range).
 *
 * The invariants that make a bare call safe, stated once:
 * - One thread. hutch never makes a thread, so a per-thread call
 *   (setresuid, setgroups, prlimit on itself, the signal mask) is the
 *   process's; musl's synchronisation of every thread is not needed.
 * - No raise() or abort() in a child of sys_clone (fork_process): musl's
 *   fork() renews the thread id it caches, a bare clone does not, so the
 *   child's raise() (tkill of that id) would signal its parent. _exit.
 * - The structures passed are the kernel's, not libc's: where the two
 *   differ the layout is written out here (struct kernel_timespec,
 *   struct cap_header/cap_data, open_how, mount_attr, the sigaction).
 * - Each returns what syscall(2) does: the kernel's result, or -1 with
 *   errno set. The comment of each says what the kernel requires, since
 *   which Linux version, and what its errors mean for hutch. */
#ifndef HUTCH_KERNEL_CALLS_H
#define HUTCH_KERNEL_CALLS_H

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

struct msghdr;
struct rlimit;

/* --- files and descriptors --------------------------------------------- */

/* Linux 2.1.92. The path, with its NUL counted in the return. A directory
 * outside the caller's root reads "(unreachable)/..." (2.6.36) where a
 * libc may give ENOENT: the caller tells it by the missing '/'. ERANGE:
 * deeper than the buffer, which hutch refuses. musl's getcwd(3) brings
 * malloc along. */
static inline long sys_getcwd(char *buf, size_t size)
{
	return syscall(SYS_getcwd, buf, size);
}

/* Linux 2.6.27. musl's pipe2 falls back to fcntl for older kernels. */
static inline int sys_pipe2(int fds[2], int flags)
{
	return (int)syscall(SYS_pipe2, fds, flags);
}

/* The raw fcntl: F_SETFL, F_SETPIPE_SZ (2.6.35: EPERM above
 * fs.pipe-max-size for an ordinary user, EBUSY below what the pipe holds:
 * the caller keeps the default size). musl's is 400 bytes of the special
 * cases of F_GETOWN and the locks, none of which hutch uses. */
static inline long sys_fcntl(int fd, int cmd, long arg)
{
	return syscall(SYS_fcntl, fd, cmd, arg);
}

/* Linux 2.4. Fills buf with struct linux_dirent64 records: u64 d_ino,
 * s64 d_off, u16 d_reclen, u8 d_type, then the name; returns the bytes
 * filled, 0 at the end. No opendir(3): no malloc. */
static inline long sys_getdents64(int fd, void *buf, size_t size)
{
	return syscall(SYS_getdents64, fd, buf, size);
}

/* fstatat with the kernel's struct stat where it is musl's: newfstatat
 * on 64-bit targets (2.6.16) but mips64, whose kernel struct stat is not
 * musl's (kstat.h: a 32-bit st_dev, padding, 32-bit times); elsewhere
 * musl's fstatat, which converts (statx, fstatat64). */
static inline int sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
#if defined(SYS_newfstatat) && ULONG_MAX > 0xffffffffUL && !defined __mips__
	return syscall(SYS_newfstatat, dirfd, path, st, flags) ? -1 : 0;
#else
	return fstatat(dirfd, path, st, flags);
#endif
}

/* statx's struct statx (Linux 4.11), 256 bytes, as the kernel writes it
 * whole: musl 1.2.3 (Debian bookworm) has no statx(3) and musl 1.2.5's
 * struct statx would clash, hence the name. Only mask and mnt_id are
 * read; mnt_id is at 0x90 on every architecture (fixed-size fields). */
struct statx_v0 {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	uint64_t times[8]; /* atime, btime, ctime, mtime: s64 sec, u32 nsec, pad */
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint64_t spare[13];
};
_Static_assert(offsetof(struct statx_v0, mnt_id) == 0x90 && sizeof(struct statx_v0) == 0x100,
	       "struct statx_v0 is not the kernel's struct statx");

#define STATX_MNT_ID_V0 0x1000U	      /* Linux 5.8: mountinfo's first field */
#define AT_STATX_DONT_SYNC_V0 0x4000  /* no network file system round trip */

/* Linux 4.11; STATX_MNT_ID 5.8. With path "" and AT_EMPTY_PATH, the file
 * open at fd, O_PATH ones included. A kernel without a field leaves its
 * bit out of st->mask (5.8's mnt_id on 4.11-5.7): the caller checks it.
 * ENOSYS before 4.11, or where the headers lack the number (or a seccomp
 * filter says so): the caller has another way. */
static inline int sys_statx(int dirfd, const char *path, int flags, unsigned mask,
			    struct statx_v0 *st)
{
#ifdef SYS_statx
	return (int)syscall(SYS_statx, dirfd, path, flags, mask, st);
#else
	(void)dirfd;
	(void)path;
	(void)flags;
	(void)mask;
	(void)st;
	errno = ENOSYS;
	return -1;
#endif
}

/* Linux 5.9 (close_range, flags 0). ENOSYS before, or where the headers
 * lack its number: the caller closes one by one. */
static inline int sys_close_range(unsigned first, unsigned last)
{
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, first, last, 0);
#else
	(void)first;
	(void)last;
	errno = ENOSYS;
	return -1;
#endif
}

/* openat2's struct open_how (Linux 5.6), all three fields 64-bit. */
struct open_how_v0 {
	unsigned long long flags, mode, resolve;
};

/* Linux 5.6. RESOLVE_IN_ROOT makes an absolute symlink resolve inside
 * dirfd, as it would in the sandbox. ENOSYS before 5.6 (or without its
 * number): the caller opens from dirfd as it is. EAGAIN: a rename raced
 * the walk. */
static inline int sys_openat2(int dirfd, const char *path, const struct open_how_v0 *how)
{
#ifdef SYS_openat2
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof *how);
#else
	(void)dirfd;
	(void)path;
	(void)how;
	errno = ENOSYS;
	return -1;
#endif
}

/* Linux 3.19. Runs the file open at fd (path "" with AT_EMPTY_PATH): a
 * close-on-exec fd leaves the new image no descriptor of its own file.
 * Returns only on failure: EACCES where vm.memfd_noexec forbids an
 * executable memfd (6.3). */
static inline long sys_execveat(int fd, const char *path, char *const argv[],
				char *const envp[], int flags)
{
	return syscall(SYS_execveat, fd, path, argv, envp, flags);
}

/* --- processes ----------------------------------------------------------- */

/* clone with no stack: fork's semantics (the child runs on a copy of the
 * parent's stack), with namespace flags that fork(3) cannot take. Flags
 * first on every ABI but s390's (CLONE_BACKWARDS2: the stack first); the
 * tids and tls are not used. 0 in the child, which then follows the
 * rules above (no raise, no abort). EINVAL: a flag combination
 * the kernel refuses; ENOMEM: in a PID namespace whose init has died;
 * EPERM: no right to make the namespace asked for. */
static inline long sys_clone(unsigned long flags)
{
#ifdef __s390__
	return syscall(SYS_clone, 0, flags, 0, 0, 0);
#else
	return syscall(SYS_clone, flags, 0, 0, 0, 0);
#endif
}

/* Linux 5.3 (flags 0). A descriptor that stays with the process it was
 * opened for, whatever later gets its pid: ESRCH, it is gone; ENOSYS
 * before 5.3, where only the racy kill(2) by pid is left. */
static inline int sys_pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

/* Linux 5.1. info NULL is kill(2)'s; with an info its si_code must be
 * SI_QUEUE for another process (EPERM otherwise). ESRCH: it has ended. */
static inline int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, 0);
}

/* Linux 2.2: a signal with a value (si_value), which hutch's control
 * commands send without a pidfd. si_code must be SI_QUEUE: the kernel
 * refuses SI_USER and the kernel's codes from another process (EPERM,
 * 2.6.39). */
static inline int sys_rt_sigqueueinfo(pid_t pid, int sig, siginfo_t *info)
{
	return (int)syscall(SYS_rt_sigqueueinfo, pid, sig, info);
}

/* The 16-bit id calls of 32-bit ARM and i386 take 16-bit ids: the 32-bit
 * ones where they exist. */
#ifdef SYS_setresuid32
#define SYS_RESUID SYS_setresuid32
#define SYS_RESGID SYS_setresgid32
#define SYS_GROUPS SYS_setgroups32
#else
#define SYS_RESUID SYS_setresuid
#define SYS_RESGID SYS_setresgid
#define SYS_GROUPS SYS_setgroups
#endif

/* Per thread in the kernel: the process's, as hutch has one thread.
 * EPERM: not CAP_SETUID/CAP_SETGID; EINVAL: an id the user namespace
 * does not map. Groups before the gid, the gid before the uid: each
 * needs the rights the next one drops. */
static inline int sys_setresgid(gid_t r, gid_t e, gid_t s)
{
	return (int)syscall(SYS_RESGID, r, e, s);
}

static inline int sys_setresuid(uid_t r, uid_t e, uid_t s)
{
	return (int)syscall(SYS_RESUID, r, e, s);
}

/* EPERM without CAP_SETGID in the caller's user namespace, and for good
 * where /proc/PID/setgroups is "deny" (3.19: an ordinary user's map). */
static inline int sys_setgroups(size_t n, const gid_t *groups)
{
	return (int)syscall(SYS_GROUPS, n, groups);
}

/* Linux 2.6.36. musl's struct rlimit is the kernel's 64-bit one on every
 * target. pid 0: the caller. EPERM: a hard limit raised without
 * CAP_SYS_RESOURCE; EINVAL: soft above hard. */
static inline int sys_prlimit64(pid_t pid, int resource, const struct rlimit *set,
				struct rlimit *old)
{
	return (int)syscall(SYS_prlimit64, pid, resource, set, old);
}

/* capget/capset's header and data, version 3 (Linux 2.6.26): two
 * 32-bit words per set, the low capabilities in data[0]. */
#define CAP_VERSION_3 0x20080522
struct cap_header {
	uint32_t version; /* cppcheck-suppress unusedStructMember */
	int pid;	  /* cppcheck-suppress unusedStructMember */
};
struct cap_data {
	/* cppcheck-suppress unusedStructMember */
	uint32_t effective, permitted, inheritable;
};

/* data[2]. EPERM: a capability asked for that the permitted set (or, for
 * the inheritable set, the bounding set) lacks. */
static inline int sys_capget(struct cap_header *h, struct cap_data *data)
{
	return (int)syscall(SYS_capget, h, data);
}

static inline int sys_capset(struct cap_header *h, const struct cap_data *data)
{
	return (int)syscall(SYS_capset, h, data);
}

/* Returns the bytes of the mask the kernel filled (a multiple of long,
 * as many as it has CPUs), not 0 as glibc's. EINVAL: a mask smaller than
 * the kernel's. */
static inline long sys_sched_getaffinity(pid_t pid, size_t size, unsigned long *set)
{
	return syscall(SYS_sched_getaffinity, pid, size, set);
}

/* --- signals -------------------------------------------------------------- */

/* The kernel's sigaction is not musl's and differs per architecture (mips:
 * the flags first), but an all-zero one is SIG_DFL with no flags and an
 * empty mask on all: 8 longs hold the largest. size: the kernel's sigset,
 * _NSIG / 8 bytes (EINVAL for any other). */
static inline int sys_rt_sigaction(int sig, const unsigned long *act, unsigned long *old)
{
	return (int)syscall(SYS_rt_sigaction, sig, act, old, _NSIG / 8);
}

/* The kernel's mask of _NSIG / 8 bytes. Per thread: the process's. */
static inline int sys_rt_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8);
}

/* --- time --------------------------------------------------------------- */

/* The kernel's timespec of the old clock_gettime: two native longs. On
 * 32-bit targets musl 1.2 names that call clock_gettime32 (time64): its
 * seconds last 68 years of uptime (CLOCK_MONOTONIC), or to 2038
 * (CLOCK_REALTIME). musl's wrapper brings a vDSO lookup (1 KiB) for the
 * few calls hutch makes. */
struct kernel_timespec {
	long tv_sec, tv_nsec;
};
#ifndef SYS_clock_gettime
#define SYS_clock_gettime SYS_clock_gettime32
#endif

static inline int sys_clock_gettime(int clock, struct kernel_timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, clock, ts);
}

/* --- sockets ------------------------------------------------------------ */

/* SOCK_CLOEXEC and SOCK_NONBLOCK in the type: Linux 2.6.27. musl's
 * socket(3) and socketpair(3) retry without them for older kernels. */
static inline int sys_socket(int domain, int type, int protocol)
{
	return (int)syscall(SYS_socket, domain, type, protocol);
}

static inline int sys_socketpair(int domain, int type, int protocol, int sv[2])
{
	return (int)syscall(SYS_socketpair, domain, type, protocol, sv);
}

/* The kernel's struct msghdr, which is musl's but for the padding beside
 * msg_iovlen and msg_controllen on 64-bit targets: zero it (designated
 * initialisers), as musl's wrappers do by copying. MSG_CMSG_CLOEXEC
 * (2.6.23) on a received descriptor. EAGAIN with MSG_DONTWAIT: nothing
 * there. */
static inline long sys_recvmsg(int fd, struct msghdr *msg, int flags)
{
	return syscall(SYS_recvmsg, fd, msg, flags);
}

static inline long sys_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return syscall(SYS_sendmsg, fd, msg, flags);
}

/* --- mounts -------------------------------------------------------------- */

/* Linux 2.3.41. new_root "." and put_old "." stack the old root on the
 * new one, at "/" and "."; the caller detaches it. EINVAL: the root is
 * rootfs (an initramfs, which cannot be unmounted) or "." is not a mount:
 * hutch switches with MS_MOVE and chroot instead. */
static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* mount_setattr's struct mount_attr (Linux 5.12), four 64-bit fields:
 * attr_set, attr_clr, propagation, userns_fd. */
struct mount_attr_v0 {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* Linux 5.12. flags: AT_EMPTY_PATH (path "", fd the mount), with
 * AT_RECURSIVE the mounts below it too. ENOSYS before 5.12: the caller
 * remounts that mount alone; EPERM: a lock on the attribute (a mount
 * of a less privileged user namespace's, where it may only be added). */
static inline int sys_mount_setattr(int fd, const char *path, unsigned flags,
				    const struct mount_attr_v0 *attr)
{
	return (int)syscall(SYS_mount_setattr, fd, path, flags, attr, sizeof *attr);
}

/* --- BPF ------------------------------------------------------------------ */

/* Linux 3.18; cgroup programs and BPF_PROG_ATTACH 4.15. attr: union
 * bpf_attr of size bytes, zeroed but for the command's fields. EPERM:
 * no CAP_SYS_ADMIN (or CAP_BPF, 5.8); EINVAL: a program type the kernel
 * lacks (no CONFIG_CGROUP_BPF); the verifier's refusals as EACCES. */
static inline int sys_bpf(int cmd, void *attr, size_t size)
{
	return (int)syscall(SYS_bpf, cmd, attr, size);
}

/* Linux 3.15; RENAME_NOREPLACE (1) fails with EEXIST where newpath
 * exists, atomically (rename(2) would replace an empty directory). A
 * file system without it (before tmpfs 3.17, or FUSE, NFS) says EINVAL.
 * musl 1.2 has no renameat2(3). */
static inline int sys_renameat2(int olddir, const char *old, int newdir, const char *new,
				unsigned flags)
{
	return (int)syscall(SYS_renameat2, olddir, old, newdir, new, flags);
}

/* Linux 3.17 (prctl(PR_SET_SECCOMP) since 3.5 takes no flags). op
 * SECCOMP_SET_MODE_FILTER with args a struct sock_fprog: the caller needs
 * no_new_privs or CAP_SYS_ADMIN (EACCES); flags SECCOMP_FILTER_FLAG_*
 * the kernel lacks are EINVAL. With args NULL, a known flag gets EFAULT
 * and an unknown one EINVAL: how hutch oci asks which flags exist
 * without installing anything, as libseccomp does. */
static inline long sys_seccomp(unsigned op, unsigned flags, const void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

/* Linux 3.17. An anonymous file, MFD_CLOEXEC; MFD_ALLOW_SEALING for
 * F_ADD_SEALS. ENOSYS before 3.17. */
static inline int sys_memfd_create(const char *name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

#endif
