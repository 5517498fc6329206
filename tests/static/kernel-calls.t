#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# kernel-calls.t - every bare system call is in src/lib/kernel_calls.h,
# where its invariants are written once (the kernel's structure, since
# which Linux, what its errors mean for hutch). A syscall( anywhere else
# in src/ fails, with its file and line: add a wrapper there and call it.
# Comments and strings are left out of the search. No root, no build.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Find;

my $top = dirname(dirname(dirname(__FILE__)));
$top = '.' if $top eq '';
my $home = 'src/lib/kernel_calls.h';

my (@files, @bad);
find({ no_chdir => 1, wanted => sub { push @files, $_ if /\.[ch]$/ } }, "$top/src");

# The text with comments and string literals blanked, newlines kept (so
# line numbers hold).
sub code_of {
	my $t = shift;
	$t =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')}
	       { (my $k = $1) =~ s/[^\n]/ /g; $k }gse;
	return $t;
}

my $wrappers = 0;
for my $f (sort @files) {
	my $rel = substr($f, length("$top/"));
	open(my $fh, '<', $f) or die "$rel: $!\n";
	my $code = code_of(do { local $/; <$fh> });
	my $line = 1;
	for (split /\n/, $code, -1) {
		if (/(?<![\w.>])syscall\s*\(/) {
			if ($rel eq $home) { $wrappers++; }
			else { push @bad, "$rel:$line: $_"; }
		}
		$line++;
	}
}

print "1..2\n";
print((@bad ? "not ok" : "ok") . " 1 - no bare syscall( outside $home ("
	. scalar(@files) . " files)\n");
print "# $_\n" for @bad;
print "# each one: a static inline wrapper in $home, with its comment\n" if @bad;
print(($wrappers ? "ok" : "not ok") . " 2 - $home holds the calls ($wrappers)\n");
