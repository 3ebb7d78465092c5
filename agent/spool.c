/* spool.c - the agent's state directory: the run lock and the spooled report. */
#include "spool.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "platform.h"
#include "xalloc.h"

#define SPOOL_DIR "spool"
#define SPOOL_FILE "report.json.gz"
#define SPOOL_TMP_PREFIX "." SPOOL_FILE "."
#define SPOOL_LOCK "lock"

/* Formats a message into err (FC_ERRLEN bytes); a long path is cut short. */
FC_PRINTF(2, 3)
static void spool_err(char *err, const char *fmt, ...);

static void spool_err(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, FC_ERRLEN, fmt, ap);
	va_end(ap);
}

/* Writes "<dir>/<name>" into path (SPOOL_PATH_MAX bytes). */
static enum fc_rc spool_path(char *path, const char *dir, const char *name, char *err)
{
	int n = snprintf(path, SPOOL_PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= SPOOL_PATH_MAX) {
		spool_err(err, "path '%s/%s' is too long", dir, name);
		return FC_ELIMIT;
	}
	return FC_OK;
}

enum fc_rc spool_mkdirs(const char *dir, char *err)
{
	char path[SPOOL_PATH_MAX];
	size_t n = strlen(dir), i;
	struct stat st;
	char c;

	if (n == 0 || n >= sizeof(path)) {
		spool_err(err, "bad directory name '%.200s'", dir);
		return n ? FC_ELIMIT : FC_EIO;
	}
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if ((path[i] != '/' && path[i] != '\0') || path[i - 1] == '/')
			continue;
		c = path[i];
		path[i] = '\0';
		if (plat_mkdir(path, 0700) != 0 && errno != EEXIST) {
			spool_err(err, "cannot create directory '%s': %s", path, strerror(errno));
			return FC_EIO;
		}
		path[i] = c;
	}
	if (plat_stat(dir, &st) != 0) {
		spool_err(err, "cannot create directory '%s': %s", dir, strerror(errno));
		return FC_EIO;
	}
	if (!S_ISDIR(st.st_mode)) {
		spool_err(err, "'%s' exists and is not a directory", dir);
		return FC_EIO;
	}
	return FC_OK;
}

enum fc_rc spool_lock(const char *state_dir, int *fd, char *err)
{
	char path[SPOOL_PATH_MAX];
	enum fc_rc rc;
	int lfd;

	*fd = -1;
	rc = spool_path(path, state_dir, SPOOL_LOCK, err);
	if (rc)
		return rc;
	lfd = plat_open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
	if (lfd < 0) {
		spool_err(err, "cannot open lock file '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	if (plat_lock(lfd) != 0) {
		if (errno == EWOULDBLOCK) {
			spool_err(err, "another agent run holds the lock '%s'", path);
			rc = FC_ELOCKED;
		} else {
			spool_err(err, "cannot lock '%s': %s", path, strerror(errno));
			rc = FC_EIO;
		}
		close(lfd);
		return rc;
	}
	*fd = lfd;
	return FC_OK;
}

void spool_unlock(int fd)
{
	if (fd >= 0)
		(void)close(fd); /* closing releases the flock; nothing to recover */
}

/* Removes temporary files that an interrupted spool_put left in dir. */
static void spool_sweep(const char *dir)
{
	char path[SPOOL_PATH_MAX];
	char unused[FC_ERRLEN];
	struct plat_dir *d = plat_opendir(dir);
	const char *name;

	if (!d)
		return;
	while ((name = plat_readdir(d)) != NULL) {
		if (strncmp(name, SPOOL_TMP_PREFIX, strlen(SPOOL_TMP_PREFIX)) != 0)
			continue;
		if (spool_path(path, dir, name, unused) == FC_OK)
			(void)plat_unlink(path); /* best effort: a leftover only costs space */
	}
	plat_closedir(d);
}

static enum fc_rc spool_write_all(int fd, const char *path, const void *data, size_t len, char *err)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			spool_err(err, "cannot write '%s': %s", path, strerror(errno));
			return FC_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	if (plat_fsync(fd) != 0) {
		spool_err(err, "cannot sync '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	return FC_OK;
}

/* Makes a rename inside dir durable. */
static enum fc_rc spool_sync_dir(const char *dir, char *err)
{
	if (plat_sync_dir(dir) != 0) {
		spool_err(err, "cannot sync directory '%s': %s", dir, strerror(errno));
		return FC_EIO;
	}
	return FC_OK;
}

/* Writes data to a new temporary file in dir and renames it to final. */
static enum fc_rc spool_replace(const char *dir, const char *final, const void *data, size_t len,
                                char *err)
{
	char tmp[SPOOL_PATH_MAX];
	enum fc_rc rc;
	int fd;

	rc = spool_path(tmp, dir, SPOOL_TMP_PREFIX "XXXXXX", err);
	if (rc)
		return rc;
	fd = plat_mkstemp(tmp);
	if (fd < 0) {
		spool_err(err, "cannot create a file in '%s': %s", dir, strerror(errno));
		return FC_EIO;
	}
	rc = spool_write_all(fd, tmp, data, len, err);
	if (close(fd) != 0 && !rc) {
		spool_err(err, "cannot write '%s': %s", tmp, strerror(errno));
		rc = FC_EIO;
	}
	if (!rc && plat_replace(tmp, final) != 0) {
		spool_err(err, "cannot rename '%s' to '%s': %s", tmp, final, strerror(errno));
		rc = FC_EIO;
	}
	if (rc)
		(void)plat_unlink(tmp); /* best effort; spool_sweep removes it later */
	return rc;
}

enum fc_rc spool_put(const char *state_dir, const void *gz, size_t len, char *err)
{
	char dir[SPOOL_PATH_MAX], final[SPOOL_PATH_MAX];
	enum fc_rc rc;

	assert(gz || len == 0);
	if (len > SPOOL_MAX) {
		spool_err(err, "report of %zu bytes is larger than the spool limit %zu", len,
		          SPOOL_MAX);
		return FC_ELIMIT;
	}
	rc = spool_path(dir, state_dir, SPOOL_DIR, err);
	if (!rc)
		rc = spool_path(final, dir, SPOOL_FILE, err);
	if (!rc)
		rc = spool_mkdirs(dir, err);
	if (rc)
		return rc;
	spool_sweep(dir);
	rc = spool_replace(dir, final, gz, len, err);
	if (rc)
		return rc;
	return spool_sync_dir(dir, err);
}

/* Reads the open regular file fd (path) into out, at most SPOOL_MAX bytes. */
static enum fc_rc spool_read_fd(int fd, const char *path, struct buf *out, char *err)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			spool_err(err, "cannot read '%s': %s", path, strerror(errno));
			return FC_EIO;
		}
		if (n == 0)
			return FC_OK;
		if (out->len + (size_t)n > SPOOL_MAX || buf_add(out, chunk, (size_t)n)) {
			spool_err(err, "'%s' is larger than %zu bytes", path,
			          out->max < SPOOL_MAX ? out->max : SPOOL_MAX);
			return FC_ELIMIT;
		}
	}
}

