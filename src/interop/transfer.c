/* transfer.c: external transfers: the sender's proposal and its completion or termination, and
 * the receiver's checks and acquisition, each inside the writer's transaction with the ledger's
 * own operations, so units move, arrive or return exactly once. */
#include "transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/article6.h"
#include "../core/text.h"
#include "../store/itmo_apply.h"
#include "../store/ledger_store.h"
#include "partners.h"

/* The account of type for holder, opened (party) when there is none. */
static int account_for(db_t *db, ledger_state_t *state, const char *actor, const char *holder,
                       ledger_account_type_t type, const char *party, int64_t *id, db_error_t *err)
{
    static const char sql[] = "SELECT MIN(id) FROM accounts WHERE holder = ? AND type = ? "
                              "AND status = 'open'";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, holder);
    db_bind_text(stmt, 2, ledger_account_type_name(type));
    int rc = db_step(stmt, err);
    *id = rc == DB_ROW && !db_column_is_null(stmt, 0) ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0 || *id) return rc < 0 ? rc : 0;
    ledger_request_t open = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                             .actor = actor,
                             .holder = holder,
                             .account_type = type,
                             .party = party};
    ledger_result_t opened;
    if ((rc = ledger_apply(db, state, &open, &opened, err)) < 0) return rc;
    if (opened.check != A6_OK)
        return db_error_set(err, DB_ERROR, "cannot open the account of %s: %s", holder,
                            opened.message);
    *id = opened.id;
    return 0;
}

/* The Party of a registry ID ("JPN01" -> "JPN"). */
static void party_of(const char *registry_id, char party[A6_PARTY_SIZE])
{
    snprintf(party, A6_PARTY_SIZE, "%.3s", registry_id);
}

static int audit(db_t *db, ledger_state_t *state, const char *actor, const char *action, int64_t id,
                 json_t *payload, db_error_t *err)
{
    return ledger_audit(db, state, actor, action, "external-transfer", id, payload, err);
}

/* The blocks a transaction moved, in their origin registries' serials (with the local range),
 * as JSON: [{"origin", "first", "last", "vintage", "unit_type", "local_first", "local_last"}]. */
static int moved_blocks_json(db_t *db, const char *registry_id, int64_t tx_id, json_t **out,
                             db_error_t *err)
{
    static const char sql[] =
        "SELECT tb.first_serial, tb.last_serial, tb.vintage, i.unit_type, i.origin_registry, "
        "i.origin_first, i.first_serial, COALESCE(z.approach_id, i.itmo_approach), "
        "i.authorization_id, i.itmo_authorization, i.itmo_party FROM transaction_blocks tb "
        "JOIN issuances i ON i.id = tb.issuance_id "
        "LEFT JOIN authorizations z ON z.id = i.authorization_id "
        "WHERE tb.transaction_id = ? ORDER BY tb.first_serial";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, tx_id);
    *out = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        int64_t first = db_column_int64(stmt, 0), last = db_column_int64(stmt, 1);
        int foreign = !db_column_is_null(stmt, 4);
        int64_t offset = foreign ? db_column_int64(stmt, 5) - db_column_int64(stmt, 6) : 0;
        json_t *block = json_pack(
            "{ss sI sI sI ss sI sI}", "origin", foreign ? db_column_text(stmt, 4) : registry_id,
            "first", (json_int_t)(first + offset), "last", (json_int_t)(last + offset), "vintage",
            (json_int_t)db_column_int64(stmt, 2), "unit_type", db_column_text(stmt, 3),
            "local_first", (json_int_t)first, "local_last", (json_int_t)last);
        if (!db_column_is_null(stmt, 7)) {
            /* An ITMO: what its unique identifier needs travels with it. */
            char label[32], party[A6_PARTY_SIZE];
            snprintf(label, sizeof label, "%s-A%lld", registry_id,
                     (long long)db_column_int64(stmt, 8));
            party_of(registry_id, party);
            json_object_set_new(
                block, "itmo",
                json_pack("{ss ss ss}", "approach", db_column_text(stmt, 7), "authorization",
                          db_column_is_null(stmt, 8) ? db_column_text(stmt, 9) : label, "party",
                          db_column_is_null(stmt, 8) ? db_column_text(stmt, 10) : party));
        }
        json_array_append_new(*out, block);
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc < 0 ? rc : 0;
}

