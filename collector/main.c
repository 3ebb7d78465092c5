/* main.c - fleetcensus-collector: the command line. Parses a subcommand and
 * its options (one table, below) and hands over to the commands (cmd.h:
 * cmd_admin.c, cmd_data.c). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_cli.h"
#include "cmd.h"
#include "http.h"
#include "ingest.h"
#include "log.h"
#include "report.h"
#include "report_params.h"
#include "xalloc.h"

#define DB_DEFAULT "/var/lib/fleetcensus/collector.db"
#define DB_ENV "FLEETCENSUS_DB"

/* The options, one bit each (struct command's opts). */
enum opt_id {
	OPT_DB,
	OPT_ORG,
	OPT_ROLE,
	OPT_FORCE,
	OPT_LISTEN,
	OPT_CERT,
	OPT_KEY,
	OPT_PRIORITIES,
	OPT_THREADS,
	OPT_MAXCONN,
	OPT_CONNTIMEOUT,
	OPT_QUEUE,
	OPT_SKEW,
	OPT_PORTFILE,
	OPT_USER,
	OPT_NEXT,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_ASOF,
	OPT_WINDOW,
	OPT_REPORG,
	OPT_BY,
	OPT_HORIZON,
	OPT_MINCELL,
	OPT_NAME,
	OPT_VERSION,
	OPT_PRODUCT,
	OPT_FROM,
	OPT_TO,
	OPT_HOST,
	OPT_SOFTWARE,
	OPT_SPLIT,
	OPT_FEES,
	OPT_LIFECYCLE,
	OPT_FOLLOW,
	OPT_SOURCE,
	OPT_DATEORDER,
	OPT_DIRWINDOW,
	OPT_LDAPURL,
	OPT_LDAPBIND,
	OPT_LDAPPASS,
	OPT_LDAPBASE,
	OPT_LDAPFILTER,
	OPT_LDAPCA,
	OPT_LDAPSTARTTLS,
	OPT_MAXBODY,
	OPT_MAXDECOMP,
	OPT_MAXRATIO,
	OPT_MAXDEPTH,
	OPT_MAXSTRING,
	OPT_MAXSW,
	OPT_LABEL,
	OPT_EXPIRES,
	OPT_QUIET,
	OPT_VERBOSE,
	OPT_HELP,
	OPT__COUNT
};

#define O(id) ((uint64_t)1 << (id))
#define O_CONN (O(OPT_MAXCONN) | O(OPT_CONNTIMEOUT) | O(OPT_QUEUE) | O(OPT_SKEW))
#define O_TLS (O(OPT_CERT) | O(OPT_KEY) | O(OPT_PRIORITIES))
#define O_LIMITS                                                                                   \
	(O(OPT_MAXBODY) | O(OPT_MAXDECOMP) | O(OPT_MAXRATIO) | O(OPT_MAXDEPTH) |                   \
	 O(OPT_MAXSTRING) | O(OPT_MAXSW))
#define O_REPORT                                                                                   \
	(O(OPT_FORMAT) | O(OPT_OUTPUT) | O(OPT_ASOF) | O(OPT_WINDOW) | O(OPT_REPORG) | O(OPT_BY) | \
	 O(OPT_HORIZON) | O(OPT_MINCELL) | O(OPT_NAME) | O(OPT_VERSION) | O(OPT_PRODUCT) |         \
	 O(OPT_FROM) | O(OPT_TO) | O(OPT_HOST) | O(OPT_SOFTWARE) | O(OPT_SPLIT) | O(OPT_FEES))

enum opt_type {
	T_FLAG, /* no value */
	T_TEXT, /* any text */
	T_NUM, /* a whole number from min to max */
};

/* One option: its name, its value and its line in --help ("\n" continues
 * the text on the next line). */
struct optdef {
	const char *name;
	enum opt_type type;
	unsigned long long min, max;
	const char *arg; /* the value's name in --help */
	const char *help;
};

