/* test_cycle.c: unit tests of core/cycle: every kind x state x event x role against a table of
 * the legal transitions written out here, names, allowed events and their description. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/cycle.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#define KIND_FIRST ACTIVITY_PROJECT
#define KIND_LAST ACTIVITY_CPA
#define STATE_FIRST ACTIVITY_DRAFT
#define STATE_LAST ACTIVITY_EXCLUDED
#define EVENT_FIRST EVENT_SUBMIT
#define EVENT_LAST EVENT_EXCLUDE
#define ROLE_FIRST ROLE_ADMIN
#define ROLE_LAST ROLE_OBSERVER

/* ---- the rule, written out independently of cycle.c: one row per legal transition ---- */

typedef struct expected_row {
    activity_kind_t kind;
    activity_state_t from;
    activity_event_t event;
    activity_state_t to;
    a6_role_t roles[2]; /* the roles that may cause it (0 = none); admin is never one of them */
} expected_row_t;

/* Short names for the table below only. */
#define PROJECT ACTIVITY_PROJECT
#define POA ACTIVITY_POA
#define CPA ACTIVITY_CPA
#define DRAFT ACTIVITY_DRAFT
#define SUBMITTED ACTIVITY_SUBMITTED
#define UNDER_VAL ACTIVITY_UNDER_VALIDATION
#define VALIDATED ACTIVITY_VALIDATED
#define REGISTERED ACTIVITY_REGISTERED
#define REJECTED ACTIVITY_REJECTED
#define WITHDRAWN ACTIVITY_WITHDRAWN
#define INCLUDED ACTIVITY_INCLUDED
#define EXCLUDED ACTIVITY_EXCLUDED
#define PARTICIPANT ROLE_PARTICIPANT
#define AUDITOR ROLE_AUDITOR
#define COMMITTEE ROLE_COMMITTEE

