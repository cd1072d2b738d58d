/* cycle_apply.c: methodologies, activities and their events, applied inside the writer's
 * transaction. The core state machine decides every transition; this file loads and stores. */
#include <stdio.h>
#include <string.h>

#include "../core/text.h"
#include "cycle_internal.h"

int cycle_reject(cycle_result_t *result, a6_check_t check, const char *field, const char *detail)
{
    result->check = check;
    result->field = field;
    snprintf(result->message, sizeof result->message, "%s%s%s%s%s", field ? field : "",
             field ? ": " : "", a6_check_description(check), detail ? ": " : "",
             detail ? detail : "");
    return WRITER_REJECTED;
}

int cycle_next_id(db_t *db, cycle_table_t table, int64_t *out, db_error_t *err)
{
    static const char *const sql[] = {
        [CYCLE_TABLE_METHODOLOGIES] = "SELECT COALESCE(MAX(id), 0) + 1 FROM methodologies",
        [CYCLE_TABLE_ACTIVITIES] = "SELECT COALESCE(MAX(id), 0) + 1 FROM activities",
        [CYCLE_TABLE_EVENTS] = "SELECT COALESCE(MAX(id), 0) + 1 FROM activity_events",
        [CYCLE_TABLE_PERIODS] = "SELECT COALESCE(MAX(id), 0) + 1 FROM monitoring_periods",
        [CYCLE_TABLE_ALLOCATIONS] = "SELECT COALESCE(MAX(id), 0) + 1 FROM allocations",
    };
    db_stmt_t *stmt = db_prepare(db, sql[table], err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) *out = db_column_int64(stmt, 0);
    db_reset(stmt);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERROR;
}

int cycle_bind_date(db_stmt_t *stmt, int index, a6_date_t date)
{
    if (date == A6_DATE_NONE) return db_bind_null(stmt, index);
    char text[A6_DATE_TEXT_SIZE];
    a6_date_format(date, text);
    return db_bind_text(stmt, index, text);
}

a6_date_t cycle_column_date(db_stmt_t *stmt, int column)
{
    a6_date_t date = A6_DATE_NONE;
    if (!db_column_is_null(stmt, column)) a6_date_parse(db_column_text(stmt, column), &date);
    return date;
}

int cycle_load_activity(db_t *db, const char *ref, cycle_activity_t *out, db_error_t *err)
{
    static const char sql[] = "SELECT id, kind, state, COALESCE(parent_id, 0) FROM activities "
                              "WHERE ref = ?";
    memset(out, 0, sizeof *out);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, ref);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        out->id = db_column_int64(stmt, 0);
        activity_kind_parse(db_column_text(stmt, 1), &out->kind);
        activity_state_parse(db_column_text(stmt, 2), &out->state);
        out->parent_id = db_column_int64(stmt, 3);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int optional_text(const char *text, size_t max, const char *field, cycle_result_t *result)
{
    if (text && a6_text_check(text, max) != A6_OK)
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, field, "not valid printable UTF-8");
    return WRITER_ACCEPTED;
}

static const char *const methodology_statuses[] = {"proposed", "approved", "revised", "withdrawn"};

