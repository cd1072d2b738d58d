/* aef.c: consistency checks of an AEF report (T2 authorizations, T3 actions, T4 holdings, T5
 * entities) before it leaves the registry. Row rules first (each row on its own, against T2 and
 * T5), then the rules across rows (overlapping blocks, first transfers within the authorized
 * quantity). Every failure is collected; sorting uses the caller's working memory. */
#include "aef.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "block.h"

#define NO_AUTHORIZATION SIZE_MAX

/* Records one failure; the message is formatted only when there is room to keep it. */
static void aef_fail(a6_aef_stream_t *sink, a6_aef_table_t table, size_t row, const char *rule,
                     a6_check_t check, const char *format, ...)
    __attribute__((format(printf, 6, 7)));

static void aef_fail(a6_aef_stream_t *sink, a6_aef_table_t table, size_t row, const char *rule,
                     a6_check_t check, const char *format, ...)
{
    if (sink->count < sink->failures_max) {
        a6_aef_failure_t *failure = &sink->failures[sink->count];
        failure->table = table;
        failure->row = row;
        failure->rule = rule;
        failure->check = check;
        va_list args;
        va_start(args, format);
        vsnprintf(failure->message, sizeof failure->message, format, args);
        va_end(args);
    }
    sink->count++;
}

static bool given(const char *text)
{
    return text && text[0] != '\0';
}

static const char *shown(const char *text)
{
    return text ? text : "";
}

/* ---- sorting indices with a context (heap sort: no allocation, O(n log n)) ---- */

typedef bool (*less_fn)(const a6_aef_stream_t *context, const void *rows, size_t a, size_t b);

static void sift_down(const a6_aef_stream_t *context, const void *rows, less_fn less, size_t *order,
                      size_t root, size_t end)
{
    while (2 * root + 1 < end) {
        size_t child = 2 * root + 1;
        if (child + 1 < end && less(context, rows, order[child], order[child + 1])) child++;
        if (!less(context, rows, order[root], order[child])) return;
        size_t swap = order[root];
        order[root] = order[child];
        order[child] = swap;
        root = child;
    }
}

static void sort_indices(const a6_aef_stream_t *context, const void *rows, less_fn less,
                         size_t *order, size_t count)
{
    if (count < 2) return;
    for (size_t start = count / 2; start-- > 0;)
        sift_down(context, rows, less, order, start, count);
    for (size_t end = count - 1; end > 0; end--) {
        size_t swap = order[0];
        order[0] = order[end];
        order[end] = swap;
        sift_down(context, rows, less, order, 0, end);
    }
}

/* ---- T2 ---- */

static bool authorization_less(const a6_aef_stream_t *context, const void *rows, size_t a, size_t b)
{
    (void)context;
    const a6_authorization_t *authorizations = rows;
    int order = strcmp(shown(authorizations[a].id), shown(authorizations[b].id));
    return order != 0 ? order < 0 : a < b;
}

/* Index in T2 of the first authorization with this ID, or NO_AUTHORIZATION. */
static size_t authorization_find(const a6_aef_stream_t *context, const char *id)
{
    if (!given(id)) return NO_AUTHORIZATION;
    const a6_authorization_t *authorizations = context->report->authorizations;
    size_t low = 0, high = context->report->authorization_count;
    while (low < high) { /* lower bound: the first sorted entry not below id */
        size_t middle = low + (high - low) / 2;
        if (strcmp(shown(authorizations[context->sorted_authorizations[middle]].id), id) < 0)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == context->report->authorization_count) return NO_AUTHORIZATION;
    size_t found = context->sorted_authorizations[low];
    return strcmp(shown(authorizations[found].id), id) == 0 ? found : NO_AUTHORIZATION;
}

static void check_authorizations(a6_aef_stream_t *context)
{
    const a6_aef_report_t *report = context->report;
    size_t *sorted = context->sorted_authorizations;
    for (size_t i = 0; i < report->authorization_count; i++) {
        sorted[i] = i;
        a6_check_t check = a6_authorization_check(&report->authorizations[i]);
        if (check != A6_OK)
            aef_fail(context, A6_AEF_T2_AUTHORIZATIONS, i, "authorization-valid", check,
                     "authorization \"%s\": %s", shown(report->authorizations[i].id),
                     a6_check_description(check));
    }
    sort_indices(context, report->authorizations, authorization_less, sorted,
                 report->authorization_count);
    for (size_t k = 1; k < report->authorization_count; k++) {
        const a6_authorization_t *previous = &report->authorizations[sorted[k - 1]];
        const a6_authorization_t *current = &report->authorizations[sorted[k]];
        if (strcmp(shown(previous->id), shown(current->id)) == 0)
            aef_fail(context, A6_AEF_T2_AUTHORIZATIONS, sorted[k], "authorization-id-unique",
                     A6_CHECK_AEF_INCONSISTENT,
                     "authorization ID \"%s\" already used by T2 row %zu", shown(current->id),
                     sorted[k - 1]);
    }
}

