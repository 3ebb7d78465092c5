/* cmd.h - what the collector's commands do, one function per command,
 * called by main.c (the command line) with the options it parsed. Each
 * returns an exit code (enum cmd_exit) and logs its own errors. Output goes
 * to o->out (standard output in the program, a temporary file in tests). */
#ifndef FC_COLLECTOR_CMD_H
#define FC_COLLECTOR_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fc_rc.h"
#include "http.h"
#include "import_source.h"
#include "report.h"
#include "store.h"

/* Exit codes: the values of BSD sysexits.h, written out. */
enum cmd_exit {
	EXIT_DONE = 0,
	EXIT_USAGE = 64, /* bad command line */
	EXIT_DATAERR = 65, /* a report refused; no such organisation or token; name taken */
	EXIT_NOINPUT = 66, /* the database or an input file does not exist or cannot be read */
	EXIT_UNAVAIL = 69, /* the server cannot listen */
	EXIT_SOFTWARE = 70, /* internal error */
	EXIT_CANTCREAT = 73, /* the database or the port file cannot be created */
	EXIT_IOERR = 74, /* a database or file error */
	EXIT_TEMPFAIL = 75, /* the database is busy: try again */
	EXIT_NOPERM = 77, /* no permission (database files); serve --user cannot drop */
	EXIT_CONFIG = 78, /* bad TLS certificate or key */
};

#define CMD_MAX_LIFECYCLE_FILES 16

/* Everything the command line gives a command. */
struct cmd_opts {
	const char *db;
	const char *org;
	const char *role;
	const char *user; /* serve --user */
	const char *to; /* --to: machine move's organisation, trend's last date */
	const char *label; /* token add --label */
	const char *fees; /* report --fees FILE: size bands for counts --by size_band */
	const char *expires; /* token add --expires DATE */
	bool force;
	bool follow_symlinks; /* import --follow-symlinks */
	struct import_source_opts source; /* import --source, --date-order, --directory-window */
	bool quiet; /* --quiet: nothing on standard output on success but the data asked for */
	struct http_config http;
	struct report_opts report;
	const char *output; /* report --output FILE */
	const char *lifecycle[CMD_MAX_LIFECYCLE_FILES];
	size_t n_lifecycle;
	char **args; /* positional arguments after the command (and action) */
	int nargs;
	FILE *out; /* where a command prints: stdout */
};

/* The exit code for rc (FC_EBUSY 75, FC_EDB 74, ...). */
int cmd_exit_for(enum fc_rc rc);

/* Ends a command that printed to o->out: a failed write is an I/O error
 * (74, logged) unless code is an error already. */
int cmd_flush(const struct cmd_opts *o, int code);

/* The one error text of a bad option value: "--NAME: 'VALUE' is not WANT"
 * (name without dashes), logged; returns EXIT_USAGE. */
int cmd_bad_value(const char *name, const char *value, const char *want);

/* Opens the database o->db: created (with its directory's checks) when
 * create, else it must exist; read-only when readonly. A missing directory,
 * a missing file and a permission problem each get one line naming the
 * file (and the user). Returns 0 or an exit code (66, 73, 74, 75, 77). */
int cmd_open_store(const struct cmd_opts *o, bool create, bool readonly, struct store **st);

/* True when the effective user may write the database file db (else a
 * command that only reads opens it read-only). */
bool cmd_can_write(const char *db);

/* The commands (cmd_admin.c). */
int cmd_org_add(struct cmd_opts *o);
int cmd_org_list(struct cmd_opts *o);
int cmd_org_rename(struct cmd_opts *o);
int cmd_org_remove(struct cmd_opts *o);
int cmd_token_add(struct cmd_opts *o);
int cmd_token_list(struct cmd_opts *o);
int cmd_token_revoke(struct cmd_opts *o);
int cmd_prune(struct cmd_opts *o);
int cmd_reclassify(struct cmd_opts *o);
int cmd_snapshot(struct cmd_opts *o);
int cmd_backup(struct cmd_opts *o);
int cmd_machine_delete(struct cmd_opts *o);
int cmd_machine_move(struct cmd_opts *o);

/* The commands (cmd_data.c). */
int cmd_serve(struct cmd_opts *o);
int cmd_import(struct cmd_opts *o);
int cmd_report(struct cmd_opts *o);

#endif
