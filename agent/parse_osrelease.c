/* parse_osrelease.c - parse an os-release(5) file held in memory.
 *
 * A byte-at-a-time state machine with the states of systemd's env-file
 * reader (written from its documented behaviour), plus line limits. */
#include "parse_osrelease.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "textlines.h"

enum osr_state {
	OSR_PRE_KEY, /* start of a line: blanks, then a comment or a key */
	OSR_KEY, /* in the key, before '=' */
	OSR_PRE_VALUE, /* after '=' or a closing quote */
	OSR_VALUE, /* in an unquoted part */
	OSR_VALUE_ESC, /* after a backslash in an unquoted part */
	OSR_SQUOTE, /* inside '...' */
	OSR_DQUOTE, /* inside "..." */
	OSR_DQUOTE_ESC, /* after a backslash inside "..." */
	OSR_COMMENT, /* rest of a comment line */
	OSR_SKIP, /* rest of a line with an invalid key */
};

struct osr {
	enum osr_state state;
	const char *key; /* first byte of the key, inside the input */
	size_t klen; /* key length without trailing blanks */
	struct buf value; /* the value so far */
	size_t vkeep; /* value bytes kept if it ends unquoted (drops trailing blanks) */
	size_t line; /* current physical line, from 1 */
	size_t col; /* bytes so far on this line */
	size_t skipped; /* lines without '=' or with an invalid key */
	struct kvlist *out;
	char *err;
};

