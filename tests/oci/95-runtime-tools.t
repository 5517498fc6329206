#!/bin/bash
# SPDX-License-Identifier: MIT
# 95-runtime-tools.t: the opencontainers runtime-tools validation suite
# (tools/runtime-tools.sh builds it from Debian's source; $RTOOLS is its
# tree), every case under runc, the oracle, and under hutch called runc,
# one after the other. One TAP test per case: hutch passes every TAP
# assertion of the case that runc passes (matched by name, as often as
# runc passes it), and leaves nothing behind: no container record, no
# process, no mount of the case's bundles, no cgroup of the case.
#
# Not asserted, only reported (# SKIP): the cases runc passes nothing of
# here, and those crun's CI leaves out (tests/oci-validation/run-tests.sh
# of containers/crun; but for the cgroup ones, which crun leaves out as
# needing a host set up for them: this cgroup v1 host with every
# controller mounted is, and they are asserted where runc passes them;
# readonly_paths, masked_paths and seccomp time out on CI machines,
# misc_props, kill, hostname, process and pidfile are flaky, start
# expects an unset process to fail, hooks_stdin is racy, delete of a
# created container is allowed by both crun and runc; crun matches these
# words anywhere in a case's name, and so does this file). What hutch
# fails where runc passes is a known gap with its reason in
# tests/oci/runtime-tools.todo: TAP's # TODO, visible in prove -v, an
# unexpected pass shown as such. Anything hutch leaves behind fails the
# case, skipped or not, but for what runc leaves too (the parents of a
# cgroupsPath such as testdir/cgrouptest/ID: runc removes only the
# container's own group).
#
# The per-case table (assertions passed/run under each) goes to
# $RTOOLS_RESULTS/table.md (build/runtime-tools/results), with each
# run's output beside it; docs/oci.md carries a copy.
#
# Needs root, runc, timeout, and the suite: make runtime-tools.
# RTOOLS_CASES=REGEX runs only the cases whose names match it (while
# working on one gap); make check runs them all.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

oci_require runc=runc timeout mktemp tar
[ -n "${RTOOLS-}" ] && [ -x "$RTOOLS/runtimetest" ] ||
	bail_out "RTOOLS must name the runtime-tools tree with its cases built (make runtime-tools)"
if [ "$(uname -m)" != x86_64 ]; then
	echo "1..0 # SKIP the suite's image is rootfs-amd64.tar.gz (x86_64)"
	exit 0
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
results=${RTOOLS_RESULTS:-$top/build/runtime-tools/results}
# seconds a case may take under one runtime (the slowest, the cgroup
# ones, start about ten containers)
limit=${RTOOLS_TIMEOUT:-90}
todo_file=$top/tests/oci/runtime-tools.todo
crun_skips='hooks_stdin|misc_props|start|readonly_paths|kill|masked_paths|seccomp|process|pidfile|hostname|delete'

