#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# bloat.t - tools/bloat.sh, the per-symbol size report every build prints:
# its counts and rows on two small listings, static symbols of one name
# added up, LTO's .lto_priv.N numbering ignored, and silence when the
# sizes agree (addresses may move). No build needed.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Temp qw(tempdir);

my $top = dirname(dirname(dirname(__FILE__)));
$top = '.' if $top eq '';
my $dir = tempdir(CLEANUP => 1);

sub listing { my ($name, $file, @rows) = @_;
	open(my $fh, '>', "$dir/$name") or die "$name: $!\n";
	print $fh "# file $file\n", map { "$_\n" } @rows;
	close $fh; return "$dir/$name"; }
sub bloat { my $out = `'$top/tools/bloat.sh' -c '$_[0]' '$_[1]' 2>&1`;
	return ($? >> 8, $out); }

my $old = listing('old', 1000,
	'0000000000401000 0000000000000010 T kept',
	'0000000000401010 0000000000000020 t grows',
	'0000000000401030 0000000000000030 t shrinks',
	'0000000000401060 0000000000000008 t note',
	'0000000000401068 0000000000000008 t note',
	'0000000000401070 0000000000000040 t gone',
	'0000000000402000 0000000000000010 t moved.lto_priv.0');
my $new = listing('new', 1040,
	'0000000000401000 0000000000000010 T kept',
	'0000000000401010 0000000000000030 t grows',
	'0000000000401040 0000000000000028 t shrinks',
	'0000000000401068 0000000000000008 t note',
	'0000000000401070 0000000000000008 t note',
	'0000000000401080 0000000000000050 t added',
	'0000000000403000 0000000000000004 b counter',
	'0000000000402040 0000000000000010 t moved.lto_priv.3');

print "1..8\n";
my $t = 0;
sub ok { my ($ok, $name, @diag) = @_; $t++;
	print(($ok ? "ok" : "not ok") . " $t - $name\n");
	print map { "# $_\n" } split /\n/, join("\n", @diag) unless $ok; }

my ($rc, $out) = bloat($old, $new);
ok($rc == 0, "exit 0", $out);
ok($out =~ m{add/remove: 2/1 grow/shrink: 1/1 up/down: 100/-72 \(\+28\)},
	"the counts: added, removed, grown, shrunk, and the total", $out);
my @rows = grep { /^\s+\S+\s+(code|data|rodata|bss)\s/ } split /\n/, $out;
ok(join(',', map { (split)[0] } @rows) eq 'added,grows,counter,shrinks,gone',
	"rows from the largest growth to the largest shrink", $out);
ok($out =~ /^\s+added\s+code\s+-\s+80\s+\+80$/m && $out =~ /^\s+gone\s+code\s+64\s+-\s+-64$/m,
	"a symbol on one side only shows - on the other", $out);
ok($out !~ /\bnote\b/ && $out !~ /\bkept\b/,
	"static symbols of one name are added up; unchanged ones are not listed", $out);
ok($out !~ /moved/, "a .lto_priv.N renumbering is no change", $out);
ok($out =~ /file: 1000 -> 1040 bytes \(\+40\)/, "the files' sizes", $out);

my $same = listing('same', 1000,
	'0000000000501000 0000000000000010 T kept',
	'0000000000501010 0000000000000020 t grows',
	'0000000000501030 0000000000000030 t shrinks',
	'0000000000501060 0000000000000010 t note',
	'0000000000501070 0000000000000040 t gone',
	'0000000000502000 0000000000000010 t moved.lto_priv.1');
($rc, $out) = bloat($old, $same);
ok($rc == 0 && $out eq '', "nothing printed when only addresses moved", $out);
