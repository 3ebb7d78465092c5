/* main.c - fleetcensus-collector: the command line. Parses a subcommand and
 * its options and hands over to the server (http.c), the store (store.c,
 * auth.c) or ingest (ingest.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "campaign.h"
#include "campaign_cli.h"
#include "fctime.h"
#include "http.h"
#include "import.h"
#include "import_source.h"
#include "ingest.h"
#include "lifecycle.h"
#include "log.h"
#include "outfile.h"
#include "privs.h"
#include "report.h"
#include "store.h"

#define DB_DEFAULT "/var/lib/fleetcensus/collector.db"
#define DB_ENV "FLEETCENSUS_DB"

/* Exit codes: the values of BSD sysexits.h, written out. */
enum exit_code {
	EXIT_DONE = 0,
	EXIT_USAGE = 64, /* bad command line */
	EXIT_DATAERR = 65, /* a report refused; no such organisation or token; name taken */
	EXIT_NOINPUT = 66, /* the database or an input file does not exist or cannot be read */
	EXIT_UNAVAIL = 69, /* the server cannot listen */
	EXIT_SOFTWARE = 70, /* internal error */
	EXIT_CANTCREAT = 73, /* the database or the port file cannot be created */
	EXIT_IOERR = 74, /* a database or file error */
	EXIT_TEMPFAIL = 75, /* the database is busy: try again */
	EXIT_NOPERM = 77, /* serve --user: the privileges could not be dropped */
	EXIT_CONFIG = 78, /* bad TLS certificate, key or priorities; --user cannot write the db */
};

/* Option bits: which options a command takes. */
enum {
	O_DB = 1 << 0,
	O_ORG = 1 << 1,
	O_ROLE = 1 << 2,
	O_FORCE = 1 << 3,
	O_LISTEN = 1 << 4,
	O_TLS = 1 << 5,
	O_THREADS = 1 << 6,
	O_PORTFILE = 1 << 7,
	O_CONN = 1 << 8,
	O_NEXT = 1 << 9,
	O_LIMITS = 1 << 10,
	O_HELP = 1 << 11,
	O_REPORT = 1 << 12,
	O_LIFECYCLE = 1 << 13,
	O_USER = 1 << 14,
	O_FOLLOW = 1 << 15,
	O_SOURCE = 1 << 16,
	O_NBITS = 17,
};

#define MAX_LIFECYCLE_FILES 16
/* The most a report may hold. */
#define REPORT_MAX_OUTPUT ((size_t)1 << 31)

struct opts {
	const char *db;
	const char *org;
	const char *role;
	const char *user; /* serve --user */
	bool force;
	bool follow_symlinks; /* import --follow-symlinks */
	struct import_source_opts source; /* import --source, --date-order, --directory-window */
	unsigned seen; /* O_* bits of the options given */
	const char *names[O_NBITS]; /* the option last given for each bit */
	struct http_config http;
	struct report_opts report;
	const char *output; /* report --output FILE */
	const char *fees; /* report --fees FILE: size bands for counts --by size_band */
	const char *lifecycle[MAX_LIFECYCLE_FILES];
	size_t n_lifecycle;
	char **args; /* positional arguments after the command (and action) */
	int nargs;
};

struct command {
	const char *group;
	const char *action; /* NULL: the group is the command */
	const char *synopsis;
	unsigned opts;
	int min_args, max_args;
	int (*run)(struct opts *o);
	const char *text; /* what it does, for --help */
};

/* ---- exit codes ---- */

static int exit_for(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return EXIT_DONE;
	case FC_EUSAGE: return EXIT_USAGE;
	case FC_EPARSE:
	case FC_ELIMIT:
	case FC_ENOENT:
	case FC_EEXIST: return EXIT_DATAERR;
	case FC_EIO:
	case FC_EDB: return EXIT_IOERR;
	case FC_EBUSY:
	case FC_ELOCKED: return EXIT_TEMPFAIL;
	case FC_ENET: return EXIT_UNAVAIL;
	case FC_ECONFIG: return EXIT_CONFIG;
	default: return EXIT_SOFTWARE;
	}
}

/* Ends a command that printed to stdout: a failed write is an I/O error. */
static int flush_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		LOG_ERR("cannot write to standard output: %s", strerror(errno));
		return code ? code : EXIT_IOERR;
	}
	return code;
}

/* Opens the database: create for the commands that write, read-only for
 * those that only read. Returns 0 or an exit code. */
static int open_store(const struct opts *o, bool create, struct store **st)
{
	char err[FC_ERRLEN] = "";
	enum fc_rc rc =
	    create ? store_open(o->db, true, st, err) : store_open_readonly(o->db, st, err);

	if (rc == FC_OK)
		return EXIT_DONE;
	LOG_ERR("database '%s': %s", o->db, err);
	if (rc == FC_ENOENT)
		return EXIT_NOINPUT;
	if (rc == FC_EIO && create)
		return EXIT_CANTCREAT;
	return exit_for(rc);
}

static void show_time(int64_t t, char out[32])
{
	if (!t || !fctime_format_rfc3339(t, out))
		snprintf(out, 32, "never");
}

/* ---- serve ---- */

static int load_lifecycle(const struct opts *o, struct lifecycle **out);

/* serve --user: binds the listening socket and reads the TLS files as
 * root, then becomes the user; everything after (the database, the port
 * file) is opened as the user. Without --user, root is warned. Returns 0 or
 * an exit code. */
