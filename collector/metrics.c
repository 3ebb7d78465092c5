/* metrics.c - the collector's counters in the Prometheus text format. */
#include "metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const double bucket_le[METRICS_NBUCKETS] = {0.001, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,   0.25,  0.5,  1,     2.5};
static const char *const bucket_name[METRICS_NBUCKETS] = {"0.001", "0.005", "0.01", "0.025", "0.05",
                                                          "0.1",   "0.25",  "0.5",  "1",     "2.5"};

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
}

void metrics_release(struct metrics *m)
{
	pthread_mutex_destroy(&m->lock);
}

void metrics_count_request(struct metrics *m, unsigned status, size_t bytes_in)
{
	pthread_mutex_lock(&m->lock);
	m->requests[status < METRICS_MAX_STATUS ? status : 0]++;
	m->bytes_received += bytes_in;
	pthread_mutex_unlock(&m->lock);
}

void metrics_count_report(struct metrics *m, bool duplicate, double seconds)
{
	size_t i;

	pthread_mutex_lock(&m->lock);
	if (duplicate)
		m->reports_duplicate++;
	else
		m->reports_stored++;
	for (i = 0; i < METRICS_NBUCKETS && seconds > bucket_le[i]; i++)
		;
	if (i < METRICS_NBUCKETS)
		m->ingest_le[i]++;
	m->ingest_count++;
	m->ingest_sum += seconds;
	pthread_mutex_unlock(&m->lock);
}

/* Appends s as a label value: backslash, double quote and newline escaped. */
static enum fc_rc add_label_value(struct buf *out, const char *s)
{
	enum fc_rc rc = FC_OK;

	for (; *s && rc == FC_OK; s++) {
		if (*s == '\\')
			rc = buf_addstr(out, "\\\\");
		else if (*s == '"')
			rc = buf_addstr(out, "\\\"");
		else if (*s == '\n')
			rc = buf_addstr(out, "\\n");
		else
			rc = buf_addc(out, *s);
	}
	return rc;
}

static enum fc_rc add_org(const struct store_org *org, void *ctx)
{
	struct buf *out = ctx;
	enum fc_rc rc;

	rc = buf_addstr(out, "fleetcensus_machines{org=\"");
	if (rc == FC_OK)
		rc = add_label_value(out, org->name);
	if (rc == FC_OK)
		rc = buf_printf(out, "\"} %" PRId64 "\n", org->machines);
	return rc;
}

/* Appends the counters kept in m; the caller holds m->lock. */
static enum fc_rc render_counters(const struct metrics *m, struct buf *out)
{
	enum fc_rc rc;
	uint64_t cum = 0;
	unsigned s;
	size_t i;

	rc = buf_addstr(out, "# HELP fleetcensus_requests_total HTTP requests answered, by status "
	                     "(0: closed without an answer).\n"
	                     "# TYPE fleetcensus_requests_total counter\n");
	for (s = 0; s < METRICS_MAX_STATUS && rc == FC_OK; s++)
		if (m->requests[s])
			rc = buf_printf(out,
			                "fleetcensus_requests_total{status=\"%u\"} %" PRIu64 "\n",
			                s, m->requests[s]);
	if (rc == FC_OK)
		rc =
		    buf_printf(out,
		               "# HELP fleetcensus_reports_stored_total Reports committed to the "
		               "database.\n# TYPE fleetcensus_reports_stored_total counter\n"
		               "fleetcensus_reports_stored_total %" PRIu64 "\n"
		               "# HELP fleetcensus_reports_duplicate_total Reports whose report_id "
		               "was stored before.\n"
		               "# TYPE fleetcensus_reports_duplicate_total counter\n"
		               "fleetcensus_reports_duplicate_total %" PRIu64 "\n"
		               "# HELP fleetcensus_bytes_received_total Request body bytes, as "
		               "received.\n# TYPE fleetcensus_bytes_received_total counter\n"
		               "fleetcensus_bytes_received_total %" PRIu64 "\n"
		               "# HELP fleetcensus_ingest_seconds Time to decode and store an "
		               "accepted report.\n# TYPE fleetcensus_ingest_seconds histogram\n",
		               m->reports_stored, m->reports_duplicate, m->bytes_received);
	for (i = 0; i < METRICS_NBUCKETS && rc == FC_OK; i++) {
		cum += m->ingest_le[i];
		rc = buf_printf(out, "fleetcensus_ingest_seconds_bucket{le=\"%s\"} %" PRIu64 "\n",
		                bucket_name[i], cum);
	}
	if (rc == FC_OK)
		rc = buf_printf(out,
		                "fleetcensus_ingest_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n"
		                "fleetcensus_ingest_seconds_sum %.6f\n"
		                "fleetcensus_ingest_seconds_count %" PRIu64 "\n",
		                m->ingest_count, m->ingest_sum, m->ingest_count);
	return rc;
}

enum fc_rc metrics_render(struct metrics *m, struct store *st, bool per_org, struct buf *out,
                          char *err)
{
	enum fc_rc rc;
	int64_t reports = 0;

	pthread_mutex_lock(&m->lock);
	rc = render_counters(m, out);
	pthread_mutex_unlock(&m->lock);
	if (rc) {
		snprintf(err, FC_ERRLEN, "metrics exceed %zu bytes", out->max);
		return rc;
	}
	rc = store_report_count(st, &reports, err);
	if (rc)
		return rc;
	rc = buf_printf(out,
	                "# HELP fleetcensus_reports Report records in the database.\n"
	                "# TYPE fleetcensus_reports gauge\nfleetcensus_reports %" PRId64 "\n",
	                reports);
	if (rc == FC_OK && per_org)
		rc = buf_addstr(out,
		                "# HELP fleetcensus_machines Machines stored, by organisation.\n"
		                "# TYPE fleetcensus_machines gauge\n");
	if (rc == FC_OK && per_org)
		rc = store_org_each(st, add_org, out, err);
	if (rc == FC_ELIMIT)
		snprintf(err, FC_ERRLEN, "metrics exceed %zu bytes", out->max);
	return rc;
}
