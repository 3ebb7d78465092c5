/* ui.c - the operator console under /ui/ (docs/console.md): routing, the
 * login that turns a token into a session, the session cookie, CSRF and
 * the security headers. The pages are in ui_pages.c.
 *
 * Sessions live in this process's memory: a random 256-bit id (only its
 * SHA-256 is kept), the SHA-256 of the token it was made from, its CSRF
 * token and its expiry. Every request checks the token again
 * (store_token_check), so a session ends with its token; a restart ends
 * every session. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "ui_int.h"

#define UI_MAX_SESSIONS 4096
#define UI_SESSION_SECONDS (8 * 3600)
#define UI_COOKIE "fcsession"
#define UI_LOGIN_COOKIE "fclogin"
#define HTML_TYPE "text/html; charset=utf-8"
#define CSP                                                                                        \
	"default-src 'none'; style-src 'self'; img-src data:; form-action 'self'; "                \
	"frame-ancestors 'none'; base-uri 'none'"

struct session {
	unsigned char id[AUTH_HASH_LEN]; /* SHA-256 of the cookie's value */
	unsigned char tok[AUTH_HASH_LEN]; /* SHA-256 of the token */
	char csrf[UI_KEY_LEN];
	int64_t expires; /* 0: free slot */
};

static struct session sessions[UI_MAX_SESSIONS];
static pthread_mutex_t sessions_lock = PTHREAD_MUTEX_INITIALIZER;

/* How long a session lasts: FC_TEST_SESSION_SECONDS (tests only), else 8 h. */
static int64_t session_seconds(void)
{
	const char *s = getenv("FC_TEST_SESSION_SECONDS");
	char *end;
	long v;

	if (!s)
		return UI_SESSION_SECONDS;
	v = strtol(s, &end, 10);
	return (*end || v <= 0 || v > UI_SESSION_SECONDS) ? UI_SESSION_SECONDS : v;
}

/* ---- answers ---- */

static enum MHD_Result queue(struct MHD_Connection *c, struct http_req *r, unsigned status,
                             const char *ctype, struct buf *b, const char *location,
                             const char *cookie, const char *disposition)
{
	struct MHD_Response *resp;
	enum MHD_Result ret = MHD_NO;
	size_t len;
	char *p = buf_take(b, &len);

	resp = MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(p);
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) == MHD_NO ||
	    MHD_add_response_header(resp, "Content-Security-Policy", CSP) == MHD_NO ||
	    MHD_add_response_header(resp, "X-Frame-Options", "DENY") == MHD_NO ||
	    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_NO ||
	    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_NO ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_NO ||
	    (location &&
	     MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location) == MHD_NO) ||
	    (cookie &&
	     MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie) == MHD_NO) ||
	    (disposition && MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
	                                            disposition) == MHD_NO)) {
		LOG_ERR("cannot add a response header");
		goto out_destroy;
	}
	ret = MHD_queue_response(c, status, resp);
	if (ret == MHD_YES) {
		r->status = status;
		r->bytes_out = len;
	}
out_destroy:
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result ui_reply_page(struct ui_ctx *u, unsigned status, struct buf *b)
{
	return queue(u->c, u->r, status, HTML_TYPE, b, NULL, NULL, NULL);
}

enum MHD_Result ui_reply_file(struct ui_ctx *u, const char *ctype, const char *filename,
                              struct buf *b)
{
	char disp[128];

	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	return queue(u->c, u->r, MHD_HTTP_OK, ctype, b, NULL, NULL, disp);
}

/* A page saying msg; who and csrf make the navigation when signed in. */
static enum MHD_Result reply_msg(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                 const char *title, const char *msg, const char *who,
                                 const char *csrf)
{
	struct buf b;
	enum MHD_Result ret;

	buf_init(&b, UI_MAX_PAGE);
	if (ui_page_begin(&b, title, who, csrf) ||
	    buf_addstr(&b, "<p class=\"err\" role=\"alert\">") || ui_esc(&b, msg) ||
	    buf_addstr(&b, "</p><p><a href=\"/ui/\">Back to the console</a></p>") ||
	    ui_page_end(&b)) {
		buf_release(&b);
		return MHD_NO;
	}
	ret = queue(c, r, status, HTML_TYPE, &b, NULL, NULL, NULL);
	buf_release(&b);
	return ret;
}

enum MHD_Result ui_reply_msg(struct ui_ctx *u, unsigned status, const char *title, const char *msg)
{
	return reply_msg(u->c, u->r, status, title, msg, u->who, u->csrf);
}

enum MHD_Result ui_redirect(struct MHD_Connection *c, struct http_req *r, const char *location,
                            const char *cookie)
{
	struct buf b;
	enum MHD_Result ret;

	buf_init(&b, 1024);
	(void)buf_addstr(&b, "see other");
	ret = queue(c, r, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", &b, location, cookie,
	            NULL);
	buf_release(&b);
	return ret;
}

