/* outfile.c - writing an output file without harming what is there. */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "platform.h"
#include "xalloc.h"

/* The longest path accepted, temporary suffix included. */
#define OUTFILE_PATH_MAX 4096
#define OUTFILE_TMP_SUFFIX ".tmpXXXXXX"

static void outfile_clear(struct outfile *of)
{
	free(of->path);
	free(of->tmp);
	free(of->dir);
	memset(of, 0, sizeof(*of));
	of->fd = -1;
}

/* Sets of->dir to path's directory and of->tmp to "<dir>/.<base>.tmpXXXXXX"
 * (hidden, so that a reader of the directory passes it over). */
static enum fc_rc tmp_names(struct outfile *of, const char *path, char *err)
{
	size_t n = strlen(path), base = n, cap;

	while (base > 0 && !plat_is_dirsep(path[base - 1]))
		base--;
	if (n == base) {
		snprintf(err, FC_ERRLEN, "'%s' is a directory", path);
		return FC_EIO;
	}
	cap = n + 2 + sizeof(OUTFILE_TMP_SUFFIX);
	if (cap > OUTFILE_PATH_MAX) {
		snprintf(err, FC_ERRLEN, "'%s': name too long", path);
		return FC_ELIMIT;
	}
	of->tmp = xmalloc(cap);
	snprintf(of->tmp, cap, "%.*s.%s" OUTFILE_TMP_SUFFIX, (int)base, path, path + base);
	if (base == 0)
		of->dir = xstrdup(".");
	else
		of->dir = xstrndup(path, base > 1 ? base - 1 : 1);
	return FC_OK;
}

/* Opens path for writing where it is, without blocking on a FIFO nobody
 * reads. st: what stat found (a character device or FIFO), which it must
 * still be once open; NULL for a symbolic link, whose target is checked
 * once open: a regular file (truncated before the first write), a
 * character device or a FIFO, nothing else. */
static enum fc_rc open_in_place(struct outfile *of, const char *path, const struct stat *st,
                                char *err)
{
	struct stat now;
	int fd = plat_open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK, 0);

	if (fd < 0) {
		if (errno == ENXIO && (st || plat_stat(path, &now) == 0) &&
		    S_ISFIFO(st ? st->st_mode : now.st_mode))
			snprintf(err, FC_ERRLEN, "no process reads the FIFO '%s'; not written",
			         path);
		else
			snprintf(err, FC_ERRLEN, "cannot open '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	if (fstat(fd, &now) != 0 || (st && (now.st_dev != st->st_dev || now.st_ino != st->st_ino ||
	                                    (now.st_mode & S_IFMT) != (st->st_mode & S_IFMT)))) {
		snprintf(err, FC_ERRLEN, "'%s' changed while it was opened; not written", path);
		goto out_close;
	}
	if (!S_ISREG(now.st_mode) && !S_ISCHR(now.st_mode) && !S_ISFIFO(now.st_mode)) {
		snprintf(err, FC_ERRLEN,
		         "'%s' leads to what is not a regular file, character device or FIFO; "
		         "not written",
		         path);
		goto out_close;
	}
	if (plat_set_blocking(fd) != 0) {
		snprintf(err, FC_ERRLEN, "cannot open '%s': %s", path, strerror(errno));
		goto out_close;
	}
	of->fd = fd;
	of->in_place = true;
	of->truncate = S_ISREG(now.st_mode);
	of->path = xstrdup(path);
	return FC_OK;
out_close:
	(void)close(fd); /* nothing was written */
	return FC_EIO;
}

/* Truncates a regular file written in place before its first write. */
static enum fc_rc truncate_once(struct outfile *of, char *err)
{
	if (!of->truncate)
		return FC_OK;
	of->truncate = false;
	if (plat_truncate(of->fd) == 0)
		return FC_OK;
	snprintf(err, FC_ERRLEN, "cannot write '%s': %s", of->path, strerror(errno));
	return FC_EIO;
}

enum fc_rc outfile_open(struct outfile *of, const char *path, unsigned flags, char *err)
{
	struct stat st;
	bool exists;
	enum fc_rc rc;

