/* ingest.c - one received report (an HTTP body or a file) into the facts the
 * collector stores: bounded decompression, a scan of the raw text, JSON
 * parsing, shape validation, identity keys. Pure: no database, no network,
 * no logging (the caller logs the outcome with its context). Its only global
 * state is cJSON's allocation hooks and each thread's scratch arena (below).
 *
 * Order of checks, cheapest and most dangerous first:
 *   1. size of the body as received (413);
 *   2. Content-Encoding (415) and bounded decompression (413 past the limit,
 *      400 corrupt or truncated);
 *   3. one pass over the text (ingest_scan): NUL bytes, invalid UTF-8, raw
 *      control characters in strings, \u0000 escapes (400); nesting depth
 *      (400); string length (bytes between the quotes as written, escapes
 *      included; keys too), number of JSON values (commas plus containers)
 *      and of content.softwares entries (413). This runs before cJSON so that
 *      cJSON never recurses deeply and never builds a tree larger than the
 *      limits allow. The software list, when it has the plain shape agents
 *      send, is read during this pass (sw_read) and cut out of the text;
 *   4. cJSON, with no trailing data allowed (400);
 *   5. the shape of every field read, with its path in err (400; 413 for the
 *      software count).
 *
 * Memory: cJSON's tree and every string in it come from a per-thread arena
 * (arena.h) that is reset after each report; the software strings that
 * outlive the call are in one block the report owns. */
#include "ingest.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>

#include "arena.h"
#include "buf.h"
#include "gzip.h"
#include "sha256.h"
#include "utf8.h"
#include "xalloc.h"

#define INGEST_MIB ((size_t)1 << 20)
/* Decompressed bytes always allowed, whatever the ratio: a tiny body may
 * legitimately compress very well (a report of one repeated package). */
#define INGEST_RATIO_FLOOR INGEST_MIB
/* JSON values allowed per document: INGEST_VALUES_PER_SW per software entry
 * allowed (an entry and its fields; GLPI entries may carry more fields than
 * ours) plus INGEST_VALUES_SLACK for the rest of the report. Bounds cJSON's
 * tree (about 64 bytes a value) whatever the text looks like: 64 MiB of
 * "[0,0,0,..." would otherwise become some 2 GiB of nodes. */
#define INGEST_VALUES_PER_SW 16
#define INGEST_VALUES_SLACK 65536
#define INGEST_ID_MAX 64

void ingest_limits_default(struct ingest_limits *lim)
{
	lim->max_body = 8 * INGEST_MIB;
	lim->max_decompressed = 64 * INGEST_MIB;
	lim->max_ratio = 200;
	lim->max_depth = 32;
	lim->max_string = 64 * 1024;
	lim->max_software = 100000;
	lim->tree_lists = false;
}

void ingest_report_init(struct ingest_report *r)
{
	memset(r, 0, sizeof(*r));
}

void ingest_report_release(struct ingest_report *r)
{
	free(r->sw);
	free(r->sw_strings);
	free(r->deviceid);
	free(r->hostname);
	free(r->os_json);
	ingest_report_init(r);
}

/* What an absent field of a software entry points at. */
static char sw_empty[1];

/* The software list digest's tag (docs/protocol.md). */
static const char sw_digest_tag[] = "fleetcensus software list 1\n";

/* ---- cJSON in a per-thread arena ---- */

/* cJSON's hooks are process-wide; they use the calling thread's arena while
 * ingest_decode has one open (json_scratch_begin .. json_scratch_end) and
 * plain malloc/free otherwise, so every other user of cJSON in the process
 * (answers, the agent's code, tests) is unaffected. Inside the window only
 * objects of the window are touched: cJSON_Delete is then a no-op and the
 * arena is reset instead. */
static _Thread_local struct arena *json_scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void *json_malloc(size_t n)
{
	return json_scratch ? arena_alloc(json_scratch, n) : malloc(n);
}

static void json_free(void *p)
{
	if (!json_scratch)
		free(p);
}

static void scratch_destroy(void *p)
{
	arena_release(p);
	free(p);
}

static void scratch_setup(void)
{
	cJSON_Hooks hooks = {json_malloc, json_free};

	if (pthread_key_create(&scratch_key, scratch_destroy) != 0)
		abort(); /* only when the process is out of keys: at start */
	cJSON_InitHooks(&hooks);
}

void ingest_global_init(void)
{
	pthread_once(&scratch_once, scratch_setup);
}

/* Opens this thread's arena for cJSON (created on first use, freed when the
 * thread ends). */
