# SPDX-License-Identifier: MIT
# toolchain.mk - ARCH / BOARD / CROSS_COMPILE -> CC and the flags of a
# static musl build. Included by the Makefile.
#
#   make ARCH=aarch64                      Debian's multiarch musl (the default route)
#   make BOARD=rpi4                        ARCH and CPU flags from board/rpi4/board.mk
#   make CROSS_COMPILE=aarch64-linux-musl- a musl toolchain of your own
#   make toolchain ARCH=mips               musl built from Debian's source (mips, riscv64)
#
# Conventions users bring from the kernel and BusyBox: ARCH=, CROSS_COMPILE=,
# V=1. CC, CFLAGS and LDFLAGS given on the command line or in the
# environment (Buildroot, Yocto) are honoured; the flags the build cannot do
# without are added through internal variables (HUTCH_*), never replaced.

# --- The targets ---------------------------------------------------------------
# One row per ARCH: Debian architecture, GNU triplet (its gcc and kernel
# headers), Debian's musl-gcc wrapper, qemu-user and the CPU it emulates
# (the weakest of the family, so that a newer instruction fails the tests;
# 24Kc has no FPU, as MIPS routers have none), and what readelf must say of
# the binary: machine and flags (ARM: EABI5 hard-float 0x5000400, soft-float
# 0x5000200; MIPS: noreorder, cpic, o32, mips32r2, or n64 mips64r2 with pic;
# RISC-V: RVC, double-float ABI; ppc64le: ELFv2). "source" as the wrapper: Debian has the cross compiler but no
# musl for that architecture, so musl is built from Debian's source
# package with it (tools/musl-source.sh) into build/musl/ARCH.
#
#               Debian GNU triplet           musl wrapper             qemu-user           CPU        machine ELF flags
TARGET.x86_64  := amd64  x86_64-linux-gnu    x86_64-linux-musl-gcc    qemu-x86_64-static  -          X86-64  0x0
TARGET.i386    := i386   i686-linux-gnu      i386-linux-musl-gcc      qemu-i386-static    -          80386   0x0
TARGET.aarch64 := arm64  aarch64-linux-gnu   aarch64-linux-musl-gcc   qemu-aarch64-static cortex-a53 AArch64 0x0
TARGET.armhf   := armhf  arm-linux-gnueabihf arm-linux-musleabihf-gcc qemu-arm-static     cortex-a7  ARM     0x5000400
TARGET.armv6   := armel  arm-linux-gnueabi   arm-linux-musleabi-gcc   qemu-arm-static     arm1176    ARM     0x5000200
TARGET.mipsel  := mipsel mipsel-linux-gnu    mipsel-linux-musl-gcc    qemu-mipsel-static  24Kc       R3000   0x70001005
TARGET.mips    := mips   mips-linux-gnu      source                   qemu-mips-static    24Kc       R3000   0x70001005
TARGET.riscv64 := riscv64 riscv64-linux-gnu  source                   qemu-riscv64-static -          RISC-V  0x5
TARGET.mips64el := mips64el mips64el-linux-gnuabi64 source            qemu-mips64el-static -         R3000   0x80000007
TARGET.powerpc := powerpc powerpc-linux-gnu  source                   qemu-ppc-static     -          PowerPC 0x0
TARGET.powerpc64le := ppc64el powerpc64le-linux-gnu source            qemu-ppc64le-static -          PowerPC64 0x2
TARGET.s390x   := s390x  s390x-linux-gnu     source                   qemu-s390x-static   -          S/390   0x0
ARCHS := x86_64 i386 aarch64 armhf armv6 mipsel mips riscv64 mips64el powerpc powerpc64le s390x
MUSL_SOURCE_ARCHS := mips riscv64 mips64el powerpc powerpc64le s390x

# Architectures musl supports that hutch does not build for, each with
# the reason: make refuses them before compiling.
REFUSED.x32 := x32 system calls are x86_64's with __X32_SYSCALL_BIT, which hutch's seccomp filter kills: build for x86_64
REFUSED.microblaze := the kernel has no seccomp filter for microblaze (no HAVE_ARCH_SECCOMP_FILTER), which hutch's sandbox relies on
REFUSED.or1k := the kernel has no seccomp filter for or1k (no HAVE_ARCH_SECCOMP_FILTER), which hutch's sandbox relies on

