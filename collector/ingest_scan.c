/* ingest_scan.c - the one pass over a report's text before cJSON sees it
 * (ingest_scan; the checks are listed at the top of ingest.c) and the
 * direct reader of the software list it runs on the way (sw_read). */
#include "ingest_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* JSON values allowed per document: INGEST_VALUES_PER_SW per software entry
 * allowed (an entry and its fields; GLPI entries may carry more fields than
 * ours) plus INGEST_VALUES_SLACK for the rest of the report. Bounds cJSON's
 * tree (about 64 bytes a value) whatever the text looks like: 64 MiB of
 * "[0,0,0,..." would otherwise become some 2 GiB of nodes. */
#define INGEST_VALUES_PER_SW 16
#define INGEST_VALUES_SLACK 65536

/* ---- the scanner ---- */

struct scan {
	const unsigned char *p;
	size_t len;
	const struct ingest_limits *lim;
	unsigned char *kind; /* the container open at each depth 1..max_depth: '{' or '[' */
	int depth;
	bool expect_key; /* the next string is an object key */
	size_t key_at, key_len; /* the last object key read, in the text */
	size_t values, max_values;
	int content_depth; /* depth of the top-level "content" object; 0: not in it */
	int sw_depth; /* depth of content.softwares' elements; 0: not in it */
	size_t sw_commas;
	bool sw_nonempty;
	/* the first content.softwares array of the first "content" object:
	 * offsets of its brackets (sw_found) */
	bool content_done, sw_found;
	size_t sw_at, sw_end;
	bool sw_read_now; /* scan_open entered that array: try sw_read */
	struct ingest_report *out; /* sw_read's list goes here; NULL: no reader */
};

static bool scan_key_is(const struct scan *s, const char *name)
{
	return strlen(name) == s->key_len && !memcmp(s->p + s->key_at, name, s->key_len);
}

/* Checks the UTF-8 sequence starting at offset i; returns its length or 0. */
static size_t scan_utf8(const struct scan *s, size_t i)
{
	unsigned char c = s->p[i];
	size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	if (n > s->len - i)
		n = s->len - i;
	return utf8_valid((const char *)s->p + i, n) ? n : 0;
}

/* Counts content.softwares entries: elements are separated by commas. */
static enum fc_rc scan_sw_count(struct scan *s, unsigned char c, char *err)
{
	size_t n;

	if (!s->sw_depth || s->depth != s->sw_depth || c == ' ' || c == '\t' || c == '\n' ||
	    c == '\r' || c == ']')
		return FC_OK;
	if (c == ',')
		s->sw_commas++;
	else
		s->sw_nonempty = true;
	n = s->sw_commas + (s->sw_nonempty ? 1 : 0);
	if (n > s->lim->max_software) {
		snprintf(err, FC_ERRLEN, "content.softwares: more than %zu entries",
		         s->lim->max_software);
		return FC_ELIMIT;
	}
	return FC_OK;
}

/* True when none of the 8 bytes at p is a quote, a backslash, a control
 * character or part of a UTF-8 sequence (the "has a zero byte" and "has a
 * byte less than n" tests of Hacker's Delight, exact for the question "is
 * there any"). */
static bool scan_plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t x, q, b;

	memcpy(&x, p, 8);
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	return !((x & high) | ((x - ones * 0x20) & ~x & high) | ((q - ones) & ~q & high) |
	         ((b - ones) & ~b & high));
}

/* Scans the string whose opening quote is at *i; leaves *i after its end. */
static enum fc_rc scan_string(struct scan *s, size_t *i, char *err)
{
	size_t start = *i + 1, j = start, n;
	bool is_key = s->expect_key;

	s->expect_key = false;
	for (;;) {
		/* printable ASCII but the quote and backslash: the hot loop, eight
		 * bytes at a time while it lasts */
		while (s->len - j >= 8 && scan_plain8(s->p + j))
			j += 8;
		while (j < s->len && (unsigned char)(s->p[j] - 0x20) < 0x60 && s->p[j] != '"' &&
		       s->p[j] != '\\')
			j++;
		if (j >= s->len || s->p[j] == '"')
			break;
		if (s->p[j] == '\\' && j + 5 < s->len && s->p[j + 1] == 'u' &&
		    !memcmp(s->p + j + 2, "0000", 4)) {
			snprintf(err, FC_ERRLEN, "NUL character (\\u0000) in a string at byte %zu",
			         j);
			return FC_EPARSE;
		}
		if (s->p[j] == '\\') {
			j += 2;
			continue;
		}
		if (s->p[j] < 0x20) {
			snprintf(err, FC_ERRLEN, "%s in a string at byte %zu",
			         s->p[j] ? "control character" : "NUL byte", j);
			return FC_EPARSE;
		}
		n = scan_utf8(s, j);
		if (!n) {
			snprintf(err, FC_ERRLEN, "invalid UTF-8 at byte %zu", j);
			return FC_EPARSE;
		}
		j += n;
	}
	if (j >= s->len) {
		snprintf(err, FC_ERRLEN, "invalid JSON: unterminated string at byte %zu", *i);
		return FC_EPARSE;
	}
	if (j - start > s->lim->max_string) {
		snprintf(err, FC_ERRLEN, "string at byte %zu is longer than %zu bytes", *i,
		         s->lim->max_string);
		return FC_ELIMIT;
	}
	if (is_key) {
		s->key_at = start;
		s->key_len = j - start;
	}
	*i = j + 1;
	return FC_OK;
}