/* clang-format off */
static const expected_row_t expected_rows[] = {
    /* kind    from        event                   to           roles */
    {PROJECT, DRAFT,      EVENT_SUBMIT,           SUBMITTED,   {PARTICIPANT}},
    {PROJECT, SUBMITTED,  EVENT_START_VALIDATION, UNDER_VAL,   {AUDITOR}},
    {PROJECT, UNDER_VAL,  EVENT_VALIDATE,         VALIDATED,   {AUDITOR}},
    {PROJECT, VALIDATED,  EVENT_REGISTER,         REGISTERED,  {COMMITTEE}},
    {PROJECT, SUBMITTED,  EVENT_REJECT,           REJECTED,    {AUDITOR, COMMITTEE}},
    {PROJECT, UNDER_VAL,  EVENT_REJECT,           REJECTED,    {AUDITOR, COMMITTEE}},
    {PROJECT, VALIDATED,  EVENT_REJECT,           REJECTED,    {AUDITOR, COMMITTEE}},
    {PROJECT, DRAFT,      EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
    {PROJECT, SUBMITTED,  EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
    {PROJECT, UNDER_VAL,  EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
    {PROJECT, VALIDATED,  EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},

    {POA,     DRAFT,      EVENT_SUBMIT,           SUBMITTED,   {PARTICIPANT}},
    {POA,     SUBMITTED,  EVENT_START_VALIDATION, UNDER_VAL,   {AUDITOR}},
    {POA,     UNDER_VAL,  EVENT_VALIDATE,         VALIDATED,   {AUDITOR}},
    {POA,     VALIDATED,  EVENT_REGISTER,         REGISTERED,  {COMMITTEE}},
    {POA,     SUBMITTED,  EVENT_REJECT,           REJECTED,    {AUDITOR, COMMITTEE}},
    {POA,     UNDER_VAL,  EVENT_REJECT,           REJECTED,    {AUDITOR, COMMITTEE}},
    {POA,     VALIDATED,  EVENT_REJECT,           REJECTED,    {AUDITOR, COMMITTEE}},
    {POA,     DRAFT,      EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
    {POA,     SUBMITTED,  EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
    {POA,     UNDER_VAL,  EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
    {POA,     VALIDATED,  EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},

    {CPA,     DRAFT,      EVENT_SUBMIT,           SUBMITTED,   {PARTICIPANT}},
    {CPA,     SUBMITTED,  EVENT_INCLUDE,          INCLUDED,    {AUDITOR}},
    {CPA,     SUBMITTED,  EVENT_EXCLUDE,          EXCLUDED,    {AUDITOR}},
    {CPA,     INCLUDED,   EVENT_EXCLUDE,          EXCLUDED,    {AUDITOR}},
    {CPA,     DRAFT,      EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
    {CPA,     SUBMITTED,  EVENT_WITHDRAW,         WITHDRAWN,   {PARTICIPANT}},
};
/* clang-format on */

static const expected_row_t *expected_find(int kind, int state, int event)
{
    for (size_t i = 0; i < COUNT_OF(expected_rows); i++) {
        const expected_row_t *row = &expected_rows[i];
        if ((int)row->kind == kind && (int)row->from == state && (int)row->event == event)
            return row;
    }
    return NULL;
}

static bool expected_role_may(const expected_row_t *row, int role)
{
    return (int)row->roles[0] == role || (row->roles[1] && (int)row->roles[1] == role);
}

/* ---- the exhaustive table ---- */

static void transition_table(void **state)
{
    size_t cases = 0, accepted = 0;
    for (int k = KIND_FIRST; k <= KIND_LAST; k++) {
        for (int s = STATE_FIRST; s <= STATE_LAST; s++) {
            for (int e = EVENT_FIRST; e <= EVENT_LAST; e++) {
                const expected_row_t *row = expected_find(k, s, e);
                for (int r = ROLE_FIRST; r <= ROLE_LAST; r++) {
                    a6_check_t want = !row                        ? A6_CHECK_TRANSITION_NOT_ALLOWED
                                      : expected_role_may(row, r) ? A6_OK
                                                                  : A6_CHECK_ROLE_NOT_ALLOWED;
                    activity_state_t next = (activity_state_t)0;
                    a6_check_t got = cycle_transition((activity_kind_t)k, (activity_state_t)s,
                                                      (activity_event_t)e, (a6_role_t)r, &next);
                    if (got != want)
                        fail_msg("%s in %s, %s by %s: got %d (%s), want %d (%s)",
                                 activity_kind_name((activity_kind_t)k),
                                 activity_state_name((activity_state_t)s),
                                 activity_event_name((activity_event_t)e),
                                 a6_role_name((a6_role_t)r), got, a6_check_name(got), want,
                                 a6_check_name(want));
                    if (want == A6_OK && next != row->to)
                        fail_msg("%s in %s, %s by %s: next %s, want %s",
                                 activity_kind_name((activity_kind_t)k),
                                 activity_state_name((activity_state_t)s),
                                 activity_event_name((activity_event_t)e),
                                 a6_role_name((a6_role_t)r), activity_state_name(next),
                                 activity_state_name(row->to));
                    if (want != A6_OK && next != (activity_state_t)0)
                        fail_msg("next written on a refused transition");
                    cases++;
                    accepted += got == A6_OK;
                }
            }
        }
    }
    assert_int_equal(cases, 3 * ACTIVITY_STATE_COUNT * ACTIVITY_EVENT_COUNT * A6_ROLE_COUNT);
    /* project and PoA: submit, start, validate, register, 3 rejects x 2 roles, 4 withdraws = 14
     * each; CPA: submit, include, 2 excludes, 2 withdraws = 6 */
    assert_int_equal(accepted, 14 + 14 + 6);
}

/* Values outside the enums are refused, never read past a table. */
static void transition_out_of_range(void **state)
{
    const int bad_kinds[] = {0, KIND_LAST + 1, -1, 1000};
    const int bad_states[] = {0, STATE_LAST + 1, -1, 1000};
    const int bad_events[] = {0, EVENT_LAST + 1, -1, 1000};
    const int bad_roles[] = {0, ROLE_LAST + 1, -1, 1000};
    activity_state_t next = ACTIVITY_DRAFT;
    for (size_t i = 0; i < COUNT_OF(bad_kinds); i++)
        assert_int_equal(cycle_transition((activity_kind_t)bad_kinds[i], ACTIVITY_DRAFT,
                                          EVENT_SUBMIT, ROLE_PARTICIPANT, &next),
                         A6_CHECK_TRANSITION_NOT_ALLOWED);
    for (size_t i = 0; i < COUNT_OF(bad_states); i++)
        assert_int_equal(cycle_transition(ACTIVITY_PROJECT, (activity_state_t)bad_states[i],
                                          EVENT_SUBMIT, ROLE_PARTICIPANT, &next),
                         A6_CHECK_TRANSITION_NOT_ALLOWED);
    for (size_t i = 0; i < COUNT_OF(bad_events); i++)
        assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_DRAFT,
                                          (activity_event_t)bad_events[i], ROLE_PARTICIPANT, &next),
                         A6_CHECK_TRANSITION_NOT_ALLOWED);
    /* an unknown role on a legal transition is a role that may not; on an illegal one the
     * transition is judged first */
    for (size_t i = 0; i < COUNT_OF(bad_roles); i++) {
        assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_DRAFT, EVENT_SUBMIT,
                                          (a6_role_t)bad_roles[i], &next),
                         A6_CHECK_ROLE_NOT_ALLOWED);
        assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_DRAFT, EVENT_REGISTER,
                                          (a6_role_t)bad_roles[i], &next),
                         A6_CHECK_TRANSITION_NOT_ALLOWED);
    }
    assert_int_equal(next, ACTIVITY_DRAFT);
}

/* A few rows spelled out literally, so the table above cannot share a mistake with the rule. */
static void transition_spot_checks(void **state)
{
    activity_state_t next = (activity_state_t)0;
    assert_int_equal(
        cycle_transition(ACTIVITY_PROJECT, ACTIVITY_DRAFT, EVENT_SUBMIT, ROLE_PARTICIPANT, &next),
        A6_OK);
    assert_int_equal(next, ACTIVITY_SUBMITTED);
    assert_int_equal(
        cycle_transition(ACTIVITY_POA, ACTIVITY_VALIDATED, EVENT_REGISTER, ROLE_COMMITTEE, &next),
        A6_OK);
    assert_int_equal(next, ACTIVITY_REGISTERED);
    assert_int_equal(
        cycle_transition(ACTIVITY_CPA, ACTIVITY_SUBMITTED, EVENT_INCLUDE, ROLE_AUDITOR, &next),
        A6_OK);
    assert_int_equal(next, ACTIVITY_INCLUDED);

    /* admin, authority and observer bypass nothing */
    static const a6_role_t outsiders[] = {ROLE_ADMIN, ROLE_AUTHORITY, ROLE_OBSERVER};
    for (size_t i = 0; i < COUNT_OF(outsiders); i++) {
        assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_VALIDATED, EVENT_REGISTER,
                                          outsiders[i], &next),
                         A6_CHECK_ROLE_NOT_ALLOWED);
        assert_int_equal(
            cycle_transition(ACTIVITY_PROJECT, ACTIVITY_DRAFT, EVENT_SUBMIT, outsiders[i], &next),
            A6_CHECK_ROLE_NOT_ALLOWED);
        assert_int_equal(
            cycle_transition(ACTIVITY_CPA, ACTIVITY_SUBMITTED, EVENT_INCLUDE, outsiders[i], &next),
            A6_CHECK_ROLE_NOT_ALLOWED);
    }
    /* the auditor validates but does not register; the committee registers but does not
     * validate; participants only submit and withdraw */
    assert_int_equal(
        cycle_transition(ACTIVITY_PROJECT, ACTIVITY_VALIDATED, EVENT_REGISTER, ROLE_AUDITOR, &next),
        A6_CHECK_ROLE_NOT_ALLOWED);
    assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_UNDER_VALIDATION, EVENT_VALIDATE,
                                      ROLE_COMMITTEE, &next),
                     A6_CHECK_ROLE_NOT_ALLOWED);
    assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_SUBMITTED, EVENT_REJECT,
                                      ROLE_PARTICIPANT, &next),
                     A6_CHECK_ROLE_NOT_ALLOWED);

    /* the state is judged before the role: skipping validation is not a role problem */
    assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_SUBMITTED, EVENT_REGISTER,
                                      ROLE_COMMITTEE, &next),
                     A6_CHECK_TRANSITION_NOT_ALLOWED);
    assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_SUBMITTED, EVENT_REGISTER,
                                      ROLE_OBSERVER, &next),
                     A6_CHECK_TRANSITION_NOT_ALLOWED);

    /* CPAs have no validation or registration; projects and PoAs no inclusion or exclusion */
    assert_int_equal(cycle_transition(ACTIVITY_CPA, ACTIVITY_SUBMITTED, EVENT_START_VALIDATION,
                                      ROLE_AUDITOR, &next),
                     A6_CHECK_TRANSITION_NOT_ALLOWED);
    assert_int_equal(
        cycle_transition(ACTIVITY_CPA, ACTIVITY_SUBMITTED, EVENT_REJECT, ROLE_AUDITOR, &next),
        A6_CHECK_TRANSITION_NOT_ALLOWED);
    assert_int_equal(
        cycle_transition(ACTIVITY_CPA, ACTIVITY_INCLUDED, EVENT_WITHDRAW, ROLE_PARTICIPANT, &next),
        A6_CHECK_TRANSITION_NOT_ALLOWED);
    assert_int_equal(
        cycle_transition(ACTIVITY_POA, ACTIVITY_SUBMITTED, EVENT_INCLUDE, ROLE_AUDITOR, &next),
        A6_CHECK_TRANSITION_NOT_ALLOWED);
    assert_int_equal(
        cycle_transition(ACTIVITY_PROJECT, ACTIVITY_REGISTERED, EVENT_EXCLUDE, ROLE_AUDITOR, &next),
        A6_CHECK_TRANSITION_NOT_ALLOWED);
    /* no way back out of a terminal state */
    assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_REJECTED, EVENT_SUBMIT,
                                      ROLE_PARTICIPANT, &next),
                     A6_CHECK_TRANSITION_NOT_ALLOWED);
    assert_int_equal(cycle_transition(ACTIVITY_PROJECT, ACTIVITY_REGISTERED, EVENT_WITHDRAW,
                                      ROLE_PARTICIPANT, &next),
                     A6_CHECK_TRANSITION_NOT_ALLOWED);
}

