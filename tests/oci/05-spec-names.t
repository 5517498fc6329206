#!/bin/bash
# SPDX-License-Identifier: MIT
# 05-spec-names.t: hutch oci's lists of the runtime spec's names held to
# the spec. Each object hutch walks in config.json names, in src/oci,
# the Go type of the spec that defines it, the names it reads and the
# names it refuses (OCI_SPEC(GoType, handled, refused), oci_walk.h);
# every other key is ignored with a warning, as the spec's
# "Extensibility" asks. The spec is config.go of Debian's
# golang-github-opencontainers-specs-dev, the one Debian's runc is built
# with: a name hutch lists that is not one of the type's json tags (a
# typo, or a name the spec renamed) fails here, and so does a tag of the
# type in neither list (a field the spec added, which hutch would
# otherwise ignore as unknown, silently as far as the caller knows).
#
# And every refused name is in docs/oci.md's "Refused" list.
#
# No root, no hutch binary: only the sources and config.go. In
# tests/oci because `make check-oci` installs the package (OCI_PKGS);
# `make test` installs nothing, and a test that skips without its
# package would pass without looking. SPEC_CONFIG_GO names another
# config.go.

source "$(dirname "$0")/../lib/tap.sh"

require_cmd perl
go=${SPEC_CONFIG_GO:-/usr/share/gocode/src/github.com/opencontainers/runtime-spec/specs-go/config.go}
[ -r "$go" ] || bail_out "$go: missing (Debian's golang-github-opencontainers-specs-dev; make check-oci installs it)"
src=$(cd "$(dirname "$0")/../../src/oci" && pwd) || bail_out "no src/oci"
doc=$src/../../docs/oci.md

# One line per OCI_SPEC site: TYPE, then what is wrong with it ("" when
# nothing); first a line "calls N SITES" (oci_only's calls and sites).
report=$(perl -e '
	my ($go, $doc, @c) = @ARGV;
	my (%tags, $type);
	open my $d, "<", $doc or die "$doc: $!";
	my $refused_doc = do { local $/; <$d> } =~ /^## Refused(.*?)^## /ms ? $1 : "";
	open my $g, "<", $go or die "$go: $!";
	while (<$g>) {
		if (/^type (\w+) struct \{/) { $type = $1; $tags{$type} = [] }
		elsif (/^\}/) { undef $type }
		elsif ($type && /json:"([^",]+)/) { push @{$tags{$type}}, $1 }
	}
	my $str = qr/"(?:[^"\\]|\\.)*"/;
	my ($calls, @sites) = (0);
	for my $f (@c) {
		local $/; open my $h, "<", $f or die "$f: $!"; my $s = <$h>;
		$s =~ s{/\*.*?\*/}{}gs;
		$calls += () = $s =~ /(?<!void )\boci_only\s*\(/g;	# calls, not its definition
		while ($s =~ /OCI_SPEC\(\s*(\w+)\s*,\s*((?:$str\s*)+),\s*((?:$str\s*)+)\)/g) {
			my ($t, @l) = ($1, $2, $3);
			my @names = map { my $x = join "", /"((?:[^"\\]|\\.)*)"/g;
					  [ grep { length } split /\\0/, $x ] } @l;
			push @sites, [ $t, @names ];
		}
	}
	print "calls $calls ", scalar @sites, "\n";
	for (@sites) {
		my ($t, $handled, $refused) = @$_;
		my @bad;
		if (!$tags{$t}) { print "$t\tno type $t in config.go\n"; next }
		my %tag = map { $_ => 1 } @{$tags{$t}};
		my (%seen, @twice);
		for (@$handled, @$refused) {
			push @bad, "$_ is not a json tag of $t" unless $tag{$_};
			push @twice, $_ if $seen{$_}++;
		}
		push @bad, "listed twice: @twice" if @twice;
		my @neither = grep { !$seen{$_} } @{$tags{$t}};
		push @bad, "config.go tags in neither list: @neither" if @neither;
		my @undoc = grep { $refused_doc !~ /[`.]\Q$_\E`/ } @$refused;
		push @bad, "refused but not in docs/oci.md, Refused: @undoc" if @undoc;
		print "$t\t", join("; ", @bad), "\n";
	}
' "$go" "$doc" "$src"/*.c) || bail_out "cannot read the lists (perl)"

read -r _ calls sites <<<"$(head -n1 <<<"$report")"
is "$sites" "$calls" "every oci_only call in src/oci names its config.go type (OCI_SPEC): $sites of $calls"
ok "the walk's objects are found (at least 15 sites)" [ "$sites" -ge 15 ]
while IFS=$'\t' read -r type bad; do
	is "$bad" "" "$type: hutch's names are config.go's json tags, every tag is in one list, the refused documented"
done < <(tail -n +2 <<<"$report")

done_testing