/* ---- rules of one row, T3 and T4 ---- */

/* Block, quantity and the identifying fields; returns the row's authorization or NULL. */
static const a6_authorization_t *check_row_block(a6_aef_stream_t *context, a6_aef_table_t table,
                                                 size_t i, const a6_aef_row_t *row)
{
    a6_aef_stream_t *sink = context;
    bool approach_valid = a6_approach_id_check(row->approach_id) == A6_OK;
    if (!approach_valid)
        aef_fail(sink, table, i, "approach-id", A6_CHECK_APPROACH_ID_INVALID,
                 "cooperative approach ID \"%s\" must be CA and four digits",
                 shown(row->approach_id));
    size_t found = authorization_find(context, row->authorization_id);
    const a6_authorization_t *authorization =
        found == NO_AUTHORIZATION ? NULL : &context->report->authorizations[found];
    if (!authorization)
        aef_fail(sink, table, i, "authorization-known", A6_CHECK_AUTHORIZATION_NOT_FOUND,
                 "authorization ID \"%s\" is not in T2", shown(row->authorization_id));
    else if (approach_valid && given(authorization->approach_id) &&
             strcmp(row->approach_id, authorization->approach_id) != 0)
        aef_fail(sink, table, i, "approach-matches-authorization", A6_CHECK_AEF_INCONSISTENT,
                 "cooperative approach \"%s\" differs from authorization \"%s\"'s \"%s\"",
                 row->approach_id, shown(authorization->id), authorization->approach_id);
    if (a6_party_check(row->first_transferring_party) != A6_OK)
        aef_fail(sink, table, i, "first-transferring-party", A6_CHECK_PARTY_INVALID,
                 "first transferring Party \"%s\" must be an ISO alpha-3 code",
                 shown(row->first_transferring_party));
    if (a6_registry_id_check(row->registry_id) != A6_OK)
        aef_fail(sink, table, i, "registry-id", A6_CHECK_REGISTRY_ID_INVALID,
                 "registry ID \"%s\" must be three capital letters and two digits",
                 shown(row->registry_id));
    if (row->first_id <= 0 || row->first_id > row->last_id || row->last_id > LEDGER_SERIAL_MAX)
        aef_fail(sink, table, i, "block-valid", A6_CHECK_BLOCK_INVALID,
                 "block %lld-%lld must have 0 < first <= last", (long long)row->first_id,
                 (long long)row->last_id);
    else if (row->quantity_tco2e != row->last_id - row->first_id + 1)
        aef_fail(sink, table, i, "quantity-matches-block", A6_CHECK_QUANTITY_MISMATCH,
                 "quantity %lld differs from last - first + 1 = %lld of block %lld-%lld",
                 (long long)row->quantity_tco2e, (long long)(row->last_id - row->first_id + 1),
                 (long long)row->first_id, (long long)row->last_id);
    return authorization;
}

/* Controlled values and the vintage, common to T3 and T4. */
static void check_row_values(a6_aef_stream_t *context, a6_aef_table_t table, size_t i,
                             const a6_aef_row_t *row, const a6_authorization_t *authorization)
{
    a6_aef_stream_t *sink = context;
    a6_unit_registry_t unit_registry;
    if (given(row->unit_registry) &&
        a6_unit_registry_parse(row->unit_registry, &unit_registry) != A6_OK)
        aef_fail(sink, table, i, "unit-registry", A6_CHECK_UNIT_REGISTRY_INVALID,
                 "underlying unit registry \"%s\" is not a listed value", row->unit_registry);
    a6_mitigation_type_t mitigation;
    if (a6_mitigation_type_parse(row->mitigation_type, &mitigation) != A6_OK)
        aef_fail(sink, table, i, "mitigation-type", A6_CHECK_MITIGATION_TYPE_INVALID,
                 "mitigation type \"%s\" is not a listed value", shown(row->mitigation_type));
    if (ledger_vintage_check(row->vintage) != A6_OK)
        aef_fail(sink, table, i, "vintage-valid", A6_CHECK_VINTAGE_INVALID,
                 "vintage %d must be a year between 1990 and 2100", (int)row->vintage);
    else if (authorization && (row->vintage < authorization->timeframe_first ||
                               row->vintage > authorization->timeframe_last))
        aef_fail(sink, table, i, "vintage-in-timeframe", A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME,
                 "vintage %d is outside authorization \"%s\"'s timeframe %d-%d", (int)row->vintage,
                 shown(authorization->id), (int)authorization->timeframe_first,
                 (int)authorization->timeframe_last);
}

