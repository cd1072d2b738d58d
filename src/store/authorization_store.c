/* authorization_store.c: policy versions and authorizations, each change one writer operation
 * with its audit record; the rules are core/authorization.c's. */
#include "authorization_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "ndc_store.h"

/* A policy parsed from JSON, with storage for its lists (borrowing the JSON's strings). */
typedef struct parsed_policy {
    a6_policy_t policy;
    const char *sectors[A6_POLICY_LIST_MAX];
    const char *technologies[A6_POLICY_LIST_MAX];
    a6_purpose_t purposes[A6_POLICY_LIST_MAX];
} parsed_policy_t;

int authorization_reject(authorization_result_t *result, a6_check_t check, const char *field,
                         const char *detail)
{
    result->check = check;
    result->field = field;
    snprintf(result->message, sizeof result->message, "%s: %s%s%s", field,
             a6_check_description(check), detail ? ": " : "", detail ? detail : "");
    return WRITER_REJECTED;
}

static bool string_list(json_t *list, const char **out, size_t *count)
{
    *count = 0;
    if (!json_is_array(list) || json_array_size(list) > A6_POLICY_LIST_MAX) return false;
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (!json_is_string(item)) return false;
        out[(*count)++] = json_string_value(item);
    }
    return true;
}

/* Parses a policy body; A6_CHECK_POLICY_INVALID for a wrong shape, else a6_policy_check. */
static a6_check_t parse_policy(json_t *body, parsed_policy_t *p)
{
    memset(p, 0, sizeof *p);
    json_t *purposes = json_object_get(body, "purposes");
    json_int_t share, first, last, target;
    const char *names[A6_POLICY_LIST_MAX];
    size_t purpose_count;
    if (!json_is_object(body) ||
        json_unpack(body, "{s:I, s:I, s:I, s:I}", "max_share_bp", &share, "vintage_first", &first,
                    "vintage_last", &last, "target_year", &target) != 0 ||
        !string_list(json_object_get(body, "sectors"), p->sectors, &p->policy.sector_count) ||
        !string_list(json_object_get(body, "technologies"), p->technologies,
                     &p->policy.technology_count) ||
        !string_list(purposes, names, &purpose_count) || share < 0 || share > A6_BP_FULL ||
        first < 0 || first > 9999 || last < 0 || last > 9999 || target < 0 || target > 9999)
        return A6_CHECK_POLICY_INVALID;
    for (size_t i = 0; i < purpose_count; i++)
        if (a6_purpose_parse(names[i], &p->purposes[i]) != A6_OK) return A6_CHECK_PURPOSE_INVALID;
    p->policy.sectors = p->sectors;
    p->policy.technologies = p->technologies;
    p->policy.purposes = p->purposes;
    p->policy.purpose_count = purpose_count;
    p->policy.max_share_bp = (int32_t)share;
    p->policy.vintage_first = (int32_t)first;
    p->policy.vintage_last = (int32_t)last;
    p->policy.target_year = (int32_t)target;
    return a6_policy_check(&p->policy);
}

typedef struct operation {
    const char *actor;
    a6_role_t role;
    json_t *body;
    const authorization_input_t *input;
    int64_t id;
    int approve;
    a6_date_t on;
    authorization_result_t *result;
} operation_t;

static int apply_policy_set(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char version_sql[] = "SELECT COALESCE(MAX(version), 0) + 1 FROM policies";
    static const char sql[] =
        "INSERT INTO policies(version, body, actor, created_at) VALUES (?, ?, ?, ?)";
    operation_t *op = context;
    if (op->role != ROLE_AUTHORITY)
        return authorization_reject(op->result, A6_CHECK_ROLE_NOT_ALLOWED, "role",
                                    "the policy: authority");
    parsed_policy_t parsed;
    a6_check_t check = parse_policy(op->body, &parsed);
    if (check != A6_OK) return authorization_reject(op->result, check, "policy", NULL);
    int rc;
    int64_t version;
    if ((rc = db_query_int64(db, version_sql, &version, err)) < 0) return rc;
    char *body = audit_canonical_json(op->body);
    db_stmt_t *stmt = body ? db_prepare(db, sql, err) : NULL;
    if (!stmt) {
        free(body);
        return body ? DB_ERROR : db_error_set(err, DB_ERROR, "out of memory");
    }
    db_bind_int64(stmt, 1, version);
    db_bind_text(stmt, 2, body);
    db_bind_text(stmt, 3, op->actor);
    db_bind_text(stmt, 4, state->now);
    free(body);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, op->actor, "policy.set", "policy", version,
                           json_incref(op->body), err)) < 0)
        return rc;
    op->result->id = version;
    return WRITER_ACCEPTED;
}

