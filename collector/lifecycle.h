/* lifecycle.h - the end-of-support catalogue and the support status of a
 * product at an as-of date.
 *
 * The catalogue is CSV (RFC 4180) with a header line:
 *   kind,product,edition,mainstream_end,extended_end,esu_end,source[,release]
 * kind is "os" or "software"; product is the classifier's os_product (or,
 * for software, a name pattern); edition a pattern ("*" any; '*' and '?'
 * wildcards, case-insensitive); dates YYYY-MM-DD (the last day of the phase)
 * or empty; release, an optional 8th column, a pattern for os_release (empty
 * or absent: any release). A row without any date marks a product/edition
 * whose dates are not known: its status is unknown. The shipped catalogue
 * (data/lifecycle.csv) is compiled into the collector; files given with
 * --lifecycle add rows, and a row with the same kind, product, edition and
 * release replaces the earlier one. Details: docs/lifecycle.md. */
#ifndef FC_COLLECTOR_LIFECYCLE_H
#define FC_COLLECTOR_LIFECYCLE_H

#include <stddef.h>

#include "fc_rc.h"

enum support_status {
	SUPPORT_UNKNOWN = 0, /* no catalogue row: listed, never counted as supported */
	SUPPORT_SUPPORTED, /* before mainstream end */
	SUPPORT_EXTENDED, /* security updates only, before extended end */
	SUPPORT_ESU, /* only paid extended updates remain, before esu end */
	SUPPORT_EOL, /* after every end */
};

struct lifecycle;

/* Returns a catalogue holding the shipped rows (data/lifecycle.csv). The
 * caller frees it with lifecycle_free. NULL (logged) only when the
 * compiled-in data is malformed, a build defect the unit tests catch. */
struct lifecycle *lifecycle_new(void);
void lifecycle_free(struct lifecycle *lc);

/* Adds (or overrides) rows from CSV text; source names it in errors.
 * Returns FC_OK, FC_EPARSE with err (FC_ERRLEN bytes) naming the line and
 * the field, or FC_ELIMIT (more than 4 MiB or 10,000 rows); on failure lc is
 * unchanged. Nothing is logged. */
enum fc_rc lifecycle_add_csv(struct lifecycle *lc, const char *csv, size_t len, const char *source,
                             char *err);
/* The same from a file (at most 4 MiB); FC_EIO / FC_ENOENT when unreadable,
 * FC_ELIMIT when larger. */
enum fc_rc lifecycle_add_file(struct lifecycle *lc, const char *path, char *err);

/* The status of os_product/os_edition at as_of ("YYYY-MM-DD"): the row
 * whose product equals os_product (case-insensitive) and whose edition
 * pattern matches os_edition, the most specific pattern winning. Writes the
 * end of the current phase to support_end ("YYYY-MM-DD", "" when unknown or
 * eol-without-date). kind is "os" or "software". End dates are inclusive:
 * on the end date itself the phase still holds. The release is taken as
 * unknown (""), so rows for a particular release do not match: Windows 11
 * needs lifecycle_status_release. */
enum support_status lifecycle_status(const struct lifecycle *lc, const char *kind,
                                     const char *product, const char *edition, const char *as_of,
                                     char support_end[11]);
/* The same, also matching release (os_release, e.g. "22H2"; NULL or "" when
 * unknown) against the rows' release patterns: Windows 10/11 feature
 * releases have their own dates. Edition specificity decides first, then
 * release specificity (a row naming the release beats one for any release). */
enum support_status lifecycle_status_release(const struct lifecycle *lc, const char *kind,
                                             const char *product, const char *edition,
                                             const char *release, const char *as_of,
                                             char support_end[11]);

/* One catalogue row, borrowed: valid until lc is next changed or freed.
 * Absent dates and an absent release are "". */
struct lifecycle_row {
	const char *kind, *product, *edition, *release;
	const char *mainstream_end, *extended_end, *esu_end;
	const char *source;
};
/* The number of rows, and row i (i < lifecycle_count) in catalogue order. */
size_t lifecycle_count(const struct lifecycle *lc);
void lifecycle_row_get(const struct lifecycle *lc, size_t i, struct lifecycle_row *out);

/* "supported", "extended", "esu", "eol", "unknown". */
const char *support_status_name(enum support_status s);

#endif
