/* SPDX-License-Identifier: MIT */
/* options.c - argv and config-file parsing, every default and every
 * bad-input message. Links the real parser (src/config/options.c, cli.c,
 * config_file.c). */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "options.h"
#include "profile.h"
#include "tap.h"

static struct config cfg;
static struct config_text cfg_text;
static struct parse_error err;

#define ARGV(...) ((char *[]){ "hutch", __VA_ARGS__, NULL })

static int argc_of(char **argv)
{
	int n = 0;
	while (argv[n])
		n++;
	return n;
}

/* The compound literal of ARGV() dies with its block, while cfg.argv may
 * point into it: parse a copy that lives on. */
static enum parse_result parse(char **argv)
{
	static char *kept[64];
	int argc = argc_of(argv);

	memcpy(kept, argv, (size_t)(argc + 1) * sizeof *argv);
	return options_parse(&cfg, &cfg_text, argc, kept, &err, true);
}

/* argv must fail, with a message containing `want`. */
static void bad(char **argv, const char *want)
{
	enum parse_result r = parse(argv);
	if (!ok(r == PARSE_ERROR && strstr(err.msg, want), "rejected: %s %s -> %s",
		argv[1], argv[2] ? argv[2] : "", want))
		tap_diag("message", err.msg);
}

static char file_path[64];

static char *write_file(const char *text)
{
	int fd;

	fmt(file_path, sizeof file_path, "/tmp/hutch-unit-%d.conf", (int)getpid());
	fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	(void)!write(fd, text, strlen(text));
	close(fd);
	return file_path;
}

static void defaults(void)
{
	is_num(parse(ARGV("/bin/httpd", "-f")), PARSE_RUN, "plain command parses");
	is_str(cfg.argv[0], "/bin/httpd", "command word 0");
	is_str(cfg.argv[1], "-f", "options after the command belong to it");
	is_str(cfg.name, "httpd", "name defaults to the command's base name");
	is_str(cfg.hostname, "httpd", "hostname defaults to the name");
	is_str(cfg.workdir, "/", "workdir defaults to /");
	ok(cfg.root == NULL, "no root by default");
	is_num(cfg.restart, RESTART_ON_FAILURE, "restart defaults to on-failure");
	is_num(cfg.restart_delay_ms, 100, "restart-delay 100ms");
	is_num(cfg.restart_max_delay_ms, 30000, "restart-max-delay 30s");
	is_num(cfg.stop_timeout_ms, 10000, "stop-timeout 10s");
	is_num(cfg.start_limit_burst, 0, "no start limit");
	is_num(cfg.restart_reset_ms, 1000, "restart-reset 1s");
	is_num(cfg.kill_grace_ms, 10000, "kill-grace: the stop timeout");
	is_num(cfg.stop_signal, 0, "stop-signal: the signal hutch got");
	is_num(cfg.reload_signal, SIGHUP, "reload-signal HUP");
	ok(!cfg.net_none && !cfg.read_only && !cfg.force_chroot, "flags off");
	is_num(cfg.verbosity, LOG_INFO, "normal verbosity");
	/* options.def's DFL()s, and the constants that options_liveness.c
	 * compares with to tell "given without --health" */
	is_num(cfg.health_interval_ms, HEALTH_INTERVAL_DEFAULT_MS, "health-interval 30s");
	is_num(cfg.health_timeout_ms, HEALTH_TIMEOUT_DEFAULT_MS, "health-timeout 30s");
	is_num(cfg.health_retries, HEALTH_RETRIES_DEFAULT, "health-retries 3");
	is_num(cfg.cpu_period_us, 100000, "cpu-period 100000");
	is_num(cfg.umask, 022, "umask 022");
	is_num(cfg.output_max, 1 << 20, "output-max 1M");
	is_num(cfg.daemon_settle_ms, 1000, "daemon-settle 1s");
}

