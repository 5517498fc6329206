/* SPDX-License-Identifier: MIT */
/* options.c - the option table and the setters that validate each value.
 * Every value is checked here, before anything on the system is touched,
 * so a bad one costs one line and exit 125 (see main.c). */
#include "options_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "sys.h"
#include "units.h"

#define FIELD(f) offsetof(struct config, f)
/* Through void *: field is an offsetof, so aligned for its type, which
 * -Wcast-align cannot know on strict-alignment targets (ARM, MIPS). */
#define AT(ctx, opt, type) ((type *)(void *)((char *)(ctx)->cfg + (opt)->field))

int parse_fail(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *f, ...)
{
	char *buf = ctx->err->msg;
	size_t size = sizeof ctx->err->msg, n = 0;

	if (ctx->file)
		n = fmt(buf, size, "%s:%u: ", ctx->file, ctx->line);
	if (opt && n < size)
		n += fmt(buf + n, size - n, ctx->file ? "%s: " : "option --%s: ",
			 opt->name);
	if (n < size) {
		va_list ap;
		va_start(ap, f);
		fmt_va(buf + n, size - n, f, ap);
		va_end(ap);
	}
	return -1;
}

char *config_alloc(struct config *cfg, size_t len)
{
	char *p;

	if (len > sizeof cfg->text - cfg->text_used)
		return NULL;
	p = cfg->text + cfg->text_used;
	cfg->text_used += len;
	return p;
}

char *ctx_strdup(struct parse_ctx *ctx, const char *s)
{
	size_t len = strlen(s) + 1;
	char *copy = config_alloc(ctx->cfg, len);

	if (!copy) {
		parse_fail(ctx, NULL, "the configuration is too large (more than "
			   "%d bytes of text)", CONFIG_TEXT_BYTES);
		return NULL;
	}
	return memcpy(copy, s, len);
}

/* The index of s in the NULL-terminated list, or -1. */
int word_index(const char *s, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return i;
	return -1;
}

/* Names become directory names (cgroup, /run/hutch/NAME) and the default
 * hostname: keep them to a portable, path-safe alphabet. */