static const struct optdef optdefs[OPT__COUNT] = {
    [OPT_DB] = {"db", T_TEXT, 0, 0, "FILE",
                "the database (default $" DB_ENV ", else\n" DB_DEFAULT ")"},
    [OPT_ORG] = {"org", T_TEXT, 0, 0, "NAME", "the organisation"},
    [OPT_ROLE] = {"role", T_TEXT, 0, 0, "ROLE", "agent, reader, manager or admin"},
    [OPT_FORCE] = {"force", T_FLAG, 0, 0, NULL,
                   "org remove: its machines too; backup: replace FILE"},
    [OPT_LISTEN] = {"listen", T_TEXT, 0, 0, "ADDR:PORT",
                    "listen there (default %s; [::1]:PORT for\nIPv6; port 0: any free port)"},
    [OPT_CERT] = {"tls-cert", T_TEXT, 0, 0, "FILE", "PEM certificate (chain): serve HTTPS only"},
    [OPT_KEY] = {"tls-key", T_TEXT, 0, 0, "FILE", "PEM private key of --tls-cert"},
    [OPT_PRIORITIES] = {"tls-priorities", T_TEXT, 0, 0, "STR",
                        "GnuTLS priority string (default: TLS 1.2 and 1.3, ECDHE and AEAD "
                        "ciphers only)"},
    [OPT_THREADS] = {"threads", T_NUM, 1, 256, "N", "worker threads (default %s)"},
    [OPT_MAXCONN] = {"max-connections", T_NUM, 1, 65535, "N",
                     "concurrent connections (default %s)"},
    [OPT_CONNTIMEOUT] = {"conn-timeout", T_NUM, 1, 86400, "SECONDS",
                         "drop a connection idle this long (default %s)"},
    [OPT_QUEUE] = {"queue", T_NUM, 1, 65535, "N",
                   "reports decoded and waiting to be stored; past\nit, 503 with Retry-After "
                   "(default %s)"},
    [OPT_SKEW] = {"clock-skew", T_NUM, 0, 31536000, "SECONDS",
                  "a report dated further ahead of its arrival is\nordered as if dated then "
                  "(default %s)"},
    [OPT_PORTFILE] = {"port-file", T_TEXT, 0, 0, "FILE", "write the port listened on to FILE"},
    [OPT_USER] = {"user", T_TEXT, 0, 0, "NAME",
                  "started as root: bind, read the TLS files,\nthen run as NAME "
                  "(docs/security.md)"},
    [OPT_NEXT] = {"next-report", T_NUM, 1, 31536000, "SECONDS",
                  "interval told to agents (default %s)"},
    [OPT_FORMAT] = {"format", T_TEXT, 0, 0, "FORMAT", "table (default), csv or json"},
    [OPT_OUTPUT] = {"output", T_TEXT, 0, 0, "FILE", "write the report to FILE atomically"},
    [OPT_ASOF] = {"as-of", T_TEXT, 0, 0, "DATE", "the date of the report (default today, UTC)"},
    [OPT_WINDOW] = {"window", T_NUM, 0, 36500, "DAYS",
                    "machines not seen within DAYS of --as-of are\nstale (default 30)"},
    [OPT_REPORG] = {"org", T_TEXT, 0, 0, "NAME", "only this organisation (repeatable)"},
    [OPT_BY] = {"by", T_TEXT, 0, 0, "FIELDS",
                "counts: org, os_family, os_product,\nos_edition, os_release, arch, "
                "support_status"},
    [OPT_HORIZON] = {"horizon-months", T_NUM, 0, 1200, "N",
                     "tender: support ended by --as-of + N months"},
    [OPT_MINCELL] = {"min-cell", T_NUM, 0, 1000000, "K", "tender: counts below K shown as <K"},
    [OPT_NAME] = {"name", T_TEXT, 0, 0, "P", "software: name pattern with * and ?"},
    [OPT_VERSION] = {"version", T_TEXT, 0, 0, "P", "software: version pattern with * and ?"},
    [OPT_PRODUCT] = {"product", T_TEXT, 0, 0, "P", "trend: the os_product"},
    [OPT_FROM] = {"from", T_TEXT, 0, 0, "DATE", "trend: the first date"},
    [OPT_TO] = {"to", T_TEXT, 0, 0, "DATE|ORG",
                "trend: the last date (inclusive); machine move:\nthe organisation to move to"},
    [OPT_HOST] = {"host", T_TEXT, 0, 0, "P", "machines, stale: host names matching P"},
    [OPT_SOFTWARE] = {"software", T_TEXT, 0, 0, "P",
                      "machines, stale: with software named P (* and ?)"},
    [OPT_SPLIT] = {"split", T_TEXT, 0, 0, "win11", "tender: a line per Windows 11 verdict"},
    [OPT_FEES] = {"fees", T_TEXT, 0, 0, "FILE",
                  "counts: the size bands of this fee schedule (--by size_band)"},
    [OPT_LIFECYCLE] = {"lifecycle", T_TEXT, 0, 0, "FILE",
                       "add or override catalogue rows (repeatable)"},
    [OPT_FOLLOW] = {"follow-symlinks", T_FLAG, 0, 0, NULL,
                    "follow a symbolic link to any regular file"},
    [OPT_SOURCE] = {"source", T_TEXT, 0, 0, "KIND",
                    "import: ad-csv, sccm-csv, intune-csv,\nintune-json or ldap (docs/imports.md)"},
    [OPT_DATEORDER] = {"date-order", T_TEXT, 0, 0, "dmy|mdy",
                       "import --source: how ambiguous dates are read"},
    [OPT_DIRWINDOW] = {"directory-window", T_TEXT, 0, 0, "DAYS",
                       "import --source: directory sightings count\nthis long (default 90)"},
    [OPT_LDAPURL] = {"ldap-url", T_TEXT, 0, 0, "URL",
                     "--source ldap: ldaps://DC[:636] (or ldap://\nwith --ldap-starttls)"},
    [OPT_LDAPBIND] = {"ldap-bind-dn", T_TEXT, 0, 0, "DN",
                      "--source ldap: bind as DN (or user@realm)"},
    [OPT_LDAPPASS] = {"ldap-password-file", T_TEXT, 0, 0, "FILE",
                      "--source ldap: the password, first line of\nFILE (mode 600)"},
    [OPT_LDAPBASE] = {"ldap-base", T_TEXT, 0, 0, "DN", "--source ldap: search below DN"},
    [OPT_LDAPFILTER] = {"ldap-filter", T_TEXT, 0, 0, "FILTER",
                        "--source ldap: default (objectCategory=computer)"},
    [OPT_LDAPCA] = {"ldap-ca", T_TEXT, 0, 0, "FILE",
                    "--source ldap: CA certificates (PEM) to\nverify the server with"},
    [OPT_LDAPSTARTTLS] = {"ldap-starttls", T_FLAG, 0, 0, NULL,
                          "--source ldap: StartTLS on ldap://"},
    [OPT_MAXBODY] = {"max-body", T_NUM, 1, 1ULL << 30, "BYTES",
                     "largest report as received (default %s)"},
    [OPT_MAXDECOMP] = {"max-decompressed", T_NUM, 1, 1ULL << 32, "BYTES",
                       "largest report decompressed (default %s)"},
    [OPT_MAXRATIO] = {"max-ratio", T_NUM, 1, 100000, "N",
                      "largest decompression ratio (default %s);\nthe first 1 MiB "
                      "decompressed is always allowed"},
    [OPT_MAXDEPTH] = {"max-depth", T_NUM, 1, 1000, "N", "deepest JSON nesting (default %s)"},
    [OPT_MAXSTRING] = {"max-string", T_NUM, 1, 1ULL << 26, "BYTES",
                       "longest JSON string (default %s)"},
    [OPT_MAXSW] = {"max-software", T_NUM, 0, 10000000, "N", "most software entries (default %s)"},
    [OPT_LABEL] = {"label", T_TEXT, 0, 0, "TEXT", "what the token is for (shown by token list)"},
    [OPT_EXPIRES] = {"expires", T_TEXT, 0, 0, "DATE",
                     "refused after this day (UTC), like a revoked one"},
    [OPT_QUIET] = {"quiet", T_FLAG, 0, 0, NULL, "print nothing on success but what was asked for"},
    [OPT_VERBOSE] = {"verbose", T_FLAG, 0, 0, NULL, "say more on standard error"},
    [OPT_HELP] = {"help", T_FLAG, 0, 0, NULL, "print this help and exit"},
};

