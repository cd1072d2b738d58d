/* cycle.c: the project cycle state machine: names, and one table of which event moves which kind
 * of activity from which states, to which state, caused by which roles. */
#include "cycle.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "names.h"

static const char *const kind_names[] = {
    [ACTIVITY_PROJECT] = "project",
    [ACTIVITY_POA] = "poa",
    [ACTIVITY_CPA] = "cpa",
};

static const char *const state_names[] = {
    [ACTIVITY_DRAFT] = "draft",
    [ACTIVITY_SUBMITTED] = "submitted",
    [ACTIVITY_UNDER_VALIDATION] = "under_validation",
    [ACTIVITY_VALIDATED] = "validated",
    [ACTIVITY_REGISTERED] = "registered",
    [ACTIVITY_REJECTED] = "rejected",
    [ACTIVITY_WITHDRAWN] = "withdrawn",
    [ACTIVITY_INCLUDED] = "included",
    [ACTIVITY_EXCLUDED] = "excluded",
};

static const char *const event_names[] = {
    [EVENT_SUBMIT] = "submit",     [EVENT_START_VALIDATION] = "start_validation",
    [EVENT_VALIDATE] = "validate", [EVENT_REGISTER] = "register",
    [EVENT_REJECT] = "reject",     [EVENT_WITHDRAW] = "withdraw",
    [EVENT_INCLUDE] = "include",   [EVENT_EXCLUDE] = "exclude",
};

static const char *const role_names[] = {
    [ROLE_ADMIN] = "admin",     [ROLE_AUTHORITY] = "authority",     [ROLE_COMMITTEE] = "committee",
    [ROLE_AUDITOR] = "auditor", [ROLE_PARTICIPANT] = "participant", [ROLE_OBSERVER] = "observer",
};

_Static_assert(A6_COUNT_OF(state_names) == ACTIVITY_STATE_COUNT + 1, "a name for every state");
_Static_assert(A6_COUNT_OF(event_names) == ACTIVITY_EVENT_COUNT + 1, "a name for every event");
_Static_assert(A6_COUNT_OF(role_names) == A6_ROLE_COUNT + 1, "a name for every role");

/* Index of name in names[1..count-1], or 0 when absent (index 0 is never a valid value). */
const char *activity_kind_name(activity_kind_t kind)
{
    return a6_name_of(kind_names, A6_COUNT_OF(kind_names), (int)kind);
}

a6_check_t activity_kind_parse(const char *name, activity_kind_t *out)
{
    int found = a6_name_find(kind_names, A6_COUNT_OF(kind_names), name);
    if (!found) return A6_CHECK_KIND_INVALID;
    *out = (activity_kind_t)found;
    return A6_OK;
}

const char *activity_state_name(activity_state_t state)
{
    return a6_name_of(state_names, A6_COUNT_OF(state_names), (int)state);
}

a6_check_t activity_state_parse(const char *name, activity_state_t *out)
{
    int found = a6_name_find(state_names, A6_COUNT_OF(state_names), name);
    if (!found) return A6_CHECK_STATUS_INVALID;
    *out = (activity_state_t)found;
    return A6_OK;
}

const char *activity_event_name(activity_event_t event)
{
    return a6_name_of(event_names, A6_COUNT_OF(event_names), (int)event);
}

a6_check_t activity_event_parse(const char *name, activity_event_t *out)
{
    int found = a6_name_find(event_names, A6_COUNT_OF(event_names), name);
    if (!found) return A6_CHECK_EVENT_INVALID;
    *out = (activity_event_t)found;
    return A6_OK;
}

const char *a6_role_name(a6_role_t role)
{
    return a6_name_of(role_names, A6_COUNT_OF(role_names), (int)role);
}

a6_check_t a6_role_parse(const char *name, a6_role_t *out)
{
    int found = a6_name_find(role_names, A6_COUNT_OF(role_names), name);
    if (!found) return A6_CHECK_ROLE_INVALID;
    *out = (a6_role_t)found;
    return A6_OK;
}

/* ---- the transition table ---- */

#define BIT(value) (UINT32_C(1) << (value))
#define KINDS_PROJECT_POA (BIT(ACTIVITY_PROJECT) | BIT(ACTIVITY_POA))

typedef struct cycle_rule {
    activity_event_t event;
    uint32_t kinds; /* BIT(kind) of the kinds the rule applies to */
    uint32_t from;  /* BIT(state) of the states the event applies in */
    activity_state_t to;
    uint32_t roles; /* BIT(role) of the roles that may cause it; admin never bypasses */
} cycle_rule_t;

/* At most one rule matches a (kind, event, state): cycle_rule_find takes the first. A CPA never
 * goes through validation or registration (it is included under its registered PoA), and only
 * draft or submitted CPAs may be withdrawn; once included, only exclusion ends a CPA. */