static void terminal_states(void **state)
{
    static const activity_state_t terminal[] = {ACTIVITY_REGISTERED, ACTIVITY_REJECTED,
                                                ACTIVITY_WITHDRAWN, ACTIVITY_EXCLUDED};
    activity_event_t events[ACTIVITY_EVENT_COUNT];
    for (int k = KIND_FIRST; k <= KIND_LAST; k++)
        for (size_t i = 0; i < COUNT_OF(terminal); i++)
            assert_int_equal(
                cycle_allowed_events((activity_kind_t)k, terminal[i], events, COUNT_OF(events)), 0);
    /* included ends a CPA's cycle except for exclusion; it is no state of a project or PoA */
    assert_int_equal(cycle_allowed_events(ACTIVITY_PROJECT, ACTIVITY_INCLUDED, events, 8), 0);
    assert_int_equal(cycle_allowed_events(ACTIVITY_POA, ACTIVITY_INCLUDED, events, 8), 0);
    assert_int_equal(cycle_allowed_events(ACTIVITY_CPA, ACTIVITY_INCLUDED, events, 8), 1);
    assert_int_equal(events[0], EVENT_EXCLUDE);
}

/* The states reachable from the initial state by any role. */
static void reachable_states(void **state)
{
    static const bool want[KIND_LAST + 1][STATE_LAST + 1] = {
        [ACTIVITY_PROJECT] = {[ACTIVITY_DRAFT] = true,
                              [ACTIVITY_SUBMITTED] = true,
                              [ACTIVITY_UNDER_VALIDATION] = true,
                              [ACTIVITY_VALIDATED] = true,
                              [ACTIVITY_REGISTERED] = true,
                              [ACTIVITY_REJECTED] = true,
                              [ACTIVITY_WITHDRAWN] = true},
        [ACTIVITY_POA] = {[ACTIVITY_DRAFT] = true,
                          [ACTIVITY_SUBMITTED] = true,
                          [ACTIVITY_UNDER_VALIDATION] = true,
                          [ACTIVITY_VALIDATED] = true,
                          [ACTIVITY_REGISTERED] = true,
                          [ACTIVITY_REJECTED] = true,
                          [ACTIVITY_WITHDRAWN] = true},
        [ACTIVITY_CPA] = {[ACTIVITY_DRAFT] = true,
                          [ACTIVITY_SUBMITTED] = true,
                          [ACTIVITY_INCLUDED] = true,
                          [ACTIVITY_EXCLUDED] = true,
                          [ACTIVITY_WITHDRAWN] = true},
    };
    for (int k = KIND_FIRST; k <= KIND_LAST; k++) {
        assert_int_equal(cycle_initial_state((activity_kind_t)k), ACTIVITY_DRAFT);
        bool reached[STATE_LAST + 1] = {false};
        reached[ACTIVITY_DRAFT] = true;
        for (bool grew = true; grew;) {
            grew = false;
            for (int s = STATE_FIRST; s <= STATE_LAST; s++) {
                if (!reached[s]) continue;
                for (int e = EVENT_FIRST; e <= EVENT_LAST; e++) {
                    for (int r = ROLE_FIRST; r <= ROLE_LAST; r++) {
                        activity_state_t next;
                        if (cycle_transition((activity_kind_t)k, (activity_state_t)s,
                                             (activity_event_t)e, (a6_role_t)r, &next) == A6_OK &&
                            !reached[next]) {
                            reached[next] = grew = true;
                        }
                    }
                }
            }
        }
        for (int s = STATE_FIRST; s <= STATE_LAST; s++)
            if (reached[s] != want[k][s])
                fail_msg("%s: state %s reachable %d, want %d",
                         activity_kind_name((activity_kind_t)k),
                         activity_state_name((activity_state_t)s), reached[s], want[k][s]);
    }
}

