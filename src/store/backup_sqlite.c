/* backup_sqlite.c: backup and restore of a SQLite registry with SQLite's online backup API.
 * The backup copies the pages of one read transaction held open from the first step to the last:
 * in WAL mode that snapshot blocks no writer and no later commit restarts the copy, so the file is
 * the registry as it was at one commit, whatever the server does meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_internal.h"

/* Pages copied per step (512 KiB of 4 KiB pages): each step holds the source's and the target's
 * locks only briefly; the snapshot, not the step size, keeps the copy consistent. */
#define BACKUP_STEP_PAGES 128
#define BACKUP_BUSY_TIMEOUT_MS 10000
#define BACKUP_BUSY_RETRIES 1000 /* steps answered BUSY (10 ms apart) before giving up */

/* Opens a SQLite database with the registry's busy timeout; NULL with err filled. */
static sqlite3 *open_database(const char *path, int flags, const char *field,
                              backup_outcome_t *outcome, db_error_t *err)
{
    sqlite3 *handle = NULL;
    int rc = sqlite3_open_v2(path, &handle, flags, NULL);
    if (rc != SQLITE_OK) {
        backup_fail(outcome, field, err, "%s '%s': cannot open: %s", field, path,
                    handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
        sqlite3_close(handle);
        return NULL;
    }
    sqlite3_busy_timeout(handle, BACKUP_BUSY_TIMEOUT_MS);
    return handle;
}

/* *out: the number of schema objects (named) the database holds, or of tables named `table`.
 * Reading it starts a read transaction when one is open. 0, or DB_ERROR with err. */
static int count_objects(sqlite3 *handle, const char *table, int64_t *out, const char *field,
                         backup_outcome_t *outcome, db_error_t *err)
{
    static const char all_sql[] = "SELECT COUNT(*) FROM sqlite_master";
    static const char one_sql[] = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                  "name = ?";
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(handle, table ? one_sql : all_sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK && table) rc = sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW)
        return backup_fail(outcome, field, err, "%s: cannot read the database: %s", field,
                           sqlite3_errmsg(handle));
    return 0;
}

/* Fails unless the database at handle is a registry (it has the audit log). */
static int require_registry(sqlite3 *handle, const char *path, const char *field,
                            backup_outcome_t *outcome, db_error_t *err)
{
    int64_t tables = 0;
    int rc = count_objects(handle, BACKUP_REGISTRY_TABLE, &tables, field, outcome, err);
    if (rc < 0) return rc;
    if (tables != 1)
        return backup_refuse(outcome, A6_CHECK_BACKUP_INVALID, field, err,
                             "%s '%s' is not an a6reg registry (it has no %s table)", field, path,
                             BACKUP_REGISTRY_TABLE);
    return 0;
}

/* Sets the journal mode ("DELETE" or "WAL") of the database at handle. */
static int set_journal_mode(sqlite3 *handle, const char *mode, const char *field,
                            backup_outcome_t *outcome, db_error_t *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA journal_mode=%s", mode);
    if (sqlite3_exec(handle, sql, NULL, NULL, NULL) != SQLITE_OK)
        return backup_fail(outcome, field, err, "%s: cannot set the journal mode %s: %s", field,
                           mode, sqlite3_errmsg(handle));
    return 0;
}

/* Copies source into target in steps of `pages` (-1: all at once). 0, or DB_ERROR with err. */
static int copy_pages(sqlite3 *target, sqlite3 *source, int pages, const char *field,
                      backup_outcome_t *outcome, db_error_t *err)
{
    sqlite3_backup *backup = sqlite3_backup_init(target, "main", source, "main");
    if (!backup)
        return backup_fail(outcome, field, err, "%s: cannot start the copy: %s", field,
                           sqlite3_errmsg(target));
    int rc = SQLITE_OK, busy = 0;
    while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        rc = sqlite3_backup_step(backup, pages);
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy <= BACKUP_BUSY_RETRIES)
            sqlite3_sleep(10);
        else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            break;
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE)
        return backup_fail(outcome, field, err, "%s: the copy failed: %s", field,
                           sqlite3_errstr(rc));
    return 0;
}

/* A running server's writer fsyncs the log itself, just after each commit: the snapshot
 * copied may end on a commit whose fsync is still running. Syncing the log here makes every
 * commit the copy holds durable in the registry too, so a backup never holds a change the
 * registry could lose in a crash. */
