/* textlines.c - walk text held in memory line by line. */
#include "textlines.h"

#include <string.h>

bool textlines_next(const char *buf, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*line = buf + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += *n + (nl ? 1 : 0);
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return true;
}

size_t textlines_line_of(const char *buf, const char *at)
{
	size_t line = 1;
	const char *p = buf;

	while (p < at) {
		p = memchr(p, '\n', (size_t)(at - p));
		if (!p)
			break;
		line++;
		p++;
	}
	return line;
}

bool textlines_has_nul(const char *buf, size_t len, size_t *line)
{
	const char *nul = len ? memchr(buf, '\0', len) : NULL;

	if (!nul)
		return false;
	*line = textlines_line_of(buf, nul);
	return true;
}

const char *textlines_cstr(char *dst, const char *val, size_t n)
{
	if (val)
		memcpy(dst, val, n);
	dst[val ? n : 0] = '\0';
	return dst;
}
