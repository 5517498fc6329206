# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154 # t_rc: set by stop_launcher in /init
# Scenario hutch_test=examples, sourced by /init (tests/qemu/guest/init):
# two of the board examples on a booted Debian kernel, as shipped but for
# the root (the initramfs's /rootfs) and their bind sources (under /tmp,
# holding what the board would). tests/integration/69-examples.t runs them
# all on the build machine's kernel; here the filter and the capabilities
# meet the guest's own:
#   ntp       (board/rpi3-32/ntp.conf) reads the clock's state with
#             adjtimex, which the seccomp filter lets by because sys_time is
#             kept; rdate fails for want of a network, not of a permission;
#   temp-log  (board/rpi3-64/temp-log.conf) writes a temperature line as
#             uid 1000 into a data directory that uid owns.
# The configs are /tests/ntp.conf and /tests/temp-log.conf.

W=/tmp/examples
mkdir -p "$W"

# example NAME: /tests/NAME.conf with root = /rootfs and each bind source
# prefixed with $W/NAME/src, started in the background as --name ex-NAME;
# sets ex_pid (the launcher) and ex_log.
example() {
	ex_src=$W/$1/src
	mkdir -p "$ex_src"
	sed -e 's|^root = .*|root = /rootfs|' \
		-e "s|^bind = /|bind = $ex_src/|" -e "s|^ro-bind = /|ro-bind = $ex_src/|" \
		"/tests/$1.conf" >"$W/$1/conf"
	ex_log=$W/$1/log
	hutch -f "$W/$1/conf" --name "ex-$1" </dev/null >"$ex_log" 2>&1 &
	ex_pid=$!
}

logged() {
	grep -Eq "$2" "$1"
}

# --- ntp -----------------------------------------------------------------------
mkdir -p "$W/ntp/src/etc"
echo 'nameserver 127.0.0.1' >"$W/ntp/src/etc/resolv.conf"
example ntp
t_ok "ntp: the clock's state is read (adjtimex, sys_time kept)" \
	t_wait 20 logged "$ex_log" '^ +status: +[0-9]+' || t_show "$ex_log"
t_ok "ntp: rdate is tried" t_wait 20 logged "$ex_log" '^rdate: ' || t_show "$ex_log"
t_unlike "$(cat "$ex_log")" 'Operation not permitted' "ntp: nothing is refused"
stop_launcher "$ex_pid" 15

# --- temp-log ------------------------------------------------------------------
mkdir -p "$W/temp-log/src/sys/class/thermal/thermal_zone0" "$W/temp-log/src/srv/temp-log/data"
echo 42000 >"$W/temp-log/src/sys/class/thermal/thermal_zone0/temp"
chown 1000:1000 "$W/temp-log/src/srv/temp-log/data"
example temp-log
data=$W/temp-log/src/srv/temp-log/data/temp.log
t_ok "temp-log: a temperature line is written" t_wait 20 test -s "$data" || t_show "$ex_log"
t_like "$(cat "$data" 2>/dev/null)" ' 42000$' "temp-log: with the zone's temperature"
t_is "$(stat -c %u "$data" 2>/dev/null)" 1000 "temp-log: by uid 1000"
stop_launcher "$ex_pid" 15
t_unlike "$t_rc" hung "temp-log: stops on SIGTERM"
