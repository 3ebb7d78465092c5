/* hostenv.h - what the agent takes from the system it runs on: its default
 * settings file and state directory, and the command line in UTF-8.
 * hostenv_posix.c and hostenv_windows.c implement it; the Makefile picks
 * one, as it picks common/platform_<platform>.c. */
#ifndef FC_AGENT_HOSTENV_H
#define FC_AGENT_HOSTENV_H

/* Replaces argv by the command line in UTF-8 (on Windows, from the UTF-16
 * command line, since main's argv is in the ANSI code page; elsewhere
 * nothing changes). The new array lives until the program ends. */
void plat_utf8_args(int *argc, char ***argv);

/* The default settings file and state directory, as heap strings the
 * caller frees: /etc/fleetcensus/agent.conf and /var/lib/fleetcensus; on
 * Windows fleetcensus-agent.conf next to the program when it exists, else
 * <common application data>\fleetcensus\agent.conf, and
 * <common application data>\fleetcensus\state. */
char *plat_default_config(void);
char *plat_default_state_dir(void);

/* The default settings file in words, for --help (heap): the path, or on
 * Windows both places it is looked for. */
char *plat_default_config_help(void);

#endif
