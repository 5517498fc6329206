/* SPDX-License-Identifier: MIT */
/* oci_walk.h - [oci] what oci_config.c and oci_linux.c share: the parsed
 * file, the checked accessors (each dies naming the field), the string
 * arena and the hutch command line being built (oci_walk.c). */
#ifndef HUTCH_OCI_WALK_H
#define HUTCH_OCI_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "json.h"
#include "oci.h"

#define OCI_ARGS 512

extern struct json oci_j;		     /* the file read last */
extern char *oci_args[OCI_ARGS + 1];	     /* "hutch", options, "--", args */
extern int oci_n_args;
extern const char *oci_bundle_dir, *oci_container;

/* the file at path parsed into oci_j, or death with the offset */
void oci_read_json(const char *path);

/* a path of config.json: relative ones are the bundle's */
const char *oci_bundle_path(const char *p);

/* a copy in the arena, which outlives the parse */
char *oci_keep(const char *s, size_t n);
char *oci_keepf(const char *f, const char *a, const char *b);
/* one more word of the hutch command line */
void oci_arg(const char *a);
void oci_arg2(const char *option, const char *value);

/* the string at t, unescaped; t itself when of type; key's value of
 * object t or 0 (twice: refused); a whole number up to max */
char *oci_str(unsigned t, const char *field);
unsigned oci_need(unsigned t, int type, const char *field);
unsigned oci_member(unsigned t, const char *key, const char *field);
uint64_t oci_unum(unsigned t, uint64_t max, const char *field);
/* The keys of object t, by the runtime spec's names for it (config.go's
 * json tags of GO_TYPE, Debian's golang-github-opencontainers-specs-dev:
 * the spec runc 1.1 follows), each list NUL-separated: HANDLED are read
 * by the caller; REFUSED are the spec's fields hutch does not support,
 * refused by name unless empty; any other key is not the spec's, and is
 * ignored with a warning naming it (the spec's "Extensibility": a runtime
 * MUST ignore unknown properties). tests/oci/05-spec-names.t holds both
 * lists to config.go: a name not the type's, or a tag in neither, fails.
 *   oci_only(t, OCI_SPEC(Root, "path\0readonly\0", ""), "root"); */
#define OCI_SPEC(go_type, handled, refused) handled, refused
void oci_only(unsigned t, const char *handled, const char *refused, const char *field);
/* one warning line: FIELD.NAME: WHAT, ignored (NAME's control
 * characters as '?') */
void oci_ignored(const char *field, const char *name, const char *what);
/* null, false, "", [] or {}: what generators write for "none" */
bool oci_empty(unsigned t);

/* oci_linux.c */
void oci_one_mount(unsigned t, struct config *cfg);
void oci_linux_section(unsigned t, struct config *cfg, struct oci_spec *spec);
/* oci_devices.c: linux.devices at t into cfg->dev_nodes (dies naming
 * the field; with a user namespace, refused) */
void oci_devices(unsigned t, struct config *cfg, bool userns);
/* oci_hooks.c: the hooks object checked (dies naming the field), its
 * text kept in spec for the record */
void oci_hooks_check(unsigned t, struct oci_spec *spec);
/* oci_userns.c: linux.uidMappings (gid 0) or gidMappings (1) at t into
 * spec->id_map, as uid_map's lines; dies naming the field */
void oci_id_map(unsigned t, struct oci_spec *spec, int gid);
/* oci_cpu.c: linux.resources.cpu into spec (cpus as --cpuset); after
 * the option parse, spec's values into cfg */
void oci_cpu(unsigned t, struct oci_spec *spec);
void oci_cpu_apply(const struct oci_spec *spec, struct config *cfg);
/* oci_seccomp.c: linux.seccomp compiled (dies naming the field), the
 * program then installed by seccomp_install (oci_init.c, spawn.c) */
void oci_seccomp(unsigned t);

#endif