static void options(void)
{
	is_num(parse(ARGV("--name", "web", "--root=/srv/web", "-r", "/srv/x",
			  "--hostname", "box", "--workdir", "/www", "--net", "none",
			  "--restart", "always", "--restart-delay", "250ms",
			  "--restart-max-delay", "1m", "--start-limit", "5/10s",
			  "--stop-timeout", "3", "--read-only", "--chroot", "-v",
			  "--", "/bin/httpd", "-f")),
	       PARSE_RUN, "every option parses");
	is_str(cfg.name, "web", "--name");
	is_str(cfg.root, "/srv/x", "the last --root wins");
	is_str(cfg.hostname, "box", "--hostname");
	is_str(cfg.workdir, "/www", "--workdir");
	ok(cfg.net_none, "--net none");
	is_num(cfg.restart, RESTART_ALWAYS, "--restart always");
	is_num(cfg.restart_delay_ms, 250, "--restart-delay");
	is_num(cfg.restart_max_delay_ms, 60000, "--restart-max-delay");
	is_num(cfg.start_limit_burst, 5, "--start-limit burst");
	is_num(cfg.start_limit_interval_ms, 10000, "--start-limit interval");
	is_num(cfg.stop_timeout_ms, 3000, "--stop-timeout bare seconds");
	ok(cfg.read_only && cfg.force_chroot, "--read-only --chroot");
	is_num(cfg.verbosity, LOG_DEBUG, "-v");
	is_str(cfg.argv[0], "/bin/httpd", "command after --");

	is_num(parse(ARGV("-vq", "-nweb", "true")), PARSE_RUN, "clustered flags");
	is_num(cfg.verbosity, LOG_ERROR, "-q after -v wins");
	is_str(cfg.name, "web", "-nNAME");

	is_num(parse(ARGV("--bind", "/data", "--bind", "/srv/a:/a", "--ro-bind",
			  "/etc/ssl:/etc/ssl", "--tmpfs", "/run", "--tmpfs",
			  "/cache:16M", "sh")),
	       PARSE_RUN, "mounts parse");
	is_num(cfg.n_mounts, 5, "mounts accumulate");
	is_str(cfg.mounts[0].dst, "/data", "--bind SRC: DST defaults to SRC");
	is_str(cfg.mounts[1].src, "/srv/a", "--bind SRC:DST source");
	is_str(cfg.mounts[1].dst, "/a", "--bind SRC:DST destination");
	is_num(cfg.mounts[2].kind, MOUNT_RO_BIND, "--ro-bind kind");
	is_num(cfg.mounts[3].size, 0, "--tmpfs without size");
	is_num(cfg.mounts[4].size, 16 << 20, "--tmpfs with size");

	setenv("HUTCH_UNIT_VAR", "from-host", 1);
	is_num(parse(ARGV("-e", "A=1", "--env", "B=x=y", "--env", "HUTCH_UNIT_VAR",
			  "--env=C=", "sh")),
	       PARSE_RUN, "env parses");
	is_num(cfg.n_env, 4, "env accumulates");
	is_str(cfg.env[1], "B=x=y", "value may hold '='");
	is_str(cfg.env[2], "HUTCH_UNIT_VAR=from-host", "KEY alone copies hutch's value");
	is_str(cfg.env[3], "C=", "empty value allowed");

	is_num(parse(ARGV("--help", "--bogus")), PARSE_HELP, "--help");
	is_num(parse(ARGV("-V")), PARSE_VERSION, "-V");
	is_num(parse(ARGV("--start-limit", "3/1s", "--start-limit", "none", "x")),
	       PARSE_RUN, "start-limit none");
	is_num(cfg.start_limit_burst, 0, "start-limit none clears it");

	is_num(parse(ARGV("--stop-timeout", "4s", "--restart-reset", "2.5s",
			  "--stop-signal", "QUIT", "--reload-signal", "SIGUSR1", "x")),
	       PARSE_RUN, "restart and signal options parse");
	is_num(cfg.kill_grace_ms, 4000, "kill-grace follows --stop-timeout");
	is_num(cfg.restart_reset_ms, 2500, "--restart-reset");
	is_num(cfg.stop_signal, SIGQUIT, "--stop-signal QUIT");
	is_num(cfg.reload_signal, SIGUSR1, "--reload-signal SIGUSR1");
	is_num(parse(ARGV("--kill-grace", "0", "--stop-signal", "2", "x")), PARSE_RUN,
	       "--kill-grace 0, a signal by number");
	is_num(cfg.kill_grace_ms, 0, "--kill-grace 0: the immediate kill");
	is_num(cfg.stop_signal, SIGINT, "--stop-signal 2");
	bad(ARGV("--restart-reset", "0", "x"), "restart-reset must be at least 1ms");
	bad(ARGV("--stop-signal", "TERMINATE", "x"), "'TERMINATE' is not a signal");
	bad(ARGV("--reload-signal", "0", "x"), "--reload-signal: '0' is not a signal");
}

