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
	is_num(parse("WATCHDOG=1"), HUTCH_LIVENESS ? READY_NEWS_WATCHDOG : 0,
	       "WATCHDOG=1: the watchdog's ping (with liveness)");
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

/* The watchdog's keys, as sd_notify(3) spells them: WATCHDOG=1,
 * WATCHDOG=trigger, WATCHDOG_USEC= in decimal microseconds. */
static void watchdog_keys(void)
{
	if (!HUTCH_LIVENESS)
		return;
	is_num(parse("WATCHDOG=trigger"), READY_NEWS_TRIGGER, "WATCHDOG=trigger");
	is_num(parse("WATCHDOG_USEC=20000000"), READY_NEWS_WATCHDOG_USEC, "WATCHDOG_USEC=20000000");
	is_num(r.watchdog_usec, 20000000, "its value is kept");
	is_num(parse("READY=1\nWATCHDOG=1\nWATCHDOG_USEC=0"),
	       READY_NEWS_READY | READY_NEWS_WATCHDOG | READY_NEWS_WATCHDOG_USEC,
	       "READY=1, WATCHDOG=1 and WATCHDOG_USEC=0 in one datagram");
	is_num(r.watchdog_usec, 0, "WATCHDOG_USEC=0 is kept as 0");
	is_num(parse("WATCHDOG=0\nWATCHDOG=11\nWATCHDOG=triggered\nwatchdog=1"), 0,
	       "WATCHDOG=0, =11, =triggered and watchdog=1 are nothing");
	r.watchdog_usec = 7;
	is_num(parse("WATCHDOG_USEC=\nWATCHDOG_USEC=-1\nWATCHDOG_USEC=1s\n"
		     "WATCHDOG_USEC=99999999999999999999"), 0,
	       "WATCHDOG_USEC= empty, negative, with a unit, or of 20 digits: ignored");
	is_num(r.watchdog_usec, 7, "and the value kept is untouched");
}

int main(void)
{
	lines();
	status_text();
	watchdog_keys();
	return tap_done();
}
