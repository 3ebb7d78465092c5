/* source_csv.c - the CSV reader of the CSV sources (source_csv.h). */
#include "source_csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source.h"
#include "utf8.h"
#include "xalloc.h"

/* The line (from 1) of byte off of the text before decoding. */
static long line_at(const char *p, size_t off)
{
	long line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		line += p[i] == '\n';
	return line;
}

/* UTF-16 (big-endian when be) to UTF-8 into *out. */
static enum fc_rc from_utf16(const unsigned char *p, size_t len, bool be, char **out, size_t *olen,
                             long *bad_line)
{
	char *o = xmalloc(len / 2 * 3 + 1);
	size_t i, n = 0;
	long line = 1;

	*bad_line = 0;
	if (len % 2) {
		*bad_line = -1;
		free(o);
		return FC_EPARSE;
	}
	for (i = 0; i + 1 < len; i += 2) {
		unsigned long cp =
		    be ? (unsigned long)p[i] << 8 | p[i + 1] : (unsigned long)p[i + 1] << 8 | p[i];

		if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < len) {
			unsigned long lo = be ? (unsigned long)p[i + 2] << 8 | p[i + 3]
			                      : (unsigned long)p[i + 3] << 8 | p[i + 2];
			if (lo < 0xdc00 || lo > 0xdfff)
				goto out_bad;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0) {
			goto out_bad;
		}
		line += cp == '\n';
		n += utf8_put(cp, o + n);
	}
	o[n] = '\0';
	*out = o;
	*olen = n;
	return FC_OK;
out_bad:
	*bad_line = line;
	free(o);
	return FC_EPARSE;
}

/* Decodes data into c->text (see source_csv.h). */
static enum fc_rc decode(struct source_csv *c, const char *data, size_t len, char *err)
{
	const unsigned char *u = (const unsigned char *)data;
	long bad = 0;
	size_t i;

	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		if (from_utf16(u + 2, len - 2, u[0] == 0xfe, &c->text, &c->len, &bad) == FC_OK)
			return FC_OK;
	} else if (len >= 2 && u[0] != 0 && u[1] == 0) {
		if (from_utf16(u, len, false, &c->text, &c->len, &bad) == FC_OK)
			return FC_OK;
	} else {
		if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
			data += 3;
			len -= 3;
		}
		for (i = 0; i < len;) {
			size_t k = utf8_char_len(data + i, len - i);
			if (!k) {
				snprintf(err, FC_ERRLEN,
				         "%s:%ld: not UTF-8, UTF-16 or ASCII text (byte 0x%02x)",
				         c->path, line_at(data, i), (unsigned char)data[i]);
				return FC_EPARSE;
			}
			i += k;
		}
		c->text = xmalloc(len + 1);
		memcpy(c->text, data, len);
		c->text[len] = '\0';
		c->len = len;
		return FC_OK;
	}
	if (bad < 0)
		snprintf(err, FC_ERRLEN, "%s: UTF-16 text of an odd number of bytes", c->path);
	else
		snprintf(err, FC_ERRLEN, "%s:%ld: an invalid UTF-16 character (or NUL)", c->path,
		         bad);
	return FC_EPARSE;
}

static void fields_clear(struct source_csv *c)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		FREE_AND_NULL(c->field[i]);
	c->nfields = 0;
}

/* Reads one record's fields into c->field; *eof when the text is done. */
static enum fc_rc read_record(struct source_csv *c, bool *eof, char *err)
{
	struct buf f;
	bool quoted = false, any = false;

