#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/profiles/smoke.t: a smaller profile's hutch (configs/tiny.config,
# router.config) does the seed's job for real, as root: a config file, the
# root switch into $ROOTFS, PID 1 of a new PID namespace, a CPU limit in
# the cgroup, respawn with backoff, a clean stop; and a config file written
# for the full profile is refused in one line naming the profile.
# `make check-profiles` runs it for tiny and router (HUTCH, ROOTFS set).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
require_root
require_cmd timeout pgrep mktemp
if [ -z "${HUTCH-}" ] || [ ! -x "$HUTCH" ] || [ -z "${ROOTFS-}" ] || [ ! -x "$ROOTFS/bin/busybox" ]; then
	bail_out "HUTCH and ROOTFS must name a hutch binary and the test rootfs (make check-profiles)"
fi
CG=/sys/fs/cgroup
tmp=$(mktemp -d /tmp/hutch-profiles.XXXXXX) || bail_out "mktemp -d failed"
guard=
# shellcheck disable=SC2317 # called through the trap
cleanup() {
	[ -z "$guard" ] || { pkill -9 -P "$guard"; kill -9 "$guard"; } 2>/dev/null
	wait 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

version=$("$HUTCH" --version)
profile=$(sed -n 's/^features: .* (profile \(.*\))$/\1/p' <<<"$version")
like "$version" '^features: ' "--version has a features line ($(sed -n 2p <<<"$version"))"
name=t-profile-$profile-$$

# --- a full profile's option: one line, 125, nothing started -----------------
if ! has_feature seccomp; then
	printf 'seccomp = default\ncommand = /bin/true\n' >"$tmp/portable.conf"
	err=$("$HUTCH" -f "$tmp/portable.conf" --root "$ROOTFS" 2>&1)
	is "$?:$err" "125:hutch: $tmp/portable.conf:1: seccomp: this hutch is built without seccomp (PROFILE=$profile)" \
		"a config file's seccomp line is refused, naming the profile"
fi

if ! has_feature image; then
	err=$("$HUTCH" --root "$ROOTFS" --overlay tmpfs -- /bin/true 2>&1)
	is "$?:$err" "125:hutch: option --overlay: this hutch is built without image (PROFILE=$profile)" \
		"--overlay is refused, naming the profile"
	: >"$tmp/root.img"
	err=$("$HUTCH" --name "$name" --root "$tmp/root.img" -- /bin/true 2>&1)
	is "$?:$err" "125:hutch[$name]: --root $tmp/root.img is a file, not a directory: image roots: this hutch is built without image (PROFILE=$profile)" \
		"a --root that is a file is refused, naming the profile"
fi

# --- --help offers the commands built, and no other ------------------------
# Each optional command's usage line comes with its feature; a command
# not built is refused in one line naming the profile.
help=$("$HUTCH" --help)
for pair in check:check control:status oci:oci; do
	feature=${pair%%:*} command=${pair#*:}
	if has_feature "$feature"; then
		like "$help" "
       hutch $command " "--help offers hutch $command ($feature built)"
	else
		unlike "$help" "hutch $command " "--help does not offer hutch $command ($feature not built)"
		err=$("$HUTCH" "$command" 2>&1)
		is "$?:$err" "125:hutch: $command: this hutch is built without $feature (PROFILE=$profile)" \
			"hutch $command is refused, naming the profile"
	fi
done

# --- the seed's job ----------------------------------------------------------
# Each start prints what it sees: PID 1's name, its own view of / (no
# /work: the root switched), then fails after a moment; --restart always
# with a short backoff starts it again.
cat >"$tmp/web.conf" <<CONF
name = $name
root = $ROOTFS
cpu = 20%
restart = always
restart-delay = 50ms
restart-max-delay = 200ms
command = /bin/sh -c 'echo "start pid1=\$(cat /proc/1/comm) self=\$\$ work=\$(test -e /work && echo yes || echo no)"; sleep 0.3; exit 3'
CONF
timeout 60 "$HUTCH" -f "$tmp/web.conf" >"$tmp/out" 2>"$tmp/err" &
guard=$!
ok "hutch starts" wait_for 10 pgrep -P "$guard"
launcher=$(pgrep -P "$guard")
# shellcheck disable=SC2317 # called through wait_for
starts() { [ "$(grep -c '^start ' "$tmp/out")" -ge "$1" ]; }
ok "the service is started four times (respawn)" wait_for 10 starts 4
like "$(head -n 1 "$tmp/out")" '^start pid1=hutch self=2 work=no$' \
	"the service is PID 2 under hutch as PID 1, in the switched root"
if [ -f $CG/cpu/cpu.cfs_quota_us ]; then
	is "$(cat "$CG/cpu/hutch/$name/cpu.cfs_quota_us" 2>&1)" 20000 "--cpu 20%: cpu.cfs_quota_us (cgroup v1)"
else
	is "$(cat "$CG/hutch/$name/cpu.max" 2>&1)" "20000 100000" "--cpu 20%: cpu.max (cgroup v2)"
fi
kill -TERM "$launcher"
wait "$guard"
is "$?" 143 "SIGTERM stops it: 128+15"
guard=
like "$(tr '\n' ' ' <"$tmp/err")" 'restarting in 50 ms .*restarting in 100 ms ' \
	"with backoff: at once, then 50 ms, then 100 ms"
ok "its cgroup is gone" test ! -e "$CG/cpu/hutch/$name" -a ! -e "$CG/hutch/$name"
ok "its state directory is gone" test ! -e "/run/hutch/$name"
ok "no process of it is left" test -z "$(pgrep -f "$tmp/web.conf")"

done_testing
