#!/bin/bash
# SPDX-License-Identifier: MIT
# 40-bad-input.t: every kind of bad input is refused the same way: exit
# 125, exactly one line on stderr that starts with "hutch" and names the
# option (or FILE:LINE for a config file), nothing on stdout, and nothing
# changed: no mount on the host, nothing created in the root image. Also
# config files that are good (comments, quoting, repeated keys, overrides),
# --help and --version.
#
# Needs root. HUTCH and ROOTFS come from `make check-integration`.

source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"

require_root
require_cmd timeout mkfifo mktemp realpath
require_hutch

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
cleanup() {
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# A copy of the root image to hand hutch: whatever a refused run creates in
# it shows in its listing.
root=$tmp/root
cp -a "$ROOTFS" "$root" || bail_out "cannot copy $ROOTFS"
mkdir "$tmp/data" "$tmp/outside" "$tmp/conf" && echo hello >"$tmp/data/hello" ||
	bail_out "cannot create files in $tmp"
ln -s "$tmp/outside" "$root/link"
listing() {
	(cd "$root" && find . | sort)
}
root_before=$(listing)
mounts_before=$(host_mounts)

# bad WHAT ERE ARGS...: hutch ARGS must be refused: exit 125, nothing on
# stdout, one line on stderr, the root copy and the host's mounts unchanged;
# and that line starts with "hutch" and matches ERE (the option, the key or
# FILE:LINE).
bad() {
	local what=$1 ere=$2 now
	shift 2
	timeout 2 "$HUTCH" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	now="exit=$rc stdout-bytes=$(wc -c <"$tmp/out") stderr-lines=$(wc -l <"$tmp/err")"
	[ "$(listing)" = "$root_before" ] && now="$now root=unchanged" || now="$now root=CHANGED"
	[ "$(host_mounts)" = "$mounts_before" ] && now="$now mounts=unchanged" || now="$now mounts=CHANGED"
	is "$now" "exit=125 stdout-bytes=0 stderr-lines=1 root=unchanged mounts=unchanged" \
		"$what: exit 125, one line on stderr, nothing else" ||
		{
			diag "stderr: $(cat "$tmp/err")"
			diag "new or gone in the root: $(listing | diff <(echo "$root_before") - | grep '^[<>]' | tr '\n' ' ')"
		}
	like "$(head -n 1 "$tmp/err")" "^hutch(\[[^]]*\])?: .*($ere)" "$what: the message names it"
	check_too "$what" "$ere" "$@"
	# Leave the root copy as it was for the next case.
	[ "$(listing)" = "$root_before" ] || {
		rm -rf --one-file-system "$root" && cp -a "$ROOTFS" "$root" &&
			ln -s "$tmp/outside" "$root/link" && root_before=$(listing)
	}
}

# check_too WHAT ERE ARGS...: `hutch check ARGS` sees what the start refused
# (issue 13.4): a refusal past the parser is a "missing" line naming it and
# exit 1; a bad option or value is refused by check's own parser just as
# by the start's (exit 125, the very same line). Nothing changes either.
# "no command" is the one refusal check does not share: it checks the
# kernel and host without a command too; nor a mistyped command word, which
# is refused before any verb runs (`hutch check stauts` would check a
# sandbox whose program is stauts).
check_too() {
	local what=$1 ere=$2 now
	shift 2
	[ "$ere" = "no command" ] && return
	case $ere in *"is not a command of hutch"*) return ;; esac
	timeout 5 "$HUTCH" check "$@" </dev/null >"$tmp/cout" 2>"$tmp/cerr"
	crc=$?
	now="root=$([ "$(listing)" = "$root_before" ] && echo unchanged || echo CHANGED)"
	now="$now mounts=$([ "$(host_mounts)" = "$mounts_before" ] && echo unchanged || echo CHANGED)"
	if [ $crc = 125 ]; then
		is "$(cat "$tmp/cerr")" "$(cat "$tmp/err")" "$what: hutch check refuses it with the same line (exit 125)"
	else
		is "$crc $now" "1 root=unchanged mounts=unchanged" "$what: hutch check fails (exit 1), nothing changed" ||
			diag "hutch check: $(grep -v '^ok\|^info' "$tmp/cout")$(cat "$tmp/cerr")"
		like "$(grep '^missing' "$tmp/cout")" "($ere)" "$what: hutch check's missing line names it"
	fi
}

