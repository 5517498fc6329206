/* SPDX-License-Identifier: MIT */
/* ready.c - PID 1's side of readiness (HUTCH_READY): the notify socket in
 * the sandbox, or each run's pipe for --ready fd:N, and what the service
 * sends on them. */
#include "ready.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"

/* A datagram longer than this is dropped whole: sd_notify's messages are
 * a few short lines (systemd itself takes at most a page). */
#define MESSAGE_MAX 512
/* Datagrams taken per wakeup; then PID 1 looks at its signals again. */
#define BATCH 8

static const struct sockaddr_un notify_address = { AF_UNIX, READY_SOCKET_PATH };

/* SO_PASSRIGHTS (Linux 6.16) is not in musl's headers yet. 83 in the
 * kernel's asm-generic/socket.h, which every ABI hutch builds takes it
 * from (x86, arm, riscv, powerpc, s390), and in mips's own asm/socket.h
 * (alpha's too); parisc and sparc number it apart. */
#ifndef SO_PASSRIGHTS
#if defined(__hppa__)
#define SO_PASSRIGHTS 0x4051
#elif defined(__sparc__)
#define SO_PASSRIGHTS 0x5c
#else
#define SO_PASSRIGHTS 83
#endif
#endif

/* Bound after the root switch, by path in /dev: that tmpfs is hutch's
 * own, so nothing can be in the way (dev.c; unless a --bind put a host
 * directory there, which bind(2) does not follow a symlink into). Mode
 * 0666: connect(2) and sendto(2) on a path socket need write permission
 * on it, and the service may run as any --user; who may send is checked
 * per datagram (accepted), not by the mode. The mode comes from the umask
 * at bind, not a chmod after it, which would follow whatever the name
 * became in between. SO_PASSCRED makes the kernel attach the sender's pid
 * to every datagram, as seen from PID 1's namespace.
 * SO_PASSRIGHTS off: a sendmsg with SCM_RIGHTS to this socket fails in the
 * sender with EPERM (unix_dgram_sendmsg checks the receiver's flag), so no
 * descriptor of the service ever reaches PID 1. Before 6.16 the kernel
 * answers ENOPROTOOPT, and take() below keeps them out of PID 1's hands. */
int ready_socket_open(const struct config *cfg)
{
	int fd, on = 1, off = 0, err;
	mode_t umask_was;

	if (!ready_socket_wanted(cfg))
		return -1;
	fd = sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on))
		die("the notify socket: cannot create it: %s", error_text(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_PASSRIGHTS, &off, sizeof off))
		log_debug("the notify socket: no SO_PASSRIGHTS (%s): descriptors "
			  "sent on it go to a child of PID 1", error_text(errno));
	umask_was = umask(0111);
	err = bind(fd, (const struct sockaddr *)&notify_address, sizeof notify_address)
		      ? errno : 0;
	umask(umask_was);
	if (err)
		die("the notify socket: cannot make %s: %s", READY_SOCKET_PATH,
		    error_text(err));
	return fd;
}

char *ready_environment(const struct config *cfg)
{
	static char env[] = "NOTIFY_SOCKET=" READY_SOCKET_PATH;

	return ready_socket_wanted(cfg) ? env : NULL;
}

static int take(struct ready *r, char *text, size_t size, bool *heard);

/* Everything queued is from the last run, whose processes are all gone
 * before the next start (supervise.c): a late READY=1 of theirs must not
 * count for the new one. Taken as any datagram is (take): a bare recv
 * would have the kernel drop passed descriptors in PID 1. A datagram
 * with descriptors stops the drain while its closer takes it; what is
 * queued behind it (a service that sends descriptors is hostile anyway)
 * is then read as news. A failed fork is tried again here. */
static void drain(struct ready *r)
{
	char c = 0;
	bool heard;

	if (r->closer == READY_CLOSER_RETRY)
		r->closer = 0;
	while (!r->closer && take(r, &c, 1, &heard) >= 0)
		;
}

int ready_arm(struct ready *r)
{
	int fds[2];

	r->status[0] = '\0';
	if (r->socket >= 0)
		drain(r);
	if (r->mode != READY_FD)
		return -1;
	if (r->pipe >= 0)
		close(r->pipe);
	r->pipe = -1;
	if (pipe_cloexec(fds))
		return -errno;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	r->pipe = fds[0];
	r->service_end = fds[1];
	return fds[1];
}

void ready_started(struct ready *r)
{
	if (r->service_end >= 0)
		close(r->service_end);
	r->service_end = -1;
}

/* In the child, before exec: dup2 clears close-on-exec on N only. The
 * exec report pipe may have got number N itself: it moves above first. */
