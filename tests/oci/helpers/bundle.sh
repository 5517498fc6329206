# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/oci/helpers/bundle.sh: what the tests/oci/*.t after 10-runc.t
# share: a bundle made by runc spec (the oracle's own defaults) on the
# test rootfs, each runtime's command line, one run of a container whose
# process writes what it sees to stdout and ends, the same run under
# both runtimes and its output compared line by line, and a refused
# bundle. tap.sh sourced before; sources lib.sh.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# oci_setup NN NAME... [-- CMD...]: the start of a tests/oci/NN-*.t that
# runs bundles under runc and hutch: root, runc, perl, the oci feature,
# $HUTCH, $ROOTFS and the commands after --; $tmp, a directory of its
# own (/tmp/oci-tNN.*); and on exit, the containers ociNN-R-NAME of
# both runtimes (R runc and hutch) deleted, then oci_cleanup_more when
# the file defines it (what else it made), then $tmp removed.
oci_setup() {
	local nn=$1
	shift
	oci_names=()
	oci_prefix=oci$nn
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		oci_names+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	oci_require runc=runc perl timeout mktemp "$@"
	tmp=$(mktemp -d "/tmp/oci-t$nn.XXXXXX") || bail_out "cannot create a temporary directory"
	trap oci_cleanup EXIT
}

oci_cleanup() {
	local r name
	for r in runc hutch; do
		for name in "${oci_names[@]}"; do
			runtime $r delete --force "$oci_prefix-$r-$name" >/dev/null 2>&1
		done
	done
	! declare -F oci_cleanup_more >/dev/null || oci_cleanup_more
	rm -rf --one-file-system -- "$tmp"
}

# bundle NAME PERL: runc spec's config.json in $tmp/NAME, the test root
# read-only, no terminal, no cgroup mount (45-mounts.t has it), then PERL
# run on $c (the config) with $dir the bundle's directory. PERL may call:
#   mnt_dir;          the bundle's directory on /mnt (rbind, rw)
#   exec_json ARGS;   $dir/process.json: the process with ARGS, for
#                     exec --process
#   sleep_json;       $dir/config-sleep.json: the config with sleep 1000
#                     as its process, a container to exec into
bundle() {
	local dir=$tmp/$1
	mkdir -p "$dir" && (cd "$dir" && runc spec) || return 1
	perl -MJSON::PP -e '
		my ($file, $rootfs, $dir, $expr) = @ARGV;
		local $/; open my $f, "<", $file or die; my $c = decode_json(<$f>);
		sub mnt_dir { push @{$c->{mounts}}, { destination => "/mnt", type => "bind",
			source => $dir, options => ["rbind", "rw"] } }
		sub exec_json { my %p = %{$c->{process}}; $p{args} = [@_];
			open my $pf, ">", "$dir/process.json" or die; print $pf encode_json(\%p) }
		sub sleep_json { local $c->{process}{args} = ["sleep", "1000"];
			open my $cf, ">", "$dir/config-sleep.json" or die; print $cf encode_json($c) }
		$c->{root} = { path => $rootfs, readonly => JSON::PP::true };
		$c->{process}{terminal} = JSON::PP::false;
		$c->{mounts} = [ grep { $_->{type} ne "cgroup" } @{$c->{mounts}} ];
		eval $expr; die $@ if $@;
		open $f, ">", $file or die; print $f JSON::PP->new->pretty->encode($c);
	' "$dir/config.json" "$ROOTFS" "$dir" "$2"
}

# runtime R ARGS...: runc or hutch oci, each with its own --root
runtime() {
	if [ "$1" = runc ]; then runc --root "$tmp/root-runc" "${@:2}"
	else "$HUTCH" oci --root "$tmp/root-hutch" "${@:2}"; fi
}

# run_once R ID BUNDLE: create and start; the process's output in
# $tmp/R.ID.out (complete once it printed END), create's errors in
# $tmp/R.ID.err; then delete --force. Returns create's status.
run_once() {
	local r=$1 id=$2 out=$tmp/$1.$2 rc
	runtime "$r" create --bundle "$tmp/$3" "$id" </dev/null >"$out.out" 2>"$out.err"
	rc=$?
	if [ "$rc" = 0 ]; then
		runtime "$r" start "$id" 2>>"$out.err"
		wait_for 60 grep -q '^END$' "$out.out"
		runtime "$r" delete --force "$id" 2>>"$out.err"
	fi
	return "$rc"
}

# run_both NAME BUNDLE DESC: run_once under runc, then under hutch, of
# the containers $oci_prefix-R-NAME, each from $tmp/BUNDLE-R where the
# file made one bundle per runtime, else from $tmp/BUNDLE; each
# create's status a test ("R: DESC"), with its errors when it failed
run_both() {
	local r b
	for r in runc hutch; do
		b=$2
		[ -d "$tmp/$2-$r" ] && b=$2-$r
		run_once "$r" "$oci_prefix-$r-$1" "$b"
		is "$?" 0 "$r: $3" || diag "$(cat "$tmp/$r.$oci_prefix-$r-$1.err")"
	done
}

# as_runc NAME CUT PREFIX SUFFIX: what hutch's process printed in
# run_both NAME, line by line, is what runc's did: a test a line, named
# PREFIX, the line up to its first character of CUT, SUFFIX
as_runc() {
	local want got
	while IFS= read -r want && IFS= read -r got <&3; do
		is "$got" "$want" "$3${want%%[$2]*}$4"
	done <"$tmp/runc.$oci_prefix-runc-$1.out" 3<"$tmp/hutch.$oci_prefix-hutch-$1.out"
}

# oci_refused DESC PERL WANT [runc]: a bundle made with PERL, which hutch
# refuses (create fails), naming WANT, leaving no record and no cgroup;
# with "runc", runc must refuse it too. The containers are
# $oci_prefix-R-bad (the file's oci_setup names bad).
oci_refused() {
	rm -rf "$tmp/bad" && bundle bad "$2" || return 1
	if [ -n "${4-}" ]; then
		runtime runc create --bundle "$tmp/bad" "$oci_prefix-runc-bad" </dev/null >/dev/null 2>&1
		isnt "$?" 0 "runc refuses $1"
		runtime runc delete --force "$oci_prefix-runc-bad" >/dev/null 2>&1
	fi
	runtime hutch create --bundle "$tmp/bad" "$oci_prefix-hutch-bad" </dev/null >/dev/null 2>"$tmp/bad.err"
	isnt "$?" 0 "hutch refuses $1"
	like "$(cat "$tmp/bad.err")" "$3" "  and names it"
	is "$(ls -A "$tmp/root-hutch")" "" "  no record left"
	is "$(find /sys/fs/cgroup -maxdepth 4 -name "$oci_prefix-hutch-bad" 2>/dev/null)" "" "  no cgroup left"
}
