# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# tests/qemu/lib.sh: boot a QEMU guest and turn what its /init reports on
# the serial console into TAP. Source it after tests/lib/tap.sh:
#
#   . "$(dirname "$0")/../lib/tap.sh"
#   . "$(dirname "$0")/lib.sh"
#   qemu_boot amd64 "$kernel" "$initrd" "hutch_test=cgroupv2" 60 "$log"
#   qemu_tap "$log" "cgroup v2"
#
# qemu_boot ARCH KERNEL INITRAMFS APPEND TIMEOUT LOGFILE [DTB]
#     Runs qemu-system-ARCH -kernel KERNEL -initrd INITRAMFS [-dtb DTB]
#     on ARCH's machine (qemu_system: amd64 and the arm64/armhf virt
#     machines, armel on raspi0, mipsel on malta) with the kernel command
#     line "console=... panic=-1 quiet [MACHINE'S OWN] APPEND", the serial
#     console written to LOGFILE, under `timeout TIMEOUT`. KVM (-cpu host)
#     when /dev/kvm is usable for an ordinary kernel and ARCH is the
#     host's, TCG otherwise; HUTCH_QEMU_ACCEL=tcg|kvm forces one. Returns
#     QEMU's status (124 on timeout). QEMU exits 0 even when the guest panics (-no-reboot and
#     panic=-1 end it), so the status says little: the markers decide.
#     Also writes LOGFILE.rc (the status) and LOGFILE.qemu (QEMU's output).
#
# qemu_tap LOGFILE PREFIX
#     One TAP test per marker line the guest printed:
#       HUTCH-TAP ok - DESC        ok N - PREFIX: DESC
#       HUTCH-TAP not ok - DESC    not ok N - PREFIX: DESC
#       HUTCH-TAP ok - DESC # TODO WHY    ok N - PREFIX: DESC # TODO WHY
#                                  (not ok alike; never counted as failed)
#       HUTCH-TAP diag TEXT        # TEXT
#       HUTCH-DONE COUNT           the guest ran to its end, COUNT tests
#     then one more test: "PREFIX: the guest finished". It fails when
#     HUTCH-DONE is missing (a timeout, a panic, /init died), when COUNT is
#     not the number of markers read (lines lost or mangled on the
#     console); its diagnostics are the last 30 lines of the console. A
#     guest that reported every test but did not power off (QEMU stopped
#     at its timeout) passes with a diagnostic. QEMU's own messages, if any, become
#     diagnostics. Returns 0 when every test passed.
#
# qemu_prepare ARCH HUTCH_BIN BUSYBOX SCENARIO... [-- EXTRA:DEST...]
#     Fetches the kernel (tools/qemu-kernel.sh) and builds the initramfs
#     (tools/mkinitramfs.sh) with tests/qemu/guest/init as /init and
#     tests/qemu/guest/SCENARIO.sh as /tests/SCENARIO.sh for each SCENARIO,
#     and each EXTRA file at DEST (e.g. a compat BusyBox at
#     /rootfs/bin/busybox32); bails out when either fails. Sets qemu_arch,
#     qemu_kernel, qemu_dtb (the machine's device tree, or empty),
#     qemu_initrd and qemu_work (HUTCH_QEMU_WORK, default build/qemu/ARCH:
#     initramfs and console logs, kept for reading). Kernels are cached in
#     HUTCH_QEMU_CACHE (default build/qemu/kernels).
#
# qemu_scenario NAME APPEND KVM_SECS TCG_SECS
#     One boot with "hutch_test=NAME APPEND" (qemu_boot, the timeout that
#     applies), its log at qemu_work/NAME.log, then qemu_tap with the
#     prefix "ARCH NAME"; the boot's duration as a diagnostic.
#
# qemu_example_confs BOARD...
#     Sets qemu_examples to the board examples for the `examples` scenario
#     (tests/qemu/guest/examples.sh), as EXTRA:DEST words for qemu_prepare:
#     board/BOARD/NAME.conf:/tests/examples/BOARD-NAME.conf for each of
#     BOARD's configs. Bails out when a BOARD has none (a board renamed or
#     removed: say which guest runs its successor).
#
# qemu_report WHAT SECS
#     Appends "TEST WHAT SECS s" to HUTCH_QEMU_REPORT, when that is set:
#     qemu_prepare reports the kernel (downloaded or cached) and the
#     initramfs, qemu_scenario each boot. `make check-qemu` prints the file.
#
# qemu_file PATH WHAT HOW
#     Bails out with "no WHAT at PATH: HOW" unless PATH is a file.
#
# qemu_accel ARCH      prints kvm or tcg: what qemu_boot will use.
# qemu_timeout ARCH KVM_SECS TCG_SECS   prints the one that applies (TCG: doubled).
#
# The guest side of the protocol is tests/qemu/guest/init.
#
# Environment: HUTCH_QEMU_ACCEL (tcg|kvm), HUTCH_QEMU_MEM (MiB; the
# machine's default: 512, Malta 256), HUTCH_QEMU_SMP (vCPUs, 1),
# HUTCH_QEMU_CACHE, HUTCH_QEMU_WORK, HUTCH_QEMU_REPORT.