const char *ui_arg(const struct ui_ctx *u, const char *name)
{
	const char *v = MHD_lookup_connection_value(u->c, MHD_GET_ARGUMENT_KIND, name);

	return v && v[0] ? v : NULL;
}

enum fc_rc ui_report(struct ui_ctx *u, struct report_opts *o, cJSON **out, char *err)
{
	struct buf b;
	enum fc_rc rc;

	*out = NULL;
	if (!u->srv->cfg->lifecycle) {
		snprintf(err, FC_ERRLEN, "the server has no lifecycle catalogue");
		return FC_ECONFIG;
	}
	o->format = REPORT_JSON;
	if (u->r->role != ROLE_ADMIN) {
		o->orgs[0] = u->r->org;
		o->n_orgs = 1;
	}
	buf_init(&b, UI_MAX_PAGE);
	pthread_mutex_lock(&u->srv->store_lock);
	report_snapshot_today(u->srv->st);
	rc = report_run(u->srv->st, u->srv->cfg->lifecycle, o, &b, err);
	pthread_mutex_unlock(&u->srv->store_lock);
	if (rc == FC_OK) {
		*out = cJSON_ParseWithLength(b.ptr ? b.ptr : "[]", b.ptr ? b.len : 2);
		if (!*out) {
			snprintf(err, FC_ERRLEN, "cannot read the report's JSON");
			rc = FC_EPARSE;
		}
	}
	buf_release(&b);
	return rc;
}

/* ---- sessions ---- */

/* The value of cookie name in the request, or NULL when absent or not
 * AUTH_TOKEN_LEN hex digits. */
static const char *cookie_key(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, name);

	if (!v || strlen(v) != AUTH_TOKEN_LEN || strspn(v, "0123456789abcdef") != AUTH_TOKEN_LEN)
		return NULL;
	return v;
}

/* Makes a session for the token hashed tok; id gets the cookie's value. */
static enum fc_rc session_new(const unsigned char tok[AUTH_HASH_LEN], char id[UI_KEY_LEN])
{
	int64_t now = (int64_t)time(NULL);
	size_t slot = 0;
	char csrf[UI_KEY_LEN];

	if (auth_token_new(id) || auth_token_new(csrf))
		return FC_EIO;
	pthread_mutex_lock(&sessions_lock);
	for (size_t i = 0; i < UI_MAX_SESSIONS; i++) {
		if (sessions[i].expires <= now) {
			slot = i;
			break;
		}
		if (sessions[i].expires < sessions[slot].expires)
			slot = i; /* full: the one nearest its end makes room */
	}
	auth_token_hash(id, sessions[slot].id);
	memcpy(sessions[slot].tok, tok, AUTH_HASH_LEN);
	memcpy(sessions[slot].csrf, csrf, UI_KEY_LEN);
	sessions[slot].expires = now + session_seconds();
	pthread_mutex_unlock(&sessions_lock);
	return FC_OK;
}

/* Finds the live session of cookie value id: its token's hash and CSRF. */
static bool session_find(const char *id, unsigned char tok[AUTH_HASH_LEN], char csrf[UI_KEY_LEN])
{
	unsigned char h[AUTH_HASH_LEN];
	int64_t now = (int64_t)time(NULL);
	bool found = false;

	auth_token_hash(id, h);
	pthread_mutex_lock(&sessions_lock);
	for (size_t i = 0; i < UI_MAX_SESSIONS && !found; i++) {
		if (sessions[i].expires > now && auth_hash_equal(sessions[i].id, h)) {
			memcpy(tok, sessions[i].tok, AUTH_HASH_LEN);
			memcpy(csrf, sessions[i].csrf, UI_KEY_LEN);
			found = true;
		}
	}
	pthread_mutex_unlock(&sessions_lock);
	return found;
}

static void session_end(const char *id)
{
	unsigned char h[AUTH_HASH_LEN];

	auth_token_hash(id, h);
	pthread_mutex_lock(&sessions_lock);
	for (size_t i = 0; i < UI_MAX_SESSIONS; i++)
		if (auth_hash_equal(sessions[i].id, h))
			memset(&sessions[i], 0, sizeof(sessions[i]));
	pthread_mutex_unlock(&sessions_lock);
}

/* Checks the token hashed tok (live, a console role) and sets r's role,
 * organisation and token id. Returns 0, or the status to answer. */
