# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are the tests' to use
# tests/escape/lib.sh: what the escape tests share. Sourced by each .t, it
# checks the environment, builds the probe when make did not (PROBE), and
# prepares a copy of the test root with the probe at /probe and a host
# marker file outside it. $ROOTFS itself is only ever read.
#
#   attack NAME DEFENCE [HUTCH-OPTION...] -- [PROBE-ARG...]
#       one test: hutch --root COPY --restart no [HUTCH-OPTION...] -- /probe
#       NAME [PROBE-ARG...] must print "NAME: blocked (...)" and exit 0.
#       The probe's line is shown as a TAP comment (prove -v).
#   attack_filtered NAME DEFENCE ...
#       the same, and the answer must come from the seccomp filter or a
#       dropped capability (EPERM, EACCES or SIGSYS), not from a kernel
#       that lacks the call (ENOSYS): the filter is tested even here.
#   attack_wins NAME WHY [HUTCH-OPTION...] -- [PROBE-ARG...]
#       the same attack with a defence taken away on purpose: the probe
#       must print "NAME: ESCAPED (...)". It shows that the attack is real
#       and the test able to fail: without the defence, it wins.
#   run_probe [HUTCH-OPTION...] -- NAME [PROBE-ARG...]
#       the run alone; sets rc, out (the probe's line) and err (hutch's).

# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

require_root
require_cmd timeout mktemp stat readlink pgrep cksum
[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] ||
	bail_out "HUTCH must name the hutch binary (make check-escape sets it)"
[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
	bail_out "ROOTFS must name the test rootfs (make rootfs builds it)"

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
launchers=()
host_pids=()
cleanup() {
	# wait, with its stderr gone: bash would report each killed job
	# ("line 36: PID Killed perl ...") in the middle of prove's output.
	for p in "${launchers[@]}" "${host_pids[@]}"; do
		{ kill -KILL "$p" && wait "$p"; } 2>/dev/null
	done
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# The probe: make check-escape builds it (PROBE); run alone, a test builds
# its own with the same flags: static and non-PIE, so that its strings lie
# below 4 GiB for the i386 system calls.
if [ -z "${PROBE-}" ]; then
	require_cmd musl-gcc
	PROBE=$tmp/probe
	musl-gcc -std=gnu11 -Wall -Wextra -Werror -Os -static -no-pie -fno-pie \
		-o "$PROBE" "$(dirname "$0")/probe.c" || bail_out "cannot build the probe"
fi
[ -x "$PROBE" ] || bail_out "PROBE ($PROBE) is not an executable"

# The root copy: /probe, /mnt to mount on, a setuid-root copy of the probe
# for the setuid attack. The marker lies next to it, outside.
root=$tmp/root
cp -a "$ROOTFS" "$root" || bail_out "cannot copy $ROOTFS"
install -m 0755 "$PROBE" "$root/probe" && mkdir -p "$root/mnt" &&
	install -o 0 -g 0 -m 4755 "$PROBE" "$root/suid-probe" ||
	bail_out "cannot put the probe into the root copy"
marker=$tmp/host-marker
echo "host marker $$" >"$marker"
marker_sum=$(cksum <"$marker")
mkdir "$tmp/outside"

# take_opts [HUTCH-OPTION...] -- [ARG...]: the options into opts, what
# follows "--" into args (the caller declares both local: bash's dynamic
# scope gives them to this function).
take_opts() {
	opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	args=("$@")
}

# run_probe [HUTCH-OPTION...] -- NAME [PROBE-ARG...]
run_probe() {
	local opts args
	take_opts "$@"
	timeout 20 "$HUTCH" --root "$root" --restart no "${opts[@]}" -- /probe "${args[@]}" \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# note TEXT: a TAP comment on stdout, shown by prove -v only.
note() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# _attack ERE NAME DEFENCE [HUTCH-OPTION...] -- [PROBE-ARG...]
_attack() {
	local ere=$1 name=$2 defence=$3
	shift 3
	local opts args
	take_opts "$@"
	run_probe "${opts[@]}" -- "$name" "${args[@]}"
	note "$out${err:+ [hutch: $(tail -n 1 <<<"$err")]}"
	like "$rc $out" "^0 $name: blocked \\($ere" "$name is blocked: $defence" ||
		diag "hutch said: $err"
}

attack() {
	_attack '' "$@"
}

attack_filtered() {
	_attack '(.*(EPERM|EACCES)|killed by SIGSYS)' "$@"
}

attack_wins() {
	local name=$1 why=$2
	shift 2
	local opts args
	take_opts "$@"
	run_probe "${opts[@]}" -- "$name" "${args[@]}"
	note "$out${err:+ [hutch: $(tail -n 1 <<<"$err")]}"
	like "$rc $out" "^1 $name: ESCAPED \\(" "$name wins $why" ||
		diag "hutch said: $err"
}

# start_probe [HUTCH-OPTION...] -- SHELL-SCRIPT: hutch in the background
# running sh -c SCRIPT, which prints READY once it has attacked and then
# keeps the sandbox alive, so the host can look at it. Sets bg, launcher,
# pid1 and svc (host pids) and bgout (what the script printed).
start_probe() {
	local opts args
	take_opts "$@"
	launcher='' pid1='' svc='' bgout=''
	: >"$tmp/bg.out"
	timeout 30 "$HUTCH" --root "$root" --restart no "${opts[@]}" -- /bin/sh -c "${args[0]}" \
		</dev/null >"$tmp/bg.out" 2>"$tmp/bg.err" &
	bg=$!
	wait_for 10 grep -q READY "$tmp/bg.out" || return 1
	bgout=$(cat "$tmp/bg.out")
	launcher=$(pgrep -P "$bg" -x hutch) && launchers+=("$launcher") &&
		pid1=$(pgrep -P "$launcher" -x hutch) &&
		svc=$(pgrep -P "$pid1")
}

stop_probe() {
	[ -z "$launcher" ] || kill -TERM "$launcher" 2>/dev/null
	wait "$bg" 2>/dev/null
}