/* Enters the container c opens; follows the path to content.softwares. */
static enum fc_rc scan_open(struct scan *s, unsigned char c, size_t i, char *err)
{
	bool in_obj = s->depth > 0 && s->kind[s->depth] == '{';

	if (s->depth >= s->lim->max_depth) {
		snprintf(err, FC_ERRLEN, "nesting deeper than %d at byte %zu", s->lim->max_depth,
		         i);
		return FC_EPARSE;
	}
	if (in_obj && s->depth == 1 && c == '{' && scan_key_is(s, "content"))
		s->content_depth = 2;
	else if (in_obj && s->depth == 2 && s->content_depth == 2 && c == '[' &&
	         scan_key_is(s, "softwares")) {
		s->sw_depth = 3;
		s->sw_commas = 0;
		s->sw_nonempty = false;
		if (!s->content_done && !s->sw_found) {
			s->sw_at = i;
			s->sw_read_now = s->out != NULL;
		}
	}
	s->kind[++s->depth] = c;
	s->expect_key = c == '{';
	return FC_OK;
}

static void scan_close(struct scan *s, size_t i)
{
	if (s->depth == 0)
		return; /* unbalanced: cJSON says so */
	if (s->depth == s->sw_depth) {
		s->sw_depth = 0;
		if (!s->content_done && !s->sw_found && s->p[i] == ']') {
			s->sw_found = true;
			s->sw_end = i;
		}
	}
	if (s->depth == s->content_depth) {
		s->content_depth = 0;
		s->content_done = true;
	}
	s->depth--;
	s->expect_key = false;
}

/* Scans one byte outside strings. */
static enum fc_rc scan_byte(struct scan *s, size_t i, char *err)
{
	unsigned char c = s->p[i];
	enum fc_rc rc = scan_sw_count(s, c, err);

	if (rc)
		return rc;
	if (c == 0 || c >= 0x80) {
		if (c == 0)
			snprintf(err, FC_ERRLEN, "NUL byte at byte %zu", i);
		else if (!scan_utf8(s, i))
			snprintf(err, FC_ERRLEN, "invalid UTF-8 at byte %zu", i);
		else
			snprintf(err, FC_ERRLEN, "invalid JSON at byte %zu", i);
		return FC_EPARSE;
	}
	if (c == '{' || c == '[' || c == ',') {
		if (++s->values > s->max_values) {
			snprintf(err, FC_ERRLEN, "more than %zu JSON values", s->max_values);
			return FC_ELIMIT;
		}
	}
	if (c == '{' || c == '[')
		return scan_open(s, c, i, err);
	if (c == '}' || c == ']')
		scan_close(s, i);
	else if (c == ',')
		s->expect_key = s->depth > 0 && s->kind[s->depth] == '{';
	return FC_OK;
}

/* ---- the software list without a tree ---- */

/* Agents send content.softwares as an array of objects whose members are all
 * strings. When the scan enters that array, sw_read reads such a list
 * straight from the text into the report's one block of strings, doing on
 * the way every check the scan would do there (UTF-8, control characters,
 * \u0000, string lengths, nesting, value and entry counts), and the scan
 * goes on after it; cJSON is then given the text with the array emptied.
 * Anything else, including everything the scan or cJSON would refuse,
 * makes sw_read give up: the scan then goes through the array itself and
 * cJSON reads the list, so that what is accepted and every error message
 * stay exactly as they are without this path (test_ingest and fuzz_ingest
 * decode both ways and compare). */
struct sw_reader {
	const unsigned char *p;
	size_t i, len; /* position; the text's length */
	const struct ingest_limits *lim;
	char *out; /* next free byte of the block */
	size_t values, max_values; /* JSON values counted as the scan does */
	struct sha256 dg; /* the list's digest, entry by entry */
};

/* cJSON's idea of whitespace: every byte up to the space (NUL, which the
 * scan refuses, stops it). */
static void sw_ws(struct sw_reader *r)
{
	while (r->i < r->len && r->p[r->i] <= ' ' && r->p[r->i])
		r->i++;
}

