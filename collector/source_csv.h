/* source_csv.h - the CSV reader the CSV sources share: decodes the file
 * (UTF-8 with or without BOM, ASCII, UTF-16LE/BE with BOM or UTF-16LE
 * without) to UTF-8, skips PowerShell 5.1's "#TYPE ..." line, reads a
 * header whose names are matched without regard to ASCII case, then
 * RFC 4180 records (quotes, doubled quotes, CRLF or LF). */
#ifndef FC_COLLECTOR_SOURCE_CSV_H
#define FC_COLLECTOR_SOURCE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fc_rc.h"

struct source_csv {
	const char *path; /* for messages */
	char *text; /* the decoded UTF-8 text (owned) */
	size_t len, pos;
	char delim; /* ',' or, for Export-Csv -UseCulture, ';' */
	long line; /* the line the next record starts on */
	long rec_line; /* the line of the record last read */
	char *header[512];
	size_t ncols;
	char *field[512]; /* the fields of the record last read (owned) */
	size_t nfields;
};

/* Decodes data and reads the header. FC_OK, or FC_EPARSE/FC_ELIMIT with
 * err "PATH:LINE: what is wrong". Release with source_csv_release on every
 * path. */
enum fc_rc source_csv_open(struct source_csv *c, const char *path, const char *data, size_t len,
                           char *err);
void source_csv_release(struct source_csv *c);
/* The index of the column called name (ASCII case ignored), -1 when none. */
int source_csv_col(const struct source_csv *c, const char *name);
/* Reads the next record; *eof at the end. A record with another number of
 * fields than the header, an unterminated quote or an over-long field is
 * FC_EPARSE/FC_ELIMIT with err set. */
enum fc_rc source_csv_next(struct source_csv *c, bool *eof, char *err);
/* Field col of the record last read ("" for col < 0). */
const char *source_csv_get(const struct source_csv *c, int col);

#endif
