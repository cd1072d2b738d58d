/* migrate.h: copying a whole registry from one database to another (SQLite to PostgreSQL or back,
 * or to a new file), table by table in one transaction on the target, then checked: the copy
 * must pass verify and end its audit chain on the same record and hash as the source. */
#ifndef A6_STORE_MIGRATE_H
#define A6_STORE_MIGRATE_H

#include <stdint.h>

#include "../core/check.h"
#include "db.h"

/* Called every MIGRATE_PROGRESS_ROWS rows and at the end of each table. */
#define MIGRATE_PROGRESS_ROWS 5000
typedef void (*migrate_progress_fn)(void *context, const char *table, int64_t rows_copied,
                                    int64_t rows_total);

typedef struct migrate_report {
    int64_t tables;
    int64_t rows;
    int64_t audit_seq;   /* the last audit record, the same on both */
    char audit_hash[65]; /* its hash */
    int consistent;      /* verify on the copy */
    char problem[512];   /* verify's first problem, or why the copy was refused */
    a6_check_t check; /* a refusal's check: 1029 database-not-empty, 1030 schema-version-mismatch */
    const char *field; /* the refused argument: "to" or "from" */
} migrate_report_t;

/* Copies the registry at from into the empty database at to (its schema is created). Returns 0
 * when the copy is committed and checked (report->consistent says whether verify passed), 1 when
 * it is refused (report->check and ->field; report->problem says why), or a negative
 * db_result_t with err filled (nothing is committed on the target then). */
int store_migrate(const char *from, const char *to, migrate_progress_fn progress, void *context,
                  migrate_report_t *report, db_error_t *err);

#endif
