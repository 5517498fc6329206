#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# fake-systemd.py SOCKET MODE LOG: a stand-in for systemd's private D-Bus
# socket, for tests/oci/18-systemd-dbus.t on a host that systemd did not
# boot. It takes SASL EXTERNAL, answers Subscribe, StartTransientUnit,
# StopUnit and ResetFailedUnit as systemd's manager does (a job path,
# then the signal JobRemoved), and writes one line a call to LOG
# ("StartTransientUnit UNIT", ...), and the properties of the last
# StartTransientUnit to LOG.props (NAME=VALUE a line). MODE: done (every job done), refuse
# (StartTransientUnit answered with an error), failed (its job ends
# "failed"), garbage (its answer is no D-Bus message), lazy (a call that
# came with BEGIN is read only when more bytes come, as systemd 252
# can), exists (a unit of the name exists, active: UnitExists each
# time), stale (a failed one: UnitExists until ResetFailedUnit names
# it). Written from the D-Bus specification; one connection at a time.
import os
import socket
import struct
import sys
import time

path, mode, log = sys.argv[1], sys.argv[2], sys.argv[3]
reset_seen = []


def pad(b, a):
    return b + b"\0" * (-len(b) % a)


def string(b, s, code="I"):
    b = pad(b, 4)
    s = s.encode()
    return b + struct.pack("<I", len(s)) + s + b"\0"


def sig(b, s):
    return b + bytes([len(s)]) + s.encode() + b"\0"


def field(b, code, t, v):
    b = pad(b, 8) + bytes([code])
    b = sig(b, t)
    if t == "u":
        return pad(b, 4) + struct.pack("<I", v)
    if t == "g":
        return sig(b, v)
    return string(b, v)


def message(mtype, serial, fields, body_sig, body):
    f = b""
    for code, t, v in fields + ([(8, "g", body_sig)] if body_sig else []):
        f = field(f, code, t, v)
    head = b"l" + bytes([mtype, 1, 1]) + struct.pack("<III", len(body), serial, len(f))
    return pad(head + f, 8) + body


def fields_of(msg):
    end = 16 + struct.unpack_from("<I", msg, 12)[0]
    n, out = 16, {}
    while n < end:
        n += -n % 8
        code = msg[n]
        slen = msg[n + 1]
        t = msg[n + 2:n + 2 + slen].decode()
        n += 3 + slen
        if t == "u":
            n += -n % 4
            out[code] = struct.unpack_from("<I", msg, n)[0]
            n += 4
        elif t == "g":
            out[code] = msg[n + 1:n + 1 + msg[n]].decode()
            n += 2 + msg[n]
        else:
            n += -n % 4
            ln = struct.unpack_from("<I", msg, n)[0]
            out[code] = msg[n + 4:n + 4 + ln].decode()
            n += 5 + ln
    return out, pad(msg[:end], 8).__len__()


def value(msg, n, t):
    """The value of D-Bus type t at n (from the message's start, where
    D-Bus aligns), and the offset after it; t one complete type."""
    align = {"y": 1, "b": 4, "u": 4, "i": 4, "t": 8, "x": 8, "s": 4, "o": 4,
             "g": 1, "a": 4, "(": 8, "v": 1}[t[0]]
    n += -n % align
    if t in "bui":
        v = struct.unpack_from("<I" if t != "i" else "<i", msg, n)[0]
        return ("true" if v else "false") if t == "b" else str(v), n + 4
    if t in "tx":
        return str(struct.unpack_from("<Q" if t == "t" else "<q", msg, n)[0]), n + 8
    if t in "so":
        ln = struct.unpack_from("<I", msg, n)[0]
        return msg[n + 4:n + 4 + ln].decode(), n + 5 + ln
    if t == "g":
        return msg[n + 1:n + 1 + msg[n]].decode(), n + 2 + msg[n]
    if t == "v":
        inner = msg[n + 1:n + 1 + msg[n]].decode()
        return value(msg, n + 2 + msg[n], inner)
    if t[0] == "a":
        ln = struct.unpack_from("<I", msg, n)[0]
        n += 4
        n += -n % (8 if t[1] in "(tx" else 1)
        end, out = n + ln, []
        while n < end:
            v, n = value(msg, n, t[1:])
            out.append(v)
        return "[" + ",".join(out) + "]", end
    parts, n, inner = [], n, t[1:-1]  # a struct of single-letter types
    for c in inner:
        v, n = value(msg, n, c)
        parts.append(v)
    return "(" + ",".join(parts) + ")", n


