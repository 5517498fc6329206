# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/oci/helpers/bundle.sh: what the tests/oci/*.t after 10-runc.t
# share: a bundle made by runc spec (the oracle's own defaults) on the
# test rootfs, each runtime's command line, and one run of a container
# whose process writes what it sees to stdout and ends. tap.sh sourced
# before; sources lib.sh.

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
# run on $c (the config) with $dir the bundle's directory
bundle() {
	local dir=$tmp/$1
	mkdir -p "$dir" && (cd "$dir" && runc spec) || return 1
	perl -MJSON::PP -e '
		my ($file, $rootfs, $dir, $expr) = @ARGV;
		local $/; open my $f, "<", $file or die; my $c = decode_json(<$f>);
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
