/* report.c - the collector's reports (docs/reports.md): machines, counts,
 * tender, software, stale, trend, readiness. Rows come from the store (machines one by one,
 * or counts grouped by SQL), support status from the lifecycle catalogue;
 * the writer (report_writer.c) renders them. */
#include "report.h"
#include "report_int.h"
#include "report_coverage.h"
#include "store_sighting.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign.h"
#include "fctime.h"
#include "log.h"
#include "xalloc.h"

#define SECONDS_PER_DAY 86400
#define MAX_WINDOW_DAYS 36500L
#define MAX_HORIZON_MONTHS 1200L

static void seterr(char *err, const char *msg, const char *arg)
{
	if (err)
		snprintf(err, FC_ERRLEN, "%s%s%s%s", msg, arg ? " '" : "", arg ? arg : "",
		         arg ? "'" : "");
}

void report_opts_default(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = "machines";
	o->format = REPORT_TABLE;
	o->window_days = 30;
}

/* ---- dates ---- */

/* Parses "YYYY-MM-DD" (a real calendar date, 1970 or later) into the Unix
 * time of its 00:00:00 UTC. */
static bool date_parse(const char *s, int64_t *t)
{
	int64_t day;

	if (!fctime_parse_date(s, &day) || day < 0)
		return false;
	*t = day;
	return true;
}

/* as_of plus months, the day clamped to the end of the month. */
static void date_add_months(const char *as_of, long months, char out[11])
{
	int y, m, d, last;
	long mm;

	snprintf(out, 11, "%s", as_of);
	if (sscanf(as_of, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return;
	mm = (long)y * 12 + (m - 1) + months;
	y = (int)(mm / 12);
	m = (int)(mm % 12) + 1;
	last = fctime_days_in_month(y, m);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d > last ? last : d);
}

void report_snapshot_today(struct store *st)
{
	char err[FC_ERRLEN] = "", date[FCTIME_DATE_LEN];
	int64_t now = (int64_t)time(NULL);
	bool taken;

	if (!fctime_format_date(now, date))
		return;
	if (store_snapshot(st, date, now - STORE_SNAPSHOT_WINDOW, false, &taken, err))
		LOG_DEBUG("no daily snapshot: %s", err);
}

/* ---- grouping in C ---- */

#define AGG_MAX_KEYS 8

/* Rows of nkeys strings and a count, merged on equal keys after sorting. */
struct agg {
	size_t nkeys;
	struct agg_row {
		char *keys[AGG_MAX_KEYS]; /* the first nkeys set, the others NULL */
		int64_t n;
	} * rows;
	size_t n, cap;
};

static void agg_add(struct agg *a, const char *const *keys, int64_t n)
{
	struct agg_row *r;
	size_t i;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->rows = xrealloc(a->rows, a->cap * sizeof(*a->rows));
	}
	assert(a->nkeys <= AGG_MAX_KEYS);
	r = &a->rows[a->n++];
	memset(r->keys, 0, sizeof(r->keys));
	for (i = 0; i < a->nkeys; i++)
		r->keys[i] = xstrdup(keys[i]);
	r->n = n;
}

/* Compares two rows' keys (the rows of one agg have as many). */
static int agg_cmp(const void *pa, const void *pb)
{
	const struct agg_row *a = pa, *b = pb;
	size_t i;
	int c;

	for (i = 0; i < AGG_MAX_KEYS && a->keys[i] && b->keys[i]; i++) {
		c = strcmp(a->keys[i], b->keys[i]);
		if (c)
			return c;
	}
	return 0;
}

/* Non-zero when a and b differ in their first n keys. */
static int agg_cmp_prefix(const struct agg_row *a, const struct agg_row *b, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		c = strcmp(a->keys[i], b->keys[i]);
		if (c)
			return c;
	}
	return 0;
}

static void agg_row_free(struct agg *a, struct agg_row *r)
{
	size_t i;

	for (i = 0; i < a->nkeys; i++)
		free(r->keys[i]);
}

