#!/bin/bash
# SPDX-License-Identifier: MIT
# 47-devices.t: linux.devices under runc, the oracle, and under hutch
# oci. The same bundle lists a character device (the zero device's
# numbers, mode 0640, owner 0:100), a block device in a
# subdirectory of /dev (a loop device's numbers, no fileMode: 0666),
# a fifo (mode 0620, no numbers), and /dev/null as the very device it
# is (hutch's own node, the host's, stays); linux.resources.devices
# allows reading and writing the first. The process reports each
# node's type, numbers, mode and owner, and whether it opens: the
# character device reads (hutch's /dev is nodev: its nodes are mounts
# of their own), the block device does not (the cgroup's list has no
# entry for it, under runc too). Then mknod(2) with CAP_MKNOD: of a
# listed device's numbers it works under both; of unlisted numbers
# runc allows it (its "c *:* m", "b *:* m"), hutch does not (EPERM:
# a node made on a host-backed volume would outlive the container).
# Then what hutch refuses, named, exit 125, nothing left.
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_setup 47 dev mk bad

mkdir -p "$tmp/mnt"
cat >"$tmp/mnt/see.sh" <<'EOF2'
for n in /dev/t47-zero /dev/t47/blk /dev/t47-fifo /dev/null; do
	stat -c "%n %F %t:%T %a %u:%g" "$n" 2>&1
done
echo "dir: $(stat -c '%a %u:%g' /dev/t47)"
[ "$(head -c 3 /dev/t47-zero | od -An -tx1 | tr -d ' ')" = 000000 ] && r=yes || r=no
echo "t47-zero reads: $r"
(head -c 1 /dev/t47/blk >/dev/null) 2>/dev/null && r=yes || r=no
echo "t47/blk opens: $r"
echo END
EOF2
bundle dev '
	$c->{linux}{devices} = [
		{ path => "/dev/t47-zero", type => "c", major => 1, minor => 5,
		  fileMode => 0640, uid => 0, gid => 100 },
		{ path => "/dev/t47/blk", type => "b", major => 7, minor => 200 },
		{ path => "/dev/t47-fifo", type => "p", fileMode => 0620 },
		{ path => "/dev/null", type => "c", major => 1, minor => 3 } ];
	push @{$c->{linux}{resources}{devices}},
		{ allow => JSON::PP::true, type => "c", major => 1, minor => 5, access => "rw" },
		# runc drops its own allow entry of a node the spec lists
		{ allow => JSON::PP::true, type => "c", major => 1, minor => 3, access => "rw" };
	push @{$c->{mounts}}, { destination => "/mnt", type => "bind",
		source => "'"$tmp/mnt"'", options => [qw(bind ro)] };
	$c->{process}{args} = ["sh", "/mnt/see.sh"]' || bail_out "cannot make the bundle"
run_both dev dev "create with linux.devices"
as_runc dev ":" "inside: " " as runc's"
diag "runc: $(tr '\n' '|' <"$tmp/runc.oci47-runc-dev.out")"
like "$(cat "$tmp/hutch.oci47-hutch-dev.out")" "t47-zero reads: yes" "  (the character device reads)"

cat >"$tmp/mnt/mk.sh" <<'EOF2'
mk() { # WHAT TYPE MAJOR MINOR
	r=$(mknod "/dev/t47-$1" "$2" "$3" "$4" 2>&1) && r=made || r=${r##*: }
	echo "mknod $1 ($2 $3:$4): $r"
}
mk listed c 1 5
mk unlisted c 4 1
mk unlisted-blk b 8 0
stat -c "%n %F %t:%T" /dev/t47-zero /dev/t47/blk /dev/t47-fifo 2>&1
echo END
EOF2
cp -r "$tmp/dev" "$tmp/mk" && perl -MJSON::PP -i -0pe '
	my $c = decode_json($_);
	$c->{process}{args} = ["sh", "/mnt/mk.sh"];
	push @{$c->{process}{capabilities}{$_}}, "CAP_MKNOD" for qw(bounding effective permitted);
	$_ = JSON::PP->new->pretty->encode($c)' "$tmp/mk/config.json" ||
	bail_out "cannot make the mknod bundle"
run_both mk mk "create with linux.devices and CAP_MKNOD"
diag "runc: $(tr '\n' '|' <"$tmp/runc.oci47-runc-mk.out")"
hutch_mk=$(cat "$tmp/hutch.oci47-hutch-mk.out")
is "$(grep -c ': made$' "$tmp/runc.oci47-runc-mk.out")" 3 "runc: mknod of listed and unlisted numbers (its c/b *:* m)"
like "$hutch_mk" "mknod listed \\(c 1:5\\): made" "hutch: mknod of a listed device's numbers, as runc"
like "$hutch_mk" "mknod unlisted \\(c 4:1\\): Operation not permitted" "hutch: mknod of an unlisted character device (tty1) EPERM (runc allows it)"
like "$hutch_mk" "mknod unlisted-blk \\(b 8:0\\): Operation not permitted" "hutch: mknod of an unlisted block device (sda) EPERM"
is "$(grep '^/dev/' <<<"$hutch_mk")" "$(grep '^/dev/' "$tmp/runc.oci47-runc-mk.out")" "  the listed nodes made, as runc's"

refused() { # DESC DEVICE-PERL WANT [runc]
	oci_refused "$1" '$c->{linux}{devices} = [ '"$2"' ]' "$3" ${4-}
}
refused "a node outside /dev" '{ path => "/tmp/x", type => "c", major => 1, minor => 5 }' \
	"linux.devices\\[\\].path '/tmp/x': hutch oci makes device nodes in its /dev only: write /dev/NAME"
refused "a path with .." '{ path => "/dev/../etc/x", type => "c", major => 1, minor => 5 }' \
	"linux.devices\\[\\].path '/dev/../etc/x': hutch oci makes device nodes in its /dev only"
refused "a type that is none" '{ path => "/dev/x", type => "x", major => 1, minor => 5 }' \
	"linux.devices\\[\\].type 'x': write c, u, b or p" runc
refused "a device without numbers" '{ path => "/dev/x", type => "c" }' \
	"linux.devices: /dev/x: major required"
refused "a major above 4095" '{ path => "/dev/x", type => "c", major => 4096, minor => 1 }' \
	"linux.devices\\[\\].major \\(0-4095\\): out of range"
refused "hutch's own /dev/null as another device" '{ path => "/dev/null", type => "c", major => 1, minor => 5 }' \
	"linux.devices: /dev/null: hutch makes it itself"
refused "one path twice" '{ path => "/dev/x", type => "p" }, { path => "/dev/x", type => "p" }' \
	"linux.devices: /dev/x given twice"

done_testing
