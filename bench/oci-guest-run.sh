# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# bench/oci-guest-run.sh - the guest side of section 9b (bench/oci-guest.sh):
# sourced by the guest's /init (tests/qemu/guest/init) as the scenario
# hutch_test=ocibench, on a kernel booted with cgroup_no_v1=all, where
# /init mounted cgroup2 alone on /sys/fs/cgroup.
#
# The initramfs carries hutch (called as runc through /oci/bin/runc),
# the host's runc and crun, GNU time and hyperfine with the shared
# libraries they load, and /oci/sleeper/config.json (the host's oci_spec:
# runc spec's config on /rootfs, `sleep 1000`). OCIBENCH_TURNS comes from
# the kernel command line.
#
# The runtimes run in a chroot into a tmpfs: pivot_root refuses a root
# that is the initramfs itself (it has no parent mount), and runc and
# crun pivot by default; in the chroot all three do what they do on a
# host. Results on the console, one a line, for the host to parse:
#
#   OCIBENCH runtime KEY runs|refused MESSAGE
#   OCIBENCH life KEY MS TURN   one create + start + delete --force
#   OCIBENCH rss KEY KIB        the peak RSS of one create (GNU time %M)
#   OCIBENCH info TEXT
#
# and the usual HUTCH-TAP lines (each stage ok or not) and HUTCH-DONE.

N=/newroot
v2_root "$N"	# the guest's /init: the root, cgroup2 alone, every controller
echo "OCIBENCH info cgroup2 only: $(grep -c '^[^ ]* [^ ]* cgroup ' /proc/mounts) v1 mounts; controllers: $(cat /sys/fs/cgroup/cgroup.controllers); enabled below the root: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
echo "OCIBENCH info $(uname -r), $(nproc) CPU(s), $(awk '/^MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)"

t_save "$N/tmp/tap.state"
cat >"$N/tmp/run.sh" <<'EOF'
HUTCH_HELPERS_ONLY=1 . /init
t_load /tmp/tap.state
mkdir -p /oci/bin
ln -sf /bin/hutch /oci/bin/runc
# life RUNTIME ID: the host's bench/oci.sh life script, the same three calls
cat >/oci/life <<'LIFE'
#!/bin/sh
"$1" create --bundle /oci/sleeper "$2" >/dev/null || exit 1
"$1" start "$2" || exit 1
exec "$1" delete --force "$2"
LIFE
chmod +x /oci/life
keys=
cmds=
for rt in hutch:/oci/bin/runc runc:/usr/sbin/runc crun:/usr/bin/crun; do
	key=${rt%%:*} bin=${rt#*:}
	out=$(/oci/life "$bin" "probe-$key" 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		echo "OCIBENCH runtime $key runs"
		keys="$keys $key"
	else
		"$bin" delete --force "probe-$key" >/dev/null 2>&1
		echo "OCIBENCH runtime $key refused $(printf '%s' "$out" | tr '\n\t' '  ' | cut -c1-160)"
	fi
	t_is "$rc" 0 "$key runs a container (create, start, delete --force)" || t_diag "$out"
done
bin_of() {
	case $1 in hutch) echo /oci/bin/runc ;; runc) echo /usr/sbin/runc ;; crun) echo /usr/bin/crun ;; esac
}
# The turns: each runtime once per turn (hyperfine -N --runs 1, the three
# commands in one call), the order rotated from turn to turn, so that a
# change of the host's load (TCG: the guest's CPU is the host's) hits the
# three alike; the probes above were the warm-up. "OCIBENCH life KEY MS
# TURN": the host pairs each turn's times.
keys=${keys# }
order=$keys
turn=0
bad=0
[ -n "$keys" ] || turn=${OCIBENCH_TURNS:-50} # none runs: said above
while [ "$turn" -lt "${OCIBENCH_TURNS:-50}" ]; do
	turn=$((turn + 1))
	set --
	for key in $order; do set -- "$@" "/oci/life $(bin_of "$key") bench-$key"; done
	if ! /oci/tools/hyperfine -N --style none --runs 1 --export-json /tmp/h.json "$@" >/tmp/hyperfine.log 2>&1; then
		bad=$((bad + 1))
		t_show /tmp/hyperfine.log 5
		continue
	fi
	# hyperfine's JSON, pretty-printed: each result's "times": [ one per
	# line ], results in the commands' order
	awk -v keys="$order" -v turn="$turn" 'BEGIN { n = split(keys, k, " ") }
		/"times": \[/ { r++; in_t = 1; next }
		in_t && /\]/ { in_t = 0; next }
		in_t { gsub(/[ ,]/, ""); printf "OCIBENCH life %s %.3f %d\n", k[r], $1 * 1000, turn }' /tmp/h.json
	case $order in *' '*) order="${order#* } ${order%% *}" ;; esac
done
t_is "$bad" 0 "hyperfine ran every turn ($turn)"
# The peak RSS of create, five times each, in turns. The container's
# process keeps create's stdio: /dev/null, not a pipe.
for i in 1 2 3 4 5; do
	for key in $keys; do
		bin=$(bin_of "$key")
		/oci/tools/time -o /tmp/rss -f %M "$bin" create --bundle /oci/sleeper "mem-$key" </dev/null >/dev/null 2>&1
		"$bin" delete --force "mem-$key" >/dev/null 2>&1
		echo "OCIBENCH rss $key $(tail -n 1 /tmp/rss)"
	done
done
# (the containers' groups by their ids: hutch oci keeps its parent group
# /sys/fs/cgroup/hutch, as its sandboxes do)
left=$(find /sys/fs/cgroup -mindepth 1 -type d -name '*-hutch' -o -type d -name '*-runc' -o -type d -name '*-crun' | head -n 5)
t_is "$left" "" "no container's cgroup left"
for key in $keys; do
	t_is "$("$(bin_of "$key")" list -q 2>&1)" "" "no $key container left"
done
t_save /tmp/tap.state
EOF
chroot "$N" /bin/sh /tmp/run.sh
t_rc=$?
t_load "$N/tmp/tap.state"
t_is "$t_rc" 0 "the runs in the chroot ended"
