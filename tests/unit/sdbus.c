/* SPDX-License-Identifier: MIT */
/* sdbus.c - hutch oci's D-Bus messages to systemd (oci_sdbus.c): the
 * exact bytes of Subscribe, StopUnit and StartTransientUnit against
 * dumps derived by hand from the D-Bus specification ("Message
 * Protocol": header, alignment, arrays, variants), which systemd 252
 * took in tests/qemu/90-amd64-systemd.t; and the parser of systemd's
 * messages on good ones in both byte orders, every truncation, and
 * lengths that point outside the message. */
#include <stdint.h>
#include <string.h>

#include "oci_systemd.h"
#include "profile.h" /* HUTCH_OCI: 1 where no profile says (the sanitizer build) */
#include "tap.h"

#if HUTCH_OCI

static uint8_t cbuf[4096];

/* hex pairs, blanks and comments ("# ... ;") skipped */
static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; *h; h++) {
		if (*h == '#') {
			while (*h && *h != ';')
				h++;
			continue;
		}
		if (*h == ' ' || *h == '\n' || *h == ';')
			continue;
		out[n++] = (uint8_t)((strchr("0123456789abcdef", h[0]) - "0123456789abcdef") << 4 |
				     (strchr("0123456789abcdef", h[1]) - "0123456789abcdef"));
		h++;
	}
	return n;
}

static bool same(const uint8_t *got, size_t n, const char *hex)
{
	static uint8_t want[4096];
	size_t k = unhex(hex, want);

	if (k != n) {
		char s[64];
		fmt(s, sizeof s, "%zu bytes, expected %zu", n, k);
		tap_diag("length", s);
	}
	for (size_t i = 0; i < k && i < n; i++)
		if (got[i] != want[i]) {
			char s[64];
			fmt(s, sizeof s, "first difference at byte %zu", i);
			tap_diag("bytes", s);
			return false;
		}
	return k == n;
}

/* The header fields every call has: PATH, INTERFACE, MEMBER (its own),
 * DESTINATION; each a struct, 8-aligned: code, signature, value. */
#define PATH_FIELD "01 01 6f 00 19000000 # o, 25 bytes;" \
	"2f6f72672f667265656465736b746f702f73797374656d6431 00 000000000000 #pad;"
#define IFACE_FIELD "02 01 73 00 20000000 # s, 32 bytes;" \
	"6f72672e667265656465736b746f702e73797374656d64312e4d616e6167657200 # nul;" \
	"00000000000000 #pad;"
#define DEST_FIELD "06 01 73 00 18000000 # s, 24 bytes;" \
	"6f72672e667265656465736b746f702e73797374656d643100 #nul;"

/* The value of property name, a "t" variant, 8-aligned from the
 * message's start; -1 when it is not there so. */
static long long prop_t(size_t n, const char *name)
{
	uint8_t *p = memmem(cbuf, n, name, strlen(name) + 1);
	size_t at;
	uint64_t v = 0;

	if (!p)
		return -1;
	at = (size_t)(p - cbuf) + strlen(name) + 1;
	if (at + 3 > n || memcmp(cbuf + at, "\001t", 3))
		return -1;
	at += 3;
	at += (8 - at % 8) % 8;
	if (at + 8 > n)
		return -1;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | cbuf[at + i];
	return (long long)v;
}