# --- the command line -------------------------------------------------------------

bad "an unknown long option" "--bogus" -r "$root" --bogus -- true
bad "an unknown short option" "-x" -r "$root" -x -- true
bad "an unknown option in a cluster of flags" "-x" -r "$root" -vx -- true
bad "a config-file-only key on the command line" "--command" -r "$root" --command true
bad "--name without a value at the end" "--name" --name
bad "-n without a value at the end" "--name" -n
bad "--root without a value at the end" "--root" --restart no --root
bad "an empty --name=" "--name" -r "$root" --name= -- true
bad "an empty --restart" "--restart" -r "$root" --restart '' -- true
bad "a flag given a value (--read-only=yes)" "--read-only" -r "$root" --read-only=yes -- true
bad "--help given a value" "--help" --help=1

# A word first that is none of hutch's commands is a mistyped command, never
# a program to run in a sandbox (issue 13, item 9): one line naming the
# commands, exit 125. A program given first is a path or follows --.
bad "a mistyped command (stauts)" "'stauts' is not a command of hutch \(check, list, status, stop, restart, kill, reload, exec, reset, help\)" stauts web
bad "a mistyped command with nothing after it" "'lsit' is not a command of hutch" lsit
bad "a program's bare name first (true)" "'true' is not a command of hutch.*hutch -- true" true

bad "a duration with a bad unit" "--restart-delay" -r "$root" --restart-delay 5x -- true
bad "a duration that is not a number" "--stop-timeout" -r "$root" --stop-timeout abc -- true
bad "a negative duration" "--stop-timeout" -r "$root" --stop-timeout -1 -- true
bad "a duration in days" "--restart-max-delay" -r "$root" --restart-max-delay 2d -- true
bad "a fraction without digits" "--restart-delay" -r "$root" --restart-delay 1.s -- true
bad "a duration longer than a year" "--stop-timeout" -r "$root" --stop-timeout 9000h -- true
bad "a duration that overflows" "--stop-timeout" -r "$root" --stop-timeout 99999999999999999999 -- true
bad "--restart-delay 0" "restart-delay" -r "$root" --restart-delay 0 -- true
bad "--restart-delay 0ms" "restart-delay" -r "$root" --restart-delay 0ms -- true
bad "restart-max-delay shorter than restart-delay" "restart-max-delay" \
	-r "$root" --restart-delay 2s --restart-max-delay 1s -- true
bad "a bad restart policy" "--restart" -r "$root" --restart sometimes -- true
bad "--restart-reset 0" "restart-reset" -r "$root" --restart-reset 0 -- true
bad "a --restart-reset that is not a duration" "--restart-reset" -r "$root" --restart-reset soon -- true
bad "a --kill-grace that is not a duration" "--kill-grace" -r "$root" --kill-grace -5 -- true
bad "--stop-signal that is no signal" "--stop-signal.*'TERMINATE' is not a signal" \
	-r "$root" --stop-signal TERMINATE -- true
bad "--stop-signal 0" "--stop-signal" -r "$root" --stop-signal 0 -- true
bad "--reload-signal beyond the last signal" "--reload-signal" -r "$root" --reload-signal 65 -- true
bad "an empty --reload-signal" "--reload-signal" -r "$root" --reload-signal '' -- true
bad "a bad --net" "--net" -r "$root" --net bridge -- true
bad "--net in capitals" "--net" -r "$root" --net NONE -- true
bad "a start limit of 0" "--start-limit" -r "$root" --start-limit 0/10s -- true
bad "a start limit without an interval" "--start-limit" -r "$root" --start-limit 5 -- true
bad "a start limit with a zero interval" "--start-limit" -r "$root" --start-limit 5/0 -- true
bad "a start limit that is not a number" "--start-limit" -r "$root" --start-limit x/1s -- true
if has_feature bootlimit; then
	bad "a boot limit of 0" "--boot-limit.*from 1 to 1000" -r "$root" --start-limit 3/10s --boot-limit 0 -- true
	bad "a boot limit that is not a number" "--boot-limit.*from 1 to 1000" -r "$root" --start-limit 3/10s --boot-limit x -- true
	bad "a boot limit over 1000" "--boot-limit.*from 1 to 1000" -r "$root" --start-limit 3/10s --boot-limit 1001 -- true
	bad "a boot limit without a start limit" "--boot-limit needs --start-limit" -r "$root" --boot-limit 2 -- true
	bad "a relative --persist-dir" "--persist-dir.*absolute" -r "$root" --start-limit 3/10s --boot-limit 2 --persist-dir persist -- true
	bad "a --persist-dir with .." "--persist-dir.*'\.\.'" -r "$root" --start-limit 3/10s --boot-limit 2 --persist-dir /var/../tmp -- true