/* Sorts the rows by their keys and merges equal ones, adding their counts. */
static void agg_finish(struct agg *a)
{
	size_t i, o = 0;

	if (a->n > 1)
		qsort(a->rows, a->n, sizeof(*a->rows), agg_cmp);
	for (i = 0; i < a->n; i++) {
		if (o && agg_cmp(&a->rows[o - 1], &a->rows[i]) == 0) {
			a->rows[o - 1].n += a->rows[i].n;
			agg_row_free(a, &a->rows[i]);
		} else {
			a->rows[o++] = a->rows[i];
		}
	}
	a->n = o;
}

static void agg_release(struct agg *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		agg_row_free(a, &a->rows[i]);
	free(a->rows);
	a->rows = NULL;
	a->n = a->cap = 0;
}

/* ---- the run's context ---- */

struct run {
	struct store *st;
	const struct lifecycle *lc;
	const struct report_opts *o;
	char as_of[11];
	int64_t since; /* machines last seen before this are stale */
	int64_t org_id; /* the one --org, else 0 */
	struct buf *out;
	struct writer w;
	struct agg agg;
	char *err;
};

/* True when the organisation passes the --org filter. */
static bool org_wanted(const struct run *r, const char *org)
{
	size_t i;

	if (r->o->n_orgs <= 1)
		return true;
	for (i = 0; i < r->o->n_orgs; i++)
		if (!strcmp(r->o->orgs[i], org))
			return true;
	return false;
}

/* The support status of a product, edition and feature release (Windows
 * 10/11 releases have their own dates) at date. */
static enum support_status os_status(const struct run *r, const char *product, const char *edition,
                                     const char *release, const char *date, char end[11])
{
	end[0] = '\0';
	if (!product[0])
		return SUPPORT_UNKNOWN;
	return lifecycle_status_release(r->lc, "os", product, edition, release, date, end);
}

/* ---- machines, stale ---- */

static const char *const machines_cols[] = {
    "org",        "machine",        "hostname",    "last_seen", "os_family",  "os_id",
    "os_product", "os_edition",     "os_version",  "os_build",  "os_release", "os_service_pack",
    "arch",       "support_status", "support_end", "evidence",  "agent"};

/* The other agent that sent a machine's facts ("FusionInventory-Agent 2.6"),
 * from the "peer" object peer_glpi.c stores in os_json (its name and
 * version never hold a quote or a backslash); "" for ours. */
static void peer_agent(const char *os_json, char out[130])
{
	static const char key[] = "\"peer\":{\"agent\":\"";
	const char *p = os_json ? strstr(os_json, key) : NULL, *v;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += sizeof(key) - 1;
	n = strcspn(p, "\"");
	if (n > 64)
		return;
	memcpy(out, p, n);
	out[n] = '\0';
	v = strstr(p + n, "\"version\":\"");
	if (v && v - (p + n) < 4) {
		v += 11;
		snprintf(out + n, 130 - n, "%s%.*s", n ? " " : "", (int)strcspn(v, "\""), v);
	}
}

static enum fc_rc machine_row(const struct store_machine *m, void *ctx)
{
	struct run *r = ctx;
	char seen[21], end[11], agent[130];
	const char *v[17];
	enum support_status s;

	if (!org_wanted(r, m->org) || m->last_seen < r->since)
		return FC_OK;
	(void)fctime_format_rfc3339(m->last_seen, seen); /* "" past 9999 */
	s = os_status(r, m->os_product, m->os_edition, m->os_release, r->as_of, end);
	v[0] = m->org;
	v[1] = m->machine;
	v[2] = m->hostname;
	v[3] = seen;
	v[4] = m->os_family;
	v[5] = m->os_id;
	v[6] = m->os_product;
	v[7] = m->os_edition;
	v[8] = m->os_version;
	v[9] = m->os_build;
	v[10] = m->os_release;
	v[11] = m->os_service_pack;
	v[12] = m->arch;
	v[13] = support_status_name(s);
	v[14] = end;
	v[15] = m->evidence;
	peer_agent(m->os_json, agent);
	v[16] = agent;
	return report_writer_put(&r->w, v, NULL);
}