	fields_clear(c);
	*eof = c->pos >= c->len;
	if (*eof)
		return FC_OK;
	c->rec_line = c->line;
	buf_init(&f, SOURCE_MAX_FIELD + 1);
	for (;;) {
		char ch = c->pos < c->len ? c->text[c->pos] : '\0';
		bool end = c->pos >= c->len;

		c->pos += !end;
		if (quoted) {
			if (end) {
				snprintf(err, FC_ERRLEN, "%s:%ld: a quoted field is not closed",
				         c->path, c->rec_line);
				goto out_fail;
			}
			if (ch == '"' && c->pos < c->len && c->text[c->pos] == '"') {
				c->pos++;
			} else if (ch == '"') {
				quoted = false;
				continue;
			}
			c->line += ch == '\n';
		} else if (ch == '"' && f.len == 0 && !any) {
			quoted = any = true;
			continue;
		} else if (end || ch == c->delim || ch == '\n' || ch == '\r') {
			if (c->nfields == SOURCE_MAX_COLS) {
				snprintf(err, FC_ERRLEN, "%s:%ld: more than %d columns", c->path,
				         c->rec_line, SOURCE_MAX_COLS);
				goto out_limit;
			}
			c->field[c->nfields++] = buf_take(&f, NULL);
			buf_init(&f, SOURCE_MAX_FIELD + 1);
			any = false;
			if (ch == c->delim)
				continue;
			if (ch == '\r' && c->pos < c->len && c->text[c->pos] == '\n')
				c->pos++;
			c->line += !end;
			break;
		}
		if (buf_addc(&f, ch) != FC_OK) {
			snprintf(err, FC_ERRLEN, "%s:%ld: field %zu longer than %d bytes", c->path,
			         c->rec_line, c->nfields + 1, SOURCE_MAX_FIELD);
			goto out_limit;
		}
	}
	buf_release(&f);
	return FC_OK;
out_limit:
	buf_release(&f);
	return FC_ELIMIT;
out_fail:
	buf_release(&f);
	return FC_EPARSE;
}

/* True when the record last read is an empty line. */
static bool blank(const struct source_csv *c)
{
	return c->nfields == 1 && c->field[0][0] == '\0';
}

enum fc_rc source_csv_open(struct source_csv *c, const char *path, const char *data, size_t len,
                           char *err)
{
	enum fc_rc rc;
	const char *p;
	bool eof;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->line = 1;
	rc = decode(c, data, len, err);
	if (rc)
		return rc;
	if (c->len >= 5 && !strncmp(c->text, "#TYPE", 5)) {
		while (c->pos < c->len && c->text[c->pos] != '\n')
			c->pos++;
		c->pos += c->pos < c->len;
		c->line++;
	}
	c->delim = ',';
	for (p = c->text + c->pos; *p && *p != '\n' && *p != ','; p++)
		if (*p == ';')
			c->delim = ';';
	if (*p == ',')
		c->delim = ',';
	rc = read_record(c, &eof, err);
	if (rc)
		return rc;
	if (eof || blank(c)) {
		snprintf(err, FC_ERRLEN, "%s:%ld: no header line (an empty file?)", c->path,
		         c->line);
		return FC_EPARSE;
	}
	memcpy(c->header, c->field, c->nfields * sizeof(c->header[0]));
	c->ncols = c->nfields;
	c->nfields = 0;
	return FC_OK;
}

void source_csv_release(struct source_csv *c)
{
	size_t i;

	fields_clear(c);
	for (i = 0; i < c->ncols; i++)
		FREE_AND_NULL(c->header[i]);
	c->ncols = 0;
	FREE_AND_NULL(c->text);
}

int source_csv_col(const struct source_csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ncols; i++)
		if (!strcasecmp(c->header[i], name))
			return (int)i;
	return -1;
}

enum fc_rc source_csv_next(struct source_csv *c, bool *eof, char *err)
{
	enum fc_rc rc;

	do {
		rc = read_record(c, eof, err);
	} while (!rc && !*eof && blank(c));
	if (rc || *eof)
		return rc;
	if (c->nfields != c->ncols) {
		snprintf(err, FC_ERRLEN, "%s:%ld: %zu fields where the header has %zu columns",
		         c->path, c->rec_line, c->nfields, c->ncols);
		return FC_EPARSE;
	}
	return FC_OK;
}

const char *source_csv_get(const struct source_csv *c, int col)
{
	return col < 0 || (size_t)col >= c->nfields ? "" : c->field[col];
}