/* ---- sender: proposal ---- */

static const char next_transfer_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM external_transfers";

typedef struct propose_operation {
    const registry_keys_t *keys;
    const transfer_input_t *in;
    transfer_result_t *result;
} propose_operation_t;

static int reject(transfer_result_t *result, a6_check_t check, const char *field,
                  const char *message)
{
    result->check = check;
    result->field = field;
    snprintf(result->message, sizeof result->message, "%s", message);
    return WRITER_REJECTED;
}

static int apply_propose(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char sql[] =
        "INSERT INTO external_transfers(id, direction, partner, message_id, status, from_account, "
        "pending_account, to_account, quantity, blocks, transaction_id, created_at) "
        "VALUES (?, 'out', ?, ?, 'proposed', ?, ?, ?, ?, ?, ?, ?)";
    propose_operation_t *op = context;
    const transfer_input_t *in = op->in;
    partner_t partner;
    int found, rc = partner_load(db, in->partner, &partner, &found, err);
    if (rc < 0) return rc;
    if (!*partner.id)
        return reject(op->result, A6_CHECK_PARTNER_NOT_FOUND, "partner", "no such partner");
    if (in->to_account <= 0)
        return reject(op->result, A6_CHECK_ID_INVALID, "to_account", "the partner's account id");
    char holder[40], party[A6_PARTY_SIZE];
    snprintf(holder, sizeof holder, "Transfers to %s", partner.id);
    int64_t pending;
    if ((rc = account_for(db, state, in->actor, holder, LEDGER_ACCOUNT_PENDING,
                          (party_of(op->keys->registry_id, party), party), &pending, err)) < 0)
        return rc;
    ledger_request_t move = {.kind = LEDGER_REQUEST_TRANSACTION,
                             .actor = in->actor,
                             .tx_type = LEDGER_TX_TRANSFER,
                             .from = in->from,
                             .to = pending,
                             .quantity = in->quantity,
                             .vintage = in->vintage,
                             .ranges = in->ranges,
                             .range_count = in->range_count};
    ledger_result_t moved;
    if ((rc = ledger_apply(db, state, &move, &moved, err)) < 0) return rc;
    if (moved.check != A6_OK) return reject(op->result, moved.check, moved.field, moved.message);
    if ((rc = itmo_external_check(db, state, moved.id, &moved, err)) < 0) return rc;
    if (moved.check != A6_OK) return reject(op->result, moved.check, moved.field, moved.message);
    json_t *blocks;
    if ((rc = moved_blocks_json(db, op->keys->registry_id, moved.id, &blocks, err)) < 0) return rc;
    int64_t id;
    if ((rc = db_query_int64(db, next_transfer_sql, &id, err)) < 0) {
        json_decref(blocks);
        return rc;
    }
    /* The proposal carries the blocks in their origin registries' serials only. */
    json_t *sent = json_array();
    size_t i;
    json_t *block;
    json_array_foreach(blocks, i, block)
    {
        json_t *copy = json_copy(block);
        json_object_del(copy, "local_first");
        json_object_del(copy, "local_last");
        json_array_append_new(sent, copy);
    }
    json_t *payload = json_pack("{sI sI sI so}", "transfer", (json_int_t)id, "to_account",
                                (json_int_t)in->to_account, "quantity", (json_int_t)moved.quantity,
                                "blocks", sent);
    char message_id[ENVELOPE_ID_SIZE];
    rc = message_enqueue(db, state, op->keys, partner.id, "transfer.proposal", payload, message_id,
                         err);
    json_decref(payload);
    char *text = rc < 0 ? NULL : json_dumps(blocks, JSON_COMPACT);
    json_decref(blocks);
    if (rc < 0) return rc;
    if (!text) return db_error_set(err, DB_ERROR, "out of memory");
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (stmt) {
        db_bind_int64(stmt, 1, id);
        db_bind_text(stmt, 2, partner.id);
        db_bind_text(stmt, 3, message_id);
        db_bind_int64(stmt, 4, in->from);
        db_bind_int64(stmt, 5, pending);
        db_bind_int64(stmt, 6, in->to_account);
        db_bind_int64(stmt, 7, moved.quantity);
        db_bind_text(stmt, 8, text);
        db_bind_int64(stmt, 9, moved.id);
        db_bind_text(stmt, 10, state->now);
        rc = db_step_done(stmt, err);
    }
    free(text);
    if (!stmt) return DB_ERROR;
    if (rc < 0) return rc;
    if ((rc = audit(db, state, in->actor, "transfer.propose", id,
                    json_pack("{ss sI sI sI ss}", "partner", partner.id, "from",
                              (json_int_t)in->from, "to_account", (json_int_t)in->to_account,
                              "quantity", (json_int_t)moved.quantity, "message", message_id),
                    err)) < 0)
        return rc;
    op->result->id = id;
    op->result->quantity = moved.quantity;
    return WRITER_ACCEPTED;
}