static int source_log_durable(sqlite3 *source, backup_outcome_t *outcome, db_error_t *err)
{
    sqlite3_filename main = sqlite3_db_filename(source, "main");
    const char *log = main && *main ? sqlite3_filename_wal(main) : NULL;
    int fd = log ? open(log, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) return 0; /* no log: every commit is in the database file */
    int rc = fdatasync(fd) == 0 ? 0
                                : backup_fail(outcome, "db", err, "db: cannot sync the log %s: %s",
                                              log, strerror(errno));
    close(fd);
    return rc;
}

int backup_sqlite_take(const char *location, const char *tmp_path, backup_outcome_t *outcome,
                       db_error_t *err)
{
    sqlite3 *source = open_database(location, SQLITE_OPEN_READONLY, "db", outcome, err);
    if (!source) return DB_ERROR;
    /* The read transaction opened here (by the first SELECT) is the snapshot the copy takes. */
    int rc = sqlite3_exec(source, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
                 ? require_registry(source, location, "db", outcome, err)
                 : backup_fail(outcome, "db", err, "db: %s", sqlite3_errmsg(source));
    sqlite3 *target = NULL;
    if (rc == 0) {
        target = open_database(tmp_path, SQLITE_OPEN_READWRITE, "path", outcome, err);
        if (!target) rc = DB_ERROR;
    }
    if (rc == 0 && sqlite3_exec(target, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
        rc = backup_fail(outcome, "path", err, "path: %s", sqlite3_errmsg(target));
    if (rc == 0) rc = copy_pages(target, source, BACKUP_STEP_PAGES, "path", outcome, err);
    if (rc == 0) rc = source_log_durable(source, outcome, err);
    /* The copied header says WAL, as the registry's; the backup is one self-contained file. */
    if (rc == 0) rc = set_journal_mode(target, "DELETE", "path", outcome, err);
    sqlite3_exec(source, "COMMIT", NULL, NULL, NULL);
    if (target && sqlite3_close(target) != SQLITE_OK && rc == 0)
        rc = backup_fail(outcome, "path", err, "path: cannot close '%s'", tmp_path);
    sqlite3_close(source);
    return rc;
}

/* Fails unless the SQLite database at location is new or holds nothing. */
static int require_empty(sqlite3 *target, const char *location, backup_outcome_t *outcome,
                         db_error_t *err)
{
    int64_t objects = 0;
    int rc = count_objects(target, NULL, &objects, "db", outcome, err);
    if (rc < 0) return rc;
    if (objects > 0)
        return backup_refuse(outcome, A6_CHECK_DATABASE_NOT_EMPTY, "db", err,
                             "db '%s' already holds a database (%lld tables and indexes): restore "
                             "never overwrites one; give a new file",
                             location, (long long)objects);
    return 0;
}

int backup_sqlite_restore(const char *path, const char *location, backup_outcome_t *outcome,
                          db_error_t *err)
{
    struct stat st;
    bool created = lstat(location, &st) < 0 && errno == ENOENT;
    sqlite3 *source = open_database(path, SQLITE_OPEN_READONLY, "path", outcome, err);
    if (!source) return DB_ERROR;
    int rc = require_registry(source, path, "path", outcome, err);
    sqlite3 *target = NULL;
    if (rc == 0) {
        target =
            open_database(location, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "db", outcome, err);
        if (!target) rc = DB_ERROR;
    }
    if (rc == 0) rc = require_empty(target, location, outcome, err);
    /* One step: the target is new and nobody else's, and the copy commits as one transaction, so
     * a failure leaves it empty. */
    if (rc == 0 && sqlite3_exec(target, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
        rc = backup_fail(outcome, "db", err, "db: %s", sqlite3_errmsg(target));
    if (rc == 0) rc = copy_pages(target, source, -1, "db", outcome, err);
    if (rc == 0) rc = set_journal_mode(target, "WAL", "db", outcome, err);
    if (target && sqlite3_close(target) != SQLITE_OK && rc == 0)
        rc = backup_fail(outcome, "db", err, "db: cannot close '%s'", location);
    sqlite3_close(source);
    if (rc < 0 && created) unlink(location);
    return rc;
}
