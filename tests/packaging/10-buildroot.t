#!/bin/bash
# SPDX-License-Identifier: MIT
# packaging/buildroot, the BR2_EXTERNAL tree, without Buildroot:
#
#   - Config.in files parse with kconfiglib (a Kconfig implementation)
#     under a stub of Buildroot's symbols: hutch is offered with a musl
#     toolchain and an architecture it has a system call table for only,
#     and its sub-option below it; its license is named (MIT, LICENSE);
#   - hutch.mk's own commands run through tests/packaging/buildroot.mk,
#     pkg-generic.mk's steps reduced (rsync of the local site, build,
#     install to target, init hooks), with Buildroot's variables on the
#     command line: TARGET_CC a toolchain wrapper named as Buildroot names
#     it (aarch64-buildroot-linux-musl-gcc, answering -dumpmachine as such,
#     adding -mcpu=cortex-a72 as Buildroot's wrapper does for a Pi 4, and
#     kernel headers as its sysroot has them) around Debian's aarch64 musl
#     compiler, TARGET_CFLAGS as package/Makefile.in makes them;
#   - the binary: static, AArch64, 64 KiB-aligned (tools/elfcheck.sh), built
#     with Buildroot's CFLAGS instead of hutch's -Oz, runs under qemu-user on
#     a Cortex-A72; the init script or unit where Buildroot's hooks put them.
#
# Not checked: a real Buildroot build (its toolchain, its own kconfig, the
# final image); the wrapper stands in for Buildroot's toolchain.
. "$(dirname "$0")/../lib/tap.sh"
require_cmd make rsync=rsync readelf=binutils aarch64-linux-musl-gcc qemu-aarch64-static
# Debian's python3, which python3-kconfiglib installs into (not another
# python3 that may come first on PATH).
py=/usr/bin/python3
"$py" -c 'import kconfiglib' 2>/dev/null ||
	bail_out "missing $py with kconfiglib (Debian package python3-kconfiglib); install with tools/deps.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
ext=$top/packaging/buildroot
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

# --- the tree's files -----------------------------------------------------------
is "$(sed -n 's/^name: //p' "$ext/external.desc")" HUTCH "external.desc: name HUTCH (BR2_EXTERNAL_HUTCH_PATH)"
like "$(cat "$ext/external.mk")" 'BR2_EXTERNAL_HUTCH_PATH\)/package/\*/\*\.mk' "external.mk includes package/*/*.mk"
like "$(cat "$ext/package/hutch/hutch.mk")" '^\$\(eval \$\(generic-package\)\)$' "hutch.mk is a generic-package"

like "$(cat "$ext/package/hutch/hutch.mk")" '^HUTCH_LICENSE = MIT$' "hutch.mk: HUTCH_LICENSE = MIT"
like "$(cat "$ext/package/hutch/hutch.mk")" '^HUTCH_LICENSE_FILES = LICENSE$' "hutch.mk: HUTCH_LICENSE_FILES = LICENSE"
ok "which the tree has" test -f "$top/LICENSE"

cat >"$tmp/Config.in" <<'EOF'
mainmenu "stub of Buildroot's symbols"
config BR2_USE_MMU
	bool "mmu"
	default y
choice
	prompt "architecture"
config BR2_aarch64
	bool "aarch64"
config BR2_arm
	bool "arm"
config BR2_i386
	bool "i386"
config BR2_mipsel
	bool "mipsel"
config BR2_x86_64
	bool "x86_64"
config BR2_powerpc
	bool "powerpc"
endchoice
choice
	prompt "C library"
config BR2_TOOLCHAIN_USES_GLIBC
	bool "glibc"
config BR2_TOOLCHAIN_USES_MUSL
	bool "musl"
endchoice
menu "External options"
source "$BR2_EXTERNAL_HUTCH_PATH/Config.in"
endmenu
EOF
cat >"$tmp/kconf.py" <<'EOF'
import sys, kconfiglib
k = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)
for w in k.warnings:
    print("warning:", w)