void transfer_propose(writer_t *w, const registry_keys_t *keys, const transfer_input_t *in,
                      transfer_result_t *result)
{
    memset(result, 0, sizeof *result);
    propose_operation_t op = {keys, in, result};
    db_error_t err = {0};
    int rc = writer_execute(w, apply_propose, &op, &err);
    if (rc < 0) {
        result->store_error = rc;
        snprintf(result->message, sizeof result->message, "storage error: %s", err.message);
    }
}

/* ---- receiver: the proposal ---- */

typedef struct proposed_block {
    char origin[8];
    int64_t first, last;
    int32_t vintage;
    ledger_unit_type_t unit_type;
} proposed_block_t;

static bool parse_block(json_t *item, proposed_block_t *b)
{
    const char *origin, *unit;
    json_int_t first, last, vintage;
    if (json_unpack(item, "{s:s, s:I, s:I, s:I, s:s}", "origin", &origin, "first", &first, "last",
                    &last, "vintage", &vintage, "unit_type", &unit) != 0 ||
        a6_registry_id_check(origin) != A6_OK || first <= 0 || last < first ||
        last > LEDGER_SERIAL_MAX || ledger_vintage_check((int32_t)vintage) != A6_OK ||
        ledger_unit_type_parse(unit, &b->unit_type) != A6_OK || b->unit_type == LEDGER_UNIT_ANY)
        return false;
    snprintf(b->origin, sizeof b->origin, "%s", origin);
    b->first = first;
    b->last = last;
    b->vintage = (int32_t)vintage;
    return true;
}

/* Whether any unit of the block was acquired here before (from whichever registry). */
static int already_known(db_t *db, const proposed_block_t *b, int *known, db_error_t *err)
{
    static const char sql[] = "SELECT 1 FROM issuances WHERE origin_registry = ? "
                              "AND origin_first <= ? AND origin_first + quantity - 1 >= ? LIMIT 1";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, b->origin);
    db_bind_int64(stmt, 2, b->last);
    db_bind_int64(stmt, 3, b->first);
    int rc = db_step(stmt, err);
    *known = rc == DB_ROW;
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int refuse(a6_check_t *check, char *reason, size_t size, a6_check_t code, const char *why)
{
    *check = code;
    snprintf(reason, size, "%s", why);
    return 0;
}

/* Units of this registry sent back by the partner: moved from the partner's account here (where
 * they went when they left) into to_account; refused (3001) unless exactly there. */
static int take_back(db_t *db, ledger_state_t *state, const char *sender, const proposed_block_t *b,
                     int64_t to_account, a6_check_t *check, char *reason, size_t reason_size,
                     db_error_t *err)
{
    static const char sql[] = "SELECT MIN(id) FROM accounts WHERE holder = ? AND type = 'partner'";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, sender);
    int rc = db_step(stmt, err);
    int64_t from = rc == DB_ROW && !db_column_is_null(stmt, 0) ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!from)
        return refuse(check, reason, reason_size, A6_CHECK_BLOCK_NOT_HELD,
                      "no units of this registry are at the sender");
    ledger_range_t range = {b->first, b->last};
    ledger_request_t back = {.kind = LEDGER_REQUEST_TRANSACTION,
                             .actor = sender,
                             .tx_type = LEDGER_TX_TRANSFER,
                             .from = from,
                             .to = to_account,
                             .ranges = &range,
                             .range_count = 1};
    ledger_result_t moved;
    if ((rc = ledger_apply(db, state, &back, &moved, err)) < 0) return rc;
    if (moved.check != A6_OK) return refuse(check, reason, reason_size, moved.check, moved.message);
    *check = A6_OK;
    return 0;
}