enum fc_rc spool_get(const char *state_dir, struct buf *out, char *err)
{
	char path[SPOOL_PATH_MAX];
	struct stat st;
	enum fc_rc rc;
	int fd;

	buf_reset(out);
	rc = spool_path(path, state_dir, SPOOL_DIR "/" SPOOL_FILE, err);
	if (rc)
		goto out;
	fd = plat_open(path, O_RDONLY | O_NOFOLLOW, 0);
	if (fd < 0) {
		spool_err(err, "cannot open '%s': %s", path, strerror(errno));
		rc = errno == ENOENT ? FC_ENOENT : FC_EIO;
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		spool_err(err, "'%s' is not a regular file", path);
		rc = FC_EIO;
	} else if ((unsigned long long)st.st_size > SPOOL_MAX) {
		spool_err(err, "'%s' is larger than %zu bytes", path, SPOOL_MAX);
		rc = FC_ELIMIT;
	} else {
		rc = spool_read_fd(fd, path, out, err);
	}
	close(fd);
	if (!rc && (out->len < 2 || (unsigned char)out->ptr[0] != 0x1f ||
	            (unsigned char)out->ptr[1] != 0x8b)) {
		spool_err(err, "spooled report '%s' is not gzip data", path);
		rc = FC_EPARSE;
	}
out:
	if (rc)
		buf_release(out);
	return rc;
}

enum fc_rc spool_clear(const char *state_dir, char *err)
{
	char path[SPOOL_PATH_MAX];
	enum fc_rc rc = spool_path(path, state_dir, SPOOL_DIR "/" SPOOL_FILE, err);

	if (rc)
		return rc;
	if (plat_unlink(path) != 0 && errno != ENOENT) {
		spool_err(err, "cannot remove '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	return FC_OK;
}

/* ---- streaming a report into the spool ---- */

#define SPOOL_ZCHUNK 16384

struct spool_writer {
	FILE *f;
	z_stream zs;
	size_t out; /* compressed bytes written */
	enum fc_rc rc; /* the first error */
	char err[FC_ERRLEN];
	char dir[SPOOL_PATH_MAX];
	char tmp[SPOOL_PATH_MAX];
	unsigned char chunk[SPOOL_ZCHUNK];
};

/* Runs deflate with flush over what zs holds, writing its output. */
static enum fc_rc spool_deflate(struct spool_writer *w, int flush)
{
	size_t n;
	int zrc;

	do {
		w->zs.next_out = w->chunk;
		w->zs.avail_out = sizeof(w->chunk);
		zrc = deflate(&w->zs, flush);
		assert(zrc != Z_STREAM_ERROR);
		n = sizeof(w->chunk) - w->zs.avail_out;
		if (w->out + n > SPOOL_MAX) {
			spool_err(w->err, "compressed report is larger than %zu bytes", SPOOL_MAX);
			return w->rc = FC_ELIMIT;
		}
		if (n && fwrite(w->chunk, 1, n, w->f) != n) {
			spool_err(w->err, "cannot write '%s': %s", w->tmp, strerror(errno));
			return w->rc = FC_EIO;
		}
		w->out += n;
	} while (w->zs.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END));
	return FC_OK;
}

enum fc_rc spool_begin(const char *state_dir, struct spool_writer **out, char *err)
{
	struct spool_writer *w = xcalloc(1, sizeof(*w));
	enum fc_rc rc;
	int fd;

