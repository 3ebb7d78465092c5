/* campaign_cost.c - a campaign's price and fee schedules (checked at
 * create, kept with the campaign) and its cost forecast (campaign cost):
 * per organisation and ESU year the ESU cost (cumulative: joining in year N
 * pays years 1..N-1 in year N), the replacement cost where a "replace"
 * price exists (with --split win11: of the machines whose verdict is
 * replace only), and the joining fee of the organisation's size band.
 * Amounts are whole cents; docs/campaigns.md has the rules. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "campaign_int.h"
#include "fctime.h"
#include "report.h"
#include "store_campaign.h"
#include "xalloc.h"

#define SCHED_MAX_ROWS 1000
#define SCHED_MAX_BYTES ((size_t)1 << 20)
#define SCHED_FIELD_MAX 128
#define SCHED_NFIELDS 5
#define ESU_MAX_YEARS 9
#define MONEY_MAX 100000000000LL /* cents: a billion per device or band */
#define SECONDS_PER_DAY 86400

struct price {
	char product[SCHED_FIELD_MAX], edition[SCHED_FIELD_MAX], currency[4];
	int year; /* 1..ESU_MAX_YEARS, 0 for "replace" */
	int64_t cents;
};

struct fee {
	char band[SCHED_FIELD_MAX], currency[4];
	int64_t min, max; /* population, inclusive; max -1: open */
	int64_t cents;
};

struct sched {
	struct price *prices;
	size_t nprices;
	struct fee *fees;
	size_t nfees;
};

static void sched_release(struct sched *s)
{
	free(s->prices);
	free(s->fees);
	memset(s, 0, sizeof(*s));
}

/* ---- reading a schedule: CSV, five fields a line ---- */

/* Splits one line (CRLF or LF taken off) into SCHED_NFIELDS fields, each
 * plain or "quoted" ("" a quote). Returns 0, or the 1-based column of the
 * error (msg says what). */
static int split_line(const char *p, size_t len, char f[SCHED_NFIELDS][SCHED_FIELD_MAX],
                      const char **msg)
{
	size_t i = 0, n, col = 0;
	bool quoted;

	for (col = 0; col < SCHED_NFIELDS; col++) {
		quoted = i < len && p[i] == '"';
		n = 0;
		i += quoted;
		while (i < len && (quoted || p[i] != ',')) {
			if (quoted && p[i] == '"') {
				if (i + 1 < len && p[i + 1] == '"')
					i++;
				else
					break;
			}
			if ((unsigned char)p[i] < 0x20 || n + 1 >= SCHED_FIELD_MAX) {
				*msg = n + 1 >= SCHED_FIELD_MAX ? "a field is too long"
				                                : "a control character";
				return (int)col + 1;
			}
			f[col][n++] = p[i++];
		}
		f[col][n] = '\0';
		if (quoted && (i >= len || p[i] != '"')) {
			*msg = "an unterminated quote";
			return (int)col + 1;
		}
		i += quoted;
		if (col + 1 < SCHED_NFIELDS && (i >= len || p[i] != ',')) {
			*msg = "too few fields (want 5)";
			return (int)col + 2;
		}
		if (col + 1 < SCHED_NFIELDS)
			i++;
	}
	if (i != len) {
		*msg = "too many fields (want 5)";
		return SCHED_NFIELDS + 1;
	}
	return 0;
}

/* A price or fee: digits with at most two decimals, in cents. */
static bool parse_money(const char *s, int64_t *cents)
{
	int64_t v = 0, frac = 0;
	int nd = 0;
	const char *p = s;

	if (!*p)
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > MONEY_MAX / 100)
			return false;
	}
	if (p == s)
		return false;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && nd < 2; p++, nd++)
			frac = frac * 10 + (*p - '0');
		if (nd == 0)
			return false;
		if (nd == 1)
			frac *= 10;
	}
	if (*p)
		return false;
	*cents = v * 100 + frac;
	return true;
}

static bool parse_count(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0)
		return false;
	*out = v;
	return true;
}

