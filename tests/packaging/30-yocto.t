#!/bin/bash
# SPDX-License-Identifier: MIT
# packaging/yocto/meta-hutch (its layer.conf and hutch_git.bb), without BitBake:
#
#   - tests/packaging/recipe.pl reads the recipe: every line a comment, an
#     assignment with a quoted value, an inherit or a function (so a syntax
#     slip fails here); then the fields a recipe needs and the ones this
#     one promises: SUMMARY, LICENSE (MIT) with the checksum of LICENSE,
#     SRC_URI (git, protocol, branch, into ${BP}, which is S by default in
#     every release), SRCREV and PV (${SRCPV}), inherit update-rc.d and
#     systemd with INITSCRIPT_NAME and SYSTEMD_SERVICE naming files of init/,
#     musl only and the architectures hutch knows, ARCH/BOARD/CROSS_COMPILE
#     emptied, NOSTRIP=1 (Yocto strips, and keeps the symbols for -dbg);
#   - the layer: layer.conf names the collection, its recipes and the
#     releases it is for;
#   - BitBake's compile and install, played by hand: the tree unpacked as S
#     (a copy of this working tree: the git fetch itself is not run),
#     do_compile as base.bbclass's (oe_runmake) with CC, CFLAGS and LDFLAGS
#     in the environment as BitBake exports them for an aarch64 poky-musl
#     machine (CC a wrapper named aarch64-poky-linux-musl-gcc, with the
#     tune and security flags Yocto puts in CC), then the recipe's own
#     do_install, expanded by recipe.pl with DISTRO_FEATURES "sysvinit
#     systemd" and Yocto's directory variables;
#   - what lands in D: the static AArch64 binary (not stripped) in /usr/sbin, the man page,
#     the examples, the init script and the unit.
#
# Not checked: BitBake's parser itself, the fetcher, packaging, QA.
. "$(dirname "$0")/../lib/tap.sh"
require_cmd make perl readelf=binutils aarch64-linux-musl-gcc qemu-aarch64-static
top=$(cd "$(dirname "$0")/../.." && pwd)
layer=$top/packaging/yocto/meta-hutch
bb=$layer/recipes-core/hutch/hutch_git.bb
rp() { perl "$top/tests/packaging/recipe.pl" "$@"; }
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

parsed=$(rp parse "$bb")
is "$?" 0 "every line of the recipe is read (comment, assignment, inherit, function)" ||
	diag "$(printf '%s\n' "$parsed" | grep '^unparsed')"
val() { printf '%s\n' "$parsed" | sed -n "s/^set $1 = //p"; }
for v in SUMMARY DESCRIPTION LICENSE LIC_FILES_CHKSUM SRC_URI SRCREV PV; do
	isnt "$(val "$v")" "" "$v is set"
done
is "$(val LICENSE)" MIT "LICENSE = MIT"
is "$(val LIC_FILES_CHKSUM)" "file://LICENSE;md5=$(md5sum <"$top/LICENSE" | cut -d' ' -f1)" \
	"LIC_FILES_CHKSUM is the md5 of the tree's LICENSE"
like "$(head -n 1 "$top/LICENSE")" '^MIT License$' "which is the MIT license"
like "$(val SRC_URI)" '^git://[^;]*;protocol=[^;]+;branch=[^;]+;destsuffix=\$\{BP\}$' \
	"SRC_URI is git://...;protocol=...;branch=...;destsuffix=\${BP}"
