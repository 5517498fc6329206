/* SPDX-License-Identifier: MIT */
/* pty.h - the service's terminal: a pty of the sandbox's own devpts, and
 * the launcher's relay between it and the caller's terminal. */
#ifndef HUTCH_PTY_H
#define HUTCH_PTY_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "log.h"
#include "profile.h"

/* --- launcher: the relay's state (HUTCH_TTY: pty.c) ------------------- */
struct relay {
	int chan;     /* socket to PID 1: the master arrives here, then stops */
	int master;   /* the pty's master, non-blocking; -1 until it arrives */
	int in;	      /* the caller's terminal on stdin, non-blocking, or -1 */
	int out;      /* where the pty's output goes, non-blocking, or -1 */
	bool raw;     /* the caller's terminal is in raw mode (ours to undo) */
	bool reads;   /* stdin is a terminal: input is relayed */
	struct termios saved;
	unsigned short ilen, ipos, olen, opos;
	char ibuf[1024], obuf[4096];
};

#if HUTCH_TTY
/* Which of fds 0, 1, 2 are terminals (bit N for fd N): those the service
 * gets the pty for. 0: no terminal at all. */
unsigned pty_terminals(void);

/* --- launcher ---------------------------------------------------------- */
/* The launcher's end of the channel; PID 1 gets *pid1_end. */
void relay_init(struct relay *r, unsigned terminals, int *pid1_end);

/* The poll entries the relay needs now, into p (room for 3); returns how
 * many. relay_events handles what poll found in them. */
int relay_poll_fds(struct relay *r, struct pollfd *p);
void relay_events(struct relay *r, const struct pollfd *p, int n);

/* A signal for the launcher. Returns true when the relay took it (a
 * window change); the caller forwards everything else to PID 1 first, then
 * calls relay_after_forward: TSTP/TTIN/TTOU stop the launcher itself,
 * CONT puts the terminal back in raw mode. */
bool relay_signal(struct relay *r, int sig);
void relay_after_forward(struct relay *r, int sig);

/* PID 1 is gone: copy what the pty still holds, then give the caller's
 * terminal its modes back. */
void relay_finish(struct relay *r);

/* The caller's terminal as it was (die() and every exit path). */
void relay_restore(void);

/* --- PID 1 ------------------------------------------------------------- */

/* After the root switch: a pty in the sandbox's own devpts becomes the
 * controlling terminal of PID 1's session and replaces each of fds 0-2
 * that was a terminal; its master goes to the launcher over chan. */
void pty_setup(int chan, unsigned terminals);

/* PID 1's loop: a job-control stop it forwarded, a continue, and the
 * service stopping on its own (Ctrl-Z typed into the pty), which the
 * launcher is told of so that it stops too and the caller's shell gets
 * its prompt back. */
void pty_forwarded(int sig);
void pty_service_stopped(int sig);

/* hutch oci --console-socket: in the container's PID 1 after the root
 * switch, a pty of its devpts becomes its controlling terminal and fds
 * 0-2; the master goes over sock, one SCM_RIGHTS message, as runc. */
void pty_console(int sock);

#else
/* Built without the relay: the service gets the caller's descriptors
 * themselves, terminal or not, as a plain `exec` would; no job control. */
static inline unsigned pty_terminals(void)
{
	return 0;
}

static inline void relay_init(struct relay *r, unsigned terminals, int *pid1_end)
{
	(void)terminals;
	r->chan = r->master = r->in = r->out = -1;
	*pid1_end = -1;
}

static inline int relay_poll_fds(struct relay *r, struct pollfd *p)
{
	(void)r;
	(void)p;
	return 0;
}

static inline void relay_events(struct relay *r, const struct pollfd *p, int n)
{
	(void)r;
	(void)p;
	(void)n;
}

static inline bool relay_signal(struct relay *r, int sig)
{
	(void)r;
	(void)sig;
	return false;
}

static inline void relay_after_forward(struct relay *r, int sig)
{
	(void)r;
	(void)sig;
}

static inline void pty_console(int sock)
{
	(void)sock;
	die("process.terminal: " NOT_BUILT_FMT, "tty");
}

static inline void relay_finish(struct relay *r)
{
	(void)r;
}

static inline void relay_restore(void)
{
}

static inline void pty_setup(int chan, unsigned terminals)
{
	(void)chan;
	(void)terminals;
}

static inline void pty_forwarded(int sig)
{
	(void)sig;
}

static inline void pty_service_stopped(int sig)
{
	(void)sig;
}
#endif

#endif
