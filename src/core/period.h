/* period.h: monitoring periods and the pure rules of the issuance chain: report, verification,
 * request for issuance, committee notification with its allocation, issuance. */
#ifndef A6_CORE_PERIOD_H
#define A6_CORE_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "date.h"

typedef enum period_stage {
    PERIOD_REPORTED = 1, /* monitoring report submitted with the claimed reductions */
    PERIOD_VERIFIED,     /* verified by an auditor */
    PERIOD_REQUESTED,    /* issuance requested */
    PERIOD_NOTIFIED,     /* committee decided and notified the amounts */
    PERIOD_ISSUED,       /* issued into the registries */
} period_stage_t;

typedef enum allocation_side {
    SIDE_HOST = 1,     /* held in this (host) registry */
    SIDE_PARTNER,      /* issued into the partner's registry, recorded here as notified */
    SIDE_PARTICIPANTS, /* project participants, side not published (imported history only) */
} allocation_side_t;

typedef struct monitoring_period {
    a6_date_t start;        /* A6_DATE_NONE when unknown (imported history) */
    a6_date_t end;          /* A6_DATE_NONE when unknown */
    int64_t claimed_tco2e;  /* from the monitoring report; 0 when unknown */
    int64_t verified_tco2e; /* 0 until verified */
    int64_t notified_tco2e; /* 0 until notified */
    a6_date_t reported_on;
    a6_date_t verified_on;
    a6_date_t requested_on;
    a6_date_t notified_on;
    a6_date_t issued_on;
    period_stage_t stage;
} monitoring_period_t;

typedef struct allocation {
    allocation_side_t side;
    const char *holder;
    int64_t quantity;
} allocation_t;

/* Stage names ("reported" .. "issued"; parse: A6_CHECK_STATUS_INVALID) and side names ("host",
 * "partner", "participants"; parse: A6_CHECK_SIDE_INVALID).
 *
 * The checks below judge in one order and return the first failure: stage; dates known (1013);
 * dates in order (5010, against the earlier known dates of the chain); not after today (5009);
 * quantities (1001/1002, then 5006/5012, allocations, 5007); overlap (5005). Amounts of 0 in an
 * existing period mean unknown (imported history) and bound nothing. */
const char *period_stage_name(period_stage_t stage);
a6_check_t period_stage_parse(const char *name, period_stage_t *out);
const char *allocation_side_name(allocation_side_t side);
a6_check_t allocation_side_parse(const char *name, allocation_side_t *out);

/* A new period [start, end] reported on `reported_on` with claimed reductions, among the
 * activity's existing periods: start <= end (5010), end <= reported_on (5010), nothing after today
 * (5009), claimed 1..10^15 (1001/1002), no overlap with any existing period whose dates are known
 * (5005; a period sharing a single day overlaps). */
a6_check_t period_check_new(const monitoring_period_t *existing, size_t existing_count,
                            a6_date_t start, a6_date_t end, int64_t claimed_tco2e,
                            a6_date_t reported_on, a6_date_t today);

/* Verification: stage must be REPORTED (5011), verified 1..claimed (1001, 5006), verified_on not
 * before reported_on (5010) nor after today (5009). */
a6_check_t period_check_verify(const monitoring_period_t *period, int64_t verified_tco2e,
                               a6_date_t verified_on, a6_date_t today);

/* Request for issuance: stage VERIFIED (5011), date order and not in the future. */
a6_check_t period_check_request(const monitoring_period_t *period, a6_date_t requested_on,
                                a6_date_t today);

/* Notification: stage REQUESTED (5011), 1 <= notified <= verified (5012), every allocation
 * positive with a valid side and a holder, and allocations summing exactly to notified (5007);
 * date order and not in the future. */
a6_check_t period_check_notify(const monitoring_period_t *period, int64_t notified_tco2e,
                               const allocation_t *allocations, size_t allocation_count,
                               a6_date_t notified_on, a6_date_t today);

/* Issuance: stage NOTIFIED (5008 when already ISSUED, 5011 otherwise); date order, not future. */
a6_check_t period_check_issue(const monitoring_period_t *period, a6_date_t issued_on,
                              a6_date_t today);

#endif
