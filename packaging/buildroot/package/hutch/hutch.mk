# SPDX-License-Identifier: MIT
################################################################################
#
# hutch
#
################################################################################

HUTCH_VERSION = 0.1.0
# Built from the source tree that holds this BR2_EXTERNAL (its
# packaging/buildroot): Buildroot rsyncs it into its build directory,
# leaving out the tree's own build products.
HUTCH_SITE = $(BR2_EXTERNAL_HUTCH_PATH)/../..
HUTCH_SITE_METHOD = local
HUTCH_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = --exclude /build
HUTCH_LICENSE = MIT
HUTCH_LICENSE_FILES = LICENSE

# hutch's Makefile takes CC, CFLAGS and LDFLAGS from the command line and
# adds what it cannot do without (-static, its warnings, 64 KiB segment
# alignment); Buildroot's CFLAGS replace its default -Oz. It reads the
# target from the compiler ($(TARGET_CC) -dumpmachine: aarch64-buildroot-
# linux-musl is aarch64): ARCH, BOARD and CROSS_COMPILE are emptied so that
# nothing in the environment can pick another. NOSTRIP=1: Buildroot strips
# the target (BR2_STRIP_strip) and keeps the symbols in staging.
HUTCH_MAKE_OPTS = \
	CC="$(TARGET_CC)" \
	CFLAGS="$(TARGET_CFLAGS)" \
	LDFLAGS="$(TARGET_LDFLAGS)" \
	ARCH= BOARD= CROSS_COMPILE= NOSTRIP=1

# The features (Config.in): a profile of hutch's configs/, or each one
# given as HUTCH_<FEATURE>=y|n over the full profile (hutch names that
# build "full-custom").
HUTCH_PROFILE = $(if $(BR2_PACKAGE_HUTCH_PROFILE_ROUTER),router,$(if \
	$(BR2_PACKAGE_HUTCH_PROFILE_TINY),tiny,full))
HUTCH_MAKE_OPTS += PROFILE=$(HUTCH_PROFILE)
ifeq ($(BR2_PACKAGE_HUTCH_PROFILE_CUSTOM),y)
HUTCH_FEATURES = SECCOMP USERNS OUTPUT TTY CONTROL CHECK DAEMON DEVICES LIMITS BOOTLIMIT HELP READY LIVENESS IMAGE OCI
HUTCH_MAKE_OPTS += $(foreach f,$(HUTCH_FEATURES),\
	HUTCH_$(f)=$(if $(BR2_PACKAGE_HUTCH_$(f)),y,n))
endif

define HUTCH_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) $(HUTCH_MAKE_OPTS) -C $(@D)
endef

# The binary only: the man page and hutch's examples stay out of the
# target (make install-bin is make install without them).
define HUTCH_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) $(HUTCH_MAKE_OPTS) -C $(@D) \
		DESTDIR=$(TARGET_DIR) PREFIX=/usr install-bin
endef

ifeq ($(BR2_PACKAGE_HUTCH_WEB_EXAMPLE),y)
define HUTCH_INSTALL_INIT_SYSV
	$(INSTALL) -D -m 0755 $(@D)/init/sysvinit/hutch-web \
		$(TARGET_DIR)/etc/init.d/S95hutch-web
endef

define HUTCH_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(@D)/init/systemd/hutch-web.service \
		$(TARGET_DIR)/usr/lib/systemd/system/hutch-web.service
endef
endif

$(eval $(generic-package))
