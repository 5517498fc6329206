# SPDX-License-Identifier: MIT
# QEMU's virt machine with a Cortex-A15 (qemu-system-arm -M virt -cpu
# cortex-a15) and Debian's armmp kernel: the machine of the armhf system
# tests (tests/qemu). Plain Debian armhf code (ARMv7-A, Thumb-2,
# VFPv3-D16), as for any armhf board.
# Pages: 4K.
BOARD_ARCH := armhf
BOARD_CFLAGS :=
BOARD_QEMU_CPU := cortex-a15
BOARD_PAGES := 4K
