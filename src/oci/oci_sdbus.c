// SPDX-License-Identifier: MIT
/* oci_sdbus.c - [oci] the D-Bus wire format (D-Bus specification,
 * "Message Protocol"), for exactly the calls --systemd-cgroup makes of
 * systemd (oci_systemd.c): built little-endian byte by byte, so a
 * big-endian board sends the same bytes; systemd's replies read in
 * either byte order, every length checked against the message, as bytes
 * from another process. No allocation: the caller's buffers. */
#include "oci_systemd.h"

#include <string.h>

/* header field codes and message types of the specification */
enum { F_PATH = 1, F_INTERFACE, F_MEMBER, F_ERROR_NAME, F_REPLY_SERIAL, F_DESTINATION,
       F_SENDER, F_SIGNATURE, F_UNIX_FDS };
enum { T_METHOD_CALL = 1 };

struct out {
	uint8_t *buf;
	size_t size, n;
};

/* Padding is zero bytes up to a multiple of a, counted from the
 * message's start (the body starts 8-aligned, so from the body's too). */
static void pad(struct out *o, size_t a)
{
	while (o->n % a) {
		if (o->n < o->size)
			o->buf[o->n] = 0;
		o->n++;
	}
}

static void put(struct out *o, const void *p, size_t len)
{
	if (len && o->n + len <= o->size) /* a call without body: p is NULL */
		memcpy(o->buf + o->n, p, len);
	o->n += len;
}

static void put_u32(struct out *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	pad(o, 4);
	put(o, b, 4);
}

/* STRING and OBJECT_PATH: u32 length, the bytes, a NUL */
static void put_str(struct out *o, const char *s)
{
	put_u32(o, (uint32_t)strlen(s));
	put(o, s, strlen(s) + 1);
}

/* SIGNATURE: one byte of length, the letters, a NUL */
static void put_sig(struct out *o, const char *s)
{
	uint8_t len = (uint8_t)strlen(s);

	put(o, &len, 1);
	put(o, s, strlen(s) + 1);
}

/* An array's length is written after its elements are: its place now. */
static size_t array_open(struct out *o, size_t align)
{
	size_t at;

	put_u32(o, 0);
	at = o->n;
	pad(o, align); /* padding to the first element is not counted */
	return at;
}

