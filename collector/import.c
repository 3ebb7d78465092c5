/* import.c - report files into the store, with the checks of a POST. */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "peer_ocs.h"
#include "platform.h"
#include "textesc.h"
#include "xalloc.h"

/* What kind of file st is, in words. */
static const char *kind_name(const struct stat *st)
{
	if (S_ISFIFO(st->st_mode))
		return "a FIFO";
	if (S_ISCHR(st->st_mode))
		return "a character device";
	if (S_ISBLK(st->st_mode))
		return "a block device";
	if (S_ISDIR(st->st_mode))
		return "a directory";
	if (S_ISSOCK(st->st_mode))
		return "a socket";
	return "an unusual file";
}

/* Opens path for reading without blocking and checks it is a file import
 * reads (see import.h). Returns the descriptor, or -1 with err set. */
static int open_input(const char *path, bool follow_symlinks, char *err)
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	bool link = false;
	struct stat st;
	int fd = open(path, flags | O_NOFOLLOW);

	if (fd < 0 && errno == ELOOP) { /* path itself is a symbolic link */
		link = true;
		fd = open(path, flags);
	}
	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, FC_ERRLEN, "cannot open: %s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, FC_ERRLEN, "%s%s, not a regular file: not read",
		         link ? "a symbolic link to " : "", kind_name(&st));
	} else if (link && !follow_symlinks && st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(err, FC_ERRLEN,
		         "a symbolic link to a file of another user (uid %lu): not followed "
		         "without --follow-symlinks",
		         (unsigned long)st.st_uid);
	} else if (plat_set_blocking(fd) != 0) {
		snprintf(err, FC_ERRLEN, "cannot open: %s", strerror(errno));
	} else {
		return fd;
	}
	(void)close(fd); /* read-only, nothing read */
	return -1;
}

enum fc_rc import_read(const char *path, bool follow_symlinks, struct buf *body, char *err)
{
	char rerr[FC_ERRLEN];
	int fd = strcmp(path, "-") ? open_input(path, follow_symlinks, err) : STDIN_FILENO;
	enum fc_rc rc;

	if (fd < 0)
		return FC_ENOENT;
	rc = plat_read_fd(fd, path, body->max, body, rerr);
	if (rc == FC_ELIMIT)
		snprintf(err, FC_ERRLEN, "larger than %zu bytes (--max-body)", body->max);
	else if (rc)
		snprintf(err, FC_ERRLEN, "cannot read: %s", strerror(errno));
	if (fd != STDIN_FILENO)
		(void)close(fd); /* read-only */
	return rc;
}

const char *import_outcome(const struct store_put_result *res)
{
	if (res->duplicate)
		return "duplicate";
	if (res->new_machine)
		return "new";
	return res->stale ? "stale" : "updated";
}

/* An OCS or FusionInventory XML inventory file (an INVENTORY request). */
static enum fc_rc import_ocs(const struct buf *body, const struct ingest_limits *lim,
                             struct ingest_report *rep, char *err)
{
	struct peer_ocs_msg msg = {.user_agent = ""};
	int status;
	enum fc_rc rc = peer_ocs_decode(body->ptr, body->len, lim, &msg, rep, &status, err);

	if (!rc && strcmp(msg.query, "INVENTORY")) {
		snprintf(err, FC_ERRLEN, "an OCS %s request, not an INVENTORY", msg.query);
		rc = FC_EPARSE;
	}
	return rc;
}

