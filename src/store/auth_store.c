/* auth_store.c: users, hashed tokens and four-eyes approvals, each change through the writer and
 * audited in the same transaction. */
#include "auth_store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "../core/sha256.h"
#include "../core/text.h"
#include "ledger_store.h"

/* ISO 8601 UTC of now + seconds (same text format as the writer's clock). */
static void iso_after(int64_t seconds, char out[CLOCK_ISO_SIZE])
{
    time_t at = time(NULL) + (time_t)seconds;
    struct tm utc;
    gmtime_r(&at, &utc);
    strftime(out, CLOCK_ISO_SIZE, "%Y-%m-%dT%H:%M:%S.000Z", &utc);
}

static void token_hash(const char *token, char out[AUTH_TOKEN_SIZE])
{
    uint8_t digest[A6_SHA256_BYTES];
    a6_sha256(digest, token, strlen(token));
    sodium_bin2hex(out, AUTH_TOKEN_SIZE, digest, sizeof digest);
}

static int reject(auth_result_t *result, a6_check_t check, const char *field)
{
    result->check = check;
    result->field = field;
    snprintf(result->message, sizeof result->message, "%s: %s", field, a6_check_description(check));
    return WRITER_REJECTED;
}

/* Inserts a token for user_id; the random token text goes to token. */
static int insert_token(db_t *db, ledger_state_t *state, const char *actor, int64_t user_id,
                        int64_t ttl_s, char token[AUTH_TOKEN_SIZE], db_error_t *err)
{
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM tokens";
    static const char sql[] = "INSERT INTO tokens(id, user_id, token_hash, created_at, expires_at) "
                              "VALUES (?, ?, ?, ?, ?)";
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(token, AUTH_TOKEN_SIZE, random, sizeof random);
    char hash[AUTH_TOKEN_SIZE], expires[CLOCK_ISO_SIZE];
    token_hash(token, hash);
    iso_after(ttl_s, expires);
    int64_t id;
    int rc = db_query_int64(db, id_sql, &id, err);
    if (rc < 0) return rc;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, user_id);
    db_bind_text(stmt, 3, hash);
    db_bind_text(stmt, 4, state->now);
    db_bind_text(stmt, 5, expires);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    return ledger_audit(db, state, actor, "token.create", "token", id,
                        json_pack("{sI ss}", "user", (json_int_t)user_id, "expires_at", expires),
                        err);
}

/* ---- generic plumbing: one writer operation per request ---- */

typedef struct auth_operation {
    int (*apply)(db_t *db, ledger_state_t *state, struct auth_operation *op, db_error_t *err);
    const char *actor;
    const char *name;
    a6_role_t role;
    const char *holder;
    const char *text; /* password hash or token */
    int64_t id;
    int64_t ttl_s;
    int64_t user_id; /* the user deciding an approval */
    int approve;
    const approval_input_t *approval;
    char *token;
    auth_result_t *result;
} auth_operation_t;

static int apply_operation(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    auth_operation_t *op = context;
    return op->apply(db, state, op, err);
}

static void run(writer_t *w, auth_operation_t *op)
{
    memset(op->result, 0, sizeof *op->result);
    db_error_t err = {0};
    int outcome = writer_execute(w, apply_operation, op, &err);
    if (outcome < 0) {
        op->result->store_error = outcome;
        snprintf(op->result->message, sizeof op->result->message, "storage error: %s", err.message);
    }
}

