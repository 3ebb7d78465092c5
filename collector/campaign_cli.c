/* campaign_cli.c - the command line of campaigns and organisation
 * attributes (fleetcensus-collector campaign ..., org set ...): options
 * and exit codes only; what the commands do is campaign.c's. main.c hands
 * these commands over whole (campaign_cli.h). */
#include "campaign_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "auth.h"
#include "campaign.h"
#include "lifecycle.h"
#include "log.h"
#include "outfile.h"
#include "store.h"
#include "xalloc.h"

#define CLI_MAX_OUTPUT ((size_t)1 << 31)
#define CLI_MAX_SCHEDULE ((size_t)1 << 20)
#define CLI_MAX_LIFECYCLE 16
#define CLI_MAX_ATTRS 32

/* Which options each action takes (bits of 1 << (option - C_DB)). */
#define B(o) (1u << ((o)-C_DB))

struct cli {
	const char *db, *org, *products, *split, *as_of, *deadline, *prices, *fees;
	const char *output, *token_file, *kind, *population;
	const char *lifecycle[CLI_MAX_LIFECYCLE];
	size_t n_lifecycle;
	const char *attrs[CLI_MAX_ATTRS];
	size_t n_attrs;
	long horizon_months, min_cell;
	enum campaign_format format;
	bool help;
	unsigned seen; /* B() of the options given */
	const char *seen_name[32];
	char **args;
	int nargs;
};

static const char usage_text[] =
    "usage:\n"
    "  fleetcensus-collector org set NAME [--kind KIND] [--population N]\n"
    "       [--attr KEY=VALUE]... [--db FILE]\n"
    "  fleetcensus-collector campaign create NAME --products P[,P...] --as-of DATE\n"
    "       [--horizon-months N] --deadline DATE [--prices FILE] [--fees FILE]\n"
    "       [--min-cell K] [--split win11] [--db FILE]\n"
    "  fleetcensus-collector campaign join|sign|withdraw NAME --org ORG\n"
    "       [--token-file FILE] [--lifecycle FILE]... [--db FILE]\n"
    "  fleetcensus-collector campaign close NAME [--db FILE]\n"
    "  fleetcensus-collector campaign show|cost NAME [--format table|csv|json|xlsx]\n"
    "       [--output FILE] [--token-file FILE] [--lifecycle FILE]... [--db FILE]\n"
    "  fleetcensus-collector campaign list [--format F] [--output FILE] [--db FILE]\n"
    "  fleetcensus-collector campaign log NAME [--format F] [--output FILE] [--db FILE]\n"
    "\n"
    "Joint tender campaigns (docs/campaigns.md, fleetcensus-collector(8)). The\n"
    "command line acts as the admin, recorded as cli:USER; with --token-file it\n"
    "acts as that token (a manager for its own organisation only). Signing\n"
    "freezes the organisation's rows; after the deadline day (UTC) or close the\n"
    "campaign is final. --split win11 splits each line by the Windows 11 verdict\n"
    "(a win11 column after arch; cost replaces only the replace machines).\n"
    "--format xlsx needs --output.\n"
    "\n"
    "Exit status: 0 done, 64 usage, 65 refused (no such campaign or organisation,\n"
    "final campaign, wrong state, name taken, bad schedule data), 66 no such\n"
    "database or file, 74 I/O or database error, 75 busy, 77 not permitted.\n";

void campaign_cli_usage(FILE *f)
{
	fprintf(f, "  org set NAME [--kind KIND] [--population N] [--attr KEY=VALUE]...\n"
	           "  campaign create|join|sign|withdraw|close|show|cost|list|log ...\n");
}

static int exit_for(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return EX_OK;
	case FC_EUSAGE: return EX_USAGE;
	case FC_EPARSE:
	case FC_ELIMIT:
	case FC_ENOENT:
	case FC_EEXIST:
	case FC_EREFUSED: return EX_DATAERR;
	case FC_EPERM: return EX_NOPERM;
	case FC_EBUSY:
	case FC_ELOCKED: return EX_TEMPFAIL;
	case FC_EIO:
	case FC_EDB: return EX_IOERR;
	default: return EX_SOFTWARE;
	}
}

