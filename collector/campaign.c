/* campaign.c - joint tender campaigns (campaign.h, docs/campaigns.md): the
 * rules (who may act, until when), freezing at signing, the audit log,
 * organisation attributes. The rows and the tables made of them are in
 * campaign_table.c, the money in campaign_cost.c. */
#include "campaign.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "campaign_int.h"
#include "fctime.h"
#include "store_campaign.h"
#include "utf8.h"
#include "xalloc.h"

#define SECONDS_PER_DAY 86400
#define CAMP_NAME_MAX 200
#define CAMP_PRODUCTS_MAX 1000
#define TEST_NOW_ENV "FC_TEST_NOW"

void campaign_actor_cli(struct campaign_actor *a)
{
	struct passwd *pw = getpwuid(geteuid());

	memset(a, 0, sizeof(*a));
	a->role = ROLE_ADMIN;
	if (pw && pw->pw_name && strlen(pw->pw_name) < sizeof(a->who) - 4)
		snprintf(a->who, sizeof(a->who), "cli:%s", pw->pw_name);
	else
		snprintf(a->who, sizeof(a->who), "cli:uid %lu", (unsigned long)geteuid());
}

int64_t campaign_now(void)
{
	const char *s = getenv(TEST_NOW_ENV);
	int64_t t;

	if (s && *s && (fctime_parse_rfc3339(s, &t) || fctime_parse_date(s, &t)))
		return t;
	return (int64_t)time(NULL);
}

bool campaign_action_parse(const char *name, enum campaign_action *a)
{
	if (!strcmp(name, "join"))
		*a = CAMPAIGN_JOIN;
	else if (!strcmp(name, "sign"))
		*a = CAMPAIGN_SIGN;
	else if (!strcmp(name, "withdraw"))
		*a = CAMPAIGN_WITHDRAW;
	else
		return false;
	return true;
}

bool campaign_format_parse(const char *name, enum campaign_format *f)
{
	if (!strcmp(name, "table"))
		*f = CAMPAIGN_TABLE;
	else if (!strcmp(name, "csv"))
		*f = CAMPAIGN_CSV;
	else if (!strcmp(name, "json"))
		*f = CAMPAIGN_JSON;
	else if (!strcmp(name, "xlsx"))
		*f = CAMPAIGN_XLSX;
	else
		return false;
	return true;
}

static const char *const action_names[] = {"join", "sign", "withdraw"};

/* ---- a campaign from the store ---- */

static enum fc_rc camp_copy(const struct store_campaign *s, void *ctx)
{
	struct camp *c = ctx;

	c->id = s->id;
	c->name = xstrdup(s->name);
	c->products = xstrdup(s->products);
	c->split = xstrdup(s->split);
	c->as_of = xstrdup(s->as_of);
	c->deadline = xstrdup(s->deadline);
	c->prices = xstrdup(s->prices);
	c->fees = xstrdup(s->fees);
	c->horizon_months = s->horizon_months;
	c->min_cell = s->min_cell;
	c->created = s->created;
	c->closed = s->closed;
	return FC_OK;
}

enum fc_rc camp_get(struct store *st, const char *name, struct camp *c, char *err)
{
	memset(c, 0, sizeof(*c));
	return store_campaign_get(st, name, camp_copy, c, err);
}

void camp_release(struct camp *c)
{
	free(c->name);
	free(c->products);
	free(c->split);
	free(c->as_of);
	free(c->deadline);
	free(c->prices);
	free(c->fees);
	memset(c, 0, sizeof(*c));
}

/* True when changes are still taken at now: not closed, and now is on or
 * before the deadline day (UTC). Otherwise err says why. */
static bool camp_open(const struct camp *c, int64_t now, char *err)
{
	char when[FCTIME_RFC3339_LEN] = "";
	int64_t day = 0;

	if (c->closed) {
		(void)fctime_format_rfc3339(c->closed, when);
		fc_seterr(err, "campaign '%s' is final: it was closed at %s", c->name, when);
		return false;
	}
	if (fctime_parse_date(c->deadline, &day) && now >= day + SECONDS_PER_DAY) {
		fc_seterr(err, "campaign '%s' is final: its deadline %s has passed", c->name,
		          c->deadline);
		return false;
	}
	return true;
}

/* ---- the audit log ---- */

