/* aef.h: the consistency checks an Agreed Electronic Format report must pass before it leaves
 * the registry (spec/ARTICLE6.md, last section): T3 actions and T4 holdings rows against the T2
 * authorizations and the T5 entities. Every failure is reported (table, row, rule, message), not
 * only the first. Pure: no allocation, the caller lends the working memory. */
#ifndef A6_CORE_AEF_H
#define A6_CORE_AEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authorization.h"
#include "check.h"
#include "date.h"

#define A6_AEF_ROWS_MAX 1000000          /* rows of T3 or of T4 */
#define A6_AEF_AUTHORIZATIONS_MAX 100000 /* rows of T2 (and names of T5) */
#define A6_AEF_MESSAGE_SIZE 200

typedef enum a6_aef_table {
    A6_AEF_T2_AUTHORIZATIONS = 2,
    A6_AEF_T3_ACTIONS = 3,
    A6_AEF_T4_HOLDINGS = 4,
} a6_aef_table_t;

/* One row of T3 (actions) or T4 (holdings; the action and party fields are then ignored).
 * Controlled values are the text as it will be reported, so their spelling is checked. Empty
 * text and NULL both mean "not given". Strings are borrowed. */
typedef struct a6_aef_row {
    a6_date_t action_date;                /* T3 (UTC day of the action) */
    const char *action_type;              /* T3: "First transfer"... */
    const char *action_subtype;           /* T3: required for "First transfer", see article6.h */
    const char *approach_id;              /* "CA0001" */
    const char *authorization_id;         /* a T2 authorization ID */
    const char *first_transferring_party; /* "VNM" */
    const char *registry_id;              /* Party ITMO registry ID, "VNM01" */
    int64_t first_id;                     /* the block [first_id, last_id] */
    int64_t last_id;
    const char *unit_registry;   /* underlying unit registry ("JCM"), optional */
    int64_t quantity_tco2e;      /* must be last_id - first_id + 1 (t CO2 eq metric) */
    const char *mitigation_type; /* "Emission reductions"... */
    int32_t vintage;
    const char *transferring_party; /* T3 "Acquisition" only, required there */
    const char *acquiring_party;    /* T3 "First transfer" and "Transfer", required there */
    const char *purpose;            /* T3: purpose used or cancelled for, optional */
    const char *using_party;        /* T3: using or cancelling Party, optional */
    const char *using_entity;       /* T3: using or cancelling entity, must be in T5 */
    int32_t ndc_year;               /* T3 "Use": calendar year used towards the NDC, or 0 */
} a6_aef_row_t;

/* The report to check. T2 rows are authorization records; T5 is given by entity names. */
typedef struct a6_aef_report {
    int32_t reported_year; /* T3 actions must be dated in it */
    const a6_authorization_t *authorizations;
    size_t authorization_count;
    const char *const *entities;
    size_t entity_count;
    const a6_aef_row_t *actions; /* T3 */
    size_t action_count;
    const a6_aef_row_t *holdings; /* T4, as of 31 December of reported_year */
    size_t holding_count;
} a6_aef_report_t;

typedef struct a6_aef_failure {
    a6_aef_table_t table;
    size_t row;                        /* 0-based index in that table */
    const char *rule;                  /* static kebab-case rule name ("quantity-matches-block") */
    a6_check_t check;                  /* the specific check code */
    char message[A6_AEF_MESSAGE_SIZE]; /* lowercase; names the field and what was expected */
} a6_aef_failure_t;

/* Entries of working memory a6_aef_check needs: 2 * authorization_count (sorted T2 and the
 * first transfer totals) + max(action_count, holding_count) (block order). */
size_t a6_aef_work_size(const a6_aef_report_t *report);

