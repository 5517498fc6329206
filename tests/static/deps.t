#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# deps.t - the folders of src/ form a DAG (docs/design.md, "Source layout").
# Two graphs between folders: the includes (#include "x.h" names the folder
# that holds x.h) and the calls (nm of each object: a symbol it uses that
# another folder's object defines). A strongly connected component of more
# than one folder is a cycle: each is printed with the file and symbol of
# every edge in it. Then the layering (@layers): a folder depends only on
# the layers below its own, a feature on no other feature, but where
# %exceptions says why. No root, no network: run by
# `make test` after the build (OBJS=the objects; without, includes only).
use strict;
use warnings;
use File::Basename qw(dirname basename);
use File::Find;

my $top = dirname(dirname(dirname(__FILE__)));
$top = '.' if $top eq '';
my @objs = split ' ', $ENV{OBJS} // '';
my $nm = $ENV{NM} // 'nm';

# The layers, bottom up: a folder may depend on the folders of the layers
# below its own, never on one of its own layer or above. lib has no hutch
# policy; config the parsed options; state the on-disk state and status
# format; mountfd the mounts by descriptor, which PID 1 and the image
# roots' stage both make; then the optional features, each on its own;
# PID 1 and its child; the launcher, which starts PID 1; the verbs that
# are programs of their own over all of it (hutch check, the control
# verbs, hutch oci); main.c. A folder not listed here is a feature.
my @layers = (
	[qw(lib)], [qw(config)], [qw(state)], [qw(mountfd)], ['FEATURES'], [qw(pid1)], [qw(host)],
	[qw(check control oci)], [qw(src)],
);
# Edges allowed although they break the layering: each one a debt with
# its reason, to remove when the code no longer needs it. The one left
# closes the one cycle left: seccomp.h takes struct config, and config/
# judges a --seccomp list with seccomp.c's own parser.
my %exceptions = (
	'config -> seccomp' => '--seccomp\'s list is judged at parse by seccomp.c (seccomp_check)',
);

my (%folder, @files);
find({ no_chdir => 1, wanted => sub {
	return unless /\.[ch]$/;
	my $rel = substr($File::Find::name, length("$top/src/"));
	my $d = dirname($rel);
	$d = $d eq '.' ? 'src' : $d;
	die "deps.t: two files named " . basename($rel) . "\n" if $folder{basename($rel)};
	$folder{basename($rel)} = $d;
	push @files, $rel;
} }, "$top/src");

my (%edge, $n_obj);   # $edge{from}{to} = first evidence
my %all;              # every evidence, for DEPS_VERBOSE=1
sub add { my ($f, $t, $why) = @_; return if $f eq $t;
	$edge{$f}{$t} //= $why; push @{$all{"$f -> $t"}}, $why; }

for my $rel (sort @files) {
	open(my $fh, '<', "$top/src/$rel") or die "$rel: $!\n";
	while (<$fh>) {
		next unless /^\s*#\s*include\s+"([^"]+)"/;
		my $h = basename($1);
		add($folder{basename($rel)}, $folder{$h}, "$rel includes $1") if $folder{$h};
	}
}

if (@objs) {
	my (%def, %use);
	for my $o (@objs) {
		my $c = basename($o, '.o') . '.c';
		die "deps.t: $o: no $c in src/\n" unless $folder{$c};
		my @nm = `$nm -P '$o'`;
		die "deps.t: $nm -P $o failed\n" if $? || !@nm;
		$n_obj++;
		for (@nm) {
			my ($sym, $type) = split;
			next unless defined $type;
			if ($type eq 'U') { push @{$use{$c}}, $sym; }
			elsif ($type =~ /^[A-TV-Z]$/) { $def{$sym} = $c; }
		}
	}
	for my $c (sort keys %use) {
		for my $s (@{$use{$c}}) {
			my $d = $def{$s} or next;
			add($folder{$c}, $folder{$d}, "$c uses $s of $d");
		}
	}
}

my @folders = sort keys %{{ map { $_ => 1 } values %folder }};
print "1..3\n";
my $t = 0;
sub ok { my ($ok, $name, @diag) = @_; $t++;
	print(($ok ? "ok" : "not ok") . " $t - $name\n");
	print "# $_\n" for ($ok ? () : @diag); }

# The exceptions first: each must still be needed, and is then taken out.
my @stale;
for my $e (sort keys %exceptions) {
	my ($f, $to) = split / -> /, $e;
	if ($edge{$f} && $edge{$f}{$to}) { delete $edge{$f}{$to}; }
	else { push @stale, "$e is not a dependency any more: remove it from EXCEPTIONS"; }
}
ok(!@stale, "every named exception is still needed (" . scalar(keys %exceptions) . " of them)", @stale);

# Tarjan's strongly connected components.
my ($index, %idx, %low, %on, @stack, @scc) = (0);
sub strong { my $v = shift;
	$idx{$v} = $low{$v} = $index++; push @stack, $v; $on{$v} = 1;
	for my $w (sort keys %{$edge{$v} // {}}) {
		if (!defined $idx{$w}) { strong($w); $low{$v} = $low{$w} if $low{$w} < $low{$v}; }
		elsif ($on{$w}) { $low{$v} = $idx{$w} if $idx{$w} < $low{$v}; }
	}
	if ($low{$v} == $idx{$v}) { my @c;
		do { push @c, pop @stack; $on{$c[-1]} = 0; } until $c[-1] eq $v;
		push @scc, [sort @c] if @c > 1; }
}
strong($_) for grep { !defined $idx{$_} } @folders;
my @cyc;
for my $c (@scc) {
	my %in = map { $_ => 1 } @$c;
	push @cyc, "cycle: " . join(' <-> ', @$c);
	for my $f (@$c) { for my $to (sort keys %{$edge{$f}}) {
		push @cyc, "  $f -> $to: $edge{$f}{$to}" if $in{$to}; } }
}
ok(!@scc, "no cycle between the folders of src/ (" . scalar(@folders) . " folders, "
	. (@objs ? "includes and the calls of $n_obj objects" : "includes only") . ")", @cyc);

my %rank;
for my $i (0 .. $#layers) { $rank{$_} = $i for @{$layers[$i]}; }
my ($feat) = grep { $layers[$_][0] eq 'FEATURES' } 0 .. $#layers;
my @bad;
for my $f (@folders) {
	my $rf = $rank{$f} // $feat;
	for my $to (sort keys %{$edge{$f} // {}}) {
		my $rt = $rank{$to} // $feat;
		push @bad, "$f -> $to: $edge{$f}{$to}" unless $rt < $rf;
	}
}
ok(!@bad, "every folder depends only on the layers below its own: "
	. join(' < ', map { join('|', @$_) } @layers), @bad);

if ($ENV{DEPS_VERBOSE}) { for my $e (sort keys %all) { print "# $e\n"; print "#   $_\n" for @{$all{$e}}; } }
