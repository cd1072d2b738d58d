/* cycle_store.h: the project cycle in the database: methodologies, activities (projects, PoAs,
 * CPAs) and their dated events, monitoring periods through notification and issuance into the
 * ledger. Each change runs through the single writer; the rules come from core/cycle.h and
 * core/period.h. */
#ifndef A6_STORE_CYCLE_STORE_H
#define A6_STORE_CYCLE_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/cycle.h"
#include "../core/period.h"
#include "writer.h"

#define CYCLE_TEXT_MAX 4000 /* longest title, criteria or note accepted */
#define CYCLE_LIST_MAX 64   /* participants, methodologies or allocations in one request */

/* Outcome of a cycle request: A6_OK with the new or changed id, or the check and its field. */
typedef struct cycle_result {
    a6_check_t check;
    const char *field;
    char message[320];
    int64_t id;
    int store_error; /* negative when the database failed (nothing applied) */
} cycle_result_t;

typedef struct methodology_input {
    const char *actor;
    const char *code;    /* "VN_AM007" */
    const char *version; /* "Ver1.0", or "" when not published */
    const char *title;   /* optional */
    const char *sectoral_scope;
    const char *status; /* proposed, approved, revised, withdrawn */
    a6_date_t approved_on;
} methodology_input_t;

typedef struct activity_input {
    const char *actor;
    const char *ref; /* "VN001" */
    activity_kind_t kind;
    const char *parent_ref; /* a CPA's PoA */
    const char *title;
    const char *const *methodologies; /* codes (the newest version is linked) */
    size_t methodology_count;
    const char *const *host_participants;
    size_t host_count;
    const char *const *partner_participants;
    size_t partner_count;
    const char *host_party;    /* "VNM" */
    const char *partner_party; /* "JPN", optional */
    const char *technology_group;
    const char *sector;
    const char *location;
    int64_t expected_annual_tco2e; /* 0 when unknown */
    const char *expected_source;
    a6_date_t crediting_start;
    a6_date_t crediting_end;
    const char *eligibility_criteria; /* PoA */
    const char *coordinating_entity;  /* PoA */
    /* Imported history only: the state the public record shows and the date it was reached
     * (recorded as one "import" event); 0 for a new activity, which starts in draft. */
    activity_state_t imported_state;
    a6_date_t imported_on;
} activity_input_t;

typedef struct event_input {
    const char *actor;
    a6_role_t role;
    const char *ref;
    activity_event_t event;
    a6_date_t occurred_on;
    a6_date_t today;
    const char *document_title; /* optional document reference */
    const char *document_url;
    const char *document_sha256;
} event_input_t;

typedef struct period_input {
    const char *actor;
    a6_role_t role;
    const char *ref;   /* monitoring add */
    int64_t period_id; /* the other steps */
    a6_date_t start;
    a6_date_t end;
    int64_t quantity; /* claimed, verified or notified tCO2e */
    a6_date_t on;     /* the step's date */
    a6_date_t today;
    const allocation_t *allocations; /* notify */
    size_t allocation_count;
    const char *const *account_holders; /* issue: holder names mapped to... */
    const int64_t *account_ids;         /* ...these accounts */
    size_t account_count;
    /* issue: the units are ITMOs under this authorization (0: plain units). The host side's
     * shares are issued into its accounts; the partner's share is issued into the partner
     * registry's account, which is its first transfer when the approach says so (the JCM). */
    int64_t authorization_id;
} period_input_t;

/* A monitoring period from the public record (import): whatever is known, as notified. */
typedef struct period_import {
    const char *actor;
    const char *ref;
    const char *import_key; /* unique key of the source row: importing it again changes nothing */
    a6_date_t start;        /* A6_DATE_NONE when not published */
    a6_date_t end;
    a6_date_t notified_on;
    int64_t notified_tco2e;
    const allocation_t *allocations; /* the published shares */
    size_t allocation_count;
    const char *note;
    /* Issue the host and participants shares into this registry's ledger (the caller sets it
     * only when the shares are complete and the vintage is known). */
    int issue;
} period_import_t;

/* Inner operations: run inside a writer transaction (import composes them). Each returns
 * WRITER_ACCEPTED or WRITER_REJECTED with result filled, or a negative db_result_t. */
int cycle_apply_methodology_add(db_t *db, ledger_state_t *state, const methodology_input_t *in,
                                cycle_result_t *result, db_error_t *err);
int cycle_apply_activity_add(db_t *db, ledger_state_t *state, const activity_input_t *in,
                             cycle_result_t *result, db_error_t *err);
int cycle_apply_event(db_t *db, ledger_state_t *state, const event_input_t *in,
                      cycle_result_t *result, db_error_t *err);
int cycle_apply_period_add(db_t *db, ledger_state_t *state, const period_input_t *in,
                           cycle_result_t *result, db_error_t *err);
int cycle_apply_period_verify(db_t *db, ledger_state_t *state, const period_input_t *in,
                              cycle_result_t *result, db_error_t *err);
int cycle_apply_period_request(db_t *db, ledger_state_t *state, const period_input_t *in,
                               cycle_result_t *result, db_error_t *err);
int cycle_apply_period_notify(db_t *db, ledger_state_t *state, const period_input_t *in,
                              cycle_result_t *result, db_error_t *err);
int cycle_apply_period_issue(db_t *db, ledger_state_t *state, const period_input_t *in,
                             cycle_result_t *result, db_error_t *err);
/* Records an imported period; result->id is 0 (and WRITER_ACCEPTED) when its import_key is
 * already there. */
int cycle_apply_period_import(db_t *db, ledger_state_t *state, const period_import_t *in,
                              cycle_result_t *result, db_error_t *err);

/* The same, each as one writer operation (validated, applied, durable on return). */
void cycle_methodology_add(writer_t *w, const methodology_input_t *in, cycle_result_t *result);
void cycle_activity_add(writer_t *w, const activity_input_t *in, cycle_result_t *result);
void cycle_event(writer_t *w, const event_input_t *in, cycle_result_t *result);
void cycle_period_add(writer_t *w, const period_input_t *in, cycle_result_t *result);
void cycle_period_verify(writer_t *w, const period_input_t *in, cycle_result_t *result);
void cycle_period_request(writer_t *w, const period_input_t *in, cycle_result_t *result);
void cycle_period_notify(writer_t *w, const period_input_t *in, cycle_result_t *result);
void cycle_period_issue(writer_t *w, const period_input_t *in, cycle_result_t *result);

/* Sets result to a rejection with a message "field: description" (and an optional detail). */
int cycle_reject(cycle_result_t *result, a6_check_t check, const char *field, const char *detail);

/* Reads (caller owns the JSON; NULL with err->code 0 when not found). */
json_t *cycle_query_methodologies(db_t *db, db_error_t *err);
json_t *cycle_query_activities(db_t *db, const char *kind, const char *state, db_error_t *err);
/* One activity with participants, methodologies, events, monitoring periods and allocations. */
json_t *cycle_query_activity(db_t *db, const char *ref, db_error_t *err);
/* The activity's cycle: each step with its date and the days spent until the next (or today). */
json_t *cycle_query_timeline(db_t *db, const char *ref, a6_date_t today, db_error_t *err);

#endif