/* What the command line gathered, beside the options themselves. */
struct cli {
	struct cmd_opts o;
	uint64_t seen; /* O() bits of the options given */
};

struct command {
	const char *group;
	const char *action; /* NULL: the group is the command */
	const char *synopsis;
	uint64_t opts;
	int min_args, max_args;
	int (*run)(struct cmd_opts *o);
	const char *text; /* what it does, for --help */
};

static const struct command commands[] = {
    {"serve", NULL, "serve [options]",
     O(OPT_DB) | O(OPT_LISTEN) | O_TLS | O(OPT_THREADS) | O(OPT_PORTFILE) | O_CONN | O(OPT_NEXT) |
         O_LIMITS | O(OPT_LIFECYCLE) | O(OPT_USER),
     0, 0, cmd_serve,
     "Serves the collector's HTTP API (POST /api/v1/inventory, GET /api/v1/machines,\n"
     "GET /api/v1/reports/KIND, GET /healthz, GET /metrics) until SIGTERM or SIGINT,\n"
     "then finishes the requests\n"
     "in flight and exits 0. With --tls-cert and --tls-key it serves HTTPS only.\n"
     "Started as root with --user NAME, it binds the port and reads the TLS files,\n"
     "then becomes NAME before it opens the database.\n"},
    {"org", "add", "org add NAME [--db FILE]", O(OPT_DB), 1, 1, cmd_org_add,
     "Creates an organisation and prints its agent token on standard output, one\n"
     "line and nothing else. The token is shown only this once.\n"},
    {"org", "list", "org list [--db FILE]", O(OPT_DB), 0, 0, cmd_org_list,
     "Lists the organisations: name, machines, created (tab-separated, with a\n"
     "header line).\n"},
    {"org", "rename", "org rename OLD NEW [--db FILE]", O(OPT_DB), 2, 2, cmd_org_rename,
     "Renames an organisation; its tokens and machines stay with it.\n"},
    {"org", "remove", "org remove NAME [--force] [--db FILE]", O(OPT_DB) | O(OPT_FORCE), 1, 1,
     cmd_org_remove,
     "Removes an organisation and its tokens. It refuses while the organisation\n"
     "has machines, unless --force, which removes them too.\n"},
    {"token", "add",
     "token add (--org NAME --role agent|reader|manager | --role admin) [--label TEXT]\n"
     "       [--expires DATE] [--db FILE]",
     O(OPT_DB) | O(OPT_ORG) | O(OPT_ROLE) | O(OPT_LABEL) | O(OPT_EXPIRES), 0, 0, cmd_token_add,
     "Makes a token and prints it on standard output, once. An agent token sends\n"
     "reports for its organisation, a reader token reads that organisation's\n"
     "machines, an admin token reads every organisation's.\n"},
    {"token", "list", "token list [--db FILE]", O(OPT_DB), 0, 0, cmd_token_list,
     "Lists the tokens: id, role, organisation, created, last used, expires,\n"
     "label, state (active, expired, revoked; tab-separated, with a header line).\n"
     "Tokens themselves are never shown: only their SHA-256 is stored.\n"},
    {"token", "revoke", "token revoke ID [--db FILE]", O(OPT_DB), 1, 1, cmd_token_revoke,
     "Revokes the token with this id (see token list) and says which it was; it is\n"
     "refused from the next request on. An unknown id or one revoked already: 65.\n"},
    {"import", NULL, "import --org NAME [options] FILE|DIR...",
     O(OPT_DB) | O(OPT_ORG) | O_LIMITS | O(OPT_FOLLOW) | O(OPT_SOURCE) | O(OPT_DATEORDER) |
         O(OPT_DIRWINDOW) | O(OPT_LDAPURL) | O(OPT_LDAPBIND) | O(OPT_LDAPPASS) | O(OPT_LDAPBASE) |
         O(OPT_LDAPFILTER) | O(OPT_LDAPCA) | O(OPT_LDAPSTARTTLS),
     1, INT_MAX, cmd_import,
     "Stores report files written by fleetcensus-agent --output (plain or gzip) for\n"
     "organisation NAME, with the same checks and identity rules as a POST; '-'\n"
     "reads one report from standard input; a directory, every report file in it\n"
     "(*.json, *.json.gz, not hidden; other entries skipped with a warning), by name.\n"
     "Prints 'FILE: machine ID (new|updated|\n"
     "duplicate|stale)' per stored file; a refused file is reported and the others\n"
     "are still imported (exit 65). Only regular files are read (a FIFO or device\n"
     "is refused at once); a symbolic link is followed only to a regular file of\n"
     "yours or root's, unless --follow-symlinks.\n"
     "--source KIND stores another inventory's export instead; --source ldap reads\n"
     "the computers from a domain controller (--ldap-url ...) and takes no FILE.\n"},
    {"prune", NULL, "prune DAYS [--db FILE]", O(OPT_DB), 1, 1, cmd_prune,
     "Retention: removes the records of reports received more than DAYS days ago\n"
     "(report id, machine, sizes, times). Machines and their newest facts stay; a\n"
     "report re-sent after its record was pruned is taken as a new arrival. Run it\n"
     "from cron, e.g. daily with 400.\n"},
    {"report", NULL,
     "report KIND [--db FILE] [--format table|csv|json] [--output FILE] [--as-of DATE]\n"
     "       [--window DAYS] [--org NAME]... [--by FIELDS] [--horizon-months N]\n"
     "       [--min-cell K] [--split win11] [--name P] [--version P] [--product P]\n"
     "       [--from DATE] [--to DATE] [--host P] [--software P] [--lifecycle FILE]...\n"
     "       [--fees FILE]",
     O(OPT_DB) | O_REPORT | O(OPT_LIFECYCLE), 1, 1, cmd_report,
     "Prints a report (docs/reports.md): machines, counts --by FIELDS, tender,\n"
     "software --name P, trend --product P, stale, readiness. Machines not seen\n"
     "within --window days (default 30) of --as-of (default today, UTC) are left\n"
     "out of every kind but stale. --output writes the file atomically; nothing is\n"
     "printed then.\n"},
    {"machine", "delete", "machine delete --org NAME MACHINE [--db FILE]", O(OPT_DB) | O(OPT_ORG),
     1, 1, cmd_machine_delete,
     "Deletes a machine of organisation NAME (its id from report machines, or a\n"
     "host name only one of its machines has) with its report records. The counts,\n"
     "the tender and today's trend snapshot follow at once.\n"},
    {"machine", "move", "machine move --org NAME MACHINE --to ORG [--db FILE]",
     O(OPT_DB) | O(OPT_ORG) | O(OPT_TO), 1, 1, cmd_machine_move,
     "Moves a machine (as for delete) with its report records from organisation\n"
     "NAME to ORG. The counts, the tender and today's trend snapshot follow.\n"},
    {"backup", NULL, "backup FILE [--force] [--db FILE]", O(OPT_DB) | O(OPT_FORCE), 1, 1,
     cmd_backup,
     "Writes a consistent copy of the database to FILE (SQLite's online backup:\n"
     "safe while serve runs; every report acknowledged before it starts is in it),\n"
     "mode 0600, through a temporary file beside it. An existing FILE is kept\n"
     "(exit 73) unless --force. To restore: stop serve, copy FILE over the\n"
     "database, remove its -wal and -shm files, start serve.\n"},
    {"reclassify", NULL, "reclassify [--db FILE]", O(OPT_DB), 0, 0, cmd_reclassify,
     "Recomputes every machine's classification and readiness verdicts from its\n"
     "stored raw facts, in one transaction, and prints how many machines changed.\n"},
    {"snapshot", NULL, "snapshot [--db FILE]", O(OPT_DB), 0, 0, cmd_snapshot,
     "Takes today's (UTC) snapshot of machines per organisation and product for the\n"
     "trend report, replacing the one the day's first ingest or report took. Run it\n"
     "from cron at the end of the day.\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* ---- help ---- */

/* The default of option id as text ("" when it has none to show). */
static void option_default(enum opt_id id, char *out, size_t n)
{
	struct http_config d;
	unsigned long long v;

	http_config_default(&d);
	switch (id) {
	case OPT_LISTEN: snprintf(out, n, "%s", d.listen); return;
	case OPT_THREADS: v = d.threads; break;
	case OPT_MAXCONN: v = d.max_connections; break;
	case OPT_CONNTIMEOUT: v = d.conn_timeout; break;
	case OPT_QUEUE: v = d.queue_max; break;
	case OPT_SKEW: v = (unsigned long long)d.clock_skew; break;
	case OPT_NEXT: v = (unsigned long long)d.next_report_seconds; break;
	case OPT_MAXBODY: v = d.limits.max_body; break;
	case OPT_MAXDECOMP: v = d.limits.max_decompressed; break;
	case OPT_MAXRATIO: v = d.limits.max_ratio; break;
	case OPT_MAXDEPTH: v = (unsigned long long)d.limits.max_depth; break;
	case OPT_MAXSTRING: v = d.limits.max_string; break;
	case OPT_MAXSW: v = d.limits.max_software; break;
	default: out[0] = '\0'; return;
	}
	snprintf(out, n, "%llu", v);
}

/* One option's lines of --help: "--name ARG", then the text at column 31,
 * its default in place of %s. */
static void print_option(FILE *f, enum opt_id id)
{
	const struct optdef *d = &optdefs[id];
	char left[64], dflt[64];
	const char *p;

	snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg ? " " : "", d->arg ? d->arg : "");
	option_default(id, dflt, sizeof(dflt));
	fprintf(f, "%s%-24s", id == OPT_HELP ? "  -h, " : "      ", left);
	if (strlen(left) > 23)
		fprintf(f, " ");
	for (p = d->help; *p; p++) {
		if (*p == '\n')
			fprintf(f, "\n%30s", "");
		else if (p[0] == '%' && p[1] == 's')
			fprintf(f, "%s", dflt), p++;
		else
			fputc(*p, f);
	}
	fputc('\n', f);
}

static void usage_command(const struct command *c)
{
	unsigned i;

	printf("usage: fleetcensus-collector %s\n\n%s\n", c->synopsis, c->text);
	for (i = 0; i < OPT__COUNT; i++)
		if (c->opts & O(i))
			print_option(stdout, (enum opt_id)i);
	print_option(stdout, OPT_QUIET);
	print_option(stdout, OPT_VERBOSE);
	print_option(stdout, OPT_HELP);
}

/* Help for a group with actions (org, token): every action's synopsis. */
static void usage_group(const char *group)
{
	size_t i;

	printf("usage:\n");
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].group, group))
			printf("  fleetcensus-collector %s\n", commands[i].synopsis);
	printf("\n'fleetcensus-collector %s ACTION --help' describes one action.\n", group);
}

