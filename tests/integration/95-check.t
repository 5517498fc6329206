#!/bin/bash
# SPDX-License-Identifier: MIT
# hutch check: one line per feature, the fix for what is missing, exit 1
# when the configuration needs something missing. Each missing feature is
# produced for real: hierarchies unmounted in a private mount namespace,
# namespaces switched off by sysctl inside a user namespace.
. "$(dirname "$0")/../lib/tap.sh"
require_feature check limits
require_root
require_cmd unshare=util-linux
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"

mounts_before=$(grep -c . /proc/self/mountinfo)
groups() { find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -path '*/hutch/*' -type d | sort; }
groups_before=$(groups)

out=$("$HUTCH" check --cpu 20% --memory 16M --pids 20 --root "$ROOTFS" 2>&1)
is "$?" 0 "everything this machine needs is there: exit 0"
like "$out" "^hutch check: Linux " "a header names the kernel"
for f in "PID namespace" "mount namespace" "UTS namespace" "IPC namespace" "seccomp filter" \
	"cpu controller" "memory controller" "pids controller" "CFS bandwidth control" \
	"root directory" "pivot_root" "host /dev"; do
	like "$out" "^ok +$f" "ok: $f"
done
like "$out" "^ok +CPUs: $(nproc) online" "the CPU count"
unlike "$out" "^missing" "nothing missing"

out=$("$HUTCH" check 2>&1)
is "$?" 0 "with no options hutch check still reports"
unlike "$out" "pids controller \(--pids\): " "controllers that are there need no reason"

out=$("$HUTCH" check --cpu $(( $(nproc) + 1 )) 2>&1)
is "$?" 1 "--cpu beyond the machine: exit 1"
like "$out" "^missing +CPUs: $(nproc) online" "and the CPU line says what there is"

out=$("$HUTCH" check --bogus 2>&1)
is "$?" 125 "a bad option: exit 125"
is "$out" "hutch: unknown option '--bogus' (see hutch --help)" "in one line"

# A hierarchy unmounted (as on a system that never mounted it).
out=$(unshare -m sh -c "umount /sys/fs/cgroup/pids && '$HUTCH' check --pids 20" 2>&1)
is "$?" 1 "pids hierarchy missing: exit 1"
like "$out" "^missing +pids controller \(--pids\): no cgroup v1 hierarchy has the pids controller: mount -t cgroup -o pids" \
	"names the missing pids controller and the mount that brings it"
out=$(unshare -m sh -c "umount /sys/fs/cgroup/pids && '$HUTCH' check --pids 20 --cgroup-missing warn" 2>&1)
is "$?" 0 "with --cgroup-missing warn the same is no failure"
like "$out" "^info +pids controller" "but still reported"

# CPU placement and block I/O (issue 15.7): there on this machine, and
# each hierarchy unmounted names its controller and kernel option.
# The weight needs a proportional I/O scheduler (BFQ's blkio.bfq.weight,
# or CFQ's blkio.weight before 5.0): a kernel without one (6.18 builds
# seen here have only none, mq-deadline and kyber) must fail the check
# and name the option.
blk=/dev/$(ls /sys/block | head -n 1)
out=$("$HUTCH" check --cpuset 0 --io-weight 200 --io-max "$blk:rbps=1M" 2>&1)
rc=$?
if [ -e /sys/fs/cgroup/blkio/blkio.bfq.weight ] || [ -e /sys/fs/cgroup/blkio/blkio.weight ]; then
	is "$rc" 0 "--cpuset, --io-weight and --io-max on this machine: exit 0"
	like "$out" "^ok +proportional I/O weight \(--io-weight\)" "ok: proportional I/O weight"
else
	is "$rc" 1 "--io-weight on a kernel without a proportional I/O scheduler: exit 1"
	like "$out" "^missing +proportional I/O weight \(--io-weight\): .*CONFIG_BFQ_GROUP_IOSCHED" \
		"missing: proportional I/O weight, naming CONFIG_BFQ_GROUP_IOSCHED"
fi
for f in "cpuset controller \(--cpuset\)" "I/O controller \(--io-weight, --io-max\)" \
	"block I/O throttling \(--io-max\)"; do
	like "$out" "^ok +$f" "ok: $f"
done
out=$(unshare -m sh -c "umount /sys/fs/cgroup/cpuset && '$HUTCH' check --cpuset 0" 2>&1)
is "$?" 1 "cpuset hierarchy missing: exit 1"
like "$out" "^missing +cpuset controller \(--cpuset\): no cgroup v1 hierarchy has the cpuset controller: mount -t cgroup -o cpuset .*CONFIG_CPUSETS" \
	"names the cpuset controller, its mount and CONFIG_CPUSETS"