static void json_scratch_begin(void)
{
	struct arena *a;

	ingest_global_init();
	a = pthread_getspecific(scratch_key);
	if (!a) {
		a = xcalloc(1, sizeof(*a));
		if (pthread_setspecific(scratch_key, a) != 0)
			abort();
	}
	json_scratch = a;
}

static void json_scratch_end(void)
{
	if (json_scratch)
		arena_reset(json_scratch);
	json_scratch = NULL;
}

/* Copies the software strings, which point into the arena, into one block
 * the report owns. */
static void sw_own_strings(struct ingest_report *r)
{
	size_t i, k, total = 0, n;
	char **f[5];
	char *p;

	for (i = 0; i < r->n_sw; i++) {
		f[0] = &r->sw[i].name, f[1] = &r->sw[i].version, f[2] = &r->sw[i].arch;
		f[3] = &r->sw[i].publisher, f[4] = &r->sw[i].from;
		for (k = 0; k < 5; k++)
			total += (*f[k] ? strlen(*f[k]) : 0) + 1;
	}
	p = r->sw_strings = xmalloc(total ? total : 1);
	for (i = 0; i < r->n_sw; i++) {
		f[0] = &r->sw[i].name, f[1] = &r->sw[i].version, f[2] = &r->sw[i].arch;
		f[3] = &r->sw[i].publisher, f[4] = &r->sw[i].from;
		for (k = 0; k < 5; k++) {
			n = *f[k] ? strlen(*f[k]) : 0;
			memcpy(p, n ? *f[k] : "", n);
			p[n] = '\0';
			*f[k] = p;
			p += n + 1;
		}
	}
}

/* ---- UUIDs ---- */

/* Returns the lower-case form of the hex digit c, or 0 when c is none. */
static char hex_lower(char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
		return c;
	if (c >= 'A' && c <= 'F')
		return (char)(c - 'A' + 'a');
	return 0;
}

/* Writes the 32 hex digits of uuid (8-4-4-4-12 or 32 digits without dashes,
 * any case) to hex in lower case, NUL-terminated. Returns false when uuid is
 * neither form. */
static bool uuid_hex(const char *uuid, char hex[33])
{
	size_t len = strlen(uuid), i, o = 0;
	bool dashed = len == 36;

	if (len != 36 && len != 32)
		return false;
	for (i = 0; i < len; i++) {
		if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (uuid[i] != '-')
				return false;
			continue;
		}
		hex[o] = hex_lower(uuid[i]);
		if (!hex[o++])
			return false;
	}
	hex[32] = '\0';
	return true;
}

