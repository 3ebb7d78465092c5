/* campaign_cli.h - the command line of campaigns and organisation
 * attributes, handed over whole by main.c. */
#ifndef FC_COLLECTOR_CAMPAIGN_CLI_H
#define FC_COLLECTOR_CAMPAIGN_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Writes len bytes of data to path (--output); returns 0 or an exit code,
 * the error logged. main.c passes its atomic writer. */
typedef int (*campaign_write_fn)(const char *path, const char *data, size_t len);

/* Runs "campaign ACTION ..." or "org set ..." (argv[0] is "campaign" or
 * "org") against the database db (the default or $FLEETCENSUS_DB; --db
 * overrides it). Returns the exit code (sysexits.h values). */
int campaign_cli(int argc, char **argv, const char *db, campaign_write_fn write_out);

/* The commands' lines for the top-level usage. */
void campaign_cli_usage(FILE *f);

#endif