out=$(unshare -m sh -c "umount /sys/fs/cgroup/cpuset && timeout 10 '$HUTCH' --cpuset 0 -- /bin/true" 2>&1)
is "$?:$(wc -l <<<"$out")" "125:1" "a start with --cpuset then fails with 125, in one line"
like "$out" "cannot set the cpuset limit: no cgroup v1 hierarchy has the cpuset controller" "naming why"
out=$(unshare -m sh -c "umount /sys/fs/cgroup/blkio && '$HUTCH' check --io-max '$blk:wiops=50'" 2>&1)
is "$?" 1 "blkio hierarchy missing: exit 1"
like "$out" "^missing +I/O controller .*: no cgroup v1 hierarchy has the blkio controller: .*CONFIG_BLK_CGROUP" \
	"names the blkio controller and CONFIG_BLK_CGROUP"

# PSI (issue 15.6): v1 has no memory.pressure per group; a line says so,
# for information unless --pressure-restart asks for it.
out=$("$HUTCH" check 2>&1)
like "$out" "^(info +PSI \(--pressure-restart\): PSI per group needs cgroup v2|info +PSI \(--pressure-restart\): PSI is off: boot with psi=1)" \
	"without --pressure-restart the PSI line is information"
out=$("$HUTCH" check --pressure-restart some:150ms/1s 2>&1)
is "$?" 1 "--pressure-restart on this cgroup v1 machine: exit 1"
like "$out" "^missing +PSI \(--pressure-restart\): " "the PSI line is missing, with why"

# No cgroup file system at all.
out=$(unshare -m sh -c "umount -R /sys/fs/cgroup && '$HUTCH' check --memory 16M" 2>&1)
is "$?" 1 "no cgroups mounted: exit 1"
like "$out" "^missing +memory controller \(--memory, --memory-high\): no cgroup file system is mounted: mount -t cgroup2 none /sys/fs/cgroup" \
	"says no cgroup file system is mounted, and how to mount one"
out=$(unshare -m sh -c "umount -R /sys/fs/cgroup && timeout 10 '$HUTCH' --memory 16M -- /bin/true" 2>&1)
is "$?" 125 "a start with --memory then fails with 125"
like "$out" "cannot set the memory limit: no cgroup file system is mounted" "naming why"
# The device allow-list is a default: without cgroups, a start fails
# closed, unless --cgroup-missing warn lets it run without (and the default
# --pids needs no such word: it is set where the pids controller is).
out=$(unshare -m sh -c "umount -R /sys/fs/cgroup && timeout 10 '$HUTCH' --root '$ROOTFS' --restart no -- /bin/true" 2>&1)
is "$?" 125 "a sandbox without limits still needs a cgroup for the device allow-list"
like "$out" "cannot set the device allow-list: no cgroup file system is mounted" "naming why"
out=$(unshare -m sh -c "umount -R /sys/fs/cgroup && timeout 10 '$HUTCH' --cgroup-missing warn --root '$ROOTFS' --restart no -- /bin/true" 2>&1)
is "$?" 0 "with --cgroup-missing warn it runs without"
like "$out" "running without the device allow-list \(--cgroup-missing warn\)" "and says so"
out=$(unshare -m sh -c "umount -R /sys/fs/cgroup && '$HUTCH' check" 2>&1)
is "$?" 1 "hutch check without cgroups: exit 1"
like "$out" "^missing +device allow-list \(devices controller\): no cgroup file system is mounted" \
	"names the device allow-list"
unlike "$out" "pids controller" "and no line for the default --pids"

# Namespaces switched off by sysctl (per user namespace, so this changes
# nothing outside).
out=$(unshare -U -r sh -c "echo 0 > /proc/sys/user/max_pid_namespaces && '$HUTCH' check" 2>&1)
is "$?" 1 "PID namespaces disabled: exit 1"
like "$out" "^missing +PID namespace: disabled: sysctl user.max_pid_namespaces is 0" "names the sysctl"
out=$(unshare -U -r sh -c "echo 0 > /proc/sys/user/max_pid_namespaces && timeout 10 '$HUTCH' -- /bin/true" 2>&1)
is "$?" 125 "a start then fails with 125"
like "$out" "cannot create a PID namespace: the limit is reached \(sysctl user.max_pid_namespaces\)" \
	"with the same sysctl named"
