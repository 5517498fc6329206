/* SPDX-License-Identifier: MIT */
/* profile.h - which optional parts this hutch is built with: the
 * profile's HUTCH_<FEATURE>=y|n (configs/NAME.config) come in as -D flags
 * (Makefile). A feature's header chooses its static inline stubs from
 * these, so callers never carry an #if; inside a .c file, `if (HUTCH_X)`
 * keeps disabled code compiled and type-checked, and the compiler drops
 * it. Built without the Makefile (the sanitizer and fuzz builds), hutch
 * is the full profile. */
#ifndef HUTCH_PROFILE_H
#define HUTCH_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#ifndef HUTCH_PROFILE
#define HUTCH_PROFILE "full"
#endif
#ifndef HUTCH_SECCOMP
#define HUTCH_SECCOMP 1
#endif
#ifndef HUTCH_USERNS
#define HUTCH_USERNS 1
#endif
#ifndef HUTCH_OUTPUT
#define HUTCH_OUTPUT 1
#endif
#ifndef HUTCH_TTY
#define HUTCH_TTY 1
#endif
#ifndef HUTCH_CONTROL
#define HUTCH_CONTROL 1
#endif
#ifndef HUTCH_CHECK
#define HUTCH_CHECK 1
#endif
#ifndef HUTCH_DAEMON
#define HUTCH_DAEMON 1
#endif
#ifndef HUTCH_DEVICES
#define HUTCH_DEVICES 1
#endif
#ifndef HUTCH_BOOTLIMIT
#define HUTCH_BOOTLIMIT 1
#endif
#ifndef HUTCH_HELP
#define HUTCH_HELP 1
#endif
#ifndef HUTCH_READY
#define HUTCH_READY 1
#endif
#ifndef HUTCH_LIMITS
#define HUTCH_LIMITS 1
#endif
#ifndef HUTCH_LIVENESS
#define HUTCH_LIVENESS 1
#endif
#ifndef HUTCH_IMAGE
#define HUTCH_IMAGE 1
#endif
#ifndef HUTCH_OCI
#define HUTCH_OCI 1
#endif

/* One bit each; F_CORE is always there. profile.c's names and
 * FEATURES_LINE follow this order. */
enum feature {
	F_CORE, F_SECCOMP, F_USERNS, F_OUTPUT, F_TTY, F_CONTROL, F_CHECK,
	F_DAEMON, F_DEVICES, F_LIMITS, F_BOOTLIMIT, F_HELP, F_READY, F_LIVENESS,
	F_IMAGE, F_OCI, F_COUNT
};

#define FEATURES_BUILT                                                        \
	(1u << F_CORE | HUTCH_SECCOMP << F_SECCOMP | HUTCH_USERNS << F_USERNS | \
	 HUTCH_OUTPUT << F_OUTPUT | HUTCH_TTY << F_TTY |                        \
	 HUTCH_CONTROL << F_CONTROL | HUTCH_CHECK << F_CHECK |                  \
	 HUTCH_DAEMON << F_DAEMON | HUTCH_DEVICES << F_DEVICES |                \
	 HUTCH_LIMITS << F_LIMITS | HUTCH_BOOTLIMIT << F_BOOTLIMIT |            \
	 HUTCH_HELP << F_HELP | HUTCH_READY << F_READY |                        \
	 HUTCH_LIVENESS << F_LIVENESS | HUTCH_IMAGE << F_IMAGE | HUTCH_OCI << F_OCI)

#define FEATURES_ALL ((1u << F_COUNT) - 1)

/* Constant true in the full profile, so its refusal paths fold away. */
static inline bool feature_built(unsigned f)
{
	return FEATURES_BUILT == FEATURES_ALL || (FEATURES_BUILT >> f & 1);
}

/* The refusal of an option or command whose feature is not built, the
 * same words everywhere: "this hutch is built without seccomp
 * (PROFILE=tiny)". Config files stay portable: the option is known, and
 * the line says which build lacks it. */
#define NOT_BUILT_FMT "this hutch is built without %s (PROFILE=" HUTCH_PROFILE ")"

const char *feature_name(unsigned f);

/* --version's second line, "features: +seccomp -userns ... (profile
 * tiny)\n", made by the preprocessor: a constant, no code. Each
 * HUTCH_<FEATURE> must be the digit 0 or 1 for the paste. */
#define FEATURE_SIGN(on) FEATURE_SIGN_(on)
#define FEATURE_SIGN_(on) FEATURE_SIGN_##on
#define FEATURE_SIGN_0 " -"
#define FEATURE_SIGN_1 " +"
#define FEATURES_LINE                                                       \
	"features:" FEATURE_SIGN(HUTCH_SECCOMP) "seccomp"                   \
	FEATURE_SIGN(HUTCH_USERNS) "userns" FEATURE_SIGN(HUTCH_OUTPUT) "output" \
	FEATURE_SIGN(HUTCH_TTY) "tty" FEATURE_SIGN(HUTCH_CONTROL) "control"   \
	FEATURE_SIGN(HUTCH_CHECK) "check" FEATURE_SIGN(HUTCH_DAEMON) "daemon" \
	FEATURE_SIGN(HUTCH_DEVICES) "devices" FEATURE_SIGN(HUTCH_LIMITS) "limits" \
	FEATURE_SIGN(HUTCH_BOOTLIMIT) "bootlimit"                             \
	FEATURE_SIGN(HUTCH_HELP) "help" FEATURE_SIGN(HUTCH_READY) "ready"     \
	FEATURE_SIGN(HUTCH_LIVENESS) "liveness"                               \
	FEATURE_SIGN(HUTCH_IMAGE) "image"                                     \
	FEATURE_SIGN(HUTCH_OCI) "oci"                                         \
	" (profile " HUTCH_PROFILE ")\n"

/* One line "WHAT: this hutch is built without F (PROFILE=P)" on stderr;
 * returns EXIT_SETUP, for the commands of a feature not built. */
int feature_refuse(const char *what, unsigned f);

#endif
