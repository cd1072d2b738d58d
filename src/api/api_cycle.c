/* api_cycle.c: methodologies, activities, their events and monitoring periods over HTTP. The
 * public reads activities without the names of the people who acted; changes need a role. */
#include <stdio.h>
#include <string.h>

#include "../store/cycle_store.h"
#include "api.h"

static void answer_cycle(api_response_t *out, const cycle_result_t *result, unsigned status,
                         const char *key)
{
    if (result->store_error < 0) {
        api_storage_error(out, result->message);
        return;
    }
    if (result->check != A6_OK) {
        api_error(out, result->check, result->field, result->message);
        return;
    }
    api_json(out, status, json_pack("{sI ss}", key, (json_int_t)result->id, "status", "ok"));
}

/* Parses an optional "YYYY-MM-DD" field (today when absent); false after answering. */
static bool date_field(json_t *body, const char *key, a6_date_t fallback, a6_date_t *out,
                       api_response_t *response)
{
    const char *text;
    if (!api_string_field(body, key, false, &text, response)) return false;
    *out = fallback;
    if (text && a6_date_parse(text, out) != A6_OK) {
        api_error(response, A6_CHECK_DATE_INVALID, key, "dates are YYYY-MM-DD");
        return false;
    }
    return true;
}

/* A list of strings; false after answering. */
static bool string_list(json_t *body, const char *key, const char **items, size_t *count,
                        api_response_t *response)
{
    json_t *list = json_object_get(body, key);
    *count = 0;
    if (!list || json_is_null(list)) return true;
    if (!json_is_array(list) || json_array_size(list) > CYCLE_LIST_MAX) {
        api_error(response, A6_CHECK_FIELD_TYPE, key, "a list of at most 64 strings");
        return false;
    }
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (!json_is_string(item)) {
            api_error(response, A6_CHECK_FIELD_TYPE, key, "a list of strings");
            return false;
        }
        items[(*count)++] = json_string_value(item);
    }
    return true;
}

void api_methodologies_list(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *list = cycle_query_methodologies(r->reader, &err);
    if (!list) {
        api_storage_error(out, err.message);
        return;
    }
    api_page(r, out, list, "id");
}

void api_methodologies_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"code",   "version",     "title", "sectoral_scope",
                                         "status", "approved_on", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    methodology_input_t in = {.actor = r->user->name};
    if (api_only_fields(body, fields, out) && api_string_field(body, "code", true, &in.code, out) &&
        api_string_field(body, "version", false, &in.version, out) &&
        api_string_field(body, "title", false, &in.title, out) &&
        api_string_field(body, "sectoral_scope", false, &in.sectoral_scope, out) &&
        api_string_field(body, "status", false, &in.status, out) &&
        date_field(body, "approved_on", A6_DATE_NONE, &in.approved_on, out)) {
        if (!in.version) in.version = "";
        if (!in.status) in.status = "approved";
        cycle_result_t result;
        cycle_methodology_add(r->context->writer, &in, &result);
        answer_cycle(out, &result, 201, "id");
    }
    json_decref(body);
}

void api_activities_list(const api_request_t *r, api_response_t *out)
{
    const char *kind = r->query ? r->query(r->transport, "kind") : NULL;
    const char *status = r->query ? r->query(r->transport, "status") : NULL;
    db_error_t err = {0};
    json_t *list = cycle_query_activities(r->reader, kind, status, &err);
    if (!list) {
        api_storage_error(out, err.message);
        return;
    }
    api_page(r, out, list, "ref");
}

void api_activities_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"ref",
                                         "kind",
                                         "title",
                                         "parent",
                                         "methodologies",
                                         "host_participants",
                                         "partner_participants",
                                         "host_party",
                                         "partner_party",
                                         "technology_group",
                                         "sector",
                                         "location",
                                         "expected_annual_tco2e",
                                         "expected_source",
                                         "crediting_start",
                                         "crediting_end",
                                         "eligibility_criteria",
                                         "coordinating_entity",
                                         NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *kind = NULL, *methodologies[CYCLE_LIST_MAX], *host[CYCLE_LIST_MAX],
               *partner[CYCLE_LIST_MAX];
    activity_input_t in = {.actor = r->user->name,
                           .methodologies = methodologies,
                           .host_participants = host,
                           .partner_participants = partner};
    if (api_only_fields(body, fields, out) && api_string_field(body, "ref", true, &in.ref, out) &&
        api_string_field(body, "kind", true, &kind, out) &&
        api_string_field(body, "title", true, &in.title, out) &&
        api_string_field(body, "parent", false, &in.parent_ref, out) &&
        string_list(body, "methodologies", methodologies, &in.methodology_count, out) &&
        string_list(body, "host_participants", host, &in.host_count, out) &&
        string_list(body, "partner_participants", partner, &in.partner_count, out) &&
        api_string_field(body, "host_party", false, &in.host_party, out) &&
        api_string_field(body, "partner_party", false, &in.partner_party, out) &&
        api_string_field(body, "technology_group", false, &in.technology_group, out) &&
        api_string_field(body, "sector", false, &in.sector, out) &&
        api_string_field(body, "location", false, &in.location, out) &&
        api_int_field(body, "expected_annual_tco2e", false, &in.expected_annual_tco2e, NULL, out) &&
        api_string_field(body, "expected_source", false, &in.expected_source, out) &&
        date_field(body, "crediting_start", A6_DATE_NONE, &in.crediting_start, out) &&
        date_field(body, "crediting_end", A6_DATE_NONE, &in.crediting_end, out) &&
        api_string_field(body, "eligibility_criteria", false, &in.eligibility_criteria, out) &&
        api_string_field(body, "coordinating_entity", false, &in.coordinating_entity, out)) {
        if (!in.host_party) in.host_party = "VNM";
        if (activity_kind_parse(kind, &in.kind) != A6_OK) {
            api_error(out, A6_CHECK_KIND_INVALID, "kind", "project, poa or cpa");
        } else {
            cycle_result_t result;
            cycle_activity_add(r->context->writer, &in, &result);
            answer_cycle(out, &result, 201, "id");
        }
    }
    json_decref(body);
}

