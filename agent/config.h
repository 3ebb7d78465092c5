/* config.h - the agent's settings: command line and configuration file.
 *
 * The file holds "key = value" lines with the long option names as keys
 * ("server = https://...", "token-file = /etc/fleetcensus/token"); "#"
 * starts a comment. The command line wins over the file. */
#ifndef FC_AGENT_CONFIG_H
#define FC_AGENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "fc_rc.h"

#define CONFIG_DEFAULT_PATH "/etc/fleetcensus/agent.conf"
/* Not /var/lib/fleetcensus: that is the collector's (packaging/
 * setup-collector.sh), and the agent used it before 0.2 (hostenv.h). */
#define CONFIG_DEFAULT_STATE_DIR "/var/lib/fleetcensus-agent"
#define CONFIG_OLD_STATE_DIR "/var/lib/fleetcensus"
#define CONFIG_DEFAULT_TIMEOUT 60
#define CONFIG_MAX_TIMEOUT 3600
#define CONFIG_MAX_SPLAY 86400
#define CONFIG_MAX_FILE (64u << 10)
#define CONFIG_MAX_TOKEN 4096
#define CONFIG_MAX_URL 2048

/* Strings are heap copies or NULL (unset); numbers are -1 when unset. */
struct agent_opts {
	char *config;
	char *root;
	char *output;
	char *server;
	char *token;
	char *token_file;
	char *cacert;
	char *state_dir;
	long timeout;
	long splay;
	int verbose;
	int quiet;
	bool token_in_config; /* the token came from the settings file */
	bool state_dir_default; /* state_dir is the platform's default */
};

void agent_opts_init(struct agent_opts *o);
void agent_opts_release(struct agent_opts *o);

/* Sets one setting by its long option name from text value. Returns
 * FC_OK, FC_ENOENT for an unknown name, or FC_EPARSE for a bad value;
 * err says which. */
enum fc_rc config_set(struct agent_opts *o, const char *name, const char *value, char *err);

/* config_set for the command line: err names the option as it was typed,
 * "--timeout must be 1 to 3600 seconds, not '0'". */
enum fc_rc config_set_option(struct agent_opts *o, const char *name, const char *value, char *err);

/* Parses a configuration file's text into o; a setting already set in o is
 * replaced (callers parse the file first, then the command line). Returns
 * FC_OK or FC_ECONFIG with err naming the line and the problem. */
enum fc_rc config_parse(const char *buf, size_t len, struct agent_opts *o, char *err);

/* Checks that a token file with permission bits mode, owned by owner, may
 * be used by a process whose effective user is euid: nobody but its owner
 * may read or write it (no group or other bits), and its owner is euid or
 * root. Pure: the caller stats the file. Returns FC_OK or FC_ECONFIG with
 * err saying why and how to fix it. */
enum fc_rc config_check_token_file(const char *path, unsigned mode, unsigned long owner,
                                   unsigned long euid, char *err);

/* Checks that url can be the collector's base URL, the syntax the agent can
 * use: printable ASCII without spaces, at most CONFIG_MAX_URL bytes, the
 * scheme http or https (any case), "//", a host (a name, an IPv4 address or
 * an [IPv6] address), an optional port 1 to 65535 and an optional path; no
 * user name, query or fragment. A URL that fails can never work, so the
 * caller ends at once (64 or 78), instead of spooling and retrying. Pure.
 * Returns FC_OK or FC_EPARSE with err (FC_ERRLEN bytes) quoting the URL
 * (only when printable) and naming the problem. */
enum fc_rc config_check_server(const char *url, char *err);

/* Parses a whole number in [min, max] from s. */
enum fc_rc config_parse_long(const char *s, long min, long max, long *out);

#endif
