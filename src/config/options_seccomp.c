/* SPDX-License-Identifier: MIT */
/* options_seccomp.c - --seccomp off|default|FILE and --seccomp-action.
 * A FILE is read and checked here, like a config file, so that a bad one
 * costs one line naming FILE:LINE and exit 125 before anything is done;
 * PID 1 builds the filter from the checked text (seccomp.c). */
#include "options_internal.h"

#include "seccomp.h"

int set_seccomp(struct parse_ctx *ctx, const struct option_def *opt,
		const char *value)
{
	static const char *const modes[] = { "default", "off", NULL };
	int mode = word_index(value, modes);
	char msg[96];
	const char *text;
	unsigned line;

	(void)opt;
	if (mode >= 0) { /* a file of that name: ./off */
		ctx->cfg->seccomp_mode = mode;
		return 0;
	}
	text = file_text(ctx, value, "seccomp list");
	if (!text)
		return -1;
	line = seccomp_check(text, msg, sizeof msg);
	if (line) {
		/* Where the error is: the list's own line. Parsing ends here,
		 * so what ctx said before does not matter any more. */
		ctx->file = value;
		ctx->line = line;
		return parse_fail(ctx, NULL, "%s", msg);
	}
	ctx->cfg->seccomp_mode = SECCOMP_LIST;
	ctx->cfg->seccomp_list = text;
	return 0;
}

