/* lifecycle.c - the end-of-support catalogue: an RFC 4180 CSV reader with
 * limits, override rows, pattern matching and the support status rule.
 * The rules are documented in docs/lifecycle.md. */
#include "lifecycle.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"
#include "platform.h"
#include "xalloc.h"

/* Generated from data/lifecycle.csv by the Makefile ($(BUILD)/gen). */
extern const unsigned char lifecycle_data[];
extern const size_t lifecycle_data_len;

#define LC_MAX_TEXT (4u * 1024 * 1024)
#define LC_MAX_ROWS 10000
#define LC_MAX_FIELD 1024
#define LC_NCOLS 8 /* the 7 documented columns and the optional release */

enum lc_col { COL_KIND, COL_PRODUCT, COL_EDITION, COL_MAIN, COL_EXT, COL_ESU, COL_SOURCE, COL_REL };

static const char *const col_names[LC_NCOLS] = {
    "kind", "product", "edition", "mainstream_end", "extended_end", "esu_end", "source", "release",
};

static const char *const kind_names[] = {"os", "software"};

struct lc_row {
	int kind; /* index into kind_names */
	char *product, *edition, *release, *source;
	char end[3][11]; /* mainstream, extended, esu: YYYY-MM-DD or "" */
};

struct lifecycle {
	struct lc_row *rows;
	size_t n, cap;
};

/* One CSV record: up to LC_NCOLS fields, each NUL-terminated. */
struct csv_rec {
	char f[LC_NCOLS][LC_MAX_FIELD + 1];
	size_t n;
	size_t line; /* the line the record starts on */
};

struct csv {
	const char *p, *end;
	size_t line; /* the current line, from 1 */
	const char *source;
	char *err;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static enum fc_rc
set_err(char *err, enum fc_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return rc;
	va_start(ap, fmt);
	vsnprintf(err, FC_ERRLEN, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *col_name(size_t col)
{
	return col < LC_NCOLS ? col_names[col] : "extra";
}

/* ---- the CSV reader ---- */

static enum fc_rc field_err(struct csv *c, size_t line, size_t col, const char *what)
{
	return set_err(c->err, FC_EPARSE, "%s:%zu: field %zu (%s): %s", c->source, line, col + 1,
	               col_name(col), what);
}

static enum fc_rc csv_quoted(struct csv *c, char *out, size_t col)
{
	size_t n = 0, start = c->line;
	char ch;

	c->p++;
	for (;;) {
		if (c->p == c->end)
			return field_err(c, start, col, "unterminated quoted field");
		ch = *c->p++;
		if (ch == '"') {
			if (c->p == c->end || *c->p != '"')
				break;
			c->p++;
		}
		if (ch == '\n')
			c->line++;
		if (ch == '\0')
			return field_err(c, c->line, col, "NUL byte");
		if (n == LC_MAX_FIELD)
			return field_err(c, start, col, "longer than 1024 bytes");
		out[n++] = ch;
	}
	out[n] = '\0';
	if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
		return field_err(c, c->line, col, "text after the closing quote");
	return FC_OK;
}

static enum fc_rc csv_field(struct csv *c, char *out, size_t col)
{
	size_t n = 0;
	char ch;

	if (c->p < c->end && *c->p == '"')
		return csv_quoted(c, out, col);
	while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
		ch = *c->p;
		if (ch == '"')
			return field_err(c, c->line, col, "quote inside an unquoted field");
		if (ch == '\0')
			return field_err(c, c->line, col, "NUL byte");
		if (n == LC_MAX_FIELD)
			return field_err(c, c->line, col, "longer than 1024 bytes");
		out[n++] = ch;
		c->p++;
	}
	out[n] = '\0';
	return FC_OK;
}

/* Consumes the end of a line (LF or CRLF) at c->p, if any. */
static enum fc_rc csv_eol(struct csv *c, size_t col)
{
	if (*c->p == '\r') {
		if (c->p + 1 == c->end || c->p[1] != '\n')
			return field_err(c, c->line, col, "carriage return without line feed");
		c->p++;
	}
	c->p++;
	c->line++;
	return FC_OK;
}

/* Reads the next record into r, skipping empty lines; *got is false at the
 * end of the text. Returns FC_OK or FC_EPARSE (too many fields, bad quoting,
 * a field too long). */
static enum fc_rc csv_record(struct csv *c, struct csv_rec *r, bool *got)
{
	enum fc_rc rc = FC_OK;

	*got = false;
	r->n = 0;
	while (c->p < c->end &&
	       (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n'))) {
		c->p += *c->p == '\r' ? 2 : 1;
		c->line++;
	}
	if (c->p == c->end)
		return FC_OK;
	r->line = c->line;
	for (;;) {
		if (r->n == LC_NCOLS)
			return field_err(c, c->line, r->n, "too many fields");
		rc = csv_field(c, r->f[r->n], r->n);
		if (rc)
			return rc;
		r->n++;
		if (c->p == c->end)
			break;
		if (*c->p != ',') {
			rc = csv_eol(c, r->n - 1);
			break;
		}
		c->p++;
	}
	*got = rc == FC_OK;
	return rc;
}

/* ---- rows ---- */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True when s is a real calendar date YYYY-MM-DD (years 1900..9999). */
static bool valid_date(const char *s)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

static bool has_outer_space(const char *s)
{
	size_t n = strlen(s);

	return n && (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]));
}

static void row_release(struct lc_row *r)
{
	free(r->product);
	free(r->edition);
	free(r->release);
	free(r->source);
}

/* Checks the dates of record r and copies them into row. */
static enum fc_rc rec_dates(struct csv *c, const struct csv_rec *r, struct lc_row *row)
{
	char msg[128];
	const char *prev = NULL;
	size_t prev_col = 0;
	int i;

