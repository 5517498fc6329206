/* SPDX-License-Identifier: MIT */
/* oci_internal.h - [oci] what oci.c and oci_state.c share: a
 * container's record in ROOT/ID and its status. */
#ifndef HUTCH_OCI_INTERNAL_H
#define HUTCH_OCI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#define OCI_PATH_MAX 4096

/* ROOT/ID/state: key=value lines, written once by create. */
struct oci_state {
	const char *id;
	long pid;
	unsigned long long start; /* the pid's start time: a reused pid is not it */
	char bundle[OCI_PATH_MAX];
	char rootfs[OCI_PATH_MAX];
	char created[40];	  /* RFC 3339, UTC */
	char version[32];	  /* config.json's ociVersion */
	/* the groups create made, one directory a line (group= lines); a
	 * record of before 2026-12-05 has none but cgroup=PARENT/NAME, the
	 * group below each hierarchy's root (oci_each_group) */
	char groups[2048];
	char cgroup_parent[256];
	char unit[256];	/* the scope systemd made (--systemd-cgroup), or "" */
};

/* The cgroup= line of a record that lists its groups: an older hutch
 * (5ae6e27 and before) reads cgroup=PARENT/NAME and acts on
 * MOUNT/PARENT/NAME in each hierarchy -- without the line, on MOUNT
 * itself, the hierarchy's root: its kill --all and ps would reach every
 * process of the host's. This name exists in no hierarchy (hutch makes
 * no such group), so an older hutch finds no group and acts on none;
 * this hutch skips the line. */
#define OCI_OLD_CGROUP_GUARD ".hutch-record-lists-its-groups"

enum oci_status { OCI_CREATED, OCI_RUNNING, OCI_STOPPED };

/* oci.c: the command line's pieces, for oci_exec.c too */
extern const char *oci_root;
const char *oci_flag_value(int argc, char **argv, int *i, const char *name);
bool oci_flag(const char *a, const char *name, const char *short_name);
const char *oci_container_id(int argc, char **argv, int i, const char *cmd);
int oci_open_record(const char *id, struct oci_state *st);
int oci_console_connect(const char *path);
void oci_remove_record(const char *id, int dir);
/* oci_create.c */
int oci_create(int argc, char **argv);
void oci_each_group(const struct oci_state *st,
		    void (*fn)(const char *path, void *arg), void *arg);

int oci_record_file(int dir, const char *name, const char *text, size_t len);
int oci_state_write(int dir, const struct oci_state *st);
/* s has no control character: a value of the record stays one line */
bool oci_one_line(const char *s);
/* a directory to st->groups; false when it has no room */
bool oci_group_add(struct oci_state *st, const char *path);
int oci_state_read(int dir, struct oci_state *st);
/* The pid's start time from /proc/PID/stat, 0 when it is gone (or a zombie). */
unsigned long long oci_pid_start(long pid);
enum oci_status oci_status(int dir, const struct oci_state *st);
const char *oci_status_name(enum oci_status s);
/* state's JSON: the record, the status and the annotations file. */
void oci_state_print(int dir, const struct oci_state *st);
/* the same to fd, with status (when not NULL) in place of the one found */
void oci_state_json(int fd, int dir, const struct oci_state *st, const char *status);
/* oci_hooks.c: the record's hooks of one kind, the state (with status)
 * on their stdin; -1 when a prestart or createRuntime hook failed (said) */
enum { OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME, OCI_HOOK_POSTSTART, OCI_HOOK_POSTSTOP,
       OCI_HOOK_CREATE_CONTAINER, OCI_HOOK_START_CONTAINER };
int oci_hooks_run(int dir, const struct oci_state *st, int kind, const char *status);
/* oci_seccomp.c: the compiled linux.seccomp into the record (ROOT/ID/
 * seccomp), for exec; read back into seccomp_install's program */
int oci_seccomp_save(int dir);
void oci_seccomp_load(int dir);
/* its pieces, for the container's process (oci_init.c): the record's
 * hooks parsed (false: it has none), the state JSON on a memfd, and the
 * hooks of one kind run with it on their stdin (-1: one failed, said) */
bool oci_hooks_load(int dir, const char *id);
int oci_hooks_state(int dir, const struct oci_state *st, const char *status);
int oci_hooks_each(int kind, int state, const char *cwd);
/* now as RFC 3339 with nanoseconds, as runc writes "created" */
void oci_time_now(char *buf, size_t size);
/* s as a JSON string's contents (quotes, backslashes, controls escaped) */
size_t oci_json_escape(char *out, size_t size, const char *s);

#endif
