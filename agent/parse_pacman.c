/* parse_pacman.c - parse one pacman local database desc file held in memory. */
#include "parse_pacman.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "textlines.h"
#include "xalloc.h"

enum pac_field { PAC_NAME, PAC_VERSION, PAC_ARCH, PAC_PACKAGER, PAC_NFIELDS };

static const char *const pac_headers[PAC_NFIELDS] = {"%NAME%", "%VERSION%", "%ARCH%", "%PACKAGER%"};

#define PAC_NONE (-1) /* between sections */
#define PAC_OTHER PAC_NFIELDS /* inside a section we do not read */
#define PAC_SLOT (PKG_MAX_FIELD + 1)

struct pac {
	const char *val[PAC_NFIELDS]; /* first value line of each section read */
	size_t vlen[PAC_NFIELDS];
	int section; /* PAC_NONE, PAC_OTHER or the enum pac_field being read */
	bool has_value; /* the current section has had a value line */
	size_t line; /* current line, from 1 */
	char *err;
};

/* Starts the section whose header is the line s (n bytes). */
static void pac_header(struct pac *p, const char *s, size_t n)
{
	int f;

	if (n < 3 || s[0] != '%' || s[n - 1] != '%') {
		LOG_DEBUG("pacman desc line %zu is not a %%SECTION%% header, skipped", p->line);
		return;
	}
	p->section = PAC_OTHER;
	p->has_value = false;
	for (f = 0; f < PAC_NFIELDS; f++)
		if (strlen(pac_headers[f]) == n && !memcmp(s, pac_headers[f], n))
			p->section = f;
}

static enum fc_rc pac_line(struct pac *p, const char *s, size_t n)
{
	if (n == 0) {
		p->section = PAC_NONE;
		return FC_OK;
	}
	if (p->section == PAC_NONE) {
		pac_header(p, s, n);
		return FC_OK;
	}
	if (p->section == PAC_OTHER || p->has_value)
		return FC_OK;
	if (n > PKG_MAX_FIELD) {
		snprintf(p->err, FC_ERRLEN, "line %zu: value of %s is longer than %d bytes",
		         p->line, pac_headers[p->section], PKG_MAX_FIELD);
		return FC_ELIMIT;
	}
	p->has_value = true;
	p->val[p->section] = s;
	p->vlen[p->section] = n;
	return FC_OK;
}

/* Copies field f into slot f of scratch and returns it. */
static const char *pac_get(const struct pac *p, char *scratch, int f)
{
	return textlines_cstr(scratch + (size_t)f * PAC_SLOT, p->val[f], p->vlen[f]);
}

static enum fc_rc pac_report(const struct pac *p, fc_pkg_cb cb, void *ctx)
{
	char *scratch = xmalloc(PAC_NFIELDS * (size_t)PAC_SLOT);
	struct fc_pkg pkg = {0};
	enum fc_rc rc;

	pkg.name = pac_get(p, scratch, PAC_NAME);
	pkg.version = pac_get(p, scratch, PAC_VERSION);
	pkg.arch = pac_get(p, scratch, PAC_ARCH);
	pkg.publisher = pac_get(p, scratch, PAC_PACKAGER);
	pkg.from = "pacman";
	rc = cb(&pkg, ctx);
	free(scratch);
	return rc;
}

enum fc_rc parse_pacman_desc(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err)
{
	struct pac p = {.section = PAC_NONE, .err = err};
	enum fc_rc rc = FC_OK;
	size_t pos = 0, n;
	const char *s;

	assert(cb && err && (buf || !len));
	err[0] = '\0';
	if (textlines_has_nul(buf, len, &p.line)) {
		snprintf(err, FC_ERRLEN, "line %zu: NUL byte (binary data, not a pacman desc file)",
		         p.line);
		return FC_EPARSE;
	}
	while (rc == FC_OK && textlines_next(buf, len, &pos, &s, &n)) {
		p.line++;
		rc = pac_line(&p, s, n);
	}
	if (rc)
		return rc;
	if (!p.vlen[PAC_NAME] || !p.vlen[PAC_VERSION]) {
		snprintf(err, FC_ERRLEN, "pacman desc has no %s",
		         !p.vlen[PAC_NAME] ? "%NAME%" : "%VERSION%");
		return FC_EPARSE;
	}
	return pac_report(&p, cb, ctx);
}
