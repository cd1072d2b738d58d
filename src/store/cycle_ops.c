/* cycle_ops.c: each project-cycle change as one operation of the single writer. */
#include <stdio.h>
#include <string.h>

#include "cycle_internal.h"

typedef int (*cycle_apply_fn)(db_t *db, ledger_state_t *state, const void *input,
                              cycle_result_t *result, db_error_t *err);

typedef struct cycle_operation {
    cycle_apply_fn apply;
    const void *input;
    cycle_result_t *result;
} cycle_operation_t;

static int apply_operation(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    cycle_operation_t *operation = context;
    return operation->apply(db, state, operation->input, operation->result, err);
}

static void run(writer_t *w, cycle_apply_fn apply, const void *input, cycle_result_t *result)
{
    memset(result, 0, sizeof *result);
    cycle_operation_t operation = {.apply = apply, .input = input, .result = result};
    db_error_t err = {0};
    int outcome = writer_execute(w, apply_operation, &operation, &err);
    if (outcome < 0) {
        result->store_error = outcome;
        snprintf(result->message, sizeof result->message, "storage error: %s", err.message);
    }
}

/* Adapters from the typed inner operations to the generic signature. */
#define CYCLE_OPERATION(name, input_type, inner)                                                   \
    static int name##_adapter(db_t *db, ledger_state_t *state, const void *input,                  \
                              cycle_result_t *result, db_error_t *err)                             \
    {                                                                                              \
        return inner(db, state, (const input_type *)input, result, err);                           \
    }                                                                                              \
    void name(writer_t *w, const input_type *in, cycle_result_t *result)                           \
    {                                                                                              \
        run(w, name##_adapter, in, result);                                                        \
    }

CYCLE_OPERATION(cycle_methodology_add, methodology_input_t, cycle_apply_methodology_add)
CYCLE_OPERATION(cycle_activity_add, activity_input_t, cycle_apply_activity_add)
CYCLE_OPERATION(cycle_event, event_input_t, cycle_apply_event)
CYCLE_OPERATION(cycle_period_add, period_input_t, cycle_apply_period_add)
CYCLE_OPERATION(cycle_period_verify, period_input_t, cycle_apply_period_verify)
CYCLE_OPERATION(cycle_period_request, period_input_t, cycle_apply_period_request)
CYCLE_OPERATION(cycle_period_notify, period_input_t, cycle_apply_period_notify)
CYCLE_OPERATION(cycle_period_issue, period_input_t, cycle_apply_period_issue)