	for (i = 0; i < 3; i++) {
		const char *d = r->f[COL_MAIN + i];

		if (!*d)
			continue;
		if (!valid_date(d)) {
			snprintf(msg, sizeof(msg), "'%.20s' is not a date YYYY-MM-DD", d);
			return field_err(c, r->line, COL_MAIN + i, msg);
		}
		if (prev && strcmp(prev, d) > 0) {
			snprintf(msg, sizeof(msg), "%s is before %s %s", d, col_names[prev_col],
			         prev);
			return field_err(c, r->line, COL_MAIN + i, msg);
		}
		prev = d;
		prev_col = COL_MAIN + i;
		memcpy(row->end[i], d, 11);
	}
	return FC_OK;
}

/* Returns the index of kind in kind_names, or -1. */
static int kind_index(const char *kind)
{
	int k;

	for (k = 0; k < (int)(sizeof(kind_names) / sizeof(kind_names[0])); k++)
		if (!strcmp(kind, kind_names[k]))
			return k;
	return -1;
}

/* Checks record r and fills row (whose strings the caller then owns). */
static enum fc_rc rec_to_row(struct csv *c, const struct csv_rec *r, struct lc_row *row)
{
	char msg[128];
	size_t k;
	enum fc_rc rc;

	memset(row, 0, sizeof(*row));
	row->kind = kind_index(r->f[COL_KIND]);
	if (row->kind < 0) {
		snprintf(msg, sizeof(msg), "unknown kind '%.40s' (os or software)", r->f[COL_KIND]);
		return field_err(c, r->line, COL_KIND, msg);
	}
	if (!*r->f[COL_PRODUCT])
		return field_err(c, r->line, COL_PRODUCT, "empty");
	if (!*r->f[COL_EDITION])
		return field_err(c, r->line, COL_EDITION, "empty (use * for any edition)");
	for (k = COL_KIND; k < r->n; k++)
		if (k != COL_SOURCE && has_outer_space(r->f[k]))
			return field_err(c, r->line, k, "leading or trailing space");
	rc = rec_dates(c, r, row);
	if (rc)
		return rc;
	row->product = xstrdup(r->f[COL_PRODUCT]);
	row->edition = xstrdup(r->f[COL_EDITION]);
	row->source = xstrdup(r->f[COL_SOURCE]);
	row->release = xstrdup(r->n > COL_REL ? r->f[COL_REL] : "");
	return FC_OK;
}

static void rows_push(struct lifecycle *lc, struct lc_row *row)
{
	if (lc->n == lc->cap) {
		lc->cap = lc->cap ? 2 * lc->cap : 64;
		lc->rows = xrealloc(lc->rows, lc->cap * sizeof(*lc->rows));
	}
	lc->rows[lc->n++] = *row;
}

static bool same_key(const struct lc_row *a, const struct lc_row *b)
{
	return a->kind == b->kind && !strcasecmp(a->product, b->product) &&
	       !strcasecmp(a->edition, b->edition) && !strcasecmp(a->release, b->release);
}

/* Moves row into lc, replacing a row with the same key. */
static void rows_merge(struct lifecycle *lc, struct lc_row *row)
{
	size_t i;

	for (i = 0; i < lc->n; i++) {
		if (same_key(&lc->rows[i], row)) {
			row_release(&lc->rows[i]);
			lc->rows[i] = *row;
			return;
		}
	}
	rows_push(lc, row);
}

static void lc_clear(struct lifecycle *lc)
{
	size_t i;

	for (i = 0; i < lc->n; i++)
		row_release(&lc->rows[i]);
	FREE_AND_NULL(lc->rows);
	lc->n = lc->cap = 0;
}

/* Reads and checks the header record; *ncols is 7 or 8. */
static enum fc_rc csv_header(struct csv *c, struct csv_rec *r, size_t *ncols)
{
	enum fc_rc rc;
	bool got;
	size_t i;

