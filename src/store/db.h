/* db.h: the small database driver interface every store module uses (SQLite and PostgreSQL).
 * SQL is written once with `?` placeholders; drivers adapt it. */
#ifndef A6_STORE_DB_H
#define A6_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db_t;
typedef struct db_stmt db_stmt_t;

typedef struct db_error {
    int code; /* one of db_result_t when negative */
    char message[512];
} db_error_t;

typedef enum db_result {
    DB_DONE = 0,
    DB_ROW = 1,
    DB_ERROR = -1,
    DB_CONSTRAINT = -2, /* unique or foreign key violation */
    DB_BUSY = -3,
} db_result_t;

typedef enum db_open_mode {
    DB_OPEN_WRITE = 0,    /* read-write, create if missing */
    DB_OPEN_READ = 1,     /* read-only */
    DB_OPEN_EXISTING = 2, /* read-write, fail if missing */
} db_open_mode_t;

/* Whether a location names a PostgreSQL database (postgres:// or postgresql:// URL). */
bool db_location_is_postgres(const char *location);

/* Opens a database: a file path (SQLite) or a PostgreSQL URL. Returns 0 and sets *out, or a
 * negative db_result_t with err filled. The caller owns *out and releases it with db_close. */
int db_open(const char *location, db_open_mode_t mode, db_t **out, db_error_t *err);
void db_close(db_t *db);
const char *db_driver_name(const db_t *db);

/* Runs one or more statements without results. */
int db_exec(db_t *db, const char *sql, db_error_t *err);

/* A prepared statement owned by db's cache, keyed by the address of `sql` (pass string literals).
 * It is reset and its bindings cleared before it is returned. NULL on error (err filled). */
db_stmt_t *db_prepare(db_t *db, const char *sql, db_error_t *err);

/* A statement outside the cache, for SQL built at run time (a table copy): the caller releases
 * it with db_finalize. NULL on error (err filled). */
db_stmt_t *db_prepare_uncached(db_t *db, const char *sql, db_error_t *err);
void db_finalize(db_stmt_t *stmt);

int db_bind_int64(db_stmt_t *stmt, int index, int64_t value);
int db_bind_text(db_stmt_t *stmt, int index, const char *value);
/* Like db_bind_text, without a copy where the driver allows it: value must stay unchanged until
 * the statement is reset (db_step_done resets it). For the writer's per-transfer statements. */
int db_bind_text_static(db_stmt_t *stmt, int index, const char *value);
int db_bind_null(db_stmt_t *stmt, int index);

/* DB_ROW when a row is available, DB_DONE at the end, negative on error (err filled). */
int db_step(db_stmt_t *stmt, db_error_t *err);
int64_t db_column_int64(db_stmt_t *stmt, int column);
/* Text of a column, valid until the next step/reset; "" for NULL. */
const char *db_column_text(db_stmt_t *stmt, int column);
bool db_column_is_null(db_stmt_t *stmt, int column);
/* The number and names of a result's columns, once a step returned a row. */
int db_column_count(db_stmt_t *stmt);
const char *db_column_name(db_stmt_t *stmt, int column);
/* A query listing the database's tables (one name per row) in the order they were created. */
const char *db_tables_sql(const db_t *db);
/* A query listing (table, referenced table) for every foreign key of the database. */
const char *db_references_sql(const db_t *db);
void db_reset(db_stmt_t *stmt);

/* Runs a query for one integer: *out is the first column of its first row (0 when there is no
 * row or the value is NULL). The _bind form binds one integer parameter first. 0, or a negative
 * db_result_t. */
int db_query_int64(db_t *db, const char *sql, int64_t *out, db_error_t *err);
int db_query_int64_bind(db_t *db, const char *sql, int64_t bind, int64_t *out, db_error_t *err);

/* Runs a statement expected to return no rows (INSERT/UPDATE/DELETE), then resets it. */
int db_step_done(db_stmt_t *stmt, db_error_t *err);

/* Transactions and savepoints. */
int db_begin(db_t *db, db_error_t *err);
/* Begins a transaction holding the write lock from the start (the writer's batches): another
 * process's writes are all committed before it or wait for it. */
int db_begin_write(db_t *db, db_error_t *err);
/* A read transaction for a request whose answer comes from the single writer (a POST): its
 * reads (authentication, checks the writer repeats) do not wait for the fsync of a batch they
 * may see, since nothing of them is answered before the writer's own answer, which is durable.
 * Every other read transaction waits (durability.h). */
int db_begin_for_writer_request(db_t *db, db_error_t *err);
int db_commit(db_t *db, db_error_t *err);
int db_rollback(db_t *db, db_error_t *err);
int db_savepoint(db_t *db, db_error_t *err);
int db_savepoint_release(db_t *db, db_error_t *err);
int db_savepoint_rollback(db_t *db, db_error_t *err);

/* Prepares the single writer's connection: a large page cache; the write-ahead log is still
 * checkpointed at commit when it grows past a bound, so it is reused rather than grown. */
int db_tune_writer(db_t *db, db_error_t *err);
/* Copies committed log pages into the database without blocking the writer (no-op where the
 * driver has no such log). */
int db_checkpoint(db_t *db, db_error_t *err);
/* The file a writer tuned by db_tune_writer must fsync itself after each commit before calling
 * it durable (SQLite's write-ahead log: the writer commits with synchronous=NORMAL), or NULL
 * when a commit is durable when it returns (PostgreSQL). */
const char *db_log_path(db_t *db);

/* Rows inserted, updated or deleted through this connection since it was opened (triggers
 * included), or -1 when the driver cannot tell. Equal before and after some work means that work
 * changed nothing. */
int64_t db_total_changes(db_t *db);
/* Waits for the writes sent without waiting (PostgreSQL's writer pipelines them: a write's
 * db_step returns before the server ran it) and returns the first one's failure, if any. A
 * later statement reports such a failure too. 0 at once where nothing is deferred. */
int db_flush(db_t *db, db_error_t *err);

/* Formats an error message into err (printf-style) and returns code. */
int db_error_set(db_error_t *err, int code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#endif