# The repository's top, from this file's place (tests/qemu/lib.sh); $0 is
# the test script, which lives next to it.
qemu_top=$(cd "$(dirname "$0")/../.." && pwd -P)

# qemu_system ARCH: the emulator, the console, the guest memory in MiB and
# the machine options, one line. The one table to extend for another
# machine (with tools/qemu-kernel.sh's, which names its kernel).
#   armel:  QEMU's Raspberry Pi Zero (BCM2835, ARM1176) with Debian's rpi
#           kernel and its device tree; raspi0 has exactly 512 MiB.
#   mipsel: the MIPS Malta board with a 24Kc (no FPU, as on MIPS routers)
#           and Debian's 4kc-malta kernel; 256 MiB is the Malta's own RAM
#           (more needs highmem).
qemu_system() {
	case $1 in
	amd64) echo "qemu-system-x86_64 ttyS0 512" ;;
	arm64) echo "qemu-system-aarch64 ttyAMA0 512 -M virt -cpu cortex-a53" ;;
	armhf) echo "qemu-system-arm ttyAMA0 512 -M virt -cpu cortex-a15" ;;
	armel) echo "qemu-system-arm ttyAMA0 512 -M raspi0" ;;
	mipsel) echo "qemu-system-mipsel ttyS0 256 -M malta -cpu 24Kc" ;;
	*) return 1 ;;
	esac
}

# qemu_machine_append ARCH: kernel parameters the machine itself needs.
# raspi0: QEMU 7.2 does not model the BCM2835's power management block;
# the kernel's bcm2835-power driver takes an external abort reading it
# (an oops in bcm2835_power_probe, 0.5 s into the boot, that kills the
# boot before /init: "Attempted to kill init"). Without that driver the
# kernel boots; nothing the tests use needs the power domains.
qemu_machine_append() {
	case $1 in
	armel) echo "initcall_blacklist=bcm2835_power_driver_init" ;;
	esac
}

# qemu_sd_card ARCH: the size of the machine's own SD card, where it has
# one the kernel drives without a module: raspi0's (the BCM2835's sdhost,
# built into Debian's rpi kernel: CONFIG_MMC_BCM2835=y) becomes
# /dev/mmcblk0, the disk a Pi boots from, so the io controller's limits
# (--io-max) are tried on a real block device. The other kernels build
# their disk drivers as modules, which the initramfs does not carry.
# Prints nothing for those. QEMU wants a power of two.
qemu_sd_card() {
	case $1 in
	armel) echo 64M ;;
	esac
}

qemu_accel() {
	case ${HUTCH_QEMU_ACCEL-} in
	tcg | kvm)
		echo "$HUTCH_QEMU_ACCEL"
		return 0
		;;
	'') ;;
	*) bail_out "HUTCH_QEMU_ACCEL must be tcg or kvm, not '$HUTCH_QEMU_ACCEL'" ;;
	esac
	# KVM runs only the host's own architecture (arm64 hosts could run
	# armhf guests too, but not every arm64 CPU does 32-bit).
	_qa_host=$(dpkg --print-architecture 2>/dev/null)
	if [ "$1" = "$_qa_host" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
		qemu_kvm_runs_stock_kernels; then
		echo kvm
	else
		echo tcg
	fi
}

