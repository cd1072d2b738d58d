/* backup_internal.h: what backup.c asks of each backend's backup code (private to store/). */
#ifndef A6_STORE_BACKUP_INTERNAL_H
#define A6_STORE_BACKUP_INTERNAL_H

#include "backup.h"

/* Copies one consistent snapshot of the registry at location into tmp_path, an empty file the
 * caller created (and removes on failure). 0, or a negative db_result_t with outcome->field. */
int backup_sqlite_take(const char *location, const char *tmp_path, backup_outcome_t *outcome,
                       db_error_t *err);
int backup_postgres_take(const char *location, const char *tmp_path, backup_outcome_t *outcome,
                         db_error_t *err);

/* Restores the backup at path (of the backend's own format, checked by the caller) into
 * location after checking that location holds no tables. 0, or a negative db_result_t. */
int backup_sqlite_restore(const char *path, const char *location, backup_outcome_t *outcome,
                          db_error_t *err);
int backup_postgres_restore(const char *path, const char *location, backup_outcome_t *outcome,
                            db_error_t *err);

/* The table every registry has (and only a registry has): how a database is told apart from any
 * other one, and a registry backup from another backup. */
#define BACKUP_REGISTRY_TABLE "audit_log"

/* Fails with err naming outcome->field: sets it and formats the message; returns DB_ERROR. */
int backup_fail(backup_outcome_t *outcome, const char *field, db_error_t *err, const char *format,
                ...) __attribute__((format(printf, 4, 5)));
/* The same for a refusal of the caller's input, with its check code in outcome->check. */
int backup_refuse(backup_outcome_t *outcome, a6_check_t check, const char *field, db_error_t *err,
                  const char *format, ...) __attribute__((format(printf, 5, 6)));

#endif
