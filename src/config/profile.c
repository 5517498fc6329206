/* SPDX-License-Identifier: MIT */
/* profile.c - the names of the optional parts, for refusing what this
 * build lacks (profile.h; --version's line is a constant there). */
#include "profile.h"

#include "log.h"

/* NUL-separated, in enum feature's order: one string, no pointer array. */
static const char names[] = "core\0seccomp\0userns\0output\0tty\0control\0"
			    "check\0daemon\0devices\0limits\0bootlimit\0help\0ready\0"
			    "liveness\0image\0oci";

const char *feature_name(unsigned f)
{
	const char *p = names;

	while (f--)
		while (*p++)
			;
	return p;
}

int feature_refuse(const char *what, unsigned f)
{
	log_error("%s: " NOT_BUILT_FMT, what, feature_name(f));
	return EXIT_SETUP;
}