enum {
	C_DB = 256,
	C_ORG,
	C_PRODUCTS,
	C_SPLIT,
	C_ASOF,
	C_HORIZON,
	C_DEADLINE,
	C_PRICES,
	C_FEES,
	C_MINCELL,
	C_FORMAT,
	C_OUTPUT,
	C_TOKENFILE,
	C_LIFECYCLE,
	C_KIND,
	C_POPULATION,
	C_ATTR,
};

static const struct option longopts[] = {{"db", required_argument, NULL, C_DB},
                                         {"org", required_argument, NULL, C_ORG},
                                         {"products", required_argument, NULL, C_PRODUCTS},
                                         {"split", required_argument, NULL, C_SPLIT},
                                         {"as-of", required_argument, NULL, C_ASOF},
                                         {"horizon-months", required_argument, NULL, C_HORIZON},
                                         {"deadline", required_argument, NULL, C_DEADLINE},
                                         {"prices", required_argument, NULL, C_PRICES},
                                         {"fees", required_argument, NULL, C_FEES},
                                         {"min-cell", required_argument, NULL, C_MINCELL},
                                         {"format", required_argument, NULL, C_FORMAT},
                                         {"output", required_argument, NULL, C_OUTPUT},
                                         {"token-file", required_argument, NULL, C_TOKENFILE},
                                         {"lifecycle", required_argument, NULL, C_LIFECYCLE},
                                         {"kind", required_argument, NULL, C_KIND},
                                         {"population", required_argument, NULL, C_POPULATION},
                                         {"attr", required_argument, NULL, C_ATTR},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};

static bool parse_long(const char *name, const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || s[0] == '+' || v > max) {
		LOG_ERR("--%s: '%s' is not a number from 0 to %ld", name, s, max);
		return false;
	}
	*out = v;
	return true;
}

static int parse_one(struct cli *c, int opt, const char *val, const char *name)
{
	switch (opt) {
	case C_DB: c->db = val; break;
	case C_ORG: c->org = val; break;
	case C_PRODUCTS: c->products = val; break;
	case C_SPLIT: c->split = val; break;
	case C_ASOF: c->as_of = val; break;
	case C_DEADLINE: c->deadline = val; break;
	case C_PRICES: c->prices = val; break;
	case C_FEES: c->fees = val; break;
	case C_OUTPUT: c->output = val; break;
	case C_TOKENFILE: c->token_file = val; break;
	case C_KIND: c->kind = val; break;
	case C_POPULATION: c->population = val; break;
	case C_HORIZON: return parse_long(name, val, 1200, &c->horizon_months) ? 0 : EX_USAGE;
	case C_MINCELL: return parse_long(name, val, 1000000, &c->min_cell) ? 0 : EX_USAGE;
	case C_FORMAT:
		if (!campaign_format_parse(val, &c->format)) {
			LOG_ERR("--format: want table, csv, json or xlsx, not '%s'", val);
			return EX_USAGE;
		}
		break;
	case C_LIFECYCLE:
		if (c->n_lifecycle == CLI_MAX_LIFECYCLE) {
			LOG_ERR("--lifecycle: at most %d files", CLI_MAX_LIFECYCLE);
			return EX_USAGE;
		}
		c->lifecycle[c->n_lifecycle++] = val;
		break;
	case C_ATTR:
		if (c->n_attrs == CLI_MAX_ATTRS) {
			LOG_ERR("--attr: at most %d", CLI_MAX_ATTRS);
			return EX_USAGE;
		}
		c->attrs[c->n_attrs++] = val;
		break;
	default: return EX_USAGE;
	}
	return 0;
}

static int parse(int argc, char **argv, struct cli *c)
{
	int opt, idx, code;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, &idx)) != -1) {
		if (opt == 'h') {
			c->help = true;
		} else if (opt == ':') {
			LOG_ERR("option '%s' needs a value", argv[optind - 1]);
			return EX_USAGE;
		} else if (opt == '?') {
			LOG_ERR("unknown option '%s' (see --help)", argv[optind - 1]);
			return EX_USAGE;
		} else {
			code = parse_one(c, opt, optarg, longopts[idx].name);
			if (code)
				return code;
			c->seen |= B(opt);
			c->seen_name[opt - C_DB] = longopts[idx].name;
		}
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	return 0;
}

