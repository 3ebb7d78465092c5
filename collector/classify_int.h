/* classify_int.h - what the files of the classifier share (classify.c,
 * classify_windows.c, classify_linux.c): the string and JSON helpers and
 * the rule sets' entry points. Not for other modules: they use classify.h. */
#ifndef FC_COLLECTOR_CLASSIFY_INT_H
#define FC_COLLECTOR_CLASSIFY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "classify.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Copies s (NULL: "") into dst, truncated to cap - 1 bytes. */
void classify_put(char *dst, size_t cap, const char *s);

/* classify_put of a printf-formatted string. */
__attribute__((format(printf, 3, 4))) void classify_putf(char *dst, size_t cap, const char *fmt,
                                                         ...);

/* Marks out undecidable and appends reason to flag_reason. */
void classify_flag(struct os_class *out, const char *reason);

/* The string value of obj.key, or NULL when absent, not a string or empty
 * (borrowed from obj). */
const char *classify_jstr(const cJSON *obj, const char *key);

/* Parses a non-negative decimal (or 0x hexadecimal) number of at most 20
 * characters that fits 32 bits. */
bool classify_parse_u32(const char *s, long long *v);

/* obj.key as a number in 0..2^32-1 (a JSON number or a numeric string);
 * -1 when absent or not such a number. */
long long classify_jnum(const cJSON *obj, const char *key);

/* True when obj's member key is the boolean true. */
bool classify_jflag(const cJSON *obj, const char *key);

bool classify_has_prefix(const char *s, const char *p);

/* Case-insensitive substring test; NULL s never matches. */
bool classify_contains_ci(const char *s, const char *needle);

/* Normalises an architecture name into out (facts: agent and GLPI names,
 * Windows PROCESSOR_ARCHITECTURE names and numbers). */
void classify_norm_arch(const char *a, char out[16]);

/* Parses "X.Y" into major and minor. */
bool classify_parse_xy(const char *s, long long *x, long long *y);

/* The Windows rules (classify_windows.c): true when w (content.fleetcensus.
 * windows) said enough to classify. */
bool classify_windows(const cJSON *w, struct os_class *out);

/* The feature release (22H2, 24H2, ...) of a Windows 10 or 11 build, or
 * NULL when the build is not one of them. */
const char *classify_win_release(long long build);

/* The LTSB/LTSC channel name of a Windows 10/11 build ("LTSC 2019"), or
 * NULL. */
const char *classify_win_ltsc_name(long long build);

/* The Linux rules (classify_linux.c). From os-release keys: */
bool classify_osrelease(const cJSON *osr, struct os_class *out);
/* from the legacy release files ({path: first line}): */
bool classify_release_files(const cJSON *rf, struct os_class *out);
/* the product of a distribution id, name and version: */
void classify_linux_product(const char *id, const char *name, const char *ver,
                            struct os_class *out);
/* os_family from a distribution id: */
void classify_set_family(const char *id, struct os_class *out);
/* a distribution id from a product name ("Red Hat Enterprise Linux" →
 * "rhel"), or NULL: */
const char *classify_id_from_name(const char *s);
/* a Red Hat style release line ("CentOS release 6.10 (Final)"): */
bool classify_redhat_line(const char *line, struct os_class *out);

#endif