/* ---- allowed events and their description ---- */

static void allowed_events(void **state)
{
    for (int k = KIND_FIRST; k <= KIND_LAST; k++) {
        for (int s = STATE_FIRST; s <= STATE_LAST; s++) {
            activity_event_t want[ACTIVITY_EVENT_COUNT];
            size_t want_count = 0;
            for (int e = EVENT_FIRST; e <= EVENT_LAST; e++)
                if (expected_find(k, s, e)) want[want_count++] = (activity_event_t)e;
            activity_event_t got[ACTIVITY_EVENT_COUNT + 1];
            memset(got, 0, sizeof got);
            size_t count = cycle_allowed_events((activity_kind_t)k, (activity_state_t)s, got,
                                                ACTIVITY_EVENT_COUNT);
            assert_int_equal(count, want_count);
            for (size_t i = 0; i < count; i++)
                assert_int_equal(got[i], want[i]);
            assert_int_equal(got[count], 0);

            /* truncated: at most max written, and the count says how many */
            for (size_t max = 0; max < want_count; max++) {
                activity_event_t small[ACTIVITY_EVENT_COUNT + 1];
                memset(small, 0, sizeof small);
                size_t written =
                    cycle_allowed_events((activity_kind_t)k, (activity_state_t)s, small, max);
                assert_int_equal(written, max);
                for (size_t i = 0; i < max; i++)
                    assert_int_equal(small[i], want[i]);
                assert_int_equal(small[max], 0);
            }
        }
    }
    activity_event_t events[ACTIVITY_EVENT_COUNT];
    assert_int_equal(cycle_allowed_events(ACTIVITY_PROJECT, ACTIVITY_SUBMITTED, events, 8), 3);
    assert_int_equal(events[0], EVENT_START_VALIDATION);
    assert_int_equal(events[1], EVENT_REJECT);
    assert_int_equal(events[2], EVENT_WITHDRAW);
    assert_int_equal(cycle_allowed_events((activity_kind_t)0, ACTIVITY_DRAFT, events, 8), 0);
    assert_int_equal(cycle_allowed_events(ACTIVITY_CPA, (activity_state_t)0, events, 8), 0);
    assert_int_equal(cycle_allowed_events(ACTIVITY_CPA, (activity_state_t)99, events, 8), 0);
}