static int serve_drop(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct privs_user u;
	enum fc_rc rc;

	if (!o->user) {
		if (geteuid() == 0)
			LOG_WARN("serve: running as root; --user NAME drops to that user once the "
			         "port is bound (docs/security.md)");
		return EXIT_DONE;
	}
	rc = privs_lookup(o->user, &u, err);
	if (rc) {
		LOG_ERR("serve: %s", err);
		return EXIT_USAGE;
	}
	rc = http_bind(&o->http, err);
	if (rc) {
		LOG_ERR("serve: %s", err);
		return rc == FC_ENET ? EXIT_UNAVAIL : exit_for(rc);
	}
	rc = privs_drop(&u, err);
	if (rc) {
		LOG_ERR("serve: %s", err);
		return EXIT_NOPERM;
	}
	LOG_INFO("serve: running as user '%s' (uid %lu, gid %lu)", u.name, (unsigned long)u.uid,
	         (unsigned long)u.gid);
	return EXIT_DONE;
}

static int cmd_serve(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct lifecycle *lc = NULL;
	struct store *st = NULL;
	enum fc_rc rc;
	int code;

	if (o->http.max_connections < o->http.threads) {
		LOG_ERR("serve: --max-connections must be at least --threads");
		return EXIT_USAGE;
	}
	code = load_lifecycle(o, &lc);
	if (code)
		return code;
	o->http.lifecycle = lc;
	code = serve_drop(o);
	if (code == EXIT_DONE) {
		code = open_store(o, true, &st);
		/* as the user: a database it cannot write is a configuration problem */
		if (code && o->user && !privs_can_write(o->db))
			code = EXIT_CONFIG;
	}
	if (code) {
		if (o->user && code != EXIT_NOPERM && code != EXIT_USAGE)
			LOG_ERR("serve: user '%s' must be able to write the database and its "
			        "directory",
			        o->user);
		http_unbind(&o->http);
		lifecycle_free(lc);
		return code;
	}
	o->http.db_path = o->db;
	rc = http_serve(&o->http, st, err);
	http_unbind(&o->http);
	store_close(st);
	lifecycle_free(lc);
	if (rc == FC_OK)
		return EXIT_DONE;
	LOG_ERR("serve: %s", err);
	return rc == FC_EIO ? EXIT_CANTCREAT : exit_for(rc);
}

/* ---- org ---- */

/* Makes a token of role for org_id (0 for admin), stores its hash and puts
 * the token in token. */
static enum fc_rc new_token(struct store *st, enum token_role role, int64_t org_id,
                            char token[AUTH_TOKEN_LEN + 1], char *err)
{
	unsigned char hash[AUTH_HASH_LEN];
	int64_t id;
	enum fc_rc rc = auth_token_new(token);

	if (rc) {
		snprintf(err, FC_ERRLEN, "cannot make a random token: %s", fc_strerror(rc));
		return rc;
	}
	auth_token_hash(token, hash);
	return store_token_add(st, role, org_id, hash, &id, err);
}

static int cmd_org_add(struct opts *o)
{
	char token[AUTH_TOKEN_LEN + 1], err[FC_ERRLEN] = "", err2[FC_ERRLEN] = "";
	struct store *st = NULL;
	int64_t org_id = 0;
	enum fc_rc rc;
	int code = open_store(o, true, &st);

	if (code)
		return code;
	rc = store_org_add(st, o->args[0], &org_id, err);
	if (rc == FC_OK) {
		rc = new_token(st, ROLE_AGENT, org_id, token, err);
		if (rc && store_org_remove(st, o->args[0], true, err2) != FC_OK)
			LOG_ERR("organisation '%s' was created without a token: %s", o->args[0],
			        err2);
	}
	store_close(st);
	if (rc) {
		LOG_ERR("org add '%s': %s", o->args[0], err);
		return exit_for(rc);
	}
	printf("%s\n", token);
	return flush_stdout(EXIT_DONE);
}

static enum fc_rc print_org(const struct store_org *org, void *ctx)
{
	char created[32];

	(void)ctx;
	show_time(org->created, created);
	printf("%s\t%" PRId64 "\t%s\n", org->name, org->machines, created);
	return FC_OK;
}

static int cmd_org_list(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = open_store(o, false, &st);

	if (code)
		return code;
	printf("NAME\tMACHINES\tCREATED\n");
	rc = store_org_each(st, print_org, NULL, err);
	store_close(st);
	if (rc) {
		LOG_ERR("org list: %s", err);
		return flush_stdout(exit_for(rc));
	}
	return flush_stdout(EXIT_DONE);
}

static int cmd_org_rename(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = open_store(o, true, &st);

	if (code)
		return code;
	rc = store_org_rename(st, o->args[0], o->args[1], err);
	store_close(st);
	if (rc) {
		LOG_ERR("org rename '%s': %s", o->args[0], err);
		return exit_for(rc);
	}
	return EXIT_DONE;
}

static int cmd_org_remove(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = open_store(o, true, &st);

	if (code)
		return code;
	rc = store_org_remove(st, o->args[0], o->force, err);
	store_close(st);
	if (rc == FC_EEXIST && !o->force)
		LOG_ERR("org remove '%s': %s (--force removes it with its machines)", o->args[0],
		        err);
	else if (rc)
		LOG_ERR("org remove '%s': %s", o->args[0], err);
	return exit_for(rc);
}

/* ---- token ---- */

