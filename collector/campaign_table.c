/* campaign_table.c - a campaign's rows (frozen for signed organisations,
 * live - the tender report's, report_tender_each - for joined ones) and the
 * tables made of them: show, list, log; each rendered by the reports'
 * writer (table, CSV, JSON) or as an XLSX sheet (xlsx.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "campaign_int.h"
#include "fctime.h"
#include "report.h"
#include "store_campaign.h"
#include "xalloc.h"
#include "xlsx.h"

#define SECONDS_PER_DAY 86400

/* ---- rows ---- */

/* True when name is one of the comma-separated products. */
static bool product_in(const char *products, const char *name)
{
	size_t len = strlen(name);
	const char *p = products, *e;

	while (*p) {
		e = strchr(p, ',');
		if ((size_t)((e ? e : p + strlen(p)) - p) == len && !strncmp(p, name, len))
			return true;
		p = e ? e + 1 : p + strlen(p);
	}
	return false;
}

static void crows_add(struct crows *r, const struct crow *c)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n++] = *c;
}

void crows_release(struct crows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].product);
		free(r->v[i].edition);
		free(r->v[i].release);
		free(r->v[i].arch);
		free(r->v[i].split);
		free(r->v[i].status);
		free(r->v[i].org);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

struct collect {
	const struct camp *c;
	const struct store_member *m;
	struct crows *out;
};

static void collect_one(struct collect *k, const char *product, const char *edition,
                        const char *release, const char *arch, const char *split,
                        const char *status, int64_t machines)
{
	struct crow r;

	r.product = xstrdup(product);
	r.edition = xstrdup(edition);
	r.release = xstrdup(release);
	r.arch = xstrdup(arch);
	r.split = xstrdup(split);
	r.status = xstrdup(status);
	r.org = xstrdup(k->m->org);
	r.state = strcmp(k->m->state, "signed") ? "joined" : "signed";
	r.org_id = k->m->org_id;
	r.signed_at = k->m->signed_at;
	r.joined_at = k->m->joined_at;
	r.machines = machines;
	crows_add(k->out, &r);
}

static enum fc_rc live_row(const struct report_tender_row *t, void *ctx)
{
	struct collect *k = ctx;

	if (product_in(k->c->products, t->os_product))
		collect_one(k, t->os_product, t->os_edition, t->os_release, t->arch, t->win11,
		            t->support_status, t->machines);
	return FC_OK;
}

static enum fc_rc frozen_row(const struct store_campaign_row *r, void *ctx)
{
	collect_one(ctx, r->os_product, r->os_edition, r->os_release, r->arch, r->split,
	            r->support_status, r->machines);
	return FC_OK;
}

/* The live rows of one organisation (the tender report's, at the
 * campaign's as-of and horizon, with its --split: grouped by the Windows 11
 * verdict too), appended to k->out. */
static enum fc_rc live_rows(struct store *st, const struct lifecycle *lc, struct collect *k,
                            char *err)
{
	struct report_opts o;

	report_opts_default(&o);
	o.kind = "tender";
	snprintf(o.as_of, sizeof(o.as_of), "%s", k->c->as_of);
	o.horizon_months = (long)k->c->horizon_months;
	o.orgs[0] = k->m->org;
	o.n_orgs = 1;
	o.split = k->c->split[0] ? k->c->split : NULL;
	return report_tender_each(st, lc, &o, live_row, k, err);
}

enum fc_rc crows_live(struct store *st, const struct lifecycle *lc, const struct camp *c,
                      const struct store_member *m, struct crows *out, char *err)
{
	struct store_member joined = *m;
	struct collect k = {c, &joined, out};

	snprintf(joined.state, sizeof(joined.state), "joined");
	return live_rows(st, lc, &k, err);
}

struct members {
	struct store_member *v;
	size_t n, cap;
};

static enum fc_rc member_keep(const struct store_member *m, void *ctx)
{
	struct members *ms = ctx;

	if (!strcmp(m->state, "withdrawn"))
		return FC_OK;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 16;
		ms->v = xrealloc(ms->v, ms->cap * sizeof(*ms->v));
	}
	ms->v[ms->n++] = *m;
	return FC_OK;
}

