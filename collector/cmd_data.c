/* cmd_data.c - the collector's commands that move data: serve (the HTTP
 * API), import (report files), report (the tender and its friends). */
#include "campaign.h"
#include "cmd.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "import.h"
#include "import_source.h"
#include "lifecycle.h"
#include "log.h"
#include "outfile.h"
#include "privs.h"

/* The most a report may hold. */
#define REPORT_MAX_OUTPUT ((size_t)1 << 31)

static int load_lifecycle(const struct cmd_opts *o, struct lifecycle **out);

/* serve --user: binds the listening socket and reads the TLS files as
 * root, then becomes the user; everything after (the database, the port
 * file) is opened as the user. Without --user, root is warned. Returns 0 or
 * an exit code. */
static int serve_drop(struct cmd_opts *o)
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
		return rc == FC_ENET ? EXIT_UNAVAIL : cmd_exit_for(rc);
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

int cmd_serve(struct cmd_opts *o)
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
		code = cmd_open_store(o, true, false, &st);
		if (code && o->user) {
			LOG_ERR("serve: user '%s' must be able to write the database and its "
			        "directory",
			        o->user);
			if (code == EXIT_NOPERM) /* --user and the files disagree: configuration */
				code = EXIT_CONFIG;
		}
	}
	if (code) {
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
	return rc == FC_EIO ? EXIT_CANTCREAT : cmd_exit_for(rc);
}

/* ---- import ---- */

int cmd_import(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "";
	struct import_opts io = {o->http.limits, o->follow_symlinks};
	struct import_list files;
	struct import_result res;
	struct store *st = NULL;
	int64_t org_id = 0;
	int code;
	enum fc_rc rc;

	if (!o->org) {
		LOG_ERR("import: --org NAME is needed");
		return EXIT_USAGE;
	}
	if (!o->source.kind &&
	    (o->source.ldap.url || o->source.ldap.bind_dn || o->source.ldap.password_file ||
	     o->source.ldap.base || o->source.ldap.filter || o->source.ldap.ca_file ||
	     o->source.ldap.starttls)) {
		LOG_ERR("import: the --ldap-* options are for --source ldap only");
		return EXIT_USAGE;
	}
	rc = import_list_make(o->args, o->nargs, &files, err);
	if (rc) {
		LOG_ERR("import: %s", err);
		return EXIT_NOINPUT;
	}
	code = cmd_open_store(o, true, false, &st);
	if (code == EXIT_DONE) {
		rc = store_org_find(st, o->org, &org_id, err);
		if (rc) {
			LOG_ERR("import: %s", rc == FC_ENOENT ? "no such organisation" : err);
			code = cmd_exit_for(rc);
		}
	}
	if (code) {
		store_close(st);
		import_list_release(&files);
		return code;
	}
	if (o->source.kind) {
		bool failed = false;

		o->source.follow_symlinks = o->follow_symlinks;
		rc = import_source(st, org_id, &o->source, files.paths, (int)files.n,
		                   o->quiet ? NULL : o->out, &failed);
		store_close(st);
		import_list_release(&files);
		if (rc == FC_ENOENT)
			return EXIT_NOINPUT;
		return cmd_flush(o, cmd_exit_for(rc));
	}
	import_files(st, org_id, files.paths, (int)files.n, &io, o->quiet ? NULL : o->out, &res);
	store_close(st);
	import_list_release(&files);
	if (res.rc == FC_OK || res.store_failed)
		code = cmd_exit_for(res.rc);
	else if (res.rc == FC_ENOENT)
		code = EXIT_NOINPUT;
	else if (res.rc == FC_EIO)
		code = EXIT_IOERR;
	else
		code = EXIT_DATAERR;
	return cmd_flush(o, code);
}

/* ---- reports ---- */

/* Loads the catalogue with the --lifecycle files over the shipped rows.
 * Returns 0 or an exit code. */
static int load_lifecycle(const struct cmd_opts *o, struct lifecycle **out)
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
		return rc == FC_ENOENT || rc == FC_EIO ? EXIT_NOINPUT : cmd_exit_for(rc);
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

int cmd_report(struct cmd_opts *o)
{
	struct campaign_bands *bands = NULL;
	char err[FC_ERRLEN] = "";
	struct lifecycle *lc = NULL;
	struct store *st = NULL;
	struct buf out;
	enum fc_rc rc;
	size_t kind_len;
	bool ro;
	int code;

	o->report.kind = o->args[0];
	code = load_lifecycle(o, &lc);
	if (code)
		return code;
	ro = !cmd_can_write(o->db); /* a reader (the cron user): no snapshot then */
	code = cmd_open_store(o, false, ro, &st);
	if (code) {
		lifecycle_free(lc);
		return code;
	}
	if (!ro)
		report_snapshot_today(st);
	buf_init(&out, REPORT_MAX_OUTPUT);
	rc = o->fees ? campaign_bands_load(o->fees, &bands, err) : FC_OK;
	o->report.bands = bands;
	if (rc == FC_OK)
		rc = report_run(st, lc, &o->report, &out, err);
	campaign_bands_free(bands);
	store_close(st);
	lifecycle_free(lc);
	if (rc) {
		kind_len = strlen(o->args[0]);
		if (!strncmp(err, o->args[0], kind_len) &&
		    err[kind_len] == ':') /* no doubled kind */
			LOG_ERR("report %s", err);
		else
			LOG_ERR("report %s: %s", o->args[0], err);
		code = cmd_exit_for(rc);
	} else if (o->output) {
		code = write_output(o->output, &out);
	} else if (out.len && fwrite(out.ptr, 1, out.len, o->out) != out.len) {
		code = EXIT_IOERR;
	}
	buf_release(&out);
	return o->output ? code : cmd_flush(o, code);
}
