/* textlines.h - walk text held in memory line by line.
 *
 * Helpers shared by the pure parsers of line-based files (apk, dpkg and
 * pacman databases, os-release). Lines end with LF; a CR just before the
 * LF (CRLF), or as the last byte of the input, is not part of the line. A
 * lone CR anywhere else stays in the line. All functions are pure: they only
 * read the input and write their output parameters. */
#ifndef FC_AGENT_TEXTLINES_H
#define FC_AGENT_TEXTLINES_H

#include <stdbool.h>
#include <stddef.h>

/* Sets *line and *n to the line that starts at buf[*pos] (buf holds len
 * bytes), without its LF or CRLF, and moves *pos past the line end. *line
 * points into buf. Returns false, setting nothing, when *pos is at the end
 * of buf. */
bool textlines_next(const char *buf, size_t len, size_t *pos, const char **line, size_t *n);

/* Returns the number, from 1, of the line that holds the byte at (a
 * position inside buf or one past its last byte): one more than the LF
 * bytes from buf up to at. */
size_t textlines_line_of(const char *buf, const char *at);

/* Returns true when buf (len bytes; NULL when len is 0) holds a NUL byte,
 * and then sets *line to the number of the line it is on, from 1. */
bool textlines_has_nul(const char *buf, size_t len, size_t *line);

/* Copies the n bytes at val (no bytes when val is NULL) to dst, which holds
 * at least n + 1 bytes, and ends them with a NUL. Returns dst, which the
 * caller owns as before. */
const char *textlines_cstr(char *dst, const char *val, size_t n);

#endif
