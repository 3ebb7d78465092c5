/* deliver.h - deliver the agent's inventory to the collector: spool it, send
 * the short or the full form, take a 409 as a request for the full one,
 * empty or keep the spool, remember the accepted software list, and decide
 * the run's exit code (exitcode.h). Also --relay's run.
 *
 * The caller holds the run lock of the state directory (spool_lock) and has
 * called send_global_init. */
#ifndef FC_AGENT_DELIVER_H
#define FC_AGENT_DELIVER_H

#include <stdbool.h>

#include "fc_rc.h"
#include "inventory.h"
#include "send.h"

struct deliver_opts {
	struct send_opts send; /* the collector and how to reach it */
	const char *state_dir; /* the spool and software.digest (state.h) */
	long splay; /* wait a random 0..splay seconds before sending; <= 0: no wait */
	bool quiet; /* no line on stdout on success (--quiet) */
};

/* Delivers inv, collected and not yet written: streams its full form,
 * gzip-compressed, into the spool (replacing an older spooled report), waits
 * the splay, then sends the short form when software.digest holds the
 * digest of inv's software list, else (or when the collector answers 409
 * asking for it) the full form from the spool. On acceptance of a full form
 * with a software list, software.digest becomes that list's digest; it is
 * never written otherwise. The spool is emptied when the report was
 * accepted or refused for good and kept otherwise. Each outcome is said
 * once: on acceptance one line on stdout ("sent the full report to URL:
 * delivered (HTTP 200), machine 'ID'") unless o->quiet, else an error. Returns an exit code:
 * EXIT_DONE (accepted), EXIT_REFUSED (refused for good), EXIT_TEMPFAIL (not delivered now, kept in
 * the spool), EXIT_CANTCREAT (the spool cannot be written) or EXIT_SOFTWARE (the short form cannot
 * be built). */
int deliver_inventory(const struct deliver_opts *o, struct inventory *inv);

/* The exit code of a run whose last send returned rc (send_report_backoff):
 * EXIT_DONE for FC_OK, EXIT_REFUSED for FC_EREFUSED, EXIT_SOFTWARE for
 * FC_ENOMEM, else EXIT_TEMPFAIL. */
int deliver_exit_code(enum fc_rc rc);

/* True when a report whose last send returned rc leaves the spool: it was
 * accepted or refused for good. */
bool deliver_clears_spool(enum fc_rc rc);

/* --relay DIR: sends the report files in dir (relay_run) to o->send's
 * collector, prints one summary line on stdout ("relay DIR: sent N,
 * rejected N, kept N, superseded N, skipped N"; nothing with o->quiet) and
 * returns the exit code:
 * EXIT_DONE, EXIT_REFUSED, EXIT_TEMPFAIL, EXIT_CONFIG, EXIT_NOINPUT (dir
 * cannot be read) or EXIT_SOFTWARE. o->state_dir and o->splay are not used. */
int deliver_relay(const struct deliver_opts *o, const char *dir);

/* The exit code of a relay run that returned rc (relay_run), as
 * deliver_relay returns it. */
int deliver_relay_exit_code(enum fc_rc rc);

#endif
