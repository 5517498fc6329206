#!/bin/bash
# SPDX-License-Identifier: MIT
# 80-containerd.t: Debian's containerd 1.6, started here as a real
# service (its config, root, state and socket in a temporary directory,
# stopped at the end), drives hutch through its runc shim
# (io.containerd.runc.v2 with BinaryName = hutch called runc), and ctr
# runs each case a second time with the shim's default binary, Debian's
# runc, the oracle: exit codes, output and the task's states must be
# the same.
#
# The config holds the k3s stanza of docs/oci.md (a runtime "hutch"
# with BinaryName): containerd must load it.
#
# The cases: ctr run (output, exit code), ctr task exec, kill, delete,
# and a task started again after its end (the container's second
# task). They run from a spec file (ctr run --config: runc spec's,
# on the test rootfs). Then ctr's own spec for an image imported by ctr
# image import (made offline from the test rootfs): its cpu shares and
# containerd's device allow-list (deny all, then mknod of any node,
# /dev/console, tun and the standard nodes), the default ctr run.
#
# Last, ctr run --runc-systemd-cgroup (the shim passes --systemd-cgroup,
# as with containerd's SystemdCgroup = true) with a cgroupsPath in
# systemd's form: runc refuses it here (systemd is not this host's
# init), hutch puts the container where runc's systemd driver would
# (runc-cgpaths: runc's own code, as tests/oci/17-systemd-cgroup.t).
#
# Needs root, containerd and ctr (containerd), runc, python3,
# RUNC_CGPATHS (make check-oci).

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

oci_require containerd=containerd ctr=containerd runc=runc python3=python3 timeout mktemp
[ -n "${RUNC_CGPATHS-}" ] && [ -x "$RUNC_CGPATHS" ] ||
	bail_out "RUNC_CGPATHS must name runc-cgpaths (make runc-cgpaths builds it)"

tmp=$(mktemp -d /tmp/oci-t80.XXXXXX) || bail_out "cannot create a temporary directory"
here=$(cd "$(dirname "$0")" && pwd)
ns=hutch-t80-$$
# the shims' sockets, the shim's runc root and ctr's default fifos are
# under /run/containerd whatever the config says: removed at the end
# when this test made it
[ -e /run/containerd ] && run_existed=true || run_existed=false
mkdir -p "$tmp/bin" && ln -s "$HUTCH" "$tmp/bin/runc" || bail_out "cannot link hutch as runc"

cat >"$tmp/config.toml" <<EOF
version = 2
root = "$tmp/root"
state = "$tmp/state"
[grpc]
  address = "$tmp/containerd.sock"
[ttrpc]
  address = "$tmp/containerd-ttrpc.sock"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$tmp/opt"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    default_runtime_name = "runc"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hutch]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hutch.options]
      BinaryName = "$tmp/bin/runc"
EOF

