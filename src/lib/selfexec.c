// SPDX-License-Identifier: MIT
/* selfexec.c - the sealed copy hutch runs from before it enters a
 * sandbox or a container (runc 1.1's defence against CVE-2019-5736).
 *
 * Why: a hutch process that enters one is, for a moment, a process of
 * it, and whatever it execs there can be `#!/proc/self/exe`, which the
 * kernel resolves to the binary hutch itself runs from: the host's hutch
 * then runs inside, dumpable again after that exec, and another process
 * there opens it through /proc/PID/exe (O_PATH needs no permission on
 * the file), waits until no process runs it (no more ETXTBSY) and
 * reopens /proc/self/fd/N for writing: the next hutch root runs would be
 * the container's.
 *
 * So the process first copies /proc/self/exe into a memfd, seals it
 * against every write, shrink and grow (and the seals themselves), and
 * execs the memfd by its descriptor: from then on /proc/self/exe is that
 * copy. A write to it fails (EPERM: F_SEAL_WRITE) whoever holds it, and
 * the host's file is not reachable from the process at all. Done once:
 * the copy finds its own seals on /proc/self/exe and returns. */
#include "selfexec.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable despite vm.memfd_noexec=1 */
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define NOEXEC_LINE "vm.memfd_noexec is 2 here: it forbids the executable " \
	"memfd hutch must run from before it enters a sandbox (set it to 0 or 1)"

char **selfexec_argv;

/* The whole file, or an error: a short copy would run half a hutch. */
static int copy_all(int to, int from, off_t size)
{
	off_t done = 0;

	while (done < size) {
		ssize_t n = sendfile(to, from, NULL, (size_t)(size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO; /* EOF early: it shrank */
		done += n;
	}
	return 0;
}

static int make_memfd(void)
{
	const unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
	int fd = memfd_create("hutch", flags | MFD_EXEC);

	/* a kernel before 6.3 does not know MFD_EXEC (EINVAL), and its
	 * memfds are executable anyway */
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("hutch", flags);
	if (fd < 0 && errno == EACCES)
		die(NOEXEC_LINE);
	if (fd < 0)
		die("cannot create a memfd for hutch's sealed copy: %s", error_text(errno));
	return fd;
}

/* An exec by descriptor names the process after it ("memfd:hutch", or
 * the descriptor's number before Linux 6.14): the name it had, argv[0]'s
 * base name as the kernel took it from the path, is given back, so ps,
 * pgrep and pkill still find hutch (or runc). */
static void name_self(void)
{
	const char *base = selfexec_argv[0];

	for (const char *p = base; *p; p++)
		if (*p == '/')
			base = p + 1;
	prctl(PR_SET_NAME, base, 0, 0, 0);
}

void selfexec_sealed(void)
{
	int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), mem, err, seals;
	struct stat st, copy;

	if (exe < 0)
		die("cannot open /proc/self/exe to copy hutch: %s", error_text(errno));
	/* EINVAL on a file that is no memfd: the first run */
	seals = fcntl(exe, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS) {
		close(exe);
		name_self();
		return;
	}
	mem = make_memfd();
	if (fstat(exe, &st))
		die("cannot read /proc/self/exe: %s", error_text(errno));
	err = copy_all(mem, exe, st.st_size);
	if (!err && (fstat(mem, &copy) || copy.st_size != st.st_size))
		err = -EIO;
	if (!err && fcntl(mem, F_ADD_SEALS, SEALS))
		err = -errno;
	if (err)
		die("cannot make hutch's sealed copy: %s", error_text(-err));
	close(exe);
	/* by the descriptor, which is close-on-exec: the new image holds
	 * no descriptor of its own file */
	sys_execveat(mem, "", selfexec_argv, environ, AT_EMPTY_PATH);
	if (errno == EACCES)
		die(NOEXEC_LINE);
	die("cannot run hutch's sealed copy: %s", error_text(errno));
}
