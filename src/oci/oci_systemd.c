// SPDX-License-Identifier: MIT
/* oci_systemd.c - [oci] --systemd-cgroup where systemd runs: the
 * container's scope made and stopped by systemd, as runc's systemd
 * driver has it made (v1.1.5 libcontainer/cgroups/systemd), over
 * systemd's private socket: as root no bus daemon is needed there, and
 * no Hello; systemd sends its signals (JobRemoved) to every connection
 * of that socket. Every wait is bounded by runc's 30 seconds, in poll. */
#include "oci_systemd.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "sys.h"

#define JOB_MS 30000 /* runc's driver waits as long for a job's end */

static uint8_t in[65536]; /* one message of systemd's; longer ones are skipped */
static uint8_t out[8192]; /* StartTransientUnit with 48 DeviceAllow entries */
static uint32_t serial;

bool oci_systemd_runs(void)
{
	struct stat sb;

	return !stat("/run/systemd/system", &sb) && S_ISDIR(sb.st_mode);
}

/* What went wrong, in words where error_text has only a number. */
static const char *why(int err)
{
	return err == -ETIMEDOUT    ? "no answer in time"
	       : err == -EPROTO     ? "an answer that is no D-Bus message"
	       : err == -ECONNRESET ? "the connection closed"
	       : err == -EACCES     ? "authentication or Subscribe refused"
				    : error_text(-err);
}

/* n bytes into p before the deadline, or -errno (-ETIMEDOUT; -ECONNRESET
 * when systemd closed the connection). */
static int fill(int fd, uint8_t *p, size_t n, uint64_t deadline)
{
	while (n) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		uint64_t now = monotonic_ms();
		ssize_t got;
		int r = now < deadline ? poll(&pfd, 1, (int)(deadline - now)) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r ? -errno : -ETIMEDOUT;
		got = read(fd, p, n);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return got ? -errno : -ECONNRESET;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

static int send_all(int fd, const void *p, size_t n)
{
	while (n) {
		/* MSG_NOSIGNAL: a systemd gone is an error here, no SIGPIPE */
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -errno;
		p = (const uint8_t *)p + k;
		n -= (size_t)k;
	}
	return 0;
}

/* The next message of systemd's into m; one longer than the buffer (no
 * answer or JobRemoved is) is read away and left as type 0. */
static int receive(int fd, struct sdbus_msg *m, uint64_t deadline)
{
	int err = fill(fd, in, 16, deadline);
	long total = err ? 0 : sdbus_length(in);

	m->type = 0;
	if (err || total < 0)
		return err ? err : -EPROTO;
	if ((size_t)total > sizeof in) {
		for (size_t left = (size_t)total - 16, k; left && !err; left -= k) {
			k = left < sizeof in ? left : sizeof in;
			err = fill(fd, in, k, deadline);
		}
		return err;
	}
	err = fill(fd, in + 16, (size_t)total - 16, deadline);
	return err ? err : sdbus_parse(in, (size_t)total, m) ? -EPROTO : 0;
}

/* Reads up to the answer to call s (a return or an error). Signals
 * before it belong to no job of ours yet: systemd answers a call before
 * the job it made can end. */
static int answer(int fd, uint32_t s, struct sdbus_msg *m, uint64_t deadline)
{
	int err;

	while ((err = receive(fd, m, deadline)) == 0)
		if ((m->type == 2 || m->type == 3) && m->reply_serial == s)
			return 0;
	return err;
}

/* Sends the n bytes of out, the call of serial, and reads its answer. */
static int call(int fd, size_t n, struct sdbus_msg *m, uint64_t deadline)
{
	int err = n ? send_all(fd, out, n) : -ENAMETOOLONG;

	return err ? err : answer(fd, serial, m, deadline);
}

/* SASL EXTERNAL: the server checks the socket's peer credentials
 * against the uid we name, in hex of its decimal digits. BEGIN goes in
 * the same write, as sd-bus's own clients send it: systemd reads both
 * lines at once, and our first call, sent once its OK is read, comes on
 * its own. A call that came in the read that held BEGIN would sit in
 * systemd 252's buffer unread until more bytes came (seen in the guest
 * of tests/qemu/90-amd64-systemd.t, about one connection in two). */
static int auth(int fd, uint64_t deadline)
{
	static const char hex[] = "0123456789abcdef";
	char line[256], uid[16];
	size_t len = fmt(uid, sizeof uid, "%u", (unsigned)getuid()), n = 0;
	int err;

	line[n++] = '\0'; /* the credentials byte: the kernel has the peer's anyway */
	memcpy(line + n, "AUTH EXTERNAL ", 14);
	n += 14;
	for (size_t i = 0; i < len; i++) {
		line[n++] = hex[(unsigned char)uid[i] >> 4];
		line[n++] = hex[uid[i] & 15];
	}
	memcpy(line + n, "\r\nBEGIN\r\n", 9);
	err = send_all(fd, line, n + 9);
	for (n = 0; !err && n < sizeof line - 1; n++)
		if ((err = fill(fd, (uint8_t *)line + n, 1, deadline)) == 0 && line[n] == '\n')
			break;
	if (err)
		return err;
	if (n == sizeof line - 1 || strncmp(line, "OK ", 3) != 0)
		return -EACCES; /* REJECTED: not the uid the socket shows */
	return 0;
}

static int open_bus(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = SDBUS_SOCKET };
	uint64_t deadline = monotonic_ms() + JOB_MS;
	struct sdbus_msg m;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	/* a systemd that accepts no more connections: connect(2) of a unix
	 * socket waits for room in its backlog as long as a send may */
	struct timeval limit = { JOB_MS / 1000, 0 };
	err = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) ||
	      connect(fd, (struct sockaddr *)&a, sizeof a) ? -errno : auth(fd, deadline);
	/* Subscribe: on this socket systemd signals every job anyway;
	 * asked so that one of another kind would too */
	if (!err)
		err = call(fd, sdbus_subscribe(out, sizeof out, ++serial), &m, deadline);
	if (!err && m.type == 3)
		err = -EACCES;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int oci_systemd_connect(void)
{
	int fd = open_bus();

	if (fd < 0)
		die("--systemd-cgroup: systemd runs this host, but its socket %s cannot be "
		    "used (%s): hutch oci asks systemd there for the container's scope, as "
		    "root; else have the engine use cgroupfs (containerd: SystemdCgroup = "
		    "false, kubelet: cgroupDriver: cgroupfs, Podman: --cgroup-manager "
		    "cgroupfs)", SDBUS_SOCKET, why(fd));
	return fd;
}

