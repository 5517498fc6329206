/* SPDX-License-Identifier: MIT */
/* pty.c - the service's terminal. The service never gets the caller's
 * terminal: a terminal descriptor is a way to push input into it
 * (TIOCSTI), to take its foreground and read the user's next line, or to
 * stop its output (tcflow) under hutch's own log writes. PID 1 therefore
 * always runs in a session of its own, and where the caller has a
 * terminal, PID 1 opens a pty in the sandbox's own devpts instance,
 * makes it the controlling terminal of its session, and hands the master
 * to the launcher, which relays bytes between it and the caller's
 * terminal, as `systemd-run --pty` does. Typed Ctrl-C, Ctrl-Z and Ctrl-\
 * are bytes on the pty (the caller's terminal is raw while relaying);
 * the pty's line discipline turns them into signals for the service. */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41) /* Linux 4.13 */
#endif

unsigned pty_terminals(void)
{
	unsigned mask = 0;

	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd))
			mask |= 1u << fd;
	return mask;
}

static bool job_stop(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* --- launcher ---------------------------------------------------------- */

static struct relay *relay;

static bool flush(int fd, const char *buf, unsigned short *pos, unsigned short *len);

void relay_init(struct relay *r, unsigned terminals, int *pid1_end)
{
	int sv[2] = { -1, -1 };

	memset(r, 0, sizeof *r);
	r->master = r->out = -1;
	r->in = -1;
	r->reads = terminals & 1;
	/* The system calls, not musl's wrappers: those carry fallbacks and
	 * conversions hutch does not need (socketpair for kernels without
	 * SOCK_CLOEXEC, sendmsg's and recvmsg's 64-bit layout copies). */
	if (terminals && sys_socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		die("cannot create a socket pair: %s", error_text(errno));
	r->chan = sv[0];
	*pid1_end = sv[1];
	relay = r;
	if (terminals)
		die_push(relay_restore); /* the caller's terminal, raw later */
}

/* In the background, a program that reads its terminal is stopped by the
 * kernel (SIGTTIN to its group) and continued by the shell's `fg`, which
 * gives it the terminal (a running job gets no SIGCONT from fg, so there
 * is no other way to learn of it). hutch does the same with one read,
 * SIGTTIN let through for it. A group no shell could continue (orphaned)
 * gets EIO instead, and the relay then shows the output only. */
static void claim_front(struct relay *r)
{
	sigset_t ttin;
	ssize_t n;

	if (r->ilen)
		return;
	sigemptyset(&ttin);
	sigaddset(&ttin, SIGTTIN);
	sigprocmask(SIG_UNBLOCK, &ttin, NULL);
	n = read(r->in, r->ibuf, sizeof r->ibuf);
	sigprocmask(SIG_BLOCK, &ttin, NULL);
	if (n > 0) {
		r->ipos = 0;
		r->ilen = (unsigned short)n;
	}
}

/* Raw only in front. The modes are read anew each time: the shell may
 * have changed them while hutch was stopped. */
static void enter_raw(struct relay *r)
{
	struct termios t;

	if (r->in < 0 || r->raw)
		return;
	if (tcgetpgrp(r->in) != getpgrp())
		claim_front(r);
	if (tcgetpgrp(r->in) != getpgrp() || tcgetattr(r->in, &r->saved))
		return;
	t = r->saved;
	cfmakeraw(&t);
	r->raw = tcsetattr(r->in, TCSANOW, &t) == 0;
	if (r->ilen)
		flush(r->master, r->ibuf, &r->ipos, &r->ilen);
}

/* TCSANOW, not TCSADRAIN: a terminal whose output is stopped would never
 * drain. SIGTTOU is blocked, so this works from the background too. */
void relay_restore(void)
{
	if (relay && relay->raw) {
		tcsetattr(relay->in, TCSANOW, &relay->saved);
		relay->raw = false;
	}
}

static void resize(struct relay *r)
{
	struct winsize ws;

	for (int fd = 0; fd <= 2 && r->master >= 0; fd++)
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
			ioctl(r->master, TIOCSWINSZ, &ws);
			return;
		}
}

/* fd again, as a file description of our own: non-blocking without
 * changing the caller's flags. */
static int reopen(int fd, int mode)
{
	char path[24];
	int copy;

	fmt(path, sizeof path, "/proc/self/fd/%d", fd);
	copy = open(path, mode | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	return copy >= 0 ? copy : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* The pty's output goes to the caller's terminal on stdout, else stderr,
 * else stdin (the echo of what is typed): a terminal whose output someone
 * stopped holds up the relay, never the launcher. */
static void master_arrived(struct relay *r, int master)
{
	static const int order[] = { STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO };

	fcntl(master, F_SETFL, O_NONBLOCK);
	r->master = master;
	for (int i = 0; i < 3 && r->out < 0; i++)
		if (isatty(order[i]))
			r->out = reopen(order[i], O_WRONLY);
	if (r->reads)
		r->in = reopen(STDIN_FILENO, O_RDONLY);
	resize(r);
	/* PID 1 waits for this before it starts the service, so that the
	 * service finds the window size set. */
	(void)!send(r->chan, "A", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	enter_raw(r);
}

/* PID 1 writes the master once (with SCM_RIGHTS), then a byte each time
 * the service stopped on its own. */
static void channel_read(struct relay *r)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.space, .msg_controllen = sizeof u.space };
	struct cmsghdr *c;
	ssize_t n = sys_recvmsg(r->chan, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	if (n <= 0) {
		if (n == 0 || errno != EAGAIN) {
			close(r->chan); /* PID 1 is gone, or closed it */
			r->chan = -1;
		}
		return;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS && r->master < 0) {
		int fd;
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
		master_arrived(r, fd);
	} else if (byte == 'Z') {
		relay_restore();
		kill(getpid(), SIGSTOP);
	}
}

/* Writes what a buffer holds; returns false when the target is gone. */
static bool flush(int fd, const char *buf, unsigned short *pos, unsigned short *len)
{
	ssize_t n;

	if (*pos >= *len)
		return true;
	n = write(fd, buf + *pos, *len - *pos);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	*pos = (unsigned short)(*pos + n);
	if (*pos >= *len)
		*pos = *len = 0;
	return true;
}

static void from_master(struct relay *r)
{
	ssize_t n = read(r->master, r->obuf, sizeof r->obuf);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) { /* EIO: no slave is open any more */
		close(r->master);
		r->master = -1;
		return;
	}
	if (r->out < 0)
		return; /* no terminal to show it on: the echo of input only */
	r->opos = 0;
	r->olen = (unsigned short)n;
	if (!flush(r->out, r->obuf, &r->opos, &r->olen))
		r->out = -1;
}

static void from_caller(struct relay *r)
{
	ssize_t n = read(r->in, r->ibuf, sizeof r->ibuf);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		r->in = -1; /* the caller's terminal hung up */
		return;
	}
	r->ipos = 0;
	r->ilen = (unsigned short)n;
	flush(r->master, r->ibuf, &r->ipos, &r->ilen);
}

int relay_poll_fds(struct relay *r, struct pollfd *p)
{
	int n = 0;

	if (r->chan >= 0)
		p[n++] = (struct pollfd){ r->chan, POLLIN, 0 };
	if (r->master >= 0)
		p[n++] = (struct pollfd){ r->master,
					  (short)((r->olen ? 0 : POLLIN) | (r->ilen ? POLLOUT : 0)), 0 };
	if (r->master >= 0 && r->in >= 0 && r->raw && !r->ilen)
		p[n++] = (struct pollfd){ r->in, POLLIN, 0 };
	if (r->out >= 0 && r->olen)
		p[n++] = (struct pollfd){ r->out, POLLOUT, 0 };
	return n;
}

void relay_events(struct relay *r, const struct pollfd *p, int n)
{
	for (int i = 0; i < n; i++) {
		short ev = p[i].revents;
		if (!ev)
			continue;
		if (p[i].fd == r->chan) {
			channel_read(r);
		} else if (p[i].fd == r->master) {
			if (ev & POLLOUT)
				flush(r->master, r->ibuf, &r->ipos, &r->ilen);
			if (!r->olen && ev & (POLLIN | POLLHUP | POLLERR))
				from_master(r);
		} else if (p[i].fd == r->in && r->master >= 0) {
			from_caller(r);
		} else if (p[i].fd == r->out && !flush(r->out, r->obuf, &r->opos, &r->olen)) {
			r->out = -1;
		}
	}
}

bool relay_signal(struct relay *r, int sig)
{
	if (sig != SIGWINCH || r->master < 0)
		return false;
	resize(r); /* the pty tells its foreground group (SIGWINCH) */
	return true;
}

/* As dumb-init does: a stop signal for hutch stops the service (PID 1
 * forwarded it) and then hutch itself, so that the caller's shell gets
 * its prompt back; SIGCONT continues both. */
void relay_after_forward(struct relay *r, int sig)
{
	if (job_stop(sig)) {
		relay_restore();
		kill(getpid(), SIGSTOP);
	} else if (sig == SIGCONT) {
		enter_raw(r);
		resize(r);
	}
}

/* Every process of the sandbox is gone: what the pty holds is read to its
 * end (EIO), each block written with at most a second's wait for a
 * terminal that does not take it. */
void relay_finish(struct relay *r)
{
	while (r->master >= 0) {
		struct pollfd p = { r->out, POLLOUT, 0 };
		ssize_t n;

		if (r->olen) {
			unsigned short before = r->opos;
			if (r->out < 0 || poll(&p, 1, 1000) <= 0 ||
			    !flush(r->out, r->obuf, &r->opos, &r->olen) ||
			    (r->olen && r->opos == before))
				r->olen = r->opos = 0; /* dropped */
			continue;
		}
		n = read(r->master, r->obuf, sizeof r->obuf);
		if (n <= 0)
			break; /* EIO: all of it read */
		r->opos = 0;
		r->olen = (unsigned short)n;
	}
	relay_restore();
}

/* --- PID 1 ------------------------------------------------------------- */

static int channel = -1;
static bool stop_forwarded;

static int open_pty(int *slave)
{
	int unlock = 0, n;
	int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0)
		return -1;
	/* TIOCGPTPEER (4.13): the slave of this very master, without a path
	 * lookup; by its number in the sandbox's devpts on older kernels. */
	if (ioctl(master, TIOCSPTLCK, &unlock) == 0)
		*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0 && ioctl(master, TIOCGPTN, &n) == 0) {
		char path[32];
		fmt(path, sizeof path, "/dev/pts/%d", n);
		*slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	}
	return master;
}