static void calls(void)
{
	struct sdbus_unit u = { .name = "runc-x.scope", .slice = "system.slice",
				.description = "hutch container x", .pid = 42 };
	static const struct sdbus_dev dev[] = { { "/dev/char/1:3", "rwm" }, { "char-pts", "rw" } };
	/* DeviceAllow a(ss) from its name (8-aligned): the signature, the
	 * array's length (55, from the first STRUCT at 8n), each STRUCT at
	 * 8n, its strings at 4n */
	static const char allow[] = "\x0b\0\0\0DeviceAllow\0\x05" "a(ss)\0\0\x37\0\0\0\0\0\0\0"
				    "\x0d\0\0\0/dev/char/1:3\0\0\0\x03\0\0\0rwm\0\0\0\0\0"
				    "\x08\0\0\0char-pts\0\0\0\0\x02\0\0\0rw";
	size_t n = sdbus_subscribe(cbuf, sizeof cbuf, 1);

	ok(same(cbuf, n, "6c 01 00 01 # little-endian, METHOD_CALL, no flags, version 1;"
		"00000000 # no body; 01000000 # serial 1; 91000000 # fields: 145 bytes;"
		PATH_FIELD IFACE_FIELD
		"03 01 73 00 09000000 53756273637269626500 # Subscribe;"
		"000000000000 #pad;" DEST_FIELD "00000000000000 # to 8: the body's start;"),
	   "Subscribe: the specification's bytes");
	n = sdbus_stop(cbuf, sizeof cbuf, 3, "runc-x.scope");
	ok(same(cbuf, n, "6c 01 00 01 20000000 # body 32 bytes; 03000000 # serial 3;"
		"a0000000 # fields 160;" PATH_FIELD IFACE_FIELD
		"03 01 73 00 08000000 53746f70556e697400 # StopUnit; 00000000000000 #pad;"
		DEST_FIELD "00000000000000 #pad;"
		"08 01 67 00 02 737300 # SIGNATURE g: ss, the body at 8n;"
		"0c000000 72756e632d782e73636f706500 # runc-x.scope; 000000;"
		"07000000 7265706c61636500 # replace;"),
	   "StopUnit(runc-x.scope, replace): the specification's bytes");
	n = sdbus_start(cbuf, sizeof cbuf, 2, &u);
	ok(same(cbuf, n, "6c 01 00 01 50010000 # body 336; 02000000; b6000000 # fields 182;"
		PATH_FIELD IFACE_FIELD
		"03 01 73 00 12000000 5374617274547261 6e7369656e74556e 697400 # member;"
		"0000000000 #pad;" DEST_FIELD "00000000000000 #pad;"
		"08 01 67 00 10 7373612873762961287361287376292900 # ssa(sv)a(sa(sv));"
		"0000 # body at 8n;"
		"0c000000 72756e632d782e73636f706500 000000 # name;"
		"07000000 7265706c61636500 # mode;"
		"20010000 # a(sv): 288 bytes from the next 8n; 00000000;"
		"0b000000 4465736372697074696f6e00 01 7300 00 # Description, s;"
		"11000000 687574636820636f6e7461696e6572207800 000000000000 #pad;"
		"05000000 536c69636500 01 7300 000000 # Slice, s;"
		"0c000000 73797374656d2e736c69636500 00000000000000 #pad;"
		"08000000 44656c656761746500 01 6200 # Delegate, b; 01000000 00000000;"
		"04000000 5049447300 02 617500 000000 # PIDs, au;"
		"04000000 # 4 bytes; 2a000000 # 42;"
		"10000000 4d656d6f72794163636f756e74696e6700 01 6200 01000000 00000000;"
		"0d000000 4350554163636f756e74696e6700 01 6200 000000 01000000 00000000;"
		"0c000000 494f4163636f756e74696e6700 01 6200 01000000;"
		"0f000000 5461736b734163636f756e74696e6700 01 6200 00 01000000 00000000;"
		"13000000 44656661756c74446570656e64656e6369657300 01 6200 00 00000000;"
		"00000000 00000000 # aux: none, its padding to 8 all the same;"),
	   "StartTransientUnit, runc's properties for a scope: the specification's bytes");
	u.v1 = true;
	u.memory_max = 33554432;
	u.tasks_max = 30;
	u.cpu_quota_us = 12345; /* 123450 us a second: runc rounds up to 130000 */
	n = sdbus_start(cbuf, sizeof cbuf, 2, &u);
	ok(n && memmem(cbuf, n, "BlockIOAccounting", 17) &&
	   !memmem(cbuf, n, "\x0c\0\0\0IOAccounting", 16), "v1: BlockIOAccounting, as runc's v1.go");
	is_num(prop_t(n, "MemoryLimit"), 33554432, "v1: MemoryLimit, a t 8-aligned, 32 MiB");
	is_num(prop_t(n, "CPUQuotaPerSecUSec"), 130000,
	       "CPUQuotaPerSecUSec rounded up to 10 ms, as runc's addCpuQuota");
	is_num(prop_t(n, "TasksMax"), 30, "TasksMax 30");
	ok(!memmem(cbuf, n, "CPUShares", 9), "no CPUShares when none is given");
	u.dev = dev;
	u.n_dev = 2;
	n = sdbus_start(cbuf, sizeof cbuf, 2, &u);
	ok(memmem(cbuf, n, "\x0c\0\0\0DevicePolicy\0\001s\0\0\0\0\x06\0\0\0strict\0", 31) ||
	   memmem(cbuf, n, "\x0c\0\0\0DevicePolicy\0\001s\0\x06\0\0\0strict\0", 28),
	   "v1: DevicePolicy strict (never devices.allow a on a daemon-reload)");
	ok(memmem(cbuf, n, allow, sizeof allow) != NULL, "v1: DeviceAllow a(ss), the container's list");
	u.dev_all = true;
	n = sdbus_start(cbuf, sizeof cbuf, 2, &u);
	ok(memmem(cbuf, n, "\x04\0\0\0auto\0", 9) && !memmem(cbuf, n, "DeviceAllow", 11),
	   "v1, an \"a\" entry: DevicePolicy auto, no DeviceAllow (runc's allowAllDevices)");
	u.dev_all = false;
	n = sdbus_reset(cbuf, sizeof cbuf, 4, "runc-x.scope");
	/* fields end at 0xaf (SIGNATURE "s" after DESTINATION), the body at
	 * 0xb0: 4 + 12 + 1 bytes */
	ok(n == 0xb0 + 17 && memmem(cbuf, n, "ResetFailedUnit", 16) &&
	   !memcmp(cbuf + n - 17, "\x0c\0\0\0runc-x.scope", 17),
	   "ResetFailedUnit(runc-x.scope): its member, signature s and name");
	ok(sdbus_start(cbuf, 100, 2, &u) == 0 && sdbus_stop(cbuf, 10, 2, "x") == 0,
	   "a buffer too small: 0, nothing written past it");
}

