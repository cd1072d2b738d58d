/* cycle.h: the project cycle as an explicit state machine: activity kinds (project, PoA, CPA),
 * their states, the events that move them, and which role may cause each event. Pure rules. */
#ifndef A6_CORE_CYCLE_H
#define A6_CORE_CYCLE_H

#include <stddef.h>

#include "check.h"

typedef enum activity_kind {
    ACTIVITY_PROJECT = 1,
    ACTIVITY_POA,
    ACTIVITY_CPA,
} activity_kind_t;

typedef enum activity_state {
    ACTIVITY_DRAFT = 1,
    ACTIVITY_SUBMITTED,
    ACTIVITY_UNDER_VALIDATION,
    ACTIVITY_VALIDATED,
    ACTIVITY_REGISTERED,
    ACTIVITY_REJECTED,
    ACTIVITY_WITHDRAWN,
    ACTIVITY_INCLUDED, /* CPA only */
    ACTIVITY_EXCLUDED, /* CPA only */
} activity_state_t;
#define ACTIVITY_STATE_COUNT 9

typedef enum activity_event {
    EVENT_SUBMIT = 1,       /* draft -> submitted (participant) */
    EVENT_START_VALIDATION, /* submitted -> under_validation (auditor); project and PoA */
    EVENT_VALIDATE,         /* under_validation -> validated (auditor) */
    EVENT_REGISTER,         /* validated -> registered (committee) */
    EVENT_REJECT,   /* submitted|under_validation|validated -> rejected (auditor, committee) */
    EVENT_WITHDRAW, /* draft|submitted|under_validation|validated -> withdrawn (participant) */
    EVENT_INCLUDE,  /* CPA: submitted -> included (auditor) */
    EVENT_EXCLUDE,  /* CPA: submitted|included -> excluded (auditor) */
} activity_event_t;
#define ACTIVITY_EVENT_COUNT 8

/* Roles of DESIGN.md. */
typedef enum a6_role {
    ROLE_ADMIN = 1,
    ROLE_AUTHORITY,
    ROLE_COMMITTEE,
    ROLE_AUDITOR,
    ROLE_PARTICIPANT,
    ROLE_OBSERVER,
} a6_role_t;
#define A6_ROLE_COUNT 6

/* Names ("project", "under_validation", "start_validation", "committee"...) and strict parsers
 * (A6_CHECK_KIND_INVALID, A6_CHECK_STATUS_INVALID, A6_CHECK_EVENT_INVALID, A6_CHECK_ROLE_INVALID).
 */
const char *activity_kind_name(activity_kind_t kind);
a6_check_t activity_kind_parse(const char *name, activity_kind_t *out);
const char *activity_state_name(activity_state_t state);
a6_check_t activity_state_parse(const char *name, activity_state_t *out);
const char *activity_event_name(activity_event_t event);
a6_check_t activity_event_parse(const char *name, activity_event_t *out);
const char *a6_role_name(a6_role_t role);
a6_check_t a6_role_parse(const char *name, a6_role_t *out);

/* The state an activity of `kind` starts in (draft). */
activity_state_t cycle_initial_state(activity_kind_t kind);

/* Applies event to state for an activity of kind, caused by role. Returns A6_OK and *next, or
 * A6_CHECK_TRANSITION_NOT_ALLOWED when the event does not apply in that state for that kind, or
 * A6_CHECK_ROLE_NOT_ALLOWED when it applies but not for this role. */
a6_check_t cycle_transition(activity_kind_t kind, activity_state_t state, activity_event_t event,
                            a6_role_t role, activity_state_t *next);

/* Events that apply to kind in state (whatever the role), in enum order; returns the count
 * (at most max written). The count returned is the number written, never more than max; no
 * state has more than ACTIVITY_EVENT_COUNT events, so an out of that size never truncates. */
size_t cycle_allowed_events(activity_kind_t kind, activity_state_t state, activity_event_t *out,
                            size_t max);

/* Writes "current state X; allowed: a, b" (or "allowed: none") for error messages. */
void cycle_describe_allowed(activity_kind_t kind, activity_state_t state, char *out, size_t size);

/* True when monitoring and issuance may happen: a registered project or PoA, an included CPA. */
int cycle_is_active(activity_kind_t kind, activity_state_t state);

#endif
