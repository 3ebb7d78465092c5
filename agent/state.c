/* state.c - the agent id kept in the state directory. */
#include "state.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os.h"
#include "platform.h"
#include "uuid.h"

void state_format_uuid(const unsigned char b[16], char out[STATE_ID_LEN + 1])
{
	uuid_format_v4(b, out);
}

enum fc_rc state_new_uuid(char out[STATE_ID_LEN + 1])
{
	unsigned char b[16];
	enum fc_rc rc = os_random(b, sizeof(b));

	if (rc == FC_OK)
		state_format_uuid(b, out);
	return rc;
}

/* True when s is a UUID (8-4-4-4-12, any case) ending at NUL or newline. */
static bool is_uuid(const char *s)
{
	char hex[UUID_HEX_LEN + 1];
	size_t n = strcspn(s, "\n");

	return n == UUID_TEXT_LEN && uuid_hex(s, n, hex);
}

/* Writes len bytes of text and a newline to path atomically: a temporary
 * file next to it, fsynced, renamed over it. */
static enum fc_rc write_file_atomic(const char *path, const char *text, size_t len, char *err)
{
	char tmp[4200];
	enum fc_rc rc = FC_OK;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = plat_open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "cannot create '%s': %s", tmp, strerror(errno));
		return FC_EIO;
	}
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    plat_fsync(fd) != 0) {
		snprintf(err, FC_ERRLEN, "cannot write '%s': %s", tmp, strerror(errno));
		rc = FC_EIO;
	}
	if (close(fd) != 0 && rc == FC_OK) {
		snprintf(err, FC_ERRLEN, "cannot write '%s': %s", tmp, strerror(errno));
		rc = FC_EIO;
	}
	if (rc == FC_OK && plat_replace(tmp, path) != 0) {
		snprintf(err, FC_ERRLEN, "cannot rename '%s': %s", tmp, strerror(errno));
		rc = FC_EIO;
	}
	if (rc)
		plat_unlink(tmp);
	return rc;
}

static enum fc_rc write_new_id(const char *path, char id[STATE_ID_LEN + 1], char *err)
{
	enum fc_rc rc = state_new_uuid(id);

	if (rc) {
		snprintf(err, FC_ERRLEN, "no random bytes from the system for a new agent id");
		return rc;
	}
	return write_file_atomic(path, id, STATE_ID_LEN, err);
}

enum fc_rc state_agent_id(const char *state_dir, char id[STATE_ID_LEN + 1], time_t *created,
                          char *err)
{
	char path[4096], text[STATE_ID_LEN + 2];
	struct stat st;
	ssize_t n = -1;
	int fd;
	enum fc_rc rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/agent-id", state_dir) >= sizeof(path)) {
		snprintf(err, FC_ERRLEN, "state directory path too long");
		return FC_EIO;
	}
	fd = plat_open(path, O_RDONLY | O_NOFOLLOW, 0);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	if (n >= STATE_ID_LEN) {
		text[n] = '\0';
		if (is_uuid(text)) {
			memcpy(id, text, STATE_ID_LEN);
			id[STATE_ID_LEN] = '\0';
			goto out_stat;
		}
	}
	rc = write_new_id(path, id, err);
	if (rc)
		return rc;
out_stat:
	*created = plat_stat(path, &st) == 0 ? st.st_mtime : time(NULL);
	return FC_OK;
}

/* Writes "<state_dir>/software.digest" into path (cap bytes). */
static enum fc_rc digest_path(const char *state_dir, char *path, size_t cap)
{
	int n = snprintf(path, cap, "%s/software.digest", state_dir);

	return n < 0 || (size_t)n >= cap ? FC_ELIMIT : FC_OK;
}

enum fc_rc state_read_digest(const char *state_dir, char out[STATE_DIGEST_LEN + 1])
{
	char path[4096], text[STATE_DIGEST_LEN + 2];
	ssize_t n = -1;
	int fd, i;

	out[0] = '\0';
	if (digest_path(state_dir, path, sizeof(path)) != FC_OK)
		return FC_ENOENT;
	fd = plat_open(path, O_RDONLY | O_NOFOLLOW, 0);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text));
		close(fd);
	}
	if (n != STATE_DIGEST_LEN + 1 || text[STATE_DIGEST_LEN] != '\n')
		return FC_ENOENT;
	for (i = 0; i < STATE_DIGEST_LEN; i++) {
		if (!isdigit((unsigned char)text[i]) && (text[i] < 'a' || text[i] > 'f'))
			return FC_ENOENT;
	}
	memcpy(out, text, STATE_DIGEST_LEN);
	out[STATE_DIGEST_LEN] = '\0';
	return FC_OK;
}

enum fc_rc state_write_digest(const char *state_dir, const char *digest, char *err)
{
	char path[4096];

	if (strlen(digest) != STATE_DIGEST_LEN ||
	    digest_path(state_dir, path, sizeof(path)) != FC_OK) {
		snprintf(err, FC_ERRLEN, "bad digest or state directory path too long");
		return FC_EIO;
	}
	return write_file_atomic(path, digest, STATE_DIGEST_LEN, err);
}

enum fc_rc state_forget_digest(const char *state_dir, char *err)
{
	char path[4096];

	if (digest_path(state_dir, path, sizeof(path)) != FC_OK) {
		snprintf(err, FC_ERRLEN, "state directory path too long");
		return FC_EIO;
	}
	if (plat_unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, FC_ERRLEN, "cannot remove '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	return FC_OK;
}
