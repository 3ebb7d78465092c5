/* relay.c - send report files found in a directory (see relay.h). Files and
 * directories through platform.h, so that it works on Windows too (UTF-8
 * paths, FindFirstFileW). */
#include "relay.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "buf.h"
#include "gzip.h"
#include "log.h"
#include "platform.h"
#include "xalloc.h"

#define RELAY_PATH_MAX 4096

struct relay_entry {
	char *name; /* file name in the directory */
	char *machine; /* identity: "machine_id X", "agent_id X" or "deviceid X" */
	char at[40]; /* collected_at, "" when unknown (oldest) */
	bool gz;
};

struct relay_list {
	struct relay_entry *e;
	size_t n, cap;
};

static bool relay_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

static enum fc_rc relay_path(char *path, const char *dir, const char *name, const char *suffix)
{
	size_t len = strlen(dir);
	const char *sep = len && plat_is_dirsep(dir[len - 1]) ? "" : "/";
	int n = snprintf(path, RELAY_PATH_MAX, "%s%s%s%s", dir, sep, name, suffix);

	if (n < 0 || n >= RELAY_PATH_MAX) {
		LOG_WARN("path '%s/%s%s' is too long", dir, name, suffix);
		return FC_ELIMIT;
	}
	return FC_OK;
}

/* Reads the file at path, at most RELAY_MAX_FILE bytes, into out. */
static enum fc_rc relay_load(const char *path, struct buf *out, char *err)
{
	char chunk[16384];
	FILE *f = plat_fopen(path, "rb");
	enum fc_rc rc = FC_OK;
	size_t got;

	buf_reset(out);
	if (!f) {
		snprintf(err, FC_ERRLEN, "cannot open '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(out, chunk, got)) {
			snprintf(err, FC_ERRLEN, "larger than %zu bytes", RELAY_MAX_FILE);
			rc = FC_ELIMIT;
			break;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(errno));
		rc = FC_EIO;
	}
	fclose(f);
	return rc;
}

/* Finds the machine and the collection time of the report in json; err says
 * why it is not a report. */
static enum fc_rc relay_identify(const struct buf *json, struct relay_entry *e, char *err)
{
	cJSON *doc = cJSON_ParseWithLength(buf_cstr(json), json->len);
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(doc, "content");
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(content, "fleetcensus");
	const cJSON *dev = cJSON_GetObjectItemCaseSensitive(doc, "deviceid");
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(ext, "collected_at");
	static const char *const keys[] = {"machine_id", "agent_id"};
	const cJSON *id = NULL;
	struct buf key;
	size_t i;

	if (!cJSON_IsObject(doc) || !cJSON_IsObject(content) || !cJSON_IsString(dev) ||
	    !*dev->valuestring) {
		snprintf(err, FC_ERRLEN, "not a report: %s",
		         !doc                   ? "not JSON"
		         : !cJSON_IsObject(doc) ? "not a JSON object"
		         : !cJSON_IsString(dev) ? "no deviceid"
		         : !*dev->valuestring   ? "empty deviceid"
		                                : "no content object");
		cJSON_Delete(doc);
		return FC_EPARSE;
	}
	buf_init(&key, 1024);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !id; i++) {
		id = cJSON_GetObjectItemCaseSensitive(ext, keys[i]);
		if (!cJSON_IsString(id) || !*id->valuestring)
			id = NULL;
		else if (buf_printf(&key, "%s %s", keys[i], id->valuestring))
			id = NULL;
	}
	if (!id && buf_printf(&key, "deviceid %s", dev->valuestring)) {
		snprintf(err, FC_ERRLEN, "not a report: identity longer than 1 KiB");
		cJSON_Delete(doc);
		return FC_EPARSE;
	}
	e->machine = buf_take(&key, NULL);
	snprintf(e->at, sizeof(e->at), "%s", cJSON_IsString(at) ? at->valuestring : "");
	cJSON_Delete(doc);
	return FC_OK;
}

/* Reads dir/name and checks it is a report; fills e or err. */
static enum fc_rc relay_examine(const char *dir, struct relay_entry *e, char *err)
{
	char path[RELAY_PATH_MAX];
	struct buf raw, json;
	enum fc_rc rc;

