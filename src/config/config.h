/* SPDX-License-Identifier: MIT */
/* config.h - what a sandbox is made of, as parsed from argv and -f FILE:
 * final once options_complete ran, const for everything after the parse. */
#ifndef HUTCH_CONFIG_H
#define HUTCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum restart_policy { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS };

/* --ready: how the service says it is up (ready.c) */
enum ready_mode { READY_NONE, READY_NOTIFY, READY_FD };
/* --health-interval, --health-timeout, --health-retries: Docker's
 * HEALTHCHECK defaults, so a check written for one behaves the same. */
#define HEALTH_INTERVAL_DEFAULT_MS 30000u
#define HEALTH_TIMEOUT_DEFAULT_MS 30000u
#define HEALTH_RETRIES_DEFAULT 3u

/* MOUNT_FS: a file system of any type with flags and data as given
 * (hutch oci: config.json's mounts of mqueue, sysfs, ...) */
enum mount_kind { MOUNT_BIND, MOUNT_RO_BIND, MOUNT_TMPFS, MOUNT_FS };

#define MOUNT_MAX_PROPAGATION 3
struct mount_spec {
	enum mount_kind kind;
	const char *src; /* host path; NULL for tmpfs */
	const char *dst; /* absolute path inside the sandbox */
	uint64_t size;	 /* tmpfs size in bytes, 0 for the kernel default */
	const char *type;    /* MOUNT_FS: the file system type */
	unsigned long flags; /* MOUNT_FS: MS_*; a bind of hutch oci: MS_BIND,
			      * MS_REC for rbind, MS_NOEXEC; else 0 */
	const char *data;    /* MOUNT_FS: the options string, or NULL */
	/* hutch oci: the propagation options (MS_SHARED, MS_SLAVE,
	 * MS_PRIVATE, MS_UNBINDABLE, with MS_REC for the r forms), applied
	 * in this order once the mount is made, as runc does; 0 ends */
	unsigned long propagation[MOUNT_MAX_PROPAGATION];
};

/* One entry of the device allow-list (cgroup_devices.c): what the service
 * may open (or mknod). Access bits as the kernel's BPF_DEVCG_ACC_*, which
 * v1 writes as "m", "r", "w". */
enum { DEV_MKNOD = 1, DEV_READ = 2, DEV_WRITE = 4 };
#define DEV_ANY 0xffffffffu /* every major, or every minor */
struct dev_rule {
	char type;	      /* 'c' or 'b'; 'a' (hutch oci: every device) */
	unsigned char access; /* DEV_* bits */
	unsigned major, minor;
};

/* hutch oci: a node of linux.devices, made in the container's /dev */
struct dev_node {
	const char *name; /* its path below /dev/ */
	unsigned mode;	  /* S_IFCHR, S_IFBLK or S_IFIFO | permission bits */
	unsigned major, minor;
	unsigned uid, gid;
};

/* Fixed capacities: hutch allocates nothing on the heap, which keeps musl's
 * allocator out of the binary and makes the parser leak-free by design. */
#define CONFIG_MAX_MOUNTS 64
#define CONFIG_MAX_ENV 64
#define CONFIG_MAX_WORDS 128	    /* words of a config file's command */
#define CONFIG_TEXT_BYTES 24576	    /* config files and derived strings */
#define CONFIG_MAX_RLIMITS 16
#define CONFIG_MAX_DEVICES 8
#define CONFIG_MAX_DEV_NODES 16 /* hutch oci: linux.devices */
#define CONFIG_MAX_DEV_RULES 32 /* hutch oci: linux.resources.devices' allows */
#define CONFIG_MAX_GROUPS 16	    /* --group-add */
#define CONFIG_MAX_IO 4		    /* --io-max, one per block device */

/* --io-max DEV:KEY=N,...: the throttle of one block device; DEV's
 * numbers are the host's (runtime.h). 0: that direction unlimited. */
enum io_key { IO_RBPS, IO_WBPS, IO_RIOPS, IO_WIOPS, IO_KEYS };
struct io_limit {
	const char *path;
	uint64_t max[IO_KEYS];
};

struct config {
	const char *name;     /* sandbox name: messages, later cgroup and state */
	const char *root;     /* root file system, NULL to keep the host's;
			       * absolute (options_complete) */
	const char *hostname; /* default: the name */
	const char *workdir;  /* the service's working directory */
	char **argv;	      /* the service's command, NULL-terminated */

	struct mount_spec mounts[CONFIG_MAX_MOUNTS];
	size_t n_mounts;
	char *env[CONFIG_MAX_ENV]; /* "KEY=VALUE" for the service */
	size_t n_env;

	enum restart_policy restart;
	uint64_t restart_delay_ms;
	uint64_t restart_max_delay_ms;
	uint64_t restart_reset_ms;  /* a run this long resets the backoff */
	uint64_t stop_timeout_ms;
	uint64_t kill_grace_ms;	    /* leftovers: SIGTERM, this, SIGKILL */
	int stop_signal;	    /* 0: the SIGTERM or SIGINT hutch got */
	int reload_signal;	    /* hutch reload NAME (default SIGHUP) */
	uint64_t start_limit_burst; /* 0: no start limit */
	uint64_t start_limit_interval_ms;
	uint64_t boot_limit;	    /* --boot-limit; 0: none */
	const char *persist_dir;    /* its record; NULL: /var/lib/hutch */