/* Removes who acted from an activity for anonymous readers (public fields only). */
static void public_fields(json_t *activity)
{
    size_t i;
    json_t *event;
    json_array_foreach(json_object_get(activity, "events"), i, event)
    {
        json_object_del(event, "actor");
        json_object_del(event, "recorded_at");
    }
}

void api_activity_get(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *activity = cycle_query_activity(r->reader, r->params[0], &err);
    if (!activity) {
        if (err.code)
            api_storage_error(out, err.message);
        else
            api_error(out, A6_CHECK_ACTIVITY_NOT_FOUND, "ref", NULL);
        return;
    }
    if (!r->user) public_fields(activity);
    api_json(out, 200, activity);
}

void api_activity_timeline(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *timeline = cycle_query_timeline(r->reader, r->params[0], api_today(), &err);
    if (!timeline) {
        if (err.code)
            api_storage_error(out, err.message);
        else
            api_error(out, A6_CHECK_ACTIVITY_NOT_FOUND, "ref", NULL);
        return;
    }
    api_json(out, 200, timeline);
}

/* Reads the optional document reference of an event. */
static bool document_fields(json_t *body, event_input_t *in, api_response_t *out)
{
    return api_string_field(body, "document_title", false, &in->document_title, out) &&
           api_string_field(body, "document_url", false, &in->document_url, out) &&
           api_string_field(body, "document_sha256", false, &in->document_sha256, out);
}

