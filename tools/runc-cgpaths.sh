#!/bin/sh
# SPDX-License-Identifier: MIT
# runc-cgpaths.sh DIR
#
# Build runc-cgpaths (tests/oci/runc-cgpaths/main.go): where runc's
# systemd cgroup driver puts a container's groups, computed by runc's
# own Go code, for tests/oci/17-systemd-cgroup.t. runc itself refuses
# --systemd-cgroup on a host that systemd did not boot (this one), so
# the test asks runc's code instead of a guess of ours.
#
#   tools/runc-cgpaths.sh build/runc-cgpaths
#
# The code: Debian's golang-github-opencontainers-runc-dev at the
# version of the installed runc package (the sources Debian's runc binary
# is built from), and the Go packages it imports that RTOOLS_PKGS lacks,
# fetched with apt-get download (never installed: their dependencies
# would pull in systemd) and unpacked into DIR/gopath, once per runc
# version; the rest (runtime-spec, logrus, x/sys) from /usr/share/gocode
# (the Makefile's RTOOLS_PKGS). Built offline in GOPATH mode with
# Debian's Go into DIR/runc-cgpaths. Errors: one line on stderr, exit 1;
# usage errors exit 2.

set -eu

# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

one_dir "$@"
top=$(cd "$(dirname "$0")/.." && pwd)

version=$(dpkg-query -W -f '${Version}' runc 2>/dev/null) ||
	die "runc is not installed: install it (tools/deps.sh runc)"
pkgs="golang-github-opencontainers-runc-dev=$version golang-github-coreos-go-systemd-dev
	golang-dbus-dev golang-github-cilium-ebpf-dev golang-github-cyphar-filepath-securejoin-dev
	golang-github-moby-sys-dev"

# The packages: once per runc version (the stamp names it).
if [ "$(cat "$dir/gopath/.runc-version" 2>/dev/null)" != "$version" ]; then
	rm -rf "$dir/debs" "$dir/gopath"
	mkdir -p "$dir/debs" "$dir/unpack"
	# apt-get download as root hands the file to the _apt user unless told
	# to stay root; without package lists (a fresh machine), update once.
	# shellcheck disable=SC2086 # the list is words
	(cd "$dir/debs" && apt-get -qq -o APT::Sandbox::User=root download $pkgs) ||
		{ apt-get -qq update >/dev/null 2>&1 || :; (cd "$dir/debs" &&
		apt-get -qq -o APT::Sandbox::User=root download $pkgs); } ||
		die "cannot fetch the Go sources of runc $version from Debian (above)"
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/unpack" || die "cannot unpack $deb"
	done
	mkdir -p "$dir/gopath"
	mv "$dir/unpack/usr/share/gocode/src" "$dir/gopath/src" ||
		die "no Go sources in the packages (/usr/share/gocode/src)"
	rm -rf "$dir/unpack"
	printf '%s\n' "$version" >"$dir/gopath/.runc-version"
fi

command -v go >/dev/null 2>&1 || die "no go: install golang-go (tools/deps.sh golang-go)"
mkdir -p "$dir/gopath/src/runc-cgpaths"
cp "$top/tests/oci/runc-cgpaths/main.go" "$dir/gopath/src/runc-cgpaths/main.go"
export GO111MODULE=off GOPATH="$dir/gopath:/usr/share/gocode" GOPROXY=off \
	GOFLAGS='' CGO_ENABLED=0 GOCACHE="$dir/go-cache"
# runc's seccomp package needs cgo and libseccomp only with cgo: without
# it (CGO_ENABLED=0) its stub is built, and cgroup paths need no seccomp.
go build -o "$dir/runc-cgpaths" runc-cgpaths || die "go build runc-cgpaths failed (above)"
printf '%s: %s (runc %s)\n' "$me" "$dir/runc-cgpaths" "$version"
