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

#include <curl/curl.h>

#include "buf.h"
#include "config.h"
#include "exitcode.h"
#include "gzip.h"
#include "log.h"
#include "report.h"
#include "platform.h"
#include "send.h"
#include "spool.h"
#include "state.h"
#include "xalloc.h"

static const char usage_text[] =
    "usage: fleetcensus-agent [options]\n"
    "\n"
    "Collects this machine's operating system, hardware and installed packages\n"
    "as one inventory report, then writes it (--output) or sends it (--server).\n"
    "\n"
    "  -c, --config FILE     settings file (default " CONFIG_DEFAULT_PATH ")\n"
    "  -r, --root DIR        read the system below DIR instead of /\n"
    "  -o, --output FILE     write the report JSON to FILE ('-': stdout); send nothing\n"
    "  -s, --server URL      collector base URL, e.g. https://collector.example:8443\n"
    "  -t, --token TOKEN     the organisation's agent token\n"
    "      --token-file FILE read the token from FILE\n"
    "      --cacert FILE     verify the collector against the CAs in FILE\n"
    "      --timeout SECONDS give up on the collector after SECONDS (default 60)\n"
    "      --state-dir DIR   agent id, spool and lock (default " CONFIG_DEFAULT_STATE_DIR ")\n"
    "      --splay SECONDS   wait a random 0..SECONDS before sending (default 0)\n"
    "  -v, --verbose         say what is done\n"
    "  -q, --quiet           print errors only\n"
    "  -V, --version         print the version and exit\n"
    "  -h, --help            print this help and exit\n"
    "\n"
    "Exit status: 0 done, 64 usage, 66 unreadable input, 69 refused by the\n"
    "collector, 73 output not writable, 75 not delivered now (kept in the spool),\n"
    "78 bad configuration. See fleetcensus-agent(8).\n";

/* Parses the command line into cli. Returns 0, or an exit code to end with
 * (-1 for a clean exit after --help or --version). */