fi
bad "an output rate without a time" "--output-rate" -r "$root" --output "$tmp/o" --output-rate 64k -- true
bad "an output rate below 4K" "--output-rate" -r "$root" --output "$tmp/o" --output-rate 100/1s -- true
bad "an output rate over 1G" "--output-rate" -r "$root" --output "$tmp/o" --output-rate 2G/1s -- true
bad "an output rate with a zero time" "--output-rate" -r "$root" --output "$tmp/o" --output-rate 64k/0 -- true
bad "an output rate over more than a day" "--output-rate" -r "$root" --output "$tmp/o" --output-rate 64k/25h -- true
bad "an output rate that is not a size" "--output-rate" -r "$root" --output "$tmp/o" --output-rate x/1s -- true
bad "a daemon settle time that is not a duration" "--daemon-settle" -r "$root" --daemon-settle soon -- true
bad "a daemon settle time over a year" "--daemon-settle" -r "$root" --daemon-settle 9000h -- true
bad "a readiness protocol hutch does not know" "--ready: 'systemd' is not a readiness protocol" -r "$root" --ready systemd -- true
bad "--ready fd:2, the service's stderr" "--ready: 'fd:2' is not a readiness protocol" -r "$root" --ready fd:2 -- true
bad "--ready fd:N past 1023" "--ready: 'fd:4096'.*N from 3 to 1023" -r "$root" --ready fd:4096 -- true
bad "--ready notify without --root (no /dev of the sandbox's own)" "--ready notify needs --root" --ready notify -- true
bad "--ready-timeout without --ready" "--ready-timeout needs --ready" -r "$root" --ready-timeout 5s -- true
bad "a ready timeout that is not a duration" "--ready-timeout" -r "$root" --ready fd:3 --ready-timeout soon -- true
bad "--output-timestamps with a value" "--output-timestamps" -r "$root" --output-timestamps=maybe -- true

