/* test_campaign.c - campaigns (campaign.c, campaign_cost.c,
 * store_campaign.c) over a real temporary store: the schedules' errors
 * name file, line and column and store nothing; signing freezes rows while
 * an unsigned organisation's follow its machines; who may act; the
 * deadline and close; --min-cell; the cost forecast computed by hand;
 * --split win11 (a line per Windows 11 verdict, frozen per verdict, only
 * replace machines replaced); the audit log. Time is set with FC_TEST_NOW. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "ingest.h"
#include "lifecycle.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

#define T0 1779580800 /* 2026-05-24T00:00:00Z: machines seen a week before as-of */
#define AS_OF "2026-06-01"
#define OS_WIN10                                                                                   \
	"{\"operatingsystem\":{},\"fleetcensus\":{\"windows\":{\"major\":10,\"minor\":0,"          \
	"\"build\":19045,\"product_type\":1,\"edition_id\":\"Professional\","                      \
	"\"product_name\":\"Windows 10 Pro\",\"display_version\":\"22H2\","                        \
	"\"native_arch\":\"AMD64\"}}}"
#define PRICES                                                                                     \
	"product,edition,year,price,currency\r\n"                                                  \
	"Windows 10,*,1,61.50,USD\r\n"                                                             \
	"Windows 10,*,2,122,USD\r\n"
#define FEES                                                                                       \
	"size_band,population_min,population_max,fee,currency\n"                                   \
	"<30000,0,29999,5000,EUR\n"                                                                \
	">=30000,30000,,15000,EUR\n"

struct fixture {
	char dir[256], db[512];
	struct store *s;
	struct lifecycle *lc;
	int64_t org[3]; /* "north", "south", "west" */
	unsigned serial;
	struct campaign_actor admin;
};

static const char *const org_names[3] = {"north", "south", "west"};
static const char *const populations[3] = {"12000", "45000", "8000"};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char err[FC_ERRLEN] = "";
	size_t i;

	if (!store_tmp_open("campaign", f->dir, sizeof(f->dir), f->db, sizeof(f->db), &f->s, err)) {
		fprintf(stderr, "setup: %s\n", err);
		free(f);
		return -1;
	}
	f->lc = lifecycle_new();
	campaign_actor_cli(&f->admin);
	for (i = 0; i < 3; i++)
		if (store_org_add(f->s, org_names[i], &f->org[i], err) != FC_OK ||
		    campaign_org_set(f->s, org_names[i], "population", populations[i], &f->admin,
		                     err) != FC_OK) {
			fprintf(stderr, "setup: %s\n", err);
			return -1;
		}
	setenv("FC_TEST_NOW", "2026-01-05", 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = store_tmp_close(f->s, f->dir);

	lifecycle_free(f->lc);
	free(f);
	unsetenv("FC_TEST_NOW");
	return rc;
}

/* Readiness facts (docs/protocol.md) of a Skylake i5-6500: its CPU is not
 * on the Windows 11 list, so the verdict is replace whatever else is
 * unknown (docs/readiness.md); a machine without facts is unknown. */
#define HW_REPLACE                                                                                 \
	"{\"cpu\":{\"manufacturer\":\"GenuineIntel\",\"familynumber\":\"6\","                      \
	"\"model\":\"94\",\"name\":\"i5-6500\"}}"

/* Stores a Windows 10 machine number n for organisation i, with readiness
 * facts hw (NULL: none). */
static void machine_hw(struct fixture *f, size_t i, unsigned n, const char *hw_json)
{
	struct ingest_report r;
	char hw[37];

	snprintf(hw, sizeof(hw), "00000000-0000-4000-8000-%012u", n);
	report_init_at(&r, ++f->serial, hw, "host", T0);
	r.os_json = xstrdup(OS_WIN10);
	if (hw_json) {
		free(r.hw_json);
		r.hw_json = xstrdup(hw_json);
	}
	r.software_ok = true;
	store_put_ok(f->s, f->org[i], &r, T0 + 60);
}

static void machine(struct fixture *f, size_t i, unsigned n)
{
	machine_hw(f, i, n, NULL);
}

