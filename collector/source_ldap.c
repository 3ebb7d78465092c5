/* source_ldap.c - ldap: the computers of Active Directory read straight
 * from a domain controller with OpenLDAP's libldap (docs/imports.md): TLS
 * (LDAPS or StartTLS) always, a simple bind with a password from a file,
 * the paged results control, each entry turned into the same sighting as
 * an ad-csv row (source_ad_fill). */
#define LDAP_DEPRECATED 0
#include <errno.h>
#include <fcntl.h>
#include <lber.h>
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "source_int.h"
#include "utf8.h"
#include "xalloc.h"

#define LDAP_PAGE_SIZE 500
#define LDAP_MAX_PASSWORD 1024
#define LDAP_NET_TIMEOUT 15 /* seconds to connect */
#define LDAP_OP_TIMEOUT 120 /* seconds for one operation */
/* A server that keeps answering with empty pages is stopped. */
#define LDAP_MAX_PAGES (SOURCE_MAX_ROWS / 10)

/* The attributes read, with the ad-csv column each becomes. */
static const struct {
	const char *attr, *col;
} ldap_cols[] = {
    {"cn", "Name"},
    {"dNSHostName", "DNSHostName"},
    {"operatingSystem", "OperatingSystem"},
    {"operatingSystemVersion", "OperatingSystemVersion"},
    {"operatingSystemServicePack", "OperatingSystemServicePack"},
    {"userAccountControl", "Enabled"},
    {"lastLogonTimestamp", "lastLogonTimestamp"},
    {"whenCreated", "whenCreated"},
    {"objectGUID", "ObjectGUID"},
};
#define LDAP_NCOLS (sizeof(ldap_cols) / sizeof(ldap_cols[0]))

/* One entry: its values by ldap_cols index, and its DN. */
struct ldap_entry {
	char *val[LDAP_NCOLS];
	char *dn;
};

static const char *entry_get(void *ctx, const char *col)
{
	struct ldap_entry *e = ctx;
	size_t i;

	if (!strcmp(col, "DistinguishedName"))
		return e->dn;
	for (i = 0; i < LDAP_NCOLS; i++)
		if (!strcmp(ldap_cols[i].col, col))
			return e->val[i];
	return "";
}

static void dc_entry_release(struct ldap_entry *e)
{
	size_t i;

	for (i = 0; i < LDAP_NCOLS; i++)
		FREE_AND_NULL(e->val[i]);
	FREE_AND_NULL(e->dn);
}

/* The server's error for rc: "TEXT (DIAGNOSTIC)" into out. */
static void dc_why(LDAP *ld, int rc, char *out, size_t size)
{
	char *diag = NULL;

	if (ld)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (diag && *diag && !strstr(diag, "unknown error code"))
		snprintf(out, size, "%s (%.200s)", ldap_err2string(rc), diag);
	else
		snprintf(out, size, "%s", ldap_err2string(rc));
	ldap_memfree(diag);
}

/* The first line of the password file path into pw (LDAP_MAX_PASSWORD + 1
 * bytes). The file must be a regular file only its owner can read. */
static enum fc_rc read_password(const char *path, char *pw, char *err)
{
	char buf[LDAP_MAX_PASSWORD + 2];
	enum fc_rc rc = FC_OK;
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "--ldap-password-file %s: %s", path, strerror(errno));
		return errno == ENOENT ? FC_ENOENT : FC_ECONFIG;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, FC_ERRLEN, "--ldap-password-file %s: not a regular file", path);
		rc = FC_ECONFIG;
		goto out_close;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, FC_ERRLEN,
		         "--ldap-password-file %s: readable or writable by others than its owner "
		         "(mode %03o; chmod 600 it)",
		         path, (unsigned)(st.st_mode & 0777));
		rc = FC_ECONFIG;
		goto out_close;
	}
	while (len < sizeof(buf) - 1) {
		got = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, FC_ERRLEN, "--ldap-password-file %s: %s", path,
			         strerror(errno));
			rc = FC_ECONFIG;
			goto out_close;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	buf[len] = '\0';
	len = strcspn(buf, "\r\n");
	if (len > LDAP_MAX_PASSWORD || memchr(buf, '\0', len)) {
		snprintf(err, FC_ERRLEN, "--ldap-password-file %s: %s", path,
		         len > LDAP_MAX_PASSWORD ? "first line longer than 1024 bytes"
		                                 : "a NUL byte in the password");
		rc = FC_ECONFIG;
	} else if (!len) {
		snprintf(err, FC_ERRLEN, "--ldap-password-file %s: the first line is empty", path);
		rc = FC_ECONFIG;
	} else {
		memcpy(pw, buf, len);
		pw[len] = '\0';
	}
	explicit_bzero(buf, sizeof(buf));