# Whether this /dev/kvm can boot an ordinary kernel. On x86 it needs the
# CPU's virtualization (kvm_intel / kvm_amd): a /dev/kvm served by kvm_pvm
# alone (PVM, the "pagetable-based VM" of nested cloud sandboxes, with no
# vmx/svm flag) runs only kernels built as PVM guests; Debian's kernel
# hangs there right after "Probing EDD", spinning the host. Other
# architectures: trust /dev/kvm.
qemu_kvm_runs_stock_kernels() {
	case $(uname -m) in
	x86_64 | i?86) ;;
	*) return 0 ;;
	esac
	[ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ] ||
		grep -Eqw 'vmx|svm' /proc/cpuinfo
}

# Under TCG the times are those of an idle machine, doubled (or scaled by
# QEMU_TCG_SCALE): emulation slows down with whatever else the machine runs
# (a CI host's other jobs), and a timeout only cuts a guest that hangs,
# so room costs nothing when the guest is well.
qemu_timeout() {
	if [ "$(qemu_accel "$1")" = kvm ]; then echo "$2"; else echo $(($3 * ${QEMU_TCG_SCALE:-2})); fi
}

qemu_boot() {
	[ $# -eq 6 ] || [ $# -eq 7 ] ||
		bail_out "qemu_boot ARCH KERNEL INITRAMFS APPEND TIMEOUT LOGFILE [DTB]"
	_qb_sys=$(qemu_system "$1") || bail_out "qemu_boot: no QEMU machine known for '$1'"
	_qb_dtb=${7-}
	[ $# -eq 7 ] && set -- "$1" "$2" "$3" "$4" "$5" "$6"
	# shellcheck disable=SC2086 # split the table's line into its words
	set -- "$@" $_qb_sys
	_qb_arch=$1 _qb_kernel=$2 _qb_initrd=$3 _qb_append=$4 _qb_timeout=$5 _qb_log=$6
	_qb_qemu=$7 _qb_console=$8 _qb_mem=$9
	shift 9
	_qb_machine_append=$(qemu_machine_append "$_qb_arch")
	# What is left in "$@": the machine options of the table.
	if [ "$(qemu_accel "$_qb_arch")" = kvm ]; then
		set -- "$@" -enable-kvm -cpu host
	else
		set -- "$@" -accel tcg
	fi
	[ -z "$_qb_dtb" ] || set -- "$@" -dtb "$_qb_dtb"
	_qb_sd=$(qemu_sd_card "$_qb_arch")
	if [ -n "$_qb_sd" ]; then
		rm -f "$_qb_log.sd"
		truncate -s "$_qb_sd" "$_qb_log.sd" || bail_out "cannot make the SD card image $_qb_log.sd"
		set -- "$@" -drive "if=sd,format=raw,file=$_qb_log.sd"
	fi
	: >"$_qb_log" || bail_out "cannot write $_qb_log"
	# -nodefaults: no VGA, NIC or default serial; the one serial port goes
	# to the log file, the monitor nowhere, stdin is not read.
	timeout -k 5 "$_qb_timeout" "$_qb_qemu" "$@" \
		-m "${HUTCH_QEMU_MEM:-$_qb_mem}" -smp "${HUTCH_QEMU_SMP:-1}" \
		-nodefaults -nographic -no-reboot -monitor none \
		-serial "file:$_qb_log" \
		-kernel "$_qb_kernel" -initrd "$_qb_initrd" \
		-append "console=$_qb_console panic=-1 quiet${_qb_machine_append:+ $_qb_machine_append} $_qb_append" \
		</dev/null >"$_qb_log.qemu" 2>&1
	_qb_rc=$?
	echo "$_qb_rc" >"$_qb_log.rc"
	return "$_qb_rc"
}

# qemu_todo PREFIX "ok|not ok - DESC # TODO REASON": one TAP TODO line
# (tap.sh's ok would escape the '#'), not counted as a failure.
qemu_todo() {
	_tap_run=$((_tap_run + 1))
	_qtd_status=${2%% - *}
	_qtd_rest=${2#* - }
	printf '%s %d - %s: %s # TODO %s\n' "$_qtd_status" "$_tap_run" "$1" \
		"${_qtd_rest%% # TODO *}" "${_qtd_rest#* # TODO }"
}

# the_guest_reported STATUS: how a guest's verdict reads in ok's diagnostics
# ("command: the_guest_reported not ok").
the_guest_reported() {
	[ "$*" = ok ]
}

qemu_tap() {
	[ $# -eq 2 ] || bail_out "qemu_tap LOGFILE PREFIX"
	_qt_log=$1 _qt_prefix=$2
	_qt_seen=0 _qt_failed=0 _qt_done=
	# The console has \r\n line ends; a kernel message may share a line
	# with a marker, so a marker counts wherever it starts on its line.
	_qt_markers=$(tr -d '\r' <"$_qt_log" | sed -n 's/^.*\(HUTCH-\(TAP\|DONE\)\)/\1/p')
	while IFS= read -r _qt_line; do
		case $_qt_line in
		'HUTCH-TAP ok - '*' # TODO '* | 'HUTCH-TAP not ok - '*' # TODO '*)
			_qt_seen=$((_qt_seen + 1))
			qemu_todo "$_qt_prefix" "${_qt_line#HUTCH-TAP }"
			;;
		'HUTCH-TAP ok - '* | 'HUTCH-TAP ok')
			_qt_seen=$((_qt_seen + 1))
			ok "$_qt_prefix: ${_qt_line#HUTCH-TAP ok - }" the_guest_reported ok
			;;
		'HUTCH-TAP not ok - '* | 'HUTCH-TAP not ok')
			_qt_seen=$((_qt_seen + 1)) _qt_failed=$((_qt_failed + 1))
			ok "$_qt_prefix: ${_qt_line#HUTCH-TAP not ok - }" the_guest_reported not ok
			;;
		'HUTCH-TAP diag '* | 'HUTCH-TAP diag')
			diag "${_qt_line#HUTCH-TAP diag}"
			;;
		'HUTCH-DONE '*)
			_qt_done=${_qt_line#HUTCH-DONE }
			;;
		esac
	done <<EOF
$_qt_markers
EOF
	_qt_why=
	_qt_rc=$(cat "$_qt_log.rc" 2>/dev/null)
	if [ -z "$_qt_done" ] && [ "${_qt_rc:-0}" -ne 0 ] && [ "$_qt_rc" -ne 124 ] &&
		[ "$_qt_rc" -ne 137 ]; then
		_qt_why="no HUTCH-DONE on the console: QEMU failed (exit status $_qt_rc)"
	elif [ -z "$_qt_done" ]; then
		_qt_why="no HUTCH-DONE on the console: the guest hung, panicked or its /init died"
	elif [ "$_qt_done" != "$_qt_seen" ]; then
		_qt_why="the guest ran $_qt_done tests but $_qt_seen reached the console intact"
	elif [ "$_qt_rc" = 124 ] || [ "$_qt_rc" = 137 ]; then
		# Every test reported: the verdict stands. QEMU's raspi0 now and
		# then never ends the machine after poweroff -f (seen with
		# Debian's rpi kernel, booted with cgroup_disable=memory): only
		# the timeout's seconds are lost, which the report shows.
		diag "$_qt_prefix: the guest printed HUTCH-DONE but did not power off: QEMU was stopped at the timeout"
	fi
	# QEMU says nothing when all is well: whatever it said is worth reading.
	if [ -s "$_qt_log.qemu" ]; then
		diag "QEMU's own output (exit status $_qt_rc):"
		head -c 2000 "$_qt_log.qemu" | sed 's/^/    /' >&2
	fi
	if [ -z "$_qt_why" ]; then
		ok "$_qt_prefix: the guest finished ($_qt_seen tests)" true
	else
		ok "$_qt_prefix: the guest finished" test -z "$_qt_why"
		diag "last 30 lines of the console ($_qt_log):"
		tr -d '\r' <"$_qt_log" | tail -n 30 | sed 's/^/    /' >&2
		_qt_failed=$((_qt_failed + 1))
	fi
	[ "$_qt_failed" -eq 0 ]
}

