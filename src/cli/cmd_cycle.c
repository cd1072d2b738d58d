/* cmd_cycle.c: `a6reg methodology`, `activity`, `poa include`, `monitoring` and `timeline`: the
 * project cycle from the command line. Arguments become cycle inputs; the store decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/date.h"
#include "../store/clock.h"
#include "../store/cycle_store.h"
#include "../store/ledger_store.h"
#include "cli.h"

/* Reports a cycle result; prints the id (text) or {"id", "status"} (JSON). */
static int report(const cli_t *cli, const cycle_result_t *result, const char *what)
{
    if (result->store_error < 0) {
        fprintf(stderr, "a6reg: %s\n", result->message);
        return CLI_EXIT_REJECTED;
    }
    if (result->check != A6_OK)
        return cli_reject(cli, result->check, result->field, result->message);
    if (cli->json)
        cli_print_json(json_pack("{sI ss}", "id", (json_int_t)result->id, "status", "ok"));
    else if (what)
        printf("%s %lld\n", what, (long long)result->id);
    else
        printf("%lld\n", (long long)result->id);
    return CLI_EXIT_OK;
}

/* Opens a writer on the registry and runs fn with it. */
/* Opens the registry for a read. */
static bool parse_role(const cli_t *cli, const char *text, a6_role_t fallback, a6_role_t *out)
{
    if (!text) {
        *out = fallback;
        return true;
    }
    if (a6_role_parse(text, out) == A6_OK) return true;
    cli_reject(cli, A6_CHECK_ROLE_INVALID, "role",
               "role must be admin, authority, committee, auditor, participant or observer");
    return false;
}

static bool parse_quantity(const cli_t *cli, const char *text, const char *field, int64_t *out)
{
    a6_check_t check = ledger_quantity_parse(text, out);
    if (check == A6_OK) return true;
    char message[160];
    snprintf(message, sizeof message, "%s: '%.40s' is not a whole number of t CO2e", field, text);
    cli_reject(cli, check, field, message);
    return false;
}

static const char methodology_usage[] =
    "a6reg methodology add --code CODE [--version V] [--title T] [--scope S] "
    "[--status approved] [--approved-on DATE]\n       a6reg methodology list [--json]";

int cli_cmd_methodology(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", methodology_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "list") == 0) {
        db_t *db = cli_db_open(cli);
        if (!db) return CLI_EXIT_REJECTED;
        db_error_t err = {0};
        json_t *list = cycle_query_methodologies(db, &err);
        db_close(db);
        if (!list) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
        if (cli->json) return cli_print_json(list), CLI_EXIT_OK;
        size_t i;
        json_t *m;
        json_array_foreach(list, i, m)
        {
            const char *version = json_string_value(json_object_get(m, "version"));
            const char *title = json_string_value(json_object_get(m, "title"));
            printf("%-10s %-7s %-9s %2lld  %s\n", json_string_value(json_object_get(m, "code")),
                   version ? version : "-", json_string_value(json_object_get(m, "status")),
                   (long long)json_integer_value(json_object_get(m, "activities")),
                   title ? title : "(title not published)");
        }
        json_decref(list);
        return CLI_EXIT_OK;
    }
    if (strcmp(cli->argv[0], "add") != 0)
        return cli_usage_error(methodology_usage, "unknown methodology command '%s'", cli->argv[0]);
    cli_option_t options[] = {CLI_OPTION("code", true),
                              CLI_OPTION("version", true),
                              CLI_OPTION("title", true),
                              CLI_OPTION("scope", true),
                              CLI_OPTION("status", true),
                              CLI_OPTION("approved-on", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(&sub, options, positionals, 0, &count, methodology_usage)) return CLI_EXIT_USAGE;
    if (!cli_option(options, "code"))
        return cli_usage_error(methodology_usage, "--code is required");
    methodology_input_t in = {
        .actor = cli->actor,
        .code = cli_option(options, "code"),
        .version = cli_option(options, "version") ? cli_option(options, "version") : "",
        .title = cli_option(options, "title"),
        .sectoral_scope = cli_option(options, "scope"),
        .status = cli_option(options, "status") ? cli_option(options, "status") : "approved",
        .approved_on = A6_DATE_NONE};
    if (cli_option(options, "approved-on") &&
        !cli_parse_date(cli, cli_option(options, "approved-on"), "approved_on", &in.approved_on))
        return CLI_EXIT_REJECTED;
    writer_t *w;
    if (!(w = cli_writer_open(cli))) return CLI_EXIT_REJECTED;
    cycle_result_t result;
    cycle_methodology_add(w, &in, &result);
    writer_stop(w);
    return report(cli, &result, NULL);
}

