/* import_source.c - import --source KIND (import_source.h). */
#include "import_source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "import.h"
#include "log.h"
#include "source.h"
#include "store_sighting.h"
#include "xalloc.h"

/* The options in values; FC_EUSAGE (logged) when one is wrong. */
static enum fc_rc parse_opts(const struct import_source_opts *o, const struct source_kind **kind,
                             enum source_date_order *order, int64_t *window)
{
	char *end;
	long days;

	*kind = source_kind_find(o->kind);
	if (!*kind) {
		LOG_ERR("import: --source '%s': not one of ad-csv, sccm-csv, intune-csv, "
		        "intune-json, ldap",
		        o->kind);
		return FC_EUSAGE;
	}
	if (!strcmp((*kind)->name, "ldap") != (o->ldap.url != NULL)) {
		LOG_ERR("import: %s", o->ldap.url ? "--ldap-url is for --source ldap only"
		                                  : "--source ldap needs --ldap-url");
		return FC_EUSAGE;
	}
	if (o->ldap.url && (!o->ldap.base || !o->ldap.password_file || !o->ldap.bind_dn)) {
		LOG_ERR("import: --source ldap needs --ldap-base, --ldap-bind-dn and "
		        "--ldap-password-file");
		return FC_EUSAGE;
	}
	if (!o->ldap.url && (o->ldap.base || o->ldap.password_file || o->ldap.bind_dn ||
	                     o->ldap.filter || o->ldap.ca_file || o->ldap.starttls)) {
		LOG_ERR("import: the --ldap-* options are for --source ldap only");
		return FC_EUSAGE;
	}
	*order = SOURCE_DATE_UNSET;
	if (o->date_order && !strcmp(o->date_order, "dmy"))
		*order = SOURCE_DATE_DMY;
	else if (o->date_order && !strcmp(o->date_order, "mdy"))
		*order = SOURCE_DATE_MDY;
	else if (o->date_order) {
		LOG_ERR("import: --date-order '%s': dmy or mdy", o->date_order);
		return FC_EUSAGE;
	}
	*window = STORE_DIRECTORY_WINDOW;
	if (o->dir_window) {
		errno = 0;
		days = strtol(o->dir_window, &end, 10);
		if (errno || end == o->dir_window || *end || days < 1 || days > 3650) {
			LOG_ERR("import: --directory-window '%s': days from 1 to 3650",
			        o->dir_window);
			return FC_EUSAGE;
		}
		*window = (int64_t)days * 86400;
	}
	return FC_OK;
}

/* Reads one file's rows and appends them to *all. */
static enum fc_rc read_file(const char *path, const struct source_kind *kind,
                            enum source_date_order order, bool follow, struct sighting **all,
                            size_t *n)
{
	char err[FC_ERRLEN] = "";
	struct sighting *rows = NULL;
	struct buf body;
	size_t k = 0;
	enum fc_rc rc;

	buf_init(&body, IMPORT_SOURCE_MAX_BYTES);
	rc = import_read(path, follow, &body, err);
	if (rc) {
		LOG_ERR("%s: %s", path, err);
		goto out_release;
	}
	rc = source_read(kind, path, body.ptr ? body.ptr : "", body.len, order, &rows, &k, err);
	if (rc) {
		LOG_ERR("%s", err);
		goto out_release;
	}
	if (*n + k > SOURCE_MAX_ROWS) {
		LOG_ERR("%s: more than %d rows in the files of one import", path, SOURCE_MAX_ROWS);
		source_rows_free(rows, k);
		rc = FC_ELIMIT;
		goto out_release;
	}
	*all = xrealloc(*all, (*n + k + 1) * sizeof(**all));
	memcpy(*all + *n, rows, k * sizeof(*rows));
	*n += k;
	free(rows);
out_release:
	buf_release(&body);
	return rc;
}

enum fc_rc import_source(struct store *st, int64_t org_id, const struct import_source_opts *o,
                         char *const *paths, int n, FILE *out, bool *store_failed)
{
	const struct source_kind *kind;
	enum source_date_order order;
	struct store_sight_result res;
	struct sighting *all = NULL;
	char err[FC_ERRLEN] = "";
	size_t nrows = 0;
	int64_t window;
	enum fc_rc rc;
	int i;

	*store_failed = false;
	rc = parse_opts(o, &kind, &order, &window);
	if (!rc && o->ldap.url && n) {
		LOG_ERR("import: --source ldap reads its server, not '%s'", paths[0]);
		rc = FC_EUSAGE;
	} else if (!rc && o->ldap.url) {
		rc = source_ldap_read(&o->ldap, &all, &nrows, err);
		if (rc)
			LOG_ERR("import: %s", err);
	}
	for (i = 0; !rc && i < n; i++)
		rc = read_file(paths[i], kind, order, o->follow_symlinks, &all, &nrows);
	if (!rc) {
		rc = store_sightings_replace(st, org_id, kind->name, kind->evidence, all, nrows,
		                             (int64_t)time(NULL), window, &res, err);
		*store_failed = rc != FC_OK;
		if (rc)
			LOG_ERR("import: %s", err);
	}
	if (!rc && out) /* NULL: --quiet */
		fprintf(out,
		        "%s: %zu rows, %zu counted, %zu matched to agent machines, %zu ambiguous, "
		        "%zu removed\n",
		        kind->name, res.rows, res.counted, res.agent, res.ambiguous, res.removed);
	source_rows_free(all, nrows);
	return rc;
}