	rc = csv_record(c, r, &got);
	if (rc)
		return rc;
	if (!got)
		return set_err(c->err, FC_EPARSE, "%s:%zu: no header line", c->source, c->line);
	for (i = 0; i < r->n; i++)
		if (strcasecmp(r->f[i], col_names[i]))
			break;
	if (i < r->n || r->n < COL_REL)
		return set_err(c->err, FC_EPARSE,
		               "%s:%zu: field %zu: header must be "
		               "kind,product,edition,mainstream_end,extended_end,esu_end,source"
		               "[,release]",
		               c->source, r->line, i + 1);
	*ncols = r->n;
	return FC_OK;
}

/* Parses the whole text into tmp. */
static enum fc_rc csv_parse(struct csv *c, struct lifecycle *tmp)
{
	struct csv_rec *r = xmalloc(sizeof(*r));
	struct lc_row row;
	size_t ncols = 0, idx;
	enum fc_rc rc;
	bool got;

	rc = csv_header(c, r, &ncols);
	while (!rc) {
		rc = csv_record(c, r, &got);
		if (rc || !got)
			break;
		if (r->n != ncols) {
			idx = r->n < ncols ? r->n : ncols;
			rc = set_err(c->err, FC_EPARSE,
			             "%s:%zu: field %zu (%s): %zu fields, not %zu", c->source,
			             r->line, idx + 1, idx < ncols ? col_names[idx] : "extra", r->n,
			             ncols);
			break;
		}
		if (tmp->n == LC_MAX_ROWS) {
			rc = set_err(c->err, FC_ELIMIT, "%s:%zu: more than %d rows", c->source,
			             r->line, LC_MAX_ROWS);
			break;
		}
		rc = rec_to_row(c, r, &row);
		if (rc)
			break;
		rows_merge(tmp, &row);
	}
	free(r);
	return rc;
}

/* ---- the public functions ---- */

struct lifecycle *lifecycle_new(void)
{
	struct lifecycle *lc = xcalloc(1, sizeof(*lc));
	char err[FC_ERRLEN];

	if (lifecycle_add_csv(lc, (const char *)lifecycle_data, lifecycle_data_len,
	                      "data/lifecycle.csv (built in)", err)) {
		LOG_ERR("%s", err);
		lifecycle_free(lc);
		return NULL;
	}
	return lc;
}

void lifecycle_free(struct lifecycle *lc)
{
	if (!lc)
		return;
	lc_clear(lc);
	free(lc);
}

enum fc_rc lifecycle_add_csv(struct lifecycle *lc, const char *csv, size_t len, const char *source,
                             char *err)
{
	struct lifecycle tmp = {0};
	struct csv c = {.p = csv, .end = csv + len, .line = 1, .source = source, .err = err};
	enum fc_rc rc;
	size_t i;

	if (err)
		err[0] = '\0';
	if (!source)
		c.source = "catalogue";
	if (len > LC_MAX_TEXT)
		return set_err(err, FC_ELIMIT, "%s: larger than 4 MiB", c.source);
	if (len >= 3 && !memcmp(csv, "\xEF\xBB\xBF", 3))
		c.p += 3;
	rc = csv_parse(&c, &tmp);
	if (rc)
		goto out_free_tmp;
	for (i = 0; i < tmp.n; i++)
		rows_merge(lc, &tmp.rows[i]);
	tmp.n = 0;
out_free_tmp:
	lc_clear(&tmp);
	return rc;
}

enum fc_rc lifecycle_add_file(struct lifecycle *lc, const char *path, char *err)
{
	struct buf text;
	enum fc_rc rc;

	buf_init(&text, LC_MAX_TEXT);
	rc = plat_read_file(path, LC_MAX_TEXT, &text, err);
	if (!rc)
		rc = lifecycle_add_csv(lc, text.ptr, text.len, path, err);
	buf_release(&text);
	return rc;
}

/* ---- matching ---- */

/* Case-insensitive glob: '*' any run, '?' one byte. */
static bool glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *mark = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			mark = s;
		} else if (*pat && (*pat == '?' ||
		                    tolower((unsigned char)*pat) == tolower((unsigned char)*s))) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++mark;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/* How specific a pattern is: no wildcard beats any wildcard, then the longer
 * literal prefix, then more literal characters. */
struct spec {
	int exact;
	size_t prefix, literals;
};

static void pattern_spec(const char *pat, struct spec *s)
{
	size_t n = strcspn(pat, "*?");

	s->exact = pat[n] == '\0';
	s->prefix = n;
	s->literals = 0;
	for (; *pat; pat++)
		s->literals += *pat != '*' && *pat != '?';
}

