# SPDX-License-Identifier: MIT
# tests/packaging/openwrt-sdk/include/package.mk: OpenWrt's package.mk
# reduced to the steps a package without PKG_SOURCE goes through:
# Build/Prepare, Build/Compile, Package/NAME/install into ipkg-NAME.
PKG_BUILD_DIR ?= $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
PKG_INSTALL_DIR ?= $(PKG_BUILD_DIR)/ipkg-install

all:

define BuildPackage
all: $$(PKG_BUILD_DIR)/.pkgdir/$(1).installed

$$(PKG_BUILD_DIR)/.prepared:
	$$(Build/Prepare)
	touch $$@

$$(PKG_BUILD_DIR)/.built: $$(PKG_BUILD_DIR)/.prepared
	$$(Build/Compile)
	touch $$@

$$(PKG_BUILD_DIR)/.pkgdir/$(1).installed: $$(PKG_BUILD_DIR)/.built
	rm -rf $$(BUILD_DIR)/ipkg-$(1)
	mkdir -p $$(BUILD_DIR)/ipkg-$(1)
	$$(call Package/$(1)/install,$$(BUILD_DIR)/ipkg-$(1))
	mkdir -p $$(@D)
	touch $$@
endef