/* --- systemd's messages, built here independently ------------------------ */

static uint8_t msg[1024];
static size_t mn;
static bool big;

static void w8(uint8_t v)
{
	msg[mn++] = v;
}

static void walign(size_t a)
{
	while (mn % a)
		w8(0);
}

static void w32(uint32_t v)
{
	walign(4);
	for (int i = 0; i < 4; i++)
		w8((uint8_t)(big ? v >> (24 - 8 * i) : v >> (8 * i)));
}

static void wstr(const char *s)
{
	w32((uint32_t)strlen(s));
	memcpy(msg + mn, s, strlen(s) + 1);
	mn += strlen(s) + 1;
}

static void wsig(const char *s)
{
	w8((uint8_t)strlen(s));
	memcpy(msg + mn, s, strlen(s) + 1);
	mn += strlen(s) + 1;
}

static void wfield(uint8_t code, const char *t, const char *v, uint32_t u)
{
	walign(8);
	w8(code);
	wsig(t);
	if (t[0] == 'u')
		w32(u);
	else if (t[0] == 'g')
		wsig(v);
	else
		wstr(v);
}

/* type 2 (return, "o" body), 3 (error, "s"), 4 (JobRemoved "uoss") */
static size_t build(uint8_t type, const char *job, const char *result)
{
	size_t at, body;

	mn = 0;
	w8(big ? 'B' : 'l');
	w8(type);
	w8(1);
	w8(1);
	w32(0);
	w32(9);
	w32(0);
	at = mn;
	if (type == 4) {
		wfield(1, "o", "/org/freedesktop/systemd1", 0);
		wfield(2, "s", "org.freedesktop.systemd1.Manager", 0);
		wfield(3, "s", "JobRemoved", 0);
		wfield(8, "g", "uoss", 0);
	} else {
		wfield(5, "u", "", 7);
		if (type == 3)
			wfield(4, "s", "org.freedesktop.systemd1.UnitExists", 0);
		wfield(8, "g", type == 3 ? "s" : "o", 0);
	}
	{ /* the fields' length, then the body at 8n */
		size_t end = mn;
		mn = 12;
		w32((uint32_t)(end - at));
		mn = end;
	}
	walign(8);
	body = mn;
	if (type == 4) {
		w32(31);
		wstr(job);
		wstr("x.scope");
		wstr(result);
	} else {
		wstr(type == 3 ? "Unit x.scope was already loaded." : job);
	}
	{
		size_t end = mn;
		mn = 4;
		w32((uint32_t)(end - body));
		mn = end;
	}
	return mn;
}