void authorization_run(writer_t *w, writer_apply_fn apply, void *context,
                       authorization_result_t *result)
{
    memset(result, 0, sizeof *result);
    db_error_t err = {0};
    int outcome = writer_execute(w, apply, context, &err);
    if (outcome < 0) {
        result->store_error = outcome;
        snprintf(result->message, sizeof result->message, "storage error: %s", err.message);
    }
}

void policy_set(writer_t *w, const char *actor, a6_role_t role, json_t *body,
                authorization_result_t *result)
{
    operation_t op = {.actor = actor, .role = role, .body = body, .result = result};
    authorization_run(w, apply_policy_set, &op, op.result);
}

/* The policy in force and its version (0 when none). */
static int load_policy(db_t *db, json_t **body, int64_t *version, db_error_t *err)
{
    static const char sql[] = "SELECT version, body FROM policies ORDER BY version DESC LIMIT 1";
    *body = NULL;
    *version = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        *version = db_column_int64(stmt, 0);
        *body = json_loads(db_column_text(stmt, 1), 0, NULL);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

json_t *policy_query(db_t *db, db_error_t *err)
{
    json_t *body;
    int64_t version;
    err->code = 0;
    if (load_policy(db, &body, &version, err) < 0 || !body) return NULL;
    json_object_set_new(body, "version", json_integer(version));
    return body;
}

/* What the evaluation needs of the activity: its id, sector, technology, verified reductions and
 * what is already authorized for it. */
typedef struct activity_facts {
    int64_t id;
    char sector[LEDGER_HOLDER_MAX + 1];
    char technology[LEDGER_HOLDER_MAX + 1];
    int64_t verified_tco2e;
    int64_t authorized_tco2e;
    int64_t replaced_tco2e; /* a change: the quantity of the version it replaces */
} activity_facts_t;

static int load_facts(db_t *db, const char *ref, activity_facts_t *f, db_error_t *err)
{
    static const char sql[] = "SELECT id, COALESCE(sector, ''), COALESCE(technology_group, '') "
                              "FROM activities WHERE ref = ?";
    static const char verified_sql[] = "SELECT COALESCE(SUM(COALESCE(verified_tco2e, "
                                       "notified_tco2e, 0)), 0) FROM monitoring_periods "
                                       "WHERE activity_id = ?";
    static const char authorized_sql[] = "SELECT COALESCE(SUM(quantity), 0) FROM authorizations "
                                         "WHERE activity_id = ? AND status = 'authorized' "
                                         "AND revoked_on IS NULL";
    memset(f, 0, sizeof *f);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, ref);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        f->id = db_column_int64(stmt, 0);
        snprintf(f->sector, sizeof f->sector, "%s", db_column_text(stmt, 1));
        snprintf(f->technology, sizeof f->technology, "%s", db_column_text(stmt, 2));
    }
    db_reset(stmt);
    if (rc < 0 || !f->id) return rc < 0 ? rc : 0;
    if ((rc = db_query_int64_bind(db, verified_sql, f->id, &f->verified_tco2e, err)) < 0) return rc;
    return db_query_int64_bind(db, authorized_sql, f->id, &f->authorized_tco2e, err);
}

static json_t *results_json(const a6_rule_result_t *results, size_t count)
{
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, json_pack("{ss sb si ss ss}", "rule", results[i].rule, "passed",
                                              results[i].passed, "code", (int)results[i].check,
                                              "check", a6_check_name(results[i].check), "reason",
                                              results[i].reason));
    return list;
}

/* Evaluates the request against the policy and the NDC projection (first transfers made, plus
 * what authorizations in force may still first transfer, counted in the target year). */
