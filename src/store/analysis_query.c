/* analysis_query.c: reads periods, activities and allocations into the core analyses' inputs. */
#include "analysis_query.h"

#include <stdlib.h>
#include <string.h>

/* Makes room for one more item of size bytes; false when memory runs out. */
static bool grow(void **items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity) return true;
    size_t next = *capacity ? *capacity * 2 : 64;
    void *grown = realloc(*items, next * size);
    if (!grown) return false;
    *items = grown;
    *capacity = next;
    return true;
}

static a6_date_t column_date(db_stmt_t *stmt, int column)
{
    a6_date_t date = A6_DATE_NONE;
    if (!db_column_is_null(stmt, column) &&
        a6_date_parse(db_column_text(stmt, column), &date) != A6_OK)
        date = A6_DATE_NONE;
    return date;
}

/* A copy of a text column, NULL for NULL; *failed set when memory runs out. */
static char *column_copy(db_stmt_t *stmt, int column, bool *failed)
{
    if (db_column_is_null(stmt, column)) return NULL;
    char *copy = strdup(db_column_text(stmt, column));
    if (!copy) *failed = true;
    return copy;
}

static int out_of_memory(db_stmt_t *stmt, db_error_t *err)
{
    db_reset(stmt);
    return db_error_set(err, DB_ERROR, "out of memory loading the analysis input");
}

static void read_period(db_stmt_t *stmt, lag_period_t *p, bool *failed)
{
    period_stage_t stage = PERIOD_REPORTED;
    period_stage_parse(db_column_text(stmt, 2), &stage);
    *p = (lag_period_t){.activity_ref = column_copy(stmt, 0, failed),
                        .period_id = db_column_int64(stmt, 1),
                        .stage = stage,
                        .end = column_date(stmt, 3),
                        .verified_on = column_date(stmt, 4),
                        .requested_on = column_date(stmt, 5),
                        .notified_on = column_date(stmt, 6),
                        .issued_on = column_date(stmt, 7),
                        .notified_tco2e = db_column_int64(stmt, 8)};
}

int analysis_load_periods(db_t *db, analysis_periods_t *out, db_error_t *err)
{
    static const char sql[] =
        "SELECT a.ref, m.id, m.stage, m.end_on, m.verified_on, m.requested_on, m.notified_on, "
        "m.issued_on, COALESCE(m.notified_tco2e, 0) FROM monitoring_periods m "
        "JOIN activities a ON a.id = m.activity_id ORDER BY a.ref, m.id";
    memset(out, 0, sizeof *out);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    size_t capacity = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        bool failed = false;
        if (!grow((void **)&out->items, &capacity, out->count, sizeof *out->items))
            return out_of_memory(stmt, err);
        read_period(stmt, &out->items[out->count++], &failed);
        if (failed) return out_of_memory(stmt, err);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

void analysis_periods_release(analysis_periods_t *periods)
{
    for (size_t i = 0; i < periods->count; i++)
        free((char *)periods->items[i].activity_ref);
    free(periods->items);
    memset(periods, 0, sizeof *periods);
}

static void read_activity(db_stmt_t *stmt, portfolio_activity_t *a, bool *failed)
{
    activity_kind_t kind = ACTIVITY_PROJECT;
    activity_state_t state = ACTIVITY_DRAFT;
    activity_kind_parse(db_column_text(stmt, 1), &kind);
    activity_state_parse(db_column_text(stmt, 2), &state);
    *a = (portfolio_activity_t){.ref = column_copy(stmt, 0, failed),
                                .kind = kind,
                                .state = state,
                                .technology_group = column_copy(stmt, 3, failed),
                                .registered_on = column_date(stmt, 4),
                                .expected_annual_tco2e = db_column_int64(stmt, 5),
                                .notified_tco2e = db_column_int64(stmt, 6),
                                .issued_tco2e = db_column_int64(stmt, 7)};
}

static int load_activities(db_t *db, analysis_portfolio_t *out, db_error_t *err)
{
    static const char sql[] =
        "SELECT a.ref, a.kind, a.state, NULLIF(a.technology_group, ''), a.registered_on, "
        "COALESCE(a.expected_annual_tco2e, 0), "
        "(SELECT COALESCE(SUM(m.notified_tco2e), 0) FROM monitoring_periods m "
        " WHERE m.activity_id = a.id), "
        "(SELECT COALESCE(SUM(m.notified_tco2e), 0) FROM monitoring_periods m "
        " WHERE m.activity_id = a.id AND m.stage = 'issued') "
        "FROM activities a ORDER BY a.ref";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    size_t capacity = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        bool failed = false;
        if (!grow((void **)&out->activities, &capacity, out->activity_count,
                  sizeof *out->activities))
            return out_of_memory(stmt, err);
        read_activity(stmt, &out->activities[out->activity_count++], &failed);
        if (failed) return out_of_memory(stmt, err);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int load_allocations(db_t *db, analysis_portfolio_t *out, db_error_t *err)
{
    static const char sql[] = "SELECT side, quantity FROM allocations ORDER BY id";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    size_t capacity = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        if (!grow((void **)&out->allocations, &capacity, out->allocation_count,
                  sizeof *out->allocations))
            return out_of_memory(stmt, err);
        allocation_side_t side = SIDE_HOST;
        allocation_side_parse(db_column_text(stmt, 0), &side);
        out->allocations[out->allocation_count++] =
            (portfolio_allocation_t){.side = side, .quantity = db_column_int64(stmt, 1)};
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

int analysis_load_portfolio(db_t *db, analysis_portfolio_t *out, db_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = load_activities(db, out, err);
    return rc < 0 ? rc : load_allocations(db, out, err);
}

void analysis_portfolio_release(analysis_portfolio_t *portfolio)
{
    for (size_t i = 0; i < portfolio->activity_count; i++) {
        free((char *)portfolio->activities[i].ref);
        free((char *)portfolio->activities[i].technology_group);
    }
    free(portfolio->activities);
    free(portfolio->allocations);
    memset(portfolio, 0, sizeof *portfolio);
}
