#!/bin/bash
# SPDX-License-Identifier: MIT
# 80-known-limits.t: what the kernel does not isolate, shown to be as
# docs/security.md's "Security model" says (known limits), so that the
# text stays true, and the advice given for each (and by `hutch check`)
# shown to work:
#   - inotify instances are counted per host uid: a root launcher's
#     sandboxes, --userns ones too (root owns the user namespace it makes),
#     share host root's fs.inotify.max_user_instances; --user gives the
#     service a quota of its own.
#   - an abstract unix socket belongs to a network namespace: on the
#     host's network the service reaches host daemons listening there, as
#     uid 0 unless --userns maps it; --net none keeps it away.
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_cmd perl

# hold NAME [HUTCH-OPTION...]: a sandbox in the background holding every
# inotify instance it can make; sets count to how many. Its launcher is
# stopped by the suite's cleanup (launchers), or below.
hold() {
	local name=$1
	shift
	timeout 30 "$HUTCH" --root "$root" --restart no --name "lim-$name" "$@" \
		-- /probe inotify-hold </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	launchers+=($!)
	count=none
	wait_for 10 grep -q instances "$tmp/$name.out" ||
		{ diag "hutch said: $(cat "$tmp/$name.err")"; return; }
	count=$(sed -n 's/^inotify-hold: \([0-9]*\) instances.*/\1/p' "$tmp/$name.out")
}

# The mapped root of a --userns sandbox must reach the root copy.
chmod 755 "$tmp"
quota=$(cat /proc/sys/fs/inotify/max_user_instances)
hold first
ok "a sandbox (root) makes inotify instances: $count of $quota" test "$count" -gt 0
hold second --userns
is "$count" 0 "a --userns sandbox then makes none: both are charged to host root"
hold other --user 1000
ok "a --user 1000 sandbox has a quota of its own: $count" test "$count" -gt 0
for p in "${launchers[@]}"; do kill -TERM "$p" 2>/dev/null; done
for p in "${launchers[@]}"; do wait "$p" 2>/dev/null; done
launchers=()

# A host daemon on an abstract socket, reporting each peer's uid as the
# kernel gives it (SO_PEERCRED, in the daemon's user namespace).
sock=hutch-limits-$$
perl -MSocket -e '
	socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
	bind($s, pack_sockaddr_un("\0" . $ARGV[0])) or die "bind: $!";
	listen($s, 5) or die "listen: $!";
	open(my $f, ">>", $ARGV[1]) or die "$ARGV[1]: $!";
	$f->autoflush(1);
	print $f "listening\n";
	while (accept(my $c, $s)) {
		my ($pid, $uid, $gid) = unpack("iII", getsockopt($c, SOL_SOCKET, SO_PEERCRED));
		print $f "peer uid $uid\n";
		close $c;
	}' "$sock" "$tmp/daemon.log" &
host_pids+=($!)
wait_for 10 grep -q listening "$tmp/daemon.log" || bail_out "the abstract-socket daemon did not start"

attack_wins abstract-connect "on the host's network: the host daemon accepts it" -- "$sock"
ok "the daemon saw uid 0" wait_for 5 grep -qx 'peer uid 0' "$tmp/daemon.log"
attack_wins abstract-connect "under --userns too, as an unprivileged host uid" --userns -- "$sock"
ok "the daemon saw host uid 100000, not 0" wait_for 5 grep -qx 'peer uid 100000' "$tmp/daemon.log"
attack abstract-connect "--net none: abstract sockets belong to the network namespace" \
	--net none -- "$sock"
is "$(grep -c '^peer' "$tmp/daemon.log")" 2 "the daemon saw two peers, not three"

done_testing