static void array_close(struct out *o, size_t at, size_t align)
{
	size_t first = at + (align - at % align) % align, len = o->n - first;

	if (at <= o->size && o->n <= o->size) {
		uint8_t b[4] = { (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
				 (uint8_t)(len >> 24) };
		memcpy(o->buf + at - 4, b, 4);
	}
}

/* A property (sv) of a(sv): its name, then a variant of one type. */
static void prop_str(struct out *o, const char *name, const char *v)
{
	pad(o, 8);
	put_str(o, name);
	put_sig(o, "s");
	put_str(o, v);
}

static void prop_bool(struct out *o, const char *name, bool v)
{
	pad(o, 8);
	put_str(o, name);
	put_sig(o, "b");
	put_u32(o, v); /* BOOLEAN is a u32, 0 or 1 */
}

static void prop_u64(struct out *o, const char *name, uint64_t v)
{
	if (!v)
		return; /* not asked for: systemd's default */
	pad(o, 8);
	put_str(o, name);
	put_sig(o, "t");
	pad(o, 8); /* UINT64 is 8-aligned */
	put_u32(o, (uint32_t)v);
	put_u32(o, (uint32_t)(v >> 32));
}

/* runc's addCpuQuota: the quota per second, rounded up to systemd's
 * 10 ms steps (it would round it down) */
static uint64_t quota_per_sec(const struct sdbus_unit *u)
{
	uint64_t q;

	if (!u->cpu_quota_us)
		return 0;
	q = u->cpu_quota_us * 1000000 / (u->cpu_period_us ? u->cpu_period_us : 100000);
	return (q + 9999) / 10000 * 10000;
}

static void prop_pids(struct out *o, uint32_t pid)
{
	size_t at;

	pad(o, 8);
	put_str(o, "PIDs");
	put_sig(o, "au");
	at = array_open(o, 4);
	put_u32(o, pid);
	array_close(o, at, 4);
}

/* DeviceAllow a(ss): each entry's path and access, a STRUCT 8-aligned */
static void prop_devices(struct out *o, const struct sdbus_unit *u)
{
	size_t at;

	pad(o, 8);
	put_str(o, "DeviceAllow");
	put_sig(o, "a(ss)");
	at = array_open(o, 8);
	for (size_t i = 0; i < u->n_dev; i++) {
		pad(o, 8);
		put_str(o, u->dev[i].path);
		put_str(o, u->dev[i].access);
	}
	array_close(o, at, 8);
}

/* A header field (yv) whose value is a string of type t (s, o, g). */
static void field(struct out *o, uint8_t code, const char *t, const char *v)
{
	pad(o, 8);
	put(o, &code, 1);
	put_sig(o, t);
	(t[0] == 'g' ? put_sig : put_str)(o, v);
}

/* The header of a METHOD_CALL to systemd's manager, then body. */
static size_t call(uint8_t *buf, size_t size, uint32_t serial, const char *member,
		   const char *sig, const struct out *body)
{
	struct out o = { buf, size, 0 };
	const uint8_t fixed[4] = { 'l', T_METHOD_CALL, 0, 1 };
	size_t at;

	put(&o, fixed, 4);
	put_u32(&o, (uint32_t)body->n);
	put_u32(&o, serial);
	at = array_open(&o, 8);
	field(&o, F_PATH, "o", "/org/freedesktop/systemd1");
	field(&o, F_INTERFACE, "s", "org.freedesktop.systemd1.Manager");
	field(&o, F_MEMBER, "s", member);
	field(&o, F_DESTINATION, "s", "org.freedesktop.systemd1");
	if (sig[0])
		field(&o, F_SIGNATURE, "g", sig);
	array_close(&o, at, 8);
	pad(&o, 8);
	put(&o, body->buf, body->n);
	return o.n <= size && body->n <= body->size ? o.n : 0;
}

size_t sdbus_subscribe(uint8_t *buf, size_t size, uint32_t serial)
{
	struct out body = { NULL, 0, 0 };

	return call(buf, size, serial, "Subscribe", "", &body);
}

size_t sdbus_stop(uint8_t *buf, size_t size, uint32_t serial, const char *unit)
{
	static uint8_t b[512];
	struct out body = { b, sizeof b, 0 };

	put_str(&body, unit);
	put_str(&body, "replace"); /* runc's mode: a queued start job goes */
	return call(buf, size, serial, "StopUnit", "ss", &body);
}

size_t sdbus_reset(uint8_t *buf, size_t size, uint32_t serial, const char *unit)
{
	static uint8_t b[512];
	struct out body = { b, sizeof b, 0 };

	put_str(&body, unit);
	return call(buf, size, serial, "ResetFailedUnit", "s", &body);
}

/* StartTransientUnit(s name, s mode, a(sv) properties, a(sa(sv)) aux):
 * runc's properties for a scope, in its order; aux is empty. */
size_t sdbus_start(uint8_t *buf, size_t size, uint32_t serial, const struct sdbus_unit *u)
{
	static uint8_t b[6144];
	struct out body = { b, sizeof b, 0 };
	size_t at;

	put_str(&body, u->name);
	put_str(&body, "replace");
	at = array_open(&body, 8);
	prop_str(&body, "Description", u->description);
	prop_str(&body, "Slice", u->slice);
	/* the container's own groups below the scope are its to make */
	prop_bool(&body, "Delegate", true);
	prop_pids(&body, u->pid);
	prop_bool(&body, "MemoryAccounting", true);
	prop_bool(&body, "CPUAccounting", true);
	prop_bool(&body, u->v1 ? "BlockIOAccounting" : "IOAccounting", true);
	prop_bool(&body, "TasksAccounting", true);
	/* no ordering against shutdown.target and the like: a container */
	prop_bool(&body, "DefaultDependencies", false);
	prop_u64(&body, u->v1 ? "MemoryLimit" : "MemoryMax", u->memory_max);
	if (!u->v1) { /* v1 has no such knobs: hutch writes them itself */
		prop_u64(&body, "MemoryLow", u->memory_low);
		prop_u64(&body, "MemorySwapMax", u->memory_swap_max);
	}
	prop_u64(&body, u->v1 ? "CPUShares" : "CPUWeight", u->cpu_weight);
	/* systemd 242 or later knows it; only sent when the bundle sets a
	 * period, so an older one refuses (its one line) only then */
	prop_u64(&body, "CPUQuotaPeriodUSec", u->cpu_period_us);
	prop_u64(&body, "CPUQuotaPerSecUSec", quota_per_sec(u));
	prop_u64(&body, "TasksMax", u->tasks_max);
	/* v1: systemd writes the unit's device rules into the group
	 * whenever it applies the unit again (each daemon-reload): with no
	 * policy devices.allow "a", with closed only its standard pseudo
	 * devices (a node config.json allows, such as a tty, lost). strict
	 * with hutch's own list, as runc's driver gives it, keeps the
	 * container's list (hutch writes it itself once the job is done).
	 * v2: hutch's BPF program stays; systemd attaches none. */
	if (u->v1)
		prop_str(&body, "DevicePolicy", u->dev_all ? "auto" : "strict");
	if (u->v1 && !u->dev_all)
		prop_devices(&body, u);
	array_close(&body, at, 8);
	array_close(&body, array_open(&body, 8), 8); /* aux: none, its padding still there */
	return call(buf, size, serial, "StartTransientUnit", "ssa(sv)a(sa(sv))", &body);
}

/* --- systemd's messages --------------------------------------------------- */

static uint32_t get_u32(const uint8_t *p, bool big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The specification's limits: a message up to 128 MiB, an array 64 MiB. */
long sdbus_length(const uint8_t hdr[16])
{
	bool big = hdr[0] == 'B';
	uint32_t body = get_u32(hdr + 4, big), n_fields = get_u32(hdr + 12, big);
	uint64_t n = 16 + (uint64_t)n_fields;

	if ((hdr[0] != 'l' && !big) || hdr[1] < 1 || hdr[1] > 4 || hdr[3] != 1 ||
	    n_fields > (1u << 26) || body > (1u << 27))
		return -1;
	n += (8 - n % 8) % 8;
	return n + body > (1u << 27) ? -1 : (long)(n + body);
}

struct in {
	const uint8_t *buf;
	size_t len, n;
	bool big;
};

static bool align_in(struct in *in, size_t a)
{
	in->n += (a - in->n % a) % a;
	return in->n <= in->len;
}

static bool get_u32_in(struct in *in, uint32_t *v)
{
	if (!align_in(in, 4) || in->len - in->n < 4)
		return false;
	*v = get_u32(in->buf + in->n, in->big);
	in->n += 4;
	return true;
}

/* A string of len bytes at in->n: its NUL there, none before it. */
static const char *take(struct in *in, uint32_t len)
{
	const char *s = (const char *)in->buf + in->n;

	if (in->n >= in->len || in->len - in->n <= len || s[len] || memchr(s, 0, len))
		return NULL;
	in->n += len + 1;
	return s;
}

/* A value of type t ('s', 'o', 'g' or 'u'; u's value into *u). */
static const char *get_value(struct in *in, char t, uint32_t *u)
{
	uint32_t len;

	if (t == 'g') {
		if (in->n >= in->len)
			return NULL;
		return take(in, in->buf[in->n++]);
	}
	if (!get_u32_in(in, t == 'u' ? u : &len))
		return NULL;
	return t == 'u' ? "" : (t == 's' || t == 'o') ? take(in, len) : NULL;
}

static void keep_field(struct sdbus_msg *m, uint8_t code, const char *v, uint32_t u)
{
	const char **slot[] = { [F_PATH] = &m->path, [F_INTERFACE] = &m->interface,
				[F_MEMBER] = &m->member, [F_ERROR_NAME] = &m->error,
				[F_SIGNATURE] = &m->signature };

	if (code == F_REPLY_SERIAL)
		m->reply_serial = u;
	else if (code < sizeof slot / sizeof *slot && slot[code])
		*slot[code] = v;
}

/* The header fields, a(yv): each a code and a variant of a basic type. */
static int fields(struct in *in, struct sdbus_msg *m, size_t end)
{
	while (in->n != end) {
		uint8_t code;
		const char *sig, *v;
		uint32_t u = 0;
		/* the array's length ends at its last field's last byte */
		if (!align_in(in, 8) || in->n >= end)
			return -1;
		code = in->buf[in->n++];
		if (in->n >= in->len || !(sig = take(in, in->buf[in->n++])) ||
		    strlen(sig) != 1 || !(v = get_value(in, sig[0], &u)) || in->n > end)
			return -1;
		keep_field(m, code, v, u);
	}
	return 0;
}

int sdbus_parse(const uint8_t *buf, size_t len, struct sdbus_msg *m)
{
	struct in in = { buf, len, 16, buf[0] == 'B' };
	long total = len >= 16 ? sdbus_length(buf) : -1;
	size_t end;

	memset(m, 0, sizeof *m);
	if (total < 0 || (size_t)total != len)
		return -1;
	m->big = in.big;
	m->type = buf[1];
	end = 16 + get_u32(buf + 12, in.big);
	if (fields(&in, m, end) || !align_in(&in, 8))
		return -1;
	m->body = buf + in.n;
	m->body_len = len - in.n;
	return m->signature || !m->body_len ? 0 : -1;
}

const char *sdbus_first_string(const struct sdbus_msg *m)
{
	struct in in = { m->body, m->body_len, 0, m->big };
	uint32_t len;

	if (!m->signature || (m->signature[0] != 's' && m->signature[0] != 'o') ||
	    !get_u32_in(&in, &len))
		return NULL;
	return take(&in, len);
}

bool sdbus_job_removed(const struct sdbus_msg *m, const char **job, const char **result)
{
	struct in in = { m->body, m->body_len, 0, m->big };
	uint32_t id, len;

	if (m->type != 4 || !m->member || strcmp(m->member, "JobRemoved") != 0 ||
	    !m->interface || strcmp(m->interface, "org.freedesktop.systemd1.Manager") != 0 ||
	    !m->signature || strcmp(m->signature, "uoss") != 0)
		return false;
	/* the unit's name (third) is checked and passed over: the job
	 * path alone is what create and delete wait for */
	return get_u32_in(&in, &id) && get_u32_in(&in, &len) && (*job = take(&in, len)) &&
	       get_u32_in(&in, &len) && take(&in, len) && get_u32_in(&in, &len) &&
	       (*result = take(&in, len));
}