static int cmd_token_add(struct opts *o)
{
	char token[AUTH_TOKEN_LEN + 1], err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum token_role role;
	int64_t org_id = 0;
	enum fc_rc rc = FC_OK;
	int code;

	if (!o->role || !auth_role_parse(o->role, &role)) {
		LOG_ERR("token add: --role must be agent, reader, manager or admin");
		return EXIT_USAGE;
	}
	if ((role == ROLE_ADMIN) != !o->org) {
		LOG_ERR("token add: %s", role == ROLE_ADMIN ? "an admin token has no --org"
		                                            : "--org NAME is needed");
		return EXIT_USAGE;
	}
	code = open_store(o, true, &st);
	if (code)
		return code;
	if (o->org)
		rc = store_org_find(st, o->org, &org_id, err);
	if (rc == FC_OK)
		rc = new_token(st, role, org_id, token, err);
	store_close(st);
	if (rc) {
		LOG_ERR("token add: %s", rc == FC_ENOENT && o->org ? "no such organisation" : err);
		return exit_for(rc);
	}
	printf("%s\n", token);
	return flush_stdout(EXIT_DONE);
}

static enum fc_rc print_token(const struct store_token *t, void *ctx)
{
	char created[32], used[32];

	(void)ctx;
	show_time(t->created, created);
	show_time(t->last_used, used);
	printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\n", t->id, auth_role_name(t->role),
	       t->org_name ? t->org_name : "-", created, used, t->revoked ? "revoked" : "active");
	return FC_OK;
}

static int cmd_token_list(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = open_store(o, false, &st);

	if (code)
		return code;
	printf("ID\tROLE\tORG\tCREATED\tLAST_USED\tSTATE\n");
	rc = store_token_each(st, print_token, NULL, err);
	store_close(st);
	if (rc) {
		LOG_ERR("token list: %s", err);
		return flush_stdout(exit_for(rc));
	}
	return flush_stdout(EXIT_DONE);
}

static int cmd_token_revoke(struct opts *o)
{
	char err[FC_ERRLEN] = "", *end;
	struct store *st = NULL;
	long long id;
	enum fc_rc rc;
	int code;

	errno = 0;
	id = strtoll(o->args[0], &end, 10);
	if (errno || end == o->args[0] || *end || id <= 0) {
		LOG_ERR("token revoke: '%s' is not a token id (see token list)", o->args[0]);
		return EXIT_USAGE;
	}
	code = open_store(o, true, &st);
	if (code)
		return code;
	rc = store_token_revoke(st, (int64_t)id, err);
	store_close(st);
	if (rc) {
		LOG_ERR("token revoke %lld: %s", id, rc == FC_ENOENT ? "no such token" : err);
		return exit_for(rc);
	}
	return EXIT_DONE;
}

/* ---- import ---- */

static int cmd_import(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct import_opts io = {o->http.limits, o->follow_symlinks};
	struct import_result res;
	struct store *st = NULL;
	int64_t org_id = 0;
	int code;
	enum fc_rc rc;

	if (!o->org) {
		LOG_ERR("import: --org NAME is needed");
		return EXIT_USAGE;
	}
	code = open_store(o, true, &st);
	if (code)
		return code;
	rc = store_org_find(st, o->org, &org_id, err);
	if (rc) {
		LOG_ERR("import: %s", rc == FC_ENOENT ? "no such organisation" : err);
		store_close(st);
		return exit_for(rc);
	}
	if (o->source.kind) {
		bool failed;
		rc = import_source(st, org_id, &o->source, o->args, o->nargs, stdout, &failed);
		store_close(st);
		return failed || rc == FC_EUSAGE ? exit_for(rc)
		       : rc == FC_ENOENT         ? EXIT_NOINPUT
		                                 : exit_for(rc);
	}
	import_files(st, org_id, o->args, o->nargs, &io, stdout, &res);
	store_close(st);
	if (res.rc == FC_OK || res.store_failed)
		code = exit_for(res.rc);
	else if (res.rc == FC_ENOENT)
		code = EXIT_NOINPUT;
	else if (res.rc == FC_EIO)
		code = EXIT_IOERR;
	else
		code = EXIT_DATAERR;
	return flush_stdout(code);
}

/* Retention: forgets the metadata of reports received more than DAYS days
 * ago. The machines and their newest facts stay. */
static int cmd_prune(struct opts *o)
{
	struct store *st;
	char *end, err[FC_ERRLEN];
	long days;
	int64_t deleted = 0;
	enum fc_rc rc;

	errno = 0;
	days = strtol(o->args[0], &end, 10);
	if (errno || end == o->args[0] || *end || days < 1 || days > 36500) {
		LOG_ERR("prune: DAYS must be a whole number from 1 to 36500, not '%s'", o->args[0]);
		return EXIT_USAGE;
	}
	rc = store_open(o->db, false, &st, err);
	if (rc) {
		LOG_ERR("database '%s': %s", o->db, err);
		return rc == FC_ENOENT ? EXIT_NOINPUT : exit_for(rc);
	}
	rc = store_prune_reports(st, (int64_t)time(NULL) - (int64_t)days * 86400, &deleted, err);
	store_close(st);
	if (rc) {
		LOG_ERR("prune: %s", err);
		return exit_for(rc);
	}
	printf("%lld report records older than %ld days removed\n", (long long)deleted, days);
	return flush_stdout(0);
}

/* ---- reports ---- */

/* Loads the catalogue with the --lifecycle files over the shipped rows.
 * Returns 0 or an exit code. */
