/* backup_postgres.c: backup and restore of a PostgreSQL registry with the server's own tools:
 * pg_dump's custom archive (it reads one REPEATABLE READ snapshot and takes only ACCESS SHARE
 * locks, so the writer goes on) and pg_restore in one transaction into an empty database. The
 * tools run directly (posix_spawnp, no shell), never prompt for a password (~/.pgpass or
 * PGPASSWORD give it), and write their own diagnostics to stderr. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "backup_internal.h"

#define BACKUP_ARGUMENT_MAX 4200 /* "--file=" or "--dbname=" and a path or URL */

extern char **environ;

/* Runs argv[0] (found on PATH) with argv and waits for it. 0 when it exits 0; otherwise
 * DB_ERROR with err saying how it ended, about field. */
static int run_tool(char *const argv[], const char *field, backup_outcome_t *outcome,
                    db_error_t *err)
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0)
        return backup_fail(outcome, field, err,
                           "cannot run %s: %s (the PostgreSQL client tools must be on PATH)",
                           argv[0], strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return backup_fail(outcome, field, err, "%s: %s", argv[0], strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status))
        return backup_fail(outcome, field, err, "%s exited with status %d (its message is above)",
                           argv[0], WEXITSTATUS(status));
    return backup_fail(outcome, field, err, "%s was stopped by signal %d", argv[0],
                       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* *out: the number of tables outside PostgreSQL's own schemas, or of tables named `table`. */
static int count_tables(const char *location, const char *table, int64_t *out,
                        backup_outcome_t *outcome, db_error_t *err)
{
    static const char all_sql[] = "SELECT COUNT(*) FROM information_schema.tables WHERE "
                                  "table_schema NOT IN ('pg_catalog', 'information_schema')";
    static const char one_sql[] =
        "SELECT COUNT(*) FROM information_schema.tables WHERE "
        "table_schema = current_schema() AND table_name = '" BACKUP_REGISTRY_TABLE "'";
    db_t *db = NULL;
    int rc = db_open(location, DB_OPEN_READ, &db, err);
    if (rc == 0) rc = db_query_int64(db, table ? one_sql : all_sql, out, err);
    db_close(db);
    if (rc < 0) outcome->field = "db";
    return rc;
}

int backup_postgres_take(const char *location, const char *tmp_path, backup_outcome_t *outcome,
                         db_error_t *err)
{
    int64_t tables = 0;
    int rc = count_tables(location, BACKUP_REGISTRY_TABLE, &tables, outcome, err);
    if (rc < 0) return rc;
    if (tables != 1)
        return backup_fail(outcome, "db", err,
                           "db: the database is not an a6reg registry (it has no %s table)",
                           BACKUP_REGISTRY_TABLE);
    char file[BACKUP_ARGUMENT_MAX], dbname[BACKUP_ARGUMENT_MAX];
    snprintf(file, sizeof file, "--file=%s", tmp_path);
    if ((size_t)snprintf(dbname, sizeof dbname, "--dbname=%s", location) >= sizeof dbname)
        return backup_fail(outcome, "db", err, "db: longer than %d bytes",
                           (int)(BACKUP_ARGUMENT_MAX - sizeof "--dbname="));
    char *argv[] = {"pg_dump", "--format=custom", "--no-password", file, dbname, NULL};
    return run_tool(argv, "db", outcome, err);
}

int backup_postgres_restore(const char *path, const char *location, backup_outcome_t *outcome,
                            db_error_t *err)
{
    int64_t tables = 0;
    int rc = count_tables(location, NULL, &tables, outcome, err);
    if (rc < 0) {
        size_t length = strlen(err->message);
        snprintf(err->message + length, sizeof err->message - length,
                 " (restore needs an empty database created first: docs/deploy.md)");
        return rc;
    }
    if (tables > 0)
        return backup_refuse(outcome, A6_CHECK_DATABASE_NOT_EMPTY, "db", err,
                             "db: the target database already holds %lld tables: restore never "
                             "overwrites a database; create an empty one (docs/deploy.md)",
                             (long long)tables);
    char dbname[BACKUP_ARGUMENT_MAX];
    if ((size_t)snprintf(dbname, sizeof dbname, "--dbname=%s", location) >= sizeof dbname)
        return backup_fail(outcome, "db", err, "db: longer than %d bytes",
                           (int)(BACKUP_ARGUMENT_MAX - sizeof "--dbname="));
    /* Objects and grants belong to the role that restores (the registry's own role), whoever
     * owned them where the backup was taken; one transaction, so a failure leaves it empty. */
    char *argv[] = {"pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-password",
                    dbname,
                    (char *)path,
                    NULL};
    return run_tool(argv, "path", outcome, err);
}
