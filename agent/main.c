/* main.c - fleetcensus-agent: the command line. Collects one report, then
 * writes it (--output) or sends it (--server). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "deliver.h"
#include "exitcode.h"
#include "fctime.h"
#include "hostenv.h"
#include "log.h"
#include "output.h"
#include "platform.h"
#include "inventory.h"
#include "send.h"
#include "spool.h"
#include "state.h"
#include "xalloc.h"

/* The three %s: the default settings file, the --root line (not on
 * Windows) and the default state directory (hostenv.h). */
static const char usage_text[] =
    "usage: fleetcensus-agent [options]\n"
    "\n"
    "Collects this machine's operating system, hardware and installed packages\n"
    "as one inventory report, then writes it (--output) or sends it (--server).\n"
    "\n"
    "  -c, --config FILE     settings file (default %s)\n"
    "%s"
    "  -o, --output FILE     write the report JSON to FILE ('-': stdout); send nothing\n"
    "  -o, --output DIR/     write it into DIR under a new unique name (USB stick, share)\n"
    "      --relay DIR       send the report files found in DIR (from --output DIR/)\n"
    "  -s, --server URL      collector base URL, e.g. https://collector.example:8443\n"
    "  -t, --token TOKEN     the organisation's agent token\n"
    "      --token-file FILE read the token from FILE\n"
    "      --cacert FILE     verify the collector against the CAs in FILE\n"
    "      --timeout SECONDS give up on the collector after SECONDS (default 60)\n"
    "      --state-dir DIR   agent id, spool and lock (default %s)\n"
    "      --splay SECONDS   wait a random 0..SECONDS before sending (default 0)\n"
    "  -v, --verbose         also say what is done, step by step\n"
    "  -q, --quiet           print errors only (no line on success)\n"
    "  -V, --version         print the version and exit\n"
    "  -h, --help            print this help and exit\n"
    "\n"
    "Exit status: 0 done, 64 usage, 66 unreadable input, 69 refused by the\n"
    "collector, 73 output not writable, 75 not delivered now (kept in the spool),\n"
    "78 bad configuration. See fleetcensus-agent(8).\n";

static void usage(void)
{
	char *conf = plat_default_config_help(), *state = plat_default_state_dir();

	printf(usage_text, conf,
	       plat_has_root_option()
	           ? "  -r, --root DIR        read the system below DIR instead of /\n"
	           : "",
	       state);
	free(conf);
	free(state);
}

/* Parses the command line into cli. Returns 0, or an exit code to end with
 * (-1 for a clean exit after --help or --version). */
