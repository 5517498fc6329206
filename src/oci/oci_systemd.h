/* SPDX-License-Identifier: MIT */
/* oci_systemd.h - [oci] --systemd-cgroup where systemd runs: the
 * container's scope unit asked of systemd over D-Bus, as runc's systemd
 * driver asks for it (StartTransientUnit, StopUnit), on systemd's private
 * socket. The messages and the parser are pure (tests/unit/sdbus.c). */
#ifndef HUTCH_OCI_SYSTEMD_H
#define HUTCH_OCI_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDBUS_SOCKET "/run/systemd/private"

/* One DeviceAllow entry: "/dev/char/1:3", "char-pts", "block-*"; "rwm" */
struct sdbus_dev {
	char path[48];
	char access[4];
};
#define SDBUS_MAX_DEVICES 48 /* hutch's 8 standard, 8 --device, 32 config.json */

/* The transient scope runc's driver asks for (v1.1.5, libcontainer/
 * cgroups/systemd/v1.go and v2.go Apply). */
struct sdbus_unit {
	const char *name;	 /* PREFIX-NAME.scope */
	const char *slice;	 /* SLICE (system.slice when none) */
	const char *description; /* shown by systemctl status */
	uint32_t pid;		 /* the container's process */
	bool v1;		 /* cgroup v1: BlockIOAccounting, v2: IOAccounting */
	/* the limits as runc gives them to systemd (genV1/genV2Resources-
	 * Properties), 0: none; systemd writes them again on each
	 * daemon-reload, where it would write its defaults otherwise */
	uint64_t memory_max;	 /* MemoryMax (v1: MemoryLimit) */
	uint64_t memory_low;	 /* MemoryLow (v2 only) */
	uint64_t memory_swap_max; /* MemorySwapMax, the swap alone (v2 only) */
	uint64_t tasks_max;	 /* TasksMax; UINT64_MAX: infinity (pids.limit -1) */
	uint64_t cpu_weight;	 /* CPUWeight (v1: CPUShares, the shares) */
	uint64_t cpu_quota_us;	 /* CPUQuotaPerSecUSec's quota, with cpu_period_us */
	uint64_t cpu_period_us;	 /* CPUQuotaPeriodUSec, when the bundle sets one */
	/* v1: the device list as runc's driver gives it (generateDevice-
	 * Properties): DevicePolicy=strict and a DeviceAllow each, which
	 * systemd writes again on each daemon-reload; dev_all: an "a"
	 * entry, every device (DevicePolicy=auto, no DeviceAllow) */
	bool dev_all;
	size_t n_dev;
	const struct sdbus_dev *dev;
};

/* One message of systemd's, parsed in place: strings point into the
 * buffer, each checked to end in its NUL within the message. */
struct sdbus_msg {
	uint8_t type;		    /* 2 METHOD_RETURN, 3 ERROR, 4 SIGNAL, 0 skipped */
	bool big;		    /* 'B': the peer's integers are big-endian */
	uint32_t reply_serial;
	const char *path, *interface, *member, *error, *signature;
	const uint8_t *body;
	size_t body_len;
};

/* METHOD_CALLs to org.freedesktop.systemd1.Manager, serial given: their
 * length in buf, 0 when buf is too small. */
size_t sdbus_subscribe(uint8_t *buf, size_t size, uint32_t serial);
size_t sdbus_start(uint8_t *buf, size_t size, uint32_t serial, const struct sdbus_unit *u);
size_t sdbus_stop(uint8_t *buf, size_t size, uint32_t serial, const char *unit);
/* ResetFailedUnit(s): a unit whose job failed is unloaded */
size_t sdbus_reset(uint8_t *buf, size_t size, uint32_t serial, const char *unit);

/* The whole length of the message whose first 16 bytes are hdr, or -1
 * when they are no D-Bus message header. */
long sdbus_length(const uint8_t hdr[16]);

/* buf holds one whole message of len bytes: 0, or -1 when malformed. */
int sdbus_parse(const uint8_t *buf, size_t len, struct sdbus_msg *m);

/* v1: the device list of the container's group (cgroup_devices_rule's
 * entries) as DeviceAllow entries into dev (SDBUS_MAX_DEVICES), as
 * runc's driver names them; their count. *all: an "a" entry. */
struct config;
struct runtime;
size_t oci_systemd_devices(const struct config *cfg, const struct runtime *rt,
			   struct sdbus_dev *dev, bool *all);

/* The body's first string (ERROR's message, "o" reply's path), or NULL. */
const char *sdbus_first_string(const struct sdbus_msg *m);

/* m is systemd's JobRemoved(u id, o job, s unit, s result): true, and
 * its job and result. */
bool sdbus_job_removed(const struct sdbus_msg *m, const char **job, const char **result);

/* Whether systemd is the host's init (sd_booted(3): /run/systemd/system
 * is a directory), as runc's driver finds it. */
bool oci_systemd_runs(void);

/* Connected and authenticated to SDBUS_SOCKET; dies with the fix (the
 * engine's cgroupfs driver) when it cannot be, before create made anything. */
int oci_systemd_connect(void);

/* Has systemd start the scope u for its process and waits for the job's
 * end: 0, or -1 when systemd refused or the job failed (said). */
int oci_systemd_start(int fd, const struct sdbus_unit *u);

/* Has systemd stop the unit (delete) and waits for the job: what went
 * wrong is said, nothing more, as runc's driver goes on. */
void oci_systemd_stop(const char *unit);

#endif
