/* jcm_import.h: `a6reg import jcm DIR`: the public JCM Viet Nam CSV files (methodologies,
 * projects, issuances) into the registry. Blanks are allowed and reported as missing data, never
 * invented; a malformed row is reported with file, line and column and nothing of that file is
 * applied; importing again changes nothing. */
#ifndef A6_INTEROP_JCM_IMPORT_H
#define A6_INTEROP_JCM_IMPORT_H

#include <stddef.h>

#include "../store/writer.h"

#define JCM_IMPORT_MESSAGES_MAX 512

typedef struct jcm_import_file_report {
    const char *file; /* "jcm_vn_projects.csv" */
    int applied;      /* 1 when the file was applied (or had nothing new) */
    size_t rows;      /* data rows read */
    size_t added;     /* records created */
    size_t existing;  /* records already there (unchanged) */
} jcm_import_file_report_t;

typedef struct jcm_import_report {
    jcm_import_file_report_t files[3];
    char *errors[JCM_IMPORT_MESSAGES_MAX]; /* "file:line:column (name): reason" */
    size_t error_count;
    char *missing[JCM_IMPORT_MESSAGES_MAX]; /* "file:line: REF: field not published" */
    size_t missing_count;
} jcm_import_report_t;

/* Imports the three files of dir through the writer, in order (methodologies, projects,
 * issuances), each in one transaction. Returns 0 when every file was applied, 1 when at least one
 * was rejected (see report->errors), -1 on a storage failure. */
int jcm_import_dir(writer_t *writer, const char *dir, const char *actor,
                   jcm_import_report_t *report);

void jcm_import_report_release(jcm_import_report_t *report);

#endif