static void describe_allowed(void **state)
{
    char text[128];
    cycle_describe_allowed(ACTIVITY_PROJECT, ACTIVITY_UNDER_VALIDATION, text, sizeof text);
    assert_string_equal(text,
                        "current state under_validation; allowed: validate, reject, withdraw");
    cycle_describe_allowed(ACTIVITY_POA, ACTIVITY_DRAFT, text, sizeof text);
    assert_string_equal(text, "current state draft; allowed: submit, withdraw");
    cycle_describe_allowed(ACTIVITY_CPA, ACTIVITY_SUBMITTED, text, sizeof text);
    assert_string_equal(text, "current state submitted; allowed: withdraw, include, exclude");
    cycle_describe_allowed(ACTIVITY_CPA, ACTIVITY_INCLUDED, text, sizeof text);
    assert_string_equal(text, "current state included; allowed: exclude");
    cycle_describe_allowed(ACTIVITY_PROJECT, ACTIVITY_REGISTERED, text, sizeof text);
    assert_string_equal(text, "current state registered; allowed: none");
    cycle_describe_allowed(ACTIVITY_PROJECT, (activity_state_t)0, text, sizeof text);
    assert_string_equal(text, "current state unknown; allowed: none");

    /* a short buffer gets a terminated prefix; size 0 writes nothing */
    char small[10];
    memset(small, 'x', sizeof small);
    cycle_describe_allowed(ACTIVITY_PROJECT, ACTIVITY_DRAFT, small, sizeof small);
    assert_string_equal(small, "current s");
    cycle_describe_allowed(ACTIVITY_PROJECT, ACTIVITY_DRAFT, small, 1);
    assert_string_equal(small, "");
    small[0] = 'x';
    cycle_describe_allowed(ACTIVITY_PROJECT, ACTIVITY_DRAFT, small, 0);
    assert_int_equal(small[0], 'x');

    /* the longest description fits comfortably in 128 bytes */
    for (int k = KIND_FIRST; k <= KIND_LAST; k++) {
        for (int s = STATE_FIRST; s <= STATE_LAST; s++) {
            cycle_describe_allowed((activity_kind_t)k, (activity_state_t)s, text, sizeof text);
            assert_true(strlen(text) < 100);
            assert_non_null(strstr(text, activity_state_name((activity_state_t)s)));
        }
    }
}