static enum fc_rc create(struct fixture *f, const char *prices, const char *fees, long min_cell,
                         char *err)
{
	struct campaign_spec s;

	memset(&s, 0, sizeof(s));
	s.name = "esu10";
	s.products = "Windows 10";
	s.as_of = AS_OF;
	s.deadline = "2026-12-31";
	s.min_cell = min_cell;
	s.prices = prices;
	s.prices_len = prices ? strlen(prices) : 0;
	s.prices_name = "prices.csv";
	s.fees = fees;
	s.fees_len = fees ? strlen(fees) : 0;
	s.fees_name = "fees.csv";
	return campaign_create(f->s, &s, &f->admin, err);
}

static enum fc_rc act(struct fixture *f, const char *when, size_t i, enum campaign_action a,
                      const struct campaign_actor *who, char *err)
{
	setenv("FC_TEST_NOW", when, 1);
	return campaign_act(f->s, f->lc, "esu10", org_names[i], a, who ? who : &f->admin, err);
}

/* The show (or cost) table as CSV without CRs; the caller frees it. */
static char *table(struct fixture *f, bool cost, const struct campaign_actor *who)
{
	char err[FC_ERRLEN] = "", *text, *o;
	struct buf out;
	size_t len, i;

	buf_init(&out, 1 << 20);
	if (cost)
		assert_int_equal(campaign_cost(f->s, f->lc, "esu10", who ? who : &f->admin,
		                               CAMPAIGN_CSV, &out, err),
		                 FC_OK);
	else
		assert_int_equal(campaign_show(f->s, f->lc, "esu10", who ? who : &f->admin,
		                               CAMPAIGN_CSV, &out, err),
		                 FC_OK);
	assert_int_equal(buf_addc(&out, '\0'), FC_OK);
	text = buf_take(&out, &len);
	for (i = 0, o = text; text[i]; i++)
		if (text[i] != '\r')
			*o++ = text[i];
	*o = '\0';
	return text;
}

static void assert_table(struct fixture *f, bool cost, const struct campaign_actor *who,
                         const char *want)
{
	char *got = table(f, cost, who);

	assert_string_equal(got, want);
	free(got);
}

static int64_t count(struct fixture *f, const char *sql)
{
	return db_int(f->db, sql);
}

/* ---- schedules ---- */

static void test_bad_schedules_store_nothing(void **state)
{
	static const struct {
		const char *prices, *fees, *want;
	} cases[] = {
	    {"product,edition,year,price,currency\nWindows 10,*,1,61,USD\nWindows 10,*,4,x,USD\n",
	     NULL, "prices.csv:3:4: want a price"},
	    {"product,edition,year,price\n", NULL, "prices.csv:1:1: want the header"},
	    {"product,edition,year,price,currency\nWindows 10,*,10,61,USD\n", NULL,
	     "prices.csv:2:3: want an ESU year"},
	    {"product,edition,year,price,currency\nWindows 10,*,1,61.505,USD\n", NULL,
	     "prices.csv:2:4:"},
	    {"product,edition,year,price,currency\n\"Windows 10,*,1,61,USD\n", NULL,
	     "prices.csv:2:1: an unterminated quote"},
	    {"product,edition,year,price,currency\nWindows 10,*,1,61,USD,x\n", NULL,
	     "prices.csv:2:6: too many fields"},
	    {"product,edition,year,price,currency\nWindows 10,,1,61,USD\n", NULL,
	     "prices.csv:2:2: an empty edition"},
	    {NULL, "size_band,population_min,population_max,fee,currency\nsmall,10,5,1,EUR\n",
	     "fees.csv:2:3:"},
	    {NULL, "size_band,population_min,population_max,fee,currency\nsmall,x,,1,EUR\n",
	     "fees.csv:2:2: want a population"},
	    {PRICES, "size_band,population_min,population_max,fee,currency\nsmall,0,,1,eur\n",
	     "fees.csv:2:5: want a currency"},
	    {NULL, "", "fees.csv:1:1: empty"},
	};
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(create(f, cases[i].prices, cases[i].fees, 0, err), FC_EUSAGE);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].want);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM campaigns"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM campaign_log WHERE campaign != ''"), 0);
	assert_int_equal(create(f, PRICES, FEES, 0, err), FC_OK);
	assert_int_equal(create(f, PRICES, FEES, 0, err), FC_EEXIST);
}

