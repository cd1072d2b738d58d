/* api_interop.c: POST /api/v1/interop/messages, where partner registries deliver their signed
 * messages. Public: the Ed25519 signature of a registered partner authenticates the sender. The
 * answer is a signed envelope (200), or a JSON error when the message itself is refused. */
#include <stdlib.h>
#include <string.h>

#include "../interop/inbox.h"
#include "../interop/partners.h"
#include "../interop/reconcile_link.h"
#include "../interop/transfer.h"
#include "api.h"

void api_interop_message(const api_request_t *r, api_response_t *out)
{
    if (!r->context->keys) {
        api_error(out, A6_CHECK_SENDER_UNKNOWN, "receiver",
                  "this registry has no identity yet (a6reg init --registry-id)");
        return;
    }
    inbox_answer_t answer;
    inbox_receive(r->context->writer, r->reader, r->context->keys, r->body, r->body_length,
                  &answer);
    if (answer.store_error < 0) {
        api_storage_error(out, answer.message);
    } else if (answer.check != A6_OK) {
        api_error(out, answer.check, answer.field, answer.message);
    } else {
        out->status = 200;
        out->content_type = "application/json";
        out->body = answer.body;
        out->length = strlen(answer.body);
    }
}

/* POST /api/v1/external-transfers {"from", "partner", "to_account", "quantity", "vintage"?}:
 * units to the partner registry (admin): moved to pending now, proposed to the partner, completed
 * or returned once it answers. */
void api_external_transfer_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"from",     "partner", "to_account",
                                         "quantity", "vintage", NULL};
    if (!r->context->keys) {
        api_error(out, A6_CHECK_PARTNER_NOT_FOUND, "partner",
                  "this registry has no identity yet (a6reg init --registry-id)");
        return;
    }
    json_t *body = api_body_object(r, out);
    if (!body) return;
    int64_t from, to, quantity, vintage = 0;
    bool present;
    const char *partner;
    if (api_only_fields(body, fields, out) &&
        api_int_field(body, "from", true, &from, &present, out) &&
        api_string_field(body, "partner", true, &partner, out) &&
        api_int_field(body, "to_account", true, &to, &present, out) &&
        api_int_field(body, "quantity", true, &quantity, &present, out) &&
        api_int_field(body, "vintage", false, &vintage, &present, out)) {
        transfer_input_t in = {.actor = r->user->name,
                               .from = from,
                               .partner = partner,
                               .to_account = to,
                               .quantity = quantity,
                               .vintage = (int32_t)(vintage > 0 && vintage < 10000 ? vintage : 0)};
        transfer_result_t result;
        transfer_propose(r->context->writer, r->context->keys, &in, &result);
        if (result.store_error < 0)
            api_storage_error(out, result.message);
        else if (result.check != A6_OK)
            api_error(out, result.check, result.field, result.message);
        else
            api_json(out, 201,
                     json_pack("{sI ss sI}", "id", (json_int_t)result.id, "status", "proposed",
                               "quantity", (json_int_t)result.quantity));
    }
    json_decref(body);
}

/* GET /api/v1/external-transfers: both directions, newest first. */
void api_external_transfers_list(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *list = transfer_query_all(r->reader, &err);
    if (!list) {
        api_storage_error(out, err.message);
        return;
    }
    api_page(r, out, list, "id");
}

/* GET /api/v1/partners: the partner registries and their message sequences. */
void api_partners_list(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *list = partner_query_all(r->reader, &err);
    if (!list) {
        api_storage_error(out, err.message);
        return;
    }
    api_page(r, out, list, "id");
}

/* POST /api/v1/interop/queries: a partner's signed read-only reconciliation query. */
void api_interop_query(const api_request_t *r, api_response_t *out)
{
    if (!r->context->keys) {
        api_error(out, A6_CHECK_SENDER_UNKNOWN, "receiver",
                  "this registry has no identity yet (a6reg init --registry-id)");
        return;
    }
    inbox_answer_t answer;
    reconcile_answer(r->reader, r->context->keys, r->context->reconcile_cache, r->body,
                     r->body_length, &answer);
    if (answer.store_error < 0) {
        api_storage_error(out, answer.message);
    } else if (answer.check != A6_OK || !answer.body) {
        api_error(out, answer.check, answer.field, answer.message);
    } else {
        out->status = 200;
        out->content_type = "application/json";
        out->body = answer.body;
        out->length = strlen(answer.body);
    }
}