static a6_check_t evaluate(db_t *db, const authorization_input_t *in, const parsed_policy_t *p,
                           const activity_facts_t *facts, json_t **evaluation, db_error_t *err,
                           int *rc)
{
    static const char pending_sql[] = "SELECT COALESCE(SUM(quantity), 0) FROM authorizations "
                                      "WHERE status = 'authorized' AND revoked_on IS NULL";
    a6_ndc_t ndc;
    int found = 0;
    a6_ndc_year_t years[A6_NDC_YEARS_MAX];
    size_t year_count = 0;
    *rc = ndc_load(db, &ndc, &found, err);
    if (*rc == 0 && found && ndc_load_years(db, &ndc, years, err) == 0) {
        year_count = (size_t)(ndc.last_year - ndc.first_year + 1);
        int64_t first_transferred = 0;
        for (size_t i = 0; i < year_count; i++)
            first_transferred += years[i].first_transferred_tco2e;
        int64_t authorized = 0;
        *rc = db_query_int64(db, pending_sql, &authorized, err);
        authorized -= facts->replaced_tco2e;
        int64_t still = authorized > first_transferred ? authorized - first_transferred : 0;
        if (ndc.target_year >= ndc.first_year && ndc.target_year <= ndc.last_year)
            years[ndc.target_year - ndc.first_year].first_transferred_tco2e += still;
    }
    if (*rc < 0) return A6_OK;
    a6_authorization_request_t request = {.sector = facts->sector,
                                          .technology = facts->technology,
                                          .purpose = in->purpose,
                                          .vintage_first = in->vintage_first,
                                          .vintage_last = in->vintage_last,
                                          .quantity_tco2e = in->quantity_tco2e,
                                          .verified_tco2e = facts->verified_tco2e,
                                          .authorized_tco2e =
                                              facts->authorized_tco2e - facts->replaced_tco2e,
                                          .ndc = found ? &ndc : NULL,
                                          .ndc_years = found ? years : NULL,
                                          .ndc_year_count = year_count,
                                          .first_transfer_year = in->first_transfer_year};
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    size_t count = 0;
    a6_check_t check = a6_authorization_evaluate(&p->policy, &request, results,
                                                 A6_AUTHORIZATION_RULE_COUNT, &count);
    *evaluation = results_json(results, count);
    return check;
}

/* The AEF T2 fields of a request: a registered approach, the OIMP first transfer definition
 * when the purpose covers an OIMP use, registered entities, terms and mitigation type. */
static int t2_fields_check(db_t *db, const authorization_input_t *in,
                           authorization_result_t *result, db_error_t *err)
{
    static const char approach_sql[] = "SELECT COUNT(*) FROM approaches WHERE id = ?";
    static const char entity_sql[] = "SELECT COUNT(*) FROM entities WHERE name = ? "
                                     "AND approach_id = ?";
    a6_mitigation_type_t mitigation;
    if (in->mitigation_type && a6_mitigation_type_parse(in->mitigation_type, &mitigation) != A6_OK)
        return authorization_reject(result, A6_CHECK_MITIGATION_TYPE_INVALID, "mitigation_type",
                                    NULL);
    if (in->terms && a6_text_check(in->terms, 4000) != A6_OK)
        return authorization_reject(result, A6_CHECK_TEXT_INVALID, "terms", NULL);
    bool oimp = (a6_purpose_uses(in->purpose) & A6_USE_OIMP) != 0;
    if ((oimp && !in->oimp_first_transfer) || (!oimp && in->oimp_first_transfer))
        return authorization_reject(result, A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID,
                                    "oimp_first_transfer",
                                    oimp ? "required when the purpose covers OIMP, IMP or OP"
                                         : "only for a purpose covering OIMP, IMP or OP");
    if (in->entity_count > A6_POLICY_LIST_MAX)
        return authorization_reject(result, A6_CHECK_TEXT_INVALID, "entities", "too many");
    db_stmt_t *stmt = db_prepare(db, approach_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, in->approach_id);
    int rc = db_step(stmt, err);
    int64_t count = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!count)
        return authorization_reject(result, A6_CHECK_APPROACH_NOT_FOUND, "approach",
                                    in->approach_id);
    for (size_t i = 0; i < in->entity_count; i++) {
        if (!(stmt = db_prepare(db, entity_sql, err))) return DB_ERROR;
        db_bind_text(stmt, 1, in->entities[i]);
        db_bind_text(stmt, 2, in->approach_id);
        rc = db_step(stmt, err);
        count = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
        db_reset(stmt);
        if (rc < 0) return rc;
        if (!count)
            return authorization_reject(result, A6_CHECK_ENTITY_NOT_FOUND, "entities",
                                        in->entities[i]);
    }
    return WRITER_ACCEPTED;
}

