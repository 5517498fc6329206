#!/bin/bash
# SPDX-License-Identifier: MIT
# 55-userns.t: a user namespace in linux.namespaces with
# linux.uidMappings and gidMappings (rootless Podman's shape), under
# runc, the oracle, and under hutch oci, both run by root: the process
# reads its maps (/proc/self/uid_map, gid_map), its ids and whether
# setgroups is allowed; it creates a file in a read-write bind of a host
# directory, whose owner seen from the host must be the mapped one; and
# it sees the image's root-owned files as the overflow id. Then the
# refusals: mappings without a user namespace, a user namespace without
# mappings (runc refuses it), and hutch's own: mappings without a user
# namespace (runc ignores them), a user namespace by path, or with
# another namespace joined by path.
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_setup 55 map bad

# the host's directory the container writes to: its root is 100000.
# The sources are looked up by the container's process, root of its user
# namespace and 100000 outside: $tmp (mktemp's 0700) must let it through
chmod 755 "$tmp" || bail_out "cannot open $tmp"
mkdir -p "$tmp/u" "$tmp/w-runc" "$tmp/w-hutch" || bail_out "cannot make the directories"
chown 100000:100000 "$tmp/w-runc" "$tmp/w-hutch"
cat >"$tmp/u/see.sh" <<'EOF2'
echo "uid_map=$(tr -s ' ' <"/proc/self/uid_map" | tr '\n' '|')"
echo "gid_map=$(tr -s ' ' <"/proc/self/gid_map" | tr '\n' '|')"
echo "setgroups=$(cat /proc/self/setgroups)"
echo "id=$(id -u):$(id -g) groups=$(id -G)"
echo "image's /bin: $(stat -c %u:%g /bin)"
touch /home/made && mkdir /home/dir && echo "made=ok"
echo END
EOF2
for r in runc hutch; do
	W=$tmp/w-$r bundle "map-$r" '
		push @{$c->{linux}{namespaces}}, { type => "user" };
		$c->{linux}{uidMappings} = [ { containerID => 0, hostID => 100000, size => 65536 } ];
		$c->{linux}{gidMappings} = [ { containerID => 0, hostID => 100000, size => 65536 } ];
		push @{$c->{mounts}}, { destination => "/mnt", type => "bind",
			source => "'"$tmp/u"'", options => [qw(bind ro)] },
			{ destination => "/home", type => "bind", source => $ENV{W},
			options => [qw(rbind rw)] };
		$c->{process}{args} = ["sh", "/mnt/see.sh"]' || bail_out "cannot make the bundle"
done
run_both map map "create with a user namespace and its maps"
for r in runc hutch; do
	echo "host: $(stat -c %u:%g "$tmp/w-$r/made" "$tmp/w-$r/dir" 2>&1 | tr '\n' ' ')" \
		>>"$tmp/$r.oci55-$r-map.out"
done
as_runc map "=:" "" ": as runc's"
like "$(cat "$tmp/hutch.oci55-hutch-map.out")" "^host: 100000:100000 100000:100000 *$" \
	"  (the files made inside belong to 100000 on the host)"

# exec in a running container: it enters the user namespace too
mkdir -p "$tmp/x"
W=$tmp/w-runc bundle x '
	push @{$c->{linux}{namespaces}}, { type => "user" };
	$c->{linux}{uidMappings} = [ { containerID => 0, hostID => 100000, size => 65536 } ];
	$c->{linux}{gidMappings} = [ { containerID => 0, hostID => 100000, size => 65536 } ];
	$c->{process}{args} = ["sleep", "1000"];
	exec_json("sh", "-c", "tr -s \" \" </proc/self/uid_map; id -u; stat -c %u /bin");' ||
	bail_out "cannot make the bundle"
for r in runc hutch; do
	runtime $r create --bundle "$tmp/x" "oci55-$r-map" </dev/null >/dev/null 2>&1 &&
		runtime $r start "oci55-$r-map" &&
		runtime $r exec --process "$tmp/x/process.json" "oci55-$r-map" </dev/null \
			>"$tmp/$r.exec" 2>&1
	echo "rc=$?" >>"$tmp/$r.exec"
	runtime $r delete --force "oci55-$r-map"
done
is "$(one_line "$(cat "$tmp/hutch.exec")")" "$(one_line "$(cat "$tmp/runc.exec")")" \
	"exec: the user namespace's maps and ids, as runc's ($(one_line "$(cat "$tmp/runc.exec")"))"

# refusals: what runc refuses too, and hutch's own; named, nothing left
map='[ { containerID => 0, hostID => 100000, size => 65536 } ]'
oci_refused "uidMappings without a user namespace" \
	"\$c->{linux}{uidMappings} = $map; \$c->{linux}{gidMappings} = $map" \
	"linux.uidMappings: needs a user namespace in linux.namespaces"
oci_refused "a user namespace without mappings" \
	'push @{$c->{linux}{namespaces}}, { type => "user" }' \
	"linux.uidMappings: a user namespace needs at least one entry" runc
oci_refused "a user namespace that does not map root" \
	"push @{\$c->{linux}{namespaces}}, { type => 'user' };
	 \$c->{linux}{uidMappings} = [ { containerID => 1, hostID => 100000, size => 100 } ];
	 \$c->{linux}{gidMappings} = $map" \
	"linux.uidMappings: no entry maps the container's root" runc
oci_refused "a user namespace with a startContainer hook" \
	"push @{\$c->{linux}{namespaces}}, { type => 'user' };
	 \$c->{hooks} = { startContainer => [ { path => '/bin/true' } ] };
	 \$c->{linux}{uidMappings} = $map; \$c->{linux}{gidMappings} = $map" \
	"hooks: createContainer and startContainer with a user namespace are not supported"
oci_refused "a user namespace by path" \
	"push @{\$c->{linux}{namespaces}}, { type => 'user', path => '/proc/$$/ns/user' };
	 \$c->{linux}{uidMappings} = $map; \$c->{linux}{gidMappings} = $map" \
	"linux.namespaces: user: joining a user namespace by path is not supported"
oci_refused "a user namespace with a network namespace joined by path" \
	"push @{\$c->{linux}{namespaces}}, { type => 'user' };
	 \$_->{path} = '/proc/$$/ns/net' for grep { \$_->{type} eq 'network' } @{\$c->{linux}{namespaces}};
	 \$c->{linux}{uidMappings} = $map; \$c->{linux}{gidMappings} = $map" \
	"a user namespace with namespaces joined by path is not supported"

done_testing
