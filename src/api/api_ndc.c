/* api_ndc.c: GET /api/v1/ndc/balance: the emissions balance, live from the NDC, the inventory and
 * the ITMOs first transferred and used (public). */
#include <stdlib.h>

#include "../store/ndc_store.h"
#include "api.h"

void api_ndc_balance(const api_request_t *r, api_response_t *out)
{
    const char *year_text = r->query ? r->query(r->transport, "year") : NULL;
    int64_t year = 0;
    if (year_text && !api_id_param(year_text, "year", &year, out)) return;
    if (year > 9999) {
        api_error(out, A6_CHECK_NDC_INVALID, "year", "a year of the NDC period");
        return;
    }
    a6_check_t check = A6_OK;
    db_error_t err = {0};
    json_t *balance = ndc_query_balance(r->reader, (int32_t)year, &check, &err);
    if (!balance && err.code < 0) {
        api_storage_error(out, err.message);
        return;
    }
    if (!balance) {
        api_error(out, check, check == A6_CHECK_NDC_DATA_MISSING ? "ndc" : "year",
                  check == A6_CHECK_NDC_DATA_MISSING ? "no NDC is set" : "outside the NDC period");
        return;
    }
    api_json(out, 200, balance);
}