static bool currency_ok(const char *s)
{
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

/* Checks one data line of a price schedule; returns the bad column or 0. */
static int price_row(char f[SCHED_NFIELDS][SCHED_FIELD_MAX], struct price *p, const char **msg)
{
	int64_t y = 0;

	if (!f[0][0] || !f[1][0]) {
		*msg = f[0][0] ? "an empty edition pattern (use *)" : "an empty product";
		return f[0][0] ? 2 : 1;
	}
	if (strcmp(f[2], "replace") && (!parse_count(f[2], &y) || y < 1 || y > ESU_MAX_YEARS)) {
		*msg = "want an ESU year 1 to 9 or 'replace'";
		return 3;
	}
	if (!parse_money(f[3], &p->cents)) {
		*msg = "want a price such as 61 or 61.50";
		return 4;
	}
	if (!currency_ok(f[4])) {
		*msg = "want a currency code such as EUR or USD";
		return 5;
	}
	snprintf(p->product, sizeof(p->product), "%s", f[0]);
	snprintf(p->edition, sizeof(p->edition), "%s", f[1]);
	snprintf(p->currency, sizeof(p->currency), "%s", f[4]);
	p->year = (int)y;
	return 0;
}

static int fee_row(char f[SCHED_NFIELDS][SCHED_FIELD_MAX], struct fee *e, const char **msg)
{
	if (!f[0][0]) {
		*msg = "an empty size band";
		return 1;
	}
	if (!parse_count(f[1], &e->min)) {
		*msg = "want a population (a whole number)";
		return 2;
	}
	e->max = -1;
	if (f[2][0] && (!parse_count(f[2], &e->max) || e->max < e->min)) {
		*msg = "want a population at least population_min, or empty (no maximum)";
		return 3;
	}
	if (!parse_money(f[3], &e->cents)) {
		*msg = "want a fee such as 5000 or 5000.00";
		return 4;
	}
	if (!currency_ok(f[4])) {
		*msg = "want a currency code such as EUR or USD";
		return 5;
	}
	snprintf(e->band, sizeof(e->band), "%s", f[0]);
	snprintf(e->currency, sizeof(e->currency), "%s", f[4]);
	return 0;
}

static const char price_header[] = "product,edition,year,price,currency";
static const char fee_header[] = "size_band,population_min,population_max,fee,currency";

/* Reads a schedule (prices when fees is false): header, then data lines.
 * err names the file, line and column of the first error. */
static enum fc_rc sched_read(const char *text, size_t len, const char *name, bool fees,
                             struct sched *s, char *err)
{
	char f[SCHED_NFIELDS][SCHED_FIELD_MAX];
	const char *p = text, *end = text + len, *nl, *msg = "";
	size_t line = 0, n;
	int col;

	if (len > SCHED_MAX_BYTES) {
		fc_seterr(err, "%s: larger than 1 MiB", name);
		return FC_EUSAGE;
	}
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		if (n && p[n - 1] == '\r')
			n--;
		line++;
		if (line == 1) {
			if (n != strlen(fees ? fee_header : price_header) ||
			    memcmp(p, fees ? fee_header : price_header, n)) {
				fc_seterr(err, "%s:1:1: want the header '%s'", name,
				          fees ? fee_header : price_header);
				return FC_EUSAGE;
			}
			continue;
		}
		if (n == 0)
			continue;
		if ((fees ? s->nfees : s->nprices) == SCHED_MAX_ROWS) {
			fc_seterr(err, "%s:%zu: more than %d rows", name, line, SCHED_MAX_ROWS);
			return FC_EUSAGE;
		}
		col = split_line(p, n, f, &msg);
		if (!col && fees) {
			s->fees = xrealloc(s->fees, (s->nfees + 1) * sizeof(*s->fees));
			col = fee_row(f, &s->fees[s->nfees], &msg);
			s->nfees += !col;
		} else if (!col) {
			s->prices = xrealloc(s->prices, (s->nprices + 1) * sizeof(*s->prices));
			col = price_row(f, &s->prices[s->nprices], &msg);
			s->nprices += !col;
		}
		if (col) {
			fc_seterr(err, "%s:%zu:%d: %s", name, line, col, msg);
			return FC_EUSAGE;
		}
	}
	if (line == 0) {
		fc_seterr(err, "%s:1:1: empty (want the header '%s')", name,
		          fees ? fee_header : price_header);
		return FC_EUSAGE;
	}
	return FC_OK;
}

enum fc_rc camp_schedules_check(const struct campaign_spec *spec, char *err)
{
	struct sched s = {NULL, 0, NULL, 0};
	enum fc_rc rc = FC_OK;

