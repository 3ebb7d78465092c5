/* fuzz_lifecycle.c - lifecycle_add_csv (collector/lifecycle.h) on any bytes,
 * added to the shipped catalogue as a --lifecycle file would be; then the
 * rows of an accepted file are read back and looked up, so that the fuzzed edition and
 * release patterns go through the matcher. */
#include <string.h>

#include "fuzz.h"
#include "lifecycle.h"

#define LOOKUPS 16 /* rows looked up per input, from the end */

static void lookup(const struct lifecycle *lc, const struct lifecycle_row *row)
{
	static const char *const as_of[] = {"1999-12-31", "2024-02-29", "2038-01-19"};
	char end[11];
	enum support_status s;
	size_t i;

	for (i = 0; i < sizeof(as_of) / sizeof(as_of[0]); i++) {
		memset(end, 'x', sizeof(end));
		s = lifecycle_status_release(lc, row->kind, row->product, row->edition,
		                             row->release, as_of[i], end);
		FUZZ_CHECK(s >= SUPPORT_UNKNOWN && s <= SUPPORT_EOL);
		FUZZ_CHECK(strnlen(end, sizeof(end)) == 0 || strnlen(end, sizeof(end)) == 10);
		FUZZ_CHECK(support_status_name(s) != NULL);
		(void)lifecycle_status(lc, row->kind, row->product, "Pro", as_of[i], end);
	}
}

/* The shipped catalogue, made once and made again only after an input
 * changed it (parsing it takes most of the time of a run). */
static struct lifecycle *lc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lifecycle_row row;
	char err[FC_ERRLEN];
	size_t before, after, i;
	enum fc_rc rc;

	if (!lc)
		lc = lifecycle_new();
	FUZZ_CHECK(lc != NULL);
	before = lifecycle_count(lc);
	memset(err, 'x', sizeof(err));
	err[0] = '\0';
	rc = lifecycle_add_csv(lc, (const char *)data, size, "fuzz.csv", err);
	after = lifecycle_count(lc);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	if (rc) {
		fuzz_check_err(rc, err);
		FUZZ_CHECK(after == before);
		return 0;
	}
	for (i = after > LOOKUPS ? after - LOOKUPS : 0; i < after; i++) {
		lifecycle_row_get(lc, i, &row);
		FUZZ_CHECK(row.kind && row.product && row.edition && row.release &&
		           row.mainstream_end && row.extended_end && row.esu_end && row.source);
		lookup(lc, &row);
	}
	lifecycle_free(lc);
	lc = NULL;
	return 0;
}