	*out = NULL;
	rc = spool_path(w->dir, state_dir, SPOOL_DIR, err);
	if (!rc)
		rc = spool_path(w->tmp, w->dir, SPOOL_TMP_PREFIX "XXXXXX", err);
	if (!rc)
		rc = spool_mkdirs(w->dir, err);
	if (rc) {
		free(w);
		return rc;
	}
	spool_sweep(w->dir);
	fd = plat_mkstemp(w->tmp);
	if (fd < 0 || !(w->f = fdopen(fd, "w+b"))) {
		spool_err(err, "cannot create a file in '%s': %s", w->dir, strerror(errno));
		if (fd >= 0) {
			close(fd);
			plat_unlink(w->tmp);
		}
		free(w);
		return FC_EIO;
	}
	if (deflateInit2(&w->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		spool_err(err, "cannot start gzip compression: out of memory");
		fclose(w->f);
		plat_unlink(w->tmp);
		free(w);
		return FC_ENOMEM;
	}
	*out = w;
	return FC_OK;
}

enum fc_rc spool_write(void *ctx, const void *data, size_t len)
{
	struct spool_writer *w = ctx;

	if (w->rc)
		return w->rc;
	w->zs.next_in = (Bytef *)(uintptr_t)data; /* zlib does not write to it */
	w->zs.avail_in = (uInt)len;
	assert(len <= UINT32_MAX);
	return spool_deflate(w, Z_NO_FLUSH);
}

enum fc_rc spool_restart(void *ctx)
{
	struct spool_writer *w = ctx;

	if (w->rc)
		return w->rc;
	if (fflush(w->f) != 0 || plat_truncate(fileno(w->f)) != 0) {
		spool_err(w->err, "cannot truncate '%s': %s", w->tmp, strerror(errno));
		return w->rc = FC_EIO;
	}
	rewind(w->f);
	w->out = 0;
	deflateReset(&w->zs);
	return FC_OK;
}

void spool_abort(struct spool_writer *w)
{
	if (!w)
		return;
	deflateEnd(&w->zs);
	if (w->f)
		(void)fclose(w->f); /* the file is removed anyway */
	(void)plat_unlink(w->tmp);
	free(w);
}

enum fc_rc spool_commit(struct spool_writer *w, char *err)
{
	char final[SPOOL_PATH_MAX];
	enum fc_rc rc = w->rc;
	int closed;

	if (!rc) {
		w->zs.next_in = NULL;
		w->zs.avail_in = 0;
		rc = spool_deflate(w, Z_FINISH);
	}
	if (!rc && (fflush(w->f) != 0 || plat_fsync(fileno(w->f)) != 0)) {
		spool_err(w->err, "cannot write '%s': %s", w->tmp, strerror(errno));
		rc = FC_EIO;
	}
	/* closed before the rename: Windows does not rename an open file */
	if (!rc) {
		closed = fclose(w->f);
		w->f = NULL;
		if (closed != 0) {
			spool_err(w->err, "cannot write '%s': %s", w->tmp, strerror(errno));
			rc = FC_EIO;
		}
	}
	if (!rc)
		rc = spool_path(final, w->dir, SPOOL_FILE, w->err);
	if (!rc && plat_replace(w->tmp, final) != 0) {
		spool_err(w->err, "cannot rename '%s' to '%s': %s", w->tmp, final, strerror(errno));
		rc = FC_EIO;
	}
	if (!rc)
		rc = spool_sync_dir(w->dir, w->err);
	if (rc)
		memcpy(err, w->err, FC_ERRLEN);
	spool_abort(w); /* after the rename the temporary name is gone */
	return rc;
}

enum fc_rc spool_file(const char *state_dir, char *path, size_t *len, char *err)
{
	struct stat st;
	enum fc_rc rc = spool_path(path, state_dir, SPOOL_DIR "/" SPOOL_FILE, err);

	if (rc)
		return rc;
	if (plat_lstat(path, &st) != 0) {
		spool_err(err, "cannot open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? FC_ENOENT : FC_EIO;
	}
	if (!S_ISREG(st.st_mode) || (unsigned long long)st.st_size > SPOOL_MAX) {
		spool_err(err, "'%s' is not a regular file of at most %zu bytes", path, SPOOL_MAX);
		return FC_EIO;
	}
	*len = (size_t)st.st_size;
	return FC_OK;
}