qemu_prepare() {
	[ $# -ge 4 ] || bail_out "qemu_prepare ARCH HUTCH_BIN BUSYBOX SCENARIO... [-- EXTRA:DEST...]"
	qemu_arch=$1
	_qp_hutch=$2 _qp_bb=$3
	shift 3
	_qp_cache=${HUTCH_QEMU_CACHE:-$qemu_top/build/qemu/kernels}
	qemu_work=${HUTCH_QEMU_WORK:-$qemu_top/build/qemu/$qemu_arch}
	mkdir -p "$qemu_work" || bail_out "cannot create $qemu_work"
	_qp_start=$(date +%s)
	_qp_fetched=cached
	[ -f "$_qp_cache/$qemu_arch/vmlinuz" ] || _qp_fetched=downloaded
	qemu_kernel=$("$qemu_top/tools/qemu-kernel.sh" "$qemu_arch" "$_qp_cache") ||
		bail_out "no Debian $qemu_arch kernel (tools/qemu-kernel.sh $qemu_arch $_qp_cache failed)"
	# The machine's device tree, when it needs one (qemu-kernel.sh puts it
	# next to the kernel).
	qemu_dtb=
	[ ! -e "$_qp_cache/$qemu_arch/dtb" ] || qemu_dtb=$(readlink -f "$_qp_cache/$qemu_arch/dtb")
	_qp_kernel_secs=$(($(date +%s) - _qp_start))
	# The scenarios, each as /tests/NAME.sh; after "--", further files
	# for the initramfs as they are (SRC:DEST).
	_qp_guest=$qemu_top/tests/qemu/guest
	_qp_n=$#
	_qp_extra=false
	while [ "$_qp_n" -gt 0 ]; do
		if [ "$1" = -- ]; then
			_qp_extra=true
		elif $_qp_extra; then
			set -- "$@" "$1"
		else
			set -- "$@" "$_qp_guest/$1.sh:/tests/$1.sh"
		fi
		shift
		_qp_n=$((_qp_n - 1))
	done
	_qp_start=$(date +%s)
	qemu_initrd=$qemu_work/initramfs.cpio.gz
	"$qemu_top/tools/mkinitramfs.sh" "$qemu_initrd" "$qemu_arch" "$_qp_hutch" "$_qp_bb" \
		"$_qp_guest/init" "$@" 2>"$qemu_work/mkinitramfs.log" ||
		bail_out "tools/mkinitramfs.sh failed: $(cat "$qemu_work/mkinitramfs.log")"
	_qp_initrd_secs=$(($(date +%s) - _qp_start))
	diag "kernel $qemu_kernel${qemu_dtb:+, device tree $qemu_dtb}; $(qemu_accel "$qemu_arch"); logs in $qemu_work"
	qemu_report "$qemu_arch kernel ($_qp_fetched)" "$_qp_kernel_secs"
	qemu_report "initramfs" "$_qp_initrd_secs"
}

qemu_scenario() {
	[ $# -eq 4 ] || bail_out "qemu_scenario NAME APPEND KVM_SECS TCG_SECS"
	_qs_start=$(date +%s)
	qemu_boot "$qemu_arch" "$qemu_kernel" "$qemu_initrd" "hutch_test=$1${2:+ $2}" \
		"$(qemu_timeout "$qemu_arch" "$3" "$4")" "$qemu_work/$1.log" ${qemu_dtb:+"$qemu_dtb"}
	# An emulated board's kernel now and then hangs in its own boot under
	# TCG (seen on the raspi0 machine, Debian's rpi kernel, with no
	# line after the kernel's first second). If the guest's /init never
	# spoke (no HUTCH-TAP line: its first comes before any scenario runs
	# hutch) and QEMU timed out, hutch never ran: boot once more, saying
	# so. A guest that reached /init is never booted twice.
	_qs_rc=$(cat "$qemu_work/$1.log.rc" 2>/dev/null)
	if { [ "$_qs_rc" = 124 ] || [ "$_qs_rc" = 137 ]; } &&
		! grep -q 'HUTCH-TAP' "$qemu_work/$1.log"; then
		diag "boot $1: the kernel never reached /init in $(($(date +%s) - _qs_start)) s;" \
			"its console's tail: $(tail -n 3 "$qemu_work/$1.log" | tr -d '\r' | tr '\n' '|')"
		diag "boot $1: booting once more (the first console is kept in $1.log.hung)"
		mv "$qemu_work/$1.log" "$qemu_work/$1.log.hung"
		qemu_boot "$qemu_arch" "$qemu_kernel" "$qemu_initrd" "hutch_test=$1${2:+ $2}" \
			"$(qemu_timeout "$qemu_arch" "$3" "$4")" "$qemu_work/$1.log" ${qemu_dtb:+"$qemu_dtb"}
	fi
	_qs_secs=$(($(date +%s) - _qs_start))
	diag "boot $1: $_qs_secs s ($(qemu_accel "$qemu_arch"))"
	_qs_rc=0
	qemu_tap "$qemu_work/$1.log" "$qemu_arch $1" || _qs_rc=1
	_qs_verdict=passed
	[ "$_qs_rc" -eq 0 ] || _qs_verdict=FAILED
	qemu_report "boot $1 ($(qemu_accel "$qemu_arch"), $_qs_verdict)" "$_qs_secs"
	return "$_qs_rc"
}

qemu_example_confs() {
	qemu_examples="$qemu_top/tests/lib/example-sources.sh:/tests/example-sources.sh"
	for _qe_board in "$@"; do
		_qe_n=0
		for _qe_conf in "$qemu_top/board/$_qe_board"/*.conf; do
			[ -f "$_qe_conf" ] || continue
			case $_qe_conf in
			*[[:space:]]*) bail_out "a blank in '$_qe_conf': move the repository" ;;
			esac
			_qe_name=${_qe_conf##*/}
			qemu_examples="$qemu_examples $_qe_conf:/tests/examples/$_qe_board-$_qe_name"
			_qe_n=$((_qe_n + 1))
		done
		[ "$_qe_n" -gt 0 ] || bail_out "no example config in board/$_qe_board"
	done
}

# qemu_report WHAT SECS: one line of the runtime report, "TEST WHAT SECS
# s", appended to HUTCH_QEMU_REPORT when it is set (make check-qemu prints
# it at the end).
qemu_report() {
	[ -n "${HUTCH_QEMU_REPORT-}" ] || return 0
	printf '  %-26s %-32s %4s s\n' "${0##*/}" "$1" "$2" >>"$HUTCH_QEMU_REPORT"
}

# qemu_file PATH WHAT HOW: bails out, naming WHAT and saying HOW to make
# it, unless PATH is a file.
qemu_file() {
	[ -f "$1" ] || bail_out "no $2 at $1: $3"
}

# qemu_amd64 [CMD=PKG ...]: what each amd64 boot test checks first: arch
# (amd64), the commands every boot needs and the file's own (CMD=PKG as
# require_cmd takes them), HUTCH (required: the x86_64 build), BUSYBOX
# (given, else ROOTFS's, else the host's /bin/busybox).
qemu_amd64() {
	arch=amd64
	require_cmd qemu-system-x86_64=qemu-system-x86 cpio=cpio gzip=gzip \
		readelf=binutils timeout=coreutils apt-get=apt dpkg-deb=dpkg "$@"
	if [ -z "${HUTCH-}" ] || [ ! -f "$HUTCH" ]; then
		bail_out "set HUTCH to the hutch binary for $arch (make; build/x86_64/hutch)"
	fi
	if [ -z "${BUSYBOX-}" ]; then
		BUSYBOX=/bin/busybox
		[ -n "${ROOTFS-}" ] && [ -f "$ROOTFS/bin/busybox" ] && BUSYBOX=$ROOTFS/bin/busybox
	fi
}

# qemu_workdir NAME: HUTCH_QEMU_WORK (given, else build/qemu/NAME), made.
qemu_workdir() {
	HUTCH_QEMU_WORK=${HUTCH_QEMU_WORK:-$top/build/qemu/$1}
	mkdir -p "$HUTCH_QEMU_WORK" || bail_out "cannot create $HUTCH_QEMU_WORK"
}
