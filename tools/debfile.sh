#!/bin/sh
# SPDX-License-Identifier: MIT
# debfile.sh PKG:ARCH PATH CACHE_DIR
#
# Print the path of one file of a Debian package, unpacked once into
# CACHE_DIR/PKG_ARCH/ and reused from there, without installing the package.
# For what cannot be installed beside the host's own, e.g. another
# architecture's static BusyBox (busybox-static:arm64 and :amd64 are both
# /bin/busybox):
#
#   tools/debfile.sh busybox-static:arm64 bin/busybox build/debs
#
# apt-get download fetches the .deb (a foreign ARCH must be known to dpkg;
# as root this script adds it and updates the package lists when needed),
# dpkg-deb -x unpacks it. Remove CACHE_DIR/PKG_ARCH to fetch it again.
#
# Output: the file's path on stdout. Errors: one line on stderr, exit 1;
# usage errors exit 2.

set -eu

# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || usage 'PKG:ARCH PATH CACHE_DIR'
spec=$1 path=${2#/} cache=$3
case $spec in
[a-z0-9]*:[a-z0-9]*) ;;
*) printf '%s: PKG:ARCH expected, got %s\n' "$me" "$spec" >&2 && exit 2 ;;
esac
dir=$cache/$(printf '%s' "$spec" | tr : _)

if [ -f "$dir/$path" ]; then
	printf '%s\n' "$dir/$path"
	exit 0
fi

arch=${spec#*:}
if [ "$(id -u)" -eq 0 ] && [ "$arch" != "$(dpkg --print-architecture)" ] &&
	! dpkg --print-foreign-architectures | grep -qx -- "$arch"; then
	printf '%s: adding the Debian architecture %s\n' "$me" "$arch" >&2
	dpkg --add-architecture "$arch" || die "dpkg --add-architecture $arch failed"
	apt-get -q update >/dev/null 2>&1 || true
fi

mkdir -p "$cache"
stage=$(mktemp -d "$dir.XXXXXX") || die "cannot create a directory in $cache"
trap 'rm -rf -- "$stage"' EXIT
# apt drops root to _apt for downloads: let it write here.
chmod 0777 "$stage"
if ! (cd "$stage" && apt-get -q download "$spec") >"$stage/apt.log" 2>&1; then
	sed 's/^/  /' "$stage/apt.log" >&2
	die "apt-get download $spec failed (no network, or run: dpkg --add-architecture $arch && apt-get update)"
fi
dpkg-deb -x "$stage"/*.deb "$stage/root" || die "cannot unpack the .deb of $spec"
[ -f "$stage/root/$path" ] || die "$spec has no /$path"
rm -rf -- "$dir"
mv -- "$stage/root" "$dir"
printf '%s: %s: %s\n' "$me" "$spec" "$(cd "$stage" && ls -- *.deb)" >&2
printf '%s\n' "$dir/$path"