/* Reads up to JobRemoved of job: its result "done", or -1 (said). */
static int wait_job(int fd, const char *job, const char *unit, const char *what,
		    uint64_t deadline)
{
	struct sdbus_msg m;
	const char *j, *result;
	int err;

	while ((err = receive(fd, &m, deadline)) == 0)
		if (sdbus_job_removed(&m, &j, &result) && !strcmp(j, job)) {
			if (!strcmp(result, "done"))
				return 0;
			log_error("--systemd-cgroup: systemd's job to %s %s ended \"%s\", not "
				  "done (journalctl -u %s says why)", what, unit, result, unit);
			return -1;
		}
	log_error("--systemd-cgroup: no end of systemd's job to %s %s: %s", what, unit,
		  why(err));
	return -1;
}

/* The answer to a StartTransientUnit or StopUnit: its job into job
 * (0), the unit's systemd error name (1: the caller judges it), or -1
 * (said). */
static int job_of(int fd, size_t n, const char *unit, const char *what, char *job,
		  size_t size, struct sdbus_msg *m, uint64_t deadline)
{
	int err = call(fd, n, m, deadline);
	const char *s = err ? NULL : sdbus_first_string(m);

	if (err)
		log_error("--systemd-cgroup: no answer from systemd on %s to %s %s: %s",
			  SDBUS_SOCKET, what, unit, why(err));
	else if (m->type == 3 && m->error)
		return 1;
	else if (!s || m->type != 2 || fmt(job, size, "%s", s) >= size)
		log_error("--systemd-cgroup: systemd's answer to %s %s holds no job", what, unit);
	else
		return 0;
	return -1;
}

#define UNIT_EXISTS "org.freedesktop.systemd1.UnitExists"

/* StopUnit and the wait for its job, then ResetFailedUnit (its answer
 * awaited a moment only): the unit goes, failed or not, as runc's
 * driver stops and resets it. NoSuchUnit is no error: systemd stops
 * and unloads a scope itself once its processes all ended. */
static void stop_unit(int fd, const char *unit)
{
	uint64_t deadline = monotonic_ms() + JOB_MS;
	struct sdbus_msg m;
	char job[128];
	int r = job_of(fd, sdbus_stop(out, sizeof out, ++serial, unit), unit, "stop", job,
		       sizeof job, &m, deadline);

	if (r == 1 && strcmp(m.error, "org.freedesktop.systemd1.NoSuchUnit") != 0)
		log_error("--systemd-cgroup: systemd refused to stop %s: %s: %s", unit,
			  m.error, sdbus_first_string(&m) ? sdbus_first_string(&m) : "");
	if (r == 0)
		wait_job(fd, job, unit, "stop", deadline);
	if (r != 1)
		call(fd, sdbus_reset(out, sizeof out, ++serial, unit), &m,
		     monotonic_ms() + 1000);
}

