/* aef_export.c: reads a year's AEF tables from the registry, checks them with core/aef.c, and
 * streams them to a sink. The check pass keeps one compact row per action (strings interned);
 * the write pass reads the database again and never holds more than one row. */
#include "aef_export.h"

#include <stdlib.h>
#include <string.h>

#include "../core/aef.h"
#include "../store/itmo_apply.h"
#include "../store/ledger_store.h"

#define FAILURES_LISTED 200
#define PROGRESS_EVERY 65536

/* ---- interned strings: every distinct text of the report is stored once ---- */

typedef struct intern {
    char **slots;
    size_t capacity; /* power of two */
    size_t count;
} intern_t;

static uint64_t text_hash(const char *text)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

/* The stored copy of text (NULL and "" give NULL); NULL with *failed set when out of memory. */
static const char *intern(intern_t *pool, const char *text, bool *failed)
{
    if (!text || !*text) return NULL;
    if (pool->count * 2 >= pool->capacity) {
        size_t capacity = pool->capacity ? pool->capacity * 2 : 256;
        char **slots = calloc(capacity, sizeof *slots);
        if (!slots) return *failed = true, NULL;
        for (size_t i = 0; i < pool->capacity; i++) {
            if (!pool->slots[i]) continue;
            size_t j = text_hash(pool->slots[i]) & (capacity - 1);
            while (slots[j])
                j = (j + 1) & (capacity - 1);
            slots[j] = pool->slots[i];
        }
        free(pool->slots);
        pool->slots = slots;
        pool->capacity = capacity;
    }
    size_t j = text_hash(text) & (pool->capacity - 1);
    while (pool->slots[j]) {
        if (strcmp(pool->slots[j], text) == 0) return pool->slots[j];
        j = (j + 1) & (pool->capacity - 1);
    }
    pool->slots[j] = strdup(text);
    if (!pool->slots[j]) return *failed = true, NULL;
    pool->count++;
    return pool->slots[j];
}

static void intern_release(intern_t *pool)
{
    for (size_t i = 0; i < pool->capacity; i++)
        free(pool->slots[i]);
    free(pool->slots);
    memset(pool, 0, sizeof *pool);
}

/* ---- the report's context ---- */

typedef struct report {
    int32_t year;
    char first_day[A6_DATE_TEXT_SIZE], last_day[A6_DATE_TEXT_SIZE];
    itmo_registry_t registry;
    bool frozen; /* T4 from aef_holdings */
    intern_t strings;
    bool failed; /* out of memory */
    a6_authorization_t *authorizations;
    size_t authorization_count;
    const char **entities;
    size_t entity_count;
} report_t;

static void report_release(report_t *r)
{
    free(r->authorizations);
    free(r->entities);
    intern_release(&r->strings);
}

static const char *column_text(db_stmt_t *stmt, int column)
{
    return db_column_is_null(stmt, column) ? NULL : db_column_text(stmt, column);
}

static a6_date_t column_date(db_stmt_t *stmt, int column)
{
    a6_date_t date = A6_DATE_NONE;
    const char *text = column_text(stmt, column);
    if (text) a6_date_parse(text, &date);
    return date;
}

static int report_open(db_t *db, int32_t year, report_t *r, db_error_t *err)
{
    static const char closed_sql[] = "SELECT COALESCE(MAX(CAST(value AS INTEGER)), 0) FROM "
                                     "registry_meta WHERE name = 'holdings_closed_year'";
    memset(r, 0, sizeof *r);
    r->year = year;
    snprintf(r->first_day, sizeof r->first_day, "%04d-01-01", (int)year);
    snprintf(r->last_day, sizeof r->last_day, "%04d-12-31", (int)year);
    int64_t closed = 0;
    int rc;
    if ((rc = itmo_registry_load(db, &r->registry, err)) < 0 ||
        (rc = db_query_int64(db, closed_sql, &closed, err)) < 0)
        return rc;
    r->frozen = year <= closed;
    return 0;
}

/* ---- T2 authorizations and T5 entities ---- */

