/* db_sqlite.c: the SQLite driver: WAL journal, synchronous=FULL (NORMAL for the single writer,
 * which fsyncs the log itself: writer.c), foreign keys, busy timeout. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db_driver.h"

/* The page cache of each read connection: a few hundred pages keep the indexes' upper levels and
 * the hot blocks; with SERVER_THREADS_PER_CORE threads per core the readers' total stays small. */
#define SQLITE_READER_CACHE_KIB_TEXT "1024"

#define SQLITE_BUSY_TIMEOUT_MS 10000

static int sqlite_error(sqlite3 *handle, int rc, db_error_t *err)
{
    int code = DB_ERROR;
    int primary = rc & 0xff;
    if (primary == SQLITE_CONSTRAINT) code = DB_CONSTRAINT;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) code = DB_BUSY;
    return db_error_set(err, code, "sqlite: %s",
                        handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
}

static int sqlite_exec(void *handle, const char *sql, db_error_t *err)
{
    int rc = sqlite3_exec(handle, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) return sqlite_error(handle, rc, err);
    return 0;
}

/* Once per process, before SQLite initialises: no memory statistics (they take a global mutex on
 * every allocation) and multi-thread mode (each connection is used by one thread at a time). */
static void sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

static int sqlite_open(const char *location, db_open_mode_t mode, void **out, db_error_t *err)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, sqlite_configure);
    int flags = SQLITE_OPEN_NOMUTEX;
    if (mode == DB_OPEN_READ)
        flags |= SQLITE_OPEN_READONLY;
    else if (mode == DB_OPEN_EXISTING)
        flags |= SQLITE_OPEN_READWRITE;
    else
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3 *handle = NULL;
    int rc = sqlite3_open_v2(location, &handle, flags, NULL);
    if (rc != SQLITE_OK) {
        db_error_set(err, DB_ERROR, "cannot open %s: %s", location,
                     handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
        sqlite3_close(handle);
        return DB_ERROR;
    }
    sqlite3_busy_timeout(handle, SQLITE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(handle, 1);
    /* Readers: one per server thread, each with a bounded page cache (SQLITE_READER_CACHE_KIB),
     * so the server's memory has a ceiling however large the database grows. */
    const char *pragmas = mode == DB_OPEN_READ
                              ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON; "
                                "PRAGMA cache_size=-" SQLITE_READER_CACHE_KIB_TEXT ";"
                              : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
    if (sqlite_exec(handle, pragmas, err) < 0) {
        sqlite3_close(handle);
        return DB_ERROR;
    }
    *out = handle;
    return 0;
}

static void sqlite_close(void *handle)
{
    sqlite3_close(handle);
}

static int sqlite_prepare(void *handle, const char *sql, void **statement, db_error_t *err)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) return sqlite_error(handle, rc, err);
    *statement = stmt;
    return 0;
}

static void sqlite_finalize(void *statement)
{
    sqlite3_finalize(statement);
}

static int sqlite_bind_int64(void *statement, int index, int64_t value)
{
    return sqlite3_bind_int64(statement, index, value) == SQLITE_OK ? 0 : DB_ERROR;
}

static int sqlite_bind_text(void *statement, int index, const char *value)
{
    return sqlite3_bind_text(statement, index, value, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0
                                                                                         : DB_ERROR;
}

static int sqlite_bind_text_static(void *statement, int index, const char *value)
{
    return sqlite3_bind_text(statement, index, value, -1, SQLITE_STATIC) == SQLITE_OK ? 0
                                                                                      : DB_ERROR;
}

static int sqlite_bind_null(void *statement, int index)
{
    return sqlite3_bind_null(statement, index) == SQLITE_OK ? 0 : DB_ERROR;
}

static int sqlite_step(void *handle, void *statement, db_error_t *err)
{
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) return DB_DONE;
    int code = sqlite_error(handle, rc, err);
    sqlite3_reset(statement);
    return code;
}

static int64_t sqlite_column_int64(void *statement, int column)
{
    return sqlite3_column_int64(statement, column);
}

static const char *sqlite_column_text(void *statement, int column)
{
    return (const char *)sqlite3_column_text(statement, column);
}

static int sqlite_column_count(void *statement)
{
    return sqlite3_column_count(statement);
}

static const char *sqlite_column_name(void *statement, int column)
{
    return sqlite3_column_name(statement, column);
}

static bool sqlite_column_is_null(void *statement, int column)
{
    return sqlite3_column_type(statement, column) == SQLITE_NULL;
}

static void sqlite_reset(void *statement)
{
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
}

/* The writer's page cache keeps every page it appends until the cache is full, so a serving
 * registry's memory grows by this much as its database grows (bench/soak.py). 16 MiB holds the
 * hot pages: bench/ledger measured the same transfers/s with 16 MiB as with 64 MiB. */
#define SQLITE_WRITER_CACHE_KIB 16384

/* synchronous=NORMAL: a commit writes the log without an fsync; the writer fsyncs the log
 * (db_log_path) while it applies the next batch, and answers only then. Checkpoints still sync
 * the log before copying it and the database after. The checkpoint thread keeps the log short;
 * the writer checkpoints at commit only past SQLITE_WRITER_LOG_PAGES (32 MiB), a bound. */
#define SQLITE_WRITER_LOG_PAGES 8000

static int sqlite_tune_writer(void *handle, db_error_t *err)
{
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA cache_size=-%d; PRAGMA wal_autocheckpoint=%d; PRAGMA synchronous=NORMAL;",
             SQLITE_WRITER_CACHE_KIB, SQLITE_WRITER_LOG_PAGES);
    return sqlite_exec(handle, pragmas, err);
}

static const char *sqlite_log_path(void *handle)
{
    sqlite3_filename main = sqlite3_db_filename(handle, "main");
    return main && *main ? sqlite3_filename_wal(main) : NULL;
}

static int sqlite_checkpoint(void *handle, db_error_t *err)
{
    int rc = sqlite3_wal_checkpoint_v2(handle, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) return sqlite_error(handle, rc, err);
    return 0;
}

static int64_t sqlite_total_changes(void *handle)
{
    return sqlite3_total_changes64(handle);
}

const db_driver_t db_sqlite_driver = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .exec = sqlite_exec,
    .prepare = sqlite_prepare,
    .finalize = sqlite_finalize,
    .bind_int64 = sqlite_bind_int64,
    .bind_text = sqlite_bind_text,
    .bind_text_static = sqlite_bind_text_static,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .column_int64 = sqlite_column_int64,
    .column_text = sqlite_column_text,
    .column_is_null = sqlite_column_is_null,
    .column_count = sqlite_column_count,
    .column_name = sqlite_column_name,
    .reset = sqlite_reset,
    .tune_writer = sqlite_tune_writer,
    .checkpoint = sqlite_checkpoint,
    .log_path = sqlite_log_path,
    .total_changes = sqlite_total_changes,
    .begin_sql = "BEGIN",
    .begin_write_sql = "BEGIN IMMEDIATE",
    .tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' "
                  "AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    .references_sql = "SELECT m.name, f.\"table\" FROM sqlite_master m "
                      "JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
};
