/* SPDX-License-Identifier: MIT */
/* cgroup_usage.c - what a running sandbox's groups count now, for hutch
 * status: memory, processes and CPU time, read from the groups its PID 1
 * is in (its /proc/PID/cgroup, so --cgroup-parent and v1 or v2 need no
 * guessing), where the host mounts them. */
#include "cgroup.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "sys.h"
#include "units.h"

struct usage {
	const char *name;
	char *text;
	size_t size;
};

/* Whether the comma-separated list holds word. */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; *p; p += until_any(p, ",") + (p[until_any(p, ",")] != 0))
		if (until_any(p, ",") == len && !memcmp(p, word, len))
			return true;
	return false;
}

/* The text after "key" at the start of a line of a flat-keyed file such
 * as cpu.stat, or NULL. */
static char *after_key(char *text, const char *key)
{
	size_t len = strlen(key);

	for (char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, key, len) == 0)
			return p + len;
	return NULL;
}

/* "LABEL: VALUE UNIT" from the number in dir/file (after key, if given),
 * divided by div; nothing if absent. */
static void add(struct usage *u, const char *dir, const char *file, const char *key,
		const char *label, uint64_t div, const char *unit)
{
	char path[400], text[512], num[8], *p;
	uint64_t v, frac;
	size_t used = strlen(u->text);

	if (fmt(path, sizeof path, "%s/%s", dir, file) >= sizeof path ||
	    read_small_file(AT_FDCWD, path, text, sizeof text) <= 0)
		return;
	p = key ? after_key(text, key) : text;
	if (!p)
		return;
	p[until_any(p, "\n")] = '\0';
	if (parse_uint(p, UINT64_MAX, &v))
		return;
	/* three decimals by hand: fmt has no field width */
	frac = 1000 + v % div * 1000 / div;
	fmt(num, sizeof num, ".%llu", (unsigned long long)frac);
	num[1] = '.';
	fmt(u->text + used, u->size - used, "%s: %llu%s%s\n", label,
	    (unsigned long long)(v / div), div > 1 ? num + 1 : "", unit);
}

/* One line "ID:CONTROLLERS:PATH" of /proc/PID/cgroup. */
static void line_usage(char *line, void *arg)
{
	struct usage *u = arg;
	char *f[3], dir[300], mount[128];
	const char *base;
	bool v2;

	/* Only a group hutch made, PARENT/NAME: in a hierarchy where it made
	 * none, PID 1 is in the launcher's group, which counts others too. */
	if (split_words(line, f, 3, ':') < 3 || !(base = strrchr(f[2], '/')) ||
	    strcmp(base + 1, u->name) != 0 || !cgroup_mount_of(f[1], mount, sizeof mount) ||
	    fmt(dir, sizeof dir, "%s%s", mount, f[2]) >= sizeof dir)
		return;
	v2 = !f[1][0];
	if (v2 || has_word(f[1], "memory"))
		add(u, dir, v2 ? "memory.current" : "memory.usage_in_bytes", NULL,
		    "memory", 1 << 20, " MiB");
	if (v2 || has_word(f[1], "pids"))
		add(u, dir, "pids.current", NULL, "processes", 1, "");
	if (v2)
		add(u, dir, "cpu.stat", "usage_usec ", "cpu", 1000000, " s");
	else if (has_word(f[1], "cpuacct"))
		add(u, dir, "cpuacct.usage", NULL, "cpu", 1000000000, " s");
}

void cgroup_usage(long pid, const char *name, char *text, size_t size)
{
	struct usage u = { name, text, size };
	char path[40];

	text[0] = '\0';
	fmt(path, sizeof path, "/proc/%ld/cgroup", pid);
	each_line(path, line_usage, &u);
}