static int load_lifecycle(const struct opts *o, struct lifecycle **out)
{
	char err[FC_ERRLEN] = "";
	struct lifecycle *lc = lifecycle_new();
	enum fc_rc rc = FC_OK;
	size_t i;

	for (i = 0; rc == FC_OK && i < o->n_lifecycle; i++)
		rc = lifecycle_add_file(lc, o->lifecycle[i], err);
	if (rc) {
		LOG_ERR("--lifecycle '%s': %s", o->lifecycle[i - 1], err);
		lifecycle_free(lc);
		*out = NULL;
		return rc == FC_ENOENT || rc == FC_EIO ? EXIT_NOINPUT : exit_for(rc);
	}
	*out = lc;
	return EXIT_DONE;
}

/* report --output: writes the report to path (common/outfile.h). Returns 0
 * or an exit code (logged). */
static int write_output(const char *path, const struct buf *out)
{
	char err[FC_ERRLEN];
	enum fc_rc rc = outfile_save(path, out->ptr ? out->ptr : "", out->len, err);

	if (rc == FC_OK)
		return EXIT_DONE;
	LOG_ERR("--output: %s", err);
	return rc == FC_ELIMIT ? EXIT_USAGE : EXIT_CANTCREAT;
}

static int cmd_report(struct opts *o)
{
	struct campaign_bands *bands = NULL;
	char err[FC_ERRLEN] = "";
	struct lifecycle *lc = NULL;
	struct store *st = NULL;
	struct buf out;
	enum fc_rc rc;
	int code;

	o->report.kind = o->args[0];
	code = load_lifecycle(o, &lc);
	if (code)
		return code;
	rc = store_open(o->db, false, &st, err);
	if (rc) {
		LOG_ERR("database '%s': %s", o->db, err);
		lifecycle_free(lc);
		return rc == FC_ENOENT ? EXIT_NOINPUT : exit_for(rc);
	}
	report_snapshot_today(st);
	buf_init(&out, REPORT_MAX_OUTPUT);
	rc = o->fees ? campaign_bands_load(o->fees, &bands, err) : FC_OK;
	o->report.bands = bands;
	if (rc == FC_OK)
		rc = report_run(st, lc, &o->report, &out, err);
	store_close(st);
	lifecycle_free(lc);
	campaign_bands_free(bands);
	if (rc) {
		LOG_ERR("report %s: %s", o->args[0], err);
		code = exit_for(rc);
	} else if (o->output) {
		code = write_output(o->output, &out);
	} else if (out.len && fwrite(out.ptr, 1, out.len, stdout) != out.len) {
		code = EXIT_IOERR;
	}
	buf_release(&out);
	return o->output ? code : flush_stdout(code);
}

static int cmd_reclassify(struct opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	int64_t changed = 0;
	enum fc_rc rc;

	rc = store_open(o->db, false, &st, err);
	if (rc) {
		LOG_ERR("database '%s': %s", o->db, err);
		return rc == FC_ENOENT ? EXIT_NOINPUT : exit_for(rc);
	}
	rc = store_reclassify(st, &changed, err);
	store_close(st);
	if (rc) {
		LOG_ERR("reclassify: %s", err);
		return exit_for(rc);
	}
	printf("%lld machines changed\n", (long long)changed);
	return flush_stdout(EXIT_DONE);
}

static int cmd_snapshot(struct opts *o)
{
	char err[FC_ERRLEN] = "", date[FCTIME_DATE_LEN];
	struct store *st = NULL;
	int64_t now = (int64_t)time(NULL);
	bool taken = false;
	enum fc_rc rc;

	if (!fctime_format_date(now, date))
		return EXIT_SOFTWARE;
	rc = store_open(o->db, false, &st, err);
	if (rc) {
		LOG_ERR("database '%s': %s", o->db, err);
		return rc == FC_ENOENT ? EXIT_NOINPUT : exit_for(rc);
	}
	rc = store_snapshot(st, date, now - STORE_SNAPSHOT_WINDOW, true, &taken, err);
	store_close(st);
	if (rc) {
		LOG_ERR("snapshot: %s", err);
		return exit_for(rc);
	}
	return EXIT_DONE;
}

/* ---- the command line ---- */

