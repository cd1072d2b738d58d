/* approach_store.h: cooperative approaches (CA0001: its Parties, the partner's registry, its first
 * transfer rule for ITMOs used towards an NDC) and the entities a host authorizes (AEF table T5),
 * each change one writer operation set by the authority, audited. */
#ifndef A6_STORE_APPROACH_STORE_H
#define A6_STORE_APPROACH_STORE_H

#include <jansson.h>

#include "../core/access.h"
#include "../core/itmo.h"
#include "authorization_store.h"
#include "writer.h"

typedef struct approach_input {
    const char *actor;
    a6_role_t role;
    const char *id; /* CA0001 */
    const char *name;
    const char *partner_party;    /* JPN */
    const char *partner_registry; /* JPN01 */
    a6_ndc_first_transfer_t ndc_first_transfer;
    const char *unit_registry; /* "JCM", or NULL */
} approach_input_t;

/* Registers an approach (the host Party is this registry's). Refused: 7001 not the authority,
 * 4003 id, 1009 partner Party (or the host's own), 4002 partner registry, 4006 rule, 4008 unit
 * registry, 1014 name, 4034 an approach with this id already exists. */
void approach_add(writer_t *w, const approach_input_t *in, authorization_result_t *result);
json_t *approach_query_all(db_t *db, db_error_t *err);

typedef struct entity_input {
    const char *actor;
    a6_role_t role;
    const char *name;
    const char *country; /* of incorporation, alpha-3 */
    const char *identification;
    const char *approach_id;
    const char *conditions;        /* optional */
    const char *change_conditions; /* optional */
    a6_date_t on;                  /* date of the authorization of the entity */
} entity_input_t;

/* Authorizes an entity (a T5 row). Refused: 7001, 1014 name / identification / conditions, 1009
 * country, 4031 unknown approach, 1013 date, 4035 the name is taken. */
void entity_add(writer_t *w, const entity_input_t *in, authorization_result_t *result);
json_t *entity_query_all(db_t *db, db_error_t *err);

#endif
