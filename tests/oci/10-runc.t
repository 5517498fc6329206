#!/bin/bash
# SPDX-License-Identifier: MIT
# 10-runc.t: hutch oci against runc, the oracle. The same bundle (runc
# spec's config.json on the test rootfs, read-only, with a script as the
# process) is run by both, each through create, state, start, kill and
# delete, and what each says and does is compared: the state JSON's
# fields, the pid file, the status at each step, the exit status the
# container's process leaves (this script's perl is the subreaper that
# collects it, as containerd's shim is), what the process sees inside
# (PID 1, hostname, capabilities, ids, the mount points and their types,
# the masked paths), and that delete leaves nothing: no record, no
# cgroup, no mount. Then hutch's own refusals: a field it cannot map is
# named, the JSON reader's faults are said, and nothing is left behind;
# --log-format json writes the error as a JSON line; the binary called
# runc is the OCI runtime.
#
# Needs root, runc (Debian's runc package) and perl's JSON::PP (perl).
# HUTCH and ROOTFS come from `make check-oci`.

source "$(dirname "$0")/../lib/tap.sh"

require_root
require_cmd runc=runc perl timeout mktemp python3=python3 strace=strace
require_feature oci
[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] ||
	bail_out "HUTCH must name the hutch binary (make check-oci sets it)"
