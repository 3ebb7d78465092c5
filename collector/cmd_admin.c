/* cmd_admin.c - the collector's housekeeping commands: organisations,
 * tokens, retention (prune), reclassify, snapshot. */
#include "cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "fctime.h"
#include "log.h"
#include "store.h"
#include "textesc.h"

static void show_time(int64_t t, char out[32])
{
	if (!t || !fctime_format_rfc3339(t, out))
		snprintf(out, 32, "never");
}

int cmd_org_add(struct cmd_opts *o)
{
	char token[AUTH_TOKEN_LEN + 1], err[FC_ERRLEN] = "", err2[FC_ERRLEN] = "";
	struct store *st = NULL;
	int64_t org_id = 0, id;
	enum fc_rc rc;
	int code = cmd_open_store(o, true, false, &st);

	if (code)
		return code;
	rc = store_org_add(st, o->args[0], &org_id, err);
	if (rc == FC_OK) {
		rc = store_token_make(st, ROLE_AGENT, org_id, "", 0, token, &id, err);
		if (rc && store_org_remove(st, o->args[0], true, err2) != FC_OK)
			LOG_ERR("organisation '%s' was created without a token: %s", o->args[0],
			        err2);
	}
	store_close(st);
	if (rc) {
		LOG_ERR("org add '%s': %s", o->args[0], err);
		return cmd_exit_for(rc);
	}
	fprintf(o->out, "%s\n", token);
	return cmd_flush(o, EXIT_DONE);
}

static enum fc_rc print_org(const struct store_org *org, void *ctx)
{
	FILE *out = ctx;
	char created[32];

	show_time(org->created, created);
	fprintf(out, "%s\t%" PRId64 "\t%s\n", org->name, org->machines, created);
	return FC_OK;
}

int cmd_org_list(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = cmd_open_store(o, false, true, &st);

	if (code)
		return code;
	fprintf(o->out, "NAME\tMACHINES\tCREATED\n");
	rc = store_org_each(st, print_org, o->out, err);
	store_close(st);
	if (rc) {
		LOG_ERR("org list: %s", err);
		return cmd_flush(o, cmd_exit_for(rc));
	}
	return cmd_flush(o, EXIT_DONE);
}

int cmd_org_rename(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = cmd_open_store(o, false, false, &st);

	if (code)
		return code;
	rc = store_org_rename(st, o->args[0], o->args[1], err);
	store_close(st);
	if (rc) {
		LOG_ERR("org rename '%s': %s", o->args[0], err);
		return cmd_exit_for(rc);
	}
	return EXIT_DONE;
}

int cmd_org_remove(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = cmd_open_store(o, false, false, &st);

	if (code)
		return code;
	rc = store_org_remove(st, o->args[0], o->force, err);
	store_close(st);
	if (rc == FC_EEXIST && !o->force)
		LOG_ERR("org remove '%s': %s (--force removes it with its machines)", o->args[0],
		        err);
	else if (rc)
		LOG_ERR("org remove '%s': %s", o->args[0], err);
	return cmd_exit_for(rc);
}

/* ---- token ---- */

int cmd_token_add(struct cmd_opts *o)
{
	char token[AUTH_TOKEN_LEN + 1], err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum token_role role;
	int64_t org_id = 0, id = 0, expires = 0;
	enum fc_rc rc = FC_OK;
	int code;

	if (!o->role) {
		LOG_ERR("token add: --role ROLE is needed (agent, reader or admin)");
		return EXIT_USAGE;
	}
	if (!auth_role_parse(o->role, &role))
		return cmd_bad_value("role", o->role, "agent, reader or admin");
	if ((role == ROLE_ADMIN) != !o->org) {
		LOG_ERR("token add: %s", role == ROLE_ADMIN ? "an admin token has no --org"
		                                            : "--org NAME is needed");
		return EXIT_USAGE;
	}
	if (o->expires && (!fctime_parse_date(o->expires, &expires) || strlen(o->expires) != 10))
		return cmd_bad_value("expires", o->expires, "a date YYYY-MM-DD");
	if (o->expires)
		expires += 86400; /* valid through that day (UTC) */
	code = cmd_open_store(o, true, false, &st);
	if (code)
		return code;
	if (o->org)
		rc = store_org_find(st, o->org, &org_id, err);
	if (rc == FC_OK)
		rc = store_token_make(st, role, org_id, o->label, expires, token, &id, err);
	store_close(st);
	if (rc) {
		LOG_ERR("token add: %s", rc == FC_ENOENT && o->org ? "no such organisation" : err);
		return cmd_exit_for(rc);
	}
	fprintf(o->out, "%s\n", token);
	return cmd_flush(o, EXIT_DONE);
}