/* The scan's count of JSON values ('{', '[' and ',' outside strings). */
static bool sw_value(struct sw_reader *r)
{
	return ++r->values <= r->max_values;
}

static int sw_hex4(const unsigned char *p)
{
	int v = 0, k, d;

	for (k = 0; k < 4; k++) {
		d = p[k] >= '0' && p[k] <= '9'   ? p[k] - '0'
		    : p[k] >= 'a' && p[k] <= 'f' ? p[k] - 'a' + 10
		    : p[k] >= 'A' && p[k] <= 'F' ? p[k] - 'A' + 10
		                                 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* The string at r->i (its opening quote), decoded into r->out and
 * NUL-terminated; *s points at it. False on whatever
 * it leaves to the scan and cJSON: a control character, invalid UTF-8, an
 * escape of a surrogate, \u0000 or anything malformed, a string longer than
 * the limit. */
static bool sw_string(struct sw_reader *r, char **s)
{
	size_t start, k;
	unsigned char c;
	int cp;

	if (r->i >= r->len || r->p[r->i] != '"')
		return false;
	start = ++r->i;
	*s = r->out;
	while (r->i < r->len && (c = r->p[r->i]) != '"') {
		if (r->len - r->i >= 8 && scan_plain8(r->p + r->i)) {
			/* the output never passes the input (escapes shrink) */
			memcpy(r->out, r->p + r->i, 8);
			r->out += 8;
			r->i += 8;
		} else if (c >= 0x20 && c < 0x80 && c != '\\') {
			*r->out++ = (char)c;
			r->i++;
		} else if (c >= 0x80) {
			k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
			if (k > r->len - r->i || !utf8_valid((const char *)r->p + r->i, k))
				return false;
			memcpy(r->out, r->p + r->i, k);
			r->out += k;
			r->i += k;
		} else if (c != '\\' || r->len - r->i < 2) {
			return false;
		} else {
			c = r->p[r->i + 1];
			r->i += 2;
			switch (c) {
			case '"': *r->out++ = '"'; continue;
			case '\\': *r->out++ = '\\'; continue;
			case '/': *r->out++ = '/'; continue;
			case 'b': *r->out++ = '\b'; continue;
			case 'f': *r->out++ = '\f'; continue;
			case 'n': *r->out++ = '\n'; continue;
			case 'r': *r->out++ = '\r'; continue;
			case 't': *r->out++ = '\t'; continue;
			case 'u': break;
			default: return false;
			}
			if (r->len - r->i < 4 || (cp = sw_hex4(r->p + r->i)) <= 0 ||
			    (cp >= 0xD800 && cp <= 0xDFFF))
				return false;
			r->i += 4;
			r->out += utf8_put((unsigned long)cp, r->out);
		}
	}
	if (r->i >= r->len || r->i - start > r->lim->max_string)
		return false;
	r->i++;
	*r->out++ = '\0';
	return true;
}

size_t ingest_sw_key(const unsigned char *key, size_t klen)
{
	switch (klen) {
	case 4:
		return !memcmp(key, "name", 4)   ? 0
		       : !memcmp(key, "arch", 4) ? 2
		       : !memcmp(key, "from", 4) ? 4
		                                 : 5;
	case 7: return !memcmp(key, "version", 7) ? 1 : 5;
	case 9: return !memcmp(key, "publisher", 9) ? 3 : 5;
	}
	return 5;
}

/* What an absent field of a software entry points at. */
static char sw_empty[1];

void ingest_sw_absent(struct ingest_sw *sw)
{
	char **slot[4] = {&sw->version, &sw->arch, &sw->publisher, &sw->from};
	size_t k;

	for (k = 0; k < 4; k++)
		if (!*slot[k])
			*slot[k] = sw_empty;
}

/* One member's key: printable ASCII without escapes, within the limit
 * (anything else is left to the scan and cJSON). */
static bool sw_key_at(struct sw_reader *r, const unsigned char **key, size_t *klen)
{
	size_t j = r->i + 1;

	if (r->i >= r->len || r->p[r->i] != '"')
		return false;
	while (j < r->len && r->p[j] != '"') {
		if (r->p[j] < 0x20 || r->p[j] >= 0x80 || r->p[j] == '\\')
			return false;
		j++;
	}
	if (j >= r->len || j - r->i - 1 > r->lim->max_string)
		return false;
	*key = r->p + r->i + 1;
	*klen = j - r->i - 1;
	r->i = j + 1;
	return true;
}

/* One entry: an object of string members; the five we keep go to their
 * fields (a key given twice is left to cJSON), and into the digest
 * (ingest_sw_digest's input: each field and its NUL). */
static bool sw_entry(struct sw_reader *r, struct ingest_sw *sw)
{
	char **slot[5] = {&sw->name, &sw->version, &sw->arch, &sw->publisher, &sw->from};
	const unsigned char *key;
	size_t klen, k;
	char *v;

	if (r->i >= r->len || r->p[r->i] != '{' || !sw_value(r))
		return false;
	r->i++;
	sw_ws(r);
	while (r->i < r->len && r->p[r->i] == '"') {
		if (!sw_key_at(r, &key, &klen))
			return false;
		sw_ws(r);
		if (r->i >= r->len || r->p[r->i] != ':')
			return false;
		r->i++;
		sw_ws(r);
		if (!sw_string(r, &v))
			return false;
		k = ingest_sw_key(key, klen);
		if (k < 5) {
			if (*slot[k])
				return false;
			*slot[k] = v;
		}
		sw_ws(r);
		if (r->i >= r->len || r->p[r->i] != ',')
			break;
		if (!sw_value(r))
			return false;
		r->i++;
		sw_ws(r);
		if (r->i >= r->len || r->p[r->i] != '"')
			return false;
	}
	if (r->i >= r->len || r->p[r->i] != '}' || !sw->name || !sw->name[0])
		return false;
	r->i++;
	ingest_sw_absent(sw);
	ingest_sw_digest_entry(&r->dg, sw);
	return true;
}

/* Reads the list whose '[' the scan s just entered (at s->sw_at) into
 * s->out (sw, n_sw, sw_strings, sw_digest, sw_fast) and returns the offset
 * of its closing ']', after counting for the scan what it went through;
 * 0 when it gave up (out without a list, the scan unchanged). */
static size_t sw_read(struct scan *s)
{
	struct ingest_report *out = s->out;
	struct sw_reader r;
	size_t n = 0, cap = 0;

	r.p = s->p;
	r.len = s->len;
	r.i = s->sw_at + 1;
	r.lim = s->lim;
	r.values = s->values;
	r.max_values = s->max_values;
	/* the entries are one level deeper than the array */
	if (s->depth >= s->lim->max_depth)
		return 0;
	ingest_sw_digest_init(&r.dg);
	out->sw_strings = r.out = xmalloc(s->len - s->sw_at);
	sw_ws(&r);
	while (r.i < r.len && r.p[r.i] != ']') {
		if (n == s->lim->max_software)
			goto give_up;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			out->sw = xrealloc(out->sw, cap * sizeof(*out->sw));
		}
		memset(&out->sw[n], 0, sizeof(out->sw[n]));
		if (!sw_entry(&r, &out->sw[n]))
			goto give_up;
		n++;
		sw_ws(&r);
		if (r.i < r.len && r.p[r.i] == ',') {
			if (!sw_value(&r))
				goto give_up;
			r.i++;
			sw_ws(&r);
			if (r.i >= r.len || r.p[r.i] == ']')
				goto give_up;
		} else if (r.i < r.len && r.p[r.i] != ']') {
			goto give_up;
		}
	}
	if (r.i >= r.len)
		goto give_up;
	out->n_sw = n;
	out->sw_fast = true;
	sha256_final(&r.dg, out->sw_digest);
	s->values = r.values;
	s->sw_commas = n ? n - 1 : 0;
	s->sw_nonempty = n > 0;
	return r.i;
give_up:
	FREE_AND_NULL(out->sw);
	FREE_AND_NULL(out->sw_strings);
	return 0;
}

/* ---- the pass ---- */

enum fc_rc ingest_scan(const char *text, size_t len, const struct ingest_limits *lim,
                       struct ingest_report *out, struct ingest_sw_span *span, char *err)
{
	struct scan s;
	size_t i = 0, end;
	enum fc_rc rc = FC_OK;

	memset(&s, 0, sizeof(s));
	s.p = (const unsigned char *)text;
	s.len = len;
	s.lim = lim;
	s.out = out;
	s.kind = xmalloc(lim->max_depth > 0 ? (size_t)lim->max_depth + 1 : 1);
	s.max_values = lim->max_software > (SIZE_MAX - INGEST_VALUES_SLACK) / INGEST_VALUES_PER_SW
	                   ? SIZE_MAX
	                   : lim->max_software * INGEST_VALUES_PER_SW + INGEST_VALUES_SLACK;
	while (i < len && !rc) {
		if (s.p[i] == '"') {
			rc = scan_sw_count(&s, '"', err);
			if (!rc)
				rc = scan_string(&s, &i, err);
		} else {
			rc = scan_byte(&s, i++, err);
		}
		if (s.sw_read_now) { /* the list's '[' was that byte */
			s.sw_read_now = false;
			end = rc ? 0 : sw_read(&s);
			if (end)
				i = end; /* its ']' next, which closes it */
		}
	}
	free(s.kind);
	span->found = s.sw_found;
	span->at = s.sw_at;
	span->end = s.sw_end;
	return rc;
}
