/* http_reports.c - GET /api/v1/reports/KIND?format=&as_of=&window=&org=&
 * by=&horizon_months=&min_cell=&split=&name=&version=&product=&from=&to=&host=&
 * software=: the
 * reports of report.c, the same output as the CLI. A reader token sees its
 * own organisation only (org is forced to it); an admin token any. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_priv.h"
#include "log.h"
#include "report.h"
#include "report_params.h"

/* The most a report answer may hold. */
#define HTTP_MAX_REPORT ((size_t)256 << 20)

struct query {
	struct report_opts o;
	char msg[FC_ERRLEN];
	bool bad;
};

static const char *arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* Parses a whole number argument into *out (unchanged when absent). */
static void num_arg(struct MHD_Connection *c, const char *name, long max, long *out,
                    struct query *q)
{
	const char *s = arg(c, name);
	char *end;
	long v;

	if (!s || q->bad)
		return;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max) {
		snprintf(q->msg, sizeof(q->msg), "%s: want a whole number from 0 to %ld", name,
		         max);
		q->bad = true;
		return;
	}
	*out = v;
}

static void date_arg(struct MHD_Connection *c, const char *name, char out[11], struct query *q)
{
	const char *s = arg(c, name);

	if (!s || q->bad)
		return;
	if (strlen(s) != 10) {
		snprintf(q->msg, sizeof(q->msg), "%s: want a date YYYY-MM-DD", name);
		q->bad = true;
		return;
	}
	memcpy(out, s, 11);
}

static enum MHD_Result add_org(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	struct query *q = cls;

	(void)kind;
	if (strcmp(key, "org") || !value)
		return MHD_YES;
	if (q->o.n_orgs == REPORT_MAX_ORGS) {
		snprintf(q->msg, sizeof(q->msg), "org: at most %d", REPORT_MAX_ORGS);
		q->bad = true;
		return MHD_NO;
	}
	q->o.orgs[q->o.n_orgs++] = value;
	return MHD_YES;
}

/* Refuses a parameter that is not one of the report kind's (a misspelt
 * asof= must not give today's table). */
static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct query *q = cls;

	(void)kind;
	(void)value;
	if (report_param_applies(q->o.kind, key))
		return MHD_YES;
	if (report_param_known(key))
		snprintf(q->msg, sizeof(q->msg), "parameter '%.64s' does not apply to %.64s", key,
		         q->o.kind);
	else
		snprintf(q->msg, sizeof(q->msg), "unknown parameter '%.64s'", key);
	q->bad = true;
	return MHD_NO;
}

/* Reads the query string into q->o; q->bad with q->msg on a bad value. */
static void parse_query(struct MHD_Connection *c, struct http_req *r, struct query *q)
{
	const char *format = arg(c, "format");

	report_opts_default(&q->o);
	q->o.kind = r->kind;
	if (report_kind_known(r->kind))
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_param, q);
	if (q->bad)
		return;
	if (!format || !strcmp(format, "json"))
		q->o.format = REPORT_JSON;
	else if (!strcmp(format, "csv"))
		q->o.format = REPORT_CSV;
	else if (!strcmp(format, "table"))
		q->o.format = REPORT_TABLE;
	else {
		snprintf(q->msg, sizeof(q->msg), "format: want json, csv or table");
		q->bad = true;
	}
	date_arg(c, "as_of", q->o.as_of, q);
	date_arg(c, "from", q->o.from, q);
	date_arg(c, "to", q->o.to, q);
	num_arg(c, "window", 36500, &q->o.window_days, q);
	num_arg(c, "horizon_months", 1200, &q->o.horizon_months, q);
	num_arg(c, "min_cell", 1000000, &q->o.min_cell, q);
	q->o.by = arg(c, "by");
	q->o.split = arg(c, "split");
	q->o.name_pattern = arg(c, "name");
	q->o.version_pattern = arg(c, "version");
	q->o.product = arg(c, "product");
	q->o.host_pattern = arg(c, "host");
	q->o.software_pattern = arg(c, "software");
	if (!q->bad)
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_org, q);
	if (!q->bad && r->role == ROLE_READER) {
		q->o.orgs[0] = r->org;
		q->o.n_orgs = 1;
	}
}

/* Names the command line's options in err (--as-of, --min-cell) by their
 * parameter names (as_of, min_cell), in place. */
static void param_names(char *err)
{
	char *p = err, *w = err;
	bool opt = false;

	for (; *p; p++) {
		if (p[0] == '-' && p[1] == '-' && (p == err || p[-1] == ' ' || p[-1] == ',')) {
			opt = true;
			p++;
			continue;
		}
		if (opt && *p == '-')
			*w++ = '_';
		else
			*w++ = *p;
		if (*p == ' ' || *p == ':' || *p == ',')
			opt = false;
	}
	*w = '\0';
}

static unsigned status_for(enum fc_rc rc)
{
	switch (rc) {
	case FC_EUSAGE: return MHD_HTTP_BAD_REQUEST;
	case FC_ENOENT: return MHD_HTTP_NOT_FOUND;
	case FC_EBUSY: return MHD_HTTP_SERVICE_UNAVAILABLE;
	default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

static const char *ctype_for(enum report_format f)
{
	if (f == REPORT_CSV)
		return "text/csv; charset=utf-8; header=present";
	return f == REPORT_JSON ? "application/json" : "text/plain; charset=utf-8";
}

enum MHD_Result http_reports(struct http_server *srv, struct MHD_Connection *c, struct http_req *r)
{
	struct query q;
	char err[FC_ERRLEN] = "";
	unsigned status;
	struct buf out;
	enum fc_rc rc;
	enum MHD_Result ret;

	memset(&q, 0, sizeof(q));
	status = http_authenticate(srv, c, r, q.msg);
	if (status)
		return http_reply_error(c, r, status, q.msg);
	if (r->role != ROLE_READER && r->role != ROLE_ADMIN)
		return http_reply_error(c, r, MHD_HTTP_FORBIDDEN,
		                        "an agent token cannot read reports (use a reader or "
		                        "admin token)");
	parse_query(c, r, &q);
	if (q.bad)
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, q.msg);
	if (!srv->cfg->lifecycle)
		return http_reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		                        "the server has no lifecycle catalogue");
	buf_init(&out, HTTP_MAX_REPORT);
	pthread_mutex_lock(&srv->store_lock);
	report_snapshot_today(srv->st);
	rc = report_run(srv->st, srv->cfg->lifecycle, &q.o, &out, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (rc == FC_OK) {
		ret = http_reply_take(c, r, MHD_HTTP_OK, ctype_for(q.o.format), &out);
	} else {
		if (rc != FC_EUSAGE && rc != FC_ENOENT)
			LOG_ERR("report %s: %s", r->kind, err);
		param_names(err);
		ret = http_reply_error(c, r, status_for(rc),
		                       rc == FC_EUSAGE || rc == FC_ENOENT ? err : "internal error");
	}
	buf_release(&out);
	return ret;
}
