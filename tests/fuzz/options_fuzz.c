/* SPDX-License-Identifier: MIT */
/* options_fuzz.c - libFuzzer harness for hutch's option and config-file
 * parser: options_parse() with src/config/options.c, cli.c, config_file.c,
 * options_limits.c, options_privs.c, units.c ... linked as they are,
 * built for the host (glibc) with ASan and UBSan.
 *
 * Each input is parsed three ways:
 *
 *   1. as a config file: hutch -f FILE (a memfd holding the input, named
 *      /proc/self/fd/N, as config files are read from a path);
 *   2. the same for `hutch check` (no command required);
 *   3. as a command line: the input split at each '\n' into argv words
 *      after "hutch"; a word "@FILE" stands for the memfd's path, so that
 *      `-f @FILE`, `--seccomp @FILE` and options around them mix.
 *
 * An input with a line "@ARGV" gives the file what comes before it and
 * the command line what comes after (a seccomp list and the options that
 * name it); without one, both get the whole input.
 *
 * Beyond crashes, the harness checks what the parser promises
 * (docs/options.md, "Options" and "Config files"): on an error a one-line
 * message; on success a command (when required), a valid name, absolute
 * sandbox paths without "..", capacities held, delays in order. A broken
 * promise is an abort(), which libFuzzer reports like a crash. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "options.h"
#include "seccomp.h"

#define MAX_WORDS 256

static struct config cfg;
static struct config_text cfg_text;
static struct parse_error err;
static int memfd = -1;
static char file_path[64];
static char word_hutch[] = "hutch", word_f[] = "-f";

static void broken(const char *promise)
{
	fprintf(stderr, "options_fuzz: broken promise: %s\n", promise);
	abort();
}

static void require(int cond, const char *promise)
{
	if (!cond)
		broken(promise);
}

/* docs/options.md's rule for names: 1..64 letters, digits, '.', '_',
 * '-', not starting with '.' or '-'. */
/* 1..64 letters, digits, '.', '_', '-' and the extra characters, not
 * starting with '.' or '-'. */
static int name_with(const char *s, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-", s[i]) && !strchr(extra, s[i]))
			return 0;
	return 1;
}

static int valid_name_chars(const char *s)
{
	return name_with(s, "");
}

/* Absolute, and no ".." component. */
static int sandbox_path(const char *p)
{
	if (!p || p[0] != '/')
		return 0;
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			return 0;
	return 1;
}

/* --cgroup-parent becomes a path below each hierarchy's root: relative,
 * at most 128 characters, each part a name (so never "..", never empty),
 * '@', ':' and '\\' allowed as in systemd's unit names. */
static int cgroup_parent_ok(const char *p)
{
	char copy[129], *part, *save = NULL;
	size_t n = p ? strlen(p) : 0;

	if (!n || n > 128 || p[0] == '/' || p[n - 1] == '/' || strstr(p, "//"))
		return 0;
	memcpy(copy, p, n + 1);
	for (part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save))
		if (!name_with(part, "@:\\")) /* systemd's unit names too */
			return 0;
	return 1;
}

static void check_error(void)
{
	size_t len = strnlen(err.msg, sizeof err.msg);

	require(len > 0, "an error comes with a message");
	require(len < sizeof err.msg, "the message is NUL-terminated");
	require(!memchr(err.msg, '\n', len), "the message is one line");
}

