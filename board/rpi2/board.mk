# SPDX-License-Identifier: MIT
# Raspberry Pi 2 Model B v1.1: BCM2836, 4x Cortex-A7 (ARMv7-A, NEON,
# VFPv4), 32-bit. (The v1.2 board has the Pi 3's BCM2837 and runs this
# build too.)
# Pages: 4K.
# cgroups: memory controller off unless cmdline.txt has cgroup_enable=memory.
BOARD_ARCH := armhf
BOARD_CFLAGS := -mcpu=cortex-a7 -mfpu=neon-vfpv4 -mfloat-abi=hard
BOARD_QEMU_CPU := cortex-a7
BOARD_PAGES := 4K