static unsigned check_token(struct http_server *srv, struct http_req *r,
                            const unsigned char tok[AUTH_HASH_LEN], char *msg)
{
	struct store_token t;
	char err[FC_ERRLEN];
	enum fc_rc rc;

	pthread_mutex_lock(&srv->store_lock);
	rc = store_token_check(srv->st, tok, &t, err);
	if (rc == FC_OK) {
		r->role = t.role;
		r->org_id = t.org_id;
		r->token_id = t.id;
		snprintf(r->org, sizeof(r->org), "%s", t.org_name ? t.org_name : "");
	}
	pthread_mutex_unlock(&srv->store_lock);
	if (rc == FC_ENOENT) {
		snprintf(msg, FC_ERRLEN, "unknown or revoked token");
		return MHD_HTTP_UNAUTHORIZED;
	}
	if (rc) {
		LOG_ERR("checking a token: %s", err);
		snprintf(msg, FC_ERRLEN, "cannot check the token now, try again later");
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	if (t.role == ROLE_AGENT) {
		snprintf(msg, FC_ERRLEN,
		         "an agent token cannot use the console (use a reader, "
		         "manager or admin token)");
		return MHD_HTTP_FORBIDDEN;
	}
	return 0;
}

/* A cookie's attributes: Secure under TLS. */
static void cookie_attrs(struct http_server *srv, char *out, size_t size, int64_t max_age)
{
	snprintf(out, size, "; Path=/ui/; HttpOnly; SameSite=Strict; Max-Age=%" PRId64 "%s",
	         max_age, srv->cfg->tls_cert ? "; Secure" : "");
}

/* True when the CSRF field given equals want (compared in constant time). */
static bool csrf_ok(const char *given, const char *want)
{
	unsigned char a[AUTH_HASH_LEN], b[AUTH_HASH_LEN];

	auth_token_hash(given, a);
	auth_token_hash(want, b);
	return auth_hash_equal(a, b);
}

/* ---- login and logout ---- */

static enum MHD_Result login_form(struct http_server *srv, struct MHD_Connection *c,
                                  struct http_req *r, unsigned status, const char *msg)
{
	char key[UI_KEY_LEN], attrs[128], cookie[256];
	struct buf b;
	enum MHD_Result ret;

	if (auth_token_new(key))
		return MHD_NO;
	cookie_attrs(srv, attrs, sizeof(attrs), 3600);
	snprintf(cookie, sizeof(cookie), UI_LOGIN_COOKIE "=%s%s", key, attrs);
	buf_init(&b, UI_MAX_PAGE);
	if (ui_page_begin(&b, "Sign in", NULL, NULL) ||
	    (msg && (buf_addstr(&b, "<p class=\"err\" role=\"alert\">") || ui_esc(&b, msg) ||
	             buf_addstr(&b, "</p>"))) ||
	    buf_addstr(&b, "<form method=\"post\" action=\"/ui/login\"><input type=\"hidden\" "
	                   "name=\"csrf\" value=\"") ||
	    ui_esc(&b, key) ||
	    buf_addstr(&b, "\"><p><label for=\"token\">Token (reader, manager or admin)</label> "
	                   "<input id=\"token\" name=\"token\" type=\"password\" size=\"70\" "
	                   "autocomplete=\"off\" required></p><p><button type=\"submit\">Sign "
	                   "in</button></p></form>") ||
	    ui_page_end(&b)) {
		buf_release(&b);
		return MHD_NO;
	}
	ret = queue(c, r, status, HTML_TYPE, &b, NULL, cookie, NULL);
	buf_release(&b);
	return ret;
}

static enum MHD_Result login_post(struct http_server *srv, struct MHD_Connection *c,
                                  struct http_req *r, const char *form)
{
	char token[300], csrf[UI_KEY_LEN + 1], msg[FC_ERRLEN], id[UI_KEY_LEN];
	char attrs[128], cookie[256];
	unsigned char tok[AUTH_HASH_LEN];
	const char *want = cookie_key(c, UI_LOGIN_COOKIE);
	unsigned status;

	if (!want || !ui_form_value(form, "csrf", csrf, sizeof(csrf)) || !csrf_ok(csrf, want))
		return reply_msg(
		    c, r, MHD_HTTP_FORBIDDEN, "Refused",
		    "the form's CSRF field is missing or wrong: reload the sign-in page", NULL,
		    NULL);
	if (!ui_form_value(form, "token", token, sizeof(token)) || strlen(token) != AUTH_TOKEN_LEN)
		return login_form(srv, c, r, MHD_HTTP_UNAUTHORIZED,
		                  "the token is missing or malformed (64 hex digits)");
	auth_token_hash(token, tok);
	explicit_bzero(token, sizeof(token));
	status = check_token(srv, r, tok, msg);
	if (status)
		return login_form(srv, c, r, status, msg);
	if (session_new(tok, id))
		return reply_msg(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Error",
		                 "cannot make a session", NULL, NULL);
	cookie_attrs(srv, attrs, sizeof(attrs), session_seconds());
	snprintf(cookie, sizeof(cookie), UI_COOKIE "=%s%s", id, attrs);
	return ui_redirect(c, r, "/ui/", cookie);
}

/* ---- routing ---- */

static enum MHD_Result route(struct ui_ctx *u, const char *page, bool post)
{
	if (post && !strcmp(page, "campaign"))
		return ui_post_campaign(u);
	if (post)
		return ui_reply_msg(u, MHD_HTTP_METHOD_NOT_ALLOWED, "Not allowed",
		                    "this page takes no form");
	if (!page[0])
		return ui_page_overview(u);
	if (!strcmp(page, "tender"))
		return ui_page_tender(u, false);
	if (!strcmp(page, "tender.csv"))
		return ui_page_tender(u, true);
	if (!strcmp(page, "campaigns"))
		return ui_page_campaigns(u);
	if (!strcmp(page, "campaign"))
		return ui_page_campaign(u, false);
	if (!strcmp(page, "campaign.xlsx"))
		return ui_page_campaign(u, true);
	if (!strcmp(page, "burndown"))
		return ui_page_burndown(u);
	if (!strcmp(page, "stale"))
		return ui_page_stale(u, false);
	if (!strcmp(page, "stale.csv"))
		return ui_page_stale(u, true);
	if (!strcmp(page, "search"))
		return ui_page_search(u);
	return ui_reply_msg(u, MHD_HTTP_NOT_FOUND, "Not found", "no such page");
}

/* A signed-in request: the session, its token, CSRF on a POST. */
static enum MHD_Result signed_in(struct ui_ctx *u, const char *page, bool post)
{
	const char *id = cookie_key(u->c, UI_COOKIE);
	unsigned char tok[AUTH_HASH_LEN];
	char msg[FC_ERRLEN], csrf[UI_KEY_LEN + 1], attrs[128], cookie[256];
	unsigned status;

	if (!id || !session_find(id, tok, u->csrf)) {
		cookie_attrs(u->srv, attrs, sizeof(attrs), 0);
		snprintf(cookie, sizeof(cookie), UI_COOKIE "=%s", attrs);
		return ui_redirect(u->c, u->r, "/ui/login", cookie);
	}
	status = check_token(u->srv, u->r, tok, msg);
	if (status == MHD_HTTP_UNAUTHORIZED || status == MHD_HTTP_FORBIDDEN) {
		session_end(id);
		return ui_redirect(u->c, u->r, "/ui/login", NULL);
	}
	if (status)
		return reply_msg(u->c, u->r, status, "Unavailable", msg, NULL, NULL);
	if (u->r->role == ROLE_ADMIN)
		snprintf(u->who, sizeof(u->who), "admin (all organisations)");
	else
		snprintf(u->who, sizeof(u->who), "%s of %s", auth_role_name(u->r->role), u->r->org);
	if (post &&
	    (!ui_form_value(u->form, "csrf", csrf, sizeof(csrf)) || !csrf_ok(csrf, u->csrf)))
		return ui_reply_msg(u, MHD_HTTP_FORBIDDEN, "Refused",
		                    "the form's CSRF field is missing or wrong: reload the page");
	if (post && !strcmp(page, "logout")) {
		session_end(id);
		cookie_attrs(u->srv, attrs, sizeof(attrs), 0);
		snprintf(cookie, sizeof(cookie), UI_COOKIE "=%s", attrs);
		return ui_redirect(u->c, u->r, "/ui/login", cookie);
	}
	return route(u, page, post);
}

enum MHD_Result http_ui(struct http_server *srv, struct MHD_Connection *c, struct http_req *r)
{
	struct ui_ctx u;
	bool post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
	const char *page = r->path + strlen(HTTP_UI_PREFIX);
	struct buf css;
	enum MHD_Result ret;

	memset(&u, 0, sizeof(u));
	u.srv = srv;
	u.c = c;
	u.r = r;
	if (page[0] == '/')
		page++;
	if (post && (r->bytes_in > UI_MAX_FORM || r->too_big))
		return reply_msg(c, r, MHD_HTTP_CONTENT_TOO_LARGE, "Too large",
		                 "a form may have at most 16 KiB", NULL, NULL);
	if (post)
		u.form = buf_cstr(&r->body);
	if (!post && !strcmp(page, "style.css")) {
		buf_init(&css, strlen(ui_css) + 1);
		(void)buf_addstr(&css, ui_css);
		ret = queue(c, r, MHD_HTTP_OK, "text/css; charset=utf-8", &css, NULL, NULL, NULL);
		buf_release(&css);
		return ret;
	}
	if (!strcmp(page, "login"))
		return post ? login_post(srv, c, r, u.form)
		            : login_form(srv, c, r, MHD_HTTP_OK, NULL);
	return signed_in(&u, page, post);
}
