/* relay.h - send report files made elsewhere (--output DIR/ on machines that
 * cannot reach the collector) from a directory: a file share or a USB stick.
 *
 * Report files are DIR/NAME.json and DIR/NAME.json.gz. Per machine
 * (content.fleetcensus.machine_id, else agent_id, else deviceid) only the
 * newest report (by content.fleetcensus.collected_at) is sent; older ones
 * are removed as superseded once a newer one of that machine is delivered.
 * A delivered file is removed; a file the collector refuses for good (4xx
 * other than 408 and 429) or that is not a report goes to DIR/rejected/ with
 * the reason in DIR/rejected/NAME.reason; the rest stay for the next run.
 * Hidden files, directories and files with other names are left alone. */
#ifndef FC_AGENT_RELAY_H
#define FC_AGENT_RELAY_H

#include "fc_rc.h"
#include "send.h"

#define RELAY_MAX_FILE ((size_t)64 << 20) /* a report file as stored (the spool's limit) */
#define RELAY_MAX_JSON ((size_t)64 << 20) /* decompressed (the collector's --max-decompressed) */
#define RELAY_MAX_FILES 10000 /* report files taken in one run; the rest wait */
#define RELAY_REJECTED "rejected"

struct relay_counts {
	int sent; /* delivered and removed */
	int rejected; /* moved to DIR/rejected/ */
	int kept; /* left for the next run */
	int superseded; /* older reports of a delivered machine, removed */
	int skipped; /* not report files (other names, not regular files) */
};

/* Relays the report files in dir to the collector of so (with
 * send_report_backoff). n is filled on every path. Returns FC_OK when every
 * report was delivered; FC_EREFUSED when some were rejected and none kept;
 * FC_EHTTP or FC_ENET when it stopped at a temporary failure (5xx, 408, 429,
 * no answer: the rest is kept); FC_ECONFIG (bad server, token or CA file);
 * FC_EIO when dir cannot be read. Each file's outcome is logged. */
enum fc_rc relay_run(const char *dir, const struct send_opts *so, struct relay_counts *n);

#endif
