/* migrate.c: a registry copied between databases, generically: the source's tables in creation
 * order (so a table comes after those it refers to), every column as text, rows by their first
 * column (ids ascending: a parent before its children). */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_store.h"
#include "ledger_verify.h"

#define MIGRATE_TABLES_MAX 128
#define MIGRATE_NAME_MAX 64
#define MIGRATE_SQL_MAX 8192

typedef struct migrate_tables {
    size_t count;
    char names[MIGRATE_TABLES_MAX][MIGRATE_NAME_MAX];
} migrate_tables_t;

/* The tables of db in creation order, less the migrations' own bookkeeping. */
static int list_tables(db_t *db, migrate_tables_t *tables, db_error_t *err)
{
    db_stmt_t *stmt = db_prepare_uncached(db, db_tables_sql(db), err);
    if (!stmt) return DB_ERROR;
    tables->count = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        const char *name = db_column_text(stmt, 0);
        if (strcmp(name, "schema_migrations") == 0) continue;
        if (tables->count == MIGRATE_TABLES_MAX || strlen(name) >= MIGRATE_NAME_MAX ||
            strspn(name, "abcdefghijklmnopqrstuvwxyz_0123456789") != strlen(name)) {
            rc = db_error_set(err, DB_ERROR, "unexpected table %s", name);
            break;
        }
        snprintf(tables->names[tables->count++], MIGRATE_NAME_MAX, "%s", name);
    }
    db_finalize(stmt);
    return rc < 0 ? rc : 0;
}

