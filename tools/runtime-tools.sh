#!/bin/sh
# SPDX-License-Identifier: MIT
# runtime-tools.sh DIR
#
# Build the opencontainers runtime-tools validation suite (its cases,
# validation/NAME/NAME.t, and runtimetest, the program they run inside
# the container) from Debian's source, offline, with Debian's Go and
# Go packages; tests/oci/95-runtime-tools.t runs it under runc and hutch.
#
#   tools/runtime-tools.sh build/runtime-tools
#
# The source: Debian's .orig tarball of golang-github-opencontainers-
# runtime-tools 0.9.0.109.ge931285 (trixie's; bookworm's source package
# answers 404 for its tarball), fetched once from Debian's archive into
# DIR, its SHA-256 pinned here. It has validation/, cmd/runtimetest and
# rootfs-amd64.tar.gz (the cases' image) but no vendor/: the Go packages
# it imports are bookworm's golang-*-dev (GOPATH layout under
# /usr/share/gocode/src; tools/deps.sh installs them, the Makefile's
# RTOOLS_PKGS), built in GOPATH mode (go.mod says go 1.19, bookworm's
# Go). The one import Debian lacks, github.com/mndrix/tap-go, is our own
# package with its API (tests/oci/rtools-tap/tap.go), put at that path.
#
# DIR/gopath/src/github.com/opencontainers/runtime-tools is the tree,
# with runtimetest at its top and the cases in place; DIR/go-cache keeps
# Go's build cache between runs (a rebuild takes seconds). Errors: one
# line on stderr, exit 1; usage errors exit 2.

set -eu

# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

one_dir "$@"
top=$(cd "$(dirname "$0")/.." && pwd)

name=golang-github-opencontainers-runtime-tools_0.9.0.109.ge931285.orig.tar.xz
url=http://deb.debian.org/debian/pool/main/g/golang-github-opencontainers-runtime-tools/$name
sum=203989a1ea98cf2aaced79155bbda09270b20db19b03376dde91ab12e5e6a0fe
tree=$dir/gopath/src/github.com/opencontainers/runtime-tools

# The tarball: once; a partial download never takes its name.
if [ ! -f "$dir/$name" ]; then
	command -v curl >/dev/null 2>&1 || die "no curl: install it (tools/deps.sh curl)"
	curl -fsSL --retry 3 -o "$dir/$name.part" "$url" ||
		die "cannot fetch $url (no network, or Debian moved it: see $0)"
	mv "$dir/$name.part" "$dir/$name"
fi
got=$(sha256sum "$dir/$name" | cut -d' ' -f1)
[ "$got" = "$sum" ] ||
	die "$dir/$name: SHA-256 $got, not the pinned $sum: remove it to fetch again, or check what Debian changed"

# The tree, unpacked once per tarball (the stamp names it).
if [ "$(cat "$tree/.hutch-source" 2>/dev/null)" != "$sum" ]; then
	rm -rf "$tree"
	mkdir -p "$tree.new"
	tar -xJf "$dir/$name" -C "$tree.new" --strip-components=1 ||
		die "cannot unpack $dir/$name (xz-utils installed?)"
	printf '%s\n' "$sum" >"$tree.new/.hutch-source"
	mv "$tree.new" "$tree"
fi

# Our tap package where the imports look for it.
tap=$dir/gopath/src/github.com/mndrix/tap-go
mkdir -p "$tap"
cp "$top/tests/oci/rtools-tap/tap.go" "$tap/tap.go"

# Import paths of a major version (blang/semver/v4): Debian's package
# keeps the code at the path without /v4, which module mode maps and
# GOPATH mode does not; a link in our GOPATH gives it that path too.
gocode=/usr/share/gocode/src
m=github.com/blang/semver/v4
[ -d "$gocode/$m" ] || [ -e "$dir/gopath/src/$m" ] || {
	[ -d "$gocode/${m%/v*}" ] || die "no $gocode/${m%/v*}: install the Debian package of $m (make runtime-tools installs RTOOLS_PKGS)"
	mkdir -p "$dir/gopath/src/${m%/*}"
	ln -s "$gocode/${m%/v*}" "$dir/gopath/src/$m"
}

command -v go >/dev/null 2>&1 || die "no go: install golang-go (tools/deps.sh golang-go)"
export GO111MODULE=off GOPATH="$dir/gopath:/usr/share/gocode" GOPROXY=off \
	GOFLAGS='' CGO_ENABLED=0 GOCACHE="$dir/go-cache"
cd "$tree"
# runtimetest runs inside the image: static (no cgo) and at the top,
# where the cases copy it from.
go build -o runtimetest ./cmd/runtimetest || die "go build ./cmd/runtimetest failed (above)"
# Every case in one go build (its packages compiled in parallel), each
# main package written to bin/ by its directory's name.
rm -rf bin
go build -o bin/ ./validation/... || die "go build ./validation/... failed (above)"
n=0
for b in bin/*; do
	c=${b#bin/}
	[ -d "validation/$c" ] || die "go build wrote $b, which is no case of validation/"
	mv "$b" "validation/$c/$c.t"
	n=$((n + 1))
done
rmdir bin
[ "$n" -gt 0 ] || die "no case was built"
printf '%s: %d cases and runtimetest in %s\n' "$me" "$n" "$tree"
