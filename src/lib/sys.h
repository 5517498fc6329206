/* SPDX-License-Identifier: MIT */
/* sys.h - small wrappers over system calls, shared by every part. The
 * I/O helpers return 0 (or a length) or a negative errno; stat_at,
 * pipe_cloexec, clone_nostack and fork_process return -1 with errno, as
 * the kernel calls under them do (kernel_calls.h). Callers decide
 * whether that is fatal. */
#ifndef HUTCH_SYS_H
#define HUTCH_SYS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* write(2) until done, retrying EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);

/* A kernel knob (cgroup or /proc file): one open, one checked write(2) of
 * the whole value, close. Knobs take a value in one write or reject it. */
int write_knob(int dirfd, const char *path, const char *value);

/* chdir(2) into the sandbox's working directory, and the kernel's word
 * that it is inside the process's root: 0, or -errno; -EXDEV when it is
 * not. A magic link such as /proc/self/fd/N, planted as the directory by
 * the service, leads to whatever directory descriptor the process holds
 * from the host (CVE-2024-21626's pattern; runc checks it the same way):
 * getcwd(2) then reads "(unreachable)/...", never an absolute path. */
int chdir_within_root(const char *dir);

/* Reads up to size-1 bytes and NUL-terminates; returns the length. */
ssize_t read_fd(int fd, char *buf, size_t size);
ssize_t read_small_file(int dirfd, const char *path, char *buf, size_t size);

/* Calls fn on each line of a file (newline removed), read 4 KiB at a time;
 * lines longer than that are skipped. */
int each_line(const char *path, void (*fn)(char *line, void *arg), void *arg);
/* The same on an open file, to its end, or -EFBIG after cap bytes (0: no
 * cap) with the lines before given to fn. */
int each_line_fd(int fd, uint64_t cap, void (*fn)(char *line, void *arg), void *arg);

/* Calls fn on each name in directory path ("." and ".." too) until fn
 * returns true; returns whether one did. getdents64 itself: musl's
 * opendir allocates, hutch never does. */
bool each_entry(const char *path, bool (*fn)(const char *name, void *arg),
		void *arg);

/* execvp(3) with the environment envp, whose PATH it searches (musl's
 * default when unset): a name without '/' is tried in each directory, an
 * empty entry meaning the current one; EACCES is kept while other
 * directories are tried, as execvp does. Returns -errno; *exists tells
 * whether a file it tried was there although exec said ENOENT (a missing
 * ELF or #! interpreter). musl's execvp is five times the size and pulls
 * in memchr through strnlen. */
int exec_search(const char *file, char *const argv[], char *const envp[],
		bool *exists);

/* strcspn(3) as a plain loop: musl's builds a 32-byte bitmap for any set
 * (200 bytes of code) where hutch's sets are one to four characters. */
size_t until_any(const char *s, const char *stop);

/* fstatat(2). On 64-bit targets (x86_64, aarch64) the bare system call,
 * whose struct stat is musl's: musl's wrapper tries statx first and
 * converts (500 bytes). 32-bit targets keep the wrapper, whose
 * conversion from the kernel's layout they need. 0, or -1 and errno. */
int stat_at(int dirfd, const char *path, struct stat *st, int flags);

/* pipe2(fds, O_CLOEXEC) as the bare system call: musl's pipe2 carries a
 * fallback for kernels before 2.6.27 (200 bytes). 0, or -1 and errno. */
int pipe_cloexec(int fds[2]);

/* Lists of NUL-separated words ending in an empty one ("a\0b\0"): the
 * index of s in list, or -1; and the i-th word (i within the list). */
int nul_list_index(const char *s, const char *list);
const char *nul_list_at(const char *list, size_t i);

/* Splits s in place at blanks into at most max words; returns the count. */
size_t split_words(char *s, char **words, size_t max, char sep);

/* Milliseconds on CLOCK_MONOTONIC: immune to wall-clock steps (NTP on a
 * board without an RTC jumps by decades at boot). */
uint64_t monotonic_ms(void);
/* Milliseconds on that clock (CLOCK_REALTIME for a time of day: on
 * 32-bit targets, until 2038). */
uint64_t clock_ms(int clock);

/* fork(2) as the bare system call. hutch is single-threaded and never
 * calls raise() or abort(), so it needs none of what musl's fork() adds
 * (atfork handlers, lock resets, the cached thread id) and not its 1.5 KiB
 * of thread locks either. */
pid_t fork_process(void);

/* clone(2) with these flags and no stack: fork semantics. -1 and errno. */
long clone_nostack(unsigned long flags);

/* "SIGTERM" for SIGTERM (numbers differ per architecture: MIPS has its
 * own); real-time signals as "SIGRTMAX" or "SIGRTMAX-N" (the one name
 * glibc and musl agree on), written into buf. */
const char *signal_name(int sig, char *buf, size_t size);

/* The number of "TERM", "SIGTERM" or "15"; 0 if it is none. */
int signal_number(const char *name);

/* Closes every descriptor above 2 except those listed (-1 entries are
 * ignored). */
void close_fds_except(const int *keep, size_t n);

/* The exit code hutch reports for a wait status: the code, or 128+N. */
int status_to_code(int status);

#endif
