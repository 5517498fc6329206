# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# shellcheck disable=SC2034 # t_todo is read by /init's t_emit
# Scenario hutch_test=systemd (tests/qemu/90-amd64-systemd.t): systemd as
# the guest's PID 1, and hutch oci --systemd-cgroup beside runc under it.
#
# Stage 1, sourced by /init (tests/qemu/guest/init) as PID 1: copies the
# initramfs into a tmpfs (as a board's root, where runc's pivot_root
# works; systemd does not take it for an initrd: no /etc/initrd-release),
# writes a machine-id and one unit, t90.service, moves /proc, /sys and
# /dev there and execs Debian's systemd through BusyBox switch_root, with
# t90.service as the unit to start (--unit) and nothing else: no
# generators, getty, udev or journald in the image.
#
# Stage 2, t90.service (hutch_phase=check): systemd is PID 1 on cgroup v2;
# then for each cgroupsPath runc creates, starts and deletes the bundle
# with --systemd-cgroup, and hutch oci the same bundle; what each leaves
# (the scope's properties, its group's files, what is left after
# delete) is written to a file, runc's checked for sense, hutch's
# compared with runc's line by line.

S=/t90.state	# the test count across the exec (on the new root)

if [ "${hutch_phase-}" != check ]; then
	N=/newroot
	mkdir -p "$N"
	t_ok "a tmpfs for systemd's root" mount -t tmpfs -o mode=0755 tmpfs "$N"
	for d in /*; do
		case $d in
		/proc | /sys | /dev | /tmp | /run | "$N") mkdir -p "$N$d" ;;
		*) cp -a "$d" "$N/" ;;
		esac
	done
	chmod 1777 "$N/tmp"
	# systemd mounts cgroup2 itself (nsdelegate, memory_recursiveprot),
	# or on hutch_test=systemdv1 (systemd.unified_cgroup_hierarchy=0)
	# the v1 hierarchies and cgroup2 on unified/: /init enabled no
	# controller on its cgroup2, so each is free for v1
	umount /sys/fs/cgroup /tmp
	echo 5c8fa9d21cbb4a46a2b1c2d2e0f0a090 >"$N/etc/machine-id"
	mkdir -p "$N/etc/systemd/system"
	cat >"$N/etc/systemd/system/t90.service" <<-EOF
		[Unit]
		Description=hutch oci --systemd-cgroup beside runc (90-amd64-systemd.t)
		DefaultDependencies=no
		AllowIsolate=yes
		# finish powers off; a script that dies before it must not
		# leave the guest idle until the host's timeout
		SuccessAction=poweroff-immediate
		FailureAction=poweroff-immediate

		[Service]
		Type=oneshot
		TimeoutStartSec=infinity
		Environment=hutch_phase=check PATH=/bin:/sbin:/usr/bin:/usr/sbin
		ExecStart=/bin/sh /tests/systemd.sh
		StandardOutput=tty
		StandardError=tty
		TTYPath=/dev/console
	EOF
	t_diag "systemd: exec'd $(cut -d' ' -f1 /proc/uptime) s after the kernel started"
	for m in /proc /sys /dev; do
		mount --move "$m" "$N$m" || t_emit 1 "mount --move $m $N$m"
	done
	t_save "$N$S"
	# shellcheck disable=SC2093 # exec on purpose; the lines after are for a failure
	exec switch_root "$N" /lib/systemd/systemd --unit=t90.service \
		--show-status=0 --log-target=console --log-level=warning --log-color=0
	t_emit 1 "exec switch_root $N /lib/systemd/systemd"
	return
fi

# --- Stage 2: t90.service, a child of systemd --------------------------------
# shellcheck source=/dev/null
HUTCH_HELPERS_ONLY=1 . /init
t_load "$S"
CG=/sys/fs/cgroup

t_diag "systemd: t90.service runs $(cut -d' ' -f1 /proc/uptime) s after the kernel started"
t_like "$(readlink /proc/1/exe)" '/lib/systemd/systemd$' "PID 1 is systemd"
V1=
if [ "$(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)" = cgroup2 ]; then
	t_ok "cgroup v2 unified on $CG (systemd 252's default)" \
		sh -c '! grep -q systemd.unified_cgroup_hierarchy=0 /proc/cmdline'
else
	V1=1
	t_ok "systemd.unified_cgroup_hierarchy=0: systemd's hybrid tree, v1 hierarchies on $CG and cgroup2 on $CG/unified" \
		sh -c "grep -q systemd.unified_cgroup_hierarchy=0 /proc/cmdline &&
			awk '\$2 == \"$CG/memory\" && \$3 == \"cgroup\" { m = 1 }
			     \$2 == \"$CG/devices\" && \$3 == \"cgroup\" { d = 1 }
			     \$2 == \"$CG/unified\" && \$3 == \"cgroup2\" { u = 1 }
			     END { exit !(m && d && u) }' /proc/mounts"
fi
t_ok "no /etc/initrd-release: systemd runs as the system's init, not an initrd's" \
	test ! -e /etc/initrd-release
t_ok "/run/systemd/system is a directory (systemd runs, as sd_booted(3) finds it)" \
	test -d /run/systemd/system
t_ok "systemd's private socket /run/systemd/private" test -S /run/systemd/private
t_is "$(sed -n 's/^0:://p' /proc/self/cgroup)" /system.slice/t90.service \
	"the scenario runs in /system.slice/t90.service"
t_diag "systemd $(systemctl --version | head -n 1); controllers of $CG: $(cat $CG/cgroup.subtree_control 2>/dev/null || grep -o ' /sys/fs/cgroup/[^ ]* [^ ]* ' /proc/mounts | tr '\n' ' ')"

# The files read, v2's or v1's: the group of a controller's hierarchy
# (cgdir CTRL PID: v1 its line of /proc/PID/cgroup in CG/CTRL),
# memory's limit, cpu's shares or weight, the limits' unit properties.
# MORE: the other limits of the bundle (its reservation, swap, quota
# and period), each FILE=VALUE written behind systemd's back before the
# reload: runc passes MemoryLow, MemorySwapMax (v2) and
# CPUQuotaPeriodUSec, CPUQuotaPerSecUSec as properties, so the reload
# writes them again.
if [ -n "$V1" ]; then
	MEMF=memory.limit_in_bytes CPUF=cpu.shares PROPS=MemoryLimit,TasksMax,CPUShares
	MORE="cpu/cpu.cfs_quota_us=-1 cpu/cpu.cfs_period_us=100000 memory/memory.soft_limit_in_bytes=0"
else
	MEMF=memory.max CPUF=cpu.weight PROPS=MemoryMax,TasksMax,CPUWeight
	MORE="cpu/cpu.max=max memory/memory.low=0 memory/memory.swap.max=max"
fi
# more_limits SUFFIX: each file of MORE, "FILE SUFFIX: VALUE"
more_limits() {
	for m in $MORE; do
		f=${m%%=*}
		echo "${f#*/}$1: $(cat "$(cgdir "${f%%/*}" "$pid")/${f#*/}" 2>&1)"
	done
}
cgdir() {
	if [ -z "$V1" ]; then
		echo "$CG$(sed -n 's/^0:://p' "/proc/${2:-0}/cgroup" 2>/dev/null)"
	else
		echo "$CG/$1$(awk -F: -v c="$1" '{ n = split($2, a, ",")
			for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/${2:-0}/cgroup" 2>/dev/null)"
	fi
}

