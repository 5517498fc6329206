# SPDX-License-Identifier: MIT
# Raspberry Pi 3 (B, B+, A+), Zero 2 W and CM3 with a 32-bit userland
# (Raspberry Pi OS armhf): BCM2837/RP3A0, 4x Cortex-A53 in AArch32 state.
# Also right for a Pi 4 or 5 running a 32-bit userland: uname -m may say
# aarch64 there (64-bit kernel), yet the userland is armhf.
# Pages: 4K (kernel7.img; kernel8.img with a 32-bit userland is 4K too).
# cgroups: memory controller off unless cmdline.txt has cgroup_enable=memory.
BOARD_ARCH := armhf
BOARD_CFLAGS := -mcpu=cortex-a53 -mfpu=neon-fp-armv8 -mfloat-abi=hard
# qemu-arm has no Cortex-A53 model; "max" is an ARMv8 core in AArch32 state.
BOARD_QEMU_CPU := max
BOARD_PAGES := 4K