static void check_config(int command_required)
{
	require(cfg_text.used <= sizeof cfg_text.bytes, "the text arena is not overrun");
	require(cfg.n_mounts <= CONFIG_MAX_MOUNTS, "at most 64 mounts");
	require(cfg.n_env <= CONFIG_MAX_ENV, "at most 64 env entries");
	require(sandbox_path(cfg.workdir), "workdir is absolute, without '..'");
	require(cgroup_parent_ok(cfg.cgroup_parent),
		"cgroup-parent is a relative path of names, at most 128 characters");
	for (size_t i = 0; i < cfg.n_mounts; i++) {
		const struct mount_spec *m = &cfg.mounts[i];
		require(sandbox_path(m->dst), "a mount's DST is absolute, without '..'");
		require(strcmp(m->dst, "/") != 0, "no mount over the sandbox's root");
		require(m->kind == MOUNT_TMPFS || sandbox_path(m->src),
			"a bind's SRC is absolute, without '..'");
	}
	for (size_t i = 0; i < cfg.n_env; i++)
		require(cfg.env[i] && strchr(cfg.env[i], '=') && cfg.env[i][0] != '=',
			"an env entry is KEY=VALUE");
	if (!cfg.argv) {
		require(!command_required, "a command when one is required");
		return;
	}
	require(cfg.argv[0] && cfg.argv[0][0], "the command's first word is not empty");
	require(cfg.name && valid_name_chars(cfg.name), "the name follows the rules");
	require(cfg.hostname && valid_name_chars(cfg.hostname),
		"the hostname follows the rules of names");
	require(cfg.restart_delay_ms >= 1, "restart-delay is at least 1ms");
	require(cfg.restart_max_delay_ms >= cfg.restart_delay_ms,
		"restart-max-delay is not shorter than restart-delay");
}

/* --- the filter a parsed config asks for (seccomp.c) ------------------------ */

/* The classic BPF that hutch emits (<linux/bpf_common.h>, <linux/seccomp.h>). */
#define LD_ABS 0x20
#define JEQ 0x15
#define JGE 0x35
#define JSET 0x45
#define JA 0x05
#define RET 0x06
#define BPF_MAXINSNS 4096
#define RET_KILL_PROCESS 0x80000000U
#define RET_ERRNO 0x00050000U
#define RET_ALLOW 0x7fff0000U

struct seccomp_data_le {
	int32_t nr;
	uint32_t arch;
	uint64_t ip;
	uint64_t args[6];
};

/* What the kernel checks before it takes a filter: a length of 1..4096,
 * known instructions, jumps forward and inside, loads of aligned words of
 * seccomp_data, a return at the end. */
static void check_program(const struct sock_fprog *p)
{
	require(p->len >= 1 && p->len <= BPF_MAXINSNS, "1 to 4096 BPF instructions");
	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];
		switch (f->code) {
		case LD_ABS:
			require(f->k % 4 == 0 && f->k < sizeof(struct seccomp_data_le),
				"loads are aligned words of seccomp_data");
			break;
		case JEQ:
		case JGE:
		case JSET:
			require(pc + 1u + f->jt < p->len && pc + 1u + f->jf < p->len,
				"conditional jumps land inside the program");
			break;
		case JA:
			require(pc + 1ull + f->k < p->len, "jumps land inside the program");
			break;
		case RET:
			break;
		default:
			broken("only LD ABS, JEQ, JGE, JSET, JA and RET instructions");
		}
	}
	require(p->filter[p->len - 1].code == RET, "the program ends with a return");
}

/* The filter's answer for one call, by running the program. */
static uint32_t run_filter(const struct sock_fprog *p, uint32_t arch, long nr,
			   uint64_t arg0)
{
	struct seccomp_data_le d = { (int32_t)nr, arch, 0, { arg0, 0, 0, 0, 0, 0 } };
	uint32_t acc = 0;

	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];
		switch (f->code) {
		case LD_ABS:
			memcpy(&acc, (const char *)&d + f->k, sizeof acc);
			break;
		case JEQ:
			pc += acc == f->k ? f->jt : f->jf;
			break;
		case JGE:
			pc += acc >= f->k ? f->jt : f->jf;
			break;
		case JSET:
			pc += (acc & f->k) ? f->jt : f->jf;
			break;
		case JA:
			pc += f->k;
			break;
		default: /* RET */
			return f->k;
		}
	}
	broken("the filter runs off its end");
	return 0;
}

/* docs/security.md, "Seccomp filter": whatever the list, a foreign ABI
 * and x32 calls are killed; the default list denies what it names,
 * natively and for i386, and lets ordinary calls through. */