/* Formats 32 hex digits as 8-4-4-4-12. */
static void uuid_format(const char hex[33], char out[37])
{
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* Writes uuid in normal form (lower-case 8-4-4-4-12) to out. Returns false,
 * leaving out "", when uuid is malformed. */
static bool uuid_normalise(const char *uuid, char out[37])
{
	char hex[33];

	out[0] = '\0';
	if (!uuid_hex(uuid, hex))
		return false;
	uuid_format(hex, out);
	return true;
}

/* Swaps the byte order of the first three fields of 32 hex digits in place
 * (SMBIOS 2.6+ stores them little-endian; older firmware did not). */
static void uuid_swap(char hex[33])
{
	static const int map[16] = {6, 7, 4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 14, 15, 12, 13};
	char head[16];
	int i;

	for (i = 0; i < 16; i++)
		head[i] = hex[map[i]];
	memcpy(hex, head, sizeof(head));
}

/* Fixed placeholders, each also matched byte-swapped (uuid_swap). Keep this
 * list and the table in docs/identity.md ("Placeholder hardware UUIDs")
 * identical; the sources are given there. */
static const char *const uuid_placeholders[] = {
    "03000200040005000006000700080009", /* AMI BIOS/Aptio default, "To Be Filled By O.E.M." */
    "4c4c454400002010802080c04f202020", /* Dell "DELL" + a blank service tag */
    "1234567812345678"
    "90abcddeefaabbcc", /* unprogrammed boards, FOG project list */
    "07090201010303010807060504030201", /* FreeBSD rc.d/hostid */
    "11111111222233334444555555555555", /* FreeBSD rc.d/hostid */
    "890e2d14cacd45d1ae66bc80e8bfeb0f", /* FreeBSD rc.d/hostid: shared by board series */
    "8e275844178f44a8aceba7d7e5178c63", /* FreeBSD rc.d/hostid: shared by board series */
    "dc698397fa544cf282c8b1b5307a6a7f", /* FreeBSD rc.d/hostid: shared by board series */
};

/* True when all 16 bytes are the same (zeros: "ID not present"; all F: "not
 * present but settable"; 11.., 5858.. ("XXXX"), fefe.. and so on). */
static bool uuid_one_byte(const char hex[33])
{
	int i;

	for (i = 2; i < 32; i++)
		if (hex[i] != hex[i % 2])
			return false;
	return true;
}

/* True when everything after the first group is f (ffffff00-ffff-...). */
static bool uuid_tail_f(const char hex[33])
{
	int i;

	for (i = 8; i < 32; i++)
		if (hex[i] != 'f')
			return false;
	return true;
}

static bool uuid_listed(const char hex[33])
{
	size_t i;

	for (i = 0; i < sizeof(uuid_placeholders) / sizeof(uuid_placeholders[0]); i++)
		if (!strcmp(hex, uuid_placeholders[i]))
			return true;
	return false;
}

bool ingest_uuid_is_placeholder(const char *uuid)
{
	char hex[33];

	assert(uuid);
	if (!uuid_hex(uuid, hex))
		return false;
	if (uuid_one_byte(hex) || uuid_tail_f(hex) || uuid_listed(hex))
		return true;
	uuid_swap(hex);
	return uuid_listed(hex);
}

/* ---- times ---- */

/* Reads exactly n digits at *p into *v and advances *p past them. */
static bool digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Advances *p past c when it is there (either case of a letter). */
static bool expect(const char **p, char c)
{
	char l = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;

	if (**p != c && **p != l)
		return false;
	(*p)++;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads the zone at *p: "Z", "+hh:mm" or "-hh:mm", as seconds east of UTC. */
static bool rfc3339_zone(const char **p, long *east)
{
	int sign = **p == '-' ? -1 : 1, h, m;

	if (expect(p, 'Z')) {
		*east = 0;
		return true;
	}
	if (**p != '+' && **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &h) || !expect(p, ':') || !digits(p, 2, &m) || h > 23 || m > 59)
		return false;
	*east = sign * (h * 3600L + m * 60L);
	return true;
}

/* Parses an RFC 3339 date-time ("YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)";
 * T and Z in either case; the fraction is dropped; a leap second 60 counts
 * as the next second) into seconds since the epoch. Returns false when s is
 * malformed or names a day, hour or offset that does not exist. */
static bool rfc3339_parse(const char *s, int64_t *ts)
{
	struct tm tm;
	const char *p = s;
	long east;

	memset(&tm, 0, sizeof(tm));
	if (!digits(&p, 4, &tm.tm_year) || !expect(&p, '-') || !digits(&p, 2, &tm.tm_mon) ||
	    !expect(&p, '-') || !digits(&p, 2, &tm.tm_mday) || !expect(&p, 'T') ||
	    !digits(&p, 2, &tm.tm_hour) || !expect(&p, ':') || !digits(&p, 2, &tm.tm_min) ||
	    !expect(&p, ':') || !digits(&p, 2, &tm.tm_sec))
		return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > days_in_month(tm.tm_year, tm.tm_mon) || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	if (expect(&p, '.')) {
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (!rfc3339_zone(&p, &east) || *p)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ts = (int64_t)timegm(&tm) - east;
	return true;
}

/* Formats ts as "YYYY-MM-DDThh:mm:ssZ". Returns false when its year is
 * outside 0000-9999 (an offset can push 0000-01-01 or 9999-12-31 out). */
static bool rfc3339_format(int64_t ts, char out[21])
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return false;
	snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return true;
}

/* ---- the body ---- */

/* Copies up to 32 bytes of s into out for an error message, printable ASCII
 * only (the value came from the network and ends up in logs and answers). */
static void printable(const char *s, char out[40])
{
	size_t i;

	for (i = 0; s[i] && i < 32; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' ? s[i] : '?';
	out[i] = '\0';
	if (s[i])
		memcpy(out + i, "...", 4);
}

/* The decompressed size allowed for a body of len bytes. */
static size_t ingest_max_out(size_t len, const struct ingest_limits *lim)
{
	size_t by_ratio = SIZE_MAX;

	if (lim->max_ratio && len <= SIZE_MAX / lim->max_ratio)
		by_ratio = len * lim->max_ratio;
	if (by_ratio < INGEST_RATIO_FLOOR)
		by_ratio = INGEST_RATIO_FLOOR;
	return by_ratio < lim->max_decompressed ? by_ratio : lim->max_decompressed;
}

static enum fc_rc ingest_inflate(const void *body, size_t len, const char *encoding,
                                 const struct ingest_limits *lim, struct buf *text, char *err)
{
	size_t max_out = ingest_max_out(len, lim);
	char zerr[FC_ERRLEN];
	enum fc_rc rc;

	buf_init(text, max_out);
	rc = gzip_decompress(body, len, max_out, text, zerr);
	if (rc == FC_ELIMIT && max_out < lim->max_decompressed && max_out > INGEST_RATIO_FLOOR)
		snprintf(err, FC_ERRLEN,
		         "decompressed body is larger than %zu bytes (%zu times the %zu bytes "
		         "received)",
		         max_out, lim->max_ratio, len);
	else if (rc == FC_ELIMIT)
		snprintf(err, FC_ERRLEN, "decompressed body is larger than %zu bytes", max_out);
	else if (rc)
		snprintf(err, FC_ERRLEN, "Content-Encoding %s: %s", encoding, zerr);
	return rc;
}

/* Puts the JSON text of body into text (NUL-terminated, which cJSON needs to
 * refuse trailing data safely): a copy, or the decompressed body. */
static enum fc_rc ingest_body(const void *body, size_t len, const char *encoding,
                              const struct ingest_limits *lim, struct buf *text, char *err)
{
	const unsigned char *p = body;
	char shown[40];

	buf_init(text, lim->max_body);
	if (len > lim->max_body) {
		snprintf(err, FC_ERRLEN, "body is larger than %zu bytes", lim->max_body);
		return FC_ELIMIT;
	}
	if (encoding && (!strcasecmp(encoding, "gzip") || !strcasecmp(encoding, "x-gzip")))
		return ingest_inflate(body, len, "gzip", lim, text, err);
	if (encoding && !strcasecmp(encoding, "deflate"))
		return ingest_inflate(body, len, "deflate", lim, text, err);
	if (encoding && *encoding && strcasecmp(encoding, "identity")) {
		printable(encoding, shown);
		snprintf(err, FC_ERRLEN,
		         "unsupported Content-Encoding '%s' (gzip, deflate or identity)", shown);
		return FC_EUSAGE;
	}
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		snprintf(err, FC_ERRLEN, "body is gzip data but Content-Encoding is not gzip");
		return FC_EPARSE;
	}
	return buf_add(text, body, len);
}

/* ---- one pass over the text ---- */

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

/* One pass over the len bytes of text before cJSON sees them: see the list
 * at the top of this file. */
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

/* Which of the five kept fields the key of klen bytes at key names (5:
 * none). */
static size_t sw_key(const unsigned char *key, size_t klen)
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
		k = sw_key(key, klen);
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
	for (k = 1; k < 5; k++)
		if (!*slot[k])
			*slot[k] = sw_empty;
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

/* Where the first content.softwares array is in the text (found false:
 * none was, or it does not close with ']'). */
struct sw_span {
	bool found;
	size_t at, end; /* offsets of '[' and ']' */
};

/* out: where sw_read puts the list it reads, or NULL (no reader). */
static enum fc_rc ingest_scan(const char *text, size_t len, const struct ingest_limits *lim,
                              struct ingest_report *out, struct sw_span *span, char *err)
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

/* ---- the shape ---- */

static const char *json_type_name(int type)
{
	switch (type) {
	case cJSON_Object: return "an object";
	case cJSON_Array: return "an array";
	case cJSON_String: return "a string";
	case cJSON_Number: return "a number";
	}
	return "of the expected type";
}

/* Looks up key in obj, whose path is path ("" at the top level), and checks
 * that it has type (cJSON_Object, cJSON_String, ...). *item is borrowed from
 * obj, NULL when the member is absent and not required. */
static enum fc_rc member(const cJSON *obj, const char *path, const char *key, int type,
                         bool required, const cJSON **item, char *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *dot = *path ? "." : "";

	*item = NULL;
	if (!it && !required)
		return FC_OK;
	if (!it) {
		snprintf(err, FC_ERRLEN, "%s%s%s: missing", path, dot, key);
		return FC_EPARSE;
	}
	if ((it->type & 0xFF) != type) {
		snprintf(err, FC_ERRLEN, "%s%s%s: not %s", path, dot, key, json_type_name(type));
		return FC_EPARSE;
	}
	*item = it;
	return FC_OK;
}

/* Looks up an optional string member and returns a heap copy ("" when
 * absent) in *out. */
static enum fc_rc member_strdup(const cJSON *obj, const char *path, const char *key, char **out,
                                char *err)
{
	const cJSON *it;
	enum fc_rc rc = member(obj, path, key, cJSON_String, false, &it, err);

	*out = rc ? NULL : xstrdup(it ? it->valuestring : "");
	return rc;
}

static enum fc_rc fc_schema(const cJSON *fc, char *err)
{
	const cJSON *it;
	enum fc_rc rc = member(fc, "content.fleetcensus", "schema", cJSON_Number, true, &it, err);

	if (!rc && it->valuedouble != 1) {
		snprintf(
		    err, FC_ERRLEN,
		    "content.fleetcensus.schema: unsupported schema version %g (this collector "
		    "knows 1)",
		    it->valuedouble);
		rc = FC_EPARSE;
	}
	return rc;
}

/* content.fleetcensus.report_id and collected_at, both required. */
static enum fc_rc fc_report(const cJSON *fc, struct ingest_report *out, char *err)
{
	const cJSON *it;
	enum fc_rc rc =
	    member(fc, "content.fleetcensus", "report_id", cJSON_String, true, &it, err);

	if (rc)
		return rc;
	if (!uuid_normalise(it->valuestring, out->report_id)) {
		snprintf(err, FC_ERRLEN, "content.fleetcensus.report_id: not a UUID");
		return FC_EPARSE;
	}
	rc = member(fc, "content.fleetcensus", "collected_at", cJSON_String, true, &it, err);
	if (rc)
		return rc;
	if (!rfc3339_parse(it->valuestring, &out->collected_ts) ||
	    !rfc3339_format(out->collected_ts, out->collected_at)) {
		snprintf(err, FC_ERRLEN,
		         "content.fleetcensus.collected_at: not an RFC 3339 time "
		         "(YYYY-MM-DDThh:mm:ssZ)");
		return FC_EPARSE;
	}
	return FC_OK;
}

/* content.fleetcensus.agent_id and machine_id, both optional. */
static enum fc_rc fc_ids(const cJSON *fc, struct ingest_report *out, char *err)
{
	const cJSON *it;
	size_t i, n;
	enum fc_rc rc =
	    member(fc, "content.fleetcensus", "agent_id", cJSON_String, false, &it, err);

	if (!rc && it && strlen(it->valuestring) > INGEST_ID_MAX) {
		snprintf(err, FC_ERRLEN, "content.fleetcensus.agent_id: longer than %d bytes",
		         INGEST_ID_MAX);
		rc = FC_EPARSE;
	}
	if (!rc && it)
		snprintf(out->agent_id, sizeof(out->agent_id), "%s", it->valuestring);
	if (!rc)
		rc = member(fc, "content.fleetcensus", "machine_id", cJSON_String, false, &it, err);
	if (rc || !it)
		return rc;
	n = strlen(it->valuestring);
	if (n > INGEST_ID_MAX) {
		snprintf(err, FC_ERRLEN, "content.fleetcensus.machine_id: longer than %d bytes",
		         INGEST_ID_MAX);
		return FC_EPARSE;
	}
	for (i = 0; i < n; i++) {
		out->machine_id[i] = hex_lower(it->valuestring[i]);
		if (!out->machine_id[i]) {
			out->machine_id[0] = '\0';
			snprintf(err, FC_ERRLEN,
			         "content.fleetcensus.machine_id: not a hex string");
			return FC_EPARSE;
		}
	}
	out->machine_id[n] = '\0';
	return FC_OK;
}

/* content.fleetcensus.sections: each known section, when present, is ok,
 * failed or skipped. Sets out->software_ok. */
static enum fc_rc fc_sections(const cJSON *fc, struct ingest_report *out, char *err)
{
	static const char *const names[] = {"os", "software", "hardware"};
	const char *path = "content.fleetcensus.sections";
	const cJSON *sec, *it;
	size_t i;
	enum fc_rc rc =
	    member(fc, "content.fleetcensus", "sections", cJSON_Object, false, &sec, err);

	for (i = 0; !rc && sec && i < sizeof(names) / sizeof(names[0]); i++) {
		rc = member(sec, path, names[i], cJSON_String, false, &it, err);
		if (rc || !it)
			continue;
		if (strcmp(it->valuestring, "ok") && strcmp(it->valuestring, "failed") &&
		    strcmp(it->valuestring, "skipped")) {
			snprintf(err, FC_ERRLEN, "%s.%s: not ok, failed or skipped", path,
			         names[i]);
			rc = FC_EPARSE;
		}
		if (!rc && i == 1)
			out->software_ok = !strcmp(it->valuestring, "ok");
	}
	return rc;
}

/* Parses 64 hex digits into 32 bytes; false when s is anything else. */
static bool digest_parse(const char *s, unsigned char out[32])
{
	size_t i;
	char a, b;

	if (strlen(s) != 64)
		return false;
	for (i = 0; i < 32; i++) {
		a = hex_lower(s[2 * i]);
		b = hex_lower(s[2 * i + 1]);
		if (!a || !b || a != s[2 * i] || b != s[2 * i + 1])
			return false;
		out[i] = (unsigned char)(((a <= '9' ? a - '0' : a - 'a' + 10) << 4) |
		                         (b <= '9' ? b - '0' : b - 'a' + 10));
	}
	return true;
}

/* content.fleetcensus.software_unchanged, software_digest and
 * software_count (docs/protocol.md "Unchanged software lists"). A short
 * report needs the software section ok, the digest and the count; a full
 * report's claimed digest is not trusted (the collector computes its own). */
static enum fc_rc fc_digest(const cJSON *fc, struct ingest_report *out, char *err)
{
	const char *path = "content.fleetcensus";
	const cJSON *un, *dg, *cnt;
	unsigned char claimed[SHA256_LEN];
	enum fc_rc rc;

	rc = member(fc, path, "software_digest", cJSON_String, false, &dg, err);
	if (!rc)
		rc = member(fc, path, "software_count", cJSON_Number, false, &cnt, err);
	if (rc)
		return rc;
	un = cJSON_GetObjectItemCaseSensitive(fc, "software_unchanged");
	if (un && !cJSON_IsBool(un)) {
		snprintf(err, FC_ERRLEN, "%s.software_unchanged: not true or false", path);
		return FC_EPARSE;
	}
	if (dg && !digest_parse(dg->valuestring, claimed)) {
		snprintf(err, FC_ERRLEN, "%s.software_digest: not 64 lower-case hex digits", path);
		return FC_EPARSE;
	}
	if (cnt && (cnt->valuedouble < 0 || cnt->valuedouble > 1e9 ||
	            cnt->valuedouble != (double)(int64_t)cnt->valuedouble)) {
		snprintf(err, FC_ERRLEN, "%s.software_count: not a whole number 0..1000000000",
		         path);
		return FC_EPARSE;
	}
	if (!cJSON_IsTrue(un))
		return FC_OK;
	if (!out->software_ok) {
		snprintf(err, FC_ERRLEN,
		         "%s.software_unchanged: true, but sections.software is not ok", path);
		return FC_EPARSE;
	}
	if (!dg || !cnt) {
		snprintf(err, FC_ERRLEN, "%s.%s: missing (a short report needs it)", path,
		         dg ? "software_count" : "software_digest");
		return FC_EPARSE;
	}
	/* only a short report's claim is kept: a full report's digest is
	 * computed from its list */
	out->software_unchanged = true;
	out->has_digest = true;
	memcpy(out->sw_digest, claimed, SHA256_LEN);
	out->sw_count = (int64_t)cnt->valuedouble;
	return FC_OK;
}

/* content.fleetcensus, which must exist and have schema 1. */
static enum fc_rc ingest_fleetcensus(const cJSON *content, struct ingest_report *out, char *err)
{
	const cJSON *fc;
	enum fc_rc rc = member(content, "content", "fleetcensus", cJSON_Object, true, &fc, err);

	if (!rc)
		rc = fc_schema(fc, err);
	if (!rc)
		rc = fc_report(fc, out, err);
	if (!rc)
		rc = fc_ids(fc, out, err);
	if (!rc)
		rc = fc_sections(fc, out, err);
	if (!rc)
		rc = fc_digest(fc, out, err);
	return rc;
}

/* One entry of content.softwares, in one walk over its members: the five
 * fields we keep point at their strings in the arena (sw_own_strings copies
 * them once the whole list is read); absent ones are "". Of a key given
 * twice the first counts, as cJSON_GetObjectItem would find it. The path
 * for an error is only formatted when there is one. */
static enum fc_rc ingest_sw_entry(const cJSON *e, size_t idx, struct ingest_sw *sw, char *err)
{
	char **slot[5] = {&sw->name, &sw->version, &sw->arch, &sw->publisher, &sw->from};
	const cJSON *it;
	size_t k;

	if (!cJSON_IsObject(e)) {
		snprintf(err, FC_ERRLEN, "content.softwares[%zu]: not an object", idx);
		return FC_EPARSE;
	}
	for (it = e->child; it; it = it->next) {
		k = sw_key((const unsigned char *)it->string, strlen(it->string));
		if (k == 5 || *slot[k])
			continue;
		if ((it->type & 0xFF) != cJSON_String) {
			snprintf(err, FC_ERRLEN, "content.softwares[%zu].%s: not a string", idx,
			         it->string);
			return FC_EPARSE;
		}
		*slot[k] = it->valuestring;
	}
	if (!sw->name) {
		snprintf(err, FC_ERRLEN, "content.softwares[%zu].name: missing", idx);
		return FC_EPARSE;
	}
	if (!sw->name[0]) {
		snprintf(err, FC_ERRLEN, "content.softwares[%zu].name: empty", idx);
		return FC_EPARSE;
	}
	for (k = 1; k < 5; k++)
		if (!*slot[k])
			*slot[k] = sw_empty;
	return FC_OK;
}

/* Forgets a list sw_read read (and its digest: a short report's claimed
 * one, set before, stays). */
static void sw_drop(struct ingest_report *out)
{
	if (!out->sw_fast)
		return;
	FREE_AND_NULL(out->sw);
	FREE_AND_NULL(out->sw_strings);
	out->n_sw = 0;
	out->sw_fast = false;
	memset(out->sw_digest, 0, sizeof(out->sw_digest));
}

/* content.softwares, read only when sections.software is ok (then it must be
 * there: an "ok" section without its list is not an empty list). sw_read
 * may have read it already (the array cJSON saw is then empty). */
static enum fc_rc ingest_softwares(const cJSON *content, const struct ingest_limits *lim,
                                   struct ingest_report *out, char *err)
{
	const cJSON *arr, *e;
	size_t n = 0;
	enum fc_rc rc;

	if (!out->software_ok || out->software_unchanged)
		sw_drop(out);
	if (!out->software_ok)
		return FC_OK;
	if (out->software_unchanged) {
		if (cJSON_GetObjectItemCaseSensitive(content, "softwares")) {
			snprintf(err, FC_ERRLEN,
			         "content.softwares: present in a short report "
			         "(content.fleetcensus.software_unchanged is true)");
			return FC_EPARSE;
		}
		return FC_OK;
	}
	rc = member(content, "content", "softwares", cJSON_Array, true, &arr, err);
	if (rc)
		return rc;
	if (!out->sw_fast) {
		for (e = arr->child; e; e = e->next)
			n++;
		if (n > lim->max_software) {
			snprintf(err, FC_ERRLEN, "content.softwares: more than %zu entries",
			         lim->max_software);
			return FC_ELIMIT;
		}
		out->sw = xcalloc(n ? n : 1, sizeof(*out->sw));
		for (e = arr->child; e; e = e->next) {
			rc = ingest_sw_entry(e, out->n_sw, &out->sw[out->n_sw], err);
			out->n_sw++; /* released with the rest, complete or not */
			if (rc)
				return rc;
		}
		sw_own_strings(out);
		ingest_sw_digest(out->sw, out->n_sw, out->sw_digest);
	} /* else sw_read computed the digest */
	out->has_digest = true;
	out->sw_count = (int64_t)out->n_sw;
	return FC_OK;
}

void ingest_sw_digest_init(struct sha256 *c)
{
	sha256_init(c);
	sha256_update(c, sw_digest_tag, sizeof(sw_digest_tag) - 1);
}

void ingest_sw_digest_entry(struct sha256 *c, const struct ingest_sw *e)
{
	const char *f[5] = {e->name, e->version, e->arch, e->publisher, e->from};
	size_t k;

	for (k = 0; k < 5; k++) {
		f[k] = f[k] ? f[k] : "";
		sha256_update(c, f[k], strlen(f[k]) + 1);
	}
}

void ingest_sw_digest(const struct ingest_sw *sw, size_t n, unsigned char out[32])
{
	struct sha256 c;
	size_t i;

	ingest_sw_digest_init(&c);
	for (i = 0; i < n; i++)
		ingest_sw_digest_entry(&c, &sw[i]);
	sha256_final(&c, out);
}

/* content.hardware (uuid, name) and content.operatingsystem.fqdn: the
 * hardware UUID and the host name. */
static enum fc_rc ingest_host(const cJSON *content, struct ingest_report *out, char *err)
{
	const cJSON *hw, *os, *uuid = NULL, *name = NULL, *fqdn = NULL;
	enum fc_rc rc = member(content, "content", "hardware", cJSON_Object, false, &hw, err);

	if (!rc && hw)
		rc = member(hw, "content.hardware", "uuid", cJSON_String, false, &uuid, err);
	if (!rc && hw)
		rc = member(hw, "content.hardware", "name", cJSON_String, false, &name, err);
	if (!rc)
		rc = member(content, "content", "operatingsystem", cJSON_Object, false, &os, err);
	if (!rc && os)
		rc = member(os, "content.operatingsystem", "fqdn", cJSON_String, false, &fqdn, err);
	if (rc)
		return rc;
	if (uuid && (!uuid_normalise(uuid->valuestring, out->hw_uuid) ||
	             ingest_uuid_is_placeholder(out->hw_uuid)))
		out->hw_uuid[0] = '\0';
	if (name && name->valuestring[0])
		out->hostname = xstrdup(name->valuestring);
	else if (fqdn)
		out->hostname = xstrndup(fqdn->valuestring, strcspn(fqdn->valuestring, "."));
	else
		out->hostname = xstrdup("");
	return FC_OK;
}

/* Moves content.operatingsystem (or {}) and content.fleetcensus out of root
 * into the compact os_json document. Both were checked to be objects. */
static enum fc_rc ingest_os_json(cJSON *root, struct ingest_report *out, char *err)
{
	cJSON *content = cJSON_GetObjectItemCaseSensitive(root, "content");
	cJSON *doc = cJSON_CreateObject();
	cJSON *os = cJSON_DetachItemFromObjectCaseSensitive(content, "operatingsystem");
	cJSON *fc = cJSON_DetachItemFromObjectCaseSensitive(content, "fleetcensus");
	char *s = NULL;
	enum fc_rc rc = FC_ENOMEM;

	if (!os)
		os = cJSON_CreateObject();
	if (!doc || !os || !fc || !cJSON_AddItemToObject(doc, "operatingsystem", os)) {
		cJSON_Delete(os);
		cJSON_Delete(fc);
		goto out_delete;
	}
	if (!cJSON_AddItemToObject(doc, "fleetcensus", fc)) {
		cJSON_Delete(fc);
		goto out_delete;
	}
	s = cJSON_PrintUnformatted(doc);
	if (s) {
		out->os_json = xstrdup(s);
		cJSON_free(s);
		rc = FC_OK;
	}
out_delete:
	cJSON_Delete(doc);
	if (rc)
		snprintf(err, FC_ERRLEN, "cannot build the stored facts: out of memory");
	return rc;
}

/* Checks the shape of the parsed document and fills out. */
static enum fc_rc ingest_doc(cJSON *root, const struct ingest_limits *lim,
                             struct ingest_report *out, char *err)
{
	const cJSON *content;
	enum fc_rc rc = FC_OK;

	if (!cJSON_IsObject(root)) {
		snprintf(err, FC_ERRLEN, "top level: not an object");
		return FC_EPARSE;
	}
	rc = member(root, "", "content", cJSON_Object, true, &content, err);
	if (!rc)
		rc = ingest_fleetcensus(content, out, err);
	if (!rc)
		rc = member_strdup(root, "", "deviceid", &out->deviceid, err);
	if (!rc)
		rc = ingest_host(content, out, err);
	if (!rc)
		rc = ingest_softwares(content, lim, out, err);
	if (!rc)
		rc = ingest_os_json(root, out, err);
	return rc;
}

static int ingest_http_status(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return 200;
	case FC_EPARSE: return 400;
	case FC_ELIMIT: return 413;
	case FC_EUSAGE: return 415;
	default: return 500;
	}
}

