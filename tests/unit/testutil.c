/* testutil.c - helpers the unit tests share. */
#include "testutil.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/rootfs.h"
#include "fctime.h"
#include "xalloc.h"

/* ---- collecting packages ---- */

enum fc_rc collect(const struct fc_pkg *p, void *ctx)
{
	struct got *g = ctx;
	struct rec *r;

	assert_non_null(p->name);
	assert_true(p->name[0] != '\0');
	assert_non_null(p->version);
	assert_non_null(p->arch);
	assert_non_null(p->publisher);
	assert_non_null(g->from);
	assert_string_equal(p->from, g->from);
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->r = xrealloc(g->r, g->cap * sizeof(*g->r));
	}
	r = &g->r[g->n++];
	r->name = xstrdup(p->name);
	r->version = xstrdup(p->version);
	r->arch = xstrdup(p->arch);
	r->publisher = xstrdup(p->publisher);
	if (!g->stop_after || g->n != g->stop_after)
		return FC_OK;
	return g->stop_rc ? g->stop_rc : FC_EIO;
}

enum fc_rc count_only(const struct fc_pkg *p, void *ctx)
{
	(void)p;
	(*(size_t *)ctx)++;
	return FC_OK;
}

void got_release(struct got *g)
{
	const char *from = g->from;
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->r[i].name);
		free(g->r[i].version);
		free(g->r[i].arch);
		free(g->r[i].publisher);
	}
	free(g->r);
	memset(g, 0, sizeof(*g));
	g->from = from;
}

void assert_rec(const struct got *g, size_t i, const char *name, const char *version,
                const char *arch, const char *publisher)
{
	assert_true(i < g->n);
	assert_string_equal(g->r[i].name, name);
	assert_string_equal(g->r[i].version, version);
	assert_string_equal(g->r[i].arch, arch);
	if (publisher)
		assert_string_equal(g->r[i].publisher, publisher);
}

void parse_pkg_fixture(pkg_parse_fn parse, const char *path, struct got *g)
{
	char err[FC_ERRLEN];
	size_t len;
	char *text = slurp(path, &len);

	if (parse(text, len, collect, g, err) != FC_OK)
		fail_msg("'%s': %s", path, err);
	assert_string_equal(err, "");
	free(text);
}

void parse_root_file(pkg_parse_fn parse, const char *root, const char *path, struct got *g)
{
	char err[FC_ERRLEN];
	struct buf b;

	buf_init(&b, PKG_MAX_TEXT_DB);
	if (rootfs_read(root, path, PKG_MAX_TEXT_DB, &b, err) != FC_OK)
		fail_msg("'%s%s': %s", root, path, err);
	if (parse(b.ptr, b.len, collect, g, err) != FC_OK)
		fail_msg("'%s%s': %s", root, path, err);
	buf_release(&b);
}

/* ---- files and test input ---- */

char *slurp(const char *path, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("cannot open '%s'", path);
	buf_init(&b, 64u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), FC_OK);
	assert_int_equal(ferror(f), 0);
	fclose(f);
	if (!b.ptr)
		assert_int_equal(buf_add(&b, "", 0), FC_OK);
	return buf_take(&b, len);
}

void add_many(struct buf *b, char c, size_t n)
{
	while (n-- > 0)
		assert_int_equal(buf_addc(b, c), FC_OK);
}

void fill_garbage(char *s, size_t n, uint32_t seed, char nul_as)
{
	uint32_t x = seed;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[i] = (char)(x & 0xff);
		if (s[i] == '\0')
			s[i] = nul_as;
	}
}

bool tmpdir_new(char *dir, size_t cap, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, cap, "%s/fc-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);

	return n > 0 && (size_t)n < cap && mkdtemp(dir) != NULL;
}