static int apply_request(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM authorizations";
    static const char sql[] =
        "INSERT INTO authorizations(id, activity_id, approach_id, version, purpose, quantity, "
        "timeframe_first, timeframe_last, first_transfer_year, policy_version, evaluation, status, "
        "requested_by, requested_at, oimp_first_transfer, entities, terms, mitigation_type) "
        "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    operation_t *op = context;
    const authorization_input_t *in = op->input;
    if (a6_approach_id_check(in->approach_id) != A6_OK)
        return authorization_reject(op->result, A6_CHECK_APPROACH_ID_INVALID, "approach",
                                    "like CA0001");
    int rc = t2_fields_check(db, in, op->result, err);
    if (rc != WRITER_ACCEPTED) return rc;
    json_t *body;
    int64_t version;
    if ((rc = load_policy(db, &body, &version, err)) < 0) return rc;
    parsed_policy_t parsed;
    if (!body || parse_policy(body, &parsed) != A6_OK) {
        json_decref(body);
        return authorization_reject(op->result, A6_CHECK_POLICY_INVALID, "policy",
                                    "no policy is in force");
    }
    activity_facts_t facts;
    if ((rc = load_facts(db, in->ref, &facts, err)) < 0 || !facts.id) {
        json_decref(body);
        return rc < 0
                   ? rc
                   : authorization_reject(op->result, A6_CHECK_ACTIVITY_NOT_FOUND, "ref", in->ref);
    }
    json_t *evaluation = NULL;
    a6_check_t check = evaluate(db, in, &parsed, &facts, &evaluation, err, &rc);
    json_decref(body); /* the policy's strings were borrowed until here */
    if (rc < 0) {
        json_decref(evaluation);
        return rc;
    }
    op->result->evaluation = evaluation; /* shown whatever the outcome */
    if (check != A6_OK) {
        /* Refused by a rule: nothing is recorded; the caller shows every rule's result. */
        snprintf(op->result->message, sizeof op->result->message, "refused by the policy: %s",
                 a6_check_name(check));
        op->result->check = check;
        op->result->field = "policy";
        return WRITER_REJECTED;
    }
    int64_t id = 0;
    rc = db_query_int64(db, id_sql, &id, err);
    char *text = evaluation ? json_dumps(evaluation, JSON_COMPACT) : NULL;
    json_t *entity_list = json_array();
    for (size_t i = 0; i < in->entity_count; i++)
        json_array_append_new(entity_list, json_string(in->entities[i]));
    char *entities = json_dumps(entity_list, JSON_COMPACT);
    json_decref(entity_list);
    db_stmt_t *stmt = rc == 0 && text ? db_prepare(db, sql, err) : NULL;
    if (stmt) {
        db_bind_int64(stmt, 1, id);
        db_bind_int64(stmt, 2, facts.id);
        db_bind_text(stmt, 3, in->approach_id);
        db_bind_text(stmt, 4, a6_purpose_name(in->purpose));
        db_bind_int64(stmt, 5, in->quantity_tco2e > 0 ? in->quantity_tco2e : 1);
        db_bind_int64(stmt, 6, in->vintage_first);
        db_bind_int64(stmt, 7, in->vintage_last);
        if (in->first_transfer_year) db_bind_int64(stmt, 8, in->first_transfer_year);
        db_bind_int64(stmt, 9, version);
        db_bind_text(stmt, 10, text);
        db_bind_text(stmt, 11, "requested");
        db_bind_text(stmt, 12, in->actor);
        db_bind_text(stmt, 13, state->now);
        if (in->oimp_first_transfer)
            db_bind_text(stmt, 14, a6_first_transfer_name(in->oimp_first_transfer));
        else
            db_bind_null(stmt, 14);
        db_bind_text(stmt, 15, entities ? entities : "[]");
        if (in->terms)
            db_bind_text(stmt, 16, in->terms);
        else
            db_bind_null(stmt, 16);
        db_bind_text(stmt, 17, in->mitigation_type ? in->mitigation_type : "Emission reductions");
        rc = db_step_done(stmt, err);
    } else if (rc == 0) {
        rc = DB_ERROR;
    }
    free(text);
    free(entities);
    if (rc >= 0)
        rc = ledger_audit(db, state, in->actor, "authorization.request", "authorization", id,
                          json_pack("{ss sI ss sO}", "ref", in->ref, "quantity",
                                    (json_int_t)in->quantity_tco2e, "status", "requested",
                                    "evaluation", evaluation),
                          err);
    if (rc < 0) return rc; /* the caller releases the evaluation */
    op->result->id = id;
    return WRITER_ACCEPTED;
}

