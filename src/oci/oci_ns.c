// SPDX-License-Identifier: MIT
/* oci_ns.c - [oci] linux.namespaces entries with a path: the container
 * joins an existing namespace (setns(2) on the opened /proc/PID/ns/NAME
 * file) instead of making a new one, as every Kubernetes pod container
 * joins its sandbox's network, IPC and UTS namespaces (and its PID one
 * with shareProcessNamespace).
 *
 * The file is opened and judged while config.json is read, in create:
 * a wrong path is refused before anything exists. The joins happen
 * where the new namespaces would be made: the PID namespace in create
 * itself (a PID namespace, joined or new, holds only the children made
 * after it), the others in the container's first process before its
 * mounts, so that the /proc and /sys it mounts are of the namespaces it
 * lives in.
 *
 * linux.sysctl is written there too, through /proc/sys: a knob of a
 * namespace (net.*, the IPC ones, kernel.domainname) is the one of the
 * writer's namespace, whichever /proc it goes through, so the values
 * land in the container's namespaces before its own /proc exists (and
 * before hutch makes /proc/sys read-only). */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "sandbox.h"
#include "sys.h"

static const int ns_flag[OCI_NS_N] = { CLONE_NEWPID, CLONE_NEWIPC, CLONE_NEWUTS,
				       CLONE_NEWNET, CLONE_NEWNS };
static const char *const ns_name[OCI_NS_N] = { "pid", "ipc", "uts", "network",
					       "mount" };

