# SPDX-License-Identifier: MIT
# tests/packaging/buildroot.mk: Buildroot's package infrastructure reduced
# to what packaging/buildroot/package/hutch/hutch.mk uses, with Buildroot's
# own commands (package/pkg-generic.mk): the rsync of a local site, the
# build, the install to the target directory and the init-system hooks.
# The toolchain and configuration variables (TARGET_CC, TARGET_CFLAGS,
# TARGET_LDFLAGS, BUILD_DIR, TARGET_DIR, BR2_*) come from the command line,
# as tests/packaging/10-buildroot.t gives them.
#
#   make -f tests/packaging/buildroot.mk BR2_EXTERNAL_HUTCH_PATH=... TARGET_CC=... ...

# As Buildroot's top Makefile: no command-line variable reaches a package's
# own make, and the environment's compiler settings are hidden from it.
MAKEOVERRIDES :=
unexport CROSS_COMPILE ARCH CC LD AR CXX CPP RANLIB CFLAGS CXXFLAGS MACHINE O
Q := @
export Q

INSTALL := install
TARGET_MAKE_ENV = PATH=$(PATH)
RSYNC_VCS_EXCLUSIONS = --exclude .svn --exclude .git --exclude .hg --exclude .bzr --exclude CVS

all:

# Called as $(eval $(generic-package)) from hutch.mk.
define generic-package
HUTCH_DIR := $(BUILD_DIR)/hutch-$(HUTCH_VERSION)
all: $$(HUTCH_DIR)/.stamp_target_installed

$$(HUTCH_DIR)/.stamp_rsynced:
	@mkdir -p $$(@D)
	rsync -au --chmod=u=rwX,go=rX $$(HUTCH_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS) $$(RSYNC_VCS_EXCLUSIONS) $$(HUTCH_SITE)/ $$(@D)
	touch $$@

$$(HUTCH_DIR)/.stamp_built: $$(HUTCH_DIR)/.stamp_rsynced
	+$$(HUTCH_BUILD_CMDS)
	touch $$@

$$(HUTCH_DIR)/.stamp_target_installed: $$(HUTCH_DIR)/.stamp_built
	+$$(HUTCH_INSTALL_TARGET_CMDS)
	$$(if $$(BR2_INIT_SYSTEMD),$$(HUTCH_INSTALL_INIT_SYSTEMD))
	$$(if $$(BR2_INIT_SYSV)$$(BR2_INIT_BUSYBOX),$$(HUTCH_INSTALL_INIT_SYSV))
	touch $$@
endef

include $(BR2_EXTERNAL_HUTCH_PATH)/external.mk
