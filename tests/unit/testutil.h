/* testutil.h - helpers the unit tests share: a package collector, whole-file
 * reads, test input, temporary directories and the shared real-world corpus
 * (found through $FC_SHARED or ../shared).
 *
 * The functions fail the running cmocka test (fail_msg, assert_*) instead of
 * returning errors, so they may only be called from inside a test; the
 * exceptions say so. */
#ifndef FC_TESTS_UNIT_TESTUTIL_H
#define FC_TESTS_UNIT_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "fc_rc.h"
#include "collector/ingest.h"
#include "agent/pkg.h"
#include "collector/store.h"

/* ---- collecting packages ---- */

/* One reported package, copied. */
struct rec {
	char *name, *version, *arch, *publisher;
};

/* The packages a reader reported, in order. Set from before the first use,
 * e.g. struct got g = {.from = "apk"}. */
struct got {
	struct rec *r;
	size_t n, cap;
	const char *from; /* the fc_pkg.from every package must have */
	size_t stop_after; /* the callback fails on package number stop_after; 0: never */
	enum fc_rc stop_rc; /* what it then returns; FC_OK stands for FC_EIO */
};

/* A package reader that takes a buffer, such as parse_apk. */
typedef enum fc_rc (*pkg_parse_fn)(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err);

/* An fc_pkg_cb; ctx is a struct got. Checks the package (a non-empty name,
 * no NULL field, from as expected) and appends a copy of it. Returns FC_OK,
 * or the stop code for package number stop_after (after appending it). */
enum fc_rc collect(const struct fc_pkg *p, void *ctx);
/* An fc_pkg_cb that only counts; ctx is a size_t. Returns FC_OK. */
enum fc_rc count_only(const struct fc_pkg *p, void *ctx);
/* Frees the copies; g is empty again with the same from and no stop. */
void got_release(struct got *g);
/* Checks package i of g; publisher NULL: not checked. */
void assert_rec(const struct got *g, size_t i, const char *name, const char *version,
                const char *arch, const char *publisher);
/* Parses the file at path (a host path) with parse into g; the parse must
 * succeed with an empty err. */
void parse_pkg_fixture(pkg_parse_fn parse, const char *path, struct got *g);
/* Parses the file path below root (rootfs_read, at most PKG_MAX_TEXT_DB
 * bytes) with parse into g; reading and parsing must succeed. */
void parse_root_file(pkg_parse_fn parse, const char *root, const char *path, struct got *g);

/* ---- files and test input ---- */

/* Reads a whole file (a host path); the result is NUL-terminated and the
 * caller frees it. Fails the test if it cannot. */
char *slurp(const char *path, size_t *len);
/* Appends n copies of c to b, which must have room. */
void add_many(struct buf *b, char c, size_t n);
/* Fills s with n pseudo-random bytes (xorshift32 from seed, which must not
 * be 0); a NUL byte becomes nul_as. */
void fill_garbage(char *s, size_t n, uint32_t seed, char nul_as);
/* Makes a new directory "$TMPDIR/fc-<name>.XXXXXX" ("/tmp" when TMPDIR is
 * unset or empty) and writes its path to dir (cap bytes). Returns false when
 * it cannot. May be called outside a test (setup functions). */
bool tmpdir_new(char *dir, size_t cap, const char *name);
/* Removes dir and everything below it, first giving the owner rwx on all of
 * it. Returns 0, or -1 when it cannot. May be called outside a test
 * (teardown functions). */
int tmpdir_remove(const char *dir);

/* ---- string lists compared as multisets ---- */

struct strs {
	char **s;
	size_t n, cap;
};

/* Appends s, which the list then owns (a heap string). */
void strs_push(struct strs *l, char *s);
/* Frees every string; l is empty afterwards. */
void strs_release(struct strs *l);
/* Sorts both lists and compares them as multisets; prints the first
 * differences, each starting with label. Returns how many there are. */
size_t strs_diff(struct strs *got, struct strs *want, const char *label);

/* ---- the collector's store ---- */

/* Makes a temporary directory (tmpdir_new with name; path in dir, dcap
 * bytes) and creates the store "<dir>/collector.db" in it (path in db,
 * dbcap bytes; the store in *s). Returns false, err saying why, when it
 * cannot. May be called outside a test (setup functions). */
