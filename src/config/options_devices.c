/* SPDX-License-Identifier: MIT */
/* options_devices.c - --device, the option of the device allow-list
 * (HUTCH_DEVICES: cgroup_devices.c). */
#include "options_internal.h"

#include <string.h>

/* --device PATH[:rwm]: PATH absolute, bound as /dev/NAME (its last
 * component), which must not be one of the names hutch's /dev has; the
 * access (default rwm) goes into the allow-list. The launcher checks that
 * PATH is a device node. */
int set_device(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	static const char taken[] = "null\0zero\0full\0random\0urandom\0tty\0ptmx\0"
				    "fd\0stdin\0stdout\0stderr\0pts\0shm\0";
	struct config *cfg = ctx->cfg;
	char *path = ctx_strdup(ctx, value), *colon, *name;
	unsigned access = 0;

	if (!path)
		return -1;
	colon = strrchr(path, ':');
	if (colon) {
		for (const char *a = colon + 1; *a; a++)
			access |= *a == 'r' ? DEV_READ : *a == 'w' ? DEV_WRITE
				: *a == 'm' ? DEV_MKNOD : 0x100;
		if (!access || access > 7)
			return parse_fail(ctx, opt, "'%s': the access after ':' is "
					  "letters of rwm", value);
		*colon = '\0';
	}
	name = strrchr(path, '/');
	if (path[0] != '/' || !valid_name(name + 1, "._-", 32))
		return parse_fail(ctx, opt, "'%s' must be an absolute path whose last "
				  "part is a name (letters, digits, . _ -)", value);
	/* bounded by the size too: the analyser cannot see the final NUL */
	for (const char *t = taken; t < taken + sizeof taken - 1; t += strlen(t) + 1)
		if (!strcmp(t, name + 1))
			return parse_fail(ctx, opt, "'%s': /dev/%s is hutch's own",
					  value, t);
	if (cfg->n_devices == CONFIG_MAX_DEVICES)
		return parse_fail(ctx, opt, "more than %d devices", CONFIG_MAX_DEVICES);
	cfg->device_path[cfg->n_devices] = path;
	cfg->device_access[cfg->n_devices++] = (unsigned char)(access ? access : 7);
	return 0;
}