int ready_give(const struct config *cfg, int fd, int *report_fd)
{
	int n = cfg->ready_fd;

	if (fd < 0)
		return 0;
	if (*report_fd == n) {
		*report_fd = fcntl(n, F_DUPFD_CLOEXEC, n + 1);
		if (*report_fd < 0)
			return -errno;
	}
	if (fd == n)
		return fcntl(n, F_SETFD, 0) ? -errno : 0;
	return dup2(fd, n) < 0 ? -errno : 0;
}

/* The length of text's first line, up to len (no memchr: smaller). */
static size_t line_length(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && text[i] != '\n')
		i++;
	return i;
}

/* --ready fd:N: a newline means ready (s6's notification-fd); what comes
 * before it is ignored. EOF without one: this run will not say it. */
static unsigned receive_pipe(struct ready *r)
{
	char buf[64];
	ssize_t n = read(r->pipe, buf, sizeof buf);

	if (n < 0)
		return 0;
	if (n == 0) {
		close(r->pipe);
		r->pipe = -1;
		return 0;
	}
	return line_length(buf, (size_t)n) < (size_t)n ? READY_NEWS_READY : 0;
}

/* STATUS= text into r->status: printable ASCII only, cut to fit, since
 * it becomes one line of the status file. */
static void keep_status(struct ready *r, const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < sizeof r->status - 1; i++) {
		char c = text[i];
		if (c < ' ' || c > '~')
			c = '?';
		r->status[i] = c;
	}
	r->status[i] = '\0';
}

/* WATCHDOG_USEC='s value: decimal digits only, as systemd's
 * safe_atou64 takes them, at most 19 (no overflow); else ignored. */
static bool parse_usec(const char *text, size_t len, uint64_t *usec)
{
	uint64_t v = 0;

	if (!len || len > 19)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(text[i] - '0');
	}
	*usec = v;
	return true;
}

/* The watchdog's keys (HUTCH_LIVENESS; liveness.h acts on them). */
static unsigned watchdog_line(struct ready *r, const char *text, size_t line)
{
	if (line == 10 && !memcmp(text, "WATCHDOG=1", 10))
		return READY_NEWS_WATCHDOG;
	if (line == 16 && !memcmp(text, "WATCHDOG=trigger", 16))
		return READY_NEWS_TRIGGER;
	if (line > 14 && !memcmp(text, "WATCHDOG_USEC=", 14) &&
	    parse_usec(text + 14, line - 14, &r->watchdog_usec))
		return READY_NEWS_WATCHDOG_USEC;
	return 0;
}

/* READY=1, STATUS= and the watchdog's keys; the rest of the protocol
 * (MAINPID=, RELOADING=1, ...) is not read here. */
unsigned ready_parse(struct ready *r, const char *text, size_t len)
{
	unsigned news = 0;

	while (len) {
		size_t line = line_length(text, len);

		if (line == 7 && !memcmp(text, "READY=1", 7))
			news |= READY_NEWS_READY;
		else if (line >= 7 && !memcmp(text, "STATUS=", 7)) {
			keep_status(r, text + 7, line - 7);
			news |= READY_NEWS_STATUS;
		} else if (HUTCH_LIVENESS)
			news |= watchdog_line(r, text, line);
		line += line < len;
		text += line;
		len -= line;
	}
	return news;
}

/* The kernel's limit of descriptors in one message (SCM_MAX_FD in
 * include/net/scm.h, 253 since 2010): one SCM_RIGHTS header holds them
 * all, however many the sender gave (scm_fp_copy merges them). */
#define SCM_MAX_FD 253

/* A datagram carrying descriptors (SCM_RIGHTS; before Linux 6.16, or if
 * SO_PASSRIGHTS failed) is taken by a child of PID 1, never by PID 1.
 * Whoever drops the last reference of a file runs its release: for a TCP
 * socket with SO_LINGER and unsent data, a wait of up to the linger time
 * (inet_release skips it only for a task in exit, PF_EXITING), a FUSE or
 * NFS file's flush, and a close(2) of any copy flushes too. PID 1 stuck
 * there would reap nothing, stop nothing and miss every deadline. So:
 *  - PID 1 only peeks (take): the kernel gives it copies of the files,
 *    the datagram still queued holds them, and with no room for them in
 *    the control buffer it drops the copies at once (MSG_CTRUNC tells);
 *    no release can run, nothing was installed, nothing to close.
 *  - A child dequeues the datagram with room for SCM_MAX_FD descriptors,
 *    so they are all installed in its table (none dropped by the kernel
 *    on the way), and _exit()s: exit closes them with PF_EXITING set, and
 *    the linger is skipped. If it blocks anyway (a FUSE flush), only it
 *    does; SIGKILL (a stop, the run's leftovers) ends it.
 * The child touches nothing of PID 1's: every signal stays blocked (the
 * mask is inherited; no handler, no signalfd read), no log, no state, one
 * recvmsg and _exit. PID 1 stops reading the socket until it has reaped
 * it (ready_polled), so the same datagram is never handed twice and at
 * most one closer exists: a sender cannot make PID 1 fork without bound,
 * only once per closer's life, counted by --pids and paid from the
 * sandbox's own CPU (PID 1 is in its cgroup). A closer killed before its
 * recvmsg leaves the datagram queued: the next one takes it. A fork that
 * fails (EAGAIN at --pids) leaves it queued too, and the socket unread
 * until a process ends (the watchdog, if set, sees the silence). */