static const struct command commands[] = {
    {"serve", NULL, "serve [options]",
     O_DB | O_LISTEN | O_TLS | O_THREADS | O_PORTFILE | O_CONN | O_NEXT | O_LIMITS | O_LIFECYCLE |
         O_USER,
     0, 0, cmd_serve,
     "Serves the collector's HTTP API (POST /api/v1/inventory, GET /api/v1/machines,\n"
     "GET /healthz, GET /metrics) until SIGTERM or SIGINT, then finishes the requests\n"
     "in flight and exits 0. With --tls-cert and --tls-key it serves HTTPS only.\n"
     "Started as root with --user NAME, it binds the port and reads the TLS files,\n"
     "then becomes NAME before it opens the database.\n"},
    {"org", "add", "org add NAME [--db FILE]", O_DB, 1, 1, cmd_org_add,
     "Creates an organisation and prints its agent token on standard output, one\n"
     "line and nothing else. The token is shown only this once.\n"},
    {"org", "list", "org list [--db FILE]", O_DB, 0, 0, cmd_org_list,
     "Lists the organisations: name, machines, created (tab-separated, with a\n"
     "header line).\n"},
    {"org", "rename", "org rename OLD NEW [--db FILE]", O_DB, 2, 2, cmd_org_rename,
     "Renames an organisation; its tokens and machines stay with it.\n"},
    {"org", "remove", "org remove NAME [--force] [--db FILE]", O_DB | O_FORCE, 1, 1, cmd_org_remove,
     "Removes an organisation and its tokens. It refuses while the organisation\n"
     "has machines, unless --force, which removes them too.\n"},
    {"token", "add",
     "token add (--org NAME --role agent|reader|manager | --role admin) [--db FILE]",
     O_DB | O_ORG | O_ROLE, 0, 0, cmd_token_add,
     "Makes a token and prints it on standard output, once. An agent token sends\n"
     "reports for its organisation, a reader token reads that organisation's\n"
     "machines, a manager token joins, signs and withdraws campaigns for it\n"
     "(docs/campaigns.md), an admin token reads every organisation's.\n"},
    {"token", "list", "token list [--db FILE]", O_DB, 0, 0, cmd_token_list,
     "Lists the tokens: id, role, organisation, created, last used, state\n"
     "(tab-separated, with a header line). Tokens themselves are never shown:\n"
     "only their SHA-256 is stored.\n"},
    {"token", "revoke", "token revoke ID [--db FILE]", O_DB, 1, 1, cmd_token_revoke,
     "Revokes the token with this id (see token list); it is refused from the next\n"
     "request on.\n"},
    {"import", NULL, "import --org NAME [options] FILE...",
     O_DB | O_ORG | O_LIMITS | O_FOLLOW | O_SOURCE, 1, INT_MAX, cmd_import,
     "Stores report files written by fleetcensus-agent --output (plain or gzip) for\n"
     "organisation NAME, with the same checks and identity rules as a POST; '-'\n"
     "reads one report from standard input. Prints 'FILE: machine ID (new|updated|\n"
     "duplicate|stale)' per stored file; a refused file is reported and the others\n"
     "are still imported (exit 65). Only regular files are read (a FIFO or device\n"
     "is refused at once); a symbolic link is followed only to a regular file of\n"
     "yours or root's, unless --follow-symlinks.\n"},
    {"prune", NULL, "prune DAYS [--db FILE]", O_DB, 1, 1, cmd_prune,
     "Retention: removes the records of reports received more than DAYS days ago\n"
     "(report id, machine, sizes, times). Machines and their newest facts stay; a\n"
     "report re-sent after its record was pruned is taken as a new arrival. Run it\n"
     "from cron, e.g. daily with 400.\n"},
    {"report", NULL,
     "report KIND [--db FILE] [--format table|csv|json] [--output FILE] [--as-of DATE]\n"
     "       [--window DAYS] [--org NAME]... [--by FIELDS] [--horizon-months N]\n"
     "       [--min-cell K] [--split win11] [--name P] [--version P] [--product P]\n"
     "       [--from DATE] [--to DATE] [--lifecycle FILE]... [--fees FILE]",
     O_DB | O_ORG | O_REPORT | O_LIFECYCLE, 1, 1, cmd_report,
     "Prints a report (docs/reports.md): machines, counts --by FIELDS, tender,\n"
     "software --name P, trend --product P, stale, readiness. Machines not seen\n"
     "within --window days (default 30) of --as-of (default today, UTC) are left\n"
     "out of every kind but stale. --output writes the file atomically; nothing is printed "
     "then.\n"},
    {"reclassify", NULL, "reclassify [--db FILE]", O_DB, 0, 0, cmd_reclassify,
     "Recomputes every machine's classification and readiness verdicts from its\n"
     "stored raw facts, in one transaction, and prints how many machines changed.\n"},
    {"snapshot", NULL, "snapshot [--db FILE]", O_DB, 0, 0, cmd_snapshot,
     "Takes today's (UTC) snapshot of machines per organisation and product for the\n"
     "trend report, replacing the one the day's first ingest or report took. Run it\n"
     "from cron at the end of the day.\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_option_help(unsigned opts)
{
	struct http_config d;

	http_config_default(&d);
	if (opts & O_DB)
		printf("      --db FILE               the database (default $" DB_ENV ", else\n"
		       "                              " DB_DEFAULT ")\n");
	if (opts & O_ORG)
		printf("      --org NAME              the organisation\n");
	if (opts & O_ROLE)
		printf("      --role ROLE             agent, reader, manager or admin\n");
	if (opts & O_FORCE)
		printf("      --force                 remove the organisation's machines too\n");
	if (opts & O_LISTEN)
		printf("      --listen ADDR:PORT      listen there (default %s; [::1]:PORT for\n"
		       "                              IPv6; port 0: any free port)\n",
		       d.listen);
	if (opts & O_TLS)
		printf("      --tls-cert FILE         PEM certificate (chain): serve HTTPS only\n"
		       "      --tls-key FILE          PEM private key of --tls-cert\n"
		       "      --tls-priorities STR    GnuTLS priority string (default: TLS 1.2\n"
		       "                              and 1.3, ECDHE and AEAD ciphers only)\n");
	if (opts & O_THREADS)
		printf("      --threads N             worker threads (default %u)\n", d.threads);
	if (opts & O_CONN)
		printf(
		    "      --max-connections N     concurrent connections (default %u)\n"
		    "      --conn-timeout SECONDS  drop a connection idle this long (default %u)\n"
		    "      --queue N               reports decoded and waiting to be stored; past\n"
		    "                              it, 503 with Retry-After (default %u)\n"
		    "      --clock-skew SECONDS    a report dated further ahead of its arrival is\n"
		    "                              ordered as if dated then (default %ld)\n",
		    d.max_connections, d.conn_timeout, d.queue_max, d.clock_skew);
	if (opts & O_PORTFILE)
		printf("      --port-file FILE        write the port listened on to FILE\n");
	if (opts & O_USER)
		printf("      --user NAME             started as root: bind, read the TLS files,\n"
		       "                              then run as NAME (docs/security.md)\n");
	if (opts & O_NEXT)
		printf("      --next-report SECONDS   interval told to agents (default %ld)\n",
		       d.next_report_seconds);
	if (opts & O_REPORT)
		printf(
		    "      --format FORMAT         table (default), csv or json\n"
		    "      --output FILE           write the report to FILE atomically\n"
		    "      --as-of DATE            the date of the report (default today, UTC)\n"
		    "      --window DAYS           machines not seen within DAYS of --as-of are\n"
		    "                              stale (default 30)\n"
		    "      --org NAME              only this organisation (repeatable)\n"
		    "      --by FIELDS             counts: org, os_family, os_product,\n"
		    "                              os_edition, os_release, arch, support_status,\n"
		    "                              size_band (with --fees), win11, esu_eligible,\n"
		    "                              bios_year\n"
		    "      --fees FILE             counts: the size bands of this fee schedule\n"
		    "      --horizon-months N      tender: support ended by --as-of + N months\n"
		    "      --min-cell K            tender: counts below K shown as <K\n"
		    "      --split win11           tender: a line per Windows 11 verdict\n"
		    "      --name P, --version P   software: patterns with * and ?\n"
		    "      --product P             trend: the os_product\n"
		    "      --from DATE, --to DATE  trend: the dates (inclusive)\n");
	if (opts & O_LIFECYCLE)
		printf(
		    "      --lifecycle FILE        add or override catalogue rows (repeatable)\n");
	if (opts & O_FOLLOW)
		printf(
		    "      --follow-symlinks       follow a symbolic link to any regular file\n");
	if (opts & O_SOURCE)
		printf("      --source KIND           ad-csv, sccm-csv, intune-csv or intune-json\n"
		       "      --date-order dmy|mdy    how the source's ambiguous dates are read\n"
		       "      --directory-window DAYS  directory sightings count this long (90)\n");
	if (opts & O_LIMITS)
		printf("      --max-body BYTES        largest report as received (default %zu)\n"
		       "      --max-decompressed BYTES  largest report decompressed (default %zu)\n"
		       "      --max-ratio N           largest decompression ratio (default %zu)\n"
		       "      --max-depth N           deepest JSON nesting (default %d)\n"
		       "      --max-string BYTES      longest JSON string (default %zu)\n"
		       "      --max-software N        most software entries (default %zu)\n",
		       d.limits.max_body, d.limits.max_decompressed, d.limits.max_ratio,
		       d.limits.max_depth, d.limits.max_string, d.limits.max_software);
	printf("  -h, --help                  print this help and exit\n");
}

static void usage_command(const struct command *c)
{
	printf("usage: fleetcensus-collector %s\n\n%s\n", c->synopsis, c->text);
	print_option_help(c->opts);
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
	           ") and --help ('fleetcensus-collector COMMAND --help').\n"
	           "\n"
	           "  -h, --help      print this help and exit\n"
	           "  -V, --version   print the version and exit\n"
	           "\n"
	           "Exit status: 0 done, 64 usage, 65 data error (report refused, no such\n"
	           "organisation or token, name taken, organisation has machines), 66 no such\n"
	           "database or input file, 69 cannot listen, 70 internal error, 73 cannot\n"
	           "write the database, port file or output file, 74 I/O or database error,\n"
	           "75 database busy, 77 serve --user cannot drop privileges, 78 configuration\n"
	           "problem (TLS certificate, key or priorities; serve --user cannot write the\n"
	           "database). See fleetcensus-collector(8).\n");
}

/* Parses a number in [min, max] for option name. */
static bool parse_num(const char *name, const char *s, unsigned long long min,
                      unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		LOG_ERR("--%s: '%s' is not a number from %llu to %llu", name, s, min, max);
		return false;
	}
	*out = v;
	return true;
}