/* Reads a whole file of at most max bytes into a NUL-terminated string. */
static int read_file(const char *opt, const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	char *p;
	bool bad;

	*out = NULL;
	if (!f) {
		LOG_ERR("--%s '%s': %s", opt, path, strerror(errno));
		return EX_NOINPUT;
	}
	p = xmalloc(max + 2);
	n = fread(p, 1, max + 1, f);
	bad = ferror(f) != 0;
	if (bad || n > max) {
		LOG_ERR("--%s '%s': %s", opt, path, bad ? "read error" : "too large");
		fclose(f);
		free(p);
		return bad ? EX_IOERR : EX_DATAERR;
	}
	fclose(f);
	p[n] = '\0';
	*out = p;
	*len = n;
	return 0;
}

/* --token-file: acts as that token (its first line). */
static int token_actor(struct store *st, const char *path, struct campaign_actor *a)
{
	unsigned char hash[AUTH_HASH_LEN];
	char err[FC_ERRLEN] = "", *text;
	struct store_token t;
	size_t len;
	enum fc_rc rc;
	int code = read_file("token-file", path, 256, &text, &len);

	if (code)
		return code;
	text[strcspn(text, "\r\n")] = '\0';
	auth_token_hash(text, hash);
	free(text);
	rc = store_token_check(st, hash, &t, err);
	if (rc) {
		LOG_ERR("--token-file '%s': %s", path,
		        rc == FC_ENOENT ? "unknown or revoked token" : err);
		return rc == FC_ENOENT ? EX_NOPERM : exit_for(rc);
	}
	memset(a, 0, sizeof(*a));
	a->role = t.role;
	a->org_id = t.org_id;
	snprintf(a->who, sizeof(a->who), "token:%lld", (long long)t.id);
	return 0;
}

static int load_lifecycle(const struct cli *c, struct lifecycle **out)
{
	char err[FC_ERRLEN] = "";
	struct lifecycle *lc = lifecycle_new();
	enum fc_rc rc = FC_OK;
	size_t i;

	*out = NULL;
	if (!lc)
		return EX_SOFTWARE;
	for (i = 0; rc == FC_OK && i < c->n_lifecycle; i++)
		rc = lifecycle_add_file(lc, c->lifecycle[i], err);
	if (rc) {
		LOG_ERR("--lifecycle '%s': %s", c->lifecycle[i - 1], err);
		lifecycle_free(lc);
		return rc == FC_ENOENT || rc == FC_EIO ? EX_NOINPUT : exit_for(rc);
	}
	*out = lc;
	return 0;
}

/* Writes out to --output (common/outfile.h, as report --output does) or
 * standard output. */
