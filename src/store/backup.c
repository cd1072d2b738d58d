/* backup.c: `a6reg backup` and `a6reg restore` independent of the backend: the backup file's
 * format by its magic bytes, the PATH.tmp -> PATH protocol (never a partial or overwritten
 * backup), and the dispatch to backup_sqlite.c or backup_postgres.c by the database location. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_internal.h"

#define BACKUP_PATH_MAX 4096

static const char sqlite_magic[16] = "SQLite format 3"; /* with its terminating NUL: 16 bytes */
static const char pg_dump_magic[5] = {'P', 'G', 'D', 'M', 'P'};

static int fail_with(backup_outcome_t *outcome, a6_check_t check, const char *field,
                     db_error_t *err, const char *format, va_list args)
    __attribute__((format(printf, 5, 0)));

static int fail_with(backup_outcome_t *outcome, a6_check_t check, const char *field,
                     db_error_t *err, const char *format, va_list args)
{
    outcome->field = field;
    outcome->check = check;
    if (err) {
        vsnprintf(err->message, sizeof err->message, format, args);
        err->code = DB_ERROR;
    }
    return DB_ERROR;
}

int backup_fail(backup_outcome_t *outcome, const char *field, db_error_t *err, const char *format,
                ...)
{
    va_list args;
    va_start(args, format);
    int rc = fail_with(outcome, A6_OK, field, err, format, args);
    va_end(args);
    return rc;
}

int backup_refuse(backup_outcome_t *outcome, a6_check_t check, const char *field, db_error_t *err,
                  const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int rc = fail_with(outcome, check, field, err, format, args);
    va_end(args);
    return rc;
}

const char *backup_format_name(backup_format_t format)
{
    switch (format) {
    case BACKUP_FORMAT_SQLITE:
        return "sqlite";
    case BACKUP_FORMAT_PG_DUMP:
        return "pg_dump";
    case BACKUP_FORMAT_UNKNOWN:
        break;
    }
    return "unknown";
}

int backup_format_of(const char *path, backup_format_t *out, db_error_t *err)
{
    *out = BACKUP_FORMAT_UNKNOWN;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return db_error_set(err, DB_ERROR, "cannot read '%s': %s", path, strerror(errno));
    char head[16] = {0};
    ssize_t length = read(fd, head, sizeof head);
    int saved = errno;
    close(fd);
    if (length < 0)
        return db_error_set(err, DB_ERROR, "cannot read '%s': %s", path, strerror(saved));
    if (length == (ssize_t)sizeof sqlite_magic && memcmp(head, sqlite_magic, sizeof head) == 0)
        *out = BACKUP_FORMAT_SQLITE;
    else if (length >= (ssize_t)sizeof pg_dump_magic &&
             memcmp(head, pg_dump_magic, sizeof pg_dump_magic) == 0)
        *out = BACKUP_FORMAT_PG_DUMP;
    return 0;
}

/* Flushes the file or directory at path to disk. 0, or -1 with errno. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Makes the rename of path durable: fsync of the directory that holds it. */
static int sync_parent(const char *path)
{
    char copy[BACKUP_PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    return sync_path(dirname(copy), O_RDONLY | O_DIRECTORY);
}

/* Claims tmp_path for a new backup (owner-only permissions); neither it nor path may exist. A
 * tmp_path that exists is another backup's to the same path, running or interrupted: the
 * operator removes it, rather than two backups writing one file. */
static int claim_paths(const char *path, const char *tmp_path, backup_outcome_t *outcome,
                       db_error_t *err)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return backup_refuse(outcome, A6_CHECK_FILE_EXISTS, "path", err,
                             "path '%s' already exists: a backup never overwrites a file; give a "
                             "new path",
                             path);
    if (errno != ENOENT)
        return backup_fail(outcome, "path", err, "path '%s': %s", path, strerror(errno));
    int fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST)
        return backup_refuse(outcome, A6_CHECK_FILE_EXISTS, "path", err,
                             "'%s' exists: another backup to this path is running or was "
                             "interrupted; remove it, or give a new path",
                             tmp_path);
    if (fd < 0)
        return backup_fail(outcome, "path", err, "cannot create '%s': %s", tmp_path,
                           strerror(errno));
    close(fd);
    return 0;
}