static enum fc_rc log_add(struct store *st, const char *campaign, const struct campaign_actor *a,
                          int64_t now, const char *action, const char *org, const char *old_value,
                          const char *new_value, char *err)
{
	struct store_campaign_log l = {0, campaign, now, a->who, action, org, old_value, new_value};

	return store_campaign_log_add(st, &l, err);
}

/* ---- create, act, close ---- */

static bool name_ok(const char *what, const char *s, size_t max, char *err)
{
	size_t len = s ? strlen(s) : 0, i;

	if (len == 0 || len > max || !utf8_valid(s, len)) {
		fc_seterr(err, "%s: want 1 to %zu bytes of UTF-8", what, max);
		return false;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			fc_seterr(err, "%s: no control characters", what);
			return false;
		}
	return true;
}

static bool spec_ok(const struct campaign_spec *s, char *err)
{
	int64_t t;

	if (!name_ok("campaign name", s->name, CAMP_NAME_MAX, err) ||
	    !name_ok("--products", s->products, CAMP_PRODUCTS_MAX, err))
		return false;
	if (strchr(s->name, '/')) {
		fc_seterr(err, "campaign name: no '/' (it is a part of the HTTP path)");
		return false;
	}
	if (s->products[0] == ',' || s->products[strlen(s->products) - 1] == ',' ||
	    strstr(s->products, ",,")) {
		fc_seterr(err, "--products: want P[,P...], no empty product");
		return false;
	}
	if (s->split && s->split[0] && strcmp(s->split, "win11")) {
		fc_seterr(err, "--split: want win11, not '%.64s'", s->split);
		return false;
	}
	if (!s->as_of || !fctime_parse_date(s->as_of, &t) || t < 0) {
		fc_seterr(err, "--as-of: want a date YYYY-MM-DD");
		return false;
	}
	if (!s->deadline || !fctime_parse_date(s->deadline, &t) || t < 0) {
		fc_seterr(err, "--deadline: want a date YYYY-MM-DD");
		return false;
	}
	if (s->horizon_months < 0 || s->horizon_months > 1200 || s->min_cell < 0 ||
	    s->min_cell > 1000000) {
		fc_seterr(err, "--horizon-months (0 to 1200), --min-cell (0 to 1000000)");
		return false;
	}
	return true;
}

enum fc_rc campaign_create(struct store *st, const struct campaign_spec *spec,
                           const struct campaign_actor *a, char *err)
{
	struct store_campaign c;
	char desc[FC_ERRLEN + 64];
	int64_t id, now = campaign_now();
	enum fc_rc rc;

	if (a->role != ROLE_ADMIN) {
		fc_seterr(err, "only an admin creates a campaign");
		return FC_EPERM;
	}
	if (!spec_ok(spec, err))
		return FC_EUSAGE;
	rc = camp_schedules_check(spec, err);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	c.name = spec->name;
	c.products = spec->products;
	c.split = spec->split ? spec->split : "";
	c.as_of = spec->as_of;
	c.horizon_months = spec->horizon_months;
	c.deadline = spec->deadline;
	c.min_cell = spec->min_cell;
	c.prices = spec->prices ? spec->prices : "";
	c.fees = spec->fees ? spec->fees : "";
	c.created = now;
	snprintf(desc, sizeof(desc),
	         "products=%s as_of=%s horizon_months=%ld deadline=%s min_cell=%ld prices=%s "
	         "fees=%s%s%s",
	         spec->products, spec->as_of, spec->horizon_months, spec->deadline, spec->min_cell,
	         spec->prices_name ? spec->prices_name : "-",
	         spec->fees_name ? spec->fees_name : "-", c.split[0] ? " split=" : "", c.split);
	rc = store_campaign_begin(st, err);
	if (rc)
		return rc;
	rc = store_campaign_add(st, &c, &id, err);
	if (rc == FC_OK)
		rc = log_add(st, spec->name, a, now, "create", "", "", desc, err);
	rc = store_campaign_end(st, rc, err);
	return rc;
}

/* May a act for organisation org_id? */
static enum fc_rc may_act(const struct campaign_actor *a, int64_t org_id, const char *org,
                          char *err)
{
	if (a->role == ROLE_ADMIN || (a->role == ROLE_MANAGER && a->org_id == org_id))
		return FC_OK;
	if (a->role == ROLE_MANAGER)
		fc_seterr(err, "a manager token acts for its own organisation only, not for '%s'",
		          org);
	else
		fc_seterr(err, "a %s token cannot join, sign or withdraw (use a manager token)",
		          auth_role_name(a->role));
	return FC_EPERM;
}

