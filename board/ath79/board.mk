# SPDX-License-Identifier: MIT
# MIPS routers on the Atheros/Qualcomm ath79 family (OpenWrt target
# ath79: TP-Link Archer C7 and WR/WDR series, GL.iNet AR150/AR300M,
# Ubiquiti AirMax, and many more, the largest OpenWrt router family):
# MIPS 24Kc (AR71xx/AR913x, QCA953x) or 74Kc (AR934x, QCA955x/956x),
# MIPS32r2 big-endian, no FPU, 32-128 MiB.
# Debian has a big-endian MIPS cross compiler (gcc-mips-linux-gnu) but no
# musl for it: `make toolchain BOARD=ath79` builds musl from Debian's
# source package into build/musl/mips (tools/musl-source.sh, a minute or
# three). hutch uses no floating point, so the binary has no FPU
# instruction; it is tested on qemu's 24Kc, which has none either.
# -mtune=24kc: the common core of the family (74Kc runs it as well).
# The service's root: Debian has no big-endian MIPS BusyBox (mips left
# Debian in version 11), so `make rootfs BOARD=ath79` has none to take;
# use the router's own (OpenWrt's /bin/busybox is big-endian MIPS and
# static enough to copy: BUSYBOX=path) or build one with the same
# toolchain. Pages: 4K. cgroups: OpenWrt (21.02 on) mounts cgroup v2;
# which controllers its kernel has varies: run hutch check first.
BOARD_ARCH := mips
BOARD_CFLAGS := -mtune=24kc
BOARD_QEMU_CPU := 24Kc
BOARD_PAGES := 4K
# A router's hutch: configs/router.config (seccomp, syslog, hutch stop and
# check; no pty relay, user namespaces, --output or device allow-list),
# built in build/ath79 (another, PROFILE= or HUTCH_CONFIG= on the command
# line, in build/ath79-NAME).
BOARD_PROFILE := router
