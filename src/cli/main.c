/*
 * mailvet: the command.  Subcommands are thin: they parse options, then hand
 * the work to libmailvet.  Exit status: 0 all inputs read and scanned, 1 a
 * message could not be scanned (out of memory) or output failed, 2 usage error,
 * a bad configuration or an unreadable path.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"usage: mailvet [-c FILE] scan [options] [PATH...]\n"
	"       mailvet [-c FILE] config [--all | --defaults] [NAME...]\n"
	"       mailvet [-c FILE] symbols [--checks | --markdown]\n"
	"       mailvet [-c FILE] limits\n"
	"       mailvet [-c FILE] batv [--now TIME] sign|verify ADDRESS\n"
	"       mailvet logs [--json] [--html FILE] [--year N] [FILE...|-]\n"
	"       mailvet --help | --version\n"
	"\n"
	"Every subcommand reads the configuration file given with -c FILE or --config\n"
	"FILE (before or after the subcommand; default " MV_CONFIG_DEFAULT_PATH ", which may be absent),\n"
	"and takes -o NAME=VALUE to change one setting (see mailvet.conf(5)).\n"
	"\n"
	"scan      tell who really sent each message, where its links go, what is wrong with it.\n"
	"          PATH is a message file (.eml), an mbox file, a directory (walked recursively),\n"
	"          a Maildir, or - for standard input (the default when it is a file or a pipe).\n"
	"  --json            one JSON object per message (JSON Lines) instead of text\n"
	"  -j, --jobs N      scan with N threads (default 1); output order stays the same\n"
	"  --limit NAME=VALUE  change a limit on untrusted input (see 'mailvet limits');\n"
	"                    VALUE takes K, M or G\n"
	"  --tag-score X, --quarantine-score X, --reject-score X\n"
	"                    score thresholds of the actions (defaults 5, 10, 15)\n"
	"  --dns-zone FILE   answer every DNS lookup from FILE, a BIND master file, with no\n"
	"                    network (names not in it do not exist): reproducible scans\n"
	"  --rewrite DIR     write each message the scan changes (a receipt request removed)\n"
	"                    to DIR, under its own name (an mbox member's with #N), byte for\n"
	"                    byte the input but for those changes\n"
	"  --store SPEC      record and look up in the store SPEC as messages are scanned\n"
	"                    (lmdb:/DIR, redis://HOST:PORT/DB; the setting store): with -j 1,\n"
	"                    the default, messages are scanned in order, each seeing what\n"
	"                    the ones before it recorded; with -j N, N at a time\n"
	"  --follow          ask opaque click-trackers and URL shorteners where they lead,\n"
	"                    with HTTP HEAD requests (links_follow; a click the sender sees)\n"
	"  the SMTP envelope (default: read from the Received field our trusted_relays wrote):\n"
	"  --client-ip IP    the SMTP client's address\n"
	"  --client-name NAME  the client's reverse DNS name\n"
	"  --helo NAME       the HELO/EHLO name\n"
	"  --mail-from ADDR  MAIL FROM; <> for the null sender of bounces\n"
	"  --rcpt ADDR       RCPT TO (repeat for each recipient)\n"
	"  --sasl-user USER  the client authenticated as USER (the mail is outbound)\n"
	"  --now TIME        the time of the scan, ISO 8601 (2026-12-07T10:20:30Z)\n"
	"config    the settings in effect that the file sets (like postconf -n); --all every\n"
	"          setting in effect, --defaults every default; NAME... only those\n"
	"symbols   every symbol mailvet can report, with its score, group and meaning;\n"
	"          --checks the check modules; --markdown the reference of docs/symbols.md\n"
	"limits    the limits on untrusted input in effect\n"
	"batv      BATV tags with the keys of batv_key_file: sign ADDRESS prints ADDRESS\n"
	"          tagged for mail sent now; verify ADDRESS prints it without its tag when\n"
	"          the tag is valid, else says why and exits 1; --now TIME: as of TIME\n"
	"logs      find account abuse in mail server logs: Postfix (syslog, maillog_file,\n"
	"          journalctl -o short-iso or -o json), Dovecot logins, Exim's mainlog, mailvet's\n"
	"          milter; plain, gzip or xz; several FILEs (rotated logs) are merged in time\n"
	"          order; - (the default when it is not a terminal) reads standard input.\n"
	"          Says which accounts and clients behave unlike themselves (bursts of\n"
	"          automatic read receipts, of mail, of new domains, bounces, a new client,\n"
	"          password guessing), with the queue ids as evidence\n"
	"  --json            one JSON document (docs/json.md) instead of text\n"
	"  --year N          the year of each file's newest line, for timestamps without a\n"
	"                    year (default: the year that puts it not after the file's\n"
	"                    modification time; standard input: not after now)\n"
	"  --html FILE       also write FILE: the report as one self-contained HTML page\n"
	"                    (findings with their evidence, charts per account; it loads\n"
	"                    nothing from the network)\n"
	"\n"
	"Exit status: 0 every input was read and scanned; 1 a message could not be\n"
	"scanned or output failed (logs: an input could not be read to its end); 2 usage\n"
	"error, bad configuration or unreadable path.\n"
	"batv: 0 signed or valid; 1 the address cannot be tagged, or its tag is not\n"
	"valid; 2 usage or configuration error.\n";

int main(int argc, char **argv)
{
	const char *config_path = NULL;

	if (argc >= 3 && (strcmp(argv[1], "-c") == 0 || strcmp(argv[1], "--config") == 0)) {
		config_path = argv[2];
		argc -= 2;
		argv += 2;
	}
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
		return cli_cmd_scan(config_path, argc - 1, argv + 1);
	if (strcmp(argv[1], "config") == 0)
		return cli_cmd_config(config_path, argc - 1, argv + 1);
	if (strcmp(argv[1], "symbols") == 0)
		return cli_cmd_symbols(config_path, argc - 1, argv + 1);
	if (strcmp(argv[1], "limits") == 0)
		return cli_cmd_limits(config_path, argc - 1, argv + 1);
	if (strcmp(argv[1], "batv") == 0)
		return cli_cmd_batv(config_path, argc - 1, argv + 1);
	if (strcmp(argv[1], "logs") == 0)
		return cli_cmd_logs(config_path, argc - 1, argv + 1);
	fprintf(stderr, "mailvet: unknown command '%s'\n\n", argv[1]);
	fputs(usage_text, stderr);
	return 2;
}