# CPU placement, block I/O, the memory high mark (issue 15.6/15.7): values
# the parser refuses, and an --io-max device the launcher refuses before
# any group is made.
if has_feature limits; then
	bad "--cpuset outside the online CPUs" "--cpuset: '1023' names a CPU that is not online: this machine has CPUs" \
		-r "$root" --cpuset 1023 -- true
	bad "a --cpuset range without its end" "--cpuset: '2-' is not a CPU list" -r "$root" --cpuset 2- -- true
	bad "a --cpuset range backwards" "--cpuset: '1-0' is not a CPU list" -r "$root" --cpuset 1-0 -- true
	bad "a --cpuset of names" "--cpuset: 'all' is not a CPU list" -r "$root" --cpuset all -- true
	bad "--io-weight 0" "--io-weight: '0' is not a number from 1 to 10000" -r "$root" --io-weight 0 -- true
	bad "--io-weight above 10000" "--io-weight: '10001'" -r "$root" --io-weight 10001 -- true
	bad "--io-max on a character device" "--io-max /dev/null is not a block device" \
		-r "$root" --io-max /dev/null:rbps=1M -- true
	bad "--io-max on a regular file" "--io-max $tmp/data/hello is not a block device" \
		-r "$root" --io-max "$tmp/data/hello:wiops=10" -- true
	bad "--io-max on a missing device" "--io-max /dev/hutch-no-such-disk: No such file" \
		-r "$root" --io-max /dev/hutch-no-such-disk:rbps=1M -- true
	bad "--io-max without a device" "--io-max: 'rbps=1M' is not DEV:KEY=N" -r "$root" --io-max rbps=1M -- true
	bad "--io-max with an unknown key" "--io-max: .*each limit is rbps=SIZE" \
		-r "$root" --io-max /dev/null:rbps=1M,speed=3 -- true
	bad "--io-max with a limit of 0" "--io-max: .*above 0" -r "$root" --io-max /dev/null:wbps=0 -- true
	bad "--io-max with an iops size" "--io-max: .*riops=N" -r "$root" --io-max /dev/null:riops=1M -- true
	bad "--io-max with no limit" "--io-max: '/dev/null:' sets no limit" -r "$root" --io-max /dev/null: -- true
	bad "--memory-high below 1M" "--memory-high: '100K' is below 1M" -r "$root" --memory-high 100K -- true
	bad "--memory-high not below --memory" "--memory-high must be below --memory" \
		-r "$root" --memory 32M --memory-high 32M -- true
	bad "--pressure-restart without a window" "--pressure-restart: 'some:150ms' is not some\|full:STALL/WINDOW" \
		-r "$root" --pressure-restart some:150ms -- true
	bad "--pressure-restart of another kind" "--pressure-restart: 'most:1s/2s'" \
		-r "$root" --pressure-restart most:1s/2s -- true
	bad "--pressure-restart with a window over 10s" "--pressure-restart: .*WINDOW 500ms..10s" \
		-r "$root" --pressure-restart full:1s/20s -- true
	bad "--pressure-restart with a stall longer than its window" "--pressure-restart: 'some:2s/1s'" \
		-r "$root" --pressure-restart some:2s/1s -- true
	bad "--pressure-restart with a stall of 0" "--pressure-restart: 'some:0/1s'" \
		-r "$root" --pressure-restart some:0/1s -- true
fi

bad "a name starting with a dot" "--name" -r "$root" --name .hidden -- true
bad "a name starting with a dash" "--name" -r "$root" --name -x -- true
bad "a name with a slash" "--name" -r "$root" --name a/b -- true
bad "a name with a blank" "--name" -r "$root" --name 'a b' -- true
bad "a name of 65 characters" "--name" -r "$root" --name "$(printf 'n%.0s' {1..65})" -- true
bad "a command whose base name is no valid name" "/bin/\.hidden" -r "$root" -- /bin/.hidden
bad "a hostname with a slash" "--hostname" -r "$root" --hostname a/b -- true
bad "a hostname of 65 characters" "--hostname" -r "$root" --hostname "$(printf 'h%.0s' {1..65})" -- true

bad "a relative --workdir" "--workdir" -r "$root" --workdir tmp -- true
bad "a --workdir with .." "--workdir" -r "$root" --workdir /tmp/../etc -- true
bad "a relative bind source" "--bind" -r "$root" --bind data:/data -- true
bad "a relative bind destination" "--bind" -r "$root" --bind "$tmp/data:data" -- true
bad "an empty bind destination" "--bind" -r "$root" --bind "$tmp/data:" -- true
bad "a bind source with .." "--bind" -r "$root" --bind "$tmp/data/..:/data" -- true
bad "a bind destination with .." "--bind" -r "$root" --bind "$tmp/data:/a/../b" -- true
bad "a ro-bind destination ending in .." "--ro-bind" -r "$root" --ro-bind "$tmp/data:/a/.." -- true
bad "a bind over /" "--bind" -r "$root" --bind "$tmp/data:/" -- true
bad "a ro-bind over /" "--ro-bind" -r "$root" --ro-bind "$tmp/data:/" -- true
bad "a tmpfs over /" "--tmpfs" -r "$root" --tmpfs / -- true
bad "a relative tmpfs destination" "--tmpfs" -r "$root" --tmpfs scratch -- true
bad "a tmpfs destination with .." "--tmpfs" -r "$root" --tmpfs /scratch/../etc -- true
bad "a tmpfs size with a bad unit" "--tmpfs" -r "$root" --tmpfs /scratch:12Q -- true
bad "a tmpfs size of 0" "--tmpfs" -r "$root" --tmpfs /scratch:0 -- true
bad "a fractional tmpfs size" "--tmpfs" -r "$root" --tmpfs /scratch:1.5M -- true
bad "an empty tmpfs size" "--tmpfs" -r "$root" --tmpfs /scratch: -- true
bad "a tmpfs size that overflows" "--tmpfs" -r "$root" --tmpfs /scratch:99999999T -- true

