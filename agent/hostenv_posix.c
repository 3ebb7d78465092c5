/* hostenv_posix.c - hostenv.h on POSIX systems. */
#include "hostenv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "uuid.h"
#include "xalloc.h"

void plat_utf8_args(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
}

char *plat_default_config(void)
{
	return xstrdup(CONFIG_DEFAULT_PATH);
}

char *plat_default_state_dir(void)
{
	return xstrdup(CONFIG_DEFAULT_STATE_DIR);
}

char *plat_default_config_help(void)
{
	return xstrdup(CONFIG_DEFAULT_PATH);
}

bool plat_has_root_option(void)
{
	return true;
}

/* Reads the old agent-id into id (a UUID and a newline); false when there
 * is none or it is not a UUID. */
static bool read_old_id(const char *path, char id[UUID_TEXT_LEN + 2], struct stat *st)
{
	char hex[UUID_HEX_LEN + 1];
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, st) == 0 && S_ISREG(st->st_mode))
		n = read(fd, id, UUID_TEXT_LEN + 1);
	close(fd);
	if (n < UUID_TEXT_LEN || (n > UUID_TEXT_LEN && id[UUID_TEXT_LEN] != '\n') ||
	    !uuid_hex(id, UUID_TEXT_LEN, hex))
		return false;
	id[UUID_TEXT_LEN] = '\n';
	id[UUID_TEXT_LEN + 1] = '\0';
	return true;
}

void plat_adopt_old_state(const char *state_dir)
{
	char from[4200], to[4200], tmp[4300], id[UUID_TEXT_LEN + 2];
	struct timespec times[2];
	struct stat st;
	int fd, ok;

	snprintf(from, sizeof(from), "%s/agent-id", CONFIG_OLD_STATE_DIR);
	if ((size_t)snprintf(to, sizeof(to), "%s/agent-id", state_dir) >= sizeof(to) ||
	    !strcmp(state_dir, CONFIG_OLD_STATE_DIR) || lstat(to, &st) == 0 ||
	    !read_old_id(from, id, &st))
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	ok = fd >= 0 && write(fd, id, UUID_TEXT_LEN + 1) == UUID_TEXT_LEN + 1 && fsync(fd) == 0 &&
	     futimens(fd, times) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = 0;
	if (ok && rename(tmp, to) == 0) {
		LOG_INFO("agent id taken over from '%s' (the state directory before 0.2)", from);
		return;
	}
	LOG_WARN("cannot copy the agent id '%s' to '%s': %s; a new one is made", from, to,
	         strerror(errno));
	(void)unlink(tmp); /* may not exist */
}