static void usage_top(FILE *f)
{
	size_t i;

	fprintf(f, "usage: fleetcensus-collector COMMAND [options] [arguments]\n"
	           "\n"
	           "Takes inventory reports from fleetcensus agents over HTTP(S), counts each\n"
	           "machine once per organisation, and manages organisations and tokens.\n"
	           "\n"
	           "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].synopsis);
	campaign_cli_usage(f);
	fprintf(f, "\nEvery command takes --db FILE (default $" DB_ENV ", else\n" DB_DEFAULT
	           "), --quiet, --verbose and --help ('fleetcensus-collector COMMAND\n"
	           "--help'), before or after the command name.\n"
	           "\n"
	           "  -h, --help      print this help and exit\n"
	           "  -V, --version   print the version and exit\n"
	           "\n"
	           "Exit status: 0 done, 64 usage, 65 data error (report refused, no such\n"
	           "organisation or token, name taken, organisation has machines), 66 no such\n"
	           "database or input file, 69 cannot listen, 70 internal error, 73 cannot\n"
	           "write the database, port file or output file, 74 I/O or database error,\n"
	           "75 database busy, 77 no permission (the database files; serve --user cannot\n"
	           "drop privileges), 78 configuration (bad TLS certificate or key; serve\n"
	           "--user NAME on a database NAME cannot write). See fleetcensus-collector(8).\n");
}

/* ---- options ---- */

/* Parses a number in [d->min, d->max] for option d. */
static bool parse_num(const struct optdef *d, const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < d->min || v > d->max) {
		char want[64];

		snprintf(want, sizeof(want), "a number from %llu to %llu", d->min, d->max);
		cmd_bad_value(d->name, s, want);
		return false;
	}
	*out = v;
	return true;
}

