// SPDX-License-Identifier: MIT
/* oci_hooks.c - [oci] config.json's hooks: prestart and createRuntime,
 * in the runtime's namespaces, by `create` once the container's mounts
 * are made and its process waits before its root switch (a failure
 * fails create, and everything made is removed); createContainer then
 * by that process, in the container's namespaces before the switch
 * (paths the runtime's), and startContainer by it after `start`, before
 * its exec (paths the container's), as runc runs them (oci_init.c);
 * poststart by `start` once the process was released, poststop by
 * `delete` once it is gone (their failures are logged, the lifecycle
 * goes on: the runtime spec's rule). Each
 * hook gets the container's state JSON on stdin (from a memfd: a hook
 * that never reads it cannot block the runtime), its args (argv[0]
 * path when none) and exactly its env; stdout and stderr are
 * /dev/null, since the runtime's own are the container's. A timeout
 * kills it: a pidfd polled with that timeout, no timer otherwise.
 *
 * The hooks object is checked by create and kept in the record (ROOT/
 * ID/hooks): start and delete run what create was given, whatever the
 * bundle's config.json says by then. */
#include "oci_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "oci_internal.h"
#include "sys.h"

#define HOOK_WORDS 64

static const char *const kinds[] = { "prestart", "createRuntime", "poststart",
				     "poststop", "createContainer", "startContainer" };

/* the strings of array t (of field) into words, NULL after them */
static void words(unsigned t, char **w, const char *field)
{
	size_t n = 0;

	for (unsigned i = t ? json_first(&oci_j, oci_need(t, JSON_ARRAY, field)) : 0; i;
	     i = json_next(&oci_j, i)) {
		if (n == HOOK_WORDS)
			die("config.json: %s: more than %d", field, HOOK_WORDS);
		w[n++] = oci_str(i, field);
	}
	w[n] = NULL;
}

struct hook {
	char *path, *argv[HOOK_WORDS + 1], *envp[HOOK_WORDS + 1];
	int timeout_ms; /* -1: none */
};

/* One entry of hooks.KIND, checked (dies naming the field). */
static void hook(unsigned t, struct hook *h)
{
	unsigned v;
	uint64_t s;

	oci_need(t, JSON_OBJECT, "hooks[]");
	oci_only(t, OCI_SPEC(Hook, "path\0args\0env\0timeout\0", ""), "hooks[]");
	v = oci_member(t, "path", "hooks[]");
	if (!v || (h->path = oci_str(v, "hooks[].path"))[0] != '/')
		die("config.json: hooks[].path: required, an absolute path");
	words(oci_member(t, "args", "hooks[]"), h->argv, "hooks[].args");
	if (!h->argv[0]) {
		h->argv[0] = h->path;
		h->argv[1] = NULL;
	}
	words(oci_member(t, "env", "hooks[]"), h->envp, "hooks[].env");
	v = oci_member(t, "timeout", "hooks[]");
	s = v ? oci_unum(v, 86400, "hooks[].timeout") : 0;
	if (v && !s)
		die("config.json: hooks[].timeout: seconds, more than 0");
	h->timeout_ms = v ? (int)s * 1000 : -1;
}

void oci_hooks_check(unsigned t, struct oci_spec *spec)
{
	static struct hook scratch;

	oci_need(t, JSON_OBJECT, "hooks");
	oci_only(t, OCI_SPEC(Hooks, "prestart\0createRuntime\0createContainer\0"
			     "startContainer\0poststart\0poststop\0", ""), "hooks");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		unsigned v = oci_member(t, kinds[k], "hooks");
		for (unsigned i = v ? json_first(&oci_j, oci_need(v, JSON_ARRAY, kinds[k]))
				    : 0; i; i = json_next(&oci_j, i))
			hook(i, &scratch);
	}
	spec->container_hooks = !oci_empty(oci_member(t, "createContainer", "hooks")) ||
				!oci_empty(oci_member(t, "startContainer", "hooks"));
	spec->hooks = oci_keep(oci_j.text + oci_j.tok[t].start, oci_j.tok[t].len);
	spec->hooks_len = oci_j.tok[t].len;
}

/* 0 once the hook exited 0, else -1 with what happened in why. In cwd
 * when not NULL. */
static int run(const struct hook *h, int state, const char *cwd, char *why, size_t size)
{
	pid_t pid = fork_process();
	int pfd, status;

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (dup2(state, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
		    (cwd && chdir(cwd)))
			_exit(127);
		execve(h->path, h->argv, h->envp);
		_exit(127);
	}
	if (pid < 0) {
		fmt(why, size, "cannot start it: %s", error_text(errno));
		return -1;
	}
	pfd = sys_pidfd_open(pid, 0);
	if (h->timeout_ms > 0 && pfd >= 0) {
		struct pollfd p = { pfd, POLLIN, 0 };
		int n;
		while ((n = poll(&p, 1, h->timeout_ms)) < 0 && errno == EINTR)
			;
		if (n == 0) {
			kill(pid, SIGKILL);
			fmt(why, size, "timed out after %d s", h->timeout_ms / 1000);
		}
	}
	if (pfd >= 0)
		close(pfd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (why[0])
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fmt(why, size, "exited %d", status_to_code(status));
	return -1;
}

bool oci_hooks_load(int dir, const char *id)
{
	char path[OCI_PATH_MAX + 80];

	if (faccessat(dir, "hooks", F_OK, 0))
		return false;
	fmt(path, sizeof path, "%s/%s/hooks", oci_root, id);
	oci_read_json(path);
	return true;
}

int oci_hooks_state(int dir, const struct oci_state *st, const char *status)
{
	int state = sys_memfd_create("hutch-oci-state", MFD_CLOEXEC);

	if (state < 0)
		die("hooks: cannot make the state's memfd: %s", error_text(errno));
	oci_state_json(state, dir, st, status);
	return state;
}

int oci_hooks_each(int kind, int state, const char *cwd)
{
	static struct hook h;
	char why[96];
	unsigned v = oci_member(0, kinds[kind], "hooks");
	int failed = 0;

	for (unsigned i = v ? json_first(&oci_j, v) : 0; i && !failed; i = json_next(&oci_j, i)) {
		hook(i, &h);
		why[0] = '\0';
		lseek(state, 0, SEEK_SET);
		if (run(&h, state, cwd, why, sizeof why)) {
			log_error("hooks.%s: %s: %s", kinds[kind], h.path, why);
			/* all but poststart and poststop fail the container;
			 * those are logged and the rest still run */
			failed = kind != OCI_HOOK_POSTSTART && kind != OCI_HOOK_POSTSTOP;
		}
	}
	return failed ? -1 : 0;
}

int oci_hooks_run(int dir, const struct oci_state *st, int kind, const char *status)
{
	unsigned v;
	int state, failed;

	if (!oci_hooks_load(dir, st->id))
		return 0;
	v = oci_member(0, kinds[kind], "hooks");
	if (!v || !oci_j.tok[v].count)
		return 0;
	state = oci_hooks_state(dir, st, status);
	/* as runc: in the bundle (its create and start run there),
	 * poststop where delete was called */
	failed = oci_hooks_each(kind, state, kind == OCI_HOOK_POSTSTOP ? NULL : st->bundle);
	close(state);
	return failed;
}
