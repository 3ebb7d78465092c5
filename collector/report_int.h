/* report_int.h - what the files of the reports share (report.c,
 * report_writer.c): the writer that renders rows as an aligned table, CSV
 * (RFC 4180) or a JSON array. Not for other modules: they use report.h
 * (report_writer_new and its kin). */
#ifndef FC_COLLECTOR_REPORT_INT_H
#define FC_COLLECTOR_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fc_rc.h"
#include "report.h"

/* The most columns a report has. */
#define MAX_COLS 18

struct writer {
	enum report_format fmt;
	struct buf *out;
	const char *const *cols;
	size_t ncols;
	size_t nrows;
	char **cells; /* table: every cell, row by row, until the end */
	bool numeric[MAX_COLS];
	size_t ncells, cap;
};

/* Starts a table of the ncols columns cols (they outlive w) into out. */
void report_writer_init(struct writer *w, enum report_format fmt, struct buf *out,
                        const char *const *cols, size_t ncols);

/* The header line (CSV, table) or the opening bracket (JSON). */
enum fc_rc report_writer_header(struct writer *w);

/* One row of ncols values; num[i] (num may be NULL) marks a number the
 * collector computed, written as it is (never neutralised as CSV text). */
enum fc_rc report_writer_put(struct writer *w, const char *const *v, const bool *num);

/* Ends the table (a table is rendered now, its widths known) and frees what
 * w holds; returns rc, or the end's failure when rc is FC_OK. */
enum fc_rc report_writer_end(struct writer *w, enum fc_rc rc);

#endif