int oci_systemd_start(int fd, const struct sdbus_unit *u)
{
	uint64_t deadline = monotonic_ms() + JOB_MS;
	struct sdbus_msg m;
	char job[128];
	int r;

	/* a unit of that name: a failed one left loaded is reset and the
	 * start asked once more; an active one is another's (runc 1.1.5
	 * goes on with it, its properties stale: a daemon-reload then
	 * writes its old limits over the container's) */
	for (int tries = 0;; tries++) {
		r = job_of(fd, sdbus_start(out, sizeof out, ++serial, u), u->name, "start",
			   job, sizeof job, &m, deadline);
		if (r != 1 || strcmp(m.error, UNIT_EXISTS) != 0 || tries)
			break;
		call(fd, sdbus_reset(out, sizeof out, ++serial, u->name), &m, deadline);
	}
	if (r == 1 && !strcmp(m.error, UNIT_EXISTS))
		log_error("--systemd-cgroup: systemd has a unit %s already, and it is "
			  "not failed (systemctl status %s): each container's scope is its "
			  "own", u->name, u->name);
	else if (r == 1)
		log_error("--systemd-cgroup: systemd refused the scope %s: %s: %s", u->name,
			  m.error, sdbus_first_string(&m) ? sdbus_first_string(&m) : "");
	if (r || !wait_job(fd, job, u->name, "start", deadline))
		return r ? -1 : 0;
	/* asked for but not started (said): it goes, so no failed or
	 * half-made unit stays loaded with the container's name */
	stop_unit(fd, u->name);
	return -1;
}

void oci_systemd_stop(const char *unit)
{
	int fd = open_bus();

	if (fd < 0) {
		log_error("--systemd-cgroup: cannot ask systemd on %s to stop %s: %s",
			  SDBUS_SOCKET, unit, why(fd));
		return;
	}
	stop_unit(fd, unit);
	close(fd);
}

/* /proc/devices' name of a major ("136 pts" in its Character or Block
 * part): systemd takes "char-NAME" for every minor of it. */
struct group_of {
	char type; /* 'c' or 'b': the part read now, 0 before either */
	char want;
	unsigned major;
	char name[32];
};

static void devices_line(char *line, void *arg)
{
	struct group_of *g = arg;
	char *end;
	unsigned long major;

	if (!strncmp(line, "Character", 9) || !strncmp(line, "Block", 5)) {
		g->type = line[0] == 'C' ? 'c' : 'b';
		return;
	}
	while (*line == ' ')
		line++;
	major = strtoul(line, &end, 10);
	/* the first name of the major, as runc's findDeviceGroup takes it */
	if (g->type == g->want && end != line && *end == ' ' && major == g->major &&
	    !g->name[0])
		fmt(g->name, sizeof g->name, "%s", end + 1);
}

/* One entry's path as runc's driver names it; false when systemd has
 * no name for it (a wildcard major with a minor; a major /proc/devices
 * lacks): runc leaves those out with a warning, and so does hutch. */
static bool device_path(const struct dev_rule *r, struct sdbus_dev *d)
{
	const char *kind = r->type == 'b' ? "block" : "char";
	struct group_of g = { 0, r->type, r->major, "" };

	if (r->major == DEV_ANY && r->minor != DEV_ANY)
		return false;
	if (r->major == DEV_ANY)
		fmt(d->path, sizeof d->path, "%s-*", kind);
	else if (r->minor == DEV_ANY) {
		if (each_line("/proc/devices", devices_line, &g) || !g.name[0])
			return false;
		fmt(d->path, sizeof d->path, "%s-%s", kind, g.name);
	} else
		fmt(d->path, sizeof d->path, "/dev/%s/%u:%u", kind, r->major, r->minor);
	return true;
}

/* d's access with bits added: systemd keeps one DeviceAllow a path,
 * the last one given, where v1's list adds them up (a linux.devices
 * node's "m" and config.json's "rw" of the same device) */
static void add_access(struct sdbus_dev *d, unsigned bits)
{
	size_t n = 0;

	for (const char *c = d->access; *c; c++)
		bits |= *c == 'r' ? DEV_READ : *c == 'w' ? DEV_WRITE : DEV_MKNOD;
	if (bits & DEV_READ)
		d->access[n++] = 'r';
	if (bits & DEV_WRITE)
		d->access[n++] = 'w';
	if (bits & DEV_MKNOD)
		d->access[n++] = 'm';
	d->access[n] = '\0';
}

size_t oci_systemd_devices(const struct config *cfg, const struct runtime *rt,
			   struct sdbus_dev *dev, bool *all)
{
	const struct dev_rule *r;
	size_t n = 0, k;

	*all = false;
	for (size_t i = 0; (r = cgroup_devices_rule(cfg, rt, i)) && n < SDBUS_MAX_DEVICES; i++) {
		if (r->type == 'a') {
			*all = true;
			continue;
		}
		if (!device_path(r, &dev[n])) {
			log_warn("--systemd-cgroup: no DeviceAllow name for device rule %c %d:%d "
				 "(systemd would not keep it over a daemon-reload)", r->type,
				 r->major == DEV_ANY ? -1 : (int)r->major,
				 r->minor == DEV_ANY ? -1 : (int)r->minor);
			continue;
		}
		for (k = 0; k < n && strcmp(dev[k].path, dev[n].path) != 0; k++)
			;
		if (k == n)
			dev[n++].access[0] = '\0';
		add_access(&dev[k], r->access);
	}
	return n;
}
