/* cmd_ndc.c: `a6reg ndc set|inventory|balance`: the host Party's NDC, its inventory by year, and
 * the emissions balance (inventory, ITMOs first transferred and used, adjustment, target). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/ledger_store.h"
#include "../store/ndc_store.h"
#include "cli.h"

static const char ndc_usage[] =
    "a6reg ndc set --first-year Y --last-year Y --target-year Y --method "
    "trajectory|budget|averaging "
    "[--bau N] [--unconditional-bp BP] [--conditional-bp BP] [--budget N]\n"
    "       a6reg ndc inventory --year Y --emissions N [--trajectory N]\n"
    "       a6reg ndc balance [--year Y] [--json]";

/* A whole number (may be negative for emissions with removals); false after the error. */
static bool signed_option(const cli_t *cli, const cli_option_t *options, const char *name,
                          int64_t *out)
{
    const char *text = cli_option(options, name);
    if (!text) return true;
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (!*text || *end || value < -A6_NDC_QUANTITY_MAX || value > A6_NDC_QUANTITY_MAX) {
        char message[120];
        snprintf(message, sizeof message, "%s: '%.40s' is not a whole number of t CO2e", name,
                 text);
        cli_reject(cli, A6_CHECK_NDC_INVALID, name, message);
        return false;
    }
    *out = value;
    return true;
}

static int report(const cli_t *cli, const ndc_result_t *result, const char *done)
{
    if (result->store_error < 0)
        return fprintf(stderr, "a6reg: %s\n", result->message), CLI_EXIT_REJECTED;
    if (result->check != A6_OK)
        return cli_reject(cli, result->check, result->field, result->message);
    if (cli->json)
        cli_print_json(json_pack("{ss}", "status", "ok"));
    else
        printf("%s\n", done);
    return CLI_EXIT_OK;
}

static int ndc_set_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("first-year", true),
                              CLI_OPTION("last-year", true),
                              CLI_OPTION("target-year", true),
                              CLI_OPTION("method", true),
                              CLI_OPTION("bau", true),
                              CLI_OPTION("unconditional-bp", true),
                              CLI_OPTION("conditional-bp", true),
                              CLI_OPTION("budget", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, ndc_usage)) return CLI_EXIT_USAGE;
    if (!cli_option(options, "first-year") || !cli_option(options, "last-year") ||
        !cli_option(options, "target-year") || !cli_option(options, "method"))
        return cli_usage_error(ndc_usage, "--first-year, --last-year, --target-year and --method "
                                          "are required");
    a6_ndc_t ndc;
    a6_ndc_init(&ndc);
    int64_t first = 0, last = 0, target = 0, unconditional = A6_BP_MISSING,
            conditional = A6_BP_MISSING;
    if (!signed_option(cli, options, "first-year", &first) ||
        !signed_option(cli, options, "last-year", &last) ||
        !signed_option(cli, options, "target-year", &target) ||
        !signed_option(cli, options, "bau", &ndc.bau_tco2e) ||
        !signed_option(cli, options, "unconditional-bp", &unconditional) ||
        !signed_option(cli, options, "conditional-bp", &conditional) ||
        !signed_option(cli, options, "budget", &ndc.budget_tco2e))
        return CLI_EXIT_REJECTED;
    if (a6_ca_method_parse(cli_option(options, "method"), &ndc.method) != A6_OK)
        return cli_reject(cli, A6_CHECK_CA_METHOD_INVALID, "method",
                          "method must be trajectory, budget or averaging");
    if (first < 1990 || first > 2100 || last < 1990 || last > 2100 || target < 1990 ||
        target > 2100 || unconditional < A6_BP_MISSING || unconditional > A6_BP_FULL ||
        conditional < A6_BP_MISSING || conditional > A6_BP_FULL)
        return cli_reject(cli, A6_CHECK_NDC_INVALID, "ndc",
                          "years from 1990 to 2100, percentages as 0 to 10000 basis points");
    ndc.first_year = (int32_t)first;
    ndc.last_year = (int32_t)last;
    ndc.target_year = (int32_t)target;
    ndc.unconditional_bp = (int32_t)unconditional;
    ndc.conditional_bp = (int32_t)conditional;
    writer_t *w;
    if (!(w = cli_writer_open(cli))) return CLI_EXIT_REJECTED;
    ndc_result_t result;
    ndc_set(w, cli->actor, &ndc, &result);
    writer_stop(w);
    return report(cli, &result, "NDC set");
}