	if (spec->prices)
		rc = sched_read(spec->prices, spec->prices_len,
		                spec->prices_name ? spec->prices_name : "prices", false, &s, err);
	if (rc == FC_OK && spec->fees)
		rc = sched_read(spec->fees, spec->fees_len,
		                spec->fees_name ? spec->fees_name : "fees", true, &s, err);
	sched_release(&s);
	return rc;
}

/* ---- the ESU years ---- */

/* The first day of ESU year 1 of the campaign: the day after standard and
 * extended support of its first product (any edition, any release) ended,
 * from the lifecycle catalogue. False when the catalogue has no dates. */
static bool esu_start(const struct lifecycle *lc, const char *products, char out[11])
{
	char product[SCHED_FIELD_MAX], end[11], day[11] = "1970-01-01";
	const char *comma = strchr(products, ',');
	enum support_status s;
	int64_t t;
	int i;

	snprintf(product, sizeof(product), "%.*s",
	         (int)(comma ? (size_t)(comma - products) : strlen(products)), products);
	for (i = 0; i < 4; i++) {
		s = lifecycle_status_release(lc, "os", product, "", "", day, end);
		if (s == SUPPORT_ESU || s == SUPPORT_EOL) {
			snprintf(out, 11, "%s", day);
			return true;
		}
		if (s == SUPPORT_UNKNOWN || !end[0] || !fctime_parse_date(end, &t) ||
		    !fctime_format_date(t + SECONDS_PER_DAY, day))
			return false;
	}
	return false;
}

/* The ESU year (1-based) of time t: 1 before or in year 1. */
static int esu_year_of(const char *start, int64_t t)
{
	char d[11];
	int64_t s;
	int k;

	for (k = 1; k < ESU_MAX_YEARS; k++) {
		report_add_months(start, 12L * k, d);
		if (!fctime_parse_date(d, &s) || t < s)
			return k;
	}
	return ESU_MAX_YEARS;
}

/* ---- the forecast ---- */

/* One line of the forecast: an organisation (or ALL), a year, a currency. */
struct cline {
	char org[201], currency[4];
	int year;
	int64_t machines, esu, replace, fee;
};
struct clines {
	struct cline *v;
	size_t n, cap;
};

static struct cline *cline_get(struct clines *c, const char *org, int year, const char *currency)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].year == year && !strcmp(c->v[i].org, org) &&
		    !strcmp(c->v[i].currency, currency))
			return &c->v[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	snprintf(c->v[c->n].org, sizeof(c->v[c->n].org), "%s", org);
	snprintf(c->v[c->n].currency, sizeof(c->v[c->n].currency), "%s", currency);
	c->v[c->n].year = year;
	return &c->v[c->n++];
}

/* The first price of product/edition for year (0: replace), in file order. */
static const struct price *price_find(const struct sched *s, const char *product,
                                      const char *edition, int year)
{
	size_t i;

	for (i = 0; i < s->nprices; i++)
		if (s->prices[i].year == year && !strcasecmp(s->prices[i].product, product) &&
		    fnmatch(s->prices[i].edition, edition, FNM_CASEFOLD) == 0)
			return &s->prices[i];
	return NULL;
}

/* Adds one row's costs: ESU year k's price is paid in year k, or in the
 * joining year jy when k < jy (the missed years); a replacement in jy (with
 * --split win11 only for the machines whose verdict is replace). */
static void cost_row(struct clines *cl, const struct sched *s, const struct camp *c,
                     const struct crow *r, int jy)
{
	const struct price *p;
	struct cline *l;
	int k;

	for (k = 1; k <= ESU_MAX_YEARS; k++) {
		p = price_find(s, r->product, r->edition, k);
		if (!p)
			continue;
		l = cline_get(cl, r->org, k < jy ? jy : k, p->currency);
		l->esu += r->machines * p->cents;
		if (k >= jy)
			l->machines += r->machines;
	}
	if (!strcmp(c->split, "win11") && strcmp(r->split, "replace"))
		return;
	p = price_find(s, r->product, r->edition, 0);
	if (p)
		cline_get(cl, r->org, jy, p->currency)->replace += r->machines * p->cents;
}

