/* report_params.c - the parameters of each report kind (report_params.h). */
#include "report_params.h"

#include <string.h>

/* The parameters, one bit each. */
static const char *const params[] = {
    "format",  "as_of",   "window", "org", "by",   "horizon_months", "min_cell", "name",
    "version", "product", "from",   "to",  "host", "software",       "split",
};

#define P(i) (1u << (i))
#define P_COMMON (P(0) | P(1) | P(2) | P(3)) /* format, as_of, window, org */

static const struct {
	const char *kind;
	unsigned params;
} kinds[] = {
    {"machines", P_COMMON | P(12) | P(13)}, /* host, software */
    {"counts", P_COMMON | P(4)}, /* by */
    {"tender", P_COMMON | P(5) | P(6) | P(14)}, /* horizon_months, min_cell, split */
    {"software", P_COMMON | P(7) | P(8)}, /* name, version */
    {"trend", P(0) | P(1) | P(3) | P(9) | P(10) | P(11)}, /* format, as_of (the last date
                                                               without to), org, product,
                                                               from, to */
    {"stale", P_COMMON | P(12) | P(13)}, /* host, software */
    {"readiness", P_COMMON},
};

#define NPARAMS (sizeof(params) / sizeof(params[0]))
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static int param_index(const char *param)
{
	size_t i;

	for (i = 0; i < NPARAMS; i++)
		if (!strcmp(params[i], param))
			return (int)i;
	return -1;
}

bool report_kind_known(const char *kind)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i].kind, kind))
			return true;
	return false;
}

bool report_param_known(const char *param)
{
	return param_index(param) >= 0;
}

bool report_param_applies(const char *kind, const char *param)
{
	int p = param_index(param);
	size_t i;

	for (i = 0; p >= 0 && i < NKINDS; i++)
		if (!strcmp(kinds[i].kind, kind))
			return (kinds[i].params & P((unsigned)p)) != 0;
	return false;
}