/* Stores the number v of option id. */
static void set_number(struct cmd_opts *o, enum opt_id id, unsigned long long v)
{
	struct ingest_limits *lim = &o->http.limits;

	switch (id) {
	case OPT_THREADS: o->http.threads = (unsigned)v; break;
	case OPT_MAXCONN: o->http.max_connections = (unsigned)v; break;
	case OPT_CONNTIMEOUT: o->http.conn_timeout = (unsigned)v; break;
	case OPT_QUEUE: o->http.queue_max = (unsigned)v; break;
	case OPT_SKEW: o->http.clock_skew = (long)v; break;
	case OPT_NEXT: o->http.next_report_seconds = (long)v; break;
	case OPT_MAXBODY: lim->max_body = (size_t)v; break;
	case OPT_MAXDECOMP: lim->max_decompressed = (size_t)v; break;
	case OPT_MAXRATIO: lim->max_ratio = (size_t)v; break;
	case OPT_MAXDEPTH: lim->max_depth = (int)v; break;
	case OPT_MAXSTRING: lim->max_string = (size_t)v; break;
	case OPT_MAXSW: lim->max_software = (size_t)v; break;
	case OPT_WINDOW: o->report.window_days = (long)v; break;
	case OPT_HORIZON: o->report.horizon_months = (long)v; break;
	case OPT_MINCELL: o->report.min_cell = (long)v; break;
	default: break;
	}
}

