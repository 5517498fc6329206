/* SPDX-License-Identifier: MIT */
/* die.c - die()'s undo steps (log.h): run newest first, each once, popped
 * by the step that hands its thing over, bounded, and forgotten in a
 * forked child. die() itself runs in a child, whose steps write their
 * letters to a pipe. */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

static char trace[DIE_UNDO_MAX + 8];
static size_t n_trace;
static int out = -1; /* in a child: where the letters go */

static void note(char c)
{
	if (out >= 0)
		(void)!write(out, &c, 1);
	else if (n_trace < sizeof trace - 1)
		trace[n_trace++] = c;
	trace[n_trace] = '\0';
}

static void a(void) { note('a'); }
static void b(void) { note('b'); }
static void c(void) { note('c'); }
static void dies(void)
{
	note('d');
	die("an undo step that dies itself");
}

static const char *unwound(void)
{
	n_trace = 0;
	trace[0] = '\0';
	die_unwind();
	return trace;
}

/* Runs fn in a child with its fd 2 on /dev/null; returns the letters it
 * wrote, and its exit code in *code. */
static const char *in_child(void (*fn)(void), int *code)
{
	static char got[64];
	int p[2], status = 0;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(p))
		return "(no pipe)";
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		close(p[0]);
		out = p[1];
		die_forget();
		fn();
		_exit(0);
	}
	close(p[1]);
	while (len < sizeof got - 1 && (n = read(p[0], got + len, sizeof got - 1 - len)) > 0)
		len += (size_t)n;
	got[len] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	*code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return got;
}

static void die_after_two(void)
{
	die_push(a);
	die_push(b);
	die("failed after two steps");
}

static void die_on_full(void)
{
	for (int i = 0; i < DIE_UNDO_MAX; i++)
		die_push(a);
	die_push(b); /* one too many: dies, running the MAX before */
	note('!');
}

static void die_in_step(void)
{
	die_push(a);
	die_push(dies);
	die_push(c);
	die("the first failure");
}

int main(void)
{
	char full[DIE_UNDO_MAX + 1];
	int code;

	memset(full, 'a', DIE_UNDO_MAX);
	full[DIE_UNDO_MAX] = '\0';

	is_str(unwound(), "", "an empty stack unwinds to nothing");
	die_push(a);
	die_push(b);
	die_push(c);
	is_str(unwound(), "cba", "steps run newest first");
	is_str(unwound(), "", "and once: the stack is empty after");

	die_push(a);
	die_push(b);
	die_push(c);
	die_pop(b);
	is_str(unwound(), "ca", "a popped step is taken off, the others kept in order");
	die_push(a);
	die_push(b);
	die_push(a);
	die_pop(a);
	is_str(unwound(), "ba", "pop takes the newest step of that function");
	die_push(a);
	die_pop(c);
	is_str(unwound(), "a", "popping a step never pushed changes nothing");
	die_push(a);
	die_push(b);
	die_forget();
	is_str(unwound(), "", "forgotten steps never run (a forked child)");

	is_str(in_child(die_after_two, &code), "ba", "die() runs the steps newest first");
	is_num(code, EXIT_SETUP, "and exits 125");
	is_str(in_child(die_on_full, &code), full,
	       "one step over DIE_UNDO_MAX dies, running the ones before");
	is_num(code, EXIT_SETUP, "with 125");
	is_str(in_child(die_in_step, &code), "cda",
	       "a step that dies goes on with the older steps, none twice");
	is_num(code, EXIT_SETUP, "still 125");
	return tap_done();
}