# hutch oci features' "systemd": whether this hutch asks systemd for
# scopes (true) or refuses where systemd runs (false, main before
# issue 16's D-Bus work)
sd_feature=$(/bin/hutch oci features 2>/dev/null | sed -n 's/.*"systemd": *\([a-z]*\).*/\1/p')
t_diag "hutch oci features: systemd ${sd_feature:-unknown}"

# run RT KEY ID UNIT SLICE: RT (runc or hutch) creates and starts
# /oci/KEY as ID, then deletes it; writes what it saw, one "name: value"
# a line, to /run/t90/RT-KEY: the slice before, the scope's properties
# and its group's files, then what delete leaves.
mkdir -p /run/t90
cat >/run/t90/proc.json <<'EOF'
{"terminal": false, "user": {"uid": 0, "gid": 0}, "cwd": "/",
 "env": ["PATH=/bin:/sbin"],
 "args": ["/bin/sh", "-c", "echo x >/dev/null && head -c 3 /dev/zero | wc -c"]}
EOF
# what the devices group says of the bundle's two nodes: /dev/t90kmsg
# (1:11, denied: opened for writing, the container could write the
# host's kernel log; EPERM) and /dev/t90tty1 (4:1, allowed: opened)
cat >/run/t90/nodes.json <<'EOF'
{"terminal": false, "user": {"uid": 0, "gid": 0}, "cwd": "/",
 "env": ["PATH=/bin:/sbin"],
 "args": ["/bin/sh", "-c", "r=$( (: >/dev/t90kmsg) 2>&1 ); t=$( (: </dev/t90tty1) 2>&1 ); r=${r##*: } t=${t##*: }; echo \"kmsg ${r:-opened} tty1 ${t:-opened}\""]}
