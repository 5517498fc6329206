# SPDX-License-Identifier: MIT
# QEMU's virt machine with a Cortex-A53 (qemu-system-aarch64 -M virt -cpu
# cortex-a53) and Debian's arm64 kernel: the machine of the arm64 system
# tests (tests/qemu).
# Pages: 4K (Debian's arm64 kernel).
# cgroups: v2 with every controller; cgroup_disable=memory on the kernel
# command line reproduces a Raspberry Pi's default.
BOARD_ARCH := aarch64
BOARD_CFLAGS := -mcpu=cortex-a53
BOARD_QEMU_CPU := cortex-a53
BOARD_PAGES := 4K