enum {
	OPT_DB = 256,
	OPT_ORG,
	OPT_ROLE,
	OPT_FORCE,
	OPT_LISTEN,
	OPT_CERT,
	OPT_KEY,
	OPT_THREADS,
	OPT_PORTFILE,
	OPT_MAXCONN,
	OPT_CONNTIMEOUT,
	OPT_QUEUE,
	OPT_SKEW,
	OPT_NEXT,
	OPT_MAXBODY,
	OPT_MAXDECOMP,
	OPT_MAXRATIO,
	OPT_MAXDEPTH,
	OPT_MAXSTRING,
	OPT_MAXSW,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_ASOF,
	OPT_WINDOW,
	OPT_BY,
	OPT_HORIZON,
	OPT_MINCELL,
	OPT_SPLIT,
	OPT_NAME,
	OPT_VERSION,
	OPT_PRODUCT,
	OPT_FROM,
	OPT_TO,
	OPT_LIFECYCLE,
	OPT_USER,
	OPT_FOLLOW,
	OPT_SOURCE,
	OPT_DATEORDER,
	OPT_DIRWINDOW,
	OPT_PRIORITIES,
	OPT_FEES,
};

static const struct option longopts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"org", required_argument, NULL, OPT_ORG},
    {"role", required_argument, NULL, OPT_ROLE},
    {"force", no_argument, NULL, OPT_FORCE},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"tls-cert", required_argument, NULL, OPT_CERT},
    {"tls-key", required_argument, NULL, OPT_KEY},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"port-file", required_argument, NULL, OPT_PORTFILE},
    {"max-connections", required_argument, NULL, OPT_MAXCONN},
    {"conn-timeout", required_argument, NULL, OPT_CONNTIMEOUT},
    {"queue", required_argument, NULL, OPT_QUEUE},
    {"clock-skew", required_argument, NULL, OPT_SKEW},
    {"next-report", required_argument, NULL, OPT_NEXT},
    {"max-body", required_argument, NULL, OPT_MAXBODY},
    {"max-decompressed", required_argument, NULL, OPT_MAXDECOMP},
    {"max-ratio", required_argument, NULL, OPT_MAXRATIO},
    {"max-depth", required_argument, NULL, OPT_MAXDEPTH},
    {"max-string", required_argument, NULL, OPT_MAXSTRING},
    {"max-software", required_argument, NULL, OPT_MAXSW},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"as-of", required_argument, NULL, OPT_ASOF},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"by", required_argument, NULL, OPT_BY},
    {"horizon-months", required_argument, NULL, OPT_HORIZON},
    {"min-cell", required_argument, NULL, OPT_MINCELL},
    {"split", required_argument, NULL, OPT_SPLIT},
    {"name", required_argument, NULL, OPT_NAME},
    {"version", required_argument, NULL, OPT_VERSION},
    {"product", required_argument, NULL, OPT_PRODUCT},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"lifecycle", required_argument, NULL, OPT_LIFECYCLE},
    {"user", required_argument, NULL, OPT_USER},
    {"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"date-order", required_argument, NULL, OPT_DATEORDER},
    {"directory-window", required_argument, NULL, OPT_DIRWINDOW},
    {"tls-priorities", required_argument, NULL, OPT_PRIORITIES},
    {"fees", required_argument, NULL, OPT_FEES},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* Applies a numeric option to o. Returns the option's O_* bit, or 0 (logged)
 * when the value is not a number in the option's range. */
static unsigned set_number(struct opts *o, int c, const char *name, const char *val)
{
	static const struct {
		int c;
		unsigned bit;
		unsigned long long min, max;
	} ranges[] = {
	    {OPT_THREADS, O_THREADS, 1, 256},
	    {OPT_MAXCONN, O_CONN, 1, 65535},
	    {OPT_CONNTIMEOUT, O_CONN, 1, 86400},
	    {OPT_NEXT, O_NEXT, 1, 31536000},
	    {OPT_QUEUE, O_CONN, 1, 65535},
	    {OPT_SKEW, O_CONN, 0, 31536000},
	    {OPT_MAXBODY, O_LIMITS, 1, 1ULL << 30},
	    {OPT_MAXDECOMP, O_LIMITS, 1, 1ULL << 32},
	    {OPT_MAXRATIO, O_LIMITS, 1, 100000},
	    {OPT_MAXDEPTH, O_LIMITS, 1, 1000},
	    {OPT_MAXSTRING, O_LIMITS, 1, 1ULL << 26},
	    {OPT_MAXSW, O_LIMITS, 0, 10000000},
	    {OPT_WINDOW, O_REPORT, 0, 36500},
	    {OPT_HORIZON, O_REPORT, 0, 1200},
	    {OPT_MINCELL, O_REPORT, 0, 1000000},
	};
	struct ingest_limits *lim = &o->http.limits;
	unsigned long long v;
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]) && ranges[i].c != c; i++)
		;
	if (i == sizeof(ranges) / sizeof(ranges[0]) ||
	    !parse_num(name, val, ranges[i].min, ranges[i].max, &v))
		return 0;
	switch (c) {
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
	}
	return ranges[i].bit;
}

