#!/bin/bash
# SPDX-License-Identifier: MIT
# 46-propagation.t: mount propagation under runc, the oracle, and under
# hutch oci: linux.rootfsPropagation, and the propagation words of
# mounts[].options.
#
# The root file system is a bind of the test rootfs inside a shared
# tmpfs ($tmp/sh, as the host's / is shared under systemd), so the host
# and the container could exchange mount events through it. For each
# rootfsPropagation value the same bundle runs under both: once the
# container is created, the host reads the optional fields of its /
# in /proc/PID/mountinfo (shared:N, master:N, unbindable; none:
# private) and mounts a tmpfs on the root file system's /home; then the
# process (CAP_SYS_ADMIN) says whether it sees that mount and mounts a
# tmpfs on its /mnt, and the host looks whether that one came out; and
# the masks (runc spec's maskedPaths, /proc/keys among them) hold.
#
# runc 1.1.5 (Debian 12's) never sets shared or unbindable on the root
# (they are set on the host's / before the root is bound, and the root
# file system's own mount is made private first: its root stays
# private), and makes slave a private root where the root file
# system's mount is shared. runc fixed it in 1.2.6 and 1.3 (PR 4724:
# shared and unbindable set on / after pivot_root; 2026's ec170d8:
# slave kept). hutch follows the fixed runc: for those values the test
# wants that, and shows runc 1.1.5's line beside it (diag). Where runc
# 1.1.5 does it right (private, rprivate, rslave) hutch must match it.
# In every case the container's mount must not reach the host.
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_cleanup_more() {
	local m
	for m in "$tmp/sh/root/home" "$tmp/sh/root" "$tmp/sh" "$tmp/p/src/sub" "$tmp/p"; do
		umount -l "$m" 2>/dev/null
	done
}
oci_setup 46 root opts bad bi

mkdir -p "$tmp/sh" "$tmp/p" || bail_out "cannot make the directories"
mount -t tmpfs -o size=64k oci-t46 "$tmp/sh" && mount --make-shared "$tmp/sh" &&
	mkdir "$tmp/sh/root" && mount --bind "$ROOTFS" "$tmp/sh/root" ||
	bail_out "cannot make the shared tmpfs"
root=$tmp/sh/root

# fields PID MOUNTPOINT: the optional fields of that mount in PID's
# mountinfo, numbers left out ("private" when there is none)
fields() {
	awk -v m="$2" '$5 == m { o = ""; for (i = 7; $i != "-"; i++) {
		f = $i; sub(/:[0-9]+$/, "", f); o = o (o ? " " : "") f }
		print (o ? o : "private") }' "/proc/$1/mountinfo" | tail -n 1
}