tmp=$(mktemp -d /tmp/t95.XXXXXX) || bail_out "cannot create a temporary directory"
mkdir -p "$tmp/b" "$tmp/bin" "$results" || bail_out "cannot create $tmp/b or $results"
rm -f "$results"/*.log "$results"/*.tap

# Each runtime with a --root of its own (the suite calls RUNTIME with
# the command's words only): its records apart from any other test's.
ln -s "$HUTCH" "$tmp/bin/runc"
printf '#!/bin/sh\nexec runc --root %s/state-runc "$@"\n' "$tmp" >"$tmp/runc"
printf '#!/bin/sh\nexec %s/bin/runc --root %s/state-hutch "$@"\n' "$tmp" "$tmp" >"$tmp/hutch"
chmod +x "$tmp/runc" "$tmp/hutch"

cleanup() {
	leftovers runc >/dev/null
	leftovers hutch >/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# leftovers R: what the last case left behind under runtime R, one line
# each on stdout, and removed: its records (deleted with --force), its
# processes (any with the temporary directory in its command line, root
# or working directory: the bundles are in it), its mounts, its cgroups
# (the suite's testdir and cgrouptest, and groups named by a container
# id, a UUID).
uuid='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
leftovers() {
	local r=$1 id p d m cmd
	for id in $("$tmp/$r" list -q 2>/dev/null); do
		echo "container $id"
		"$tmp/$r" delete --force "$id" >/dev/null 2>&1
	done
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" != $$ ] || continue
		# (2> first: a process gone meanwhile is no message)
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")
		if [[ $cmd == *"$tmp/"* ]] ||
			readlink "$p/root" "$p/cwd" 2>/dev/null | grep -q "^$tmp/b/"; then
			echo "process ${p#/proc/}: $cmd"
			kill -9 "${p#/proc/}" 2>/dev/null
		fi
	done
	m=$(awk -v t="$tmp/b/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -ru)
	for d in $m; do
		echo "mount $d"
		umount -l "$d" 2>/dev/null
	done
	for d in $(find /sys/fs/cgroup -regextype posix-extended -maxdepth 5 -type d \
		\( -name testdir -o -name cgrouptest -o -regex ".*/$uuid" \) 2>/dev/null | sort -r); do
		echo "cgroup ${d#/sys/fs/cgroup/}"
		rmdir "$d" 2>/dev/null
	done
	# bundles left by the case itself (the runtime's, if a mount kept
	# one, is said above)
	rm -rf --one-file-system -- "${tmp:?}"/b/*
}

# asserts FILE: the TAP test lines of FILE as "STATUS NAME", STATUS
# pass, fail or skip; a TODO line's status is its ok or not ok. The
# names of a case's assertions are its own words; only a UUID (a
# container id) is replaced, so that two runs name the same assertion
# alike.
asserts() {
	awk '
		/^(not )?ok( [0-9]+)?( |$)/ {
			st = ($1 == "ok") ? "pass" : "fail"
			line = $0
			sub(/^(not )?ok( [0-9]+)?( - )?/, "", line)
			if (line ~ /(^|[^\\])# [Ss][Kk][Ii][Pp]/) st = "skip"
			sub(/ # [Tt][Oo][Dd][Oo].*$/, "", line)
			print st " " line
		}' "$1" | sed -E "s/$uuid/UUID/g"
}

# count FILE: "PASSED/RUN" of asserts' lines (skips not run)
count() {
	awk '$1 == "pass" { p++ } $1 != "skip" { n++ } END { printf "%d/%d", p, n }' "$1"
}

# missing RUNC HUTCH: the names runc passes more often than hutch, one
# a line
missing() {
	awk '
		FNR == NR { if ($1 == "pass") { $1 = ""; r[$0]++ } next }
		$1 == "pass" { $1 = ""; h[$0]++ }
		END { for (n in r) if (r[n] > h[n]) print substr(n, 2) }' "$1" "$2" | sort
}

# emit OK DESC [DIRECTIVE]: one TAP line (a '#' in DESC escaped)
emit() {
	local d
	d=$(printf '%s' "$2" | tr '\n' ' ' | sed 's/#/\\#/g')
	_tap_run=$((_tap_run + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s%s\n' "$_tap_run" "$d" "${3:+ # $3}"
	else
		printf 'not ok %d - %s%s\n' "$_tap_run" "$d" "${3:+ # $3}"
		[ -n "${3-}" ] || _tap_failed=$((_tap_failed + 1))
	fi
}

# run_case R CASE: the case under runtime R from the tree's top (where
# runtimetest and the image are), its bundles in $tmp/b; its output in
# $results/R.CASE.log, its assertions in R.CASE.tap; seconds in $secs
run_case() {
	local r=$1 c=$2 t0
	t0=$(date +%s%N)
	(cd "$RTOOLS" && TMPDIR=$tmp/b RUNTIME=$tmp/$r timeout -k 5 "$limit" \
		"./validation/$c/$c.t" >"$results/$r.$c.log" 2>&1)
	rc=$?
	secs=$((($(date +%s%N) - t0) / 1000000))
	asserts "$results/$r.$c.log" >"$results/$r.$c.tap"
}

printf '| case | runc | hutch | |\n| --- | --- | --- | --- |\n' >"$tmp/table"
t_start=$(date +%s)
ms_runc=0 ms_hutch=0
for d in "$RTOOLS"/validation/*/; do
	c=$(basename "$d")
	[ -x "$d/$c.t" ] || continue
	[[ $c =~ ${RTOOLS_CASES:-.} ]] || continue

	run_case runc "$c"
	rc_r=$rc ms_runc=$((ms_runc + secs))
	leftovers runc >"$tmp/left-runc"
	left_r=$(paste -sd';' "$tmp/left-runc" | sed 's/;/; /g')
	run_case hutch "$c"
	rc_h=$rc ms_hutch=$((ms_hutch + secs))
	# the parent groups of a cgroupsPath (testdir/cgrouptest of
	# testdir/cgrouptest/ID) stay, as runc leaves them: what runc left
	# too is not counted
	left_h=$(leftovers hutch | grep -vxF -f "$tmp/left-runc" | paste -sd';' | sed 's/;/; /g')

	n_r=$(count "$results/runc.$c.tap") n_h=$(count "$results/hutch.$c.tap")
	gap=$(missing "$results/runc.$c.tap" "$results/hutch.$c.tap")
	todo=$(awk -v c="$c" '$1 == c { $1 = ""; print substr($0, 2) }' "$todo_file")
	desc="$c: runc $n_r, hutch $n_h"
	why=
	if [[ $c =~ $crun_skips ]]; then
		why="SKIP crun's CI leaves it out"
	elif [ "${n_r%/*}" -eq 0 ]; then
		why="SKIP runc passes none of it here (exit $rc_r)"
	elif [ -n "$todo" ]; then
		why="TODO $todo"
	fi
	note=${why%% *}
	[ -n "$gap" ] || [ "$note" = SKIP ] || note=
	[ "$note" != SKIP ] || [ -z "$gap" ] || note="not asserted"
	printf '| %s | %s | %s | %s |\n' "$c" "$n_r" "$n_h" "${note:+$note}" >>"$tmp/table"

	if [ -n "$left_h" ]; then
		emit 1 "$desc: hutch left nothing behind"
		diag "hutch left: $left_h"
	elif [ "${why%% *}" = SKIP ]; then
		emit 0 "$desc" "$why"
	else
		[ -z "$gap" ]
		emit $? "$desc: hutch passes what runc passes" "$why"
		[ -z "$gap" ] || [ "${why%% *}" = TODO ] ||
			diag "hutch fails, runc passes (exit runc $rc_r, hutch $rc_h; $results/hutch.$c.log):
$(printf '%s\n' "$gap" | head -n 10)"
	fi
	[ -z "$left_r" ] || diag "runc left (removed): $left_r"
done
secs_all=$(($(date +%s) - t_start))

{
	echo "runtime-tools 0.9.0.109.ge931285 (Debian's source) on $(date -u +%F):"
	echo "$(runc --version | head -n 1), hutch $("$HUTCH" --version | head -n 1),"
	echo "kernel $(uname -r); $secs_all s in all (runc $((ms_runc / 1000)) s, hutch $((ms_hutch / 1000)) s)."
	echo
	cat "$tmp/table"
} >"$results/table.md"
awk -F' [|] ' 'NR > 2 { split($2, r, "/"); split($3, h, "/"); rp += r[1]; rn += r[2]; hp += h[1]; hn += h[2] }
	END { printf "| total | %d/%d | %d/%d | |\n", rp, rn, hp, hn }' "$tmp/table" >>"$results/table.md"
diag "$(tail -n 1 "$results/table.md"); $secs_all s (runc $((ms_runc / 1000)) s, hutch $((ms_hutch / 1000)) s); $results/table.md"
done_testing
