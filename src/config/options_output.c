/* SPDX-License-Identifier: MIT */
/* options_output.c - the option of --output beyond the generic setters
 * (HUTCH_OUTPUT: output.c). */
#include "options_internal.h"

#include <string.h>

#include "units.h"

/* --output-rate BYTES/TIME: at least 4K (a line must fit the bucket) and
 * at most 1G per at most a day, so BYTES x milliseconds fits 64 bits. */
int set_output_rate(struct parse_ctx *ctx, const struct option_def *opt,
			   const char *value)
{
	struct config *cfg = ctx->cfg;
	char bytes[24];
	const char *slash = strchr(value, '/');
	size_t n = slash ? (size_t)(slash - value) : 0;

	if (n && n < sizeof bytes) {
		memcpy(bytes, value, n);
		bytes[n] = '\0';
		if (!parse_size(bytes, &cfg->output_rate_bytes) &&
		    cfg->output_rate_bytes >= 4096 && cfg->output_rate_bytes <= 1u << 30 &&
		    !parse_duration_ms(slash + 1, &cfg->output_rate_ms) &&
		    cfg->output_rate_ms > 0 && cfg->output_rate_ms <= 86400000)
			return 0;
	}
	return parse_fail(ctx, opt, "'%s' is not a rate: use BYTES/TIME, e.g. "
			  "64k/10s, with 4K to 1G per at most a day", value);
}

int output_log_target(const char *path)
{
	return !path ? 0 : !strcmp(path, "syslog") ? LOG_SYSLOG
			 : !strcmp(path, "kmsg") ? LOG_KMSG : 0;
}