static void limits(void)
{
	is_num(parse(ARGV("x")), PARSE_RUN, "no limits");
	ok(!cfg.cpu_milli && !cfg.cpu_weight && !cfg.memory_max && !cfg.pids_max &&
	   !cfg.memory_swap_set, "no limit is set by default");
	is_num(cfg.cpu_period_us, 100000, "cpu-period defaults to 100000");
	is_str(cfg.cgroup_parent, "hutch", "cgroup-parent defaults to hutch");
	ok(!cfg.cgroup_warn, "cgroup-missing defaults to fail");

	is_num(parse(ARGV("--cpu", "20%", "--cpu-period", "50000", "--cpu-weight",
			  "500", "--cgroup-parent", "services/hutch",
			  "--cgroup-missing", "warn", "x")),
	       PARSE_RUN, "every CPU limit option parses");
	is_num(cfg.cpu_milli, 200, "--cpu 20%%");
	is_num(cfg.cpu_period_us, 50000, "--cpu-period");
	is_num(cfg.cpu_weight, 500, "--cpu-weight");
	is_str(cfg.cgroup_parent, "services/hutch", "--cgroup-parent");
	ok(cfg.cgroup_warn, "--cgroup-missing warn");
	is_num(parse(ARGV("--cpu", "1.5", "x")), PARSE_RUN, "--cpu in CPUs");
	is_num(cfg.cpu_milli, 1500, "--cpu 1.5");

	bad(ARGV("--cpu", "0", "x"), "not a CPU share above 0");
	bad(ARGV("--cpu", "0%", "x"), "not a CPU share above 0");
	bad(ARGV("--cpu", "fast", "x"), "not a CPU share");
	bad(ARGV("--cpu", "0.5%", "x"), "minimum quota of 1000 us");
	bad(ARGV("--cpu", "1%", "--cpu-period", "50000", "x"), "minimum quota");
	bad(ARGV("--cpu-period", "999", "x"), "not a number from 1000 to 1000000");
	bad(ARGV("--cpu-period", "1000001", "x"), "not a number from 1000");
	bad(ARGV("--cpu-weight", "0", "x"), "not a number from 1 to 10000");
	bad(ARGV("--cpu-weight", "10001", "x"), "not a number from 1 to 10000");
	bad(ARGV("--cgroup-parent", "../escape", "x"), "each part must be a name");
	bad(ARGV("--cgroup-parent", "a/../../b", "x"), "each part must be a name");
	bad(ARGV("--cgroup-parent", "/sys/fs/cgroup", "x"), "must be a relative path");
	bad(ARGV("--cgroup-parent", "a//b", "x"), "each part must be a name");
	bad(ARGV("--cgroup-missing", "ignore", "x"), "not fail or warn");
	/* systemd template units: the group of hutch@web.service */
	is_num(parse(ARGV("--cgroup-parent", "system.slice/hutch@web.service", "x")),
	       PARSE_RUN, "--cgroup-parent takes '@', as systemd's unit names have it");
	is_str(cfg.cgroup_parent, "system.slice/hutch@web.service", "and keeps it");
	bad(ARGV("--cgroup-parent", "a/@/..", "x"), "each part must be a name");

	/* --rlimit names: any case, first, middle and last of the list */
	is_num(parse(ARGV("--rlimit", "as=1M", "--rlimit", "NOFILE=64:128",
			  "--rlimit", "Stack=8M", "x")), PARSE_RUN, "--rlimit names");
	ok(cfg.n_rlimits == 3 && cfg.rlimits[0].resource == RLIMIT_AS &&
	   cfg.rlimits[1].resource == RLIMIT_NOFILE && cfg.rlimits[1].hard == 128 &&
	   cfg.rlimits[2].resource == RLIMIT_STACK, "--rlimit: the right resources");
	bad(ARGV("--rlimit", "nofil=1", "x"), "not a resource (as, core, cpu,");
	bad(ARGV("--rlimit", "nofiles=1", "x"), "sigpending, stack)");
	bad(ARGV("--rlimit", "as,=1", "x"), "not a resource");
	bad(ARGV("--rlimit", "=1", "x"), "not a resource");
	bad(ARGV("--user", "www data", "x"), "not USER[:GROUP]");
	bad(ARGV("--user", "a:b:c", "x"), "not USER[:GROUP]");
	is_num(parse(ARGV("--user", "www-data:1000", "x")), PARSE_RUN, "--user NAME:GID");
	is_num(parse(ARGV("--group-add", "dialout", "--group-add", "997", "x")), PARSE_RUN,
	       "--group-add twice");
	ok(cfg.n_group_add == 2 && !strcmp(cfg.group_add[0], "dialout") &&
	   !strcmp(cfg.group_add[1], "997"), "--group-add: both kept, in order");
	bad(ARGV("--group-add", "dial out", "x"), "not a group");
	bad(ARGV("--group-add", "a:b", "x"), "not a group");
	bad(ARGV("--group-add", "1", "--group-add", "2", "--group-add", "3", "--group-add", "4",
		 "--group-add", "5", "--group-add", "6", "--group-add", "7", "--group-add", "8",
		 "--group-add", "9", "--group-add", "10", "--group-add", "11", "--group-add", "12",
		 "--group-add", "13", "--group-add", "14", "--group-add", "15", "--group-add", "16",
		 "--group-add", "17", "x"), "more than 16 groups");
	bad(ARGV("--env", "A-B=1", "x"), "not KEY=VALUE");
	is_num(parse(ARGV("--env", "A_b9=1", "x")), PARSE_RUN, "--env A_b9=1");
}

