/* SPDX-License-Identifier: MIT */
/* racer.c - the attacker outside: an ordinary host user who owns a root
 * image swaps its entries while hutch starts from it. In a tight loop,
 * each NAME given is renamed away, replaced by an empty directory, a
 * symlink to OUTSIDE (a directory out of the image, standing for any of
 * the host's) or a symlink to "tmp" (in turn), and put back. Runs until
 * killed. Harmless to anything but the image it is given.
 *
 *   racer DIR OUTSIDE NAME...   (as the image's owner, not as root) */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	const char *fakes[] = { NULL, argv[2], "tmp" };
	char away[256];
	unsigned round = 0;

	if (argc < 4 || chdir(argv[1])) {
		fprintf(stderr, "usage: racer DIR OUTSIDE NAME...\n");
		return 2;
	}
	if (getuid() == 0) {
		fprintf(stderr, "racer: run me as the image's owner, not as root\n");
		return 2;
	}
	for (;; round++)
		for (int i = 3; i < argc; i++) {
			const char *fake = fakes[round % 3];
			snprintf(away, sizeof away, "%s.away", argv[i]);
			if (rename(argv[i], away))
				continue;
			if (fake ? symlink(fake, argv[i]) : mkdir(argv[i], 0755))
				perror("racer: cannot create the fake");
			/* a few rounds of nothing: the window hutch may hit */
			for (volatile int spin = 0; spin < 2000; spin++)
				;
			if (fake ? unlink(argv[i]) : rmdir(argv[i]))
				perror("racer: cannot remove the fake");
			if (rename(away, argv[i]))
				perror("racer: cannot put the entry back");
		}
}