static void check_filter(void)
{
	const struct sock_fprog *p = seccomp_build(&cfg);

	if (cfg.seccomp_mode == SECCOMP_OFF) {
		require(p->len == 0, "--seccomp off: no filter");
		return;
	}
	check_program(p);
#ifdef __x86_64__
	const uint32_t x86_64 = 0xc000003eU, i386 = 0x40000003U;
	const uint32_t deny = cfg.seccomp_kill ? RET_KILL_PROCESS : RET_ERRNO | 1;

	require(run_filter(p, 0x40000028U, 20, 0) == RET_KILL_PROCESS,
		"a call of a foreign ABI (32-bit arm) is killed");
	require(run_filter(p, x86_64, 0x40000000L | 39, 0) == RET_KILL_PROCESS,
		"an x32 call is killed");
	if (cfg.seccomp_mode != SECCOMP_DEFAULT)
		return;
	require(run_filter(p, x86_64, 165, 0) == deny, "mount is denied");
	require(run_filter(p, x86_64, 272, 0x10000000) == deny, "unshare is denied");
	require(run_filter(p, x86_64, 56, 0x10000000 | 17) == deny,
		"clone(CLONE_NEWUSER) is denied");
	require(run_filter(p, x86_64, 56, 17) == RET_ALLOW, "a plain clone passes");
	require(run_filter(p, x86_64, 435, 0) == (RET_ERRNO | 38), "clone3 gets ENOSYS");
	require(run_filter(p, x86_64, 39, 0) == RET_ALLOW, "getpid passes");
	require(run_filter(p, i386, 21, 0) == deny, "i386 mount is denied");
	require(run_filter(p, i386, 310, 0x10000000) == deny, "i386 unshare is denied");
	require(run_filter(p, i386, 20, 0) == RET_ALLOW, "i386 getpid passes");
#endif
}

static void parse(int argc, char **argv, int command_required)
{
	enum parse_result r = options_parse(&cfg, &cfg_text, argc, argv, &err, command_required);

	if (r == PARSE_ERROR)
		check_error();
	else if (r == PARSE_RUN) {
		check_config(command_required);
		check_filter();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	memfd = memfd_create("hutch-fuzz-config", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("options_fuzz: memfd_create");
		exit(1);
	}
	snprintf(file_path, sizeof file_path, "/proc/self/fd/%d", memfd);
	/* --env KEY passes hutch's own KEY: give the fuzzer one to find. */
	setenv("HUTCH_FUZZ", "from the environment", 1);
	return 0;
}

/* The input split into words at '\n'; copies live in `text`, which stays
 * valid while cfg points into it. */
static int split_words(const uint8_t *data, size_t size, char *text, char **argv)
{
	int argc = 0;
	char *w = text;

	argv[argc++] = word_hutch;
	memcpy(text, data, size);
	text[size] = '\0';
	while (argc < MAX_WORDS) {
		char *nl = strchr(w, '\n');
		if (nl)
			*nl = '\0';
		argv[argc++] = strcmp(w, "@FILE") == 0 ? file_path : w;
		if (!nl)
			break;
		w = nl + 1;
	}
	argv[argc] = NULL;
	return argc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *file_argv[] = { word_hutch, word_f, file_path, NULL };
	static char *words[MAX_WORDS + 1];
	char *text;
	int argc;

	const uint8_t *args = data;
	size_t file_size = size, args_size = size;
	const uint8_t *mark = memmem(data, size, "@ARGV\n", 6);

	if (mark && (mark == data || mark[-1] == '\n')) {
		file_size = (size_t)(mark - data);
		args = mark + 6;
		args_size = size - file_size - 6;
	}
	if (ftruncate(memfd, 0) ||
	    (file_size && pwrite(memfd, data, file_size, 0) != (ssize_t)file_size)) {
		perror("options_fuzz: writing the memfd");
		abort();
	}
	parse(3, file_argv, 1);
	parse(3, file_argv, 0);

	text = malloc(args_size + 1);
	if (!text)
		return 0;
	argc = split_words(args, args_size, text, words);
	parse(argc, words, 1);
	free(text);
	return 0;
}