/* Renames tmp_path to path unless path exists: link() fails when path appeared meanwhile, where
 * rename() would replace it. On a file system without hard links (some network shares), a
 * rename after checking again. 0, or -1 with errno. */
static int move_without_replacing(const char *tmp_path, const char *path)
{
    if (link(tmp_path, path) == 0) {
        unlink(tmp_path); /* if it stays, it is a second name of the same, complete file */
        return 0;
    }
    if (errno != EPERM && errno != ENOTSUP && errno != ENOSYS) return -1;
    struct stat st;
    if (lstat(path, &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(tmp_path, path);
}

/* Moves the finished tmp_path to path, durably, and fills the outcome's format and size. */
static int publish(const char *tmp_path, const char *path, backup_outcome_t *outcome,
                   db_error_t *err)
{
    struct stat st;
    if (sync_path(tmp_path, O_RDONLY) < 0 || stat(tmp_path, &st) < 0)
        return backup_fail(outcome, "path", err, "cannot flush '%s': %s", tmp_path,
                           strerror(errno));
    if (move_without_replacing(tmp_path, path) < 0)
        return backup_fail(outcome, "path", err, "cannot create '%s': %s", path, strerror(errno));
    if (sync_parent(path) < 0)
        return backup_fail(outcome, "path", err, "cannot flush the directory of '%s': %s", path,
                           strerror(errno));
    outcome->size_bytes = (int64_t)st.st_size;
    return backup_format_of(path, &outcome->format, err);
}

int backup_take(const char *location, const char *path, backup_outcome_t *outcome, db_error_t *err)
{
    memset(outcome, 0, sizeof *outcome);
    if (!location || !*location) return backup_fail(outcome, "db", err, "db: empty location");
    if (!path || !*path) return backup_fail(outcome, "path", err, "path: empty");
    char tmp_path[BACKUP_PATH_MAX];
    if ((size_t)snprintf(tmp_path, sizeof tmp_path, "%s.tmp", path) >= sizeof tmp_path)
        return backup_fail(outcome, "path", err, "path: longer than %d bytes", BACKUP_PATH_MAX - 5);
    int rc = claim_paths(path, tmp_path, outcome, err);
    if (rc < 0) return rc;
    rc = db_location_is_postgres(location) ? backup_postgres_take(location, tmp_path, outcome, err)
                                           : backup_sqlite_take(location, tmp_path, outcome, err);
    if (rc == 0) rc = publish(tmp_path, path, outcome, err);
    if (rc < 0) unlink(tmp_path);
    return rc;
}

int backup_restore(const char *path, const char *location, backup_outcome_t *outcome,
                   db_error_t *err)
{
    memset(outcome, 0, sizeof *outcome);
    if (!location || !*location) return backup_fail(outcome, "db", err, "db: empty location");
    if (!path || !*path) return backup_fail(outcome, "path", err, "path: empty");
    if (backup_format_of(path, &outcome->format, err) < 0) {
        outcome->field = "path";
        return DB_ERROR;
    }
    bool to_postgres = db_location_is_postgres(location);
    if (outcome->format == BACKUP_FORMAT_UNKNOWN)
        return backup_refuse(outcome, A6_CHECK_BACKUP_INVALID, "path", err,
                             "path '%s' is not an a6reg backup: neither a SQLite database nor a "
                             "pg_dump custom archive",
                             path);
    if (outcome->format == BACKUP_FORMAT_SQLITE && to_postgres)
        return backup_refuse(outcome, A6_CHECK_BACKUP_INVALID, "db", err,
                             "path '%s' is a SQLite backup and the target is a PostgreSQL "
                             "database: restore it into a SQLite file, then move it with `a6reg "
                             "migrate`",
                             path);
    if (outcome->format == BACKUP_FORMAT_PG_DUMP && !to_postgres)
        return backup_refuse(
            outcome, A6_CHECK_BACKUP_INVALID, "db", err,
            "path '%s' is a PostgreSQL backup (pg_dump) and the target is a SQLite "
            "file: restore it into an empty PostgreSQL database, then move it "
            "with `a6reg migrate`",
            path);
    struct stat st;
    if (stat(path, &st) == 0) outcome->size_bytes = (int64_t)st.st_size;
    return to_postgres ? backup_postgres_restore(path, location, outcome, err)
                       : backup_sqlite_restore(path, location, outcome, err);
}
