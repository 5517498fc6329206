/* SPDX-License-Identifier: MIT */
/* ready_upstream.c - the launcher's side of readiness (HUTCH_READY): under
 * systemd, a Type=notify unit gives hutch NOTIFY_SOCKET, and hutch says
 * READY=1 there once the service inside is ready. The launcher sends it,
 * not PID 1: systemd's NotifyAccess=main (its default) takes messages from
 * the unit's main process only, which is the launcher, and the socket is a
 * host path that PID 1 no longer sees after the root switch. */
#include "ready.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"

static struct sockaddr_un systemd;
static socklen_t systemd_len;
static int systemd_fd = -1;

/* NOTIFY_SOCKET is a path, or "@name" for an abstract one (sd_notify(3)). */
static bool systemd_address(const char *env)
{
	size_t len = env ? strlen(env) : 0;

	if (len < 2 || len >= sizeof systemd.sun_path || (env[0] != '/' && env[0] != '@'))
		return false;
	systemd.sun_family = AF_UNIX;
	memcpy(systemd.sun_path, env, len);
	if (env[0] == '@')
		systemd.sun_path[0] = '\0';
	systemd_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	return true;
}

int ready_upstream_open(const struct config *cfg, int *pid1_end)
{
	const char *env = getenv("NOTIFY_SOCKET");
	int pair[2];

	*pid1_end = -1;
	if (cfg->ready_mode == READY_NONE || !env)
		return -1;
	if (!systemd_address(env)) {
		log_error("NOTIFY_SOCKET=%s is not a socket address: systemd is "
			  "not told when the service is ready", env);
		return -1;
	}
	/* SEQPACKET, not a pipe: each message stays whole. */
	systemd_fd = sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (systemd_fd < 0 ||
	    sys_socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair))
		die("cannot create a socket: %s", error_text(errno));
	*pid1_end = pair[1];
	return pair[0];
}

void ready_upstream_forward(int *fd)
{
	char text[READY_STATUS_MAX + 24];
	ssize_t n = recv(*fd, text, sizeof text, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (sendto(systemd_fd, text, (size_t)n, MSG_NOSIGNAL,
		   (const struct sockaddr *)&systemd, systemd_len) < 0)
		log_error("cannot tell systemd (NOTIFY_SOCKET): %s", error_text(errno));
}