int tmpdir_remove(const char *dir)
{
	char cmd[1200];
	int n = snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' && rm -rf '%s'", dir, dir);

	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the collector's store ---- */

bool store_tmp_open(const char *name, char *dir, size_t dcap, char *db, size_t dbcap,
                    struct store **s, char *err)
{
	int n;

	if (!tmpdir_new(dir, dcap, name)) {
		snprintf(err, FC_ERRLEN, "cannot make a temporary directory for %s", name);
		return false;
	}
	n = snprintf(db, dbcap, "%s/collector.db", dir);
	if (n < 0 || (size_t)n >= dbcap) {
		snprintf(err, FC_ERRLEN, "%s/collector.db: path too long", dir);
		return false;
	}
	return store_open(db, true, s, err) == FC_OK;
}

int store_tmp_close(struct store *s, const char *dir)
{
	store_close(s);
	return tmpdir_remove(dir);
}

int64_t db_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	int rc;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return v;
}

void db_run(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

void report_init_at(struct ingest_report *r, unsigned serial, const char *hw, const char *host,
                    int64_t ts)
{
	ingest_report_init(r);
	snprintf(r->report_id, sizeof(r->report_id), "00000000-0000-4000-8000-%012x", serial);
	snprintf(r->hw_uuid, sizeof(r->hw_uuid), "%s", hw);
	assert_true(fctime_format_rfc3339(ts, r->collected_at));
	r->collected_ts = ts;
	r->deviceid = xstrdup(host);
	r->hostname = xstrdup(host);
}

void report_add_sw(struct ingest_report *r, const char *name, const char *version, const char *arch,
                   const char *publisher, const char *from)
{
	const char *f[5] = {name, version, arch, publisher, from};
	size_t used = 0, add = 0, i, k, n;
	char *p;

	for (i = 0; i < r->n_sw; i++)
		used += strlen(r->sw[i].name) + strlen(r->sw[i].version) + strlen(r->sw[i].arch) +
		        strlen(r->sw[i].publisher) + strlen(r->sw[i].from) + 5;
	for (k = 0; k < 5; k++)
		add += strlen(f[k]) + 1;
	r->sw_strings = xrealloc(r->sw_strings, used + add);
	r->sw = xrealloc(r->sw, (r->n_sw + 1) * sizeof(*r->sw));
	for (p = r->sw_strings + used, k = 0; k < 5; k++) {
		n = strlen(f[k]) + 1;
		memcpy(p, f[k], n);
		p += n;
	}
	r->n_sw++;
	/* the block may have moved: point every entry at it again, in order */
	for (p = r->sw_strings, i = 0; i < r->n_sw; i++) {
		char **slot[5] = {&r->sw[i].name, &r->sw[i].version, &r->sw[i].arch,
		                  &r->sw[i].publisher, &r->sw[i].from};

		for (k = 0; k < 5; k++) {
			*slot[k] = p;
			p += strlen(p) + 1;
		}
	}
}

void report_drop_sw(struct ingest_report *r)
{
	FREE_AND_NULL(r->sw);
	FREE_AND_NULL(r->sw_strings);
	r->n_sw = 0;
}

struct store_put_result store_put_ok(struct store *s, int64_t org, struct ingest_report *r,
                                     int64_t received)
{
	struct store_put_result res;
	char err[FC_ERRLEN] = "";

	if (store_put_report(s, org, r, received, &res, err) != FC_OK)
		fail_msg("store_put_report: %s", err);
	ingest_report_release(r);
	return res;
}

/* ---- string lists compared as multisets ---- */

void strs_push(struct strs *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->s = xrealloc(l->s, l->cap * sizeof(*l->s));
	}
	l->s[l->n++] = s;
}

/* Appends the row "name\tversion\tarch". */
static void strs_add(struct strs *l, const char *name, const char *version, const char *arch)
{
	struct buf b;

	buf_init(&b, 3 * PKG_MAX_FIELD + 8);
	assert_int_equal(buf_printf(&b, "%s\t%s\t%s", name, version, arch), FC_OK);
	strs_push(l, buf_take(&b, NULL));
}

void strs_release(struct strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof(*l));
}

