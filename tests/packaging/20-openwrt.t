#!/bin/bash
# SPDX-License-Identifier: MIT
# packaging/openwrt/hutch/Makefile, without OpenWrt: the Makefile itself is
# run, as OpenWrt runs a package (make -C the package's directory with
# TOPDIR set), against a stand-in TOPDIR (tests/packaging/openwrt-sdk:
# rules.mk and include/package.mk reduced to prepare, compile and install,
# with ARCH=mipsel and BOARD=ramips exported as an mt7621 target's would
# be), for a MIPS router: TARGET_CC a wrapper named as OpenWrt's compiler
# (mipsel-openwrt-linux-musl-gcc, answering -dumpmachine as such, with the
# kernel headers of its staging dir) around Debian's mipsel musl compiler,
# and OpenWrt's TARGET_CFLAGS and TARGET_LDFLAGS for mipsel_24kc, hardening
# flags (-fstack-protector, _FORTIFY_SOURCE, -z now -z relro) included.
# Left out of those flags: -fhonour-copts (a flag of OpenWrt's patched gcc
# only) and -msoft-float (Debian's mipsel musl is hard-float; OpenWrt's is
# soft-float).
#
# Checked: the license, the architecture guard, the build succeeds and uses
# those flags, the package's tree holds /usr/sbin/hutch (static, MIPS, 64
# KiB-aligned, unstripped for OpenWrt to strip, runs under qemu-user on a
# 24Kc, the FPU-less CPU of MT7621), /etc/init.d/hutch (init/procd/hutch)
# and the keep.d entry that keeps /etc/hutch across sysupgrade.
# Then menuconfig's profile choice and its custom choice of each feature
# reach hutch's make.
# Not checked: OpenWrt's real build system, ipkg/apk packaging, menuconfig
# itself (its Kconfig text is only read here).
. "$(dirname "$0")/../lib/tap.sh"
require_cmd make readelf=binutils mipsel-linux-musl-gcc=musl-dev:mipsel qemu-mipsel-static
top=$(cd "$(dirname "$0")/../.." && pwd)
pkg=$top/packaging/openwrt/hutch
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

mk=$(cat "$pkg/Makefile")
like "$mk" '^include \$\(TOPDIR\)/rules\.mk$' "include \$(TOPDIR)/rules.mk"
like "$mk" '^include \$\(INCLUDE_DIR\)/package\.mk$' "include \$(INCLUDE_DIR)/package.mk"
like "$mk" '^PKG_NAME:=hutch$' "PKG_NAME:=hutch"
like "$mk" '^PKG_VERSION:=[0-9]' "PKG_VERSION"
like "$mk" '^PKG_RELEASE:=[0-9]+$' "PKG_RELEASE"
like "$mk" 'DEPENDS:=@USE_MUSL @\(aarch64\|\|arm\|\|i386\|\|mipsel\|\|x86_64\)$' \
	"DEPENDS: a musl target of an architecture hutch has a system call table for"
like "$mk" '^PKG_LICENSE:=MIT$' "PKG_LICENSE:=MIT"
like "$mk" '^PKG_LICENSE_FILES:=LICENSE$' "PKG_LICENSE_FILES:=LICENSE"
ok "which the tree has" test -f "$top/LICENSE"
unlike "$mk" '^define Package/hutch/conffiles' "no conffiles naming a directory (keep.d keeps /etc/hutch)"
like "$mk" '^define Build/Compile$' "a Build/Compile"
like "$mk" '^\$\(eval \$\(call BuildPackage,hutch\)\)$' "BuildPackage,hutch"

mkdir -p "$tmp/staging/bin" "$tmp/staging/uapi"
for d in linux asm asm-generic; do
	ln -s "/usr/mipsel-linux-gnu/include/$d" "$tmp/staging/uapi/$d"
done
cc=$tmp/staging/bin/mipsel-openwrt-linux-musl-gcc
cat >"$cc" <<EOF
#!/bin/sh
# OpenWrt's cross compiler, as far as a build can tell.
for a in "\$@"; do
	[ "\$a" = -dumpmachine ] && { echo mipsel-openwrt-linux-musl; exit 0; }
done
exec mipsel-linux-musl-gcc -idirafter $tmp/staging/uapi "\$@"
EOF
chmod +x "$cc"
cflags="-Os -pipe -mno-branch-likely -mips32r2 -mtune=24kc -fno-caller-saves -fno-plt"
cflags="$cflags -mips16 -minterlink-mips16 -Wformat -Werror=format-security"
cflags="$cflags -fstack-protector -D_FORTIFY_SOURCE=1 -Wl,-z,now -Wl,-z,relro"
ldflags="-L$tmp/staging/usr/lib -L$tmp/staging/lib -znow -zrelro"

start=$(date +%s)
make -C "$pkg" TOPDIR="$top/tests/packaging/openwrt-sdk" BUILD_DIR="$tmp/build" \
	TARGET_CC="$cc" TARGET_CFLAGS="$cflags" TARGET_LDFLAGS="$ldflags" >"$tmp/build.log" 2>&1
