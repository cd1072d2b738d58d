/* cmd_report.c: `a6reg report aef`: the UNFCCC Agreed Electronic Format report of a year as XLSX,
 * CSV or JSON after its consistency checks (every failure listed, nothing written), with progress
 * on a terminal; --check only checks; --submit records the submission (authority). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../report/aef_export.h"
#include "../store/ledger_store.h"
#include "cli.h"

static const char report_usage[] = "a6reg report aef --year Y --format xlsx|csv|json -o PATH\n"
                                   "       a6reg report aef --year Y --check\n"
                                   "       a6reg report aef --year Y --submit --role authority";

static void print_failures(const aef_export_outcome_t *outcome)
{
    size_t i;
    json_t *f;
    json_array_foreach(outcome->failures, i, f)
    {
        fprintf(stderr, "  %s row %lld: %s (%s): %s\n",
                json_string_value(json_object_get(f, "table")),
                (long long)json_integer_value(json_object_get(f, "row")),
                json_string_value(json_object_get(f, "rule")),
                json_string_value(json_object_get(f, "check")),
                json_string_value(json_object_get(f, "message")));
    }
    if (outcome->failure_count > json_array_size(outcome->failures))
        fprintf(stderr, "  ... and %zu more\n",
                outcome->failure_count - json_array_size(outcome->failures));
}

static json_t *outcome_json(const aef_export_outcome_t *outcome, int32_t year)
{
    json_t *rows = json_object();
    for (int t = 0; t < AEF_TABLE_COUNT; t++)
        json_object_set_new(rows, aef_table_spec((aef_table_id_t)t)->key,
                            json_integer((json_int_t)outcome->rows[t]));
    return json_pack("{sI sb sb sO* so ss}", "year", (json_int_t)year, "draft", outcome->draft,
                     "holdings_frozen", outcome->holdings_frozen, "failures", outcome->failures,
                     "rows", rows, "status", "ok");
}

static int finish(const cli_t *cli, aef_export_outcome_t *outcome, int32_t year, const char *done,
                  bool to_stdout)
{
    int rc = CLI_EXIT_OK;
    if (outcome->store_error < 0) {
        fprintf(stderr, "a6reg: %s\n", outcome->message);
        rc = CLI_EXIT_REJECTED;
    } else if (outcome->check != A6_OK) {
        if (cli->json && outcome->failures) {
            cli_print_json(json_pack("{s{si ss ss ss} sO}", "error", "code", (int)outcome->check,
                                     "check", a6_check_name(outcome->check), "message",
                                     outcome->message, "field", outcome->field, "failures",
                                     outcome->failures));
            rc = CLI_EXIT_REJECTED;
        } else {
            rc = cli_reject(cli, outcome->check, outcome->field, outcome->message);
            print_failures(outcome);
        }
    } else if (cli->json && !to_stdout) {
        cli_print_json(outcome_json(outcome, year));
    } else {
        fprintf(to_stdout ? stderr : stdout, "%s\n", done); /* stdout may carry the report */
    }
    json_decref(outcome->failures);
    return rc;
}

static int report_aef(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("year", true),   CLI_OPTION("format", true),
                              CLI_OPTION("o", true),      CLI_OPTION("output", true),
                              CLI_OPTION("check", false), CLI_OPTION("submit", false),
                              CLI_OPTION("role", true),   {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, report_usage)) return CLI_EXIT_USAGE;
    const char *path =
        cli_option(options, "o") ? cli_option(options, "o") : cli_option(options, "output");
    bool check_only = cli_option(options, "check"), submit = cli_option(options, "submit");
    if (!cli_option(options, "year") || (check_only && submit) ||
        (!check_only && !submit && (!path || !cli_option(options, "format"))))
        return cli_usage_error(report_usage, "report aef needs --year and either --format with "
                                             "-o, --check or --submit");
    int64_t year;
    if (!cli_parse_id(cli, cli_option(options, "year"), "year", &year) || year > 9999)
        return year > 9999 ? cli_reject(cli, A6_CHECK_VINTAGE_INVALID, "year", "a year")
                           : CLI_EXIT_REJECTED;
    aef_export_outcome_t outcome;
    if (submit) {
        a6_role_t role;
        const char *text = cli_option(options, "role");
        if (!text || a6_role_parse(text, &role) != A6_OK)
            return cli_reject(cli, A6_CHECK_ROLE_INVALID, "role", "--role authority submits");
        writer_t *w = cli_writer_open(cli);
        if (!w) return CLI_EXIT_REJECTED;
        aef_submit(w, cli->actor, role, (int32_t)year, &outcome);
        writer_stop(w);
        return finish(cli, &outcome, (int32_t)year, outcome.message, false);
    }
    aef_format_t format =
        check_only ? AEF_FORMAT_JSON : aef_format_parse(cli_option(options, "format"));
    if (!format) return cli_reject(cli, A6_CHECK_FIELD_TYPE, "format", "xlsx, csv or json");
    /* Bring the schema up to date, then read through a reader connection (its sorts spill to
     * temporary files rather than memory). */
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_close(db);
    db_error_t err = {0};
    if (ledger_store_open_reader(cli->db_path, &db, &err) < 0)
        return fprintf(stderr, "a6reg: cannot open %s: %s\n", cli->db_path, err.message),
               CLI_EXIT_REJECTED;
    aef_export_options_t export = {.year = (int32_t)year,
                                   .format = format,
                                   .path = path,
                                   .progress = isatty(STDERR_FILENO) ? stderr : NULL};
    int rc = check_only ? aef_export_check(db, (int32_t)year, &outcome, &err)
                        : aef_export(db, &export, &outcome, &err);
    db_close(db);
    if (rc < 0) {
        outcome.store_error = rc;
        snprintf(outcome.message, sizeof outcome.message, "%s", err.message);
    }
    char done[600];
    snprintf(done, sizeof done,
             check_only ? "the %d report passes every consistency check"
                        : "wrote the %d report (%zu actions, %zu holdings) to %s",
             (int)year, outcome.rows[AEF_T3_ACTIONS], outcome.rows[AEF_T4_HOLDINGS], path);
    return finish(cli, &outcome, (int32_t)year, done, path && strcmp(path, "-") == 0);
}

int cli_cmd_report(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", report_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "aef") == 0) return report_aef(&sub);
    return cli_usage_error(report_usage, "unknown report '%s'", cli->argv[0]);
}