	memset(of, 0, sizeof(*of));
	of->fd = -1;
	of->is_new = (flags & OUTFILE_NEW) != 0;
	if (!of->is_new && plat_lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return open_in_place(of, path, NULL, err);
	exists = plat_stat(path, &st) == 0;
	if (exists && of->is_new) {
		snprintf(err, FC_ERRLEN, "'%s' exists already; not overwritten", path);
		return FC_EEXIST;
	}
	if (exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		return open_in_place(of, path, &st, err);
	if (exists && S_ISDIR(st.st_mode)) {
		snprintf(err, FC_ERRLEN, "'%s' is a directory", path);
		return FC_EIO;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		snprintf(err, FC_ERRLEN,
		         "'%s' is not a regular file, character device or FIFO; not written", path);
		return FC_EIO;
	}
	of->mode = exists ? (int)(st.st_mode & 0777) : 0666 & ~plat_umask();
	rc = tmp_names(of, path, err);
	if (rc)
		goto out_clear;
	of->fd = plat_mkstemp(of->tmp);
	if (of->fd < 0) {
		snprintf(err, FC_ERRLEN, "cannot create '%s': %s", of->tmp, strerror(errno));
		rc = FC_EIO;
		goto out_clear;
	}
	of->path = xstrdup(path);
	return FC_OK;
out_clear:
	outfile_clear(of);
	return rc;
}

/* The name written to, for messages. */
static const char *written_name(const struct outfile *of)
{
	return of->tmp ? of->tmp : of->path;
}

enum fc_rc outfile_write(struct outfile *of, const void *data, size_t len, char *err)
{
	const char *p = data;
	ssize_t n;

	if (truncate_once(of, err))
		return FC_EIO;
	while (len) {
		n = write(of->fd, p, len > 1u << 30 ? 1u << 30 : len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, FC_ERRLEN, "cannot write '%s': %s", written_name(of),
			         n < 0 ? strerror(errno) : "nothing written");
			return FC_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return FC_OK;
}

FILE *outfile_stream(struct outfile *of, char *err)
{
	if (truncate_once(of, err))
		return NULL;
	if (!of->f) {
		of->f = fdopen(of->fd, of->in_place ? "wb" : "w+b");
		if (!of->f)
			snprintf(err, FC_ERRLEN, "cannot write '%s': %s", written_name(of),
			         strerror(errno));
	}
	return of->f;
}

/* Flushes and closes the file; for a temporary file, first its mode and
 * fsync. FC_OK or FC_EIO (err set). */
static enum fc_rc finish_file(struct outfile *of, char *err)
{
	bool ok = !of->f || fflush(of->f) == 0;

	if (ok && !of->in_place)
		ok = plat_set_mode(of->fd, of->mode) == 0 && plat_fsync(of->fd) == 0;
	if (!ok)
		snprintf(err, FC_ERRLEN, "cannot write '%s': %s", written_name(of),
		         strerror(errno));
	if ((of->f ? fclose(of->f) : close(of->fd)) != 0 && ok) {
		snprintf(err, FC_ERRLEN, "cannot write '%s': %s", written_name(of),
		         strerror(errno));
		ok = false;
	}
	of->f = NULL;
	of->fd = -1;
	return ok ? FC_OK : FC_EIO;
}

enum fc_rc outfile_commit(struct outfile *of, char *err)
{
	enum fc_rc rc = finish_file(of, err);

	if (rc || of->in_place)
		goto out;
	if (of->is_new && plat_rename_new(of->tmp, of->path) != 0) {
		if (errno == EEXIST) {
			snprintf(err, FC_ERRLEN, "'%s' exists already; not overwritten", of->path);
			rc = FC_EEXIST;
			goto out;
		}
		snprintf(err, FC_ERRLEN, "cannot rename '%s' to '%s': %s", of->tmp, of->path,
		         strerror(errno));
		rc = FC_EIO;
		goto out;
	}
	if (!of->is_new && plat_replace(of->tmp, of->path) != 0) {
		snprintf(err, FC_ERRLEN, "cannot rename '%s' to '%s': %s", of->tmp, of->path,
		         strerror(errno));
		rc = FC_EIO;
		goto out;
	}
	FREE_AND_NULL(of->tmp);
	if (plat_sync_dir(of->dir) != 0)
		LOG_WARN("cannot sync directory '%s': %s", of->dir, strerror(errno));
out:
	outfile_abort(of);
	return rc;
}

void outfile_abort(struct outfile *of)
{
	if (of->f)
		(void)fclose(of->f); /* given up: what it held is discarded */
	else if (of->fd >= 0)
		(void)close(of->fd); /* likewise */
	if (of->tmp)
		(void)plat_unlink(of->tmp); /* best effort: a hidden leftover only costs space */
	outfile_clear(of);
}

enum fc_rc outfile_save(const char *path, const void *data, size_t len, char *err)
{
	struct outfile of;
	enum fc_rc rc = outfile_open(&of, path, 0, err);

	if (rc)
		return rc;
	rc = outfile_write(&of, data, len, err);
	if (rc) {
		outfile_abort(&of);
		return rc;
	}
	return outfile_commit(&of, err);
}