/* ---- rules of one T3 row ---- */

static const a6_first_transfer_t definition_of_subtype[] = {
    [A6_SUBTYPE_AUTHORIZATION] = A6_FIRST_TRANSFER_AT_AUTHORIZATION,
    [A6_SUBTYPE_ISSUANCE] = A6_FIRST_TRANSFER_AT_ISSUANCE,
    [A6_SUBTYPE_USE_OR_CANCELLATION] = A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION,
};

/* Date, type and subtype (against the type and the authorization). *type is 0 when invalid. */
static void check_action_kind(a6_aef_stream_t *context, size_t i, const a6_aef_row_t *row,
                              const a6_authorization_t *authorization, a6_action_type_t *type)
{
    a6_aef_stream_t *sink = context;
    const a6_aef_table_t t3 = A6_AEF_T3_ACTIONS;
    int32_t year = context->report->reported_year;
    if (row->action_date == A6_DATE_NONE)
        aef_fail(sink, t3, i, "action-date", A6_CHECK_DATE_INVALID, "action date missing");
    else if (a6_date_year(row->action_date) != year)
        aef_fail(sink, t3, i, "action-date", A6_CHECK_AEF_INCONSISTENT,
                 "action dated %d, outside the reported year %d", a6_date_year(row->action_date),
                 (int)year);

    *type = (a6_action_type_t)0;
    if (a6_action_type_parse(row->action_type, type) != A6_OK)
        aef_fail(sink, t3, i, "action-type", A6_CHECK_ACTION_TYPE_INVALID,
                 "action type \"%s\" is not a listed value", shown(row->action_type));

    a6_action_subtype_t subtype = (a6_action_subtype_t)0;
    if (!given(row->action_subtype)) {
        if (*type == A6_ACTION_FIRST_TRANSFER)
            aef_fail(sink, t3, i, "action-subtype", A6_CHECK_ACTION_SUBTYPE_INVALID,
                     "a First transfer needs a subtype saying what made it one");
        return;
    }
    if (a6_action_subtype_parse(row->action_subtype, &subtype) != A6_OK) {
        aef_fail(sink, t3, i, "action-subtype", A6_CHECK_ACTION_SUBTYPE_INVALID,
                 "action subtype \"%s\" is not a listed value", row->action_subtype);
        return;
    }
    if (*type != 0 && !a6_action_subtype_fits(*type, subtype)) {
        aef_fail(sink, t3, i, "action-subtype", A6_CHECK_ACTION_SUBTYPE_INVALID,
                 "subtype \"%s\" does not qualify the action type \"%s\"", row->action_subtype,
                 a6_action_type_name(*type));
        return;
    }
    if (*type == A6_ACTION_FIRST_TRANSFER && authorization &&
        subtype != A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY &&
        definition_of_subtype[subtype] != authorization->oimp_first_transfer)
        aef_fail(sink, t3, i, "subtype-matches-authorization", A6_CHECK_AEF_INCONSISTENT,
                 "subtype \"%s\" but authorization \"%s\" defines the OIMP first transfer at "
                 "\"%s\"",
                 row->action_subtype, shown(authorization->id),
                 authorization->oimp_first_transfer
                     ? a6_first_transfer_name(authorization->oimp_first_transfer)
                     : "none");
}

/* One party field: required (present and valid) or optional (valid when present). */
static void check_party_field(a6_aef_stream_t *context, size_t i, const char *party, bool required,
                              const char *rule, const char *label)
{
    if (!given(party) && !required) return;
    if (a6_party_check(party) != A6_OK)
        aef_fail(context, A6_AEF_T3_ACTIONS, i, rule, A6_CHECK_PARTY_INVALID,
                 "%s \"%s\" must be an ISO alpha-3 code%s", label, shown(party),
                 required ? " (required for this action type)" : "");
}