static void probe_mode(void)
{
	static char *argv[] = { "hutch", "--cpu", "20%", NULL };

	is_num(options_parse(&cfg, &cfg_text, 3, argv, &err, false), PARSE_RUN,
	       "hutch check needs no command");
	ok(cfg.argv == NULL, "no command: argv is NULL");
	is_num(cfg.cpu_milli, 200, "its options still parse");
}

static void bad_options(void)
{
	bad(ARGV("--bogus", "x"), "unknown option '--bogus'");
	bad(ARGV("-x", "x"), "unknown option '-x'");
	bad(ARGV("--name"), "--name: needs a value (NAME)");
	bad(ARGV("--name="), "needs a value");
	bad(ARGV("--read-only=yes", "x"), "takes no value");
	bad(ARGV("--command", "x"), "unknown option '--command'");
	bad(ARGV("--name", ".hidden", "x"), "not a valid name");
	bad(ARGV("--name", "a/b", "x"), "not a valid name");
	bad(ARGV("--name", "0123456789012345678901234567890123456789012345678901234567890123456789", "x"), "not a valid name");
	bad(ARGV("--hostname", "a b", "x"), "not a valid hostname");
	ok(parse(ARGV("--hostname", "my_box", "x")) == PARSE_RUN, "an underscore is allowed, as in names");
	bad(ARGV("--workdir", "www", "x"), "must be an absolute path");
	bad(ARGV("--workdir", "/a/../b", "x"), "must not contain '..'");
	bad(ARGV("--net", "bridge", "x"), "not a network mode");
	bad(ARGV("--restart", "sometimes", "x"), "not a restart policy");
	bad(ARGV("--restart-delay", "fast", "x"), "not a duration");
	bad(ARGV("--restart-delay", "0", "x"), "at least 1ms");
	bad(ARGV("--stop-timeout", "10x", "x"), "--stop-timeout: '10x' is not a duration");
	bad(ARGV("--stop-timeout", "999999h", "x"), "too long");
	bad(ARGV("--restart-delay", "2s", "--restart-max-delay", "1s", "x"),
	    "below restart-delay");
	bad(ARGV("--start-limit", "5", "x"), "not a start limit");
	bad(ARGV("--start-limit", "0/10s", "x"), "not a start limit");
	bad(ARGV("--start-limit", "5/0", "x"), "not a start limit");
	bad(ARGV("--start-limit", "x/1s", "x"), "not a start limit");
	bad(ARGV("--bind", "data", "x"), "source 'data' must be an absolute path");
	bad(ARGV("--bind", "/data:rel", "x"), "destination 'rel' must be an absolute");
	bad(ARGV("--bind", "/data:/", "x"), "cannot mount over the sandbox's root");
	bad(ARGV("--ro-bind", "/../etc:/etc", "x"), "must not contain '..'");
	bad(ARGV("--bind", "/a/..", "x"), "must not contain '..'");
	bad(ARGV("--tmpfs", "/t:lots", "x"), "not a size");
	bad(ARGV("--tmpfs", "/t:0", "x"), "not a size");
	bad(ARGV("--tmpfs", "/", "x"), "cannot mount over");
	bad(ARGV("--env", "1A=b", "x"), "not KEY=VALUE");
	bad(ARGV("--env", "=b", "x"), "not KEY=VALUE");
	bad(ARGV("--env", "A-B=c", "x"), "not KEY=VALUE");
	bad(ARGV("--env", "HUTCH_UNIT_UNSET_VAR", "x"), "is not set in hutch's environment");
	bad(ARGV("--name", "web"), "no command given");
	bad(ARGV("--", ""), "no command given");
	bad(ARGV("/"), "cannot name the sandbox after the command '/'");
	bad(ARGV("-f", "/nonexistent/hutch.conf"), "cannot open config file /nonexistent/hutch.conf");
	bad(ARGV("-f", "/tmp"), "is not a regular file");
	ok(parse(ARGV("--name", "a..b", "x")) == PARSE_RUN, "'..' inside a name is fine");
	ok(parse(ARGV("--bind", "/a..b:/c", "x")) == PARSE_RUN, "'..' inside a path component is fine");
}

