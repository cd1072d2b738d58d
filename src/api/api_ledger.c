/* api_ledger.c: accounts, holdings, transactions (issue, transfer, retire, cancel) and the
 * four-eyes approval queue. Who may see and move what comes from core/access.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/access.h"
#include "../store/ledger_store.h"
#include "api.h"

/* Loads an account and checks the caller may read it; NULL after answering. */
static json_t *readable_account(const api_request_t *r, int64_t id, api_response_t *out)
{
    db_error_t err = {0};
    json_t *account = ledger_query_account(r->reader, id, &err);
    if (!account) {
        if (err.code)
            api_storage_error(out, err.message);
        else
            api_error(out, A6_CHECK_ACCOUNT_NOT_FOUND, "account", NULL);
        return NULL;
    }
    a6_check_t check = access_account_read(r->user->role, r->user->holder,
                                           json_string_value(json_object_get(account, "holder")));
    if (check != A6_OK) {
        json_decref(account);
        api_error(out, check, "account", NULL);
        return NULL;
    }
    return account;
}

void api_accounts_list(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *accounts = ledger_query_accounts(r->reader, &err);
    if (!accounts) {
        api_storage_error(out, err.message);
        return;
    }
    if (r->user->role == ROLE_PARTICIPANT) {
        json_t *own = json_array();
        size_t i;
        json_t *a;
        json_array_foreach(accounts, i,
                           a) if (strcmp(json_string_value(json_object_get(a, "holder")),
                                         r->user->holder) == 0) json_array_append(own, a);
        json_decref(accounts);
        accounts = own;
    }
    api_page(r, out, accounts, "id");
}

void api_accounts_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"holder", "type", "party", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *holder, *type, *party;
    if (!api_only_fields(body, fields, out) ||
        !api_string_field(body, "holder", true, &holder, out) ||
        !api_string_field(body, "type", true, &type, out) ||
        !api_string_field(body, "party", false, &party, out)) {
        json_decref(body);
        return;
    }
    ledger_request_t request = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                                .actor = r->user->name,
                                .holder = holder,
                                .party = party ? party : "VNM"};
    if (ledger_account_type_parse(type, &request.account_type) != A6_OK) {
        json_decref(body);
        {
            api_error(out, A6_CHECK_ACCOUNT_TYPE_INVALID, "type", NULL);
            return;
        }
    }
    if (r->user->role == ROLE_PARTICIPANT && strcmp(holder, r->user->holder) != 0) {
        json_decref(body);
        {
            api_error(out, A6_CHECK_ACCOUNT_NOT_OWNED, "holder",
                      "a participant opens accounts only for its own holder");
            return;
        }
    }
    ledger_result_t result;
    writer_submit(r->context->writer, &request, &result);
    json_decref(body);
    if (result.store_error < 0) {
        api_storage_error(out, result.message);
        return;
    }
    if (result.check != A6_OK) {
        api_error(out, result.check, result.field, result.message);
        return;
    }
    api_json(out, 201, json_pack("{sI}", "id", (json_int_t)result.id));
}

void api_account_get(const api_request_t *r, api_response_t *out)
{
    int64_t id;
    if (!api_id_param(r->params[0], "account", &id, out)) return;
    json_t *account = readable_account(r, id, out);
    if (account) api_json(out, 200, account);
}

void api_account_holdings(const api_request_t *r, api_response_t *out)
{
    int64_t id;
    if (!api_id_param(r->params[0], "account", &id, out)) return;
    json_t *account = readable_account(r, id, out);
    if (!account) return;
    json_decref(account);
    db_error_t err = {0};
    json_t *holdings = ledger_query_holdings(r->reader, id, &err);
    if (!holdings) {
        api_storage_error(out, err.message);
        return;
    }
    api_json(out, 200, holdings);
}

void api_account_transactions(const api_request_t *r, api_response_t *out)
{
    int64_t id;
    if (!api_id_param(r->params[0], "account", &id, out)) return;
    json_t *account = readable_account(r, id, out);
    if (!account) return;
    json_decref(account);
    db_error_t err = {0};
    json_t *history = ledger_query_history(r->reader, id, 100000, &err);
    if (!history) {
        api_storage_error(out, err.message);
        return;
    }
    /* The store lists newest first; pages run in ascending id order so cursors stay stable. */
    json_t *ascending = json_array();
    for (size_t i = json_array_size(history); i > 0; i--)
        json_array_append(ascending, json_array_get(history, i - 1));
    json_decref(history);
    api_page(r, out, ascending, "id");
}

