# SPDX-License-Identifier: MIT
# Raspberry Pi 5 and CM5: BCM2712, 4x Cortex-A76 (ARMv8.2-A), 64-bit.
# Pages: 16K. Raspberry Pi OS boots kernel_2712.img, built with 16K pages;
# a binary whose segments are aligned to 4K dies there with SIGSEGV. Every
# hutch build is linked with 64 KiB alignment (toolchain.mk) and make
# boards checks it, so this build, and any other aarch64 one, runs on the
# 16K kernel as on the 4K kernel8.img (kernel=kernel8.img in config.txt).
# cgroups: v2, with CFS bandwidth; memory controller as on the other Pis.
BOARD_ARCH := aarch64
BOARD_CFLAGS := -mcpu=cortex-a76
BOARD_QEMU_CPU := cortex-a76
BOARD_PAGES := 16K
