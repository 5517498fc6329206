# SPDX-License-Identifier: MIT
# Raspberry Pi Zero, Zero W and Pi 1 (A, B, A+, B+, CM1): BCM2835, one
# ARM1176JZF-S (ARMv6 with VFPv2), 512 MiB at most.
# ARCH armv6 is Debian's armel musl with ARMv6 code and VFP through the
# softfp ABI (toolchain.mk): Debian's armhf is ARMv7 + Thumb-2 and dies with
# SIGILL here. Runs under Raspberry Pi OS armhf and armel userlands alike
# (hutch is static). The Zero 2 W is a Pi 3 (rpi3-32 or rpi3-64).
# Pages: 4K (32-bit ARM kernels have no other size).
# cgroups: the firmware disables the memory controller unless cmdline.txt
# has cgroup_enable=memory; older Pi kernels (up to 5.4) lack CFS
# bandwidth control (--cpu).
BOARD_ARCH := armv6
BOARD_CFLAGS :=
BOARD_QEMU_CPU := arm1176
BOARD_PAGES := 4K
