# SPDX-License-Identifier: MIT
# Raspberry Pi 4 Model B, Pi 400 and CM4: BCM2711, 4x Cortex-A72, 64-bit
# userland (for a 32-bit one, use rpi3-32).
# Pages: 4K (kernel8.img).
# cgroups: Raspberry Pi OS Bookworm runs cgroup v2; the memory controller
# is off unless cmdline.txt has cgroup_enable=memory.
BOARD_ARCH := aarch64
BOARD_CFLAGS := -mcpu=cortex-a72
BOARD_QEMU_CPU := cortex-a72
BOARD_PAGES := 4K