bad "an --env key starting with a digit" "--env" -r "$root" --env 1A=b -- true
bad "an --env key with a dash" "--env" -r "$root" --env A-B=c -- true
bad "an --env without a key" "--env" -r "$root" -e =x -- true
unset HUTCH_TEST_UNSET
bad "--env KEY for a KEY hutch does not have" "--env.*HUTCH_TEST_UNSET" -r "$root" --env HUTCH_TEST_UNSET -- true

bad "no command at all" "no command" -r "$root"
bad "options but no command" "no command" -r "$root" --restart no
bad "nothing after --" "no command" -r "$root" --
bad "an empty command" "no command" -r "$root" -- ''

# --- the host: checked before anything starts ---------------------------------------

bad "a --root that does not exist" "root " -r "$tmp/no-such-root" -- true
bad "a relative --root that does not exist" "root " -r no-such-root-$$ -- true
bad "a --root that is a file" "root " -r "$tmp/data/hello" -- true
bad "--root /" "root " -r / -- true
bad "--root //." "root " -r //. -- true
ln -s / "$tmp/slash"
bad "a --root that is a symlink to /" "root " -r "$tmp/slash" -- true
bad "a bind source that does not exist" "bind " -r "$root" --bind "$tmp/no-such-dir:/data" -- true
bad "a ro-bind source that does not exist" "ro-bind " -r "$root" --ro-bind "$tmp/no-such-file:/etc/x" -- true
bad "a missing bind source after a bind that needs a new mount point" "bind " \
	-r "$root" --bind "$tmp/data:/newdir" --bind "$tmp/no-such-dir:/data" -- true

mkdir -m 777 "$tmp/open" && echo x >"$tmp/file" || bail_out "cannot create files in $tmp"
bad "a --device that is no device node" "--device" -r "$root" --device "$tmp/file" -- true
bad "a --device that does not exist" "--device" -r "$root" --device "$tmp/no-such-node" -- true
bad "a --pidfile in a directory others may write" "--pidfile.*not safe" -r "$root" --pidfile "$tmp/open/p" -- true
bad "a --pidfile in a directory that does not exist" "--pidfile" -r "$root" --pidfile "$tmp/no-such-dir/p" -- true
bad "a --pidfile that is a directory" "--pidfile" -r "$root" --pidfile "$tmp/open" -- true
bad "an --output in a directory others may write" "--output.*not safe" -r "$root" --output "$tmp/open/o" -- true
bad "an --output in a directory that does not exist" "--output" -r "$root" --output "$tmp/no-such-dir/o" -- true
mkfifo "$tmp/fifo" && touch "$tmp/theirs" && chown 65534 "$tmp/theirs" || bail_out "cannot create files in $tmp"
bad "an --output that is a fifo" "--output" -r "$root" --output "$tmp/fifo" -- true
bad "an --output file another user owns" "--output.*another user" -r "$root" --output "$tmp/theirs" -- true
# (only where there is no syslog socket, as on this test's machines)
[ -S /dev/log ] || bad "--log syslog without /dev/log" "--log syslog" -r "$root" --log syslog -- true
bad "a --state-dir others may write" "state dir.*not safe" -r "$root" --state-dir "$tmp/open" -- true
bad "a --state-dir whose parent does not exist" "state dir.*No such file" -r "$root" --state-dir "$tmp/no-such-dir/state" -- true

# --- the sandbox: refused during setup ---------------------------------------------

bad "a mount point through a symlink in the image" "symlink|link" \
	-r "$root" --bind "$tmp/data:/link/x" -- true
bad "a symlinked mount point after a bind that needs a new mount point" "symlink|link" \
	-r "$root" --bind "$tmp/data:/newdir" --bind "$tmp/data:/link/x" -- true