/* The joining fee of organisation org (population attribute) in year jy. */
static enum fc_rc cost_fee(struct store *st, struct clines *cl, const struct sched *s,
                           const struct store_member *r, int jy, char *err)
{
	char pop[32];
	int64_t n;
	bool found;
	enum fc_rc rc;
	size_t i;

	if (!s->nfees)
		return FC_OK;
	rc = store_org_attr_get(st, r->org_id, "population", pop, sizeof(pop), &found, err);
	if (rc)
		return rc;
	if (!found || !parse_count(pop, &n)) {
		fc_seterr(err,
		          "organisation '%s' has no population for the fee schedule (org set %s "
		          "--population N)",
		          r->org, r->org);
		return FC_EREFUSED;
	}
	for (i = 0; i < s->nfees; i++)
		if (n >= s->fees[i].min && (s->fees[i].max < 0 || n <= s->fees[i].max)) {
			cline_get(cl, r->org, jy, s->fees[i].currency)->fee += s->fees[i].cents;
			return FC_OK;
		}
	fc_seterr(err, "organisation '%s' (population %lld) is in no size band of the fee schedule",
	          r->org, (long long)n);
	return FC_EREFUSED;
}

static int cline_cmp(const void *pa, const void *pb)
{
	const struct cline *a = pa, *b = pb;
	bool a_all = !strcmp(a->org, "ALL"), b_all = !strcmp(b->org, "ALL");
	int c;

	if (a_all != b_all)
		return a_all ? 1 : -1;
	c = strcmp(a->org, b->org);
	if (!c)
		c = a->year - b->year;
	return c ? c : strcmp(a->currency, b->currency);
}

static const char *const cost_cols[] = {"org", "year",    "year_start", "currency", "machines",
                                        "esu", "replace", "fee",        "total"};
#define COST_NCOLS 9