static void test_split_checked(void **state)
{
	struct fixture *f = *state;
	struct campaign_spec s;
	char err[FC_ERRLEN] = "";

	memset(&s, 0, sizeof(s));
	s.name = "w11";
	s.products = "Windows 10";
	s.split = "esu_eligible";
	s.as_of = AS_OF;
	s.deadline = "2026-12-31";
	assert_int_equal(campaign_create(f->s, &s, &f->admin, err), FC_EUSAGE);
	assert_non_null(strstr(err, "--split: want win11, not 'esu_eligible'"));
	s.split = NULL;
	s.deadline = "2026-02-30";
	assert_int_equal(campaign_create(f->s, &s, &f->admin, err), FC_EUSAGE);
	assert_int_equal(count(f, "SELECT count(*) FROM campaigns"), 0);
}

/* ---- the rules ---- */

static void test_sign_freezes_rows(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	machine(f, 0, 1);
	machine(f, 0, 2);
	machine(f, 1, 11);
	assert_int_equal(create(f, NULL, NULL, 0, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 1, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 1, CAMPAIGN_JOIN, NULL, err), FC_EEXIST);
	assert_int_equal(act(f, "2026-01-11T12:00:00Z", 0, CAMPAIGN_SIGN, NULL, err), FC_OK);
	machine(f, 0, 3);
	machine(f, 1, 12);
	assert_table(f, false, NULL,
	             "org,state,signed_at,os_product,os_edition,os_release,arch,support_status,"
	             "machines\n"
	             "north,signed,2026-01-11T12:00:00Z,Windows 10,Pro,22H2,x86_64,esu,2\n"
	             "south,joined,,Windows 10,Pro,22H2,x86_64,esu,2\n"
	             "ALL,,,Windows 10,Pro,22H2,x86_64,esu,4\n");
	/* re-signing takes the rows as they are now */
	assert_int_equal(act(f, "2026-01-12", 0, CAMPAIGN_SIGN, NULL, err), FC_OK);
	assert_int_equal(count(f, "SELECT sum(machines) FROM campaign_rows"), 3);
	/* withdraw takes the organisation out; it may come back */
	assert_int_equal(act(f, "2026-01-13", 1, CAMPAIGN_WITHDRAW, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-13", 1, CAMPAIGN_SIGN, NULL, err), FC_EREFUSED);
	assert_table(f, false, NULL,
	             "org,state,signed_at,os_product,os_edition,os_release,arch,support_status,"
	             "machines\n"
	             "north,signed,2026-01-12T00:00:00Z,Windows 10,Pro,22H2,x86_64,esu,3\n"
	             "ALL,,,Windows 10,Pro,22H2,x86_64,esu,3\n");
	assert_int_equal(act(f, "2026-01-14", 1, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-14", 1, CAMPAIGN_SIGN, NULL, err), FC_OK);
	assert_int_equal(count(f, "SELECT sum(machines) FROM campaign_rows"), 5);
}

static void test_who_may_act(void **state)
{
	struct fixture *f = *state;
	struct campaign_actor mgr = {ROLE_MANAGER, 0, "token:7"}, rdr = {ROLE_READER, 0, "token:8"},
	                      agent = {ROLE_AGENT, 0, "token:9"};
	char err[FC_ERRLEN] = "";
	struct buf out;

	mgr.org_id = rdr.org_id = agent.org_id = f->org[0];
	machine(f, 0, 1);
	machine(f, 1, 11);
	assert_int_equal(create(f, NULL, NULL, 0, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 1, CAMPAIGN_JOIN, &mgr, err), FC_EPERM);
	assert_non_null(strstr(err, "own organisation only"));
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, &rdr, err), FC_EPERM);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, &agent, err), FC_EPERM);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, &mgr, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 1, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_SIGN, &mgr, err), FC_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM campaign_members WHERE signed_by = "
	                          "'token:7'"),
	                 1);
	/* a reader sees its own organisation's rows, no ALL line */
	assert_table(f, false, &rdr,
	             "org,state,signed_at,os_product,os_edition,os_release,arch,support_status,"
	             "machines\n"
	             "north,signed,2026-01-10T00:00:00Z,Windows 10,Pro,22H2,x86_64,esu,1\n");
	buf_init(&out, 1 << 20);
	assert_int_equal(campaign_show(f->s, f->lc, "esu10", &agent, CAMPAIGN_CSV, &out, err),
	                 FC_EPERM);
	assert_int_equal(campaign_close(f->s, "esu10", &mgr, err), FC_EPERM);
	assert_int_equal(campaign_log(f->s, "esu10", &mgr, CAMPAIGN_CSV, &out, err), FC_EPERM);
	assert_int_equal(campaign_org_set(f->s, "north", "kind", "x", &mgr, err), FC_EPERM);
	buf_release(&out);
}