static const char *const stale_cols[] = {"org",       "machine",    "hostname",
                                         "last_seen", "os_product", "evidence"};

static enum fc_rc stale_row(const struct store_machine *m, void *ctx)
{
	struct run *r = ctx;
	char seen[21];
	const char *v[6];

	/* not seen within the window, or seen by no agent (where to deploy next) */
	if (!org_wanted(r, m->org) || (m->last_seen >= r->since && !strcmp(m->evidence, "agent")))
		return FC_OK;
	(void)fctime_format_rfc3339(m->last_seen, seen); /* "" past 9999 */
	v[0] = m->org;
	v[1] = m->machine;
	v[2] = m->hostname;
	v[3] = seen;
	v[4] = m->os_product;
	v[5] = m->evidence;
	return report_writer_put(&r->w, v, NULL);
}

static enum fc_rc run_machines(struct run *r, bool stale)
{
	enum fc_rc rc;

	report_writer_init(&r->w, r->o->format, r->out, stale ? stale_cols : machines_cols,
	                   stale ? 6 : 17);
	rc = report_writer_header(&r->w);
	if (rc == FC_OK)
		rc =
		    store_machine_find(r->st, r->org_id, r->o->host_pattern, r->o->software_pattern,
		                       stale ? stale_row : machine_row, r, r->err);
	return report_writer_end(&r->w, rc);
}

/* ---- readiness ---- */

static const char *const readiness_cols[] = {
    "org",        "machine", "hostname",      "os_product",   "os_edition",
    "os_release", "win11",   "win11_reasons", "esu_eligible", "esu_licensed",
    "cpu",        "chassis", "bios_date"};
#define N_READINESS_COLS (sizeof(readiness_cols) / sizeof(readiness_cols[0]))

static enum fc_rc readiness_row(const struct store_ready_machine *m, void *ctx)
{
	struct run *r = ctx;
	const char *v[N_READINESS_COLS];

	if (!org_wanted(r, m->org) || m->last_seen < r->since)
		return FC_OK;
	v[0] = m->org;
	v[1] = m->machine;
	v[2] = m->hostname;
	v[3] = m->os_product;
	v[4] = m->os_edition;
	v[5] = m->os_release;
	v[6] = m->win11;
	v[7] = m->win11_reasons;
	v[8] = m->esu_eligible;
	v[9] = m->esu_licensed;
	v[10] = m->cpu;
	v[11] = m->chassis;
	v[12] = m->bios_date;
	return report_writer_put(&r->w, v, NULL);
}

static enum fc_rc run_readiness(struct run *r)
{
	enum fc_rc rc;

	report_writer_init(&r->w, r->o->format, r->out, readiness_cols, N_READINESS_COLS);
	rc = report_writer_header(&r->w);
	if (rc == FC_OK)
		rc = store_ready_each(r->st, r->org_id, readiness_row, r, r->err);
	return report_writer_end(&r->w, rc);
}

/* ---- counts ---- */

/* The fields of --by; size_band comes from the organisation's population
 * and a fee schedule (--fees); those from FIRST_READY_FIELD on are the
 * readiness verdicts and the BIOS year, the last (store_ready_groups). */
static const char *const count_fields[] = {
    "org",       "os_family", "os_product",   "os_edition", "os_release", "arch", "support_status",
    "size_band", "win11",     "esu_eligible", "bios_year",  "evidence"};
#define N_COUNT_FIELDS (sizeof(count_fields) / sizeof(count_fields[0]))
#define EVIDENCE_FIELD 11
#define SIZE_BAND_FIELD 7
#define FIRST_READY_FIELD 8

