/* certsan.h - does a certificate name an IP address? A pure DER walker for
 * the Windows agent's TLS library (mbedTLS 2.28), which compares the host of
 * https://127.0.0.1 only with the certificate's DNS names and so refuses a
 * certificate that names the address as an iPAddress subjectAltName
 * (RFC 5280 4.2.1.6, RFC 6125 6.2.1). agent/send.c uses it in the
 * certificate check of that build; it has no TLS dependency, so the tests
 * run it on Linux against certificates made with openssl. */
#ifndef FC_AGENT_CERTSAN_H
#define FC_AGENT_CERTSAN_H

#include <stdbool.h>
#include <stddef.h>

/* Parses host, an IPv4 address in dotted-decimal form (four decimal numbers
 * 0-255) or an IPv6 address (RFC 4291 2.2 text forms, optionally in
 * brackets, no zone), into ip: 4 or 16 bytes in network order, *len set.
 * False for anything else (a DNS name). */
bool certsan_parse_ip(const char *host, unsigned char ip[16], size_t *len);

/* True when the X.509 certificate der (len bytes, DER) has a
 * subjectAltName extension with an iPAddress entry equal to ip (iplen 4 or
 * 16 bytes). False for no such entry, no such extension, or malformed DER. */
bool certsan_has_ip(const unsigned char *der, size_t len, const unsigned char *ip, size_t iplen);

#endif