out_close:
	close(fd);
	return rc;
}

/* objectGUID's 16 bytes in the .NET string form (reference 1.4). */
static void guid_string(const unsigned char *b, char *out, size_t size)
{
	snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

/* Attribute i's first value of entry m into e->val[i]; "" when it has
 * none. err "what is wrong" (the caller adds where). */
static enum fc_rc entry_value(LDAP *ld, LDAPMessage *m, size_t i, struct ldap_entry *e, char *err)
{
	struct berval **v = ldap_get_values_len(ld, m, ldap_cols[i].attr);
	const char *col = ldap_cols[i].col;
	enum fc_rc rc = FC_OK;
	char tmp[64];

	if (!v || !v[0]) {
		e->val[i] = xstrdup("");
		goto out_free;
	}
	if (!strcmp(col, "ObjectGUID")) {
		if (v[0]->bv_len != 16) {
			snprintf(err, FC_ERRLEN, "attribute objectGUID: %lu bytes, not 16",
			         (unsigned long)v[0]->bv_len);
			rc = FC_EPARSE;
			goto out_free;
		}
		guid_string((const unsigned char *)v[0]->bv_val, tmp, sizeof(tmp));
		e->val[i] = xstrdup(tmp);
		goto out_free;
	}
	if (v[0]->bv_len > SOURCE_MAX_FIELD || memchr(v[0]->bv_val, '\0', v[0]->bv_len) ||
	    !utf8_valid(v[0]->bv_val, v[0]->bv_len)) {
		snprintf(err, FC_ERRLEN, "attribute %s: %s", ldap_cols[i].attr,
		         v[0]->bv_len > SOURCE_MAX_FIELD ? "value longer than 4096 bytes"
		                                         : "not UTF-8 text");
		rc = FC_EPARSE;
		goto out_free;
	}
	if (!strcmp(col, "Enabled")) {
		char num[16], *end;
		long long uac;

		if (v[0]->bv_len >= sizeof(num)) {
			snprintf(err, FC_ERRLEN, "attribute userAccountControl: not a number");
			rc = FC_EPARSE;
			goto out_free;
		}
		memcpy(num, v[0]->bv_val, v[0]->bv_len);
		num[v[0]->bv_len] = '\0';
		errno = 0;
		uac = strtoll(num, &end, 10);
		if (errno || end == num || *end) {
			snprintf(err, FC_ERRLEN, "attribute userAccountControl: not a number");
			rc = FC_EPARSE;
			goto out_free;
		}
		e->val[i] = xstrdup(uac & 0x2 ? "False" : "True"); /* ACCOUNTDISABLE */
		goto out_free;
	}
	e->val[i] = xmalloc(v[0]->bv_len + 1);
	memcpy(e->val[i], v[0]->bv_val, v[0]->bv_len);
	e->val[i][v[0]->bv_len] = '\0';
out_free:
	ldap_value_free_len(v);
	return rc;
}

/* One search result entry m into a new row of out. */
static enum fc_rc add_entry(LDAP *ld, LDAPMessage *m, const char *url, struct source_rows *out,
                            char *err)
{
	struct ldap_entry e;
	char why[FC_ERRLEN] = "";
	const char *col = NULL;
	enum fc_rc rc = FC_OK;
	char *dn = ldap_get_dn(ld, m);
	size_t i;

	memset(&e, 0, sizeof(e));
	if (!dn || strlen(dn) > SOURCE_MAX_FIELD || !utf8_valid(dn, strlen(dn))) {
		snprintf(err, FC_ERRLEN, "%s: an entry with %s", url,
		         dn ? "a DN too long or not UTF-8" : "no DN");
		ldap_memfree(dn);
		return FC_EPARSE;
	}
	e.dn = xstrdup(dn);
	ldap_memfree(dn);
	for (i = 0; !rc && i < LDAP_NCOLS; i++)
		rc = entry_value(ld, m, i, &e, why);
	if (!rc && source_ad_fill(entry_get, &e, SOURCE_DATE_UNSET,
	                          source_rows_add(out, (long)out->n + 1), &col, why)) {
		for (i = 0; i < LDAP_NCOLS && strcmp(ldap_cols[i].col, col); i++)
			;
		rc = FC_EPARSE;
		snprintf(err, FC_ERRLEN, "%s: %.1024s: attribute %s: %s", url, e.dn,
		         i < LDAP_NCOLS ? ldap_cols[i].attr : col, why);
	} else if (rc) {
		snprintf(err, FC_ERRLEN, "%s: %.1024s: %s", url, e.dn, why);
	}
	dc_entry_release(&e);
	return rc;
}

/* Connects to o->url over TLS and binds. */
static enum fc_rc dc_connect(const struct source_ldap_opts *o, const char *pw, LDAP **out,
                             char *err)
{
	struct timeval net = {LDAP_NET_TIMEOUT, 0}, op = {LDAP_OP_TIMEOUT, 0};
	int version = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0, lrc;
	struct berval cred;
	char why[512];
	LDAP *ld = NULL;

	*out = NULL;
	lrc = ldap_initialize(&ld, o->url);
	if (lrc != LDAP_SUCCESS) {
		snprintf(err, FC_ERRLEN, "--ldap-url %s: %s", o->url, ldap_err2string(lrc));
		return FC_EUSAGE;
	}
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &net) ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &op) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) ||
	    (o->ca_file && ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, o->ca_file))) {
		snprintf(err, FC_ERRLEN, "%s: cannot set the LDAP options", o->url);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return FC_ECONFIG;
	}
	lrc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	if (lrc != LDAP_SUCCESS) {
		dc_why(ld, lrc, why, sizeof(why));
		snprintf(err, FC_ERRLEN, "%s: TLS setup (--ldap-ca %s): %s", o->url,
		         o->ca_file ? o->ca_file : "system default", why);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return FC_ECONFIG;
	}
	if (o->starttls) {
		lrc = ldap_start_tls_s(ld, NULL, NULL);
		if (lrc != LDAP_SUCCESS) {
			dc_why(ld, lrc, why, sizeof(why));
			snprintf(err, FC_ERRLEN, "%s: StartTLS failed: %s", o->url, why);
			ldap_unbind_ext_s(ld, NULL, NULL);
			return FC_ENET;
		}
	}
	cred.bv_val = (char *)pw;
	cred.bv_len = strlen(pw);
	lrc = ldap_sasl_bind_s(ld, o->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	if (lrc != LDAP_SUCCESS) {
		dc_why(ld, lrc, why, sizeof(why));
		snprintf(
		    err, FC_ERRLEN, "%s: bind as '%.300s' failed: %s%s", o->url, o->bind_dn, why,
		    lrc == LDAP_SERVER_DOWN || lrc == LDAP_CONNECT_ERROR
		        ? " (no answer, or TLS failed: is the server's certificate for this host "
		          "name and signed by a CA of --ldap-ca?)"
		        : "");
		ldap_unbind_ext_s(ld, NULL, NULL);
		return lrc == LDAP_SERVER_DOWN || lrc == LDAP_CONNECT_ERROR || lrc == LDAP_TIMEOUT
		           ? FC_ENET
		           : FC_ECONFIG;
	}
	*out = ld;
	return FC_OK;
}