def properties(msg, body_at):
    """StartTransientUnit's a(sv), one NAME=VALUE a line."""
    n = body_at
    for _ in range(2):  # the unit's name, the mode
        n += -n % 4
        n += 5 + struct.unpack_from("<I", msg, n)[0]
    n += -n % 4
    ln = struct.unpack_from("<I", msg, n)[0]
    n += 4
    n += -n % 8
    end, lines = n + ln, []
    while n < end:
        n += -n % 8
        name, n = value(msg, n, "s")
        v, n = value(msg, n, "v")
        lines.append(f"{name}={v}")
    return "".join(line + "\n" for line in lines)


def first_string(msg, body_at):
    ln = struct.unpack_from("<I", msg, body_at)[0]
    return msg[body_at + 4:body_at + 4 + ln].decode()


serial = 100
jobs = 0


def reply(c, call_serial, body_sig, body, error=None):
    global serial
    serial += 1
    fields = [(5, "u", call_serial)]
    if error:
        fields.append((4, "s", error))
    c.sendall(message(3 if error else 2, serial, fields, body_sig, body))


def job_removed(c, job, unit, result):
    global serial
    serial += 1
    body = pad(struct.pack("<I", jobs), 4)
    body = string(body, job)
    body = string(body, unit)
    body = string(body, result)
    c.sendall(message(4, serial, [(1, "o", "/org/freedesktop/systemd1"),
                                  (2, "s", "org.freedesktop.systemd1.Manager"),
                                  (3, "s", "JobRemoved")], "uoss", body))


def call(c, msg):
    global jobs
    f, body_at = fields_of(msg)
    member, s = f.get(3, ""), struct.unpack_from("<I", msg, 8)[0]
    unit = first_string(msg, body_at) if member != "Subscribe" else ""
    with open(log, "a") as out:
        out.write(f"{member} {unit}".rstrip() + "\n")
    if member == "StartTransientUnit":
        with open(log + ".props", "w") as out:
            out.write(properties(msg, body_at))
    if member == "StartTransientUnit" and mode == "refuse":
        return reply(c, s, "s", string(b"", "Cannot set property TasksMax, or unknown property."),
                     "org.freedesktop.DBus.Error.InvalidArgs")
    if member == "ResetFailedUnit":
        reset_seen.append(unit)
    # exists: an active unit of that name, whatever is reset; stale: a
    # failed one, gone once ResetFailedUnit named it
    if member == "StartTransientUnit" and (
            mode == "exists" or (mode == "stale" and unit not in reset_seen)):
        return reply(c, s, "s", string(b"", f"Unit {unit} already exists."),
                     "org.freedesktop.systemd1.UnitExists")
    if member == "StartTransientUnit" and mode == "garbage":
        return c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" + b"\0" * 16)
    if member in ("StartTransientUnit", "StopUnit"):
        jobs += 1
        job = f"/org/freedesktop/systemd1/job/{jobs}"
        reply(c, s, "o", string(b"", job))
        failed = member == "StartTransientUnit" and mode == "failed"
        return job_removed(c, job, unit, "failed" if failed else "done")
    reply(c, s, "", b"")


def serve(c):
    buf = c.recv(4096)
    while b"\r\n" not in buf:
        buf += c.recv(4096)
    if not buf.startswith(b"\0AUTH EXTERNAL "):
        return
    c.sendall(b"OK 0123456789abcdef0123456789abcdef\r\n")
    if mode == "lazy":
        time.sleep(0.1)  # BEGIN and the first call in one read
    buf = buf[buf.index(b"\r\n") + 2:]
    while b"BEGIN\r\n" not in buf:
        buf += c.recv(4096)
    buf = buf[buf.index(b"BEGIN\r\n") + 7:]
    if mode == "lazy" and buf:
        buf += c.recv(4096)  # what came with BEGIN waits for more bytes
    while True:
        while len(buf) < 16 or len(buf) < 16 + struct.unpack_from("<I", buf, 12)[0] + \
                (-(16 + struct.unpack_from("<I", buf, 12)[0]) % 8) + \
                struct.unpack_from("<I", buf, 4)[0]:
            more = c.recv(65536)
            if not more:
                return
            buf += more
        end = 16 + struct.unpack_from("<I", buf, 12)[0]
        total = end + (-end % 8) + struct.unpack_from("<I", buf, 4)[0]
        call(c, buf[:total])
        buf = buf[total:]


s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(4)
open(log, "a").close()
while True:
    conn, _ = s.accept()
    try:
        serve(conn)
    except (OSError, struct.error):
        pass
    conn.close()
