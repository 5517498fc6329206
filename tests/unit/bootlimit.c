/* SPDX-License-Identifier: MIT */
/* bootlimit.c - the crash loop record's format (src/bootlimit/bootlimit.c): what a
 * power loss or a broken file system may leave must read as "not whole",
 * which the launcher counts as 0, never as a count it did not write. */
#include "bootlimit.h"
#include "tap.h"

static void parses(const char *text, uint64_t count, uint64_t limit,
		   const char *what)
{
	uint64_t c = 99, l = 99;

	ok(bootlimit_parse(text, &c, &l), "%s: whole", what);
	is_num(c, count, "%s: the count", what);
	is_num(l, limit, "%s: the limit", what);
}

static void refused(const char *text, const char *what)
{
	uint64_t c, l;

	ok(!bootlimit_parse(text, &c, &l), "%s: not whole", what);
}

int main(void)
{
	parses("crashloops=2\nlimit=3\n", 2, 3, "the record as written");
	parses("crashloops=0\nlimit=1\n", 0, 1, "a count of 0");
	parses("crashloops=2\n", 2, 0, "without its limit line");
	parses("crashloops=2\nlimit=3", 2, 0, "the limit line cut short");
	parses("crashloops=2\nlim", 2, 0, "cut in the limit's key");
	refused("", "empty (a rename before the data reached the disk)");
	refused("crashloops=", "cut after the key");
	refused("crashloops=2", "the count without its newline (12 cut to 1?)");
	refused("crashloops=\n", "an empty count");
	refused("crashloops=x\n", "not a number");
	refused("crashloops=-1\n", "a negative count");
	refused("crashloops=1000001\n", "beyond any limit");
	refused("crashloops=99999999999999999999999\n", "too long");
	refused("limit=2\ncrashloops=2\n", "lines in another order");
	refused("\0\0\0\0", "zeros (a block that was never written)");
	refused("CRASHLOOPS=2\n", "another key");
	return tap_done();
}
