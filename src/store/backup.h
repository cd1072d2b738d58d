/* backup.h: consistent online backups of a registry database, and their restore into an empty
 * one. SQLite: the online backup API copies one read snapshot (the writer goes on, WAL);
 * PostgreSQL: pg_dump's custom archive (one snapshot by itself), restored with pg_restore.
 * A backup file says which backend it came from by its first bytes ("SQLite format 3\0" or
 * "PGDMP"); restoring it into the other backend is refused (that is `a6reg migrate`'s job). */
#ifndef A6_STORE_BACKUP_H
#define A6_STORE_BACKUP_H

#include <stdint.h>

#include "../core/check.h"
#include "db.h"

typedef enum backup_format {
    BACKUP_FORMAT_UNKNOWN = 0, /* neither: not a backup a6reg wrote */
    BACKUP_FORMAT_SQLITE = 1,  /* a SQLite database file */
    BACKUP_FORMAT_PG_DUMP = 2, /* a pg_dump custom-format archive */
} backup_format_t;

typedef struct backup_outcome {
    backup_format_t format;
    int64_t size_bytes; /* of the backup file */
    const char *field;  /* on error: the argument it is about ("path" or "db"), NULL if neither */
    a6_check_t check;   /* on error: the refusal's check (1029, 1031, 1032); A6_OK when the
                         * file system or the database failed */
} backup_outcome_t;

/* "sqlite", "pg_dump" or "unknown". */
const char *backup_format_name(backup_format_t format);

/* The format of the file at path by its first bytes. 0, or DB_ERROR when it cannot be read. */
int backup_format_of(const char *path, backup_format_t *out, db_error_t *err);

/* Writes a consistent copy of the registry at location (a SQLite path or a PostgreSQL URL) to
 * path, through path.tmp renamed at the end: path never holds a partial backup. path must not
 * exist (a backup never overwrites a file); the file is readable by its owner only (it holds the
 * registry's signing key). Returns 0 and fills outcome, or a negative db_result_t with err and
 * outcome->field set. Writes nothing to the registry. */
int backup_take(const char *location, const char *path, backup_outcome_t *outcome, db_error_t *err);

/* Restores the backup at path into location, which must hold no tables (a new SQLite file, or a
 * new empty PostgreSQL database the operator created): a live registry is never overwritten. A
 * failed restore leaves the target empty. Returns 0 and fills outcome, or a negative db_result_t
 * with err and outcome->field set. The caller verifies the result (ledger_verify). */
int backup_restore(const char *path, const char *location, backup_outcome_t *outcome,
                   db_error_t *err);

#endif