	if (relay_path(path, dir, e->name, ""))
		return FC_ELIMIT;
	buf_init(&raw, RELAY_MAX_FILE);
	buf_init(&json, RELAY_MAX_JSON);
	rc = relay_load(path, &raw, err);
	if (!rc && e->gz) {
		rc = gzip_decompress(raw.ptr, raw.len, RELAY_MAX_JSON, &json, err);
		buf_release(&raw);
	} else if (!rc) {
		json = raw;
		buf_init(&raw, RELAY_MAX_FILE);
	}
	if (!rc)
		rc = relay_identify(&json, e, err);
	buf_release(&raw);
	buf_release(&json);
	return rc;
}

/* Creates dir/RELAY_REJECTED if missing. */
static enum fc_rc relay_mkdir(const char *path)
{
	if (plat_mkdir(path, 0755) != 0 && errno != EEXIST) {
		LOG_WARN("cannot create directory '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	return FC_OK;
}

/* Moves dir/name to dir/rejected/name and writes the reason next to it.
 * Returns false (the file stays) when it cannot be moved. */
static bool relay_reject(const char *dir, const char *name, const char *reason)
{
	char sub[RELAY_PATH_MAX], from[RELAY_PATH_MAX], to[RELAY_PATH_MAX], why[RELAY_PATH_MAX];
	FILE *f;

	if (relay_path(sub, dir, RELAY_REJECTED, "") || relay_path(from, dir, name, "") ||
	    relay_path(to, sub, name, "") || relay_path(why, sub, name, ".reason") ||
	    relay_mkdir(sub))
		return false;
	if (plat_replace(from, to) != 0) {
		LOG_WARN("cannot move '%s' to '%s': %s", from, to, strerror(errno));
		return false;
	}
	f = plat_fopen(why, "w");
	if (!f || fprintf(f, "%s\n", reason) < 0 || fclose(f) != 0) {
		LOG_WARN("cannot write '%s': %s", why, strerror(errno));
		if (f)
			(void)fclose(f); /* already reported */
	}
	LOG_WARN("rejected '%s' (moved to %s/): %s", from, sub, reason);
	return true;
}

/* Takes one directory entry: a report file is examined and listed, a bad
 * one rejected, anything else skipped. */
static void relay_take(const char *dir, const char *name, struct relay_list *l,
                       struct relay_counts *n)
{
	struct relay_entry e = {0};
	char path[RELAY_PATH_MAX], err[FC_ERRLEN];
	struct stat st;

	if (name[0] == '.' || relay_path(path, dir, name, "") || plat_stat(path, &st) != 0 ||
	    S_ISDIR(st.st_mode))
		return;
	e.gz = relay_ends_with(name, ".json.gz");
	if (!S_ISREG(st.st_mode) || (!e.gz && !relay_ends_with(name, ".json"))) {
		LOG_WARN("skipped '%s': not a report file (*.json or *.json.gz)", path);
		n->skipped++;
		return;
	}
	if (l->n >= RELAY_MAX_FILES) {
		n->kept++;
		return;
	}
	e.name = xstrdup(name);
	err[0] = '\0';
	if ((unsigned long long)st.st_size > RELAY_MAX_FILE) {
		snprintf(err, FC_ERRLEN, "larger than %zu bytes", RELAY_MAX_FILE);
	} else if (relay_examine(dir, &e, err) == FC_OK) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 64;
			l->e = xrealloc(l->e, l->cap * sizeof(*l->e));
		}
		l->e[l->n++] = e;
		return;
	}
	if (relay_reject(dir, name, err))
		n->rejected++;
	else
		n->kept++;
	free(e.name);
}

/* Lists the report files of dir into l. */
static enum fc_rc relay_scan(const char *dir, struct relay_list *l, struct relay_counts *n)
{
	struct plat_dir *d = plat_opendir(dir);
	const char *name;

	if (!d) {
		LOG_ERR("cannot read directory '%s': %s", dir, strerror(errno));
		return FC_EIO;
	}
	while ((name = plat_readdir(d)) != NULL)
		relay_take(dir, name, l, n);
	plat_closedir(d);
	return FC_OK;
}