static int parse_args(int argc, char **argv, struct agent_opts *cli)
{
	static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
	                                         {"root", required_argument, NULL, 'r'},
	                                         {"output", required_argument, NULL, 'o'},
	                                         {"server", required_argument, NULL, 's'},
	                                         {"token", required_argument, NULL, 't'},
	                                         {"token-file", required_argument, NULL, 1},
	                                         {"cacert", required_argument, NULL, 2},
	                                         {"timeout", required_argument, NULL, 3},
	                                         {"state-dir", required_argument, NULL, 4},
	                                         {"splay", required_argument, NULL, 5},
	                                         {"verbose", no_argument, NULL, 'v'},
	                                         {"quiet", no_argument, NULL, 'q'},
	                                         {"version", no_argument, NULL, 'V'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	char err[FC_ERRLEN];
	int c, idx;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:r:o:s:t:vqVh", longopts, &idx)) != -1) {
		const char *name = NULL;

		switch (c) {
		case 'h': fputs(usage_text, stdout); return -1;
		case 'V': printf("fleetcensus-agent %s\n", FC_VERSION); return -1;
		case 'v': cli->verbose = 1; continue;
		case 'q': cli->quiet = 1; continue;
		case 'c':
			free(cli->config);
			cli->config = xstrdup(optarg);
			continue;
		case ':': LOG_ERR("option '%s' needs a value", argv[optind - 1]); return EXIT_USAGE;
		case '?':
			LOG_ERR("unknown option '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		case 'r': name = "root"; break;
		case 'o': name = "output"; break;
		case 's': name = "server"; break;
		case 't': name = "token"; break;
		default: name = longopts[idx].name; break;
		}
		if (config_set(cli, name, optarg, err) != FC_OK) {
			LOG_ERR("--%s", err + (err[0] == '\'' ? 1 : 0));
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
	if (!o->state_dir)
		o->state_dir = plat_default_state_dir();
	if (o->timeout < 0)
		o->timeout = CONFIG_DEFAULT_TIMEOUT;
	return 0;
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
		return 0;
	}
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
	struct tm tm;

	plat_gmtime(now, &tm);
	strftime(at, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	plat_gmtime(created, &tm);
	strftime(since, 32, "%Y-%m-%d-%H-%M-%S", &tm);
}

/* Builds the report. In output mode a state dir that cannot be used only
 * costs the agent id its persistence. */
static int collect(const struct agent_opts *o, bool sending, char **json)
{
	char agent_id[STATE_ID_LEN + 1], report_id[STATE_ID_LEN + 1], err[FC_ERRLEN];
	char at[32], since[32];
	struct report_ids ids;
	struct report_summary sum;
	time_t now = time(NULL), created = now;

	if (spool_mkdirs(o->state_dir, err) != FC_OK ||
	    state_agent_id(o->state_dir, agent_id, &created, err) != FC_OK) {
		if (sending) {
			LOG_ERR("state: %s", err);
			return EXIT_CANTCREAT;
		}
		LOG_WARN("state: %s; this report's agent id is not kept", err);
		if (state_new_uuid(agent_id) != FC_OK)
			return EXIT_SOFTWARE;
	}
	if (state_new_uuid(report_id) != FC_OK)
		return EXIT_SOFTWARE;
	format_times(now, created, at, since);
	ids.agent_id = agent_id;
	ids.since = since;
	ids.report_id = report_id;
	ids.collected_at = at;
	if (report_build(o->root, &ids, json, &sum) != FC_OK)
		return EXIT_SOFTWARE;
	LOG_INFO("collected: os %s, software %s (%ld packages), hardware %s",
	         section_status_name(sum.os), section_status_name(sum.software), sum.packages,
	         section_status_name(sum.hardware));
	return 0;
}

/* Writes the report to path ('-' = stdout); a file is replaced atomically. */
static int write_output(const char *path, const char *json)
{
	size_t len = strlen(json);
	char tmp[4200];
	FILE *f;
	int fd;

	if (!strcmp(path, "-")) {
		if (fwrite(json, 1, len, stdout) != len || putchar('\n') == EOF ||
		    fflush(stdout) != 0) {
			LOG_ERR("cannot write the report to stdout: %s", strerror(errno));
			return EXIT_CANTCREAT;
		}
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	fd = plat_mkstemp(tmp);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		LOG_ERR("cannot create '%s': %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_CANTCREAT;
	}
	if (fwrite(json, 1, len, f) != len || fputc('\n', f) == EOF || fflush(f) != 0 ||
	    plat_fsync(fd) != 0 || plat_make_public(fd) != 0) {
		LOG_ERR("cannot write '%s': %s", tmp, strerror(errno));
		fclose(f);
		plat_unlink(tmp);
		return EXIT_CANTCREAT;
	}
	fclose(f);
	if (plat_replace(tmp, path) != 0) {
		LOG_ERR("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		plat_unlink(tmp);
		return EXIT_CANTCREAT;
	}
	LOG_INFO("report written to '%s' (%zu bytes)", path, len);
	return 0;
}

static void splay_wait(long splay)
{
	unsigned int r = 0;

	if (splay <= 0 || os_random(&r, sizeof(r)) != FC_OK)
		return;
	r %= (unsigned int)splay + 1;
	LOG_INFO("waiting %u seconds (splay) before sending", r);
	sleep(r);
}

/* Sends the report; keeps it in the spool when it cannot be delivered now. */
static int deliver(const struct agent_opts *o, const char *json)
{
	struct send_opts so = {o->server, o->token, o->cacert, o->timeout, o->verbose > 0};
	struct send_result res;
	char err[FC_ERRLEN];
	struct buf gz;
	enum fc_rc rc;
	int code;

	buf_init(&gz, 256u << 20);
	if (gzip_compress(json, strlen(json), &gz) != FC_OK) {
		LOG_ERR("cannot compress the report");
		return EXIT_SOFTWARE;
	}
	/* The new report supersedes any spooled one: spool it first, so that
	 * nothing is lost if this run dies while sending. */
	if (spool_put(o->state_dir, gz.ptr, gz.len, err) != FC_OK) {
		LOG_ERR("spool: %s", err);
		buf_release(&gz);
		return EXIT_CANTCREAT;
	}
	splay_wait(o->splay);
	rc = send_report(&so, gz.ptr, gz.len, &res);
	buf_release(&gz);
	switch (rc) {
	case FC_OK:
		code = EXIT_DONE;
		LOG_INFO("delivered to %s (HTTP %ld)", o->server, res.http_status);
		break;
	case FC_EREFUSED:
		code = EXIT_REFUSED;
		LOG_ERR("the collector refused the report: %s", res.message);
		break;
	default:
		LOG_ERR("not delivered, kept for the next run: %s", res.message);
		return EXIT_TEMPFAIL;
	}
	if (spool_clear(o->state_dir, err) != FC_OK)
		LOG_WARN("spool: %s", err);
	return code;
}

static int run(const struct agent_opts *o)
{
	struct stat st;
	char *json = NULL, err[FC_ERRLEN];
	int code, lockfd = -1;
	enum fc_rc rc;

	if (o->root && (plat_stat(o->root, &st) != 0 || !S_ISDIR(st.st_mode))) {
		LOG_ERR("root '%s' is not a readable directory", o->root);
		return EXIT_NOINPUT;
	}
	if (o->output) {
		code = collect(o, false, &json);
		if (code == 0)
			code = write_output(o->output, json);
		free(json);
		return code;
	}
	rc = spool_mkdirs(o->state_dir, err);
	if (rc == FC_OK)
		rc = spool_lock(o->state_dir, &lockfd, err);
	if (rc) {
		LOG_ERR("%s", err);
		return rc == FC_ELOCKED ? EXIT_TEMPFAIL : EXIT_CANTCREAT;
	}
	code = collect(o, true, &json);
	if (code == 0)
		code = deliver(o, json);
	free(json);
	spool_unlock(lockfd);
	return code;
}

int main(int argc, char **argv)
{
	struct agent_opts cli, o;
	int code;

	log_set_prog("fleetcensus-agent");
	plat_utf8_args(&argc, &argv);
	agent_opts_init(&cli);
	agent_opts_init(&o);
	code = parse_args(argc, argv, &cli);
	if (code == 0)
		code = load_config(&cli, &o);
	if (code == 0) {
		if (o.quiet > 0)
			log_threshold = LOG_LEVEL_ERR;
		else if (o.verbose > 0)
			log_threshold = LOG_LEVEL_INFO;
		if (!o.output && !o.server) {
			LOG_ERR("nothing to do: give --output FILE or --server URL (see --help)");
			code = EXIT_USAGE;
		} else if (!o.output) {
			code = load_token(&o);
		}
	}
	if (code == 0 && !o.output && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		LOG_ERR("cannot initialise libcurl");
		code = EXIT_SOFTWARE;
	} else if (code == 0) {
		code = run(&o); /* libcurl is initialised only when sending */
		if (!o.output)
			curl_global_cleanup();
	}
	agent_opts_release(&cli);
	agent_opts_release(&o);
	return code < 0 ? 0 : code;
}