static int strs_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t strs_diff(struct strs *got, struct strs *want, const char *label)
{
	size_t i = 0, j = 0, bad = 0;
	int c;

	qsort(got->s, got->n, sizeof(*got->s), strs_cmp);
	qsort(want->s, want->n, sizeof(*want->s), strs_cmp);
	while (i < got->n || j < want->n) {
		c = i == got->n ? 1 : j == want->n ? -1 : strcmp(got->s[i], want->s[j]);
		if (c && bad++ < 10)
			print_message("%s: %s '%s'\n", label, c < 0 ? "unexpected" : "missing",
			              c < 0 ? got->s[i] : want->s[j]);
		i += c <= 0;
		j += c >= 0;
	}
	return bad;
}

/* ---- the shared corpus ---- */

const char *shared_dir(void)
{
	const char *s = getenv("FC_SHARED");

	return s && *s ? s : "../shared";
}

static void cases_path(char *path, size_t cap)
{
	snprintf(path, cap, "%s/corpus/packages/CASES.tsv", shared_dir());
}

bool corpus_cases(const char *kind, struct strs *cases)
{
	char path[600], *line = NULL, *end;
	size_t cap = 0, k = strlen(kind);
	FILE *f;

	cases_path(path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		end = line + strcspn(line, "\n");
		*end = '\0';
		if (strncmp(line, kind, k) || line[k] != '/' || !strchr(line, '\t'))
			continue;
		strs_push(cases, xstrdup(line + k + 1));
	}
	free(line);
	fclose(f);
	return true;
}

/* Splits line (changed in place) at tabs into f[0..ncols-1]; the last of
 * them is the rest of the row up to the next tab. */
static void split_row(char *line, char **f, size_t ncols, const char *path)
{
	size_t i;

	for (i = 0; i < ncols; i++) {
		f[i] = line;
		line = strchr(line, '\t');
		if (!line && i + 1 < ncols)
			fail_msg("'%s': a row has fewer than %zu columns", path, ncols);
		if (line)
			*line++ = '\0';
	}
}

/* Reads c's expected list at path into want; flag is passed to c->keep. */
static void read_expected(const struct pkg_corpus *c, const char *path, int flag, struct strs *want)
{
	size_t len;
	char *text = slurp(path, &len), *line, *next, *f[4];

	assert_true(c->ncols >= 3 && c->ncols <= 4);
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		split_row(line, f, c->ncols, path);
		if (!strcmp(f[0], c->header) && !strcmp(f[1], "version"))
			continue;
		if (!c->keep || c->keep(f, flag))
			strs_add(want, f[0], f[1], f[2]);
	}
	free(text);
}

/* Parses the case root with c->parse_root into rows of got; returns what
 * parse_root returned. */
static int parse_case_root(const struct pkg_corpus *c, const char *root, struct strs *got)
{
	struct got g = {.from = c->from};
	size_t i;
	int flag = c->parse_root(root, &g);

	for (i = 0; i < g.n; i++)
		strs_add(got, g.r[i].name, g.r[i].version, g.r[i].arch);
	got_release(&g);
	return flag;
}

/* Writes the path of case name's expected list to path (cap bytes). */
static void expected_path(const struct pkg_corpus *c, const char *dir, const char *name, char *path,
                          size_t cap)
{
	struct stat st;

	snprintf(path, cap, "%s/%s/%s", dir, name, c->expected);
	if (c->expected_alt && stat(path, &st) != 0)
		snprintf(path, cap, "%s/%s/%s", dir, name, c->expected_alt);
}

/* Checks case name of c below dir; returns 1 when it matched. */
static int check_case(const struct pkg_corpus *c, const char *dir, const char *name)
{
	char root[1024], path[1100], label[256];
	struct strs got = {0}, want = {0};
	size_t bad;
	int flag;

	snprintf(root, sizeof(root), "%s/%s/root", dir, name);
	flag = parse_case_root(c, root, &got);
	expected_path(c, dir, name, path, sizeof(path));
	read_expected(c, path, flag, &want);
	snprintf(label, sizeof(label), "%s/%s", c->kind, name);
	bad = strs_diff(&got, &want, label);
	print_message("%s: %zu packages, %zu expected, %s\n", label, got.n, want.n,
	              bad ? "MISMATCH" : "match");
	strs_release(&got);
	strs_release(&want);
	return bad == 0;
}

