# SPDX-License-Identifier: MIT
# Any x86-64 PC, server or VM (QEMU's pc machine and Debian's amd64 kernel
# in tests/qemu): the x86-64 baseline, no -march, so it runs on every
# 64-bit x86 CPU. Built into build/x86_64/, as make ARCH=x86_64 is.
# Pages: 4K.
BOARD_ARCH := x86_64
BOARD_CFLAGS :=
BOARD_QEMU_CPU :=
BOARD_PAGES := 4K