void authorization_request(writer_t *w, const authorization_input_t *in,
                           authorization_result_t *result)
{
    operation_t op = {.actor = in->actor, .input = in, .result = result};
    authorization_run(w, apply_request, &op, op.result);
    if (result->store_error < 0 && result->evaluation) {
        json_decref(result->evaluation);
        result->evaluation = NULL;
    }
}

static int apply_decide(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char find_sql[] = "SELECT status FROM authorizations WHERE id = ?";
    static const char sql[] =
        "UPDATE authorizations SET status = ?, decided_by = ?, decided_on = ? WHERE id = ?";
    operation_t *op = context;
    if (op->role != ROLE_AUTHORITY)
        return authorization_reject(op->result, A6_CHECK_ROLE_NOT_ALLOWED, "role",
                                    "decisions: authority");
    if (op->on == A6_DATE_NONE)
        return authorization_reject(op->result, A6_CHECK_DATE_INVALID, "date", NULL);
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, op->id);
    int rc = db_step(stmt, err);
    char status[32] = "";
    if (rc == DB_ROW) snprintf(status, sizeof status, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!*status)
        return authorization_reject(op->result, A6_CHECK_AUTHORIZATION_NOT_FOUND, "authorization",
                                    NULL);
    if (strcmp(status, "requested") != 0)
        return authorization_reject(op->result, A6_CHECK_TRANSITION_NOT_ALLOWED, "authorization",
                                    "already decided");
    char on[A6_DATE_TEXT_SIZE];
    a6_date_format(op->on, on);
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, op->approve ? "authorized" : "declined");
    db_bind_text(stmt, 2, op->actor);
    db_bind_text(stmt, 3, on);
    db_bind_int64(stmt, 4, op->id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, op->actor,
                           op->approve ? "authorization.authorize" : "authorization.decline",
                           "authorization", op->id, json_pack("{ss}", "on", on), err)) < 0)
        return rc;
    op->result->id = op->id;
    return WRITER_ACCEPTED;
}

void authorization_decide(writer_t *w, const char *actor, a6_role_t role, int64_t id, int approve,
                          a6_date_t on, authorization_result_t *result)
{
    operation_t op = {
        .actor = actor, .role = role, .id = id, .approve = approve, .on = on, .result = result};
    authorization_run(w, apply_decide, &op, op.result);
}

