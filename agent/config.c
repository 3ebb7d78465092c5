/* config.c - the agent's settings: command line and configuration file. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum fc_rc config_set(struct agent_opts *o, const char *name, const char *value, char *err)
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
			snprintf(err, FC_ERRLEN, "'%s' needs a value", name);
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
			snprintf(err, FC_ERRLEN, "'timeout' must be 1 to %d seconds, not '%s'",
			         CONFIG_MAX_TIMEOUT, value);
		else if (!strcmp(name, "splay"))
			snprintf(err, FC_ERRLEN, "'splay' must be 0 to %d seconds, not '%s'",
			         CONFIG_MAX_SPLAY, value);
		else
			snprintf(err, FC_ERRLEN, "'%s' must be true or false, not '%s'", name,
			         value);
	}
	return rc;
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
