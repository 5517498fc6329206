/* SPDX-License-Identifier: MIT */
/* options_knobs.c - the placement, I/O and pressure options of the
 * limits feature (HUTCH_LIMITS): --cpuset, --io-max, --pressure-restart. Checked here against what the
 * kernel takes, so a value that passes is one cgroup_knobs.c can write;
 * --io-max's device is resolved to its numbers by the launcher
 * (preflight.c), which runs the same refusals for hutch check. */
#include "options_internal.h"

#include <fcntl.h>
#include <string.h>

#include "sys.h"
#include "units.h"

/* --cpuset LIST: the kernel's list syntax, every CPU online. A CPU that
 * is not online would be refused by the kernel's cpuset.cpus write
 * (EINVAL) after the group is made; said here, with the CPUs there are.
 * Where /sys is not mounted the kernel judges at start. */
int set_cpuset(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	uint64_t asked[CPU_LIST_WORDS], online[CPU_LIST_WORDS];
	char text[256];

	if (parse_cpu_list(value, asked, CPU_LIST_WORDS))
		return parse_fail(ctx, opt, "'%s' is not a CPU list: use CPU numbers "
				  "and ranges, e.g. 2-3 or 0,2", value);
	if (read_small_file(AT_FDCWD, "/sys/devices/system/cpu/online", text,
			    sizeof text) <= 0)
		text[0] = '\0';
	text[until_any(text, "\n")] = '\0';
	if (text[0] && !parse_cpu_list(text, online, CPU_LIST_WORDS))
		for (size_t i = 0; i < CPU_LIST_WORDS; i++)
			if (asked[i] & ~online[i])
				return parse_fail(ctx, opt, "'%s' names a CPU that is "
						  "not online: this machine has CPUs %s",
						  value, text);
	ctx->cfg->cpuset = value;
	return 0;
}

/* One KEY=N of --io-max: bytes per second take sizes (10M), operations
 * per second a number; the kernel holds iops in 32 bits. */
static int io_key(struct io_limit *io, const char *word)
{
	static const char *const keys[] = { "rbps", "wbps", "riops", "wiops", NULL };
	const char *eq = strchr(word, '=');
	char name[8];
	uint64_t v;
	int k;

	if (!eq || (size_t)(eq - word) >= sizeof name)
		return -1;
	memcpy(name, word, (size_t)(eq - word));
	name[eq - word] = '\0';
	k = word_index(name, keys);
	if (k < 0 || (k < IO_RIOPS ? parse_size(eq + 1, &v)
				   : parse_uint(eq + 1, 4294967294U, &v)) || !v)
		return -1;
	io->max[k] = v;
	return 0;
}

/* --io-max DEV:KEY=N[,KEY=N...]: DEV an absolute path, the keys after its
 * last ':' (a path may hold ':', a key never does). */
int set_io_max(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	struct config *cfg = ctx->cfg;
	char *copy = ctx_strdup(ctx, value), *colon, *words[IO_KEYS + 1];
	struct io_limit *io = &cfg->io_max[cfg->n_io_max];
	size_t n;

	if (!copy)
		return -1;
	if (cfg->n_io_max == CONFIG_MAX_IO)
		return parse_fail(ctx, opt, "more than %d devices", CONFIG_MAX_IO);
	colon = strrchr(copy, ':');
	if (copy[0] != '/' || !colon)
		return parse_fail(ctx, opt, "'%s' is not DEV:KEY=N,...: give a block "
				  "device's path, e.g. /dev/mmcblk0:wbps=10M,riops=500",
				  value);
	*colon = '\0';
	memset(io, 0, sizeof *io);
	n = split_words(colon + 1, words, IO_KEYS + 1, ',');
	for (size_t i = 0; i < n; i++)
		if (n > IO_KEYS || io_key(io, words[i]))
			return parse_fail(ctx, opt, "'%s': each limit is rbps=SIZE, "
					  "wbps=SIZE (per second, e.g. 10M), riops=N "
					  "or wiops=N, above 0", value);
	if (!n)
		return parse_fail(ctx, opt, "'%s' sets no limit: add rbps=, wbps=, "
				  "riops= or wiops=", value);
	io->path = copy;
	cfg->n_io_max++;
	return 0;
}

/* --pressure-restart some|full:STALL/WINDOW: within any WINDOW, tasks of
 * the group stalled on memory for STALL in all (some: at least one task,
 * full: all at once). The kernel's bounds: a window of 500ms to 10s, a
 * stall above 0 and within it. */
int set_pressure(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	static const char *const kinds[] = { "some", "full", NULL };
	struct config *cfg = ctx->cfg;
	char *copy = ctx_strdup(ctx, value), *colon, *slash;

	if (!copy)
		return -1;
	colon = strchr(copy, ':');
	slash = strrchr(copy, '/');
	if (colon && slash && slash > colon) {
		int kind;

		*colon = *slash = '\0';
		kind = word_index(copy, kinds);
		if (kind >= 0 && !parse_duration_ms(colon + 1, &cfg->pressure_stall_ms) &&
		    !parse_duration_ms(slash + 1, &cfg->pressure_window_ms) &&
		    cfg->pressure_window_ms >= 500 && cfg->pressure_window_ms <= 10000 &&
		    cfg->pressure_stall_ms && cfg->pressure_stall_ms <= cfg->pressure_window_ms) {
			cfg->pressure_kind = kind + 1;
			return 0;
		}
	}
	return parse_fail(ctx, opt, "'%s' is not some|full:STALL/WINDOW, e.g. "
			  "some:150ms/1s: WINDOW 500ms..10s, STALL above 0 and "
			  "within it", value);
}
