/* ndc_store.h: the host Party's NDC (period, target, BAU, reductions, CA method), its inventory by
 * year, and the emissions balance computed live from them and from the ITMOs first transferred
 * and used (core/ndc.h does the arithmetic). */
#ifndef A6_STORE_NDC_STORE_H
#define A6_STORE_NDC_STORE_H

#include <jansson.h>

#include "../core/ndc.h"
#include "writer.h"

typedef struct ndc_result {
    a6_check_t check;
    const char *field;
    char message[256];
    int store_error;
} ndc_result_t;

/* Sets the NDC (validated with a6_ndc_check; a method change is refused once a year has been
 * reported, A6_CHECK_CA_METHOD_LOCKED). */
void ndc_set(writer_t *w, const char *actor, const a6_ndc_t *ndc, ndc_result_t *result);

/* Records the inventory emissions (and optionally the trajectory value) of a year. */
void ndc_year_set(writer_t *w, const char *actor, int32_t year, int64_t emissions_tco2e,
                  int64_t trajectory_tco2e, ndc_result_t *result);

/* Loads the NDC (*found 0 when none is set) and its years' inputs: inventory, trajectory, and
 * the ITMOs first transferred and used by year (years has last - first + 1 entries). */
int ndc_load(db_t *db, a6_ndc_t *ndc, int *found, db_error_t *err);
int ndc_load_years(db_t *db, const a6_ndc_t *ndc, a6_ndc_year_t *years, db_error_t *err);

/* The emissions balance of every year of the period, or only `year` when it is not 0.
 * NULL with *check set when there is no NDC (A6_CHECK_NDC_DATA_MISSING) or year is outside the
 * period (A6_CHECK_NDC_INVALID); NULL with err->code < 0 on a database error. */
json_t *ndc_query_balance(db_t *db, int32_t year, a6_check_t *check, db_error_t *err);

#endif
