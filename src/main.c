/* main.c - entry point: parse everything first, then launch. */
#include <unistd.h>

#include "launcher.h"
#include "log.h"
#include "options.h"
#include "sys.h"

#ifndef HUTCH_VERSION
#define HUTCH_VERSION "0.1.0"
#endif

int main(int argc, char **argv)
{
	static const char version[] = "hutch " HUTCH_VERSION "\n";
	/* Static: the config's text arena is only touched as far as used. */
	static struct config cfg;
	struct parse_error err;

	switch (options_parse(&cfg, argc, argv, &err, true)) {
	case PARSE_ERROR:
		log_error("%s", err.msg);
		return EXIT_SETUP;
	case PARSE_HELP:
		options_help(STDOUT_FILENO);
		return 0;
	case PARSE_VERSION:
		write_all(STDOUT_FILENO, version, sizeof version - 1);
		return 0;
	case PARSE_RUN:
		break;
	}
	log_setup(cfg.name, cfg.verbosity);
	return launcher_run(&cfg);
}
