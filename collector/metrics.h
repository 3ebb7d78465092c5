/* metrics.h - the collector's counters, shown by GET /metrics in the
 * Prometheus text format 0.0.4. Every function may be called from any
 * server thread: the counters are guarded by their own mutex. */
#ifndef FC_COLLECTOR_METRICS_H
#define FC_COLLECTOR_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fc_rc.h"
#include "store.h"

/* Upper bounds (seconds) of the ingest latency histogram, +Inf not counted. */
#define METRICS_NBUCKETS 10
#define METRICS_MAX_STATUS 600

struct metrics {
	pthread_mutex_t lock;
	uint64_t requests[METRICS_MAX_STATUS]; /* by status; [0]: closed without an answer */
	uint64_t reports_stored; /* new reports committed */
	uint64_t reports_duplicate; /* report_ids seen before: nothing stored */
	uint64_t bytes_received; /* request bodies, as received */
	uint64_t ingest_le[METRICS_NBUCKETS]; /* per bucket, not cumulative */
	uint64_t ingest_count;
	double ingest_sum;
};

void metrics_init(struct metrics *m);
void metrics_release(struct metrics *m);

/* Counts one finished request: its status (0 when none was sent) and the
 * body bytes it brought. */
void metrics_count_request(struct metrics *m, unsigned status, size_t bytes_in);

/* Counts one report accepted with a 200 and the seconds its decoding and
 * storing took. */
void metrics_count_report(struct metrics *m, bool duplicate, double seconds);

/* Appends the whole exposition to out: the counters, the histogram, and
 * from st the reports stored and, when per_org (an admin asked), the
 * machines per organisation, whose names are not for everyone. The caller
 * holds st's lock. Returns FC_OK, FC_ELIMIT (out is full) or the store's
 * error with err set. */
enum fc_rc metrics_render(struct metrics *m, struct store *st, bool per_org, struct buf *out,
                          char *err);

#endif
