/* authorization_store.h: the national authorization framework (versioned policy) and the
 * authorizations of activities: each request is evaluated against every rule of the policy in
 * force, including the NDC safeguard, and decided by the authority. */
#ifndef A6_STORE_AUTHORIZATION_STORE_H
#define A6_STORE_AUTHORIZATION_STORE_H

#include <jansson.h>

#include "../core/authorization.h"
#include "../core/cycle.h"
#include "writer.h"

typedef struct authorization_result {
    a6_check_t check; /* the rejection, or for a request the evaluation's overall check */
    const char *field;
    char message[256];
    int64_t id;         /* policy version or authorization id */
    json_t *evaluation; /* a request's rule results (caller releases), NULL otherwise */
    int store_error;
} authorization_result_t;

/* What the Article 6 store operations share: a refusal naming the field ("field: description:
 * detail", WRITER_REJECTED), and running an operation through the writer into result (cleared
 * first; a storage failure sets store_error and the message). */
int authorization_reject(authorization_result_t *result, a6_check_t check, const char *field,
                         const char *detail);
void authorization_run(writer_t *w, writer_apply_fn apply, void *context,
                       authorization_result_t *result);

/* Sets a new version of the policy from its JSON: {"sectors": [..], "technologies": [..],
 * "max_share_bp": N, "purposes": [..], "vintage_first": Y, "vintage_last": Y, "target_year": Y}. */
void policy_set(writer_t *w, const char *actor, a6_role_t role, json_t *body,
                authorization_result_t *result);
/* The policy in force with its version, NULL when none (err->code 0). */
json_t *policy_query(db_t *db, db_error_t *err);

typedef struct authorization_input {
    const char *actor;
    const char *ref; /* the activity */
    const char *approach_id;
    a6_purpose_t purpose;
    int64_t quantity_tco2e;
    int32_t vintage_first;
    int32_t vintage_last;
    int32_t first_transfer_year; /* 0: the target year */
    /* AEF T2 fields: the Party's first transfer definition for OIMP (required when the purpose
     * covers IMP or OP), authorized entities (names registered with entity_add), terms and
     * conditions, mitigation type (NULL: "Emission reductions"). */
    a6_first_transfer_t oimp_first_transfer;
    const char *const *entities;
    size_t entity_count;
    const char *terms;
    const char *mitigation_type;
} authorization_input_t;

/* Evaluates a request against every rule of the policy in force and, when all pass, records it
 * as "requested" (result->id). A refusal changes nothing: result->check is the first failing
 * rule's code. Either way result->evaluation holds every rule's result (caller releases). */
void authorization_request(writer_t *w, const authorization_input_t *in,
                           authorization_result_t *result);

/* The authority authorizes (approve) or declines a requested authorization (a request refused by
 * the evaluation was never recorded); a decided one cannot be decided again. */
void authorization_decide(writer_t *w, const char *actor, a6_role_t role, int64_t id, int approve,
                          a6_date_t on, authorization_result_t *result);

/* The authority revokes an authorization in force, effective `on`: refused 4033 once any unit
 * issued under it was first transferred (units not yet issued are then no longer authorized). */
void authorization_revoke(writer_t *w, const char *actor, a6_role_t role, int64_t id, a6_date_t on,
                          authorization_result_t *result);

/* The authority changes an authorization in force into its next version (in->quantity_tco2e,
 * in->vintage_first, in->vintage_last; the purpose stays): re-evaluated against the policy as if
 * replacing the current version (every rule's result in result->evaluation, caller releases),
 * and refused 4033 once any unit under it was first transferred, 4020 below the units issued
 * under it, 4021 when their vintages would leave the timeframe. */
void authorization_change(writer_t *w, const authorization_input_t *in, a6_role_t role, int64_t id,
                          a6_date_t on, authorization_result_t *result);

/* All authorizations, or one (NULL with err->code 0 when unknown). */
json_t *authorization_query_all(db_t *db, db_error_t *err);
json_t *authorization_query(db_t *db, int64_t id, db_error_t *err);

#endif