static int crow_cmp(const void *pa, const void *pb)
{
	const struct crow *a = pa, *b = pb;
	int c = strcmp(a->product, b->product);

	if (!c)
		c = strcmp(a->edition, b->edition);
	if (!c)
		c = strcmp(a->release, b->release);
	if (!c)
		c = strcmp(a->arch, b->arch);
	if (!c)
		c = strcmp(a->split, b->split);
	return c ? c : strcmp(a->org, b->org);
}

enum fc_rc crows_collect(struct store *st, const struct lifecycle *lc, const struct camp *c,
                         int64_t org_id, struct crows *out, char *err)
{
	struct members ms = {NULL, 0, 0};
	struct collect k = {c, NULL, out};
	enum fc_rc rc;
	size_t i;

	rc = store_member_each(st, c->id, member_keep, &ms, err);
	for (i = 0; rc == FC_OK && i < ms.n; i++) {
		if (org_id && ms.v[i].org_id != org_id)
			continue;
		k.m = &ms.v[i];
		if (!strcmp(ms.v[i].state, "signed"))
			rc = store_campaign_rows_each(st, c->id, ms.v[i].org_id, frozen_row, &k,
			                              err);
		else
			rc = live_rows(st, lc, &k, err);
	}
	free(ms.v);
	if (rc == FC_OK && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), crow_cmp);
	return rc;
}

/* ---- tables ---- */

void ctable_init(struct ctable *t, const char *name, const char *const *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->cols = cols;
	t->ncols = ncols;
}

void ctable_row(struct ctable *t, const char *const *v, const bool *num)
{
	size_t i;

	if ((t->nrows + 1) * t->ncols > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32 * t->ncols;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
		t->num = xrealloc(t->num, t->cap * sizeof(*t->num));
	}
	for (i = 0; i < t->ncols; i++) {
		t->cells[t->nrows * t->ncols + i] = xstrdup(v[i]);
		t->num[t->nrows * t->ncols + i] = num && num[i];
	}
	t->nrows++;
}

void ctable_release(struct ctable *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->num);
	memset(t, 0, sizeof(*t));
}

enum fc_rc ctable_render(struct ctable *t, size_t n, enum campaign_format fmt, struct buf *out,
                         char *err)
{
	struct xlsx_sheet sheets[4];
	struct report_writer *w;
	enum fc_rc rc = FC_OK;
	size_t i;

	assert(n >= 1 && n <= 4);
	if (fmt == CAMPAIGN_XLSX) {
		for (i = 0; i < n; i++) {
			sheets[i].name = t[i].name;
			sheets[i].cols = t[i].cols;
			sheets[i].ncols = t[i].ncols;
			sheets[i].nrows = t[i].nrows;
			sheets[i].cells = (const char *const *)t[i].cells;
			sheets[i].num = t[i].num;
		}
		return xlsx_render(sheets, n, out, err);
	}
	w = report_writer_new(fmt == CAMPAIGN_CSV    ? REPORT_CSV
	                      : fmt == CAMPAIGN_JSON ? REPORT_JSON
	                                             : REPORT_TABLE,
	                      out, t->cols, t->ncols);
	for (i = 0; rc == FC_OK && i < t->nrows; i++)
		rc = report_writer_row(w, (const char *const *)t->cells + i * t->ncols,
		                       t->num + i * t->ncols);
	rc = report_writer_free(w, rc);
	if (rc == FC_ELIMIT)
		fc_seterr(err, "the table exceeds the output limit");
	return rc;
}

/* ---- show ---- */

static const char *const show_cols[] = {"org",        "state",          "signed_at",
                                        "os_product", "os_edition",     "os_release",
                                        "arch",       "support_status", "machines"};
/* With --split win11: the verdict after arch. */
static const char *const show_split_cols[] = {
    "org",        "state", "signed_at", "os_product",     "os_edition",
    "os_release", "arch",  "win11",     "support_status", "machines"};
#define SHOW_NCOLS_MAX 10