static void send_master(int master)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	char byte = 'M';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.space, .msg_controllen = sizeof u.space };
	struct cmsghdr *c;

	/* Cleared: musl's cmsg_len is 32 bits with padding beside it on
	 * 64-bit targets, and the bare system call hands the kernel a 64-bit
	 * length: stack garbage in the padding is EINVAL (musl's sendmsg
	 * zeroes it; hutch calls the kernel itself). */
	memset(&u, 0, sizeof u);
	c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof master);
	if (sys_sendmsg(channel, &msg, MSG_NOSIGNAL) < 0)
		die("cannot hand over the pty's master: %s", error_text(errno));
}

void pty_setup(int chan, unsigned terminals)
{
	int slave = -1, master;

	if (!terminals)
		return;
	channel = chan;
	master = open_pty(&slave);
	/* No ptys in this kernel (CONFIG_UNIX98_PTYS): still no terminal of
	 * the caller's for the service; /dev/null in its place. */
	if (master < 0 || slave < 0) {
		log_info("no pty for the terminal (%s): the service gets /dev/null "
			 "instead", error_text(errno));
		if (master >= 0)
			close(master);
		slave = open("/dev/null", O_RDWR | O_CLOEXEC);
	} else {
		/* PID 1 leads a session of its own (sandbox.c), without a
		 * terminal so far: this one becomes its controlling terminal,
		 * and /dev/tty in the sandbox names it. */
		if (ioctl(slave, TIOCSCTTY, 0))
			die("cannot make the pty the sandbox's terminal: %s",
			    error_text(errno));
		char ack;
		send_master(master);
		close(master);
		/* until the launcher has set the pty's window size (a
		 * launcher that is gone closed the channel: 0) */
		(void)!recv(channel, &ack, 1, 0);
	}
	for (int fd = 0; fd <= 2; fd++)
		if (terminals & 1u << fd && dup2(slave, fd) < 0)
			die("cannot give the service the pty: %s", error_text(errno));
	close(slave);
}

void pty_forwarded(int sig)
{
	if (job_stop(sig))
		stop_forwarded = true;
	else if (sig == SIGCONT)
		stop_forwarded = false;
}

void pty_service_stopped(int sig)
{
	if (channel >= 0 && !stop_forwarded && job_stop(sig))
		(void)!send(channel, "Z", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void pty_console(int sock)
{
	int slave = -1, master = open_pty(&slave);

	if (master < 0 || slave < 0)
		die("process.terminal: cannot open a pty in the container's "
		    "/dev/pts: %s", error_text(errno));
	/* PID 1 leads a session of its own (oci_init.c): this pty becomes
	 * its controlling terminal */
	if (ioctl(slave, TIOCSCTTY, 0))
		die("process.terminal: cannot make the pty the controlling "
		    "terminal: %s", error_text(errno));
	channel = sock;
	send_master(master);
	close(master);
	close(sock);
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			die("process.terminal: cannot give the process the pty: %s",
			    error_text(errno));
	close(slave);
}