static bool entity_known(const a6_aef_report_t *report, const char *name)
{
    for (size_t e = 0; e < report->entity_count; e++)
        if (report->entities[e] && strcmp(report->entities[e], name) == 0) return true;
    return false;
}

/* Parties, purpose, entity, authorization at the action date, NDC year. */
static void check_action_fields(a6_aef_stream_t *context, size_t i, const a6_aef_row_t *row,
                                const a6_authorization_t *authorization, a6_action_type_t type)
{
    a6_aef_stream_t *sink = context;
    const a6_aef_table_t t3 = A6_AEF_T3_ACTIONS;
    a6_action_subtype_t subtype = (a6_action_subtype_t)0;
    bool to_party = a6_action_subtype_parse(row->action_subtype, &subtype) == A6_OK &&
                    subtype == A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY;
    check_party_field(context, i, row->acquiring_party,
                      type == A6_ACTION_TRANSFER || (type == A6_ACTION_FIRST_TRANSFER && to_party),
                      "acquiring-party", "acquiring Party");
    check_party_field(context, i, row->transferring_party, type == A6_ACTION_ACQUISITION,
                      "transferring-party", "transferring Party");
    check_party_field(context, i, row->using_party, false, "using-party", "using Party");

    a6_purpose_t purpose = (a6_purpose_t)0;
    if (given(row->purpose) && a6_purpose_parse(row->purpose, &purpose) != A6_OK)
        aef_fail(sink, t3, i, "purpose", A6_CHECK_PURPOSE_INVALID,
                 "purpose \"%s\" is not a listed value", row->purpose);
    else if (purpose != 0 && authorization && !a6_purpose_covers(authorization->purpose, purpose))
        aef_fail(sink, t3, i, "purpose-authorized", A6_CHECK_NOT_AUTHORIZED,
                 "purpose %s is not covered by authorization \"%s\" (%s)", a6_purpose_name(purpose),
                 shown(authorization->id), a6_purpose_name(authorization->purpose));

    if (given(row->using_entity) && !entity_known(context->report, row->using_entity))
        aef_fail(sink, t3, i, "entity-known", A6_CHECK_ENTITY_NOT_FOUND,
                 "entity \"%s\" is not in T5", row->using_entity);

    bool dated = type == A6_ACTION_FIRST_TRANSFER || type == A6_ACTION_USE;
    if (dated && authorization && row->action_date != A6_DATE_NONE) {
        if (authorization->date != A6_DATE_NONE && row->action_date < authorization->date)
            aef_fail(sink, t3, i, "authorized-on-date", A6_CHECK_NOT_AUTHORIZED,
                     "action precedes authorization \"%s\"", shown(authorization->id));
        else if (authorization->revoked_on != A6_DATE_NONE &&
                 authorization->revoked_on <= row->action_date)
            aef_fail(sink, t3, i, "authorized-on-date", A6_CHECK_AUTHORIZATION_REVOKED,
                     "authorization \"%s\" was revoked before the action",
                     shown(authorization->id));
    }
    if (type == A6_ACTION_USE && row->ndc_year != 0 && ledger_vintage_check(row->ndc_year) != A6_OK)
        aef_fail(sink, t3, i, "ndc-year", A6_CHECK_VINTAGE_INVALID,
                 "calendar year used towards the NDC %d must be a year between 1990 and 2100",
                 (int)row->ndc_year);
}

/* ---- rules across rows ---- */

/* Which overlap group a row belongs to (0: none, not checked). T4: every row in group 1. T3: an
 * ITMO is first transferred once, authorized once, used or cancelled once. */
static int overlap_group(a6_aef_table_t table, const a6_aef_row_t *row)
{
    if (table == A6_AEF_T4_HOLDINGS) return 1;
    a6_action_type_t type;
    if (a6_action_type_parse(row->action_type, &type) != A6_OK) return 0;
    switch (type) {
    case A6_ACTION_FIRST_TRANSFER:
        return 1;
    case A6_ACTION_AUTHORIZATION:
        return 2;
    case A6_ACTION_USE:
    case A6_ACTION_CANCELLATION:
    case A6_ACTION_VOLUNTARY_CANCELLATION:
        return 3;
    case A6_ACTION_TRANSFER:
    case A6_ACTION_ACQUISITION:
        return 0;
    }
    return 0;
}