EOF
run() {
	rt=$1 key=$2 id=$3 unit=$4 slice=$5
	if [ "$rt" = hutch ]; then set -- /bin/hutch oci --systemd-cgroup
	else set -- /usr/sbin/runc --systemd-cgroup; fi
	o=/run/t90/$rt-$key
	: >"$o"
	systemctl show -p ActiveState "$slice" | sed 's/^/slice before /; s/=/: /' >>"$o"
	"$@" create --bundle "/oci/$key" "$id" </dev/null >/dev/null 2>"$o.err"
	echo "create: $?" >>"$o"
	"$@" start "$id" </dev/null >/dev/null 2>>"$o.err"
	echo "start: $?" >>"$o"
	pid=$("$@" state "$id" 2>>"$o.err" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
	grp=$(sed -n 's/^0:://p' "/proc/${pid:-0}/cgroup" 2>/dev/null)
	mg=$(cgdir memory "$pid") pg=$(cgdir pids "$pid") cg=$(cgdir cpu "$pid") dg=$(cgdir devices "$pid")
	{
		echo "group: $grp"
		systemctl show -p ControlGroup,ActiveState,Slice,Delegate "$unit" | sed 's/=/: /' | sort
		# runc: "libcontainer container NAME", hutch: "hutch container NAME"
		echo "Description's NAME: $(systemctl show -p Description --value "$unit" | sed 's/.* container //')"
		if [ -z "$grp" ]; then
			echo "cgroup.procs: no group (pid ${pid:-none})"
		elif [ -n "$pid" ] && grep -qx "$pid" "$mg/cgroup.procs" 2>/dev/null; then
			echo "cgroup.procs: the container's pid"
		else
			echo "cgroup.procs: $(tr '\n' ' ' <"$mg/cgroup.procs" 2>&1)(pid ${pid:-none})"
		fi
		# v1: the container's group the same in each hierarchy
		[ -z "$V1" ] || for g in "$mg" "$pg" "$cg" "$dg"; do
			echo "group in ${g#"$CG/"}"
		done | sed "s|^group in \([^/]*\)$grp\$|group in \1: the same|"
		echo "$MEMF: $(cat "$mg/$MEMF" 2>&1)"
		echo "pids.max: $(cat "$pg/pids.max" 2>&1)"
		echo "$CPUF: $(cat "$cg/$CPUF" 2>&1)"
		# shown, not compared (hutch's list is its own, docs/oci.md):
		# the scope's devices.list, where exec'd processes go
		[ -z "$V1" ] || echo "devices.list: $(tr '\n' ' ' <"$CG/devices$grp/devices.list" 2>&1)" >"$o.list"
		echo "nodes: $("$@" exec --process /run/t90/nodes.json "$id" 2>&1 </dev/null)"
		# runc gives systemd the limits as the unit's properties too:
		# systemd writes a unit's own values into its group again when
		# it reloads, over what was written behind its back (runc's
		# come back: the reload does rewrite them)
		systemctl show -p "$PROPS" "$unit" | sed 's/=/: /' | sort
		more_limits ""
		if [ -n "$grp" ]; then
			echo 16777216 >"$mg/$MEMF"
			echo 20 >"$pg/pids.max"
			echo 100 >"$cg/$CPUF"
			for m in $MORE; do
				f=${m%%=*}
				echo "${m#*=}" >"$(cgdir "${f%%/*}" "$pid")/${f#*/}"
			done
		fi
		systemctl daemon-reload
		more_limits " after daemon-reload"
		echo "$MEMF after daemon-reload: $(cat "$mg/$MEMF" 2>&1)"
		echo "pids.max after daemon-reload: $(cat "$pg/pids.max" 2>&1)"
		echo "$CPUF after daemon-reload: $(cat "$cg/$CPUF" 2>&1)"
		[ -z "$V1" ] || echo "after daemon-reload: $(tr '\n' ' ' <"$CG/devices$grp/devices.list" 2>&1)" >>"$o.list"
		echo "nodes after daemon-reload: $("$@" exec --process /run/t90/nodes.json "$id" 2>&1 </dev/null)"
		# and the container's devices still open (systemd's own device
		# rules for the scope, applied again by the reload, must not
		# take /dev/null or /dev/zero from it)
		"$@" exec --process /run/t90/proc.json "$id" >"$o.exec" 2>&1 </dev/null
		erc=$?
		echo "devices after daemon-reload: $(tr '\n' ' ' <"$o.exec")rc $erc"
	} >>"$o"
	[ "$rt" = runc ] || grep '^unit=' "/run/hutch-oci/$id/state" >"$o.rec" 2>&1
	# shown, not compared: the device rules runc hands systemd
	systemctl show -p DevicePolicy,DeviceAllow "$unit" >"$o.dev"
	[ ! -f "$o.list" ] || cat "$o.list" >>"$o.dev"
	"$@" delete --force "$id" >/dev/null 2>>"$o.err"
	echo "delete: $?" >>"$o"
	{
		systemctl show -p LoadState,ActiveState "$unit" | sed 's/^/after delete /; s/=/: /' | sort
		systemctl show -p ActiveState "$slice" | sed 's/^/slice after /; s/=/: /'
		for g in "$mg" "$pg" "$cg" "$dg" "$CG$grp" "$CG/unified$grp"; do
			[ -n "$grp" ] && [ -d "$g" ] && echo "left group: $g"
		done
		[ -e "/run/runc/$id" ] && echo "left record: /run/runc/$id"
		[ -e "/run/hutch-oci/$id" ] && echo "left record: /run/hutch-oci/$id"
		# BusyBox here has no pgrep
		# shellcheck disable=SC2009
		ps -o args | grep -q '^sleep 1000' && echo "left process: sleep 1000"
	} >>"$o"
	t_diag "$rt $key:" "$(cat "$o")" "(not compared) $(tr '\n' ' ' <"$o.dev")"
	[ ! -s "$o.err" ] || t_diag "$rt $key, its messages:" "$(cat "$o.err")"
}

# field FILE NAME: NAME's value in FILE.
field() {
	sed -n "s/^$2: //p" "$1"
}

# side KEY ID UNIT SLICE: runc, then hutch, with bundle KEY; runc's
# results checked for sense, hutch's line by line against them.
side() {
	key=$1 id=$2 unit=$3 slice=$4
	run runc "$key" "$id" "$unit" "$slice"
	r=/run/t90/runc-$key
	[ "$slice" = system.slice ] ||
		t_is "$(field "$r" "slice before ActiveState")" inactive "runc $key: no $slice before"
	t_is "$(field "$r" create) $(field "$r" start)" "0 0" "runc $key: create and start"
	t_like "$(field "$r" ControlGroup)" "/$unit\$" "runc $key: the scope $unit"
	t_is "$(field "$r" ActiveState)" active "runc $key: $unit active"
	t_is "$(field "$r" Slice)" "$slice" "runc $key: in $slice"
	t_is "$(field "$r" Delegate)" yes "runc $key: Delegate=yes"
	t_is "$(field "$r" group)" "$(field "$r" ControlGroup)" "runc $key: the container's group is the scope's"
	t_is "$(field "$r" cgroup.procs)" "the container's pid" "runc $key: cgroup.procs holds the container's pid"
	t_is "$(field "$r" $MEMF)/$(field "$r" pids.max)" 33554432/30 "runc $key: $MEMF and pids.max"
	t_is "$(field "$r" "$MEMF after daemon-reload")/$(field "$r" "pids.max after daemon-reload")" \
		33554432/30 "runc $key: $MEMF and pids.max, changed behind systemd's back, written again by daemon-reload"
	t_is "$(field "$r" nodes)" "kmsg Operation not permitted tty1 opened" \
		"runc $key: /dev/t90kmsg (1:11) denied, /dev/t90tty1 (4:1) open, as the bundle says"
	t_is "$(field "$r" "nodes after daemon-reload")" "kmsg Operation not permitted tty1 opened" \
		"runc $key: so still after daemon-reload"
	# runc 1.1.5 on v1: its init in the devices hierarchy's slice, not
	# in the scope (its exec'd processes are): seen, not counted
	[ -z "$V1" ] || t_diag "runc $key: $(grep '^group in devices' "$r")"
	t_is "$(field "$r" "devices after daemon-reload")" "3 rc 0" \
		"runc $key: /dev/null and /dev/zero open in the container after daemon-reload"
	t_is "$(field "$r" delete)" 0 "runc $key: delete --force"
	t_unlike "$(cat "$r")" '^left |^after delete ActiveState: active' \
		"runc $key: after delete no scope, no group, no record, no process"
	# the kubelet's slice made for runc goes, so hutch meets none either
	[ "$slice" = system.slice ] || systemctl stop kubepods.slice
	run hutch "$key" "$id" "$unit" "$slice"
	h=/run/t90/hutch-$key
	# a hutch without the D-Bus scopes refuses (docs/oci.md): so
	# documented, its comparisons TODO tests
	if [ "$sd_feature" != true ]; then
		t_is "$(field "$h" create)" 125 \
			"hutch $key: refused where systemd runs (its features: systemd $sd_feature)"
		t_todo="hutch oci does not drive systemd (features: systemd $sd_feature)"
	fi
	while IFS= read -r line; do
		n=${line%%: *}
		case $n in "group in devices"*) continue ;; esac
		t_is "$(field "$h" "$n")" "${line#*: }" "hutch $key: $n as runc's"
	done <"$r"
	[ -z "$V1" ] || t_is "$(grep '^group in devices' "$h")" "group in devices: the same" \
		"hutch $key: the container's init in the scope's group in the devices hierarchy too"
	t_is "$(grep -c . "$h")" "$(grep -c . "$r")" "hutch $key: as many lines as runc's"
	t_is "$(cat "$h.rec")" "unit=$unit" "hutch $key: its record names the unit (for delete's StopUnit)"
	t_todo=
	[ "$slice" = system.slice ] || systemctl stop kubepods.slice
}