static int find_user(db_t *db, const char *name, int64_t *id, db_error_t *err)
{
    static const char sql[] = "SELECT id FROM users WHERE name = ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, name);
    int rc = db_step(stmt, err);
    *id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int apply_user_add(db_t *db, ledger_state_t *state, auth_operation_t *op, db_error_t *err)
{
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM users";
    static const char sql[] = "INSERT INTO users(id, name, role, holder, status, created_at) "
                              "VALUES (?, ?, ?, ?, 'active', ?)";
    if (a6_text_check(op->name, LEDGER_HOLDER_MAX) != A6_OK)
        return reject(op->result, A6_CHECK_TEXT_INVALID, "name");
    if (op->role < ROLE_ADMIN || op->role > ROLE_OBSERVER)
        return reject(op->result, A6_CHECK_ROLE_INVALID, "role");
    if (op->holder && ledger_holder_check(op->holder) != A6_OK)
        return reject(op->result, A6_CHECK_HOLDER_INVALID, "holder");
    if (op->role == ROLE_PARTICIPANT && !op->holder)
        return reject(op->result, A6_CHECK_HOLDER_INVALID, "holder");
    int64_t existing, id;
    int rc = find_user(db, op->name, &existing, err);
    if (rc < 0) return rc;
    if (existing) return reject(op->result, A6_CHECK_USER_EXISTS, "name");
    if ((rc = db_query_int64(db, id_sql, &id, err)) < 0) return rc;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, op->name);
    db_bind_text(stmt, 3, a6_role_name(op->role));
    db_bind_text(stmt, 4, op->holder);
    db_bind_text(stmt, 5, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, op->actor, "user.add", "user", id,
                           json_pack("{ss ss ss?}", "name", op->name, "role",
                                     a6_role_name(op->role), "holder", op->holder),
                           err)) < 0)
        return rc;
    if ((rc = insert_token(db, state, op->actor, id, AUTH_TOKEN_TTL_API_S, op->token, err)) < 0)
        return rc;
    op->result->id = id;
    return WRITER_ACCEPTED;
}

void auth_user_add(writer_t *w, const char *actor, const char *name, a6_role_t role,
                   const char *holder, char token[AUTH_TOKEN_SIZE], auth_result_t *result)
{
    auth_operation_t op = {.apply = apply_user_add,
                           .actor = actor,
                           .name = name,
                           .role = role,
                           .holder = holder,
                           .token = token,
                           .result = result};
    run(w, &op);
}

static int apply_user_password(db_t *db, ledger_state_t *state, auth_operation_t *op,
                               db_error_t *err)
{
    static const char sql[] = "UPDATE users SET password_hash = ? WHERE id = ?";
    int64_t id;
    int rc = find_user(db, op->name, &id, err);
    if (rc < 0) return rc;
    if (!id) return reject(op->result, A6_CHECK_USER_NOT_FOUND, "name");
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, op->text);
    db_bind_int64(stmt, 2, id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, op->actor, "user.password", "user", id,
                           json_pack("{ss}", "name", op->name), err)) < 0)
        return rc;
    op->result->id = id;
    return WRITER_ACCEPTED;
}

void auth_user_password(writer_t *w, const char *actor, const char *name, const char *hash,
                        auth_result_t *result)
{
    auth_operation_t op = {
        .apply = apply_user_password, .actor = actor, .name = name, .text = hash, .result = result};
    run(w, &op);
}

static int apply_token_create(db_t *db, ledger_state_t *state, auth_operation_t *op,
                              db_error_t *err)
{
    int rc = insert_token(db, state, op->actor, op->id, op->ttl_s, op->token, err);
    if (rc < 0) return rc;
    op->result->id = op->id;
    return WRITER_ACCEPTED;
}

void auth_token_create(writer_t *w, const char *actor, int64_t user_id, int64_t ttl_s,
                       char token[AUTH_TOKEN_SIZE], auth_result_t *result)
{
    auth_operation_t op = {.apply = apply_token_create,
                           .actor = actor,
                           .id = user_id,
                           .ttl_s = ttl_s,
                           .token = token,
                           .result = result};
    run(w, &op);
}

static int apply_token_revoke(db_t *db, ledger_state_t *state, auth_operation_t *op,
                              db_error_t *err)
{
    static const char sql[] = "UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND "
                              "revoked_at IS NULL";
    static const char find_sql[] = "SELECT id FROM tokens WHERE token_hash = ?";
    char hash[AUTH_TOKEN_SIZE];
    token_hash(op->text, hash);
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, hash);
    int rc = db_step(stmt, err);
    int64_t id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!id) return reject(op->result, A6_CHECK_TOKEN_INVALID, "token");
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, state->now);
    db_bind_text(stmt, 2, hash);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, op->actor, "token.revoke", "token", id, json_object(), err)) <
        0)
        return rc;
    op->result->id = id;
    return WRITER_ACCEPTED;
}