libc, want = sys.argv[2], sys.argv[3:]
k.syms["BR2_TOOLCHAIN_USES_" + libc].set_value(2)
k.syms["BR2_" + (want.pop(0) if want and not want[0].startswith("BR2_") else "aarch64")].set_value(2)
for s in want:
    k.syms[s].set_value(2)
for s in ["BR2_PACKAGE_HUTCH", "BR2_PACKAGE_HUTCH_WEB_EXAMPLE",
          "BR2_PACKAGE_HUTCH_PROFILE_FULL", "BR2_PACKAGE_HUTCH_SECCOMP"]:
    print(s, k.syms[s].str_value or "n")
EOF
kc() { BR2_EXTERNAL_HUTCH_PATH=$ext "$py" "$tmp/kconf.py" "$tmp/Config.in" "$@" 2>&1; }
out=$(kc MUSL BR2_PACKAGE_HUTCH BR2_PACKAGE_HUTCH_WEB_EXAMPLE)
is "$?" 0 "Config.in parses (kconfiglib)" || diag "$out"
unlike "$out" '^warning' "without a warning" || diag "$out"
like "$out" '^BR2_PACKAGE_HUTCH y$' "with musl: hutch can be selected"
like "$out" '^BR2_PACKAGE_HUTCH_WEB_EXAMPLE y$' "and its init-script option"
like "$out" '^BR2_PACKAGE_HUTCH_PROFILE_FULL y$' "the full profile by default"
out=$(kc MUSL BR2_PACKAGE_HUTCH BR2_PACKAGE_HUTCH_PROFILE_CUSTOM)
like "$out" '^BR2_PACKAGE_HUTCH_SECCOMP y$' "a custom profile offers each feature, on by default"
out=$(kc GLIBC BR2_PACKAGE_HUTCH BR2_PACKAGE_HUTCH_WEB_EXAMPLE)
like "$out" '^BR2_PACKAGE_HUTCH n$' "with glibc: hutch cannot be selected"
like "$out" '^BR2_PACKAGE_HUTCH_WEB_EXAMPLE n$' "nor its option"
for a in arm i386 mipsel x86_64 powerpc; do
	like "$(kc MUSL $a BR2_PACKAGE_HUTCH)" '^BR2_PACKAGE_HUTCH y$' "with musl on $a: hutch can be selected"
done

# --- the wrapper: Buildroot's toolchain, played by Debian's musl compiler ---------
mkdir -p "$tmp/host/bin" "$tmp/host/uapi"
for d in linux asm asm-generic; do
	ln -s "/usr/aarch64-linux-gnu/include/$d" "$tmp/host/uapi/$d"
done
cc=$tmp/host/bin/aarch64-buildroot-linux-musl-gcc
cat >"$cc" <<EOF
#!/bin/sh
# Buildroot's toolchain wrapper, as far as a build can tell: its triplet,
# the CPU of the configuration, the kernel headers of its sysroot.
for a in "\$@"; do
	[ "\$a" = -dumpmachine ] && { echo aarch64-buildroot-linux-musl; exit 0; }
done
exec aarch64-linux-musl-gcc -mcpu=cortex-a72 -idirafter $tmp/host/uapi "\$@"
EOF
chmod +x "$cc"
# package/Makefile.in: TARGET_CPPFLAGS, then the optimization of
# BR2_OPTIMIZE_S, -g0 without BR2_ENABLE_DEBUG, and BR2_FORTIFY_SOURCE_1.
cflags="-D_LARGEFILE_SOURCE -D_LARGEFILE64_SOURCE -D_FILE_OFFSET_BITS=64 -Os -g0 -D_FORTIFY_SOURCE=1"

