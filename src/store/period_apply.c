/* period_apply.c: monitoring periods from report to issuance, applied inside the writer's
 * transaction. Issuance creates serial blocks through the ledger for the host side's shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "cycle_internal.h"

#define PERIOD_COLUMNS                                                                             \
    "activity_id, start_on, end_on, COALESCE(claimed_tco2e, 0), COALESCE(verified_tco2e, 0), "     \
    "COALESCE(notified_tco2e, 0), reported_on, verified_on, requested_on, notified_on, "           \
    "issued_on, stage"

static void period_from_row(db_stmt_t *stmt, monitoring_period_t *p)
{
    p->start = cycle_column_date(stmt, 1);
    p->end = cycle_column_date(stmt, 2);
    p->claimed_tco2e = db_column_int64(stmt, 3);
    p->verified_tco2e = db_column_int64(stmt, 4);
    p->notified_tco2e = db_column_int64(stmt, 5);
    p->reported_on = cycle_column_date(stmt, 6);
    p->verified_on = cycle_column_date(stmt, 7);
    p->requested_on = cycle_column_date(stmt, 8);
    p->notified_on = cycle_column_date(stmt, 9);
    p->issued_on = cycle_column_date(stmt, 10);
    period_stage_parse(db_column_text(stmt, 11), &p->stage);
}

/* Loads a period; *activity_id is 0 when it does not exist. */
static int load_period(db_t *db, int64_t id, monitoring_period_t *p, int64_t *activity_id,
                       db_error_t *err)
{
    static const char sql[] = "SELECT " PERIOD_COLUMNS " FROM monitoring_periods WHERE id = ?";
    memset(p, 0, sizeof *p);
    *activity_id = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        *activity_id = db_column_int64(stmt, 0);
        period_from_row(stmt, p);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int reject_check(cycle_result_t *result, a6_check_t check, const char *default_field)
{
    const char *field = default_field;
    if (check == A6_CHECK_DATE_IN_FUTURE || check == A6_CHECK_DATES_OUT_OF_ORDER) field = "date";
    if (check == A6_CHECK_PERIOD_STAGE || check == A6_CHECK_ALREADY_ISSUED) field = "period";
    if (check == A6_CHECK_ALLOCATION_SUM_MISMATCH || check == A6_CHECK_SIDE_INVALID)
        field = "allocations";
    return cycle_reject(result, check, field, NULL);
}

int cycle_apply_period_add(db_t *db, ledger_state_t *state, const period_input_t *in,
                           cycle_result_t *result, db_error_t *err)
{
    static const char existing_sql[] = "SELECT " PERIOD_COLUMNS " FROM monitoring_periods "
                                       "WHERE activity_id = ? ORDER BY id";
    static const char insert_sql[] = "INSERT INTO monitoring_periods(id, activity_id, start_on, "
                                     "end_on, claimed_tco2e, reported_on, stage, created_at) "
                                     "VALUES (?, ?, ?, ?, ?, ?, 'reported', ?)";
    cycle_activity_t activity;
    int rc = cycle_load_activity(db, in->ref, &activity, err);
    if (rc < 0) return rc;
    if (!activity.id) return cycle_reject(result, A6_CHECK_ACTIVITY_NOT_FOUND, "ref", in->ref);
    if (!cycle_is_active(activity.kind, activity.state))
        return cycle_reject(result, A6_CHECK_ACTIVITY_NOT_ACTIVE, "ref",
                            activity_state_name(activity.state));
    monitoring_period_t existing[256];
    size_t count = 0;
    db_stmt_t *stmt = db_prepare(db, existing_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, activity.id);
    while ((rc = db_step(stmt, err)) == DB_ROW && count < sizeof existing / sizeof existing[0])
        period_from_row(stmt, &existing[count++]);
    db_reset(stmt);
    if (rc < 0) return rc;
    a6_check_t check =
        period_check_new(existing, count, in->start, in->end, in->quantity, in->on, in->today);
    if (check != A6_OK) return reject_check(result, check, "claimed_tco2e");
    int64_t id;
    if ((rc = cycle_next_id(db, CYCLE_TABLE_PERIODS, &id, err)) < 0) return rc;
    if (!(stmt = db_prepare(db, insert_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, activity.id);
    cycle_bind_date(stmt, 3, in->start);
    cycle_bind_date(stmt, 4, in->end);
    db_bind_int64(stmt, 5, in->quantity);
    cycle_bind_date(stmt, 6, in->on);
    db_bind_text(stmt, 7, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    char start[A6_DATE_TEXT_SIZE], end[A6_DATE_TEXT_SIZE];
    a6_date_format(in->start, start);
    a6_date_format(in->end, end);
    json_t *payload = json_pack("{sI ss ss ss sI}", "id", (json_int_t)id, "ref", in->ref, "start",
                                start, "end", end, "claimed_tco2e", (json_int_t)in->quantity);
    if ((rc = ledger_audit(db, state, in->actor, "period.add", "period", id, payload, err)) < 0)
        return rc;
    result->id = id;
    return WRITER_ACCEPTED;
}

/* Moves a period to stage with the step's date and amount columns (NULL column = unchanged). */
static int period_advance(db_t *db, ledger_state_t *state, const period_input_t *in,
                          period_stage_t stage, const char *action, db_error_t *err)
{
    static const char verify_sql[] = "UPDATE monitoring_periods SET stage = 'verified', "
                                     "verified_tco2e = ?, verified_on = ? WHERE id = ?";
    static const char request_sql[] = "UPDATE monitoring_periods SET stage = 'requested', "
                                      "requested_on = ? WHERE id = ?";
    static const char notify_sql[] = "UPDATE monitoring_periods SET stage = 'notified', "
                                     "notified_tco2e = ?, notified_on = ? WHERE id = ?";
    static const char issue_sql[] = "UPDATE monitoring_periods SET stage = 'issued', "
                                    "issued_on = ? WHERE id = ?";
    const char *sql = stage == PERIOD_VERIFIED    ? verify_sql
                      : stage == PERIOD_REQUESTED ? request_sql
                      : stage == PERIOD_NOTIFIED  ? notify_sql
                                                  : issue_sql;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int column = 1;
    if (stage == PERIOD_VERIFIED || stage == PERIOD_NOTIFIED)
        db_bind_int64(stmt, column++, in->quantity);
    cycle_bind_date(stmt, column++, in->on);
    db_bind_int64(stmt, column, in->period_id);
    int rc = db_step_done(stmt, err);
    if (rc < 0) return rc;
    char on[A6_DATE_TEXT_SIZE];
    a6_date_format(in->on, on);
    json_t *payload =
        json_pack("{sI ss ss sI}", "id", (json_int_t)in->period_id, "stage",
                  period_stage_name(stage), "on", on, "quantity", (json_int_t)in->quantity);
    return ledger_audit(db, state, in->actor, action, "period", in->period_id, payload, err);
}

/* Loads the period for a step, rejecting an unknown id. Returns WRITER_ACCEPTED when found. */
static int period_for_step(db_t *db, const period_input_t *in, monitoring_period_t *p,
                           int64_t *activity_id, cycle_result_t *result, db_error_t *err)
{
    int rc = load_period(db, in->period_id, p, activity_id, err);
    if (rc < 0) return rc;
    if (!*activity_id) return cycle_reject(result, A6_CHECK_PERIOD_NOT_FOUND, "period", NULL);
    result->id = in->period_id;
    return WRITER_ACCEPTED;
}

int cycle_apply_period_verify(db_t *db, ledger_state_t *state, const period_input_t *in,
                              cycle_result_t *result, db_error_t *err)
{
    monitoring_period_t p;
    int64_t activity_id;
    int rc = period_for_step(db, in, &p, &activity_id, result, err);
    if (rc != WRITER_ACCEPTED) return rc;
    if (in->role != ROLE_AUDITOR)
        return cycle_reject(result, A6_CHECK_ROLE_NOT_ALLOWED, "role", "verification: auditor");
    a6_check_t check = period_check_verify(&p, in->quantity, in->on, in->today);
    if (check != A6_OK) return reject_check(result, check, "verified_tco2e");
    rc = period_advance(db, state, in, PERIOD_VERIFIED, "period.verify", err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

int cycle_apply_period_request(db_t *db, ledger_state_t *state, const period_input_t *in,
                               cycle_result_t *result, db_error_t *err)
{
    monitoring_period_t p;
    int64_t activity_id;
    int rc = period_for_step(db, in, &p, &activity_id, result, err);
    if (rc != WRITER_ACCEPTED) return rc;
    if (in->role != ROLE_PARTICIPANT)
        return cycle_reject(result, A6_CHECK_ROLE_NOT_ALLOWED, "role", "request: participant");
    a6_check_t check = period_check_request(&p, in->on, in->today);
    if (check != A6_OK) return reject_check(result, check, "period");
    rc = period_advance(db, state, in, PERIOD_REQUESTED, "period.request", err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

int cycle_apply_period_notify(db_t *db, ledger_state_t *state, const period_input_t *in,
                              cycle_result_t *result, db_error_t *err)
{
    static const char sql[] = "INSERT INTO allocations(id, period_id, side, holder, quantity, "
                              "status) VALUES (?, ?, ?, ?, ?, ?)";
    monitoring_period_t p;
    int64_t activity_id;
    int rc = period_for_step(db, in, &p, &activity_id, result, err);
    if (rc != WRITER_ACCEPTED) return rc;
    if (in->role != ROLE_COMMITTEE)
        return cycle_reject(result, A6_CHECK_ROLE_NOT_ALLOWED, "role", "notification: committee");
    if (in->allocation_count > CYCLE_LIST_MAX)
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "allocations", "too many entries");
    for (size_t i = 0; i < in->allocation_count; i++)
        if (a6_text_check(in->allocations[i].holder, LEDGER_HOLDER_MAX) != A6_OK)
            return cycle_reject(result, A6_CHECK_HOLDER_INVALID, "allocations", NULL);
    a6_check_t check = period_check_notify(&p, in->quantity, in->allocations, in->allocation_count,
                                           in->on, in->today);
    if (check != A6_OK) return reject_check(result, check, "notified_tco2e");
    for (size_t i = 0; i < in->allocation_count; i++) {
        int64_t id;
        if ((rc = cycle_next_id(db, CYCLE_TABLE_ALLOCATIONS, &id, err)) < 0) return rc;
        db_stmt_t *stmt = db_prepare(db, sql, err);
        if (!stmt) return DB_ERROR;
        const allocation_t *a = &in->allocations[i];
        db_bind_int64(stmt, 1, id);
        db_bind_int64(stmt, 2, in->period_id);
        db_bind_text(stmt, 3, allocation_side_name(a->side));
        db_bind_text(stmt, 4, a->holder);
        db_bind_int64(stmt, 5, a->quantity);
        db_bind_text(stmt, 6, a->side == SIDE_PARTNER ? "notified_to_partner" : "notified");
        if ((rc = db_step_done(stmt, err)) < 0) return rc;
    }
    rc = period_advance(db, state, in, PERIOD_NOTIFIED, "period.notify", err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

/* The account a host-side allocation is issued into: the one the operator named, else the
 * holder's first open holding account, else a new one opened for it. */
static int allocation_account(db_t *db, ledger_state_t *state, const period_input_t *in,
                              const char *holder, const char *party, ledger_account_type_t type,
                              int64_t *account, db_error_t *err)
{
    static const char sql[] = "SELECT MIN(id) FROM accounts WHERE holder = ? AND "
                              "type = ? AND status = 'open'";
    for (size_t i = 0; i < in->account_count; i++)
        if (strcmp(in->account_holders[i], holder) == 0) {
            *account = in->account_ids[i];
            return 0;
        }
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, holder);
    db_bind_text(stmt, 2, ledger_account_type_name(type));
    int rc = db_step(stmt, err);
    *account = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (*account) return 0;
    ledger_request_t open = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                             .actor = in->actor,
                             .holder = holder,
                             .account_type = type,
                             .party = party};
    ledger_result_t opened;
    if ((rc = ledger_apply(db, state, &open, &opened, err)) < 0) return rc;
    if (opened.check != A6_OK)
        return db_error_set(err, DB_ERROR, "cannot open an account for %s: %s", holder,
                            opened.message);
    *account = opened.id;
    return 0;
}

/* The partner Party and its registry (the holder of the partner account). */
typedef struct partner {
    int found;
    char party[4];
    char registry[8];
} partner_t;

/* Issues one allocation into the ledger (a host-side share into its holder's account; under an
 * authorization with partner, the partner's share into the partner registry's account) and links
 * it to the period. */
static int issue_allocation(db_t *db, ledger_state_t *state, const period_input_t *in,
                            int64_t allocation_id, const char *holder, int64_t quantity,
                            int32_t vintage, const char *party, const partner_t *partner,
                            cycle_result_t *result, db_error_t *err)
{
    static const char allocation_sql[] = "UPDATE allocations SET status = 'issued', "
                                         "account_id = ?, issuance_id = ? WHERE id = ?";
    static const char issuance_sql[] = "UPDATE issuances SET period_id = ? WHERE id = ?";
    int64_t account = 0;
    int rc = partner ? allocation_account(db, state, in, partner->registry, partner->party,
                                          LEDGER_ACCOUNT_PARTNER, &account, err)
                     : allocation_account(db, state, in, holder, party, LEDGER_ACCOUNT_HOLDING,
                                          &account, err);
    if (rc < 0) return rc;
    ledger_request_t issue = {.kind = LEDGER_REQUEST_TRANSACTION,
                              .actor = in->actor,
                              .tx_type = LEDGER_TX_ISSUE,
                              .to = account,
                              .quantity = quantity,
                              .vintage = vintage,
                              .unit_type = LEDGER_UNIT_JCM_CREDIT,
                              .authorization_id = in->authorization_id,
                              .on = in->on};
    ledger_result_t issued;
    if ((rc = ledger_apply(db, state, &issue, &issued, err)) < 0) return rc;
    if (issued.check != A6_OK) {
        result->check = issued.check;
        result->field = "accounts";
        snprintf(result->message, sizeof result->message, "%s (%s)", issued.message, holder);
        return WRITER_REJECTED;
    }
    int64_t issuance_id = state->next_issuance_id - 1;
    db_stmt_t *stmt = db_prepare(db, allocation_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, account);
    db_bind_int64(stmt, 2, issuance_id);
    db_bind_int64(stmt, 3, allocation_id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if (!(stmt = db_prepare(db, issuance_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, in->period_id);
    db_bind_int64(stmt, 2, issuance_id);
    return db_step_done(stmt, err) < 0 ? DB_ERROR : WRITER_ACCEPTED;
}

/* A period's allocations still waiting for issuance in this registry. */
typedef struct pending_allocation {
    int64_t id;
    char holder[LEDGER_HOLDER_MAX + 1];
    int64_t quantity;
    bool partner; /* the partner's share */
} pending_allocation_t;

/* The partner of an authorization's cooperative approach, when the partner's share is issued
 * into its registry (the approach's NDC first transfer rule "issuance"); found 0 otherwise. */
static int load_partner(db_t *db, int64_t authorization_id, partner_t *out, db_error_t *err)
{
    static const char sql[] = "SELECT p.partner_party, p.partner_registry FROM authorizations z "
                              "JOIN approaches p ON p.id = z.approach_id "
                              "WHERE z.id = ? AND p.ndc_first_transfer = 'issuance'";
    memset(out, 0, sizeof *out);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, authorization_id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        out->found = 1;
        snprintf(out->party, sizeof out->party, "%s", db_column_text(stmt, 0));
        snprintf(out->registry, sizeof out->registry, "%s", db_column_text(stmt, 1));
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

int cycle_apply_period_issue(db_t *db, ledger_state_t *state, const period_input_t *in,
                             cycle_result_t *result, db_error_t *err)
{
    static const char sql[] = "SELECT id, holder, quantity, status FROM allocations "
                              "WHERE period_id = ? AND status IN ('notified', "
                              "'notified_to_partner') ORDER BY id";
    static const char party_sql[] = "SELECT host_party FROM activities WHERE id = ?";
    monitoring_period_t p;
    int64_t activity_id;
    int rc = period_for_step(db, in, &p, &activity_id, result, err);
    if (rc != WRITER_ACCEPTED) return rc;
    if (in->role != ROLE_COMMITTEE && in->role != ROLE_ADMIN)
        return cycle_reject(result, A6_CHECK_ROLE_NOT_ALLOWED, "role", "issuance: committee");
    a6_check_t check = period_check_issue(&p, in->on, in->today);
    if (check != A6_OK) return reject_check(result, check, "period");
    if (p.end == A6_DATE_NONE)
        return cycle_reject(result, A6_CHECK_VINTAGE_INVALID, "end",
                            "the monitoring period's end (the vintage) is unknown");
    char party[4] = "VNM";
    db_stmt_t *stmt = db_prepare(db, party_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, activity_id);
    if ((rc = db_step(stmt, err)) == DB_ROW)
        snprintf(party, sizeof party, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (rc < 0) return rc;
    partner_t partner = {0};
    if (in->authorization_id && (rc = load_partner(db, in->authorization_id, &partner, err)) < 0)
        return rc;
    pending_allocation_t pending[CYCLE_LIST_MAX];
    size_t count = 0;
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, in->period_id);
    while ((rc = db_step(stmt, err)) == DB_ROW && count < CYCLE_LIST_MAX) {
        pending[count].id = db_column_int64(stmt, 0);
        snprintf(pending[count].holder, sizeof pending[count].holder, "%s",
                 db_column_text(stmt, 1));
        pending[count].quantity = db_column_int64(stmt, 2);
        pending[count++].partner = strcmp(db_column_text(stmt, 3), "notified_to_partner") == 0;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    for (size_t i = 0; i < count; i++) {
        /* Without an authorization the partner's share stays notified to the partner registry,
         * which issues it itself. */
        if (pending[i].partner && !partner.found) continue;
        rc = issue_allocation(db, state, in, pending[i].id, pending[i].holder, pending[i].quantity,
                              (int32_t)a6_date_year(p.end), party,
                              pending[i].partner ? &partner : NULL, result, err);
        if (rc != WRITER_ACCEPTED) return rc;
    }
    period_input_t step = *in;
    step.quantity = p.notified_tco2e;
    rc = period_advance(db, state, &step, PERIOD_ISSUED, "period.issue", err);
    result->id = in->period_id;
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

int cycle_apply_period_import(db_t *db, ledger_state_t *state, const period_import_t *in,
                              cycle_result_t *result, db_error_t *err)
{
    static const char find_sql[] = "SELECT id FROM monitoring_periods WHERE import_key = ?";
    static const char insert_sql[] =
        "INSERT INTO monitoring_periods(id, activity_id, start_on, end_on, notified_tco2e, "
        "notified_on, stage, import_key, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'notified', ?, ?, ?)";
    static const char allocation_sql[] = "INSERT INTO allocations(id, period_id, side, holder, "
                                         "quantity, status) VALUES (?, ?, ?, ?, ?, ?)";
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, in->import_key);
    int rc = db_step(stmt, err);
    db_reset(stmt);
    if (rc < 0) return rc;
    if (rc == DB_ROW) return WRITER_ACCEPTED; /* imported before: nothing to do */
    cycle_activity_t activity;
    if ((rc = cycle_load_activity(db, in->ref, &activity, err)) < 0) return rc;
    if (!activity.id) return cycle_reject(result, A6_CHECK_ACTIVITY_NOT_FOUND, "ref", in->ref);
    int64_t sum = 0;
    for (size_t i = 0; i < in->allocation_count; i++)
        sum += in->allocations[i].quantity;
    if (in->notified_tco2e <= 0 || sum > in->notified_tco2e)
        return cycle_reject(result, A6_CHECK_ALLOCATION_SUM_MISMATCH, "allocations",
                            "published shares exceed the total");
    int64_t id;
    if ((rc = cycle_next_id(db, CYCLE_TABLE_PERIODS, &id, err)) < 0) return rc;
    if (!(stmt = db_prepare(db, insert_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, activity.id);
    cycle_bind_date(stmt, 3, in->start);
    cycle_bind_date(stmt, 4, in->end);
    db_bind_int64(stmt, 5, in->notified_tco2e);
    cycle_bind_date(stmt, 6, in->notified_on);
    db_bind_text(stmt, 7, in->import_key);
    db_bind_text(stmt, 8, in->note);
    db_bind_text(stmt, 9, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    for (size_t i = 0; i < in->allocation_count; i++) {
        int64_t allocation_id;
        if ((rc = cycle_next_id(db, CYCLE_TABLE_ALLOCATIONS, &allocation_id, err)) < 0) return rc;
        if (!(stmt = db_prepare(db, allocation_sql, err))) return DB_ERROR;
        const allocation_t *a = &in->allocations[i];
        db_bind_int64(stmt, 1, allocation_id);
        db_bind_int64(stmt, 2, id);
        db_bind_text(stmt, 3, allocation_side_name(a->side));
        db_bind_text(stmt, 4, a->holder);
        db_bind_int64(stmt, 5, a->quantity);
        db_bind_text(stmt, 6, a->side == SIDE_PARTNER ? "notified_to_partner" : "notified");
        if ((rc = db_step_done(stmt, err)) < 0) return rc;
    }
    json_t *payload = json_pack("{sI ss ss sI}", "id", (json_int_t)id, "ref", in->ref, "import_key",
                                in->import_key, "notified_tco2e", (json_int_t)in->notified_tco2e);
    if ((rc = ledger_audit(db, state, in->actor, "period.import", "period", id, payload, err)) < 0)
        return rc;
    result->id = id;
    if (!in->issue) return WRITER_ACCEPTED;
    period_input_t issue = {.actor = in->actor,
                            .role = ROLE_ADMIN,
                            .period_id = id,
                            .on = in->notified_on,
                            .today = in->notified_on};
    if ((rc = cycle_apply_period_issue(db, state, &issue, result, err)) != WRITER_ACCEPTED)
        return rc;
    /* The public record gives no issuance date: keep it unknown rather than invent one. */
    static const char undated_sql[] = "UPDATE monitoring_periods SET issued_on = NULL WHERE id = ?";
    if (!(stmt = db_prepare(db, undated_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    return db_step_done(stmt, err) < 0 ? DB_ERROR : WRITER_ACCEPTED;
}
