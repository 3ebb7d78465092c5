/* xlsx.c - tables as an XLSX workbook with libxlsxwriter (xlsx.h). */
#include "xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "textesc.h"

#define XLSX_MAX_WIDTH 80.0
#define XLSX_MAX_COLS 16

/* The text of a cell as its CSV cell has it, before quoting: escaped for
 * reading, a "'" before a formula's first character. */
static enum fc_rc cell_text(const char *s, struct buf *t)
{
	enum fc_rc rc = FC_OK;

	t->len = 0;
	if (textesc_csv_formula_start(s[0]))
		rc = buf_addc(t, '\'');
	if (rc == FC_OK)
		rc = textesc_text(t, s, strlen(s));
	if (rc == FC_OK)
		rc = buf_addc(t, '\0');
	return rc;
}

/* Display width of UTF-8 text: its code points. */
static double text_width(const char *s)
{
	double n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static enum fc_rc write_sheet(lxw_workbook *wb, lxw_format *bold, const struct xlsx_sheet *sh,
                              char *err)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, sh->name);
	double width[XLSX_MAX_COLS];
	enum fc_rc rc = FC_OK;
	struct buf t;
	size_t r, i;
	lxw_error e = LXW_NO_ERROR;

	if (!ws || sh->ncols > XLSX_MAX_COLS) {
		snprintf(err, FC_ERRLEN, "xlsx: cannot add sheet '%s'", sh->name);
		return FC_EIO;
	}
	buf_init(&t, (size_t)1 << 20);
	for (i = 0; i < sh->ncols && !e; i++) {
		width[i] = text_width(sh->cols[i]) + 2;
		e = worksheet_write_string(ws, 0, (lxw_col_t)i, sh->cols[i], bold);
	}
	for (r = 0; r < sh->nrows && !e && rc == FC_OK; r++)
		for (i = 0; i < sh->ncols && !e && rc == FC_OK; i++) {
			const char *v = sh->cells[r * sh->ncols + i];

			if (sh->num[r * sh->ncols + i]) {
				e = worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)i,
				                           strtod(v, NULL), NULL);
			} else {
				rc = cell_text(v, &t);
				if (rc == FC_OK)
					e = worksheet_write_string(ws, (lxw_row_t)(r + 1),
					                           (lxw_col_t)i, t.ptr, NULL);
			}
			if (text_width(v) + 2 > width[i])
				width[i] = text_width(v) + 2;
		}
	for (i = 0; i < sh->ncols && !e; i++)
		e = worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i,
		                         width[i] > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : width[i],
		                         NULL);
	worksheet_freeze_panes(ws, 1, 0);
	buf_release(&t);
	if (rc == FC_OK && e) {
		snprintf(err, FC_ERRLEN, "xlsx: sheet '%s': %s", sh->name, lxw_strerror(e));
		rc = FC_ELIMIT;
	} else if (rc) {
		snprintf(err, FC_ERRLEN, "xlsx: sheet '%s': a cell is too long", sh->name);
	}
	return rc;
}

/* Reads the file at path into out. */
static enum fc_rc read_back(const char *path, struct buf *out, char *err)
{
	char chunk[65536];
	enum fc_rc rc = FC_OK;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "xlsx: cannot read '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	while (rc == FC_OK && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, FC_ERRLEN, "xlsx: cannot read '%s': %s", path,
			         strerror(errno));
			rc = FC_EIO;
		} else {
			rc = buf_add(out, chunk, (size_t)n);
			if (rc)
				snprintf(err, FC_ERRLEN,
				         "xlsx: the workbook exceeds the output limit");
		}
	}
	close(fd);
	return rc;
}

enum fc_rc xlsx_render(const struct xlsx_sheet *sheets, size_t n, struct buf *out, char *err)
{
	const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4096];
	lxw_workbook *wb;
	lxw_format *bold;
	enum fc_rc rc = FC_OK;
	lxw_error e;
	size_t i;
	int fd;

	if (snprintf(path, sizeof(path), "%s/fleetcensus-xlsx.XXXXXX", dir) >= (int)sizeof(path)) {
		snprintf(err, FC_ERRLEN, "xlsx: $TMPDIR is too long");
		return FC_EIO;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "xlsx: cannot create a temporary file in '%s': %s", dir,
		         strerror(errno));
		return FC_EIO;
	}
	close(fd);
	wb = workbook_new(path);
	if (!wb) {
		snprintf(err, FC_ERRLEN, "xlsx: cannot start a workbook in '%s'", path);
		(void)unlink(path); /* best effort: the error is reported */
		return FC_EIO;
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (i = 0; rc == FC_OK && i < n; i++)
		rc = write_sheet(wb, bold, &sheets[i], err);
	e = workbook_close(wb);
	if (rc == FC_OK && e) {
		snprintf(err, FC_ERRLEN, "xlsx: cannot write the workbook: %s", lxw_strerror(e));
		rc = FC_EIO;
	}
	if (rc == FC_OK)
		rc = read_back(path, out, err);
	(void)unlink(path); /* a private temporary file */
	return rc;
}
