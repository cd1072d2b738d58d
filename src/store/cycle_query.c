/* cycle_query.c: read queries of the project cycle: methodologies, activities, one activity in
 * full, and its timeline with the days spent in each step. */
#include <string.h>

#include "cycle_internal.h"

/* Sets key to the column's text, or null when the column is NULL. */
static void set_text(json_t *object, const char *key, db_stmt_t *stmt, int column)
{
    json_object_set_new(
        object, key,
        db_column_is_null(stmt, column) ? json_null() : json_string(db_column_text(stmt, column)));
}

static void set_int(json_t *object, const char *key, db_stmt_t *stmt, int column)
{
    json_object_set_new(object, key,
                        db_column_is_null(stmt, column)
                            ? json_null()
                            : json_integer(db_column_int64(stmt, column)));
}

/* Runs a query and returns its rows as objects with the given keys (one per column, text or
 * integer by the key's leading '#'). */
static json_t *rows(db_t *db, const char *sql, const char *const *keys, size_t key_count,
                    const char *bind_text, int64_t bind_int, db_error_t *err)
{
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    if (bind_text)
        db_bind_text(stmt, 1, bind_text);
    else if (bind_int)
        db_bind_int64(stmt, 1, bind_int);
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        json_t *row = json_object();
        for (size_t i = 0; i < key_count; i++) {
            if (keys[i][0] == '#')
                set_int(row, keys[i] + 1, stmt, (int)i);
            else
                set_text(row, keys[i], stmt, (int)i);
        }
        json_array_append_new(list, row);
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *cycle_query_methodologies(db_t *db, db_error_t *err)
{
    static const char sql[] =
        "SELECT id, code, NULLIF(version, ''), title, sectoral_scope, "
        "status, approved_on, (SELECT COUNT(*) FROM activity_methodologies am "
        "WHERE am.methodology_id = m.id) FROM methodologies m ORDER BY id";
    static const char *const keys[] = {"#id",         "code",           "version",
                                       "title",       "sectoral_scope", "status",
                                       "approved_on", "#activities"};
    return rows(db, sql, keys, 8, NULL, 0, err);
}

json_t *cycle_query_activities(db_t *db, const char *kind, const char *state, db_error_t *err)
{
    static const char sql[] =
        "SELECT a.ref, a.kind, a.title, a.state, a.technology_group, a.registered_on, "
        "a.expected_annual_tco2e, p.ref, "
        "(SELECT COUNT(*) FROM activities c WHERE c.parent_id = a.id), "
        "(SELECT COALESCE(SUM(quantity), 0) FROM issuances i JOIN monitoring_periods m "
        " ON i.period_id = m.id WHERE m.activity_id = a.id) "
        "FROM activities a LEFT JOIN activities p ON a.parent_id = p.id ORDER BY a.ref";
    static const char *const keys[] = {"ref",
                                       "kind",
                                       "title",
                                       "state",
                                       "technology_group",
                                       "registered_on",
                                       "#expected_annual_tco2e",
                                       "parent",
                                       "#components",
                                       "#issued_here_tco2e"};
    json_t *all = rows(db, sql, keys, 10, NULL, 0, err);
    if (!all || (!kind && !state)) return all;
    json_t *filtered = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(all, i, row)
    {
        if (kind && strcmp(json_string_value(json_object_get(row, "kind")), kind) != 0) continue;
        if (state && strcmp(json_string_value(json_object_get(row, "state")), state) != 0) continue;
        json_array_append(filtered, row);
    }
    json_decref(all);
    return filtered;
}

static json_t *participant_names(db_t *db, int64_t activity_id, int host, db_error_t *err)
{
    static const char host_sql[] = "SELECT name FROM activity_participants WHERE activity_id = ? "
                                   "AND side = 'host' ORDER BY position";
    static const char partner_sql[] = "SELECT name FROM activity_participants WHERE "
                                      "activity_id = ? AND side = 'partner' ORDER BY position";
    static const char *const keys[] = {"name"};
    json_t *list = rows(db, host ? host_sql : partner_sql, keys, 1, NULL, activity_id, err);
    if (!list) return NULL;
    json_t *names = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row) json_array_append(names, json_object_get(row, "name"));
    json_decref(list);
    return names;
}

