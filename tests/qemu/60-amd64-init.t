#!/bin/sh
# SPDX-License-Identifier: MIT
# QEMU system test, amd64: the init-system glue of init/ at boot, and
# the x86_64 board's example, on Debian's own kernel. Three boots:
#
#   hutch_test=inittab    tests/qemu/guest/inittab.sh: BusyBox init as PID 1
#                         with the entry of init/busybox/inittab: the
#                         service up at boot, reachable, killed and
#                         respawned by hutch, stopped with hutch stop and
#                         left stopped (and a ::respawn: entry that comes
#                         back, for comparison)
#   hutch_test=delegate   tests/qemu/guest/delegate.sh: the cgroup v2
#                         arrangement of init/systemd/hutch-web.service
#                         (its ExecStart run in a group made as systemd makes
#                         a delegated unit's), without systemd
#   hutch_test=examples   tests/qemu/guest/examples.sh: board/x86_64/web.conf
#                         (BusyBox httpd, a page fetched with wget); the
#                         other boards' examples boot on the guests nearest
#                         them (20 to 50)
#
# Environment: HUTCH (the amd64 binary, required); BUSYBOX (a static amd64
# BusyBox; default ROOTFS/bin/busybox, else /bin/busybox);
# HUTCH_QEMU_WORK (default build/qemu/amd64-init), HUTCH_QEMU_CACHE,
# HUTCH_QEMU_ACCEL, HUTCH_QEMU_REPORT: see tests/qemu/README.md.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/lib/unit.sh
. "$top/tests/lib/unit.sh"
# shellcheck source=tests/qemu/lib.sh
. "$here/lib.sh"

qemu_amd64
# Its own work directory: the initramfs differs from 10-amd64-boot.t's.
qemu_workdir amd64-init

# The unit's ExecStart script, %n expanded as systemd would.
unit_shell_script "$top/init/systemd/hutch-web.service" hutch-web.service \
	>"$HUTCH_QEMU_WORK/execstart" || bail_out "cannot read ExecStart of init/systemd/hutch-web.service"

# Timeouts (KVM, TCG): each boot takes about 10 s with TCG.
qemu_example_confs x86_64
# shellcheck disable=SC2086 # EXTRA:DEST words, without blanks
qemu_prepare "$arch" "$HUTCH" "$BUSYBOX" inittab delegate examples -- \
	"$top/init/busybox/inittab:/tests/inittab.example" \
	"$HUTCH_QEMU_WORK/execstart:/tests/execstart" $qemu_examples
qemu_scenario inittab "" 40 90
qemu_scenario delegate "" 40 90
qemu_scenario examples "" 40 90

done_testing
