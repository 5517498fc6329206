// SPDX-License-Identifier: MIT
/* oci_userns.c - [oci] a user namespace in linux.namespaces, with
 * linux.uidMappings and gidMappings (rootless Podman's shape). create
 * clones the container's process into new user and PID namespaces at
 * once (the user namespace then owns the PID namespace and every one
 * the process makes after it), writes the maps from outside as runc
 * does when it runs as root (no newuidmap: root may map any ids; and no
 * setgroups deny, which the kernel asks of an unprivileged writer
 * only), then lets the process go on (oci_init.c). */
#include "oci_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sys.h"

/* the kernel takes at most 340 lines (Linux 4.15; 5 before): hutch
 * keeps what fits in spec->id_map */
void oci_id_map(unsigned t, struct oci_spec *spec, int gid)
{
	const char *field = gid ? "linux.gidMappings" : "linux.uidMappings";
	char *map = spec->id_map[gid];
	size_t len = 0;

	if (!spec->userns)
		die("config.json: %s: needs a user namespace in linux.namespaces", field);
	bool root = false;

	for (unsigned i = t ? json_first(&oci_j, oci_need(t, JSON_ARRAY, field)) : 0; i;
	     i = json_next(&oci_j, i)) {
		unsigned c, h, s;
		uint64_t cv, hv, sv;
		oci_need(i, JSON_OBJECT, field);
		oci_only(i, OCI_SPEC(LinuxIDMapping, "containerID\0hostID\0size\0", ""), field);
		c = oci_member(i, "containerID", field);
		h = oci_member(i, "hostID", field);
		s = oci_member(i, "size", field);
		if (!c || !h || !s)
			die("config.json: %s[]: containerID, hostID and size are "
			    "required", field);
		cv = oci_unum(c, UINT32_MAX - 1, field);
		hv = oci_unum(h, UINT32_MAX - 1, field);
		sv = oci_unum(s, UINT32_MAX, field);
		len += fmt(map + len, sizeof spec->id_map[0] - len, "%llu %llu %llu\n",
			   (unsigned long long)cv, (unsigned long long)hv,
			   (unsigned long long)sv);
		if (len >= sizeof spec->id_map[0])
			die("config.json: %s: too many entries for hutch oci", field);
		if (cv == 0 && sv && hv <= UINT32_MAX - 1) {
			root = true;
			spec->userns_root[gid] = (uint32_t)hv;
		}
	}
	if (!len)
		die("config.json: %s: a user namespace needs at least one entry "
		    "(as runc)", field);
	/* as runc: the container's root sets it up, and the exec fifo is
	 * made its own (oci_create.c) */
	if (!root)
		die("config.json: %s: no entry maps the container's root (containerID "
		    "0)", field);
}

int oci_userns_map(const struct oci_spec *spec, pid_t pid)
{
	char dir[24];
	int fd, err;

	fmt(dir, sizeof dir, "/proc/%d", (int)pid);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* each map in one write(2), as the kernel requires */
	err = write_knob(fd, "uid_map", spec->id_map[0]);
	if (!err)
		err = write_knob(fd, "gid_map", spec->id_map[1]);
	close(fd);
	return err;
}
