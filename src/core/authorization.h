/* authorization.h: the host's national authorization framework (policy), the evaluation of an
 * authorization request against every rule of it including the NDC safeguard, and the rules an
 * authorization imposes on the ITMOs issued under it (purpose, vintage, date, revocation, first
 * transfers within the authorized quantity). Pure: plain structs in, check codes out. */
#ifndef A6_CORE_AUTHORIZATION_H
#define A6_CORE_AUTHORIZATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "article6.h"
#include "check.h"
#include "date.h"
#include "ndc.h"

#define A6_POLICY_LIST_MAX 256        /* sectors, technology groups or purposes in a policy */
#define A6_POLICY_NAME_MAX 200        /* bytes of one sector or technology group name */
#define A6_AUTHORIZATION_ID_MAX 64    /* bytes of an authorization ID */
#define A6_REASON_SIZE 200            /* a rule's reason, terminator included */
#define A6_AUTHORIZATION_RULE_COUNT 8 /* rules a6_authorization_evaluate judges */

/* The national authorization framework in force (the store versions it). Lists are borrowed. */
typedef struct a6_policy {
    const char *const *sectors; /* eligible sectors, matched exactly; none: nothing eligible */
    size_t sector_count;
    const char *const *technologies; /* eligible technology groups, matched exactly */
    size_t technology_count;
    int32_t max_share_bp; /* share of an activity's verified reductions that may be authorized */
    const a6_purpose_t *purposes; /* purposes allowed; a request may combine their uses */
    size_t purpose_count;
    int32_t vintage_first; /* vintage window, inclusive */
    int32_t vintage_last;
    int32_t target_year; /* the NDC target year the safeguard protects */
} a6_policy_t;

/* What the host is asked to authorize for one activity. */
typedef struct a6_authorization_request {
    const char *sector;
    const char *technology;
    a6_purpose_t purpose;
    int32_t vintage_first; /* vintages asked for, inclusive */
    int32_t vintage_last;
    int64_t quantity_tco2e; /* quantity asked for */
    /* The activity's VERIFIED reductions so far (all vintages; expected reductions do not count:
     * the share is of what a verifier confirmed), and what other authorizations in force already
     * authorize for it (not the version this request replaces). */
    int64_t verified_tco2e;
    int64_t authorized_tco2e;
    /* The NDC and its projection for the safeguard: F(t) must already hold the first transfers
     * made and those expected from authorizations in force. NULL or no years: refused with
     * A6_CHECK_NDC_DATA_MISSING, never passed. */
    const a6_ndc_t *ndc;
    const a6_ndc_year_t *ndc_years;
    size_t ndc_year_count;
    /* Year the units are expected to be first transferred; 0 when unknown: the target year, the
     * worst case for the target year under every method. */
    int32_t first_transfer_year;
} a6_authorization_request_t;

/* The outcome of one rule. */
typedef struct a6_rule_result {
    const char *rule; /* static kebab-case name ("sector-eligible") */
    bool passed;
    a6_check_t check;            /* A6_OK when passed */
    char reason[A6_REASON_SIZE]; /* short, lowercase, names the figures compared */
} a6_rule_result_t;

/* A6_OK when the policy is complete and consistent, else A6_CHECK_POLICY_INVALID: lists within
 * A6_POLICY_LIST_MAX with non-NULL storage, names 1..A6_POLICY_NAME_MAX bytes, purposes valid,
 * share 0..10000 bp, vintage window and target year valid years, window ordered. */
a6_check_t a6_policy_check(const a6_policy_t *policy);

/* Judges request against EVERY rule of policy, in this order (the order sets the overall code):
 *   policy-valid         4011  the policy itself (a6_policy_check)
 *   purpose-allowed      4001 invalid purpose, 4015 a use the policy's purposes do not cover
 *   sector-eligible      4012
 *   technology-eligible  4013
 *   vintage-window       1003 invalid or unordered vintages, 4016 outside the window
 *   quantity-valid       1001 / 1002
 *   share-of-reductions  1001 negative figures, 4014 authorized + quantity above
 *                        floor(verified * max_share_bp / 10000)
 *   ndc-safeguard        4017 / 4018 / 4019 / 4009 (a6_safeguard_check, for the policy's target
 *                        year)
 * Writes min(results_max, A6_AUTHORIZATION_RULE_COUNT) results in that order and their number in
 * *count. Returns the first failing rule's code, A6_OK when all pass. */
