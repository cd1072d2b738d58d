/* db.c: driver dispatch, the prepared-statement cache and transaction helpers behind db.h. */
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_driver.h"
#include "durability.h"

#define DB_CACHE_SLOTS 256 /* power of two; more distinct statements than any module uses */

struct db_stmt {
    db_t *db;
    const char *sql; /* cache key: the address of the caller's SQL literal */
    void *statement;
    bool stepping; /* stepped since its last reset: its snapshot is taken */
};

struct db {
    const db_driver_t *driver;
    void *handle;
    /* A SQLite reader's file: after taking a snapshot it waits for the commits the snapshot
     * may hold to be durable (durability.h). Not valid for writers and PostgreSQL. */
    durability_key_t file;
    bool in_transaction;   /* between db_begin and db_commit or db_rollback */
    bool snapshot_durable; /* this transaction's snapshot was checked */
    db_stmt_t cache[DB_CACHE_SLOTS];
};

int db_error_set(db_error_t *err, int code, const char *format, ...)
{
    if (err) {
        va_list args;
        va_start(args, format);
        vsnprintf(err->message, sizeof err->message, format, args);
        va_end(args);
        err->code = code;
    }
    return code;
}

bool db_location_is_postgres(const char *location)
{
    return strncmp(location, "postgres://", 11) == 0 || strncmp(location, "postgresql://", 13) == 0;
}

int db_open(const char *location, db_open_mode_t mode, db_t **out, db_error_t *err)
{
    if (!location || !*location) return db_error_set(err, DB_ERROR, "empty database location");
    const db_driver_t *driver =
        db_location_is_postgres(location) ? &db_postgres_driver : &db_sqlite_driver;
    db_t *db = calloc(1, sizeof *db);
    if (!db) return db_error_set(err, DB_ERROR, "out of memory");
    db->driver = driver;
    int rc = driver->open(location, mode, &db->handle, err);
    if (rc < 0) {
        free(db);
        return rc;
    }
    if (driver == &db_sqlite_driver && mode == DB_OPEN_READ) db->file = durability_key_of(location);
    *out = db;
    return 0;
}

void db_close(db_t *db)
{
    if (!db) return;
    for (size_t i = 0; i < DB_CACHE_SLOTS; i++)
        if (db->cache[i].statement) db->driver->finalize(db->cache[i].statement);
    db->driver->close(db->handle);
    free(db);
}

const char *db_driver_name(const db_t *db)
{
    return db->driver->name;
}

int db_exec(db_t *db, const char *sql, db_error_t *err)
{
    return db->driver->exec(db->handle, sql, err);
}

db_stmt_t *db_prepare(db_t *db, const char *sql, db_error_t *err)
{
    size_t slot = ((uintptr_t)sql >> 3) & (DB_CACHE_SLOTS - 1);
    for (size_t probe = 0; probe < DB_CACHE_SLOTS; probe++) {
        db_stmt_t *entry = &db->cache[(slot + probe) & (DB_CACHE_SLOTS - 1)];
        if (entry->sql == sql) {
            db->driver->reset(entry->statement);
            entry->stepping = false;
            return entry;
        }
        if (entry->sql == NULL) {
            if (db->driver->prepare(db->handle, sql, &entry->statement, err) < 0) return NULL;
            entry->sql = sql;
            entry->db = db;
            return entry;
        }
    }
    db_error_set(err, DB_ERROR, "statement cache full");
    return NULL;
}

db_stmt_t *db_prepare_uncached(db_t *db, const char *sql, db_error_t *err)
{
    db_stmt_t *stmt = calloc(1, sizeof *stmt);
    if (!stmt) {
        db_error_set(err, DB_ERROR, "out of memory");
        return NULL;
    }
    if (db->driver->prepare(db->handle, sql, &stmt->statement, err) < 0) {
        free(stmt);
        return NULL;
    }
    stmt->db = db;
    stmt->sql = sql;
    return stmt;
}

void db_finalize(db_stmt_t *stmt)
{
    if (!stmt) return;
    stmt->db->driver->finalize(stmt->statement);
    free(stmt);
}

int db_column_count(db_stmt_t *stmt)
{
    return stmt->db->driver->column_count(stmt->statement);
}

const char *db_column_name(db_stmt_t *stmt, int column)
{
    const char *name = stmt->db->driver->column_name(stmt->statement, column);
    return name ? name : "";
}

const char *db_tables_sql(const db_t *db)
{
    return db->driver->tables_sql;
}

const char *db_references_sql(const db_t *db)
{
    return db->driver->references_sql;
}

int db_bind_int64(db_stmt_t *stmt, int index, int64_t value)
{
    return stmt->db->driver->bind_int64(stmt->statement, index, value);
}

int db_bind_text(db_stmt_t *stmt, int index, const char *value)
{
    if (!value) return db_bind_null(stmt, index);
    return stmt->db->driver->bind_text(stmt->statement, index, value);
}

int db_bind_text_static(db_stmt_t *stmt, int index, const char *value)
{
    if (!value) return db_bind_null(stmt, index);
    const db_driver_t *driver = stmt->db->driver;
    return driver->bind_text_static ? driver->bind_text_static(stmt->statement, index, value)
                                    : driver->bind_text(stmt->statement, index, value);
}

