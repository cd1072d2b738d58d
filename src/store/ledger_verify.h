/* ledger_verify.h: `a6reg verify`: recompute the audit hash chain, replay it to rebuild accounts,
 * transactions and holdings, and compare them with the tables. */
#ifndef A6_STORE_LEDGER_VERIFY_H
#define A6_STORE_LEDGER_VERIFY_H

#include <stdint.h>

#include "db.h"

typedef struct ledger_verify_report {
    int consistent;          /* 1 when everything matches */
    char first_problem[512]; /* the first inconsistent record, when not consistent */
    int64_t audit_records;
    int64_t accounts;
    int64_t transactions;
    int64_t blocks;
    int64_t units_issued;
} ledger_verify_report_t;

/* Fills report. Returns 0 (consistent or not) or a negative db_result_t when it could not read. */
int ledger_verify(db_t *db, ledger_verify_report_t *report, db_error_t *err);

#endif
