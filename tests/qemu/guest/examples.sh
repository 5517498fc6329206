# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154 # t_rc: set by stop_launcher in /init
# Scenario hutch_test=examples, sourced by /init (tests/qemu/guest/init):
# the board examples that the test script carried in as
# /tests/examples/BOARD-NAME.conf (board/BOARD/NAME.conf as shipped),
# each on the booted guest nearest its board (tests/qemu/README.md has
# the table). The same rules as tests/integration/69-examples.t, which
# runs them all on the build machine's kernel:
#   - the config is used as shipped but for the root (root = /rootfs, the
#     initramfs's second BusyBox tree) and each bind source, moved under
#     /tmp/examples/ID/src (the same path, prefixed), holding what the
#     board would, with the owners the configs' comments ask for; a test
#     checks that nothing else differs;
#   - on the command line only --name ex-ID and, for a service on the
#     host's network, --net none (two of them serve port 80), the checks
#     reaching it through its network namespace (BusyBox nsenter).
# What each does, by its name =:
#   web, httpd, hello  BusyBox httpd answers on the config's port (BusyBox
#                      wget in the sandbox's network); hello also says hello;
#   cron               crond runs the jobs of root's and of service's
#                      crontabs (every minute): the guest's clock is set to
#                      second 50 of a minute just before crond starts, so
#                      the jobs run about 10 s later, not up to 60 s;
#   ntp                the clock's state is read (adjtimex, let by the
#                      filter because sys_time is kept); rdate fails for
#                      want of a network, not of a permission;
#   temp-log           a temperature line is written as uid 1000 into a
#                      data directory that uid owns;
#   dhcp               udhcpd starts serving lo, and writes its leases into
#                      the persistent directory when stopped.
# An example this scenario does not know is a failure, never a skip.

W=/tmp/examples
mkdir -p "$W"
# The scenario's own time, from the guest's uptime (its clock is set below).
ex_began=$(cut -d ' ' -f 1 /proc/uptime)

# key CONF KEY: the value of the config's first KEY line.
key() {
	sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$1" | head -n 1
}

# rest CONF: the lines of a config other than root and the binds.
rest() {
	grep -Ev '^[[:space:]]*(root|bind|ro-bind)[[:space:]]*=' "$1"
}

# content ID NAME: what the board would hold at the bind sources (the
# same as on the build machine: tests/lib/example-sources.sh).
# shellcheck source=tests/lib/example-sources.sh
. /tests/example-sources.sh
content() {
	example_sources "$W/$1/src" "$2" "$1"
}

# start ID: hutch -f $W/ID/conf in the background; $W/ID/pid, $W/ID/log.
start() {
	s_net=
	[ "$(key "$W/$1/conf" net)" = none ] || s_net="--net none"
	# shellcheck disable=SC2086 # zero or two words
	hutch -f "$W/$1/conf" --name "ex-$1" $s_net </dev/null >"$W/$1/log" 2>&1 &
	echo $! >"$W/$1/pid"
}

launcher() { cat "$W/$1/pid"; }

logged() {
	grep -Eq "$2" "$W/$1/log"
}

not_logged() {
	! logged "$@"
}

# get ID PORT PATH: BusyBox wget of http://127.0.0.1:PORT/PATH in the
# sandbox's network namespace (that of its PID 1).
get() {
	g_p1=$(pid1_of "$(launcher "$1")") &&
		nsenter --net="/proc/$g_p1/ns/net" wget -q -O- "http://127.0.0.1:$2/$3" 2>/dev/null
}

# --- prepare and start every example carried in ----------------------------------

ids=
cron_ids=
for conf in /tests/examples/*.conf; do
	[ -f "$conf" ] || continue
	id=$(basename "$conf" .conf)
	name=$(key "$conf" name)
	mkdir -p "$W/$id/src"
	sed -e "s|^\\([[:space:]]*root[[:space:]]*=[[:space:]]*\\).*|\\1/rootfs|" \
		-e "s|^\\([[:space:]]*\\(ro-\\)\\{0,1\\}bind[[:space:]]*=[[:space:]]*\\)/|\\1$W/$id/src/|" \
		"$conf" >"$W/$id/conf"
	t_is "$(rest "$W/$id/conf")" "$(rest "$conf")" \
		"$id: the config is used as shipped but for root and the bind sources"
	if ! content "$id" "$name"; then
		t_emit 1 "$id: this scenario knows what example '$name' should do (add it here)"
		continue
	fi
	echo "$name" >"$W/$id/name"
	if [ "$name" = cron ]; then
		cron_ids="$cron_ids $id"
	else
		ids="$ids $id"
	fi
done
[ -n "$ids$cron_ids" ] || t_emit 1 "examples to run: none in /tests/examples"

# cron first, at second 50 of a minute: its jobs are due 10 s later, while
# the others are checked. (The slowest guest starts it in 2 s.)
if [ -n "$cron_ids" ]; then
	now=$(date +%s)
	date -s "$(date -d "@$((now - now % 60 + 50))" '+%Y-%m-%d %H:%M:%S')" >/dev/null
	t_diag "the guest's clock set to $(date '+%H:%M:%S') for crond's every-minute jobs"
fi
for id in $cron_ids $ids; do
	start "$id"
done

# --- what each does ----------------------------------------------------------------

check_http() {
	ch_port=$(key "$W/$1/conf" command | sed -n 's/.*-p \([0-9.:]*:\)\{0,1\}\([0-9][0-9]*\).*/\2/p')
	ch_page=index.html ch_want="page of $1"
	if [ "$2" = hello ]; then
		ch_page=passwd ch_want='^root:x:0:0:'
		t_ok "$1: says hello" t_wait 20 logged "$1" '^hello from hello, pid [0-9]+$' ||
			t_show "$W/$1/log"
	fi
	t_ok "$1: httpd answers on port $ch_port" t_wait 20 get "$1" "$ch_port" "$ch_page" ||
		t_show "$W/$1/log"
	t_like "$(get "$1" "$ch_port" "$ch_page")" "$ch_want" "$1: with the page it serves"
}