unlike "$parsed" '^set S ' "S is not set: \${BP} is its default in every release"
is "$(val SRCREV)" '${AUTOREV}' "SRCREV follows the branch"
like "$(val PV)" '^0\.1\.0\+git\$\{SRCPV\}$' "PV: the version, +git and the revision (\${SRCPV})"
like "$(grep '^VERSION :=' "$top/Makefile")" "$(val PV | sed 's/+git.*//; s/\./\\./g')$" "which is the Makefile's"
like "$parsed" '^python $' "an anonymous python function (skips the recipe without HUTCH_GIT_URL)"
like "$parsed" '^inherit .*update-rc\.d' "inherit update-rc.d"
like "$parsed" '^inherit .*systemd' "inherit systemd"
is "$(val 'COMPATIBLE_HOST:libc-glibc')" null "musl only (COMPATIBLE_HOST:libc-glibc = null)"
for t in x86_64-poky-linux-musl i686-poky-linux-musl aarch64-poky-linux-musl \
	arm-poky-linux-musleabi mipsel-poky-linux-musl powerpc-poky-linux-musl \
	riscv64-poky-linux-musl; do
	ok "COMPATIBLE_HOST takes $t" grep -Eqx "$(val COMPATIBLE_HOST)" <<<"$t"
done
for t in microblaze-poky-linux-musl or1k-poky-linux-musl; do
	ok "COMPATIBLE_HOST refuses $t (no seccomp filter in its kernel)" \
		sh -c '! grep -Eqx "$1" <<EOF
$2
EOF' - "$(val COMPATIBLE_HOST)" "$t"
done
is "$(val EXTRA_OEMAKE)" "ARCH= BOARD= CROSS_COMPILE= NOSTRIP=1" \
	"EXTRA_OEMAKE empties ARCH, BOARD, CROSS_COMPILE and leaves stripping to Yocto"
unlike "$parsed" 'already-stripped' "no INSANE_SKIP for a binary stripped behind Yocto's back"

conf=$layer/conf/layer.conf
lc=$(rp parse "$conf")
is "$?" 0 "layer.conf: every line is read" || diag "$lc"
like "$lc" '^set BBFILE_COLLECTIONS \+= hutch$' "layer.conf: the collection hutch"
like "$lc" '^set BBFILES \+= \$\{LAYERDIR\}/recipes-\*/\*/\*\.bb ' "layer.conf: its recipes-*/*/*.bb"
like "$lc" '^set LAYERSERIES_COMPAT_hutch = .*kirkstone.*scarthgap.*walnascar' \
	"layer.conf: the releases it is for, Kirkstone to Walnascar and on"
ok "the recipe is where BBFILES looks" test -f "$layer/recipes-core/hutch/hutch_git.bb"
is "$(val INITSCRIPT_NAME)" hutch-web "INITSCRIPT_NAME = hutch-web"
ok "which is init/sysvinit/hutch-web" test -x "$top/init/sysvinit/$(val INITSCRIPT_NAME)"
like "$(val INITSCRIPT_PARAMS)" '^defaults' "INITSCRIPT_PARAMS"
is "$(val 'SYSTEMD_SERVICE:${PN}')" hutch-web.service "SYSTEMD_SERVICE:\${PN} = hutch-web.service"
ok "which is init/systemd/hutch-web.service" test -f "$top/init/systemd/$(val 'SYSTEMD_SERVICE:${PN}')"
like "$parsed" '^func do_install$' "a do_install"

# --- do_compile and do_install, played by hand ----------------------------------
S=$tmp/work/hutch-0.1.0+git D=$tmp/work/image
mkdir -p "$S" "$D" "$tmp/sysroot/bin" "$tmp/sysroot/uapi"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$S" -xf -
for d in linux asm asm-generic; do
	ln -s "/usr/aarch64-linux-gnu/include/$d" "$tmp/sysroot/uapi/$d"
done
cat >"$tmp/sysroot/bin/aarch64-poky-linux-musl-gcc" <<EOF
#!/bin/sh
# Yocto's cross compiler, as far as a build can tell: its triplet, and the
# kernel headers of its sysroot.
for a in "\$@"; do
	[ "\$a" = -dumpmachine ] && { echo aarch64-poky-linux-musl; exit 0; }