/* The holder of an account (for access rules), or NULL after answering. */
static json_t *account_or_answer(const api_request_t *r, int64_t id, const char *field,
                                 api_response_t *out)
{
    db_error_t err = {0};
    json_t *account = ledger_query_account(r->reader, id, &err);
    if (!account) {
        if (err.code)
            api_storage_error(out, err.message);
        else
            api_error(out, A6_CHECK_ACCOUNT_NOT_FOUND, field, NULL);
    }
    return account;
}

/* A member of the "article6" object of the expected JSON type (NULL when absent or null); false
 * after answering with the field named "article6.<key>". */
static bool article6_member(json_t *object, const char *key, json_type type, bool required,
                            json_t **value, api_response_t *out)
{
    char field[40], message[120];
    snprintf(field, sizeof field, "article6.%s", key);
    *value = json_object_get(object, key);
    if (json_is_null(*value)) *value = NULL; /* json_is_null is false for NULL */
    if (!*value && required) {
        snprintf(message, sizeof message, "%s is required", field);
        api_error(out, A6_CHECK_FIELD_MISSING, field, message);
        return false;
    }
    if (*value && json_typeof(*value) != type) {
        snprintf(message, sizeof message, "%s must be %s", field,
                 type == JSON_STRING ? "a string" : "a whole number");
        api_error(out, A6_CHECK_FIELD_TYPE, field, message);
        return false;
    }
    if (*value && type == JSON_STRING &&
        strlen(json_string_value(*value)) != json_string_length(*value)) {
        api_error(out, A6_CHECK_TEXT_INVALID, field, "strings may not contain NUL characters");
        return false;
    }
    return true;
}

/* Copies text into a buffer of pending (the body is released before the writer answers); false
 * after answering when it does not fit. */
static bool article6_copy(const char *text, char *buffer, size_t size, a6_check_t check,
                          const char *field, api_response_t *out)
{
    if (strlen(text) >= size) {
        api_error(out, check, field, NULL);
        return false;
    }
    memcpy(buffer, text, strlen(text) + 1);
    return true;
}

/* Parses the optional "article6" object (what a retirement or cancellation means in the AEF)
 * into pending->article6, its strings copied into pending; false after answering. */
static bool parse_article6(json_t *body, api_pending_transaction_t *pending, api_response_t *out)
{
    static const char *const keys[] = {"action",      "subtype",      "purpose",
                                       "using_party", "using_entity", "ndc_year"};
    json_t *object = json_object_get(body, "article6");
    if (!object || json_is_null(object)) return true;
    if (!json_is_object(object)) {
        api_error(out, A6_CHECK_FIELD_TYPE, "article6",
                  "article6 is an object {action, subtype, purpose, using_party, using_entity, "
                  "ndc_year}");
        return false;
    }
    const char *key;
    json_t *member;
    json_object_foreach(object, key, member)
    {
        size_t i = 0;
        while (i < 6 && strcmp(keys[i], key) != 0)
            i++;
        if (i < 6) continue;
        char field[120], message[160];
        snprintf(field, sizeof field, "article6.%.80s", key);
        snprintf(message, sizeof message, "unknown field '%s'", field);
        api_error(out, A6_CHECK_FIELD_UNKNOWN, field, message);
        return false;
    }
    json_t *v[6];
    for (size_t i = 0; i < 6; i++)
        if (!article6_member(object, keys[i], i == 5 ? JSON_INTEGER : JSON_STRING, i == 0, &v[i],
                             out))
            return false;
    ledger_article6_t *a = &pending->article6;
    *a = (ledger_article6_t){0};
    if (a6_action_type_parse(json_string_value(v[0]), &a->action) != A6_OK) {
        api_error(out, A6_CHECK_ACTION_TYPE_INVALID, "article6.action",
                  "article6.action: Use, Cancellation or Voluntary Cancellation");
        return false;
    }
    if (v[1] && a6_action_subtype_parse(json_string_value(v[1]), &a->subtype) != A6_OK) {
        api_error(out, A6_CHECK_ACTION_SUBTYPE_INVALID, "article6.subtype", NULL);
        return false;
    }
    if (v[2] && a6_purpose_parse(json_string_value(v[2]), &a->purpose) != A6_OK) {
        api_error(out, A6_CHECK_PURPOSE_INVALID, "article6.purpose", NULL);
        return false;
    }
    if (v[5] && (json_integer_value(v[5]) < LEDGER_VINTAGE_MIN ||
                 json_integer_value(v[5]) > LEDGER_VINTAGE_MAX)) {
        api_error(out, A6_CHECK_VINTAGE_INVALID, "article6.ndc_year", NULL);
        return false;
    }
    a->ndc_year = v[5] ? (int32_t)json_integer_value(v[5]) : 0;
    if (v[3] &&
        !article6_copy(json_string_value(v[3]), pending->using_party, sizeof pending->using_party,
                       A6_CHECK_PARTY_INVALID, "article6.using_party", out))
        return false;
    if (v[4] &&
        !article6_copy(json_string_value(v[4]), pending->using_entity, sizeof pending->using_entity,
                       A6_CHECK_TEXT_INVALID, "article6.using_entity", out))
        return false;
    a->using_party = v[3] ? pending->using_party : NULL;
    a->using_entity = v[4] ? pending->using_entity : NULL;
    pending->request.article6 = a;
    return true;
}