check_ntp() {
	t_ok "$1: the clock's state is read (adjtimex, sys_time kept)" \
		t_wait 20 logged "$1" '^ +status: +[0-9]+' || t_show "$W/$1/log"
	t_ok "$1: rdate tries the network (its failure is not a refusal)" \
		t_wait 20 logged "$1" '^rdate: ' || t_show "$W/$1/log"
	t_ok "$1: nothing is refused by the filter" not_logged "$1" 'Operation not permitted'
}

check_temp_log() {
	ct_data=$W/$1/src/srv/temp-log/data/temp.log
	t_ok "$1: a temperature line is written" t_wait 20 test -s "$ct_data" ||
		t_show "$W/$1/log"
	t_like "$(cat "$ct_data" 2>/dev/null)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:+-]+ 42000$' \
		"$1: with the time and the zone's temperature"
	t_is "$(stat -c %u "$ct_data" 2>/dev/null)" 1000 "$1: by the service user (uid 1000)"
}

check_dhcp() {
	cd_leases=$W/$1/src/srv/dhcp/leases/udhcpd.leases
	t_ok "$1: udhcpd starts" t_wait 20 logged "$1" 'udhcpd.*started' || t_show "$W/$1/log"
	sleep 1
	t_ok "$1: and keeps running" svc_of "$(launcher "$1")"
	stop_launcher "$(launcher "$1")" 15
	: >"$W/$1/stopped"
	t_ok "$1: stopped, it wrote its leases into the persistent directory" \
		test -e "$cd_leases" || t_show "$W/$1/log"
}

# check_cron ID: the jobs were due at the minute after crond started.
check_cron() {
	cc_ran=$W/$1/src/srv/cron/log/ran
	t_ok "$1: crond starts" t_wait 20 logged "$1" 'crond \(busybox [0-9.]+\) started' ||
		t_show "$W/$1/log"
	# Due at second 0; 25 s is room for a slow start. A start that missed
	# the minute would wait for the next one: a failure here, not a skip.
	t_ok "$1: its every-minute job runs at the next minute" t_wait 25 test -s "$cc_ran" ||
		{ t_diag "the guest's clock: $(date '+%H:%M:%S')"; t_show "$W/$1/log"; }
	t_like "$(cat "$cc_ran" 2>/dev/null)" '^job ran as root$' "$1: as root, the crontab's user"
	t_ok "$1: the job of the service user's crontab runs too" t_wait 5 test -s "$cc_ran-service"
	t_like "$(cat "$cc_ran-service" 2>/dev/null)" '^job ran as service$' "$1: as that user"
	t_ok "$1: no job failed to switch user" not_logged "$1" "can't set groups|can't change"
}

for id in $ids $cron_ids; do
	name=$(cat "$W/$id/name")
	case $name in
	web | httpd | hello) check_http "$id" "$name" ;;
	ntp) check_ntp "$id" ;;
	temp-log) check_temp_log "$id" ;;
	dhcp) check_dhcp "$id" ;;
	cron) check_cron "$id" ;;
	esac
done

# --- all of them stop cleanly ------------------------------------------------------

# Each still running (dhcp was stopped by its check), then SIGTERM to all
# at once, and stop_launcher waits for each.
running=
for id in $ids $cron_ids; do
	[ ! -e "$W/$id/stopped" ] || continue
	if t_ok "$id: still running at the end" alive "$(launcher "$id")"; then
		kill -TERM "$(launcher "$id")"
		running="$running $id"
	else
		t_show "$W/$id/log"
	fi
done
for id in $running; do
	stop_launcher "$(launcher "$id")" 15
	t_unlike "$t_rc" hung "$id: stops on SIGTERM"
done
for id in $ids $cron_ids; do
	t_is "$(grep -c 'restarting in' "$W/$id/log")" 0 "$id: the service never had to be restarted" ||
		t_show "$W/$id/log"
done
t_diag "examples: $(awk -v b="$ex_began" '{ printf "%.1f", $1 - b }' /proc/uptime) s in the guest"
