/* ledger_ops.h: ledger operations made of several steps, each as one writer operation. */
#ifndef A6_STORE_LEDGER_OPS_H
#define A6_STORE_LEDGER_OPS_H

#include "writer.h"

/* The registry's own account of type (retirement or cancellation, held by "Registry"), opened on
 * first use. Returns 0 with *id, or a negative db_result_t. */
int ledger_default_account(writer_t *w, const char *actor, ledger_account_type_t type,
                           const char *party, int64_t *id, db_error_t *err);

#endif
