/* textesc.c - values from machines made inert for the reader (textesc.h). */
#include "textesc.h"

#include <string.h>

#include "utf8.h"

#define HEAD_MAX 256 /* kept of textesc_vline's head and of its tail */

/* True for the code points shown as an escape: controls (C0, DEL, C1),
 * bidirectional controls, line and paragraph separators. */
static bool cp_hidden(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The next character of the len (> 0) bytes at s: returns its length in
 * bytes; esc gets its escape, or "" when it is shown as it is. */
static size_t next_unit(const char *s, size_t len, char esc[TEXTESC_UNIT_MAX + 1])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = utf8_char_len(s, len);
	unsigned long cp;

	esc[0] = '\0';
	if (n == 0) {
		snprintf(esc, TEXTESC_UNIT_MAX + 1, "\\x%02x", p[0]);
		return 1;
	}
	if (n == 1)
		cp = p[0];
	else if (n == 2)
		cp = ((p[0] & 0x1fUL) << 6) | (p[1] & 0x3fUL);
	else if (n == 3)
		cp = ((p[0] & 0x0fUL) << 12) | ((p[1] & 0x3fUL) << 6) | (p[2] & 0x3fUL);
	else
		return n; /* above U+FFFF: nothing there is escaped */
	if (cp_hidden(cp))
		snprintf(esc, TEXTESC_UNIT_MAX + 1, cp < 0x80 ? "\\x%02lx" : "\\u%04lx", cp);
	return n;
}

bool textesc_is_plain(const char *s, size_t len)
{
	char esc[TEXTESC_UNIT_MAX + 1];
	size_t i = 0;

	while (i < len) {
		i += next_unit(s + i, len - i, esc);
		if (esc[0])
			return false;
	}
	return true;
}

/* Appends the len bytes at s escaped; with csv, a plain '"' is doubled. */
static enum fc_rc put_text(struct buf *out, const char *s, size_t len, bool csv)
{
	char esc[TEXTESC_UNIT_MAX + 1];
	enum fc_rc rc = FC_OK;
	size_t i = 0, run = 0, n;

	while (rc == FC_OK && i < len) {
		n = next_unit(s + i, len - i, esc);
		if (!esc[0] && !(csv && s[i] == '"')) {
			i += n;
			continue;
		}
		rc = buf_add(out, s + run, i - run);
		if (rc == FC_OK)
			rc = esc[0] ? buf_addstr(out, esc) : buf_addstr(out, "\"\"");
		i += n;
		run = i;
	}
	return rc == FC_OK ? buf_add(out, s + run, i - run) : rc;
}

enum fc_rc textesc_text(struct buf *out, const char *s, size_t len)
{
	return put_text(out, s, len, false);
}

size_t textesc_text_to(char *dst, size_t size, const char *s, size_t len)
{
	char esc[TEXTESC_UNIT_MAX + 1];
	size_t i = 0, o = 0, n, add;

	while (i < len) {
		n = next_unit(s + i, len - i, esc);
		add = esc[0] ? strlen(esc) : n;
		if (o + add + 1 > size)
			break;
		memcpy(dst + o, esc[0] ? esc : s + i, add);
		o += add;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

bool textesc_csv_formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

enum fc_rc textesc_csv(struct buf *out, const char *s)
{
	char esc[TEXTESC_UNIT_MAX + 1];
	size_t len = strlen(s);
	bool quote = s[strcspn(s, ",\"")] != '\0';
	enum fc_rc rc = FC_OK;

	if (quote)
		rc = buf_addc(out, '"');
	if (rc == FC_OK && len && textesc_csv_formula_start(s[0]) &&
	    (next_unit(s, len, esc), !esc[0]))
		rc = buf_addc(out, '\'');
	if (rc == FC_OK)
		rc = put_text(out, s, len, true);
	if (rc == FC_OK && quote)
		rc = buf_addc(out, '"');
	return rc;
}

/* Copies at most HEAD_MAX bytes of s to dst; returns how many. (Not
 * strnlen, which XP's msvcrt.dll lacks: the agent links this file.) */
static size_t put_head(char *dst, const char *s)
{
	size_t n = 0;

	while (n < HEAD_MAX && s[n]) {
		dst[n] = s[n];
		n++;
	}
	return n;
}

void textesc_vline(FILE *f, const char *head, const char *tail, const char *fmt, va_list ap)
{
	char msg[TEXTESC_LINE_MAX];
	char line[2 * HEAD_MAX + 4 * TEXTESC_LINE_MAX + 8];
	size_t len, n;
	int w;

	w = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (w < 0)
		snprintf(msg, sizeof(msg), "(a message that cannot be formatted: '%s')", fmt);
	len = put_head(line, head);
	n = strlen(msg);
	len += textesc_text_to(line + len, 4 * TEXTESC_LINE_MAX + 1, msg, n);
	if (w >= (int)sizeof(msg)) {
		memcpy(line + len, "...", 3);
		len += 3;
	}
	len += put_head(line + len, tail);
	line[len++] = '\n';
	/* a diagnostic that cannot be written has nowhere else to go */
	(void)fwrite(line, 1, len, f);
}

void textesc_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	textesc_vline(f, "", "", fmt, ap);
	va_end(ap);
}
