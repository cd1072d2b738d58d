/* approach_store.c: cooperative approaches and authorized entities, set by the authority, one
 * writer operation each with its audit record. */
#include "approach_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "itmo_apply.h"

#define TEXT_MAX 2000 /* bytes of a name, identification or conditions */

typedef struct operation {
    const approach_input_t *approach;
    const entity_input_t *entity;
    authorization_result_t *result;
} operation_t;

static int exists(db_t *db, const char *sql, const char *key, int *found, db_error_t *err)
{
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, key);
    int rc = db_step(stmt, err);
    *found = rc == DB_ROW;
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int apply_approach_add(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char find_sql[] = "SELECT 1 FROM approaches WHERE id = ?";
    static const char sql[] = "INSERT INTO approaches(id, name, host_party, partner_party, "
                              "partner_registry, ndc_first_transfer, unit_registry, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    operation_t *op = context;
    const approach_input_t *in = op->approach;
    authorization_result_t *result = op->result;
    a6_unit_registry_t unit_registry;
    if (in->role != ROLE_AUTHORITY)
        return authorization_reject(result, A6_CHECK_ROLE_NOT_ALLOWED, "role",
                                    "approaches: authority");
    if (a6_approach_id_check(in->id) != A6_OK)
        return authorization_reject(result, A6_CHECK_APPROACH_ID_INVALID, "id", "like CA0001");
    if (a6_text_check(in->name, TEXT_MAX) != A6_OK)
        return authorization_reject(result, A6_CHECK_TEXT_INVALID, "name", NULL);
    if (a6_party_check(in->partner_party) != A6_OK)
        return authorization_reject(result, A6_CHECK_PARTY_INVALID, "partner_party", "ISO alpha-3");
    if (a6_registry_id_check(in->partner_registry) != A6_OK)
        return authorization_reject(result, A6_CHECK_REGISTRY_ID_INVALID, "partner_registry",
                                    "like JPN01");
    if (!a6_ndc_first_transfer_name(in->ndc_first_transfer) ||
        strcmp(a6_ndc_first_transfer_name(in->ndc_first_transfer), "unknown") == 0)
        return authorization_reject(result, A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID,
                                    "ndc_first_transfer", "international transfer or issuance");
    if (in->unit_registry && a6_unit_registry_parse(in->unit_registry, &unit_registry) != A6_OK)
        return authorization_reject(result, A6_CHECK_UNIT_REGISTRY_INVALID, "unit_registry", NULL);
    itmo_registry_t registry;
    int found = 0, rc;
    if ((rc = itmo_registry_load(db, &registry, err)) < 0 ||
        (rc = exists(db, find_sql, in->id, &found, err)) < 0)
        return rc;
    if (strcmp(in->partner_party, registry.party) == 0)
        return authorization_reject(result, A6_CHECK_PARTY_INVALID, "partner_party",
                                    "the partner must be another Party than this registry's");
    if (found) return authorization_reject(result, A6_CHECK_APPROACH_EXISTS, "id", in->id);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    const char *rule = a6_ndc_first_transfer_name(in->ndc_first_transfer);
    db_bind_text(stmt, 1, in->id);
    db_bind_text(stmt, 2, in->name);
    db_bind_text(stmt, 3, registry.party);
    db_bind_text(stmt, 4, in->partner_party);
    db_bind_text(stmt, 5, in->partner_registry);
    db_bind_text(stmt, 6, rule);
    if (in->unit_registry)
        db_bind_text(stmt, 7, in->unit_registry);
    else
        db_bind_null(stmt, 7);
    db_bind_text(stmt, 8, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload =
        json_pack("{ss ss ss ss ss s:s?}", "id", in->id, "name", in->name, "partner_party",
                  in->partner_party, "partner_registry", in->partner_registry, "ndc_first_transfer",
                  rule, "unit_registry", in->unit_registry);
    /* Approach ids are text: the audit object carries a number, so use the numeric part. */
    return ledger_audit(db, state, in->actor, "approach.add", "approach", atoll(in->id + 2),
                        payload, err) < 0
               ? DB_ERROR
               : WRITER_ACCEPTED;
}

void approach_add(writer_t *w, const approach_input_t *in, authorization_result_t *result)
{
    operation_t op = {.approach = in, .result = result};
    authorization_run(w, apply_approach_add, &op, op.result);
}

json_t *approach_query_all(db_t *db, db_error_t *err)
{
    static const char sql[] = "SELECT id, name, host_party, partner_party, partner_registry, "
                              "ndc_first_transfer, unit_registry, created_at FROM approaches "
                              "ORDER BY id";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        json_t *row = json_pack("{ss ss s[ss] ss ss ss ss}", "id", db_column_text(stmt, 0), "name",
                                db_column_text(stmt, 1), "parties", db_column_text(stmt, 2),
                                db_column_text(stmt, 3), "partner_party", db_column_text(stmt, 3),
                                "partner_registry", db_column_text(stmt, 4), "ndc_first_transfer",
                                db_column_text(stmt, 5), "created_at", db_column_text(stmt, 7));
        json_object_set_new(row, "unit_registry",
                            db_column_is_null(stmt, 6) ? json_null()
                                                       : json_string(db_column_text(stmt, 6)));
        json_array_append_new(list, row);
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

static bool optional_text_ok(const char *text)
{
    return !text || a6_text_check(text, TEXT_MAX) == A6_OK;
}

static int apply_entity_add(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char approach_sql[] = "SELECT 1 FROM approaches WHERE id = ?";
    static const char find_sql[] = "SELECT 1 FROM entities WHERE name = ?";
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM entities";
    static const char sql[] = "INSERT INTO entities(id, name, country, identification, "
                              "approach_id, conditions, change_conditions, authorized_on, "
                              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    operation_t *op = context;
    const entity_input_t *in = op->entity;
    authorization_result_t *result = op->result;
    if (in->role != ROLE_AUTHORITY)
        return authorization_reject(result, A6_CHECK_ROLE_NOT_ALLOWED, "role",
                                    "entities: authority");
    if (a6_text_check(in->name, LEDGER_HOLDER_MAX) != A6_OK)
        return authorization_reject(result, A6_CHECK_TEXT_INVALID, "name", NULL);
    if (a6_party_check(in->country) != A6_OK)
        return authorization_reject(result, A6_CHECK_PARTY_INVALID, "country", "ISO alpha-3");
    if (a6_text_check(in->identification, TEXT_MAX) != A6_OK)
        return authorization_reject(result, A6_CHECK_TEXT_INVALID, "identification", NULL);
    if (!optional_text_ok(in->conditions))
        return authorization_reject(result, A6_CHECK_TEXT_INVALID, "conditions", NULL);
    if (!optional_text_ok(in->change_conditions))
        return authorization_reject(result, A6_CHECK_TEXT_INVALID, "change_conditions", NULL);
    if (in->on == A6_DATE_NONE)
        return authorization_reject(result, A6_CHECK_DATE_INVALID, "date", NULL);
    int found = 0, rc;
    if ((rc = exists(db, approach_sql, in->approach_id ? in->approach_id : "", &found, err)) < 0)
        return rc;
    if (!found)
        return authorization_reject(result, A6_CHECK_APPROACH_NOT_FOUND, "approach",
                                    in->approach_id);
    if ((rc = exists(db, find_sql, in->name, &found, err)) < 0) return rc;
    if (found) return authorization_reject(result, A6_CHECK_ENTITY_EXISTS, "name", in->name);
    db_stmt_t *stmt = db_prepare(db, id_sql, err);
    if (!stmt) return DB_ERROR;
    rc = db_step(stmt, err);
    int64_t id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    char on[A6_DATE_TEXT_SIZE];
    a6_date_format(in->on, on);
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, in->name);
    db_bind_text(stmt, 3, in->country);
    db_bind_text(stmt, 4, in->identification);
    db_bind_text(stmt, 5, in->approach_id);
    if (in->conditions)
        db_bind_text(stmt, 6, in->conditions);
    else
        db_bind_null(stmt, 6);
    if (in->change_conditions)
        db_bind_text(stmt, 7, in->change_conditions);
    else
        db_bind_null(stmt, 7);
    db_bind_text(stmt, 8, on);
    db_bind_text(stmt, 9, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload =
        json_pack("{ss ss ss ss ss}", "name", in->name, "country", in->country, "identification",
                  in->identification, "approach", in->approach_id, "date", on);
    if ((rc = ledger_audit(db, state, in->actor, "entity.add", "entity", id, payload, err)) < 0)
        return rc;
    result->id = id;
    return WRITER_ACCEPTED;
}

void entity_add(writer_t *w, const entity_input_t *in, authorization_result_t *result)
{
    operation_t op = {.entity = in, .result = result};
    authorization_run(w, apply_entity_add, &op, op.result);
}

json_t *entity_query_all(db_t *db, db_error_t *err)
{
    static const char sql[] = "SELECT id, name, country, identification, approach_id, "
                              "conditions, change_conditions, authorized_on FROM entities "
                              "ORDER BY id";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        json_t *row = json_pack("{sI ss ss ss ss ss}", "id", (json_int_t)db_column_int64(stmt, 0),
                                "name", db_column_text(stmt, 1), "country", db_column_text(stmt, 2),
                                "identification", db_column_text(stmt, 3), "approach",
                                db_column_text(stmt, 4), "date", db_column_text(stmt, 7));
        for (int c = 5; c <= 6; c++)
            json_object_set_new(row, c == 5 ? "conditions" : "change_conditions",
                                db_column_is_null(stmt, c) ? json_null()
                                                           : json_string(db_column_text(stmt, c)));
        json_array_append_new(list, row);
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}