/* An ITMO arrives with its cooperative approach, authorization and first transferring Party: the
 * approach must be one this registry takes part in (4031), the rest well formed (1014, 1009). */
static int itmo_acceptable(db_t *db, json_t *itmo, const char **approach,
                           const char **authorization, const char **party, a6_check_t *check,
                           char *reason, size_t reason_size, db_error_t *err)
{
    static const char sql[] = "SELECT 1 FROM approaches WHERE id = ?";
    if (json_unpack(itmo, "{s:s, s:s, s:s}", "approach", approach, "authorization", authorization,
                    "party", party) != 0 ||
        a6_approach_id_check(*approach) != A6_OK || a6_party_check(*party) != A6_OK ||
        a6_text_check(*authorization, A6_AUTHORIZATION_ID_MAX) != A6_OK)
        return refuse(check, reason, reason_size, A6_CHECK_TEXT_INVALID,
                      "an ITMO is {approach, authorization, party}");
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, *approach);
    int rc = db_step(stmt, err);
    db_reset(stmt);
    if (rc < 0) return rc;
    if (rc != DB_ROW)
        return refuse(check, reason, reason_size, A6_CHECK_APPROACH_NOT_FOUND,
                      "ITMOs of a cooperative approach this registry does not take part in");
    *check = A6_OK;
    return 0;
}

/* The units of blocks (a checked JSON array of proposed blocks) arrive from sender into
 * to_account: each is issued here under fresh local serials mapped to its origin serials.
 * Units that originated here come back out of the sender's account instead. Refuses (0 with
 * *check) units already known, or of this registry but not at the sender; the caller's savepoint
 * undoes what was created. */
static int acquire_blocks(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                          const char *sender, json_t *blocks, int64_t to_account, json_t *issuances,
                          int64_t *total, a6_check_t *check, char *reason, size_t reason_size,
                          db_error_t *err)
{
    static const char origin_sql[] = "UPDATE issuances SET origin_registry = ?, origin_first = ?, "
                                     "acquired_from = ?, itmo_approach = ?, "
                                     "itmo_authorization = ?, itmo_party = ? WHERE id = ?";
    *total = 0;
    size_t i;
    json_t *item;
    int rc;
    json_array_foreach(blocks, i, item)
    {
        proposed_block_t b;
        int known = 0;
        if (!parse_block(item, &b))
            return refuse(check, reason, reason_size, A6_CHECK_BLOCK_INVALID,
                          "a block is {origin, first, last, vintage, unit_type}");
        if (strcmp(b.origin, keys->registry_id) == 0) {
            /* Units of this registry coming back: they must be in the sender's account here. */
            if ((rc = take_back(db, state, sender, &b, to_account, check, reason, reason_size,
                                err)) < 0 ||
                *check != A6_OK)
                return rc;
            *total += b.last - b.first + 1;
            continue;
        }
        if ((rc = already_known(db, &b, &known, err)) < 0) return rc;
        const char *approach = NULL, *authorization = NULL, *party = NULL;
        json_t *itmo = json_object_get(item, "itmo");
        if (itmo && ((rc = itmo_acceptable(db, itmo, &approach, &authorization, &party, check,
                                           reason, reason_size, err)) < 0 ||
                     *check != A6_OK))
            return rc;
        if (known) {
            char why[160];
            snprintf(why, sizeof why, "%s %lld-%lld", b.origin, (long long)b.first,
                     (long long)b.last);
            return refuse(check, reason, reason_size, A6_CHECK_BLOCKS_ALREADY_KNOWN, why);
        }
        ledger_request_t arrive = {.kind = LEDGER_REQUEST_TRANSACTION,
                                   .actor = sender,
                                   .tx_type = LEDGER_TX_ISSUE,
                                   .to = to_account,
                                   .quantity = b.last - b.first + 1,
                                   .vintage = b.vintage,
                                   .unit_type = b.unit_type};
        ledger_result_t arrived;
        if ((rc = ledger_apply(db, state, &arrive, &arrived, err)) < 0) return rc;
        if (arrived.check != A6_OK)
            return refuse(check, reason, reason_size, arrived.check, arrived.message);
        int64_t issuance = state->next_issuance_id - 1;
        db_stmt_t *stmt = db_prepare(db, origin_sql, err);
        if (!stmt) return DB_ERROR;
        db_bind_text(stmt, 1, b.origin);
        db_bind_int64(stmt, 2, b.first);
        db_bind_text(stmt, 3, sender);
        if (itmo) {
            db_bind_text(stmt, 4, approach);
            db_bind_text(stmt, 5, authorization);
            db_bind_text(stmt, 6, party);
        } else {
            db_bind_null(stmt, 4);
            db_bind_null(stmt, 5);
            db_bind_null(stmt, 6);
        }
        db_bind_int64(stmt, 7, issuance);
        if ((rc = db_step_done(stmt, err)) < 0) return rc;
        json_array_append_new(issuances, json_integer(issuance));
        *total += b.last - b.first + 1;
    }
    *check = A6_OK;
    return 0;
}