enum fc_rc import_one(struct store *st, int64_t org_id, const char *path,
                      const struct import_opts *o, struct store_put_result *res, bool *store_failed,
                      char *err)
{
	struct ingest_report rep;
	struct buf body;
	int status = 0;
	enum fc_rc rc;

	*store_failed = false;
	buf_init(&body, o->limits.max_body);
	ingest_report_init(&rep);
	rc = import_read(path, o->follow_symlinks, &body, err);
	if (rc)
		goto out_release;
	if (peer_ocs_sniff(body.ptr, body.len))
		rc = import_ocs(&body, &o->limits, &rep, err); /* an .ocs or .xml file */
	else
		rc = ingest_decode(buf_cstr(&body), body.len,
		                   body.len >= 2 && (unsigned char)body.ptr[0] == 0x1f &&
		                           (unsigned char)body.ptr[1] == 0x8b
		                       ? "gzip"
		                       : NULL,
		                   &o->limits, &rep, &status, err);
	if (rc) {
		rc = rc == FC_ELIMIT ? FC_ELIMIT : FC_EPARSE;
		goto out_release;
	}
	if (rep.software_unchanged) {
		snprintf(err, FC_ERRLEN,
		         "a short report (content.fleetcensus.software_unchanged is true) has no "
		         "software list: import the agent's full report (--output files are "
		         "always full)");
		rc = FC_EPARSE;
		goto out_release;
	}
	rc = store_put_report(st, org_id, &rep, (int64_t)time(NULL), res, err);
	if (rc)
		*store_failed = true;
out_release:
	ingest_report_release(&rep);
	buf_release(&body);
	return rc;
}

void import_files(struct store *st, int64_t org_id, char *const *paths, int n,
                  const struct import_opts *o, FILE *out, struct import_result *res)
{
	struct store_put_result put;
	char err[FC_ERRLEN];
	bool store_failed = false;
	enum fc_rc rc;
	int i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < n && !store_failed; i++) {
		err[0] = '\0';
		rc = import_one(st, org_id, paths[i], o, &put, &store_failed, err);
		if (rc == FC_OK) {
			if (out)
				textesc_printf(out, "%s: machine %s (%s)", paths[i], put.machine,
				               import_outcome(&put));
			res->stored++;
			continue;
		}
		LOG_ERR("%s: %s", paths[i], err);
		res->failed++;
		if (res->rc == FC_OK) {
			res->rc = rc;
			res->store_failed = store_failed;
		}
	}
}

/* True for a name import DIR takes: *.json or *.json.gz, not hidden (the
 * names the agent's --relay takes). */
static bool report_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	return (n > 5 && !strcmp(name + n - 5, ".json")) ||
	       (n > 8 && !strcmp(name + n - 8, ".json.gz"));
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's report files, sorted, to l. */
static enum fc_rc list_dir(const char *dir, struct import_list *l, char *err)
{
	struct plat_dir *d = plat_opendir(dir);
	const char *name;
	struct stat st;
	size_t first = l->n, len;
	char *path;

	if (!d) {
		snprintf(err, FC_ERRLEN, "cannot read the directory '%s': %s", dir,
		         strerror(errno));
		return errno == ENOENT ? FC_ENOENT : FC_EIO;
	}
	while ((name = plat_readdir(d)) != NULL) {
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		len = strlen(dir) + strlen(name) + 2;
		path = xmalloc(len);
		snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
		if (!report_name(name) || plat_lstat(path, &st) != 0 ||
		    (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))) {
			LOG_WARN("skipped '%s': not a report file (*.json or *.json.gz)%s", path,
			         report_name(name) ? ", not a regular file" : "");
			free(path);
			continue;
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 16;
			l->paths = xrealloc(l->paths, l->cap * sizeof(*l->paths));
		}
		l->paths[l->n++] = path;
	}
	plat_closedir(d);
	if (l->n > first)
		qsort(l->paths + first, l->n - first, sizeof(*l->paths), cmp_paths);
	else
		LOG_WARN("'%s': no report files (*.json or *.json.gz)", dir);
	return FC_OK;
}

enum fc_rc import_list_make(char *const *args, int n, struct import_list *l, char *err)
{
	struct stat st;
	enum fc_rc rc;
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < n; i++) {
		if (strcmp(args[i], "-") && plat_stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = list_dir(args[i], l, err);
			if (rc) {
				import_list_release(l);
				return rc;
			}
			continue;
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 16;
			l->paths = xrealloc(l->paths, l->cap * sizeof(*l->paths));
		}
		l->paths[l->n++] = xstrdup(args[i]);
	}
	return FC_OK;
}

void import_list_release(struct import_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	memset(l, 0, sizeof(*l));
}