static int apply_revoke(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char find_sql[] = "SELECT status, decided_on, revoked_on FROM authorizations "
                                   "WHERE id = ?";
    static const char transferred_sql[] = "SELECT COUNT(*) FROM first_transfers "
                                          "WHERE authorization_id = ?";
    static const char sql[] = "UPDATE authorizations SET revoked_on = ? WHERE id = ?";
    operation_t *op = context;
    if (op->role != ROLE_AUTHORITY)
        return authorization_reject(op->result, A6_CHECK_ROLE_NOT_ALLOWED, "role",
                                    "revocations: authority");
    if (op->on == A6_DATE_NONE)
        return authorization_reject(op->result, A6_CHECK_DATE_INVALID, "date", NULL);
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, op->id);
    int rc = db_step(stmt, err);
    char status[32] = "";
    a6_date_t decided = A6_DATE_NONE;
    int revoked = 0;
    if (rc == DB_ROW) {
        snprintf(status, sizeof status, "%s", db_column_text(stmt, 0));
        if (!db_column_is_null(stmt, 1)) a6_date_parse(db_column_text(stmt, 1), &decided);
        revoked = !db_column_is_null(stmt, 2);
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!*status)
        return authorization_reject(op->result, A6_CHECK_AUTHORIZATION_NOT_FOUND, "authorization",
                                    NULL);
    if (strcmp(status, "authorized") != 0 || revoked)
        return authorization_reject(op->result, A6_CHECK_TRANSITION_NOT_ALLOWED, "authorization",
                                    revoked ? "already revoked"
                                            : "only an authorization in force is revoked");
    if (op->on < decided)
        return authorization_reject(op->result, A6_CHECK_DATES_OUT_OF_ORDER, "date",
                                    "a revocation cannot precede the authorization");
    int64_t transferred;
    if ((rc = db_query_int64_bind(db, transferred_sql, op->id, &transferred, err)) < 0) return rc;
    if (transferred)
        return authorization_reject(op->result, A6_CHECK_UNITS_FIRST_TRANSFERRED, "authorization",
                                    NULL);
    char on[A6_DATE_TEXT_SIZE];
    a6_date_format(op->on, on);
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, on);
    db_bind_int64(stmt, 2, op->id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if ((rc = ledger_audit(db, state, op->actor, "authorization.revoke", "authorization", op->id,
                           json_pack("{ss}", "on", on), err)) < 0)
        return rc;
    op->result->id = op->id;
    return WRITER_ACCEPTED;
}

void authorization_revoke(writer_t *w, const char *actor, a6_role_t role, int64_t id, a6_date_t on,
                          authorization_result_t *result)
{
    operation_t op = {.actor = actor, .role = role, .id = id, .on = on, .result = result};
    authorization_run(w, apply_revoke, &op, op.result);
}

/* What a change needs of the version in force. */
typedef struct current_version {
    char status[32];
    char ref[LEDGER_HOLDER_MAX + 1];
    int revoked;
    int64_t quantity;
    int32_t version;
    a6_purpose_t purpose;
    int64_t issued;                    /* units issued under it */
    int32_t issued_first, issued_last; /* their vintages (0 when none) */
    int64_t first_transferred;
} current_version_t;

