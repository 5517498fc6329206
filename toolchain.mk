# toolchain.mk - ARCH / CROSS_COMPILE -> CC and the flags of a static musl
# build. Included by the Makefile; the cross-compilation work extends the
# table below with aarch64, armhf, armv6, mipsel and i386.
#
# Conventions users bring from the kernel and BusyBox: ARCH=, CROSS_COMPILE=,
# V=1. CC, CFLAGS and LDFLAGS given on the command line or in the
# environment (Buildroot, Yocto) are honoured; the flags the build cannot do
# without are added through internal variables, never replaced.

HOST_ARCH := $(shell uname -m | sed -e 's/^arm64$$/aarch64/' -e 's/^i[3-6]86$$/i386/')
ARCH ?= $(HOST_ARCH)
override ARCH := $(patsubst arm64,aarch64,$(patsubst amd64,x86_64,$(ARCH)))

# Per architecture: the musl compiler Debian packages, the packages that
# bring it, and how to run its binaries on this machine.
ifeq ($(ARCH),x86_64)
MUSL_CC := musl-gcc
TOOLCHAIN_PKGS := musl-tools
endif

ifeq ($(MUSL_CC)$(CROSS_COMPILE),)
$(error ARCH=$(ARCH) is not supported yet; supported: x86_64, or give CROSS_COMPILE=<prefix> for a musl toolchain of your own)
endif

# make's built-in CC ("cc", origin "default") does not count as a choice.
ifeq ($(origin CC),default)
ifneq ($(CROSS_COMPILE),)
CC := $(CROSS_COMPILE)gcc
else
CC := $(MUSL_CC)
endif
endif

# Optimisation is the user's to change; warnings and size flags are not.
CFLAGS ?= -Oz
LDFLAGS ?=

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-qual \
	-Wcast-align -Wstrict-prototypes -Wmissing-prototypes \
	-Wmissing-declarations -Wold-style-definition -Wwrite-strings \
	-Wformat=2 -Wformat-security -Wundef -Wvla -Wnull-dereference \
	-Wdouble-promotion -Wimplicit-fallthrough -Wredundant-decls \
	-Wstrict-overflow=2 -Wswitch-enum -Wno-format-nonliteral

# -fno-pie: Debian's compilers emit position-independent code by default,
# which a static, non-PIE binary pays for in GOT indirections.
HUTCH_CFLAGS := -std=gnu11 $(WARNINGS) -fno-pie -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident \
	-D_GNU_SOURCE -MMD -MP

# -static, never -static-pie (Debian's musl specs turn that into a dynamic
# PIE). 64 KiB segment alignment: the Pi 5 kernel uses 16K pages and a
# binary aligned to 4K dies there with SIGSEGV.
# noseparate-code, norelro and a small common-page-size: with 64 KiB
# alignment, a separate code segment, RELRO and a page-aligned data segment
# would each pad the file with KiB of zeros. The segments stay congruent to
# their addresses modulo 64 KiB, which is all the kernel needs.
HUTCH_LDFLAGS := -static -no-pie -Wl,--gc-sections -Wl,-z,max-page-size=65536 \
	-Wl,-z,common-page-size=64 -Wl,-z,noseparate-code -Wl,-z,norelro \
	-Wl,-z,noexecstack \
	-Wl,--build-id=none

toolchain-check:
	@command -v $(firstword $(CC)) >/dev/null 2>&1 || { \
	  echo "hutch: no compiler '$(firstword $(CC))' for ARCH=$(ARCH): install it with: apt-get install $(TOOLCHAIN_PKGS) (or: make toolchain)"; exit 1; }

toolchain:
	tools/deps.sh $(TOOLCHAIN_PKGS)

.PHONY: toolchain toolchain-check