# A tree as Buildroot would see it is this one, its own build/ included:
# the rsync must leave that out.
br() {
	make -f "$top/tests/packaging/buildroot.mk" \
		BR2_EXTERNAL_HUTCH_PATH="$ext" BUILD_DIR="$tmp/output/build" \
		TARGET_DIR="$tmp/output/$1" TARGET_CC="$cc" TARGET_CFLAGS="$cflags" TARGET_LDFLAGS= \
		BR2_PACKAGE_HUTCH=y BR2_PACKAGE_HUTCH_WEB_EXAMPLE=y "${@:2}"
}
start=$(date +%s)
br target BR2_INIT_BUSYBOX=y >"$tmp/build.log" 2>&1
is "$?" 0 "Buildroot's steps for hutch (rsync, build, install) succeed" || tail -n 30 "$tmp/build.log" >&2
diag "built in $(($(date +%s) - start)) s"
d=$tmp/output/build/hutch-0.1.0
is "$(ls "$d/build")" aarch64 "the source copy has only its own build/aarch64: the tree's build/ was left out"
ok "no .git in the copy" test ! -e "$d/.git"
like "$(cat "$tmp/build.log")" "aarch64-buildroot-linux-musl-gcc" "the build used TARGET_CC"
flags=$(cat "$d/build/aarch64/flags")
like "$flags" "-Os -g0 -D_FORTIFY_SOURCE=1" "with TARGET_CFLAGS"
unlike "$flags" '(^| )-Oz( |$)' "which replaced hutch's default -Oz"
like "$flags" "-static" "and hutch's own flags added (-static)"

bin=$tmp/output/target/usr/sbin/hutch
ok "installed as /usr/sbin/hutch in TARGET_DIR" test -x "$bin"
ok "AArch64, 64 KiB-aligned (tools/elfcheck.sh)" "$top/tools/elfcheck.sh" "$bin" AArch64 0x0
like "$(readelf -S "$bin")" '\.symtab' "not stripped (NOSTRIP=1): Buildroot strips the target itself"
is "$(qemu-aarch64-static -cpu cortex-a72 "$bin" --version | head -n 1)" "hutch 0.1.0" \
	"it runs (qemu-aarch64 on a Cortex-A72): hutch --version"
is "$(cd "$tmp/output/target" && find . -type f | sort | tr '\n' ' ')" \
	"./etc/init.d/S95hutch-web ./usr/sbin/hutch " \
	"BusyBox init: the binary and /etc/init.d/S95hutch-web, nothing else (no man page, no examples)"
ok "S95hutch-web is executable" test -x "$tmp/output/target/etc/init.d/S95hutch-web"
cmp -s "$tmp/output/target/etc/init.d/S95hutch-web" "$top/init/sysvinit/hutch-web"
is "$?" 0 "and is init/sysvinit/hutch-web (its /usr/sbin/hutch is where the package puts hutch)"

rm -f "$d/.stamp_target_installed"
br target-systemd BR2_INIT_SYSTEMD=y >>"$tmp/build.log" 2>&1
is "$?" 0 "the install step again, with systemd" || tail -n 20 "$tmp/build.log" >&2
is "$(cd "$tmp/output/target-systemd" && find . -type f | sort | tr '\n' ' ')" \
	"./usr/lib/systemd/system/hutch-web.service ./usr/sbin/hutch " \
	"systemd: the binary and hutch-web.service"
like "$(tail -n 20 "$tmp/build.log")" "install-bin" "the install step did not rebuild (same flags)"
unlike "$(sed -n '/target-systemd/,$p' "$tmp/build.log")" "  CC  " "no compile in the install step"

# --- a custom profile: each BR2_PACKAGE_HUTCH_<FEATURE> reaches hutch's make -------
br target-custom BR2_INIT_BUSYBOX=y BR2_PACKAGE_HUTCH_PROFILE_CUSTOM=y BR2_PACKAGE_HUTCH_SECCOMP=y \
	BR2_PACKAGE_HUTCH_CONTROL=y BUILD_DIR="$tmp/output/build-custom" >>"$tmp/build.log" 2>&1
is "$?" 0 "a custom profile builds" || tail -n 20 "$tmp/build.log" >&2
is "$(qemu-aarch64-static -cpu cortex-a72 "$tmp/output/target-custom/usr/sbin/hutch" --version | sed -n 2p)" \
	"features: +seccomp -userns -output -tty +control -check -daemon -devices -limits -bootlimit -help -ready -liveness -image -oci (profile full-custom)" \
	"with the features chosen, and says so"

done_testing