static void test_deadline_and_close(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	assert_int_equal(create(f, NULL, NULL, 0, err), FC_OK);
	assert_int_equal(act(f, "2026-12-31T23:59:59Z", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2027-01-01", 0, CAMPAIGN_SIGN, NULL, err), FC_EREFUSED);
	assert_non_null(strstr(err, "deadline 2026-12-31 has passed"));
	assert_int_equal(act(f, "2027-01-01", 1, CAMPAIGN_JOIN, NULL, err), FC_EREFUSED);
	setenv("FC_TEST_NOW", "2026-06-01", 1);
	assert_int_equal(campaign_close(f->s, "esu10", &f->admin, err), FC_OK);
	assert_int_equal(campaign_close(f->s, "esu10", &f->admin, err), FC_EREFUSED);
	assert_int_equal(act(f, "2026-06-02", 0, CAMPAIGN_WITHDRAW, NULL, err), FC_EREFUSED);
	assert_non_null(strstr(err, "is final: it was closed at 2026-06-01T00:00:00Z"));
	assert_int_equal(count(f, "SELECT count(*) FROM campaign_members WHERE state = 'joined'"),
	                 1);
}

static void test_min_cell(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	machine(f, 0, 1);
	machine(f, 1, 11);
	machine(f, 1, 12);
	machine(f, 1, 13);
	assert_int_equal(create(f, NULL, NULL, 3, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 1, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_table(f, false, NULL,
	             "org,state,signed_at,os_product,os_edition,os_release,arch,support_status,"
	             "machines\n"
	             "north,joined,,Windows 10,Pro,22H2,x86_64,esu,<3\n"
	             "south,joined,,Windows 10,Pro,22H2,x86_64,esu,3\n"
	             "ALL,,,Windows 10,Pro,22H2,x86_64,esu,>=3\n");
}

/* ---- cost, by hand ----
 * ESU year 1 of Windows 10 starts 2025-10-15 (extended support ended
 * 2025-10-14), year 2 on 2026-10-15. north (12,000 inhabitants, 2
 * machines) and west (8,000, 1) join in year 1, south (45,000, 3) in year
 * 2 and pays year 1 then:
 *   north: y1 2 x 61.50 = 123.00 USD + fee 5,000 EUR; y2 2 x 122 = 244.00
 *   west:  y1 61.50 USD + fee 5,000 EUR;              y2 122.00
 *   south: y2 3 x (61.50 + 122) = 550.50 USD + fee 15,000 EUR
 *   ALL:   y1 184.50 USD, 10,000 EUR; y2 916.50 USD, 15,000 EUR */
static void test_cost_by_hand(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	machine(f, 0, 1);
	machine(f, 0, 2);
	machine(f, 1, 11);
	machine(f, 1, 12);
	machine(f, 1, 13);
	machine(f, 2, 21);
	assert_int_equal(create(f, PRICES, FEES, 0, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-10-14T23:59:59Z", 2, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-10-15", 1, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-10-16", 1, CAMPAIGN_SIGN, NULL, err), FC_OK);
	assert_table(f, true, NULL,
	             "org,year,year_start,currency,machines,esu,replace,fee,total\n"
	             "north,1,2025-10-15,EUR,0,0.00,0.00,5000.00,5000.00\n"
	             "north,1,2025-10-15,USD,2,123.00,0.00,0.00,123.00\n"
	             "north,2,2026-10-15,USD,2,244.00,0.00,0.00,244.00\n"
	             "south,2,2026-10-15,EUR,0,0.00,0.00,15000.00,15000.00\n"
	             "south,2,2026-10-15,USD,3,550.50,0.00,0.00,550.50\n"
	             "west,1,2025-10-15,EUR,0,0.00,0.00,5000.00,5000.00\n"
	             "west,1,2025-10-15,USD,1,61.50,0.00,0.00,61.50\n"
	             "west,2,2026-10-15,USD,1,122.00,0.00,0.00,122.00\n"
	             "ALL,1,2025-10-15,EUR,0,0.00,0.00,10000.00,10000.00\n"
	             "ALL,1,2025-10-15,USD,3,184.50,0.00,0.00,184.50\n"
	             "ALL,2,2026-10-15,EUR,0,0.00,0.00,15000.00,15000.00\n"
	             "ALL,2,2026-10-15,USD,6,916.50,0.00,0.00,916.50\n");
}

/* ---- --split win11 ----
 * north: machines 1 and 2 replace, 3 unknown (signed; 4, replace, comes
 * after); west: 21 replace, 22 unknown (joined, live). Prices: ESU year 1
 * USD 61.50, year 2 USD 122, replacement EUR 800; no fees. Both join in
 * year 1; only the replace machines are replaced:
 *   north: y1 3 x 61.50 = 184.50 USD, replace 2 x 800 = 1,600 EUR;
 *          y2 3 x 122 = 366.00 USD
 *   west:  y1 2 x 61.50 = 123.00 USD, replace 1 x 800 = 800 EUR;
 *          y2 2 x 122 = 244.00 USD
 *   ALL:   y1 307.50 USD, 2,400 EUR; y2 610.00 USD */
static void test_split_win11(void **state)
{
	struct fixture *f = *state;
	struct campaign_spec s;
	char err[FC_ERRLEN] = "";

	machine_hw(f, 0, 1, HW_REPLACE);
	machine_hw(f, 0, 2, HW_REPLACE);
	machine(f, 0, 3);
	machine_hw(f, 2, 21, HW_REPLACE);
	assert_int_equal(count(f, "SELECT count(*) FROM machines WHERE win11 = 'replace'"), 3);
	memset(&s, 0, sizeof(s));
	s.name = "esu10";
	s.products = "Windows 10";
	s.split = "win11";
	s.as_of = AS_OF;
	s.deadline = "2026-12-31";
	s.prices = PRICES "Windows 10,*,replace,800,EUR\n";
	s.prices_len = strlen(s.prices);
	s.prices_name = "prices.csv";
	assert_int_equal(campaign_create(f->s, &s, &f->admin, err), FC_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM campaigns WHERE split = 'win11'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM campaign_log WHERE action = 'create'"
	                          " AND \"new\" LIKE '% split=win11'"),
	                 1);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 2, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-11", 0, CAMPAIGN_SIGN, NULL, err), FC_OK);
	/* signing froze a row per verdict */
	assert_int_equal(count(f, "SELECT count(*) FROM campaign_rows"), 2);
	assert_int_equal(count(f, "SELECT machines FROM campaign_rows WHERE split = 'replace'"), 2);
	assert_int_equal(count(f, "SELECT machines FROM campaign_rows WHERE split = 'unknown'"), 1);
	machine_hw(f, 0, 4, HW_REPLACE); /* after signing: not in north's rows */
	machine(f, 2, 22); /* west is live: a new unknown line */
	assert_table(f, false, NULL,
	             "org,state,signed_at,os_product,os_edition,os_release,arch,win11,"
	             "support_status,machines\n"
	             "north,signed,2026-01-11T00:00:00Z,Windows 10,Pro,22H2,x86_64,replace,esu,2\n"
	             "west,joined,,Windows 10,Pro,22H2,x86_64,replace,esu,1\n"
	             "ALL,,,Windows 10,Pro,22H2,x86_64,replace,esu,3\n"
	             "north,signed,2026-01-11T00:00:00Z,Windows 10,Pro,22H2,x86_64,unknown,esu,1\n"
	             "west,joined,,Windows 10,Pro,22H2,x86_64,unknown,esu,1\n"
	             "ALL,,,Windows 10,Pro,22H2,x86_64,unknown,esu,2\n");
	assert_table(f, true, NULL,
	             "org,year,year_start,currency,machines,esu,replace,fee,total\n"
	             "north,1,2025-10-15,EUR,0,0.00,1600.00,0.00,0.00\n"
	             "north,1,2025-10-15,USD,3,184.50,0.00,0.00,184.50\n"
	             "north,2,2026-10-15,USD,3,366.00,0.00,0.00,366.00\n"
	             "west,1,2025-10-15,EUR,0,0.00,800.00,0.00,0.00\n"
	             "west,1,2025-10-15,USD,2,123.00,0.00,0.00,123.00\n"
	             "west,2,2026-10-15,USD,2,244.00,0.00,0.00,244.00\n"
	             "ALL,1,2025-10-15,EUR,0,0.00,2400.00,0.00,0.00\n"
	             "ALL,1,2025-10-15,USD,5,307.50,0.00,0.00,307.50\n"
	             "ALL,2,2026-10-15,USD,5,610.00,0.00,0.00,610.00\n");
}

/* A member with nothing in the tender still pays its joining fee; a
 * withdrawn one does not. */
static void test_fee_without_machines(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	machine(f, 0, 1);
	assert_int_equal(create(f, PRICES, FEES, 0, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 1, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 2, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-11", 2, CAMPAIGN_WITHDRAW, NULL, err), FC_OK);
	assert_table(f, true, NULL,
	             "org,year,year_start,currency,machines,esu,replace,fee,total\n"
	             "north,1,2025-10-15,EUR,0,0.00,0.00,5000.00,5000.00\n"
	             "north,1,2025-10-15,USD,1,61.50,0.00,0.00,61.50\n"
	             "north,2,2026-10-15,USD,1,122.00,0.00,0.00,122.00\n"
	             "south,1,2025-10-15,EUR,0,0.00,0.00,15000.00,15000.00\n"
	             "ALL,1,2025-10-15,EUR,0,0.00,0.00,20000.00,20000.00\n"
	             "ALL,1,2025-10-15,USD,1,61.50,0.00,0.00,61.50\n"
	             "ALL,2,2026-10-15,USD,1,122.00,0.00,0.00,122.00\n");
}

static void test_cost_needs_population(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	struct buf out;

	machine(f, 0, 1);
	assert_int_equal(create(f, PRICES, FEES, 0, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(campaign_org_set(f->s, "north", "population", NULL, &f->admin, err),
	                 FC_OK);
	buf_init(&out, 1 << 20);
	assert_int_equal(campaign_cost(f->s, f->lc, "esu10", &f->admin, CAMPAIGN_CSV, &out, err),
	                 FC_EREFUSED);
	assert_non_null(strstr(err, "'north' has no population"));
	buf_release(&out);
	assert_int_equal(campaign_org_set(f->s, "north", "population", "-5", &f->admin, err),
	                 FC_EUSAGE);
	assert_int_equal(campaign_org_set(f->s, "north", "bad key", "x", &f->admin, err),
	                 FC_EUSAGE);
}

/* ---- the audit log ---- */

static void test_log_complete(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	struct buf out;
	char *text;

	machine(f, 0, 1);
	assert_int_equal(create(f, NULL, NULL, 0, err), FC_OK);
	assert_int_equal(act(f, "2026-01-10", 0, CAMPAIGN_JOIN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-11", 0, CAMPAIGN_SIGN, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-12", 0, CAMPAIGN_WITHDRAW, NULL, err), FC_OK);
	assert_int_equal(act(f, "2026-01-12", 0, CAMPAIGN_WITHDRAW, NULL, err), FC_EREFUSED);
	setenv("FC_TEST_NOW", "2026-01-13", 1);
	assert_int_equal(campaign_close(f->s, "esu10", &f->admin, err), FC_OK);
	buf_init(&out, 1 << 20);
	assert_int_equal(campaign_log(f->s, "esu10", &f->admin, CAMPAIGN_JSON, &out, err), FC_OK);
	assert_int_equal(buf_addc(&out, '\0'), FC_OK);
	text = buf_take(&out, NULL);
	assert_int_equal(count(f, "SELECT count(*) FROM campaign_log WHERE campaign = 'esu10'"), 5);
	assert_non_null(strstr(text, "\"action\":\"join\",\"org\":\"north\",\"old\":\"state=none\","
	                             "\"new\":\"state=joined machines=1\""));
	assert_non_null(strstr(text, "\"at\":\"2026-01-11T00:00:00Z\""));
	assert_non_null(strstr(text,
	                       "\"action\":\"withdraw\",\"org\":\"north\",\"old\":\"state=signed "
	                       "signed_at=2026-01-11T00:00:00Z signed_by="));
	assert_non_null(strstr(text, "\"new\":\"state=withdrawn machines=0\""));
	assert_non_null(strstr(text, "\"action\":\"close\""));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bad_schedules_store_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_split_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sign_freezes_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_who_may_act, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadline_and_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_min_cell, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cost_by_hand, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_split_win11, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fee_without_machines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cost_needs_population, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_log_complete, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
