// SPDX-License-Identifier: MIT
/* oci_walk.c - [oci] the walk over config.json (and process.json): the
 * file read by the bounded JSON reader, each value taken by a helper
 * that checks its type and range and, when it is wrong, dies naming
 * the field; the strings kept in an arena that outlives the parse, and
 * the hutch command line the mapping builds. */
#include "oci_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "sys.h"

#define OCI_CONFIG_MAX (1u << 20) /* config.json; Docker's seccomp profile is ~60 KiB */
#define OCI_TOKENS 32768


static char text[OCI_CONFIG_MAX];
static struct json_tok tok[OCI_TOKENS];
struct json oci_j;
static char arena[OCI_CONFIG_MAX];
static size_t arena_used;
char *oci_args[OCI_ARGS + 1];
int oci_n_args;
const char *oci_bundle_dir, *oci_container;

/* A copy in the arena: the strings must outlive the parse. */
char *oci_keep(const char *s, size_t n)
{
	char *p;
	if (arena_used + n + 1 > sizeof arena)
		die("config.json: too large for hutch (%u bytes of strings)",
		    (unsigned)sizeof arena);
	p = arena + arena_used;
	memcpy(p, s, n);
	p[n] = '\0';
	arena_used += n + 1;
	return p;
}

char *oci_keepf(const char *f, const char *a, const char *b)
{
	char buf[4200];
	size_t n = fmt(buf, sizeof buf, f, a, b);
	if (n >= sizeof buf)
		die("config.json: a value is too long: %.60s...", buf);
	return oci_keep(buf, n);
}

void oci_arg(const char *a)
{
	if (oci_n_args >= OCI_ARGS)
		die("config.json: too many values for hutch (more than %d)", OCI_ARGS);
	oci_args[oci_n_args++] = oci_keep(a, strlen(a)); /* options_parse takes char ** */
}

void oci_arg2(const char *option, const char *value)
{
	oci_arg(option);
	oci_arg(value);
}

/* The string at t, or death naming the field. */
char *oci_str(unsigned t, const char *field)
{
	static char buf[4096];
	int n = json_string(&oci_j, t, buf, sizeof buf);
	if (n < 0)
		die("config.json: %s: %s", field, n == -ENOSPC ? "longer than 4095 bytes"
		    : oci_j.tok[t].type == JSON_STRING ? "holds a NUL (\\u0000)"
		    : "must be a string");
	return oci_keep(buf, (size_t)n);
}

unsigned oci_need(unsigned t, int type, const char *field)
{
	static const char *const names[] = { "null", "a boolean", "a boolean",
		"a number", "a string", "an array", "an object" };
	if (oci_j.tok[t].type != type &&
	    !(type == JSON_TRUE && oci_j.tok[t].type == JSON_FALSE))
		die("config.json: %s: must be %s", field, names[type]);
	return t;
}

/* The member key of object t, or 0 when absent; a key given twice is
 * refused (readers differ on which one wins). */
unsigned oci_member(unsigned t, const char *key, const char *field)
{
	int v = json_get(&oci_j, t, key);
	if (v == JSON_DUPLICATE)
		die("config.json: %s.%s: given twice", field, key);
	return v > 0 ? (unsigned)v : 0;
}

uint64_t oci_unum(unsigned t, uint64_t max, const char *field)
{
	uint64_t v;
	int err = json_uint64(&oci_j, t, max, &v);
	if (err)
		die("config.json: %s: %s", field, err == -ERANGE ?
		    "out of range" : "must be a whole number");
	return v;
}

static bool listed(unsigned k, const char *names)
{
	while (*names && !json_eq(&oci_j, k, names))
		names += strlen(names) + 1;
	return *names;
}

/* A field hutch cannot honour may still be given empty (null, "", [],
 * {}, false): generators write them so. */
bool oci_empty(unsigned t)
{
	const struct json_tok *k = &oci_j.tok[t];
	return !t || k->type == JSON_NULL || k->type == JSON_FALSE ||
	       (k->type == JSON_STRING && !k->len) ||
	       ((k->type == JSON_ARRAY || k->type == JSON_OBJECT) && !k->count);
}

void oci_ignored(const char *field, const char *name, const char *what)
{
	/* the name as given: the log makes it one line (log.c, one_line) */
	log_warn("config.json: %s%s%s: %s, ignored", field, *field ? "." : "", name, what);
}

/* The listed name that key spells in another case, or NULL. runc reads
 * config.json with Go's encoding/json, which matches a key to a field
 * regardless of case, with Unicode's simple folding: outside ASCII only
 * U+017F (long s) folds to s and U+212A (Kelvin sign) to k; any other
 * byte >= 0x80 matches no (ASCII) name. So "NoNewPrivileges" is applied
 * by runc: ignoring it would fail open, hutch refuses it. */
static const char *respelled(const char *key, const char *names)
{
	char f[256], *o = f;
	for (; *key; key++) {
		*o = *key;
		if (strncmp(key, "\xc5\xbf", 2) == 0)
			*o = 's', key += 1;
		else if (strncmp(key, "\xe2\x84\xaa", 3) == 0)
			*o = 'k', key += 2;
		o++;
	}
	*o = '\0';
	for (; *names; names += strlen(names) + 1)
		if (!strcasecmp(f, names))
			return names;
	return NULL;
}

/* oci_walk.h: the key's value is the token after it. A key that differs
 * from a listed name only in case is refused (respelled): so is the
 * second of "noNewPrivileges" and "NoNewPrivileges", where Go keeps the
 * last one and hutch would keep the first. */
void oci_only(unsigned t, const char *handled, const char *refused, const char *field)
{
	for (unsigned k = json_first(&oci_j, t); k; k = json_next(&oci_j, k)) {
		char key[256];
		const char *spec;
		if (listed(k, handled))
			continue;
		if (json_string(&oci_j, k, key, sizeof key) < 0)
			memcpy(key, "?", 2);
		if (listed(k, refused)) {
			if (!oci_empty(k + 1))
				die("config.json: %s%s%s: not supported by hutch oci: leave it "
				    "out (docs/oci.md, \"Refused\")", field, *field ? "." : "", key);
			continue;
		}
		spec = respelled(key, handled);
		if (spec || (spec = respelled(key, refused)))
			die("config.json: %s%s%s: write %s (runc reads keys regardless of "
			    "case; hutch takes the spec's spelling only)", field,
			    *field ? "." : "", key, spec);
		oci_ignored(field, key, "not an OCI runtime-spec property (runc 1.1's spec)");
	}
}

void oci_read_json(const char *path)
{
	size_t where;
	const char *what;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		die("cannot open %s: %s", path, error_text(errno));
	n = read_fd(fd, text, sizeof text);
	close(fd);
	if (n < 0)
		die("cannot read %s: %s", path, error_text((int)-n));
	if ((size_t)n == sizeof text)
		die("%s: larger than %u bytes", path, (unsigned)sizeof text - 1);
	if (json_parse(&oci_j, text, (size_t)n, tok, OCI_TOKENS, &where, &what))
		die("%s: not valid JSON at byte %zu: %s", path, where, what);
	if (oci_j.tok[0].type != JSON_OBJECT)
		die("%s: must hold a JSON object", path);
}

const char *oci_bundle_path(const char *p)
{
	return p[0] == '/' ? p : oci_keepf("%s/%s", oci_bundle_dir, p);
}