static void money(int64_t cents, char out[32])
{
	snprintf(out, 32, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static void cost_table(struct ctable *t, struct clines *cl, const char *start)
{
	const bool num[COST_NCOLS] = {false, true, false, false, true, true, true, true, true};
	char year[16], ys[11], m[24], e[32], r[32], f[32], tot[32];
	const char *v[COST_NCOLS] = {NULL, year, ys, NULL, m, e, r, f, tot};
	size_t i, n = cl->n;

	for (i = 0; i < n; i++) {
		struct cline *a = cline_get(cl, "ALL", cl->v[i].year, cl->v[i].currency);

		a->machines += cl->v[i].machines;
		a->esu += cl->v[i].esu;
		a->replace += cl->v[i].replace;
		a->fee += cl->v[i].fee;
	}
	if (cl->n > 1)
		qsort(cl->v, cl->n, sizeof(*cl->v), cline_cmp);
	for (i = 0; i < cl->n; i++) {
		snprintf(year, sizeof(year), "%d", cl->v[i].year);
		report_add_months(start, 12L * (cl->v[i].year - 1), ys);
		snprintf(m, sizeof(m), "%lld", (long long)cl->v[i].machines);
		money(cl->v[i].esu, e);
		money(cl->v[i].replace, r);
		money(cl->v[i].fee, f);
		money(cl->v[i].esu + cl->v[i].fee, tot);
		v[0] = cl->v[i].org;
		v[3] = cl->v[i].currency;
		ctable_row(t, v, num);
	}
}

/* The members whose fees are due: joined or signed (org_id's only when
 * not 0). */
struct fee_members {
	int64_t org_id;
	struct store_member *v;
	size_t n;
};

static enum fc_rc fee_member(const struct store_member *m, void *ctx)
{
	struct fee_members *fm = ctx;

	if (!strcmp(m->state, "withdrawn") || (fm->org_id && m->org_id != fm->org_id))
		return FC_OK;
	fm->v = xrealloc(fm->v, (fm->n + 1) * sizeof(*fm->v));
	fm->v[fm->n++] = *m;
	return FC_OK;
}

/* The forecast of rows rs (and the fees of the members) into t. */
static enum fc_rc cost_compute(struct store *st, const struct lifecycle *lc, const struct camp *c,
                               int64_t org_id, const struct crows *rs, struct ctable *t, char *err)
{
	struct fee_members fm = {org_id, NULL, 0};
	struct sched s = {NULL, 0, NULL, 0};
	struct clines cl = {NULL, 0, 0};
	char start[11];
	enum fc_rc rc = FC_OK;
	size_t i;

	if (!esu_start(lc, c->products, start)) {
		fc_seterr(err, "the lifecycle catalogue has no end of support for '%s'",
		          c->products);
		return FC_EREFUSED;
	}
	if (c->prices[0])
		rc = sched_read(c->prices, strlen(c->prices), "prices", false, &s, err);
	if (rc == FC_OK && c->fees[0])
		rc = sched_read(c->fees, strlen(c->fees), "fees", true, &s, err);
	for (i = 0; rc == FC_OK && i < rs->n; i++)
		cost_row(&cl, &s, c, &rs->v[i], esu_year_of(start, rs->v[i].joined_at));
	if (rc == FC_OK)
		rc = store_member_each(st, c->id, fee_member, &fm, err);
	for (i = 0; rc == FC_OK && i < fm.n; i++)
		rc = cost_fee(st, &cl, &s, &fm.v[i], esu_year_of(start, fm.v[i].joined_at), err);
	if (rc == FC_OK)
		cost_table(t, &cl, start);
	free(fm.v);
	free(cl.v);
	sched_release(&s);
	return rc;
}

enum fc_rc campaign_cost(struct store *st, const struct lifecycle *lc, const char *name,
                         const struct campaign_actor *a, enum campaign_format fmt, struct buf *out,
                         char *err)
{
	struct crows rs = {NULL, 0, 0};
	struct ctable t;
	struct camp c;
	int64_t org_id = a->role == ROLE_ADMIN ? 0 : a->org_id;
	enum fc_rc rc;

	if (a->role == ROLE_AGENT) {
		fc_seterr(err, "an agent token cannot read campaigns");
		return FC_EPERM;
	}
	ctable_init(&t, "cost", cost_cols, COST_NCOLS);
	rc = camp_get(st, name, &c, err);
	if (rc == FC_OK)
		rc = crows_collect(st, lc, &c, org_id, &rs, err);
	if (rc == FC_OK)
		rc = cost_compute(st, lc, &c, org_id, &rs, &t, err);
	if (rc == FC_OK)
		rc = ctable_render(&t, 1, fmt, out, err);
	ctable_release(&t);
	crows_release(&rs);
	camp_release(&c);
	return rc;
}

/* ---- size bands for report counts --by size_band ---- */

struct campaign_bands {
	struct sched s;
};

enum fc_rc campaign_bands_load(const char *path, struct campaign_bands **out, char *err)
{
	struct campaign_bands *b;
	char *text = NULL;
	size_t len = 0;
	enum fc_rc rc;
	FILE *f;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		fc_seterr(err, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? FC_ENOENT : FC_EIO;
	}
	text = xmalloc(SCHED_MAX_BYTES + 2);
	len = fread(text, 1, SCHED_MAX_BYTES + 1, f);
	rc = ferror(f) ? FC_EIO : FC_OK;
	fclose(f);
	if (rc)
		fc_seterr(err, "%s: read error", path);
	b = xcalloc(1, sizeof(*b));
	if (rc == FC_OK)
		rc = sched_read(text, len, path, true, &b->s, err);
	free(text);
	if (rc) {
		campaign_bands_free(b);
		return rc;
	}
	*out = b;
	return FC_OK;
}

void campaign_bands_free(struct campaign_bands *b)
{
	if (!b)
		return;
	sched_release(&b->s);
	free(b);
}

enum fc_rc campaign_size_band(struct store *st, const struct campaign_bands *b, const char *org,
                              char *out, size_t size, char *err)
{
	char pop[32];
	int64_t id, n;
	bool found = false;
	enum fc_rc rc;
	size_t i;

	snprintf(out, size, "unknown");
	rc = store_org_find(st, org, &id, err);
	if (rc == FC_OK)
		rc = store_org_attr_get(st, id, "population", pop, sizeof(pop), &found, err);
	if (rc || !found || !parse_count(pop, &n))
		return rc;
	for (i = 0; i < b->s.nfees; i++)
		if (n >= b->s.fees[i].min && (b->s.fees[i].max < 0 || n <= b->s.fees[i].max)) {
			snprintf(out, size, "%s", b->s.fees[i].band);
			break;
		}
	return FC_OK;
}