static int emit(const struct cli *c, const struct buf *out)
{
	char err[FC_ERRLEN];

	if (c->output) {
		if (outfile_save(c->output, out->ptr ? out->ptr : "", out->len, err) == FC_OK)
			return 0;
		LOG_ERR("--output: %s", err);
		return EX_CANTCREAT;
	}
	if (out->len && fwrite(out->ptr, 1, out->len, stdout) != out->len)
		return EX_IOERR;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		LOG_ERR("cannot write to standard output: %s", strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

static int cmd_create(struct store *st, const struct cli *c, const struct campaign_actor *a)
{
	struct campaign_spec s;
	char err[FC_ERRLEN] = "", *prices = NULL, *fees = NULL;
	enum fc_rc rc;
	int code = 0;

	memset(&s, 0, sizeof(s));
	if (!c->products || !c->as_of || !c->deadline) {
		LOG_ERR("campaign create: --products, --as-of and --deadline are needed");
		return EX_USAGE;
	}
	if (c->prices)
		code = read_file("prices", c->prices, CLI_MAX_SCHEDULE, &prices, &s.prices_len);
	if (!code && c->fees)
		code = read_file("fees", c->fees, CLI_MAX_SCHEDULE, &fees, &s.fees_len);
	s.name = c->args[1];
	s.products = c->products;
	s.split = c->split;
	s.as_of = c->as_of;
	s.deadline = c->deadline;
	s.horizon_months = c->horizon_months;
	s.min_cell = c->min_cell;
	s.prices = prices;
	s.fees = fees;
	s.prices_name = c->prices;
	s.fees_name = c->fees;
	if (!code) {
		rc = campaign_create(st, &s, a, err);
		if (rc)
			LOG_ERR("campaign create: %s", err);
		code = exit_for(rc);
	}
	free(prices);
	free(fees);
	return code;
}

/* org set NAME: each attribute in turn. */
static int cmd_org_set(struct store *st, const struct cli *c, const struct campaign_actor *a)
{
	char err[FC_ERRLEN] = "", key[80];
	enum fc_rc rc = FC_OK;
	const char *eq;
	size_t i;

	if (!c->kind && !c->population && !c->n_attrs) {
		LOG_ERR("org set: give --kind, --population or --attr KEY=VALUE");
		return EX_USAGE;
	}
	if (c->kind)
		rc = campaign_org_set(st, c->args[1], "kind", c->kind, a, err);
	if (rc == FC_OK && c->population)
		rc = campaign_org_set(st, c->args[1], "population", c->population, a, err);
	for (i = 0; rc == FC_OK && i < c->n_attrs; i++) {
		eq = strchr(c->attrs[i], '=');
		if (!eq || (size_t)(eq - c->attrs[i]) >= sizeof(key)) {
			LOG_ERR("--attr: want KEY=VALUE, not '%s'", c->attrs[i]);
			return EX_USAGE;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - c->attrs[i]), c->attrs[i]);
		rc = campaign_org_set(st, c->args[1], key, eq[1] ? eq + 1 : NULL, a, err);
	}
	if (rc)
		LOG_ERR("org set: %s", err);
	return exit_for(rc);
}

/* The commands that print a table. */
static int cmd_table(struct store *st, const struct cli *c, const struct campaign_actor *a)
{
	const char *what = c->args[0];
	char err[FC_ERRLEN] = "";
	struct lifecycle *lc = NULL;
	struct buf out;
	enum fc_rc rc;
	int code = load_lifecycle(c, &lc);

	if (code)
		return code;
	buf_init(&out, CLI_MAX_OUTPUT);
	if (!strcmp(what, "show"))
		rc = campaign_show(st, lc, c->args[1], a, c->format, &out, err);
	else if (!strcmp(what, "cost"))
		rc = campaign_cost(st, lc, c->args[1], a, c->format, &out, err);
	else if (!strcmp(what, "log"))
		rc = campaign_log(st, c->args[1], a, c->format, &out, err);
	else
		rc = campaign_list(st, a, c->format, &out, err);
	lifecycle_free(lc);
	if (rc) {
		LOG_ERR("campaign %s: %s", what, err);
		code = exit_for(rc);
	} else {
		code = emit(c, &out);
	}
	buf_release(&out);
	return code;
}

static int cmd_act(struct store *st, const struct cli *c, const struct campaign_actor *a,
                   enum campaign_action action)
{
	char err[FC_ERRLEN] = "";
	struct lifecycle *lc = NULL;
	enum fc_rc rc;
	int code;

	if (!c->org) {
		LOG_ERR("campaign %s: --org ORG is needed", c->args[0]);
		return EX_USAGE;
	}
	code = load_lifecycle(c, &lc);
	if (code)
		return code;
	rc = campaign_act(st, lc, c->args[1], c->org, action, a, err);
	lifecycle_free(lc);
	if (rc)
		LOG_ERR("campaign %s: %s", c->args[0], err);
	return exit_for(rc);
}

/* The options action takes. */
static unsigned action_opts(const char *action)
{
	static const struct {
		const char *action;
		unsigned opts;
	} table[] = {
	    {"set", B(C_KIND) | B(C_POPULATION) | B(C_ATTR)},
	    {"create", B(C_PRODUCTS) | B(C_SPLIT) | B(C_ASOF) | B(C_HORIZON) | B(C_DEADLINE) |
	                   B(C_PRICES) | B(C_FEES) | B(C_MINCELL) | B(C_TOKENFILE)},
	    {"join", B(C_ORG) | B(C_TOKENFILE) | B(C_LIFECYCLE)},
	    {"sign", B(C_ORG) | B(C_TOKENFILE) | B(C_LIFECYCLE)},
	    {"withdraw", B(C_ORG) | B(C_TOKENFILE) | B(C_LIFECYCLE)},
	    {"close", B(C_TOKENFILE)},
	    {"show", B(C_FORMAT) | B(C_OUTPUT) | B(C_TOKENFILE) | B(C_LIFECYCLE)},
	    {"cost", B(C_FORMAT) | B(C_OUTPUT) | B(C_TOKENFILE) | B(C_LIFECYCLE)},
	    {"list", B(C_FORMAT) | B(C_OUTPUT) | B(C_TOKENFILE)},
	    {"log", B(C_FORMAT) | B(C_OUTPUT) | B(C_TOKENFILE)},
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].action, action))
			return table[i].opts | B(C_DB);
	return B(C_DB);
}