struct counts {
	struct run *run;
	size_t field[N_COUNT_FIELDS]; /* indexes into count_fields, in --by order */
	size_t nfields;
};

/* Parses --by into c->field, each name checked against count_fields. */
static enum fc_rc counts_parse(const char *by, struct counts *c, char *err)
{
	char name[32];
	const char *p = by, *e;
	size_t i, k, len;

	c->nfields = 0;
	while (*p) {
		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		snprintf(name, sizeof(name), "%.*s", (int)(len < 31 ? len : 31), p);
		for (i = 0; i < N_COUNT_FIELDS && (len >= 31 || strcmp(name, count_fields[i])); i++)
			;
		if (i == N_COUNT_FIELDS) {
			seterr(err,
			       "--by: want org, os_family, os_product, os_edition, os_release, "
			       "arch, support_status, size_band, win11, esu_eligible or bios_year "
			       "(or evidence), not",
			       name);
			return FC_EUSAGE;
		}
		for (k = 0; k < c->nfields; k++)
			if (c->field[k] == i) {
				seterr(err, "--by: a field given twice:", name);
				return FC_EUSAGE;
			}
		c->field[c->nfields++] = i;
		p = e ? e + 1 : p + len;
	}
	if (!c->nfields) {
		seterr(err, "--by: no field given", NULL);
		return FC_EUSAGE;
	}
	for (k = 0; k < c->nfields; k++)
		if (c->field[k] == SIZE_BAND_FIELD && !c->run->o->bands) {
			seterr(err, "--by size_band: needs --fees FILE (a fee schedule)", NULL);
			return FC_EUSAGE;
		}
	return FC_OK;
}

static enum fc_rc counts_group(const struct store_class_group *g, void *ctx)
{
	struct counts *c = ctx;
	const char *all[N_COUNT_FIELDS], *keys[N_COUNT_FIELDS];
	char end[11], band[128];
	size_t i;

	if (!org_wanted(c->run, g->org))
		return FC_OK;
	all[0] = g->org;
	all[1] = g->os_family;
	all[2] = g->os_product;
	all[3] = g->os_edition;
	all[4] = g->os_release;
	all[5] = g->arch;
	all[6] = support_status_name(
	    os_status(c->run, g->os_product, g->os_edition, g->os_release, c->run->as_of, end));
	all[7] = "";
	if (c->run->o->bands && campaign_size_band(c->run->st, c->run->o->bands, g->org, band,
	                                           sizeof(band), c->run->err) == FC_OK)
		all[7] = band;
	all[8] = g->win11;
	all[9] = g->esu_eligible;
	all[10] = g->bios_year;
	all[11] = g->evidence ? g->evidence : "";
	for (i = 0; i < c->nfields; i++)
		keys[i] = all[c->field[i]];
	agg_add(&c->run->agg, keys, g->machines);
	return FC_OK;
}

static enum fc_rc run_counts(struct run *r)
{
	const char *cols[N_COUNT_FIELDS + 1], *v[N_COUNT_FIELDS + 1];
	bool num[N_COUNT_FIELDS + 1] = {false};
	struct counts c = {r, {0}, 0};
	char n[24];
	enum fc_rc rc;
	size_t i, k;
	bool ready = false, by_year = false, by_evidence = false;