void auth_token_revoke(writer_t *w, const char *actor, const char *token, auth_result_t *result)
{
    auth_operation_t op = {
        .apply = apply_token_revoke, .actor = actor, .text = token, .result = result};
    run(w, &op);
}

static void user_from_row(db_stmt_t *stmt, auth_user_t *user)
{
    memset(user, 0, sizeof *user);
    user->id = db_column_int64(stmt, 0);
    snprintf(user->name, sizeof user->name, "%s", db_column_text(stmt, 1));
    a6_role_parse(db_column_text(stmt, 2), &user->role);
    snprintf(user->holder, sizeof user->holder, "%s", db_column_text(stmt, 3));
    user->active = strcmp(db_column_text(stmt, 4), "active") == 0;
}

int auth_token_lookup(db_t *db, const char *token, auth_user_t *user, a6_check_t *check,
                      db_error_t *err)
{
    static const char sql[] = "SELECT u.id, u.name, u.role, COALESCE(u.holder, ''), u.status, "
                              "t.expires_at, t.revoked_at FROM tokens t JOIN users u "
                              "ON u.id = t.user_id WHERE t.token_hash = ?";
    *check = A6_CHECK_TOKEN_INVALID;
    if (!token || strlen(token) != AUTH_TOKEN_SIZE - 1) return 0;
    char hash[AUTH_TOKEN_SIZE], now[CLOCK_ISO_SIZE];
    token_hash(token, hash);
    clock_now_iso(now);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, hash);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        user_from_row(stmt, user);
        if (user->active && db_column_is_null(stmt, 6) && strcmp(db_column_text(stmt, 5), now) > 0)
            *check = A6_OK;
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

int auth_user_by_name(db_t *db, const char *name, auth_user_t *user, char *hash, size_t hash_size,
                      int *found, db_error_t *err)
{
    static const char sql[] = "SELECT id, name, role, COALESCE(holder, ''), status, "
                              "COALESCE(password_hash, '') FROM users WHERE name = ?";
    *found = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, name);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        user_from_row(stmt, user);
        snprintf(hash, hash_size, "%s", db_column_text(stmt, 5));
        *found = 1;
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

/* ---- approvals ---- */

