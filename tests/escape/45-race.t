#!/bin/bash
# SPDX-License-Identifier: MIT
# 45-race.t: an ordinary host user who owns the root image races hutch's
# setup. racer.c renames the image's proc, dev, tmp and mnt (a --ro-bind
# target) away in a tight loop, puts an empty directory or a symlink (to
# a directory outside the image, or to "tmp") in their place, and puts them back, while hutch starts
# from that image again and again. After each start the probe looks at
# every proc it can reach at the top of its root (masked, or it wins) and
# at the --ro-bind's file (read-only, or it wins). A start that hutch
# refuses (125: a symlink, a replaced mount point, a check that failed)
# is the defence working; zero wins are required.
#
# HUTCH_RACE_STARTS sets the number of starts (default 2000). Against a
# hutch that mounted by path, the racer won (see docs/design.md).
# Needs root, setpriv and musl-gcc.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"

require_cmd setpriv musl-gcc seq
starts=${HUTCH_RACE_STARTS:-2000}
musl-gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -o "$tmp/racer" \
	"$(dirname "$0")/racer.c" || bail_out "cannot build the racer"

# The image belongs to an ordinary user (nobody): its top directory and
# the entries the racer swaps. The --ro-bind's source is root's.
chmod 0755 "$tmp" &&
	chown 65534:65534 "$root" "$root/proc" "$root/dev" "$root/tmp" "$root/mnt" ||
	bail_out "cannot give the image to nobody"
mkdir "$tmp/ro-src" && echo canary >"$tmp/ro-src/race-canary" ||
	bail_out "cannot create the --ro-bind source"
canary_sum=$(cksum <"$tmp/ro-src/race-canary")

setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$tmp/racer" "$root" "$tmp/outside" proc dev tmp mnt 2>"$tmp/racer.err" &
racer=$!
host_pids+=("$racer")

blocked=0 refused=0 wins=0 other=0
for _ in $(seq "$starts"); do
	timeout 20 "$HUTCH" --root "$root" --restart no --name mnt-race \
		--ro-bind "$tmp/ro-src:/mnt" -- /probe race-check race-canary \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	case "$rc:$(cat "$tmp/out")" in
	0:race-check:\ blocked*) blocked=$((blocked + 1)) ;;
	1:race-check:\ ESCAPED*)
		wins=$((wins + 1))
		[ "$wins" -gt 3 ] || note "win: $(cat "$tmp/out")" ;;
	125:*) refused=$((refused + 1)) ;;
	*)
		other=$((other + 1))
		[ "$other" -gt 3 ] || note "other: rc $rc: $(cat "$tmp/out") $(tail -n 1 "$tmp/err")" ;;
	esac
done
ok "the racer ran throughout" kill -0 "$racer"
kill "$racer" 2>/dev/null
wait "$racer" 2>/dev/null
note "$starts starts: $blocked ran and held, $refused refused (125), $wins won, $other other"
note "racer: $(sort "$tmp/racer.err" | uniq -c | head -n 5)"
is "$wins" 0 "no start of $starts leaves an unmasked proc or a writable --ro-bind"
is "$other" 0 "every start ran to the check or was refused with 125"
ok "some starts got through the race (the test raced something)" test "$blocked" -gt 0
is "$(cksum <"$tmp/ro-src/race-canary")" "$canary_sum" "the --ro-bind's file is unchanged"
is "$(ls -A "$tmp/outside")" "" "nothing was made outside the image, where the symlinks pointed"
is "$(grep -c -F "$tmp" /proc/self/mountinfo)" 0 "no mount reached the host's mount table"
done_testing