/* Applies a report option with a text value. False (logged) when the
 * value is not one the option takes. */
static bool set_report_text(struct opts *o, int c, const char *val)
{
	struct report_opts *r = &o->report;
	char *date = c == OPT_ASOF ? r->as_of : c == OPT_FROM ? r->from : r->to;

	switch (c) {
	case OPT_FORMAT:
		if (!strcmp(val, "table"))
			r->format = REPORT_TABLE;
		else if (!strcmp(val, "csv"))
			r->format = REPORT_CSV;
		else if (!strcmp(val, "json"))
			r->format = REPORT_JSON;
		else {
			LOG_ERR("--format: want table, csv or json, not '%s'", val);
			return false;
		}
		return true;
	case OPT_OUTPUT: o->output = val; return true;
	case OPT_FEES: o->fees = val; return true;
	case OPT_BY: r->by = val; return true;
	case OPT_SPLIT: r->split = val; return true;
	case OPT_NAME: r->name_pattern = val; return true;
	case OPT_VERSION: r->version_pattern = val; return true;
	case OPT_PRODUCT: r->product = val; return true;
	default: break;
	}
	if (strlen(val) != 10) {
		LOG_ERR("want a date YYYY-MM-DD, not '%s'", val);
		return false;
	}
	memcpy(date, val, 11);
	return true;
}

/* Records that the option longopts[idx] (bit) was given. */
static void saw(struct opts *o, unsigned bit, int idx)
{
	unsigned i;

	o->seen |= bit;
	for (i = 0; i < O_NBITS; i++)
		if (bit == 1U << i)
			o->names[i] = longopts[idx].name;
}

/* Parses the options after the command name (argv[0] is the command), in
 * any order among the arguments. Returns 0 or an exit code. */
