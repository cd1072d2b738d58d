/* ndc_store.c: the NDC and inventory tables, changed through the writer and audited; the balance
 * read from them and from the first transfers and uses recorded by the ledger. */
#include "ndc_store.h"

#include <stdio.h>
#include <string.h>

typedef struct ndc_operation {
    const char *actor;
    const a6_ndc_t *ndc;
    int32_t year;
    int64_t emissions;
    int64_t trajectory;
    ndc_result_t *result;
} ndc_operation_t;

static int reject(ndc_result_t *result, a6_check_t check, const char *field, const char *detail)
{
    result->check = check;
    result->field = field;
    snprintf(result->message, sizeof result->message, "%s: %s%s%s", field,
             a6_check_description(check), detail ? ": " : "", detail ? detail : "");
    return WRITER_REJECTED;
}

static void bind_amount(db_stmt_t *stmt, int index, int64_t amount)
{
    if (amount == A6_NDC_MISSING)
        db_bind_null(stmt, index);
    else
        db_bind_int64(stmt, index, amount);
}

/* Loads the NDC; *found is 0 when none was set. */
int ndc_load(db_t *db, a6_ndc_t *ndc, int *found, db_error_t *err)
{
    static const char sql[] = "SELECT first_year, last_year, target_year, bau_tco2e, "
                              "unconditional_bp, conditional_bp, method, budget_tco2e FROM ndc";
    a6_ndc_init(ndc);
    *found = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        *found = 1;
        ndc->first_year = (int32_t)db_column_int64(stmt, 0);
        ndc->last_year = (int32_t)db_column_int64(stmt, 1);
        ndc->target_year = (int32_t)db_column_int64(stmt, 2);
        if (!db_column_is_null(stmt, 3)) ndc->bau_tco2e = db_column_int64(stmt, 3);
        if (!db_column_is_null(stmt, 4)) ndc->unconditional_bp = (int32_t)db_column_int64(stmt, 4);
        if (!db_column_is_null(stmt, 5)) ndc->conditional_bp = (int32_t)db_column_int64(stmt, 5);
        a6_ca_method_parse(db_column_text(stmt, 6), &ndc->method);
        if (!db_column_is_null(stmt, 7)) ndc->budget_tco2e = db_column_int64(stmt, 7);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int apply_ndc_set(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char sql[] =
        "INSERT INTO ndc(id, first_year, last_year, target_year, bau_tco2e, unconditional_bp, "
        "conditional_bp, method, budget_tco2e, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET first_year = excluded.first_year, "
        "last_year = excluded.last_year, target_year = excluded.target_year, "
        "bau_tco2e = excluded.bau_tco2e, unconditional_bp = excluded.unconditional_bp, "
        "conditional_bp = excluded.conditional_bp, method = excluded.method, "
        "budget_tco2e = excluded.budget_tco2e, updated_at = excluded.updated_at";
    ndc_operation_t *op = context;
    const a6_ndc_t *ndc = op->ndc;
    int years = ndc->last_year - ndc->first_year + 1;
    a6_ndc_year_t inputs[A6_NDC_YEARS_MAX];
    if (years > 0 && years <= A6_NDC_YEARS_MAX) a6_ndc_years_init(inputs, (size_t)years);
    a6_check_t check =
        a6_ndc_check(ndc, inputs, years > 0 && years <= A6_NDC_YEARS_MAX ? (size_t)years : 0);
    if (check != A6_OK) return reject(op->result, check, "ndc", NULL);
    a6_ndc_t current;
    int found;
    int rc = ndc_load(db, &current, &found, err);
    if (rc < 0) return rc;
    /* Once an AEF report of a year of the period was submitted the method is locked; the rule
     * lives in core. */
    static const char reported_sql[] = "SELECT COUNT(*) FROM aef_submissions s, ndc n "
                                       "WHERE s.year BETWEEN n.first_year AND n.last_year";
    db_stmt_t *reported = db_prepare(db, reported_sql, err);
    if (!reported) return DB_ERROR;
    rc = db_step(reported, err);
    bool locked = rc == DB_ROW && db_column_int64(reported, 0) > 0;
    db_reset(reported);
    if (rc < 0) return rc;
    check = a6_ca_method_change_check(found ? current.method : 0, ndc->method, locked);
    if (check != A6_OK) return reject(op->result, check, "method", NULL);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, ndc->first_year);
    db_bind_int64(stmt, 2, ndc->last_year);
    db_bind_int64(stmt, 3, ndc->target_year);
    bind_amount(stmt, 4, ndc->bau_tco2e);
    if (ndc->unconditional_bp == A6_BP_MISSING)
        db_bind_null(stmt, 5);
    else
        db_bind_int64(stmt, 5, ndc->unconditional_bp);
    if (ndc->conditional_bp == A6_BP_MISSING)
        db_bind_null(stmt, 6);
    else
        db_bind_int64(stmt, 6, ndc->conditional_bp);
    db_bind_text(stmt, 7, a6_ca_method_name(ndc->method));
    bind_amount(stmt, 8, ndc->budget_tco2e);
    db_bind_text(stmt, 9, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload =
        json_pack("{si si si ss}", "first_year", ndc->first_year, "last_year", ndc->last_year,
                  "target_year", ndc->target_year, "method", a6_ca_method_name(ndc->method));
    if (ndc->bau_tco2e != A6_NDC_MISSING)
        json_object_set_new(payload, "bau_tco2e", json_integer(ndc->bau_tco2e));
    if (ndc->unconditional_bp != A6_BP_MISSING)
        json_object_set_new(payload, "unconditional_bp", json_integer(ndc->unconditional_bp));
    rc = ledger_audit(db, state, op->actor, "ndc.set", "ndc", 1, payload, err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

static void run(writer_t *w, writer_apply_fn apply, ndc_operation_t *op)
{
    memset(op->result, 0, sizeof *op->result);
    db_error_t err = {0};
    int outcome = writer_execute(w, apply, op, &err);
    if (outcome < 0) {
        op->result->store_error = outcome;
        snprintf(op->result->message, sizeof op->result->message, "storage error: %s", err.message);
    }
}

void ndc_set(writer_t *w, const char *actor, const a6_ndc_t *ndc, ndc_result_t *result)
{
    ndc_operation_t op = {.actor = actor, .ndc = ndc, .result = result};
    run(w, apply_ndc_set, &op);
}

static int apply_year_set(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char sql[] =
        "INSERT INTO ndc_years(year, emissions_tco2e, trajectory_tco2e, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET "
        "emissions_tco2e = excluded.emissions_tco2e, "
        "trajectory_tco2e = COALESCE(excluded.trajectory_tco2e, ndc_years.trajectory_tco2e), "
        "updated_at = excluded.updated_at";
    ndc_operation_t *op = context;
    if (op->year < 1990 || op->year > 2100)
        return reject(op->result, A6_CHECK_NDC_INVALID, "year", "a year from 1990 to 2100");
    if (op->emissions < -A6_NDC_QUANTITY_MAX || op->emissions > A6_NDC_QUANTITY_MAX)
        return reject(op->result, A6_CHECK_NDC_INVALID, "emissions", "out of range");
    if (op->trajectory != A6_NDC_MISSING &&
        (op->trajectory < -A6_NDC_QUANTITY_MAX || op->trajectory > A6_NDC_QUANTITY_MAX))
        return reject(op->result, A6_CHECK_NDC_INVALID, "trajectory", "out of range");
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, op->year);
    db_bind_int64(stmt, 2, op->emissions);
    bind_amount(stmt, 3, op->trajectory);
    db_bind_text(stmt, 4, state->now);
    int rc = db_step_done(stmt, err);
    if (rc < 0) return rc;
    json_t *payload =
        json_pack("{si sI}", "year", (int)op->year, "emissions_tco2e", (json_int_t)op->emissions);
    rc = ledger_audit(db, state, op->actor, "ndc.year", "ndc_year", op->year, payload, err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

void ndc_year_set(writer_t *w, const char *actor, int32_t year, int64_t emissions_tco2e,
                  int64_t trajectory_tco2e, ndc_result_t *result)
{
    ndc_operation_t op = {.actor = actor,
                          .year = year,
                          .emissions = emissions_tco2e,
                          .trajectory = trajectory_tco2e,
                          .result = result};
    run(w, apply_year_set, &op);
}

/* Adds the per-year sums of a (year, quantity) query into the field at offset of each year. */
static int add_sums(db_t *db, const char *sql, const a6_ndc_t *ndc, a6_ndc_year_t *years,
                    int first_transfers, db_error_t *err)
{
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        int64_t year = db_column_int64(stmt, 0);
        if (year < ndc->first_year || year > ndc->last_year) continue;
        a6_ndc_year_t *y = &years[year - ndc->first_year];
        if (first_transfers)
            y->first_transferred_tco2e = db_column_int64(stmt, 1);
        else
            y->used_tco2e = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static json_t *amount_json(int64_t amount)
{
    return amount == A6_NDC_MISSING ? json_null() : json_integer(amount);
}

int ndc_load_years(db_t *db, const a6_ndc_t *ndc, a6_ndc_year_t *years, db_error_t *err)
{
    static const char years_sql[] = "SELECT year, emissions_tco2e, trajectory_tco2e FROM ndc_years";
    static const char first_sql[] = "SELECT year, SUM(quantity) FROM first_transfers GROUP BY year";
    static const char uses_sql[] = "SELECT year, SUM(quantity) FROM ndc_uses GROUP BY year";
    a6_ndc_years_init(years, (size_t)(ndc->last_year - ndc->first_year + 1));
    db_stmt_t *stmt = db_prepare(db, years_sql, err);
    if (!stmt) return DB_ERROR;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        int64_t y = db_column_int64(stmt, 0);
        if (y < ndc->first_year || y > ndc->last_year) continue;
        if (!db_column_is_null(stmt, 1))
            years[y - ndc->first_year].emissions_tco2e = db_column_int64(stmt, 1);
        if (!db_column_is_null(stmt, 2))
            years[y - ndc->first_year].trajectory_tco2e = db_column_int64(stmt, 2);
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    if ((rc = add_sums(db, first_sql, ndc, years, 1, err)) < 0) return rc;
    return add_sums(db, uses_sql, ndc, years, 0, err);
}

json_t *ndc_query_balance(db_t *db, int32_t year, a6_check_t *check, db_error_t *err)
{
    err->code = 0;
    a6_ndc_t ndc;
    int found;
    if (ndc_load(db, &ndc, &found, err) < 0) return NULL;
    *check = A6_CHECK_NDC_DATA_MISSING;
    if (!found) return NULL;
    size_t count = (size_t)(ndc.last_year - ndc.first_year + 1);
    a6_ndc_year_t years[A6_NDC_YEARS_MAX];
    if (ndc_load_years(db, &ndc, years, err) < 0) return NULL;
    a6_balance_t balance;
    if ((*check = a6_ndc_balance(&ndc, years, count, &balance)) != A6_OK) return NULL;
    if (year && (year < ndc.first_year || year > ndc.last_year)) {
        *check = A6_CHECK_NDC_INVALID;
        return NULL;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < balance.year_count; i++) {
        const a6_balance_year_t *b = &balance.years[i];
        if (year && b->year != year) continue;
        json_array_append_new(
            list,
            json_pack("{si so sI sI sI sI sb so so so}", "year", (int)b->year, "emissions_tco2e",
                      amount_json(b->emissions_tco2e), "first_transferred_tco2e",
                      (json_int_t)b->first_transferred_tco2e, "used_tco2e",
                      (json_int_t)b->used_tco2e, "net_tco2e", (json_int_t)b->net_tco2e,
                      "adjustment_tco2e", (json_int_t)b->adjustment_tco2e, "indicative",
                      b->indicative, "adjusted_tco2e", amount_json(b->adjusted_tco2e),
                      "target_tco2e", amount_json(b->target_tco2e), "distance_tco2e",
                      amount_json(b->distance_tco2e)));
    }
    *check = A6_OK;
    return json_pack("{ss si si si so so so so}", "method", a6_ca_method_name(balance.method),
                     "first_year", (int)ndc.first_year, "last_year", (int)ndc.last_year,
                     "target_year", (int)balance.target_year, "target_level_tco2e",
                     amount_json(balance.target_level_tco2e), "conditional_level_tco2e",
                     amount_json(balance.conditional_level_tco2e), "net_total_tco2e",
                     json_integer(balance.net_total_tco2e), "years", list);
}