/* The Article 6 meaning of a held request as JSON text (NULL when none; caller frees). */
static char *article6_text(const ledger_article6_t *a)
{
    if (!a) return NULL;
    json_t *object =
        json_pack("{ss s:s? s:s? s:s? s:s? sI}", "action", a6_action_type_name(a->action),
                  "subtype", a->subtype ? a6_action_subtype_name(a->subtype) : NULL, "purpose",
                  a->purpose ? a6_purpose_name(a->purpose) : NULL, "using_party", a->using_party,
                  "using_entity", a->using_entity, "ndc_year", (json_int_t)a->ndc_year);
    char *text = object ? json_dumps(object, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(object);
    return text;
}

/* Back from article6_text: strings point into *json, which the caller releases after use. */
static const ledger_article6_t *article6_parse(const char *text, ledger_article6_t *out,
                                               json_t **json)
{
    *json = text ? json_loads(text, 0, NULL) : NULL;
    if (!*json) return NULL;
    memset(out, 0, sizeof *out);
    a6_action_type_parse(json_string_value(json_object_get(*json, "action")), &out->action);
    const char *subtype = json_string_value(json_object_get(*json, "subtype"));
    const char *purpose = json_string_value(json_object_get(*json, "purpose"));
    if (subtype) a6_action_subtype_parse(subtype, &out->subtype);
    if (purpose) a6_purpose_parse(purpose, &out->purpose);
    out->using_party = json_string_value(json_object_get(*json, "using_party"));
    out->using_entity = json_string_value(json_object_get(*json, "using_entity"));
    out->ndc_year = (int32_t)json_integer_value(json_object_get(*json, "ndc_year"));
    return out;
}

/* Finds a replay of the same idempotency key (same request: its id; different: rejected), or
 * inserts the approval. blocks is the JSON of the explicit ranges or NULL. */
static int approval_insert(db_t *db, ledger_state_t *state, auth_operation_t *op,
                           const char *blocks, const char *unit, const char *article6,
                           db_error_t *err)
{
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM approvals";
    static const char find_sql[] = "SELECT id, from_account, to_account, quantity, vintage, "
                                   "COALESCE(unit_type, ''), COALESCE(blocks, ''), "
                                   "COALESCE(article6, '') FROM approvals "
                                   "WHERE idempotency_key = ?";
    static const char sql[] = "INSERT INTO approvals(id, type, from_account, to_account, quantity, "
                              "vintage, unit_type, blocks, holder, requested_by, idempotency_key, "
                              "status, created_at, article6) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'awaiting_approval', ?, ?)";
    const approval_input_t *in = op->approval;
    int rc;
    db_stmt_t *stmt;
    if (in->idempotency_key) {
        if (!(stmt = db_prepare(db, find_sql, err))) return DB_ERROR;
        db_bind_text(stmt, 1, in->idempotency_key);
        rc = db_step(stmt, err);
        int same = rc == DB_ROW && db_column_int64(stmt, 1) == in->from &&
                   db_column_int64(stmt, 2) == in->to && db_column_int64(stmt, 3) == in->quantity &&
                   db_column_int64(stmt, 4) == in->vintage &&
                   strcmp(db_column_text(stmt, 5), unit ? unit : "") == 0 &&
                   strcmp(db_column_text(stmt, 6), blocks ? blocks : "") == 0 &&
                   strcmp(db_column_text(stmt, 7), article6 ? article6 : "") == 0;
        int64_t existing = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
        db_reset(stmt);
        if (rc < 0) return rc;
        if (existing && !same)
            return reject(op->result, A6_CHECK_IDEMPOTENCY_KEY_REUSED, "idempotency_key");
        if (existing) {
            op->result->id = existing;
            op->result->replayed = 1;
            return WRITER_ACCEPTED;
        }
    }
    int64_t id;
    if ((rc = db_query_int64(db, id_sql, &id, err)) < 0) return rc;
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, ledger_tx_type_name(in->type));
    db_bind_int64(stmt, 3, in->from);
    db_bind_int64(stmt, 4, in->to);
    db_bind_int64(stmt, 5, in->quantity);
    db_bind_int64(stmt, 6, in->vintage);
    db_bind_text(stmt, 7, unit);
    db_bind_text(stmt, 8, blocks);
    db_bind_text(stmt, 9, in->holder);
    db_bind_int64(stmt, 10, in->user_id);
    db_bind_text(stmt, 11, in->idempotency_key);
    db_bind_text(stmt, 12, state->now);
    if (article6)
        db_bind_text(stmt, 13, article6);
    else
        db_bind_null(stmt, 13);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, in->actor, "approval.request", "approval", id,
                           json_pack("{sI sI sI sI}", "from", (json_int_t)in->from, "to",
                                     (json_int_t)in->to, "quantity", (json_int_t)in->quantity,
                                     "requested_by", (json_int_t)in->user_id),
                           err)) < 0)
        return rc;
    op->result->id = id;
    return WRITER_ACCEPTED;
}

/* The accounts of a held transfer must exist and allow it now, as the transfer will: an
 * approval never waits on an account that cannot take it. Returns A6_OK, a check (result filled)
 * or a negative db_result_t. */
static a6_check_t approval_accounts_check(db_t *db, const approval_input_t *in,
                                          auth_result_t *result, db_error_t *err)
{
    static const char sql[] = "SELECT type, status FROM accounts WHERE id = ?";
    ledger_account_t accounts[2];
    int64_t ids[2] = {in->from, in->to};
    const char *fields[2] = {"from", "to"};
    for (int i = 0; i < 2; i++) {
        db_stmt_t *stmt = db_prepare(db, sql, err);
        if (!stmt) return (a6_check_t)DB_ERROR;
        db_bind_int64(stmt, 1, ids[i]);
        int rc = db_step(stmt, err);
        if (rc == DB_ROW) {
            accounts[i] = (ledger_account_t){.id = ids[i]};
            ledger_account_type_parse(db_column_text(stmt, 0), &accounts[i].type);
            accounts[i].open = strcmp(db_column_text(stmt, 1), "open") == 0;
        }
        db_reset(stmt);
        if (rc < 0) return (a6_check_t)rc;
        if (rc != DB_ROW) {
            reject(result, A6_CHECK_ACCOUNT_NOT_FOUND, fields[i]);
            return A6_CHECK_ACCOUNT_NOT_FOUND;
        }
    }
    a6_check_t check = ledger_check_accounts(in->type, &accounts[0], &accounts[1]);
    if (check != A6_OK) reject(result, check, "to");
    return check;
}