void corpus_run(const struct pkg_corpus *c)
{
	char dir[512], path[600];
	struct strs cases = {0};
	struct stat st;
	size_t i, matched = 0;

	snprintf(dir, sizeof(dir), "%s/corpus/packages/%s", shared_dir(), c->kind);
	cases_path(path, sizeof(path));
	if (stat(path, &st) != 0) {
		print_message("corpus not found at '%s' (set FC_SHARED), skipping\n", path);
		skip();
	}
	if (!corpus_cases(c->kind, &cases))
		fail_msg("cannot open '%s'", path);
	for (i = 0; i < cases.n; i++) {
		cases.s[i][strcspn(cases.s[i], "\t")] = '\0';
		matched += (size_t)check_case(c, dir, cases.s[i]);
	}
	print_message("%s corpus: %zu of %zu cases matched\n", c->kind, matched, cases.n);
	assert_true(cases.n > 0);
	assert_int_equal(matched, cases.n);
	strs_release(&cases);
}

/* ---- tests/e2e/httpd.py, the stand-in collector ---- */

#define HTTPD_PYTHON "/usr/bin/python3"
#define HTTPD_SCRIPT "tests/e2e/httpd.py"

pid_t httpd_start(const char *dir, const char *mode, bool tls, char *url, size_t cap)
{
	char port[512], log[512], cert[512], key[512], out[512];
	char *argv[] = {HTTPD_PYTHON, HTTPD_SCRIPT, "--port-file", port,         "--mode",
	                (char *)mode, "--log",      log,           "--tls-cert", cert,
	                "--tls-key",  key,          NULL};
	pid_t pid;
	int i, p = 0;

	if (access(HTTPD_PYTHON, X_OK) != 0 || access(HTTPD_SCRIPT, R_OK) != 0)
		skip();
	snprintf(port, sizeof(port), "%s/port", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(out, sizeof(out), "%s/httpd.out", dir);
	if (!tls)
		argv[8] = NULL;
	unlink(port); /* an earlier server's */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	for (i = 0; i < 200 && p == 0; i++) {
		FILE *pf = fopen(port, "r");

		if (pf) {
			if (fscanf(pf, "%d", &p) != 1)
				p = 0;
			fclose(pf);
		}
		if (p == 0)
			usleep(50000);
	}
	if (p <= 0) {
		httpd_stop(&pid);
		fail_msg("httpd.py did not start (see '%s')", out);
	}
	snprintf(url, cap, "%s://127.0.0.1:%d", tls ? "https" : "http", p);
	return pid;
}

void httpd_stop(pid_t *pid)
{
	int i, status;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (i = 0; i < 50 && waitpid(*pid, &status, WNOHANG) == 0; i++)
		usleep(100000);
	if (i == 50) {
		kill(*pid, SIGKILL);
		waitpid(*pid, &status, 0);
	}
	*pid = 0;
}

/* Appends "kind:status" of one JSON log line of httpd.py to out. */
static void add_kind(char *out, size_t cap, const char *line)
{
	cJSON *e = cJSON_Parse(line);
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(e, "kind");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(e, "status");
	const char *k = cJSON_IsString(kind) ? kind->valuestring : "None";
	size_t n = strlen(out);

	assert_non_null(e);
	if (cJSON_IsNumber(status))
		snprintf(out + n, cap - n, "%s%s:%d", n ? " " : "", k, status->valueint);
	else
		snprintf(out + n, cap - n, "%s%s:None", n ? " " : "", k);
	cJSON_Delete(e);
}

const char *httpd_kinds(const char *dir)
{
	static char out[1024];
	char path[512], line[65536];
	FILE *lf;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/log", dir);
	lf = fopen(path, "r");
	if (!lf)
		return out;
	while (fgets(line, sizeof(line), lf))
		add_kind(out, sizeof(out), line);
	fclose(lf);
	return out;
}