done
exec aarch64-linux-musl-gcc -idirafter $tmp/sysroot/uapi "\$@"
EOF
chmod +x "$tmp/sysroot/bin/aarch64-poky-linux-musl-gcc"
# BitBake's environment for do_compile (bitbake.conf, security_flags.inc,
# an armv8a-crc-cortexa53 tune); -fcanon-prefix-map left out (gcc 13).
export PATH="$tmp/sysroot/bin:$PATH"
export CC="aarch64-poky-linux-musl-gcc -mcpu=cortex-a53 -march=armv8-a+crc -mbranch-protection=standard -fstack-protector-strong -O2 -D_FORTIFY_SOURCE=2 -Wformat -Wformat-security -Werror=format-security"
export CFLAGS="-O2 -pipe -g -feliminate-unused-debug-types"
export LDFLAGS="-Wl,-O1 -Wl,--hash-style=gnu -Wl,--as-needed -Wl,-z,relro,-z,now"
extra=$(val EXTRA_OEMAKE)
oe_runmake() {
	# shellcheck disable=SC2086 # EXTRA_OEMAKE is words
	make -j2 $extra "$@"
}
(cd "$S" && oe_runmake) >"$tmp/compile.log" 2>&1
is "$?" 0 "do_compile (oe_runmake, flags from the environment) succeeds" || tail -n 30 "$tmp/compile.log" >&2
ok "it built build/aarch64: ARCH from \${CC} -dumpmachine" test -x "$S/build/aarch64/hutch"
like "$(cat "$S/build/aarch64/flags")" "^aarch64-poky-linux-musl-gcc -mcpu=cortex-a53 .*-O2 -pipe -g" \
	"with CC (several words) and CFLAGS from the environment"

install_sh=$(rp expand "$bb" do_install D="$D" S="$S" prefix=/usr sysconfdir=/etc \
	datadir=/usr/share systemd_system_unitdir=/usr/lib/systemd/system \
	DISTRO_FEATURES="sysvinit systemd")
is "$?" 0 "do_install expands with BitBake's variables" || diag "$install_sh"
(cd "$S" && eval "$install_sh") >"$tmp/install.log" 2>&1
is "$?" 0 "do_install succeeds" || tail -n 20 "$tmp/install.log" >&2
unlike "$(cat "$tmp/install.log")" "  CC  " "without compiling again"
ok "/usr/sbin/hutch" test -x "$D/usr/sbin/hutch"
ok "AArch64, 64 KiB-aligned (tools/elfcheck.sh)" "$top/tools/elfcheck.sh" "$D/usr/sbin/hutch" AArch64 0x0
like "$(readelf -S "$D/usr/sbin/hutch")" '\.symtab' "not stripped: Yocto strips it, and keeps the symbols for \${PN}-dbg"
is "$(qemu-aarch64-static -cpu cortex-a53 "$D/usr/sbin/hutch" --version | head -n 1)" "hutch 0.1.0" \
	"it runs (qemu-aarch64, Cortex-A53)"
ok "the man page in \${mandir} (\${PN}-doc)" test -f "$D/usr/share/man/man8/hutch.8"
ok "the examples in \${datadir}/hutch/examples (\${PN}-examples)" \
	test -f "$D/usr/share/hutch/examples/sysvinit/hutch-web"
is "$(grep -rho '/usr[a-z/]*/hutch ' "$D/usr/share/hutch/examples" | sort -u)" "/usr/sbin/hutch " \
	"the examples name /usr/sbin/hutch, where the package puts it"
ok "/etc/init.d/hutch-web (INITSCRIPT_NAME)" test -x "$D/etc/init.d/hutch-web"
ok "/usr/lib/systemd/system/hutch-web.service (SYSTEMD_SERVICE)" \
	test -f "$D/usr/lib/systemd/system/hutch-web.service"
ok "/etc/hutch for the configs" test -d "$D/etc/hutch"

D2=$tmp/work/image-sysv
sh2=$(rp expand "$bb" do_install D="$D2" S="$S" prefix=/usr sysconfdir=/etc \
	datadir=/usr/share systemd_system_unitdir=/usr/lib/systemd/system DISTRO_FEATURES="sysvinit")
(cd "$S" && eval "$sh2") >/dev/null 2>&1
ok "with DISTRO_FEATURES sysvinit only: no unit" test ! -e "$D2/usr/lib/systemd"
ok "but the init script" test -x "$D2/etc/init.d/hutch-web"

done_testing