	rc = counts_parse(r->o->by ? r->o->by : "org,os_product", &c, r->err);
	if (rc)
		return rc;
	for (i = 0; i < c.nfields; i++)
		cols[i] = count_fields[c.field[i]];
	cols[c.nfields] = "machines";
	num[c.nfields] = true;
	r->agg.nkeys = c.nfields;
	for (i = 0; i < c.nfields; i++) {
		by_evidence = by_evidence || c.field[i] == EVIDENCE_FIELD;
		ready = ready || (c.field[i] >= FIRST_READY_FIELD && c.field[i] != EVIDENCE_FIELD);
		by_year = by_year || c.field[i] == EVIDENCE_FIELD - 1;
	}
	if (by_evidence && ready) {
		seterr(r->err, "--by evidence: not with win11, esu_eligible or bios_year", NULL);
		return FC_EUSAGE;
	}
	rc = by_evidence
	         ? store_evidence_groups(r->st, r->org_id, r->since, counts_group, &c, r->err)
	     : ready
	         ? store_ready_groups(r->st, r->org_id, r->since, by_year, counts_group, &c, r->err)
	         : store_class_groups(r->st, r->org_id, r->since, counts_group, &c, r->err);
	if (rc)
		return rc;
	agg_finish(&r->agg);
	report_writer_init(&r->w, r->o->format, r->out, cols, c.nfields + 1);
	rc = report_writer_header(&r->w);
	for (i = 0; rc == FC_OK && i < r->agg.n; i++) {
		for (k = 0; k < c.nfields; k++)
			v[k] = r->agg.rows[i].keys[k];
		snprintf(n, sizeof(n), "%lld", (long long)r->agg.rows[i].n);
		v[c.nfields] = n;
		rc = report_writer_put(&r->w, v, num);
	}
	return report_writer_end(&r->w, rc);
}

/* ---- tender ---- */

static const char *const tender_cols[] = {"org",  "os_product",     "os_edition",  "os_release",
                                          "arch", "support_status", "support_end", "machines"};
/* With --split win11: the verdict after arch. */
static const char *const tender_split_cols[] = {
    "org",   "os_product",     "os_edition",  "os_release", "arch",
    "win11", "support_status", "support_end", "machines"};

/* The keys of a tender row: product, edition, release, arch, [win11,] org;
 * a line is the rows that share all but the last. */
static enum fc_rc tender_group(const struct store_class_group *g, void *ctx)
{
	struct run *r = ctx;
	const char *keys[6];
	size_t k = 4;

	if (!org_wanted(r, g->org) || !g->os_product[0])
		return FC_OK;
	keys[0] = g->os_product;
	keys[1] = g->os_edition;
	keys[2] = g->os_release;
	keys[3] = g->arch;
	if (r->agg.nkeys == 6)
		keys[k++] = g->win11;
	keys[k] = g->org;
	agg_add(&r->agg, keys, g->machines);
	return FC_OK;
}

/* One line of the tender: rows [first, last) of r->agg share product,
 * edition, release and arch. */
struct line {
	size_t first, last;
	const char *status, *end;
	int64_t total, visible;
	size_t hidden;
};

/* The text of a count under --min-cell k: "<k" below k. */
static bool cell_text(int64_t n, long k, char out[24])
{
	if (k > 0 && n < k) {
		snprintf(out, 24, "<%ld", k);
		return false;
	}
	snprintf(out, 24, "%lld", (long long)n);
	return true;
}

static enum fc_rc tender_row(struct run *r, const struct line *l, const char *org,
                             const char *count, bool numeric)
{
	const struct agg_row *a = &r->agg.rows[l->first];
	const char *v[9];
	bool num[9] = {false, false, false, false, false, false, false, false, false};
	size_t k = 5;

	v[0] = org;
	v[1] = a->keys[0];
	v[2] = a->keys[1];
	v[3] = a->keys[2];
	v[4] = a->keys[3];
	if (r->agg.nkeys == 6)
		v[k++] = a->keys[4];
	v[k++] = l->status;
	v[k++] = l->end;
	v[k] = count;
	num[k] = numeric;
	return report_writer_put(&r->w, v, num);
}

/* The organisations' rows of a line, then its ALL row. The ALL total is
 * computed before suppression; it is shown as "<K" when below K, and as
 * ">=K" when any organisation's cell is hidden: the total minus the visible
 * cells would give one hidden cell away, and several when their sum pins
 * them (two hidden cells summing to 2 are both 1). */