int cycle_apply_methodology_add(db_t *db, ledger_state_t *state, const methodology_input_t *in,
                                cycle_result_t *result, db_error_t *err)
{
    static const char find_sql[] = "SELECT id FROM methodologies WHERE code = ? AND version = ?";
    static const char insert_sql[] = "INSERT INTO methodologies(id, code, version, title, "
                                     "sectoral_scope, status, approved_on, created_at) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    if (a6_ref_check(in->code) != A6_OK)
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "code", "letters, digits, _ - . only");
    if (!in->version || (*in->version && a6_text_check(in->version, 32) != A6_OK))
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "version", NULL);
    if (optional_text(in->title, CYCLE_TEXT_MAX, "title", result) != WRITER_ACCEPTED ||
        optional_text(in->sectoral_scope, 200, "sectoral_scope", result) != WRITER_ACCEPTED)
        return WRITER_REJECTED;
    int known = 0;
    for (size_t i = 0; in->status && i < 4; i++)
        known |= strcmp(in->status, methodology_statuses[i]) == 0;
    if (!known)
        return cycle_reject(result, A6_CHECK_STATUS_INVALID, "status",
                            "proposed, approved, revised or withdrawn");
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, in->code);
    db_bind_text(stmt, 2, in->version);
    int rc = db_step(stmt, err);
    db_reset(stmt);
    if (rc < 0) return rc;
    if (rc == DB_ROW) return cycle_reject(result, A6_CHECK_METHODOLOGY_EXISTS, "code", in->code);
    int64_t id;
    if ((rc = cycle_next_id(db, CYCLE_TABLE_METHODOLOGIES, &id, err)) < 0) return rc;
    if (!(stmt = db_prepare(db, insert_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, in->code);
    db_bind_text(stmt, 3, in->version);
    db_bind_text(stmt, 4, in->title);
    db_bind_text(stmt, 5, in->sectoral_scope);
    db_bind_text(stmt, 6, in->status);
    cycle_bind_date(stmt, 7, in->approved_on);
    db_bind_text(stmt, 8, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload = json_pack("{sI ss ss ss*}", "id", (json_int_t)id, "code", in->code, "version",
                                in->version, "status", in->status);
    if ((rc = ledger_audit(db, state, in->actor, "methodology.add", "methodology", id, payload,
                           err)) < 0)
        return rc;
    result->id = id;
    return WRITER_ACCEPTED;
}

/* The newest version of a methodology code (by id), or 0. */
static int methodology_latest(db_t *db, const char *code, int64_t *id, db_error_t *err)
{
    static const char sql[] = "SELECT MAX(id) FROM methodologies WHERE code = ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, code);
    int rc = db_step(stmt, err);
    *id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int validate_activity(const activity_input_t *in, cycle_result_t *result)
{
    if (a6_ref_check(in->ref) != A6_OK)
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "ref", "letters, digits, _ - . only");
    if (in->kind < ACTIVITY_PROJECT || in->kind > ACTIVITY_CPA)
        return cycle_reject(result, A6_CHECK_KIND_INVALID, "kind", "project, poa or cpa");
    if ((in->kind == ACTIVITY_CPA) != (in->parent_ref != NULL))
        return cycle_reject(result, A6_CHECK_PARENT_INVALID, "parent",
                            in->kind == ACTIVITY_CPA ? "a CPA needs its PoA"
                                                     : "only a CPA has a parent PoA");
    if (a6_text_check(in->title, CYCLE_TEXT_MAX) != A6_OK)
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "title", NULL);
    if (ledger_party_check(in->host_party) != A6_OK ||
        (in->partner_party && ledger_party_check(in->partner_party) != A6_OK))
        return cycle_reject(result, A6_CHECK_PARTY_INVALID, "party", "ISO alpha-3");
    if (in->methodology_count > CYCLE_LIST_MAX || in->host_count > CYCLE_LIST_MAX ||
        in->partner_count > CYCLE_LIST_MAX)
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "participants", "too many entries");
    for (size_t i = 0; i < in->host_count; i++)
        if (a6_text_check(in->host_participants[i], LEDGER_HOLDER_MAX) != A6_OK)
            return cycle_reject(result, A6_CHECK_TEXT_INVALID, "host_participants", NULL);
    for (size_t i = 0; i < in->partner_count; i++)
        if (a6_text_check(in->partner_participants[i], LEDGER_HOLDER_MAX) != A6_OK)
            return cycle_reject(result, A6_CHECK_TEXT_INVALID, "partner_participants", NULL);
    if (optional_text(in->technology_group, 100, "technology_group", result) != WRITER_ACCEPTED ||
        optional_text(in->sector, 200, "sector", result) != WRITER_ACCEPTED ||
        optional_text(in->location, 400, "location", result) != WRITER_ACCEPTED ||
        optional_text(in->expected_source, 400, "expected_source", result) != WRITER_ACCEPTED ||
        optional_text(in->eligibility_criteria, CYCLE_TEXT_MAX, "eligibility_criteria", result) !=
            WRITER_ACCEPTED ||
        optional_text(in->coordinating_entity, LEDGER_HOLDER_MAX, "coordinating_entity", result) !=
            WRITER_ACCEPTED)
        return WRITER_REJECTED;
    if (in->expected_annual_tco2e < 0 || in->expected_annual_tco2e > LEDGER_QUANTITY_MAX)
        return cycle_reject(result, A6_CHECK_QUANTITY_INVALID, "expected_annual_tco2e", NULL);
    if (in->crediting_start != A6_DATE_NONE && in->crediting_end != A6_DATE_NONE &&
        in->crediting_end < in->crediting_start)
        return cycle_reject(result, A6_CHECK_DATES_OUT_OF_ORDER, "crediting_end", NULL);
    return WRITER_ACCEPTED;
}