static void config_files(void)
{
	char *f = write_file(
		"# web server\n"
		"  name = web  \n"
		"\n"
		"root=/srv/web\n"
		"bind = /srv/data:/data\r\n"
		"bind = /srv/logs:/logs\n"
		"env = GREETING=hello world\n"
		"read-only\n"
		"chroot = no\n"
		"restart = always\n"
		"command = /bin/httpd -f -h '/www root' \"a \\\"q\\\" b\" c\\ d ''\n");
	is_num(parse(ARGV("-f", f)), PARSE_RUN, "config file parses");
	is_str(cfg.name, "web", "blanks around key and value trimmed");
	is_str(cfg.root, "/srv/web", "key=value without blanks");
	is_num(cfg.n_mounts, 2, "repeated bind accumulates");
	is_str(cfg.mounts[0].dst, "/data", "CRLF line end trimmed");
	is_str(cfg.env[0], "GREETING=hello world", "value keeps inner blanks");
	ok(cfg.read_only, "bare flag key sets it");
	ok(!cfg.force_chroot, "flag = no");
	is_num(cfg.restart, RESTART_ALWAYS, "restart key");
	is_str(cfg.argv[0], "/bin/httpd", "command word 0");
	is_str(cfg.argv[3], "/www root", "single quotes keep blanks");
	is_str(cfg.argv[4], "a \"q\" b", "double quotes with escapes");
	is_str(cfg.argv[5], "c d", "backslash escapes a blank");
	is_str(cfg.argv[6], "", "'' is an empty word");
	ok(cfg.argv[7] == NULL, "argv is NULL-terminated");

	is_num(parse(ARGV("-f", f, "--name", "other", "--restart", "no", "--",
			  "/bin/sh")),
	       PARSE_RUN, "file then options");
	is_str(cfg.name, "other", "a later option overrides the file");
	is_num(cfg.restart, RESTART_NO, "restart overridden");
	is_str(cfg.argv[0], "/bin/sh", "a command line command overrides the file's");

	is_num(parse(ARGV("--name", "first", "-f", f)), PARSE_RUN, "options then file");
	is_str(cfg.name, "web", "the file read later wins");

	f = write_file("name = a\nbogus = 1\n");
	bad(ARGV("-f", f), ":2: unknown key 'bogus'");
	f = write_file("command = /bin/sh -c 'echo\n");
	bad(ARGV("-f", f), ":1: command: unterminated quote");
	f = write_file("config = /etc/other.conf\n");
	bad(ARGV("-f", f), "'config' cannot be used in a config file");
	f = write_file("help\n");
	bad(ARGV("-f", f), "'help' cannot be used in a config file");
	f = write_file("\n\n  restart = maybe\n");
	bad(ARGV("-f", f), ":3: restart: 'maybe' is not a restart policy");
	f = write_file("name web\n");
	bad(ARGV("-f", f), ":1: expected 'key = value'");
	f = write_file("root =\n");
	bad(ARGV("-f", f), ":1: root: needs a value");
	f = write_file("name\n");
	bad(ARGV("-f", f), ":1: name: needs a value");
	f = write_file("read-only = perhaps\n");
	bad(ARGV("-f", f), "'perhaps' is not yes or no");
	f = write_file("command =   \n");
	bad(ARGV("-f", f), "command: needs a command");
	f = write_file("name = x\n");
	bad(ARGV("-f", f), "no command given");
	(void)write_file("name = x\0command = y\n");
	{
		int fd = open(file_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		(void)!write(fd, "name = x\n\0command = y\n", 22);
		close(fd);
	}
	bad(ARGV("-f", file_path), "contains a NUL byte");
	unlink(file_path);
}

/* The options of optional features, when this build has them. */
static void devices(void)
{
	is_num(parse(ARGV("--device", "/dev/ttyUSB0", "--device", "/dev/loop0:r", "x")),
	       PARSE_RUN, "--device twice");
	ok(cfg.n_devices == 2 && cfg.device_access[0] == 7 && cfg.device_access[1] == 2,
	   "--device: access rwm by default, r as given");
	is_str(cfg.device_path[1], "/dev/loop0", "--device: the path without its access");
	bad(ARGV("--device", "/dev/null", "x"), "/dev/null is hutch's own");
	bad(ARGV("--device", "/dev/ttyUSB0:rx", "x"), "letters of rwm");
	bad(ARGV("--device", "ttyUSB0", "x"), "must be an absolute path");
	bad(ARGV("--device", "/dev/", "x"), "must be an absolute path");
}

static void memory_pids(void)
{
	is_num(parse(ARGV("--memory", "32M", "--memory-swap", "0", "--pids", "64", "x")),
	       PARSE_RUN, "every memory and pids option parses");
	is_num(cfg.memory_max, 32 << 20, "--memory");
	ok(cfg.memory_swap_set && cfg.memory_swap_max == 0, "--memory-swap 0");
	is_num(cfg.pids_max, 64, "--pids");
	bad(ARGV("--memory", "10", "x"), "below 1M");
	bad(ARGV("--memory", "16Q", "x"), "not a size");
	bad(ARGV("--memory-swap", "1G", "x"), "--memory-swap needs --memory");
	bad(ARGV("--pids", "4194305", "x"), "not a number from 1 to 4194304");
	is_num(parse(ARGV("--pids", "0", "x")), PARSE_RUN, "--pids 0 parses");
	ok(cfg.pids_off && !cfg.pids_max, "--pids 0: no pids limit at all");
	is_num(parse(ARGV("--pids", "max", "--cpu-period", "5000", "x")), PARSE_RUN,
	       "--pids max parses");
	ok(cfg.pids_off, "--pids max: no limit, and a later --cpu-period keeps it so");
	is_num(parse(ARGV("--pids", "max", "--pids", "9", "x")), PARSE_RUN, "--pids max then 9");
	ok(!cfg.pids_off && cfg.pids_max == 9, "the later --pids 9 wins");
	bad(ARGV("--pids", "-5", "x"), "not a number from 1");
}

static void userns(void)
{
	is_num(parse(ARGV("--userns-base", "200000", "x")), PARSE_RUN, "--userns-base");
	ok(cfg.userns && cfg.userns_base == 200000, "--userns-base implies --userns");
	is_num(parse(ARGV("--userns", "x")), PARSE_RUN, "--userns");
	ok(cfg.userns && cfg.userns_base == 0, "--userns alone: the default base");
	bad(ARGV("--userns-base", "0", "x"), "not a number from 1 to 4294901759");
	bad(ARGV("--userns-base", "4294901760", "x"), "not a number from 1");
}

static void output(void)
{
	is_num(parse(ARGV("--output", "/var/log/x", "x")), PARSE_RUN, "--output");
	ok(cfg.output && cfg.output_max == 1 << 20, "--output: 1M cap by default");
	is_num(parse(ARGV("--output-max", "0", "x")), PARSE_RUN, "--output-max 0");
	is_num(cfg.output_max, 0, "--output-max 0: no cap");
	is_num(parse(ARGV("--output-max", "64K", "x")), PARSE_RUN, "--output-max 64K");
	is_num(cfg.output_max, 65536, "--output-max 64K");
	bad(ARGV("--output-max", "4095", "x"), "below 4K");
	bad(ARGV("--output-max", "lots", "x"), "not a size");
}

static void ready(void)
{
	is_num(parse(ARGV("--root", "/r", "--ready", "notify", "x")), PARSE_RUN,
	       "--ready notify with --root");
	is_num(cfg.ready_mode, READY_NOTIFY, "--ready notify: the sd_notify socket");
	is_num(parse(ARGV("--ready", "fd:3", "x")), PARSE_RUN, "--ready fd:3");
	ok(cfg.ready_mode == READY_FD && cfg.ready_fd == 3, "--ready fd:3: descriptor 3");
	is_num(cfg.ready_timeout_ms, 0, "no --ready-timeout: none");
	is_num(parse(ARGV("--ready", "fd:1023", "--ready-timeout", "1.5s", "x")),
	       PARSE_RUN, "--ready fd:1023 --ready-timeout 1.5s");
	is_num(cfg.ready_timeout_ms, 1500, "--ready-timeout 1.5s");
	is_num(parse(ARGV("--ready", "none", "x")), PARSE_RUN, "--ready none");
	is_num(cfg.ready_mode, READY_NONE, "--ready none: no readiness");
	bad(ARGV("--ready", "fd:2", "x"), "not a readiness protocol: use notify, fd:N");
	bad(ARGV("--ready", "fd:1024", "x"), "N from 3 to 1023");
	bad(ARGV("--ready", "fd:", "x"), "not a readiness protocol");
	bad(ARGV("--ready", "systemd", "x"), "not a readiness protocol");
	bad(ARGV("--ready", "notify", "x"), "--ready notify needs --root");
	bad(ARGV("--ready-timeout", "1s", "x"), "--ready-timeout needs --ready");
	bad(ARGV("--ready", "fd:3", "--ready-timeout", "soon", "x"), "not a duration");
}

/* Without its feature, an option is still known: refused in one line
 * that names what is missing and the profile, so a config file written
 * for a full build says why a smaller one cannot run it. */
static void not_built(char *option, char *value, enum feature f)
{
	char want[96];

	fmt(want, sizeof want, "%s: this hutch is built without %s (PROFILE=%s)",
	    option, feature_name(f), HUTCH_PROFILE);
	bad(ARGV(option, value, "x"), want);
}

static void optional(void)
{
	if (HUTCH_DEVICES)
		devices();
	else
		not_built("--device", "/dev/ttyUSB0", F_DEVICES);
	if (HUTCH_LIMITS)
		memory_pids();
	else
		not_built("--memory", "32M", F_LIMITS);
	if (HUTCH_USERNS)
		userns();
	else
		not_built("--userns-base", "200000", F_USERNS);
	if (HUTCH_OUTPUT)
		output();
	else
		not_built("--output", "/var/log/x", F_OUTPUT);
	if (!HUTCH_SECCOMP)
		not_built("--seccomp", "off", F_SECCOMP);
	if (HUTCH_READY)
		ready();
	else
		not_built("--ready", "fd:3", F_READY);
	if (!HUTCH_DAEMON) {
		not_built("--pidfile", "/run/x.pid", F_DAEMON);
		bad(ARGV("--log", "syslog", "x"), "syslog: this hutch is built without daemon");
		is_num(parse(ARGV("--log", "stderr", "x")), PARSE_RUN,
		       "--log stderr is always there");
	}
}

/* options_complete: the host paths made absolute from the working
 * directory (the launcher's, which it never leaves), the rest as given;
 * --root as written kept for the refusals that name it. */
static void completion(void)
{
	char cwd[256], want[320];

	if (!ok(getcwd(cwd, sizeof cwd) != NULL, "the working directory"))
		return;
	is_num(parse(ARGV("--root", "rootfs/", "x")), PARSE_RUN, "a relative --root");
	options_complete(&cfg);
	fmt(want, sizeof want, "%s/rootfs/", cwd);
	is_str(cfg.root, want, "--root made absolute from the working directory");
	is_str(cfg.root_arg, "rootfs/", "--root as written kept");
	is_num(parse(ARGV("--root", "/srv/r", "x")), PARSE_RUN, "an absolute --root");
	options_complete(&cfg);
	ok(cfg.root == cfg.root_arg && !strcmp(cfg.root, "/srv/r"), "left as it is");
	is_num(parse(ARGV("x")), PARSE_RUN, "no --root");
	options_complete(&cfg);
	ok(!cfg.root && !cfg.root_arg && !cfg.pidfile && !cfg.output, "nothing made up");
	if (HUTCH_DAEMON && HUTCH_OUTPUT) {
		is_num(parse(ARGV("--pidfile", "w.pid", "--output", "w.log", "x")),
		       PARSE_RUN, "relative --pidfile and --output");
		options_complete(&cfg);
		fmt(want, sizeof want, "%s/w.pid", cwd);
		is_str(cfg.pidfile, want, "--pidfile made absolute");
		fmt(want, sizeof want, "%s/w.log", cwd);
		is_str(cfg.output, want, "--output FILE made absolute");
	}
	if (HUTCH_OUTPUT) {
		is_num(parse(ARGV("--output", "kmsg", "x")), PARSE_RUN, "--output kmsg");
		options_complete(&cfg);
		is_str(cfg.output, "kmsg", "--output kmsg names the log, not ./kmsg");
	}
	if (HUTCH_IMAGE) {
		is_num(parse(ARGV("--root", "/r", "--overlay", "up", "x")), PARSE_RUN,
		       "a relative --overlay DIR");
		options_complete(&cfg);
		fmt(want, sizeof want, "%s/up", cwd);
		is_str(cfg.overlay_dir, want, "--overlay DIR made absolute");
	}
}

int main(void)
{
	defaults();
	options();
	bad_options();
	limits();
	optional();
	probe_mode();
	config_files();
	completion();
	return tap_done();
}
