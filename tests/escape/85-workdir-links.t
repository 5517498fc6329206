#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The working directory as a way out (CVE-2024-21626's pattern, found in
# hutch by a review on 2026-12-03): a process that holds a directory
# descriptor of the host's, and then enters a working directory the
# service controls, lands in the host's tree when the service made that
# directory a link to /proc/self/fd/N. Three such processes: the service
# itself when PID 1 holds --overlay DIR (restarts, every start), the
# --health check (forked by PID 1), and hutch exec (it held the state
# directory). Each is tried for N = 3 to 12; the process must never read
# the marker next to the host's directory. chdir_within_root (sys.c)
# refuses a working directory getcwd(2) cannot reach from the root.

# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

require_root
require_cmd timeout mktemp mksquashfs=squashfs-tools
[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] || bail_out "HUTCH must name the hutch binary"
[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] || bail_out "ROOTFS must name the test rootfs"
"$HUTCH" --version | grep -q '+image' || bail_out "this test needs a hutch with images (full profile)"

tmp=$(mktemp -d) || bail_out "cannot make a temporary directory"
S=$tmp/state
cleanup() {
	"$HUTCH" stop --state-dir "$S" wl-exec >/dev/null 2>&1
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT
mkdir -p "$S" "$tmp/src"
cp -a "$ROOTFS/." "$tmp/src/"
mkdir -p "$tmp/src/app"
mksquashfs "$tmp/src" "$tmp/img.sqfs" -noappend -quiet -all-root >/dev/null ||
	bail_out "mksquashfs failed"
echo "host-marker-$$" >"$tmp/HOSTMARK"
mark="host-marker-$$"

# --- the service's start with --overlay DIR: PID 1 holds DIR open -------------------
# /app in the overlay's upper layer is what the service writes there.
escaped=
for n in 3 4 5 6 7 8 9 10 11 12; do
	rm -rf "$tmp/ovl"; mkdir -m 700 "$tmp/ovl"
	mkdir -p "$tmp/ovl/upper" && ln -s "/proc/self/fd/$n" "$tmp/ovl/upper/app"
	out=$(timeout 30 "$HUTCH" --name wl-start --root "$tmp/img.sqfs" --overlay "$tmp/ovl" \
		--workdir /app --restart no -- /bin/sh -c 'cat ../HOSTMARK ../../HOSTMARK 2>/dev/null' 2>&1)
	grep -q "$mark" <<<"$out" && escaped="$escaped $n"
done
is "$escaped" "" "the service never starts in the host's --overlay DIR (fd 3-12)"
like "$out" "leads outside the sandbox|No such file" "a start there is refused, saying why"

# --- the --health check, forked by PID 1 after the service made /app a link ----------
escaped=
for n in 3 4 5 6 7 8 9 10 11 12; do
	rm -rf "$tmp/ovl"; mkdir -m 700 "$tmp/ovl"
	out=$(timeout 30 "$HUTCH" --name wl-health --root "$tmp/img.sqfs" --overlay "$tmp/ovl" \
		--workdir /app --restart no --health 'cat ../HOSTMARK ../../HOSTMARK >&2' \
		--health-interval 200ms --health-retries 1000 -- /bin/sh -c \
		"cd /; rm -rf /app; ln -s /proc/self/fd/$n /app; sleep 1.5" 2>&1)
	grep -q "$mark" <<<"$out" && escaped="$escaped $n"
done
is "$escaped" "" "the health check never runs in the host's --overlay DIR (fd 3-12)"

# --- hutch exec: it held the state directory open -----------------------------------
cp -a "$ROOTFS/." "$tmp/root/" 2>/dev/null || { mkdir -p "$tmp/root" && cp -a "$ROOTFS/." "$tmp/root/"; }
mkdir -p "$tmp/root/app"
"$HUTCH" --daemon --state-dir "$S" --name wl-exec --root "$tmp/root" --workdir /app \
	-- /bin/sleep 1000 </dev/null >/dev/null 2>&1 || bail_out "cannot start wl-exec"
echo "$mark" >"$S/wl-exec/HOSTMARK"
escaped=
for n in 3 4 5 6 7 8 9 10 11 12; do
	rm -rf "$tmp/root/app"; ln -s "/proc/self/fd/$n" "$tmp/root/app"
	out=$(timeout 30 "$HUTCH" exec --state-dir "$S" wl-exec -- /bin/sh -c \
		'cat HOSTMARK ../HOSTMARK 2>/dev/null' 2>&1)
	grep -q "$mark" <<<"$out" && escaped="$escaped $n"
done
is "$escaped" "" "hutch exec never runs in the host's state directory (fd 3-12)"
"$HUTCH" stop --state-dir "$S" wl-exec >/dev/null 2>&1
ok "no loop device of this test is left" sh -c "! losetup -a 2>/dev/null | grep -q '$tmp'"

done_testing