#define T2_SQL                                                                                     \
    "SELECT z.id, z.decided_on, z.approach_id, z.version, z.quantity, z.timeframe_first, "         \
    "z.timeframe_last, z.purpose, z.oimp_first_transfer, z.revoked_on, z.entities, z.terms, "      \
    "v.ref, v.sector, v.technology_group, p.partner_party FROM authorizations z "                  \
    "JOIN activities v ON v.id = z.activity_id LEFT JOIN approaches p ON p.id = z.approach_id "    \
    "WHERE z.status = 'authorized' AND z.decided_on <= ? ORDER BY z.id"

static int load_authorizations(db_t *db, report_t *r, db_error_t *err)
{
    static const char sql[] = T2_SQL;
    static const char count_sql[] = "SELECT COUNT(*) FROM authorizations";
    int64_t count = 0;
    int rc = db_query_int64(db, count_sql, &count, err);
    if (rc < 0) return rc;
    r->authorizations = calloc((size_t)count + 1, sizeof *r->authorizations);
    if (!r->authorizations) return db_error_set(err, DB_ERROR, "out of memory");
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, r->last_day);
    while ((rc = db_step(stmt, err)) == DB_ROW && r->authorization_count < (size_t)count) {
        a6_authorization_t *a = &r->authorizations[r->authorization_count++];
        char label[32];
        itmo_authorization_label(&r->registry, db_column_int64(stmt, 0), label, sizeof label);
        a->id = intern(&r->strings, label, &r->failed);
        a->date = column_date(stmt, 1);
        a->approach_id = intern(&r->strings, column_text(stmt, 2), &r->failed);
        a->version = (int32_t)db_column_int64(stmt, 3);
        a->quantity_tco2e = db_column_int64(stmt, 4);
        a->timeframe_first = (int32_t)db_column_int64(stmt, 5);
        a->timeframe_last = (int32_t)db_column_int64(stmt, 6);
        a6_purpose_parse(db_column_text(stmt, 7), &a->purpose);
        if (column_text(stmt, 8))
            a6_first_transfer_parse(column_text(stmt, 8), &a->oimp_first_transfer);
        a->revoked_on = column_date(stmt, 9);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

#define T5_SQL                                                                                     \
    "SELECT authorized_on, name, country, identification, approach_id, conditions, "               \
    "change_conditions FROM entities WHERE authorized_on <= ? ORDER BY id"

static int load_entities(db_t *db, report_t *r, db_error_t *err)
{
    static const char sql[] = T5_SQL;
    static const char count_sql[] = "SELECT COUNT(*) FROM entities";
    int64_t count = 0;
    int rc = db_query_int64(db, count_sql, &count, err);
    if (rc < 0) return rc;
    r->entities = calloc((size_t)count + 1, sizeof *r->entities);
    if (!r->entities) return db_error_set(err, DB_ERROR, "out of memory");
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, r->last_day);
    while ((rc = db_step(stmt, err)) == DB_ROW && r->entity_count < (size_t)count)
        r->entities[r->entity_count++] = intern(&r->strings, db_column_text(stmt, 1), &r->failed);
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

/* ---- T3 actions and T4 holdings ---- */

#define T3_SQL                                                                                     \
    "SELECT action_date, action_type, action_subtype, approach_id, authorization_id, "             \
    "first_transferring_party, registry_id, first_serial, last_serial, unit_registry, quantity, "  \
    "mitigation_type, vintage, transferring_party, acquiring_party, purpose, using_party, "        \
    "using_entity, ndc_year FROM aef_actions WHERE action_date BETWEEN ? AND ? "                   \
    "ORDER BY action_date, id"

#define T4_FROZEN_SQL                                                                              \
    "SELECT first_serial, last_serial, approach_id, authorization_id, first_transferring_party, "  \
    "registry_id, unit_registry, mitigation_type, vintage FROM aef_holdings WHERE year = ? "       \
    "ORDER BY first_serial"

#define T4_LIVE_SQL                                                                                \
    "SELECT b.first_serial, b.last_serial, z.approach_id, i.authorization_id, ?, ?, "              \
    "p.unit_registry, COALESCE(z.mitigation_type, 'Emission reductions'), b.vintage "              \
    "FROM blocks b JOIN issuances i ON i.id = b.issuance_id "                                      \
    "JOIN authorizations z ON z.id = i.authorization_id "                                          \
    "JOIN approaches p ON p.id = z.approach_id JOIN accounts a ON a.id = b.account_id "            \
    "WHERE a.type IN ('holding', 'pending') ORDER BY b.first_serial"

static db_stmt_t *actions_query(db_t *db, const report_t *r, db_error_t *err)
{
    static const char sql[] = T3_SQL;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_text(stmt, 1, r->first_day);
    db_bind_text(stmt, 2, r->last_day);
    return stmt;
}

static db_stmt_t *holdings_query(db_t *db, const report_t *r, db_error_t *err)
{
    static const char frozen_sql[] = T4_FROZEN_SQL;
    static const char live_sql[] = T4_LIVE_SQL;
    db_stmt_t *stmt = db_prepare(db, r->frozen ? frozen_sql : live_sql, err);
    if (!stmt) return NULL;
    if (r->frozen) {
        db_bind_int64(stmt, 1, r->year);
    } else {
        db_bind_text(stmt, 1, r->registry.party);
        db_bind_text(stmt, 2, r->registry.registry_id);
    }
    return stmt;
}

static void progress(FILE *out, const char *what, size_t done)
{
    if (out && done % PROGRESS_EVERY == 0) fprintf(out, "\r%s: %zu rows", what, done), fflush(out);
}

/* A T3 row as the checks see it: strings borrowed from the statement until its next step. */
static a6_aef_row_t action_from(const report_t *r, db_stmt_t *stmt, char *label, size_t size)
{
    itmo_authorization_label(&r->registry, db_column_int64(stmt, 4), label, size);
    return (a6_aef_row_t){.action_date = column_date(stmt, 0),
                          .action_type = column_text(stmt, 1),
                          .action_subtype = column_text(stmt, 2),
                          .approach_id = column_text(stmt, 3),
                          .authorization_id = label,
                          .first_transferring_party = column_text(stmt, 5),
                          .registry_id = column_text(stmt, 6),
                          .first_id = db_column_int64(stmt, 7),
                          .last_id = db_column_int64(stmt, 8),
                          .unit_registry = column_text(stmt, 9),
                          .quantity_tco2e = db_column_int64(stmt, 10),
                          .mitigation_type = column_text(stmt, 11),
                          .vintage = (int32_t)db_column_int64(stmt, 12),
                          .transferring_party = column_text(stmt, 13),
                          .acquiring_party = column_text(stmt, 14),
                          .purpose = column_text(stmt, 15),
                          .using_party = column_text(stmt, 16),
                          .using_entity = column_text(stmt, 17),
                          .ndc_year = (int32_t)db_column_int64(stmt, 18)};
}

/* Pass 1 over T3 in table order: the rules of each row. */
static int check_actions(db_t *db, report_t *r, a6_aef_stream_t *stream, FILE *out, size_t *count,
                         db_error_t *err)
{
    db_stmt_t *stmt = actions_query(db, r, err);
    if (!stmt) return DB_ERROR;
    int rc;
    *count = 0;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        char label[32];
        a6_aef_row_t row = action_from(r, stmt, label, sizeof label);
        a6_aef_stream_row(stream, A6_AEF_T3_ACTIONS, (*count)++, &row);
        progress(out, "checking T3 actions", *count);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

/* Pass 2 over T3 in block order (registry, first, last, then row number): overlaps. */
static int check_action_blocks(db_t *db, const report_t *r, a6_aef_stream_t *stream,
                               db_error_t *err)
{
    static const char sql[] =
        "SELECT registry_id, first_serial, last_serial, action_type, n FROM ("
        "SELECT registry_id, first_serial, last_serial, action_type, "
        "ROW_NUMBER() OVER (ORDER BY action_date, id) - 1 AS n FROM aef_actions "
        "WHERE action_date BETWEEN ? AND ?) AS numbered "
        "ORDER BY registry_id, first_serial, last_serial, n";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, r->first_day);
    db_bind_text(stmt, 2, r->last_day);
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        a6_aef_row_t row = {.registry_id = column_text(stmt, 0),
                            .first_id = db_column_int64(stmt, 1),
                            .last_id = db_column_int64(stmt, 2),
                            .action_type = column_text(stmt, 3)};
        a6_aef_stream_block(stream, A6_AEF_T3_ACTIONS, (size_t)db_column_int64(stmt, 4), &row);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

/* T4 in one pass: its order (serials of this registry's blocks) is also its block order. */
static int check_holdings(db_t *db, report_t *r, a6_aef_stream_t *stream, size_t *count,
                          db_error_t *err)
{
    db_stmt_t *stmt = holdings_query(db, r, err);
    if (!stmt) return DB_ERROR;
    int rc;
    *count = 0;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        char label[32];
        itmo_authorization_label(&r->registry, db_column_int64(stmt, 3), label, sizeof label);
        int64_t first = db_column_int64(stmt, 0), last = db_column_int64(stmt, 1);
        a6_aef_row_t row = {.first_id = first,
                            .last_id = last,
                            .quantity_tco2e = last - first + 1,
                            .approach_id = column_text(stmt, 2),
                            .authorization_id = label,
                            .first_transferring_party = column_text(stmt, 4),
                            .registry_id = column_text(stmt, 5),
                            .unit_registry = column_text(stmt, 6),
                            .mitigation_type = column_text(stmt, 7),
                            .vintage = (int32_t)db_column_int64(stmt, 8)};
        a6_aef_stream_row(stream, A6_AEF_T4_HOLDINGS, *count, &row);
        a6_aef_stream_block(stream, A6_AEF_T4_HOLDINGS, (*count)++, &row);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static const char *table_name(a6_aef_table_t table)
{
    return table == A6_AEF_T2_AUTHORIZATIONS ? "T2" : table == A6_AEF_T3_ACTIONS ? "T3" : "T4";
}

/* Runs the consistency checks over every table, streaming T3 and T4 from the database. */
static int check_report(db_t *db, report_t *r, FILE *out, aef_export_outcome_t *outcome,
                        db_error_t *err)
{
    int rc;
    if ((rc = load_authorizations(db, r, err)) < 0 || (rc = load_entities(db, r, err)) < 0)
        return rc;
    if (r->failed) return db_error_set(err, DB_ERROR, "out of memory");
    a6_aef_report_t report = {.reported_year = r->year,
                              .authorizations = r->authorizations,
                              .authorization_count = r->authorization_count,
                              .entities = r->entities,
                              .entity_count = r->entity_count};
    size_t *work = malloc((a6_aef_stream_work_size(&report) + 1) * sizeof *work);
    a6_aef_failure_t *failures = malloc(FAILURES_LISTED * sizeof *failures);
    if (!work || !failures) {
        free(work);
        free(failures);
        return db_error_set(err, DB_ERROR, "out of memory");
    }
    a6_aef_stream_t stream;
    size_t actions = 0, holdings = 0, count = 0;
    if (a6_aef_stream_begin(&stream, &report, work, failures, FAILURES_LISTED) == A6_OK &&
        (rc = check_actions(db, r, &stream, out, &actions, err)) == 0 &&
        (rc = check_action_blocks(db, r, &stream, err)) == 0)
        rc = check_holdings(db, r, &stream, &holdings, err);
    a6_check_t check = a6_aef_stream_end(&stream, &count);
    free(work);
    outcome->failure_count = count;
    outcome->failures = json_array();
    for (size_t i = 0; i < count && i < FAILURES_LISTED; i++)
        json_array_append_new(
            outcome->failures,
            json_pack("{ss sI ss si ss ss}", "table", table_name(failures[i].table), "row",
                      (json_int_t)failures[i].row + 1, "rule", failures[i].rule, "code",
                      (int)failures[i].check, "check", a6_check_name(failures[i].check), "message",
                      failures[i].message));
    free(failures);
    if (out && actions >= PROGRESS_EVERY) fputc('\n', out);
    if (rc < 0) return rc;
    if (check != A6_OK) {
        outcome->check = A6_CHECK_AEF_INCONSISTENT;
        outcome->field = "report";
        snprintf(outcome->message, sizeof outcome->message,
                 "the %d report fails %zu consistency check%s: nothing was written", (int)r->year,
                 count, count == 1 ? "" : "s");
    }
    return 0;
}

int aef_export_check(db_t *db, int32_t year, aef_export_outcome_t *outcome, db_error_t *err)
{
    memset(outcome, 0, sizeof *outcome);
    report_t r;
    int rc = report_open(db, year, &r, err);
    if (rc == 0) rc = check_report(db, &r, NULL, outcome, err);
    outcome->holdings_frozen = r.frozen;
    report_release(&r);
    return rc;
}

/* ---- the write pass ---- */

static aef_cell_t text_cell(const char *text)
{
    return text && *text ? (aef_cell_t){.kind = AEF_CELL_TEXT, .text = text}
                         : (aef_cell_t){.kind = AEF_CELL_EMPTY};
}

static aef_cell_t column_cell(db_stmt_t *stmt, int column)
{
    return text_cell(column_text(stmt, column));
}

static aef_cell_t int_cell(int64_t value)
{
    return (aef_cell_t){.kind = AEF_CELL_INTEGER, .integer = value};
}

static const aef_cell_t empty_cell = {.kind = AEF_CELL_EMPTY};
static const char metric[] = "t CO2 eq";

typedef struct writer_state {
    aef_sink_t *sink;
    FILE *progress;
    report_t *report;
    aef_export_outcome_t *outcome;
} writer_state_t;

static int sink_failed(writer_state_t *w, db_error_t *err)
{
    return db_error_set(err, DB_ERROR, "%s", aef_sink_error(w->sink));
}

static int write_t1(db_t *db, writer_state_t *w, db_error_t *err)
{
    static const char submitted_sql[] = "SELECT version, submitted_on FROM aef_submissions "
                                        "WHERE year = ? ORDER BY submitted_on DESC, version DESC "
                                        "LIMIT 1";
    static const char ndc_sql[] = "SELECT first_year, last_year FROM ndc WHERE id = 1";
    char version[16] = "1.0", submitted[A6_DATE_TEXT_SIZE] = "";
    db_stmt_t *stmt = db_prepare(db, submitted_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, w->report->year);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        snprintf(version, sizeof version, "%s", db_column_text(stmt, 0));
        snprintf(submitted, sizeof submitted, "%.10s", db_column_text(stmt, 1));
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    w->outcome->draft = !*submitted;
    aef_cell_t cells[9] = {text_cell(w->report->registry.party), text_cell(version),
                           int_cell(w->report->year), text_cell(submitted)};
    for (int i = 4; i < 9; i++)
        cells[i] = empty_cell;
    if (!(stmt = db_prepare(db, ndc_sql, err))) return DB_ERROR;
    if ((rc = db_step(stmt, err)) == DB_ROW) {
        cells[6] = int_cell(db_column_int64(stmt, 0));
        cells[7] = int_cell(db_column_int64(stmt, 1));
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    if (aef_sink_begin_table(w->sink, AEF_T1_SUBMISSION) < 0 || aef_sink_row(w->sink, cells) < 0 ||
        aef_sink_end_table(w->sink) < 0)
        return sink_failed(w, err);
    w->outcome->rows[AEF_T1_SUBMISSION] = 1;
    return 0;
}

/* "a; b; c" from a JSON list of names, into out. */
static void joined_names(const char *json, char *out, size_t size)
{
    out[0] = '\0';
    json_t *list = json ? json_loads(json, 0, NULL) : NULL;
    size_t i, used = 0;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        int n = snprintf(out + used, size - used, "%s%s", i ? "; " : "", json_string_value(item));
        if (n < 0 || (size_t)n >= size - used) break;
        used += (size_t)n;
    }
    json_decref(list);
}

static int write_t2(db_t *db, writer_state_t *w, db_error_t *err)
{
    static const char sql[] = T2_SQL;
    if (aef_sink_begin_table(w->sink, AEF_T2_AUTHORIZATIONS) < 0) return sink_failed(w, err);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, w->report->last_day);
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        char label[32], timeframe[32], entities[2048], info[512];
        itmo_authorization_label(&w->report->registry, db_column_int64(stmt, 0), label,
                                 sizeof label);
        snprintf(timeframe, sizeof timeframe, "%lld - %lld", (long long)db_column_int64(stmt, 5),
                 (long long)db_column_int64(stmt, 6));
        joined_names(column_text(stmt, 10), entities, sizeof entities);
        a6_purpose_t purpose = 0;
        a6_purpose_parse(db_column_text(stmt, 7), &purpose);
        bool oimp = (a6_purpose_uses(purpose) & A6_USE_OIMP) != 0;
        snprintf(info, sizeof info, "activity %s%s%s", db_column_text(stmt, 12),
                 column_text(stmt, 9) ? "; revoked on " : "",
                 column_text(stmt, 9) ? column_text(stmt, 9) : "");
        aef_cell_t cells[19] = {text_cell(label),
                                column_cell(stmt, 1),
                                column_cell(stmt, 2),
                                int_cell(db_column_int64(stmt, 3)),
                                int_cell(db_column_int64(stmt, 4)),
                                text_cell(metric),
                                empty_cell,
                                empty_cell,
                                column_cell(stmt, 13),
                                column_cell(stmt, 14),
                                column_cell(stmt, 7),
                                column_cell(stmt, 15),
                                text_cell(entities),
                                text_cell(oimp ? "Yes" : "No"),
                                text_cell(timeframe),
                                column_cell(stmt, 11),
                                empty_cell,
                                column_cell(stmt, 8),
                                text_cell(info)};
        if (aef_sink_row(w->sink, cells) < 0) {
            db_reset(stmt);
            return sink_failed(w, err);
        }
        w->outcome->rows[AEF_T2_AUTHORIZATIONS]++;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    return aef_sink_end_table(w->sink) < 0 ? sink_failed(w, err) : 0;
}

static int write_t3(db_t *db, writer_state_t *w, db_error_t *err)
{
    if (aef_sink_begin_table(w->sink, AEF_T3_ACTIONS) < 0) return sink_failed(w, err);
    db_stmt_t *stmt = actions_query(db, w->report, err);
    if (!stmt) return DB_ERROR;
    int rc;
    size_t done = 0;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        char label[32], itmo[A6_ITMO_ID_SIZE], info[A6_ITMO_ID_SIZE + 16];
        itmo_authorization_label(&w->report->registry, db_column_int64(stmt, 4), label,
                                 sizeof label);
        a6_itmo_id_format(db_column_text(stmt, 3), db_column_text(stmt, 6), db_column_text(stmt, 5),
                          db_column_int64(stmt, 7), db_column_int64(stmt, 8),
                          (int32_t)db_column_int64(stmt, 12), itmo);
        snprintf(info, sizeof info, "ITMO %s", itmo);
        bool underlying = column_text(stmt, 9) != NULL;
        aef_cell_t cells[27] = {column_cell(stmt, 0),
                                column_cell(stmt, 1),
                                column_cell(stmt, 2),
                                column_cell(stmt, 3),
                                text_cell(label),
                                column_cell(stmt, 5),
                                column_cell(stmt, 6),
                                int_cell(db_column_int64(stmt, 7)),
                                int_cell(db_column_int64(stmt, 8)),
                                column_cell(stmt, 9),
                                underlying ? int_cell(db_column_int64(stmt, 7)) : empty_cell,
                                underlying ? int_cell(db_column_int64(stmt, 8)) : empty_cell,
                                text_cell(metric),
                                empty_cell,
                                empty_cell,
                                int_cell(db_column_int64(stmt, 10)),
                                empty_cell,
                                column_cell(stmt, 11),
                                int_cell(db_column_int64(stmt, 12)),
                                column_cell(stmt, 13),
                                column_cell(stmt, 14),
                                column_cell(stmt, 15),
                                column_cell(stmt, 16),
                                column_cell(stmt, 17),
                                db_column_is_null(stmt, 18) ? empty_cell
                                                            : int_cell(db_column_int64(stmt, 18)),
                                empty_cell,
                                text_cell(itmo[0] ? info : NULL)};
        if (aef_sink_row(w->sink, cells) < 0) {
            db_reset(stmt);
            return sink_failed(w, err);
        }
        w->outcome->rows[AEF_T3_ACTIONS] = ++done;
        progress(w->progress, "writing T3 actions", done);
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    if (w->progress && done >= PROGRESS_EVERY) fputc('\n', w->progress);
    return aef_sink_end_table(w->sink) < 0 ? sink_failed(w, err) : 0;
}

static int write_t4(db_t *db, writer_state_t *w, db_error_t *err)
{
    if (aef_sink_begin_table(w->sink, AEF_T4_HOLDINGS) < 0) return sink_failed(w, err);
    db_stmt_t *stmt = holdings_query(db, w->report, err);
    if (!stmt) return DB_ERROR;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        char label[32], itmo[A6_ITMO_ID_SIZE], info[A6_ITMO_ID_SIZE + 16];
        itmo_authorization_label(&w->report->registry, db_column_int64(stmt, 3), label,
                                 sizeof label);
        int64_t first = db_column_int64(stmt, 0), last = db_column_int64(stmt, 1);
        a6_itmo_id_format(db_column_text(stmt, 2), db_column_text(stmt, 5), db_column_text(stmt, 4),
                          first, last, (int32_t)db_column_int64(stmt, 8), itmo);
        snprintf(info, sizeof info, "ITMO %s", itmo);
        bool underlying = column_text(stmt, 6) != NULL;
        aef_cell_t cells[17] = {column_cell(stmt, 2),
                                text_cell(label),
                                column_cell(stmt, 4),
                                column_cell(stmt, 5),
                                int_cell(first),
                                int_cell(last),
                                column_cell(stmt, 6),
                                underlying ? int_cell(first) : empty_cell,
                                underlying ? int_cell(last) : empty_cell,
                                text_cell(metric),
                                empty_cell,
                                empty_cell,
                                int_cell(last - first + 1),
                                empty_cell,
                                column_cell(stmt, 7),
                                int_cell(db_column_int64(stmt, 8)),
                                text_cell(itmo[0] ? info : NULL)};
        if (aef_sink_row(w->sink, cells) < 0) {
            db_reset(stmt);
            return sink_failed(w, err);
        }
        w->outcome->rows[AEF_T4_HOLDINGS]++;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    return aef_sink_end_table(w->sink) < 0 ? sink_failed(w, err) : 0;
}

static int write_t5(db_t *db, writer_state_t *w, db_error_t *err)
{
    static const char sql[] = T5_SQL;
    if (aef_sink_begin_table(w->sink, AEF_T5_ENTITIES) < 0) return sink_failed(w, err);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, w->report->last_day);
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        aef_cell_t cells[8] = {
            column_cell(stmt, 0), column_cell(stmt, 1), column_cell(stmt, 2), column_cell(stmt, 3),
            column_cell(stmt, 4), column_cell(stmt, 5), column_cell(stmt, 6), empty_cell};
        if (aef_sink_row(w->sink, cells) < 0) {
            db_reset(stmt);
            return sink_failed(w, err);
        }
        w->outcome->rows[AEF_T5_ENTITIES]++;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    return aef_sink_end_table(w->sink) < 0 ? sink_failed(w, err) : 0;
}

int aef_export(db_t *db, const aef_export_options_t *options, aef_export_outcome_t *outcome,
               db_error_t *err)
{
    memset(outcome, 0, sizeof *outcome);
    report_t r;
    int rc = report_open(db, options->year, &r, err);
    if (rc == 0) rc = check_report(db, &r, options->progress, outcome, err);
    outcome->holdings_frozen = r.frozen;
    if (rc < 0 || outcome->check != A6_OK) {
        report_release(&r);
        return rc;
    }
    char error[512];
    aef_sink_t *sink = aef_sink_open(options->format, options->path, error, sizeof error);
    if (!sink) {
        report_release(&r);
        outcome->check = A6_CHECK_FIELD_MISSING;
        outcome->field = "output";
        snprintf(outcome->message, sizeof outcome->message, "%s", error);
        return 0;
    }
    writer_state_t w = {sink, options->progress, &r, outcome};
    if ((rc = write_t1(db, &w, err)) == 0 && (rc = write_t2(db, &w, err)) == 0 &&
        (rc = write_t3(db, &w, err)) == 0 && (rc = write_t4(db, &w, err)) == 0)
        rc = write_t5(db, &w, err);
    if (aef_sink_close(sink, error, sizeof error) < 0 && rc == 0)
        rc = db_error_set(err, DB_ERROR, "%s", error);
    report_release(&r);
    return rc;
}

/* ---- submission ---- */

typedef struct submission {
    const char *actor;
    a6_role_t role;
    int32_t year;
    aef_export_outcome_t *outcome;
} submission_t;

static int apply_submit(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char count_sql[] = "SELECT COUNT(*) FROM aef_submissions WHERE year = ?";
    static const char sql[] = "INSERT INTO aef_submissions(year, version, submitted_on, actor) "
                              "VALUES (?, ?, ?, ?)";
    submission_t *s = context;
    aef_export_outcome_t *outcome = s->outcome;
    memset(outcome, 0, sizeof *outcome);
    outcome->field = "year";
    if (s->role != ROLE_AUTHORITY) {
        outcome->check = A6_CHECK_ROLE_NOT_ALLOWED;
        outcome->field = "role";
        snprintf(outcome->message, sizeof outcome->message, "role: submissions: authority");
        return WRITER_REJECTED;
    }
    int current = 0;
    sscanf(state->now, "%4d", &current);
    if (s->year < 1990 || s->year >= current) {
        outcome->check = s->year < 1990 ? A6_CHECK_VINTAGE_INVALID : A6_CHECK_REPORT_YEAR_OPEN;
        snprintf(outcome->message, sizeof outcome->message, "year: %s",
                 a6_check_description(outcome->check));
        return WRITER_REJECTED;
    }
    /* Freeze the holdings of every ended year first (31 December is behind us). */
    int rc = itmo_close_years(db, state, err);
    if (rc < 0) return rc;
    if ((rc = aef_export_check(db, s->year, outcome, err)) < 0) return rc;
    if (outcome->check != A6_OK) return WRITER_REJECTED;
    int64_t earlier = 0;
    if ((rc = db_query_int64_bind(db, count_sql, s->year, &earlier, err)) < 0) return rc;
    char version[16];
    snprintf(version, sizeof version, "1.%lld", (long long)earlier);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, s->year);
    db_bind_text(stmt, 2, version);
    db_bind_text(stmt, 3, state->now);
    db_bind_text(stmt, 4, s->actor);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    snprintf(outcome->message, sizeof outcome->message, "submitted the %d report, version %s",
             (int)s->year, version);
    return ledger_audit(db, state, s->actor, "aef.submit", "aef-report", s->year,
                        json_pack("{sI ss}", "year", (json_int_t)s->year, "version", version),
                        err) < 0
               ? DB_ERROR
               : WRITER_ACCEPTED;
}

void aef_submit(writer_t *w, const char *actor, a6_role_t role, int32_t year,
                aef_export_outcome_t *outcome)
{
    memset(outcome, 0, sizeof *outcome); /* also when the writer fails before applying */
    submission_t s = {actor, role, year, outcome};
    db_error_t err = {0};
    int rc = writer_execute(w, apply_submit, &s, &err);
    if (rc < 0) {
        outcome->store_error = rc;
        snprintf(outcome->message, sizeof outcome->message, "storage error: %s", err.message);
    }
}