/* Reads "blocks" into ranges (the caller's buffer of LEDGER_BLOCKS_PER_TX_MAX); false after
 * answering. */
static bool parse_blocks(json_t *body, ledger_request_t *request, ledger_range_t *ranges,
                         api_response_t *out)
{
    json_t *blocks = json_object_get(body, "blocks");
    if (!blocks || json_is_null(blocks)) return true;
    if (!json_is_array(blocks) || json_array_size(blocks) == 0 ||
        json_array_size(blocks) > LEDGER_BLOCKS_PER_TX_MAX) {
        api_error(out, A6_CHECK_BLOCK_SPEC_INVALID, "blocks",
                  "blocks is a list of [first, last] pairs");
        return false;
    }
    size_t i;
    json_t *pair;
    json_array_foreach(blocks, i, pair)
    {
        json_int_t first, last;
        if (json_unpack(pair, "[II!]", &first, &last) != 0) {
            api_error(out, A6_CHECK_BLOCK_SPEC_INVALID, "blocks",
                      "each block is [first, last] with whole numbers");
            return false;
        }
        ranges[i] = (ledger_range_t){.first = first, .last = last};
    }
    request->ranges = ranges;
    request->range_count = json_array_size(blocks);
    return true;
}

/* Parses the transaction body into pending->request; everything the request points to is
 * copied into pending (ranges, article6), so the body may be released. */
static bool parse_transaction(json_t *body, api_pending_transaction_t *pending, api_response_t *out)
{
    static const char *const fields[] = {"type",     "from",      "to",     "quantity",
                                         "vintage",  "unit_type", "blocks", "authorization",
                                         "article6", NULL};
    ledger_request_t *request = &pending->request;
    const char *type, *unit;
    int64_t from = 0, to = 0, quantity = 0, vintage = 0, authorization = 0;
    bool has_to, has_quantity, has_vintage, has_authorization;
    if (!api_only_fields(body, fields, out) || !api_string_field(body, "type", true, &type, out) ||
        !api_int_field(body, "from", false, &from, NULL, out) ||
        !api_int_field(body, "to", false, &to, &has_to, out) ||
        !api_int_field(body, "quantity", false, &quantity, &has_quantity, out) ||
        !api_int_field(body, "vintage", false, &vintage, &has_vintage, out) ||
        !api_string_field(body, "unit_type", false, &unit, out) ||
        !api_int_field(body, "authorization", false, &authorization, &has_authorization, out))
        return false;
    if (ledger_tx_type_parse(type, &request->tx_type) != A6_OK) {
        api_error(out, A6_CHECK_FIELD_TYPE, "type",
                  "type must be issue, transfer, retire or cancel");
        return false;
    }
    if (has_vintage && (vintage < LEDGER_VINTAGE_MIN || vintage > LEDGER_VINTAGE_MAX)) {
        api_error(out, A6_CHECK_VINTAGE_INVALID, "vintage", NULL);
        return false;
    }
    if (has_authorization && authorization <= 0) {
        api_error(out, A6_CHECK_ID_INVALID, "authorization", "ids are positive whole numbers");
        return false;
    }
    request->from = from;
    request->to = to;
    request->vintage = (int32_t)vintage;
    request->quantity = has_quantity ? quantity : 0;
    request->authorization_id = authorization;
    if (request->tx_type == LEDGER_TX_ISSUE && !unit) unit = "jcm-credit";
    if (unit && ledger_unit_type_parse(unit, &request->unit_type) != A6_OK) {
        api_error(out, A6_CHECK_UNIT_TYPE_INVALID, "unit_type", NULL);
        return false;
    }
    return parse_blocks(body, request, pending->ranges, out) && parse_article6(body, pending, out);
}