static int insert_participants(db_t *db, int64_t activity_id, const char *side,
                               const char *const *names, size_t count, db_error_t *err)
{
    static const char sql[] = "INSERT INTO activity_participants(activity_id, side, position, "
                              "name) VALUES (?, ?, ?, ?)";
    for (size_t i = 0; i < count; i++) {
        db_stmt_t *stmt = db_prepare(db, sql, err);
        if (!stmt) return DB_ERROR;
        db_bind_int64(stmt, 1, activity_id);
        db_bind_text(stmt, 2, side);
        db_bind_int64(stmt, 3, (int64_t)i + 1);
        db_bind_text(stmt, 4, names[i]);
        int rc = db_step_done(stmt, err);
        if (rc < 0) return rc;
    }
    return 0;
}

/* Links the activity to the newest version of each methodology code; rejects unknown codes. */
static int link_methodologies(db_t *db, int64_t activity_id, const activity_input_t *in,
                              cycle_result_t *result, db_error_t *err)
{
    static const char sql[] = "INSERT INTO activity_methodologies(activity_id, methodology_id) "
                              "VALUES (?, ?) ON CONFLICT DO NOTHING";
    for (size_t i = 0; i < in->methodology_count; i++) {
        int64_t methodology_id = 0;
        int rc = methodology_latest(db, in->methodologies[i], &methodology_id, err);
        if (rc < 0) return rc;
        if (!methodology_id)
            return cycle_reject(result, A6_CHECK_METHODOLOGY_NOT_FOUND, "methodologies",
                                in->methodologies[i]);
        db_stmt_t *stmt = db_prepare(db, sql, err);
        if (!stmt) return DB_ERROR;
        db_bind_int64(stmt, 1, activity_id);
        db_bind_int64(stmt, 2, methodology_id);
        if ((rc = db_step_done(stmt, err)) < 0) return rc;
    }
    return WRITER_ACCEPTED;
}

int cycle_insert_event(db_t *db, ledger_state_t *state, int64_t activity_id, const char *event,
                       activity_state_t from, activity_state_t to, a6_date_t on, const char *actor,
                       const char *role, const event_input_t *document, db_error_t *err)
{
    static const char sql[] = "INSERT INTO activity_events(id, activity_id, event, from_state, "
                              "to_state, occurred_on, actor, role, document_title, document_url, "
                              "document_sha256, recorded_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int64_t id;
    int rc = cycle_next_id(db, CYCLE_TABLE_EVENTS, &id, err);
    if (rc < 0) return rc;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, activity_id);
    db_bind_text(stmt, 3, event);
    db_bind_text(stmt, 4, from ? activity_state_name(from) : NULL);
    db_bind_text(stmt, 5, activity_state_name(to));
    cycle_bind_date(stmt, 6, on);
    db_bind_text(stmt, 7, actor);
    db_bind_text(stmt, 8, role);
    db_bind_text(stmt, 9, document ? document->document_title : NULL);
    db_bind_text(stmt, 10, document ? document->document_url : NULL);
    db_bind_text(stmt, 11, document ? document->document_sha256 : NULL);
    db_bind_text(stmt, 12, state->now);
    return db_step_done(stmt, err);
}