containerd --config "$tmp/config.toml" >"$tmp/containerd.log" 2>&1 &
ctd=$!
c() { timeout 120 ctr --address "$tmp/containerd.sock" --namespace "$ns" "$@"; }
cleanup() {
	local id
	for id in $(c task ls -q 2>/dev/null); do c task kill -s KILL "$id"; done >/dev/null 2>&1
	for id in $(c container ls -q 2>/dev/null); do
		c task delete -f "$id"
		c container delete "$id"
	done >/dev/null 2>&1
	kill "$ctd" 2>/dev/null && wait "$ctd"
	for d in /sys/fs/cgroup/*/"$ns" /sys/fs/cgroup/"$ns" /sys/fs/cgroup/*/t80.slice; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	$run_existed || rm -rf /run/containerd
	umount -R "$tmp/root" "$tmp/state" 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT
for _ in $(seq 200); do
	[ -S "$tmp/containerd.sock" ] && c version >/dev/null 2>&1 && break
	kill -0 "$ctd" 2>/dev/null || break
	sleep 0.1
done
c version >/dev/null 2>&1 || bail_out "containerd did not start: $(tail -3 "$tmp/containerd.log")"

# the k3s stanza: loaded as written (the CRI plugin took the config)
ok "containerd loads the config with the hutch runtime (BinaryName)" \
	grep -q "BinaryName = \"$tmp/bin/runc\"" <(timeout 60 containerd --config "$tmp/config.toml" config dump)
like "$(c plugins ls | awk '$2 == "cri" { print $4 }')" '^ok$' "containerd's CRI plugin loaded with it"

# spec NAME ARGS...: runc spec's config.json for ctr run --config, on
# the test rootfs (read-only), with its cgroup mount
spec() {
	local name=$1
	shift
	mkdir -p "$tmp/spec" && (cd "$tmp/spec" && rm -f config.json && runc spec) || return 1
	python3 - "$tmp/spec/config.json" "$tmp/$name.json" "$ROOTFS" "$@" <<'EOF'
import json, sys
src, dst, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
c = json.load(open(src))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = args
json.dump(c, open(dst, "w"), indent=1)
EOF
}
spec exit3 sh -c 'echo "pid=$$ host=$(hostname)"; exit 3' || bail_out "runc spec failed"
spec sleeper sleep 1000 || bail_out "runc spec failed"

# binary R: the shim's runc binary for runtime R
binary() { if [ "$1" = runc ]; then echo runc; else echo "$tmp/bin/runc"; fi; }
status() { c task ls | awk -v id="$1" '$1 == id { print $3 }'; }
# the shim's warning of an exit: "... exit with non-zero exit code 137"
exit_of() { sed -n 's/.*exit code \([0-9]*\).*/\1/p' | tr -d '\n'; }

life() {
	local r=$1 id=t80-$1 B out
	B=$(binary "$r")
	out=$(c run --rm --fifo-dir "$tmp/fifo" --runtime io.containerd.runc.v2 --runc-binary "$B" \
		--config "$tmp/exit3.json" "$id-run" 2>&1)
	echo "run=$? $(one_line "$out")"
	c run -d --fifo-dir "$tmp/fifo" --runtime io.containerd.runc.v2 --runc-binary "$B" \
		--config "$tmp/sleeper.json" "$id" >/dev/null 2>&1
	echo "run-d=$? status=$(status "$id")"
	out=$(c task exec --fifo-dir "$tmp/fifo" --exec-id e1 "$id" \
		sh -c 'echo "exec: pid 1 is $(cat /proc/1/comm)"; exit 4' 2>&1)
	echo "exec=$? $(one_line "$out")"
	echo "ps=$(c task ps "$id" | tail -n +2 | wc -l)"
	c task kill -s KILL "$id"
	echo "kill=$?"
	for _ in $(seq 100); do [ "$(status "$id")" = STOPPED ] && break; sleep 0.1; done
	echo "status=$(status "$id")"
	out=$(c task delete "$id" 2>&1)
	echo "delete=$? exit=$(exit_of <<<"$out")"
	# the same container's second task (what a restart policy does)
	c task start -d --fifo-dir "$tmp/fifo" "$id" >/dev/null 2>&1
	echo "restart=$? status=$(status "$id")"
	out=$(c task exec --fifo-dir "$tmp/fifo" --exec-id e2 "$id" sh -c 'echo again; exit 5' 2>&1)
	echo "exec-again=$? $(one_line "$out")"
	out=$(c task delete -f "$id" 2>&1)
	echo "delete-f=$? exit=$(exit_of <<<"$out") left=$(c task ls -q | grep -c "^$id\$")"
	c container delete "$id"
	echo "container-delete=$? left=$(c container ls -q | grep -c "^$id")"
}
for r in runc hutch; do
	life "$r" >"$tmp/$r.life" 2>&1
done
while IFS= read -r want && IFS= read -r got <&3; do
	same "ctr ${want%%=*}: the same as runc" "$want" "$got"
done <"$tmp/runc.life" 3<"$tmp/hutch.life"
diag "runc: $(tr '\n' '|' <"$tmp/runc.life")"

# ctr's own spec for an imported image (the default ctr run)
python3 "$here/helpers/oci-image.py" "$ROOTFS" docker.io/library/hutch-t80:latest "$tmp/image.tar" ||
	bail_out "cannot make the image tarball"
ok "ctr image import of the test rootfs" c image import --snapshotter native "$tmp/image.tar"
# image_run R [CTR RUN FLAGS]
image_run() {
	local r=$1
	shift
	c run --rm --snapshotter native --fifo-dir "$tmp/fifo" --runtime io.containerd.runc.v2 \
		--runc-binary "$(binary "$r")" "$@" docker.io/library/hutch-t80:latest "t80-img-$r" \
		sh -c 'echo from-image; exit 3' 2>&1
	echo "rc=$?"
	c task delete -f "t80-img-$r" >/dev/null 2>&1
	c container delete "t80-img-$r" >/dev/null 2>&1
}
same "ctr run of the imported image with ctr's spec: as runc" "$(one_line "$(image_run runc)")" \
	"$(one_line "$(image_run hutch)" | sed 's/.*config.json: //')"
same "ctr run of the imported image, --cpu-shares 0: as runc" \
	"$(one_line "$(image_run runc --cpu-shares 0)")" \
	"$(one_line "$(image_run hutch --cpu-shares 0)" | sed 's/.*config.json: //')"

# systemd's form through the shim: SLICE:PREFIX:NAME (ctr wants --cgroup
# with --runc-systemd-cgroup); the devices group (hutch makes one in
# every case) is where runc's code puts it, and gone after
sd_run() { # R
	c run --rm --snapshotter native --fifo-dir "$tmp/fifo" --runtime io.containerd.runc.v2 \
		--runc-binary "$(binary "$1")" --runc-systemd-cgroup --cgroup "t80.slice:t80ctr:t80-sd-$1" \
		docker.io/library/hutch-t80:latest "t80-sd-$1" sh -c 'grep :devices: /proc/self/cgroup' 2>&1
	echo "rc=$?"
	c task delete -f "t80-sd-$1" >/dev/null 2>&1
	c container delete "t80-sd-$1" >/dev/null 2>&1
}
like "$(one_line "$(sd_run runc)")" "systemd not running on this host" \
	"ctr run --runc-systemd-cgroup: runc refuses it where systemd is not the init"
want=$("$RUNC_CGPATHS" t80-sd-hutch t80.slice:t80ctr:t80-sd-hutch | sed -n 's|^devices /sys/fs/cgroup/devices||p')
is "$(one_line "$(sd_run hutch)")" "$(one_line "$(grep -m1 ':devices:' /proc/self/cgroup |
	cut -d: -f1):devices:$want
rc=0")" "  hutch: the container's group where runc's systemd driver puts it ($want)"
ok "  gone after" test ! -e "/sys/fs/cgroup/devices$want"

ok "no container left" test "$(c container ls -q | wc -l)" -eq 0
done_testing
