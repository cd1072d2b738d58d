/* api_authorization.c: the national authorization framework and authorizations over HTTP: the
 * policy in force (public) and its new versions (authority), requests evaluated rule by rule
 * (with the AEF T2 fields), decisions and revocations by the authority. */
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

/* Reads the AEF T2 fields of a request (oimp_first_transfer, entities, terms, mitigation_type)
 * into in; entity names are borrowed from body, stored in names (A6_POLICY_LIST_MAX). False
 * after answering. */
static bool t2_fields(json_t *body, authorization_input_t *in, const char **names,
                      api_response_t *out)
{
    const char *definition = NULL;
    if (!api_string_field(body, "oimp_first_transfer", false, &definition, out) ||
        !api_string_field(body, "terms", false, &in->terms, out) ||
        !api_string_field(body, "mitigation_type", false, &in->mitigation_type, out))
        return false;
    if (definition && a6_first_transfer_parse(definition, &in->oimp_first_transfer) != A6_OK) {
        api_error(out, A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID, "oimp_first_transfer",
                  "oimp_first_transfer: authorization, issuance or use or cancellation");
        return false;
    }
    json_t *list = json_object_get(body, "entities");
    if (!list || json_is_null(list)) return true;
    if (!json_is_array(list) || json_array_size(list) > A6_POLICY_LIST_MAX) {
        api_error(out, A6_CHECK_FIELD_TYPE, "entities",
                  "entities must be a list of at most 256 entity names");
        return false;
    }
    size_t i;
    json_t *name;
    json_array_foreach(list, i, name)
    {
        if (!json_is_string(name) || strlen(json_string_value(name)) != json_string_length(name)) {
            api_error(out, A6_CHECK_FIELD_TYPE, "entities",
                      "entities must be a list of entity names (strings)");
            return false;
        }
        names[i] = json_string_value(name);
    }
    in->entities = names;
    in->entity_count = json_array_size(list);
    return true;
}

/* Answers an authorization request's outcome: 201 with the evaluation, or the refusal (with the
 * evaluation when the rules ran). */
static void answer_request(api_response_t *out, authorization_result_t *result)
{
    if (result->store_error < 0) {
        api_storage_error(out, result->message);
    } else if (result->check != A6_OK) {
        json_t *error = json_pack("{si ss ss ss}", "code", (int)result->check, "check",
                                  a6_check_name(result->check), "message", result->message, "field",
                                  result->field ? result->field : "policy");
        json_t *reply = json_pack("{so}", "error", error);
        if (result->evaluation) json_object_set(reply, "evaluation", result->evaluation);
        api_json(out, api_status_for(result->check), reply);
    } else {
        api_json(out, 201,
                 json_pack("{sI ss sO}", "id", (json_int_t)result->id, "status", "requested",
                           "evaluation", result->evaluation));
    }
    json_decref(result->evaluation);
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
                                         "oimp_first_transfer",
                                         "entities",
                                         "terms",
                                         "mitigation_type",
                                         NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *purpose = NULL, *names[A6_POLICY_LIST_MAX];
    int64_t quantity = 0, first = 0, last = 0, year = 0;
    authorization_input_t in = {.actor = r->user->name};
    if (api_only_fields(body, fields, out) && api_string_field(body, "ref", true, &in.ref, out) &&
        api_string_field(body, "approach", false, &in.approach_id, out) &&
        api_string_field(body, "purpose", true, &purpose, out) &&
        api_int_field(body, "quantity", true, &quantity, NULL, out) &&
        api_int_field(body, "vintage_first", true, &first, NULL, out) &&
        api_int_field(body, "vintage_last", true, &last, NULL, out) &&
        api_int_field(body, "first_transfer_year", false, &year, NULL, out) &&
        t2_fields(body, &in, names, out)) {
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
            answer_request(out, &result);
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

void api_authorization_revoke(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"date", NULL};
    int64_t id;
    if (!api_id_param(r->params[0], "authorization", &id, out)) return;
    json_t *body = r->body_length ? api_body_object(r, out) : json_object();
    if (!body) return;
    const char *date = NULL;
    a6_date_t on = api_today();
    if (api_only_fields(body, fields, out) && api_string_field(body, "date", false, &date, out)) {
        if (date && a6_date_parse(date, &on) != A6_OK) {
            api_error(out, A6_CHECK_DATE_INVALID, "date", "dates are YYYY-MM-DD");
        } else {
            authorization_result_t result;
            authorization_revoke(r->context->writer, r->user->name, r->user->role, id, on, &result);
            if (result.store_error < 0)
                api_storage_error(out, result.message);
            else if (result.check != A6_OK)
                api_error(out, result.check, result.field, result.message);
            else
                api_json(out, 200, json_pack("{sI ss}", "id", (json_int_t)id, "status", "revoked"));
        }
    }
    json_decref(body);
}

/* POST /api/v1/authorizations/{id}/versions {"quantity", "vintage_first", "vintage_last",
 * "date"?}: the next version, re-evaluated against the policy (every rule's result answered). */
void api_authorization_change(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"quantity", "vintage_first", "vintage_last", "date", NULL};
    int64_t id, quantity, first, last;
    if (!api_id_param(r->params[0], "authorization", &id, out)) return;
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *date = NULL;
    a6_date_t on = api_today();
    bool present;
    if (api_only_fields(body, fields, out) &&
        api_int_field(body, "quantity", true, &quantity, &present, out) &&
        api_int_field(body, "vintage_first", true, &first, &present, out) &&
        api_int_field(body, "vintage_last", true, &last, &present, out) &&
        api_string_field(body, "date", false, &date, out)) {
        if (date && a6_date_parse(date, &on) != A6_OK) {
            api_error(out, A6_CHECK_DATE_INVALID, "date", "dates are YYYY-MM-DD");
        } else if (ledger_quantity_check(quantity) != A6_OK) {
            api_error(out, ledger_quantity_check(quantity), "quantity", NULL);
        } else if (ledger_vintage_check((int32_t)first) != A6_OK ||
                   ledger_vintage_check((int32_t)last) != A6_OK || first > last ||
                   first > INT32_MAX || last > INT32_MAX) {
            api_error(out, A6_CHECK_VINTAGE_INVALID, "vintage_first",
                      "vintages are years from 1990 to 2100, first not after last");
        } else {
            authorization_input_t in = {.actor = r->user->name,
                                        .quantity_tco2e = quantity,
                                        .vintage_first = (int32_t)first,
                                        .vintage_last = (int32_t)last};
            authorization_result_t result;
            authorization_change(r->context->writer, &in, r->user->role, id, on, &result);
            if (result.check == A6_OK && result.store_error == 0) {
                api_json(out, 200,
                         json_pack("{sI ss sO}", "id", (json_int_t)id, "status", "changed",
                                   "evaluation", result.evaluation));
                json_decref(result.evaluation);
            } else {
                answer_request(out, &result); /* the refusal, with every rule's result */
            }
        }
    }
    json_decref(body);
}