int db_bind_null(db_stmt_t *stmt, int index)
{
    return stmt->db->driver->bind_null(stmt->statement, index);
}

int db_step(db_stmt_t *stmt, db_error_t *err)
{
    db_t *db = stmt->db;
    bool first = !stmt->stepping;
    int rc = db->driver->step(db->handle, stmt->statement, err);
    stmt->stepping = rc == DB_ROW;
    /* The first step took the snapshot (of the statement, or of the transaction when it is the
     * transaction's first): nothing it read reaches the caller before it is durable. */
    if (first && db->file.valid && !db->snapshot_durable) {
        durability_wait_visible(db->file);
        db->snapshot_durable = db->in_transaction;
    }
    return rc;
}

int64_t db_column_int64(db_stmt_t *stmt, int column)
{
    return stmt->db->driver->column_int64(stmt->statement, column);
}

const char *db_column_text(db_stmt_t *stmt, int column)
{
    const char *text = stmt->db->driver->column_text(stmt->statement, column);
    return text ? text : "";
}

bool db_column_is_null(db_stmt_t *stmt, int column)
{
    return stmt->db->driver->column_is_null(stmt->statement, column);
}

void db_reset(db_stmt_t *stmt)
{
    stmt->db->driver->reset(stmt->statement);
    stmt->stepping = false;
}

int db_step_done(db_stmt_t *stmt, db_error_t *err)
{
    int rc = db_step(stmt, err);
    db_reset(stmt);
    if (rc == DB_ROW) return DB_DONE;
    return rc;
}

/* Runs one cached transaction-control statement (it returns no rows). It reads nothing, so it
 * does not wait for durability: the transaction's first read does. */
static int run_cached(db_t *db, const char *sql, db_error_t *err)
{
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db->driver->step(db->handle, stmt->statement, err);
    db_reset(stmt);
    return rc == DB_ROW ? DB_DONE : rc;
}

static int query_int64(db_t *db, const char *sql, const int64_t *bind, int64_t *out,
                       db_error_t *err)
{
    *out = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    if (bind) db_bind_int64(stmt, 1, *bind);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW && !db_column_is_null(stmt, 0)) *out = db_column_int64(stmt, 0);
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

int db_query_int64(db_t *db, const char *sql, int64_t *out, db_error_t *err)
{
    return query_int64(db, sql, NULL, out, err);
}

int db_query_int64_bind(db_t *db, const char *sql, int64_t bind, int64_t *out, db_error_t *err)
{
    return query_int64(db, sql, &bind, out, err);
}

static const char commit_sql[] = "COMMIT";
static const char rollback_sql[] = "ROLLBACK";
static const char savepoint_sql[] = "SAVEPOINT command";
static const char release_sql[] = "RELEASE SAVEPOINT command";
static const char rollback_to_sql[] = "ROLLBACK TO SAVEPOINT command";

/* Marks the end of a transaction: the next one takes (and checks) a new snapshot. */
static int transaction_ended(db_t *db, int rc)
{
    db->in_transaction = false;
    db->snapshot_durable = false;
    return rc;
}

int db_begin(db_t *db, db_error_t *err)
{
    int rc = run_cached(db, db->driver->begin_sql, err);
    db->in_transaction = rc >= 0;
    db->snapshot_durable = false;
    return rc;
}

int db_begin_for_writer_request(db_t *db, db_error_t *err)
{
    int rc = db_begin(db, err);
    db->snapshot_durable = rc >= 0;
    return rc;
}

int db_begin_write(db_t *db, db_error_t *err)
{
    int rc = run_cached(db, db->driver->begin_write_sql, err);
    db->in_transaction = rc >= 0;
    db->snapshot_durable = false;
    if (rc < 0 || !db->driver->write_lock_sql) return rc;
    rc = run_cached(db, db->driver->write_lock_sql, err);
    if (rc < 0) {
        db_error_t ignored = {0};
        db_rollback(db, &ignored);
    }
    return rc;
}

int db_commit(db_t *db, db_error_t *err)
{
    return transaction_ended(db, run_cached(db, commit_sql, err));
}

int db_rollback(db_t *db, db_error_t *err)
{
    return transaction_ended(db, run_cached(db, rollback_sql, err));
}

int db_savepoint(db_t *db, db_error_t *err)
{
    return run_cached(db, savepoint_sql, err);
}

int db_savepoint_release(db_t *db, db_error_t *err)
{
    return run_cached(db, release_sql, err);
}

int db_savepoint_rollback(db_t *db, db_error_t *err)
{
    return run_cached(db, rollback_to_sql, err);
}

int db_tune_writer(db_t *db, db_error_t *err)
{
    return db->driver->tune_writer ? db->driver->tune_writer(db->handle, err) : 0;
}

const char *db_log_path(db_t *db)
{
    return db->driver->log_path ? db->driver->log_path(db->handle) : NULL;
}

int db_checkpoint(db_t *db, db_error_t *err)
{
    return db->driver->checkpoint ? db->driver->checkpoint(db->handle, err) : 0;
}

int64_t db_total_changes(db_t *db)
{
    return db->driver->total_changes ? db->driver->total_changes(db->handle) : -1;
}

int db_flush(db_t *db, db_error_t *err)
{
    return db->driver->flush ? db->driver->flush(db->handle, err) : 0;
}
