/* output.c - the agent's --output: a file, a directory, standard output. */
#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "log.h"
#include "outfile.h"
#include "platform.h"
#include "textesc.h"

/* The most a report built in memory may take. */
#define OUTPUT_MAX_MEMORY ((size_t)1 << 30)

/* Builds the full report and a newline in b. FC_OK or FC_ENOMEM (logged). */
static enum fc_rc build(struct inventory *r, struct buf *b)
{
	struct inventory_sink sink;

	inventory_sink_buf(&sink, b);
	if (inventory_write(r, INVENTORY_FULL, &sink) != FC_OK || buf_addc(b, '\n') != FC_OK) {
		LOG_ERR("cannot build the report: larger than %zu bytes", b->max);
		return FC_ENOMEM;
	}
	return FC_OK;
}

/* The report on stdout: built in memory first, since a pipe cannot be
 * restarted if the software list fails half-way. */
static enum fc_rc write_stdout(struct inventory *r)
{
	struct buf b;
	enum fc_rc rc;

	buf_init(&b, OUTPUT_MAX_MEMORY);
	rc = build(r, &b);
	if (!rc && (fwrite(b.ptr, 1, b.len, stdout) != b.len || fflush(stdout) != 0)) {
		LOG_ERR("cannot write the report to stdout: %s", strerror(errno));
		rc = FC_EIO;
	}
	buf_release(&b);
	return rc;
}

/* Writes the report into of: streamed into a temporary file, built in memory
 * for a device or FIFO. Then commits it. FC_OK, FC_ENOMEM or FC_EIO
 * (logged). */
static enum fc_rc write_outfile(struct outfile *of, struct inventory *r)
{
	char err[FC_ERRLEN];
	struct inventory_sink sink;
	struct buf b;
	enum fc_rc rc;
	FILE *f;

	if (of->in_place) {
		buf_init(&b, OUTPUT_MAX_MEMORY);
		rc = build(r, &b);
		if (!rc)
			rc = outfile_write(of, b.ptr, b.len, err);
		buf_release(&b);
	} else {
		f = outfile_stream(of, err);
		if (!f) {
			rc = FC_EIO;
		} else {
			inventory_sink_file(&sink, f);
			rc = inventory_write(r, INVENTORY_FULL, &sink);
			if (rc || fputc('\n', f) == EOF) {
				snprintf(err, sizeof(err), "cannot write '%s': %s", of->tmp,
				         strerror(errno));
				rc = FC_EIO;
			}
		}
	}
	if (rc == FC_ENOMEM) {
		outfile_abort(of);
		return rc;
	}
	if (!rc)
		rc = outfile_commit(of, err);
	else
		outfile_abort(of);
	if (rc) {
		LOG_ERR("%s", err);
		return FC_EIO;
	}
	return FC_OK;
}

bool output_is_dir(const char *path)
{
	struct stat st;
	size_t n = strlen(path);

	return (n > 1 && plat_is_dirsep(path[n - 1])) ||
	       (strcmp(path, "-") && plat_stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

void output_name(const char *hostname, const char *collected_at, const char *report_id, char *name,
                 size_t cap)
{
	char host[64], stamp[32];
	size_t i, j = 0;

	for (i = 0; hostname[i] && j < sizeof(host) - 1; i++) {
		char ch = hostname[i];

		host[j++] =
		    isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.' ? ch : '_';
	}
	host[j] = '\0';
	for (i = j = 0; collected_at[i] && j < sizeof(stamp) - 1; i++) {
		if (collected_at[i] != '-' && collected_at[i] != ':')
			stamp[j++] = collected_at[i];
	}
	stamp[j] = '\0';
	snprintf(name, cap, "fleetcensus-%s-%s-%.8s.json", host[0] ? host : "unknown", stamp,
	         report_id);
}

/* Writes the report into directory dir under a new unique name, atomically
 * (a hidden temporary file in dir, then given its name, which must not
 * exist: OUTFILE_NEW). Never overwrites a file. */
static enum fc_rc write_dir(const char *dir, struct inventory *r, const char *collected_at,
                            const char *report_id, bool quiet)
{
	char name[160], path[4400], err[FC_ERRLEN];
	struct outfile of;
	struct stat st;
	size_t n = strlen(dir);
	const char *sep = n && plat_is_dirsep(dir[n - 1]) ? "" : "/";
	enum fc_rc rc;

	if (plat_stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		LOG_ERR("output directory '%s' does not exist", dir);
		return FC_EIO;
	}
	output_name(inventory_summary(r)->hostname, collected_at, report_id, name, sizeof(name));
	snprintf(path, sizeof(path), "%s%s%s", dir, sep, name);
	rc = outfile_open(&of, path, OUTFILE_NEW, err);
	if (rc) {
		LOG_ERR("%s", err);
		return FC_EIO;
	}
	rc = write_outfile(&of, r);
	if (!rc && !quiet) {
		textesc_printf(stdout, "report written to '%s'", path);
		fflush(stdout);
	}
	return rc;
}

enum fc_rc output_write(const char *path, struct inventory *r, const char *collected_at,
                        const char *report_id, bool quiet)
{
	char err[FC_ERRLEN];
	struct outfile of;
	enum fc_rc rc;

	if (!strcmp(path, "-"))
		return write_stdout(r);
	if (output_is_dir(path))
		return write_dir(path, r, collected_at, report_id, quiet);
	rc = outfile_open(&of, path, 0, err);
	if (rc) {
		LOG_ERR("%s", err);
		return FC_EIO;
	}
	rc = write_outfile(&of, r);
	if (!rc)
		LOG_INFO("report written to '%s'", path);
	return rc;
}
