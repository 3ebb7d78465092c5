/* hostenv_posix.c - hostenv.h on POSIX systems. */
#include "hostenv.h"

#include "config.h"
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