# the process: whether it sees the host's mount on /home, its own
# mount on /mnt
cat >"$tmp/see.sh" <<'EOF2'
home=$(awk '$5 == "/home" { print "yes" }' /proc/self/mountinfo)
mount -t tmpfs oci-t46-inside /mnt 2>/dev/null && m=mounted || m=failed
keys=$(awk '$5 == "/proc/keys" { print "masked" }' /proc/self/mountinfo)
echo "home=${home:-no} mnt=$m keys=${keys:-open}"
echo END
EOF2
# root_run R PROP: create (the / fields read from outside), the host's
# mount, start; prints "/=FIELDS home=... mnt=... out=yes|no"
root_run() {
	local r=$1 id=oci46-$1-root pid out f
	out=$tmp/$r.$id
	rm -rf "$tmp/root-b"
	bundle root-b '
		$c->{root}{path} = "'"$root"'";
		$c->{linux}{rootfsPropagation} = "'"$2"'";
		push @{$c->{process}{capabilities}{$_}}, "CAP_SYS_ADMIN"
			for qw(bounding effective permitted);
		push @{$c->{mounts}}, { destination => "/run", type => "bind",
			source => "'"$tmp"'", options => [qw(bind ro)] };
		$c->{process}{args} = ["sh", "/run/see.sh"]' || return 1
	if ! runtime "$r" create --bundle "$tmp/root-b" "$id" </dev/null >"$out.out" 2>"$out.err"; then
		echo "create failed: $(head -c 300 "$out.err")"
		return
	fi
	pid=$(runtime "$r" state "$id" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
	f=$(fields "$pid" /)
	mount -t tmpfs -o size=4k oci-t46-host "$root/home"
	runtime "$r" start "$id" 2>>"$out.err"
	wait_for 30 grep -q '^END$' "$out.out"
	runtime "$r" delete --force "$id" 2>>"$out.err"
	umount "$root/home"
	if grep -q ' oci-t46-inside ' /proc/self/mountinfo; then
		echo "/=$f $(head -n 1 "$out.out") out=yes"
		grep ' oci-t46-inside ' /proc/self/mountinfo | awk '{ print $5 }' | xargs -r umount -l
	else
		echo "/=$f $(head -n 1 "$out.out") out=no"
	fi
}

# PROP HUTCH'S LINE (where runc 1.1.5 differs; empty: runc's)
while read -r prop want; do
	r=$(root_run runc "$prop")
	h=$(root_run hutch "$prop")
	if [ -z "$want" ]; then
		is "$h" "$r" "rootfsPropagation $prop: / and the mount events as runc's"
	else
		is "$h" "$want" "rootfsPropagation $prop: / and the mount events as runc >= 1.2.6"
		diag "runc 1.1.5: $r"
	fi
	unlike "$h" "out=yes" "  the container's mount does not reach the host"
	unlike "$r" "out=yes" "  (nor runc's)"
done <<'EOF2'
private
rprivate
rslave
slave /=master home=yes mnt=mounted keys=masked out=no
shared /=shared home=no mnt=mounted keys=masked out=no
rshared /=shared home=no mnt=mounted keys=masked out=no
unbindable /=unbindable home=no mnt=mounted keys=masked out=no
runbindable /=unbindable home=no mnt=mounted keys=masked out=no
EOF2

# a shared root is shared within the container: a bind of / there sees
# what is mounted later (runtime-tools' check), where runc 1.1.5's not
cat >"$tmp/bind.sh" <<'EOF2'
mkdir -p /tmp/t /tmp/m
mount -o rbind / /tmp/t 2>&1 | sed 's/.*: //'
mount -t tmpfs oci-t46-later /mnt
[ -d /tmp/t/mnt ] && awk '$5 == "/tmp/t/mnt" { print "seen" }' /proc/self/mountinfo
echo END
EOF2
for prop in shared unbindable private; do
	rm -rf "$tmp/bind-$prop"
	bundle "bind-$prop" '
		$c->{root}{path} = "'"$root"'";
		$c->{linux}{rootfsPropagation} = "'"$prop"'";
		push @{$c->{process}{capabilities}{$_}}, "CAP_SYS_ADMIN"
			for qw(bounding effective permitted);
		push @{$c->{mounts}}, { destination => "/run", type => "bind",
			source => "'"$tmp"'", options => [qw(bind ro)] },
			{ destination => "/tmp", type => "tmpfs", source => "tmpfs",
			options => ["nosuid"] };
		$c->{process}{args} = ["sh", "/run/bind.sh"]' || bail_out "cannot make the bundle"
	run_once hutch "oci46-hutch-root" "bind-$prop"
	got=$(grep -v '^END$' "$tmp/hutch.oci46-hutch-root.out" | tr '\n' ' ')
	case $prop in
	shared) is "$got" "seen " "inside, rootfsPropagation shared: a bind of / sees a later mount" ;;
	unbindable) is "$got" "Invalid argument " "inside, rootfsPropagation unbindable: / cannot be bound" ;;
	private) is "$got" "" "inside, rootfsPropagation private: a bind of / does not see it" ;;
	esac
done

# mounts[].options: a bind of a directory of a private tmpfs (as both
# runtimes see it: private) with each word, and a tmpfs with shared; the
# fields of each mount point as the process sees them, as runc's
mount -t tmpfs -o size=64k oci-t46-p "$tmp/p" && mount --make-private "$tmp/p" &&
	mkdir -p "$tmp/p/src/sub" "$tmp/opts" && mount -t tmpfs -o size=4k oci-t46-sub "$tmp/p/src/sub" ||
	bail_out "cannot make the private tmpfs"
cat >"$tmp/opts/see.sh" <<'EOF2'
for w in shared rshared slave rslave private rprivate unbindable runbindable tmpfs \
	twice; do
	for m in /run/p/$w /run/p/$w/sub; do
		[ -d "$m" ] || continue
		o=$(awk -v m="$m" '$5 == m { o = ""; for (i = 7; $i != "-"; i++) {
			f = $i; sub(/:[0-9]+$/, "", f); o = o (o ? " " : "") f }
			print (o ? o : "private") }' /proc/self/mountinfo)
		echo "$m: ${o:-none}"
	done
