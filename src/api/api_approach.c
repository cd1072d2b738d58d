/* api_approach.c: cooperative approaches (partner Party and registry, first transfer rule) and
 * the entities the host authorizes (AEF T5) over HTTP: public lists, additions by the authority. */
#include "../store/approach_store.h"
#include "api.h"

/* Answers a store outcome: 201 with {"id": id} (id_text for an approach, else result->id). */
static void answer(api_response_t *out, const authorization_result_t *result, const char *id_text)
{
    if (result->store_error < 0)
        api_storage_error(out, result->message);
    else if (result->check != A6_OK)
        api_error(out, result->check, result->field, result->message);
    else if (id_text)
        api_json(out, 201, json_pack("{ss ss}", "id", id_text, "status", "ok"));
    else
        api_json(out, 201, json_pack("{sI ss}", "id", (json_int_t)result->id, "status", "ok"));
}

/* Answers a public list, paged by id. */
static void list(const api_request_t *r, api_response_t *out,
                 json_t *(*query)(db_t *, db_error_t *))
{
    db_error_t err = {0};
    json_t *items = query(r->reader, &err);
    if (!items) {
        api_storage_error(out, err.message);
        return;
    }
    api_page(r, out, items, "id");
}

void api_approaches_list(const api_request_t *r, api_response_t *out)
{
    list(r, out, approach_query_all);
}

void api_approaches_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {
        "id", "name", "partner_party", "partner_registry", "ndc_first_transfer", "unit_registry",
        NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *rule = NULL;
    approach_input_t in = {.actor = r->user->name, .role = r->user->role};
    if (api_only_fields(body, fields, out) && api_string_field(body, "id", true, &in.id, out) &&
        api_string_field(body, "name", true, &in.name, out) &&
        api_string_field(body, "partner_party", true, &in.partner_party, out) &&
        api_string_field(body, "partner_registry", true, &in.partner_registry, out) &&
        api_string_field(body, "ndc_first_transfer", true, &rule, out) &&
        api_string_field(body, "unit_registry", false, &in.unit_registry, out)) {
        if (a6_ndc_first_transfer_parse(rule, &in.ndc_first_transfer) != A6_OK) {
            api_error(out, A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID, "ndc_first_transfer",
                      "ndc_first_transfer: international transfer or issuance");
        } else {
            authorization_result_t result;
            approach_add(r->context->writer, &in, &result);
            answer(out, &result, in.id);
        }
    }
    json_decref(body);
}

void api_entities_list(const api_request_t *r, api_response_t *out)
{
    list(r, out, entity_query_all);
}

void api_entities_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"name",     "country",    "identification",
                                         "approach", "conditions", "change_conditions",
                                         "date",     NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *date = NULL;
    entity_input_t in = {.actor = r->user->name, .role = r->user->role, .on = api_today()};
    if (api_only_fields(body, fields, out) && api_string_field(body, "name", true, &in.name, out) &&
        api_string_field(body, "country", true, &in.country, out) &&
        api_string_field(body, "identification", true, &in.identification, out) &&
        api_string_field(body, "approach", true, &in.approach_id, out) &&
        api_string_field(body, "conditions", false, &in.conditions, out) &&
        api_string_field(body, "change_conditions", false, &in.change_conditions, out) &&
        api_string_field(body, "date", false, &date, out)) {
        if (date && a6_date_parse(date, &in.on) != A6_OK) {
            api_error(out, A6_CHECK_DATE_INVALID, "date", "dates are YYYY-MM-DD");
        } else {
            authorization_result_t result;
            entity_add(r->context->writer, &in, &result);
            answer(out, &result, NULL);
        }
    }
    json_decref(body);
}
