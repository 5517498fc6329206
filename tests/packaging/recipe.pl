#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# tests/packaging/recipe.pl: a small reader for BitBake recipes, enough for
# packaging/yocto/hutch_git.bb (tests/packaging/30-yocto.t).
#
#   recipe.pl parse RECIPE
#       One line per statement: "set NAME OP VALUE" (VALUE without its
#       quotes, continuation lines joined), "inherit CLASS...", "func NAME"
#       and "python NAME" for a function; exit 1 with "unparsed: LINE" for
#       anything else, so a typo in the syntax fails the test.
#   recipe.pl expand RECIPE FUNC VAR=VALUE...
#       The shell body of FUNC with ${VAR} replaced by the VALUEs given and
#       by the recipe's own plain assignments, and bb.utils.contains() on
#       DISTRO_FEATURES evaluated: what BitBake would hand to the shell.
#       An unknown ${VAR} or inline python is an error.
use strict;
use warnings;

my ($cmd, $file, @rest) = @ARGV;
open my $fh, '<', $file or die "recipe.pl: $file: $!\n";
my @lines = <$fh>;
close $fh;

my (@out, %var, %func);
my $bad = 0;
for (my $i = 0; $i < @lines; $i++) {
	my $l = $lines[$i];
	chomp $l;
	next if $l =~ /^\s*(#.*)?$/;
	# Continuation lines of a quoted value.
	while ($l =~ /\\$/ && $i + 1 < @lines) {
		$l =~ s/\\$//;
		my $n = $lines[++$i];
		chomp $n;
		$l .= $n;
	}
	if ($l =~ /^([A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-\$\{\}]+)*)\s*(\?\?=|\?=|:=|\+=|=\+|\.=|=\.|=)\s*"(.*)"\s*$/) {
		push @out, "set $1 $2 $3";
		$var{$1} = $3 if $2 eq '=' || !exists $var{$1};
	} elsif ($l =~ /^inherit\s+(\S.*?)\s*$/) {
		push @out, "inherit $1";
	} elsif ($l =~ /^(python\s+)?([A-Za-z_][A-Za-z0-9_]*)?\s*\(\)\s*\{\s*$/) {
		my ($py, $name) = ($1, $2 // '');
		my $body = '';
		while (++$i < @lines && $lines[$i] !~ /^\}\s*$/) {
			$body .= $lines[$i];
		}
		if ($i >= @lines) {
			print "unparsed: function $name has no closing }\n";
			$bad = 1;
			last;
		}
		push @out, ($py ? "python" : "func") . " $name";
		$func{$name} = $body;
	} else {
		print "unparsed: $l\n";
		$bad = 1;
	}
}

if ($cmd eq 'parse') {
	print "$_\n" for @out;
	exit $bad;
}
if ($cmd eq 'expand') {
	exit 1 if $bad;
	my $name = shift @rest;
	my %v = %var;
	for (@rest) {
		my ($k, $val) = split /=/, $_, 2;
		$v{$k} = $val;
	}
	my $body = $func{$name} // die "recipe.pl: no function $name\n";
	my %features = map { $_ => 1 } split ' ', ($v{DISTRO_FEATURES} // '');
	$body =~ s{\$\{\@bb\.utils\.contains\('DISTRO_FEATURES',\s*'([^']+)',\s*'([^']*)',\s*'([^']*)',\s*d\)\}}
		{$features{$1} ? $2 : $3}ge;
	die "recipe.pl: inline python left: $1\n" if $body =~ /(\$\{\@[^}]*\})/;
	for (1 .. 5) {    # values may name other variables
		$body =~ s{\$\{([A-Za-z_][A-Za-z0-9_]*)\}}{
			exists $v{$1} ? $v{$1} : die "recipe.pl: \${$1} is not known here\n"}ge;
	}
	print $body;
	exit 0;
}
die "usage: recipe.pl parse|expand RECIPE ...\n";