[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
	bail_out "ROOTFS must name the test rootfs (make rootfs builds it)"

tmp=$(mktemp -d /tmp/oci-t10.XXXXXX) || bail_out "cannot create a temporary directory"
ids=()
cleanup() {
	for id in "${ids[@]}"; do
		runc --root "$tmp/root-runc" delete --force "$id" >/dev/null 2>&1
		"$HUTCH" oci --root "$tmp/root-hutch" delete --force "$id" >/dev/null 2>&1
	done
	rmdir /sys/fs/cgroup/*/oci-t10 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# The script inside: what the container's process sees, one fact a line,
# then it waits for a byte on its stdin (a fifo the test holds) and exits
# with that code.
cat >"$tmp/inside.sh" <<'EOF'
echo "pid=$$"
echo "hostname=$(hostname)"
grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs)' /proc/self/status | tr -d '\t' | sed 's/:/=/'
echo "id=$(id)"
echo "cwd=$(pwd)"
echo "umask=$(umask)"
echo "env=$(env | sort | tr '\n' ' ')"
# the mount points and their types, hutch's and runc's masks of /proc and
# /sys left out (hutch masks a few more: docs/oci.md)
awk '$5 !~ "^/proc/" && $5 !~ "^/sys/firmware" { print "mount=" $5, $(NF-2) }' \
	/proc/self/mountinfo | sort
# /dev/shm: config.json's (runc spec: source shm, size=65536k), as runc
awk '$5 == "/dev/shm" { print "shm=" $6, $(NF-1), $NF }' /proc/self/mountinfo
for p in /proc/kcore /proc/keys /proc/timer_list /sys/firmware; do
	[ ! -e "$p" ] || echo "masked $p: $(wc -c <"$p" 2>/dev/null || echo unreadable)"
done
echo "ro /proc/sys: $(touch /proc/sys/kernel/hostname 2>&1 | grep -c 'Read-only')"
echo "nofile=$(ulimit -n)"
echo READY
read -r code
exit "$code"
EOF

# bundle NAME [PERL EXPR on $c]: runc spec's config.json, made for the test
bundle() {
	local dir=$tmp/$1
	mkdir -p "$dir" && cp "$tmp/inside.sh" "$dir/" || return 1
	(cd "$dir" && runc spec) || return 1
	perl -MJSON::PP -e '
		my ($file, $rootfs, $dir, $expr) = @ARGV;
		local $/; open my $f, "<", $file or die; my $c = decode_json(<$f>);
		$c->{root} = { path => $rootfs, readonly => JSON::PP::true };
		$c->{process}{terminal} = JSON::PP::false;
		$c->{process}{args} = ["sh", "/mnt/inside.sh"];
		$c->{hostname} = "oci-host";
		$c->{annotations} = { "org.example.board" => "pi-zero", "x" => "\"q\"" };
		$c->{process}{user}{umask} = 23;	# 027
		push @{$c->{mounts}}, { destination => "/mnt", type => "bind",
			source => $dir, options => ["rbind", "rw"] };
		# cgroup v1 hierarchies inside: not supported by hutch oci yet
		$c->{mounts} = [ grep { $_->{type} ne "cgroup" } @{$c->{mounts}} ];
		eval $expr if defined $expr; die $@ if $@;
		open $f, ">", $file or die; print $f JSON::PP->new->pretty->encode($c);
	' "$dir/config.json" "$ROOTFS" "$dir" "${2-}"
}

bundle b || bail_out "cannot make the bundle (runc spec)"

# run R ID: the whole life of one container under runtime R (runc or
# hutch), its facts in $tmp/R.*. perl is the subreaper: the container's
# process is re-parented to it once create exits, and it collects the
# exit status, as containerd's shim does.
runtime() {
	if [ "$1" = runc ]; then runc --root "$tmp/root-runc" "${@:2}"
	else "$HUTCH" oci --root "$tmp/root-hutch" "${@:2}"; fi
}

life() {
	local r=$1 id=$2 out=$tmp/$1
	mkfifo "$out.in"
	RT=$r perl -e '
		my ($r, $id, $out, $hutch, $tmp) = @ARGV;
		# PR_SET_CHILD_SUBREAPER (36) by prctl(2), 157 on x86_64
		syscall(157, 36, 1, 0, 0, 0) == 0 or die "prctl: $!";
		my @rt = $r eq "runc" ? ("runc", "--root", "$tmp/root-runc")
				      : ($hutch, "oci", "--root", "$tmp/root-hutch");
		sub step { my ($name, @cmd) = @_;
			system("@cmd >$out.$name 2>$out.$name.err"); return $? >> 8 }
		open my $in, "+<", "$out.in" or die;	# both ends: never blocks
		open STDIN, "<&", $in or die;
		open my $ev, ">", "$out.events" or die;
		$ev->autoflush(1);
		my $rc = system(join(" ", @rt, "create", "--bundle", "$tmp/b",
			"--pid-file", "$out.pidfile", $id, ">$out.stdout", "2>$out.create.err"));
		print $ev "create=", $? >> 8, "\n";
		print $ev "state-created=", step("state1", @rt, "state", $id), "\n";
		# held before its exec until start: nothing printed yet
		print $ev "output-before-start=", -s "$out.stdout" ? "yes" : "no", "\n";
		print $ev "start=", step("start", @rt, "start", $id), "\n";
		# the process says READY, then waits for its exit code
		for (1 .. 600) { last if `cat $out.stdout` =~ /READY/; select(undef, undef, undef, 0.05) }
		print $ev "state-running=", step("state2", @rt, "state", $id), "\n";
		print $in "7\n"; close $in;
		open my $pf, "<", "$out.pidfile"; my $pid = <$pf>;
		while ((my $p = waitpid(-1, 0)) > 0) {
			print $ev "exit=", $? >> 8, "\n" if $p == $pid;
		}
		print $ev "state-stopped=", step("state3", @rt, "state", $id), "\n";
		print $ev "delete=", step("delete", @rt, "delete", $id), "\n";
		print $ev "state-deleted=", step("state4", @rt, "state", $id), "\n";
	' "$r" "$id" "$out" "$HUTCH" "$tmp"
}

# field FILE KEY: a key of a state JSON
field() {
	perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
		my $v = $s->{$ARGV[0]}; print defined $v ? $v : "(none)"' "$2" <"$1"
}

ids+=(oci-runc-1 oci-hutch-1)
timeout 120 bash -c "$(declare -f life); tmp=$tmp HUTCH=$HUTCH; life runc oci-runc-1" ||
	bail_out "runc's run did not finish"
timeout 120 bash -c "$(declare -f life); tmp=$tmp HUTCH=$HUTCH; life hutch oci-hutch-1" ||
	fail_hutch=1
ok "hutch's run finished (create, start, kill by exit, delete)" [ -z "${fail_hutch-}" ]

# state of a deleted container fails with 1 under runc, 125 under hutch
# (hutch's exit status for a refusal): both not 0
is "$(sed 's/=[1-9][0-9]*$/=fail/' "$tmp/hutch.events")" "$(sed 's/=[1-9][0-9]*$/=fail/' "$tmp/runc.events")" \
	"each step succeeds or fails as runc's does"
diag "runc: $(tr '\n' ' ' <"$tmp/runc.events")"
like "$(cat "$tmp/hutch.events")" "exit=7" "the container's process exited 7, collected by the subreaper"
like "$(cat "$tmp/hutch.events")" "output-before-start=no" "create returns with the process held before its exec"

is "$(perl -MJSON::PP -e 'local $/; print JSON::PP->new->canonical->encode(decode_json(<STDIN>)->{annotations})' <"$tmp/hutch.state1")" \
	"$(perl -MJSON::PP -e 'local $/; print JSON::PP->new->canonical->encode(decode_json(<STDIN>)->{annotations})' <"$tmp/runc.state1")" \
	"created: state's annotations are runc's"
for f in ociVersion status bundle rootfs owner; do
	is "$(field "$tmp/hutch.state1" "$f")" "$(field "$tmp/runc.state1" "$f")" \
		"created: state's $f is runc's ($(field "$tmp/runc.state1" "$f"))"
done
is "$(field "$tmp/hutch.state1" id)" oci-hutch-1 "created: state's id"
is "$(field "$tmp/hutch.state1" pid)" "$(cat "$tmp/hutch.pidfile")" \
	"created: state's pid is the pid file's"
like "$(cat "$tmp/hutch.pidfile")" '^[0-9]+$' "the pid file holds the number alone, as runc's"
like "$(field "$tmp/hutch.state1" created)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]+Z$' \
	"created: an RFC 3339 time"
is "$(field "$tmp/hutch.state2" status)" "$(field "$tmp/runc.state2" status)" "after start: running, as runc"
is "$(field "$tmp/hutch.state3" status)" "$(field "$tmp/runc.state3" status)" "after the exit: stopped, as runc"
is "$(field "$tmp/hutch.state3" pid)" "$(field "$tmp/runc.state3" pid)" "stopped: pid 0, as runc"
is "$(cat "$tmp/hutch.state4.err" | wc -l | tr -d ' ')" 1 "after delete: state says it does not exist, in one line"

# what the process saw, line by line against runc's
# hutch binds the host's device nodes into /dev where runc makes them
# with mknod (docs/oci.md): those mounts are hutch's alone
is "$(grep -v '^masked\|^mount=/dev/[a-z]* devtmpfs$' "$tmp/hutch.stdout")" \
	"$(grep -v '^masked' "$tmp/runc.stdout")" \
	"inside: pid 1, hostname, capabilities, ids, cwd, env, mounts, rlimit are runc's"
is "$(sed -n 's/^mount=\(\/dev\/[a-z]*\) devtmpfs$/\1/p' "$tmp/hutch.stdout" | tr '\n' ' ')" \
	"/dev/full /dev/null /dev/random /dev/tty /dev/urandom /dev/zero " \
	"inside: hutch's /dev nodes are binds of the host's, runc's six"
diag "runc inside: $(tr '\n' '|' <"$tmp/runc.stdout")"
diag "hutch inside: $(tr '\n' '|' <"$tmp/hutch.stdout")"
is "$(grep '^masked' "$tmp/hutch.stdout")" "$(grep '^masked' "$tmp/runc.stdout")" \
	"inside: the masked paths read as runc's"

# nothing left
is "$(ls -A "$tmp/root-hutch")" "" "delete removed the record"
is "$(find /sys/fs/cgroup -maxdepth 4 -name oci-hutch-1 2>/dev/null)" "" "delete left no cgroup"
is "$(grep -c "$ROOTFS" /proc/self/mountinfo)" 0 "no mount of the rootfs left on the host"

# kill and delete --force on a created container, and kill --all
ids+=(oci-hutch-2)
runtime hutch create --bundle "$tmp/b" --pid-file "$tmp/p2" oci-hutch-2 </dev/null >/dev/null 2>"$tmp/c2.err"
is "$?" 0 "a second create" || diag "$(cat "$tmp/c2.err")"
is "$(field <(runtime hutch state oci-hutch-2) status)" created "it waits for start"
# delete without --force of a created container: runc deletes it (its
# process never ran the program), as hutch does
for r in runc hutch; do
	ids+=("oci-$r-2d")
	runtime $r create --bundle "$tmp/b" --pid-file "$tmp/$r.p2d" "oci-$r-2d" </dev/null >/dev/null 2>&1
	runtime $r delete "oci-$r-2d" 2>"$tmp/$r.d2.err"
	rc=$?
	sleep 0.5 # its end, a zombie's at most (no parent of the test's reaps it)
	echo "rc=$rc process=$(sed 's/.*) //' "/proc/$(cat "$tmp/$r.p2d")/stat" 2>/dev/null | grep -q '^[^ZX]' && echo alive || echo gone) listed=$(runtime $r list -q | grep -c "oci-$r-2d")" >"$tmp/$r.d2"
	diag "$r: delete of a created container: $(cat "$tmp/$r.d2") $(head -c 200 "$tmp/$r.d2.err")"
done
is "$(cat "$tmp/hutch.d2")" "$(cat "$tmp/runc.d2")" "delete without --force of a created container: as runc's"
like "$(cat "$tmp/runc.d2")" "^rc=0 process=gone listed=0" "  runc deletes it, its process gone"
runtime hutch kill --all oci-hutch-2 KILL
is "$?" 0 "kill --all KILL"
wait_for 30 sh -c "! kill -0 $(cat "$tmp/p2") 2>/dev/null"
is "$(field <(runtime hutch state oci-hutch-2) status)" stopped "stopped after kill --all"
runtime hutch kill oci-hutch-2 KILL 2>/dev/null
isnt "$?" 0 "kill of a stopped container fails, as runc's"
runtime hutch delete oci-hutch-2
is "$?" 0 "delete of the stopped container"
ids+=(oci-hutch-3)
runtime hutch create --bundle "$tmp/b" --pid-file "$tmp/p3" oci-hutch-3 </dev/null >/dev/null 2>&1
runtime hutch delete --force oci-hutch-3
is "$?" 0 "delete --force of a created container"
p3=$(cat "$tmp/p3")
# gone, or a zombie its new parent has yet to reap
ok "its process is gone" sh -c "[ ! -e /proc/$p3 ] || grep -q ') Z' /proc/$p3/stat"
is "$(find /sys/fs/cgroup -maxdepth 4 -name 'oci-hutch-*' 2>/dev/null)" "" "no cgroup left"
is "$(ls -A "$tmp/root-hutch")" "" "no record left"

# linux.cgroupsPath /PARENT/ID and limits: the same groups and values as
# runc's, on the host's hierarchies; ps --format json lists the pid
cgroups_of() { # R ID: the container's groups and limits, as the host sees them
	local pid
	pid=$(cat "$tmp/$1-cg.pid")
	grep -E ':(pids|memory):' "/proc/$pid/cgroup" | sed 's/^[0-9]*://'
	for f in memory/oci-t10/$2/memory.limit_in_bytes pids/oci-t10/$2/pids.max; do
		echo "$f=$(cat "/sys/fs/cgroup/$f" 2>&1)"
	done | sed "s/$2/ID/"
}
for r in runc hutch; do
	ids+=("oci-$r-cg")
	# each bundle names its own id in cgroupsPath
	CG_ID=oci-$r-cg bundle "cg-$r" '$c->{linux}{cgroupsPath} = "/oci-t10/$ENV{CG_ID}";
		$c->{linux}{resources}{memory} = { limit => 67108864 };
		$c->{linux}{resources}{pids} = { limit => 42 }' || bail_out "cannot make the bundle"
	runtime $r create --bundle "$tmp/cg-$r" --pid-file "$tmp/$r-cg.pid" "oci-$r-cg" \
		</dev/null >/dev/null 2>"$tmp/$r-cg.err"
	is "$?" 0 "$r: create with cgroupsPath and memory, pids limits" || diag "$(cat "$tmp/$r-cg.err")"
done
is "$(cgroups_of hutch oci-hutch-cg | sed 's/oci-hutch-cg/ID/')" \
	"$(cgroups_of runc oci-runc-cg | sed 's/oci-runc-cg/ID/')" \
	"cgroupsPath: the same groups and limit values as runc's"
diag "$(cgroups_of hutch oci-hutch-cg | tr '\n' ' ')"
is "$(runtime hutch ps --format json oci-hutch-cg)" "[$(cat "$tmp/hutch-cg.pid")]" \
	"ps --format json: the container's pid"
is "$(runtime runc ps --format json oci-runc-cg)" "[$(cat "$tmp/runc-cg.pid")]" \
	"  (runc's says the same of its own)"
for r in runc hutch; do
	runtime $r delete --force "oci-$r-cg"
	is "$?" 0 "$r: delete --force"
done
is "$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -type d -path '*oci-t10/*' 2>/dev/null)" "" \
	"delete removed the groups below the parent, as runc (the parent stays)"

# a group whose name is not the id (Podman's /libpod_parent/libpod-ID):
# the same group and value as runc's; ps, kill --all and delete find it
for r in runc hutch; do
	ids+=("oci-$r-nm")
	CG_ID=box-$r bundle "nm-$r" '$c->{linux}{cgroupsPath} = "/oci-t10/$ENV{CG_ID}";
		$c->{linux}{resources}{pids} = { limit => 7 }' || bail_out "cannot make the bundle"
	runtime $r create --bundle "$tmp/nm-$r" --pid-file "$tmp/$r-nm.pid" "oci-$r-nm" \
		</dev/null >/dev/null 2>"$tmp/$r-nm.err"
	is "$?" 0 "$r: create with cgroupsPath /oci-t10/box-$r (not the id)" ||
		diag "$(cat "$tmp/$r-nm.err")"
	pid=$(cat "$tmp/$r-nm.pid")
	echo "$(grep -E ':pids:' "/proc/$pid/cgroup" | sed 's/^[0-9]*://')" \
		"$(cat /sys/fs/cgroup/pids/oci-t10/box-$r/pids.max 2>&1)" \
		"ps=$(runtime $r ps --format json "oci-$r-nm" | sed "s/$pid/PID/")" |
		sed "s/box-$r/NAME/g" >"$tmp/$r.nm"
	runtime $r kill --all "oci-$r-nm" KILL
	echo "kill --all=$?" >>"$tmp/$r.nm"
	runtime $r delete --force "oci-$r-nm"
	echo "delete=$? left=$(ls -d /sys/fs/cgroup/*/oci-t10/box-$r 2>/dev/null | wc -l)" >>"$tmp/$r.nm"
done
is "$(cat "$tmp/hutch.nm")" "$(cat "$tmp/runc.nm")" \
	"cgroupsPath NAME not the id: the group, its limit, ps, kill --all, delete as runc's"
diag "$(tr '\n' ' ' <"$tmp/runc.nm")"
rmdir /sys/fs/cgroup/*/oci-t10 2>/dev/null

# process.terminal with --console-socket: the pty's master over the
# socket, the process's terminal; helpers/console.py is the shim's side
bundle tty '$c->{process}{terminal} = JSON::PP::true; $c->{process}{args} = ["sh"]' ||
	bail_out "cannot make the bundle"
ids+=(oci-runc-tty oci-hutch-tty)
console=$(dirname "$0")/helpers/console.py
timeout 60 python3 "$console" runc --root "$tmp/root-runc" -- "$tmp/tty" oci-runc-tty \
	>"$tmp/runc.tty" 2>&1
timeout 60 python3 "$console" "$HUTCH" oci --root "$tmp/root-hutch" -- "$tmp/tty" \
	oci-hutch-tty >"$tmp/hutch.tty" 2>&1
is "$(cat "$tmp/hutch.tty")" "$(cat "$tmp/runc.tty")" \
	"terminal: one fd over the socket, /dev/pts/0 on stdin, PID 1, exit 5, as runc"
diag "runc: $(tr '\n' ' ' <"$tmp/runc.tty")"
for r in runc hutch; do runtime $r delete oci-$r-tty; done
runtime hutch create --bundle "$tmp/tty" oci-hutch-bad </dev/null >/dev/null 2>"$tmp/tty.err"
isnt "$?" 0 "terminal without --console-socket is refused"
like "$(cat "$tmp/tty.err")" "needs --console-socket" "  and says so"

# exec --process FILE: a new process in the running container, its
# output and exit status as runc's; --detach returns once it runs
bundle ex '$c->{process}{args} = ["sleep", "1000"];
	my %p = %{$c->{process}};
	$p{args} = ["sh", "-c", "hostname; id; grep -E \"^(Cap|NoNewPrivs)\" /proc/self/status; cat /proc/1/cmdline; echo; ls /proc/self/ns/ | wc -l; exit 3"];
	open my $pf, ">", "$dir/process.json" or die; print $pf encode_json(\%p);' ||
	bail_out "cannot make the bundle"
for r in runc hutch; do
	ids+=("oci-$r-ex")
	runtime $r create --bundle "$tmp/ex" "oci-$r-ex" </dev/null >/dev/null 2>&1 &&
		runtime $r start "oci-$r-ex"
	runtime $r exec --process "$tmp/ex/process.json" "oci-$r-ex" </dev/null >"$tmp/$r.ex" 2>&1
	echo "exit=$?" >>"$tmp/$r.ex"
	runtime $r exec --detach --pid-file "$tmp/$r.expid" --process "$tmp/ex/process.json" \
		"oci-$r-ex" </dev/null >/dev/null 2>&1
	echo "detach=$?" >>"$tmp/$r.ex"
done
# /proc/1/cmdline's NULs as spaces
is "$(tr '\0' ' ' <"$tmp/hutch.ex")" "$(tr '\0' ' ' <"$tmp/runc.ex")" \
	"exec: hostname, ids, capabilities, PID 1, exit 3 and --detach as runc's"
diag "runc: $(tr '\0\n' ' |' <"$tmp/runc.ex")"
like "$(cat "$tmp/hutch.expid")" '^[0-9]+$' "exec --detach: the pid file holds the pid"
for r in runc hutch; do runtime $r delete --force "oci-$r-ex"; done
runtime hutch exec --process "$tmp/ex/process.json" oci-hutch-ex </dev/null >/dev/null 2>&1
isnt "$?" 0 "exec into a deleted container fails"

# exec's working directory as a way out (CVE-2024-21626, found in hutch
# by a review on 2026-12-03): the container makes process.cwd a link to
# /proc/self/fd/N while the exec child still holds a descriptor of the
# container's record directory on the host. The exec must never run there.
mkdir -p "$tmp/wl/rootfs" && cp -a "$ROOTFS/." "$tmp/wl/rootfs/" && mkdir -p "$tmp/wl/rootfs/app"
bundle wl '$c->{root} = { path => "$dir/rootfs", readonly => JSON::PP::false };
	$c->{process}{args} = ["sleep", "1000"];
	my %p = %{$c->{process}};
	$p{cwd} = "/app";
	$p{args} = ["sh", "-c", "cat HOSTMARK ../HOSTMARK 2>/dev/null; true"];
	open my $pf, ">", "$dir/process.json" or die; print $pf encode_json(\%p);' ||
	bail_out "cannot make the bundle"
ids+=(oci-hutch-wl)
runtime hutch create --bundle "$tmp/wl" oci-hutch-wl </dev/null >/dev/null 2>&1 &&
	runtime hutch start oci-hutch-wl
echo "wl-marker-$$" >"$tmp/root-hutch/oci-hutch-wl/HOSTMARK"
escaped=
for n in 3 4 5 6 7 8 9 10; do
	rm -rf "$tmp/wl/rootfs/app" && ln -s "/proc/self/fd/$n" "$tmp/wl/rootfs/app"
	runtime hutch exec --process "$tmp/wl/process.json" oci-hutch-wl </dev/null \
		>"$tmp/wl.out" 2>&1
	grep -q "wl-marker-$$" "$tmp/wl.out" && escaped="$escaped $n"
done
is "$escaped" "" "exec never runs in the host's record directory (process.cwd a /proc/self/fd/N link, N 3-10)"
rm -f "$tmp/root-hutch/oci-hutch-wl/HOSTMARK"
runtime hutch delete --force oci-hutch-wl

# process.noNewPrivileges false: honoured, as runc does
bundle nnp '$c->{process}{noNewPrivileges} = JSON::PP::false;
	$c->{process}{args} = ["sh", "-c", "grep NoNewPrivs /proc/self/status"]' ||
	bail_out "cannot make the bundle"
for r in runc hutch; do
	ids+=("oci-$r-nnp")
	runtime $r create --bundle "$tmp/nnp" "oci-$r-nnp" </dev/null >"$tmp/$r.nnp" 2>&1 &&
		runtime $r start "oci-$r-nnp"
	wait_for 30 grep -q NoNewPrivs "$tmp/$r.nnp"
done
is "$(tr -d '\t' <"$tmp/hutch.nnp")" "$(tr -d '\t' <"$tmp/runc.nnp")" \
	"noNewPrivileges false: no_new_privs unset, as runc ($(tr -d '\t' <"$tmp/runc.nnp"))"
for r in runc hutch; do runtime $r delete --force "oci-$r-nnp"; done

# Names the runtime spec does not define (at the top, in process, in
# linux, in linux.resources), and a capability name no kernel has: the
# spec ("Extensibility") says a runtime MUST ignore unknown properties,
# and runc 1.1 ignores unknown capability names (with a warning). Both
# run the container, which must see the same; hutch says each ignored
# name in one warning line.
bundle unk '$c->{fancy} = { x => 1 }; $c->{process}{fancy} = 1; $c->{linux}{fancy} = [1];
	$c->{linux}{resources}{fancyLimit} = 7;
	push @{$c->{process}{capabilities}{$_}}, "CAP_FANCY" for qw(bounding effective permitted);
	$c->{process}{args} = ["sh", "-c", "grep ^Cap /proc/self/status; echo END"]' ||
	bail_out "cannot make the bundle"
for r in runc hutch; do
	ids+=("oci-$r-unk")
	{ runtime $r create --bundle "$tmp/unk" "oci-$r-unk" </dev/null 2>"$tmp/$r.unk.err" &&
		runtime $r start "oci-$r-unk"; echo "create and start: $?"; } >"$tmp/$r.unk"
	wait_for 30 grep -q END "$tmp/$r.unk"
	runtime $r delete --force "oci-$r-unk" >/dev/null 2>&1
done
# (sorted: the process's lines and start's status race)
is "$(sort "$tmp/hutch.unk" | tr -d '\t' | tr '\n' ' ')" "$(sort "$tmp/runc.unk" | tr -d '\t' | tr '\n' ' ')" \
	"unknown properties and capability names: the container runs, with runc's capabilities"
diag "runc: $(sort "$tmp/runc.unk" | tr -d '\t' | tr '\n' ' ')"
for w in fancy process.fancy linux.fancy linux.resources.fancyLimit; do
	like "$(cat "$tmp/hutch.unk.err")" "config.json: $w: not an OCI runtime-spec property \(runc 1.1's spec\), ignored" \
		"  a warning names $w"
done
like "$(cat "$tmp/hutch.unk.err")" "process.capabilities.effective.CAP_FANCY: not a capability hutch knows, ignored" \
	"  a warning names the capability"
is "$(wc -l <"$tmp/hutch.unk.err")" 7 "  one line each (4 properties, the capability in 3 sets)" ||
	diag "$(cat "$tmp/hutch.unk.err")"
# in --log as JSON: level warning (runc's word), not error: an engine
# takes the last error line of the log as the reason of a failure
ids+=(oci-hutch-unk2)
runtime hutch --log "$tmp/unk.json" --log-format json create --bundle "$tmp/unk" oci-hutch-unk2 \
	</dev/null >/dev/null 2>&1
is "$(perl -MJSON::PP -ne 'my $l = decode_json($_); $n{$l->{level}}++;
	END { print join " ", map { "$_=$n{$_}" } sort keys %n }' "$tmp/unk.json")" "warning=7" \
	"  --log-format json: 7 lines of level warning, none of error"
runtime hutch delete --force oci-hutch-unk2 >/dev/null 2>&1

# refusals: exit 125, one line naming the field, nothing left. With a
# fourth word "runc", runc (the oracle) must refuse the bundle too.
ids+=(oci-runc-bad)
refused() {
	local name=$1 expr=$2 want=$3
	rm -rf "$tmp/bad" && bundle bad "$expr" || return 1
	if [ "${4-}" = runc ]; then
		runtime runc create --bundle "$tmp/bad" oci-runc-bad </dev/null >/dev/null 2>&1
		isnt "$?" 0 "runc refuses $name too"
		runtime runc delete --force oci-runc-bad >/dev/null 2>&1
	fi
	runtime hutch create --bundle "$tmp/bad" oci-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
	local rc=$?
	is "$rc" 125 "refused: $name (125)"
	like "$(cat "$tmp/bad.err")" "$want" "  and the message names it"
	is "$(wc -l <"$tmp/bad.err")" 1 "  in one line"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
	is "$(find /sys/fs/cgroup -maxdepth 4 -name oci-hutch-bad 2>/dev/null)" "" "  no cgroup left"
	# a build that took it made a container: gone before the next case
	runtime hutch delete --force oci-hutch-bad >/dev/null 2>&1
}
refused "a console size" '$c->{process}{consoleSize} = { height => 24, width => 80 }' 'process.consoleSize'
refused "a seccomp agent" '$c->{linux}{seccomp} = { defaultAction => "SCMP_ACT_ALLOW", listenerPath => "/run/agent.sock" }' 'linux.seccomp.listenerPath'
refused "a namespace joined by path" \
	'push @{$c->{linux}{namespaces}}, { type => "cgroup", path => "/proc/1/ns/cgroup" }' \
	'linux.namespaces: type cgroup'
refused "a field of the spec hutch does not support" \
	'$c->{linux}{resources}{hugepageLimits} = [ { pageSize => "2MB", limit => 0 } ]' \
	'linux.resources.hugepageLimits: not supported by hutch oci: leave it out'
refused "a hook with a relative path" '$c->{hooks} = { startContainer => [ { path => "true" } ] }' \
	'hooks...path: required, an absolute path'
refused "a capability set that differs" \
	'$c->{process}{capabilities}{effective} = ["CAP_KILL"]' 'process.capabilities.effective'
# config.json's strings that reach the record (key=value lines) and
# state's JSON: a newline or a quote in them once forged a record line
# (another pid) and a JSON key (review of 2026-12-03)
refused "an ociVersion with a newline" \
	'$c->{ociVersion} = "1.0.2\npid=1\nstart=1"' "ociVersion is not a version"
refused "an ociVersion with a quote" '$c->{ociVersion} = "1.0\",\"status\":\"x"' \
	"ociVersion is not a version"
refused "a control character in root.path" \
	'$c->{root}{path} = "$ENV{ROOTFS}\npid=1"' "root.path: a control character in the path: refused"
refused "a read-write cgroup mount" \
	'push @{$c->{mounts}}, { destination => "/sys/fs/cgroup", type => "cgroup", source => "cgroup" }' \
	'/sys/fs/cgroup: a read-write cgroup mount'

# A key in another case than the spec's (review of 2026-12-04): runc
# reads config.json with Go's encoding/json, which matches keys
# regardless of case (and folds U+017F to s, U+212A to k), so runc
# applies each of these; hutch refuses them rather than ignore them.
# respelled NAME EXPR WANT CHECK RUNC_SEES: runc, the oracle, run with
# CHECK as the process, shows RUNC_SEES; hutch refuses with WANT.
ids+=(oci-runc-case oci-hutch-bad)
respelled() {
	local name=$1 expr=$2 want=$3
	rm -rf "$tmp/case" && CHECK="$4; echo END" bundle case \
		"$expr; \$c->{process}{args} = ['sh', '-c', \$ENV{CHECK}]" || return 1
	[ -z "${6-}" ] || sed -i "$6" "$tmp/case/config.json"
	runtime runc create --bundle "$tmp/case" oci-runc-case </dev/null >"$tmp/runc.case" 2>&1 &&
		runtime runc start oci-runc-case
	wait_for 30 grep -q END "$tmp/runc.case"
	like "$(tr -d '\t' <"$tmp/runc.case")" "$5" "runc applies $name" ||
		diag "$(cat "$tmp/runc.case")"
	runtime runc delete --force oci-runc-case >/dev/null 2>&1
	rm -rf "$tmp/bad" && cp -a "$tmp/case" "$tmp/bad"
	runtime hutch create --bundle "$tmp/bad" oci-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
	is "$?" 125 "hutch refuses $name (125)"
	like "$(cat "$tmp/bad.err")" "$want" "  and the message names it, with the spec's spelling"
	is "$(wc -l <"$tmp/bad.err")" 1 "  in one line"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
	is "$(find /sys/fs/cgroup -maxdepth 4 -name oci-hutch-bad 2>/dev/null)" "" "  no cgroup left"
	# a build that took it made a container: gone before the next case
	runtime hutch delete --force oci-hutch-bad >/dev/null 2>&1
}
respelled "process.NoNewPrivileges" \
	'delete $c->{process}{noNewPrivileges}; $c->{process}{NoNewPrivileges} = JSON::PP::true' \
	'config.json: process.NoNewPrivileges: write noNewPrivileges \(runc reads keys regardless of case' \
	'grep NoNewPrivs /proc/self/status' 'NoNewPrivs:1'
respelled "root.Readonly" \
	'$c->{root} = { path => $rootfs, Readonly => JSON::PP::true }' \
	'root.Readonly: write readonly' \
	'awk '\''$5 == "/" { print "root=" $6 }'\'' /proc/self/mountinfo' 'root=ro,'
respelled "linux.Seccomp" \
	'$c->{linux}{Seccomp} = { defaultAction => "SCMP_ACT_ALLOW",
		syscalls => [ { names => ["acct"], action => "SCMP_ACT_ERRNO" } ] }' \
	'linux.Seccomp: write seccomp' 'grep ^Seccomp: /proc/self/status' 'Seccomp:2'
# U+017F (long s) folds to s in Go: "noNewPrivilegeſ" is noNewPrivileges
respelled "process.noNewPrivilege\\u017f" \
	'delete $c->{process}{noNewPrivileges}; $c->{process}{"noNewPrivilege\x{17f}"} = JSON::PP::true' \
	'process.noNewPrivilege.+: write noNewPrivileges' \
	'grep NoNewPrivs /proc/self/status' 'NoNewPrivs:1'
# U+212A (Kelvin sign) folds to k: "mas\u212aedPaths" is maskedPaths
respelled "linux.mas\\u212aedPaths" \
	'$c->{linux}{"mas\x{212a}edPaths"} = delete $c->{linux}{maskedPaths}' \
	'linux.mas.+edPaths: write maskedPaths' \
	'grep -c " /proc/keys " /proc/self/mountinfo' '^1'
# both spellings: Go keeps the last, the respelled one (runc: no_new_privs
# set); hutch would have kept the exact one (false)
respelled "noNewPrivileges false, then nonewprivileges true" \
	'$c->{process}{noNewPrivileges} = JSON::PP::true' \
	'process.nonewprivileges: write noNewPrivileges' \
	'grep NoNewPrivs /proc/self/status' 'NoNewPrivs:1' \
	's/"noNewPrivileges" : true/"noNewPrivileges" : false, "nonewprivileges" : true/'
# a name the spec refuses, in another case: refused too
refused "process.SelinuxLabel" '$c->{process}{SelinuxLabel} = "system_u:system_r:svirt_lxc_net_t:s0"' \
	'process.SelinuxLabel: write selinuxLabel'

# config.json's strings in a message: the log writer makes it one line
# for a terminal (a newline, ESC, DEL, C1 and bidi controls become '?')
refused "a device type with a newline and ESC" \
	'$c->{linux}{devices} = [ { path => "/dev/x", type => "x\n\e[31mforged\x7f\x{9b}\x{202e}" } ]' \
	"linux.devices..\\.type 'x[?][?]\\[31mforged[?]{6}': write c, u, b or p"
rm -rf "$tmp/nl" && bundle nl '$c->{process}{"fancy\n\e]0;title\a"} = 1;
	$c->{process}{args} = ["true"]' || bail_out "cannot make the bundle"
ids+=(oci-hutch-nl)
runtime hutch create --bundle "$tmp/nl" oci-hutch-nl </dev/null >/dev/null 2>"$tmp/nl.err"
is "$(wc -l <"$tmp/nl.err")" 1 "an unknown key with a newline, ESC, BEL: still ignored, one warning line"
like "$(cat "$tmp/nl.err")" 'process\.fancy[?][?]\]0;title[?]: not an OCI runtime-spec property' \
	"  the controls shown as ?"
runtime hutch delete --force oci-hutch-nl >/dev/null 2>&1

# the JSON reader's faults, with their offset
mkdir -p "$tmp/badjson"
printf '{"ociVersion": "1.0.2", "root": {"path": "/x",},}' >"$tmp/badjson/config.json"
runtime hutch create --bundle "$tmp/badjson" oci-hutch-bad </dev/null 2>"$tmp/bj.err"
isnt "$?" 0 "a trailing comma in config.json is refused"
like "$(cat "$tmp/bj.err")" "not valid JSON at byte [0-9]+: trailing comma" "  by the reader, with the offset"

# --log FILE --log-format json: the error as a JSON line
runtime hutch --log "$tmp/log.json" --log-format json create --bundle "$tmp/badjson" \
	oci-hutch-bad </dev/null 2>/dev/null
perl -MJSON::PP -ne 'my $l = decode_json($_); exit 1 unless $l->{level} eq "error" &&
	$l->{msg} =~ /trailing comma/ && $l->{time} =~ /Z$/; END { exit 1 unless $. }' \
	"$tmp/log.json"
ok "--log-format json: the error is a JSON line with level, msg and time" [ $? -eq 0 ]
diag "$(cat "$tmp/log.json")"

# start of a process that exits at once, reaped at once by its subreaper
# (conmon, containerd's shim): start's pidfd_open is held back 300 ms by
# strace, so the process has exec'd /bin/true, ended and been reaped
# before it returns; start must still succeed, as runc's does (it failed
# with ESRCH when the pidfd was opened after the fifo let the process go)
bundle quick '$c->{process}{args} = ["/bin/true"];' || bail_out "cannot make the bundle"
for r in runc hutch; do
	if [ "$r" = runc ]; then rt=(runc --root "$tmp/root-runc"); else rt=("$HUTCH" oci --root "$tmp/root-hutch"); fi
	ids+=("oci-$r-quick")
	perl -MPOSIX=:sys_wait_h -e '
		my ($bundle, $id, @rt) = @ARGV;
		# PR_SET_CHILD_SUBREAPER (36) by prctl(2), 157 on x86_64
		syscall(157, 36, 1, 0, 0, 0) == 0 or die "prctl: $!";
		system(@rt, "create", "--bundle", $bundle, $id) == 0 or do { print "create=", $? >> 8; exit };
		my $start = fork // die;
		if (!$start) {
			exec("strace", "-o", "/dev/null", "-e", "inject=pidfd_open:delay_enter=300000",
			     @rt, "start", $id);
			die "strace: $!";
		}
		# reap everything within a millisecond of its end, as a shim does
		while (1) {
			my $p = waitpid(-1, WNOHANG);
			if ($p == $start) { print "start=", $? >> 8; last }
			select(undef, undef, undef, 0.001) if $p <= 0;
		}
	' "$tmp/quick" "oci-$r-quick" "${rt[@]}" </dev/null >"$tmp/$r.quick" 2>"$tmp/$r.quick.err"
	"${rt[@]}" delete --force "oci-$r-quick" >/dev/null 2>&1
done
is "$(cat "$tmp/hutch.quick")" "$(cat "$tmp/runc.quick")" \
	"start of a process that ends and is reaped at once succeeds, as runc's" ||
	diag "runc: $(cat "$tmp/runc.quick.err") hutch: $(cat "$tmp/hutch.quick.err")"

# linux.resources.devices as the engines send it: deny all, then allows
# (mknod of any character or block node, read and write of 1:5 and of
# 1:1 for reading only, none of 1:7); what the container can do with
# nodes it makes itself, as runc's (CAP_MKNOD given; made on a tmpfs at
# /tmp without nodev: hutch's own /dev is nodev, runc's is not)
bundle devs '$c->{linux}{resources}{devices} = [
		{ allow => JSON::PP::false, access => "rwm" },
		{ allow => JSON::PP::true, type => "c", access => "m" },
		{ allow => JSON::PP::true, type => "b", major => -1, minor => -1, access => "m" },
		{ allow => JSON::PP::true, type => "c", major => 1, minor => 5, access => "rw" },
		{ allow => JSON::PP::true, type => "c", major => 1, minor => 1, access => "r" } ];
	for my $set (qw(bounding effective permitted)) { push @{$c->{process}{capabilities}{$set}}, "CAP_MKNOD" }
	push @{$c->{mounts}}, { destination => "/tmp", type => "tmpfs", source => "tmpfs", options => ["rw", "mode=755"] };
	$c->{process}{args} = ["sh", "-c", "for n in \"z c 1 5\" \"m c 1 1\" \"f c 1 7\" \"d b 7 0\"; do
		set -- \$n; mknod /tmp/t-\$1 \$2 \$3 \$4 2>/dev/null && echo \$1=made || echo \$1=no-mknod
		head -c 1 /tmp/t-\$1 >/dev/null 2>&1 && echo \$1=read || echo \$1=no-read
		(: >/tmp/t-\$1) 2>/dev/null && echo \$1=write || echo \$1=no-write; done"]' ||
	bail_out "cannot make the bundle"
for r in runc hutch; do
	ids+=("oci-$r-devs")
	runtime $r create --bundle "$tmp/devs" "oci-$r-devs" </dev/null >"$tmp/$r.devs" 2>&1 &&
		runtime $r start "oci-$r-devs"
	wait_for 30 grep -q '^d=' "$tmp/$r.devs"
	sleep 0.2
	runtime $r delete --force "oci-$r-devs" >/dev/null 2>&1
done
is "$(tr '\n' ' ' <"$tmp/hutch.devs")" "$(tr '\n' ' ' <"$tmp/runc.devs")" \
	"linux.resources.devices' allows: what the container may do with nodes it makes, as runc"
diag "runc: $(tr '\n' ' ' <"$tmp/runc.devs")"
refused "a device deny after an allow" '$c->{linux}{resources}{devices} = [
	{ allow => JSON::PP::true, type => "c", major => 1, minor => 5, access => "rw" },
	{ allow => JSON::PP::false, type => "c", major => 1, minor => 5, access => "w" } ]' \
	'linux.resources.devices: a deny entry is taken only first'
# the entries' own checks (src/oci/oci_linux.c devices()), each entry
# after runc spec's deny of everything. runc refuses the unknown type
# too ("invalid cgroup device type"); the rest runc 1.1 accepts: an
# access letter x, a major 4096 or a minor 1048576 (numbers no node can
# have: the kernel's major has 12 bits, its minor 20; runc writes
# "c 4096:0 rw"), type "a" with "r" (its v1 group then says "a *:* rwm":
# every device, all of rwm, more than asked), any number of entries.
# hutch refuses what it would not honour as written, and keeps at most
# 32 allows (docs/oci.md, "Refused").
refused "a device type other than a, c or b" \
	'push @{$c->{linux}{resources}{devices}}, { allow => JSON::PP::true, type => "p", access => "rwm" }' \
	"linux.resources.devices\\[\\]\\.type: a, c or b, not 'p'" runc
refused "a device access letter other than r, w or m" \
	'push @{$c->{linux}{resources}{devices}}, { allow => JSON::PP::true, type => "c",
		major => 1, minor => 5, access => "rwx" }' \
	"linux.resources.devices\\[\\]\\.access: 'x' is not r, w or m"
refused "a device major above 4095" \
	'push @{$c->{linux}{resources}{devices}}, { allow => JSON::PP::true, type => "c",
		major => 4096, minor => 0, access => "rw" }' \
	"linux.resources.devices\\[\\]\\.major: a device number from 0 to 4095, or -1 for any"
refused "a device minor above 1048575" \
	'push @{$c->{linux}{resources}{devices}}, { allow => JSON::PP::true, type => "c",
		major => 1, minor => 1048576, access => "rw" }' \
	"linux.resources.devices\\[\\]\\.minor: a device number from 0 to 1048575, or -1 for any"
refused "a device allow of type a with less than rwm" \
	'push @{$c->{linux}{resources}{devices}}, { allow => JSON::PP::true, type => "a", access => "r" }' \
	"linux.resources.devices\\[\\]: type a \\(every device\\) with less than rwm: not supported"
refused "33 device allow entries" \
	'push @{$c->{linux}{resources}{devices}}, map { +{ allow => JSON::PP::true, type => "c",
		major => 1, minor => $_, access => "rw" } } 0 .. 32' \
	"linux.resources.devices: more than 32 allow entries"

# a write the kernel refuses while create makes the groups (cpuset.mems
# of a node the host lacks): runc fails too and leaves nothing; hutch's
# create removes the groups it made and the record (it left both before
# its undo step, oci_create.c made_undo)
refused "cpu.mems of a node the host lacks" \
	'$c->{linux}{resources}{cpu} = { mems => "1023" }' 'cpuset.mems: Invalid argument: the memory nodes must be online' runc

# --root whose directories do not exist yet (containerd's shim passes
# /run/containerd/runc/NAMESPACE before the namespace's first container):
# create makes them, as runc does
for r in runc hutch; do
	if [ "$r" = runc ]; then rt=(runc); else rt=("$HUTCH" oci); fi
	"${rt[@]}" --root "$tmp/new-$r/ns/deep" create --bundle "$tmp/b" oci-$r-newroot \
		</dev/null >/dev/null 2>"$tmp/$r.newroot"
	echo "create=$? dir=$([ -d "$tmp/new-$r/ns/deep/oci-$r-newroot" ] && echo yes)" >>"$tmp/$r.newroot"
	"${rt[@]}" --root "$tmp/new-$r/ns/deep" delete --force oci-$r-newroot >>"$tmp/$r.newroot" 2>&1
	echo "delete=$?" >>"$tmp/$r.newroot"
done
is "$(cat "$tmp/hutch.newroot")" "$(sed 's/oci-runc/oci-hutch/g' "$tmp/runc.newroot")" \
	"create under a --root that does not exist yet makes it, as runc does"

# the binary called runc
ln -s "$HUTCH" "$tmp/runc"
like "$("$tmp/runc" --root "$tmp/root-hutch" features)" '"ociVersionMax"' \
	"called runc, hutch is the OCI runtime (features)"
"$tmp/runc" --root "$tmp/root-hutch" list >"$tmp/list" 2>&1
is "$?" 0 "called runc: list"

done_testing
