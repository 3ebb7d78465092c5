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
#include "exitcode.h"
#include "gzip.h"
#include "hostenv.h"
#include "log.h"
#include "output.h"
#include "relay.h"
#include "platform.h"
#include "report.h"
#include "send.h"
#include "spool.h"
#include "state.h"
#include "xalloc.h"

/* The two %s: the default settings file and state directory (platform.h). */
static const char usage_text[] =
    "usage: fleetcensus-agent [options]\n"
    "\n"
    "Collects this machine's operating system, hardware and installed packages\n"
    "as one inventory report, then writes it (--output) or sends it (--server).\n"
    "\n"
    "  -c, --config FILE     settings file (default %s)\n"
    "  -r, --root DIR        read the system below DIR instead of /\n"
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
    "  -v, --verbose         say what is done\n"
    "  -q, --quiet           print errors only\n"
    "  -V, --version         print the version and exit\n"
    "  -h, --help            print this help and exit\n"
    "\n"
    "Exit status: 0 done, 64 usage, 66 unreadable input, 69 refused by the\n"
    "collector, 73 output not writable, 75 not delivered now (kept in the spool),\n"
    "78 bad configuration. See fleetcensus-agent(8).\n";

static void usage(void)
{
	char *conf = plat_default_config_help(), *state = plat_default_state_dir();

	printf(usage_text, conf, state);
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
	if (!o->state_dir)
		o->state_dir = plat_default_state_dir();
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
	struct tm tm;

	plat_gmtime(now, &tm);
	strftime(at, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	plat_gmtime(created, &tm);
	strftime(since, 32, "%Y-%m-%d-%H-%M-%S", &tm);
}

/* One collected report and the ids it carries (its strings live here). */
struct collected {
	struct report *r;
	char agent_id[STATE_ID_LEN + 1];
	char report_id[STATE_ID_LEN + 1];
	char at[32];
	char since[32];
};

static void collected_release(struct collected *c)
{
	report_free(c->r);
	c->r = NULL;
}

/* Collects the OS and hardware facts into c (the packages are read while
 * the report is written). In output mode a state dir that cannot be used
 * only costs the agent id its persistence. */
static int collect(const struct agent_opts *o, bool sending, struct collected *c)
{
	char err[FC_ERRLEN];
	struct report_ids ids;
	time_t now = time(NULL), created = now;

	if (spool_mkdirs(o->state_dir, err) != FC_OK ||
	    state_agent_id(o->state_dir, c->agent_id, &created, err) != FC_OK) {
		if (sending) {
			LOG_ERR("state: %s", err);
			return EXIT_CANTCREAT;
		}
		LOG_WARN("state: %s; this report's agent id is not kept", err);
		if (state_new_uuid(c->agent_id) != FC_OK)
			return EXIT_SOFTWARE;
	}
	if (state_new_uuid(c->report_id) != FC_OK)
		return EXIT_SOFTWARE;
	format_times(now, created, c->at, c->since);
	ids.agent_id = c->agent_id;
	ids.since = c->since;
	ids.report_id = c->report_id;
	ids.collected_at = c->at;
	return report_collect(o->root, &ids, &c->r) == FC_OK ? 0 : EXIT_SOFTWARE;
}

static void log_collected(const struct collected *c)
{
	const struct report_summary *sum = report_summary(c->r);

	LOG_INFO("collected: os %s, software %s (%ld packages), hardware %s",
	         section_status_name(sum->os), section_status_name(sum->software), sum->packages,
	         section_status_name(sum->hardware));
}

/* --output: writes the report (output.c). Returns 0 or an exit code. */
static int write_output(const char *path, const struct collected *c)
{
	enum fc_rc rc = output_write(path, c->r, c->at, c->report_id);

	log_collected(c);
	if (rc == FC_ENOMEM)
		return EXIT_SOFTWARE;
	return rc ? EXIT_CANTCREAT : 0;
}

static void splay_wait(long splay)
{
	unsigned int r = 0;

	if (splay <= 0 || os_random(&r, sizeof(r)) != FC_OK)
		return;
	r %= (unsigned int)splay + 1;
	LOG_INFO("waiting %u seconds (splay) before sending", r);
	plat_sleep_ms((long)r * 1000);
}

/* Sends the short report when the software list is the one the collector
 * last accepted, else (or when the collector asks with 409) the full one,
 * read from the spool file. *full_sent tells which went last. */
static enum fc_rc send_short_or_full(const struct agent_opts *o, const struct send_opts *so,
                                     const struct collected *c, const struct send_body *full,
                                     struct send_result *res, bool *full_sent)
{
	const struct report_summary *sum = report_summary(c->r);
	char known[STATE_DIGEST_LEN + 1];
	struct report_sink sink;
	struct send_body body = {NULL, NULL, NULL, 0};
	struct buf json, gz;
	enum fc_rc rc;

	*full_sent = true;
	if (sum->software != SECTION_OK || state_read_digest(o->state_dir, known) != FC_OK ||
	    strcmp(known, sum->software_digest) != 0)
		return send_report_backoff(so, full, res);
	buf_init(&json, SPOOL_MAX);
	buf_init(&gz, SPOOL_MAX);
	report_sink_buf(&sink, &json);
	rc = report_write(c->r, REPORT_SHORT, &sink);
	if (!rc)
		rc = gzip_compress(json.ptr, json.len, &gz);
	buf_release(&json);
	if (rc) {
		snprintf(res->message, sizeof(res->message), "cannot build the short report: %s",
		         fc_strerror(rc));
		buf_release(&gz);
		return FC_ENOMEM;
	}
	LOG_INFO("software list unchanged (%s): sending the short report", known);
	*full_sent = false;
	body.data = gz.ptr;
	body.len = gz.len;
	rc = send_report_backoff(so, &body, res);
	buf_release(&gz);
	if (rc != FC_EREFUSED || !res->resend_full)
		return rc;
	LOG_INFO("the collector asks for the full report (%s)", res->message);
	*full_sent = true;
	return send_report_backoff(so, full, res);
}

/* Streams the full report, gzip-compressed, into the spool. */
static int spool_report(const struct agent_opts *o, const struct collected *c)
{
	struct spool_writer *w;
	struct report_sink sink = {spool_write, spool_restart, NULL};
	char err[FC_ERRLEN];
	enum fc_rc rc;

	rc = spool_begin(o->state_dir, &w, err);
	if (rc) {
		LOG_ERR("spool: %s", err);
		return EXIT_CANTCREAT;
	}
	sink.ctx = w;
	rc = report_write(c->r, REPORT_FULL, &sink);
	log_collected(c);
	if (rc) {
		(void)spool_commit(w, err); /* fails with the writer's error, which is err */
		LOG_ERR("spool: %s", err);
		return EXIT_CANTCREAT;
	}
	if (spool_commit(w, err) != FC_OK) {
		LOG_ERR("spool: %s", err);
		return EXIT_CANTCREAT;
	}
	return 0;
}

/* Sends the report; keeps it in the spool when it cannot be delivered now. */
static int deliver(const struct agent_opts *o, const struct collected *c)
{
	struct send_opts so = {o->server, o->token, o->cacert, o->timeout, o->verbose > 0};
	struct send_body full = {NULL, NULL, NULL, 0};
	struct send_result res;
	char err[FC_ERRLEN], path[SPOOL_PATH_MAX];
	struct buf small;
	enum fc_rc rc;
	bool full_sent;
	int code;

	/* The new report supersedes any spooled one: spool it first, so that
	 * nothing is lost if this run dies while sending. */
	code = spool_report(o, c);
	if (code)
		return code;
	if (spool_file(o->state_dir, path, &full.len, err) != FC_OK) {
		LOG_ERR("spool: %s", err);
		return EXIT_CANTCREAT;
	}
	/* A small report is sent from memory, a large one read from the file as
	 * it goes: memory stays bounded either way, and a small one needs no
	 * descriptor next to libcurl's while it is sent. */
	buf_init(&small, SEND_MEMORY_BODY_MAX);
	if (full.len <= SEND_MEMORY_BODY_MAX && spool_get(o->state_dir, &small, err) == FC_OK) {
		full.data = small.ptr;
		full.len = small.len;
	} else {
		full.path = path;
	}
	splay_wait(o->splay);
	rc = send_short_or_full(o, &so, c, &full, &res, &full_sent);
	buf_release(&small);
	switch (rc) {
	case FC_OK:
		code = EXIT_DONE;
		LOG_INFO("delivered to %s (HTTP %ld)", o->server, res.http_status);
		if (full_sent && report_summary(c->r)->software == SECTION_OK &&
		    state_write_digest(o->state_dir, report_summary(c->r)->software_digest, err) !=
		        FC_OK)
			LOG_WARN("state: %s; the next report is sent in full", err);
		break;
	case FC_EREFUSED:
		code = EXIT_REFUSED;
		LOG_ERR("the collector refused the report: %s", res.message);
		break;
	case FC_ENOMEM: LOG_ERR("%s", res.message); return EXIT_SOFTWARE;
	default:
		LOG_ERR("not delivered, kept for the next run: %s", res.message);
		return EXIT_TEMPFAIL;
	}
	if (spool_clear(o->state_dir, err) != FC_OK)
		LOG_WARN("spool: %s", err);
	return code;
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

/* --relay DIR: sends the reports found in DIR (relay.c). */
static int run_relay(const struct agent_opts *o, const char *dir)
{
	struct send_opts so = {o->server, o->token, o->cacert, o->timeout, o->verbose > 0};
	struct relay_counts n;
	int code, lockfd = -1;

	code = take_lock(o, &lockfd);
	if (code)
		return code;
	switch (relay_run(dir, &so, &n)) {
	case FC_OK: code = EXIT_DONE; break;
	case FC_EREFUSED: code = EXIT_REFUSED; break;
	case FC_EHTTP:
	case FC_ENET: code = EXIT_TEMPFAIL; break;
	case FC_ECONFIG: code = EXIT_CONFIG; break;
	case FC_EIO: code = EXIT_NOINPUT; break;
	default: code = EXIT_SOFTWARE; break;
	}
	printf("relay %s: sent %d, rejected %d, kept %d, superseded %d, skipped %d\n", dir, n.sent,
	       n.rejected, n.kept, n.superseded, n.skipped);
	fflush(stdout);
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
		code = collect(o, false, &c);
		if (code == 0)
			code = write_output(o->output, &c);
		collected_release(&c);
		return code;
	}
	code = take_lock(o, &lockfd);
	if (code)
		return code;
	code = collect(o, true, &c);
	if (code == 0)
		code = deliver(o, &c);
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