# What an ARCH needs beyond its row. armv6 (Pi 1, Zero): Debian's armhf is
# ARMv7 + Thumb-2 (SIGILL on an ARM1176), so it is Debian's armel musl
# (soft-float libc) with ARMv6 code and VFP through the softfp ABI.
# mipsel, mips: -mplt makes non-PIC code, 5 KiB less than Debian's PIC default.
# i386: the default text address 0x08048000 is not 64 KiB aligned and
# would cost 32 KiB of padding in the file.
# -malign-data=abi: GCC on x86 aligns arrays of 32 bytes and more to 32
# by default, for vector loads that hutch's byte tables never see (clang
# has no such flag, nor needs it: see cc_option below).
ARCH_CFLAGS.x86_64 = $(ALIGN_DATA)
ARCH_CFLAGS.i386   = $(ALIGN_DATA)
ARCH_CFLAGS.armv6  := -marm -mcpu=arm1176jzf-s -mfpu=vfp -mfloat-abi=softfp
ARCH_CFLAGS.mipsel := -mplt
ARCH_CFLAGS.mips   := -mplt
ARCH_LDFLAGS.i386  := -Wl,-Ttext-segment=0x08000000

# --- ARCH ------------------------------------------------------------------------
# From BOARD, else as given, else what the compiler given (CC or
# CROSS_COMPILE) builds for, else this machine.
HOST_ARCH := $(shell uname -m | sed -e 's/^arm64$$/aarch64/' -e 's/^i[3-6]86$$/i386/')
# The compiler's target triplet (gcc -dumpmachine) -> ARCH.
triplet_arch = $(shell case '$(1)' in (aarch64-*) echo aarch64 ;; (arm*eabihf) echo armhf ;; \
	(arm*) echo armel ;; (i?86-*) echo i386 ;; (*x32) echo x32 ;; (*) echo '$(1)' | cut -d- -f1 ;; esac)

