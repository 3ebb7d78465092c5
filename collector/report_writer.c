/* report_writer.c - the reports' one writer (report_int.h): an aligned
 * table (no trailing spaces), CSV (RFC 4180) or a JSON array, every value
 * from a machine made inert for its format by common/textesc.c. */
#include "report_int.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "textesc.h"
#include "utf8.h"
#include "xalloc.h"

enum fc_rc report_csv_field(struct buf *out, const char *s, bool last)
{
	enum fc_rc rc = textesc_csv(out, s);

	if (rc == FC_OK)
		rc = buf_addstr(out, last ? "\r\n" : ",");
	return rc;
}

static enum fc_rc json_string(struct buf *out, const char *s)
{
	enum fc_rc rc = buf_addc(out, '"');
	char esc[8];

	for (; *s && rc == FC_OK; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
			rc = buf_addstr(out, esc);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			rc = buf_addstr(out, esc);
		} else {
			rc = buf_addc(out, (char)c);
		}
	}
	return rc == FC_OK ? buf_addc(out, '"') : rc;
}

void report_writer_init(struct writer *w, enum report_format fmt, struct buf *out,
                        const char *const *cols, size_t ncols)
{
	assert(ncols <= MAX_COLS); /* a programmer's error: MAX_COLS is too small */
	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	w->out = out;
	w->cols = cols;
	w->ncols = ncols;
}

enum fc_rc report_writer_header(struct writer *w)
{
	enum fc_rc rc = FC_OK;
	size_t i;

	if (w->fmt != REPORT_CSV)
		return FC_OK;
	for (i = 0; rc == FC_OK && i < w->ncols; i++)
		rc = report_csv_field(w->out, w->cols[i], i + 1 == w->ncols);
	return rc;
}

static enum fc_rc json_row(struct writer *w, const char *const *v, const bool *num)
{
	enum fc_rc rc = buf_addstr(w->out, w->nrows ? ",\n{" : "[\n{");
	size_t i;

	for (i = 0; rc == FC_OK && i < w->ncols; i++) {
		if (i)
			rc = buf_addc(w->out, ',');
		if (rc == FC_OK)
			rc = json_string(w->out, w->cols[i]);
		if (rc == FC_OK)
			rc = buf_addc(w->out, ':');
		if (rc == FC_OK)
			rc = num && num[i] ? buf_addstr(w->out, v[i]) : json_string(w->out, v[i]);
	}
	return rc == FC_OK ? buf_addc(w->out, '}') : rc;
}

/* A number the collector computed, as a CSV field: as it is, so that a
 * count stays a number (counts are never negative; only text from machines
 * and organisation names is neutralised, by report_csv_field). */
static enum fc_rc csv_number(struct buf *out, const char *s, bool last)
{
	enum fc_rc rc = buf_addstr(out, s);

	return rc == FC_OK ? buf_addstr(out, last ? "\r\n" : ",") : rc;
}

/* Keeps one table cell, escaped for the terminal (textesc_text). */
static enum fc_rc table_cell(struct writer *w, const char *s)
{
	size_t len = strlen(s);
	struct buf cell;
	enum fc_rc rc;

	if (textesc_is_plain(s, len)) {
		w->cells[w->ncells++] = xstrdup(s);
		return FC_OK;
	}
	buf_init(&cell, w->out->max);
	rc = textesc_text(&cell, s, len);
	if (rc == FC_OK)
		w->cells[w->ncells++] = buf_take(&cell, NULL);
	return rc;
}

/* Adds one row: v holds ncols strings; num (NULL: none) marks the cells that
 * are numbers the collector computed (JSON numbers, right-aligned in the
 * table, never neutralised in CSV). Every other cell is made inert for its
 * format (textesc.h): table cells escaped, CSV fields neutralised. */
enum fc_rc report_writer_put(struct writer *w, const char *const *v, const bool *num)
{
	enum fc_rc rc = FC_OK;
	size_t i;

	if (w->fmt == REPORT_CSV) {
		for (i = 0; rc == FC_OK && i < w->ncols; i++)
			rc = num && num[i] ? csv_number(w->out, v[i], i + 1 == w->ncols)
			                   : report_csv_field(w->out, v[i], i + 1 == w->ncols);
	} else if (w->fmt == REPORT_JSON) {
		rc = json_row(w, v, num);
	} else {
		if (w->ncells + w->ncols > w->cap) {
			w->cap = w->cap ? w->cap * 2 : 64 * w->ncols;
			w->cells = xrealloc(w->cells, w->cap * sizeof(*w->cells));
		}
		for (i = 0; rc == FC_OK && i < w->ncols; i++) {
			rc = table_cell(w, v[i]);
			if (num && num[i])
				w->numeric[i] = true;
		}
	}
	if (rc == FC_OK)
		w->nrows++;
	return rc;
}

/* Display width of UTF-8 text: its code points. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* One line of the table; no trailing spaces (empty last cells). */
static enum fc_rc table_line(struct writer *w, const char *const *v, const size_t *width)
{
	enum fc_rc rc = FC_OK;
	size_t i, pad, k, start = w->out->len;

	for (i = 0; rc == FC_OK && i < w->ncols; i++) {
		pad = width[i] - text_width(v[i]);
		if (i)
			rc = buf_addstr(w->out, "  ");
		for (k = 0; rc == FC_OK && w->numeric[i] && k < pad; k++)
			rc = buf_addc(w->out, ' ');
		if (rc == FC_OK)
			rc = buf_addstr(w->out, v[i]);
		for (k = 0; rc == FC_OK && !w->numeric[i] && i + 1 < w->ncols && k < pad; k++)
			rc = buf_addc(w->out, ' ');
	}
	while (rc == FC_OK && w->out->len > start && w->out->ptr[w->out->len - 1] == ' ')
		w->out->len--;
	return rc == FC_OK ? buf_addc(w->out, '\n') : rc;
}

static enum fc_rc table_render(struct writer *w)
{
	size_t width[MAX_COLS], i, r;
	enum fc_rc rc;

	for (i = 0; i < w->ncols; i++)
		width[i] = text_width(w->cols[i]);
	for (r = 0; r < w->ncells; r++)
		if (text_width(w->cells[r]) > width[r % w->ncols])
			width[r % w->ncols] = text_width(w->cells[r]);
	rc = table_line(w, w->cols, width);
	for (r = 0; rc == FC_OK && r < w->nrows; r++)
		rc = table_line(w, (const char *const *)w->cells + r * w->ncols, width);
	return rc;
}

/* Ends the output (the JSON array's bracket, the table itself) and frees
 * the writer's cells; rc is the outcome so far. */
enum fc_rc report_writer_end(struct writer *w, enum fc_rc rc)
{
	size_t i;

	if (rc == FC_OK && w->fmt == REPORT_JSON)
		rc = buf_addstr(w->out, w->nrows ? "\n]\n" : "[]\n");
	else if (rc == FC_OK && w->fmt == REPORT_TABLE)
		rc = table_render(w);
	for (i = 0; i < w->ncells; i++)
		free(w->cells[i]);
	free(w->cells);
	w->cells = NULL;
	w->ncells = w->cap = 0;
	return rc;
}