/* The text of a count under --min-cell k, as the tender report has it. */
static bool cell_text(int64_t n, int64_t k, char out[24])
{
	if (k > 0 && n < k) {
		snprintf(out, 24, "<%lld", (long long)k);
		return false;
	}
	snprintf(out, 24, "%lld", (long long)n);
	return true;
}

static void show_row(struct ctable *t, const struct crow *r, const char *org, const char *state,
                     const char *signed_at, const char *count, bool numeric)
{
	const char *v[SHOW_NCOLS_MAX];
	bool num[SHOW_NCOLS_MAX] = {false};
	size_t k = 7;

	assert(t->ncols <= SHOW_NCOLS_MAX);
	v[0] = org;
	v[1] = state;
	v[2] = signed_at;
	v[3] = r->product;
	v[4] = r->edition;
	v[5] = r->release;
	v[6] = r->arch;
	if (t->ncols == SHOW_NCOLS_MAX)
		v[k++] = r->split;
	v[k++] = r->status;
	v[k] = count;
	num[k] = numeric;
	ctable_row(t, v, num);
}

/* One line (rows [first, last) share product, edition, release, arch and
 * split): the organisations' rows, then (all) the ALL row: "<K" below K,
 * ">=K" when any organisation's cell is hidden (the tender report's rule). */
static void show_line(struct ctable *t, const struct crows *rs, size_t first, size_t last,
                      int64_t k, bool all)
{
	char text[24], when[FCTIME_RFC3339_LEN];
	int64_t total = 0;
	size_t i, hidden = 0;
	bool num;

	for (i = first; i < last; i++) {
		const struct crow *r = &rs->v[i];

		total += r->machines;
		if (k > 0 && r->machines < k)
			hidden++;
		when[0] = '\0';
		if (r->signed_at)
			(void)fctime_format_rfc3339(r->signed_at, when);
		num = cell_text(r->machines, k, text);
		show_row(t, r, r->org, r->state, when, text, num);
	}
	if (!all)
		return;
	num = cell_text(total, k, text);
	if (num && k > 0 && hidden) {
		snprintf(text, sizeof(text), ">=%lld", (long long)k);
		num = false;
	}
	show_row(t, &rs->v[first], "ALL", "", "", text, num);
}

static bool same_line(const struct crow *a, const struct crow *b)
{
	return !strcmp(a->product, b->product) && !strcmp(a->edition, b->edition) &&
	       !strcmp(a->release, b->release) && !strcmp(a->arch, b->arch) &&
	       !strcmp(a->split, b->split);
}

/* The organisation whose rows a sees: 0 (all) for an admin. FC_EPERM for
 * an agent token. */
static enum fc_rc scope_of(const struct campaign_actor *a, int64_t *org_id, char *err)
{
	*org_id = a->role == ROLE_ADMIN ? 0 : a->org_id;
	if (a->role == ROLE_AGENT) {
		fc_seterr(err, "an agent token cannot read campaigns (use a reader, manager or "
		               "admin token)");
		return FC_EPERM;
	}
	return FC_OK;
}

enum fc_rc campaign_show(struct store *st, const struct lifecycle *lc, const char *name,
                         const struct campaign_actor *a, enum campaign_format fmt, struct buf *out,
                         char *err)
{
	struct crows rs = {NULL, 0, 0};
	struct ctable t;
	struct camp c;
	int64_t org_id;
	size_t i, last;
	enum fc_rc rc;

	rc = scope_of(a, &org_id, err);
	if (rc)
		return rc;
	rc = camp_get(st, name, &c, err);
	if (rc == FC_OK)
		rc = crows_collect(st, lc, &c, org_id, &rs, err);
	if (rc == FC_OK && c.split[0])
		ctable_init(&t, "campaign", show_split_cols, SHOW_NCOLS_MAX);
	else
		ctable_init(&t, "campaign", show_cols, SHOW_NCOLS_MAX - 1);
	for (i = 0; rc == FC_OK && i < rs.n; i = last) {
		for (last = i + 1; last < rs.n && same_line(&rs.v[i], &rs.v[last]); last++)
			;
		show_line(&t, &rs, i, last, c.min_cell, org_id == 0);
	}
	if (rc == FC_OK)
		rc = ctable_render(&t, 1, fmt, out, err);
	ctable_release(&t);
	crows_release(&rs);
	camp_release(&c);
	return rc;
}

