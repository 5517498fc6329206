#!/bin/bash
# SPDX-License-Identifier: MIT
# init/procd/hutch, OpenWrt's procd init script, without OpenWrt: a fake
# /etc/rc.common sources it as the real one does and runs start_service,
# with procd_open_instance, procd_set_param and procd_close_instance
# recording what the script asks procd for. Checked: shellcheck, one
# instance per config file with the expected command line, no respawn
# (hutch respawns), term_timeout above every stop-timeout; then the
# recorded command is run as procd runs an instance (in the foreground,
# stopped with SIGTERM to its pid, SIGKILL after term_timeout) against a
# real sandbox.
#
# reload_service is run too (the fake's reload calls it, and start as
# rc.common does), with PROG a wrapper that records its arguments and runs
# hutch: an unchanged file's sandbox gets hutch reload, a changed one not.
#
# Not checked: procd itself, ubus, logd and rc.common's other commands
# (enable): they are OpenWrt's, and do not build on Debian.
. "$(dirname "$0")/../lib/tap.sh"
require_root
require_cmd shellcheck busybox=busybox-static pgrep
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
top=$(cd "$(dirname "$0")/../.." && pwd)
script=$top/init/procd/hutch
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

ok "shellcheck: the init script is clean" shellcheck "$script"
like "$(head -n 1 "$script")" '^#!/bin/sh /etc/rc.common$' "it runs through /etc/rc.common"
like "$(cat "$script")" '^USE_PROCD=1$' "USE_PROCD=1"

# The fake rc.common: the script is sourced, then the action is called, as
# /etc/rc.common does. Only CONFDIR is moved to the test's directory.
cat >"$tmp/rc.common" <<'EOF'
#!/bin/sh
# A fake /etc/rc.common: records what start_service asks procd for.
initscript=$1
action=$2
: >"$PROCD_LOG"
procd_open_instance() { echo "open ${1-}" >>"$PROCD_LOG"; }
procd_close_instance() { echo "close" >>"$PROCD_LOG"; }
procd_set_param() {
	_p=$1
	shift
	{ printf 'param %s' "$_p"; printf ' <%s>' "$@"; echo; } >>"$PROCD_LOG"
}
# shellcheck source=/dev/null
. "$initscript"
# shellcheck disable=SC2034 # read by start_service
CONFDIR=$FAKE_CONFDIR
# shellcheck disable=SC2034 # read by reload_service
[ -z "${FAKE_PROG-}" ] || { PROG=$FAKE_PROG; STATE_DIR=$FAKE_STATE_DIR; }
start() { start_service; }
case $action in
start) start_service ;;
reload) reload_service ;;
*) echo "fake rc.common: $action is not faked" >&2; exit 3 ;;
esac
EOF
ok "shellcheck: the fake rc.common is clean" shellcheck "$tmp/rc.common"

mkdir -p "$tmp/etc-hutch" "$tmp/htdocs"
echo "hello from procd" >"$tmp/htdocs/index.html"
port=$(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 |
	{ used=$(cat); for p in $(seq 18500 18999); do
		printf '%s\n' "$used" | grep -qx "$(printf '%04X' "$p")" || { echo "$p"; break; }; done; })
[ -n "$port" ] || bail_out "no free TCP port"
cat >"$tmp/etc-hutch/web.conf" <<EOF
name = ignored-the-file-name-wins
root = $ROOTFS
stop-timeout = 2s
tmpfs = /run:1M
ro-bind = $tmp/htdocs:/run/www
command = /usr/sbin/httpd -f -p 127.0.0.1:$port -h /run/www
EOF
cat >"$tmp/etc-hutch/cron.conf" <<EOF
root = $ROOTFS
command = /usr/sbin/crond -f
EOF
echo "not a config" >"$tmp/etc-hutch/README"

for sh in dash "busybox sh"; do
	PROCD_LOG=$tmp/procd.log FAKE_CONFDIR=$tmp/etc-hutch $sh "$tmp/rc.common" "$script" start
	is "$?" 0 "[$sh] start_service runs"
	log=$(cat "$tmp/procd.log")
	is "$(grep -c '^open' "$tmp/procd.log")" 2 "[$sh] one instance per *.conf file (2), nothing for other files"
	like "$log" "^open cron$" "[$sh] an instance named cron"
	like "$log" "^open web$" "[$sh] an instance named web"
	is "$(grep -c '^close$' "$tmp/procd.log")" 2 "[$sh] each instance closed"
	is "$(grep '^param command' "$tmp/procd.log" | sed -n 2p)" \
		"param command </usr/sbin/hutch> <-f> <$tmp/etc-hutch/web.conf> <--name> <web> <--state-dir> </var/run/hutch>" \
		"[$sh] web: command /usr/sbin/hutch -f .../web.conf --name web --state-dir /var/run/hutch (OpenWrt has no /run), in the foreground"
	unlike "$log" "^param command .*--daemon" "[$sh] no --daemon: procd watches hutch's own pid"
	unlike "$log" "^param respawn" "[$sh] no respawn: hutch restarts the service itself"
	like "$log" "^param stdout <1>$" "[$sh] stdout to logd"
	like "$log" "^param stderr <1>$" "[$sh] stderr to logd"
	like "$log" "^param file <$tmp/etc-hutch/web.conf>$" "[$sh] reload follows the config file"