static void parse_good(void)
{
	struct sdbus_msg m;
	const char *j = NULL, *r = NULL;

	for (int b = 0; b < 2; b++) {
		size_t n;
		big = b;
		n = build(2, "/org/freedesktop/systemd1/job/31", "");
		ok(sdbus_length(msg) == (long)n && !sdbus_parse(msg, n, &m) && m.type == 2 &&
		   m.reply_serial == 7, "%s: a return: its length, type, reply serial",
		   b ? "big-endian" : "little-endian");
		is_str(sdbus_first_string(&m), "/org/freedesktop/systemd1/job/31",
		       "  its job path");
		n = build(3, "", "");
		ok(!sdbus_parse(msg, n, &m) && m.type == 3 && m.reply_serial == 7,
		   "  an error");
		is_str(m.error, "org.freedesktop.systemd1.UnitExists", "  its name");
		is_str(sdbus_first_string(&m), "Unit x.scope was already loaded.",
		       "  its message");
		n = build(4, "/org/freedesktop/systemd1/job/31", "done");
		ok(!sdbus_parse(msg, n, &m) && sdbus_job_removed(&m, &j, &r), "  JobRemoved");
		is_str(j, "/org/freedesktop/systemd1/job/31", "  its job");
		is_str(r, "done", "  its result");
	}
	big = false;
}

static void parse_hostile(void)
{
	struct sdbus_msg m;
	const char *j, *r;
	size_t n = build(4, "/org/freedesktop/systemd1/job/31", "done"), bad = 0;
	uint8_t keep[1024];

	memcpy(keep, msg, n);
	for (size_t len = 0; len < n; len++)
		bad += sdbus_parse(msg, len, &m) != 0;
	ok(bad == n, "JobRemoved cut short at each of its %zu lengths: refused", n);
	/* the body's strings claim more than there is: each refused */
	for (size_t at = 0; at + 4 <= n; at += 4) {
		memcpy(msg, keep, n);
		if (!(msg[at] || msg[at + 1] || msg[at + 2] || msg[at + 3]))
			continue;
		msg[at] = 0xff;
		msg[at + 1] = 0xff;
		if (!sdbus_parse(msg, n, &m) && sdbus_job_removed(&m, &j, &r) &&
		    (j + strlen(j) > (const char *)msg + n || r + strlen(r) > (const char *)msg + n))
			bad = 0;
	}
	ok(bad == n, "a length word made 0xffff anywhere: nothing read past the message");
	memcpy(msg, keep, n);
	msg[0] = 'x';
	ok(sdbus_length(msg) < 0, "an unknown byte order: no message");
	memcpy(msg, keep, n);
	msg[3] = 2;
	ok(sdbus_length(msg) < 0, "protocol version 2: no message");
	memcpy(msg, keep, n);
	msg[4] = msg[5] = msg[6] = msg[7] = 0xff;
	ok(sdbus_length(msg) < 0, "a body of 4 GiB: refused by the specification's 128 MiB");
	memcpy(msg, keep, n);
	msg[n - 1] = 'x'; /* result's NUL */
	ok(sdbus_parse(msg, n, &m) || !sdbus_job_removed(&m, &j, &r),
	   "a string without its NUL: refused");
	memcpy(msg, keep, n);
	msg[n - 3] = 0; /* "d\0n\0\0": a NUL inside */
	ok(sdbus_parse(msg, n, &m) || !sdbus_job_removed(&m, &j, &r),
	   "a NUL inside a string: refused");
	n = build(2, "/j", "");
	msg[18] = 'v'; /* REPLY_SERIAL's signature: v, no basic type */
	ok(sdbus_parse(msg, n, &m) != 0, "a header field of no basic type: refused");
	n = build(4, "/org/freedesktop/systemd1/job/31", "done");
	ok(!sdbus_parse(msg, n, &m), "(JobRemoved again)");
	m.signature = "uos";
	ok(!sdbus_job_removed(&m, &j, &r), "JobRemoved of another signature: not ours");
}

int main(void)
{
	calls();
	parse_good();
	parse_hostile();
	return tap_done();
}
#else
int main(void)
{
	tap_line("1..0 # SKIP built without oci\n");
	return 0;
}
#endif
