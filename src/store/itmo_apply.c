/* itmo_apply.c: ITMO issuance, first transfers, uses and cancellations as AEF actions, and the
 * year-end holdings snapshot, applied inside the writer's savepoint of the ledger change they
 * belong to. The rules are core/itmo.c's and core/authorization.c's. */
#include "itmo_apply.h"

#include <stdio.h>
#include <string.h>

#include "../core/text.h"

int itmo_registry_load(db_t *db, itmo_registry_t *out, db_error_t *err)
{
    static const char sql[] = "SELECT name, value FROM registry_meta "
                              "WHERE name IN ('party', 'registry_id')";
    snprintf(out->party, sizeof out->party, "VNM");
    out->registry_id[0] = '\0';
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        const char *name = db_column_text(stmt, 0), *value = db_column_text(stmt, 1);
        if (strcmp(name, "party") == 0)
            snprintf(out->party, sizeof out->party, "%s", value);
        else
            snprintf(out->registry_id, sizeof out->registry_id, "%s", value);
    }
    db_reset(stmt);
    if (!out->registry_id[0])
        snprintf(out->registry_id, sizeof out->registry_id, "%s01", out->party);
    return rc < 0 ? rc : 0;
}

void itmo_authorization_label(const itmo_registry_t *registry, int64_t id, char *out, size_t size)
{
    snprintf(out, size, "%s-A%lld", registry->registry_id, (long long)id);
}

static a6_date_t column_date(db_stmt_t *stmt, int column)
{
    a6_date_t date = A6_DATE_NONE;
    if (!db_column_is_null(stmt, column)) a6_date_parse(db_column_text(stmt, column), &date);
    return date;
}