done

term=$(sed -n 's/^param term_timeout <\([0-9]*\)>$/\1/p' "$tmp/procd.log" | sort -u)
is "$(printf '%s\n' "$term" | wc -l)" 1 "one term_timeout for every instance ($term s)"
ok "term_timeout ($term s) is above hutch's default stop-timeout (10 s)" test "$term" -gt 10
ok "and above the test config's stop-timeout (2 s)" test "$term" -gt 2
ok "and above the example config's stop-timeout" test "$term" -gt \
	"$(sed -n 's/^stop-timeout = \([0-9]*\)s$/\1/p' "$top/board/x86_64/web.conf")"

# --- the recorded command, run as procd runs an instance ----------------------
cmd=$(grep '^param command' "$tmp/procd.log" | sed -n 2p)
eval "set -- $(printf '%s\n' "${cmd#param command }" | sed "s/<\([^>]*\)>/'\1'/g")"
is "$1" /usr/sbin/hutch "the command starts with PROG"
shift
diag "running $HUTCH $*"
"$HUTCH" "$@" --state-dir "$tmp/state" </dev/null >"$tmp/out" 2>&1 &
pid=$!
page() { timeout 3 busybox wget -q -O - "http://127.0.0.1:$port/index.html" 2>/dev/null; }
ok "the instance's service answers on 127.0.0.1:$port" wait_for 5 page
is "$(page)" "hello from procd" "with the page"
is "$("$HUTCH" list --state-dir "$tmp/state")" "web running" "hutch list: the sandbox is named after the file"
svc=$(pgrep -P "$(pgrep -P "$pid")")
kill -KILL "$svc"
ok "the service killed: hutch restarts it, procd sees nothing" wait_for 10 sh -c \
	"'$HUTCH' status --state-dir '$tmp/state' web | grep -qx 'starts: 2'"
ok "it answers again" wait_for 5 page
ok "hutch (procd's pid) still runs" kill -0 "$pid"

# reload: PROG is a wrapper that notes its arguments, then runs hutch.
printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$tmp/prog.log" "$HUTCH" >"$tmp/prog"
chmod +x "$tmp/prog"
svc=$(pgrep -P "$(pgrep -P "$pid")")
reload() {
	: >"$tmp/prog.log"
	PROCD_LOG=$tmp/procd.log FAKE_CONFDIR=$tmp/etc-hutch FAKE_PROG=$tmp/prog \
		FAKE_STATE_DIR=$tmp/state sh "$tmp/rc.common" "$script" reload
}
reload
is "$?" 0 "reload_service runs"
is "$(cat "$tmp/prog.log")" "reload --state-dir $tmp/state web" \
	"it runs hutch reload for web (running, file unchanged) and nothing for cron (not running)"
is "$(grep -c '^open' "$tmp/procd.log")" 2 "then start_service again, for procd to compare"
ok "httpd got its SIGHUP and goes on: the same process" kill -0 "$svc"
is "$("$HUTCH" status --state-dir "$tmp/state" web | sed -n 's/^starts: //p')" 2 "no new start"
touch -d '+1 minute' "$tmp/etc-hutch/web.conf"
reload
is "$(cat "$tmp/prog.log")" "" "web.conf changed since the start: no hutch reload (procd restarts it)"
ok "it answers" wait_for 5 page
start=$(date +%s%N)
kill -TERM "$pid"
ok "SIGTERM to procd's pid: hutch exits within term_timeout" wait_for "$term" sh -c "! kill -0 $pid"
wait "$pid"
is "$?" 143 "with 143: the service died of the SIGTERM hutch passed on"
pid=
ms=$((($(date +%s%N) - start) / 1000000))
diag "stopped in $ms ms"
ok "well within term_timeout" test "$ms" -lt $((term * 1000))
ok "nothing answers any more" sh -c "! timeout 3 busybox wget -q -O /dev/null http://127.0.0.1:$port/ 2>/dev/null"
ok "its state is gone" test ! -e "$tmp/state/web"

done_testing
