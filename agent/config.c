/* config.c - the agent's settings: command line and configuration file. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

void agent_opts_init(struct agent_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = -1;
	o->splay = -1;
	o->verbose = -1;
	o->quiet = -1;
}

void agent_opts_release(struct agent_opts *o)
{
	free(o->config);
	free(o->root);
	free(o->output);
	free(o->server);
	free(o->token);
	free(o->token_file);
	free(o->cacert);
	free(o->state_dir);
	agent_opts_init(o);
}

enum fc_rc config_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return FC_EPARSE;
	*out = v;
	return FC_OK;
}

static enum fc_rc parse_bool(const char *s, int *out)
{
	if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
		*out = 1;
	else if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
		*out = 0;
	else
		return FC_EPARSE;
	return FC_OK;
}

static void set_str(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup(value);
}

/* Sets one setting; a bad value's err names the setting as label gives it
 * ("'timeout'" in a file, "--timeout" on the command line), the value and
 * what is wanted. */
static enum fc_rc set_setting(struct agent_opts *o, const char *name, const char *value,
                              const char *label, char *err)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {{"root", offsetof(struct agent_opts, root)},
	            {"output", offsetof(struct agent_opts, output)},
	            {"server", offsetof(struct agent_opts, server)},
	            {"token", offsetof(struct agent_opts, token)},
	            {"token-file", offsetof(struct agent_opts, token_file)},
	            {"cacert", offsetof(struct agent_opts, cacert)},
	            {"state-dir", offsetof(struct agent_opts, state_dir)}};
	size_t i;
	enum fc_rc rc = FC_OK;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (strcmp(name, strs[i].name))
			continue;
		if (!*value) {
			snprintf(err, FC_ERRLEN, "%s needs a value", label);
			return FC_EPARSE;
		}
		set_str((char **)((char *)o + strs[i].off), value);
		return FC_OK;
	}
	if (!strcmp(name, "timeout"))
		rc = config_parse_long(value, 1, CONFIG_MAX_TIMEOUT, &o->timeout);
	else if (!strcmp(name, "splay"))
		rc = config_parse_long(value, 0, CONFIG_MAX_SPLAY, &o->splay);
	else if (!strcmp(name, "verbose"))
		rc = parse_bool(value, &o->verbose);
	else if (!strcmp(name, "quiet"))
		rc = parse_bool(value, &o->quiet);
	else {
		snprintf(err, FC_ERRLEN, "unknown setting '%s'", name);
		return FC_ENOENT;
	}
	if (rc == FC_EPARSE) {
		if (!strcmp(name, "timeout"))
			snprintf(err, FC_ERRLEN, "%s must be 1 to %d seconds, not '%s'", label,
			         CONFIG_MAX_TIMEOUT, value);
		else if (!strcmp(name, "splay"))
			snprintf(err, FC_ERRLEN, "%s must be 0 to %d seconds, not '%s'", label,
			         CONFIG_MAX_SPLAY, value);
		else
			snprintf(err, FC_ERRLEN, "%s must be true or false, not '%s'", label,
			         value);
	}
	return rc;
}

enum fc_rc config_set(struct agent_opts *o, const char *name, const char *value, char *err)
{
	char label[80];

	snprintf(label, sizeof(label), "'%.60s'", name);
	return set_setting(o, name, value, label, err);
}

enum fc_rc config_set_option(struct agent_opts *o, const char *name, const char *value, char *err)
{
	char label[80];

	snprintf(label, sizeof(label), "--%.60s", name);
	return set_setting(o, name, value, label, err);
}

enum fc_rc config_check_token_file(const char *path, unsigned mode, unsigned long owner,
                                   unsigned long euid, char *err)
{
	if (mode & 077) {
		snprintf(err, FC_ERRLEN,
		         "token file '%s' is accessible by other users (mode %04o): the token "
		         "must be secret; chmod 600 it",
		         path, mode & 07777);
		return FC_ECONFIG;
	}
	if (owner != euid && owner != 0) {
		snprintf(err, FC_ERRLEN,
		         "token file '%s' belongs to another user (uid %lu): it must belong to "
		         "this user (uid %lu) or root",
		         path, owner, euid);
		return FC_ECONFIG;
	}
	return FC_OK;
}

static size_t trim(const char *s, size_t n, const char **start)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*start = s;
	return n;
}

enum fc_rc config_parse(const char *buf, size_t len, struct agent_opts *o, char *err)
{
	const char *line = buf, *end = buf + len, *nl, *eq, *k, *v;
	char key[64], value[CONFIG_MAX_TOKEN + 1], why[FC_ERRLEN];
	size_t kn, vn;
	int lineno = 0;

	while (line < end) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		if (memchr(line, '\0', (size_t)(nl - line))) {
			snprintf(err, FC_ERRLEN, "line %d: NUL byte", lineno);
			return FC_ECONFIG;
		}
		kn = trim(line, (size_t)(nl - line), &k);
		if (kn == 0 || *k == '#') {
			line = nl + 1;
			continue;
		}
		eq = memchr(k, '=', kn);
		if (!eq) {
			snprintf(err, FC_ERRLEN, "line %d: expected 'key = value'", lineno);
			return FC_ECONFIG;
		}
		vn = trim(eq + 1, (size_t)(k + kn - eq - 1), &v);
		kn = trim(k, (size_t)(eq - k), &k);
		if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
			v++;
			vn -= 2;
		}
		if (kn >= sizeof(key) || vn >= sizeof(value)) {
			snprintf(err, FC_ERRLEN, "line %d: key or value too long", lineno);
			return FC_ECONFIG;
		}
		memcpy(key, k, kn);
		key[kn] = '\0';
		memcpy(value, v, vn);
		value[vn] = '\0';
		if (config_set(o, key, value, why) != FC_OK) {
			snprintf(err, FC_ERRLEN, "line %d: %s", lineno, why);
			return FC_ECONFIG;
		}
		line = nl + 1;
	}
	return FC_OK;
}