/* Copies a date option's value (YYYY-MM-DD) into date. */
static bool set_date(const char *name, const char *val, char date[11])
{
	if (strlen(val) != 10 || val[4] != '-' || val[7] != '-') {
		cmd_bad_value(name, val, "a date YYYY-MM-DD");
		return false;
	}
	memcpy(date, val, 11);
	return true;
}

/* Stores the text val of option id. Returns 0 or an exit code (logged). */
static int set_text(struct cmd_opts *o, enum opt_id id, const char *val)
{
	struct report_opts *r = &o->report;

	switch (id) {
	case OPT_DB: o->db = val; break;
	case OPT_ORG:
	case OPT_REPORG:
		if (r->n_orgs == REPORT_MAX_ORGS) {
			LOG_ERR("--org: at most %d", REPORT_MAX_ORGS);
			return EXIT_USAGE;
		}
		o->org = val;
		r->orgs[r->n_orgs++] = val;
		break;
	case OPT_LIFECYCLE:
		if (o->n_lifecycle == CMD_MAX_LIFECYCLE_FILES) {
			LOG_ERR("--lifecycle: at most %d files", CMD_MAX_LIFECYCLE_FILES);
			return EXIT_USAGE;
		}
		o->lifecycle[o->n_lifecycle++] = val;
		break;
	case OPT_ROLE: o->role = val; break;
	case OPT_LISTEN: o->http.listen = val; break;
	case OPT_CERT: o->http.tls_cert = val; break;
	case OPT_KEY: o->http.tls_key = val; break;
	case OPT_PRIORITIES: o->http.tls_priorities = val; break;
	case OPT_PORTFILE: o->http.port_file = val; break;
	case OPT_USER: o->user = val; break;
	case OPT_LABEL: o->label = val; break;
	case OPT_EXPIRES: o->expires = val; break;
	case OPT_FORMAT:
		if (!strcmp(val, "table"))
			r->format = REPORT_TABLE;
		else if (!strcmp(val, "csv"))
			r->format = REPORT_CSV;
		else if (!strcmp(val, "json"))
			r->format = REPORT_JSON;
		else
			return cmd_bad_value("format", val, "table, csv or json");
		break;
	case OPT_OUTPUT: o->output = val; break;
	case OPT_BY: r->by = val; break;
	case OPT_NAME: r->name_pattern = val; break;
	case OPT_VERSION: r->version_pattern = val; break;
	case OPT_PRODUCT: r->product = val; break;
	case OPT_HOST: r->host_pattern = val; break;
	case OPT_SOFTWARE: r->software_pattern = val; break;
	case OPT_SPLIT: r->split = val; break;
	case OPT_SOURCE: o->source.kind = val; break;
	case OPT_DATEORDER: o->source.date_order = val; break;
	case OPT_DIRWINDOW: o->source.dir_window = val; break;
	case OPT_LDAPURL: o->source.ldap.url = val; break;
	case OPT_LDAPBIND: o->source.ldap.bind_dn = val; break;
	case OPT_LDAPPASS: o->source.ldap.password_file = val; break;
	case OPT_LDAPBASE: o->source.ldap.base = val; break;
	case OPT_LDAPFILTER: o->source.ldap.filter = val; break;
	case OPT_LDAPCA: o->source.ldap.ca_file = val; break;
	case OPT_FEES: o->fees = val; break;
	case OPT_ASOF: return set_date("as-of", val, r->as_of) ? 0 : EXIT_USAGE;
	case OPT_FROM: return set_date("from", val, r->from) ? 0 : EXIT_USAGE;
	case OPT_TO: /* trend's date (checked in check_options) or machine move's ORG */
		o->to = val;
		snprintf(r->to, sizeof(r->to), "%s", strlen(val) == 10 ? val : "");
		break;
	default: break;
	}
	return 0;
}