bad "a --workdir missing in the sandbox" "workdir|working directory" \
	-r "$root" --workdir /no/such/dir -- true
bad "a --user missing in the sandbox's passwd" "--user t40-nobody.*passwd" \
	-r "$root" --user t40-nobody -- true
bad "a --user group missing in the sandbox's group" "--user .*t40-nogroup.*/etc/group" \
	-r "$root" --user 0:t40-nogroup -- true
bad "a mount point where the image has a file" "mount point.*not a directory" \
	-r "$root" --tmpfs /bin/busybox/x -- true

# A command the image lacks is no setup refusal (the start runs PID 1, and
# exits 127 or 126), but the service would never run: hutch check says so.
for cmd in /no/such/cmd t40-no-such-cmd /etc/passwd; do
	timeout 5 "$HUTCH" check -r "$root" -- "$cmd" </dev/null >"$tmp/cout" 2>&1
	is "$?" 1 "hutch check -- $cmd: exit 1"
	like "$(grep '^missing' "$tmp/cout")" "^missing +command $cmd: not (found|an executable file) in the sandbox" \
		"hutch check -- $cmd: names the command"
done
for cmd in sh /bin/busybox; do
	timeout 5 "$HUTCH" check -r "$root" -- "$cmd" </dev/null >"$tmp/cout" 2>&1
	is "$?:$(grep -c '^missing' "$tmp/cout")" "0:0" "hutch check -- $cmd: found (through PATH for a name)"
done
timeout 5 "$HUTCH" check -r "$root" --env PATH=/usr/bin -- sh </dev/null >"$tmp/cout" 2>&1
is "$?" 1 "hutch check --env PATH=/usr/bin -- sh: the service's PATH is the one searched"

# --- config files: errors ------------------------------------------------------------

conf=$tmp/conf
printf '# a comment\n\n   # an indented comment\nrestart = no\nbogus = 1\n' >"$conf/unknown"
bad "an unknown key in a file (after comments and blank lines)" "$conf/unknown:5:.*bogus" -f "$conf/unknown" -- true
printf 'restart = no\ncommand = /bin/sh -c '"'"'echo\n' >"$conf/squote"
bad "an unterminated single quote" "$conf/squote:2:" -r "$root" -f "$conf/squote"
printf 'command = /bin/echo "no end\n' >"$conf/dquote"
bad "an unterminated double quote" "$conf/dquote:1:" -r "$root" -f "$conf/dquote"
printf 'command = /bin/echo "a\\"\n' >"$conf/escquote"
bad "a double quote left open by an escaped quote" "$conf/escquote:1:" -r "$root" -f "$conf/escquote"
printf 'restart = no\nhelp\n' >"$conf/help"
bad "a help key in a file" "$conf/help:2:.*help" -r "$root" -f "$conf/help" -- true
printf 'help = yes\n' >"$conf/help2"
bad "help = yes in a file" "$conf/help2:1:.*help" -r "$root" -f "$conf/help2" -- true
printf 'config = %s\n' "$conf/unknown" >"$conf/config"
bad "a config key in a file" "$conf/config:1:.*config" -r "$root" -f "$conf/config" -- true
printf 'version\n' >"$conf/version"
bad "a version key in a file" "$conf/version:1:.*version" -r "$root" -f "$conf/version" -- true
printf 'name web\n' >"$conf/noeq"
bad "a line without =" "$conf/noeq:1:" -r "$root" -f "$conf/noeq" -- true
printf 'ready = fd:x\n' >"$conf/ready"
bad "ready = fd:x in a file" "$conf/ready:1: ready: 'fd:x' is not a readiness protocol" -r "$root" -f "$conf/ready" -- true
printf 'restart = sometimes\n' >"$conf/badvalue"
bad "a bad value in a file" "$conf/badvalue:1:.*restart" -r "$root" -f "$conf/badvalue" -- true
printf 'name =\n' >"$conf/empty"
bad "an empty value in a file" "$conf/empty:1:.*name" -r "$root" -f "$conf/empty" -- true
printf 'name\n' >"$conf/novalue"
bad "a key that needs a value, alone" "$conf/novalue:1:.*name" -r "$root" -f "$conf/novalue" -- true
printf 'read-only = maybe\n' >"$conf/flag"
bad "a flag with a value that is not yes or no" "$conf/flag:1:.*read-only" -r "$root" -f "$conf/flag" -- true
printf 'command =\n' >"$conf/nocommand"
bad "an empty command in a file" "$conf/nocommand:1:.*command" -r "$root" -f "$conf/nocommand"
printf 'name = a # not a comment\n' >"$conf/trailing"
bad "a # after a value is part of the value" "$conf/trailing:1:.*name" -r "$root" -f "$conf/trailing" -- true
printf 'bind = %s:/newdir\nbind = %s:/link/x\n' "$tmp/data" "$tmp/data" >"$conf/symlink"
bad "a symlinked mount point from a file" "symlink|link" -r "$root" -f "$conf/symlink" -- true
head -c 17000 /dev/zero | tr '\0' '#' >"$conf/big"
bad "a file over 16 KiB" "$conf/big|16" -r "$root" -f "$conf/big" -- true
printf 'restart = no\0\n' >"$conf/nul"
bad "a file with a NUL byte" "$conf/nul|NUL" -r "$root" -f "$conf/nul" -- true
bad "a config file that does not exist" "$conf/missing" -r "$root" -f "$conf/missing" -- true
bad "a directory as config file" "$conf" -r "$root" -f "$conf" -- true
mkfifo "$conf/fifo"
bad "a FIFO as config file (no writer: must not block)" "$conf/fifo" -r "$root" -f "$conf/fifo" -- true
bad "-f without a value" "--config" -r "$root" -f
printf 'restart = no\n' >"$conf/ok"
bad "a bad option after a good file" "--bogus" -f "$conf/ok" --bogus -- true

