#!/bin/bash
# SPDX-License-Identifier: MIT
# 69-examples.t: every example service shipped in board/*/*.conf runs on
# the test rootfs (make rootfs) and does its job:
#   httpd, web, hello  BusyBox httpd answers on the config's port (BusyBox
#                      wget from the host, in the sandbox's network);
#                      hello also says hello;
#   cron               crond runs the jobs of root's and of service's
#                      crontabs (this test's, every minute: up to 70 s):
#                      the files they write appear;
#   ntp                the clock's state is read (adjtimex, which the
#                      filter lets by because sys_time is kept); rdate
#                      cannot reach a server here, and its failure is the
#                      network's, not a refusal;
#   temp-log           a temperature line is written, as uid 1000, into a
#                      data directory that uid owns;
#   dhcp               udhcpd starts, serving lo, and writes its leases
#                      into the persistent directory when stopped.
#
# Each config is used as shipped except for what points at the board: the
# root (root =) becomes a copy of $ROOTFS, and each bind source a path
# under this test's directory (the same path, prefixed), holding what the
# board would (pages, a crontab, a thermal zone with a fake temperature, a
# udhcpd.conf for lo). The test checks that nothing else differs. On the
# command line it adds --name (unique: other tests and CI share the
# machine) and, for the services on the host's network, --net none, so that
# no port or interface of this machine is touched; the checks reach them
# through their network namespace (nsenter).
#
# Needs root. HUTCH and ROOTFS come from `make check-integration`.

source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"

require_root
require_cmd timeout mktemp nsenter pgrep sed diff
require_hutch
top=$(cd "$(dirname "$0")/../.." && pwd)
BB=$ROOTFS/bin/busybox # static: runs on the host too

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
launchers=()
cleanup() {
	for p in "${launchers[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${launchers[@]}"; do
		{ timeout 15 tail --pid="$p" -f /dev/null || kill -KILL "$p"; } 2>/dev/null
	done
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# key CONF KEY: the value of the config's first KEY line.
key() {
	sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$1" | head -n 1
}

# prepare ID CONF: $tmp/ID/conf, CONF with root = a copy of the rootfs and
# every bind source under $tmp/ID/src.
prepare() {
	local d=$tmp/$1
	mkdir -p "$d/src" && cp -a "$ROOTFS" "$d/root" || bail_out "cannot copy $ROOTFS"
	sed -e "s|^\\([[:space:]]*root[[:space:]]*=[[:space:]]*\\).*|\\1$d/root|" \
		-e "s|^\\([[:space:]]*\\(ro-\\)\\{0,1\\}bind[[:space:]]*=[[:space:]]*\\)/|\\1$d/src/|" \
		"$2" >"$d/conf"
}

# The lines of a config other than root and the binds.
rest() {
	grep -Ev '^[[:space:]]*(root|bind|ro-bind)[[:space:]]*=' "$1"
}

# The services' host-side content, by the example's name (shared with the
# QEMU guests).
# shellcheck source=tests/lib/example-sources.sh
. "$top/tests/lib/example-sources.sh"
content() {
	example_sources "$tmp/$1/src" "$2" "$1"
}

# --- start every example -----------------------------------------------------------

ids=()
declare -A name_of launcher_of
for conf in "$top"/board/*/*.conf; do
	board=$(basename "$(dirname "$conf")")
	id=$board-$(basename "$conf" .conf)
	name=$(key "$conf" name)
	prepare "$id" "$conf"
	is "$(rest "$tmp/$id/conf")" "$(rest "$conf")" \
		"$id: the config is used as shipped but for root and the bind sources"
	if ! content "$id" "$name"; then
		ok "$id: this test knows what example '$name' should do (add it here)" false
		continue
	fi
	extra=()
	[ "$(key "$conf" net)" = none ] || extra=(--net none)
	"$HUTCH" -f "$tmp/$id/conf" --name "ex-$id-$$" "${extra[@]}" \
		</dev/null >"$tmp/$id/log" 2>&1 &
	launchers+=($!)
	launcher_of[$id]=$!
	name_of[$id]=$name
	ids+=("$id")
done

# pid1 ID: the host pid of the sandbox's PID 1 (the launcher's child).
pid1() {
	pgrep -P "${launcher_of[$1]}" | head -n 1
}

# get ID PORT PATH: BusyBox wget of http://127.0.0.1:PORT/PATH inside the
# sandbox's network namespace. (Not its -T: Debian's BusyBox 1.35 wget
# dies of SIGSEGV with it.)
get() {
	local p
	p=$(pid1 "$1") && [ -n "$p" ] &&
		timeout 5 nsenter --net="/proc/$p/ns/net" "$BB" wget -q -O- "http://127.0.0.1:$2/$3"
}

# logged ID ERE: the launcher's output (hutch and the service) matches.
logged() {
	grep -Eq "$2" "$tmp/$1/log"
}

# has_service ID: PID 1 of the sandbox has a child, the service.
has_service() {
	pgrep -P "$(pid1 "$1")" >/dev/null
}

not_logged() {
	! logged "$@"
}

# --- what each does ---------------------------------------------------------------------

check_http() {
	local id=$1 port page want
	port=$(key "$tmp/$id/conf" command | sed -n 's/.*-p \([0-9.:]*:\)\{0,1\}\([0-9][0-9]*\).*/\2/p')
	page=index.html want="page of $id"
	if [ "${name_of[$id]}" = hello ]; then
		page=passwd want='^root:x:0:0:'
		ok "$id: says hello" wait_for 10 logged "$id" '^hello from hello, pid [0-9]+$' ||
			diag "$(cat "$tmp/$id/log")"
	fi
	ok "$id: httpd answers on port $port" wait_for 10 get "$id" "$port" "$page" ||
		diag "$(cat "$tmp/$id/log")"
	like "$(get "$id" "$port" "$page")" "$want" "$id: with the page it serves"
}