/* Sets err to the URL, quoted and shortened, and why; returns FC_EPARSE.
 * The URL is printable ASCII here (checked first). */
static enum fc_rc url_bad(const char *url, const char *why, char *err)
{
	snprintf(err, FC_ERRLEN, "'%.100s%s': %s", url, strlen(url) > 100 ? "..." : "", why);
	return FC_EPARSE;
}

/* The characters the agent cannot send in a URL: bytes outside printable
 * ASCII, the space. Sets err (without the URL: it cannot be shown). */
static enum fc_rc url_chars(const char *url, char *err)
{
	size_t i;

	for (i = 0; url[i]; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= ' ' || c == 0x7f) {
			snprintf(err, FC_ERRLEN,
			         "URL holds a space or control character (byte %zu of %zu)", i + 1,
			         strlen(url));
			return FC_EPARSE;
		}
		if (c > 0x7f) {
			snprintf(err, FC_ERRLEN,
			         "URL holds a non-ASCII byte (byte %zu): write an international "
			         "host name in its xn-- form",
			         i + 1);
			return FC_EPARSE;
		}
	}
	if (i > CONFIG_MAX_URL) {
		snprintf(err, FC_ERRLEN, "URL is longer than %d bytes", CONFIG_MAX_URL);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Checks the scheme; *rest is set to what follows "://". */
static enum fc_rc url_scheme(const char *url, const char **rest, char *err)
{
	char why[160];
	size_t n = 0;

	if (isalpha((unsigned char)url[0]))
		n = strspn(url,
		           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	if (n == 0 || strncmp(url + n, "://", 3) != 0)
		return url_bad(url, "must start with http:// or https://", err);
	if (!((n == 4 && !strncasecmp(url, "http", 4)) ||
	      (n == 5 && !strncasecmp(url, "https", 5)))) {
		snprintf(why, sizeof(why), "scheme '%.*s' is not http or https",
		         n > 20 ? 20 : (int)n, url);
		return url_bad(url, why, err);
	}
	*rest = url + n + 3;
	return FC_OK;
}

/* Checks a bracketed IPv6 host "[...]" at h (n bytes before the port or the
 * end of the authority); *len is set to its length with the brackets. */
static enum fc_rc url_ipv6(const char *url, const char *h, size_t n, size_t *len, char *err)
{
	const char *close = memchr(h, ']', n);
	size_t in, addr, zone = 0;

	if (!close)
		return url_bad(url, "unclosed '[' in the host", err);
	in = (size_t)(close - h) - 1;
	addr = strspn(h + 1, "0123456789abcdefABCDEF:.");
	if (addr < in && h[1 + addr] == '%') /* a zone: "%25eth0" */
		zone = strspn(h + 2 + addr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                            "0123456789-._~%");
	if (in == 0 || !memchr(h + 1, ':', addr) ||
	    (addr < in && (zone == 0 || addr + 1 + zone != in)))
		return url_bad(url, "the host in brackets is not an IPv6 address", err);
	*len = in + 2;
	return FC_OK;
}

/* Checks the port of pn bytes at p: digits, 1 to 65535. */
static enum fc_rc url_port(const char *url, const char *p, size_t pn, char *err)
{
	char why[160];
	long port = 0;
	size_t i;

	for (i = 0; i < pn && i < 6 && p[i] >= '0' && p[i] <= '9'; i++)
		port = port * 10 + (p[i] - '0');
	if (i == pn && port >= 1 && port <= 65535)
		return FC_OK;
	snprintf(why, sizeof(why), "port '%.*s' is not 1 to 65535", pn > 20 ? 20 : (int)pn, p);
	return url_bad(url, why, err);
}

/* Checks the authority (host and optional port) of n bytes at a. */
static enum fc_rc url_authority(const char *url, const char *a, size_t n, char *err)
{
	static const char host_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                 "0123456789-._";
	size_t hn;
	enum fc_rc rc;

	if (memchr(a, '@', n))
		return url_bad(url, "a user name in the URL is not used (the token authenticates)",
		               err);
	if (n > 0 && a[0] == '[') {
		rc = url_ipv6(url, a, n, &hn, err);
		if (rc)
			return rc;
	} else {
		hn = strcspn(a, ":/"); /* the authority ends at '/' or the end */
		if (strspn(a, host_chars) < hn)
			return url_bad(
			    url,
			    "the host name holds a character other than letters, digits, "
			    "'-', '.' and '_'",
			    err);
	}
	if (hn == 0)
		return url_bad(url, "no host", err);
	if (hn == n || (a[hn] == ':' && hn + 1 == n))
		return FC_OK; /* no port, or an empty one: the scheme's default */
	if (a[hn] != ':')
		return url_bad(
		    url, "the host in brackets is followed by something other than ':port'", err);
	return url_port(url, a + hn + 1, n - hn - 1, err);
}

enum fc_rc config_check_server(const char *url, char *err)
{
	const char *auth;
	enum fc_rc rc;

	rc = url_chars(url, err);
	if (rc == FC_OK)
		rc = url_scheme(url, &auth, err);
	if (rc)
		return rc;
	if (strpbrk(url, "?#"))
		return url_bad(url,
		               "a query or fragment ('?', '#') is not allowed: the agent adds "
		               "its own path to the URL",
		               err);
	return url_authority(url, auth, strcspn(auth, "/"), err);
}