static enum fc_rc print_token(const struct store_token *t, void *ctx)
{
	FILE *out = ctx;
	char created[32], used[32], expires[32];
	int64_t now = (int64_t)time(NULL);

	show_time(t->created, created);
	show_time(t->last_used, used);
	show_time(t->expires, expires);
	fprintf(out, "%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t->id, auth_role_name(t->role),
	        t->org_name ? t->org_name : "-", created, used, expires,
	        t->label && t->label[0] ? t->label : "-",
	        t->revoked                        ? "revoked"
	        : t->expires && t->expires <= now ? "expired"
	                                          : "active");
	return FC_OK;
}

/* What cmd_token_revoke says about the token it revoked. */
struct token_about {
	int64_t id;
	char text[FC_ERRLEN];
};

static enum fc_rc about_token(const struct store_token *t, void *ctx)
{
	struct token_about *a = ctx;

	if (t->id == a->id)
		snprintf(a->text, sizeof(a->text), " (%s%s%s%s%s)", auth_role_name(t->role),
		         t->org_name ? ", " : "", t->org_name ? t->org_name : "",
		         t->label && t->label[0] ? ", " : "", t->label ? t->label : "");
	return FC_OK;
}

int cmd_token_list(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = cmd_open_store(o, false, true, &st);

	if (code)
		return code;
	fprintf(o->out, "ID\tROLE\tORG\tCREATED\tLAST_USED\tEXPIRES\tLABEL\tSTATE\n");
	rc = store_token_each(st, print_token, o->out, err);
	store_close(st);
	if (rc) {
		LOG_ERR("token list: %s", err);
		return cmd_flush(o, cmd_exit_for(rc));
	}
	return cmd_flush(o, EXIT_DONE);
}

int cmd_token_revoke(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "", *end;
	struct token_about about = {0, ""};
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
	about.id = (int64_t)id;
	code = cmd_open_store(o, false, false, &st);
	if (code)
		return code;
	rc = store_token_revoke(st, (int64_t)id, err);
	if (rc == FC_OK && store_token_each(st, about_token, &about, err) != FC_OK)
		about.text[0] = '\0';
	store_close(st);
	if (rc) {
		LOG_ERR("token revoke %lld: %s", id, rc == FC_ENOENT ? "no such token" : err);
		return cmd_exit_for(rc);
	}
	if (!o->quiet)
		textesc_printf(o->out, "token %lld revoked%s", id, about.text);
	return cmd_flush(o, EXIT_DONE);
}

/* Retention: forgets the metadata of reports received more than DAYS days
 * ago. The machines and their newest facts stay. */
int cmd_prune(struct cmd_opts *o)
{
	struct store *st = NULL;
	char *end, err[FC_ERRLEN];
	long days;
	int64_t deleted = 0;
	enum fc_rc rc;
	int code;

	errno = 0;
	days = strtol(o->args[0], &end, 10);
	if (errno || end == o->args[0] || *end || days < 1 || days > 36500) {
		LOG_ERR("prune: DAYS: '%s' is not a whole number from 1 to 36500", o->args[0]);
		return EXIT_USAGE;
	}
	code = cmd_open_store(o, false, false, &st);
	if (code)
		return code;
	rc = store_prune_reports(st, (int64_t)time(NULL) - (int64_t)days * 86400, &deleted, err);
	store_close(st);
	if (rc) {
		LOG_ERR("prune: %s", err);
		return cmd_exit_for(rc);
	}
	if (!o->quiet)
		fprintf(o->out, "%lld report record%s older than %ld day%s removed\n",
		        (long long)deleted, deleted == 1 ? "" : "s", days, days == 1 ? "" : "s");
	return cmd_flush(o, 0);
}