static bool blocks_shape(json_t *blocks)
{
    return json_is_array(blocks) && json_array_size(blocks) > 0 &&
           json_array_size(blocks) <= LEDGER_BLOCKS_PER_TX_MAX;
}

int transfer_on_proposal(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                         const envelope_t *message, json_t **result, a6_check_t *check,
                         char *reason, size_t reason_size, db_error_t *err)
{
    static const char account_sql[] = "SELECT type, status FROM accounts WHERE id = ?";
    static const char sql[] =
        "INSERT INTO external_transfers(id, direction, partner, partner_transfer, message_id, "
        "status, to_account, quantity, blocks, created_at, decided_at) "
        "VALUES (?, 'in', ?, ?, ?, 'accepted', ?, ?, ?, ?, ?)";
    json_int_t transfer, to_account, quantity;
    json_t *blocks;
    if (json_unpack(message->payload, "{s:I, s:I, s:I, s:o}", "transfer", &transfer, "to_account",
                    &to_account, "quantity", &quantity, "blocks", &blocks) != 0 ||
        !blocks_shape(blocks))
        return refuse(check, reason, reason_size, A6_CHECK_ENVELOPE_INVALID,
                      "a proposal has transfer, to_account, quantity and 1 to 10000 blocks");
    db_stmt_t *stmt = db_prepare(db, account_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, to_account);
    int rc = db_step(stmt, err);
    bool open_holding = rc == DB_ROW && strcmp(db_column_text(stmt, 0), "holding") == 0 &&
                        strcmp(db_column_text(stmt, 1), "open") == 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!open_holding)
        return refuse(check, reason, reason_size,
                      rc == DB_ROW ? A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED : A6_CHECK_ACCOUNT_NOT_FOUND,
                      "the destination must be an open holding account");
    int64_t total = 0;
    json_t *issuances = json_array();
    rc = acquire_blocks(db, state, keys, message->sender, blocks, to_account, issuances, &total,
                        check, reason, reason_size, err);
    if (rc < 0 || *check != A6_OK) {
        json_decref(issuances);
        return rc;
    }
    if (total != quantity) {
        json_decref(issuances);
        return refuse(check, reason, reason_size, A6_CHECK_QUANTITY_INVALID,
                      "the quantity differs from the blocks' total");
    }
    int64_t id;
    char *text = json_dumps(blocks, JSON_COMPACT);
    if ((rc = db_query_int64(db, next_transfer_sql, &id, err)) < 0 || !text) {
        free(text);
        json_decref(issuances);
        return rc < 0 ? rc : db_error_set(err, DB_ERROR, "out of memory");
    }
    if ((stmt = db_prepare(db, sql, err))) {
        db_bind_int64(stmt, 1, id);
        db_bind_text(stmt, 2, message->sender);
        db_bind_int64(stmt, 3, transfer);
        db_bind_text(stmt, 4, message->id);
        db_bind_int64(stmt, 5, to_account);
        db_bind_int64(stmt, 6, total);
        db_bind_text(stmt, 7, text);
        db_bind_text(stmt, 8, state->now);
        db_bind_text(stmt, 9, state->now);
        rc = db_step_done(stmt, err);
    }
    free(text);
    if (!stmt || rc < 0 ||
        (rc = audit(db, state, message->sender, "transfer.accept", id,
                    json_pack("{ss sI sI sI}", "partner", message->sender, "transfer",
                              (json_int_t)transfer, "to_account", (json_int_t)to_account,
                              "quantity", (json_int_t)total),
                    err)) < 0) {
        json_decref(issuances);
        return stmt ? rc : DB_ERROR;
    }
    *result = json_pack("{sI sI so}", "transfer", (json_int_t)id, "quantity", (json_int_t)total,
                        "issuances", issuances);
    *check = A6_OK;
    return 0;
}

