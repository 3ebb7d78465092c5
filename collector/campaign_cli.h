/* campaign_cli.h - the command line of campaigns and organisation
 * attributes, handed over whole by main.c. */
#ifndef FC_COLLECTOR_CAMPAIGN_CLI_H
#define FC_COLLECTOR_CAMPAIGN_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Runs "campaign ACTION ..." or "org set ..." (argv[0] is "campaign" or
 * "org") against the database db (the default or $FLEETCENSUS_DB; --db
 * overrides it). Returns the exit code (sysexits.h values). */
int campaign_cli(int argc, char **argv, const char *db);

/* The commands' lines for the top-level usage. */
void campaign_cli_usage(FILE *f);

#endif
