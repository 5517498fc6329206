#!/bin/bash
# SPDX-License-Identifier: MIT
# 45-mounts.t: config.json's bind mounts with their flags under runc, the
# oracle, and under hutch oci. The same bundle binds one host directory
# (which holds a tmpfs of its own, a submount) several ways: rw with
# bind (the submount left out) and with rbind (taken along), with
# noexec (Podman's /dev/shm: a bind's flags are set by a remount after
# it, MS_REMOUNT | MS_BIND, in runc), read-only with noexec, and a file
# with noexec. The process reports each mount point's options as
# /proc/self/mountinfo shows them, whether its submount is there,
# whether a script in it runs and whether it can write there: the
# lines must be runc's. Every bind says nosuid and nodev (hutch binds so
# always, docs/oci.md).
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_cleanup_more() {
	umount "$tmp/src/sub" 2>/dev/null
	rmdir /sys/fs/cgroup/*/oci-t45 2>/dev/null
}
oci_setup 45 binds cg bad

# the host's directory: a script, and a tmpfs below it
mkdir -p "$tmp/src/sub" "$tmp/binds" || bail_out "cannot make the source"
printf '#!/bin/sh\necho ran\n' >"$tmp/src/run.sh" && chmod 755 "$tmp/src/run.sh"
mount -t tmpfs -o size=64k oci-t45 "$tmp/src/sub" || bail_out "cannot mount the submount"
touch "$tmp/src/sub/here"

cat >"$tmp/binds/see.sh" <<'EOF2'
for m in /run/b/bind /run/b/rbind /run/b/noexec /run/b/ro /run/b/file; do
	# mountinfo's per-mount options, without the atime word (the host's)
	o=$(awk -v m="$m" '$5 == m { print $6 }' /proc/self/mountinfo | tr ',' '\n' |
		grep -v atime | sort | tr '\n' ',')
	sub=$([ -e "$m/sub/here" ] && echo yes || echo no)
	if [ -d "$m" ]; then s=$m/run.sh; else s=$m; fi
	run=$("$s" 2>&1 | sed 's/.*: //')
	w=-
	if [ -d "$m" ]; then
		w=$( (echo x >"$m/w.$$") 2>/dev/null && echo yes || echo no)
		rm -f "$m/w.$$"
	fi
	echo "$m: opts=$o sub=$sub run=$run write=$w"
done
echo END
EOF2
SRC=$tmp/src bundle binds '
	my $s = $ENV{SRC};
	my @m = ( [ "/run/b/bind", $s, [qw(bind rw nosuid nodev)] ],
		  [ "/run/b/rbind", $s, [qw(rbind rw nosuid nodev)] ],
		  [ "/run/b/noexec", $s, [qw(bind rprivate nosuid noexec nodev)] ],
		  [ "/run/b/ro", $s, [qw(bind ro nosuid nodev noexec)] ],
		  [ "/run/b/file", "$s/run.sh", [qw(bind nosuid nodev noexec)] ],
		  [ "/mnt", $dir, [qw(bind ro nosuid nodev)] ] );
	# the mount points in a tmpfs: the test root is not written
	push @{$c->{mounts}}, { destination => "/run", type => "tmpfs", source => "tmpfs",
		options => [qw(nosuid nodev mode=755)] };
	push @{$c->{mounts}}, map { { destination => $_->[0], type => "bind",
		source => $_->[1], options => $_->[2] } } @m;
	$c->{process}{args} = ["sh", "/mnt/see.sh"]' || bail_out "cannot make the bundle"

# the image's /b: the mount points, made before either runtime runs
run_both binds binds "create with the binds"
as_runc binds ":" "inside: " " as runc's"
like "$(cat "$tmp/hutch.oci45-hutch-binds.out")" '^/run/b/noexec: opts=nodev,noexec,nosuid,rw, sub=no run=Permission denied write=yes$' \
	"  (noexec: the script does not run)"
like "$(cat "$tmp/hutch.oci45-hutch-binds.out")" '^/run/b/rbind: .*sub=yes' "  (rbind: the submount is there)"

# runc spec's cgroup mount (ro) at /sys/fs/cgroup, with cgroupsPath and
# the limits that make hutch's groups in the memory, pids, cpu and
# cpuacct hierarchies (and devices, always): what the container sees
mkdir -p "$tmp/cg"
cat >"$tmp/cg/see.sh" <<'EOF2'
id=$1
# each mount under /sys/fs/cgroup: its point, options, type, and whether
# its root is the container's own group
awk -v id="/oci-t45/$id" '$5 ~ "^/sys/fs/cgroup" {
	o = $6; gsub(/,?relatime/, "", o); d = 7; while ($d != "-") d++
	print $5, o, $(d + 1), ($4 == id ? "own" : "other") }' /proc/self/mountinfo |
	sort >/tmp/cg
cut -d' ' -f1-3 /tmp/cg
echo "own: $(grep -c ' own$' /tmp/cg); ls: $(ls /sys/fs/cgroup | tr '\n' ' ')"
for f in memory/memory.limit_in_bytes pids/pids.max cpu/cpu.shares; do
	echo "$f=$(cat /sys/fs/cgroup/$f) own=$(grep -c "^/sys/fs/cgroup/${f%/*} .* own$" /tmp/cg)"
done
(echo 1000 >/sys/fs/cgroup/pids/pids.max) 2>/dev/null && echo written || echo read-only
echo END
EOF2
for r in runc hutch; do
	ID=oci45-$r-cg bundle "cg-$r" '
		push @{$c->{mounts}}, { destination => "/sys/fs/cgroup", type => "cgroup",
			source => "cgroup", options => [qw(nosuid noexec nodev relatime ro)] },
			{ destination => "/mnt", type => "bind", source => "'"$tmp/cg"'",
			options => [qw(bind ro)] },
			{ destination => "/tmp", type => "tmpfs", source => "tmpfs", options => ["nosuid"] };
		$c->{linux}{cgroupsPath} = "/oci-t45/$ENV{ID}";
		$c->{linux}{resources}{memory} = { limit => 67108864 };
		$c->{linux}{resources}{pids} = { limit => 77 };
		$c->{linux}{resources}{cpu} = { shares => 512 };
		$c->{process}{args} = ["sh", "/mnt/see.sh", $ENV{ID}]' || bail_out "cannot make the bundle"
done
run_both cg cg "create with a cgroup mount"
is "$(grep -v '^own:' "$tmp/hutch.oci45-hutch-cg.out")" "$(grep -v '^own:' "$tmp/runc.oci45-runc-cg.out")" \
	"inside: the mounts at /sys/fs/cgroup, the limits read there, and read-only, as runc's"
diag "runc: $(tr '\n' '|' <"$tmp/runc.oci45-runc-cg.out")"
diag "hutch: $(tr '\n' '|' <"$tmp/hutch.oci45-hutch-cg.out")"

# what hutch refuses of cgroup mounts: named, nothing left
refused() { # DESC PERL WANT
	rm -rf "$tmp/bad" && bundle bad "$2" || return 1
	runtime hutch create --bundle "$tmp/bad" oci45-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
	isnt "$?" 0 "hutch refuses $1"
	like "$(cat "$tmp/bad.err")" "$3" "  and names it"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
}
refused "a read-write cgroup mount" 'push @{$c->{mounts}}, { destination => "/sys/fs/cgroup",
	type => "cgroup", source => "cgroup", options => ["nosuid"] }' \
	"mounts: /sys/fs/cgroup: a read-write cgroup mount is not supported by hutch oci"
refused "a cgroup2 mount" 'push @{$c->{mounts}}, { destination => "/sys/fs/cgroup",
	type => "cgroup2", source => "cgroup", options => ["ro"] }' \
	"mounts: /sys/fs/cgroup: type cgroup2 is not supported by hutch oci yet"

done_testing