static bool block_less(const a6_aef_stream_t *context, const void *rows, size_t a, size_t b)
{
    (void)context;
    const a6_aef_row_t *row = rows;
    int order = strcmp(row[a].registry_id, row[b].registry_id);
    if (order != 0) return order < 0;
    if (row[a].first_id != row[b].first_id) return row[a].first_id < row[b].first_id;
    if (row[a].last_id != row[b].last_id) return row[a].last_id < row[b].last_id;
    return a < b;
}

static bool block_checkable(const a6_aef_row_t *row)
{
    return a6_registry_id_check(row->registry_id) == A6_OK && row->first_id > 0 &&
           row->first_id <= row->last_id && row->last_id <= LEDGER_SERIAL_MAX;
}

/* Rows come in block order: a block starting at or before the furthest end seen so far in its
 * group (same registry) overlaps the row that reached there. */
void a6_aef_stream_block(a6_aef_stream_t *context, a6_aef_table_t table, size_t index,
                         const a6_aef_row_t *row)
{
    int group = overlap_group(table, row);
    if (group == 0 || !block_checkable(row)) return;
    bool actions = table == A6_AEF_T3_ACTIONS;
    a6_aef_reach_t *reach = &context->reach[actions ? 0 : 1][group];
    a6_check_t check =
        actions && group == 1 ? A6_CHECK_ALREADY_FIRST_TRANSFERRED : A6_CHECK_BLOCK_OVERLAP;
    bool same_registry = reach->set && strcmp(reach->registry_id, row->registry_id) == 0;
    if (same_registry && row->first_id <= reach->last)
        aef_fail(context, table, index, "blocks-disjoint", check,
                 "block %s %lld-%lld overlaps row %zu's block %lld-%lld%s", row->registry_id,
                 (long long)row->first_id, (long long)row->last_id, reach->row,
                 (long long)reach->first, (long long)reach->last,
                 check == A6_CHECK_ALREADY_FIRST_TRANSFERRED ? ": first transferred twice" : "");
    if (!same_registry || row->last_id > reach->last) {
        reach->set = true;
        snprintf(reach->registry_id, sizeof reach->registry_id, "%s", row->registry_id);
        reach->first = row->first_id;
        reach->last = row->last_id;
        reach->row = index;
    }
}

/* Totals the first transfers of each authorization in row order and reports the row at which
 * the total first passes the authorized quantity. */
static void total_first_transfer(a6_aef_stream_t *context, size_t i, const a6_aef_row_t *row,
                                 size_t found, a6_action_type_t type)
{
    if (found == NO_AUTHORIZATION || type != A6_ACTION_FIRST_TRANSFER ||
        ledger_quantity_check(row->quantity_tco2e) != A6_OK)
        return;
    const a6_authorization_t *authorization = &context->report->authorizations[found];
    int64_t total = (int64_t)context->first_transferred[found];
    if (total > authorization->quantity_tco2e) return; /* reported once already */
    total += row->quantity_tco2e;                      /* each <= 10^15, stops past the limit */
    context->first_transferred[found] = (size_t)total;
    if (total > authorization->quantity_tco2e)
        aef_fail(context, A6_AEF_T3_ACTIONS, i, "first-transfers-within-authorized",
                 A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED,
                 "first transfers under authorization \"%s\" reach %lld t here, above the "
                 "authorized %lld t",
                 shown(authorization->id), (long long)total,
                 (long long)authorization->quantity_tco2e);
}

void a6_aef_stream_row(a6_aef_stream_t *context, a6_aef_table_t table, size_t i,
                       const a6_aef_row_t *row)
{
    const a6_authorization_t *authorization = check_row_block(context, table, i, row);
    check_row_values(context, table, i, row, authorization);
    if (table != A6_AEF_T3_ACTIONS) return;
    a6_action_type_t type;
    check_action_kind(context, i, row, authorization, &type);
    check_action_fields(context, i, row, authorization, type);
    total_first_transfer(context, i, row,
                         authorization ? (size_t)(authorization - context->report->authorizations)
                                       : NO_AUTHORIZATION,
                         type);
}

/* ---- the whole report ---- */

_Static_assert(sizeof(size_t) >= sizeof(int64_t), "first transfer totals are kept in size_t");

static size_t larger(size_t a, size_t b)
{
    return a > b ? a : b;
}

size_t a6_aef_stream_work_size(const a6_aef_report_t *report)
{
    assert(report);
    return 2 * report->authorization_count;
}

