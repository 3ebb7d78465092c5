/* fuzz_schedule.c - a campaign's price and fee schedules
 * (collector/campaign_cost.c, docs/campaigns.md) on any bytes, each input
 * read both as a price and as a fee schedule: either accepted or refused
 * with an error naming the file, line and column. */
#include <string.h>

#include "campaign_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct campaign_spec s;
	char err[FC_ERRLEN];
	enum fc_rc rc;
	int fees;

	for (fees = 0; fees < 2; fees++) {
		memset(&s, 0, sizeof(s));
		if (fees) {
			s.fees = (const char *)data;
			s.fees_len = size;
			s.fees_name = "fees.csv";
		} else {
			s.prices = (const char *)data;
			s.prices_len = size;
			s.prices_name = "prices.csv";
		}
		memset(err, 'x', sizeof(err));
		err[0] = '\0';
		rc = camp_schedules_check(&s, err);
		FUZZ_CHECK(rc == FC_OK || rc == FC_EUSAGE);
		if (rc) {
			fuzz_check_err(rc, err);
			FUZZ_CHECK(
			    strncmp(err, fees ? "fees.csv:" : "prices.csv:", fees ? 9 : 11) == 0);
		}
	}
	return 0;
}