/* The cookie of the paged results control in the result res (NULL at the
 * end). */
static enum fc_rc page_cookie(LDAP *ld, LDAPMessage *res, const char *url, struct berval **cookie,
                              char *err)
{
	LDAPControl **ctrls = NULL, *c;
	struct berval next = {0, NULL};
	ber_int_t count = 0;
	int lrc, code = LDAP_SUCCESS;
	char why[512];

	*cookie = NULL;
	lrc = ldap_parse_result(ld, res, &code, NULL, NULL, NULL, &ctrls, 0);
	if (lrc != LDAP_SUCCESS || code != LDAP_SUCCESS) {
		dc_why(ld, lrc != LDAP_SUCCESS ? lrc : code, why, sizeof(why));
		snprintf(err, FC_ERRLEN, "%s: search failed: %s", url, why);
		ldap_controls_free(ctrls);
		return FC_ENET;
	}
	c = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
	if (c && ldap_parse_pageresponse_control(ld, c, &count, &next) == LDAP_SUCCESS &&
	    next.bv_len > 0)
		*cookie = ber_bvdup(&next);
	ber_memfree(next.bv_val);
	ldap_controls_free(ctrls);
	return FC_OK;
}

enum fc_rc source_ldap_read(const struct source_ldap_opts *o, struct sighting **rows, size_t *n,
                            char *err)
{
	const char *attrs[LDAP_NCOLS + 1];
	const char *filter = o->filter ? o->filter : "(objectCategory=computer)";
	struct source_rows r = {NULL, 0, 0};
	struct timeval op = {LDAP_OP_TIMEOUT, 0};
	struct berval *cookie = NULL;
	char pw[LDAP_MAX_PASSWORD + 1], why[512];
	enum fc_rc rc = FC_OK;
	LDAP *ld = NULL;
	long pages = 0;
	size_t i;

	*rows = NULL;
	*n = 0;
	for (i = 0; i < LDAP_NCOLS; i++)
		attrs[i] = ldap_cols[i].attr;
	attrs[LDAP_NCOLS] = NULL;
	if (strncasecmp(o->url, "ldaps://", 8) &&
	    !(o->starttls && !strncasecmp(o->url, "ldap://", 7))) {
		snprintf(err, FC_ERRLEN,
		         "--ldap-url %s: ldaps://HOST[:PORT], or ldap://HOST[:PORT] with "
		         "--ldap-starttls (a password is never sent in clear)",
		         o->url);
		return FC_EUSAGE;
	}
	rc = read_password(o->password_file, pw, err);
	if (rc)
		return rc;
	rc = dc_connect(o, pw, &ld, err);
	explicit_bzero(pw, sizeof(pw));
	if (rc)
		return rc;
	do {
		LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL};
		LDAPMessage *res = NULL, *m;
		int lrc;

		lrc = ldap_create_page_control(ld, LDAP_PAGE_SIZE, cookie, 1, &page);
		if (lrc != LDAP_SUCCESS) {
			snprintf(err, FC_ERRLEN, "%s: paged results control: %s", o->url,
			         ldap_err2string(lrc));
			rc = FC_ENET;
			break;
		}
		ctrls[0] = page;
		lrc = ldap_search_ext_s(ld, o->base, LDAP_SCOPE_SUBTREE, filter, (char **)attrs, 0,
		                        ctrls, NULL, &op, 0, &res);
		ldap_control_free(page);
		ber_bvfree(cookie);
		cookie = NULL;
		if (lrc != LDAP_SUCCESS) {
			dc_why(ld, lrc, why, sizeof(why));
			snprintf(err, FC_ERRLEN, "%s: search of '%.300s' for %.300s failed: %s",
			         o->url, o->base, filter, why);
			ldap_msgfree(res);
			rc = lrc == LDAP_FILTER_ERROR || lrc == LDAP_NO_SUCH_OBJECT ||
			             lrc == LDAP_INVALID_DN_SYNTAX
			         ? FC_EUSAGE
			         : FC_ENET;
			break;
		}
		for (m = ldap_first_entry(ld, res); !rc && m; m = ldap_next_entry(ld, m)) {
			if (r.n == SOURCE_MAX_ROWS) {
				snprintf(err, FC_ERRLEN, "%s: more than %d entries", o->url,
				         SOURCE_MAX_ROWS);
				rc = FC_ELIMIT;
			} else {
				rc = add_entry(ld, m, o->url, &r, err);
			}
		}
		if (!rc)
			rc = page_cookie(ld, res, o->url, &cookie, err);
		ldap_msgfree(res);
		if (!rc && cookie && ++pages > LDAP_MAX_PAGES) {
			snprintf(err, FC_ERRLEN, "%s: more than %d pages", o->url, LDAP_MAX_PAGES);
			rc = FC_ELIMIT;
		}
	} while (!rc && cookie);
	ber_bvfree(cookie);
	ldap_unbind_ext_s(ld, NULL, NULL);
	if (rc) {
		source_rows_free(r.v, r.n);
		return rc;
	}
	*rows = r.v;
	*n = r.n;
	return FC_OK;
}