/* "state=S machines=N": what the log says of a membership. */
static void member_text(const struct store_member *m, bool found, int64_t machines, char *out,
                        size_t size)
{
	char when[FCTIME_RFC3339_LEN] = "";

	if (!found) {
		snprintf(out, size, "state=none");
		return;
	}
	if (!strcmp(m->state, "signed")) {
		(void)fctime_format_rfc3339(m->signed_at, when);
		snprintf(out, size, "state=signed signed_at=%s signed_by=%s machines=%lld", when,
		         m->signed_by, (long long)machines);
	} else {
		snprintf(out, size, "state=%s machines=%lld", m->state, (long long)machines);
	}
}

struct freeze {
	struct store *st;
	int64_t campaign_id, org_id, machines, rows;
	char *err;
};

/* The machines of a member: the frozen rows' or the live ones'. */
static int64_t member_machines(const struct crows *r)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < r->n; i++)
		n += r->v[i].machines;
	return n;
}

/* Signing: the organisation's live rows become its frozen rows. */
static enum fc_rc freeze_rows(struct store *st, const struct crows *live, int64_t campaign_id,
                              int64_t org_id, char *err)
{
	struct store_campaign_row fr;
	enum fc_rc rc = store_campaign_rows_clear(st, campaign_id, org_id, err);
	size_t i;

	for (i = 0; rc == FC_OK && i < live->n; i++) {
		fr.org_id = org_id;
		fr.os_product = live->v[i].product;
		fr.os_edition = live->v[i].edition;
		fr.os_release = live->v[i].release;
		fr.arch = live->v[i].arch;
		fr.split = live->v[i].split;
		fr.support_status = live->v[i].status;
		fr.support_end = "";
		fr.machines = live->v[i].machines;
		rc = store_campaign_row_add(st, campaign_id, &fr, err);
	}
	return rc;
}

/* The change itself, inside the transaction: m is the membership before
 * (found), changed to the action's state. */
static enum fc_rc apply(struct store *st, const struct lifecycle *lc, const struct camp *c,
                        struct store_member *m, bool found, enum campaign_action action,
                        const struct campaign_actor *a, int64_t now, char *err)
{
	struct crows before = {NULL, 0, 0}, live = {NULL, 0, 0};
	char old_text[400], new_text[400];
	bool in = found && strcmp(m->state, "withdrawn");
	enum fc_rc rc = FC_OK;

	if (action == CAMPAIGN_JOIN && in) {
		fc_seterr(err, "'%s' has joined campaign '%s' already", m->org, c->name);
		return FC_EEXIST;
	}
	if (action != CAMPAIGN_JOIN && !in) {
		fc_seterr(err, "'%s' is not in campaign '%s' (join it first)", m->org, c->name);
		return FC_EREFUSED;
	}
	if (in)
		rc = crows_collect(st, lc, c, m->org_id, &before, err);
	member_text(m, found, member_machines(&before), old_text, sizeof(old_text));
	if (rc == FC_OK && action == CAMPAIGN_SIGN) {
		rc = crows_live(st, lc, c, m, &live, err);
		if (rc == FC_OK)
			rc = freeze_rows(st, &live, c->id, m->org_id, err);
		snprintf(m->state, sizeof(m->state), "signed");
		m->signed_at = now;
		snprintf(m->signed_by, sizeof(m->signed_by), "%s", a->who);
	} else if (rc == FC_OK) {
		rc = store_campaign_rows_clear(st, c->id, m->org_id, err);
		snprintf(m->state, sizeof(m->state), "%s",
		         action == CAMPAIGN_JOIN ? "joined" : "withdrawn");
		m->signed_at = 0;
		m->signed_by[0] = '\0';
		if (action == CAMPAIGN_JOIN) {
			m->joined_at = now;
			rc = crows_live(st, lc, c, m, &live, err); /* for the log */
		}
	}
	if (rc == FC_OK)
		rc = store_member_put(st, c->id, m, err);
	member_text(m, true, action == CAMPAIGN_WITHDRAW ? 0 : member_machines(&live), new_text,
	            sizeof(new_text));
	if (rc == FC_OK)
		rc = log_add(st, c->name, a, now, action_names[action], m->org, old_text, new_text,
		             err);
	crows_release(&before);
	crows_release(&live);
	return rc;
}

