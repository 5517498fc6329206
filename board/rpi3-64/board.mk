# SPDX-License-Identifier: MIT
# Raspberry Pi 3 (B, B+, A+), Zero 2 W and CM3 with a 64-bit userland
# (Raspberry Pi OS arm64, Debian arm64): 4x Cortex-A53, ARMv8.0-A. The
# baseline of every 64-bit Pi: this build runs on the Pi 4 and 5 too.
# Pages: 4K (kernel8.img).
# cgroups: memory controller off unless cmdline.txt has cgroup_enable=memory.
BOARD_ARCH := aarch64
BOARD_CFLAGS := -mcpu=cortex-a53
BOARD_QEMU_CPU := cortex-a53
BOARD_PAGES := 4K