out=$(unshare -U -r sh -c "echo 0 > /proc/sys/user/max_net_namespaces && '$HUTCH' check" 2>&1)
is "$?" 0 "network namespaces disabled do not matter without --net none"
like "$out" "^info +network namespace" "but are reported"
out=$(unshare -U -r sh -c "echo 0 > /proc/sys/user/max_net_namespaces && '$HUTCH' check --net none" 2>&1)
is "$?" 1 "with --net none they do: exit 1"

# User namespaces: needed with --userns only, and switched off the same way.
out=$(unshare -U -r sh -c "echo 0 > /proc/sys/user/max_user_namespaces && '$HUTCH' check" 2>&1)
is "$?" 0 "user namespaces disabled do not matter without --userns"
like "$out" "^info +user namespace: disabled: sysctl user.max_user_namespaces is 0" "but are reported"
out=$(unshare -U -r sh -c "echo 0 > /proc/sys/user/max_user_namespaces && '$HUTCH' check --userns" 2>&1)
is "$?" 1 "with --userns they do: exit 1"
like "$out" "^missing +user namespace: disabled: sysctl user.max_user_namespaces is 0" "naming the sysctl"
# (root of a user namespace may not set a device allow-list: warn, to get
# as far as the user namespace)
out=$(unshare -U -r sh -c "echo 0 > /proc/sys/user/max_user_namespaces && timeout 10 '$HUTCH' --cgroup-missing warn --userns --root '$ROOTFS' -- /bin/true" 2>&1)
is "$?" 125 "a start with --userns then fails with 125"
like "$out" "cannot create a user namespace: they are switched off \(sysctl user.max_user_namespaces" \
	"with the same sysctl named"

# An ordinary user: what hutch check says before a rootless start.
user_check() { (cd /tmp && setpriv --reuid=65534 --regid=65534 --clear-groups "$HUTCH" check "$@" 2>&1); }
out=$(user_check)
is "$?" 1 "an ordinary user without --userns: exit 1"
like "$out" "^missing +ordinary user \(--userns\): an ordinary user cannot make namespaces: run hutch as root, or add --userns" \
	"says to run as root or add --userns"
out=$(user_check --userns)
is "$?" 0 "with --userns: exit 0 (this kernel lets ordinary users make user namespaces)"
like "$out" "^ok +ordinary user \(--userns\)$" "and says so"
out=$(user_check --userns --pids 10)
is "$?" 1 "with --userns and a cgroup limit: exit 1"
like "$out" "^missing +ordinary user \(--userns\): --cpu, --cpu-weight, --cpuset, --memory, --memory-high, --pressure-restart, --pids and --io-\* need a cgroup, which only root may make" \
	"says that only root may make a cgroup"
out=$("$HUTCH" check 2>&1)
unlike "$out" "ordinary user" "as root, no line about ordinary users"

# What the kernel does not isolate, said as info lines for what applies.
out=$("$HUTCH" check 2>&1)
like "$out" '^info +inotify instances: charged to host root' "inotify: charged to host root"
as_user=$("$HUTCH" check --root "$ROOTFS" --user 1000 2>&1)
unlike "$as_user" 'inotify instances' "--user 1000 without --userns: its own uid is charged, no line"
like "$out" '^info +host network as uid 0: .*--userns or --net none' \
	"uid 0 on the host's network: abstract sockets, with the advice"
unlike "$out" '^info +--userns range' "no --userns: no line about its range"
out=$("$HUTCH" check --net none 2>&1)
unlike "$out" 'host network as uid 0' "--net none: no line about the host's network"
out=$("$HUTCH" check --user 1000 2>&1)
unlike "$out" 'host network as uid 0' "--user 1000: no line about uid 0"
out=$("$HUTCH" check --user root:root 2>&1)
like "$out" 'host network as uid 0' "--user root:root is uid 0"
out=$("$HUTCH" check --userns 2>&1)
like "$out" '^info +--userns range: host ids 100000-165535, shared .*--userns-base' \
	"--userns: the shared default range, and --userns-base"
unlike "$out" 'host network as uid 0' "--userns: no line about uid 0"
out=$("$HUTCH" check --userns-base 200000 2>&1)
unlike "$out" '--userns range' "--userns-base: no line about the shared range"

# hutch check changes nothing.
is "$(grep -c . /proc/self/mountinfo)" "$mounts_before" "no mount added or removed on the host"
is "$(groups)" "$groups_before" "no cgroup was created or removed"

done_testing
