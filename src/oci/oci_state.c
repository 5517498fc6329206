// SPDX-License-Identifier: MIT
/* oci_state.c - [oci] a container's record (ROOT/ID/state), its status
 * as the kernel tells it, and `state`'s JSON. */
#include "oci_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"
#include "units.h"

#ifndef SYS_clock_gettime /* musl 1.2, 32-bit targets: renamed for time64 */
#define SYS_clock_gettime SYS_clock_gettime32
#endif

/* A new file of the record holding text (not a kernel knob: created). */
int oci_record_file(int dir, const char *name, const char *text, size_t len)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
			O_NOFOLLOW, 0600);
	int err;

	if (fd < 0)
		return -errno;
	err = write_all(fd, text, len);
	close(fd);
	return err;
}

/* A value of the record is one line: a control character (a newline
 * above all) in any value could add a line of its own -- a group= naming
 * a host's group for kill --all. The one check of every value written,
 * so that no field, now or later, can forge a line. */
bool oci_one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int oci_state_write(int dir, const struct oci_state *st)
{
	static char text[3 * OCI_PATH_MAX], groups[sizeof st->groups];
	const char *value[] = { st->bundle, st->rootfs, st->created, st->version };
	size_t n = fmt(text, sizeof text, "pid=%ld\nstart=%llu\nbundle=%s\nrootfs=%s\n"
		       "created=%s\nversion=%s\ncgroup=%s\n", st->pid, st->start,
		       st->bundle, st->rootfs, st->created, st->version,
		       OCI_OLD_CGROUP_GUARD);
	char *g, *next;

	/* cgroup=: the guard an older hutch reads (OCI_OLD_CGROUP_GUARD) */
	for (size_t i = 0; i < sizeof value / sizeof *value; i++)
		if (!oci_one_line(value[i]))
			return -EINVAL;
	/* one line a group: each a full path, as it may lie elsewhere in
	 * each hierarchy (a relative cgroupsPath) */
	memcpy(groups, st->groups, sizeof groups);
	for (g = groups; *g && n < sizeof text; g = next) {
		next = g + until_any(g, "\n");
		if (*next) /* the last line may lack its newline */
			*next++ = '\0';
		if (!oci_one_line(g))
			return -EINVAL;
		n += fmt(text + n, sizeof text - n, "group=%s\n", g);
	}
	if (st->unit[0] && oci_one_line(st->unit))
		n += fmt(text + n, sizeof text - n, "unit=%s\n", st->unit);
	return n < sizeof text ? oci_record_file(dir, "state", text, n) : -ENAMETOOLONG;
}

/* One more line of st->groups; false when it has no room. */
bool oci_group_add(struct oci_state *st, const char *path)
{
	size_t used = strlen(st->groups);

	return fmt(st->groups + used, sizeof st->groups - used, "%s\n", path) <
	       sizeof st->groups - used;
}

static void field(char *line, void *arg)
{
	struct oci_state *st = arg;
	char *v = strchr(line, '=');
	uint64_t n;

	if (!v)
		return;
	*v++ = '\0';
	if (!strcmp(line, "pid") && !parse_uint(v, 1u << 30, &n))
		st->pid = (long)n;
	else if (!strcmp(line, "start") && !parse_uint(v, UINT64_MAX, &n))
		st->start = n;
	else if (!strcmp(line, "bundle"))
		fmt(st->bundle, sizeof st->bundle, "%s", v);
	else if (!strcmp(line, "rootfs"))
		fmt(st->rootfs, sizeof st->rootfs, "%s", v);
	else if (!strcmp(line, "created"))
		fmt(st->created, sizeof st->created, "%s", v);
	else if (!strcmp(line, "version"))
		fmt(st->version, sizeof st->version, "%s", v);
	else if (!strcmp(line, "unit"))
		fmt(st->unit, sizeof st->unit, "%s", v);
	else if (!strcmp(line, "group") && v[0] == '/')
		oci_group_add(st, v);
	else if (!strcmp(line, "cgroup") && strcmp(v, OCI_OLD_CGROUP_GUARD) != 0)
		/* a record of an older hutch */
		fmt(st->cgroup_parent, sizeof st->cgroup_parent, "%s", v);
}

