/* log.h - one-line diagnostics on stderr.
 *
 * Messages start lower-case, have no trailing period and quote their subject:
 * LOG_ERR("cannot open '%s': %s", path, strerror(errno)). Never log tokens.
 * The formatted message is escaped like a table cell (textesc.h: control
 * characters, bidirectional controls and ill-formed UTF-8 shown as \xHH or
 * \uHHHH), cut after TEXTESC_LINE_MAX bytes, and written in one piece. */
#ifndef FC_COMMON_LOG_H
#define FC_COMMON_LOG_H

#include "fc_printf.h"

enum log_level { LOG_LEVEL_ERR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

extern enum log_level log_threshold;

/* Sets the program name printed before every message (a static string). */
void log_set_prog(const char *prog);

FC_PRINTF(4, 5)
void log_write(enum log_level level, const char *file, int line, const char *fmt, ...);

#define LOG_AT(lvl, ...)                                                                           \
	do {                                                                                       \
		if ((lvl) <= log_threshold)                                                        \
			log_write((lvl), __FILE__, __LINE__, __VA_ARGS__);                         \
	} while (0)
#define LOG_ERR(...) LOG_AT(LOG_LEVEL_ERR, __VA_ARGS__)
#define LOG_WARN(...) LOG_AT(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_INFO(...) LOG_AT(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) LOG_AT(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
