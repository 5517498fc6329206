/* SPDX-License-Identifier: MIT */
/* log_line.c - every message one line for a terminal (log.c, one_line):
 * what a message quotes (config.json's strings) cannot start a second
 * line, move the cursor, retitle the terminal or reorder what is shown. */
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

/* The line log_warn writes for "x%sy" with s, as read from a pipe. */
static const char *logged(const char *s)
{
	static char got[600];
	int p[2];
	ssize_t n;

	if (pipe(p))
		return "(no pipe)";
	log_to_fd(p[1]);
	log_warn("x%sy", s);
	close(p[1]);
	n = read(p[0], got, sizeof got - 1);
	close(p[0]);
	got[n > 0 ? n : 0] = '\0';
	return got;
}

int main(void)
{
	is_str(logged("a\nb"), "hutch: xa?by\n", "a newline becomes ?");
	is_str(logged("\033[31m\033]0;t\a"), "hutch: x?[31m?]0;t?y\n", "ESC and BEL become ?");
	is_str(logged("\r\t\x7f"), "hutch: x???y\n", "CR, tab and DEL become ?");
	is_str(logged("\xc2\x9b" "1m\xc2\x85"), "hutch: x??1m??y\n", "C1 (U+009B CSI, U+0085 NEL): each byte ?");
	is_str(logged("\xe2\x80\xae" "evil\xe2\x81\xa6\xe2\x81\xa9"), "hutch: x???evil??????y\n",
	       "bidi override and isolates: each byte ?");
	is_str(logged("\xc5\xbf\xe2\x84\xaa\xc3\xa9\xe2\x80\x8b"), "hutch: x\xc5\xbf\xe2\x84\xaa\xc3\xa9\xe2\x80\x8by\n",
	       "other UTF-8 stays (long s, Kelvin sign, e acute, U+200B)");
	is_str(logged("\xc2" "A\xe2\x80"), "hutch: x\xc2" "A\xe2\x80y\n", "a cut sequence takes no ASCII with it");
	return tap_done();
}