int itmo_authorization_load(db_t *db, const itmo_registry_t *registry, int64_t id,
                            itmo_authorization_t *out, db_error_t *err)
{
    static const char sql[] =
        "SELECT approach_id, version, quantity, timeframe_first, timeframe_last, purpose, "
        "oimp_first_transfer, decided_on, revoked_on, status, "
        "COALESCE(mitigation_type, 'Emission reductions'), activity_id "
        "FROM authorizations WHERE id = ?";
    memset(out, 0, sizeof *out);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        out->found = 1;
        itmo_authorization_label(registry, id, out->label, sizeof out->label);
        snprintf(out->approach_id, sizeof out->approach_id, "%s", db_column_text(stmt, 0));
        a6_authorization_t *a = &out->rule;
        a->id = out->label;
        a->approach_id = out->approach_id;
        a->version = (int32_t)db_column_int64(stmt, 1);
        a->quantity_tco2e = db_column_int64(stmt, 2);
        a->timeframe_first = (int32_t)db_column_int64(stmt, 3);
        a->timeframe_last = (int32_t)db_column_int64(stmt, 4);
        a6_purpose_parse(db_column_text(stmt, 5), &a->purpose);
        if (!db_column_is_null(stmt, 6))
            a6_first_transfer_parse(db_column_text(stmt, 6), &a->oimp_first_transfer);
        a->date = column_date(stmt, 7);
        a->revoked_on = column_date(stmt, 8);
        snprintf(out->status, sizeof out->status, "%s", db_column_text(stmt, 9));
        snprintf(out->mitigation_type, sizeof out->mitigation_type, "%s", db_column_text(stmt, 10));
        out->activity_id = db_column_int64(stmt, 11);
        /* Only a decision to authorize puts units in force: a request or a refusal does not. */
        if (strcmp(out->status, "authorized") != 0) a->date = A6_DATE_NONE;
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

/* One row of aef_actions. */
typedef struct action_row {
    a6_date_t on;
    a6_action_type_t type;
    a6_action_subtype_t subtype;
    const itmo_authorization_t *authorization;
    int64_t authorization_id;
    const char *first_transferring_party;
    const char *registry_id;
    int64_t first, last;
    const char *unit_registry;
    int32_t vintage;
    const char *acquiring_party;
    a6_purpose_t purpose;
    const char *using_party;
    const char *using_entity;
    int32_t ndc_year;
    int64_t transaction_id;
    int64_t issuance_id;
} action_row_t;

static void bind_text_or_null(db_stmt_t *stmt, int column, const char *text)
{
    if (text && *text)
        db_bind_text(stmt, column, text);
    else
        db_bind_null(stmt, column);
}

static int action_insert(db_t *db, ledger_state_t *state, const char *actor, const action_row_t *a,
                         db_error_t *err)
{
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM aef_actions";
    static const char sql[] =
        "INSERT INTO aef_actions(id, action_date, action_type, action_subtype, approach_id, "
        "authorization_id, first_transferring_party, registry_id, first_serial, last_serial, "
        "unit_registry, quantity, mitigation_type, vintage, acquiring_party, purpose, "
        "using_party, using_entity, ndc_year, transaction_id, issuance_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int64_t id;
    int rc = db_query_int64(db, id_sql, &id, err);
    if (rc < 0) return rc;
    char on[A6_DATE_TEXT_SIZE];
    a6_date_format(a->on, on);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, on);
    db_bind_text(stmt, 3, a6_action_type_name(a->type));
    bind_text_or_null(stmt, 4, a->subtype ? a6_action_subtype_name(a->subtype) : NULL);
    db_bind_text(stmt, 5, a->authorization->approach_id);
    db_bind_int64(stmt, 6, a->authorization_id);
    db_bind_text(stmt, 7, a->first_transferring_party);
    db_bind_text(stmt, 8, a->registry_id);
    db_bind_int64(stmt, 9, a->first);
    db_bind_int64(stmt, 10, a->last);
    bind_text_or_null(stmt, 11, a->unit_registry);
    db_bind_int64(stmt, 12, a->last - a->first + 1);
    db_bind_text(stmt, 13, a->authorization->mitigation_type);
    db_bind_int64(stmt, 14, a->vintage);
    bind_text_or_null(stmt, 15, a->acquiring_party);
    bind_text_or_null(stmt, 16, a->purpose ? a6_purpose_name(a->purpose) : NULL);
    bind_text_or_null(stmt, 17, a->using_party);
    bind_text_or_null(stmt, 18, a->using_entity);
    if (a->ndc_year)
        db_bind_int64(stmt, 19, a->ndc_year);
    else
        db_bind_null(stmt, 19);
    if (a->transaction_id)
        db_bind_int64(stmt, 20, a->transaction_id);
    else
        db_bind_null(stmt, 20);
    if (a->issuance_id)
        db_bind_int64(stmt, 21, a->issuance_id);
    else
        db_bind_null(stmt, 21);
    db_bind_text(stmt, 22, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload =
        json_pack("{ss ss s:s? sI sI sI sI}", "date", on, "type", a6_action_type_name(a->type),
                  "subtype", a->subtype ? a6_action_subtype_name(a->subtype) : NULL,
                  "authorization", (json_int_t)a->authorization_id, "first", (json_int_t)a->first,
                  "last", (json_int_t)a->last, "vintage", (json_int_t)a->vintage);
    return ledger_audit(db, state, actor, "itmo.action", "aef-action", id, payload, err);
}

/* Records a first transfer (the F(t) of the emissions balance) and its AEF action. */
static int first_transfer_insert(db_t *db, ledger_state_t *state, const char *actor,
                                 const action_row_t *a, db_error_t *err)
{
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM first_transfers";
    static const char sql[] =
        "INSERT INTO first_transfers(id, year, quantity, issuance_id, first_serial, last_serial, "
        "acquiring_party, occurred_on, created_at, authorization_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int64_t id;
    int rc = db_query_int64(db, id_sql, &id, err);
    if (rc < 0) return rc;
    char on[A6_DATE_TEXT_SIZE];
    a6_date_format(a->on, on);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, a6_date_year(a->on));
    db_bind_int64(stmt, 3, a->last - a->first + 1);
    db_bind_int64(stmt, 4, a->issuance_id);
    db_bind_int64(stmt, 5, a->first);
    db_bind_int64(stmt, 6, a->last);
    bind_text_or_null(stmt, 7, a->acquiring_party);
    db_bind_text(stmt, 8, on);
    db_bind_text(stmt, 9, state->now);
    db_bind_int64(stmt, 10, a->authorization_id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    return action_insert(db, state, actor, a, err);
}

static int64_t first_transferred_total(db_t *db, int64_t authorization_id, int *rc, db_error_t *err)
{
    static const char sql[] = "SELECT COALESCE(SUM(quantity), 0) FROM first_transfers "
                              "WHERE authorization_id = ?";
    int64_t total = 0;
    *rc = db_query_int64_bind(db, sql, authorization_id, &total, err);
    return total;
}

static a6_date_t action_date(const ledger_state_t *state, int32_t on)
{
    if (on && on != A6_DATE_NONE) return on;
    a6_date_t today = A6_DATE_NONE;
    char day[A6_DATE_TEXT_SIZE];
    snprintf(day, sizeof day, "%.10s", state->now);
    a6_date_parse(day, &today);
    return today;
}

static int refuse(ledger_result_t *result, a6_check_t check, const char *field, const char *why)
{
    ledger_result_reject(result, check, field);
    if (why) {
        size_t used = strlen(result->message);
        snprintf(result->message + used, sizeof result->message - used, ": %s", why);
    }
    return 0;
}

/* The approach of an authorization: its partner and NDC first transfer rule. */
typedef struct approach {
    int found;
    char partner_party[A6_PARTY_SIZE];
    char partner_registry[A6_REGISTRY_ID_SIZE];
    a6_ndc_first_transfer_t ndc_rule;
    char unit_registry[16];
} approach_t;

static int approach_load(db_t *db, const char *id, approach_t *out, db_error_t *err)
{
    static const char sql[] = "SELECT partner_party, partner_registry, ndc_first_transfer, "
                              "COALESCE(unit_registry, '') FROM approaches WHERE id = ?";
    memset(out, 0, sizeof *out);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        out->found = 1;
        snprintf(out->partner_party, sizeof out->partner_party, "%s", db_column_text(stmt, 0));
        snprintf(out->partner_registry, sizeof out->partner_registry, "%s",
                 db_column_text(stmt, 1));
        a6_ndc_first_transfer_parse(db_column_text(stmt, 2), &out->ndc_rule);
        snprintf(out->unit_registry, sizeof out->unit_registry, "%s", db_column_text(stmt, 3));
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

int itmo_after_issue(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                     ledger_result_t *result, db_error_t *err)
{
    static const char issued_sql[] = "SELECT COALESCE(SUM(quantity), 0) FROM issuances "
                                     "WHERE authorization_id = ?";
    static const char mark_sql[] = "UPDATE issuances SET authorization_id = ? WHERE id = ?";
    static const char account_sql[] = "SELECT type FROM accounts WHERE id = ?";
    itmo_registry_t registry;
    itmo_authorization_t auth;
    approach_t approach;
    int rc;
    if ((rc = itmo_registry_load(db, &registry, err)) < 0 ||
        (rc = itmo_authorization_load(db, &registry, r->authorization_id, &auth, err)) < 0)
        return rc;
    if (!auth.found) return refuse(result, A6_CHECK_AUTHORIZATION_NOT_FOUND, "authorization", NULL);
    if ((rc = approach_load(db, auth.approach_id, &approach, err)) < 0) return rc;
    if (!approach.found)
        return refuse(result, A6_CHECK_APPROACH_NOT_FOUND, "authorization", auth.approach_id);
    int64_t issued = 0;
    if ((rc = db_query_int64_bind(db, issued_sql, r->authorization_id, &issued, err)) < 0)
        return rc;
    a6_date_t on = action_date(state, r->on);
    a6_check_t check = a6_itmo_issue_check(&auth.rule, r->vintage, on, issued, r->quantity);
    if (check != A6_OK) return refuse(result, check, "authorization", auth.label);
    int64_t issuance_id = state->next_issuance_id - 1;
    db_stmt_t *stmt = db_prepare(db, mark_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, r->authorization_id);
    db_bind_int64(stmt, 2, issuance_id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    int64_t partner = 0;
    if (!(stmt = db_prepare(db, account_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, r->to);
    if ((rc = db_step(stmt, err)) == DB_ROW)
        partner = strcmp(db_column_text(stmt, 0), "partner") == 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    /* The block just issued is the only one of this issuance. */
    int64_t first = state->next_serial - r->quantity, last = state->next_serial - 1;
    action_row_t row = {.on = on,
                        .type = A6_ACTION_FIRST_TRANSFER,
                        .authorization = &auth,
                        .authorization_id = r->authorization_id,
                        .first_transferring_party = registry.party,
                        .registry_id = registry.registry_id,
                        .first = first,
                        .last = last,
                        .unit_registry = approach.unit_registry,
                        .vintage = r->vintage,
                        .transaction_id = result->id,
                        .issuance_id = issuance_id};
    a6_purpose_t purpose = A6_PURPOSE_NDC;
    if (partner) {
        /* Issued straight into the partner's registry: the first (international) transfer, when
         * the approach says so; otherwise units cannot go there without a transfer. */
        if (approach.ndc_rule != A6_NDC_FIRST_TRANSFER_ISSUANCE)
            return refuse(result, A6_CHECK_ACCOUNT_TYPE_INVALID, "to",
                          "this approach first transfers by international transfer, not by "
                          "issuance into the partner's registry");
        row.subtype = A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY;
        row.acquiring_party = approach.partner_party;
    } else {
        row.subtype = a6_itmo_issue_first_transfer(&auth.rule);
        if (!row.subtype) return 0; /* ITMOs held here, not yet first transferred */
        purpose = A6_PURPOSE_OIMP;
    }
    int64_t done = first_transferred_total(db, r->authorization_id, &rc, err);
    if (rc < 0) return rc;
    check = a6_first_transfer_check(&auth.rule, purpose, r->vintage, on, false, done, r->quantity);
    if (check != A6_OK) return refuse(result, check, "authorization", auth.label);
    return first_transfer_insert(db, state, r->actor, &row, err);
}

/* A block moved by a retirement or cancellation, with what the rules need to know about it. */
typedef struct moved_block {
    int64_t first, last;
    int32_t vintage;
    int64_t issuance_id;
    int64_t authorization_id; /* 0: not an ITMO */
} moved_block_t;

#define ITMO_MOVED_MAX LEDGER_BLOCKS_PER_TX_MAX

static int moved_blocks(db_t *db, int64_t tx_id, moved_block_t *blocks, size_t *count,
                        db_error_t *err)
{
    static const char sql[] = "SELECT tb.first_serial, tb.last_serial, tb.vintage, i.id, "
                              "COALESCE(i.authorization_id, 0) FROM transaction_blocks tb "
                              "JOIN issuances i ON i.id = tb.issuance_id "
                              "WHERE tb.transaction_id = ? ORDER BY tb.first_serial";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, tx_id);
    int rc;
    *count = 0;
    while ((rc = db_step(stmt, err)) == DB_ROW && *count < ITMO_MOVED_MAX) {
        moved_block_t *b = &blocks[(*count)++];
        b->first = db_column_int64(stmt, 0);
        b->last = db_column_int64(stmt, 1);
        b->vintage = (int32_t)db_column_int64(stmt, 2);
        b->issuance_id = db_column_int64(stmt, 3);
        b->authorization_id = db_column_int64(stmt, 4);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int overlaps_first_transfer(db_t *db, int64_t first, int64_t last, int *found,
                                   db_error_t *err)
{
    static const char sql[] = "SELECT 1 FROM first_transfers WHERE last_serial >= ? "
                              "AND first_serial <= ? LIMIT 1";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, first);
    db_bind_int64(stmt, 2, last);
    int rc = db_step(stmt, err);
    *found = rc == DB_ROW;
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int entity_known(db_t *db, const char *name, int *found, db_error_t *err)
{
    static const char sql[] = "SELECT 1 FROM entities WHERE name = ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, name);
    int rc = db_step(stmt, err);
    *found = rc == DB_ROW;
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int ndc_use_insert(db_t *db, ledger_state_t *state, int32_t year, int64_t quantity,
                          int64_t tx_id, db_error_t *err)
{
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM ndc_uses";
    static const char sql[] = "INSERT INTO ndc_uses(id, year, quantity, transaction_id, "
                              "created_at) VALUES (?, ?, ?, ?, ?)";
    int64_t id;
    int rc = db_query_int64(db, id_sql, &id, err);
    if (rc < 0) return rc;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, year);
    db_bind_int64(stmt, 3, quantity);
    db_bind_int64(stmt, 4, tx_id);
    db_bind_text(stmt, 5, state->now);
    return db_step_done(stmt, err);
}

/* Records the action on one ITMO block (and its first transfer when the action makes one). */
static int record_block(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                        const itmo_registry_t *registry, const moved_block_t *b,
                        const a6_itmo_action_t *action, const ledger_article6_t *given,
                        a6_date_t on, ledger_result_t *result, db_error_t *err)
{
    itmo_authorization_t auth;
    approach_t approach;
    int rc, first_transferred = 0;
    if ((rc = itmo_authorization_load(db, registry, b->authorization_id, &auth, err)) < 0 ||
        (rc = approach_load(db, auth.approach_id, &approach, err)) < 0 ||
        (rc = overlaps_first_transfer(db, b->first, b->last, &first_transferred, err)) < 0)
        return rc;
    /* Units issued by this registry: acquisitions from a partner arrive with partner registries. */
    a6_itmo_block_t block = {.authorization = &auth.rule,
                             .vintage = b->vintage,
                             .first_transferred = first_transferred,
                             .acquired = false};
    bool makes_first_transfer = false;
    a6_check_t check = a6_itmo_action_check(&block, action, on, &makes_first_transfer);
    if (check != A6_OK) return refuse(result, check, "article6", auth.label);
    action_row_t row = {.on = on,
                        .authorization = &auth,
                        .authorization_id = b->authorization_id,
                        .first_transferring_party = registry->party,
                        .registry_id = registry->registry_id,
                        .first = b->first,
                        .last = b->last,
                        .unit_registry = approach.unit_registry,
                        .vintage = b->vintage,
                        .transaction_id = result->id,
                        .issuance_id = b->issuance_id};
    if (makes_first_transfer) {
        int64_t done = first_transferred_total(db, b->authorization_id, &rc, err);
        if (rc < 0) return rc;
        check = a6_first_transfer_check(&auth.rule, action->purpose, b->vintage, on, false, done,
                                        b->last - b->first + 1);
        if (check != A6_OK) return refuse(result, check, "article6", auth.label);
        action_row_t ft = row;
        ft.type = A6_ACTION_FIRST_TRANSFER;
        ft.subtype = A6_SUBTYPE_USE_OR_CANCELLATION;
        if ((rc = first_transfer_insert(db, state, r->actor, &ft, err)) < 0) return rc;
    }
    row.type = action->type;
    row.subtype = action->subtype;
    row.purpose = action->purpose;
    row.using_party = given && given->using_party ? given->using_party : registry->party;
    row.using_entity = given ? given->using_entity : NULL;
    if (action->type == A6_ACTION_USE && (a6_purpose_uses(action->purpose) & A6_USE_NDC)) {
        row.ndc_year = given && given->ndc_year ? given->ndc_year : (int32_t)a6_date_year(on);
        if ((rc = ndc_use_insert(db, state, row.ndc_year, b->last - b->first + 1, result->id,
                                 err)) < 0)
            return rc;
    }
    return action_insert(db, state, r->actor, &row, err);
}

/* The action the core rule gives a retirement or cancellation without one, by its destination. */
static int default_action(db_t *db, const ledger_request_t *r, a6_itmo_action_t *action,
                          db_error_t *err)
{
    static const char sql[] = "SELECT type FROM accounts WHERE id = ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, r->to);
    int rc = db_step(stmt, err);
    ledger_account_type_t type = 0;
    if (rc == DB_ROW) ledger_account_type_parse(db_column_text(stmt, 0), &type);
    db_reset(stmt);
    *action = a6_itmo_default_action(r->tx_type, type);
    return rc < 0 ? rc : 0;
}

int itmo_after_move(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                    ledger_result_t *result, db_error_t *err)
{
    moved_block_t blocks[ITMO_MOVED_MAX];
    size_t count = 0;
    int rc = moved_blocks(db, result->id, blocks, &count, err);
    if (rc < 0) return rc;
    size_t itmos = 0;
    for (size_t i = 0; i < count; i++)
        itmos += blocks[i].authorization_id != 0;
    if (r->article6 && itmos < count)
        return refuse(result, A6_CHECK_NOT_AUTHORIZED, "article6",
                      "some of the units are not authorized ITMOs");
    if (!itmos) return 0;
    const ledger_article6_t *given = r->article6;
    if (given && given->using_entity) {
        int found = 0;
        if ((rc = entity_known(db, given->using_entity, &found, err)) < 0) return rc;
        if (!found)
            return refuse(result, A6_CHECK_ENTITY_NOT_FOUND, "article6.using_entity",
                          given->using_entity);
    }
    a6_itmo_action_t action;
    if ((rc = default_action(db, r, &action, err)) < 0) return rc;
    if (given) {
        action.type = given->action;
        action.subtype = given->subtype;
        action.purpose = given->purpose;
    }
    itmo_registry_t registry;
    if ((rc = itmo_registry_load(db, &registry, err)) < 0) return rc;
    a6_date_t on = action_date(state, 0);
    for (size_t i = 0; i < count; i++) {
        if (!blocks[i].authorization_id) continue;
        rc = record_block(db, state, r, &registry, &blocks[i], &action, given, on, result, err);
        if (rc < 0 || result->check != A6_OK) return rc;
    }
    return 0;
}

static int snapshot_year(db_t *db, ledger_state_t *state, int32_t year, db_error_t *err)
{
    static const char sql[] =
        "INSERT INTO aef_holdings(year, first_serial, last_serial, approach_id, authorization_id, "
        "first_transferring_party, registry_id, unit_registry, mitigation_type, vintage) "
        "SELECT ?, b.first_serial, b.last_serial, z.approach_id, i.authorization_id, ?, ?, "
        "p.unit_registry, COALESCE(z.mitigation_type, 'Emission reductions'), b.vintage "
        "FROM blocks b JOIN issuances i ON i.id = b.issuance_id "
        "JOIN authorizations z ON z.id = i.authorization_id "
        "JOIN approaches p ON p.id = z.approach_id "
        "JOIN accounts a ON a.id = b.account_id WHERE a.type IN ('holding', 'pending')";
    static const char count_sql[] = "SELECT COUNT(*) FROM aef_holdings WHERE year = ?";
    itmo_registry_t registry;
    int rc = itmo_registry_load(db, &registry, err);
    if (rc < 0) return rc;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, year);
    db_bind_text(stmt, 2, registry.party);
    db_bind_text(stmt, 3, registry.registry_id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    int64_t rows = 0;
    if ((rc = db_query_int64_bind(db, count_sql, year, &rows, err)) < 0) return rc;
    return ledger_audit(db, state, "registry", "aef.holdings_close", "aef-holdings", year,
                        json_pack("{sI sI}", "year", (json_int_t)year, "blocks", (json_int_t)rows),
                        err);
}

/* The year of an ISO 8601 time ("2026-..."), 0 when it does not start with four digits. Runs
 * before every transaction: no sscanf. */
static int32_t iso_year(const char *iso)
{
    int32_t year = 0;
    for (int i = 0; i < 4; i++) {
        if (iso[i] < '0' || iso[i] > '9') return 0;
        year = year * 10 + (iso[i] - '0');
    }
    return year;
}

int itmo_close_years(db_t *db, ledger_state_t *state, db_error_t *err)
{
    static const char set_sql[] = "INSERT INTO registry_meta(name, value) "
                                  "VALUES ('holdings_closed_year', ?) "
                                  "ON CONFLICT (name) DO UPDATE SET value = excluded.value";
    int32_t year = iso_year(state->now);
    if (year == 0) return 0;
    if (state->holdings_closed_year >= year - 1) return 0;
    int rc;
    if (state->holdings_closed_year > 0)
        for (int32_t y = state->holdings_closed_year + 1; y < year; y++)
            if ((rc = snapshot_year(db, state, y, err)) < 0) return rc;
    char text[16];
    snprintf(text, sizeof text, "%d", year - 1);
    db_stmt_t *stmt = db_prepare(db, set_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, text);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    state->holdings_closed_year = year - 1;
    return 0;
}

/* Walks the ITMO blocks moved by tx_id: for each, whether it is first transferred already. */
typedef int (*external_fn)(db_t *db, ledger_state_t *state, void *context,
                           const itmo_registry_t *registry, const moved_block_t *block,
                           itmo_authorization_t *auth, approach_t *approach, bool first_transferred,
                           db_error_t *err);

static int external_walk(db_t *db, ledger_state_t *state, int64_t tx_id, external_fn fn,
                         void *context, db_error_t *err)
{
    moved_block_t blocks[ITMO_MOVED_MAX];
    size_t count = 0;
    itmo_registry_t registry;
    int rc;
    if ((rc = moved_blocks(db, tx_id, blocks, &count, err)) < 0 ||
        (rc = itmo_registry_load(db, &registry, err)) < 0)
        return rc;
    for (size_t i = 0; i < count; i++) {
        if (!blocks[i].authorization_id) continue;
        itmo_authorization_t auth;
        approach_t approach;
        int first_transferred = 0;
        if ((rc = itmo_authorization_load(db, &registry, blocks[i].authorization_id, &auth, err)) <
                0 ||
            (rc = approach_load(db, auth.approach_id, &approach, err)) < 0 ||
            (rc = overlaps_first_transfer(db, blocks[i].first, blocks[i].last, &first_transferred,
                                          err)) < 0)
            return rc;
        if ((rc = fn(db, state, context, &registry, &blocks[i], &auth, &approach,
                     first_transferred != 0, err)) != 0)
            return rc;
    }
    return 0;
}

static int external_check_block(db_t *db, ledger_state_t *state, void *context,
                                const itmo_registry_t *registry, const moved_block_t *b,
                                itmo_authorization_t *auth, approach_t *approach,
                                bool first_transferred, db_error_t *err)
{
    (void)registry, (void)approach;
    ledger_result_t *result = context;
    if (first_transferred) return 0;
    int rc;
    int64_t done = first_transferred_total(db, b->authorization_id, &rc, err);
    if (rc < 0) return rc;
    a6_check_t check =
        a6_first_transfer_check(&auth->rule, A6_PURPOSE_NDC, b->vintage, action_date(state, 0),
                                false, done, b->last - b->first + 1);
    if (check == A6_OK) return 0;
    refuse(result, check, "blocks", auth->label);
    return 1; /* stop: refused */
}

int itmo_external_check(db_t *db, ledger_state_t *state, int64_t tx_id, ledger_result_t *result,
                        db_error_t *err)
{
    int rc = external_walk(db, state, tx_id, external_check_block, result, err);
    return rc < 0 ? rc : 0;
}

typedef struct external_record {
    const char *actor;
    const char *acquiring_party;
    int64_t tx_id;
} external_record_t;

static int external_record_block(db_t *db, ledger_state_t *state, void *context,
                                 const itmo_registry_t *registry, const moved_block_t *b,
                                 itmo_authorization_t *auth, approach_t *approach,
                                 bool first_transferred, db_error_t *err)
{
    external_record_t *record = context;
    action_row_t row = {.on = action_date(state, 0),
                        .type = first_transferred ? A6_ACTION_TRANSFER : A6_ACTION_FIRST_TRANSFER,
                        .subtype = first_transferred ? 0 : A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY,
                        .authorization = auth,
                        .authorization_id = b->authorization_id,
                        .first_transferring_party = registry->party,
                        .registry_id = registry->registry_id,
                        .first = b->first,
                        .last = b->last,
                        .unit_registry = approach->unit_registry,
                        .vintage = b->vintage,
                        .acquiring_party = record->acquiring_party,
                        .transaction_id = record->tx_id,
                        .issuance_id = b->issuance_id};
    return first_transferred ? action_insert(db, state, record->actor, &row, err)
                             : first_transfer_insert(db, state, record->actor, &row, err);
}

int itmo_external_record(db_t *db, ledger_state_t *state, const char *actor, int64_t tx_id,
                         const char *acquiring_party, db_error_t *err)
{
    external_record_t record = {actor, acquiring_party, tx_id};
    int rc = external_walk(db, state, tx_id, external_record_block, &record, err);
    return rc < 0 ? rc : 0;
}