# --- config files that are good ------------------------------------------------------

run_hutch() {
	timeout 10 "$HUTCH" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

cat >"$conf/good" <<EOF
# a comment
   # an indented comment
	# a comment after a tab
# name = commented-out

name = first
name = svc1
restart = no
env = A=1
env=B=two words
env = C=1 # not a comment
read-only
root = $root
command = /bin/sh -c 'for a; do echo "[\$a]"; done; echo "A=\$A"; echo "B=\$B"; echo "C=\$C"; echo "host=\$(hostname)"; touch /x 2>/dev/null && echo root=rw || echo root=ro' sh "two words" 'single "dq"' back\\ slash "esc \\"q\\" \\\\ end" plain
EOF
run_hutch -f "$conf/good"
is "$rc" 0 "a good config file: the service runs and exits 0"
is "$(sed -n '/^\[/p' <<<"$out" | tr '\n' '|')" \
	'[two words]|[single "dq"]|[back slash]|[esc "q" \ end]|[plain]|' \
	"command = ...: quotes and backslashes split the words as specified"
is "$(sed -n 's/^A=//p' <<<"$out")" 1 "env = A=1 reaches the service"
is "$(sed -n 's/^B=//p' <<<"$out")" "two words" "env=B=... (no blanks around =) reaches the service, blanks kept"
is "$(sed -n 's/^C=//p' <<<"$out")" "1 # not a comment" "a # after a value is part of the value"
is "$(sed -n 's/^host=//p' <<<"$out")" svc1 "a repeated key: the later value wins; a comment line is ignored"
is "$(sed -n 's/^root=//p' <<<"$out")" ro "a bare flag (read-only) turns it on"
like "$err" '^hutch\[svc1\]: ' "the log lines use the name from the file"

printf 'name = crlf\r\nrestart = no\r\n\r\n# comment\r\n' >"$conf/crlf"
run_hutch -f "$conf/crlf" -r "$root" -- /bin/hostname
is "$rc:$out" "0:crlf" "a file with CRLF line ends parses (the CR is a blank)"

printf 'read-only\nread-only = no\n' >"$conf/rw"
run_hutch -f "$conf/rw" --restart no -r "$root" -- /bin/sh -c 'touch /tmp-rw-test && echo rw; rm -f /tmp-rw-test'
is "$out" rw "read-only = no after read-only turns it off again"

run_hutch -f "$conf/good" -- /bin/echo from the command line
is "$rc:$out" "0:from the command line" "a command on the command line overrides the file's"
run_hutch --name cli -f "$conf/good" -- /bin/hostname
is "$out" svc1 "an option before -f is overridden by the file"
run_hutch -f "$conf/good" --name cli -- /bin/hostname
is "$out" cli "an option after -f overrides the file"

cat >"$conf/acc1" <<EOF
restart = no
root = $root
env = X1=one
bind = $tmp/data:/home
tmpfs = /run:1M
EOF
cat >"$conf/acc2" <<EOF
env = X2=two
ro-bind = $tmp/data:/var
tmpfs = /mnt-acc:2M
EOF
run_hutch -f "$conf/acc1" -f "$conf/acc2" -e X3=three -- /bin/sh -c '
	echo "env=$X1 $X2 $X3"
	echo "binds=$(cat /home/hello) $(cat /var/hello)"
	echo "tmpfs=$(awk "\$5 == \"/run\" || \$5 == \"/mnt-acc\" { print \$5 }" /proc/self/mountinfo | sort | tr "\n" " ")"'
