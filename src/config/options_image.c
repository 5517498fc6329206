/* SPDX-License-Identifier: MIT */
/* options_image.c - --overlay's value and its checks across the options
 * (HUTCH_IMAGE: image.c and image_mount.c do the rest). */
#include "options_internal.h"

#include <string.h>

#include "units.h"

/* --overlay tmpfs[:SIZE]|DIR */
int set_overlay(struct parse_ctx *ctx, const struct option_def *opt,
		const char *value)
{
	struct config *cfg = ctx->cfg;

	cfg->overlay_tmpfs = false;
	cfg->overlay_size = 0;
	cfg->overlay_dir = NULL;
	if (!strncmp(value, "tmpfs", 5) && (!value[5] || value[5] == ':')) {
		cfg->overlay_tmpfs = true;
		if (value[5] && (parse_size(value + 6, &cfg->overlay_size) ||
				 !cfg->overlay_size))
			return parse_fail(ctx, opt, "'%s' is not a size (examples: "
					  "512k, 16M, 1G)", value + 6);
		return 0;
	}
	/* any name: the overlay's options get /proc/self/fd/N, not DIR */
	cfg->overlay_dir = value;
	return 0;
}

int check_overlay(struct parse_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	if (!cfg->overlay_tmpfs && !cfg->overlay_dir)
		return 0;
	if (!cfg->root)
		return parse_fail(ctx, NULL, "--overlay needs --root: it is a layer "
				  "over the sandbox's own root");
	if (cfg->userns)
		return parse_fail(ctx, NULL, "--overlay and --userns: hutch makes "
				  "overlays in the host's user namespace only");
	if (cfg->read_only)
		return parse_fail(ctx, NULL, "--overlay and --read-only: the "
				  "overlay is there to be written");
	return 0;
}