static int spec_cmp(const struct spec *a, const struct spec *b)
{
	if (a->exact != b->exact)
		return a->exact - b->exact;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	if (a->literals != b->literals)
		return a->literals < b->literals ? -1 : 1;
	return 0;
}

/* The rank of a matching row: product (software only), edition, release. */
struct rank {
	struct spec s[3];
};

static int rank_cmp(const struct rank *a, const struct rank *b)
{
	int i, d;

	for (i = 0; i < 3; i++) {
		d = spec_cmp(&a->s[i], &b->s[i]);
		if (d)
			return d;
	}
	return 0;
}

/* True when row r matches; fills its rank. */
static bool row_match(const struct lc_row *r, int kind, const char *product, const char *edition,
                      const char *release, struct rank *rk)
{
	if (r->kind != kind)
		return false;
	memset(rk, 0, sizeof(*rk));
	if (kind == 0) {
		if (strcasecmp(r->product, product))
			return false;
	} else {
		if (!glob_match(r->product, product))
			return false;
		pattern_spec(r->product, &rk->s[0]);
	}
	if (!glob_match(r->edition, edition))
		return false;
	pattern_spec(r->edition, &rk->s[1]);
	if (*r->release) {
		if (!glob_match(r->release, release))
			return false;
		pattern_spec(r->release, &rk->s[2]);
	}
	return true;
}

/* The most specific matching row; at equal rank the later row wins. */
static const struct lc_row *lc_find(const struct lifecycle *lc, int kind, const char *product,
                                    const char *edition, const char *release)
{
	const struct lc_row *best = NULL;
	struct rank rk, best_rk;
	size_t i;

	for (i = 0; i < lc->n; i++) {
		if (!row_match(&lc->rows[i], kind, product, edition, release, &rk))
			continue;
		if (!best || rank_cmp(&rk, &best_rk) >= 0) {
			best = &lc->rows[i];
			best_rk = rk;
		}
	}
	return best;
}

/* The status of row r at as_of; end dates are the last day of their phase. */
static enum support_status row_status(const struct lc_row *r, const char *as_of, char *end)
{
	const char *m = r->end[0], *x = r->end[1], *e = r->end[2];

	if (*m && strcmp(as_of, m) <= 0) {
		memcpy(end, m, 11);
		return SUPPORT_SUPPORTED;
	}
	if (*x && strcmp(as_of, x) <= 0) {
		memcpy(end, x, 11);
		return *m ? SUPPORT_EXTENDED : SUPPORT_SUPPORTED;
	}
	if (*e && strcmp(as_of, e) <= 0) {
		memcpy(end, e, 11);
		return SUPPORT_ESU;
	}
	memcpy(end, *e ? e : *x ? x : m, 11);
	return SUPPORT_EOL;
}

enum support_status lifecycle_status_release(const struct lifecycle *lc, const char *kind,
                                             const char *product, const char *edition,
                                             const char *release, const char *as_of,
                                             char support_end[11])
{
	char end[11] = "";
	enum support_status st = SUPPORT_UNKNOWN;
	const struct lc_row *r;
	int k;

	if (!lc || !kind || !product || !as_of || !valid_date(as_of))
		goto out;
	k = kind_index(kind);
	if (k < 0)
		goto out;
	r = lc_find(lc, k, product, edition ? edition : "", release ? release : "");
	if (r && (*r->end[0] || *r->end[1] || *r->end[2]))
		st = row_status(r, as_of, end);
out:
	if (support_end)
		memcpy(support_end, end, 11);
	return st;
}

enum support_status lifecycle_status(const struct lifecycle *lc, const char *kind,
                                     const char *product, const char *edition, const char *as_of,
                                     char support_end[11])
{
	return lifecycle_status_release(lc, kind, product, edition, NULL, as_of, support_end);
}

const char *support_status_name(enum support_status s)
{
	switch (s) {
	case SUPPORT_SUPPORTED: return "supported";
	case SUPPORT_EXTENDED: return "extended";
	case SUPPORT_ESU: return "esu";
	case SUPPORT_EOL: return "eol";
	case SUPPORT_UNKNOWN: break;
	}
	return "unknown";
}

size_t lifecycle_count(const struct lifecycle *lc)
{
	return lc ? lc->n : 0;
}

void lifecycle_row_get(const struct lifecycle *lc, size_t i, struct lifecycle_row *out)
{
	const struct lc_row *r;

	assert(lc && i < lc->n);
	r = &lc->rows[i];
	out->kind = kind_names[r->kind];
	out->product = r->product;
	out->edition = r->edition;
	out->release = r->release;
	out->mainstream_end = r->end[0];
	out->extended_end = r->end[1];
	out->esu_end = r->end[2];
	out->source = r->source;
}