/* ---- JCM: units issued straight into a partner's account, announced to it ---- */

int transfer_on_issuance(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                         const envelope_t *message, json_t **result, a6_check_t *check,
                         char *reason, size_t reason_size, db_error_t *err)
{
    const char *holder;
    json_int_t issuance;
    json_t *blocks;
    if (json_unpack(message->payload, "{s:I, s:s, s:o}", "issuance", &issuance, "holder", &holder,
                    "blocks", &blocks) != 0 ||
        !blocks_shape(blocks) || a6_text_check(holder, LEDGER_HOLDER_MAX) != A6_OK)
        return refuse(check, reason, reason_size, A6_CHECK_ENVELOPE_INVALID,
                      "an issuance has issuance, holder and 1 to 10000 blocks");
    char party[A6_PARTY_SIZE];
    party_of(keys->registry_id, party);
    int64_t account;
    int rc = account_for(db, state, message->sender, holder, LEDGER_ACCOUNT_HOLDING, party,
                         &account, err);
    if (rc < 0) return rc;
    int64_t total = 0;
    json_t *issuances = json_array();
    rc = acquire_blocks(db, state, keys, message->sender, blocks, account, issuances, &total, check,
                        reason, reason_size, err);
    if (rc < 0 || *check != A6_OK) {
        json_decref(issuances);
        return rc;
    }
    if ((rc = audit(db, state, message->sender, "transfer.issuance", issuance,
                    json_pack("{ss ss sI sI}", "partner", message->sender, "holder", holder,
                              "account", (json_int_t)account, "quantity", (json_int_t)total),
                    err)) < 0) {
        json_decref(issuances);
        return rc;
    }
    *result = json_pack("{sI sI so}", "account", (json_int_t)account, "quantity", (json_int_t)total,
                        "issuances", issuances);
    return 0;
}

typedef struct announce_operation {
    const registry_keys_t *keys;
    int announced;
} announce_operation_t;

/* Queues a "jcm.issuance" for every issuance made straight into a partner's account and not yet
 * announced: the partner creates the same units (same serials of this registry) for the holder
 * the committee named, so both registries hold the same period's shares. */