static void is_active(void **state)
{
    for (int k = KIND_FIRST; k <= KIND_LAST; k++) {
        for (int s = STATE_FIRST; s <= STATE_LAST; s++) {
            bool want = k == ACTIVITY_CPA ? s == ACTIVITY_INCLUDED : s == ACTIVITY_REGISTERED;
            if ((cycle_is_active((activity_kind_t)k, (activity_state_t)s) != 0) != want)
                fail_msg("%s in %s: active should be %d", activity_kind_name((activity_kind_t)k),
                         activity_state_name((activity_state_t)s), want);
        }
    }
    assert_false(cycle_is_active((activity_kind_t)0, ACTIVITY_REGISTERED));
    assert_false(cycle_is_active((activity_kind_t)4, ACTIVITY_INCLUDED));
}

/* ---- names ---- */

typedef const char *(*name_fn)(int value);
typedef a6_check_t (*parse_fn)(const char *name, int *out);

static const char *kind_name_int(int value)
{
    return activity_kind_name((activity_kind_t)value);
}

static a6_check_t kind_parse_int(const char *name, int *out)
{
    activity_kind_t value = (activity_kind_t)*out;
    a6_check_t check = activity_kind_parse(name, &value);
    *out = (int)value;
    return check;
}

static const char *state_name_int(int value)
{
    return activity_state_name((activity_state_t)value);
}

static a6_check_t state_parse_int(const char *name, int *out)
{
    activity_state_t value = (activity_state_t)*out;
    a6_check_t check = activity_state_parse(name, &value);
    *out = (int)value;
    return check;
}

static const char *event_name_int(int value)
{
    return activity_event_name((activity_event_t)value);
}

static a6_check_t event_parse_int(const char *name, int *out)
{
    activity_event_t value = (activity_event_t)*out;
    a6_check_t check = activity_event_parse(name, &value);
    *out = (int)value;
    return check;
}

static const char *role_name_int(int value)
{
    return a6_role_name((a6_role_t)value);
}

static a6_check_t role_parse_int(const char *name, int *out)
{
    a6_role_t value = (a6_role_t)*out;
    a6_check_t check = a6_role_parse(name, &value);
    *out = (int)value;
    return check;
}

/* names[1..count-1] round trip; 0, count and garbage are "unknown" or refused with invalid. */
static void check_names(const char *const *names, size_t count, name_fn name, parse_fn parse,
                        a6_check_t invalid)
{
    for (size_t i = 1; i < count; i++) {
        assert_string_equal(name((int)i), names[i]);
        int out = 0;
        assert_int_equal(parse(names[i], &out), A6_OK);
        assert_int_equal(out, (int)i);
    }
    assert_string_equal(name(0), "unknown");
    assert_string_equal(name((int)count), "unknown");
    assert_string_equal(name(-1), "unknown");
    static const char *const bad[] = {"",
                                      "unknown",
                                      " ",
                                      "Project",
                                      "DRAFT",
                                      "draft ",
                                      " submit",
                                      "under-validation",
                                      "start-validation",
                                      "x"};
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        int out = 77;
        if (parse(bad[i], &out) != invalid) fail_msg("\"%s\" not refused", bad[i]);
        assert_int_equal(out, 77);
    }
    int out = 77;
    assert_int_equal(parse(NULL, &out), invalid);
    assert_int_equal(out, 77);
}

