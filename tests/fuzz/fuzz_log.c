/* fuzz_log.c - the logger of common/log.c, for the fuzz targets: every
 * level is formatted (so that a bad argument to a LOG_DEBUG is found too),
 * checked to be one line (STYLE: one line each; a line end taken from the
 * input would forge log lines), and then dropped, unless FC_FUZZ_LOG is set
 * in the environment. Linked before the common library, so that
 * common/log.o is not. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum log_level log_threshold = LOG_LEVEL_DEBUG;
static const char *log_prog = "fleetcensus";

void log_set_prog(const char *prog)
{
	log_prog = prog;
}

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strchr(msg, '\n')) {
		fprintf(stderr, "fuzz: %s:%d: a log message of several lines: %s\n", file, line,
		        msg);
		abort();
	}
	if (getenv("FC_FUZZ_LOG"))
		fprintf(stderr, "%s: %s: %s (%s:%d)\n", log_prog, names[level], msg, file, line);
}