done
echo END
EOF2
SRC=$tmp/p/src bundle opts '
	push @{$c->{mounts}}, { destination => "/run", type => "tmpfs", source => "tmpfs",
		options => [qw(nosuid nodev mode=755)] };
	for my $w (qw(shared rshared slave rslave private rprivate unbindable runbindable)) {
		push @{$c->{mounts}}, { destination => "/run/p/$w", type => "bind",
			source => $ENV{SRC}, options => [ "rbind", $w ] };
	}
	push @{$c->{mounts}}, { destination => "/run/p/tmpfs", type => "tmpfs",
		source => "tmpfs", options => [qw(nosuid shared)] },
		{ destination => "/run/p/twice", type => "bind", source => $ENV{SRC},
		options => [qw(rbind shared rprivate)] },
		{ destination => "/mnt", type => "bind", source => "'"$tmp/opts"'",
		options => [qw(bind ro)] };
	$c->{process}{args} = ["sh", "/mnt/see.sh"]' || bail_out "cannot make the bundle"
run_both opts opts "create with propagation options"
as_runc opts ":" "inside: " "'s propagation as runc's"

# what is refused: named, exit 125, nothing left
oci_refused "a rootfsPropagation that is none" \
	'$c->{linux}{rootfsPropagation} = "sharde"' \
	"linux.rootfsPropagation: 'sharde' is not a propagation: write shared, slave, private, unbindable" runc
is "$(runtime hutch create --bundle "$tmp/bad" oci46-hutch-bad </dev/null >/dev/null 2>&1; echo $?)" 125 \
	"  exit 125"
oci_refused "more than three propagation options" \
	'push @{$c->{mounts}}, { destination => "/mnt", type => "tmpfs", source => "tmpfs",
		options => [qw(shared slave private unbindable)] }' \
	"mounts: /mnt: more than 3 propagation options"
oci_refused "a propagation option on hutch's own /proc" \
	'$_->{options} = ["rshared"] for grep { $_->{destination} eq "/proc" } @{$c->{mounts}}' \
	"mounts: /proc: hutch makes it itself, private: remove its propagation options other than private and rprivate"

# Kubernetes' Bidirectional: a bind with rshared and rootfsPropagation
# rshared. runc's bind is a peer of the host's (shared) source mount: a
# mount the container makes there appears on the host. hutch refuses it
mkdir -p "$tmp/sh/bi" || bail_out "cannot make the directory"
rm -rf "$tmp/bi" && SRC=$tmp/sh/bi bundle bi '
	push @{$c->{mounts}}, { destination => "/mnt", type => "bind", source => $ENV{SRC},
		options => [qw(rbind rshared)] };
	$c->{linux}{rootfsPropagation} = "rshared";
	push @{$c->{process}{capabilities}{$_}}, "CAP_SYS_ADMIN" for qw(bounding effective permitted);
	$c->{process}{args} = ["sh", "-c", "mkdir -p /mnt/in && mount -t tmpfs oci-t46-bi /mnt/in; echo END"]' ||
	bail_out "cannot make the bundle"
run_once runc oci46-runc-bi bi
is "$(awk -v m="$tmp/sh/bi/in" '$5 == m { print "on the host" }' /proc/self/mountinfo)" "on the host" \
	"runc, Bidirectional: the container's mount reaches the host"
umount "$tmp/sh/bi/in" 2>/dev/null
runtime hutch create --bundle "$tmp/bi" oci46-hutch-bi </dev/null >/dev/null 2>"$tmp/bi.err"
is "$?" 125 "hutch refuses it (125)"
like "$(cat "$tmp/bi.err")" "mounts: /mnt: a shared bind with rootfsPropagation shared .* never propagates out" \
	"  naming the mount and why"
is "$(ls -A "$tmp/root-hutch")" "" "  no record left"

# but private and rprivate there are what hutch does (Podman gives them)
rm -rf "$tmp/bad" && bundle bad '$_->{options} = [qw(nosuid rprivate)]
	for grep { $_->{destination} =~ m{^/(proc|dev|dev/pts)$} } @{$c->{mounts}};
	$c->{process}{args} = ["true"]' || bail_out "cannot make the bundle"
runtime hutch create --bundle "$tmp/bad" oci46-hutch-bad </dev/null >/dev/null 2>"$tmp/bad.err"
is "$?" 0 "hutch takes rprivate on its own /proc, /dev, /dev/pts" || diag "$(cat "$tmp/bad.err")"
runtime hutch delete --force oci46-hutch-bad >/dev/null 2>&1

done_testing