static int apply_approval_create(db_t *db, ledger_state_t *state, auth_operation_t *op,
                                 db_error_t *err)
{
    approval_input_t resolved = *op->approval;
    const approval_input_t *in = &resolved;
    op->approval = in;
    int opened;
    if (resolved.to == 0 && (opened = ledger_registry_account(
                                 db, state, resolved.type, resolved.actor, &resolved.to, err)) < 0)
        return opened;
    a6_check_t check = approval_accounts_check(db, in, op->result, err);
    if (check != A6_OK) return (int)check < 0 ? (int)check : WRITER_REJECTED;
    if (in->range_count > APPROVAL_BLOCKS_MAX)
        return reject(op->result, A6_CHECK_TOO_MANY_BLOCKS, "blocks");
    char *blocks = NULL;
    if (in->ranges) {
        json_t *list = json_array();
        for (size_t i = 0; i < in->range_count; i++)
            json_array_append_new(list, json_pack("[II]", (json_int_t)in->ranges[i].first,
                                                  (json_int_t)in->ranges[i].last));
        blocks = json_dumps(list, JSON_COMPACT);
        json_decref(list);
        if (!blocks) return db_error_set(err, DB_ERROR, "out of memory");
    }
    const char *unit =
        in->unit_type == LEDGER_UNIT_ANY ? NULL : ledger_unit_type_name(in->unit_type);
    char *article6 = article6_text(in->article6);
    if (in->article6 && !article6) {
        free(blocks);
        return db_error_set(err, DB_ERROR, "out of memory");
    }
    int rc = approval_insert(db, state, op, blocks, unit, article6, err);
    free(blocks);
    free(article6);
    return rc;
}

void approval_create(writer_t *w, const approval_input_t *in, auth_result_t *result)
{
    auth_operation_t op = {
        .apply = apply_approval_create, .actor = in->actor, .approval = in, .result = result};
    run(w, &op);
}

static int apply_approval_decide(db_t *db, ledger_state_t *state, auth_operation_t *op,
                                 db_error_t *err)
{
    static const char find_sql[] = "SELECT type, from_account, to_account, quantity, vintage, "
                                   "requested_by, status, unit_type, blocks, article6 "
                                   "FROM approvals WHERE id = ?";
    static const char sql[] = "UPDATE approvals SET status = ?, approved_by = ?, "
                              "transaction_id = ?, decided_at = ? WHERE id = ?";
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, op->id);
    int rc = db_step(stmt, err);
    if (rc < 0) return rc;
    if (rc != DB_ROW) {
        db_reset(stmt);
        return reject(op->result, A6_CHECK_APPROVAL_NOT_FOUND, "approval");
    }
    ledger_request_t request = {.kind = LEDGER_REQUEST_TRANSACTION,
                                .actor = op->actor,
                                .from = db_column_int64(stmt, 1),
                                .to = db_column_int64(stmt, 2),
                                .quantity = db_column_int64(stmt, 3),
                                .vintage = (int32_t)db_column_int64(stmt, 4)};
    ledger_tx_type_parse(db_column_text(stmt, 0), &request.tx_type);
    int64_t requested_by = db_column_int64(stmt, 5);
    int pending = strcmp(db_column_text(stmt, 6), "awaiting_approval") == 0;
    if (!db_column_is_null(stmt, 7))
        ledger_unit_type_parse(db_column_text(stmt, 7), &request.unit_type);
    ledger_range_t ranges[APPROVAL_BLOCKS_MAX];
    if (!db_column_is_null(stmt, 8)) {
        json_t *list = json_loads(db_column_text(stmt, 8), 0, NULL);
        size_t i;
        json_t *pair;
        json_array_foreach(list, i, pair)
        {
            json_int_t first = 0, last = 0;
            if (i < APPROVAL_BLOCKS_MAX && json_unpack(pair, "[II]", &first, &last) == 0)
                ranges[request.range_count++] = (ledger_range_t){.first = first, .last = last};
        }
        json_decref(list);
        request.ranges = ranges;
        request.quantity = 0; /* explicit blocks give the quantity */
    }
    ledger_article6_t article6;
    json_t *article6_json = NULL; /* holds article6's strings until the transaction is applied */
    request.article6 = article6_parse(db_column_is_null(stmt, 9) ? NULL : db_column_text(stmt, 9),
                                      &article6, &article6_json);
    db_reset(stmt);
    if (!pending || requested_by == op->user_id) {
        json_decref(article6_json);
        return reject(op->result,
                      !pending ? A6_CHECK_APPROVAL_DECIDED : A6_CHECK_APPROVAL_BY_REQUESTER,
                      "approval");
    }
    int64_t transaction_id = 0;
    if (op->approve) {
        ledger_result_t moved;
        rc = ledger_apply(db, state, &request, &moved, err);
        json_decref(article6_json);
        article6_json = NULL;
        if (rc < 0) return rc;
        if (moved.check != A6_OK) {
            *op->result = (auth_result_t){.check = moved.check, .field = moved.field};
            snprintf(op->result->message, sizeof op->result->message, "%s", moved.message);
            return WRITER_REJECTED;
        }
        transaction_id = moved.id;
    }
    json_decref(article6_json); /* a rejection applies nothing */
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, op->approve ? "completed" : "rejected");
    db_bind_int64(stmt, 2, op->user_id);
    if (transaction_id) db_bind_int64(stmt, 3, transaction_id);
    db_bind_text(stmt, 4, state->now);
    db_bind_int64(stmt, 5, op->id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, op->actor,
                           op->approve ? "approval.approve" : "approval.reject", "approval", op->id,
                           json_pack("{sI sI}", "decided_by", (json_int_t)op->user_id,
                                     "transaction", (json_int_t)transaction_id),
                           err)) < 0)
        return rc;
    op->result->id = op->approve ? transaction_id : op->id;
    return WRITER_ACCEPTED;
}