static const char activity_usage[] =
    "a6reg activity add --ref REF --kind project|poa|cpa --title TITLE [--parent POA] "
    "[--methodology CODE]... [--host-participant NAME]... [--partner-participant NAME]... "
    "[--host-party VNM] [--partner-party JPN] [--technology GROUP] [--sector S] [--location L] "
    "[--expected-annual N] [--crediting-start DATE] [--crediting-end DATE] [--criteria TEXT] "
    "[--coordinator NAME]\n"
    "       a6reg activity list [--kind K] [--status S] [--json]\n"
    "       a6reg activity show REF [--json]\n"
    "       a6reg activity advance REF EVENT --role ROLE [--date DATE] [--document-title T] "
    "[--document-url U] [--document-sha256 H]";

static int activity_add(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("ref", true),
                              CLI_OPTION("kind", true),
                              CLI_OPTION("title", true),
                              CLI_OPTION("parent", true),
                              CLI_OPTION("methodology", true),
                              CLI_OPTION("host-participant", true),
                              CLI_OPTION("partner-participant", true),
                              CLI_OPTION("host-party", true),
                              CLI_OPTION("partner-party", true),
                              CLI_OPTION("technology", true),
                              CLI_OPTION("sector", true),
                              CLI_OPTION("location", true),
                              CLI_OPTION("expected-annual", true),
                              CLI_OPTION("crediting-start", true),
                              CLI_OPTION("crediting-end", true),
                              CLI_OPTION("criteria", true),
                              CLI_OPTION("coordinator", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, activity_usage)) return CLI_EXIT_USAGE;
    if (!cli_option(options, "ref") || !cli_option(options, "kind") ||
        !cli_option(options, "title"))
        return cli_usage_error(activity_usage, "--ref, --kind and --title are required");
    activity_input_t in = {
        .actor = cli->actor,
        .ref = cli_option(options, "ref"),
        .title = cli_option(options, "title"),
        .parent_ref = cli_option(options, "parent"),
        .host_party = cli_option(options, "host-party") ? cli_option(options, "host-party") : "VNM",
        .partner_party = cli_option(options, "partner-party"),
        .technology_group = cli_option(options, "technology"),
        .sector = cli_option(options, "sector"),
        .location = cli_option(options, "location"),
        .eligibility_criteria = cli_option(options, "criteria"),
        .coordinating_entity = cli_option(options, "coordinator"),
        .crediting_start = A6_DATE_NONE,
        .crediting_end = A6_DATE_NONE};
    if (activity_kind_parse(cli_option(options, "kind"), &in.kind) != A6_OK)
        return cli_reject(cli, A6_CHECK_KIND_INVALID, "kind", "kind must be project, poa or cpa");
    int n;
    in.methodologies = cli_option_values(options, "methodology", &n);
    in.methodology_count = (size_t)n;
    in.host_participants = cli_option_values(options, "host-participant", &n);
    in.host_count = (size_t)n;
    in.partner_participants = cli_option_values(options, "partner-participant", &n);
    in.partner_count = (size_t)n;
    if (cli_option(options, "expected-annual") &&
        !parse_quantity(cli, cli_option(options, "expected-annual"), "expected_annual_tco2e",
                        &in.expected_annual_tco2e))
        return CLI_EXIT_REJECTED;
    if ((cli_option(options, "crediting-start") &&
         !cli_parse_date(cli, cli_option(options, "crediting-start"), "crediting_start",
                         &in.crediting_start)) ||
        (cli_option(options, "crediting-end") &&
         !cli_parse_date(cli, cli_option(options, "crediting-end"), "crediting_end",
                         &in.crediting_end)))
        return CLI_EXIT_REJECTED;
    writer_t *w;
    if (!(w = cli_writer_open(cli))) return CLI_EXIT_REJECTED;
    cycle_result_t result;
    cycle_activity_add(w, &in, &result);
    writer_stop(w);
    return report(cli, &result, NULL);
}

