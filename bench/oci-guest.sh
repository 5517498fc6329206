#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/oci-guest.sh - section 9b: hutch oci, runc and crun side by side
# in one QEMU amd64 guest whose cgroups are v2 alone, where crun runs (on
# this machine's hybrid layout it refuses: see bench/oci.sh's header).
#
# Debian's amd64 kernel (tools/qemu-kernel.sh, the QEMU tests' cache
# build/qemu/kernels) booted with cgroup_no_v1=all, KVM when usable (the
# QEMU tests' qemu_accel), 2 vCPUs, 512 MiB; an initramfs (tools/
# mkinitramfs.sh: BusyBox, hutch, the guest /init of tests/qemu/guest)
# that also carries this host's own runc, crun, GNU time and hyperfine
# with the shared libraries they load (ldd), and the bundle: oci_spec's
# config.json (bench/oci.sh, `sleep 1000`) on the guest's BusyBox /rootfs.
# In the guest (bench/oci-guest-run.sh), in turns, each runtime once per
# turn: create + start + delete --force (hyperfine -N --runs 1); then the
# peak RSS of create (GNU time %M), 5 each. The x hutch of the times is
# the median of the turns' own ratios (a peer's time / hutch's in the same
# turn): a change of the host's load, which under TCG is the guest's
# speed, touches the three alike within a turn. The console's OCIBENCH lines become
# $RAW/ocig-*, the table $OUT/9b-oci-guest.md and the ocig_* keys of the
# summary (bench/report.sh's row "in a cgroup v2 guest").
#
# Under TCG the times are an emulator's: the table says so and the
# summary gives the ratios only. A guest that does not boot or does not
# finish is reported as a failure (the table, the summary row and stderr
# say why), never left out.
#
# Sourced by bench/bench.sh (section_oci_guest), or run alone as root:
#   bench/oci-guest.sh [HUTCH] [BUSYBOX]
# (default build/x86_64/hutch and build/x86_64/rootfs/bin/busybox), which
# writes build/bench/oci-guest-alone/out/9b-oci-guest.md (and its
# summary.env, raw/), prints it and exits 1 when the guest failed. To put
# such a run into bench/results.md beside a whole run's build/bench/out:
# copy 9b-oci-guest.md there, append the summary.env to its summary.env,
# then bench/bench.sh --report (the section says it was measured alone). OCI_GUEST_TURNS sets the turns (default 50;
# BENCH_QUICK: 5);
# HUTCH_QEMU_ACCEL=tcg|kvm forces the accelerator.

# ocig_extras: the host's runtimes and tools for the initramfs, and the
# shared libraries they load, as SRC:DEST words (GNU time and hyperfine
# under /oci/tools: BusyBox's tree has a `time` link in /usr/bin, which a
# copy would write through).
ocig_extras() {
	local b dest
	for b in "$(command -v runc)" "$(command -v crun)" /usr/bin/time "$(command -v hyperfine)"; do
		case ${b##*/} in
		runc | crun) dest=$b ;;
		*) dest=/oci/tools/${b##*/} ;;
		esac
		printf '%s:%s\n' "$(readlink -f "$b")" "$dest"
		{ ldd "$b" 2>/dev/null || true; } | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
			while read -r l; do printf '%s:%s\n' "$(readlink -f "$l")" "$l"; done
	done | sort -u
}

# ocig_boot WORK HUTCH BUSYBOX: the initramfs and one boot; the console in
# WORK/console.log. Returns 0 when the guest reported every stage ok.
ocig_boot() {
	local work=$1 hutch=$2 bb=$3 kernel turns secs
	mkdir -p "$work/oci/sleeper"
	OCIG_WHY=
	kernel=$("$REPO/tools/qemu-kernel.sh" amd64 "$REPO/build/qemu/kernels" 2>"$work/kernel.log") ||
		{ OCIG_WHY="no Debian amd64 kernel: $(tail -n 1 "$work/kernel.log")"; return 1; }
	ROOT=/rootfs oci_spec "$work/oci/sleeper" sleep 1000 >/dev/null ||
		{ OCIG_WHY="runc spec failed"; return 1; }
	cp "$BENCH_DIR/oci-guest-run.sh" "$work/ocibench.sh"
	# shellcheck disable=SC2046 # SRC:DEST words, no blanks
	"$REPO/tools/mkinitramfs.sh" "$work/initramfs.cpio.gz" amd64 "$hutch" "$bb" "$REPO/tests/qemu/guest/init" \
		"$work/ocibench.sh:/tests/ocibench.sh" "$work/oci/sleeper/config.json:/oci/sleeper/config.json" \
		$(ocig_extras) 2>"$work/mkinitramfs.log" ||
		{ OCIG_WHY="tools/mkinitramfs.sh failed: $(tail -n 1 "$work/mkinitramfs.log")"; return 1; }
	turns=${OCI_GUEST_TURNS:-$([ "$QUICK" = 1 ] && echo 5 || echo 50)}
	secs=$(qemu_timeout amd64 300 900)
	say "9b. booting the cgroup v2 guest ($OCIG_ACCEL, $turns turns, at most $secs s)"
	HUTCH_QEMU_SMP=${HUTCH_QEMU_SMP:-2} qemu_boot amd64 "$kernel" "$work/initramfs.cpio.gz" \
		"hutch_test=ocibench cgroup_no_v1=all OCIBENCH_TURNS=$turns" \
		"$secs" "$work/console.log" || true
	ocig_verdict "$work/console.log"
}