	/* cgroup limits (cgroup.c); 0 means "not set" unless noted */
	uint64_t cpu_milli;	   /* thousandths of one CPU: 20% is 200 */
	uint64_t cpu_period_us;	   /* CFS period, default 100000 */
	uint64_t cpu_weight;	   /* 1..10000 */
	uint64_t memory_max;	   /* bytes */
	uint64_t memory_swap_max;  /* bytes; valid when memory_swap_set */
	bool memory_swap_set;
	uint64_t pids_max;	   /* 0: the default (cgroup_default_pids) */
	bool pids_off;		   /* --pids 0 or max: no pids limit at all */
	uint64_t memory_high;	   /* bytes: reclaim and slow down beyond it */
	/* --pressure-restart some|full:STALL/WINDOW: a PSI trigger on the
	 * group's memory.pressure (v2); kind 0: none, 1 some, 2 full */
	int pressure_kind;
	uint64_t pressure_stall_ms, pressure_window_ms;
	const char *cpuset;	   /* --cpuset LIST as given, checked */
	uint64_t io_weight;	   /* 1..10000 */
	struct io_limit io_max[CONFIG_MAX_IO];
	size_t n_io_max;
	const char *cgroup_parent; /* below the hierarchy's root: "hutch" */
	/* --device PATH[:rwm]: the host's node, bound as /dev/NAME; its
	 * type and numbers are the host's (runtime.h) */
	const char *device_path[CONFIG_MAX_DEVICES];
	unsigned char device_access[CONFIG_MAX_DEVICES]; /* DEV_* bits */
	size_t n_devices;
	/* hutch oci: config.json's allow entries, for nodes hutch does not
	 * make (mknod of any, the container's own): beside the above */
	struct dev_rule dev_rules[CONFIG_MAX_DEV_RULES];
	size_t n_dev_rules;
	/* hutch oci: linux.devices, nodes made in /dev (dev.c) */
	struct dev_node dev_nodes[CONFIG_MAX_DEV_NODES];
	size_t n_dev_nodes;
	bool cgroup_warn;	   /* --cgroup-missing warn */

	/* privileges of the service (privs.c) */
	const char *user;	   /* --user UID[:GID] or NAME[:GROUP], or NULL */
	const char *group_add[CONFIG_MAX_GROUPS]; /* --group-add GROUP */
	size_t n_group_add;
	uint64_t cap_keep;	   /* bit N: keep capability N */
	uint64_t cap_inheritable, cap_ambient; /* hutch oci: config.json's */
	unsigned umask;		   /* default 022 */
	struct rlimit_spec {
		int resource;
		uint64_t soft, hard; /* UINT64_MAX: unlimited */
	} rlimits[CONFIG_MAX_RLIMITS];
	size_t n_rlimits;

	/* system call filter (seccomp.c) */
	int seccomp_mode;	  /* SECCOMP_DEFAULT (0), _OFF or _LIST */
	const char *seccomp_list; /* --seccomp FILE's text, checked */
	bool seccomp_kill;	  /* --seccomp-action kill */

	/* a user namespace of its own (userns.c) */
	bool userns;
	uint64_t userns_base;	  /* host uid/gid of root inside; 0: default */

	/* running alongside an init system (state.c, log.c) */
	const char *state_dir;	   /* default /run/hutch */
	const char *pidfile;
	const char *output;	   /* FILE, "syslog" or "kmsg", or NULL */
	uint64_t output_max;	   /* FILE's size cap in bytes; 0: none */
	bool output_timestamps;
	uint64_t output_rate_bytes; /* --output-rate BYTES/TIME; 0: none */
	uint64_t output_rate_ms;
	bool daemon;
	uint64_t daemon_settle_ms; /* up this long: --daemon reports success */
	int ready_mode;		   /* enum ready_mode */
	int ready_fd;		   /* --ready fd:N: the service's descriptor N */
	uint64_t ready_timeout_ms; /* --ready-timeout; 0: wait as long as it runs */
	/* liveness (liveness.h) */
	uint64_t watchdog_ms;	   /* --watchdog; 0: none */
	char *health;		   /* --health CMD, run by /bin/sh -c; NULL: none */
	uint64_t health_interval_ms, health_timeout_ms;
	uint64_t health_retries;   /* failures in a row that restart the service */
	int log_target;		   /* enum log_target */

	/* --overlay tmpfs[:SIZE]|DIR over the root (image.h) */
	bool overlay_tmpfs;
	uint64_t overlay_size;	   /* tmpfs:SIZE; 0: a tenth of RAM */
	const char *overlay_dir;   /* DIR: upper and work kept there */

	bool net_none;
	bool oci;	/* hutch oci: no /tmp of hutch's own (config.json's mounts only) */
	/* hutch oci: linux.rootfsPropagation as MS_* flags; 0: private */
	unsigned long root_propagation;
	bool oci_privs;	/* hutch oci: process.noNewPrivileges false */
	bool read_only;
	bool force_chroot;
	int verbosity; /* enum log_level */

	/* What the launcher finds out at a start is not here: runtime.h. */

	const char *root_arg; /* --root as written, for the refusals that
			       * name it so (preflight.c, hutch check) */

	/* The arena its strings point into: options_parse's text argument. */
	struct config_text *text;
};

/* The text a parsed config's strings point into: config files read
 * whole, copies of values, host paths made absolute (options_complete),
 * a file's command split into words. Not inside struct config: most
 * copies of one (hutch oci's collectors, the cgroup probes, hutch
 * exec's) are never parsed and need none of its 24 KiB. Ownership: whoever parses a config
 * owns one arena beside it, gives both to options_parse, and keeps the
 * arena as long as the config; both are static in every caller (nothing
 * is freed), and a config parsed again (a rebuild) gets an arena of its
 * own, since the one running still points into its first. */
struct config_text {
	char *words[CONFIG_MAX_WORDS + 1]; /* a file's command, split */
	size_t used;
	char bytes[CONFIG_TEXT_BYTES];
};

/* Room for len bytes in cfg's arena, or NULL when it is full. */
char *config_alloc(struct config *cfg, size_t len);

#endif
