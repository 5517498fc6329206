/* SPDX-License-Identifier: MIT */
/* units.h - numbers with units as users write them: sizes (32M), durations
 * (100ms, 1.5s, 2m). Pure functions, unit-tested on every architecture.
 * Each returns 0, -EINVAL (not of that form) or -ERANGE (too large). */
#ifndef HUTCH_UNITS_H
#define HUTCH_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Decimal digits only: no sign, no spaces, no hex. */
int parse_uint(const char *s, uint64_t max, uint64_t *out);

/* Bytes, with an optional binary unit K, M, G or T (either case), which may
 * be followed by B or iB: 4096, 64k, 32M, 1GiB. */
int parse_size(const char *s, uint64_t *bytes);

/* Milliseconds from ms, s, m or h, with an optional decimal fraction; a
 * bare number means seconds (as in systemd): 100ms, 10, 1.5s, 2m. */
int parse_duration_ms(const char *s, uint64_t *ms);

/* A CPU share in thousandths of one CPU: "20%" (of one CPU) is 200, "1.5"
 * (CPUs) is 1500, "12.5%" is 125. At most three decimals count. */
int parse_cpu(const char *s, uint64_t *milli);

/* A CPU list in the kernel's syntax (cpuset.cpus, /sys/devices/system/
 * cpu/online): "2-3", "0,2", "0-1,3\n". Sets bit N of mask[N / 64] for each
 * CPU, after clearing words words of mask; CPUs from words * 64 up are
 * -ERANGE. A trailing newline is allowed, as the kernel's files end. */
#define CPU_LIST_WORDS 16 /* CPUs 0..1023: the default NR_CPUS of arm64, x86_64 */
int parse_cpu_list(const char *s, uint64_t *mask, size_t words);

/* How many leading characters of s are ASCII letters, digits or in extra:
 * strspn over a name's alphabet, without musl's strspn (200 bytes). */
size_t name_span(const char *s, const char *extra);

#endif
