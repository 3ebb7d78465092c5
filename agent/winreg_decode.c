/* winreg_decode.c - decoding raw registry values and the Uninstall-entry rules
 * (pure: bytes in, strings and numbers out). */
#include "winreg_decode.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"

/* Decodes the UTF-16LE units [*i, n) of data up to a NUL unit into s
 * (room for 3 bytes per unit); *i ends after the NUL. Returns the length. */
static size_t utf16_run(const unsigned char *data, size_t n, size_t *i, char *s)
{
	size_t len = 0;
	unsigned long u, lo;

	while (*i < n) {
		u = (unsigned long)data[2 * *i] | (unsigned long)data[2 * *i + 1] << 8;
		(*i)++;
		if (u == 0)
			break;
		if (u >= 0xD800 && u <= 0xDBFF && *i < n) {
			lo = (unsigned long)data[2 * *i] | (unsigned long)data[2 * *i + 1] << 8;
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				(*i)++;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF)
			u = 0xFFFD; /* an unpaired surrogate */
		len += utf8_put(u, s + len);
	}
	s[len] = '\0';
	return len;
}

char *winreg_utf16_to_utf8(const unsigned char *data, size_t len)
{
	size_t n = len / 2, i = 0;
	char *s = xmalloc(3 * n + 1);

	utf16_run(data, n, &i, s);
	return s;
}

enum fc_rc winreg_string(unsigned type, const unsigned char *data, size_t len, char **out,
                         char *err)
{
	size_t n = len / 2, i = 0, at = 0, k;
	char *s;

	*out = NULL;
	if (type != WINREG_SZ && type != WINREG_EXPAND_SZ && type != WINREG_MULTI_SZ) {
		snprintf(err, FC_ERRLEN, "not a string value (type %u)", type);
		return FC_EPARSE;
	}
	if (len > WINREG_MAX_VALUE) {
		snprintf(err, FC_ERRLEN, "string value of %zu bytes is over the limit of %u", len,
		         WINREG_MAX_VALUE);
		return FC_ELIMIT;
	}
	s = xmalloc(3 * n + 2);
	if (type != WINREG_MULTI_SZ) {
		utf16_run(data, n, &i, s);
		*out = s;
		return FC_OK;
	}
	s[0] = '\0';
	while (i < n) {
		k = utf16_run(data, n, &i, s + at);
		if (k == 0)
			continue; /* the list's end marker, or an empty string */
		at += k;
		s[at++] = '\n';
		s[at] = '\0';
	}
	if (at)
		s[at - 1] = '\0';
	*out = s;
	return FC_OK;
}

enum fc_rc winreg_number(unsigned type, const unsigned char *data, size_t len,
                         unsigned long long *out, char *err)
{
	size_t want = type == WINREG_QWORD ? 8 : 4, i;
	unsigned long long v = 0;

	*out = 0;
	if (type != WINREG_DWORD && type != WINREG_DWORD_BIG_ENDIAN && type != WINREG_QWORD) {
		snprintf(err, FC_ERRLEN, "not a number value (type %u)", type);
		return FC_EPARSE;
	}
	if (len != want) {
		snprintf(err, FC_ERRLEN, "%s value of %zu bytes (expected %zu)",
		         type == WINREG_QWORD ? "REG_QWORD" : "REG_DWORD", len, want);
		return FC_EPARSE;
	}
	for (i = 0; i < want; i++) {
		if (type == WINREG_DWORD_BIG_ENDIAN)
			v = v << 8 | data[i];
		else
			v |= (unsigned long long)data[i] << (8 * i);
	}
	*out = v;
	return FC_OK;
}

bool winreg_list_has(const char *list, const char *word)
{
	size_t wl = strlen(word), n;
	const char *p = list;

	while (p && *p) {
		n = strcspn(p, "\n");
		if (n == wl && strncasecmp(p, word, n) == 0)
			return true;
		p += n;
		if (*p == '\n')
			p++;
	}
	return false;
}

enum fc_rc winreg_machine_guid(const char *guid, char out[33])
{
	size_t len = strlen(guid);
	bool braced = len >= 2 && guid[0] == '{' && guid[len - 1] == '}';

	if (braced) {
		guid++;
		len -= 2;
	}
	if (!uuid_hex(guid, len, out))
		return FC_EPARSE;
	return strspn(out, "0") == UUID_HEX_LEN ? FC_EPARSE : FC_OK;
}

bool winreg_names_kb(const char *s)
{
	size_t i, d;

	for (i = 0; s && s[i] && s[i + 1]; i++) {
		if (toupper((unsigned char)s[i]) != 'K' || toupper((unsigned char)s[i + 1]) != 'B')
			continue;
		if (i > 0 && isalnum((unsigned char)s[i - 1]))
			continue;
		for (d = 0; isdigit((unsigned char)s[i + 2 + d]); d++)
			;
		if (d >= 6)
			return true;
	}
	return false;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

enum winreg_kind winreg_classify(const struct winreg_uninstall *u, bool *hidden)
{
	static const char *const update_types[] = {"Security Update", "Update Rollup", "Hotfix",
	                                           "Update", "Service Pack"};
	size_t i;

	*hidden = u->system_component == 1;
	if (blank(u->display_name))
		return WINREG_SKIP;
	if (!blank(u->parent_key_name))
		return WINREG_UPDATE;
	for (i = 0; u->release_type && i < sizeof(update_types) / sizeof(update_types[0]); i++)
		if (!strcasecmp(u->release_type, update_types[i]))
			return WINREG_UPDATE;
	if (winreg_names_kb(u->key_name) || winreg_names_kb(u->display_name))
		return WINREG_UPDATE;
	return WINREG_PRODUCT;
}