static int insert_activity(db_t *db, ledger_state_t *state, const activity_input_t *in, int64_t id,
                           int64_t parent_id, activity_state_t initial, db_error_t *err)
{
    static const char sql[] =
        "INSERT INTO activities(id, ref, kind, parent_id, title, state, host_party, "
        "partner_party, technology_group, sector, location, expected_annual_tco2e, "
        "expected_source, crediting_start, crediting_end, eligibility_criteria, "
        "coordinating_entity, registered_on, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, in->ref);
    db_bind_text(stmt, 3, activity_kind_name(in->kind));
    if (parent_id) db_bind_int64(stmt, 4, parent_id);
    db_bind_text(stmt, 5, in->title);
    db_bind_text(stmt, 6, activity_state_name(initial));
    db_bind_text(stmt, 7, in->host_party);
    db_bind_text(stmt, 8, in->partner_party);
    db_bind_text(stmt, 9, in->technology_group);
    db_bind_text(stmt, 10, in->sector);
    db_bind_text(stmt, 11, in->location);
    if (in->expected_annual_tco2e > 0) db_bind_int64(stmt, 12, in->expected_annual_tco2e);
    db_bind_text(stmt, 13, in->expected_source);
    cycle_bind_date(stmt, 14, in->crediting_start);
    cycle_bind_date(stmt, 15, in->crediting_end);
    db_bind_text(stmt, 16, in->eligibility_criteria);
    db_bind_text(stmt, 17, in->coordinating_entity);
    cycle_bind_date(stmt, 18, initial == ACTIVITY_REGISTERED ? in->imported_on : A6_DATE_NONE);
    db_bind_text(stmt, 19, state->now);
    return db_step_done(stmt, err);
}

int cycle_apply_activity_add(db_t *db, ledger_state_t *state, const activity_input_t *in,
                             cycle_result_t *result, db_error_t *err)
{
    if (validate_activity(in, result) != WRITER_ACCEPTED) return WRITER_REJECTED;
    cycle_activity_t existing, parent = {0};
    int rc = cycle_load_activity(db, in->ref, &existing, err);
    if (rc < 0) return rc;
    if (existing.id) return cycle_reject(result, A6_CHECK_ACTIVITY_EXISTS, "ref", in->ref);
    if (in->parent_ref) {
        if ((rc = cycle_load_activity(db, in->parent_ref, &parent, err)) < 0) return rc;
        if (!parent.id || parent.kind != ACTIVITY_POA)
            return cycle_reject(result, A6_CHECK_PARENT_INVALID, "parent", "not a PoA");
    }
    activity_state_t initial =
        in->imported_state ? in->imported_state : cycle_initial_state(in->kind);
    int64_t id;
    if ((rc = cycle_next_id(db, CYCLE_TABLE_ACTIVITIES, &id, err)) < 0 ||
        (rc = insert_activity(db, state, in, id, parent.id, initial, err)) < 0 ||
        (rc = insert_participants(db, id, "host", in->host_participants, in->host_count, err)) <
            0 ||
        (rc = insert_participants(db, id, "partner", in->partner_participants, in->partner_count,
                                  err)) < 0)
        return rc;
    if ((rc = link_methodologies(db, id, in, result, err)) != WRITER_ACCEPTED) return rc;
    const char *event = in->imported_state ? "import" : "create";
    /* Creating the record is not a step of the cycle: it carries no cycle date (recorded_at
     * keeps when it happened), so later steps may be recorded with their real, earlier dates. */
    if ((rc = cycle_insert_event(db, state, id, event, 0, initial,
                                 in->imported_state ? in->imported_on : A6_DATE_NONE, in->actor,
                                 in->imported_state ? "admin" : "participant", NULL, err)) < 0)
        return rc;
    json_t *payload = json_pack("{sI ss ss ss ss}", "id", (json_int_t)id, "ref", in->ref, "kind",
                                activity_kind_name(in->kind), "title", in->title, "state",
                                activity_state_name(initial));
    if ((rc = ledger_audit(db, state, in->actor, "activity.add", "activity", id, payload, err)) < 0)
        return rc;
    result->id = id;
    return WRITER_ACCEPTED;
}

/* CPA inclusion also needs its PoA registered. */
static int check_inclusion(db_t *db, const cycle_activity_t *activity, cycle_result_t *result,
                           db_error_t *err)
{
    static const char sql[] = "SELECT state, ref FROM activities WHERE id = ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, activity->parent_id);
    int rc = db_step(stmt, err);
    int registered = rc == DB_ROW && strcmp(db_column_text(stmt, 0), "registered") == 0;
    char detail[120];
    snprintf(detail, sizeof detail, "PoA %s is %s", rc == DB_ROW ? db_column_text(stmt, 1) : "?",
             rc == DB_ROW ? db_column_text(stmt, 0) : "missing");
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!registered) return cycle_reject(result, A6_CHECK_POA_NOT_REGISTERED, "parent", detail);
    return WRITER_ACCEPTED;
}