static int activity_list(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("kind", true), CLI_OPTION("status", true), {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, activity_usage)) return CLI_EXIT_USAGE;
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    json_t *list = cycle_query_activities(db, cli_option(options, "kind"),
                                          cli_option(options, "status"), &err);
    db_close(db);
    if (!list) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (cli->json) return cli_print_json(list), CLI_EXIT_OK;
    printf("%-8s %-7s %-16s %-10s %s\n", "ref", "kind", "status", "registered", "title");
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
    {
        const char *registered = json_string_value(json_object_get(a, "registered_on"));
        printf("%-8s %-7s %-16s %-10s %.70s\n", json_string_value(json_object_get(a, "ref")),
               json_string_value(json_object_get(a, "kind")),
               json_string_value(json_object_get(a, "state")), registered ? registered : "-",
               json_string_value(json_object_get(a, "title")));
    }
    printf("%zu activities\n", json_array_size(list));
    json_decref(list);
    return CLI_EXIT_OK;
}

static int activity_show(const cli_t *cli)
{
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 1, &count, activity_usage) || count != 1)
        return count == 1 ? CLI_EXIT_USAGE : cli_usage_error(activity_usage, "REF is required");
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    json_t *activity = cycle_query_activity(db, positionals[0], &err);
    db_close(db);
    if (!activity && err.code == 0)
        return cli_reject(cli, A6_CHECK_ACTIVITY_NOT_FOUND, "ref",
                          "no activity with this reference");
    if (!activity) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    cli_print_json(activity); /* the full record reads best as JSON, with or without --json */
    return CLI_EXIT_OK;
}

/* Reads the optional document reference options into an event. */
static void document_options(const cli_option_t *options, event_input_t *in)
{
    in->document_title = cli_option(options, "document-title");
    in->document_url = cli_option(options, "document-url");
    in->document_sha256 = cli_option(options, "document-sha256");
}

static int run_event(const cli_t *cli, event_input_t *in)
{
    writer_t *w;
    if (!(w = cli_writer_open(cli))) return CLI_EXIT_REJECTED;
    cycle_result_t result;
    cycle_event(w, in, &result);
    writer_stop(w);
    if (result.check == A6_OK && result.store_error == 0 && !cli->json) {
        printf("%s: %s\n", in->ref, activity_event_name(in->event));
        return CLI_EXIT_OK;
    }
    return report(cli, &result, NULL);
}

static int activity_advance(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("role", true),
                              CLI_OPTION("date", true),
                              CLI_OPTION("document-title", true),
                              CLI_OPTION("document-url", true),
                              CLI_OPTION("document-sha256", true),
                              {0}};
    const char *positionals[2];
    int count;
    if (!cli_parse(cli, options, positionals, 2, &count, activity_usage)) return CLI_EXIT_USAGE;
    if (count != 2 || !cli_option(options, "role"))
        return cli_usage_error(activity_usage, "advance needs REF, EVENT and --role");
    event_input_t in = {.actor = cli->actor, .ref = positionals[0], .today = clock_today()};
    if (activity_event_parse(positionals[1], &in.event) != A6_OK)
        return cli_reject(cli, A6_CHECK_EVENT_INVALID, "event",
                          "event must be submit, start_validation, validate, register, reject, "
                          "withdraw, include or exclude");
    if (!parse_role(cli, cli_option(options, "role"), ROLE_OBSERVER, &in.role) ||
        !cli_parse_date(cli, cli_option(options, "date"), "date", &in.occurred_on))
        return CLI_EXIT_REJECTED;
    document_options(options, &in);
    return run_event(cli, &in);
}