static enum fc_rc tender_line(struct run *r, struct line *l)
{
	long k = r->o->min_cell;
	char text[24];
	enum fc_rc rc = FC_OK;
	size_t i;
	bool num;

	for (i = l->first; i < l->last; i++) {
		l->total += r->agg.rows[i].n;
		if (k > 0 && r->agg.rows[i].n < k)
			l->hidden++;
	}
	for (i = l->first; rc == FC_OK && i < l->last; i++) {
		num = cell_text(r->agg.rows[i].n, k, text);
		rc = tender_row(r, l, r->agg.rows[i].keys[r->agg.nkeys - 1], text, num);
	}
	num = cell_text(l->total, k, text);
	if (num && k > 0 && l->hidden > 0) {
		snprintf(text, sizeof(text), ">=%ld", k);
		num = false;
	}
	return rc == FC_OK ? tender_row(r, l, "ALL", text, num) : rc;
}

static enum fc_rc run_tender(struct run *r)
{
	char horizon[11], end[11];
	struct line l;
	enum support_status s;
	enum fc_rc rc;
	size_t i;

	bool split = r->o->split != NULL;

	if (split && strcmp(r->o->split, "win11")) {
		seterr(r->err, "--split: want win11, not", r->o->split);
		return FC_EUSAGE;
	}
	date_add_months(r->as_of, r->o->horizon_months, horizon);
	r->agg.nkeys = split ? 6 : 5;
	rc = split ? store_ready_groups(r->st, r->org_id, r->since, false, tender_group, r, r->err)
	           : store_class_groups(r->st, r->org_id, r->since, tender_group, r, r->err);
	if (rc)
		return rc;
	agg_finish(&r->agg);
	report_writer_init(&r->w, r->o->format, r->out, split ? tender_split_cols : tender_cols,
	                   split ? 9 : 8);
	rc = report_writer_header(&r->w);
	for (i = 0; rc == FC_OK && i < r->agg.n; i = l.last) {
		memset(&l, 0, sizeof(l));
		l.first = i;
		for (l.last = i + 1; l.last < r->agg.n; l.last++)
			if (agg_cmp_prefix(&r->agg.rows[i], &r->agg.rows[l.last], r->agg.nkeys - 1))
				break;
		s = os_status(r, r->agg.rows[i].keys[0], r->agg.rows[i].keys[1],
		              r->agg.rows[i].keys[2], horizon, end);
		if (s != SUPPORT_ESU && s != SUPPORT_EOL)
			continue;
		l.status = support_status_name(s);
		l.end = end;
		rc = tender_line(r, &l);
	}
	return report_writer_end(&r->w, rc);
}

/* ---- software ---- */

static const char *const software_cols[] = {"org",      "software",       "version",
                                            "machines", "support_status", "support_end"};

static enum fc_rc software_row(const struct store_sw_count *c, void *ctx)
{
	struct run *r = ctx;
	const bool num[6] = {false, false, false, true, false, false};
	char n[24], end[11] = "";
	const char *v[6];
	enum support_status s;

	if (!org_wanted(r, c->org))
		return FC_OK;
	s = lifecycle_status(r->lc, "software", c->name, c->version, r->as_of, end);
	snprintf(n, sizeof(n), "%lld", (long long)c->machines);
	v[0] = c->org;
	v[1] = c->name;
	v[2] = c->version;
	v[3] = n;
	v[4] = support_status_name(s);
	v[5] = end;
	return report_writer_put(&r->w, v, num);
}

static enum fc_rc run_software(struct run *r)
{
	enum fc_rc rc;

	if (!r->o->name_pattern || !r->o->name_pattern[0]) {
		seterr(r->err, "software: --name PATTERN is needed", NULL);
		return FC_EUSAGE;
	}
	report_writer_init(&r->w, r->o->format, r->out, software_cols, 6);
	rc = report_writer_header(&r->w);
	if (rc == FC_OK)
		rc = store_software_counts(r->st, r->org_id, r->since, r->o->name_pattern,
		                           r->o->version_pattern, software_row, r, r->err);
	return report_writer_end(&r->w, rc);
}

