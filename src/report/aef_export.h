/* aef_export.h: the Agreed Electronic Format report of a year, read from the registry: T1
 * submission, T2 authorizations, T3 actions, T4 holdings as of 31 December (frozen once the year
 * is closed), T5 authorized entities. The consistency checks (core/aef.h) run over every row
 * first; a report that fails them is not written and every failure is listed. Then the tables
 * stream from the database to a sink (XLSX, CSV or JSON) one row at a time. Also the submission
 * of a year's report (which freezes it and locks the CA method). */
#ifndef A6_REPORT_AEF_EXPORT_H
#define A6_REPORT_AEF_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "../core/access.h"
#include "../store/writer.h"
#include "aef_sink.h"

typedef struct aef_export_options {
    int32_t year;
    aef_format_t format;
    const char *path;
    FILE *progress; /* a terminal to draw progress on, or NULL for none */
} aef_export_options_t;

typedef struct aef_export_outcome {
    a6_check_t check;     /* A6_OK, or why nothing was written */
    const char *field;    /* the input concerned */
    char message[512];    /* human-readable */
    json_t *failures;     /* consistency failures [{table, row, rule, code, check, message}] */
    size_t failure_count; /* all of them, even beyond the ones listed */
    size_t rows[AEF_TABLE_COUNT];
    bool draft;           /* the year has not been submitted (T1 has no submission date) */
    bool holdings_frozen; /* T4 comes from the frozen snapshot of 31 December */
    int store_error;      /* negative when the database failed (aef_submit) */
} aef_export_outcome_t;

/* Exports year's report. Returns 0 (see outcome->check) or a negative db_result_t. The caller
 * releases outcome->failures. */
int aef_export(db_t *db, const aef_export_options_t *options, aef_export_outcome_t *outcome,
               db_error_t *err);

/* Only the consistency checks (nothing written). */
int aef_export_check(db_t *db, int32_t year, aef_export_outcome_t *outcome, db_error_t *err);

/* Submits year's report: refused 7001 unless authority, 4032 before the year has ended, 4029 when
 * the consistency checks fail (outcome lists them). Records the version ("1.0", then "1.1"...)
 * and the date; the year's holdings are frozen as of 31 December and the CA method can no longer
 * change. */
void aef_submit(writer_t *w, const char *actor, a6_role_t role, int32_t year,
                aef_export_outcome_t *outcome);

#endif