bool valid_name(const char *s, const char *extra, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

static int set_name(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	if (!valid_name(value, "._-", 64))
		return parse_fail(ctx, opt, "'%s' is not a valid name: use up to 64 "
				  "letters, digits, '.', '_' or '-', not starting "
				  "with '.' or '-'", value);
	ctx->cfg->name = value;
	return 0;
}

static int set_hostname(struct parse_ctx *ctx, const struct option_def *opt,
			const char *value)
{
	if (!valid_name(value, "._-", 64))
		return parse_fail(ctx, opt, "'%s' is not a valid hostname: use up "
				  "to 64 letters, digits, '.', '_' or '-'", value);
	ctx->cfg->hostname = value;
	return 0;
}

static int set_path(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	if (!*value)
		return parse_fail(ctx, opt, "needs a path");
	if ((opt->field == FIELD(workdir) || opt->field == FIELD(state_dir) ||
	     opt->field == FIELD(persist_dir)) &&
	    check_sandbox_path(ctx, opt, value, "directory"))
		return -1;
	*AT(ctx, opt, const char *) = value;
	return 0;
}

static int set_duration(struct parse_ctx *ctx, const struct option_def *opt,
			const char *value)
{
	uint64_t ms;
	int err = parse_duration_ms(value, &ms);

	if (err == -ERANGE || (!err && ms > 31536000000ULL))
		return parse_fail(ctx, opt, "'%s' is too long (at most a year)",
				  value);
	if (err)
		return parse_fail(ctx, opt, "'%s' is not a duration (examples: "
				  "500ms, 10s, 1.5s, 2m)", value);
	*AT(ctx, opt, uint64_t) = ms;
	return 0;
}

/* A signal by name (QUIT, SIGQUIT) or number, through the table that
 * hutch kill reads too. */
static int set_signal(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	int sig = signal_number(value);

	if (sig <= 0)
		return parse_fail(ctx, opt, "'%s' is not a signal (TERM, QUIT, HUP, "
				  "USR1, 3 ...)", value);
	*AT(ctx, opt, int) = sig;
	return 0;
}

static int set_restart(struct parse_ctx *ctx, const struct option_def *opt,
		       const char *value)
{
	static const char *const names[] = { "no", "on-failure", "always", NULL };
	int i = word_index(value, names);

	if (i >= 0) {
		ctx->cfg->restart = (enum restart_policy)i;
		return 0;
	}
	return parse_fail(ctx, opt, "'%s' is not a restart policy: use no, "
			  "on-failure or always", value);
}

static int set_net(struct parse_ctx *ctx, const struct option_def *opt,
		   const char *value)
{
	static const char *const modes[] = { "host", "none", NULL };
	int i = word_index(value, modes);

	if (i < 0)
		return parse_fail(ctx, opt, "'%s' is not a network mode: use host "
				  "or none", value);
	ctx->cfg->net_none = i == 1;
	return 0;
}

static int set_start_limit(struct parse_ctx *ctx, const struct option_def *opt,
			   const char *value)
{
	struct config *cfg = ctx->cfg;
	char burst[24];
	const char *slash = strchr(value, '/');
	size_t n = slash ? (size_t)(slash - value) : 0;

	if (strcmp(value, "none") == 0) {
		cfg->start_limit_burst = 0;
		return 0;
	}
	if (n && n < sizeof burst) {
		memcpy(burst, value, n);
		burst[n] = '\0';
		if (!parse_uint(burst, 1000000, &cfg->start_limit_burst) &&
		    cfg->start_limit_burst > 0 &&
		    !parse_duration_ms(slash + 1, &cfg->start_limit_interval_ms) &&
		    cfg->start_limit_interval_ms > 0)
			return 0;
	}
	return parse_fail(ctx, opt, "'%s' is not a start limit: use "
			  "STARTS/INTERVAL, e.g. 5/10s, or none", value);
}

static int set_log(struct parse_ctx *ctx, const struct option_def *opt,
		   const char *value)
{
	static const char *const targets[] = { "stderr", "kmsg", "syslog", NULL };
	int i = word_index(value, targets);

	if (i < 0)
		return parse_fail(ctx, opt, "'%s' is not stderr, kmsg or syslog", value);
	/* stderr is always there: a portable file may say so */
	if (i && !HUTCH_DAEMON)
		return parse_fail(ctx, opt, "%s: " NOT_BUILT_FMT, value,
				  feature_name(F_DAEMON));
	ctx->cfg->log_target = i;
	return 0;
}

static int set_flag(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	static const char *const words[] = { "yes", "true", "on",  "1", "no",
					     "false", "off", "0", NULL };
	int i = value ? word_index(value, words) : 0;
	bool on = i < 4;

	if (i < 0)
		return parse_fail(ctx, opt, "'%s' is not yes or no", value);
	if (opt->field == FIELD(verbosity)) {
		if (on)
			ctx->cfg->verbosity = opt->short_name == 'v' ? LOG_DEBUG
								     : LOG_ERROR;
		return 0;
	}
	*AT(ctx, opt, bool) = on;
	return 0;
}

static int set_config(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	(void)opt;
	return config_file_read(ctx, value);
}

static int set_command(struct parse_ctx *ctx, const struct option_def *opt,
		       const char *value)
{
	char *line = ctx_strdup(ctx, value);

	return line ? command_split(ctx, opt, line) : -1;
}

static int set_action(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	(void)value;
	ctx->result = opt->short_name == 'h' ? PARSE_HELP : PARSE_VERSION;
	return 0;
}

/* The setter of each option, by the index its table row holds (one byte,
 * not an 8-byte pointer per row). */
enum setter_index {
	S_CONFIG, S_NAME, S_PATH, S_HOSTNAME, S_NET, S_BIND, S_TMPFS, S_FLAG, S_ENV,
	S_RESTART, S_DURATION, S_SIGNAL, S_START_LIMIT, S_CPU, S_LIMIT, S_MEMORY,
	S_CGROUP_PARENT, S_CGROUP_MISSING, S_USER, S_CAP_KEEP, S_RLIMIT, S_UMASK,
	S_SECCOMP, S_SECCOMP_ACTION, S_LOG, S_COMMAND, S_ACTION, S_DEVICE,
	S_OUTPUT_RATE, S_GROUP_ADD, S_READY, S_CPUSET, S_IO_MAX, S_OVERLAY,
	S_PRESSURE, S_HEALTH,
};

static const option_setter setters[] = {
	[S_CONFIG] = set_config, [S_NAME] = set_name, [S_PATH] = set_path,
	[S_HOSTNAME] = set_hostname, [S_NET] = set_net, [S_BIND] = set_bind,
	[S_TMPFS] = set_tmpfs, [S_FLAG] = set_flag, [S_ENV] = set_env,
	[S_RESTART] = set_restart, [S_DURATION] = set_duration,
	[S_SIGNAL] = set_signal,
	[S_START_LIMIT] = set_start_limit, [S_CPU] = set_cpu, [S_LIMIT] = set_limit,
	[S_MEMORY] = set_memory, [S_CGROUP_PARENT] = set_cgroup_parent,
	[S_CGROUP_MISSING] = set_cgroup_missing, [S_USER] = set_user,
	[S_CAP_KEEP] = set_cap_keep, [S_RLIMIT] = set_rlimit, [S_UMASK] = set_umask,
	[S_SECCOMP] = set_seccomp, [S_SECCOMP_ACTION] = set_seccomp_action,
	[S_LOG] = set_log, [S_COMMAND] = set_command, [S_ACTION] = set_action,
	[S_DEVICE] = set_device,
	[S_OUTPUT_RATE] = set_output_rate, [S_GROUP_ADD] = set_group_add,
	[S_READY] = set_ready,
	[S_CPUSET] = set_cpuset, [S_IO_MAX] = set_io_max, [S_PRESSURE] = set_pressure,
	[S_HEALTH] = set_health,
	[S_OVERLAY] = set_overlay,
};

/* OPT(NAME, ARG, HELP, ...): the three texts as one string, "NAME\0ARG\0HELP"
 * (ARG empty for a flag), one pointer per row instead of three. */
#define OPT(name, arg, help, setter, field, short_name, where) \
	{ name "\0" arg "\0" HELP_TEXT(help), field, setter, short_name, where, F_CORE }
/* The row of an optional feature's option: known to every build, refused
 * by those without the feature. */
#define FOPT(feature, name, arg, help, setter, field, short_name, where) \
	{ name "\0" arg "\0" HELP_TEXT(help), field, setter, short_name, where, feature }

const struct option_def option_table[] = {
	OPT("config", "FILE", "read options from FILE: key = value lines, # comments",
	    S_CONFIG, 0, 'f', OPT_ARGV),
	OPT("name", "NAME", "the sandbox's name (default: the command's base name)",
	    S_NAME, 0, 'n', OPT_BOTH),
	OPT("root", "DIR|IMAGE", "root file system of the sandbox: a directory, or a squashfs, erofs or ext4 image, mounted read-only (default: keep the host's)",
	    S_PATH, FIELD(root), 'r', OPT_BOTH),
	FOPT(F_IMAGE, "overlay", "tmpfs[:SIZE]|DIR", "a writable layer over the root (overlayfs): on a tmpfs, discarded at stop, or kept in DIR/upper",
	    S_OVERLAY, 0, 0, OPT_BOTH),
	OPT("hostname", "NAME", "hostname in the sandbox (default: the name)",
	    S_HOSTNAME, 0, 0, OPT_BOTH),
	OPT("workdir", "DIR", "the service's working directory (default: /)",
	    S_PATH, FIELD(workdir), 0, OPT_BOTH),
	OPT("net", "host|none", "none: a new network namespace with only lo, up (default: host)",
	    S_NET, 0, 0, OPT_BOTH),
	OPT("bind", "SRC[:DST]", "bind-mount host path SRC at DST in the sandbox (repeatable)",
	    S_BIND, MOUNT_BIND, 0, OPT_BOTH),
	OPT("ro-bind", "SRC[:DST]", "the same, read-only (repeatable)",
	    S_BIND, MOUNT_RO_BIND, 0, OPT_BOTH),
	OPT("tmpfs", "DST[:SIZE]", "a fresh tmpfs at DST (repeatable)",
	    S_TMPFS, 0, 0, OPT_BOTH),
	OPT("read-only", "", "the whole view read-only (always without --root)",
	    S_FLAG, FIELD(read_only), 0, OPT_BOTH),
	OPT("chroot", "", "switch root with MS_MOVE+chroot instead of pivot_root",
	    S_FLAG, FIELD(force_chroot), 0, OPT_BOTH),
	OPT("env", "KEY[=VALUE]", "set KEY for the service, or pass hutch's own KEY (repeatable)",
	    S_ENV, 0, 'e', OPT_BOTH),
	OPT("restart", "POLICY", "no, on-failure or always (default: on-failure)",
	    S_RESTART, 0, 0, OPT_BOTH),
	OPT("restart-delay", "TIME", "first backoff delay, doubled each time (default: 100ms)",
	    S_DURATION, FIELD(restart_delay_ms), 0, OPT_BOTH),
	OPT("restart-max-delay", "TIME", "longest backoff delay (default: 30s)",
	    S_DURATION, FIELD(restart_max_delay_ms), 0, OPT_BOTH),
	OPT("restart-reset", "TIME", "a run this long resets the backoff: the next restart is immediate (default: 1s)",
	    S_DURATION, FIELD(restart_reset_ms), 0, OPT_BOTH),
	OPT("start-limit", "N/TIME", "give up after N starts within TIME (default: none)",
	    S_START_LIMIT, 0, 0, OPT_BOTH),
	FOPT(F_BOOTLIMIT, "boot-limit", "N", "after N starts in a row ended at the start limit, do not start (exit 124) until hutch reset NAME",
	    S_LIMIT, FIELD(boot_limit), 0, OPT_BOTH),
	FOPT(F_BOOTLIMIT, "persist-dir", "DIR", "where --boot-limit keeps its count, DIR/NAME (default: /var/lib/hutch)",
	    S_PATH, FIELD(persist_dir), 0, OPT_BOTH),
	OPT("stop-timeout", "TIME", "wait this long after SIGTERM, then SIGKILL (default: 10s)",
	    S_DURATION, FIELD(stop_timeout_ms), 0, OPT_BOTH),
	OPT("stop-signal", "SIG", "what a stop sends the service (default: the SIGTERM or SIGINT hutch got)",
	    S_SIGNAL, FIELD(stop_signal), 0, OPT_BOTH),
	OPT("reload-signal", "SIG", "what hutch reload NAME sends the service (default: HUP)",
	    S_SIGNAL, FIELD(reload_signal), 0, OPT_BOTH),
	OPT("kill-grace", "TIME", "after the main process exits, the rest get SIGTERM, this, then SIGKILL; 0: SIGKILL at once (default: the stop timeout)",
	    S_DURATION, FIELD(kill_grace_ms), 0, OPT_BOTH),
	OPT("cpu", "SHARE", "CPU limit: 20% of one CPU, or 1.5 CPUs (cgroup cpu.max)",
	    S_CPU, 0, 0, OPT_BOTH),
	OPT("cpu-period", "USEC", "CFS period for --cpu, 1000..1000000 (default: 100000)",
	    S_LIMIT, FIELD(cpu_period_us), 0, OPT_BOTH),
	OPT("cpu-weight", "N", "relative CPU weight, 1..10000 (kernel default: 100)",
	    S_LIMIT, FIELD(cpu_weight), 0, OPT_BOTH),
	FOPT(F_LIMITS, "memory", "SIZE", "memory limit; the OOM killer acts beyond it",
	    S_MEMORY, FIELD(memory_max), 0, OPT_BOTH),
	FOPT(F_LIMITS, "memory-high", "SIZE", "above this the kernel reclaims and slows the service, no OOM kill (v1: soft limit)",
	    S_MEMORY, FIELD(memory_high), 0, OPT_BOTH),
	FOPT(F_LIMITS, "pressure-restart", "some|full:STALL/WINDOW", "kill and restart (per --restart) a service stalled on memory that long per WINDOW (PSI, cgroup v2)",
	    S_PRESSURE, 0, 0, OPT_BOTH),
	FOPT(F_LIMITS, "memory-swap", "SIZE", "swap allowed on top of --memory (0: none)",
	    S_MEMORY, FIELD(memory_swap_max), 0, OPT_BOTH),
	FOPT(F_LIMITS, "pids", "N", "most processes and threads at once (default: 15% of the kernel's; 0 or max: none)",
	    S_LIMIT, FIELD(pids_max), 0, OPT_BOTH),
	FOPT(F_LIMITS, "cpuset", "LIST", "the CPUs the service may run on, e.g. 2-3 or 0,2 (cgroup cpuset)",
	    S_CPUSET, 0, 0, OPT_BOTH),
	FOPT(F_LIMITS, "io-weight", "N", "relative block I/O weight, 1..10000 (kernel default: 100; v1: 1..1000)",
	    S_LIMIT, FIELD(io_weight), 0, OPT_BOTH),
	FOPT(F_LIMITS, "io-max", "DEV:KEY=N,...", "throttle block device DEV: rbps=SIZE, wbps=SIZE per second, riops=N, wiops=N (repeatable)",
	    S_IO_MAX, 0, 0, OPT_BOTH),
	OPT("cgroup-parent", "PATH", "the group is PATH/NAME in each hierarchy (default: hutch)",
	    S_CGROUP_PARENT, 0, 0, OPT_BOTH),
	OPT("cgroup-missing", "fail|warn", "a limit the kernel cannot apply: fail, or run without it",
	    S_CGROUP_MISSING, 0, 0, OPT_BOTH),
	FOPT(F_DEVICES, "device", "PATH[:rwm]", "the host's device node PATH as /dev/NAME, allowed in the cgroup (repeatable)",
	    S_DEVICE, 0, 0, OPT_BOTH),
	OPT("user", "USER[:GROUP]", "run the service as USER (a name from the root's /etc/passwd, or a number)",
	    S_USER, 0, 'u', OPT_BOTH),
	OPT("group-add", "GROUP", "a supplementary group for the service, from the root's /etc/group or a number (repeatable)",
	    S_GROUP_ADD, 0, 0, OPT_BOTH),
	OPT("cap-keep", "CAP,...", "capabilities the service keeps; all others are dropped (default: none)",
	    S_CAP_KEEP, 0, 0, OPT_BOTH),
	OPT("rlimit", "NAME=SOFT[:HARD]", "a resource limit for the service, e.g. nofile=1024 (repeatable)",
	    S_RLIMIT, 0, 0, OPT_BOTH),
	OPT("umask", "MODE", "the service's umask (default: 022)",
	    S_UMASK, 0, 0, OPT_BOTH),
	FOPT(F_SECCOMP, "seccomp", "off|default|FILE", "the system call filter: default (a built-in deny list), FILE's list, or none",
	    S_SECCOMP, 0, 0, OPT_BOTH),
	FOPT(F_SECCOMP, "seccomp-action", "eperm|kill", "a denied call fails with EPERM, or kills the process (default: eperm)",
	    S_SECCOMP_ACTION, 0, 0, OPT_BOTH),
	FOPT(F_USERNS, "userns", "", "a user namespace: root inside is the caller, or as root an unprivileged range",
	    S_FLAG, FIELD(userns), 0, OPT_BOTH),
	FOPT(F_USERNS, "userns-base", "UID", "as root: host uid and gid of the sandbox's root; implies --userns (default: 100000)",
	    S_LIMIT, FIELD(userns_base), 0, OPT_BOTH),
	OPT("log", "stderr|kmsg|syslog", "where hutch's messages go: syslog with the name as ident (default: stderr)",
	    S_LOG, 0, 0, OPT_BOTH),
	FOPT(F_DAEMON, "daemon", "", "go to the background once the service has run for --daemon-settle; else fail",
	    S_FLAG, FIELD(daemon), 0, OPT_BOTH),
	FOPT(F_DAEMON, "daemon-settle", "TIME", "how long the service must stay up for --daemon to succeed; 0: exec (default: 1s)",
	    S_DURATION, FIELD(daemon_settle_ms), 0, OPT_BOTH),
	FOPT(F_READY, "ready", "notify|fd:N|none", "how the service says it is up: READY=1 on $NOTIFY_SOCKET (sd_notify), or a newline on its fd N (default: none)",
	    S_READY, 0, 0, OPT_BOTH),
	FOPT(F_READY, "ready-timeout", "TIME", "a start not ready by then failed: --daemon fails, else the service is killed (default: none)",
	    S_DURATION, FIELD(ready_timeout_ms), 0, OPT_BOTH),
	FOPT(F_LIVENESS, "watchdog", "TIME", "the service must send WATCHDOG=1 on $NOTIFY_SOCKET this often, else SIGABRT and a restart (default: none)",
	    S_DURATION, FIELD(watchdog_ms), 0, OPT_BOTH),
	FOPT(F_LIVENESS, "health", "CMD", "run /bin/sh -c CMD in the sandbox every --health-interval; --health-retries failures in a row restart the service",
	    S_HEALTH, 0, 0, OPT_BOTH),
	FOPT(F_LIVENESS, "health-interval", "TIME", "time between two health checks, and before the first (default: 30s)",
	    S_DURATION, FIELD(health_interval_ms), 0, OPT_BOTH),
	FOPT(F_LIVENESS, "health-timeout", "TIME", "a check still running this long is killed and failed (default: 30s)",
	    S_DURATION, FIELD(health_timeout_ms), 0, OPT_BOTH),
	FOPT(F_LIVENESS, "health-retries", "N", "failed checks in a row that restart the service, 1..1000 (default: 3)",
	    S_LIMIT, FIELD(health_retries), 0, OPT_BOTH),
	FOPT(F_OUTPUT, "output", "FILE|syslog|kmsg", "append the service's stdout and stderr to FILE, or log each line (default: pass them on)",
	    S_PATH, FIELD(output), 0, OPT_BOTH),
	FOPT(F_OUTPUT, "output-max", "SIZE", "rotate FILE to FILE.1 at this size; 0: never (default: 1M)",
	    S_MEMORY, FIELD(output_max), 0, OPT_BOTH),
	FOPT(F_OUTPUT, "output-timestamps", "", "start each line in FILE with its UTC time, 2026-12-03T00:15:42.123Z",
	    S_FLAG, FIELD(output_timestamps), 0, OPT_BOTH),
	FOPT(F_OUTPUT, "output-rate", "BYTES/TIME", "keep at most BYTES of output per TIME; the rest is dropped and counted",
	    S_OUTPUT_RATE, 0, 0, OPT_BOTH),
	FOPT(F_DAEMON, "pidfile", "FILE", "write the launcher's pid to FILE, atomically",
	    S_PATH, FIELD(pidfile), 0, OPT_BOTH),
	OPT("state-dir", "DIR", "where hutch list/status/stop find the sandbox (default: /run/hutch, else /var/run/hutch ...)",
	    S_PATH, FIELD(state_dir), 0, OPT_BOTH),
	OPT("command", "CMD ARG...", "the service's command line (config files only)",
	    S_COMMAND, 0, 0, OPT_FILE),
	OPT("verbose", "", "log each setup step",
	    S_FLAG, FIELD(verbosity), 'v', OPT_BOTH),
	OPT("quiet", "", "log errors only",
	    S_FLAG, FIELD(verbosity), 'q', OPT_BOTH),
	OPT("help", "", "show this help and exit",
	    S_ACTION, 0, 'h', OPT_ARGV),
	OPT("version", "", "show the version and the features built in, and exit",
	    S_ACTION, 0, 'V', OPT_ARGV),
};
const size_t option_count = sizeof option_table / sizeof option_table[0];

const char *option_arg(const struct option_def *opt)
{
	const char *arg = opt->name + strlen(opt->name) + 1;

	return *arg ? arg : NULL;
}

const char *option_help(const struct option_def *opt)
{
	const char *arg = opt->name + strlen(opt->name) + 1;

	return arg + strlen(arg) + 1;
}

const struct option_def *option_find(const char *name, size_t len)
{
	for (size_t i = 0; i < option_count; i++)
		if (strlen(option_table[i].name) == len &&
		    !memcmp(option_table[i].name, name, len))
			return &option_table[i];
	return NULL;
}

int option_apply(struct parse_ctx *ctx, const struct option_def *opt,
		 const char *value)
{
	const char *arg = option_arg(opt);

	if (!feature_built(opt->feature))
		return parse_fail(ctx, opt, NOT_BUILT_FMT, feature_name(opt->feature));
	if (arg && !value)
		return parse_fail(ctx, opt, "needs a value (%s)", arg);
	if (arg && !*value && opt->setter != S_COMMAND)
		return parse_fail(ctx, opt, "needs a value (%s), not an empty one",
				  arg);
	return setters[opt->setter](ctx, opt, value);
}