static int parse_options(int argc, char **argv, struct opts *o)
{
	unsigned bit;
	int c, idx;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, &idx)) != -1) {
		switch (c) {
		case 'h': o->seen |= O_HELP; break;
		case OPT_DB:
			o->db = optarg;
			saw(o, O_DB, idx);
			break;
		case OPT_ORG:
			if (o->report.n_orgs == REPORT_MAX_ORGS) {
				LOG_ERR("--org: at most %d", REPORT_MAX_ORGS);
				return EXIT_USAGE;
			}
			o->org = optarg;
			o->report.orgs[o->report.n_orgs++] = optarg;
			saw(o, O_ORG, idx);
			break;
		case OPT_LIFECYCLE:
			if (o->n_lifecycle == MAX_LIFECYCLE_FILES) {
				LOG_ERR("--lifecycle: at most %d files", MAX_LIFECYCLE_FILES);
				return EXIT_USAGE;
			}
			o->lifecycle[o->n_lifecycle++] = optarg;
			saw(o, O_LIFECYCLE, idx);
			break;
		case OPT_FORMAT:
		case OPT_OUTPUT:
		case OPT_FEES:
		case OPT_ASOF:
		case OPT_BY:
		case OPT_SPLIT:
		case OPT_NAME:
		case OPT_VERSION:
		case OPT_PRODUCT:
		case OPT_FROM:
		case OPT_TO:
			if (!set_report_text(o, c, optarg))
				return EXIT_USAGE;
			saw(o, O_REPORT, idx);
			break;
		case OPT_ROLE:
			o->role = optarg;
			saw(o, O_ROLE, idx);
			break;
		case OPT_FORCE:
			o->force = true;
			saw(o, O_FORCE, idx);
			break;
		case OPT_LISTEN:
			o->http.listen = optarg;
			saw(o, O_LISTEN, idx);
			break;
		case OPT_CERT:
			o->http.tls_cert = optarg;
			saw(o, O_TLS, idx);
			break;
		case OPT_KEY:
			o->http.tls_key = optarg;
			saw(o, O_TLS, idx);
			break;
		case OPT_PRIORITIES:
			o->http.tls_priorities = optarg;
			saw(o, O_TLS, idx);
			break;
		case OPT_PORTFILE:
			o->http.port_file = optarg;
			saw(o, O_PORTFILE, idx);
			break;
		case OPT_USER:
			o->user = optarg;
			saw(o, O_USER, idx);
			break;
		case OPT_FOLLOW:
			o->follow_symlinks = o->source.follow_symlinks = true;
			saw(o, O_FOLLOW, idx);
			break;
		case OPT_SOURCE:
		case OPT_DATEORDER:
		case OPT_DIRWINDOW:
			*(c == OPT_SOURCE      ? &o->source.kind
			  : c == OPT_DATEORDER ? &o->source.date_order
			                       : &o->source.dir_window) = optarg;
			saw(o, O_SOURCE, idx);
			break;
		case ':': LOG_ERR("option '%s' needs a value", argv[optind - 1]); return EXIT_USAGE;
		case '?':
			LOG_ERR("unknown option '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			bit = set_number(o, c, longopts[idx].name, optarg);
			if (!bit)
				return EXIT_USAGE;
			saw(o, bit, idx);
			break;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return 0;
}

/* Finds the command named by group and, for org and token, the first
 * argument; that argument is then taken off o->args. NULL (logged) when
 * there is none; *group_only when the group exists but the action doesn't. */
static const struct command *find_command(const char *group, struct opts *o, bool *group_known)
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

/* Checks the options and arguments o holds against what c takes. */
static int check_usage(const struct command *c, const struct opts *o)
{
	const char *name = c->action ? c->action : c->group;
	unsigned extra = o->seen & ~(c->opts | O_HELP);
	unsigned i;

	for (i = 0; i < O_NBITS; i++) {
		if (!(extra & (1U << i)))
			continue;
		LOG_ERR("%s%s%s: option '--%s' does not apply (see --help)", c->group,
		        c->action ? " " : "", c->action ? c->action : "", o->names[i]);
		return EXIT_USAGE;
	}
	if (o->nargs < c->min_args) {
		LOG_ERR("%s: missing argument (usage: fleetcensus-collector %s)", name,
		        c->synopsis);
		return EXIT_USAGE;
	}
	if (o->nargs > c->max_args) {
		LOG_ERR("%s: unexpected argument '%s' (see --help)", name, o->args[c->max_args]);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	struct opts o;
	bool group_known;
	int code;

	log_set_prog("fleetcensus-collector");
	memset(&o, 0, sizeof(o));
	http_config_default(&o.http);
	report_opts_default(&o.report);
	o.db = getenv(DB_ENV) && *getenv(DB_ENV) ? getenv(DB_ENV) : DB_DEFAULT;
	if (argc < 2) {
		usage_top(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage_top(stdout);
		return flush_stdout(EXIT_DONE);
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("fleetcensus-collector %s\n", FC_VERSION);
		return flush_stdout(EXIT_DONE);
	}
	if (!strcmp(argv[1], "campaign") ||
	    (argc > 2 && !strcmp(argv[1], "org") && !strcmp(argv[2], "set")))
		return campaign_cli(argc - 1, argv + 1, o.db);
	code = parse_options(argc - 1, argv + 1, &o);
	if (code)
		return code;
	c = find_command(argv[1], &o, &group_known);
	if (!c && group_known && (o.seen & O_HELP)) {
		usage_group(argv[1]);
		return flush_stdout(EXIT_DONE);
	}
	if (!c) {
		if (group_known)
			LOG_ERR("%s: %s '%s' (see %s --help)", argv[1],
			        o.nargs ? "unknown action" : "missing action",
			        o.nargs ? o.args[0] : "", argv[1]);
		else
			LOG_ERR("unknown command '%s' (see --help)", argv[1]);
		return EXIT_USAGE;
	}
	if (o.seen & O_HELP) {
		usage_command(c);
		return flush_stdout(EXIT_DONE);
	}
	code = check_usage(c, &o);
	return code ? code : c->run(&o);
}
