/* xlsx.h - tables as an XLSX workbook (libxlsxwriter): one sheet per table,
 * a frozen bold header row, numbers as numbers, every other cell a string
 * (never a formula) with the same text as its CSV cell (textesc: control
 * characters escaped, a "'" before a leading '=', '+', '-', '@'), and
 * column widths that fit. */
#ifndef FC_COLLECTOR_XLSX_H
#define FC_COLLECTOR_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fc_rc.h"

struct xlsx_sheet {
	const char *name; /* the sheet's name (at most 31 bytes, no []:*?/\) */
	const char *const *cols;
	size_t ncols, nrows;
	const char *const *cells; /* nrows * ncols, row by row */
	const bool *num; /* per cell: a number the collector computed */
};

/* Appends the workbook of the n sheets to out. It is built in a private
 * temporary file ($TMPDIR, else /tmp), removed before this returns.
 * Returns FC_OK, FC_EIO (the temporary file), FC_ELIMIT (a cell too long
 * for XLSX, the output too large) with err set. */
enum fc_rc xlsx_render(const struct xlsx_sheet *sheets, size_t n, struct buf *out, char *err);

#endif
