# SPDX-License-Identifier: MIT
# hutch - a tiny static init and sandbox for services on small Linux devices.
#
#   make            build build/$(ARCH)/hutch and print its size, and which
#                   symbols grew or shrank since the last build (tools/bloat.sh)
#   make ARCH=aarch64   armhf, armv6, mipsel, mips, riscv64, s390x, ... (toolchain.mk)
#   make BOARD=rpi4     build/rpi4/hutch, with the flags of board/rpi4/board.mk
#   make PROFILE=tiny   build/$(ARCH)-tiny/hutch: the features of configs/tiny.config
#                       (full, router, tiny; HUTCH_CONFIG=path for your own)
#   make boards     every board, each binary checked, and a size table
#   make toolchain  install the compiler of ARCH (toolchains: every ARCH)
#   make check      build and run every test (installs what it needs, as root)
#   make check-oci  hutch oci against runc (tests/oci), as root
#   make demo       show what hutch does, in a bounded run
#   make rootfs     build/$(ARCH)/rootfs: rootfs-skel + BusyBox (BUSYBOX=path)
#   make initramfs  build/$(ARCH)/initramfs.cpio.gz: hutch, BusyBox, an /init
#   make install    DESTDIR=, PREFIX= (default /usr/local)
#   NOSTRIP=1       link without -s (a distribution strips and keeps the symbols)
#   make lint       cppcheck and clang-tidy
#   make docs       regenerate the option docs from src/config/options.def
#   V=1             show the commands

.DEFAULT_GOAL := all
include toolchain.mk

VERSION := 0.1.0
comma := ,
PREFIX ?= /usr/local
# The goal is 40 KiB, which the core alone met (36 KiB); cgroups, the kernel
# probe and the hardening took it past that (docs/design.md, "Size", has
# the cost of each). make check holds a ceiling against regressions. It was
# 88 KiB while the sandbox boundary and the PID-1 semantics (issues 11 and
# 12) land, security and correctness first: the six pieces measured 66,712
# (signals, restarts) -> 71,640 (the pty relay) -> 75,048 (mounts by
# descriptor) -> 79,432 (device allow-list, limits) -> 82,952 (trusted
# paths) -> 86,520 bytes (the line-based output copy, --daemon-settle).
# That is over the 72 KiB issue 11 allowed; the architecture work (issue
# 14: build-time profiles, generated tables) is what brings it back down.
# Issue 13 items 1 and 4 (wip/statedir) took it to 94 KiB: the state
# directory chosen among candidates (86,520 -> 89,800), the start's
# refusals as shared functions (-> 90,216), hutch check running them
# all, with the image walk, --output's file, --log and where state goes
# (-> 94,504 bytes). Issue 13's groups, hutch exec and hutch status
# (wip/exec) add 8 KiB on their own: 86,520 -> 87,320 (supplementary
# groups) -> 92,888 (exec) -> 94,616 bytes (status's host pids and
# cgroup usage, the help lines, exec's pty); exec is built with the
# control commands (HUTCH_CONTROL). All four together: 103,544 bytes.
# hutch restart --rebuild (issue 13 item 10, wip/rebuild), measured
# against main (6fda4f5) built from the same path: 103,608 -> 107,008
# bytes (+3,400: the launcher's second start, the re-parse judged by the
# start's checks, the queued request and its answer); router 86,888 ->
# 90,392; aarch64 114,120 -> 117,712, router 95,744 -> 99,584; tiny,
# without the control commands, 62,104 -> 62,584 (aarch64 68,848 ->
# 69,296). The budgets below moved by as much, a margin of about 1.5 KiB
# kept.
# Readiness (issue 15.1, HUTCH_READY: the notify socket, --ready fd:N,
# the forward to systemd, status's lines) took it to 107,960 (+4,416; on
# aarch64 114,056 -> 118,760): the ceiling rises by 3 KiB to 107 KiB
# (118 KiB on aarch64). Without the feature, PID 1's loop on a signalfd
# and the options' rows cost tiny +464 and router +576 bytes on x86_64
# (+320 and +576 on aarch64), within their budgets (docs/design.md, "Size").
# Both together, with the filter that follows --cap-keep: full 111,552
# (aarch64 122,512), router 91,208, tiny 63,080 bytes.
SIZE_GOAL := 40960

# A recipe that fails (or is interrupted) removes its target: an interrupted
# link once left a 0-byte hutch that the next make took as up to date.
.DELETE_ON_ERROR:

# --- Profiles: which optional features are built (configs/*.config) -----------
# make PROFILE=tiny, or HUTCH_CONFIG=path for a board's own file; a board
# may name one in its board.mk (BOARD_PROFILE := router). The default is
# full, every feature. Each feature is its own files (FEATURE_SRCS), left
# out of the link when off; its header then gives static inline stubs,
# chosen by the -DHUTCH_<FEATURE>=0|1 flags made here (src/config/profile.h), so
# no caller carries an #if. A profile builds in a directory of its own,
# build/<arch or board>-<profile>, so objects of two profiles never mix;
# the default one (full, or the board's) keeps build/<arch or board>.
ifeq ($(origin HUTCH_CONFIG),undefined)
HUTCH_CONFIG := configs/$(or $(PROFILE),$(BOARD_PROFILE),full).config
endif
ifeq ($(wildcard $(HUTCH_CONFIG)),)
$(error HUTCH_CONFIG=$(HUTCH_CONFIG): no such file; profiles: $(patsubst configs/%.config,%,$(wildcard configs/*.config)))
endif
include $(HUTCH_CONFIG)
override PROFILE := $(basename $(notdir $(HUTCH_CONFIG)))
PROFILES := full router tiny
FEATURES := SECCOMP USERNS OUTPUT TTY CONTROL CHECK DAEMON DEVICES LIMITS BOOTLIMIT HELP READY LIVENESS IMAGE OCI
FEATURE_SRCS.SECCOMP := src/seccomp/bpf.c src/seccomp/seccomp.c src/seccomp/seccomp_audit.c src/config/options_seccomp.c
FEATURE_SRCS.USERNS := src/userns/userns.c
FEATURE_SRCS.OUTPUT := src/output/output.c src/config/options_output.c
FEATURE_SRCS.TTY := src/tty/pty.c
FEATURE_SRCS.CONTROL := $(addprefix src/control/,control.c control_status.c exec.c) src/host/rebuild.c \
	src/state/exec_profile.c src/lib/json_write.c src/cgroup/cgroup_usage.c
FEATURE_SRCS.CHECK := src/check/check.c
FEATURE_SRCS.DAEMON := src/daemon/daemon.c
FEATURE_SRCS.DEVICES := src/cgroup/cgroup_devices.c src/config/options_devices.c
FEATURE_SRCS.LIMITS := src/cgroup/cgroup_memory_pids.c src/cgroup/cgroup_knobs.c src/config/options_knobs.c
FEATURE_SRCS.BOOTLIMIT := src/bootlimit/bootlimit.c
FEATURE_SRCS.READY := src/ready/ready.c src/ready/ready_upstream.c src/config/options_ready.c
FEATURE_SRCS.LIVENESS := src/liveness/liveness.c src/pid1/liveness_run.c src/pid1/liveness_check.c src/config/options_liveness.c
FEATURE_SRCS.IMAGE := src/image/image.c src/image/image_mount.c src/config/options_image.c
FEATURE_SRCS.OCI := $(addprefix src/oci/,oci.c oci_create.c oci_config.c oci_linux.c oci_ns.c oci_cpu.c oci_hooks.c oci_walk.c \
	oci_init.c oci_state.c oci_exec.c oci_seccomp.c oci_cgmount.c oci_userns.c oci_devices.c \
	oci_sdbus.c oci_systemd.c) src/seccomp/seccomp_oci.c
# Unit tests of a feature's own code, built only with it.
FEATURE_UNITS.SECCOMP := tests/unit/seccomp.c
FEATURE_UNITS.BOOTLIMIT := tests/unit/bootlimit.c
FEATURE_UNITS.READY := tests/unit/ready.c
FEATURE_UNITS.LIVENESS := tests/unit/liveness.c
FEATURE_UNITS.CONTROL := tests/unit/json_write.c
FEATURE_UNITS.OCI := tests/unit/seccomp_oci.c tests/unit/sdbus.c
$(foreach f,$(FEATURES),$(if $(filter-out y n,$(strip $(HUTCH_$(f)))),\
	$(error HUTCH_$(f) is '$(strip $(HUTCH_$(f)))' in $(HUTCH_CONFIG) (or the command line): y or n)))
feature_off = $(filter-out y,$(strip $(HUTCH_$(1))))
FEATURES_OFF := $(foreach f,$(FEATURES),$(if $(call feature_off,$(f)),$(f)))
# A feature set on the command line (Buildroot's options, make
# HUTCH_SECCOMP=n) makes another build than the file's: its name says so,
# in the refusals, --version and the build directory.
ifneq ($(strip $(foreach f,$(FEATURES),$(filter command line,$(origin HUTCH_$(f))))),)
override PROFILE := $(PROFILE)-custom
endif
FEATURE_CFLAGS := -DHUTCH_PROFILE='"$(PROFILE)"' \
	$(foreach f,$(FEATURES),-DHUTCH_$(f)=$(if $(call feature_off,$(f)),0,1))
ifneq ($(PROFILE),$(or $(BOARD_PROFILE),full))
BUILD := $(BUILD)-$(PROFILE)
endif
BIN := $(BUILD)/hutch

# Size budgets per profile and ARCH, checked by check-size and
# check-profiles: full x86_64 has the ceiling above; the others were
# measured when the profiles came (docs/design.md, "Profiles") and again
# after the state directory, hutch check's refusals, groups and exec were
# merged (router 70,120 -> 86,824, tiny 56,488 -> 62,056 on x86_64); a
# margin of about 1.5 KiB. Another (profile, ARCH) is reported, not held.
# Raised for --cpuset, --io-weight, --io-max and --memory-high (issue
# 15.6/15.7, wip/cgknobs), measured before -> after: x86_64 full 103,608
# -> 109,112, router 86,888 -> 92,056, tiny 62,104 -> 63,048 (the option
# rows and controller names every profile knows, to refuse them);
# aarch64 full 114,120 -> 120,000, router 95,744 -> 101,312, tiny 68,848
# -> 69,824; then --pressure-restart (the PSI trigger, the launcher's
# poll of it, PID 1's kill, the rootless refusal): x86_64 full 111,648,
# router 94,376, tiny 63,256; aarch64 full 122,384, router 103,488, tiny
# 70,000
# (docs/design.md, "Size"). Merged with readiness and --rebuild: x86_64
# full 119,552, router 98,648, tiny 64,184; aarch64 full 130,792, router
# 108,160, tiny 70,832 bytes.
# --boot-limit (issue 15.3, HUTCH_BOOTLIMIT, in full and router),
# measured against its branch's base: x86_64 full 103,608 -> 109,184,
# router 86,888 -> 92,240; aarch64 full 114,120 -> 120,048, router 95,744
# -> 101,376 (the record's parse, read and durable write, the launcher's
# pipe and timer, the records covered inside, hutch reset, status's and
# check's lines, and 1.7 KiB of messages); tiny, without it, +384.
# All of this session's merges together (readiness, --rebuild, the
# cgroup knobs and PSI, --boot-limit): x86_64 full 125,088, router
# 103,888, tiny 64,712; aarch64 full 136,608, router 113,576, tiny 71,280.
# Liveness (issue 15.2, HUTCH_LIVENESS, full only: --watchdog's keys on
# the notify socket, --health's check, the deadlines, status's line,
# check's /bin/sh line): x86_64 full 125,088 -> 130,064 (+4,976), aarch64
# 136,608 -> 141,528 (+4,920): full's ceilings rise by 4.5 KiB. Router (+544) and tiny
# (+272) pay the option rows they refuse and the notify socket's poll.
# Image roots and the overlay (issue 15.4, HUTCH_IMAGE, in full and
# router: squashfs images are a router's way of shipping a service),
# measured against that: x86_64 full 125,088 -> 132,768 (+7,680), router
# 103,888 -> 111,480 (+7,592), tiny (without it) +272; aarch64 full
# 136,608 -> 144,600, router 113,576 -> 121,512, tiny 71,280 -> 71,568
# (the magic and superblock checks, the trusted open with its symlink
# hops, the loop device with its pre-5.8 fallback, the stage, the
# overlay's layers and lock, the refusals naming CONFIG_ options, check's
# lines); the budgets rose by 7.5 KiB (full) and 8 KiB (router), the
# usual margin of about 1.5 KiB kept.
# Both together (liveness and the image roots) measured after the merge:
# see the budgets' commit message.
# Exit causes and status --json (issue 15.5, core; --json in control):
# x86_64 full 125,088 -> 132,080, router 103,904 -> 111,032, tiny 64,712
# -> 66,888; aarch64 full 136,664 -> 144,088, router 113,640 -> 121,128,
# tiny 71,280 -> 73,408 (the cause table and words, the status file's new
# keys, the per-run OOM count, the kmsg audit lookup, the JSON writer).
# The three together, and the state directory's lock: see the merge's
# commit message for the sizes.
# hutch oci (issue 16, HUTCH_OCI, full only: config.json's reader and
# mapping with a refusal naming each field it cannot map, create/start/
# state/kill/delete/exec/ps/list/features, --console-socket, the
# container's init), measured against its base: x86_64 full 125,088 ->
# 157,424 (+32,336; 125,792 with HUTCH_OCI=n: the shared hooks cost
# 704), aarch64 136,608 -> 173,152; router and tiny (without it) +800
# and +640 on x86_64, +1,168 and +856 on aarch64 (the usage line, the
# hooks), within their budgets. The full budgets rise by 32 KiB
# (x86_64) and 37 KiB (aarch64), about 1.5 KiB of margin kept.
# All of issue 15's merges and hutch oci together: measured after the
# merge (its commit message has the sizes).
# --health's keeper (liveness_check.c: the check's child subreaper, which
# kills all the check started): x86_64 full 179,520 -> 180,224 (+704),
# exactly its budget, aarch64 full 195,944 -> 196,672 (+728), 64 bytes
# over: both full budgets rise by 1 KiB. Router and tiny (without
# liveness) do not change.
# hutch exec and hutch oci create/exec from a sealed memfd copy of
# themselves (src/lib/selfexec.c, CVE-2019-5736's pattern): +960 bytes on
# x86_64 full (179,520 -> 180,480), +928 router (121,704 -> 122,632),
# +1,024 aarch64 full (195,944 -> 196,968), +960 aarch64 router
# (132,552 -> 133,512); tiny has no exec and is unchanged. The three budgets it
# passed rise by 1 KiB each.
# Both merged (the keeper and the sealed copy, 2026-12-03): the full
# budgets rise by one more KiB each, so that each keeps about 1 KiB of margin.
# hutch oci joins namespaces by path (oci_ns.c): full 179,520 -> 180,800
# (+1,280: the nsfs check, setns, its messages) on x86_64, 195,944 ->
# 197,288 (+1,344) on aarch64; both full budgets rise by 2 KiB (about
# 1.4 KiB of margin kept), router and tiny unchanged (same bytes).
# linux.sysctl (oci_ns.c): full 180,800 -> 182,240 (+1,440) on x86_64,
# 197,288 -> 198,896 (+1,608) on aarch64 (runc's rule, the key check,
# the writes, their messages); both full budgets rise by 2 KiB again.
# linux.resources.cpu and memory.swap (oci_cpu.c; v1's values kept for
# cgroup_limits.c and cgroup_knobs.c outside struct config, so router and
# tiny keep their bytes): full 182,240 -> 183,760 (+1,520) on x86_64,
# 198,896 -> 200,376 (+1,480) on aarch64; both full budgets +2 KiB.
# hooks (oci_hooks.c: prestart, createRuntime, poststart, poststop, the
# state on a memfd, timeouts on a pidfd): full 183,760 -> 186,048
# (+2,288) on x86_64, 200,376 -> 202,920 (+2,544) on aarch64; both full
# budgets +2 KiB.
# All of them merged (2026-12-03, with the check's keeper, the sealed copy
# and the notify socket's defence): 187,536 bytes on x86_64 full, 204,536 on
# aarch64 before the notify defence (+528, +448); about 1.4 and 1.9 KiB of
# margin left after it.
# linux.seccomp (issue 16: seccomp_oci.c's compiler, every system call's
# name and its native and compat numbers from seccomp_syscalls.h, 7 KiB of
# it, and x32's numbers, oci_seccomp.c's reader, features' list): full
# 188,048 -> 204,384 (+16,336) on x86_64, its budget +16 KiB (~1.4 KiB of
# margin kept); router +32 (122,504 -> 122,536:
# seccomp_install's choice of program), tiny unchanged. aarch64 was not
# measured (no aarch64 toolchain on the machine of the change): its full
# budget rises by 16 KiB too, an estimate to check.
# hutch oci's bind flags, cgroup mounts and user namespaces (oci_linux.c,
# oci_cgmount.c, oci_userns.c, exec's join of the user namespace): full
# 188,048 -> 191,568 (+3,520) on x86_64; both full budgets rise by 3 KiB
# and 4 KiB (aarch64 not measured here: no aarch64 musl toolchain on this
# machine; estimated from x86_64 as the earlier oci steps ran, +10%).
# createContainer and startContainer hooks (the pause before the root
# switch, oci_hooks.c's pieces): 191,632 -> 192,752 (+1,120) on x86_64;
# both full budgets +1 KiB (aarch64 again not measured here).
# Both merged (2026-12-04), with the undo stack, kernel_calls.h and the
# state directory made already locked: measured full 210,304 x86_64 and
# 227,744 aarch64 (the estimates above were 16 and 5 KiB for aarch64:
# 39,000 bytes over main's 188,744 in all); router 123,128 and 134,328,
# tiny 69,080 and 76,040 (+576 and +728 over main: the undo stack,
# make_locked's rename): each budget about 1.5 KiB above.
# hutch oci's device list (linux.resources.devices' allow entries, any
# major, type a): full 210,304 -> 211,824 x86_64, 227,744 -> 229,272
# aarch64 (+1,520, +1,528); both full budgets +1.5 KiB.
# hutch oci's cgroupsPath forms (the own group per hierarchy, the record's
# group= lines) and memory swappiness, disableOOMKiller, kernel: full
# 211,272 -> 213,384 x86_64, 228,648 -> 231,240 aarch64 (+2,112,
# +2,592, measured against main's 5ae6e27 here); budgets +2 and +2.5 KiB.
# hutch oci's mount propagation (rootfsPropagation, mounts' propagation
# and atime words) and linux.devices (oci_devices.c, dev.c's nodes):
# full 211,272 -> 215,912 x86_64, 228,648 -> 233,304 aarch64 (+4,640,
# +4,656); both full budgets +4.5 KiB; router and tiny unchanged.
# Both merged (2026-12-05), with the cgroupsPath forms: measured full
# 218,360 x86_64, 236,368 aarch64; budgets about 1.7 KiB above.
# Case-variant keys refused (oci_walk.c respelled) and every log message
# one line (log.c one_line), measured against main's 3381f67 here: full
# 218,360 -> 219,000 x86_64 (aarch64 237,136); router 123,720 -> 123,864;
# tiny 69,592 -> 69,768 (+176, one_line; aarch64 76,440 -> 76,656): the
# tiny x86_64 budget +176, the others hold it.
# hutch oci's systemd cgroup paths (--systemd-cgroup, slice expansion,
# the refusal where systemd runs; four messages of one line each): full
# 219,672 -> 221,336 x86_64, 237,904 -> 239,576 aarch64 (+1,664, +1,672);
# both full budgets +1,664 and +2,048.
# Namespaces left out of linux.namespaces (the host's pid, ipc, uts):
# full 221,304 -> 221,816 x86_64, 239,576 -> 240,208 aarch64 (+512,
# +632); both full budgets +512 and +640.
# The options final once parsed (options_complete: the host paths made
# absolute at the parse's end, not in preflight_host; --root as written
# kept), measured against main's f4e4563 here: full 219,672 -> 219,704
# x86_64 (aarch64 237,904, unchanged); router 123,880 -> 123,912 (aarch64
# 135,088 -> 135,152); tiny 69,768 unchanged (aarch64 76,656 -> 76,680):
# the router x86_64 budget +32, the others hold it.
# After the second outside review: delete and kill --all KILL end every
# process of the groups round after round, the runtime's own namespace
# by path taken as the host's, Bidirectional refused: full 222,248 ->
# 223,256 x86_64, 240,240 -> 241,456 aarch64 (+1,008, +1,216); budgets
# +1,408 and +1,152.
# The usage lines per feature (--help offers only the commands built):
# full 223,256 -> 223,448 x86_64, 241,456 -> 241,624 aarch64 (+192,
# +168); router 123,928 -> 123,816, 135,152 -> 135,000; tiny 69,752 ->
# 68,616, 76,720 -> 75,568 (-1,136, -1,152): both tiny budgets -1,136.
# --systemd-cgroup where systemd runs (issue 16): a D-Bus client of
# systemd's private socket (src/oci/oci_sdbus.c, oci_systemd.c) that has
# the container's scope made, reset when its job failed, and stopped,
# and the limits written again after: full 223,256 -> 230,776 x86_64,
# 241,456 -> 250,352 aarch64 (+7,520, +8,896); budgets +7,424 and +8,832
# (set at 230,616 and 250,200; they still hold).
# Merged with kill --all's rounds for every signal (+304) and the usage
# lines per feature (+192): full 231,192 x86_64, 250,848 aarch64;
# budgets 231,424 and 251,136.
# The outside review's fixes (the scope stopped on a failed create, a
# failed unit of the name reset, MemoryLow, MemorySwapMax,
# CPUQuotaPeriodUSec, TasksMax infinity) and v1's DevicePolicy=strict
# with the container's DeviceAllow list: full 235,848 x86_64 (a page
# crossed), 255,536 aarch64; budgets 236,288 and 256,000.
# The seccomp filter as a binary search on the number (seccomp.c's
# answers and tree, bpf.c's runs shared with hutch oci's compiler): its
# install at every start and restart 0.19 -> 0.09 ms (bench/analysis.md);
# full 235,848 -> 236,792 x86_64, 255,536 -> 256,728 aarch64 (+944,
# +1,192), router 123,816 -> 124,728 and 135,000 -> 136,048 (+912,
# +1,048), tiny (without seccomp) unchanged: the four budgets +1,024.
# The search moved to bpf.c for hutch oci's profiles too (the sort that
# keeps a number's first rule, the long halves behind BPF_JA): full
# 237,032 x86_64 and 257,048 aarch64, router 125,000 and 136,432; the
# full budgets +256 and +512, router x86_64 +480.
SIZE_BUDGET.full.x86_64 := 237568
SIZE_BUDGET.router.x86_64 := 125440
SIZE_BUDGET.tiny.x86_64 := 68672
SIZE_BUDGET.full.aarch64 := 257536
SIZE_BUDGET.router.aarch64 := 136704
SIZE_BUDGET.tiny.aarch64 := 76688
SIZE_BUDGET = $(SIZE_BUDGET.$(PROFILE).$(ARCH))

# src/ is laid out by process (docs/design.md, "Source layout"): main.c,
# then one folder each for lib, config, state, host, pid1 and every
# optional feature. Headers keep unique names and are included bare
# ("log.h"): every folder is on the include path.
# The link takes them in the order of their names, as when src/ was
# flat: LTO's partitions follow it, and with them the size by some bytes.
SRC_FILES := $(wildcard src/*.c src/*/*.c)
ALL_SRCS := $(foreach n,$(sort $(notdir $(SRC_FILES))),$(filter %/$(n),$(SRC_FILES)))
ALL_HDRS := $(wildcard src/*.h src/*/*.h)
SRC_DIRS := $(sort $(patsubst %/,%,$(dir $(ALL_SRCS) $(ALL_HDRS))))
SRC_INCLUDES := $(addprefix -I,$(SRC_DIRS))
SRCS := $(filter-out $(foreach f,$(FEATURES_OFF),$(FEATURE_SRCS.$(f))),$(ALL_SRCS))
OBJS := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(filter-out $(foreach f,$(FEATURES_OFF),$(FEATURE_UNITS.$(f))),$(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%.t)

# Packages `make check` needs beyond the toolchain: BusyBox for the test
# root, perl for prove, cppcheck and clang-tidy for lint, gcc's sanitizer
# runtimes and valgrind for the memory checks; the integration tests look
# from the host with procps (pgrep, ps), util-linux (unshare, nsenter,
# ipcmk), bsdutils (script) and groff (the man page); binutils for readelf;
# the kernel's syscall headers of every architecture for seccomp's tables
# (SECCOMP_HDR_PKGS); tini and dumb-init, the oracles of the signal tests
# (52-signals-peers.t), of the leftovers' SIGTERM (62-restart-wait.t) and
# of job control; strace, which holds hutch stop in its signal call
# (70-trusted-paths.t); squashfs-tools, erofs-utils and e2fsprogs, which
# build the image roots of 21-image-root.t from the BusyBox rootfs.
SECCOMP_HDR_PKGS := $(foreach a,amd64 arm64 armhf mips powerpc s390x riscv64 m68k sh4,linux-libc-dev-$(a)-cross)
CHECK_PKGS := $(TOOLCHAIN_PKGS) busybox-static perl cppcheck clang-tidy gcc \
	libasan8 libubsan1 valgrind procps util-linux bsdutils groff-base binutils \
	linux-libc-dev $(SECCOMP_HDR_PKGS) clang libclang-rt-14-dev tini dumb-init \
	strace squashfs-tools erofs-utils e2fsprogs jq

# src/seccomp/seccomp_table.h and seccomp_syscalls.h (every name, for hutch
# oci), generated from the kernel's UAPI headers of every architecture musl
# supports (tools/gen/seccomp-tables.sh; the output is committed,
# tests/integration/45-seccomp-tables.t regenerates and diffs).
seccomp-tables:
	$(Q)tools/deps.sh $(SECCOMP_HDR_PKGS)
	$(Q)tools/gen/seccomp-tables.sh src/seccomp/seccomp_table.h src/seccomp/seccomp_syscalls.h

# src/lib/capabilities.h: every capability's number and name, generated from
# the kernel's <linux/capability.h> (the toolchain's, else the host's;
# tools/gen/capabilities.sh; the output is committed,
# tests/static/capabilities.t regenerates it and diffs).
CAP_HEADER = $(or $(wildcard $(UAPI)/linux/capability.h),/usr/include/linux/capability.h)
capabilities: all
	$(Q)tools/gen/capabilities.sh $(CAP_HEADER) src/lib/capabilities.h

ifeq ($(V),1)
Q :=
else
Q := @
endif

all: $(BIN)

# A change of compiler or flags (in these files, CFLAGS=..., or another
# BOARD of the same ARCH in the same directory) rebuilds everything: the
# objects depend on $(BUILD)/flags, rewritten only when the flags differ.
FLAGS := $(CC) $(HUTCH_CFLAGS) $(FEATURE_CFLAGS) $(SRC_INCLUDES) $(CFLAGS) $(LDFLAGS) $(HUTCH_LDFLAGS)
ifneq ($(FLAGS),$(file <$(BUILD)/flags))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/flags,$(FLAGS))
endif

$(BUILD)/obj/%.o: src/%.c Makefile toolchain.mk $(BUILD)/flags | toolchain-check
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(HUTCH_CFLAGS) $(FEATURE_CFLAGS) $(SRC_INCLUDES) $(CFLAGS) -DHUTCH_VERSION='"$(VERSION)"' -c -o $@ $<

# The link keeps its symbols, in $@.syms (with NOSTRIP=1 in $@ itself),
# and $@ is strip(1)'s copy of it: byte for byte what -s at the link made
# (compared on x86_64 and i386), while the symbols stay for the size
# report. Then tools/bloat.sh prints which symbols grew or shrank since
# the previous build of this directory (kept in $@.prev-nm), nothing when
# none did. strip and nm are the compiler's own, for its ARCH; STRIP=
# or NM= on the command line win (not from the environment, where a
# STRIP may be a build system's sstrip, which would change the binary).
SYMS = $(if $(NOSTRIP),$(BIN),$(BIN).syms)
CC_TOOL = $(if $(filter command line,$(origin $(1))),$($(1)),$$($(CC) -print-prog-name=$(2)))
$(BIN): $(OBJS)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LTO_CFLAGS) $(CFLAGS) $(LDFLAGS) $(HUTCH_LDFLAGS) -o $(SYMS) $(OBJS)
	$(if $(NOSTRIP),,$(Q)"$(call CC_TOOL,STRIP,strip)" -s -o $@ $(SYMS))
	@printf '#include <features.h>\n#ifdef __GLIBC__\nglibc\n#endif\n' | \
	 $(CC) -E -P -x c - 2>/dev/null | grep -qx glibc && echo "  NOTE    $(CC) links glibc:" \
	 "a static glibc hutch works, but is about ten times the size of a musl one" \
	 "(musl-gcc, or tools/musl-clang for clang)" || :
	@size=$$(stat -c %s $@); \
	 echo "  SIZE    $@: $$size bytes ($(ARCH)$(if $(BOARD),$(comma) board $(BOARD)), profile $(PROFILE)$(if \
	 $(SIZE_BUDGET),$(comma) budget $(SIZE_BUDGET)))"; \
	 [ -z "$(SIZE_BUDGET)" ] || [ $$size -le $(SIZE_BUDGET) ] || \
	 echo "  WARNING $@ is over the size budget of $(SIZE_BUDGET) bytes"
	@NM="$(call CC_TOOL,NM,nm)" tools/bloat.sh $(SYMS) $@ || \
	 echo "  NOTE    no per-symbol size report (tools/bloat.sh failed)"

# The budgets hold for the default flags; `make check` enforces them for
# every profile on this ARCH (check-size) and for router and tiny on
# aarch64 too (check-profiles). size-budget: this build's alone.
size-budget: $(BIN)
	@size=$$(stat -c %s $(BIN)); [ -z "$(SIZE_BUDGET)" ] || [ $$size -le $(SIZE_BUDGET) ] || \
	 { echo "hutch: $(BIN) is $$size bytes, over its budget of $(SIZE_BUDGET) ($(PROFILE), $(ARCH))"; exit 1; }

check-size:
	$(Q)for p in $(PROFILES); do \
	  $(MAKE) --no-print-directory HUTCH_CONFIG=configs/$$p.config all size-budget || exit 1; done

# The smaller profiles, as CI builds them: router and tiny for x86_64 and
# aarch64, each within its budget, each through check-qemu-user: what
# check-build holds every binary to (static, 64 KiB segments, the ARCH's
# ELF machine and flags, --version runs), its unit tests and
# tests/cross/qemu-user.t's real sandboxes (under qemu-user for aarch64,
# native for x86_64; what the profile has), then the seed's job
# done for real by the tiny and the router binary of this machine
# (tests/profiles: a config file, the root switch into the test rootfs, a
# CPU limit, respawn with backoff, a clean stop). Needs root.
PROFILE_CHECK_ARCHS := x86_64 aarch64
check-profiles:
	$(Q)tools/deps.sh qemu-user-static binutils
	$(Q)$(MAKE) --no-print-directory BOARD= ARCH=$(HOST_ARCH) HUTCH_CONFIG=configs/full.config rootfs
	$(Q)for a in $(PROFILE_CHECK_ARCHS); do \
	  $(MAKE) --no-print-directory BOARD= ARCH=$$a toolchain >/dev/null || exit 1; \
	  for p in tiny router; do \
	    $(MAKE) --no-print-directory BOARD= ARCH=$$a HUTCH_CONFIG=configs/$$p.config \
	      all size-budget check-qemu-user || exit 1; done; done
	$(Q)for p in tiny router; do \
	  HUTCH=$(CURDIR)/build/$(HOST_ARCH)-$$p/hutch ROOTFS=$(CURDIR)/build/$(HOST_ARCH)/rootfs \
	    prove tests/profiles/*.t || exit 1; done

$(BUILD)/tests/%.t: tests/unit/%.c tests/unit/tap.h $(LIB_OBJS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) $(HUTCH_CFLAGS) $(FEATURE_CFLAGS) -Wno-write-strings $(CFLAGS) $(LDFLAGS) $(HUTCH_LDFLAGS) $(SRC_INCLUDES) \
		-o $@ $< $(LIB_OBJS)

# A static BusyBox of ARCH: this machine's busybox-static, or for another
# ARCH that Debian architecture's, unpacked from its .deb (it cannot be
# installed beside this machine's: both are /bin/busybox). mkrootfs.sh and
# mkinitramfs.sh list its applets through qemu-user, on its default CPU:
# Debian's mipsel BusyBox has FPU instructions (a router's kernel emulates
# them; qemu-user's FPU-less 24Kc cannot).
ifeq ($(ARCH),$(HOST_ARCH))
BUSYBOX ?= /bin/busybox
endif
BUSYBOX_OF_ARCH = $(or $(BUSYBOX),$$(tools/debfile.sh busybox-static:$(DEB_ARCH) bin/busybox build/debs))

rootfs: $(BUILD)/rootfs/.hutch-rootfs

$(BUILD)/rootfs/.hutch-rootfs: tools/mkrootfs.sh rootfs-skel/DIRS $(wildcard rootfs-skel/etc/*)
	$(Q)bb=$(BUSYBOX_OF_ARCH) && tools/mkrootfs.sh $(BUILD)/rootfs "$$bb" $(firstword $(RUN))

# An initramfs that boots straight into hutch: BusyBox at / and at /rootfs
# (a root for the services), hutch, INIT as /init, and the board's example
# configs in /etc/hutch, which INIT starts. No root rights needed.
INIT ?= board/initramfs-init
initramfs: $(BIN)
	$(Q)bb=$(BUSYBOX_OF_ARCH) && tools/mkinitramfs.sh $(BUILD)/initramfs.cpio.gz $(DEB_ARCH) \
		$(BIN) "$$bb" $(INIT) $(foreach c,$(wildcard board/$(BOARD)/*.conf),$(c):/etc/hutch/$(notdir $(c)))

deps:
	$(Q)tools/deps.sh $(CHECK_PKGS)

check: deps
	$(Q)$(MAKE) --no-print-directory WERROR=1 all unit-tests rootfs
	$(Q)$(MAKE) --no-print-directory WERROR=1 check-size check-unit check-memory check-integration check-oci \
		check-escape check-sanitize check-fuzz check-qemu lint check-cross check-init \
		check-compilers check-profiles check-static

unit-tests: $(UNIT_BINS)

# For another ARCH through qemu-user ($(RUN)).
check-unit: $(UNIT_BINS)
	prove -e '$(RUN)' $(UNIT_BINS)

# The fast loop while editing: the build, its size, the unit tests, the
# generated option docs, a source's layering and the docs' agreement with --help. No root, no network, nothing installed; a
# few seconds. `make check` is the whole suite.
test: all unit-tests
	$(Q)$(MAKE) --no-print-directory check-size check-unit check-static
	HUTCH=$(CURDIR)/$(BIN) prove tests/lib/tap-selftest.t tests/integration/99-docs.t

# The static checks: no root (tests/static: the generated option docs are
# what src/config/options.def makes; deps.t: the folders of src/ form a DAG
# in layers, from the includes and from nm of this build's objects;
# kernel-calls.t: no bare syscall( outside src/lib/kernel_calls.h;
# bloat.t: the size report's tool).
check-static: all
	@echo "OBJS='<the $(words $(OBJS)) objects>' prove tests/static/*.t"
	$(Q)OBJS='$(OBJS)' CAP_HEADER=$(CAP_HEADER) prove tests/static/*.t

# The option docs are generated from src/config/options.def by a host program
# (tools/gen/options-doc.c): docs/options.md's option table and hutch(8)'s
# OPTIONS entries, between their BEGIN and END options markers. Edit the
# rows, then `make docs` and commit both; check-static fails until then.
HOSTCC ?= cc
OPTIONS_DOC := build/host/options-doc
$(OPTIONS_DOC): tools/gen/options-doc.c src/config/options.def
	$(Q)mkdir -p $(@D)
	$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror $(SRC_INCLUDES) -o $@ $<

docs: $(OPTIONS_DOC)
	$(Q)for f in docs/options.md docs/hutch.8; do \
		tools/gen/options-doc.sh $(OPTIONS_DOC) $$f >$$f.new && mv $$f.new $$f || exit 1; done

# The unit tests again under AddressSanitizer + UBSan (built with the host's
# gcc and glibc: the sanitizers do not run on musl), then valgrind over the
# musl unit tests and the hutch binary's own option paths.
SAN_DIR := build/sanitize
SAN_BINS := $(UNIT_SRCS:tests/unit/%.c=$(SAN_DIR)/%.t)
$(SAN_DIR)/%.t: tests/unit/%.c tests/unit/tap.h $(filter-out src/main.c,$(ALL_SRCS))
	@mkdir -p $(@D)
	$(if $(Q),@echo "  ASAN    $@")
	$(Q)gcc -std=gnu11 $(WARNINGS) -Wno-write-strings -g -O1 -D_GNU_SOURCE \
		-fsanitize=address,undefined -fno-sanitize-recover=all $(SRC_INCLUDES) \
		-o $@ $< $(filter-out src/main.c,$(ALL_SRCS))

check-memory: $(SAN_BINS) $(UNIT_BINS) $(BIN)
	prove -e '' $(SAN_BINS)
	$(Q)for t in $(UNIT_BINS); do \
	  valgrind -q --error-exitcode=99 --leak-check=full $$t >/dev/null || { echo "valgrind: $$t"; exit 1; }; done
	$(Q)valgrind -q --error-exitcode=99 $(BIN) --help >/dev/null
	$(Q)valgrind -q --error-exitcode=99 $(BIN) --bogus 2>/dev/null; [ $$? -eq 125 ]
	@echo "valgrind: unit tests and option paths clean"

# tests/integration/helpers/nosys: runs a command as on an older kernel
# (22-mount-id.t: without statx).
NOSYS := $(BUILD)/tests/nosys
$(NOSYS): tests/integration/helpers/nosys.c Makefile toolchain.mk | toolchain-check
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 $(WARNINGS) $(UAPI_CFLAGS) -Os -static -o $@ $<

check-integration: $(BIN) rootfs $(NOSYS)
	HUTCH=$(CURDIR)/$(BIN) ROOTFS=$(CURDIR)/$(BUILD)/rootfs prove tests/lib/tap-selftest.t tests/integration/*.t

# hutch oci against runc, the oracle (tests/oci): the same bundles under
# both, state, exit status, pid file, kill, delete, the view inside, and
# hutch's refusals. Debian's runc; perl's JSON::PP edits and reads the
# JSON; python3 is the console socket's other side (tests/oci/helpers).
# Then the engines drive it, each case also under runc: Podman (with
# conmon; uidmap and slirp4netns are what it needs beside, script(1) of
# util-linux gives -t its pty) and containerd with ctr. Root.
# tests/oci/05-spec-names.t holds hutch's lists of the spec's names to
# config.go of golang-github-opencontainers-specs-dev (the spec Debian's
# runc is built with; no root, but here where the package is installed).
# Last, the opencontainers runtime-tools validation suite, every case
# under runc and under hutch (tests/oci/95-runtime-tools.t), built by
# tools/runtime-tools.sh from Debian's source tarball (curl, xz-utils)
# with Debian's Go and the Go packages it imports (RTOOLS_PKGS), offline,
# into build/runtime-tools (kept: a rebuild takes seconds).
OCI_PKGS := runc perl python3 podman conmon uidmap slirp4netns containerd util-linux strace \
	golang-github-opencontainers-specs-dev
RTOOLS_PKGS := curl xz-utils golang-go golang-github-blang-semver-dev golang-github-google-uuid-dev \
	golang-github-hashicorp-go-multierror-dev golang-github-mrunalp-fileutils-dev \
	golang-github-opencontainers-specs-dev golang-github-opencontainers-selinux-dev \
	golang-github-sirupsen-logrus-dev golang-github-stretchr-testify-dev golang-gocapability-dev \
	golang-github-urfave-cli-dev golang-github-xeipuuv-gojsonschema-dev golang-golang-x-sys-dev
RTOOLS_DIR := build/runtime-tools
RTOOLS := $(CURDIR)/$(RTOOLS_DIR)/gopath/src/github.com/opencontainers/runtime-tools
runtime-tools:
	$(Q)tools/deps.sh $(RTOOLS_PKGS)
	$(Q)tools/runtime-tools.sh $(RTOOLS_DIR)

# tests/oci/17-systemd-cgroup.t asks runc's own code where its systemd
# driver puts a container (runc refuses --systemd-cgroup without
# systemd): tools/runc-cgpaths.sh builds that from Debian's runc sources.
RUNC_CGPATHS := $(CURDIR)/build/runc-cgpaths/runc-cgpaths
runc-cgpaths:
	$(Q)tools/deps.sh $(RTOOLS_PKGS) runc
	$(Q)tools/runc-cgpaths.sh build/runc-cgpaths

check-oci: $(BIN) rootfs runtime-tools runc-cgpaths
	$(Q)tools/deps.sh $(OCI_PKGS)
	HUTCH=$(CURDIR)/$(BIN) ROOTFS=$(CURDIR)/$(BUILD)/rootfs RTOOLS=$(RTOOLS) \
		RUNC_CGPATHS=$(RUNC_CGPATHS) prove tests/oci/*.t

# --- Boards and other architectures ----------------------------------------------
# check-build: what every binary must be (tools/elfcheck.sh: static, 64 KiB
# segments, machine and ELF flags of ARCH), that it runs here (qemu-user
# with the board's CPU, so an instruction the CPU lacks fails), and that
# the board's example configs parse (hutch check: 0 or 1, never 125).
check-build: $(BIN)
	$(Q)tools/elfcheck.sh $(BIN) $(ELF_MACHINE) $(ELF_FLAGS)
	$(Q)$(RUN) $(BIN) --version >/dev/null || { echo "hutch: $(BIN) does not run$(if $(RUN), under $(RUN))"; exit 1; }
	$(Q)for c in $(wildcard board/$(BOARD)/*.conf); do \
	  $(RUN) $(BIN) check -f $$c >/dev/null 2>&1; [ $$? -ne 125 ] || { echo "hutch: $$c does not parse"; exit 1; }; done
	@printf '%-13s %-8s %-7s %-11s %6s\n' $(or $(BOARD),-) $(ARCH) $(BOARD_PAGES) $(or $(QEMU_CPU),native) \
	  $$(stat -c %s $(BIN)) >$(BUILD)/board.txt

# Boards of an ARCH whose musl is built from source (toolchain.mk: mips,
# riscv64) are built by `make board-NAME` (ath79), not in this loop yet.
SOURCE_BOARDS := $(foreach a,$(MUSL_SOURCE_ARCHS),$(patsubst board/%/board.mk,%,\
	$(shell grep -l '^BOARD_ARCH *:= *$(a)$$' board/*/board.mk)))