/* Who may ask for this transaction, and the source account's holder (for four-eyes). */
static bool transaction_allowed(const api_request_t *r, const ledger_request_t *request,
                                char *holder, size_t holder_size, api_response_t *out)
{
    if (request->tx_type == LEDGER_TX_ISSUE) {
        a6_check_t check =
            access_role(A6_ROLE_BIT(ROLE_ADMIN) | A6_ROLE_BIT(ROLE_COMMITTEE), r->user->role);
        if (check != A6_OK) api_error(out, check, "type", "issuance: admin or committee");
        return check == A6_OK;
    }
    if (request->from <= 0) {
        api_error(out, A6_CHECK_FIELD_MISSING, "from", "from is required");
        return false;
    }
    json_t *account = account_or_answer(r, request->from, "from", out);
    if (!account) return false;
    snprintf(holder, holder_size, "%s", json_string_value(json_object_get(account, "holder")));
    json_decref(account);
    a6_check_t check = access_account_move(r->user->role, r->user->holder, holder);
    if (check != A6_OK) api_error(out, check, "from", NULL);
    return check == A6_OK;
}

/* Holds a transaction request for a four-eyes approval; answers out. */
static void hold_for_approval(const api_request_t *r, const ledger_request_t *request,
                              const char *holder, int64_t total, api_response_t *out)
{
    approval_input_t in = {.actor = r->user->name,
                           .user_id = r->user->id,
                           .holder = holder,
                           .type = request->tx_type,
                           .from = request->from,
                           .to = request->to,
                           .quantity = total,
                           .vintage = request->vintage,
                           .unit_type = request->unit_type,
                           .ranges = request->ranges,
                           .range_count = request->range_count,
                           .idempotency_key = r->idempotency_key,
                           .article6 = request->article6};
    auth_result_t result;
    approval_create(r->context->writer, &in, &result);
    if (result.store_error < 0)
        api_storage_error(out, result.message);
    else if (result.check != A6_OK)
        api_error(out, result.check, result.field, result.message);
    else {
        json_t *reply = json_pack("{sI ss sI}", "id", (json_int_t)result.id, "status",
                                  "awaiting_approval", "approval", (json_int_t)result.id);
        if (result.replayed) json_object_set_new(reply, "replayed", json_true());
        api_json(out, result.replayed ? 200 : 201, reply);
    }
}

bool api_transactions_prepare(const api_request_t *r, api_response_t *out,
                              api_pending_transaction_t *pending)
{
    memset(pending, 0, sizeof *pending);
    json_t *body = api_body_object(r, out);
    if (!body) return false;
    snprintf(pending->actor, sizeof pending->actor, "%s", r->user->name);
    ledger_request_t *request = &pending->request;
    *request = (ledger_request_t){.kind = LEDGER_REQUEST_TRANSACTION, .actor = pending->actor};
    if (r->idempotency_key) {
        snprintf(pending->idempotency_key, sizeof pending->idempotency_key, "%s",
                 r->idempotency_key);
        request->idempotency_key = pending->idempotency_key;
        if (strlen(r->idempotency_key) >= sizeof pending->idempotency_key) {
            json_decref(body);
            api_error(out, A6_CHECK_IDEMPOTENCY_KEY_INVALID, "Idempotency-Key", NULL);
            return false;
        }
    }
    json_t *blocks = json_object_get(body, "blocks");
    if (json_is_array(blocks) && json_array_size(blocks) > APPROVAL_BLOCKS_MAX) {
        json_decref(body);
        api_error(out, A6_CHECK_TOO_MANY_BLOCKS, "blocks", "at most 256 blocks per request");
        return false;
    }
    char holder[LEDGER_HOLDER_MAX + 1] = "";
    bool ok = parse_transaction(body, pending, out) &&
              transaction_allowed(r, request, holder, sizeof holder, out);
    json_decref(body);
    if (!ok) return false;
    ledger_result_t check;
    if (ledger_request_validate(request, &check) != A6_OK) {
        api_error(out, check.check, check.field, check.message);
        return false;
    }
    int64_t total = request->quantity;
    for (size_t i = 0; i < request->range_count; i++)
        total += request->ranges[i].last - request->ranges[i].first + 1;
    /* Four-eyes covers every way units leave a participant's account. */
    if (request->tx_type != LEDGER_TX_ISSUE && r->user->role == ROLE_PARTICIPANT &&
        total > r->context->four_eyes_above) {
        hold_for_approval(r, request, holder, total, out);
        return false;
    }
    return true;
}

