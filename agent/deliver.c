/* deliver.c - deliver the agent's inventory to the collector: the spool, the
 * short-or-full decision, the 409 fallback and the exit code; --relay's run. */
#include "deliver.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "exitcode.h"
#include "gzip.h"
#include "log.h"
#include "os.h"
#include "platform.h"
#include "relay.h"
#include "spool.h"
#include "state.h"
#include "textesc.h"

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
static enum fc_rc send_short_or_full(const struct deliver_opts *o, struct inventory *inv,
                                     const struct send_body *full, struct send_result *res,
                                     bool *full_sent)
{
	const struct inventory_summary *sum = inventory_summary(inv);
	char known[STATE_DIGEST_LEN + 1];
	struct inventory_sink sink;
	struct send_body body = {NULL, NULL, NULL, 0};
	struct buf json, gz;
	enum fc_rc rc;

	*full_sent = true;
	if (!inventory_has_list(inv) || state_read_digest(o->state_dir, known) != FC_OK ||
	    strcmp(known, sum->software_digest) != 0)
		return send_report_backoff(&o->send, full, res);
	buf_init(&json, SPOOL_MAX);
	buf_init(&gz, SPOOL_MAX);
	inventory_sink_buf(&sink, &json);
	rc = inventory_write(inv, INVENTORY_SHORT, &sink);
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
	rc = send_report_backoff(&o->send, &body, res);
	buf_release(&gz);
	if (rc != FC_EREFUSED || !res->resend_full)
		return rc;
	LOG_INFO("the collector asks for the full report (%s)", res->message);
	*full_sent = true;
	return send_report_backoff(&o->send, full, res);
}

/* Streams the full report, gzip-compressed, into the spool. */
static int spool_inventory(const struct deliver_opts *o, struct inventory *inv)
{
	struct spool_writer *w;
	struct inventory_sink sink = {spool_write, spool_restart, NULL};
	char err[FC_ERRLEN];
	enum fc_rc rc;

	rc = spool_begin(o->state_dir, &w, err);
	if (rc) {
		LOG_ERR("spool: %s", err);
		return EXIT_CANTCREAT;
	}
	sink.ctx = w;
	rc = inventory_write(inv, INVENTORY_FULL, &sink);
	inventory_log_summary(inv);
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

int deliver_exit_code(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return EXIT_DONE;
	case FC_EREFUSED: return EXIT_REFUSED;
	case FC_ENOMEM: return EXIT_SOFTWARE;
	default: return EXIT_TEMPFAIL;
	}
}

bool deliver_clears_spool(enum fc_rc rc)
{
	return rc == FC_OK || rc == FC_EREFUSED;
}

/* Logs the outcome of the last send (rc, res) once; on acceptance of a full
 * report with a software list, remembers the list's digest. */
static void delivered(const struct deliver_opts *o, const struct inventory *inv, enum fc_rc rc,
                      const struct send_result *res, bool full_sent)
{
	const struct inventory_summary *sum = inventory_summary(inv);
	char err[FC_ERRLEN];

	switch (rc) {
	case FC_OK:
		if (!o->quiet) {
			textesc_printf(stdout, "sent the %s report to %s: %s",
			               full_sent ? "full" : "short", o->send.server, res->message);
			fflush(stdout);
		}
		if (full_sent && sum->software == SECTION_OK &&
		    state_write_digest(o->state_dir, sum->software_digest, err) != FC_OK)
			LOG_WARN("state: %s; the next report is sent in full", err);
		break;
	case FC_EREFUSED: LOG_ERR("the collector refused the report: %s", res->message); break;
	case FC_ENOMEM: LOG_ERR("%s", res->message); break;
	default: LOG_ERR("not delivered, kept for the next run: %s", res->message); break;
	}
}

int deliver_inventory(const struct deliver_opts *o, struct inventory *inv)
{
	struct send_body full = {NULL, NULL, NULL, 0};
	struct send_result res;
	char err[FC_ERRLEN], path[SPOOL_PATH_MAX];
	struct buf small;
	enum fc_rc rc;
	bool full_sent;
	int code;

	/* The new report supersedes any spooled one: spool it first, so that
	 * nothing is lost if this run dies while sending. */
	code = spool_inventory(o, inv);
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
	rc = send_short_or_full(o, inv, &full, &res, &full_sent);
	buf_release(&small);
	delivered(o, inv, rc, &res, full_sent);
	if (deliver_clears_spool(rc) && spool_clear(o->state_dir, err) != FC_OK)
		LOG_WARN("spool: %s", err);
	return deliver_exit_code(rc);
}

int deliver_relay_exit_code(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return EXIT_DONE;
	case FC_EREFUSED: return EXIT_REFUSED;
	case FC_EHTTP:
	case FC_ENET: return EXIT_TEMPFAIL;
	case FC_ECONFIG: return EXIT_CONFIG;
	case FC_EIO: return EXIT_NOINPUT;
	default: return EXIT_SOFTWARE;
	}
}

int deliver_relay(const struct deliver_opts *o, const char *dir)
{
	struct relay_counts n;
	int code = deliver_relay_exit_code(relay_run(dir, &o->send, &n));

	if (!o->quiet) {
		textesc_printf(stdout,
		               "relay %s: sent %d, rejected %d, kept %d, superseded %d, "
		               "skipped %d",
		               dir, n.sent, n.rejected, n.kept, n.superseded, n.skipped);
		fflush(stdout);
	}
	return code;
}