static int ndc_inventory_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("year", true),
                              CLI_OPTION("emissions", true),
                              CLI_OPTION("trajectory", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, ndc_usage)) return CLI_EXIT_USAGE;
    if (!cli_option(options, "year") || !cli_option(options, "emissions"))
        return cli_usage_error(ndc_usage, "--year and --emissions are required");
    int64_t year = 0, emissions = 0, trajectory = A6_NDC_MISSING;
    if (!signed_option(cli, options, "year", &year) ||
        !signed_option(cli, options, "emissions", &emissions) ||
        !signed_option(cli, options, "trajectory", &trajectory))
        return CLI_EXIT_REJECTED;
    writer_t *w;
    if (!(w = cli_writer_open(cli))) return CLI_EXIT_REJECTED;
    ndc_result_t result;
    ndc_year_set(w, cli->actor, (int32_t)(year >= 1990 && year <= 2100 ? year : 0), emissions,
                 trajectory, &result);
    writer_stop(w);
    return report(cli, &result, "inventory recorded");
}

static void print_amount(json_t *value)
{
    if (json_is_integer(value))
        printf(" %14lld", (long long)json_integer_value(value));
    else
        printf(" %14s", "-");
}

static int ndc_balance_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("year", true), {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, ndc_usage)) return CLI_EXIT_USAGE;
    int64_t year = 0;
    if (cli_option(options, "year") && !signed_option(cli, options, "year", &year))
        return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    a6_check_t check = A6_OK;
    json_t *balance = ndc_query_balance(db, (int32_t)year, &check, &err);
    db_close(db);
    if (!balance && err.code < 0)
        return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (!balance)
        return cli_reject(cli, check, "ndc",
                          check == A6_CHECK_NDC_DATA_MISSING
                              ? "no NDC is set (a6reg ndc set)"
                              : "the year is outside the NDC period");
    if (cli->json) return cli_print_json(balance), CLI_EXIT_OK;
    printf("NDC %lld-%lld, target year %lld, method %s, target level",
           (long long)json_integer_value(json_object_get(balance, "first_year")),
           (long long)json_integer_value(json_object_get(balance, "last_year")),
           (long long)json_integer_value(json_object_get(balance, "target_year")),
           json_string_value(json_object_get(balance, "method")));
    print_amount(json_object_get(balance, "target_level_tco2e"));
    printf(" t CO2e\n%-5s %14s %14s %14s %14s %14s %14s\n", "year", "emissions", "first transf.",
           "used", "adjustment", "adjusted", "distance");
    size_t i;
    json_t *y;
    json_array_foreach(json_object_get(balance, "years"), i, y)
    {
        printf("%-5lld", (long long)json_integer_value(json_object_get(y, "year")));
        print_amount(json_object_get(y, "emissions_tco2e"));
        print_amount(json_object_get(y, "first_transferred_tco2e"));
        print_amount(json_object_get(y, "used_tco2e"));
        print_amount(json_object_get(y, "adjustment_tco2e"));
        print_amount(json_object_get(y, "adjusted_tco2e"));
        print_amount(json_object_get(y, "distance_tco2e"));
        printf("%s\n", json_is_true(json_object_get(y, "indicative")) ? "  (indicative)" : "");
    }
    json_decref(balance);
    return CLI_EXIT_OK;
}

int cli_cmd_ndc(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", ndc_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "set") == 0) return ndc_set_command(&sub);
    if (strcmp(cli->argv[0], "inventory") == 0) return ndc_inventory_command(&sub);
    if (strcmp(cli->argv[0], "balance") == 0) return ndc_balance_command(&sub);
    return cli_usage_error(ndc_usage, "unknown ndc command '%s'", cli->argv[0]);
}
