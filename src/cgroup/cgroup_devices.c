/* SPDX-License-Identifier: MIT */
/* cgroup_devices.c - the device allow-list: the service opens the nodes
 * hutch put in its /dev and nothing else, whatever node it finds (one
 * shipped in the image, one on a bind). The check is the kernel's, at
 * open(2) and mknod(2), from the group PID 1 joins before anything runs.
 *
 *   cgroup v1: devices.deny "a" (nothing), then one devices.allow per
 *   entry ("c 1:3 rwm"). A fresh group inherits its parent's list.
 *   cgroup v2: no devices controller; a BPF_PROG_TYPE_CGROUP_DEVICE
 *   program (Linux 4.15+, CONFIG_CGROUP_BPF) attached to the group with
 *   BPF_PROG_ATTACH. The cgroup holds the program from then on: no fd
 *   need stay open, and it goes with the group. Attached without flags,
 *   nothing below the group can attach programs of its own. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup.h"
#include "kernel_calls.h"
#include "log.h"
#include "sys.h"

#define RWM (DEV_READ | DEV_WRITE | DEV_MKNOD)

/* What dev.c puts in /dev: null zero full random urandom tty (the host's
 * nodes, bound), ptmx and the ptys of the sandbox's own devpts. */
static const struct dev_rule standard[] = {
	{ 'c', RWM, 1, 3 },   { 'c', RWM, 1, 5 }, { 'c', RWM, 1, 7 },
	{ 'c', RWM, 1, 8 },   { 'c', RWM, 1, 9 }, { 'c', RWM, 5, 0 },
	{ 'c', RWM, 5, 2 },   { 'c', RWM, 136, DEV_ANY },
};
#define N_RULES (sizeof standard / sizeof standard[0])

/* "c 136:* rwm", as v1's devices.allow takes it. */
static void v1_rule(char *buf, size_t size, const struct dev_rule *r)
{
	char major[12] = "*", minor[12] = "*";

	/* "a": every device, every access (the kernel reads no more of it) */
	if (r->type == 'a') {
		fmt(buf, size, "a");
		return;
	}
	if (r->major != DEV_ANY)
		fmt(major, sizeof major, "%u", r->major);
	if (r->minor != DEV_ANY)
		fmt(minor, sizeof minor, "%u", r->minor);
	fmt(buf, size, "%c %s:%s %s%s%s", r->type, major, minor,
	    r->access & DEV_READ ? "r" : "", r->access & DEV_WRITE ? "w" : "",
	    r->access & DEV_MKNOD ? "m" : "");
}

/* Root of a user namespace (a container) may make groups but not set
 * devices: that takes CAP_SYS_ADMIN in the host's, as loading a program
 * does. */
static const char no_admin[] = "it takes CAP_SYS_ADMIN in the host's user "
			       "namespace (is hutch in a container?)";

static bool v1_write(const struct cgroup *cg, const struct config *cfg,
		     const char *file, const char *value)
{
	int err = write_knob(cg->dir[CG_DEVICES], file, value);

	if (err == -EPERM) {
		cgroup_lacks(cfg, "the device allow-list", no_admin);
		return false;
	}
	if (err)
		die("cannot write %s to %s/%s/%s/%s: %s", value, cg->mount[CG_DEVICES],
		    cg->parent_path, cg->name, file, error_text(-err));
	return true;
}

/* The program: ctx is struct bpf_cgroup_dev_ctx { access_type (device
 * type in the low 16 bits, access in the high), major, minor }. Per
 * entry: type, major and minor (unless any) must match and the access
 * asked must lie within the entry's; then return 1 (allow). Else 0. */
static struct bpf_insn prog[6 + 8 * (N_RULES + CONFIG_MAX_DEVICES + CONFIG_MAX_DEV_RULES) + 2];
static size_t n_insns;

static void emit(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	prog[n_insns++] = (struct bpf_insn){ code, dst, src, off, imm };
}

#define JNE_K (BPF_JMP | BPF_JNE | BPF_K)
#define MOV_K (BPF_ALU64 | BPF_MOV | BPF_K)
#define LDX_W (BPF_LDX | BPF_W | BPF_MEM)

/* The i-th entry: the standard ones, then --device's (as the host
 * numbers them: rt), then hutch oci's (config.json's allow entries). */
