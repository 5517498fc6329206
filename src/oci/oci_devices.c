// SPDX-License-Identifier: MIT
/* oci_devices.c - [oci] linux.devices: the device nodes config.json
 * asks for in the container's /dev, with runc's semantics (a node of
 * that type and numbers, fileMode's permission bits or 0666, uid and
 * gid or 0); dev.c makes them. The cgroup's device list is not
 * touched: as under runc, linux.resources.devices decides what the
 * container may open. */
#include "oci_walk.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "log.h"
#include "sys.h"

/* hutch's own entries of /dev (dev.c): the host's nodes bound in, its
 * links, its mounts */
static const char own[] = "null\0zero\0full\0random\0urandom\0tty\0fd\0stdin\0"
			  "stdout\0stderr\0ptmx\0pts\0shm\0";

/* A name below /dev/: no empty component, no . or .. */
static bool plain_name(const char *n)
{
	for (const char *c = n; *c; c = strchr(c, '/') ? strchr(c, '/') + 1 : "") {
		size_t len = strcspn(c, "/");
		if (!len || (c[0] == '.' && (len == 1 || (len == 2 && c[1] == '.'))))
			return false;
	}
	return *n != 0;
}

/* One of hutch's own nodes listed as the very device it is (runc's
 * defaults are in many specs): the host's node is there already */
static bool same_as_own(const struct dev_node *d)
{
	char host[24];
	struct stat st;
	int i = nul_list_index(d->name, own);

	fmt(host, sizeof host, "/dev/%s", d->name);
	return i >= 0 && i < 6 && S_ISCHR(d->mode) &&
	       stat(host, &st) == 0 && S_ISCHR(st.st_mode) &&
	       major(st.st_rdev) == d->major && minor(st.st_rdev) == d->minor;
}

static unsigned node_type(unsigned t)
{
	static const char types[] = "c\0u\0b\0p\0";
	static const unsigned mode[] = { S_IFCHR, S_IFCHR, S_IFBLK, S_IFIFO };
	const char *ty = oci_str(t, "linux.devices[].type");
	int i = nul_list_index(ty, types);

	if (i >= 0)
		return mode[i];
	die("config.json: linux.devices[].type '%s': write c, u, b or p", ty);
}

static void one_device(unsigned t, struct config *cfg)
{
	struct dev_node *d = &cfg->dev_nodes[cfg->n_dev_nodes];
	unsigned v;
	const char *path;

	oci_need(t, JSON_OBJECT, "linux.devices[]");
	oci_only(t, OCI_SPEC(LinuxDevice, "path\0type\0major\0minor\0fileMode\0uid\0gid\0", ""),
		 "linux.devices[]");
	v = oci_member(t, "path", "linux.devices[]");
	path = v ? oci_str(v, "linux.devices[].path") : "";
	if (strncmp(path, "/dev/", 5) != 0 || !plain_name(path + 5))
		die("config.json: linux.devices[].path '%s': hutch oci makes device "
		    "nodes in its /dev only: write /dev/NAME", path);
	d->name = path + 5;
	v = oci_member(t, "type", "linux.devices[]");
	if (!v)
		die("config.json: linux.devices: %s: type required (c, u, b or p)", path);
	d->mode = node_type(v);
	/* the numbers of a fifo mean nothing to mknod(2) */
	v = oci_member(t, "major", "linux.devices[]");
	if (!v && d->mode != S_IFIFO)
		die("config.json: linux.devices: %s: major required", path);
	d->major = v ? (unsigned)oci_unum(v, 4095, "linux.devices[].major (0-4095)") : 0;
	v = oci_member(t, "minor", "linux.devices[]");
	if (!v && d->mode != S_IFIFO)
		die("config.json: linux.devices: %s: minor required", path);
	d->minor = v ? (unsigned)oci_unum(v, 1048575, "linux.devices[].minor (0-1048575)") : 0;
	v = oci_member(t, "fileMode", "linux.devices[]");
	/* runc: the type bits of fileMode dropped, 0666 without one */
	d->mode |= v ? (unsigned)oci_unum(v, 0177777, "linux.devices[].fileMode") & 07777
		     : 0666;
	v = oci_member(t, "uid", "linux.devices[]");
	d->uid = v ? (unsigned)oci_unum(v, 0xfffffffe, "linux.devices[].uid") : 0;
	v = oci_member(t, "gid", "linux.devices[]");
	d->gid = v ? (unsigned)oci_unum(v, 0xfffffffe, "linux.devices[].gid") : 0;
	for (size_t i = 0; i < cfg->n_dev_nodes; i++)
		if (!strcmp(cfg->dev_nodes[i].name, d->name))
			die("config.json: linux.devices: %s given twice", path);
	if (same_as_own(d))
		return;
	for (const char *o = own; *o; o += strlen(o) + 1)
		if (!strcmp(d->name, o) || (!strncmp(d->name, o, strlen(o)) &&
					    d->name[strlen(o)] == '/'))
			die("config.json: linux.devices: %s: hutch makes it itself "
			    "(the host's node, a link or a mount): remove the entry",
			    path);
	cfg->n_dev_nodes++;
}

void oci_devices(unsigned t, struct config *cfg, bool userns)
{
	for (unsigned i = json_first(&oci_j, oci_need(t, JSON_ARRAY, "linux.devices")); i;
	     i = json_next(&oci_j, i)) {
		/* the namespace's root may not mknod(2); runc binds the
		 * host's node at the same path instead */
		if (userns)
			die("config.json: linux.devices with a user namespace is not "
			    "supported by hutch oci: remove the entries or the "
			    "namespace");
		if (cfg->n_dev_nodes == CONFIG_MAX_DEV_NODES)
			die("config.json: linux.devices: more than %d", CONFIG_MAX_DEV_NODES);
		one_device(i, cfg);
	}
	/* mknod(2) of the nodes, by the container's process once it is in
	 * its groups (pid1/dev.c): allowed for the listed numbers only.
	 * runc allows every container mknod of any node ("c *:* m",
	 * "b *:* m"); with CAP_MKNOD that lets the container's root make a
	 * host device's node on a host-backed volume, which a host user or
	 * a later container may then open. Opening a node still takes an
	 * allow entry with r or w; a fifo is no device to the cgroup. */
	for (size_t i = 0; i < cfg->n_dev_nodes; i++) {
		const struct dev_node *d = &cfg->dev_nodes[i];

		if (S_ISFIFO(d->mode))
			continue;
		if (cfg->n_dev_rules == CONFIG_MAX_DEV_RULES)
			die("config.json: linux.resources.devices and linux.devices: more "
			    "than %d allow entries with one for each device node: list "
			    "fewer", CONFIG_MAX_DEV_RULES);
		cfg->dev_rules[cfg->n_dev_rules++] = (struct dev_rule){
			S_ISBLK(d->mode) ? 'b' : 'c', DEV_MKNOD, d->major, d->minor
		};
	}
}
