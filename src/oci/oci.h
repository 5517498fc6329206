/* SPDX-License-Identifier: MIT */
/* oci.h - [oci] hutch as an OCI runtime: `hutch oci COMMAND ...`, and
 * the same when the binary is called runc (argv[0]'s base name), the
 * command line containerd's shim, Podman's conmon and the OCI test
 * suites use (docs/oci.md). The bundle's config.json is mapped onto
 * hutch's own options, and the container is built by hutch's own
 * set-up (namespaces, mounts, the root switch, /dev, cgroups,
 * capabilities, rlimits); what has no mapping is refused by name. */
#ifndef HUTCH_OCI_H
#define HUTCH_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "log.h"
#include "profile.h"
#include "runtime.h"

/* What config.json says that struct config cannot: kept beside it. */
#define OCI_MAX_PATHS 64
/* linux.namespaces that may be joined by path (oci_ns.c) */
enum { OCI_NS_PID, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_NET, OCI_NS_MNT, OCI_NS_N };
#define OCI_MAX_SYSCTL 64
struct oci_spec {
	int join[OCI_NS_N];		     /* a namespace file's fd + 1, or 0: a new one */
	bool host_ns[OCI_NS_N];		     /* left out: the host's (pid, ipc, uts) */
	const char *sysctl[OCI_MAX_SYSCTL][2]; /* linux.sysctl: /proc/sys's path, value */
	size_t n_sysctl;
	uint64_t cpu_shares, cpu_quota, cpu_period; /* linux.resources.cpu, 0: none */
	const char *cpu_mems;
	const char *hooks;		     /* the hooks object's JSON text, or NULL */
	size_t hooks_len;
	const char *masked[OCI_MAX_PATHS];   /* linux.maskedPaths */
	size_t n_masked;
	const char *readonly[OCI_MAX_PATHS]; /* linux.readonlyPaths */
	size_t n_readonly;
	const char *annotations;	     /* the object's JSON text, or NULL */
	size_t annotations_len;
	const char *version;		     /* ociVersion */
	bool host_hostname;		     /* no hostname: keep the UTS one */
	bool terminal;			     /* process.terminal: --console-socket's pty */
	const char *cgroup_name;	     /* cgroupsPath's last part, if not the id */
	const char *cgroup_parent;	     /* the parts before it ("": none) */
	bool userns;			     /* a new user namespace (linux.namespaces) */
	char id_map[2][512];		     /* uidMappings, gidMappings: uid_map's lines */
	int userns_go;			     /* create's socket: the maps are written */
	uint32_t userns_root[2];	     /* the host's uid and gid of its root */
	int hooks_go[2];		     /* create's socket pair: prestart, createRuntime ran */
	bool container_hooks;		     /* createContainer or startContainer given */
	/* --systemd-cgroup where systemd runs: the scope systemd makes
	 * (oci_systemd.c), its slice and its NAME part; NULL elsewhere */
	const char *sd_unit, *sd_slice, *sd_name;
	bool pids_unlimited;		     /* pids.limit below 0: TasksMax infinity */
};

/* --systemd-cgroup: linux.cgroupsPath is systemd's SLICE:PREFIX:NAME
 * (oci.c reads the flag, oci_linux.c the path) */
extern bool oci_systemd_cgroup;

/* Whether argv names the OCI mode: argv[0] is runc, or argv[1] is oci. */
static inline int oci_invoked(int argc, char **argv)
{
	const char *base = argv[0];
	for (const char *p = argv[0]; *p; p++)
		if (*p == '/')
			base = p + 1;
	if (base[0] == 'r' && base[1] == 'u' && base[2] == 'n' && base[3] == 'c' &&
	    !base[4])
		return 1;
	return argc > 1 && argv[1][0] == 'o' && argv[1][1] == 'c' &&
	       argv[1][2] == 'i' && !argv[1][3] ? 2 : 0;
}

#if HUTCH_OCI

/* The runtime's command line after its name: [GLOBAL FLAGS] COMMAND ... */
int oci_main(int argc, char **argv);

/* oci_config.c: BUNDLE/config.json into cfg (through hutch's option
 * table, the same checks as a command line), rt (process.oomScoreAdj:
 * the service's OOM score, as the launcher's caller's is) and spec; dies
 * naming the field on anything it cannot map. */
void oci_load(const char *bundle, const char *id, struct config *cfg,
	      struct runtime *rt, struct oci_spec *spec);

/* oci_config.c: an exec's process.json (its top level is a process) */
void oci_load_process(const char *file, const char *id, struct config *cfg,
		      struct runtime *rt, bool *tty);

/* oci_exec.c: `exec --process FILE [--detach] [--pid-file F]
 * [--console-socket S] ID`: a new process in a running container. */
int oci_exec(int argc, char **argv, const char *root);

/* process.env as given, with HOME when it has none (runc's rule) */
char **oci_environment(const struct config *cfg, const char *home);

/* oci_init.c: in the container's PID 1 (forked in the new PID
 * namespace): the set-up, an answer on sync, the wait on the exec fifo
 * (fifo: its O_PATH descriptor), then the exec of process.args. console:
 * --console-socket's connection, or -1. rt: what create found and
 * opened (runtime.h). */
struct cgroup;
_Noreturn void oci_init(struct config *cfg, const struct runtime *rt,
			const struct oci_spec *spec, const struct cgroup *cg, int sync,
			int fifo, int console);

/* oci_cgmount.c: in the container's first process, once it joined its
 * groups: each mount of type cgroup becomes a tmpfs and a read-only
 * bind of the container's group of each v1 hierarchy in it, as runc */
void oci_cgroup_mounts(struct config *cfg);

/* oci_ns.c: a namespace to join, path's fd checked to be one of kind k
 * (dies naming the field); in create, the PID namespace the children
 * get; in the container's first process, the others and the hostname. */
void oci_ns_open(struct oci_spec *spec, int k, const char *path);
int oci_ns_pid(const struct oci_spec *spec); /* 0, or -1 and errno */
void oci_ns_pid_back(void); /* after the fork: create's own again */
void oci_ns_enter(const struct config *cfg, const struct oci_spec *spec);
/* oci_userns.c: in create, the maps of the container's new user namespace
 * (pid's), written as root writes them: no setgroups deny, as runc;
 * 0 or -errno */
int oci_userns_map(const struct oci_spec *spec, pid_t pid);
/* oci_ns.c: a linux.sysctl entry, judged by runc's rule (a key of a
 * namespace the container has of its own) and kept for oci_ns_enter,
 * which writes it in the container's namespaces */
void oci_sysctl_add(struct oci_spec *spec, const struct config *cfg, char *key,
		    const char *value);
#else
static inline int oci_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return feature_refuse("oci", F_OCI);
}
#endif

#endif