enum fc_rc ingest_decode(const void *body, size_t len, const char *encoding,
                         const struct ingest_limits *lim, struct ingest_report *out,
                         int *http_status, char *err)
{
	struct buf text;
	struct sw_span span;
	cJSON *root = NULL;
	const char *end = NULL;
	size_t json_len, cut = 0, at;
	enum fc_rc rc;

	assert((body || len == 0) && lim && out && http_status && err);
	err[0] = '\0';
	ingest_report_release(out);
	rc = ingest_body(body, len, encoding, lim, &text, err);
	if (rc)
		goto out_release;
	if (text.len == 0) {
		snprintf(err, FC_ERRLEN, "empty body");
		rc = FC_EPARSE;
		goto out_release;
	}
	rc = ingest_scan(text.ptr, text.len, lim, lim->tree_lists ? NULL : out, &span, err);
	if (rc)
		goto out_release;
	json_len = text.len;
	if (out->sw_fast && span.found) {
		/* cJSON gets the text with the list read: "[]" in its place */
		cut = span.end - span.at - 1;
		memmove(text.ptr + span.at + 1, text.ptr + span.end, text.len - span.end + 1);
		text.len -= cut;
	}
	json_scratch_begin();
	root = cJSON_ParseWithLengthOpts(text.ptr, text.len + 1, &end, 1);
	if (!root) {
		at = end && end >= text.ptr ? (size_t)(end - text.ptr) : 0;
		snprintf(err, FC_ERRLEN, "invalid JSON at byte %zu", at > span.at ? at + cut : at);
		rc = FC_EPARSE;
	} else {
		rc = ingest_doc(root, lim, out, err);
		out->body_bytes = len;
		out->json_bytes = json_len;
	}
	json_scratch_end(); /* the tree goes with it */
out_release:
	buf_release(&text);
	if (rc) {
		ingest_report_release(out);
		if (!err[0])
			snprintf(err, FC_ERRLEN, "%s", fc_strerror(rc));
	}
	*http_status = ingest_http_status(rc);
	return rc;
}
