/* hostenv.h - what the agent takes from the system it runs on: its default
 * settings file and state directory, and the command line in UTF-8.
 * hostenv_posix.c and hostenv_windows.c implement it; the Makefile picks
 * one, as it picks common/platform_<platform>.c. */
#ifndef FC_AGENT_HOSTENV_H
#define FC_AGENT_HOSTENV_H

#include <stdbool.h>

/* Replaces argv by the command line in UTF-8 (on Windows, from the UTF-16
 * command line, since main's argv is in the ANSI code page; elsewhere
 * nothing changes). The new array lives until the program ends. */
void plat_utf8_args(int *argc, char ***argv);

/* The default settings file and state directory, as heap strings the
 * caller frees: /etc/fleetcensus/agent.conf and /var/lib/fleetcensus-agent; on
 * Windows fleetcensus-agent.conf next to the program when it exists, else
 * <common application data>\fleetcensus\agent.conf, and
 * <common application data>\fleetcensus\state. */
char *plat_default_config(void);
char *plat_default_state_dir(void);

/* The default settings file in words, for --help (heap): the path, or on
 * Windows both places it is looked for. */
char *plat_default_config_help(void);

/* True when the agent can read a system below another root (--root): on
 * POSIX systems, not on Windows, where --help leaves it out and the option
 * is a usage error. */
bool plat_has_root_option(void);

/* Before 0.2 the default state directory was /var/lib/fleetcensus, which is
 * the collector's (a machine running both had systemd hand it to the
 * collector's user). When state_dir, the default one, exists and holds no
 * agent-id yet and the old directory's agent-id is a UUID, copies it there
 * with its time, so that the machine keeps its agent id and deviceid. The
 * old file is only read (it may be read-only to the agent's unit). Failures
 * are logged as warnings: the agent then makes a new id. Nothing on
 * Windows, whose default did not change. */
void plat_adopt_old_state(const char *state_dir);

#endif