# ocig_verdict LOG: 0 when the guest printed HUTCH-DONE after as many ok
# lines as it counted and no "not ok"; else OCIG_WHY says what went wrong.
ocig_verdict() {
	local log=$1 fin seen bad rc
	fin=$(tr -d '\r' <"$log" | sed -n 's/^.*HUTCH-DONE \([0-9]*\).*/\1/p' | tail -n 1)
	seen=$(tr -d '\r' <"$log" | grep -c 'HUTCH-TAP \(not \)\{0,1\}ok' || true)
	bad=$(tr -d '\r' <"$log" | sed -n 's/^.*HUTCH-TAP not ok - //p' | head -n 3 | tr '\n' ';')
	rc=$(cat "$log.rc" 2>/dev/null || echo '?')
	if [ -z "$fin" ]; then
		OCIG_WHY="the guest did not finish (QEMU exit status $rc: $([ "$rc" = 124 ] && echo timeout || echo 'no boot, a panic or /init died')); console's tail: $(tr -d '\r' <"$log" | grep -v '^$' | tail -n 3 | tr '\n' '|')"
	elif [ "$fin" != "$seen" ]; then
		OCIG_WHY="the guest ran $fin checks but $seen reached the console"
	elif [ -n "$bad" ]; then
		OCIG_WHY="the guest reported: $bad"
	fi
	[ -z "$OCIG_WHY" ]
}

# ocig_parse LOG: the OCIBENCH lines into $RAW/ocig-life-KEY.ms,
# $RAW/ocig-rss-KEY.kib and $RAW/ocig-runtimes.txt.
ocig_parse() {
	rm -f "$RAW"/ocig-*
	: >"$RAW/ocig-runtimes.txt"
	tr -d '\r' <"$1" | sed -n 's/^.*OCIBENCH //p' | while read -r what key rest; do
		case $what in
		life)
			echo "${rest% *}" >>"$RAW/ocig-life-$key.ms"
			echo "${rest#* } ${rest% *}" >>"$RAW/ocig-turns-$key.txt"
			;;
		rss) echo "$rest" >>"$RAW/ocig-rss-$key.kib" ;;
		runtime) printf '%s\t%s\n' "$key" "$rest" >>"$RAW/ocig-runtimes.txt" ;;
		info) echo "$key $rest" >>"$RAW/ocig-info.txt" ;;
		esac
	done
}

# ocig_pairs KEY: "MEDIAN P25 - P75" of KEY's time / hutch's, turn by
# turn (the turns where both ran).
ocig_pairs() {
	awk 'NR == FNR { h[$1] = $2; next } ($1 in h) && h[$1] > 0 { print $2 / h[$1] }' \
		"$RAW/ocig-turns-hutch.txt" "$RAW/ocig-turns-$1.txt" >"$RAW/ocig-ratio-$1.txt"
	[ -s "$RAW/ocig-ratio-$1.txt" ] || { echo "- -"; return; }
	stats "$RAW/ocig-ratio-$1.txt" | awk '{ printf "%s %.2f - %.2f\n", $2, $3, $4 }'
}