/* ---- list ---- */

static const char *const list_cols[] = {"campaign", "state",  "as_of",  "deadline",
                                        "products", "joined", "signed", "closed_at"};
#define LIST_NCOLS 8

struct listing {
	struct store *st;
	struct ctable *t;
	int64_t now;
	char *err;
};

static enum fc_rc count_member(const struct store_member *m, void *ctx)
{
	int64_t *n = ctx;

	if (!strcmp(m->state, "joined"))
		n[0]++;
	else if (!strcmp(m->state, "signed"))
		n[1]++;
	return FC_OK;
}

static enum fc_rc list_one(const struct store_campaign *sc, void *ctx)
{
	const bool num[LIST_NCOLS] = {false, false, false, false, false, true, true, false};
	struct listing *l = ctx;
	char joined[24], signed_n[24], closed[FCTIME_RFC3339_LEN] = "";
	const char *v[LIST_NCOLS];
	int64_t n[2] = {0, 0}, day = 0;
	enum fc_rc rc;

	rc = store_member_each(l->st, sc->id, count_member, n, l->err);
	if (rc)
		return rc;
	snprintf(joined, sizeof(joined), "%lld", (long long)(n[0] + n[1]));
	snprintf(signed_n, sizeof(signed_n), "%lld", (long long)n[1]);
	if (sc->closed)
		(void)fctime_format_rfc3339(sc->closed, closed);
	v[0] = sc->name;
	v[1] = sc->closed                                                                 ? "closed"
	       : fctime_parse_date(sc->deadline, &day) && l->now >= day + SECONDS_PER_DAY ? "final"
	                                                                                  : "open";
	v[2] = sc->as_of;
	v[3] = sc->deadline;
	v[4] = sc->products;
	v[5] = joined;
	v[6] = signed_n;
	v[7] = closed;
	ctable_row(l->t, v, num);
	return FC_OK;
}

enum fc_rc campaign_list(struct store *st, const struct campaign_actor *a, enum campaign_format fmt,
                         struct buf *out, char *err)
{
	struct ctable t;
	struct listing l = {st, &t, campaign_now(), err};
	int64_t org_id;
	enum fc_rc rc;

	rc = scope_of(a, &org_id, err);
	if (rc)
		return rc;
	ctable_init(&t, "campaigns", list_cols, LIST_NCOLS);
	rc = store_campaign_each(st, list_one, &l, err);
	if (rc == FC_OK)
		rc = ctable_render(&t, 1, fmt, out, err);
	ctable_release(&t);
	return rc;
}

/* ---- log ---- */

static const char *const log_cols[] = {"id", "at", "who", "action", "org", "old", "new"};
#define LOG_NCOLS 7

static enum fc_rc log_one(const struct store_campaign_log *l, void *ctx)
{
	const bool num[LOG_NCOLS] = {true, false, false, false, false, false, false};
	char id[24], at[FCTIME_RFC3339_LEN] = "";
	const char *v[LOG_NCOLS];

	snprintf(id, sizeof(id), "%lld", (long long)l->id);
	(void)fctime_format_rfc3339(l->at, at);
	v[0] = id;
	v[1] = at;
	v[2] = l->who;
	v[3] = l->action;
	v[4] = l->org;
	v[5] = l->old_value;
	v[6] = l->new_value;
	ctable_row(ctx, v, num);
	return FC_OK;
}

enum fc_rc campaign_log(struct store *st, const char *name, const struct campaign_actor *a,
                        enum campaign_format fmt, struct buf *out, char *err)
{
	struct ctable t;
	enum fc_rc rc;

	if (a->role != ROLE_ADMIN) {
		fc_seterr(err, "only an admin reads the campaign log");
		return FC_EPERM;
	}
	ctable_init(&t, "log", log_cols, LOG_NCOLS);
	rc = store_campaign_log_each(st, name, log_one, &t, err);
	if (rc == FC_OK)
		rc = ctable_render(&t, 1, fmt, out, err);
	ctable_release(&t);
	return rc;
}
