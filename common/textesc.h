/* textesc.h - values from machines made inert for the reader: one encoder
 * per output format (docs/security.md, "Values from machines").
 *
 * Host names, software names, editions and file names come from machines
 * an attacker may control. Shown as they are, they clear a terminal, colour
 * it, add OSC-8 links, forge rows of a table or lines of a log, reverse text
 * with bidirectional overrides, or start a spreadsheet formula. So:
 *
 *   text (tables, logs, CLI echoes): every control character (C0, DEL, C1),
 *     bidirectional control (U+061C, U+200E, U+200F, U+202A..U+202E,
 *     U+2066..U+2069), line or paragraph separator (U+2028, U+2029) and
 *     every byte of ill-formed UTF-8 is replaced by a visible escape:
 *     "\xHH" for a byte (C0, DEL, an ill-formed byte), "\uHHHH" for a code
 *     point from U+0080 up (lower-case hex). Everything else, including
 *     non-Latin letters and a backslash, is kept byte for byte. The escape
 *     is for reading, not reversible: JSON carries the exact values.
 *   CSV: the text escape, then a single quote before a cell whose text
 *     starts with '=', '+', '-', '@', tab or CR (OWASP), then RFC 4180
 *     quoting.
 *   JSON: not here; JSON escaping (report.c, cJSON) already makes any
 *     string inert. */
#ifndef FC_COMMON_TEXTESC_H
#define FC_COMMON_TEXTESC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "fc_printf.h"
#include "fc_rc.h"

/* The longest escape of one character: "\u202e". */
#define TEXTESC_UNIT_MAX 6
/* textesc_printf and textesc_vline format at most this many bytes of text
 * (before escaping); a longer line is cut and ends with "...". */
#define TEXTESC_LINE_MAX 4096

/* True when the len bytes at s are shown unchanged by textesc_text: valid
 * UTF-8 holding nothing that it escapes. */
bool textesc_is_plain(const char *s, size_t len);

/* Appends the len bytes at s (NULs included, as "\x00") to out, escaped
 * for a terminal or a table cell as described above. Returns FC_OK or
 * FC_ELIMIT (out passed its maximum). */
enum fc_rc textesc_text(struct buf *out, const char *s, size_t len);

/* Writes the len bytes at s escaped like textesc_text into dst (size >= 1
 * bytes), NUL-terminated, stopping before the first character or escape
 * that does not fit; never cuts one. Returns the bytes written (without the
 * NUL). */
size_t textesc_text_to(char *dst, size_t size, const char *s, size_t len);

/* Appends the C string s to out as one CSV field (RFC 4180, no separator):
 * escaped like textesc_text, a "'" put before it when its text starts a
 * formula, quoted (quotes doubled) when it holds a comma or a quote.
 * Returns FC_OK or FC_ELIMIT. */
enum fc_rc textesc_csv(struct buf *out, const char *s);

/* True when a CSV field whose text starts with c would be a formula in a
 * spreadsheet ('=', '+', '-', '@', tab, CR). */
bool textesc_csv_formula_start(char c);

/* Writes head, the text of fmt and ap escaped like textesc_text (cut after
 * TEXTESC_LINE_MAX bytes), tail and a newline to f in one fwrite, so that
 * lines of several threads do not mix. head and tail are the caller's own
 * text (not escaped, at most 256 bytes each are kept). */
FC_PRINTF(4, 0)
void textesc_vline(FILE *f, const char *head, const char *tail, const char *fmt, va_list ap);

/* One line to f: the text of fmt escaped like textesc_text, then a
 * newline (textesc_vline with no head or tail). For echoing values from
 * outside on a terminal, e.g. a file name:
 * textesc_printf(stdout, "%s: machine %s (%s)", path, id, outcome). */
FC_PRINTF(2, 3)
void textesc_printf(FILE *f, const char *fmt, ...);

#endif