check_cron() {
	local id=$1 ran=$tmp/$1/src/srv/cron/log/ran
	ok "$id: crond starts" wait_for 10 logged "$id" 'crond \(busybox [0-9.]+\) started' ||
		diag "$(cat "$tmp/$id/log")"
	ok "$id: its every-minute job runs within 70 s" wait_for 70 test -s "$ran" ||
		diag "$(cat "$tmp/$id/log")"
	like "$(cat "$ran" 2>/dev/null)" '^job ran as root$' "$id: as root, the crontab's user"
	ok "$id: the job of the service user's crontab runs too" wait_for 5 test -s "$ran-service"
	like "$(cat "$ran-service" 2>/dev/null)" '^job ran as service$' "$id: as that user"
	ok "$id: no job failed to switch user" not_logged "$id" "can't set groups|can't change"
}

check_ntp() {
	local id=$1
	ok "$id: the clock's state is read (adjtimex)" \
		wait_for 10 logged "$id" '^ +status: +[0-9]+' || diag "$(cat "$tmp/$id/log")"
	ok "$id: rdate tries the network (its failure is not a refusal)" \
		wait_for 10 logged "$id" '^rdate: ' || diag "$(cat "$tmp/$id/log")"
	ok "$id: nothing is refused by the filter" not_logged "$id" 'Operation not permitted'
}

check_temp_log() {
	local id=$1 data=$tmp/$1/src/srv/temp-log/data/temp.log
	ok "$id: a temperature line is written" wait_for 10 test -s "$data" ||
		diag "$(cat "$tmp/$id/log")"
	like "$(cat "$data" 2>/dev/null)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:+-]+ 42000$' \
		"$id: with the time and the zone's temperature"
	is "$(stat -c %u "$data" 2>/dev/null)" 1000 "$id: by the service user (uid 1000)"
}

check_dhcp() {
	local id=$1 leases=$tmp/$1/src/srv/dhcp/leases/udhcpd.leases
	ok "$id: udhcpd starts" wait_for 10 logged "$id" 'udhcpd.*started' ||
		diag "$(cat "$tmp/$id/log")"
	sleep 1
	ok "$id: and keeps running" has_service "$id"
	kill -TERM "${launcher_of[$id]}"
	timeout 15 tail --pid="${launcher_of[$id]}" -f /dev/null
	ok "$id: stopped, it wrote its leases into the persistent directory" test -e "$leases" ||
		diag "$(cat "$tmp/$id/log")"
}

for id in "${ids[@]}"; do
	case ${name_of[$id]} in
	web | httpd | hello) check_http "$id" ;;
	ntp) check_ntp "$id" ;;
	temp-log) check_temp_log "$id" ;;
	dhcp) check_dhcp "$id" ;;
	cron) ;; # last: it takes up to a minute
	esac
done
for id in "${ids[@]}"; do
	[ "${name_of[$id]}" != cron ] || check_cron "$id"
done

# --- all of them stop cleanly -------------------------------------------------------------

for id in "${ids[@]}"; do
	kill -TERM "${launcher_of[$id]}" 2>/dev/null
done
for id in "${ids[@]}"; do
	timeout 15 tail --pid="${launcher_of[$id]}" -f /dev/null
	is "$(grep -c 'restarting in' "$tmp/$id/log")" 0 "$id: the service never had to be restarted" ||
		diag "$(cat "$tmp/$id/log")"
done

done_testing
