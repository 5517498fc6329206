/* dev.c - a minimal /dev: a small tmpfs holding only the host's harmless
 * character devices (bind-mounted, so no mknod is needed and nothing new
 * reaches the hardware), a private devpts and a /dev/shm. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mounts.h"

/* NUL-separated strings rather than pointer arrays: smaller. */
static const char devices[] = "null\0zero\0full\0random\0urandom\0tty\0";

/* Pairs: the link in /dev, then what it points to. */
static const char links[] = "fd\0/proc/self/fd\0stdin\0/proc/self/fd/0\0"
			    "stdout\0/proc/self/fd/1\0stderr\0/proc/self/fd/2\0"
			    "ptmx\0pts/ptmx\0";

static const char *next_word(const char *s)
{
	return s + strlen(s) + 1;
}

static void bind_device(const char *name)
{
	char host[32], here[32];
	int fd;

	fmt(host, sizeof host, "/dev/%s", name);
	fmt(here, sizeof here, "dev/%s", name);
	fd = open(here, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		die("cannot create /%s: %s", here, error_text(errno));
	close(fd);
	if (mount(host, here, NULL, MS_BIND, NULL) == 0)
		return;
	if (errno == ENOENT)
		die("the host has no %s: mount devtmpfs on /dev (kernel option "
		    "CONFIG_DEVTMPFS)", host);
	die("cannot bind %s into the sandbox: %s", host, error_text(errno));
}

/* A pty instance of the sandbox's own (newinstance): it sees none of the
 * host's terminals. A kernel without ptys (CONFIG_UNIX98_PTYS=n, as on
 * some routers) is no reason to refuse a service that needs none. */
static void mount_devpts(void)
{
	if (mkdir("dev/pts", 0755))
		die("cannot create /dev/pts: %s", error_text(errno));
	if (mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") == 0)
		return;
	if (errno != ENODEV)
		die("cannot mount devpts on /dev/pts: %s", error_text(errno));
	log_info("no devpts in this kernel (CONFIG_UNIX98_PTYS): the sandbox "
		 "has no ptys");
}

/* --device PATH: the host's node, bound as /dev/NAME like the standard
 * ones; the launcher checked that PATH is a device node, and the cgroup
 * allows it (cgroup_devices.c). */
void dev_add(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const char *path = cfg->device_path[i];
		char here[48];
		int fd;

		fmt(here, sizeof here, "dev/%s", strrchr(path, '/') + 1);
		fd = open(here, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) || mount(path, here, NULL, MS_BIND, NULL))
			die("--device %s: cannot bind it as /%s: %s", path, here,
			    error_text(errno));
	}
}

void dev_setup(void)
{
	mount_point("dev", true, true);
	/* nodev on the tmpfs itself: a node created in it later (mknod needs
	 * CAP_MKNOD anyway) opens nothing; the bound devices are mounts of
	 * their own and keep working. */
	mount_or_die("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=755,size=64k");
	for (const char *d = devices; *d; d = next_word(d))
		bind_device(d);
	mount_devpts();
	for (const char *l = links; *l; l = next_word(next_word(l))) {
		char here[16];
		fmt(here, sizeof here, "dev/%s", l);
		if (symlink(next_word(l), here))
			die("cannot create /%s: %s", here, error_text(errno));
	}
	if (mkdir("dev/shm", 01777))
		die("cannot create /dev/shm: %s", error_text(errno));
	mount_or_die("tmpfs", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777");
	log_debug("/dev: null zero full random urandom tty, pts, shm");
}