a6_check_t a6_authorization_evaluate(const a6_policy_t *policy,
                                     const a6_authorization_request_t *request,
                                     a6_rule_result_t *results, size_t results_max, size_t *count);

/* The safeguard: adds quantity_tco2e to F of first_transfer_year (0: the target year), computes
 * the balance into *after (when not NULL and the inputs are valid) and refuses
 *   A6_CHECK_NDC_DATA_MISSING when ndc or years are missing, the NDC does not target target_year,
 *     the BAU or unconditional reduction is missing, E(target) is missing, the first transfer year
 *     is outside the period, or a figure the method compares is missing (trajectory: E of the
 *     first transfer year when it has a trajectory value; budget: the budget and every E);
 *   A6_CHECK_NDC_INVALID / A6_CHECK_CA_METHOD_INVALID for inputs a6_ndc_check refuses;
 *   A6_CHECK_NDC_SAFEGUARD when the target year's adjusted emissions exceed the target level
 *     BAU * (1 - unconditional), when (trajectory) the first transfer year's adjusted emissions
 *     exceed its trajectory value, or when (budget) the adjusted total exceeds the budget.
 * An NDC already above its target refuses any further authorization. reason (may be NULL) gets a
 * short explanation either way. */
a6_check_t a6_safeguard_check(const a6_ndc_t *ndc, const a6_ndc_year_t *years, size_t year_count,
                              int32_t target_year, int64_t quantity_tco2e,
                              int32_t first_transfer_year, a6_balance_t *after, char *reason,
                              size_t reason_size);

/* An authorization decided by the host (one version; a T2 row of the AEF). Strings borrowed. */
typedef struct a6_authorization {
    const char *id;          /* authorization ID, unique in the registry */
    a6_date_t date;          /* date of the decision */
    const char *approach_id; /* cooperative approach ("CA0001") */
    int32_t version;         /* 1, 2, ... */
    int64_t quantity_tco2e;  /* authorized quantity */
    int32_t timeframe_first; /* authorized timeframe (vintages), inclusive */
    int32_t timeframe_last;
    a6_purpose_t purpose;
    a6_first_transfer_t oimp_first_transfer; /* required when purpose covers an OIMP use */
    a6_date_t revoked_on;                    /* A6_DATE_NONE while in force */
} a6_authorization_t;

/* A6_OK when the record is complete, else the first failure: id 1..A6_AUTHORIZATION_ID_MAX
 * printable bytes (1014), date (1013), approach (4003), version >= 1 (1012), quantity (1001,
 * 1002), timeframe years valid and ordered (1003), purpose (4001), a first transfer definition
 * when the purpose covers IMP or OP and a valid one when given (4006), revocation not before the
 * decision (5010). */
a6_check_t a6_authorization_check(const a6_authorization_t *authorization);

/* Whether units of `vintage` under authorization may serve `purpose` on date `on`:
 * 4023 not-authorized when authorization is NULL, `on` is unknown or precedes its date, or its
 * purpose does not cover `purpose`; 4024 authorization-revoked when revoked on or before `on`;
 * 4021 vintage-outside-timeframe. */
a6_check_t a6_authorization_covers(const a6_authorization_t *authorization, a6_purpose_t purpose,
                                   int32_t vintage, a6_date_t on);

/* A first transfer of quantity units: 4022 already-first-transferred when any of them was (an
 * ITMO is first transferred at most once), then a6_authorization_covers, then the quantity (1001,
 * 1002), then 4020 authorized-quantity-exceeded when first_transferred_tco2e (the total already
 * first transferred under this authorization) + quantity exceeds the authorized quantity. */
a6_check_t a6_first_transfer_check(const a6_authorization_t *authorization, a6_purpose_t purpose,
                                   int32_t vintage, a6_date_t on, bool already_first_transferred,
                                   int64_t first_transferred_tco2e, int64_t quantity_tco2e);

#endif
