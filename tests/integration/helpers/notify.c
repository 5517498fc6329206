/* SPDX-License-Identifier: MIT */
/* notify LINE...: sends one datagram, the LINEs joined by newlines, to
 * $NOTIFY_SOCKET (a path, or @name for an abstract one), as sd_notify(3)
 * does; exits 0 once sent, 1 otherwise. BusyBox has no such sender.
 *
 * notify -n COUNT LINE...: the same datagram COUNT times, as fast as the
 * socket takes them (a flood).
 *
 * notify -l PATH N: the other side, as systemd's is: binds a datagram
 * socket at PATH and prints the first N datagrams it gets, each followed
 * by a line "--". */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t address(const char *path, struct sockaddr_un *a)
{
	size_t len = strlen(path);

	if (len >= sizeof a->sun_path) {
		fprintf(stderr, "notify: %s: too long\n", path);
		exit(1);
	}
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, path, len);
	if (path[0] == '@')
		a->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

static int listen_and_print(const char *path, int count)
{
	struct sockaddr_un a;
	socklen_t len = address(path, &a);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[4096];

	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len)) {
		perror("notify: bind");
		return 1;
	}
	for (int i = 0; i < count; i++) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0) {
			perror("notify: recv");
			return 1;
		}
		printf("%.*s\n--\n", (int)n, buf);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	char text[4096];
	size_t n = 0;
	struct sockaddr_un a;
	socklen_t len;
	long count = 1;
	int fd, first = 1;

	if (argc == 4 && !strcmp(argv[1], "-l"))
		return listen_and_print(argv[2], atoi(argv[3]));
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		count = atol(argv[2]);
		first = 3;
	}
	if (!path) {
		fputs("notify: NOTIFY_SOCKET is not set\n", stderr);
		return 1;
	}
	for (int i = first; i < argc && n < sizeof text; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%s",
				      i > first ? "\n" : "", argv[i]);
	if (n > sizeof text - 1)
		n = sizeof text - 1;
	len = address(path, &a);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	for (long i = 0; i < count; i++)
		if (fd < 0 || sendto(fd, text, n, 0, (struct sockaddr *)&a, len) < 0) {
			perror("notify: sendto");
			return 1;
		}
	return 0;
}
