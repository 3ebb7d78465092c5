/* fuzz_textesc.c - the cell encoders of common/textesc.h on any bytes: a
 * table cell (textesc_text, textesc_text_to) holds no control byte, no C1
 * control, no bidirectional control or line separator and is valid UTF-8;
 * text with nothing to escape is kept as it is; a CSV field (textesc_csv)
 * is one RFC 4180 field whose text holds the same nothing and cannot start
 * a formula. The checks are written here again, byte by byte, not with
 * textesc's own tables. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "textesc.h"
#include "utf8.h"
#include "xalloc.h"

/* True when the n bytes at p are valid UTF-8 without a control character
 * (C0, DEL, C1), U+061C, U+200E, U+200F, U+2028..U+202E, U+2066..U+2069. */
static int inert(const unsigned char *p, size_t n)
{
	size_t i;

	if (!utf8_valid((const char *)p, n))
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		if (i + 1 < n && p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return 0;
		if (i + 1 < n && p[i] == 0xd8 && p[i + 1] == 0x9c)
			return 0;
		if (i + 2 < n && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0x8e || p[i + 2] == 0x8f ||
		     (p[i + 2] >= 0xa8 && p[i + 2] <= 0xae)))
			return 0;
		if (i + 2 < n && p[i] == 0xe2 && p[i + 1] == 0x81 && p[i + 2] >= 0xa6 &&
		    p[i + 2] <= 0xa9)
			return 0;
	}
	return 1;
}

/* Checks one CSV field: quoted (inner quotes doubled, nothing after the
 * closing quote) or bare (no comma, no quote); its text inert and not
 * starting a formula. */
static void check_csv(const char *f, size_t n)
{
	char *text = xmalloc(n + 1);
	size_t i, t = 0;

	if (n && f[0] == '"') {
		FUZZ_CHECK(n >= 2 && f[n - 1] == '"');
		for (i = 1; i + 1 < n; i++) {
			if (f[i] == '"') {
				FUZZ_CHECK(f[i + 1] == '"' && i + 2 < n);
				i++;
			}
			text[t++] = f[i];
		}
	} else {
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(f[i] != ',' && f[i] != '"');
			text[t++] = f[i];
		}
	}
	FUZZ_CHECK(inert((const unsigned char *)text, t));
	FUZZ_CHECK(t == 0 || !strchr("=+-@\t\r", text[0]));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char small[64];
	struct buf out;
	size_t n, cut;
	char *s;

	buf_init(&out, 16 * size + 64);
	FUZZ_CHECK(textesc_text(&out, in, size) == FC_OK);
	FUZZ_CHECK(inert((const unsigned char *)out.ptr, out.len));
	FUZZ_CHECK(strlen(buf_cstr(&out)) == out.len);
	FUZZ_CHECK(textesc_is_plain(in, size) == (bool)inert(data, size));
	if (textesc_is_plain(in, size))
		FUZZ_CHECK(out.len == size && (!size || !memcmp(out.ptr, in, size)));
	FUZZ_CHECK(textesc_is_plain(buf_cstr(&out), out.len));

	cut = size ? 1 + data[0] % sizeof(small) : sizeof(small);
	memset(small, 'x', sizeof(small));
	n = textesc_text_to(small, cut, in, size);
	FUZZ_CHECK(n < cut && small[n] == '\0');
	FUZZ_CHECK(n <= out.len && !memcmp(small, buf_cstr(&out), n));
	FUZZ_CHECK(n == out.len || n + TEXTESC_UNIT_MAX >= cut);

	s = fuzz_strndup(data, size); /* a C string: cut at the first NUL */
	buf_reset(&out);
	FUZZ_CHECK(textesc_csv(&out, s) == FC_OK);
	check_csv(buf_cstr(&out), out.len);
	free(s);
	buf_release(&out);
	return 0;
}