enum fc_rc campaign_act(struct store *st, const struct lifecycle *lc, const char *name,
                        const char *org, enum campaign_action action,
                        const struct campaign_actor *a, char *err)
{
	struct store_member m;
	struct camp c;
	int64_t org_id = 0, now = campaign_now();
	bool found = false;
	enum fc_rc rc;

	memset(&c, 0, sizeof(c));
	rc = store_campaign_begin(st, err);
	if (rc)
		return rc;
	rc = store_org_find(st, org, &org_id, err);
	if (rc == FC_OK)
		rc = may_act(a, org_id, org, err);
	if (rc == FC_OK)
		rc = camp_get(st, name, &c, err);
	if (rc == FC_OK && !camp_open(&c, now, err))
		rc = FC_EREFUSED;
	if (rc == FC_OK)
		rc = store_member_get(st, c.id, org_id, &m, &found, err);
	if (rc == FC_OK && !found) {
		m.org_id = org_id;
		snprintf(m.org, sizeof(m.org), "%s", org);
	}
	if (rc == FC_OK)
		rc = apply(st, lc, &c, &m, found, action, a, now, err);
	rc = store_campaign_end(st, rc, err);
	camp_release(&c);
	return rc;
}

enum fc_rc campaign_close(struct store *st, const char *name, const struct campaign_actor *a,
                          char *err)
{
	int64_t now = campaign_now();
	struct camp c;
	enum fc_rc rc;

	if (a->role != ROLE_ADMIN) {
		fc_seterr(err, "only an admin closes a campaign");
		return FC_EPERM;
	}
	rc = store_campaign_begin(st, err);
	if (rc)
		return rc;
	rc = camp_get(st, name, &c, err);
	if (rc == FC_OK && c.closed) {
		fc_seterr(err, "campaign '%s' is closed already", name);
		rc = FC_EREFUSED;
	}
	if (rc == FC_OK)
		rc = store_campaign_close(st, c.id, now, err);
	if (rc == FC_OK)
		rc = log_add(st, name, a, now, "close", "", "state=open", "state=closed", err);
	rc = store_campaign_end(st, rc, err);
	camp_release(&c);
	return rc;
}

/* ---- organisation attributes ---- */

static bool attr_ok(const char *key, const char *value, char *err)
{
	size_t i, len = strlen(key);
	char *end;
	long long v;

	if (len == 0 || len > STORE_ATTR_KEY_MAX) {
		fc_seterr(err, "--attr: a key is 1 to %d bytes", STORE_ATTR_KEY_MAX);
		return false;
	}
	for (i = 0; i < len; i++)
		if (!(key[i] >= 'a' && key[i] <= 'z') && !(key[i] >= 'A' && key[i] <= 'Z') &&
		    !(key[i] >= '0' && key[i] <= '9') && key[i] != '_' && key[i] != '-' &&
		    key[i] != '.') {
			fc_seterr(err, "--attr '%s': a key has letters, digits, '_', '-', '.'",
			          key);
			return false;
		}
	if (!value)
		return true;
	if (!name_ok(key, value, STORE_ATTR_VALUE_MAX, err))
		return false;
	if (!strcmp(key, "population")) {
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno || end == value || *end || value[0] == '-' || value[0] == '+' || v < 0) {
			fc_seterr(err, "--population: want a whole number, not '%s'", value);
			return false;
		}
	}
	return true;
}

enum fc_rc campaign_org_set(struct store *st, const char *org, const char *key, const char *value,
                            const struct campaign_actor *a, char *err)
{
	char old_value[STORE_ATTR_VALUE_MAX + 1], what[STORE_ATTR_KEY_MAX + 8];
	int64_t org_id = 0, now = campaign_now();
	bool found = false;
	enum fc_rc rc;

	if (a->role != ROLE_ADMIN) {
		fc_seterr(err, "only an admin sets organisation attributes");
		return FC_EPERM;
	}
	if (!attr_ok(key, value, err))
		return FC_EUSAGE;
	rc = store_campaign_begin(st, err);
	if (rc)
		return rc;
	rc = store_org_find(st, org, &org_id, err);
	if (rc == FC_OK)
		rc = store_org_attr_get(st, org_id, key, old_value, sizeof(old_value), &found, err);
	if (rc == FC_OK)
		rc = store_org_attr_set(st, org_id, key, value, err);
	snprintf(what, sizeof(what), "set %s", key);
	if (rc == FC_OK)
		rc = log_add(st, "", a, now, what, org, found ? old_value : "", value ? value : "",
		             err);
	rc = store_campaign_end(st, rc, err);
	return rc;
}
