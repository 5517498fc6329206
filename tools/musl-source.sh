#!/bin/sh
# SPDX-License-Identifier: MIT
# musl-source.sh TRIPLET PREFIX
#
# Build musl from Debian's own source package with Debian's GNU cross
# compiler TRIPLET-gcc, for the architectures Debian has a cross compiler
# for but no musl (mips big-endian, riscv64), and install it into PREFIX
# (an absolute path) with its musl-gcc wrapper: PREFIX/bin/musl-gcc runs
# TRIPLET-gcc with a specs file that puts musl's headers, crt files and
# libc.a in place of glibc's, as Debian's musl-tools does for the others.
#
#   tools/musl-source.sh mips-linux-gnu $PWD/build/musl/mips
#
# How: a deb-src entry for Debian's own archive (a file in
# /etc/apt/sources.list.d, added once, as root), `apt-get source
# --download-only musl` (the .dsc and its tarballs, checked against the
# archive's signed index), dpkg-source -x (Debian's patches applied), then
# musl's own configure and make with CROSS_COMPILE, static only. No
# build-dep: musl needs nothing but a C compiler. The source is kept in
# PREFIX.src/, the build takes a minute or two per architecture.
#
# Prints nothing and exits 0 when PREFIX/bin/musl-gcc exists already.
# Errors: one line on stderr, exit 1; usage errors exit 2.

set -eu

# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

if [ $# -ne 2 ] || [ "${2#/}" = "$2" ]; then
	usage 'TRIPLET /ABSOLUTE/PREFIX'
fi
triplet=$1 prefix=$2
[ -x "$prefix/bin/musl-gcc" ] && exit 0
command -v "$triplet-gcc" >/dev/null 2>&1 ||
	die "no $triplet-gcc: install gcc-$triplet (tools/deps.sh gcc-$triplet)"
command -v dpkg-source >/dev/null 2>&1 ||
	die "no dpkg-source: install dpkg-dev (tools/deps.sh dpkg-dev)"

# The deb-src entry: the suites and keyring of this machine's own Debian
# archive, for source packages. Without root, say what to do.
list=/etc/apt/sources.list.d/hutch-deb-src.sources
if ! apt-get source --print-uris musl >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] ||
		die "apt knows no source packages: as root, run $0 once (it adds $list)"
	# shellcheck disable=SC1091 # the machine's own
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:?}")
	cat >"$list" <<EOF
# Added by hutch's tools/musl-source.sh: musl's source package, built for
# the architectures Debian has a cross compiler for but no musl.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	apt-get -q -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 || true
	apt-get source --print-uris musl >/dev/null 2>&1 ||
		die "apt-get source musl fails even with $list: see apt-get update"
fi

src=$prefix.src
rm -rf "$src"
mkdir -p "$src"
(cd "$src" && apt-get -q source --download-only musl >download.log 2>&1) ||
	die "apt-get source --download-only musl failed (see $src/download.log)"
dsc=$(ls "$src"/musl_*.dsc)
dpkg-source -x "$dsc" "$src/musl" >"$src/unpack.log" 2>&1 ||
	die "dpkg-source -x $dsc failed (see $src/unpack.log)"

# -Os: libc.a's size is hutch's. The wrapper (musl-gcc and its specs)
# names TRIPLET-gcc, and PREFIX's lib and include. Debian's powerpc
# compilers default to IBM's 128-bit long double, which musl has no code
# for; its powerpc ABI is the 64-bit one (hutch has no long double).
cflags=-Os
case $triplet in powerpc*) cflags="$cflags -mlong-double-64" ;; esac
cd "$src/musl"
# hutch's make passes ARCH (and the rest of its command line) down in
# MAKEFLAGS: musl's make would take hutch's ARCH name over its own
# config.mak's (mips64el for mips64, powerpc64le for powerpc64)
unset MAKEFLAGS MFLAGS MAKELEVEL ARCH
./configure --prefix="$prefix" --target="$triplet" CROSS_COMPILE="$triplet-" \
	--disable-shared --enable-wrapper=gcc CFLAGS="$cflags" >"$src/configure.log" 2>&1 ||
	die "musl's configure failed for $triplet (see $src/configure.log)"
if ! make -j"$(nproc)" >"$src/make.log" 2>&1 || ! make install >>"$src/make.log" 2>&1; then
	die "musl's build failed for $triplet (see $src/make.log)"
fi
[ -x "$prefix/bin/musl-gcc" ] || die "musl's install made no $prefix/bin/musl-gcc"
