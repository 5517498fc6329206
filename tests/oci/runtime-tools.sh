#!/bin/bash
# SPDX-License-Identifier: MIT
# runtime-tools.sh SRC HUTCH [OUT]: the opencontainers runtime-tools
# validation suite, every case under runc and under hutch (called runc),
# side by side: one line per case with each runtime's exit status, TAP
# tests and failures. Not in `make check` yet: Debian's
# golang-github-opencontainers-runtime-tools-dev carries the library
# only (no validation/ nor cmd/runtimetest) and its source package was
# not reachable here, so SRC is an upstream tree of the version Debian
# packages (commit 0105384, 2022-04-23; later ones need Go 1.21, Debian
# has 1.19), built offline from its vendor/ with Debian's golang-go.
# Root; removes what the suite leaves: its groups (testdir, cgrouptest),
# its bundles in /tmp and the mounts one case leaves on the host.
set -u
[ $# -ge 2 ] || { echo "usage: $0 SRC HUTCH [OUT]" >&2; exit 2; }
src=$(cd "$1" && pwd) hutch=$2 out=${3:-$src/results}
export GOFLAGS=-mod=vendor GOCACHE=$src/.cache GOPATH=$src/.gopath GOPROXY=off CGO_ENABLED=0
cd "$src" || exit 2
go build -o runtimetest ./cmd/runtimetest || exit 1
for d in validation/*/; do
	n=$(basename "$d")
	[ "$n" = util ] || go build -o "validation/$n/$n.t" "./validation/$n" || exit 1
done
mkdir -p "$out/bin" && ln -sf "$(readlink -f "$hutch")" "$out/bin/runc"
for rt in runc "$out/bin/runc"; do
	name=$([ "$rt" = runc ] && echo runc || echo hutch)
	for t in validation/*/*.t; do
		n=$(basename "$t" .t)
		RUNTIME=$rt timeout 60 "./$t" >"$out/$name.$n.log" 2>&1
		echo "$n $? $(grep -cE '^(not )?ok ' "$out/$name.$n.log")" \
			"$(grep -cE '^not ok ' "$out/$name.$n.log")"
	done >"$out/$name"
	for d in $(find /sys/fs/cgroup -maxdepth 3 -type d \( -name cgrouptest -o -name testdir \) | sort -r); do
		rmdir "$d"
	done
	# the rootfs-propagation case (shared) leaves its container's mounts
	# on the host under runc: taken down before its bundle is removed
	for b in /tmp/ocitest*; do
		[ -d "$b" ] || continue
		! grep -q " $b " /proc/self/mountinfo || umount -R "$b"
		grep -q " $b/" /proc/self/mountinfo || rm -rf --one-file-system "$b"
	done
done
printf '%-32s %-22s %s\n' case "runc: rc tests failed" "hutch: rc tests failed"
join "$out/runc" "$out/hutch" | while read -r n r1 t1 f1 r2 t2 f2; do
	printf '%-32s %-22s %s\n' "$n" "$r1 $t1 $f1" "$r2 $t2 $f2"
done
