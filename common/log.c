/* log.c - one-line diagnostics on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

enum log_level log_threshold = LOG_LEVEL_WARN;
static const char *log_prog = "fleetcensus";

void log_set_prog(const char *prog)
{
	log_prog = prog;
}

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	va_list ap;

	fprintf(stderr, "%s: %s: ", log_prog, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (log_threshold >= LOG_LEVEL_DEBUG)
		fprintf(stderr, " (%s:%d)", file, line);
	fputc('\n', stderr);
}
