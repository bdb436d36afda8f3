/*
 * mailvet: the command.  Subcommands are thin: they parse options, then hand
 * the work to libmailvet.  Exit status: 0 all inputs read and scanned, 1 a
 * message could not be scanned (out of memory) or output failed, 2 usage error
 * or an unreadable path.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"usage: mailvet scan [--json] [-j N] [--limit NAME=VALUE]... [--tag-score X]\n"
	"                    [--quarantine-score X] [--reject-score X] PATH...\n"
	"       mailvet symbols\n"
	"       mailvet limits\n"
	"       mailvet --help | --version\n"
	"\n"
	"scan      tell who really sent each message, where its links go, what is wrong with it.\n"
	"          PATH is a message file (.eml), an mbox file, a directory (walked recursively),\n"
	"          a Maildir, or - for standard input.\n"
	"  --json            one JSON object per message (JSON Lines) instead of text\n"
	"  -j, --jobs N      scan with N threads (default 1); output order stays the same\n"
	"  --limit NAME=VALUE  change a limit on untrusted input (see 'mailvet limits');\n"
	"                    VALUE takes K, M or G\n"
	"  --tag-score X, --quarantine-score X, --reject-score X\n"
	"                    score thresholds of the actions (defaults 5, 10, 15)\n"
	"symbols   list every symbol mailvet can report, with its score and meaning\n"
	"limits    list the limits on untrusted input and their defaults\n"
	"\n"
	"Exit status: 0 every input was read and scanned; 1 a message could not be\n"
	"scanned or output failed; 2 usage error or unreadable path.\n";

static int cmd_symbols(void)
{
	int id;

	for (id = 0; id < MV_SYM_COUNT; id++) {
		const struct mv_symbol_def *def = mv_symbol_def((enum mv_symbol_id)id);

		printf("%-24s %6.2f  %s\n", def->name, def->score, def->description);
	}
	return 0;
}

static int cmd_limits(void)
{
	struct mv_limits limits = { 0 };
	size_t i, n;
	const struct mv_limit_def *defs = mv_limit_defs(&n);

	mv_limits_fill(&limits);
	for (i = 0; i < n; i++) {
		const char *field = (const char *)&limits + defs[i].offset;
		unsigned long long v = defs[i].is_size_t ? *(const size_t *)(const void *)field
							 : *(const unsigned *)(const void *)field;

		printf("%-20s %12llu  %s\n", defs[i].name, v, defs[i].description);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("mailvet %s\n", MAILVET_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "scan") == 0)
		return cli_cmd_scan(argc - 1, argv + 1);
	if (strcmp(argv[1], "symbols") == 0 && argc == 2)
		return cmd_symbols();
	if (strcmp(argv[1], "limits") == 0 && argc == 2)
		return cmd_limits();
	fprintf(stderr, "mailvet: unknown command '%s'\n\n", argv[1]);
	fputs(usage_text, stderr);
	return 2;
}
