/* api_ndc.c: the host Party's NDC over HTTP: the emissions balance, live from the NDC, the
 * inventory and the ITMOs first transferred and used (public); the NDC and the inventory of a
 * year, set by the authority. */
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

/* An amount of t CO2e within +-A6_NDC_QUANTITY_MAX (fallback when absent and not required);
 * false after answering. */
static bool amount_field(json_t *body, const char *key, bool required, int64_t fallback,
                         int64_t *out, api_response_t *response)
{
    bool present = false;
    if (!api_int_field(body, key, required, out, &present, response)) return false;
    if (!present) *out = fallback;
    if (present && (*out < -A6_NDC_QUANTITY_MAX || *out > A6_NDC_QUANTITY_MAX)) {
        api_error(response, A6_CHECK_NDC_INVALID, key, "at most 10^14 t CO2e");
        return false;
    }
    return true;
}

/* A required year of 1990..2100, or an optional basis point share of 0..10000 (A6_BP_MISSING
 * when absent); false after answering. */
static bool ndc_int_field(json_t *body, const char *key, bool year, int32_t *out,
                          api_response_t *response)
{
    int64_t value = A6_BP_MISSING;
    bool present = false;
    if (!api_int_field(body, key, year, &value, &present, response)) return false;
    bool ok =
        year ? value >= 1990 && value <= 2100 : !present || (value >= 0 && value <= A6_BP_FULL);
    if (!ok) {
        api_error(response, A6_CHECK_NDC_INVALID, key,
                  year ? "a year from 1990 to 2100" : "basis points from 0 to 10000");
        return false;
    }
    *out = (int32_t)value;
    return true;
}

static void answer_ndc(api_response_t *out, const ndc_result_t *result)
{
    if (result->store_error < 0)
        api_storage_error(out, result->message);
    else if (result->check != A6_OK)
        api_error(out, result->check, result->field, result->message);
    else
        api_json(out, 200, json_pack("{ss}", "status", "ok"));
}

void api_ndc_set(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"first_year",     "last_year",    "target_year",
                                         "method",         "bau_tco2e",    "unconditional_bp",
                                         "conditional_bp", "budget_tco2e", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *method = NULL;
    a6_ndc_t ndc;
    a6_ndc_init(&ndc);
    if (api_only_fields(body, fields, out) &&
        ndc_int_field(body, "first_year", true, &ndc.first_year, out) &&
        ndc_int_field(body, "last_year", true, &ndc.last_year, out) &&
        ndc_int_field(body, "target_year", true, &ndc.target_year, out) &&
        api_string_field(body, "method", true, &method, out) &&
        amount_field(body, "bau_tco2e", false, A6_NDC_MISSING, &ndc.bau_tco2e, out) &&
        ndc_int_field(body, "unconditional_bp", false, &ndc.unconditional_bp, out) &&
        ndc_int_field(body, "conditional_bp", false, &ndc.conditional_bp, out) &&
        amount_field(body, "budget_tco2e", false, A6_NDC_MISSING, &ndc.budget_tco2e, out)) {
        if (a6_ca_method_parse(method, &ndc.method) != A6_OK) {
            api_error(out, A6_CHECK_CA_METHOD_INVALID, "method", "trajectory, budget or averaging");
        } else {
            ndc_result_t result;
            ndc_set(r->context->writer, r->user->name, &ndc, &result);
            answer_ndc(out, &result);
        }
    }
    json_decref(body);
}

void api_ndc_inventory(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"year", "emissions_tco2e", "trajectory_tco2e", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    int32_t year = 0;
    int64_t emissions = 0, trajectory = A6_NDC_MISSING;
    if (api_only_fields(body, fields, out) && ndc_int_field(body, "year", true, &year, out) &&
        amount_field(body, "emissions_tco2e", true, 0, &emissions, out) &&
        amount_field(body, "trajectory_tco2e", false, A6_NDC_MISSING, &trajectory, out)) {
        ndc_result_t result;
        ndc_year_set(r->context->writer, r->user->name, year, emissions, trajectory, &result);
        answer_ndc(out, &result);
    }
    json_decref(body);
}
