/* exitcode.h - the agent's exit codes, the values of BSD sysexits.h
 * (written out so that builds without that header agree). */
#ifndef FC_AGENT_EXITCODE_H
#define FC_AGENT_EXITCODE_H

#define EXIT_DONE 0 /* collected, and written or delivered */
#define EXIT_USAGE 64 /* bad command line */
#define EXIT_NOINPUT 66 /* the root or an input file cannot be read */
#define EXIT_REFUSED 69 /* the collector refused the report for good */
#define EXIT_SOFTWARE 70 /* internal error */
#define EXIT_CANTCREAT 73 /* the output file cannot be written */
#define EXIT_TEMPFAIL 75 /* not delivered now; spooled for the next run */
#define EXIT_CONFIG 78 /* bad configuration */

#endif