/* Whether fd is the namespace of kind k that this process is in. */
static bool own_namespace(int fd, int k)
{
	static const char *const proc_name[OCI_NS_N] = { "pid", "ipc", "uts", "net", "mnt" };
	char own[32];
	struct stat a, b;

	fmt(own, sizeof own, "/proc/self/ns/%s", proc_name[k]);
	return !fstat(fd, &a) && !stat(own, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

void oci_ns_open(struct oci_spec *spec, int k, const char *path)
{
	struct statfs fs;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), type;

	if (fd < 0)
		die("config.json: linux.namespaces: %s: path %s: %s", ns_name[k], path,
		    error_text(errno));
	/* nsfs first: the ioctl's number could mean something else to a
	 * device's driver; on nsfs it answers the CLONE_NEW* kind */
	if (fstatfs(fd, &fs) || fs.f_type != NSFS_MAGIC ||
	    (type = ioctl(fd, NS_GET_NSTYPE)) < 0)
		die("config.json: linux.namespaces: %s: path %s is not a namespace "
		    "file (/proc/PID/ns/...)", ns_name[k], path);
	for (int i = 0; i < OCI_NS_N; i++)
		if (type != ns_flag[k] && type == ns_flag[i])
			die("config.json: linux.namespaces: %s: path %s is a %s "
			    "namespace", ns_name[k], path, ns_name[i]);
	if (type != ns_flag[k])
		die("config.json: linux.namespaces: %s: path %s is another kind "
		    "of namespace", ns_name[k], path);
	if (spec->join[k] || spec->host_ns[k])
		die("config.json: linux.namespaces: %s: given twice", ns_name[k]);
	/* the runtime's own namespace by path (/proc/self/ns/uts) is the
	 * host's, as if left out: its checks hold (no hostname, no IPC or
	 * UTS sysctl there; never the host's mount namespace) */
	if (k != OCI_NS_NET && own_namespace(fd, k)) {
		if (k == OCI_NS_MNT)
			die("config.json: linux.namespaces: mount: path %s is the runtime's "
			    "own: hutch oci never mounts in the host's mount namespace", path);
		close(fd);
		spec->host_ns[k] = true;
		return;
	}
	spec->join[k] = fd + 1;
}

static void join(const struct oci_spec *spec, int k)
{
	if (setns(spec->join[k] - 1, ns_flag[k]))
		die("cannot join the %s namespace of linux.namespaces: %s", ns_name[k],
		    error_text(errno));
	close(spec->join[k] - 1);
}

static void new(int k)
{
	if (unshare(ns_flag[k]))
		die("cannot create a %s namespace: %s", ns_name[k], error_text(errno));
}

static int own_pid_ns = -1;

int oci_ns_pid(const struct oci_spec *spec)
{
	own_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (own_pid_ns < 0)
		return -1;
	if (spec->userns || spec->host_ns[OCI_NS_PID])
		return 0; /* made with the user namespace (oci_create.c), or the host's */
	return spec->join[OCI_NS_PID] ? setns(spec->join[OCI_NS_PID] - 1, CLONE_NEWPID)
				      : unshare(CLONE_NEWPID);
}

/* create's later children (the hooks) in its own PID namespace again:
 * the namespace of one's children may be set back to one's own */
void oci_ns_pid_back(void)
{
	if (setns(own_pid_ns, CLONE_NEWPID))
		die("cannot return to the runtime's PID namespace: %s", error_text(errno));
	close(own_pid_ns);
}

/* Whether the network namespace joined is create's own (the host's). */
static bool host_net(const struct oci_spec *spec)
{
	struct stat a, b;

	return !fstat(spec->join[OCI_NS_NET] - 1, &a) && !stat("/proc/self/ns/net", &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* runc's rule (libcontainer/configs/validate): the knobs of the IPC
 * namespace, of the UTS one (domainname; hostname is the hostname
 * field's) and of the network one, each when the container has its own
 * (new or joined; left out, it is the host's). */
static void sysctl_allowed(const struct oci_spec *spec, const struct config *cfg,
			   const char *key)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb",
		"kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
		"kernel.shmmni", "kernel.shm_rmid_forced" };

	bool is_ipc = !strncmp(key, "fs.mqueue.", 10);

	for (size_t i = 0; i < sizeof ipc / sizeof ipc[0]; i++)
		is_ipc |= !strcmp(key, ipc[i]);
	if (is_ipc || !strcmp(key, "kernel.domainname")) {
		if (spec->host_ns[is_ipc ? OCI_NS_IPC : OCI_NS_UTS])
			die("config.json: linux.sysctl: %s: the container has the host's %s "
			    "namespace (give linux.namespaces an %s entry), as runc", key,
			    is_ipc ? "IPC" : "UTS", is_ipc ? "ipc" : "uts");
		return;
	}
	if (!strcmp(key, "kernel.hostname"))
		die("config.json: linux.sysctl: kernel.hostname: use the hostname field");
	if (strncmp(key, "net.", 4) != 0)
		die("config.json: linux.sysctl: %s is not in a namespace of the "
		    "container's own (only net.*, the IPC ones and "
		    "kernel.domainname are)", key);
	if (!(spec->join[OCI_NS_NET] ? !host_net(spec) : cfg->net_none))
		die("config.json: linux.sysctl: %s: the container has the host's "
		    "network namespace (give linux.namespaces a network entry)", key);
}

void oci_sysctl_add(struct oci_spec *spec, const struct config *cfg, char *key,
		    const char *value)
{
	/* a dot per level; '/' or an empty level could leave /proc/sys */
	for (char *c = key, prev = '.'; *c || prev == '.'; prev = *c++)
		if (*c == '/' || ((*c == '.' || !*c) && prev == '.'))
			die("config.json: linux.sysctl: '%s' is not a sysctl name", key);
	sysctl_allowed(spec, cfg, key);
	if (spec->n_sysctl == OCI_MAX_SYSCTL)
		die("config.json: linux.sysctl: more than %d", OCI_MAX_SYSCTL);
	for (char *c = key; *c; c++)
		if (*c == '.')
			*c = '/';
	spec->sysctl[spec->n_sysctl][0] = key;
	spec->sysctl[spec->n_sysctl++][1] = value;
}

/* One checked write(2) per value, as runc writes it (no newline). */
static void sysctl_write(const char *key, const char *value)
{
	char path[4200];
	int fd;
	ssize_t n;

	fmt(path, sizeof path, "/proc/sys/%s", key);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || (n = write(fd, value, strlen(value))) != (ssize_t)strlen(value))
		die("linux.sysctl: cannot write %s: %s", path, fd < 0 || n < 0 ?
		    error_text(errno) : "a short write");
	close(fd);
}

void oci_ns_enter(const struct config *cfg, const struct oci_spec *spec)
{
	/* a mount namespace joined by path is built in as runc builds it:
	 * the root switch and the mounts change it for every process in it
	 * (docs/oci.md) */
	if (spec->join[OCI_NS_MNT])
		join(spec, OCI_NS_MNT);
	else
		new(OCI_NS_MNT);
	for (int k = OCI_NS_IPC; k < OCI_NS_MNT; k++)
		if (spec->join[k])
			join(spec, k);
		else if (!spec->host_ns[k] && (k != OCI_NS_NET || cfg->net_none))
			new(k);
	if (!spec->join[OCI_NS_NET] && cfg->net_none)
		sandbox_loopback_up();
	/* as runc: a hostname given is set in a joined namespace too (CRI
	 * engines give each container of a pod the pod's name); absent, the
	 * joined one keeps its own */
	if (!((spec->join[OCI_NS_UTS] || spec->host_ns[OCI_NS_UTS]) && spec->host_hostname) &&
	    sethostname(cfg->hostname, strlen(cfg->hostname)))
		die("cannot set the hostname: %s", error_text(errno));
	for (size_t i = 0; i < spec->n_sysctl; i++)
		sysctl_write(spec->sysctl[i][0], spec->sysctl[i][1]);
}