static int load_current(db_t *db, int64_t id, current_version_t *c, db_error_t *err)
{
    static const char sql[] = "SELECT z.status, v.ref, z.revoked_on IS NOT NULL, z.quantity, "
                              "z.version, z.purpose FROM authorizations z "
                              "JOIN activities v ON v.id = z.activity_id WHERE z.id = ?";
    static const char issued_sql[] =
        "SELECT COALESCE(SUM(quantity), 0), COALESCE(MIN(vintage), 0), "
        "COALESCE(MAX(vintage), 0) FROM issuances "
        "WHERE authorization_id = ?";
    static const char transferred_sql[] = "SELECT COUNT(*) FROM first_transfers "
                                          "WHERE authorization_id = ?";
    memset(c, 0, sizeof *c);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        snprintf(c->status, sizeof c->status, "%s", db_column_text(stmt, 0));
        snprintf(c->ref, sizeof c->ref, "%s", db_column_text(stmt, 1));
        c->revoked = (int)db_column_int64(stmt, 2);
        c->quantity = db_column_int64(stmt, 3);
        c->version = (int32_t)db_column_int64(stmt, 4);
        a6_purpose_parse(db_column_text(stmt, 5), &c->purpose);
    }
    db_reset(stmt);
    if (rc < 0 || !*c->status) return rc < 0 ? rc : 0;
    if (!(stmt = db_prepare(db, issued_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    if ((rc = db_step(stmt, err)) == DB_ROW) {
        c->issued = db_column_int64(stmt, 0);
        c->issued_first = (int32_t)db_column_int64(stmt, 1);
        c->issued_last = (int32_t)db_column_int64(stmt, 2);
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    return db_query_int64_bind(db, transferred_sql, id, &c->first_transferred, err);
}

/* A new version of an authorization in force: re-evaluated against the policy as if it replaced
 * the current version, refused once any unit was first transferred (4033), below what was issued
 * under it (4020) or leaving issued vintages outside the new timeframe (4021). */
static int apply_change(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char sql[] = "UPDATE authorizations SET version = ?, quantity = ?, "
                              "timeframe_first = ?, timeframe_last = ?, evaluation = ?, "
                              "policy_version = ?, decided_by = ?, decided_on = ? WHERE id = ?";
    operation_t *op = context;
    const authorization_input_t *in = op->input;
    if (op->role != ROLE_AUTHORITY)
        return authorization_reject(op->result, A6_CHECK_ROLE_NOT_ALLOWED, "role",
                                    "changes: authority");
    if (op->on == A6_DATE_NONE)
        return authorization_reject(op->result, A6_CHECK_DATE_INVALID, "date", NULL);
    current_version_t current;
    int rc = load_current(db, op->id, &current, err);
    if (rc < 0) return rc;
    if (!*current.status)
        return authorization_reject(op->result, A6_CHECK_AUTHORIZATION_NOT_FOUND, "authorization",
                                    NULL);
    if (strcmp(current.status, "authorized") != 0 || current.revoked)
        return authorization_reject(op->result, A6_CHECK_TRANSITION_NOT_ALLOWED, "authorization",
                                    "only an authorization in force changes");
    if (current.first_transferred)
        return authorization_reject(op->result, A6_CHECK_UNITS_FIRST_TRANSFERRED, "authorization",
                                    NULL);
    if (in->quantity_tco2e < current.issued)
        return authorization_reject(op->result, A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED, "quantity",
                                    "below the units already issued under it");
    if (current.issued &&
        (current.issued_first < in->vintage_first || current.issued_last > in->vintage_last))
        return authorization_reject(op->result, A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME, "vintages",
                                    "units already issued under it would fall outside");
    json_t *body;
    int64_t policy_version;
    if ((rc = load_policy(db, &body, &policy_version, err)) < 0) return rc;
    parsed_policy_t parsed;
    if (!body || parse_policy(body, &parsed) != A6_OK) {
        json_decref(body);
        return authorization_reject(op->result, A6_CHECK_POLICY_INVALID, "policy",
                                    "no policy is in force");
    }
    activity_facts_t facts;
    if ((rc = load_facts(db, current.ref, &facts, err)) < 0) {
        json_decref(body);
        return rc;
    }
    facts.replaced_tco2e = current.quantity;
    authorization_input_t change = *in;
    change.ref = current.ref;
    change.purpose = current.purpose;
    json_t *evaluation = NULL;
    a6_check_t check = evaluate(db, &change, &parsed, &facts, &evaluation, err, &rc);
    json_decref(body);
    if (rc < 0) {
        json_decref(evaluation);
        return rc;
    }
    op->result->evaluation = evaluation;
    if (check != A6_OK) {
        snprintf(op->result->message, sizeof op->result->message, "refused by the policy: %s",
                 a6_check_name(check));
        op->result->check = check;
        op->result->field = "policy";
        return WRITER_REJECTED;
    }
    char *text = json_dumps(evaluation, JSON_COMPACT), on[A6_DATE_TEXT_SIZE];
    a6_date_format(op->on, on);
    db_stmt_t *stmt = text ? db_prepare(db, sql, err) : NULL;
    if (!stmt) {
        free(text);
        return text ? DB_ERROR : db_error_set(err, DB_ERROR, "out of memory");
    }
    db_bind_int64(stmt, 1, current.version + 1);
    db_bind_int64(stmt, 2, in->quantity_tco2e);
    db_bind_int64(stmt, 3, in->vintage_first);
    db_bind_int64(stmt, 4, in->vintage_last);
    db_bind_text(stmt, 5, text);
    db_bind_int64(stmt, 6, policy_version);
    db_bind_text(stmt, 7, op->actor);
    db_bind_text(stmt, 8, on);
    db_bind_int64(stmt, 9, op->id);
    rc = db_step_done(stmt, err);
    free(text);
    if (rc < 0) return rc;
    json_t *payload = json_pack(
        "{sI sI sI sI sI ss}", "version", (json_int_t)current.version + 1, "previous_quantity",
        (json_int_t)current.quantity, "quantity", (json_int_t)in->quantity_tco2e, "vintage_first",
        (json_int_t)in->vintage_first, "vintage_last", (json_int_t)in->vintage_last, "on", on);
    if ((rc = ledger_audit(db, state, op->actor, "authorization.change", "authorization", op->id,
                           payload, err)) < 0)
        return rc;
    op->result->id = op->id;
    return WRITER_ACCEPTED;
}

void authorization_change(writer_t *w, const authorization_input_t *in, a6_role_t role, int64_t id,
                          a6_date_t on, authorization_result_t *result)
{
    operation_t op = {
        .actor = in->actor, .role = role, .input = in, .id = id, .on = on, .result = result};
    authorization_run(w, apply_change, &op, op.result);
    if (result->store_error < 0 && result->evaluation) {
        json_decref(result->evaluation);
        result->evaluation = NULL;
    }
}

static json_t *row_json(db_stmt_t *stmt)
{
    json_t *evaluation = json_loads(db_column_text(stmt, 10), 0, NULL);
    json_t *row =
        json_pack("{sI ss ss sI ss sI ss so ss ss}", "id", (json_int_t)db_column_int64(stmt, 0),
                  "ref", db_column_text(stmt, 1), "approach", db_column_text(stmt, 2), "version",
                  (json_int_t)db_column_int64(stmt, 3), "purpose", db_column_text(stmt, 4),
                  "quantity", (json_int_t)db_column_int64(stmt, 5), "timeframe", "", "evaluation",
                  evaluation ? evaluation : json_array(), "status", db_column_text(stmt, 8),
                  "requested_at", db_column_text(stmt, 9));
    char timeframe[32];
    snprintf(timeframe, sizeof timeframe, "%lld - %lld", (long long)db_column_int64(stmt, 6),
             (long long)db_column_int64(stmt, 7));
    json_object_set_new(row, "timeframe", json_string(timeframe));
    json_object_set_new(row, "policy_version", json_integer(db_column_int64(stmt, 11)));
    if (!db_column_is_null(stmt, 12))
        json_object_set_new(row, "decided_on", json_string(db_column_text(stmt, 12)));
    static const char *const optional[] = {"oimp_first_transfer", "terms", "revoked_on",
                                           "mitigation_type"};
    for (int i = 0; i < 4; i++)
        json_object_set_new(row, optional[i],
                            db_column_is_null(stmt, 13 + i)
                                ? json_null()
                                : json_string(db_column_text(stmt, 13 + i)));
    json_t *entities =
        json_loads(db_column_is_null(stmt, 17) ? "[]" : db_column_text(stmt, 17), 0, NULL);
    json_object_set_new(row, "entities", entities ? entities : json_array());
    return row;
}

#define AUTHORIZATION_COLUMNS                                                                      \
    "SELECT a.id, v.ref, a.approach_id, a.version, a.purpose, a.quantity, a.timeframe_first, "     \
    "a.timeframe_last, a.status, a.requested_at, a.evaluation, a.policy_version, a.decided_on, "   \
    "a.oimp_first_transfer, a.terms, a.revoked_on, a.mitigation_type, a.entities "                 \
    "FROM authorizations a JOIN activities v ON v.id = a.activity_id "

json_t *authorization_query_all(db_t *db, db_error_t *err)
{
    static const char sql[] = AUTHORIZATION_COLUMNS "ORDER BY a.id";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW)
        json_array_append_new(list, row_json(stmt));
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *authorization_query(db_t *db, int64_t id, db_error_t *err)
{
    static const char sql[] = AUTHORIZATION_COLUMNS "WHERE a.id = ?";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_int64(stmt, 1, id);
    json_t *row = db_step(stmt, err) == DB_ROW ? row_json(stmt) : NULL;
    db_reset(stmt);
    return row;
}