static void names(void **state)
{
    static const char *const kinds[] = {NULL, "project", "poa", "cpa"};
    static const char *const states[] = {NULL,        "draft",      "submitted", "under_validation",
                                         "validated", "registered", "rejected",  "withdrawn",
                                         "included",  "excluded"};
    static const char *const events[] = {NULL,       "submit",   "start_validation",
                                         "validate", "register", "reject",
                                         "withdraw", "include",  "exclude"};
    static const char *const roles[] = {NULL,      "admin",       "authority", "committee",
                                        "auditor", "participant", "observer"};
    assert_int_equal(COUNT_OF(states), ACTIVITY_STATE_COUNT + 1);
    assert_int_equal(COUNT_OF(events), ACTIVITY_EVENT_COUNT + 1);
    assert_int_equal(COUNT_OF(roles), A6_ROLE_COUNT + 1);
    check_names(kinds, COUNT_OF(kinds), kind_name_int, kind_parse_int, A6_CHECK_KIND_INVALID);
    check_names(states, COUNT_OF(states), state_name_int, state_parse_int, A6_CHECK_STATUS_INVALID);
    check_names(events, COUNT_OF(events), event_name_int, event_parse_int, A6_CHECK_EVENT_INVALID);
    check_names(roles, COUNT_OF(roles), role_name_int, role_parse_int, A6_CHECK_ROLE_INVALID);

    /* a name of one family is no name of another */
    activity_kind_t kind = ACTIVITY_CPA;
    assert_int_equal(activity_kind_parse("draft", &kind), A6_CHECK_KIND_INVALID);
    activity_state_t st = ACTIVITY_DRAFT;
    assert_int_equal(activity_state_parse("submit", &st), A6_CHECK_STATUS_INVALID);
    activity_event_t event = EVENT_SUBMIT;
    assert_int_equal(activity_event_parse("submitted", &event), A6_CHECK_EVENT_INVALID);
    a6_role_t role = ROLE_ADMIN;
    assert_int_equal(a6_role_parse("project", &role), A6_CHECK_ROLE_INVALID);
}

static void check_names_and_codes(void **state)
{
    assert_int_equal(A6_CHECK_TRANSITION_NOT_ALLOWED, 5001);
    assert_int_equal(A6_CHECK_ROLE_NOT_ALLOWED, 7001);
    assert_string_equal(a6_check_name(A6_CHECK_TRANSITION_NOT_ALLOWED), "transition-not-allowed");
    assert_string_equal(a6_check_name(A6_CHECK_ROLE_NOT_ALLOWED), "role-not-allowed");
    assert_string_equal(a6_check_name(A6_CHECK_KIND_INVALID), "kind-invalid");
    assert_string_equal(a6_check_name(A6_CHECK_EVENT_INVALID), "event-invalid");
    assert_string_equal(a6_check_name(A6_CHECK_ROLE_INVALID), "role-invalid");
    assert_string_equal(a6_check_name(A6_CHECK_STATUS_INVALID), "status-invalid");
    /* every code from 5001 to 5018 and the new input codes have a name and a description */
    for (int code = 5001; code <= 5018; code++) {
        assert_string_not_equal(a6_check_name((a6_check_t)code), "unknown");
        assert_string_not_equal(a6_check_description((a6_check_t)code), "unknown check");
    }
    for (int code = 1013; code <= 1019; code++)
        assert_string_not_equal(a6_check_name((a6_check_t)code), "unknown");
    assert_string_equal(a6_check_name((a6_check_t)5019), "unknown");
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transition_table),
        cmocka_unit_test(transition_out_of_range),
        cmocka_unit_test(transition_spot_checks),
        cmocka_unit_test(terminal_states),
        cmocka_unit_test(reachable_states),
        cmocka_unit_test(allowed_events),
        cmocka_unit_test(describe_allowed),
        cmocka_unit_test(is_active),
        cmocka_unit_test(names),
        cmocka_unit_test(check_names_and_codes),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
