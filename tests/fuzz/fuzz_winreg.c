/* fuzz_winreg.c - the registry value decoders (agent/winreg_decode.h) on any
 * bytes. Byte 0 is the value type (REG_SZ 1, REG_EXPAND_SZ 2, REG_BINARY 3,
 * REG_DWORD 4, REG_MULTI_SZ 7, REG_QWORD 11, any other number as given); the
 * rest is the value's raw bytes as RegQueryValueExW returns them. Every
 * decoder runs on them: strings come out as valid UTF-8 without NUL and
 * within 3 bytes per UTF-16 unit, numbers only from their exact size, err
 * set on failure only, and the decoded strings go through winreg_list_has,
 * winreg_machine_guid, winreg_names_kb and winreg_classify. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "utf8.h"
#include "winreg_decode.h"

/* A fresh err: "" then filler, so that a write on success shows. */
static void err_reset(char err[FC_ERRLEN])
{
	memset(err, 'x', FC_ERRLEN);
	err[0] = '\0';
}

static void check_guid(const char *s)
{
	char out[33];
	size_t i;

	memset(out, 'x', sizeof(out));
	if (winreg_machine_guid(s, out) != FC_OK)
		return;
	FUZZ_CHECK(strlen(out) == 32);
	for (i = 0; i < 32; i++)
		FUZZ_CHECK(isxdigit((unsigned char)out[i]) && !isupper((unsigned char)out[i]));
	FUZZ_CHECK(strspn(out, "0") != 32);
}

/* The reference REG_MULTI_SZ decoding: each NUL-separated run of UTF-16
 * units converted alone, the non-empty ones joined by '\n'. */
static char *multi_join(const unsigned char *v, size_t n)
{
	size_t units = n / 2, start = 0, i, len, at = 0;
	char *out = calloc(3 * units + 2, 1), *one;

	FUZZ_CHECK(out != NULL);
	for (i = 0; i <= units; i++) {
		if (i < units && (v[2 * i] || v[2 * i + 1]))
			continue;
		one = winreg_utf16_to_utf8(v + 2 * start, 2 * (i - start));
		len = strlen(one);
		if (len) {
			if (at)
				out[at++] = '\n';
			memcpy(out + at, one, len);
			at += len;
		}
		free(one);
		start = i + 1;
	}
	out[at] = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *v = data + 1;
	size_t n, len, i;
	unsigned type, w;
	unsigned long long num;
	char err[FC_ERRLEN], *u8, *str = NULL, *joined;
	struct winreg_uninstall un;
	enum winreg_kind kind;
	enum fc_rc rc;
	bool hidden;

	if (size < 1)
		return 0;
	type = data[0];
	n = size - 1;

	/* the plain converter: never fails, stops at the first NUL unit */
	u8 = winreg_utf16_to_utf8(v, n);
	len = strlen(u8);
	FUZZ_CHECK(len <= 3 * (n / 2));
	FUZZ_CHECK(utf8_valid(u8, len));
	check_guid(u8);

	err_reset(err);
	rc = winreg_string(type, v, n, &str, err);
	fuzz_check_err(rc, err);
	if (type != WINREG_SZ && type != WINREG_EXPAND_SZ && type != WINREG_MULTI_SZ) {
		FUZZ_CHECK(rc == FC_EPARSE);
	} else if (n > WINREG_MAX_VALUE) {
		FUZZ_CHECK(rc == FC_ELIMIT);
	} else {
		FUZZ_CHECK(rc == FC_OK);
	}
	if (rc != FC_OK) {
		FUZZ_CHECK(str == NULL);
	} else {
		len = strlen(str);
		FUZZ_CHECK(str != NULL);
		FUZZ_CHECK(len <= 3 * (n / 2));
		FUZZ_CHECK(utf8_valid(str, len));
		if (type != WINREG_MULTI_SZ) {
			FUZZ_CHECK(!strcmp(str, u8)); /* the same conversion */
		} else {
			/* the strings joined by '\n', empty strings dropped */
			joined = multi_join(v, n);
			FUZZ_CHECK(!strcmp(str, joined));
			free(joined);
			/* the first string is found in the list (unless it holds a '\n') */
			if (u8[0] && !strchr(u8, '\n'))
				FUZZ_CHECK(winreg_list_has(str, u8));
		}
		check_guid(str);
	}

	err_reset(err);
	rc = winreg_number(type, v, n, &num, err);
	fuzz_check_err(rc, err);
	w = type == WINREG_QWORD ? 8 : 4;
	if ((type == WINREG_DWORD || type == WINREG_DWORD_BIG_ENDIAN || type == WINREG_QWORD) &&
	    n == w) {
		FUZZ_CHECK(rc == FC_OK);
		for (i = 0; i < w; i++)
			FUZZ_CHECK(((num >> (8 * i)) & 0xFF) ==
			           (type == WINREG_DWORD_BIG_ENDIAN ? v[w - 1 - i] : v[i]));
	} else {
		FUZZ_CHECK(rc == FC_EPARSE && num == 0);
	}

	/* the list, KB and classification rules on the decoded strings */
	(void)winreg_list_has(u8, "");
	(void)winreg_list_has(u8, "KB123456");
	if (str)
		(void)winreg_list_has(str, u8);
	(void)winreg_names_kb(u8);
	(void)winreg_names_kb(NULL);
	memset(&un, 0, sizeof(un));
	un.key_name = u8;
	un.display_name = str;
	un.parent_key_name = size & 1 ? u8 : NULL;
	un.release_type = size & 2 ? (str ? str : u8) : NULL;
	un.system_component = rc == FC_OK ? (long long)num : -1;
	hidden = !un.system_component;
	kind = winreg_classify(&un, &hidden);
	FUZZ_CHECK(kind == WINREG_SKIP || kind == WINREG_PRODUCT || kind == WINREG_UPDATE);
	FUZZ_CHECK(hidden == (un.system_component == 1));
	if (!str || !str[strspn(str, " \t\r\n\v\f")])
		FUZZ_CHECK(kind == WINREG_SKIP);
	else if (winreg_names_kb(u8) || winreg_names_kb(str))
		FUZZ_CHECK(kind == WINREG_UPDATE);
	free(str);
	free(u8);
	return 0;
}
