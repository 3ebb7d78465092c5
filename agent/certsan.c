/* certsan.c - iPAddress subjectAltName matching (see certsan.h). */
#include "certsan.h"

#include <ctype.h>
#include <string.h>

#define DER_SEQUENCE 0x30
#define DER_OID 0x06
#define DER_BOOLEAN 0x01
#define DER_OCTET_STRING 0x04
#define DER_EXTENSIONS 0xa3 /* [3] EXPLICIT, constructed */
#define DER_SAN_IP 0x87 /* GeneralName iPAddress: [7] IMPLICIT OCTET STRING */

/* One DER element: tag (one byte: every tag of a certificate is one), its
 * value, and where the next element starts. */
struct der {
	unsigned tag;
	const unsigned char *val;
	size_t len;
};

/* Reads the element at *p (before end) into e and moves *p past it. False
 * when it is malformed or runs past end (definite lengths only). */
static bool der_next(const unsigned char **p, const unsigned char *end, struct der *e)
{
	const unsigned char *q = *p;
	size_t len, n, i;

	if (end - q < 2)
		return false;
	e->tag = *q++;
	len = *q++;
	if (len & 0x80) {
		n = len & 0x7f;
		if (n == 0 || n > sizeof(size_t) || n > 4 || (size_t)(end - q) < n)
			return false;
		for (len = 0, i = 0; i < n; i++)
			len = (len << 8) | *q++;
	}
	if ((size_t)(end - q) < len)
		return false;
	e->val = q;
	e->len = len;
	*p = q + len;
	return true;
}

/* The first element in [p, end) with tag; false when there is none. */
static bool der_find(const unsigned char *p, const unsigned char *end, unsigned tag, struct der *e)
{
	while (p < end) {
		if (!der_next(&p, end, e))
			return false;
		if (e->tag == tag)
			return true;
	}
	return false;
}

/* Whether the GeneralNames in [p, end) hold iPAddress ip. */
static bool san_has_ip(const unsigned char *p, const unsigned char *end, const unsigned char *ip,
                       size_t iplen)
{
	struct der names, name;

	if (!der_next(&p, end, &names) || names.tag != DER_SEQUENCE || p != end)
		return false;
	p = names.val;
	end = names.val + names.len;
	while (p < end) {
		if (!der_next(&p, end, &name))
			return false;
		if (name.tag == DER_SAN_IP && name.len == iplen && !memcmp(name.val, ip, iplen))
			return true;
	}
	return false;
}

bool certsan_has_ip(const unsigned char *der, size_t len, const unsigned char *ip, size_t iplen)
{
	static const unsigned char san_oid[] = {0x55, 0x1d, 0x11}; /* 2.5.29.17 */
	const unsigned char *p = der, *end = der + len;
	struct der cert, tbs, exts, list, ext, part;

	if ((iplen != 4 && iplen != 16) || !der || !der_next(&p, end, &cert) ||
	    cert.tag != DER_SEQUENCE)
		return false;
	/* Certificate ::= SEQUENCE { tbsCertificate, ... }: the extensions are
	 * tbsCertificate's [3], after the fields that always come first */
	p = cert.val;
	if (!der_next(&p, cert.val + cert.len, &tbs) || tbs.tag != DER_SEQUENCE ||
	    !der_find(tbs.val, tbs.val + tbs.len, DER_EXTENSIONS, &exts))
		return false;
	p = exts.val;
	if (!der_next(&p, exts.val + exts.len, &list) || list.tag != DER_SEQUENCE)
		return false;
	p = list.val;
	end = list.val + list.len;
	while (p < end) {
		const unsigned char *q, *qend;

		/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE,
		 * extnValue OCTET STRING } */
		if (!der_next(&p, end, &ext) || ext.tag != DER_SEQUENCE)
			return false;
		q = ext.val;
		qend = ext.val + ext.len;
		if (!der_next(&q, qend, &part) || part.tag != DER_OID)
			return false;
		if (part.len != sizeof(san_oid) || memcmp(part.val, san_oid, sizeof(san_oid)))
			continue;
		if (!der_next(&q, qend, &part))
			return false;
		if (part.tag == DER_BOOLEAN && !der_next(&q, qend, &part))
			return false;
		if (part.tag != DER_OCTET_STRING)
			return false;
		return san_has_ip(part.val, part.val + part.len, ip, iplen);
	}
	return false;
}

/* Dotted-decimal IPv4 in [s, end) into out[4]. */
static bool parse_ipv4(const char *s, const char *end, unsigned char out[4])
{
	int part = 0;

	while (part < 4) {
		unsigned v = 0;
		int digits = 0;

		while (s < end && isdigit((unsigned char)*s) && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		out[part++] = (unsigned char)v;
		if (part < 4) {
			if (s >= end || *s != '.')
				return false;
			s++;
		}
	}
	return s == end;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* IPv6 text in [s, end) into out[16]: up to eight groups of one to four hex
 * digits, at most one "::", and an IPv4 address as the last 32 bits. */
static bool parse_ipv6(const char *s, const char *end, unsigned char out[16])
{
	int n = 0, gap = -1, i;

	memset(out, 0, 16);
	if (end - s >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	} else if (s < end && *s == ':') {
		return false;
	}
	while (s < end) {
		const char *start = s;
		unsigned v = 0;
		int digits = 0;

		while (s < end && hexval(*s) >= 0 && digits < 5) {
			v = (v << 4) | (unsigned)hexval(*s++);
			digits++;
		}
		if (s < end && *s == '.') { /* the IPv4 tail */
			if (n > 12 || !parse_ipv4(start, end, out + n))
				return false;
			n += 4;
			s = end;
			break;
		}
		if (digits == 0 || digits > 4 || n > 14)
			return false;
		out[n++] = (unsigned char)(v >> 8);
		out[n++] = (unsigned char)v;
		if (s == end)
			break;
		if (*s != ':')
			return false;
		s++;
		if (s < end && *s == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			s++;
		} else if (s == end) {
			return false; /* a single trailing ':' */
		}
	}
	if (gap < 0)
		return n == 16;
	if (n == 16)
		return false; /* "::" must stand for at least one group */
	/* move the groups after the gap to the end */
	for (i = n - 1; i >= gap; i--)
		out[16 - n + i] = out[i];
	memset(out + gap, 0, (size_t)(16 - n));
	return true;
}

bool certsan_parse_ip(const char *host, unsigned char ip[16], size_t *len)
{
	size_t n = strlen(host);
	const char *end = host + n;

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		end--;
		if (!parse_ipv6(host, end, ip))
			return false;
		*len = 16;
		return true;
	}
	if (memchr(host, ':', n)) {
		if (!parse_ipv6(host, end, ip))
			return false;
		*len = 16;
		return true;
	}
	if (!parse_ipv4(host, end, ip))
		return false;
	*len = 4;
	return true;
}
