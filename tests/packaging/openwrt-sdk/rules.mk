# SPDX-License-Identifier: MIT
# tests/packaging/openwrt-sdk/rules.mk: the part of OpenWrt's rules.mk that
# packaging/openwrt/hutch/Makefile uses, under OpenWrt's names. The
# toolchain variables (TARGET_CC, TARGET_CFLAGS, TARGET_LDFLAGS) and
# BUILD_DIR come from the command line (tests/packaging/20-openwrt.t).
INCLUDE_DIR := $(TOPDIR)/include
INSTALL_DIR := install -d -m0755
INSTALL_BIN := install -m0755
INSTALL_DATA := install -m0644
INSTALL_CONF := install -m0600
CP := cp -fpR
# OpenWrt's own meanings of these names (an ramips/mt7621 target), which
# must not reach hutch's Makefile as its ARCH and BOARD.
ARCH := mipsel
BOARD := ramips
export ARCH BOARD