/* The activity's periods with their allocations. */
static json_t *periods_json(db_t *db, int64_t activity_id, db_error_t *err)
{
    static const char sql[] =
        "SELECT id, start_on, end_on, claimed_tco2e, verified_tco2e, notified_tco2e, "
        "reported_on, verified_on, requested_on, notified_on, issued_on, stage, note "
        "FROM monitoring_periods WHERE activity_id = ? ORDER BY COALESCE(start_on, notified_on), "
        "id";
    static const char *const keys[] = {"#id",
                                       "start",
                                       "end",
                                       "#claimed_tco2e",
                                       "#verified_tco2e",
                                       "#notified_tco2e",
                                       "reported_on",
                                       "verified_on",
                                       "requested_on",
                                       "notified_on",
                                       "issued_on",
                                       "stage",
                                       "note"};
    static const char allocation_sql[] = "SELECT side, holder, quantity, status, account_id "
                                         "FROM allocations WHERE period_id = ? ORDER BY id";
    static const char *const allocation_keys[] = {"side", "holder", "#quantity", "status",
                                                  "#account"};
    json_t *periods = rows(db, sql, keys, 13, NULL, activity_id, err);
    size_t i;
    json_t *period;
    json_array_foreach(periods, i, period)
    {
        json_t *allocations = rows(db, allocation_sql, allocation_keys, 5, NULL,
                                   json_integer_value(json_object_get(period, "id")), err);
        json_object_set_new(period, "allocations", allocations ? allocations : json_array());
    }
    return periods;
}

json_t *cycle_query_activity(db_t *db, const char *ref, db_error_t *err)
{
    static const char sql[] =
        "SELECT a.id, a.ref, a.kind, a.title, a.state, a.host_party, a.partner_party, "
        "a.technology_group, a.sector, a.location, a.expected_annual_tco2e, a.expected_source, "
        "a.crediting_start, a.crediting_end, a.eligibility_criteria, a.coordinating_entity, "
        "a.registered_on, p.ref FROM activities a LEFT JOIN activities p ON a.parent_id = p.id "
        "WHERE a.ref = ?";
    static const char *const keys[] = {"#id",
                                       "ref",
                                       "kind",
                                       "title",
                                       "state",
                                       "host_party",
                                       "partner_party",
                                       "technology_group",
                                       "sector",
                                       "location",
                                       "#expected_annual_tco2e",
                                       "expected_source",
                                       "crediting_start",
                                       "crediting_end",
                                       "eligibility_criteria",
                                       "coordinating_entity",
                                       "registered_on",
                                       "parent"};
    static const char methodologies_sql[] =
        "SELECT m.code, NULLIF(m.version, '') FROM activity_methodologies am JOIN methodologies m "
        "ON am.methodology_id = m.id WHERE am.activity_id = ? ORDER BY m.code";
    static const char *const methodology_keys[] = {"code", "version"};
    static const char events_sql[] =
        "SELECT event, from_state, to_state, occurred_on, actor, role, document_title, "
        "document_url, document_sha256, recorded_at FROM activity_events WHERE activity_id = ? "
        "ORDER BY id";
    static const char *const event_keys[] = {"event",
                                             "from",
                                             "to",
                                             "on",
                                             "actor",
                                             "role",
                                             "document_title",
                                             "document_url",
                                             "document_sha256",
                                             "recorded_at"};
    static const char components_sql[] = "SELECT ref, state, title FROM activities "
                                         "WHERE parent_id = ? ORDER BY ref";
    static const char *const component_keys[] = {"ref", "state", "title"};
    err->code = 0;
    json_t *found = rows(db, sql, keys, 18, ref, 0, err);
    if (!found || json_array_size(found) == 0) {
        json_decref(found);
        return NULL;
    }
    json_t *activity = json_incref(json_array_get(found, 0));
    json_decref(found);
    int64_t id = json_integer_value(json_object_get(activity, "id"));
    json_object_set_new(activity, "host_participants", participant_names(db, id, 1, err));
    json_object_set_new(activity, "partner_participants", participant_names(db, id, 0, err));
    json_object_set_new(activity, "methodologies",
                        rows(db, methodologies_sql, methodology_keys, 2, NULL, id, err));
    json_object_set_new(activity, "events", rows(db, events_sql, event_keys, 10, NULL, id, err));
    json_object_set_new(activity, "components",
                        rows(db, components_sql, component_keys, 3, NULL, id, err));
    json_object_set_new(activity, "periods", periods_json(db, id, err));
    json_object_del(activity, "id");
    return activity;
}