static int apply_announce(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char sql[] =
        "SELECT i.id, a.holder, i.first_serial, i.last_serial, i.vintage, i.unit_type, "
        "COALESCE((SELECT l.holder FROM allocations l WHERE l.issuance_id = i.id), a.holder), "
        "i.authorization_id, (SELECT z.approach_id FROM authorizations z "
        "WHERE z.id = i.authorization_id) "
        "FROM accounts a JOIN partners p ON p.id = a.holder "
        "JOIN issuances i ON i.account_id = a.id "
        "WHERE a.type = 'partner' AND i.id NOT IN (SELECT issuance_id FROM announcements) "
        "ORDER BY i.id LIMIT 100";
    static const char record_sql[] = "INSERT INTO announcements(issuance_id, partner, "
                                     "message_id, created_at) VALUES (?, ?, ?, ?)";
    announce_operation_t *op = context;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    typedef struct pending {
        int64_t issuance, first, last, vintage, authorization;
        char partner[8], unit[32], holder[LEDGER_HOLDER_MAX + 1], approach[8];
    } pending_t;
    pending_t found[100];
    size_t n = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW && n < 100) {
        pending_t *p = &found[n++];
        p->issuance = db_column_int64(stmt, 0);
        snprintf(p->partner, sizeof p->partner, "%s", db_column_text(stmt, 1));
        p->first = db_column_int64(stmt, 2);
        p->last = db_column_int64(stmt, 3);
        p->vintage = db_column_int64(stmt, 4);
        snprintf(p->unit, sizeof p->unit, "%s", db_column_text(stmt, 5));
        snprintf(p->holder, sizeof p->holder, "%s", db_column_text(stmt, 6));
        p->authorization = db_column_is_null(stmt, 7) ? 0 : db_column_int64(stmt, 7);
        snprintf(p->approach, sizeof p->approach, "%s",
                 db_column_is_null(stmt, 8) ? "" : db_column_text(stmt, 8));
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    for (size_t i = 0; i < n; i++) {
        pending_t *p = &found[i];
        json_t *payload = json_pack(
            "{sI ss s[{ss sI sI sI ss}]}", "issuance", (json_int_t)p->issuance, "holder", p->holder,
            "blocks", "origin", op->keys->registry_id, "first", (json_int_t)p->first, "last",
            (json_int_t)p->last, "vintage", (json_int_t)p->vintage, "unit_type", p->unit);
        if (p->authorization && p->approach[0]) {
            char label[32], party[A6_PARTY_SIZE];
            snprintf(label, sizeof label, "%s-A%lld", op->keys->registry_id,
                     (long long)p->authorization);
            party_of(op->keys->registry_id, party);
            json_object_set_new(json_array_get(json_object_get(payload, "blocks"), 0), "itmo",
                                json_pack("{ss ss ss}", "approach", p->approach, "authorization",
                                          label, "party", party));
        }
        char id[ENVELOPE_ID_SIZE];
        rc = message_enqueue(db, state, op->keys, p->partner, "jcm.issuance", payload, id, err);
        json_decref(payload);
        if (rc < 0) return rc;
        if (!(stmt = db_prepare(db, record_sql, err))) return DB_ERROR;
        db_bind_int64(stmt, 1, p->issuance);
        db_bind_text(stmt, 2, p->partner);
        db_bind_text(stmt, 3, id);
        db_bind_text(stmt, 4, state->now);
        if ((rc = db_step_done(stmt, err)) < 0) return rc;
        op->announced++;
    }
    return op->announced ? WRITER_ACCEPTED : WRITER_REJECTED; /* nothing to write: no batch */
}