size_t a6_aef_work_size(const a6_aef_report_t *report)
{
    assert(report);
    return a6_aef_stream_work_size(report) + larger(report->action_count, report->holding_count);
}

static bool tables_too_large(const a6_aef_report_t *report, bool rows)
{
    return (rows &&
            (report->action_count > A6_AEF_ROWS_MAX || report->holding_count > A6_AEF_ROWS_MAX)) ||
           report->authorization_count > A6_AEF_AUTHORIZATIONS_MAX ||
           report->entity_count > A6_AEF_AUTHORIZATIONS_MAX;
}

static void fail_table_size(a6_aef_stream_t *stream)
{
    aef_fail(stream, A6_AEF_T3_ACTIONS, 0, "table-size", A6_CHECK_AEF_INCONSISTENT,
             "a table exceeds its limit (%d rows of T3 or T4, %d of T2 or T5)", A6_AEF_ROWS_MAX,
             A6_AEF_AUTHORIZATIONS_MAX);
}

a6_check_t a6_aef_stream_begin(a6_aef_stream_t *stream, const a6_aef_report_t *report, size_t *work,
                               a6_aef_failure_t *failures, size_t failures_max)
{
    assert(stream && report);
    assert(failures || failures_max == 0);
    memset(stream, 0, sizeof *stream);
    stream->report = report;
    stream->failures = failures;
    stream->failures_max = failures_max;
    if (tables_too_large(report, false)) {
        fail_table_size(stream);
        return A6_CHECK_AEF_INCONSISTENT;
    }
    assert(report->authorizations || report->authorization_count == 0);
    assert(report->entities || report->entity_count == 0);
    assert(work || report->authorization_count == 0);
    if (work) { /* no arithmetic on a NULL work (allowed only when it needs no entries) */
        stream->sorted_authorizations = work;
        stream->first_transferred = work + report->authorization_count;
        for (size_t i = 0; i < report->authorization_count; i++)
            stream->first_transferred[i] = 0;
    }
    check_authorizations(stream);
    return A6_OK;
}

a6_check_t a6_aef_stream_end(a6_aef_stream_t *stream, size_t *failure_count)
{
    assert(stream && failure_count);
    *failure_count = stream->count;
    return stream->count == 0 ? A6_OK : A6_CHECK_AEF_INCONSISTENT;
}

/* Feeds every checkable row of a table to the overlap rules in block order. */
static void feed_blocks(a6_aef_stream_t *stream, a6_aef_table_t table, const a6_aef_row_t *rows,
                        size_t count, size_t *order)
{
    size_t used = 0;
    for (size_t i = 0; i < count; i++)
        /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): order has count entries */
        if (block_checkable(&rows[i])) order[used++] = i;
    sort_indices(stream, rows, block_less, order, used);
    for (size_t k = 0; k < used; k++)
        a6_aef_stream_block(stream, table, order[k], &rows[order[k]]);
}

a6_check_t a6_aef_check(const a6_aef_report_t *report, size_t *work, a6_aef_failure_t *failures,
                        size_t failures_max, size_t *failure_count)
{
    assert(report && failure_count);
    a6_aef_stream_t stream;
    if (tables_too_large(report, true)) {
        memset(&stream, 0, sizeof stream);
        stream.failures = failures;
        stream.failures_max = failures_max;
        fail_table_size(&stream);
        return a6_aef_stream_end(&stream, failure_count);
    }
    assert(report->actions || report->action_count == 0);
    assert(report->holdings || report->holding_count == 0);
    assert(work || a6_aef_work_size(report) == 0);
    if (a6_aef_stream_begin(&stream, report, work, failures, failures_max) != A6_OK)
        return a6_aef_stream_end(&stream, failure_count);
    for (size_t i = 0; i < report->action_count; i++)
        a6_aef_stream_row(&stream, A6_AEF_T3_ACTIONS, i, &report->actions[i]);
    for (size_t i = 0; i < report->holding_count; i++)
        a6_aef_stream_row(&stream, A6_AEF_T4_HOLDINGS, i, &report->holdings[i]);
    size_t *order = work ? work + a6_aef_stream_work_size(report) : NULL;
    feed_blocks(&stream, A6_AEF_T3_ACTIONS, report->actions, report->action_count, order);
    feed_blocks(&stream, A6_AEF_T4_HOLDINGS, report->holdings, report->holding_count, order);
    return a6_aef_stream_end(&stream, failure_count);
}