static int parse_args(int argc, char **argv, struct agent_opts *cli, char **relay)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},  {"root", required_argument, NULL, 'r'},
	    {"output", required_argument, NULL, 'o'},  {"server", required_argument, NULL, 's'},
	    {"token", required_argument, NULL, 't'},   {"token-file", required_argument, NULL, 1},
	    {"cacert", required_argument, NULL, 2},    {"timeout", required_argument, NULL, 3},
	    {"state-dir", required_argument, NULL, 4}, {"splay", required_argument, NULL, 5},
	    {"relay", required_argument, NULL, 6},     {"verbose", no_argument, NULL, 'v'},
	    {"quiet", no_argument, NULL, 'q'},         {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
	char err[FC_ERRLEN];
	int c, idx;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:r:o:s:t:vqVh", longopts, &idx)) != -1) {
		const char *name = NULL;

		switch (c) {
		case 'h': usage(); return -1;
		case 'V': printf("fleetcensus-agent %s\n", FC_VERSION); return -1;
		case 'v': cli->verbose = 1; continue;
		case 'q': cli->quiet = 1; continue;
		case 'c':
			free(cli->config);
			cli->config = xstrdup(optarg);
			continue;
		case 6:
			free(*relay);
			*relay = xstrdup(optarg);
			continue;
		case ':': LOG_ERR("option '%s' needs a value", argv[optind - 1]); return EXIT_USAGE;
		case '?':
			LOG_ERR("unknown option '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		case 'r':
			if (!plat_has_root_option()) {
				LOG_ERR("--root is not supported on this system (see --help)");
				return EXIT_USAGE;
			}
			name = "root";
			break;
		case 'o': name = "output"; break;
		case 's': name = "server"; break;
		case 't': name = "token"; break;
		default: name = longopts[idx].name; break;
		}
		if (config_set_option(cli, name, optarg, err) != FC_OK) {
			LOG_ERR("%s", err);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		LOG_ERR("unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* Replaces *dst with a copy of the command line's value, when it has one. */
static void over(char **dst, const char *cli)
{
	if (!cli)
		return;
	free(*dst);
	*dst = xstrdup(cli);
}

/* Loads the configuration file (the default one may be absent), then lays
 * the command line over it into o. Returns 0 or an exit code. */
static int load_config(const struct agent_opts *cli, struct agent_opts *o)
{
	char *def = cli->config ? NULL : plat_default_config();
	const char *path = cli->config ? cli->config : def;
	char err[FC_ERRLEN];
	struct buf b;
	enum fc_rc rc;

	buf_init(&b, CONFIG_MAX_FILE);
	if (!strcmp(path, "/dev/null")) /* the usual way to say "no settings file" */
		rc = FC_OK;
	else
		rc = plat_read_file(path, CONFIG_MAX_FILE, &b, err);
	if (rc == FC_OK && b.ptr)
		rc = config_parse(b.ptr, b.len, o, err);
	buf_release(&b);
	if (rc == FC_ENOENT && !cli->config)
		rc = FC_OK;
	if (rc) {
		LOG_ERR("config '%s': %s", path, err);
		free(def);
		return EXIT_CONFIG;
	}
	o->token_in_config = o->token && !cli->token;
	over(&o->config, cli->config);
	if (!o->config && def) /* the file read, for the token file check */
		o->config = def;
	else
		free(def);
	over(&o->root, cli->root);
	over(&o->output, cli->output);
	over(&o->server, cli->server);
	over(&o->token, cli->token);
	over(&o->token_file, cli->token_file);
	over(&o->cacert, cli->cacert);
	over(&o->state_dir, cli->state_dir);
	if (cli->timeout >= 0)
		o->timeout = cli->timeout;
	if (cli->splay >= 0)
		o->splay = cli->splay;
	if (cli->verbose >= 0)
		o->verbose = cli->verbose;
	if (cli->quiet >= 0)
		o->quiet = cli->quiet;
	if (!o->state_dir) {
		o->state_dir = plat_default_state_dir();
		o->state_dir_default = true;
	}
	if (o->timeout < 0)
		o->timeout = CONFIG_DEFAULT_TIMEOUT;
	return 0;
}

/* False (logged) when the token file can be read or written by users other
 * than its owner, or belongs to a user other than this one or root. A file
 * that cannot be stat'ed is left to the read, which reports it. */
static bool token_file_private(const char *path)
{
#ifdef S_ISVTX /* POSIX permission bits; on Windows the ACLs decide */
	char err[FC_ERRLEN];
	struct stat st;

	if (stat(path, &st) == 0 &&
	    config_check_token_file(path, (unsigned)st.st_mode, (unsigned long)st.st_uid,
	                            (unsigned long)geteuid(), err) != FC_OK) {
		LOG_ERR("%s", err);
		return false;
	}
#else
	(void)path;
#endif
	return true;
}

/* Reads the token from --token-file when no --token was given. */
static int load_token(struct agent_opts *o)
{
	char err[FC_ERRLEN];
	struct buf b;
	size_t n;

	if (o->token || !o->token_file) {
		if (!o->token) {
			LOG_ERR("sending needs a token: set --token or --token-file");
			return EXIT_CONFIG;
		}
		/* a settings file holding the token is a token file too */
		if (o->token_in_config && !token_file_private(o->config))
			return EXIT_CONFIG;
		return 0;
	}
	if (!token_file_private(o->token_file))
		return EXIT_CONFIG;
	buf_init(&b, CONFIG_MAX_TOKEN);
	if (plat_read_file(o->token_file, CONFIG_MAX_TOKEN, &b, err) != FC_OK) {
		LOG_ERR("token file: %s", err);
		buf_release(&b);
		return EXIT_CONFIG;
	}
	n = strcspn(b.ptr, "\r\n");
	if (n == 0 || n != strlen(b.ptr) - strspn(b.ptr + n, "\r\n \t")) {
		LOG_ERR("token file '%s' must hold one token on one line", o->token_file);
		buf_release(&b);
		return EXIT_CONFIG;
	}
	o->token = xstrndup(b.ptr, n);
	buf_release(&b);
	return 0;
}

static void format_times(time_t now, time_t created, char at[32], char since[32])
{
	(void)fctime_format_rfc3339((int64_t)now, at); /* "" past 9999 */
	(void)fctime_format_stamp((int64_t)created, since);
}

/* One collected report and the ids it carries (its strings live here). */
struct collected {
	struct inventory *r;
	char agent_id[STATE_ID_LEN + 1];
	char report_id[STATE_ID_LEN + 1];
	char at[32];
	char since[32];
};

static void collected_release(struct collected *c)
{
	inventory_free(c->r);
	c->r = NULL;
}

/* Collects the OS and hardware facts into c (the packages are read while
 * the report is written). The agent id comes from the state directory in
 * every mode: a report whose id is not kept would count its machine anew
 * at the collector (docs/identity.md), so a state directory that cannot be
 * used is an error (73), with --output too. */
static int collect(const struct agent_opts *o, struct collected *c)
{
	char err[FC_ERRLEN];
	struct inventory_ids ids;
	time_t now = time(NULL), created = now;
	enum fc_rc rc = spool_mkdirs(o->state_dir, err);

	if (rc == FC_OK && o->state_dir_default)
		plat_adopt_old_state(o->state_dir);
	if (rc == FC_OK)
		rc = state_agent_id(o->state_dir, c->agent_id, &created, err);
	if (rc) {
		LOG_ERR("state directory '%s' (it keeps this machine's agent id): %s; give "
		        "--state-dir a directory the agent can write",
		        o->state_dir, err);
		return EXIT_CANTCREAT;
	}
	if (state_new_uuid(c->report_id) != FC_OK)
		return EXIT_SOFTWARE;
	format_times(now, created, c->at, c->since);
	ids.agent_id = c->agent_id;
	ids.since = c->since;
	ids.report_id = c->report_id;
	ids.collected_at = c->at;
	return inventory_collect(o->root, &ids, &c->r) == FC_OK ? 0 : EXIT_SOFTWARE;
}

static void log_collected(const struct collected *c)
{
	inventory_log_summary(c->r);
}

/* --output: writes the report (output.c). Returns 0 or an exit code. */
static int write_output(const char *path, const struct collected *c, bool quiet)
{
	enum fc_rc rc = output_write(path, c->r, c->at, c->report_id, quiet);

	log_collected(c);
	if (rc == FC_ENOMEM)
		return EXIT_SOFTWARE;
	return rc ? EXIT_CANTCREAT : 0;
}

/* Takes the run lock in the state directory; *lockfd receives it. */
static int take_lock(const struct agent_opts *o, int *lockfd)
{
	char err[FC_ERRLEN];
	enum fc_rc rc = spool_mkdirs(o->state_dir, err);

	if (rc == FC_OK)
		rc = spool_lock(o->state_dir, lockfd, err);
	if (rc) {
		LOG_ERR("%s", err);
		return rc == FC_ELOCKED ? EXIT_TEMPFAIL : EXIT_CANTCREAT;
	}
	return 0;
}

/* The delivery settings of o; their strings are o's. */
static struct deliver_opts deliver_opts_of(const struct agent_opts *o)
{
	struct deliver_opts d = {{o->server, o->token, o->cacert, o->timeout, o->verbose > 0},
	                         o->state_dir,
	                         o->splay,
	                         o->quiet > 0};

	return d;
}

/* --relay DIR: sends the reports found in DIR (deliver_relay). */
static int run_relay(const struct agent_opts *o, const char *dir)
{
	struct deliver_opts d = deliver_opts_of(o);
	int code, lockfd = -1;

	code = take_lock(o, &lockfd);
	if (code)
		return code;
	code = deliver_relay(&d, dir);
	spool_unlock(lockfd);
	return code;
}

static int run(const struct agent_opts *o, const char *relay_dir)
{
	struct collected c = {NULL, "", "", "", ""};
	struct stat st;
	int code, lockfd = -1;

	if (relay_dir)
		return run_relay(o, relay_dir);
	if (o->root && (plat_stat(o->root, &st) != 0 || !S_ISDIR(st.st_mode))) {
		LOG_ERR("root '%s' is not a readable directory", o->root);
		return EXIT_NOINPUT;
	}
	if (o->output) {
		code = collect(o, &c);
		if (code == 0)
			code = write_output(o->output, &c, o->quiet > 0);
		collected_release(&c);
		return code;
	}
	code = take_lock(o, &lockfd);
	if (code)
		return code;
	code = collect(o, &c);
	if (code == 0) {
		struct deliver_opts d = deliver_opts_of(o);

		code = deliver_inventory(&d, c.r);
	}
	collected_release(&c);
	spool_unlock(lockfd);
	return code;
}

int main(int argc, char **argv)
{
	struct agent_opts cli, o;
	char *relay = NULL, err[FC_ERRLEN];
	int code;

	log_set_prog("fleetcensus-agent");
	plat_utf8_args(&argc, &argv);
	agent_opts_init(&cli);
	agent_opts_init(&o);
	code = parse_args(argc, argv, &cli, &relay);
	if (code == 0)
		code = load_config(&cli, &o);
	if (code == 0) {
		if (o.quiet > 0)
			log_threshold = LOG_LEVEL_ERR;
		else if (o.verbose > 0)
			log_threshold = LOG_LEVEL_INFO;
		if (relay && (o.output || !o.server)) {
			LOG_ERR("--relay sends to --server and writes no --output");
			code = EXIT_USAGE;
		} else if (!o.output && !o.server) {
			LOG_ERR("nothing to do: give --output FILE or --server URL (see --help)");
			code = EXIT_USAGE;
		} else if (!o.output && config_check_server(o.server, err) != FC_OK) {
			/* a URL that can never work is a mistake, not "try later" (75) */
			if (cli.server)
				LOG_ERR("--server %s", err);
			else
				LOG_ERR("config '%s': server %s", o.config, err);
			code = cli.server ? EXIT_USAGE : EXIT_CONFIG;
		} else if (!o.output) {
			code = load_token(&o);
		}
	}
	if (code == 0 && !o.output && send_global_init(err) != FC_OK) {
		LOG_ERR("%s", err);
		code = EXIT_SOFTWARE;
	} else if (code == 0) {
		code = run(&o, relay); /* libcurl is initialised only when sending */
		if (!o.output)
			send_global_cleanup();
	}
	agent_opts_release(&cli);
	agent_opts_release(&o);
	free(relay);
	return code < 0 ? 0 : code;
}