/* Applies option id with value val (NULL for a flag). Returns 0 or an exit
 * code (logged). */
static int set_option(struct cli *cl, enum opt_id id, const char *val)
{
	unsigned long long v;

	cl->seen |= O(id);
	switch (optdefs[id].type) {
	case T_FLAG:
		if (id == OPT_FORCE)
			cl->o.force = true;
		else if (id == OPT_FOLLOW)
			cl->o.follow_symlinks = true;
		else if (id == OPT_QUIET)
			cl->o.quiet = true;
		else if (id == OPT_LDAPSTARTTLS)
			cl->o.source.ldap.starttls = true;
		else if (id == OPT_VERBOSE)
			log_threshold = LOG_LEVEL_INFO;
		return 0;
	case T_NUM:
		if (!parse_num(&optdefs[id], val, &v))
			return EXIT_USAGE;
		set_number(&cl->o, id, v);
		return 0;
	case T_TEXT: break;
	}
	return set_text(&cl->o, id, val);
}

/* The getopt_long table from optdefs (OPT_REPORG shares --org: one entry). */
static void make_longopts(struct option *lo)
{
	unsigned i, n = 0;

	for (i = 0; i < OPT__COUNT; i++) {
		if (i == OPT_REPORG)
			continue;
		lo[n].name = optdefs[i].name;
		lo[n].has_arg = optdefs[i].type == T_FLAG ? no_argument : required_argument;
		lo[n].flag = NULL;
		lo[n].val = 256 + (int)i;
		n++;
	}
	memset(&lo[n], 0, sizeof(lo[n]));
}

/* Parses the options after the command name (argv[0] is the command), in
 * any order among the arguments; cmd is the command when known (--org of a
 * report is its own option). Returns 0 or an exit code. */
static int parse_options(int argc, char **argv, struct cli *cl)
{
	struct option lo[OPT__COUNT + 1];
	int c, code;

	make_longopts(lo);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c == 'h') {
			cl->seen |= O(OPT_HELP);
			continue;
		}
		if (c == ':') {
			LOG_ERR("option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (c == '?' || c < 256 || c >= 256 + OPT__COUNT) {
			LOG_ERR("unknown option '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
		code = set_option(cl, (enum opt_id)(c - 256), optarg);
		if (code)
			return code;
	}
	cl->o.args = argv + optind;
	cl->o.nargs = argc - optind;
	return 0;
}

/* ---- commands ---- */

/* Finds the command named by group and, for org and token, the first
 * argument; that argument is then taken off o->args. NULL when there is
 * none; *group_known when the group exists but the action doesn't. */
static const struct command *find_command(const char *group, struct cmd_opts *o, bool *group_known)
{
	size_t i;

	*group_known = false;
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].group, group))
			continue;
		*group_known = true;
		if (!commands[i].action)
			return &commands[i];
		if (o->nargs && !strcmp(commands[i].action, o->args[0])) {
			o->args++;
			o->nargs--;
			return &commands[i];
		}
	}
	return NULL;
}

/* Checks that report kind takes each report option in seen (the
 * parameter of the same name, report_params.h). An unknown kind is left to
 * the report to refuse. */
static int check_report_kind(const char *kind, uint64_t seen)
{
	char param[32];
	unsigned i;
	char *p;

	if (!report_kind_known(kind))
		return 0;
	for (i = 0; i < OPT__COUNT; i++) {
		if (!(seen & O(i) & O_REPORT) || i == OPT_OUTPUT)
			continue;
		if (i == OPT_FEES && !strcmp(kind, "counts")) /* a file: never over HTTP */
			continue;
		snprintf(param, sizeof(param), "%s", optdefs[i].name);
		for (p = param; *p; p++)
			if (*p == '-')
				*p = '_';
		if (report_param_applies(kind, param))
			continue;
		LOG_ERR("report %s: option '--%s' does not apply (see --help)", kind,
		        optdefs[i].name);
		return EXIT_USAGE;
	}
	return 0;
}