static const cycle_rule_t cycle_rules[] = {
    {EVENT_SUBMIT, KINDS_PROJECT_POA | BIT(ACTIVITY_CPA), BIT(ACTIVITY_DRAFT), ACTIVITY_SUBMITTED,
     BIT(ROLE_PARTICIPANT)},
    {EVENT_START_VALIDATION, KINDS_PROJECT_POA, BIT(ACTIVITY_SUBMITTED), ACTIVITY_UNDER_VALIDATION,
     BIT(ROLE_AUDITOR)},
    {EVENT_VALIDATE, KINDS_PROJECT_POA, BIT(ACTIVITY_UNDER_VALIDATION), ACTIVITY_VALIDATED,
     BIT(ROLE_AUDITOR)},
    {EVENT_REGISTER, KINDS_PROJECT_POA, BIT(ACTIVITY_VALIDATED), ACTIVITY_REGISTERED,
     BIT(ROLE_COMMITTEE)},
    {EVENT_REJECT, KINDS_PROJECT_POA,
     BIT(ACTIVITY_SUBMITTED) | BIT(ACTIVITY_UNDER_VALIDATION) | BIT(ACTIVITY_VALIDATED),
     ACTIVITY_REJECTED, BIT(ROLE_AUDITOR) | BIT(ROLE_COMMITTEE)},
    {EVENT_WITHDRAW, KINDS_PROJECT_POA,
     BIT(ACTIVITY_DRAFT) | BIT(ACTIVITY_SUBMITTED) | BIT(ACTIVITY_UNDER_VALIDATION) |
         BIT(ACTIVITY_VALIDATED),
     ACTIVITY_WITHDRAWN, BIT(ROLE_PARTICIPANT)},
    {EVENT_WITHDRAW, BIT(ACTIVITY_CPA), BIT(ACTIVITY_DRAFT) | BIT(ACTIVITY_SUBMITTED),
     ACTIVITY_WITHDRAWN, BIT(ROLE_PARTICIPANT)},
    {EVENT_INCLUDE, BIT(ACTIVITY_CPA), BIT(ACTIVITY_SUBMITTED), ACTIVITY_INCLUDED,
     BIT(ROLE_AUDITOR)},
    {EVENT_EXCLUDE, BIT(ACTIVITY_CPA), BIT(ACTIVITY_SUBMITTED) | BIT(ACTIVITY_INCLUDED),
     ACTIVITY_EXCLUDED, BIT(ROLE_AUDITOR)},
};

static bool kind_valid(activity_kind_t kind)
{
    return kind >= ACTIVITY_PROJECT && kind <= ACTIVITY_CPA;
}

static bool state_valid(activity_state_t state)
{
    return state >= ACTIVITY_DRAFT && state <= ACTIVITY_EXCLUDED;
}

static bool event_valid(activity_event_t event)
{
    return event >= EVENT_SUBMIT && event <= EVENT_EXCLUDE;
}

static bool role_valid(a6_role_t role)
{
    return role >= ROLE_ADMIN && role <= ROLE_OBSERVER;
}

/* The rule moving an activity of kind in state by event, or NULL when the event does not apply
 * (including any value outside its enum). */
static const cycle_rule_t *cycle_rule_find(activity_kind_t kind, activity_state_t state,
                                           activity_event_t event)
{
    if (!kind_valid(kind) || !state_valid(state) || !event_valid(event)) return NULL;
    for (size_t i = 0; i < A6_COUNT_OF(cycle_rules); i++) {
        const cycle_rule_t *rule = &cycle_rules[i];
        if (rule->event == event && (rule->kinds & BIT(kind)) && (rule->from & BIT(state)))
            return rule;
    }
    return NULL;
}

activity_state_t cycle_initial_state(activity_kind_t kind)
{
    (void)kind; /* every kind starts as a draft */
    return ACTIVITY_DRAFT;
}

a6_check_t cycle_transition(activity_kind_t kind, activity_state_t state, activity_event_t event,
                            a6_role_t role, activity_state_t *next)
{
    const cycle_rule_t *rule = cycle_rule_find(kind, state, event);
    if (!rule) return A6_CHECK_TRANSITION_NOT_ALLOWED;
    if (!role_valid(role) || !(rule->roles & BIT(role))) return A6_CHECK_ROLE_NOT_ALLOWED;
    *next = rule->to;
    return A6_OK;
}

size_t cycle_allowed_events(activity_kind_t kind, activity_state_t state, activity_event_t *out,
                            size_t max)
{
    size_t count = 0;
    for (int event = EVENT_SUBMIT; event <= EVENT_EXCLUDE && count < max; event++)
        if (cycle_rule_find(kind, state, (activity_event_t)event)) out[count++] = event;
    return count;
}

/* Appends text to out (size bytes, *used already written), truncating and keeping it terminated. */
static void append_text(char *out, size_t size, size_t *used, const char *text)
{
    size_t length = strlen(text);
    size_t room = size - *used - 1; /* *used < size always: the terminator has its byte */
    if (length > room) length = room;
    memcpy(out + *used, text, length);
    *used += length;
    out[*used] = '\0';
}

void cycle_describe_allowed(activity_kind_t kind, activity_state_t state, char *out, size_t size)
{
    if (size == 0) return;
    size_t used = 0;
    out[0] = '\0';
    append_text(out, size, &used, "current state ");
    append_text(out, size, &used, activity_state_name(state));
    append_text(out, size, &used, "; allowed: ");
    activity_event_t events[ACTIVITY_EVENT_COUNT];
    size_t count = cycle_allowed_events(kind, state, events, A6_COUNT_OF(events));
    if (count == 0) append_text(out, size, &used, "none");
    for (size_t i = 0; i < count; i++) {
        if (i > 0) append_text(out, size, &used, ", ");
        append_text(out, size, &used, activity_event_name(events[i]));
    }
}

int cycle_is_active(activity_kind_t kind, activity_state_t state)
{
    if (kind == ACTIVITY_PROJECT || kind == ACTIVITY_POA) return state == ACTIVITY_REGISTERED;
    if (kind == ACTIVITY_CPA) return state == ACTIVITY_INCLUDED;
    return 0;
}
