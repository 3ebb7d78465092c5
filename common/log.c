/* log.c - one-line diagnostics on stderr; the message is escaped for the
 * terminal (textesc.h), so that a value from outside cannot add lines or
 * control the terminal. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "textesc.h"

enum log_level log_threshold = LOG_LEVEL_WARN;
static const char *log_prog = "fleetcensus";

void log_set_prog(const char *prog)
{
	log_prog = prog;
}

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	char head[128], tail[128];
	va_list ap;

	snprintf(head, sizeof(head), "%s: %s: ", log_prog, names[level]);
	tail[0] = '\0';
	if (log_threshold >= LOG_LEVEL_DEBUG)
		snprintf(tail, sizeof(tail), " (%s:%d)", file, line);
	va_start(ap, fmt);
	textesc_vline(stderr, head, tail, fmt, ap);
	va_end(ap);
}
