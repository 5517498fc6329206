/* SPDX-License-Identifier: MIT */
/* ready.c - the sd_notify datagram's lines as PID 1 reads them (ready.h):
 * READY=1 and STATUS= found on any line, nothing else taken for them, the
 * text made one printable line of at most 95 characters. */
#include <string.h>

#include "ready.h"
#include "tap.h"

static struct ready r;

static unsigned parse(const char *text)
{
	return ready_parse(&r, text, strlen(text));
}

static void lines(void)
{
	is_num(parse("READY=1"), READY_NEWS_READY, "READY=1 alone");
	is_num(parse("STATUS=loading\nREADY=1\n"), READY_NEWS_READY | READY_NEWS_STATUS,
	       "STATUS= then READY=1, with a final newline");
	is_str(r.status, "loading", "the STATUS= text is kept");
	is_num(parse("MAINPID=7\nREADY=1"), READY_NEWS_READY, "READY=1 after another key");
	is_num(parse("READY=10\nREADY=\nXREADY=1\nready=1"), 0,
	       "READY=10, READY=, XREADY=1 and ready=1 are not READY=1");
	is_num(parse("WATCHDOG=1"), 0, "WATCHDOG=1: nothing (not read yet)");
	is_num(parse(""), 0, "an empty datagram: nothing");
	is_num(parse("\n\n"), 0, "empty lines: nothing");
	is_num(parse("STATUS="), READY_NEWS_STATUS, "STATUS= empty");
	is_str(r.status, "", "clears the text");
}

static void status_text(void)
{
	char long_text[300] = "STATUS=";

	memset(long_text + 7, 'x', 200);
	long_text[207] = '\0';
	parse(long_text);
	is_num(strlen(r.status), READY_STATUS_MAX - 1, "a long STATUS= is cut to %d characters",
	       READY_STATUS_MAX - 1);
	parse("STATUS=tab\there\rand\x01 \x7f" "end");
	is_str(r.status, "tab?here?and? ?end", "control characters become '?': one line");
	parse("STATUS=serving on :80\nSTATUS=the last one wins");
	is_str(r.status, "the last one wins", "two STATUS= lines: the last wins");
	is_num(ready_parse(&r, "READY=1\0garbage", 16), 0,
	       "READY=1, a NUL and more on one line: not READY=1 (lines end at newlines only)");
	is_num(ready_parse(&r, "READY=1\nSTATUS=a\0b", 18), READY_NEWS_READY | READY_NEWS_STATUS,
	       "a NUL in STATUS='s text");
	is_str(r.status, "a?b", "becomes '?'");
}

int main(void)
{
	lines();
	status_text();
	return tap_done();
}