int cmd_reclassify(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	int64_t changed = 0;
	enum fc_rc rc;
	int code;

	code = cmd_open_store(o, false, false, &st);
	if (code)
		return code;
	rc = store_reclassify(st, &changed, err);
	store_close(st);
	if (rc) {
		LOG_ERR("reclassify: %s", err);
		return cmd_exit_for(rc);
	}
	if (!o->quiet)
		fprintf(o->out, "%lld machines changed\n", (long long)changed);
	return cmd_flush(o, EXIT_DONE);
}

int cmd_snapshot(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "", date[FCTIME_DATE_LEN];
	struct store *st = NULL;
	int64_t now = (int64_t)time(NULL);
	bool taken = false;
	enum fc_rc rc;
	int code;

	if (!fctime_format_date(now, date))
		return EXIT_SOFTWARE;
	code = cmd_open_store(o, false, false, &st);
	if (code)
		return code;
	rc = store_snapshot(st, date, now - STORE_SNAPSHOT_WINDOW, true, &taken, err);
	store_close(st);
	if (rc) {
		LOG_ERR("snapshot: %s", err);
		return cmd_exit_for(rc);
	}
	return EXIT_DONE;
}

/* backup FILE: a consistent copy of the database, safe while serve runs. */
int cmd_backup(struct cmd_opts *o)
{
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	enum fc_rc rc;
	int code = cmd_open_store(o, false, !cmd_can_write(o->db), &st);

	if (code)
		return code;
	rc = store_backup(st, o->args[0], o->force, err);
	store_close(st);
	if (rc) {
		LOG_ERR("backup: %s", err);
		return rc == FC_EIO || rc == FC_EEXIST || rc == FC_EUSAGE ? EXIT_CANTCREAT
		                                                          : cmd_exit_for(rc);
	}
	if (!o->quiet)
		textesc_printf(o->out, "backup of '%s' written to '%s'", o->db, o->args[0]);
	return cmd_flush(o, EXIT_DONE);
}

/* machine delete|move: finds --org and, for a move, --to, then runs. */
static int machine_change(struct cmd_opts *o, bool move)
{
	char err[FC_ERRLEN] = "", id[37] = "";
	const char *what = move ? "machine move" : "machine delete";
	struct store *st = NULL;
	int64_t org_id = 0, to_id = 0;
	enum fc_rc rc;
	int code;

	if (!o->org || (move && !o->to)) {
		LOG_ERR("%s: %s", what, !o->org ? "--org NAME is needed" : "--to ORG is needed");
		return EXIT_USAGE;
	}
	code = cmd_open_store(o, false, false, &st);
	if (code)
		return code;
	rc = store_org_find(st, o->org, &org_id, err);
	if (!rc && move)
		rc = store_org_find(st, o->to, &to_id, err);
	if (!rc && move && to_id == org_id) {
		snprintf(err, sizeof(err), "--to names the machine's own organisation");
		rc = FC_EUSAGE;
	}
	if (!rc)
		rc = move ? store_machine_move(st, org_id, o->args[0], to_id, id, err)
		          : store_machine_delete(st, org_id, o->args[0], id, err);
	store_close(st);
	if (rc) {
		LOG_ERR("%s: %s", what, err);
		return cmd_exit_for(rc);
	}
	if (!o->quiet && move)
		textesc_printf(o->out, "machine %s moved from '%s' to '%s'", id, o->org, o->to);
	else if (!o->quiet)
		textesc_printf(o->out, "machine %s deleted from '%s'", id, o->org);
	return cmd_flush(o, EXIT_DONE);
}

int cmd_machine_delete(struct cmd_opts *o)
{
	return machine_change(o, false);
}

int cmd_machine_move(struct cmd_opts *o)
{
	return machine_change(o, true);
}