/* Checks the arguments: the action, its options and (but for list) the
 * name. */
static int check_args(const struct cli *c, bool org_set)
{
	static const char *const actions[] = {"create", "join", "sign", "withdraw", "close",
	                                      "show",   "cost", "list", "log"};
	const char *what = org_set ? "org set" : c->nargs ? c->args[0] : "";
	bool list = !org_set && !strcmp(what, "list");
	unsigned extra;
	size_t i;

	for (i = 0; !org_set && i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(what, actions[i]))
			break;
	if (!org_set && i == sizeof(actions) / sizeof(actions[0])) {
		LOG_ERR("campaign: %s '%s' (see campaign --help)",
		        c->nargs ? "unknown action" : "missing action", what);
		return EX_USAGE;
	}
	extra = c->seen & ~action_opts(org_set ? "set" : what);
	for (i = 0; extra && i < 32; i++)
		if (extra & (1u << i)) {
			LOG_ERR("%s: option '--%s' does not apply (see --help)", what,
			        c->seen_name[i]);
			return EX_USAGE;
		}
	if (c->nargs < (list ? 1 : 2)) {
		LOG_ERR("%s: missing NAME (see --help)", what);
		return EX_USAGE;
	}
	if (c->nargs > (list ? 1 : 2)) {
		LOG_ERR("%s: unexpected argument '%s' (see --help)", what, c->args[list ? 1 : 2]);
		return EX_USAGE;
	}
	if (c->format == CAMPAIGN_XLSX && !c->output) {
		LOG_ERR("--format xlsx needs --output FILE");
		return EX_USAGE;
	}
	return 0;
}

static int run(struct store *st, const struct cli *c, struct campaign_actor *a)
{
	char err[FC_ERRLEN] = "";
	enum campaign_action action;
	const char *what = c->args[0];
	enum fc_rc rc;
	int code = 0;

	if (c->token_file)
		code = token_actor(st, c->token_file, a);
	if (code)
		return code;
	if (!strcmp(what, "set"))
		return cmd_org_set(st, c, a);
	if (!strcmp(what, "create"))
		return cmd_create(st, c, a);
	if (campaign_action_parse(what, &action))
		return cmd_act(st, c, a, action);
	if (strcmp(what, "close"))
		return cmd_table(st, c, a);
	rc = campaign_close(st, c->args[1], a, err);
	if (rc)
		LOG_ERR("campaign close: %s", err);
	return exit_for(rc);
}

int campaign_cli(int argc, char **argv, const char *db)
{
	struct campaign_actor a;
	char err[FC_ERRLEN] = "";
	struct store *st = NULL;
	struct cli c;
	bool org_set = !strcmp(argv[0], "org");
	enum fc_rc rc;
	int code;

	memset(&c, 0, sizeof(c));
	c.db = db;
	code = parse(argc, argv, &c);
	if (code)
		return code;
	if (c.help) {
		fputs(usage_text, stdout);
		return fflush(stdout) ? EX_IOERR : EX_OK;
	}
	code = check_args(&c, org_set);
	if (code)
		return code;
	rc = store_open(c.db, false, &st, err);
	if (rc) {
		LOG_ERR("database '%s': %s", c.db, err);
		return rc == FC_ENOENT ? EX_NOINPUT : exit_for(rc);
	}
	campaign_actor_cli(&a);
	code = run(st, &c, &a);
	store_close(st);
	return code;
}