/* Checks that c takes every option given. */
static int check_options(const struct command *c, const struct cli *cl)
{
	uint64_t seen = cl->seen & ~(O(OPT_HELP) | O(OPT_QUIET) | O(OPT_VERBOSE)), extra;
	unsigned i;

	if (c->opts & O(OPT_REPORG)) /* the report's --org was parsed as the other */
		seen = (seen & ~O(OPT_ORG)) | (seen & O(OPT_ORG) ? O(OPT_REPORG) : 0);
	extra = seen & ~c->opts;
	for (i = 0; i < OPT__COUNT; i++) {
		if (!(extra & O(i)))
			continue;
		LOG_ERR("%s%s%s: option '--%s' does not apply (see --help)", c->group,
		        c->action ? " " : "", c->action ? c->action : "", optdefs[i].name);
		return EXIT_USAGE;
	}
	if (c->run == cmd_report && (seen & O(OPT_TO)) && strlen(cl->o.to) != 10)
		return cmd_bad_value("to", cl->o.to, "a date YYYY-MM-DD");
	if (c->run == cmd_report && cl->o.nargs >= 1)
		return check_report_kind(cl->o.args[0], seen & c->opts);
	return 0;
}

/* Checks the options and arguments cl holds against what c takes. */
static int check_usage(const struct command *c, const struct cli *cl)
{
	const char *name = c->action ? c->action : c->group;
	int code = check_options(c, cl);

	if (code)
		return code;
	/* import --source ldap reads a server, no file */
	if (cl->o.nargs < c->min_args && !(c->run == cmd_import && (cl->seen & O(OPT_LDAPURL)))) {
		LOG_ERR("%s: missing argument (usage: fleetcensus-collector %s)", name,
		        c->synopsis);
		return EXIT_USAGE;
	}
	if (cl->o.nargs > c->max_args) {
		LOG_ERR("%s: unexpected argument '%s' (see --help)", name, cl->o.args[c->max_args]);
		return EXIT_USAGE;
	}
	return 0;
}

/* The index in argv of the command name: the first argument that is not an
 * option or an option's value, so that options may come before it
 * (--db FILE org list). argc when there is none. */
static int command_index(int argc, char **argv)
{
	const char *name;
	size_t len;
	int i;
	unsigned k;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		if (argv[i][1] != '-' || strchr(argv[i], '='))
			continue;
		name = argv[i] + 2;
		len = strlen(name);
		for (k = 0; k < OPT__COUNT; k++)
			if (!strncmp(optdefs[k].name, name, len) && optdefs[k].type != T_FLAG)
				break;
		if (k < OPT__COUNT)
			i++; /* its value */
	}
	return i;
}

/* Moves the command name to argv[1], after the options given before it. */
static char **command_first(int argc, char **argv, int at)
{
	char **v = xcalloc((size_t)argc + 1, sizeof(*v));
	int i, n = 0;

	v[n++] = argv[0];
	v[n++] = argv[at];
	for (i = 1; i < argc; i++)
		if (i != at)
			v[n++] = argv[i];
	return v;
}

int main(int argc, char **argv)
{
	static struct cli cl;
	const struct command *c;
	bool group_known;
	int code;

	log_set_prog("fleetcensus-collector");
	http_config_default(&cl.o.http);
	report_opts_default(&cl.o.report);
	cl.o.out = stdout;
	cl.o.db = getenv(DB_ENV) && *getenv(DB_ENV) ? getenv(DB_ENV) : DB_DEFAULT;
	if (argc < 2) {
		usage_top(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage_top(stdout);
		return cmd_flush(&cl.o, EXIT_DONE);
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("fleetcensus-collector %s\n", FC_VERSION);
		return cmd_flush(&cl.o, EXIT_DONE);
	}
	/* campaigns and organisation attributes have a command line of their
	 * own (campaign_cli.c) */
	if (!strcmp(argv[1], "campaign") ||
	    (argc > 2 && !strcmp(argv[1], "org") && !strcmp(argv[2], "set")))
		return campaign_cli(argc - 1, argv + 1, cl.o.db);
	code = command_index(argc, argv);
	if (code >= argc) {
		LOG_ERR("missing command (see --help)");
		return EXIT_USAGE;
	}
	if (code > 1)
		argv = command_first(argc, argv, code);
	code = parse_options(argc - 1, argv + 1, &cl);
	if (code)
		return code;
	c = find_command(argv[1], &cl.o, &group_known);
	if (!c && group_known && (cl.seen & O(OPT_HELP))) {
		usage_group(argv[1]);
		return cmd_flush(&cl.o, EXIT_DONE);
	}
	if (!c) {
		if (group_known)
			LOG_ERR("%s: %s '%s' (see %s --help)", argv[1],
			        cl.o.nargs ? "unknown action" : "missing action",
			        cl.o.nargs ? cl.o.args[0] : "", argv[1]);
		else
			LOG_ERR("unknown command '%s' (see --help)", argv[1]);
		return EXIT_USAGE;
	}
	if (cl.seen & O(OPT_HELP)) {
		usage_command(c);
		return cmd_flush(&cl.o, EXIT_DONE);
	}
	code = check_usage(c, &cl);
	return code ? code : c->run(&cl.o);
}