/* ---- trend ---- */

static const char *const trend_cols[] = {"date", "org", "machines"};

static enum fc_rc trend_row(const struct store_trend_row *t, void *ctx)
{
	struct run *r = ctx;
	const bool num[3] = {false, false, true};
	const char *v[3];
	char n[24];

	if (!org_wanted(r, t->org))
		return FC_OK;
	snprintf(n, sizeof(n), "%lld", (long long)t->machines);
	v[0] = t->date;
	v[1] = t->org;
	v[2] = n;
	return report_writer_put(&r->w, v, num);
}

static enum fc_rc run_trend(struct run *r)
{
	const struct report_opts *o = r->o;
	int64_t t;
	enum fc_rc rc;

	if (!o->product || !o->product[0]) {
		seterr(r->err, "trend: --product P is needed", NULL);
		return FC_EUSAGE;
	}
	if ((o->from[0] && !date_parse(o->from, &t)) || (o->to[0] && !date_parse(o->to, &t))) {
		seterr(r->err, "--from, --to: want a date YYYY-MM-DD", NULL);
		return FC_EUSAGE;
	}
	report_writer_init(&r->w, o->format, r->out, trend_cols, 3);
	rc = report_writer_header(&r->w);
	if (rc == FC_OK)
		rc = store_trend_each(r->st, r->org_id, o->product, o->from,
		                      o->to[0] || !o->as_of[0] ? o->to : r->as_of, trend_row, r,
		                      r->err);
	return report_writer_end(&r->w, rc);
}

/* ---- running a report ---- */

/* Checks the options and sets r's dates and organisation. */
static enum fc_rc run_prepare(struct run *r)
{
	const struct report_opts *o = r->o;
	int64_t day, id = 0;
	enum fc_rc rc;
	size_t i;

	if (!o->as_of[0])
		(void)fctime_format_date((int64_t)time(NULL), r->as_of); /* checked below */
	else
		snprintf(r->as_of, sizeof(r->as_of), "%s", o->as_of);
	if (!date_parse(r->as_of, &day)) {
		seterr(r->err, "--as-of: want a date YYYY-MM-DD, not", o->as_of);
		return FC_EUSAGE;
	}
	if (o->window_days < 0 || o->window_days > MAX_WINDOW_DAYS || o->horizon_months < 0 ||
	    o->horizon_months > MAX_HORIZON_MONTHS || o->min_cell < 0) {
		seterr(r->err,
		       "--window, --horizon-months and --min-cell take a whole number "
		       "in range",
		       NULL);
		return FC_EUSAGE;
	}
	r->since = day - (int64_t)o->window_days * SECONDS_PER_DAY;
	for (i = 0; i < o->n_orgs; i++) {
		rc = store_org_find(r->st, o->orgs[i], &id, r->err);
		if (rc)
			return rc;
	}
	r->org_id = o->n_orgs == 1 ? id : 0;
	return FC_OK;
}

enum fc_rc report_run(struct store *st, const struct lifecycle *lc, const struct report_opts *o,
                      struct buf *out, char *err)
{
	struct run r;
	enum fc_rc rc;

