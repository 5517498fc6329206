# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Scenario hutch_test=systemdv1 (tests/qemu/90-amd64-systemd.t), booted
# with systemd.unified_cgroup_hierarchy=0: systemd 252 on cgroup v1 (its
# hybrid tree, as Debian 11 and Raspberry Pi OS bullseye boot), the
# scenario of systemd.sh, whose second stage reads the v1 files when
# /sys/fs/cgroup is no cgroup2.
# shellcheck source=tests/qemu/guest/systemd.sh
. /tests/systemd.sh