void approval_decide(writer_t *w, const char *actor, int64_t approval_id, int64_t user_id,
                     int approve, auth_result_t *result)
{
    auth_operation_t op = {.apply = apply_approval_decide,
                           .actor = actor,
                           .id = approval_id,
                           .user_id = user_id,
                           .approve = approve,
                           .result = result};
    run(w, &op);
}

static json_t *approval_json(db_stmt_t *stmt)
{
    json_t *a = json_pack(
        "{sI ss sI sI sI sI ss sI ss ss}", "id", (json_int_t)db_column_int64(stmt, 0), "type",
        db_column_text(stmt, 1), "from", (json_int_t)db_column_int64(stmt, 2), "to",
        (json_int_t)db_column_int64(stmt, 3), "quantity", (json_int_t)db_column_int64(stmt, 4),
        "vintage", (json_int_t)db_column_int64(stmt, 5), "holder", db_column_text(stmt, 6),
        "requested_by", (json_int_t)db_column_int64(stmt, 7), "status", db_column_text(stmt, 8),
        "created_at", db_column_text(stmt, 9));
    if (a && !db_column_is_null(stmt, 10))
        json_object_set_new(a, "transaction", json_integer(db_column_int64(stmt, 10)));
    return a;
}

json_t *approval_query(db_t *db, int64_t approval_id, db_error_t *err)
{
    static const char sql[] = "SELECT id, type, from_account, to_account, quantity, vintage, "
                              "holder, requested_by, status, created_at, transaction_id "
                              "FROM approvals WHERE id = ?";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_int64(stmt, 1, approval_id);
    json_t *a = db_step(stmt, err) == DB_ROW ? approval_json(stmt) : NULL;
    db_reset(stmt);
    return a;
}

json_t *approval_query_pending(db_t *db, const char *holder, db_error_t *err)
{
    static const char sql[] = "SELECT id, type, from_account, to_account, quantity, vintage, "
                              "holder, requested_by, status, created_at, transaction_id "
                              "FROM approvals WHERE status = 'awaiting_approval' "
                              "AND (CAST(? AS TEXT) IS NULL OR holder = ?) ORDER BY id";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_text(stmt, 1, holder);
    db_bind_text(stmt, 2, holder);
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW)
        json_array_append_new(list, approval_json(stmt));
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}
