# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Scenario hutch_test=inittab: BusyBox init as the guest's PID 1, starting
# hutch at boot from the line of init/busybox/inittab, as shipped.
#
# Stage 1, sourced by /init (tests/qemu/guest/init) as PID 1: puts hutch
# at /usr/sbin/hutch, writes /etc/hutch/web.conf (BusyBox httpd on
# 127.0.0.1:8080, its root /rootfs), and an /etc/inittab made of the
# shipped file's one entry, a "respawn" entry for comparison, and an entry
# for stage 2; then execs BusyBox init, which stays PID 1.
#
# Stage 2, started by BusyBox init (hutch_phase=check): the service came up
# at boot under init, answers, is killed and respawned by hutch, is
# stopped with `hutch stop` and stays down; the "respawn" sandbox, stopped
# the same way, comes back (why the shipped line says "once").

W=/tmp/hutch-test
page() { wget -q -O - http://127.0.0.1:8080/index.html 2>/dev/null; }
field() { /usr/sbin/hutch status "$1" 2>/dev/null | sed -n "s/^$2: //p"; }

if [ "${hutch_phase-}" != check ]; then
	mkdir -p "$W" /usr/sbin /etc/hutch /rootfs/www
	ln -sf /bin/hutch /usr/sbin/hutch
	ip link set lo up
	echo "hello from inittab" >/rootfs/www/index.html
	cat >/etc/hutch/web.conf <<-EOF
		name = web
		root = /rootfs
		stop-timeout = 2s
		command = /usr/sbin/httpd -f -p 127.0.0.1:8080 -h /www
	EOF
	entries=$(grep -v '^#' /tests/inittab.example | grep -v '^[[:space:]]*$')
	t_is "$(printf '%s\n' "$entries" | wc -l)" 1 "init/busybox/inittab holds one entry" ||
		t_diag "$entries"
	t_like "$entries" '^::once:/usr/sbin/hutch ' "and it is a ::once: line for /usr/sbin/hutch"
	{
		printf '%s\n' "$entries"
		echo "::respawn:/usr/sbin/hutch --name again --root /rootfs --log kmsg -- /bin/sleep 600"
		echo "::once:/usr/bin/env hutch_phase=check /bin/sh /tests/inittab.sh"
	} >/etc/inittab
	t_diag "/etc/inittab:" "$(cat /etc/inittab)"
	t_save /tmp/tap.state
	# shellcheck disable=SC2093 # exec on purpose; the line after is for a failure
	exec /sbin/init
	t_emit 1 "exec /sbin/init"
	return
fi

# --- Stage 2: a child of BusyBox init --------------------------------------------
# shellcheck source=/dev/null
HUTCH_HELPERS_ONLY=1 . /init
t_load /tmp/tap.state

t_is "$(readlink /proc/1/exe)" /bin/busybox "PID 1 is BusyBox init"
t_ok "the web sandbox started at boot" t_wait 10 /usr/sbin/hutch status web
L=$(field web launcher)
t_is "$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$L/status")" 1 \
	"its launcher ($L) is a child of init, from the inittab line"
t_ok "httpd in the sandbox answers on 127.0.0.1:8080" t_wait 10 page
t_is "$(page)" "hello from inittab" "with the page from /rootfs/www"

svc=$(svc_of "$L")
kill -KILL "$svc"
# shellcheck disable=SC2016 # expanded by that sh
t_ok "httpd killed with SIGKILL: hutch starts it again" \
	t_wait 10 sh -c '[ "$(/usr/sbin/hutch status web | sed -n "s/^starts: //p")" = 2 ]'
t_ok "and it answers" t_wait 10 page
t_is "$(field web launcher)" "$L" "the same launcher: init saw nothing"
t_like "$(dmesg | grep 'hutch\[web\]')" 'hutch\[web\]: service killed by signal 9' \
	"--log kmsg: hutch's lines are in the kernel's log"

/usr/sbin/hutch stop web
t_is "$?" 0 "hutch stop web: 0"
t_ok "the launcher is gone" exited "$L"
sleep 3
/usr/sbin/hutch status web >/dev/null 2>&1
t_is "$?" 3 "3 s later it is still stopped: init did not start it again (once)"
t_unlike "$(ps -o comm)" '^httpd$' "no httpd runs"

A=$(field again launcher)
t_ok "the respawn entry's sandbox runs" test -n "$A"
/usr/sbin/hutch stop again
t_is "$?" 0 "hutch stop again: 0"
t_ok "but init starts the respawn entry again (why the shipped line is once)" \
	t_wait 5 sh -c "L=\$(/usr/sbin/hutch status again | sed -n 's/^launcher: //p'); [ -n \"\$L\" ] && [ \"\$L\" != $A ]"

finish