static void hand_off(struct ready *r)
{
	pid_t pid = fork_process();

	if (pid == 0) {
		union {
			struct cmsghdr h;
			char space[CMSG_SPACE(sizeof(struct ucred)) +
				   CMSG_SPACE(SCM_MAX_FD * sizeof(int))];
		} u;
		struct msghdr msg = { .msg_control = u.space,
				      .msg_controllen = sizeof u.space };

		(void)sys_recvmsg(r->socket, &msg, MSG_DONTWAIT);
		_exit(0);
	}
	r->closer = pid > 0 ? pid : READY_CLOSER_RETRY;
}

/* Only a process of the sandbox may speak for the service, as systemd's
 * NotifyAccess=all: the kernel gives the sender's pid as PID 1's namespace
 * sees it, which is 0 for a process outside it (one that reached the
 * socket through /proc/PID/root, say). The credentials cannot be forged
 * without CAP_SYS_ADMIN over this namespace. */
/* musl's CMSG_NXTHDR casts a byte pointer and compares a size with a
 * pointer difference: clang's -Wcast-align and -Wsign-compare fire inside
 * the macro (the buffer is aligned: ready.c's union with struct cmsghdr) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wsign-compare"
static bool from_sandbox(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;
			memcpy(&cred, CMSG_DATA(c), sizeof cred);
			return cred.pid > 1;
		}
	return false;
}
#pragma GCC diagnostic pop

/* The datagram at the head of the queue: its length (its text in text,
 * *heard if it is from the sandbox and whole), -1 when none is queued or
 * it went to a closer. The control buffer has room for the credentials
 * only (SO_PASSCRED puts them in every datagram, first): a descriptor
 * never fits, so PID 1 is never given one (see hand_off). Peeked, then
 * dequeued with no control buffer at all, once the peek showed nothing
 * was passed: PID 1 and its closer alone read the socket, and no closer
 * runs now (ready_polled), so the head is still that datagram. */
static int take(struct ready *r, char *text, size_t size, bool *heard)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(struct ucred))];
	} u;
	struct iovec iov = { text, size };
	/* Designated: musl's padding beside msg_iovlen and msg_controllen
	 * is zero for the bare call (pty.c). */
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.space, .msg_controllen = sizeof u.space };
	struct msghdr none = { 0 };
	ssize_t n = sys_recvmsg(r->socket, &msg, MSG_DONTWAIT | MSG_PEEK);

	if (n < 0)
		return -1;
	if (msg.msg_flags & MSG_CTRUNC) {
		log_debug("notify socket: a message with descriptors, taken by a child");
		hand_off(r);
		return -1;
	}
	(void)sys_recvmsg(r->socket, &none, MSG_DONTWAIT);
	*heard = from_sandbox(&msg) && !(msg.msg_flags & MSG_TRUNC);
	return (int)n;
}

/* The queue of a datagram socket is bounded by the kernel (the receiver's
 * buffer and net.unix.max_dgram_qlen): a flooding sender blocks or gets
 * EAGAIN, costing PID 1 no memory; BATCH bounds the time. */
static unsigned receive_socket(struct ready *r)
{
	unsigned news = 0;

	for (int i = 0; i < BATCH && !r->closer; i++) {
		char text[MESSAGE_MAX];
		bool heard;
		int n = take(r, text, sizeof text, &heard);

		if (n < 0)
			break;
		if (heard)
			news |= ready_parse(r, text, (size_t)n);
		else
			log_debug("notify socket: a message dropped (from outside "
				  "the sandbox, or too long)");
	}
	/* There for --watchdog alone: READY=1 and STATUS= mean nothing
	 * unless --ready notify asked for them. */
	if (r->mode != READY_NOTIFY)
		news &= ~(unsigned)(READY_NEWS_READY | READY_NEWS_STATUS);
	return news;
}

/* The socket and fd:N's pipe may both be there (--watchdog with --ready
 * fd:N): each is read without blocking. */
unsigned ready_receive(struct ready *r)
{
	return (r->socket >= 0 ? receive_socket(r) : 0) |
	       (r->pipe >= 0 ? receive_pipe(r) : 0);
}

/* One message, whole: the channel is a SOCK_SEQPACKET pair. */
void ready_upstream_send(const struct ready *r, bool ready)
{
	char text[READY_STATUS_MAX + 24];
	size_t n;

	if (r->upstream < 0)
		return;
	n = fmt(text, sizeof text, "%sSTATUS=%s", ready ? "READY=1\n" : "", r->status);
	(void)!send(r->upstream, text, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}