int cli_cmd_activity(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", activity_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "add") == 0) return activity_add(&sub);
    if (strcmp(cli->argv[0], "list") == 0) return activity_list(&sub);
    if (strcmp(cli->argv[0], "show") == 0) return activity_show(&sub);
    if (strcmp(cli->argv[0], "advance") == 0) return activity_advance(&sub);
    return cli_usage_error(activity_usage, "unknown activity command '%s'", cli->argv[0]);
}

static const char poa_usage[] =
    "a6reg poa include POA CPA [--role auditor] [--date DATE] [--document-title T] "
    "[--document-url U] [--document-sha256 H]";

int cli_cmd_poa(const cli_t *cli)
{
    if (cli->help || cli->argc < 1 || strcmp(cli->argv[0], "include") != 0) {
        printf("usage: %s\n", poa_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    cli_option_t options[] = {CLI_OPTION("role", true),
                              CLI_OPTION("date", true),
                              CLI_OPTION("document-title", true),
                              CLI_OPTION("document-url", true),
                              CLI_OPTION("document-sha256", true),
                              {0}};
    const char *positionals[2];
    int count;
    if (!cli_parse(&sub, options, positionals, 2, &count, poa_usage)) return CLI_EXIT_USAGE;
    if (count != 2) return cli_usage_error(poa_usage, "include needs POA and CPA");
    /* The CPA must belong to this PoA: checked by reading before the writer applies it. */
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    json_t *cpa = cycle_query_activity(db, positionals[1], &err);
    db_close(db);
    if (!cpa) return cli_reject(cli, A6_CHECK_ACTIVITY_NOT_FOUND, "cpa", positionals[1]);
    const char *parent = json_string_value(json_object_get(cpa, "parent"));
    int belongs = parent && strcmp(parent, positionals[0]) == 0;
    json_decref(cpa);
    if (!belongs)
        return cli_reject(cli, A6_CHECK_PARENT_INVALID, "poa",
                          "the CPA is not a component of this PoA");
    event_input_t in = {
        .actor = cli->actor, .ref = positionals[1], .event = EVENT_INCLUDE, .today = clock_today()};
    if (!parse_role(cli, cli_option(options, "role"), ROLE_AUDITOR, &in.role) ||
        !cli_parse_date(cli, cli_option(options, "date"), "date", &in.occurred_on))
        return CLI_EXIT_REJECTED;
    document_options(options, &in);
    return run_event(cli, &in);
}

static const char monitoring_usage[] =
    "a6reg monitoring add REF --start DATE --end DATE --claimed N [--date DATE]\n"
    "       a6reg monitoring verify PERIOD --verified N [--date DATE] [--role auditor]\n"
    "       a6reg monitoring request PERIOD [--date DATE] [--role participant]\n"
    "       a6reg monitoring notify PERIOD --total N --allocate SIDE:HOLDER:N... [--date DATE] "
    "[--role committee]\n"
    "       a6reg monitoring issue PERIOD [--account HOLDER=ACCOUNT]... [--authorization ID] "
    "[--date DATE] [--role committee]";

/* Parses "host:Government of Viet Nam:29" into an allocation (holder points into text). */
static bool parse_allocation(const cli_t *cli, char *text, allocation_t *out)
{
    char *first = strchr(text, ':'), *last = strrchr(text, ':');
    if (!first || first == last) {
        cli_reject(cli, A6_CHECK_SIDE_INVALID, "allocations",
                   "allocations look like SIDE:HOLDER:N");
        return false;
    }
    *first = '\0';
    *last = '\0';
    if (allocation_side_parse(text, &out->side) != A6_OK) {
        cli_reject(cli, A6_CHECK_SIDE_INVALID, "allocations",
                   "side must be host, partner or participants");
        return false;
    }
    out->holder = first + 1;
    return parse_quantity(cli, last + 1, "allocations", &out->quantity);
}

/* Parses --allocate and --account lists into in (allocation holders point into copies). */
static int monitoring_lists(const cli_t *cli, const cli_option_t *options, period_input_t *in,
                            allocation_t *allocations, char **copies, const char **holders,
                            int64_t *accounts)
{
    int n;
    const char *const *values = cli_option_values(options, "allocate", &n);
    for (int i = 0; i < n; i++) {
        copies[i] = strdup(values[i]);
        if (!copies[i] || !parse_allocation(cli, copies[i], &allocations[i])) return -1;
    }
    in->allocations = allocations;
    in->allocation_count = (size_t)n;
    values = cli_option_values(options, "account", &n);
    for (int i = 0; i < n; i++) {
        copies[CLI_VALUES_MAX + i] = strdup(values[i]);
        char *equals = copies[CLI_VALUES_MAX + i] ? strrchr(copies[CLI_VALUES_MAX + i], '=') : NULL;
        if (!equals) {
            cli_reject(cli, A6_CHECK_ID_INVALID, "accounts", "accounts look like HOLDER=ACCOUNT");
            return -1;
        }
        *equals = '\0';
        holders[i] = copies[CLI_VALUES_MAX + i];
        if (!cli_parse_id(cli, equals + 1, "accounts", &accounts[i])) return -1;
    }
    in->account_holders = holders;
    in->account_ids = accounts;
    in->account_count = (size_t)n;
    return 0;
}

static int monitoring_step(const cli_t *cli, const char *step)
{
    cli_option_t options[] = {CLI_OPTION("start", true),
                              CLI_OPTION("end", true),
                              CLI_OPTION("claimed", true),
                              CLI_OPTION("verified", true),
                              CLI_OPTION("total", true),
                              CLI_OPTION("allocate", true),
                              CLI_OPTION("account", true),
                              CLI_OPTION("date", true),
                              CLI_OPTION("role", true),
                              CLI_OPTION("authorization", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, monitoring_usage)) return CLI_EXIT_USAGE;
    if (count != 1) return cli_usage_error(monitoring_usage, "%s needs REF or PERIOD", step);
    period_input_t in = {
        .actor = cli->actor, .today = clock_today(), .start = A6_DATE_NONE, .end = A6_DATE_NONE};
    int add = strcmp(step, "add") == 0;
    const char *amount = add                           ? "claimed"
                         : strcmp(step, "verify") == 0 ? "verified"
                         : strcmp(step, "notify") == 0 ? "total"
                                                       : NULL;
    if (amount && !cli_option(options, amount))
        return cli_usage_error(monitoring_usage, "--%s is required", amount);
    if (add && (!cli_option(options, "start") || !cli_option(options, "end")))
        return cli_usage_error(monitoring_usage, "--start and --end are required");
    a6_role_t fallback = strcmp(step, "verify") == 0           ? ROLE_AUDITOR
                         : add || strcmp(step, "request") == 0 ? ROLE_PARTICIPANT
                                                               : ROLE_COMMITTEE;
    if (add)
        in.ref = positionals[0];
    else if (!cli_parse_id(cli, positionals[0], "period", &in.period_id))
        return CLI_EXIT_REJECTED;
    if (!parse_role(cli, cli_option(options, "role"), fallback, &in.role) ||
        !cli_parse_date(cli, cli_option(options, "date"), "date", &in.on) ||
        (amount && !parse_quantity(cli, cli_option(options, amount), amount, &in.quantity)) ||
        (cli_option(options, "authorization") &&
         !cli_parse_id(cli, cli_option(options, "authorization"), "authorization",
                       &in.authorization_id)) ||
        (add && (!cli_parse_date(cli, cli_option(options, "start"), "start", &in.start) ||
                 !cli_parse_date(cli, cli_option(options, "end"), "end", &in.end))))
        return CLI_EXIT_REJECTED;
    allocation_t allocations[CLI_VALUES_MAX];
    char *copies[2 * CLI_VALUES_MAX] = {0};
    const char *holders[CLI_VALUES_MAX];
    int64_t accounts[CLI_VALUES_MAX];
    int rc = CLI_EXIT_REJECTED;
    if (monitoring_lists(cli, options, &in, allocations, copies, holders, accounts) == 0) {
        writer_t *w;
        if ((w = cli_writer_open(cli))) {
            cycle_result_t result;
            if (add)
                cycle_period_add(w, &in, &result);
            else if (strcmp(step, "verify") == 0)
                cycle_period_verify(w, &in, &result);
            else if (strcmp(step, "request") == 0)
                cycle_period_request(w, &in, &result);
            else if (strcmp(step, "notify") == 0)
                cycle_period_notify(w, &in, &result);
            else
                cycle_period_issue(w, &in, &result);
            writer_stop(w);
            rc = report(cli, &result, add ? "period" : step);
        }
    }
    for (size_t i = 0; i < 2 * CLI_VALUES_MAX; i++)
        free(copies[i]);
    return rc;
}

int cli_cmd_monitoring(const cli_t *cli)
{
    static const char *const steps[] = {"add", "verify", "request", "notify", "issue"};
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", monitoring_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (strcmp(cli->argv[0], steps[i]) == 0) return monitoring_step(&sub, steps[i]);
    return cli_usage_error(monitoring_usage, "unknown monitoring command '%s'", cli->argv[0]);
}

static const char timeline_usage[] = "a6reg timeline REF [--json]";

static void print_steps(json_t *steps, const char *indent)
{
    size_t i;
    json_t *step;
    json_array_foreach(steps, i, step)
    {
        const char *date = json_string_value(json_object_get(step, "date"));
        json_t *days = json_object_get(step, "days");
        char spent[48] = "";
        if (json_is_integer(days))
            snprintf(spent, sizeof spent, "%lld days%s", (long long)json_integer_value(days),
                     json_is_true(json_object_get(step, "ongoing")) ? " so far" : "");
        printf("%s%-10s  %-32s %s\n", indent, date ? date : "(no date)",
               json_string_value(json_object_get(step, "step")), spent);
    }
}

int cli_cmd_timeline(const cli_t *cli)
{
    if (cli->help) return printf("usage: %s\n", timeline_usage), CLI_EXIT_OK;
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 1, &count, timeline_usage)) return CLI_EXIT_USAGE;
    if (count != 1) return cli_usage_error(timeline_usage, "REF is required");
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    json_t *timeline = cycle_query_timeline(db, positionals[0], clock_today(), &err);
    db_close(db);
    if (!timeline && err.code == 0)
        return cli_reject(cli, A6_CHECK_ACTIVITY_NOT_FOUND, "ref",
                          "no activity with this reference");
    if (!timeline) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (cli->json) return cli_print_json(timeline), CLI_EXIT_OK;
    printf("%s (%s), %s\n", json_string_value(json_object_get(timeline, "ref")),
           json_string_value(json_object_get(timeline, "kind")),
           json_string_value(json_object_get(timeline, "state")));
    print_steps(json_object_get(timeline, "steps"), "  ");
    size_t i;
    json_t *period;
    json_array_foreach(json_object_get(timeline, "periods"), i, period)
    {
        const char *start = json_string_value(json_object_get(period, "start"));
        const char *end = json_string_value(json_object_get(period, "end"));
        printf("  monitoring period %lld: %s to %s, %s\n",
               (long long)json_integer_value(json_object_get(period, "id")), start ? start : "?",
               end ? end : "?", json_string_value(json_object_get(period, "stage")));
        print_steps(json_object_get(period, "steps"), "    ");
        json_t *lag = json_object_get(period, "days_end_to_notification");
        if (lag)
            printf("    end of monitoring to notification: %lld days\n",
                   (long long)json_integer_value(lag));
    }
    json_decref(timeline);
    return CLI_EXIT_OK;
}
