/* source_int.h - what the source readers share (source.c). Private. */
#ifndef FC_COLLECTOR_SOURCE_INT_H
#define FC_COLLECTOR_SOURCE_INT_H

#include <stdbool.h>

#include "source.h"
#include "source_csv.h"

/* A growing list of sightings. */
struct source_rows {
	struct sighting *v;
	size_t n, cap;
};
/* A new zeroed row at the end of r, every string "". */
struct sighting *source_rows_add(struct source_rows *r, long line);
/* Sets *dst (owned, freeing the old) to a copy of s, lower-cased when low. */
void source_set(char **dst, const char *s, bool low);
/* Splits an FQDN into the sighting's host and domain. */
void source_set_fqdn(struct sighting *w, const char *fqdn);
/* Sets w->hw_uuid from text (normalised; "" for a placeholder). */
void source_set_uuid(struct sighting *w, const char *text);
/* Checks the CSV has every column of names (NULL-terminated): FC_EPARSE
 * with "PATH:LINE: column NAME: missing (is this a KIND file?)". */
enum fc_rc source_need_cols(const struct source_csv *c, const char *kind, const char *const *names,
                            char *err);
/* "PATH:LINE: column NAME: why" into err; FC_EPARSE. */
enum fc_rc source_bad(const struct source_csv *c, const char *col, const char *why, char *err);

/* An Active Directory computer's field by its ad-csv column name ("Name",
 * "DNSHostName", "ObjectGUID", ...): "" when it has none. */
typedef const char *(*source_ad_get)(void *ctx, const char *col);
/* Fills w from one computer's fields (get on ctx), as an ad-csv row. A bad
 * field: FC_EPARSE with *col its column and why (FC_ERRLEN) what is wrong. */
enum fc_rc source_ad_fill(source_ad_get get, void *ctx, enum source_date_order order,
                          struct sighting *w, const char **col, char *why);
enum fc_rc source_read_ad(struct source_csv *c, enum source_date_order order,
                          struct source_rows *out, char *err);
enum fc_rc source_read_sccm(struct source_csv *c, enum source_date_order order,
                            struct source_rows *out, char *err);
enum fc_rc source_read_intune(struct source_csv *c, enum source_date_order order,
                              struct source_rows *out, char *err);
enum fc_rc source_read_intune_json(const char *path, const char *data, size_t len,
                                   struct source_rows *out, char *err);

#endif
