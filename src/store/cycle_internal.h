/* cycle_internal.h: helpers shared by the cycle store files (private to src/store/). */
#ifndef A6_STORE_CYCLE_INTERNAL_H
#define A6_STORE_CYCLE_INTERNAL_H

#include "cycle_store.h"

typedef enum cycle_table {
    CYCLE_TABLE_METHODOLOGIES,
    CYCLE_TABLE_ACTIVITIES,
    CYCLE_TABLE_EVENTS,
    CYCLE_TABLE_PERIODS,
    CYCLE_TABLE_ALLOCATIONS,
} cycle_table_t;

typedef struct cycle_activity {
    int64_t id; /* 0 when not found */
    activity_kind_t kind;
    activity_state_t state;
    int64_t parent_id;
} cycle_activity_t;

/* Next free id of a table (the single writer is the only one inserting). */
int cycle_next_id(db_t *db, cycle_table_t table, int64_t *out, db_error_t *err);
/* Binds a date as "YYYY-MM-DD", or NULL for A6_DATE_NONE. */
int cycle_bind_date(db_stmt_t *stmt, int index, a6_date_t date);
/* Reads a date column (A6_DATE_NONE for NULL). */
a6_date_t cycle_column_date(db_stmt_t *stmt, int column);
/* Loads an activity by reference (out->id is 0 when there is none). */
int cycle_load_activity(db_t *db, const char *ref, cycle_activity_t *out, db_error_t *err);
/* Records one dated event of an activity (from is 0 for the first). */
int cycle_insert_event(db_t *db, ledger_state_t *state, int64_t activity_id, const char *event,
                       activity_state_t from, activity_state_t to, a6_date_t on, const char *actor,
                       const char *role, const event_input_t *document, db_error_t *err);

#endif
