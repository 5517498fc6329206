/* SPDX-License-Identifier: MIT */
/* main.c - entry point: parse everything first, then launch. */
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "control.h"
#include "launcher.h"
#include "log.h"
#include "oci.h"
#include "options.h"
#include "profile.h"
#include "selfexec.h"
#include "sys.h"

#ifndef HUTCH_VERSION
#define HUTCH_VERSION "0.1.0"
#endif

/* A first argument that is a word, not an option nor a path, names one of
 * hutch's own commands: `hutch stauts web` must not run a program called
 * stauts in a sandbox. A program given first is a path or follows --. */
static bool unknown_command(const char *word)
{
	char verbs[96];

	if (word[0] == '-' || word[0] == '\0' || strchr(word, '/') ||
	    strcmp(word, "check") == 0)
		return false;
	control_verbs(verbs, sizeof verbs);
	log_error("'%s' is not a command of hutch (check%s, help); to run a "
		  "program of that name: hutch -- %s", word, verbs, word);
	return true;
}

int main(int argc, char **argv)
{
	/* the second line says what this build has: tests and scripts read
	 * it (tests/lib/tap.sh, require_feature) */
	static const char version[] = "hutch " HUTCH_VERSION "\n" FEATURES_LINE;
	/* Static: the text arena is only touched as far as used; it lives
	 * as long as the config, whose strings point into it. */
	static struct config cfg;
	static struct config_text text;
	struct parse_error err;
	/* `hutch check [OPTIONS]`: the same options, no command needed. */
	bool probe = argc > 1 && strcmp(argv[1], "check") == 0;

	selfexec_argv = argv;

	/* `hutch oci ...`, or this binary called runc: the OCI runtime */
	switch (oci_invoked(argc, argv)) {
	case 1:
		return oci_main(argc, argv);
	case 2:
		return oci_main(argc - 1, argv + 1);
	}
	if (argc > 1 && control_command(argv[1]))
		return control_run(argc, argv);
	if (argc > 1 && strcmp(argv[1], "help") == 0) {
		options_help(STDOUT_FILENO);
		return 0;
	}
	if (argc > 1 && unknown_command(argv[1]))
		return EXIT_SETUP;
	switch (options_parse(&cfg, &text, argc - probe, argv + probe, &err, !probe)) {
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
	/* from here on the options are final: what runs takes them const */
	options_complete(&cfg);
	return probe ? check_run(&cfg) : launcher_run(&cfg, argc, argv);
}