int oci_state_read(int dir, struct oci_state *st)
{
	int fd = openat(dir, "state", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int err;

	if (fd < 0)
		return -errno;
	err = each_line_fd(fd, (uint64_t)4 * OCI_PATH_MAX, field, st);
	close(fd);
	return err < 0 ? err : st->pid > 0 ? 0 : -EINVAL;
}

unsigned long long oci_pid_start(long pid)
{
	char path[32], buf[512], *p;
	ssize_t n;
	uint64_t start;

	fmt(path, sizeof path, "/proc/%ld/stat", pid);
	n = read_small_file(AT_FDCWD, path, buf, sizeof buf);
	if (n <= 0)
		return 0;
	/* after the command's ")" (which may hold spaces): state, then
	 * field 22, the start time, is the 20th word */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	p += 2;
	for (int i = 0; i < 19 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return 0;
	p[until_any(p, " ")] = '\0';
	return parse_uint(p, UINT64_MAX, &start) ? 0 : start;
}

/* created while its init waits on the fifo (start removes it), running
 * after, stopped once the process is gone or a zombie. */
enum oci_status oci_status(int dir, const struct oci_state *st)
{
	struct stat sb;

	if (oci_pid_start(st->pid) != st->start)
		return OCI_STOPPED;
	return stat_at(dir, "exec.fifo", &sb, AT_SYMLINK_NOFOLLOW) == 0 ?
	       OCI_CREATED : OCI_RUNNING;
}

const char *oci_status_name(enum oci_status s)
{
	return s == OCI_CREATED ? "created" : s == OCI_RUNNING ? "running" : "stopped";
}

size_t oci_json_escape(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[8];
		size_t k;
		if (c == '"' || c == '\\')
			k = fmt(e, sizeof e, "\\%c", c);
		else if (c < 0x20)
			k = fmt(e, sizeof e, "\\u00%c%c", "0123456789abcdef"[c >> 4],
				"0123456789abcdef"[c & 15]);
		else
			e[0] = (char)c, k = 1;
		if (o + k < size)
			memcpy(out + o, e, k);
		o += k;
	}
	if (size)
		out[o < size ? o : size - 1] = '\0';
	return o;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void civil(long long days, int *y, unsigned *m, unsigned *d)
{
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void oci_time_now(char *buf, size_t size)
{
	struct kernel_timespec ts = { 0, 0 };
	char b[48], *p = b;
	int y;
	unsigned mo, d, sod;

	/* the system call: musl's wrapper brings a vDSO lookup (1 KiB) */
	sys_clock_gettime(CLOCK_REALTIME, &ts);
	civil(ts.tv_sec / 86400, &y, &mo, &d);
	sod = (unsigned)(ts.tv_sec % 86400);
	p += fmt(p, 8, "%d-", y);
	p = two(p, mo);
	*p++ = '-';
	p = two(p, d);
	*p++ = 'T';
	p = two(p, sod / 3600);
	*p++ = ':';
	p = two(p, sod / 60 % 60);
	*p++ = ':';
	p = two(p, sod % 60);
	*p++ = '.';
	for (long div = 100000000; div; div /= 10)
		*p++ = (char)('0' + ts.tv_nsec / div % 10);
	*p++ = 'Z';
	*p = '\0';
	fmt(buf, size, "%s", b);
}

void oci_state_json(int fd, int dir, const struct oci_state *st, const char *status)
{
	static char out[4 * OCI_PATH_MAX + 65536], ann[65536];
	static char bundle[2 * OCI_PATH_MAX], rootfs[2 * OCI_PATH_MAX];
	static char version[6 * sizeof st->version], created[6 * sizeof st->created];
	static char id[6 * OCI_PATH_MAX];
	enum oci_status s = oci_status(dir, st);
	ssize_t an = read_small_file(dir, "annotations", ann, sizeof ann);
	size_t n;
	char pid[40] = "";

	/* state says pid 0 once stopped; a hook's state has none (runc's
	 * omitempty: the runtime spec asks for it only while it runs) */
	if (!status || s != OCI_STOPPED)
		fmt(pid, sizeof pid, "  \"pid\": %ld,\n", s == OCI_STOPPED ? 0L : st->pid);

	oci_json_escape(bundle, sizeof bundle, st->bundle);
	oci_json_escape(rootfs, sizeof rootfs, st->rootfs);
	/* every string escaped, from the record or not: a record someone
	 * rewrote must not add a key to the JSON a hook or shim reads */
	oci_json_escape(version, sizeof version, st->version);
	oci_json_escape(created, sizeof created, st->created);
	oci_json_escape(id, sizeof id, st->id);
	n = fmt(out, sizeof out, "{\n  \"ociVersion\": \"%s\",\n  \"id\": \"%s\",\n"
		"%s  \"status\": \"%s\",\n  \"bundle\": \"%s\",\n"
		"  \"rootfs\": \"%s\",\n  \"created\": \"%s\",\n  \"owner\": \"\"%s%s\n}",
		version, id, pid,
		status ? status : oci_status_name(s), bundle, rootfs, created,
		an > 0 ? ",\n  \"annotations\": " : "", an > 0 ? ann : "");
	if (n < sizeof out)
		write_all(fd, out, n);
}

void oci_state_print(int dir, const struct oci_state *st)
{
	oci_state_json(STDOUT_FILENO, dir, st, NULL);
}