is "$(sed -n 's/^env=//p' <<<"$out")" "one two three" "env accumulates over two files and the command line"
is "$(sed -n 's/^binds=//p' <<<"$out")" "hello hello" "bind and ro-bind accumulate over two files"
is "$(sed -n 's/^tmpfs=//p' <<<"$out")" "/mnt-acc /run " "tmpfs accumulates over two files"
rm -rf "$root/mnt-acc"

run_hutch -r "$root" --restart no --name "$(printf 'n%.0s' {1..64})" -- /bin/true
is "$rc" 0 "a name of 64 characters is accepted"

# --- --help and --version ---------------------------------------------------------------

for flag in --help -h; do
	run_hutch "$flag"
	is "$rc" 0 "$flag exits 0"
	is "$err" "" "$flag writes nothing to stderr"
	missing=
	for o in config name root hostname workdir net bind ro-bind tmpfs read-only chroot \
		env restart restart-delay restart-max-delay restart-reset start-limit stop-timeout \
		stop-signal reload-signal kill-grace command \
		verbose quiet help version; do
		# command is a config-file key: "--command" or "command = ".
		grep -Eq -- "(^|[ ,])(--$o([ ,=]|$)|$o = )" <<<"$out" || missing="$missing --$o"
	done
	for pair in f,config n,name r,root e,env v,verbose q,quiet h,help V,version; do
		grep -Eq -- "-${pair%,*}, --${pair#*,}([ ,=]|$)" <<<"$out" || missing="$missing -${pair%,*}"
	done
	is "$missing" "" "$flag lists every option, long and short"
	like "$out" '^Usage: hutch ' "$flag starts with a usage line"
done
run_hutch help
is "$rc:$out" "0:$(timeout 10 "$HUTCH" --help)" "hutch help prints --help's text and exits 0"
run_hutch -- true --version
is "$rc" 0 "a program's bare name right after -- is the command"
run_hutch -r "$root" --restart no true
is "$rc" 0 "a program's bare name after options is the command, as before"

run_hutch --name x --help
is "$rc:$(head -n 1 <<<"$out")" "0:$(head -n 1 <<<"$(timeout 10 "$HUTCH" --help)")" \
	"--help after other options still shows the help and exits 0"

for flag in --version -V; do
	run_hutch "$flag"
	is "$rc" 0 "$flag exits 0"
	like "$(head -n 1 <<<"$out")" '^hutch [0-9]+\.[0-9]+\.[0-9]+$' "$flag prints 'hutch X.Y.Z'"
	like "$(sed -n 2p <<<"$out")" '^features:( [+-][a-z]+)+ \(profile [a-z0-9_.-]+\)$' \
		"$flag prints the features line second"
	is "$(wc -l <<<"$out")" 2 "$flag prints two lines"
	is "$err" "" "$flag writes nothing to stderr"
done

is "$(host_mounts)" "$mounts_before" "at the end the host's mount table is as it was at the start"

done_testing