/* Machine first, then the newest first, then by name. */
static int relay_cmp(const void *pa, const void *pb)
{
	const struct relay_entry *a = pa, *b = pb;
	int c = strcmp(a->machine, b->machine);

	if (!c)
		c = strcmp(b->at, a->at);
	return c ? c : strcmp(a->name, b->name);
}

/* Sends one report file; the body is the file itself when gzip, else its
 * gzip compression. */
static enum fc_rc relay_send(const char *dir, const struct relay_entry *e,
                             const struct send_opts *so, struct send_result *res)
{
	char path[RELAY_PATH_MAX], err[FC_ERRLEN];
	struct send_body body = {NULL, NULL, NULL, 0};
	struct buf raw, gz;
	enum fc_rc rc;

	snprintf(res->message, sizeof(res->message), "cannot be read");
	if (relay_path(path, dir, e->name, ""))
		return FC_EIO;
	buf_init(&raw, RELAY_MAX_FILE);
	buf_init(&gz, RELAY_MAX_FILE);
	rc = relay_load(path, &raw, err);
	if (!rc && !e->gz)
		rc = gzip_compress(raw.ptr, raw.len, &gz);
	body.data = e->gz ? raw.ptr : gz.ptr;
	body.len = e->gz ? raw.len : gz.len;
	if (rc)
		snprintf(res->message, sizeof(res->message), "%s", err);
	else
		rc = send_report_backoff(so, &body, res);
	buf_release(&raw);
	buf_release(&gz);
	return rc;
}

/* Removes dir/name; false when it cannot. */
static bool relay_remove(const char *dir, const char *name)
{
	char path[RELAY_PATH_MAX];

	if (relay_path(path, dir, name, ""))
		return false;
	if (plat_unlink(path) != 0) {
		LOG_WARN("cannot remove '%s': %s", path, strerror(errno));
		return false;
	}
	return true;
}

/* Sends the reports of one machine, l->e[from..to), newest first, until one
 * is delivered; the older ones are then removed. Returns FC_OK, or the
 * temporary failure that ends the run. */
static enum fc_rc relay_machine(const char *dir, const struct relay_list *l, size_t from, size_t to,
                                const struct send_opts *so, struct relay_counts *n)
{
	struct send_result res;
	enum fc_rc rc;
	size_t i;

	for (i = from; i < to; i++) {
		rc = relay_send(dir, &l->e[i], so, &res);
		if (rc == FC_OK) {
			LOG_INFO("delivered '%s/%s': %s", dir, l->e[i].name, res.message);
			n->sent++;
			if (!relay_remove(dir, l->e[i].name))
				n->kept++;
			break;
		}
		if (rc == FC_EREFUSED && relay_reject(dir, l->e[i].name, res.message)) {
			n->rejected++;
			continue;
		}
		LOG_ERR("not delivered '%s/%s', kept for the next run: %s", dir, l->e[i].name,
		        res.message);
		n->kept += (int)(to - i);
		return rc == FC_EREFUSED || rc == FC_EIO ? FC_EHTTP : rc;
	}
	for (i++; i < to; i++) {
		if (relay_remove(dir, l->e[i].name)) {
			LOG_INFO("removed '%s/%s': superseded by a newer report of its machine",
			         dir, l->e[i].name);
			n->superseded++;
		} else {
			n->kept++;
		}
	}
	return FC_OK;
}

enum fc_rc relay_run(const char *dir, const struct send_opts *so, struct relay_counts *n)
{
	struct relay_list l = {0};
	enum fc_rc rc;
	size_t i, j;

	memset(n, 0, sizeof(*n));
	rc = relay_scan(dir, &l, n);
	if (!rc && l.n > 1)
		qsort(l.e, l.n, sizeof(*l.e), relay_cmp);
	for (i = 0; !rc && i < l.n; i = j) {
		for (j = i + 1; j < l.n && !strcmp(l.e[j].machine, l.e[i].machine); j++)
			;
		rc = relay_machine(dir, &l, i, j, so, n);
		if (rc)
			for (; j < l.n; j++)
				n->kept++;
	}
	for (i = 0; i < l.n; i++) {
		free(l.e[i].name);
		free(l.e[i].machine);
	}
	free(l.e);
	if (!rc && n->rejected > 0)
		rc = FC_EREFUSED;
	return rc;
}