is "$?" 0 "the package builds (prepare, compile, install)" || tail -n 30 "$tmp/build.log" >&2
diag "built in $(($(date +%s) - start)) s"
d=$tmp/build/hutch-0.1.0
ok "HUTCH_SRC is this tree: its Makefile was copied" test -f "$d/Makefile" -a -f "$d/src/main.c"
is "$(ls "$d/build")" mipsel "the copy has only its own build/mipsel: ARCH from the compiler, not OpenWrt's"
ok "not BOARD=ramips either (build/ramips would be its directory)" test ! -e "$d/build/ramips"
flags=$(cat "$d/build/mipsel/flags")
like "$flags" "mipsel-openwrt-linux-musl-gcc" "compiled with TARGET_CC"
like "$flags" "-mips16 -minterlink-mips16" "with TARGET_CFLAGS"
like "$flags" "-fstack-protector -D_FORTIFY_SOURCE=1" "hardening flags included"
like "$flags" "-znow -zrelro .*-z,norelro" "TARGET_LDFLAGS, then hutch's -z norelro after OpenWrt's relro"

ipkg=$tmp/build/ipkg-hutch
bin=$ipkg/usr/sbin/hutch
is "$(cd "$ipkg" && find . -type f | sort | tr '\n' ' ')" \
	"./etc/init.d/hutch ./lib/upgrade/keep.d/hutch ./usr/sbin/hutch " \
	"the package holds /usr/sbin/hutch, /etc/init.d/hutch and a keep.d entry"
is "$(cat "$ipkg/lib/upgrade/keep.d/hutch")" /etc/hutch/ "sysupgrade keeps /etc/hutch/, every config in it"
ok "/etc/hutch exists for the configs" test -d "$ipkg/etc/hutch"
ok "MIPS, 64 KiB-aligned (tools/elfcheck.sh)" "$top/tools/elfcheck.sh" "$bin" R3000
like "$(readelf -S "$bin")" '\.symtab' "not stripped (NOSTRIP=1): OpenWrt strips the package"
is "$(qemu-mipsel-static -cpu 24Kc "$bin" --version | head -n 1)" "hutch 0.1.0" \
	"it runs (qemu-mipsel on a 24Kc, no FPU): hutch --version"
ok "/etc/init.d/hutch is executable" test -x "$ipkg/etc/init.d/hutch"
cmp -s "$ipkg/etc/init.d/hutch" "$top/init/procd/hutch"
is "$?" 0 "and is init/procd/hutch"
diag "$(readelf -h "$bin" | grep -E 'Flags|Machine')"
diag "size: $(stat -c %s "$bin") bytes"

# --- menuconfig's profile choice reaches hutch's make ------------------------------
like "$mk" 'config HUTCH_PROFILE_ROUTER' "menuconfig offers hutch's profiles (full, router, tiny)"
like "$mk" '^PKG_CONFIG_DEPENDS:=CONFIG_HUTCH_PROFILE_FULL' "and a change of profile rebuilds the package"
make -C "$pkg" TOPDIR="$top/tests/packaging/openwrt-sdk" BUILD_DIR="$tmp/build-router" \
	TARGET_CC="$cc" TARGET_CFLAGS="$cflags" TARGET_LDFLAGS="$ldflags" \
	CONFIG_HUTCH_PROFILE_ROUTER=y >>"$tmp/build.log" 2>&1
is "$?" 0 "CONFIG_HUTCH_PROFILE_ROUTER=y builds" || tail -n 30 "$tmp/build.log" >&2
like "$(qemu-mipsel-static -cpu 24Kc "$tmp/build-router/ipkg-hutch/usr/sbin/hutch" --version)" \
	'^features: .* \(profile router\)$' "a router hutch, as --version says"

# --- or each feature (custom), as Buildroot's Config.in offers them ----------------
features=$(sed -n 's/^FEATURES := //p' "$top/Makefile")
is "$(printf '%s\n' "$mk" | sed -n '/^HUTCH_FEATURES:=/,/[^\\]$/p' |
	sed 's/^HUTCH_FEATURES:=//; s/\\$//' | tr '\t\n' '  ' | tr -s ' ' | sed 's/^ //; s/ $//')" "$features" \
	"the package's HUTCH_FEATURES are hutch's Makefile's FEATURES"
missing=
for f in $features; do
	printf '%s\n' "$mk" | grep -q "^    config HUTCH_$f\$" || missing="$missing $f"
done
is "$missing" "" "menuconfig has a config HUTCH_<FEATURE> for each"
like "$mk" 'config HUTCH_PROFILE_CUSTOM' "under the profile choice's custom"
custom=
for f in $features; do
	[ "$f" = SECCOMP ] || [ "$f" = OCI ] || custom="$custom CONFIG_HUTCH_$f=y"
done
# shellcheck disable=SC2086 # one word a feature
make -C "$pkg" TOPDIR="$top/tests/packaging/openwrt-sdk" BUILD_DIR="$tmp/build-custom" \
	TARGET_CC="$cc" TARGET_CFLAGS="$cflags" TARGET_LDFLAGS="$ldflags" \
	CONFIG_HUTCH_PROFILE_CUSTOM=y $custom >>"$tmp/build.log" 2>&1
is "$?" 0 "CONFIG_HUTCH_PROFILE_CUSTOM=y, every feature but seccomp and oci, builds" ||
	tail -n 30 "$tmp/build.log" >&2
v=$(qemu-mipsel-static -cpu 24Kc "$tmp/build-custom/ipkg-hutch/usr/sbin/hutch" --version)
like "$v" '^features: .*-seccomp .*\(profile full-custom\)$' "  a hutch without seccomp, as --version says"
like "$v" '^features: .*\+liveness .*-oci ' "  with liveness, without oci"

done_testing
