# SPDX-License-Identifier: MIT
# MIPS routers on the MediaTek MT7621 (OpenWrt target ramips/mt7621:
# Ubiquiti EdgeRouter X, Xiaomi, GL.iNet, TP-Link and many more): 2x
# MIPS 1004Kc, MIPS32r2 little-endian, no FPU, 128-512 MiB.
# Debian's mipsel musl is MIPS32r2 and hutch uses no floating point, so the
# binary has no FPU instruction: it is tested on qemu's 24Kc, which has no
# FPU either (1004Kc is not modelled). Debian's mipsel BusyBox, which make
# rootfs puts in the service's root, does use the FPU: it needs the
# kernel's FPU emulator (CONFIG_MIPS_FP_SUPPORT, on in mainline's and
# OpenWrt's MIPS kernels). The same build suits other MIPS32r2
# little-endian SoCs (MediaTek MT7620, MT7628: 24KEc). Big-endian MIPS
# (Atheros/QCA ath79) is board/ath79 (ARCH=mips).
# Pages: 4K on OpenWrt (MIPS kernels may use 16K or 64K; covered).
# cgroups: OpenWrt (21.02 on) mounts cgroup v2; which controllers its
# kernel has varies by release and target: run hutch check first.
BOARD_ARCH := mipsel
BOARD_CFLAGS := -mtune=1004kc
BOARD_QEMU_CPU := 24Kc
BOARD_PAGES := 4K
# A router's hutch: configs/router.config (seccomp, syslog, hutch stop and
# check; no pty relay, user namespaces, --output or device allow-list),
# built in build/mt7621 (another, PROFILE= or HUTCH_CONFIG= on the command
# line, in build/mt7621-NAME).
BOARD_PROFILE := router