const struct dev_rule *cgroup_devices_rule(const struct config *cfg, const struct runtime *rt,
					   size_t i)
{
	if (i < N_RULES)
		return &standard[i];
	i -= N_RULES;
	if (!cfg)
		return NULL;
	if (i < cfg->n_devices)
		return &rt->devices[i];
	i -= cfg->n_devices;
	return i < cfg->n_dev_rules ? &cfg->dev_rules[i] : NULL;
}

static void build_program(const struct config *cfg, const struct runtime *rt)
{
	const struct dev_rule *r;

	n_insns = 0;
	emit(LDX_W, 2, 1, 0, 0); /* r2 = access_type */
	emit(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
	emit(BPF_ALU64 | BPF_AND | BPF_K, 3, 0, 0, 0xffff); /* r3 = type */
	emit(BPF_ALU64 | BPF_RSH | BPF_K, 2, 0, 0, 16);	   /* r2 = access */
	emit(LDX_W, 4, 1, 4, 0);			   /* r4 = major */
	emit(LDX_W, 5, 1, 8, 0);			   /* r5 = minor */
	for (size_t i = 0; (r = cgroup_devices_rule(cfg, rt, i)); i++) {
		/* a check per field the entry names (type 'a', any major,
		 * any minor: none), each jumping to the next entry */
		__s16 checks = (__s16)((r->type != 'a') + (r->major != DEV_ANY) +
				       (r->minor != DEV_ANY));
		__s16 left = (__s16)(checks + 5 - 1);

		if (r->type != 'a')
			emit(JNE_K, 3, 0, left--, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK
								 : BPF_DEVCG_DEV_CHAR);
		if (r->major != DEV_ANY)
			emit(JNE_K, 4, 0, left--, (__s32)r->major);
		if (r->minor != DEV_ANY)
			emit(JNE_K, 5, 0, left--, (__s32)r->minor);
		emit(BPF_ALU64 | BPF_MOV | BPF_X, 0, 2, 0, 0);
		emit(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, ~(__s32)r->access);
		emit(JNE_K, 0, 0, 2, 0); /* asks for more than allowed */
		emit(MOV_K, 0, 0, 0, 1);
		emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	emit(MOV_K, 0, 0, 0, 0);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int cgroup_devices_load(const struct config *cfg, const struct runtime *rt)
{
	union bpf_attr attr;
	int fd;

	build_program(cfg, rt);
	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (__u64)(unsigned long)prog;
	attr.insn_cnt = (__u32)n_insns;
	attr.license = (__u64)(unsigned long)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof attr);
	return fd < 0 ? -errno : fd;
}

const char *cgroup_devices_missing(int err)
{
	if (err == -ENOSYS)
		return "the kernel has no bpf(2) (kernel option CONFIG_BPF_SYSCALL)";
	if (err == -EINVAL)
		return "the kernel has no cgroup device programs (kernel option "
		       "CONFIG_CGROUP_BPF, Linux 4.15+)";
	if (err == -EPERM)
		return no_admin;
	return error_text(-err);
}

static void v2_attach(const struct cgroup *cg, const struct config *cfg,
		      const struct runtime *rt)
{
	union bpf_attr attr;
	int fd = cgroup_devices_load(cfg, rt), err;

	if (fd == -ENOSYS || fd == -EINVAL || fd == -EPERM) {
		cgroup_lacks(cfg, "the device allow-list", cgroup_devices_missing(fd));
		return;
	}
	if (fd < 0)
		die("cannot load the device allow-list's BPF program: %s",
		    cgroup_devices_missing(fd));
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (__u32)cg->dir[CG_DEVICES];
	attr.attach_bpf_fd = (__u32)fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	err = sys_bpf(BPF_PROG_ATTACH, &attr, sizeof attr);
	if (err)
		die("cannot attach the device allow-list to %s/%s/%s: %s",
		    cg->mount[CG_DEVICES], cg->parent_path, cg->name,
		    error_text(errno));
	close(fd); /* the group holds the program now */
	log_debug("cgroup v2 device program: %zu instructions", n_insns);
}

void cgroup_devices(const struct cgroup *cg, const struct config *cfg,
		    const struct runtime *rt)
{
	const struct dev_rule *r;
	char rule[32];
	size_t i;

	if (cg->version == 2) {
		v2_attach(cg, cfg, rt);
		return;
	}
	if (!v1_write(cg, cfg, "devices.deny", "a"))
		return;
	for (i = 0; (r = cgroup_devices_rule(cfg, rt, i)); i++) {
		v1_rule(rule, sizeof rule, r);
		v1_write(cg, cfg, "devices.allow", rule);
	}
	log_debug("cgroup v1 devices: %zu entries allowed", i);
}