int transfer_announce_issuances(writer_t *w, db_t *reader, const registry_keys_t *keys,
                                db_error_t *err)
{
    static const char any_sql[] = "SELECT 1 FROM accounts a JOIN partners p ON p.id = a.holder "
                                  "JOIN issuances i ON i.account_id = a.id "
                                  "WHERE a.type = 'partner' AND i.id NOT IN "
                                  "(SELECT issuance_id FROM announcements) LIMIT 1";
    db_stmt_t *stmt = db_prepare(reader, any_sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    db_reset(stmt);
    if (rc != DB_ROW) return rc < 0 ? rc : 0;
    announce_operation_t op = {keys, 0};
    rc = writer_execute(w, apply_announce, &op, err);
    return rc < 0 ? rc : op.announced;
}

/* ---- sender: the answer ---- */

int transfer_on_answer(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                       const char *partner, json_t *sent, json_t *answer, db_error_t *err)
{
    static const char find_sql[] = "SELECT from_account, pending_account, blocks, status "
                                   "FROM external_transfers WHERE id = ? AND direction = 'out' "
                                   "AND partner = ?";
    static const char done_sql[] = "UPDATE external_transfers SET status = ?, decided_at = ? "
                                   "WHERE id = ?";
    (void)keys;
    json_int_t id = json_integer_value(json_object_get(sent, "transfer"));
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, partner);
    int rc = db_step(stmt, err);
    if (rc != DB_ROW) {
        db_reset(stmt);
        return rc < 0
                   ? rc
                   : db_error_set(err, DB_ERROR, "answer to unknown transfer %lld", (long long)id);
    }
    int64_t from = db_column_int64(stmt, 0), pending = db_column_int64(stmt, 1);
    json_t *blocks = json_loads(db_column_text(stmt, 2), 0, NULL);
    bool proposed = strcmp(db_column_text(stmt, 3), "proposed") == 0;
    db_reset(stmt);
    if (!proposed || !blocks) {
        json_decref(blocks);
        return proposed ? db_error_set(err, DB_ERROR, "transfer %lld: bad blocks", (long long)id)
                        : 0; /* decided already */
    }
    bool accepted = strcmp(json_string_value(json_object_get(answer, "status")), "accepted") == 0;
    size_t count = json_array_size(blocks);
    ledger_range_t *ranges = calloc(count ? count : 1, sizeof *ranges);
    if (!ranges) {
        json_decref(blocks);
        return db_error_set(err, DB_ERROR, "out of memory");
    }
    for (size_t i = 0; i < count; i++) {
        json_t *b = json_array_get(blocks, i);
        ranges[i].first = json_integer_value(json_object_get(b, "local_first"));
        ranges[i].last = json_integer_value(json_object_get(b, "local_last"));
    }
    json_decref(blocks);
    char party[A6_PARTY_SIZE];
    party_of(partner, party);
    int64_t destination = from;
    if (accepted && (rc = account_for(db, state, "registry", partner, LEDGER_ACCOUNT_PARTNER, party,
                                      &destination, err)) < 0) {
        free(ranges);
        return rc;
    }
    ledger_request_t move = {.kind = LEDGER_REQUEST_TRANSACTION,
                             .actor = "registry",
                             .tx_type = LEDGER_TX_TRANSFER,
                             .from = pending,
                             .to = destination,
                             .ranges = ranges,
                             .range_count = count};
    ledger_result_t moved;
    rc = ledger_apply(db, state, &move, &moved, err);
    free(ranges);
    if (rc < 0) return rc;
    if (moved.check != A6_OK)
        return db_error_set(err, DB_ERROR, "transfer %lld cannot %s: %s", (long long)id,
                            accepted ? "complete" : "return", moved.message);
    if (accepted && (rc = itmo_external_record(db, state, "registry", moved.id, party, err)) < 0)
        return rc;
    if (!(stmt = db_prepare(db, done_sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, accepted ? "completed" : "terminated");
    db_bind_text(stmt, 2, state->now);
    db_bind_int64(stmt, 3, id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload = json_pack("{ss sI sO}", "partner", partner, "transaction",
                                (json_int_t)moved.id, "answer", answer);
    return audit(db, state, "registry", accepted ? "transfer.complete" : "transfer.terminate", id,
                 payload, err);
}

json_t *transfer_query_all(db_t *db, db_error_t *err)
{
    static const char sql[] = "SELECT id, direction, partner, status, from_account, to_account, "
                              "quantity, blocks, message_id, created_at, decided_at "
                              "FROM external_transfers ORDER BY id DESC";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        json_t *blocks = json_loads(db_column_text(stmt, 7), 0, NULL);
        json_t *row = json_pack(
            "{sI ss ss ss sI sI so ss ss}", "id", (json_int_t)db_column_int64(stmt, 0), "direction",
            db_column_text(stmt, 1), "partner", db_column_text(stmt, 2), "status",
            db_column_text(stmt, 3), "to_account", (json_int_t)db_column_int64(stmt, 5), "quantity",
            (json_int_t)db_column_int64(stmt, 6), "blocks", blocks ? blocks : json_array(),
            "message", db_column_text(stmt, 8), "created_at", db_column_text(stmt, 9));
        if (!db_column_is_null(stmt, 4))
            json_object_set_new(row, "from_account", json_integer(db_column_int64(stmt, 4)));
        json_object_set_new(row, "decided_at",
                            db_column_is_null(stmt, 10) ? json_null()
                                                        : json_string(db_column_text(stmt, 10)));
        json_array_append_new(list, row);
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}