side c1 t90-c1 t90-t90-c1.scope system.slice
side c2 t90-c2 runc-t90-c2.scope system.slice
side c3 t90-c3 cri-containerd-t90-c3.scope kubepods-besteffort.slice

# killed RT: a container whose process was killed before delete:
# systemd drops the empty scope by itself, and delete then finds no
# unit. What each step gives, one line each, to /run/t90/RT-killed.
killed() {
	rt=$1
	if [ "$rt" = hutch ]; then set -- /bin/hutch oci --systemd-cgroup
	else set -- /usr/sbin/runc --systemd-cgroup; fi
	o=/run/t90/$rt-killed u=runc-t90-k.scope
	{
		"$@" create --bundle /oci/c2 t90-k </dev/null >/dev/null 2>"$o.err"
		echo "create: $?"
		"$@" start t90-k 2>>"$o.err"
		pk=$("$@" state t90-k 2>>"$o.err" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
		echo "scope: $(systemctl show -p ActiveState --value "$u")"
		[ -z "$pk" ] || kill -KILL "$pk"
		t_wait 10 sh -c "[ \"\$(systemctl show -p LoadState --value $u)\" = not-found ]"
		echo "killed, its scope: $(systemctl show -p LoadState --value "$u")"
		"$@" delete t90-k 2>>"$o.err"
		echo "delete: $?"
		[ -e /run/runc/t90-k ] && echo "left record: /run/runc/t90-k"
		[ -e /run/hutch-oci/t90-k ] && echo "left record: /run/hutch-oci/t90-k"
		echo "left groups: $(find $CG -name '*t90-*' | tr '\n' ' ')"
	} >"$o"
	t_diag "$rt, killed before delete:" "$(cat "$o")"
	[ ! -s "$o.err" ] || t_diag "$rt, its messages:" "$(cat "$o.err")"
}
killed runc
r=/run/t90/runc-killed
t_is "$(field "$r" create) $(field "$r" scope) $(field "$r" delete)" "0 active 0" \
	"runc: a container killed before delete (its scope gone by itself): create, delete 0"
killed hutch
h=/run/t90/hutch-killed
[ "$sd_feature" = true ] || t_todo="hutch oci does not drive systemd (features: systemd $sd_feature)"
while IFS= read -r line; do
	n=${line%%: *}
	t_is "$(field "$h" "$n")" "${line#*: }" "hutch, killed before delete: $n as runc's"
done <"$r"
t_is "$(grep -c . "$h")" "$(grep -c . "$r")" "hutch, killed before delete: as many lines as runc's"

# A second container with the cgroupsPath of a running one: its scope
# exists. runc 1.1.5 lets systemd's UnitExists pass and leaves the
# second container's process in runc's caller's group (here
# /system.slice/t90.service: outside its limits), and deleting it stops
# the first one's scope (runc then waits 30 s for it): seen in this
# guest, not repeated for time. hutch refuses the second (its group
# holds processes), the first left running.
H="/bin/hutch oci --systemd-cgroup"
$H create --bundle /oci/c1 t90-d1 </dev/null >/dev/null 2>/run/t90/dup.err
t_is "$?" 0 "hutch: a first container with system.slice:t90:t90-c1"
$H start t90-d1 2>>/run/t90/dup.err
$H create --bundle /oci/c1 t90-d2 </dev/null >/dev/null 2>>/run/t90/dup.err
t_is "$?" 125 "hutch: a second with the same cgroupsPath refused: 125" || t_show /run/t90/dup.err
t_ok "hutch: no record of the second" test ! -e /run/hutch-oci/t90-d2
t_is "$(systemctl show -p ActiveState --value t90-t90-c1.scope)" active \
	"hutch: the first one's scope still active"
t_is "$($H state t90-d1 2>&1 | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')" running \
	"hutch: the first one still running"
$H delete --force t90-d1 2>>/run/t90/dup.err
t_is "$?" 0 "hutch: the first deleted"
t_is "$(systemctl show -p LoadState --value t90-t90-c1.scope)" not-found "hutch: its scope gone"
t_todo=

# A NAME systemd refuses as a unit name (a blank): runc's parser passes
# it to systemd, whose refusal fails create; hutch refuses it itself,
# before asking (exit 125, its code for a malformed config). A NAME
# ending in .slice: runc asks for that slice (with the container's pid),
# hutch refuses it where systemd runs. Neither leaves a scope, a group
# or a record.
for key in bad sl; do
	for rt in runc hutch; do
		if [ "$rt" = hutch ]; then set -- /bin/hutch oci --systemd-cgroup
		else set -- /usr/sbin/runc --systemd-cgroup; fi
		"$@" create --bundle /oci/$key t90-$key </dev/null >/dev/null 2>/run/t90/$rt-$key.err
		eval "${rt}_$key=\$?"
		t_diag "$rt, cgroupsPath of /oci/$key: $(cat /run/t90/$rt-$key.err)"
		"$@" delete --force t90-$key >/dev/null 2>&1
	done
done
# shellcheck disable=SC2154 # set by eval above
t_ok "runc refuses NAME 't90 bad' (systemd refuses the unit name): exit $runc_bad" \
	test "$runc_bad" -ne 0
# shellcheck disable=SC2154
t_is "$hutch_bad" 125 "hutch refuses it too: exit 125 (runc's $runc_bad)"
# shellcheck disable=SC2154
t_is "$hutch_sl" 125 "hutch refuses NAME t90-x.slice where systemd runs: exit 125 (runc's $runc_sl)"
t_is "$(systemctl list-units --all --no-legend 't90-*' | wc -l)" 0 "no t90 unit left"
t_is "$(find $CG -name '*t90-*' | head -n 3)" "" "no t90 group left"
t_is "$(find /run/runc /run/hutch-oci -name 't90*' 2>/dev/null)" "" "no t90 record left"
t_diag "systemd: the scenario ended $(cut -d' ' -f1 /proc/uptime) s after the kernel started"
finish
