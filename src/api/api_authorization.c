/* api_authorization.c: the national authorization framework and authorizations over HTTP: the
 * policy in force (public) and its new versions (authority), requests evaluated rule by rule,
 * decisions by the authority. */
#include <string.h>

#include "../store/authorization_store.h"
#include "api.h"

static void answer(api_response_t *out, authorization_result_t *result, const char *key)
{
    if (result->store_error < 0) {
        api_storage_error(out, result->message);
        return;
    }
    if (result->check != A6_OK) {
        api_error(out, result->check, result->field, result->message);
        return;
    }
    api_json(out, 201, json_pack("{sI ss}", key, (json_int_t)result->id, "status", "ok"));
}

void api_policy_get(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *policy = policy_query(r->reader, &err);
    if (!policy && err.code < 0) {
        api_storage_error(out, err.message);
        return;
    }
    if (!policy) {
        api_error(out, A6_CHECK_POLICY_INVALID, "policy", "no policy is in force");
        return;
    }
    api_json(out, 200, policy);
}

void api_policy_set(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {
        "sectors",       "technologies", "purposes",    "max_share_bp",
        "vintage_first", "vintage_last", "target_year", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    if (api_only_fields(body, fields, out)) {
        authorization_result_t result;
        policy_set(r->context->writer, r->user->name, r->user->role, body, &result);
        answer(out, &result, "version");
    }
    json_decref(body);
}

void api_authorizations_list(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *list = authorization_query_all(r->reader, &err);
    if (!list) {
        api_storage_error(out, err.message);
        return;
    }
    api_page(r, out, list, "id");
}

void api_authorizations_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"ref",
                                         "approach",
                                         "purpose",
                                         "quantity",
                                         "vintage_first",
                                         "vintage_last",
                                         "first_transfer_year",
                                         NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *purpose = NULL;
    int64_t quantity = 0, first = 0, last = 0, year = 0;
    authorization_input_t in = {.actor = r->user->name};
    if (api_only_fields(body, fields, out) && api_string_field(body, "ref", true, &in.ref, out) &&
        api_string_field(body, "approach", false, &in.approach_id, out) &&
        api_string_field(body, "purpose", true, &purpose, out) &&
        api_int_field(body, "quantity", true, &quantity, NULL, out) &&
        api_int_field(body, "vintage_first", true, &first, NULL, out) &&
        api_int_field(body, "vintage_last", true, &last, NULL, out) &&
        api_int_field(body, "first_transfer_year", false, &year, NULL, out)) {
        if (!in.approach_id) in.approach_id = "CA0001";
        if (a6_purpose_parse(purpose, &in.purpose) != A6_OK) {
            api_error(out, A6_CHECK_PURPOSE_INVALID, "purpose", NULL);
        } else if (first < 0 || first > 9999 || last < 0 || last > 9999 || year < 0 ||
                   year > 9999) {
            api_error(out, A6_CHECK_VINTAGE_INVALID, "vintage_first", NULL);
        } else {
            in.quantity_tco2e = quantity;
            in.vintage_first = (int32_t)first;
            in.vintage_last = (int32_t)last;
            in.first_transfer_year = (int32_t)year;
            authorization_result_t result;
            authorization_request(r->context->writer, &in, &result);
            if (result.store_error < 0) {
                api_storage_error(out, result.message);
            } else if (result.check != A6_OK) {
                json_t *error = json_pack("{si ss ss ss}", "code", (int)result.check, "check",
                                          a6_check_name(result.check), "message", result.message,
                                          "field", "policy");
                json_t *reply = json_pack("{so}", "error", error);
                if (result.evaluation) json_object_set(reply, "evaluation", result.evaluation);
                api_json(out, api_status_for(result.check), reply);
            } else {
                api_json(out, 201,
                         json_pack("{sI ss sO}", "id", (json_int_t)result.id, "status", "requested",
                                   "evaluation", result.evaluation));
            }
            json_decref(result.evaluation);
        }
    }
    json_decref(body);
}

void api_authorization_decide(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"decision", "date", NULL};
    int64_t id;
    if (!api_id_param(r->params[0], "authorization", &id, out)) return;
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *decision = NULL, *date = NULL;
    a6_date_t on = api_today();
    if (api_only_fields(body, fields, out) &&
        api_string_field(body, "decision", true, &decision, out) &&
        api_string_field(body, "date", false, &date, out)) {
        int approve = strcmp(decision, "authorize") == 0;
        if (!approve && strcmp(decision, "decline") != 0) {
            api_error(out, A6_CHECK_FIELD_TYPE, "decision", "authorize or decline");
        } else if (date && a6_date_parse(date, &on) != A6_OK) {
            api_error(out, A6_CHECK_DATE_INVALID, "date", NULL);
        } else {
            authorization_result_t result;
            authorization_decide(r->context->writer, r->user->name, r->user->role, id, approve, on,
                                 &result);
            answer(out, &result, "id");
        }
    }
    json_decref(body);
}