ifneq ($(BOARD),)
BOARD_MK := board/$(BOARD)/board.mk
ifeq ($(wildcard $(BOARD_MK)),)
$(error BOARD=$(BOARD): there is no $(BOARD_MK); boards: $(patsubst board/%/board.mk,%,$(wildcard board/*/board.mk)))
endif
include $(BOARD_MK)
ifeq ($(origin ARCH),command line)
ifneq ($(filter-out $(BOARD_ARCH),$(ARCH)),)
$(error BOARD=$(BOARD) is ARCH=$(BOARD_ARCH), not ARCH=$(ARCH): give one of them)
endif
endif
override ARCH := $(BOARD_ARCH)
else ifeq ($(ARCH),)
ifneq ($(CROSS_COMPILE),)
override ARCH := $(call triplet_arch,$(shell $(CROSS_COMPILE)gcc -dumpmachine 2>/dev/null))
else ifneq ($(origin CC),default)
override ARCH := $(call triplet_arch,$(shell $(CC) -dumpmachine 2>/dev/null))
endif
override ARCH := $(or $(ARCH),$(HOST_ARCH))
endif
override ARCH := $(patsubst arm64,aarch64,$(patsubst amd64,x86_64,$(ARCH)))

row = $(word $(1),$(TARGET.$(ARCH)))
DEB_ARCH := $(call row,1)
GNU_TRIPLET := $(call row,2)
ELF_MACHINE := $(call row,6)
ELF_FLAGS := $(call row,7)
QEMU_CPU := $(or $(BOARD_QEMU_CPU),$(filter-out -,$(call row,5)))
# How this machine runs the binaries: directly, or through qemu-user
# (binfmt_misc is not relied upon).
ifneq ($(ARCH),$(HOST_ARCH))
RUN := $(or $(call row,4),qemu-$(subst powerpc,ppc,$(ARCH:armel=arm))-static)$(if $(QEMU_CPU), -cpu $(QEMU_CPU))
endif

ifneq ($(REFUSED.$(ARCH)),)
$(error ARCH=$(ARCH) cannot be built: $(REFUSED.$(ARCH)))
endif
ifeq ($(TARGET.$(ARCH))$(CROSS_COMPILE),)
ifeq ($(origin CC),default)
$(error ARCH=$(ARCH) is not supported; supported: $(ARCHS), or give CROSS_COMPILE=<prefix> (or CC) for a musl toolchain of your own)
endif
endif

# --- CC: the user's, else CROSS_COMPILE's, else Debian's musl wrapper --------------
# make's built-in CC ("cc", origin "default") does not count as a choice.
ifeq ($(origin CC),default)
ifneq ($(CROSS_COMPILE),)
CC := $(CROSS_COMPILE)gcc
else ifeq ($(call row,3),source)
CC := $(CURDIR)/build/musl/$(ARCH)/bin/musl-gcc
DEBIAN_ROUTE := 1
MUSL_SOURCE := 1
else
CC := $(call row,3)
DEBIAN_ROUTE := 1
endif
endif

# Where a build goes: build/<board>/ or build/<arch>/.
BUILD := build/$(or $(BOARD),$(ARCH))

# Debian's route: the packages that bring the compiler, and the kernel's
# UAPI headers (linux/, asm/), which the musl specs leave off the include
# path. They come through a directory of three links, after musl's own
# headers (-idirafter), so that glibc headers a cross gcc's recommended
# packages may put next to them can never stand in for a header musl lacks.
# A toolchain of your own brings its own kernel headers.
ifeq ($(DEBIAN_ROUTE),1)
ifeq ($(ARCH),$(HOST_ARCH))
TOOLCHAIN_PKGS := musl-tools gcc linux-libc-dev-$(DEB_ARCH)-cross
else ifeq ($(MUSL_SOURCE),1)
TOOLCHAIN_PKGS := $(subst _,-,gcc-$(GNU_TRIPLET)) linux-libc-dev-$(DEB_ARCH)-cross dpkg-dev
else
TOOLCHAIN_PKGS := musl-dev:$(DEB_ARCH) $(subst _,-,gcc-$(GNU_TRIPLET)) linux-libc-dev-$(DEB_ARCH)-cross
endif
endif
# A compiler of the user's (CC=musl-gcc, tools/musl-clang) gets Debian's
# kernel headers for ARCH too when they are installed: -idirafter only
# fills what its own include path lacks (musl-gcc's specs have no linux/,
# and the device program needs linux/bpf.h).
ifneq ($(DEBIAN_ROUTE)$(wildcard /usr/$(GNU_TRIPLET)/include/linux/bpf.h),)
UAPI := $(BUILD)/uapi
UAPI_CFLAGS := -idirafter $(UAPI)
endif

# --- What this compiler can do -----------------------------------------------------
# A flag the compiler rejects is left out instead of failing the build:
# GCC before 12 has no -Oz (then -Os, about 1 KiB larger), clang no
# -malign-data. A compiler not installed yet (make toolchain in the same
# run) is taken to have it: Debian's are GCC 12. musl-gcc runs the gcc that
# REALGCC names (REALGCC=gcc-11): make 4.3 passes a command line's
# variables to recipes but not to $(shell), hence the explicit one.
cc_option = $(shell if command -v $(firstword $(CC)) >/dev/null 2>&1 && \
	! $(if $(REALGCC),REALGCC='$(REALGCC)') $(CC) -Werror $(1) -c -x c /dev/null \
	-o /dev/null >/dev/null 2>&1; \
	then :; else echo '$(1)'; fi)
ALIGN_DATA := $(call cc_option,-malign-data=abi)

# --- Flags -----------------------------------------------------------------------------
# Optimisation is the user's to change; warnings and size flags are not.
ifeq ($(origin CFLAGS),undefined)
CFLAGS := $(or $(call cc_option,-Oz),-Os)
endif
LDFLAGS ?=

# -Werror where the warnings are ours to fix: in a git checkout (developers)
# and in make check (CI sets it), not in a distribution's build of a release
# (Buildroot, Yocto, OpenWrt), where a newer compiler's new warning must
# not break the package. WERROR=1 or WERROR=0 decides.
WERROR ?= $(if $(wildcard .git),1,0)
WARNINGS := $(if $(filter 1,$(WERROR)),-Werror) -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual \
	-Wcast-align -Wstrict-prototypes -Wmissing-prototypes \
	-Wmissing-declarations -Wold-style-definition -Wwrite-strings \
	-Wformat=2 -Wformat-security -Wundef -Wvla -Wnull-dereference \
	-Wdouble-promotion -Wimplicit-fallthrough -Wredundant-decls \
	-Wstrict-overflow=2 -Wswitch-enum -Wno-format-nonliteral

# CPU flags of the ARCH and the BOARD come first, so that a -mcpu in the
# user's CFLAGS wins. -fno-pie: Debian's compilers emit position-independent
# code by default, which a static, non-PIE binary pays for in GOT
# indirections.
HUTCH_CFLAGS := $(ARCH_CFLAGS.$(ARCH)) $(BOARD_CFLAGS) -std=gnu11 $(WARNINGS) \
	-fno-pie -ffunction-sections -fdata-sections -flto \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident \
	-D_GNU_SOURCE $(UAPI_CFLAGS) -MMD -MP

# -flto (compile and link): single-use functions across files are inlined
# and their calls' setup dropped, about 800 bytes on x86_64. The code is
# generated at link time, so the link needs the CPU flags too (LTO_CFLAGS):
# else armv6 would be compiled for the compiler's default armv5te.
LTO_CFLAGS = $(ARCH_CFLAGS.$(ARCH)) $(BOARD_CFLAGS)
# -static, never -static-pie (Debian's musl specs turn that into a dynamic
# PIE). 64 KiB segment alignment: the Pi 5 kernel uses 16K pages and a
# binary aligned to 4K dies there with SIGSEGV.
# noseparate-code, norelro and a small common-page-size: with 64 KiB
# alignment, a separate code segment, RELRO and a page-aligned data segment
# would each pad the file with KiB of zeros. The segments stay congruent to
# their addresses modulo 64 KiB, which is all the kernel needs.
HUTCH_LDFLAGS := -static -no-pie -flto -Wl,--gc-sections -Wl,-z,max-page-size=65536 \
	-Wl,-z,common-page-size=64 -Wl,-z,noseparate-code -Wl,-z,norelro \
	-Wl,-z,noexecstack \
	-Wl,--build-id=none $(ARCH_LDFLAGS.$(ARCH))

# --- make toolchain, and the check before every compile ------------------------
ifeq ($(DEBIAN_ROUTE),1)
toolchain-check: $(UAPI)/linux
	@tools/deps.sh -n $(TOOLCHAIN_PKGS) || { \
	  echo "hutch: or: make toolchain ARCH=$(ARCH) (for $(CC))"; exit 1; }
ifeq ($(MUSL_SOURCE),1)
	@[ -x $(CC) ] || { echo "hutch: no musl for ARCH=$(ARCH) yet ($(CC)):" \
	  "make toolchain ARCH=$(ARCH) builds it from Debian's source package"; exit 1; }
endif

toolchain:
	@tools/deps.sh $(TOOLCHAIN_PKGS)
ifeq ($(MUSL_SOURCE),1)
	@tools/musl-source.sh $(GNU_TRIPLET) $(CURDIR)/build/musl/$(ARCH)
endif
	@echo "hutch: ARCH=$(ARCH): $(CC) ready (Debian packages: $(TOOLCHAIN_PKGS))"
else
toolchain-check: $(if $(UAPI),$(UAPI)/linux)
	@command -v $(firstword $(CC)) >/dev/null 2>&1 || { \
	  echo "hutch: no compiler '$(firstword $(CC))' for ARCH=$(ARCH): put your musl toolchain's bin directory on PATH"; exit 1; }

toolchain: toolchain-check
	@echo "hutch: ARCH=$(ARCH): $(CC) is your own toolchain; nothing to install"
endif

$(UAPI)/linux:
	@mkdir -p $(UAPI)
	$(Q)for d in linux asm asm-generic; do ln -sfn /usr/$(GNU_TRIPLET)/include/$$d $(UAPI)/$$d; done

.PHONY: toolchain toolchain-check