/* Checks the whole report and reports EVERY failure:
 *   T2, each row: authorization-valid (a6_authorization_check), authorization-id-unique (4029);
 *   T3 and T4, each row: approach-id (4003), authorization-known (4026), approach-matches-
 *     authorization (4029), first-transferring-party (1009), registry-id (4002), block-valid
 *     (3006: 0 < first <= last <= LEDGER_SERIAL_MAX), quantity-matches-block (4028), unit-registry
 *     (4008, when given), mitigation-type (4007), vintage-valid (1003), vintage-in-timeframe
 *     (4021);
 *   T3 only, each row: action-date (1013 missing, 4029 outside reported_year), action-type (4004),
 *     action-subtype (4005: spelling, fits the type, required for "First transfer"),
 *     subtype-matches-authorization (4029: a first transfer subtype other than "First transfer to
 *     another Party" must equal the authorization's first transfer definition for OIMP),
 *     acquiring-party / transferring-party (1009, where the type requires them), using-party
 *     (1009, when given), purpose (4001, when given), purpose-authorized (4023),
 *     entity-known (4027, when an entity is named), authorized-on-date (4023 before the
 *     authorization's date, 4024 on or after its revocation; for first transfers and uses),
 *     ndc-year (1003, when given on a "Use");
 *   T3 across rows: blocks-disjoint (4022 first transfers overlapping first transfers; 3003
 *     authorizations overlapping authorizations, or uses and cancellations overlapping each
 *     other; transfers and acquisitions may repeat), first-transfers-within-authorized (4020, on
 *     the row whose first transfer takes the authorization's total past its quantity);
 *   T4 across rows: blocks-disjoint (3003, any two holdings).
 * Blocks overlap only within one registry ID. Rules that need a field another rule refused (an
 * unknown authorization, an invalid block) are skipped for that row rather than cascading.
 * work: a6_aef_work_size(report) entries (asserted). Writes at most failures_max failures in
 * table then row order per pass, and the total found in *failure_count. Returns A6_OK when none,
 * A6_CHECK_AEF_INCONSISTENT otherwise (also when a table exceeds its limit: one failure, rule
 * "table-size"). Cost: rows * authorizations string compares plus O(rows log rows). */
a6_check_t a6_aef_check(const a6_aef_report_t *report, size_t *work, a6_aef_failure_t *failures,
                        size_t failures_max, size_t *failure_count);

/* ---- the same rules fed one row at a time, for reports too large to hold in memory ----
 * begin (checks T2), then every T3 row and every T4 row in table order (row rules; first
 * transfers are totalled per authorization in this order), then every row of each table again in
 * block order (registry ID, first ID, last ID, then row index) for the overlap rules, then end.
 * Rows are borrowed for the call only. The report gives T2, T5 and the reported year (its rows and
 * row counts are not used). Failures are the same as a6_aef_check's, possibly in another order. */

typedef struct a6_aef_reach { /* the furthest block of an overlap group so far */
    bool set;
    char registry_id[8];
    int64_t first, last;
    size_t row;
} a6_aef_reach_t;

typedef struct a6_aef_stream { /* fields are private */
    const a6_aef_report_t *report;
    a6_aef_failure_t *failures;
    size_t failures_max;
    size_t count;
    size_t *sorted_authorizations; /* authorization_count entries */
    size_t *first_transferred;     /* authorization_count totals (t, a 64-bit size_t) */
    a6_aef_reach_t reach[2][4];    /* [T3, T4][overlap group] */
} a6_aef_stream_t;

/* Entries of working memory the stream needs: 2 * authorization_count. */
size_t a6_aef_stream_work_size(const a6_aef_report_t *report);
/* Starts a check and runs the T2 rules. Returns A6_CHECK_AEF_INCONSISTENT (one failure, rule
 * "table-size") when T2 or T5 exceed their limits, A6_OK otherwise. */
a6_check_t a6_aef_stream_begin(a6_aef_stream_t *stream, const a6_aef_report_t *report,
                               size_t *work, a6_aef_failure_t *failures, size_t failures_max);
void a6_aef_stream_row(a6_aef_stream_t *stream, a6_aef_table_t table, size_t index,
                       const a6_aef_row_t *row);
void a6_aef_stream_block(a6_aef_stream_t *stream, a6_aef_table_t table, size_t index,
                         const a6_aef_row_t *row);
/* The total of failures in *failure_count; A6_OK when none. */
a6_check_t a6_aef_stream_end(a6_aef_stream_t *stream, size_t *failure_count);

#endif