void api_activity_event(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {
        "event", "date", "document_title", "document_url", "document_sha256", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *event;
    event_input_t in = {
        .actor = r->user->name, .role = r->user->role, .ref = r->params[0], .today = api_today()};
    if (api_only_fields(body, fields, out) && api_string_field(body, "event", true, &event, out) &&
        date_field(body, "date", in.today, &in.occurred_on, out) &&
        document_fields(body, &in, out)) {
        if (activity_event_parse(event, &in.event) != A6_OK) {
            api_error(out, A6_CHECK_EVENT_INVALID, "event", NULL);
        } else {
            cycle_result_t result;
            cycle_event(r->context->writer, &in, &result);
            answer_cycle(out, &result, 201, "activity");
        }
    }
    json_decref(body);
}

void api_poa_include(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {
        "cpa", "date", "document_title", "document_url", "document_sha256", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    event_input_t in = {.actor = r->user->name,
                        .role = r->user->role,
                        .event = EVENT_INCLUDE,
                        .today = api_today()};
    if (api_only_fields(body, fields, out) && api_string_field(body, "cpa", true, &in.ref, out) &&
        date_field(body, "date", in.today, &in.occurred_on, out) &&
        document_fields(body, &in, out)) {
        db_error_t err = {0};
        json_t *cpa = cycle_query_activity(r->reader, in.ref, &err);
        const char *parent = cpa ? json_string_value(json_object_get(cpa, "parent")) : NULL;
        if (!cpa) {
            api_error(out, A6_CHECK_ACTIVITY_NOT_FOUND, "cpa", NULL);
        } else if (!parent || strcmp(parent, r->params[0]) != 0) {
            api_error(out, A6_CHECK_PARENT_INVALID, "cpa",
                      "the CPA is not a component of this PoA");
        } else {
            cycle_result_t result;
            cycle_event(r->context->writer, &in, &result);
            answer_cycle(out, &result, 201, "activity");
        }
        json_decref(cpa);
    }
    json_decref(body);
}

void api_activity_period(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"start", "end", "claimed_tco2e", "date", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    period_input_t in = {
        .actor = r->user->name, .role = r->user->role, .ref = r->params[0], .today = api_today()};
    if (api_only_fields(body, fields, out) &&
        date_field(body, "start", A6_DATE_NONE, &in.start, out) &&
        date_field(body, "end", A6_DATE_NONE, &in.end, out) &&
        api_int_field(body, "claimed_tco2e", true, &in.quantity, NULL, out) &&
        date_field(body, "date", in.today, &in.on, out)) {
        cycle_result_t result;
        cycle_period_add(r->context->writer, &in, &result);
        answer_cycle(out, &result, 201, "period");
    }
    json_decref(body);
}

/* Reads "allocations" (a list of {side, holder, quantity}) into in; false after answering. */
static bool allocations_field(json_t *body, allocation_t *allocations, period_input_t *in,
                              api_response_t *out)
{
    json_t *list = json_object_get(body, "allocations");
    if (!list) return true;
    bool ok = json_is_array(list) && json_array_size(list) <= CYCLE_LIST_MAX;
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *side, *holder;
        json_int_t quantity;
        if (!ok ||
            json_unpack(item, "{s:s, s:s, s:I !}", "side", &side, "holder", &holder, "quantity",
                        &quantity) != 0 ||
            allocation_side_parse(side, &allocations[i].side) != A6_OK) {
            ok = false;
            break;
        }
        allocations[i].holder = holder;
        allocations[i].quantity = quantity;
    }
    if (!ok) {
        api_error(out, A6_CHECK_SIDE_INVALID, "allocations",
                  "a list of {side: host|partner|participants, holder, quantity}");
        return false;
    }
    in->allocations = allocations;
    in->allocation_count = json_array_size(list);
    return true;
}

/* Reads "accounts" ({holder: account id}) into in; false after answering. */
static bool accounts_field(json_t *body, const char **holders, int64_t *accounts,
                           period_input_t *in, api_response_t *out)
{
    json_t *map = json_object_get(body, "accounts");
    if (!map) return true;
    bool ok = json_is_object(map) && json_object_size(map) <= CYCLE_LIST_MAX;
    const char *holder;
    json_t *value;
    json_object_foreach(map, holder, value)
    {
        if (!ok || !json_is_integer(value)) {
            ok = false;
            break;
        }
        holders[in->account_count] = holder;
        accounts[in->account_count++] = json_integer_value(value);
    }
    if (!ok) {
        api_error(out, A6_CHECK_FIELD_TYPE, "accounts", "an object {holder: account id}");
        return false;
    }
    in->account_holders = holders;
    in->account_ids = accounts;
    return true;
}

/* What a step of a period reads besides the date. */
typedef struct period_step_spec {
    const char *amount_field; /* the step's required quantity, or NULL */
    bool allocations;         /* notify: the allocations are read */
    bool authorization;       /* issue: "authorization" is taken (ITMOs under it) */
    void (*step)(writer_t *, const period_input_t *, cycle_result_t *);
} period_step_spec_t;

/* One step of a period: verify, request, notify or issue. */
static void period_step(const api_request_t *r, api_response_t *out, const period_step_spec_t *spec)
{
    static const char *const fields[] = {"verified_tco2e", "notified_tco2e", "allocations",
                                         "accounts",       "date",           NULL};
    static const char *const issue_fields[] = {
        "verified_tco2e", "notified_tco2e", "allocations", "accounts",
        "date",           "authorization",  NULL};
    period_input_t in = {.actor = r->user->name, .role = r->user->role, .today = api_today()};
    if (!api_id_param(r->params[0], "period", &in.period_id, out)) return;
    json_t *body = r->body_length ? api_body_object(r, out) : json_object();
    if (!body) return;
    allocation_t allocations[CYCLE_LIST_MAX];
    const char *holders[CYCLE_LIST_MAX];
    int64_t accounts[CYCLE_LIST_MAX];
    bool has_authorization = false;
    bool ok = api_only_fields(body, spec->authorization ? issue_fields : fields, out) &&
              date_field(body, "date", in.today, &in.on, out);
    if (ok && spec->amount_field)
        ok = api_int_field(body, spec->amount_field, true, &in.quantity, NULL, out);
    if (ok && spec->allocations) ok = allocations_field(body, allocations, &in, out);
    if (ok) ok = accounts_field(body, holders, accounts, &in, out);
    if (ok && spec->authorization)
        ok = api_int_field(body, "authorization", false, &in.authorization_id, &has_authorization,
                           out);
    if (ok && has_authorization && in.authorization_id <= 0) {
        api_error(out, A6_CHECK_ID_INVALID, "authorization", "ids are positive whole numbers");
        ok = false;
    }
    if (ok) {
        cycle_result_t result;
        spec->step(r->context->writer, &in, &result);
        answer_cycle(out, &result, 200, "period");
    }
    json_decref(body);
}

void api_period_verify(const api_request_t *r, api_response_t *out)
{
    static const period_step_spec_t spec = {.amount_field = "verified_tco2e",
                                            .step = cycle_period_verify};
    period_step(r, out, &spec);
}

void api_period_request(const api_request_t *r, api_response_t *out)
{
    static const period_step_spec_t spec = {.step = cycle_period_request};
    period_step(r, out, &spec);
}

void api_period_notify(const api_request_t *r, api_response_t *out)
{
    static const period_step_spec_t spec = {
        .amount_field = "notified_tco2e", .allocations = true, .step = cycle_period_notify};
    period_step(r, out, &spec);
}

void api_period_issue(const api_request_t *r, api_response_t *out)
{
    static const period_step_spec_t spec = {.authorization = true, .step = cycle_period_issue};
    period_step(r, out, &spec);
}