static int count_rows(db_t *db, const char *table, int64_t *rows, db_error_t *err)
{
    char sql[MIGRATE_SQL_MAX];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    db_stmt_t *stmt = db_prepare_uncached(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    *rows = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_finalize(stmt);
    return rc < 0 ? rc : 0;
}

/* INSERT INTO table (the select's columns) VALUES (?, ...). */
static int insert_sql(db_stmt_t *select, const char *table, char *sql, size_t size)
{
    int columns = db_column_count(select);
    int used = snprintf(sql, size, "INSERT INTO %s (", table);
    for (int c = 0; c < columns && used < (int)size; c++)
        used += snprintf(sql + used, size - (size_t)used, "%s%s", c ? ", " : "",
                         db_column_name(select, c));
    used += snprintf(sql + used, size > (size_t)used ? size - (size_t)used : 0, ") VALUES (");
    for (int c = 0; c < columns && used < (int)size; c++)
        used += snprintf(sql + used, size - (size_t)used, "%s?", c ? ", " : "");
    used += snprintf(sql + used, size > (size_t)used ? size - (size_t)used : 0, ")");
    return used < (int)size ? columns : -1;
}

/* Copies one row of select into insert (every value as text; NULL stays NULL). */
static int copy_row(db_stmt_t *select, db_stmt_t *insert, int columns, db_error_t *err)
{
    for (int c = 0; c < columns; c++) {
        if (db_column_is_null(select, c))
            db_bind_null(insert, c + 1);
        else
            db_bind_text(insert, c + 1, db_column_text(select, c));
    }
    return db_step_done(insert, err);
}

typedef struct copy_job {
    db_t *source;
    db_t *target;
    const char *table;
    migrate_progress_fn progress;
    void *context;
    int64_t rows;
} copy_job_t;

static int copy_table(copy_job_t *job, db_error_t *err)
{
    int64_t total = 0;
    int rc = count_rows(job->source, job->table, &total, err);
    char sql[MIGRATE_SQL_MAX];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", job->table);
    db_stmt_t *select = rc < 0 ? NULL : db_prepare_uncached(job->source, sql, err);
    if (!select) return DB_ERROR;
    db_stmt_t *insert = NULL;
    int columns = 0;
    job->rows = 0;
    while ((rc = db_step(select, err)) == DB_ROW) {
        if (!insert) {
            columns = insert_sql(select, job->table, sql, sizeof sql);
            insert = columns < 0 ? NULL : db_prepare_uncached(job->target, sql, err);
            if (!insert) {
                rc = columns < 0 ? db_error_set(err, DB_ERROR, "table %s is too wide", job->table)
                                 : DB_ERROR;
                break;
            }
        }
        if ((rc = copy_row(select, insert, columns, err)) < 0) break;
        if (++job->rows % MIGRATE_PROGRESS_ROWS == 0 && job->progress)
            job->progress(job->context, job->table, job->rows, total);
    }
    db_finalize(insert);
    db_finalize(select);
    if (rc >= 0 && job->progress) job->progress(job->context, job->table, job->rows, total);
    return rc < 0 ? rc : 0;
}

/* Whether table refers (by a foreign key other than to itself) to a table not yet placed. */
static int waits_for(db_t *db, const char *table, const migrate_tables_t *placed,
                     const migrate_tables_t *all, int *waiting, db_error_t *err)
{
    db_stmt_t *stmt = db_prepare_uncached(db, db_references_sql(db), err);
    if (!stmt) return DB_ERROR;
    *waiting = 0;
    int rc;
    while (!*waiting && (rc = db_step(stmt, err)) == DB_ROW) {
        const char *from = db_column_text(stmt, 0), *to = db_column_text(stmt, 1);
        if (strcmp(from, table) != 0 || strcmp(to, table) == 0) continue;
        int known = 0, done = 0;
        for (size_t i = 0; i < all->count; i++)
            known |= strcmp(all->names[i], to) == 0;
        for (size_t i = 0; i < placed->count; i++)
            done |= strcmp(placed->names[i], to) == 0;
        *waiting = known && !done;
    }
    db_finalize(stmt);
    return rc < 0 ? rc : 0;
}

/* The tables reordered so that each comes after the tables it refers to (creation order
 * otherwise). An error for a cycle. */
static int order_tables(db_t *db, const migrate_tables_t *all, migrate_tables_t *ordered,
                        db_error_t *err)
{
    ordered->count = 0;
    while (ordered->count < all->count) {
        size_t before = ordered->count;
        for (size_t i = 0; i < all->count; i++) {
            int placed = 0, waiting = 0;
            for (size_t j = 0; j < ordered->count; j++)
                placed |= strcmp(ordered->names[j], all->names[i]) == 0;
            if (placed) continue;
            int rc = waits_for(db, all->names[i], ordered, all, &waiting, err);
            if (rc < 0) return rc;
            if (!waiting) memcpy(ordered->names[ordered->count++], all->names[i], MIGRATE_NAME_MAX);
        }
        if (ordered->count == before)
            return db_error_set(err, DB_ERROR, "the tables' foreign keys form a cycle");
    }
    return 0;
}

static int schema_version_of(db_t *db, int64_t *version, db_error_t *err)
{
    static const char sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
    return db_query_int64(db, sql, version, err);
}

/* Refuses (1, with the reason) a target of another schema version or holding any row. */
static int check_target(db_t *source, db_t *target, const migrate_tables_t *tables,
                        migrate_report_t *report, db_error_t *err)
{
    int64_t from_version = 0, to_version = 0, rows = 0;
    int rc = schema_version_of(source, &from_version, err);
    if (rc == 0) rc = schema_version_of(target, &to_version, err);
    if (rc < 0) return rc;
    if (from_version != to_version) {
        report->check = A6_CHECK_SCHEMA_VERSION_MISMATCH;
        report->field = "from";
        snprintf(report->problem, sizeof report->problem,
                 "the source is at schema version %lld and this a6reg at %lld: open the source "
                 "once with this a6reg (a6reg init --db SOURCE) first",
                 (long long)from_version, (long long)to_version);
        return 1;
    }
    for (size_t i = 0; i < tables->count; i++) {
        if ((rc = count_rows(target, tables->names[i], &rows, err)) < 0) return rc;
        if (rows > 0) {
            report->check = A6_CHECK_DATABASE_NOT_EMPTY;
            report->field = "to";
            snprintf(report->problem, sizeof report->problem,
                     "the target is not empty: table %s has %lld rows; migrate copies into a new "
                     "database only",
                     tables->names[i], (long long)rows);
            return 1;
        }
    }
    return 0;
}

static int copy_all(db_t *source, db_t *target, const migrate_tables_t *tables,
                    migrate_progress_fn progress, void *context, migrate_report_t *report,
                    db_error_t *err)
{
    int rc = db_begin_write(target, err);
    if (rc < 0) return rc;
    for (size_t i = 0; i < tables->count && rc >= 0; i++) {
        copy_job_t job = {source, target, tables->names[i], progress, context, 0};
        rc = copy_table(&job, err);
        report->rows += job.rows;
        report->tables++;
    }
    if (rc >= 0) return db_commit(target, err);
    db_error_t ignored = {0};
    db_rollback(target, &ignored);
    return rc;
}

/* The last audit record of db (seq 0 and "" when the log is empty). */
static int audit_head(db_t *db, int64_t *seq, char hash[65], db_error_t *err)
{
    static const char sql[] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    *seq = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    snprintf(hash, 65, "%s", rc == DB_ROW ? db_column_text(stmt, 1) : "");
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

/* verify on the copy, and the same audit head on both. */
static int check_copy(db_t *source, db_t *target, migrate_report_t *report, db_error_t *err)
{
    int64_t source_seq = 0;
    char source_hash[65];
    int rc = audit_head(source, &source_seq, source_hash, err);
    if (rc == 0) rc = audit_head(target, &report->audit_seq, report->audit_hash, err);
    if (rc < 0) return rc;
    ledger_verify_report_t verify;
    if ((rc = ledger_verify(target, &verify, err)) < 0) return rc;
    report->consistent = verify.consistent;
    if (!verify.consistent)
        snprintf(report->problem, sizeof report->problem, "%s", verify.first_problem);
    if (source_seq != report->audit_seq || strcmp(source_hash, report->audit_hash) != 0) {
        report->consistent = 0;
        snprintf(report->problem, sizeof report->problem,
                 "the copy's audit log ends at %lld %s, the source's at %lld %s",
                 (long long)report->audit_seq, report->audit_hash, (long long)source_seq,
                 source_hash);
    }
    return 0;
}

/* Lists, orders and checks the tables, then copies them and checks the copy. */
static int migrate_between(db_t *source, db_t *target, migrate_tables_t *all,
                           migrate_tables_t *ordered, migrate_progress_fn progress, void *context,
                           migrate_report_t *report, db_error_t *err)
{
    int rc = list_tables(source, all, err);
    if (rc == 0) rc = order_tables(source, all, ordered, err);
    if (rc == 0) rc = check_target(source, target, ordered, report, err);
    if (rc == 0) rc = copy_all(source, target, ordered, progress, context, report, err);
    if (rc == 0) rc = check_copy(source, target, report, err);
    return rc;
}

int store_migrate(const char *from, const char *to, migrate_progress_fn progress, void *context,
                  migrate_report_t *report, db_error_t *err)
{
    memset(report, 0, sizeof *report);
    migrate_tables_t *all = calloc(1, sizeof *all), *ordered = calloc(1, sizeof *ordered);
    if (!all || !ordered) {
        free(all);
        free(ordered);
        return db_error_set(err, DB_ERROR, "out of memory");
    }
    db_t *source = NULL, *target = NULL;
    int rc = ledger_store_open_reader(from, &source, err);
    if (rc == 0) rc = ledger_store_open(to, &target, err);
    if (rc == 0) rc = migrate_between(source, target, all, ordered, progress, context, report, err);
    free(all);
    free(ordered);
    db_close(target);
    db_close(source);
    return rc;
}
