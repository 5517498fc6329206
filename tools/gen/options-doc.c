/* SPDX-License-Identifier: MIT */
/* options-doc.c - prints the option documentation from src/options.def,
 * the rows the parser is made of: `options-doc md` docs/options.md's
 * option table, `options-doc man` the entries of hutch(8)'s OPTIONS.
 * A host program (built with the host's compiler, never installed);
 * tools/gen/options-doc.sh puts its output between the BEGIN and END
 * markers of those files (make docs), and tests/static/options-doc.t
 * fails when the committed files differ from what it prints. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct row {
	const char *name, *arg, *dfl, *feature, *where, *help, *doc, *man;
	char short_name;
	int flag; /* a FLAG or CONSTANT row: "off" unless given */
};

/* The same rows, other columns: options.c reads the kinds, this the
 * texts. A DEFAULT becomes "=value" (set by the parser), "~value" (what
 * the zeroed config means) or a description. */
#define OPT(n, s, a, k, d, f, w, help, doc, man) \
	{ n, a, d, #f, #w, help, doc, man, s, k },
#define DFL(value) "=" value
#define VALUE(value) "~" value
#define TEXT(text) text
#define NONE ""
#define FLAG(f) 1
#define CONSTANT(f, v) 1
#define ACTION(r) 0
#define PATH(f) 0
#define ABSPATH(f) 0
#define DURATION(f) 0
#define UINT(f, min, max, unit) 0
#define SIZE(f) 0
#define WORDS(f, what, words) 0
#define CUSTOM(fn, arg) 0
static const struct row rows[] = {
#include "options.def"
};

static void lower(const char *s)
{
	for (; *s; s++)
		putchar(tolower((unsigned char)*s));
}

/* Markdown: "`-f, --config FILE`", '|' escaped inside the table. */
static void md_text(const char *s)
{
	for (; *s; s++)
		fputs(*s == '|' ? "\\|" : (char[]){ *s, 0 }, stdout);
}

static void md_row(const struct row *r)
{
	fputs("| `", stdout);
	if (r->short_name)
		printf("-%c, ", r->short_name);
	if (!strcmp(r->where, "FILE"))
		printf("%s =", r->name);
	else
		printf("--%s", r->name);
	if (*r->arg) {
		putchar(' ');
		md_text(r->arg);
	}
	fputs("` | ", stdout);
	if (*r->dfl == '=' || *r->dfl == '~')
		printf("`%s`", r->dfl + 1);
	else if (*r->dfl)
		md_text(r->dfl);
	else if (r->flag)
		fputs("off", stdout);
	fputs(" | ", stdout);
	if (strcmp(r->feature, "CORE"))
		lower(r->feature);
	printf(" | %s |\n", r->doc);
}

/* troff: '-' is \-, and a line may not start with '.' or '\''. */
static void man_text(const char *s)
{
	for (; *s; s++)
		fputs(*s == '-' ? "\\-" : (char[]){ *s, 0 }, stdout);
}

/* ARG's words: names in capitals are italic (FILE), the rest is typed
 * as it stands and bold (tmpfs, host); punctuation stays roman. */
static void man_arg(const char *s)
{
	while (*s) {
		size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
		if (!n) {
			man_text((char[]){ *s++, 0 });
			continue;
		}
		fputs(isupper((unsigned char)*s) ? "\\fI" : "\\fB", stdout);
		char word[64];
		snprintf(word, sizeof word, "%.*s", (int)n, s);
		man_text(word);
		fputs("\\fR", stdout);
		s += n;
	}
}

static void man_row(const struct row *r)
{
	fputs(".TP\n", stdout);
	if (r->short_name)
		printf("\\fB\\-%c\\fR, ", r->short_name);
	fputs("\\fB", stdout);
	if (strcmp(r->where, "FILE"))
		fputs("\\-\\-", stdout);
	man_text(r->name);
	fputs(strcmp(r->where, "FILE") ? "\\fR" : "\\fR =", stdout);
	if (*r->arg) {
		putchar(' ');
		man_arg(r->arg);
	}
	printf("\n%s", r->man);
	if (*r->dfl == '=' || *r->dfl == '~') {
		fputs("Default:\n.BR ", stdout);
		man_text(r->dfl + 1);
		fputs(" .\n", stdout);
	} else if (*r->dfl) {
		fputs("Default: ", stdout);
		man_text(r->dfl);
		fputs(".\n", stdout);
	}
	if (strcmp(r->feature, "CORE")) {
		fputs("Needs the\n.B ", stdout);
		lower(r->feature);
		fputs("\nfeature (see\n.BR PROFILES ).\n", stdout);
	}
}

int main(int argc, char **argv)
{
	int md = argc == 2 && !strcmp(argv[1], "md");

	if (argc != 2 || (!md && strcmp(argv[1], "man"))) {
		fputs("usage: options-doc md|man\n", stderr);
		return 2;
	}
	if (md)
		fputs("| Option | Default | Feature | Meaning |\n"
		      "| --- | --- | --- | --- |\n", stdout);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		(md ? md_row : man_row)(&rows[i]);
	return ferror(stdout) ? 1 : 0;
}