static bool osr_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool osr_key_valid(const char *k, size_t n)
{
	size_t i;
	char c;

	if (n == 0 || (k[0] >= '0' && k[0] <= '9'))
		return false;
	for (i = 0; i < n; i++) {
		c = k[i];
		if (c != '_' && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') &&
		    !(c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

static enum fc_rc osr_put(struct osr *o, char c, bool keep)
{
	if (buf_addc(&o->value, c)) {
		snprintf(o->err, FC_ERRLEN,
		         "os-release line %zu: value of '%.*s' is longer than %u bytes", o->line,
		         (int)o->klen, o->key, PARSE_OSRELEASE_MAX_LINE);
		return FC_ELIMIT;
	}
	if (keep)
		o->vkeep = o->value.len;
	return FC_OK;
}

/* Appends the finished key and the first vlen bytes of the value to out. */
static enum fc_rc osr_push(struct osr *o, size_t vlen)
{
	if (o->out->n >= PARSE_OSRELEASE_MAX_KEYS) {
		snprintf(o->err, FC_ERRLEN, "os-release line %zu: more than %d keys", o->line,
		         PARSE_OSRELEASE_MAX_KEYS);
		return FC_ELIMIT;
	}
	kvlist_addn(o->out, o->key, o->klen, buf_cstr(&o->value), vlen);
	buf_reset(&o->value);
	o->vkeep = 0;
	return FC_OK;
}

static void osr_key_char(struct osr *o, const char *p)
{
	if (o->state == OSR_PRE_KEY) {
		if (*p == '#' || *p == ';') {
			o->state = OSR_COMMENT;
			return;
		}
		if (osr_blank(*p))
			return;
		o->state = OSR_KEY;
		o->key = p;
		o->klen = 0;
	}
	if (*p != '=') {
		if (!osr_blank(*p))
			o->klen = (size_t)(p - o->key) + 1;
		return;
	}
	if (osr_key_valid(o->key, o->klen)) {
		o->state = OSR_PRE_VALUE;
		return;
	}
	LOG_DEBUG("os-release line %zu: invalid key, line skipped", o->line);
	o->skipped++;
	o->state = OSR_SKIP;
}

static enum fc_rc osr_value_char(struct osr *o, char c)
{
	enum fc_rc rc = FC_OK;

	switch (o->state) {
	case OSR_PRE_VALUE:
		if (c == '\'')
			o->state = OSR_SQUOTE;
		else if (c == '"')
			o->state = OSR_DQUOTE;
		else if (c == '\\')
			o->state = OSR_VALUE_ESC;
		else if (!osr_blank(c)) {
			o->state = OSR_VALUE;
			rc = osr_put(o, c, true);
		}
		break;
	case OSR_VALUE:
		if (c == '\\') {
			o->state = OSR_VALUE_ESC;
			o->vkeep = o->value.len;
		} else
			rc = osr_put(o, c, !osr_blank(c));
		break;
	case OSR_VALUE_ESC:
		o->state = OSR_VALUE;
		rc = osr_put(o, c, true);
		break;
	case OSR_SQUOTE:
		if (c == '\'')
			o->state = OSR_PRE_VALUE;
		else
			rc = osr_put(o, c, true);
		break;
	case OSR_DQUOTE:
		if (c == '"')
			o->state = OSR_PRE_VALUE;
		else if (c == '\\')
			o->state = OSR_DQUOTE_ESC;
		else
			rc = osr_put(o, c, true);
		break;
	case OSR_DQUOTE_ESC:
		o->state = OSR_DQUOTE;
		if (!strchr("\"\\`$", c))
			rc = osr_put(o, '\\', true);
		if (rc == FC_OK)
			rc = osr_put(o, c, true);
		break;
	default: break;
	}
	return rc;
}

/* Ends a physical line; at_end is true at the end of the input. A backslash
 * before the line end continues the value on the next line. */
static enum fc_rc osr_eol(struct osr *o, bool at_end)
{
	enum osr_state s = o->state;

	if ((s == OSR_VALUE_ESC || s == OSR_DQUOTE_ESC) && !at_end) {
		o->state = s == OSR_VALUE_ESC ? OSR_VALUE : OSR_DQUOTE;
		return FC_OK;
	}
	o->state = OSR_PRE_KEY;
	switch (s) {
	case OSR_KEY:
		LOG_DEBUG("os-release line %zu has no '=', skipped", o->line);
		o->skipped++;
		return FC_OK;
	case OSR_SQUOTE:
	case OSR_DQUOTE:
	case OSR_DQUOTE_ESC:
		LOG_DEBUG("os-release line %zu: quote not closed, value ends here", o->line);
		return osr_push(o, o->value.len);
	case OSR_PRE_VALUE:
	case OSR_VALUE_ESC: return osr_push(o, o->value.len);
	case OSR_VALUE: return osr_push(o, o->vkeep);
	default: return FC_OK;
	}
}

/* Feeds the byte at buf[*i]; a CRLF pair is consumed as one line end. */
static enum fc_rc osr_byte(struct osr *o, const char *buf, size_t len, size_t *i)
{
	const char *p = buf + *i;
	enum fc_rc rc;

	if (*p == '\n' || *p == '\r') {
		if (*p == '\r' && *i + 1 < len && p[1] == '\n')
			(*i)++;
		rc = osr_eol(o, false);
		o->line++;
		o->col = 0;
		return rc;
	}
	if (++o->col > PARSE_OSRELEASE_MAX_LINE) {
		snprintf(o->err, FC_ERRLEN, "os-release line %zu is longer than %u bytes", o->line,
		         PARSE_OSRELEASE_MAX_LINE);
		return FC_ELIMIT;
	}
	if (o->state == OSR_PRE_KEY || o->state == OSR_KEY) {
		osr_key_char(o, p);
		return FC_OK;
	}
	return osr_value_char(o, *p);
}

enum fc_rc parse_osrelease_ex(const char *buf, size_t len, struct kvlist *out, size_t *skipped,
                              char *err)
{
	struct osr o = {.state = OSR_PRE_KEY, .line = 1, .out = out, .err = err};
	enum fc_rc rc = FC_OK;
	size_t i, nul_line;

	assert(out && err && (buf || !len));
	kvlist_init(out);
	buf_init(&o.value, PARSE_OSRELEASE_MAX_LINE);
	err[0] = '\0';
	if (textlines_has_nul(buf, len, &nul_line)) {
		snprintf(err, FC_ERRLEN, "os-release has a NUL byte on line %zu", nul_line);
		rc = FC_EPARSE;
		goto out;
	}
	for (i = 0; i < len && rc == FC_OK; i++)
		rc = osr_byte(&o, buf, len, &i);
	if (rc == FC_OK)
		rc = osr_eol(&o, true);
out:
	if (skipped)
		*skipped = o.skipped;
	buf_release(&o.value);
	if (rc)
		kvlist_release(out);
	return rc;
}

enum fc_rc parse_osrelease(const char *buf, size_t len, struct kvlist *out, char *err)
{
	return parse_osrelease_ex(buf, len, out, NULL, err);
}