# ocig_table: the markdown of the section, the ocig_* keys.
ocig_table() {
	local key n med p25 p75 min max rss pair
	kv ocig_accel "$OCIG_ACCEL"
	kv ocig_date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "### 9b. The three runtimes in a cgroup v2 guest (QEMU, ${OCIG_ACCEL^^})"
	echo
	echo "crun cannot run on this machine's hybrid cgroups (section 9), so the three run side by side in one QEMU amd64 guest: Debian's kernel booted with \`cgroup_no_v1=all\`, cgroup2 alone on /sys/fs/cgroup with every controller enabled below the root, ${HUTCH_QEMU_SMP:-2} vCPUs, this host's own runc and crun (and the libraries they load) in the initramfs, the same bundle as section 9 (runc spec's config.json, \`sleep 1000\`) on a BusyBox root. create + start + delete --force, each runtime once per turn (hyperfine -N --runs 1, the order rotated turn by turn), x hutch the median (p25 - p75) of each turn's ratio to hutch's time in that turn; the peak RSS of create by GNU time (%M), 5 each. Console, initramfs: ${OCIG_WORK#"$REPO"/}."
	echo
	echo "Measured $(get ocig_date)$([ "${OCIG_ALONE-0}" = 1 ] && echo ' by this section alone (bench/oci-guest.sh)')."
	echo
	if [ -n "$OCIG_WHY" ]; then
		kv ocig_status failed
		echo "**The guest FAILED: $OCIG_WHY** (the console: ${OCIG_WORK#"$REPO"/}/console.log). Nothing was measured."
		return 0
	fi
	kv ocig_status ok
	if [ "$OCIG_ACCEL" != kvm ]; then
		echo "**TCG (no usable KVM): the guest's CPU is emulated; its milliseconds are not a machine's. Read the ratios only.**"
		echo
	fi
	sed 's/^/- guest: /' "$RAW/ocig-info.txt" 2>/dev/null
	echo
	awk -F '\t' '{ print $1 "\t" $2 }' "$RAW/ocig-runtimes.txt" | md_table runtime "in the guest"
	echo
	echo "create + start + delete --force, ms:"
	echo
	for key in hutch crun runc; do
		[ -s "$RAW/ocig-life-$key.ms" ] || continue
		read -r n med p25 p75 min max _ < <(stats "$RAW/ocig-life-$key.ms")
		kv "ocig_life_${key}_med" "$med"
		rss=-
		[ -s "$RAW/ocig-rss-$key.kib" ] && rss=$(stats "$RAW/ocig-rss-$key.kib" | awk '{ printf "%d", $2 }')
		kv "ocig_rss_${key}" "$rss"
		pair=$(ocig_pairs "$key")
		kv "ocig_ratio_${key}" "${pair%% *}"
		printf '%s\t%s\t%s - %s\t%s - %s\t%s\t%s\t%s\t%s\n' "$key" "$(num "$med" 2)" "$(num "$p25" 2)" "$(num "$p75" 2)" \
			"$(num "$min" 2)" "$(num "$max" 2)" "$n" "$(num "${pair%% *}" 2) (${pair#* })" "$rss" \
			"$(ratio "$rss" "$(get ocig_rss_hutch -)" 1)"
	done | md_table runtime median p25-p75 min-max runs "x hutch, per turn" "peak RSS of create, KiB (median of 5)" "x hutch"
}

section_oci_guest() {
	say "9b. hutch oci, runc and crun in a cgroup v2 guest"
	local work=$B/oci-guest
	OCIG_WORK=$work
	rm -rf "$work"
	mkdir -p "$work"
	OCIG_ACCEL=none
	if [ "$HOST_ARCH" != x86_64 ]; then
		OCIG_WHY="the guest is amd64, this machine is $HOST_ARCH"
	elif ! command -v qemu-system-x86_64 >/dev/null; then
		OCIG_WHY="qemu-system-x86_64 is missing (Debian package qemu-system-x86)"
	else
		OCIG_ACCEL=$(qemu_accel amd64)
		ocig_boot "$work" "$HUTCH" "$ROOT/bin/busybox" || true
	fi
	[ -z "$OCIG_WHY" ] || say "9b. FAILED: $OCIG_WHY"
	[ ! -s "$work/console.log" ] || ocig_parse "$work/console.log"
	ocig_table >"$OUT/9b-oci-guest.md"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -Eeuo pipefail
	export LC_ALL=C
	REPO=$(cd "$(dirname "$0")/.." && pwd)
	BENCH_DIR=$REPO/bench
	HOST_ARCH=$(uname -m)
	QUICK=${BENCH_QUICK:-0}
	# shellcheck source=bench/lib.sh
	. "$BENCH_DIR/lib.sh"
	# shellcheck source=bench/oci.sh
	. "$BENCH_DIR/oci.sh"
	B=$REPO/build/bench/oci-guest-alone
	OCIG_ALONE=1
	RAW=$B/raw OUT=$B/out
	HUTCH=${1:-$REPO/build/$HOST_ARCH/hutch}
	ROOT=$(dirname "$(dirname "${2:-$REPO/build/$HOST_ARCH/rootfs/bin/busybox}")")
	[ "$(id -u)" = 0 ] || die "run as root (runc spec, the runtimes' binaries)"
	rm -rf "$RAW" "$OUT"
	mkdir -p "$RAW" "$OUT"
	: >"$OUT/summary.env"
fi

# The QEMU tests' boot (qemu_boot, qemu_accel, qemu_timeout); their
# bail_out is bench's die.
bail_out() { die "$*"; }
diag() { say "$*"; }
# shellcheck source=tests/qemu/lib.sh
. "$BENCH_DIR/../tests/qemu/lib.sh"

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	section_oci_guest
	cat "$OUT/9b-oci-guest.md"
	say "written: ${OUT#"$REPO"/}/9b-oci-guest.md (console: ${OCIG_WORK#"$REPO"/}/console.log)"
	[ "$(get ocig_status)" = ok ]
fi