int cycle_apply_event(db_t *db, ledger_state_t *state, const event_input_t *in,
                      cycle_result_t *result, db_error_t *err)
{
    static const char update_sql[] =
        "UPDATE activities SET state = ?, registered_on = COALESCE(?, registered_on) WHERE id = ?";
    if (in->occurred_on == A6_DATE_NONE)
        return cycle_reject(result, A6_CHECK_DATE_INVALID, "date", NULL);
    if (in->occurred_on > in->today)
        return cycle_reject(result, A6_CHECK_DATE_IN_FUTURE, "date", NULL);
    if (optional_text(in->document_title, 400, "document_title", result) != WRITER_ACCEPTED ||
        optional_text(in->document_url, 2000, "document_url", result) != WRITER_ACCEPTED)
        return WRITER_REJECTED;
    /* Document links are shown to the public: only web addresses, never script or data URLs. */
    if (in->document_url && strncmp(in->document_url, "https://", 8) != 0 &&
        strncmp(in->document_url, "http://", 7) != 0)
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "document_url",
                            "an http:// or https:// address");
    if (in->document_sha256 && (strlen(in->document_sha256) != 64 ||
                                strspn(in->document_sha256, "0123456789abcdef") != 64))
        return cycle_reject(result, A6_CHECK_TEXT_INVALID, "document_sha256",
                            "64 lowercase hex digits");
    cycle_activity_t activity;
    int rc = cycle_load_activity(db, in->ref, &activity, err);
    if (rc < 0) return rc;
    if (!activity.id) return cycle_reject(result, A6_CHECK_ACTIVITY_NOT_FOUND, "ref", in->ref);
    activity_state_t next;
    a6_check_t check = cycle_transition(activity.kind, activity.state, in->event, in->role, &next);
    if (check != A6_OK) {
        char detail[200];
        cycle_describe_allowed(activity.kind, activity.state, detail, sizeof detail);
        return cycle_reject(result, check, check == A6_CHECK_ROLE_NOT_ALLOWED ? "role" : "event",
                            detail);
    }
    if (in->event == EVENT_INCLUDE &&
        (rc = check_inclusion(db, &activity, result, err)) != WRITER_ACCEPTED)
        return rc;
    /* Events of one activity happen in date order. */
    static const char last_sql[] = "SELECT MAX(occurred_on) FROM activity_events "
                                   "WHERE activity_id = ?";
    db_stmt_t *stmt = db_prepare(db, last_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, activity.id);
    a6_date_t last =
        (rc = db_step(stmt, err)) == DB_ROW ? cycle_column_date(stmt, 0) : A6_DATE_NONE;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (last != A6_DATE_NONE && in->occurred_on < last)
        return cycle_reject(result, A6_CHECK_DATES_OUT_OF_ORDER, "date",
                            "before the activity's previous event");
    if (!(stmt = db_prepare(db, update_sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, activity_state_name(next));
    cycle_bind_date(stmt, 2, next == ACTIVITY_REGISTERED ? in->occurred_on : A6_DATE_NONE);
    db_bind_int64(stmt, 3, activity.id);
    if ((rc = db_step_done(stmt, err)) < 0 ||
        (rc = cycle_insert_event(db, state, activity.id, activity_event_name(in->event),
                                 activity.state, next, in->occurred_on, in->actor,
                                 a6_role_name(in->role), in, err)) < 0)
        return rc;
    char on[A6_DATE_TEXT_SIZE];
    a6_date_format(in->occurred_on, on);
    json_t *payload =
        json_pack("{ss ss ss ss ss ss}", "ref", in->ref, "event", activity_event_name(in->event),
                  "from", activity_state_name(activity.state), "to", activity_state_name(next),
                  "on", on, "role", a6_role_name(in->role));
    if ((rc = ledger_audit(db, state, in->actor, "activity.event", "activity", activity.id, payload,
                           err)) < 0)
        return rc;
    result->id = activity.id;
    return WRITER_ACCEPTED;
}