bool store_tmp_open(const char *name, char *dir, size_t dcap, char *db, size_t dbcap,
                    struct store **s, char *err);
/* Closes s and removes dir (tmpdir_remove); returns what that returns. May
 * be called outside a test (teardown functions). */
int store_tmp_close(struct store *s, const char *dir);
/* Runs sql on a new connection to the database at path (busy timeout 5 s)
 * and returns the first column of its first row (0 when none). */
int64_t db_int(const char *path, const char *sql);
/* Runs the statements sql on a new connection to the database at path (made
 * when missing; busy timeout 5 s). */
void db_run(const char *path, const char *sql);
/* Starts r as ingest_decode makes it: report id number serial, hardware
 * UUID hw ("" for none), collected at ts (UTC), deviceid and hostname host.
 * The rest is as ingest_report_init leaves it. */
void report_init_at(struct ingest_report *r, unsigned serial, const char *hw, const char *host,
                    int64_t ts);
/* Stores r for org, received at received; the store must accept it. Then
 * releases r and returns the result. */
/* Appends an entry to r's software list, its strings in r->sw_strings as
 * ingest_decode keeps them (ingest_report_release frees them). Entries may be
 * swapped afterwards, not added to by other means. */
void report_add_sw(struct ingest_report *r, const char *name, const char *version, const char *arch,
                   const char *publisher, const char *from);
/* Frees r's software list (not its other facts). */
void report_drop_sw(struct ingest_report *r);
struct store_put_result store_put_ok(struct store *s, int64_t org, struct ingest_report *r,
                                     int64_t received);

/* ---- the shared corpus ---- */

/* The shared directory: $FC_SHARED, or "../shared" when that is unset or
 * empty. The result is static. May be called outside a test. */
const char *shared_dir(void);

/* Appends one string per row of corpus/packages/CASES.tsv whose first column
 * is "<kind>/<case>": the row without "<kind>/" ("<case>\t<count>..."). Returns
 * false, appending nothing, when CASES.tsv cannot be opened. May be called
 * outside a test. */
bool corpus_cases(const char *kind, struct strs *cases);

/* How a package parser's corpus is checked: the cases listed in CASES.tsv as
 * "<kind>/<case>" are directories corpus/packages/<kind>/<case> holding a
 * root/ and an expected list. The expected list is tab-separated, with an
 * optional header row whose first two columns are header and "version";
 * every row has at least ncols columns (3 or 4), of which the first three
 * are name, version and arch; columns past ncols are ignored. */
struct pkg_corpus {
	const char *kind; /* "apk", "dpkg", "pacman" */
	const char *from; /* the fc_pkg.from of its packages */
	/* Parses the databases below root into g; what it returns is passed to
	 * keep as flag. */
	int (*parse_root)(const char *root, struct got *g);
	const char *expected; /* the expected list's file name */
	const char *expected_alt; /* tried when expected is absent; may be NULL */
	const char *header; /* first column of the header row */
	size_t ncols;
	/* NULL, or true for the rows to take (f: the ncols columns) */
	bool (*keep)(char *const *f, int flag);
};

/* Checks every case of c: the packages parsed from its root must be the
 * expected list, as a multiset of name, version and arch. Skips the test
 * when the corpus is absent. */
void corpus_run(const struct pkg_corpus *c);

/* ---- tests/e2e/httpd.py, the stand-in collector ---- */

/* Starts tests/e2e/httpd.py (with /usr/bin/python3; run from the top of the
 * repository) answering as mode says (see the script), its port file, log,
 * req-N.json files and output in dir; with TLS when tls, from dir/cert.pem
 * and dir/key.pem. Waits until it listens and writes its base URL,
 * "http[s]://127.0.0.1:PORT", to url (cap bytes). Returns its pid, which
 * httpd_stop ends. Skips the test when python3 or the script is missing. */
pid_t httpd_start(const char *dir, const char *mode, bool tls, char *url, size_t cap);
/* Stops the server *pid (SIGTERM, then SIGKILL after 5 s) and sets *pid to
 * 0; 0 is ignored. May be called outside a test (teardown functions). */
void httpd_stop(pid_t *pid);
/* The requests the server of dir answered, as tests/e2e/lib-httpd.sh's
 * req_kinds prints them: "full:200 short:409 full:200" ("" for none); the
 * result is static, valid until the next call. */
const char *httpd_kinds(const char *dir);

#endif