	memset(&r, 0, sizeof(r));
	r.st = st;
	r.lc = lc;
	r.o = o;
	r.out = out;
	r.err = err;
	if (err)
		err[0] = '\0';
	if (o->format != REPORT_TABLE && o->format != REPORT_CSV && o->format != REPORT_JSON) {
		seterr(err, "--format: want table, csv or json", NULL);
		return FC_EUSAGE;
	}
	rc = run_prepare(&r);
	if (rc)
		return rc;
	if (!strcmp(o->kind, "machines"))
		rc = run_machines(&r, false);
	else if (!strcmp(o->kind, "stale"))
		rc = run_machines(&r, true);
	else if (!strcmp(o->kind, "counts"))
		rc = run_counts(&r);
	else if (!strcmp(o->kind, "tender"))
		rc = run_tender(&r);
	else if (!strcmp(o->kind, "software"))
		rc = run_software(&r);
	else if (!strcmp(o->kind, "trend"))
		rc = run_trend(&r);
	else if (!strcmp(o->kind, "readiness"))
		rc = run_readiness(&r);
	else if (!strcmp(o->kind, "coverage"))
		rc = report_coverage(st, o, r.org_id, r.since, out, err);
	else {
		seterr(err,
		       "unknown report kind (want machines, counts, tender, software, trend, "
		       "stale, readiness, coverage):",
		       o->kind);
		rc = FC_EUSAGE;
	}
	agg_release(&r.agg);
	if (rc == FC_ELIMIT)
		seterr(err, "the report exceeds the output limit", NULL);
	return rc;
}

/* ---- for other tables (campaign.c): the writer and the tender's rows ---- */

struct report_writer {
	struct writer w;
	enum fc_rc rc; /* the header's */
};

struct report_writer *report_writer_new(enum report_format fmt, struct buf *out,
                                        const char *const *cols, size_t ncols)
{
	struct report_writer *rw = xcalloc(1, sizeof(*rw));

	assert(ncols <= MAX_COLS);
	report_writer_init(&rw->w, fmt, out, cols, ncols);
	rw->rc = report_writer_header(&rw->w);
	return rw;
}

enum fc_rc report_writer_row(struct report_writer *rw, const char *const *v, const bool *num)
{
	return rw->rc ? rw->rc : report_writer_put(&rw->w, v, num);
}

enum fc_rc report_writer_free(struct report_writer *rw, enum fc_rc rc)
{
	if (!rw)
		return rc;
	rc = report_writer_end(&rw->w, rc ? rc : rw->rc);
	free(rw);
	return rc;
}

void report_add_months(const char *as_of, long months, char out[11])
{
	date_add_months(as_of, months, out);
}

enum fc_rc report_tender_each(struct store *st, const struct lifecycle *lc,
                              const struct report_opts *o, report_tender_cb cb, void *ctx,
                              char *err)
{
	struct report_tender_row row;
	char horizon[11], end[11];
	enum support_status s;
	struct run r;
	enum fc_rc rc;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.st = st;
	r.lc = lc;
	r.o = o;
	r.err = err;
	rc = run_prepare(&r);
	if (rc)
		return rc;
	if (o->split && strcmp(o->split, "win11")) {
		seterr(err, "--split: want win11, not", o->split);
		return FC_EUSAGE;
	}
	date_add_months(r.as_of, o->horizon_months, horizon);
	r.agg.nkeys = o->split ? 6 : 5;
	rc = o->split ? store_ready_groups(st, r.org_id, r.since, false, tender_group, &r, err)
	              : store_class_groups(st, r.org_id, r.since, tender_group, &r, err);
	if (rc == FC_OK)
		agg_finish(&r.agg);
	for (i = 0; rc == FC_OK && i < r.agg.n; i++) {
		s = os_status(&r, r.agg.rows[i].keys[0], r.agg.rows[i].keys[1],
		              r.agg.rows[i].keys[2], horizon, end);
		if (s != SUPPORT_ESU && s != SUPPORT_EOL)
			continue;
		row.os_product = r.agg.rows[i].keys[0];
		row.os_edition = r.agg.rows[i].keys[1];
		row.os_release = r.agg.rows[i].keys[2];
		row.arch = r.agg.rows[i].keys[3];
		row.win11 = o->split ? r.agg.rows[i].keys[4] : "";
		row.org = r.agg.rows[i].keys[r.agg.nkeys - 1];
		row.support_status = support_status_name(s);
		row.support_end = end;
		row.machines = r.agg.rows[i].n;
		rc = cb(&row, ctx);
	}
	agg_release(&r.agg);
	return rc;
}