void api_transactions_answer(const ledger_result_t *result, api_response_t *out)
{
    if (result->store_error < 0) {
        api_storage_error(out, result->message);
        return;
    }
    if (result->check != A6_OK) {
        api_error(out, result->check, result->field, result->message);
        return;
    }
    json_t *reply = json_pack("{sI ss sI}", "id", (json_int_t)result->id, "status", "completed",
                              "quantity", (json_int_t)result->quantity);
    if (result->replayed) json_object_set_new(reply, "replayed", json_true());
    api_json(out, result->replayed ? 200 : 201, reply);
}

void api_transactions_create(const api_request_t *r, api_response_t *out)
{
    api_pending_transaction_t *pending = malloc(sizeof *pending);
    if (!pending) {
        api_storage_error(out, "out of memory");
        return;
    }
    if (api_transactions_prepare(r, out, pending)) {
        writer_submit(r->context->writer, &pending->request, &pending->result);
        api_transactions_answer(&pending->result, out);
    }
    free(pending);
}

void api_transaction_get(const api_request_t *r, api_response_t *out)
{
    int64_t id;
    if (!api_id_param(r->params[0], "transaction", &id, out)) return;
    db_error_t err = {0};
    json_t *tx = ledger_query_transaction(r->reader, id, &err);
    if (!tx) {
        if (err.code) {
            api_storage_error(out, err.message);
            return;
        }
        {
            api_error(out, A6_CHECK_TRANSACTION_NOT_FOUND, "transaction", NULL);
            return;
        }
    }
    if (r->user->role == ROLE_PARTICIPANT || r->user->role == ROLE_OBSERVER) {
        /* A participant sees transactions touching its own holder's accounts. */
        a6_check_t check = A6_CHECK_ACCOUNT_NOT_OWNED;
        const char *keys[] = {"from", "to"};
        for (size_t k = 0; k < 2 && check != A6_OK; k++) {
            json_t *account_id = json_object_get(tx, keys[k]);
            if (!account_id) continue;
            json_t *account = ledger_query_account(r->reader, json_integer_value(account_id), &err);
            if (account)
                check = access_account_read(r->user->role, r->user->holder,
                                            json_string_value(json_object_get(account, "holder")));
            json_decref(account);
        }
        if (check != A6_OK) {
            json_decref(tx);
            {
                api_error(out, check, "transaction", NULL);
                return;
            }
        }
    }
    api_json(out, 200, tx);
}

void api_approvals_list(const api_request_t *r, api_response_t *out)
{
    db_error_t err = {0};
    json_t *list = approval_query_pending(
        r->reader, r->user->role == ROLE_PARTICIPANT ? r->user->holder : NULL, &err);
    if (!list) {
        api_storage_error(out, err.message);
        return;
    }
    api_page(r, out, list, "id");
}

static void decide(const api_request_t *r, api_response_t *out, int approve)
{
    int64_t id;
    if (!api_id_param(r->params[0], "approval", &id, out)) return;
    db_error_t err = {0};
    json_t *approval = approval_query(r->reader, id, &err);
    if (!approval) {
        if (err.code) {
            api_storage_error(out, err.message);
            return;
        }
        {
            api_error(out, A6_CHECK_APPROVAL_NOT_FOUND, "approval", NULL);
            return;
        }
    }
    int same_user = json_integer_value(json_object_get(approval, "requested_by")) == r->user->id;
    a6_check_t check =
        access_approve(r->user->role, r->user->holder,
                       json_string_value(json_object_get(approval, "holder")), same_user);
    json_decref(approval);
    if (check != A6_OK) {
        api_error(out, check, "approval", NULL);
        return;
    }
    auth_result_t result;
    approval_decide(r->context->writer, r->user->name, id, r->user->id, approve, &result);
    if (result.store_error < 0) {
        api_storage_error(out, result.message);
        return;
    }
    if (result.check != A6_OK) {
        api_error(out, result.check, result.field, result.message);
        return;
    }
    if (approve)
        api_json(out, 201,
                 json_pack("{sI ss sI}", "id", (json_int_t)result.id, "status", "completed",
                           "approval", (json_int_t)id));
    else
        api_json(out, 200, json_pack("{sI ss}", "approval", (json_int_t)id, "status", "rejected"));
}

void api_approval_approve(const api_request_t *r, api_response_t *out)
{
    decide(r, out, 1);
}

void api_approval_reject(const api_request_t *r, api_response_t *out)
{
    decide(r, out, 0);
}