BOARDS := $(filter-out $(SOURCE_BOARDS),$(patsubst board/%/board.mk,%,$(wildcard board/*/board.mk)))
boards: $(BOARDS:%=board-%)
	@printf '%-13s %-8s %-7s %-11s %6s\n' board arch pages qemu-cpu bytes
	@cat $(BOARDS:%=build/%/board.txt)
	@echo "all static, 64 KiB-aligned, of the right machine and ELF flags; each ran --version"

board-%:
	$(Q)$(MAKE) --no-print-directory BOARD=$* ARCH= all check-build

toolchains:
	$(Q)for a in $(ARCHS); do $(MAKE) --no-print-directory BOARD= ARCH=$$a toolchain || exit 1; done

# Every other ARCH under qemu-user: its toolchain, its unit tests, and hutch
# itself (tests/cross: options, and real sandboxes on this machine's rootfs),
# then every board. Those whose musl is built from Debian's source first
# (mips, riscv64: tools/musl-source.sh) come too, the build about a
# minute each on this machine (issue 13 item 2: every new architecture
# in make check).
CROSS_ARCHS := $(filter-out $(HOST_ARCH),$(ARCHS))
# Escape tests (tests/escape): a static attacker, placed in a copy of the
# test root, tries each way out and must be stopped. Non-PIE: its int $0x80
# calls take 32-bit pointers. Native ARCH only.
PROBE := $(BUILD)/tests/probe
$(PROBE): tests/escape/probe.c Makefile toolchain.mk | toolchain-check
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 $(WARNINGS) -Os -static -no-pie -fno-pie -o $@ $<

# 45-race.t races an image owner against HUTCH_RACE_STARTS starts (2000,
# about a minute here).
check-escape: $(BIN) rootfs $(PROBE)
	HUTCH=$(CURDIR)/$(BIN) ROOTFS=$(CURDIR)/$(BUILD)/rootfs PROBE=$(CURDIR)/$(PROBE) \
		prove tests/escape/*.t

# The integration, escape and OCI tests again, against hutch itself built with
# AddressSanitizer and UBSan (gcc and glibc, dynamically linked: the
# sanitizers do not run on musl or static). Every real path runs so,
# launcher, PID 1 and the service's child up to its exec, in real
# namespaces; a report makes hutch exit 99 with the report on stderr, which
# fails the test that ran it. tests/sanitize/asan_options.c sets the
# defaults (LeakSanitizer off: hutch has no heap, and is not dumpable).
SAN_HUTCH := $(SAN_DIR)/hutch
$(SAN_HUTCH): $(ALL_SRCS) $(ALL_HDRS) tests/sanitize/asan_options.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  ASAN    $@")
	$(Q)gcc -std=gnu11 $(WARNINGS) -g -O1 -D_GNU_SOURCE -DHUTCH_VERSION='"$(VERSION)"' \
		-fsanitize=address,undefined -fno-sanitize-recover=all $(SRC_INCLUDES) \
		-o $@ $(ALL_SRCS) tests/sanitize/asan_options.c

# The runtime-tools suite is left out here: a second run of it would cost
# CI as many minutes again (docs/oci.md, "The runtime-tools validation suite").
check-sanitize: $(SAN_HUTCH) rootfs $(PROBE) $(NOSYS) runc-cgpaths
	$(Q)tools/deps.sh $(OCI_PKGS)
	HUTCH_RACE_STARTS=200 HUTCH=$(CURDIR)/$(SAN_HUTCH) ROOTFS=$(CURDIR)/$(BUILD)/rootfs PROBE=$(CURDIR)/$(PROBE) \
		NOSYS=$(CURDIR)/$(NOSYS) RUNC_CGPATHS=$(RUNC_CGPATHS) \
		prove tests/integration/*.t tests/escape/*.t $(filter-out tests/oci/95-runtime-tools.t,$(wildcard tests/oci/*.t))

# Fuzzing the option and config-file parser and the JSON reader
# (tests/fuzz): libFuzzer with ASan, UBSan and LeakSanitizer, on glibc.
# check-fuzz: 60 s for the options, 30 s for JSON; fuzz: FUZZ_TIME each.
FUZZ_DIR := build/fuzz
FUZZ_BIN := $(FUZZ_DIR)/options_fuzz
JSON_FUZZ_DIR := build/fuzz-json
JSON_FUZZ_BIN := $(JSON_FUZZ_DIR)/json_fuzz
FUZZ_SRCS := $(filter-out src/main.c,$(ALL_SRCS))
FUZZ_TIME ?= 1800
FUZZ_PKGS := clang libclang-rt-14-dev

$(FUZZ_BIN): tests/fuzz/options_fuzz.c $(FUZZ_SRCS) $(ALL_HDRS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang -std=gnu11 $(WARNINGS) -g -O1 -D_GNU_SOURCE $(SRC_INCLUDES) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(FUZZ_SRCS)

# The JSON reader alone: config.json is hostile input.
$(JSON_FUZZ_BIN): tests/fuzz/json_fuzz.c src/lib/json.c src/lib/json.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang -std=gnu11 $(WARNINGS) -g -O1 -D_GNU_SOURCE $(SRC_INCLUDES) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< src/lib/json.c

check-fuzz: $(FUZZ_BIN) $(JSON_FUZZ_BIN)
	$(Q)tests/fuzz/run.sh $(FUZZ_BIN) 60 $(FUZZ_DIR)
	$(Q)tests/fuzz/run.sh $(JSON_FUZZ_BIN) 30 $(JSON_FUZZ_DIR)

fuzz:
	$(Q)tools/deps.sh $(FUZZ_PKGS)
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BIN) $(JSON_FUZZ_BIN)
	$(Q)tests/fuzz/run.sh $(FUZZ_BIN) $(FUZZ_TIME) $(FUZZ_DIR)
	$(Q)tests/fuzz/run.sh $(JSON_FUZZ_BIN) $(FUZZ_TIME) $(JSON_FUZZ_DIR)

# QEMU system tests (tests/qemu/README.md): Debian's own kernels booted with
# an initramfs of BusyBox and hutch: amd64 (with the i386 hutch and BusyBox
# for the compat ABI), arm64 on virt/Cortex-A53 (with the armhf ones),
# armhf on virt/Cortex-A15, the armv6 (rpi0) build on QEMU's raspi0 and
# mipsel on the Malta with a 24Kc. Each is cgroup v2 for real, the root on
# the initramfs (MS_MOVE + chroot), cgroup_disable=memory and the seccomp
# filter; on amd64, image roots and overlays (70-amd64-image.t, with the
# kernel package's loop, squashfs, erofs and overlay modules) and hutch oci
# on cgroup v2 alone beside the host's runc (80-amd64-oci-v2.t), and
# hutch oci --systemd-cgroup beside runc where the host's systemd is the
# guest's PID 1 (90-amd64-systemd.t: systemd is in QEMU_PKGS, since a
# missing tool fails the test). The first run downloads the kernels into
# build/qemu/kernels.
# The hutch binaries and BusyBox roots of the other ARCHs are built here
# (toolchains installed as root, as check-cross does). A runtime report
# (build, kernels, initramfs, each boot) ends the output. On an x86_64
# build machine only: there every guest but amd64 runs under TCG.
QEMU_ARCHS := i386 aarch64 armhf armv6 mipsel
QEMU_PKGS := qemu-system-x86 qemu-system-arm qemu-system-mips qemu-user-static cpio gzip \
	binutils busybox-static perl squashfs-tools erofs-utils runc systemd
QEMU_REPORT := build/qemu/report.txt

check-qemu: $(BIN) rootfs
ifeq ($(ARCH) $(HOST_ARCH),x86_64 x86_64)
	$(Q)tools/deps.sh $(QEMU_PKGS)
	@mkdir -p $(dir $(QEMU_REPORT)) && : >$(QEMU_REPORT)
	$(Q)t=$$(date +%s); for a in $(QEMU_ARCHS); do \
	  $(MAKE) --no-print-directory BOARD= ARCH=$$a toolchain all rootfs || exit 1; done; \
	  printf '  %-26s %-32s %4s s\n' make "hutch and BusyBox: $(words $(QEMU_ARCHS)) ARCHs" \
	  $$(($$(date +%s) - t)) >>$(QEMU_REPORT)
	$(Q)t=$$(date +%s); echo "HUTCH=$(BIN) ROOTFS=$(BUILD)/rootfs prove --timer tests/qemu/*.t"; \
	  HUTCH=$(CURDIR)/$(BIN) ROOTFS=$(CURDIR)/$(BUILD)/rootfs \
	  HUTCH_QEMU_REPORT=$(CURDIR)/$(QEMU_REPORT) prove --timer tests/qemu/*.t; rc=$$?; \
	  printf '  %-26s %-32s %4s s\n' prove "tests/qemu/*.t, all of them" $$(($$(date +%s) - t)) \
	  >>$(QEMU_REPORT); \
	  echo "check-qemu: runtime report ($(QEMU_REPORT)):"; cat $(QEMU_REPORT); exit $$rc
else
	@echo "check-qemu: the QEMU boot tests run with ARCH=x86_64 on an x86_64 build machine"
endif

# The init-system glue (init/) and the packaging (packaging/): tests/init
# runs the sysvinit script against real sandboxes (dash and BusyBox ash),
# the procd script through a fake rc.common, the systemd unit through
# systemd-analyze verify; tests/packaging runs the Buildroot, OpenWrt and
# Yocto build commands with Debian's aarch64 and mipsel musl compilers
# behind wrappers named as those build systems name theirs. The BusyBox
# inittab line and the unit's cgroup arrangement boot in QEMU
# (tests/qemu/60-amd64-init.t, in check-qemu). About 10 s.
INIT_PKGS := shellcheck systemd rsync python3-kconfiglib busybox-static procps dash perl \
	binutils qemu-user-static
check-init: $(BIN) rootfs
	$(Q)tools/deps.sh $(INIT_PKGS)
	$(Q)for a in aarch64 mipsel; do \
	  $(MAKE) --no-print-directory BOARD= ARCH=$$a toolchain >/dev/null || exit 1; done
	HUTCH=$(CURDIR)/$(BIN) ROOTFS=$(CURDIR)/$(BUILD)/rootfs prove --timer tests/init/*.t tests/packaging/*.t

# The compilers a board owner or a distribution brings (tests/build): GCC
# 12 and 11 through musl-gcc, clang with musl (tools/musl-clang) and plain
# clang (glibc), each with -Werror, each binary running a sandbox.
COMPILER_PKGS := musl-tools gcc-11 clang libclang-rt-14-dev
check-compilers: rootfs
	$(Q)tools/deps.sh $(COMPILER_PKGS)
	ROOTFS=$(CURDIR)/$(BUILD)/rootfs prove tests/build/*.t

check-cross:
	$(Q)tools/deps.sh qemu-user-static binutils
	$(Q)$(MAKE) --no-print-directory BOARD= ARCH=$(HOST_ARCH) rootfs
	$(Q)for a in $(CROSS_ARCHS); do \
	  $(MAKE) --no-print-directory BOARD= ARCH=$$a toolchain check-qemu-user || exit 1; done
	$(Q)$(MAKE) --no-print-directory boards

check-qemu-user: check-build check-unit
	HUTCH=$(CURDIR)/$(BIN) RUN='$(RUN)' ARCH=$(ARCH) ROOTFS=$(CURDIR)/build/$(HOST_ARCH)/rootfs \
		prove tests/cross/qemu-user.t

demo:
	$(Q)tools/deps.sh $(TOOLCHAIN_PKGS) busybox-static procps
	$(Q)$(MAKE) --no-print-directory all rootfs
	$(Q)HUTCH=$(CURDIR)/$(BIN) ROOTFS=$(CURDIR)/$(BUILD)/rootfs tools/demo.sh

# make install: the binary, the man page, and the init-system glue of init/
# as examples in $(PREFIX)/share/hutch/examples (docs/init-systems.md),
# with /usr/sbin/hutch in them made $(PREFIX)/sbin/hutch.
# Packages that want the binary alone: make install-bin (Buildroot, OpenWrt).
EXAMPLES_DIR = $(DESTDIR)$(PREFIX)/share/hutch/examples
INIT_EXAMPLES := init/busybox/inittab init/sysvinit/hutch-web init/systemd/hutch-web.service \
	init/systemd/hutch@.service \
	init/procd/hutch
# and the example configs of the board built for (BOARD=rpi2: cron.conf),
# this machine's web.conf without one
EXAMPLE_CONFS = $(wildcard board/$(or $(BOARD),x86_64)/*.conf)

install: install-bin
	install -D -m 0644 docs/hutch.8 $(DESTDIR)$(PREFIX)/share/man/man8/hutch.8
	$(Q)for f in $(INIT_EXAMPLES); do \
	  d=$(EXAMPLES_DIR)/$${f#init/}; mode=0644; [ ! -x $$f ] || mode=0755; \
	  mkdir -p "$$(dirname "$$d")" && sed 's|/usr/sbin/hutch|$(PREFIX)/sbin/hutch|g' $$f >"$$d" && \
	  chmod $$mode "$$d" || exit 1; done
	$(Q)for f in $(EXAMPLE_CONFS); do \
	  install -D -m 0644 $$f $(EXAMPLES_DIR)/$${f##*/} || exit 1; done

install-bin: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/hutch

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -D__x86_64__ $(FEATURE_CFLAGS) $(SRC_INCLUDES) src tests/unit
	clang-tidy --quiet $(ALL_SRCS) -- -std=gnu11 -D_GNU_SOURCE $(FEATURE_CFLAGS) $(SRC_INCLUDES) -I/usr/include/x86_64-linux-musl

clean:
	rm -rf build

.PHONY: all rootfs initramfs deps check check-static runtime-tools runc-cgpaths docs check-size size-budget check-profiles seccomp-tables capabilities unit-tests check-unit check-memory check-sanitize check-qemu \
	check-escape check-fuzz fuzz \
	check-integration check-build boards toolchains check-cross check-qemu-user demo install \
	install-bin check-init lint clean

-include $(OBJS:.o=.d)

# --- Benchmarks (bench/, issue 7) ---------------------------------------------------
# make bench: hutch against its peers and a lower bound, in one run (about
# 2 minutes here; BENCH_QUICK=1 half a minute): start and restart latency,
# memory, size, idle cost, scale. Prints one table and writes
# bench/results.md; bench/bench.sh says what each section does. As root,
# on this machine's ARCH; installs the peers from Debian first (and QEMU:
# section 9b runs hutch, runc and crun in a cgroup v2 guest).
BENCH_PKGS := bubblewrap tini catatonit dumb-init runit s6 util-linux runc crun podman conmon \
	uidmap slirp4netns containerd time hyperfine \
	strace linux-perf valgrind jq busybox-static procps binutils coreutils \
	qemu-system-x86 cpio gzip
BENCH_BUILD := build/bench

bench:
	$(Q)tools/deps.sh $(BENCH_PKGS)
	$(Q)$(MAKE) --no-print-directory BOARD= ARCH=$(HOST_ARCH) toolchain bench-build
	$(Q)BENCH_QUICK=$(BENCH_QUICK) bench/bench.sh

# The binary under test and the rootfs, bench/*.c (static, this compiler),
# and hutch with its symbols (the link's own, before strip) for perf and
# callgrind.
bench-build: all rootfs $(BENCH_BUILD)/lowerbound $(BENCH_BUILD)/stamp $(BENCH_BUILD)/hutch-syms \
	$(if $(call feature_off,SECCOMP),,$(BENCH_BUILD)/seccomp-install)

$(BENCH_BUILD)/lowerbound $(BENCH_BUILD)/stamp: $(BENCH_BUILD)/%: bench/%.c | toolchain-check
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 -Os -Wall -Wextra -static -o $@ $<

# The filter install's cost, with the filter hutch's own objects build.
$(BENCH_BUILD)/seccomp-install: bench/seccomp-install.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) $(HUTCH_CFLAGS) $(FEATURE_CFLAGS) $(CFLAGS) $(LDFLAGS) $(HUTCH_LDFLAGS) $(SRC_INCLUDES) \
		-o $@ $< $(LIB_OBJS)

$(BENCH_BUILD)/hutch-syms: $(BIN)
	@mkdir -p $(@D)
	$(Q)cp $(SYMS) $@

.PHONY: bench bench-build
