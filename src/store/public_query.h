/* public_query.h: read-only figures the public site shows that no API query gives yet: units by
 * vintage and where they are (held, with the partner, retired, cancelled), and the facts of one
 * retirement or cancellation for its certificate. */
#ifndef A6_STORE_PUBLIC_QUERY_H
#define A6_STORE_PUBLIC_QUERY_H

#include <jansson.h>

#include "db.h"

/* [{"vintage", "unit_type", "held", "partner", "retired", "cancelled", "total"}], by vintage and
 * unit type. Every unit in this registry is counted once, by the type of the account holding it.
 * NULL on a database error. */
json_t *public_query_credits(db_t *db, db_error_t *err);

/* The certificate facts of a retirement or cancellation: {"id", "type", "quantity", "date",
 * "holder" (the account the units left), "account_type" (where they went), "blocks": [{"first",
 * "last", "vintage", "unit_type"}], "purpose", "using_entity", "using_party", "action_type"
 * (the AEF meaning, when any)}. NULL with err->code 0 when the transaction is unknown or is not a
 * retirement or cancellation. */
json_t *public_query_certificate(db_t *db, int64_t transaction_id, db_error_t *err);

#endif