/* The last dated step of a timeline being built. */
typedef struct step_tracker {
    a6_date_t date; /* A6_DATE_NONE before the first dated step */
    size_t index;
} step_tracker_t;

/* Appends a step. When it has a date, the previous dated step gets the days from its date to
 * this one (undated steps in between have no days of their own). */
static void add_step(json_t *steps, const char *name, const char *date_text, step_tracker_t *last)
{
    a6_date_t date = A6_DATE_NONE;
    if (date_text) a6_date_parse(date_text, &date);
    if (date != A6_DATE_NONE && last->date != A6_DATE_NONE)
        json_object_set_new(json_array_get(steps, last->index), "days",
                            json_integer(a6_date_days_between(last->date, date)));
    json_array_append_new(
        steps, json_pack("{ss ss? so}", "step", name, "date", date_text, "days", json_null()));
    if (date != A6_DATE_NONE) {
        last->date = date;
        last->index = json_array_size(steps) - 1;
    }
}

/* Closes a timeline: when the last step is dated and not final, its days run until today. */
static void close_steps(json_t *steps, const step_tracker_t *last, int final, a6_date_t today)
{
    size_t count = json_array_size(steps);
    if (count == 0 || final || last->date == A6_DATE_NONE || last->index != count - 1) return;
    json_t *step = json_array_get(steps, count - 1);
    json_object_set_new(step, "days", json_integer(a6_date_days_between(last->date, today)));
    json_object_set_new(step, "ongoing", json_true());
}

static const char *text_or_null(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

json_t *cycle_query_timeline(db_t *db, const char *ref, a6_date_t today, db_error_t *err)
{
    json_t *activity = cycle_query_activity(db, ref, err);
    if (!activity) return NULL;
    json_t *steps = json_array();
    step_tracker_t previous = {.date = A6_DATE_NONE};
    size_t i;
    json_t *event;
    json_array_foreach(json_object_get(activity, "events"), i, event)
    {
        char name[80];
        snprintf(name, sizeof name, "%s (%s)", text_or_null(event, "event"),
                 text_or_null(event, "to"));
        add_step(steps, name, text_or_null(event, "on"), &previous);
    }
    const char *state = text_or_null(activity, "state");
    int final = strcmp(state, "rejected") == 0 || strcmp(state, "withdrawn") == 0 ||
                strcmp(state, "excluded") == 0 || strcmp(state, "registered") == 0 ||
                strcmp(state, "included") == 0;
    close_steps(steps, &previous, final, today);

    json_t *periods = json_array();
    json_t *period;
    json_array_foreach(json_object_get(activity, "periods"), i, period)
    {
        static const char *const names[] = {"monitoring_end", "verified", "requested", "notified",
                                            "issued"};
        static const char *const keys[] = {"end", "verified_on", "requested_on", "notified_on",
                                           "issued_on"};
        json_t *period_steps = json_array();
        step_tracker_t last = {.date = A6_DATE_NONE};
        a6_date_t end = A6_DATE_NONE, notified = A6_DATE_NONE;
        period_stage_t stage = PERIOD_REPORTED;
        period_stage_parse(text_or_null(period, "stage"), &stage);
        for (size_t k = 0; k < 5; k++) {
            const char *date = text_or_null(period, keys[k]);
            /* A step the period has passed stays visible even when its date is not known. */
            if (!date && k > 0 && (int)stage < (int)k + 1) continue;
            add_step(period_steps, names[k], date, &last);
            if (k == 0 && date) a6_date_parse(date, &end);
            if (k == 3 && date) a6_date_parse(date, &notified);
        }
        close_steps(period_steps, &last, strcmp(text_or_null(period, "stage"), "issued") == 0,
                    today);
        json_t *entry =
            json_pack("{sO sO sO sO so}", "id", json_object_get(period, "id"), "start",
                      json_object_get(period, "start"), "end", json_object_get(period, "end"),
                      "stage", json_object_get(period, "stage"), "steps", period_steps);
        if (end != A6_DATE_NONE && notified != A6_DATE_NONE)
            json_object_set_new(entry, "days_end_to_notification",
                                json_integer(a6_date_days_between(end, notified)));
        json_array_append_new(periods, entry);
    }
    json_t *timeline =
        json_pack("{sO sO sO so so}", "ref", json_object_get(activity, "ref"), "kind",
                  json_object_get(activity, "kind"), "state", json_object_get(activity, "state"),
                  "steps", steps, "periods", periods);
    json_decref(activity);
    return timeline;
}
