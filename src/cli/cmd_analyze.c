/* cmd_analyze.c: `a6reg analyze lag|portfolio|finance`: the registry's analyses (core/lag.h,
 * core/portfolio.h, core/finance.h) on the command line, as text or, with --json, the same JSON
 * documents as GET /api/v1/analytics/... Parameters are read by the API's readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../api/api.h"
#include "../store/analysis_query.h"
#include "../store/clock.h"
#include "cli.h"

static const char analyze_usage[] =
    "a6reg analyze lag [--as-of YYYY-MM-DD] [--service-level-months N | --service-level-days N]\n"
    "                  [--batch-threshold N] [--json]\n"
    "       a6reg analyze portfolio [--json]\n"
    "       a6reg analyze finance [--sites N] [--investment X] [--technology-count K] ... "
    "[--json]\n"
    "         (every finance parameter: a6reg analyze finance --help)";

/* The options' lookup by snake_case name: the option of the same name with '-' for '_'. */
static const char *option_lookup(void *context, const char *key)
{
    char name[64];
    snprintf(name, sizeof name, "%s", key);
    for (char *c = name; *c; c++)
        if (*c == '_') *c = '-';
    return cli_option((const cli_option_t *)context, name);
}

static void print_days(const char *label, int32_t days)
{
    if (days == LAG_DAYS_UNKNOWN)
        printf(" %s -", label);
    else
        printf(" %s %d", label, (int)days);
}

static void print_lag_text(const lag_result_t *r)
{
    char as_of[A6_DATE_TEXT_SIZE], end[A6_DATE_TEXT_SIZE];
    a6_date_format(r->params.as_of, as_of);
    printf("issuance lag as of %s, service level %d %s from the end of monitoring\n", as_of,
           r->params.service_level_months ? r->params.service_level_months
                                          : r->params.service_level_days,
           r->params.service_level_months ? "months" : "days");
    for (size_t i = 0; i < r->row_count; i++) {
        const lag_row_t *row = &r->rows[i];
        a6_date_format(row->end, end);
        printf("  %-8s period %-4lld %-9s end %-10s", row->activity_ref, (long long)row->period_id,
               period_stage_name(row->stage), *end ? end : "?");
        print_days("total", row->total_days);
        print_days("to notification", row->to_notification_days);
        printf(" (%s)%s", lag_basis_name(row->basis), row->late ? " LATE" : "");
        if (row->stuck_stage != LAG_STAGE_NONE)
            printf(", stuck in %s", lag_stage_name(row->stuck_stage));
        printf("\n");
    }
    printf("%zu periods, %zu open, %zu late, %zu stuck, %zu unknown\n", r->row_count, r->open_count,
           r->late_count, r->late_open_count, r->unknown_count);
    const lag_summary_t *t = &r->total;
    if (t->count)
        printf("total lag (nearest rank): median %d, p90 %d, max %d days over %zu periods\n",
               (int)t->median_days, (int)t->p90_days, (int)t->max_days, t->count);
    for (size_t i = 0; i < r->batch_count; i++) {
        a6_date_format(r->batches[i].notified_on, end);
        printf("batch notification on %s: %zu periods, %lld t CO2e\n", end,
               r->batches[i].period_count, (long long)r->batches[i].notified_tco2e);
    }
}

static int analyze_lag(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("as-of", true),
                              CLI_OPTION("service-level-months", true),
                              CLI_OPTION("service-level-days", true),
                              CLI_OPTION("batch-threshold", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, analyze_usage)) return CLI_EXIT_USAGE;
    lag_params_t params;
    const char *field = NULL;
    char message[API_PARAM_MESSAGE_SIZE];
    a6_check_t check =
        api_lag_params_read(option_lookup, options, clock_today(), &params, &field, message);
    if (check != A6_OK) return cli_reject(cli, check, field, message);
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    analysis_periods_t periods;
    db_error_t err = {0};
    int rc = analysis_load_periods(db, &periods, &err);
    db_close(db);
    lag_result_t result;
    if (rc < 0) {
        fprintf(stderr, "a6reg: %s\n", err.message);
        check = A6_CHECK_ANALYSIS_TOO_LARGE;
    } else if ((check = lag_analyze(periods.items, periods.count, &params, &result, &field)) !=
               A6_OK) {
        cli_reject(cli, check, field, a6_check_description(check));
    } else {
        if (cli->json)
            cli_print_json(api_lag_json(&result));
        else
            print_lag_text(&result);
        lag_result_release(&result);
    }
    analysis_periods_release(&periods);
    return check == A6_OK ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}

static void print_group(const portfolio_group_t *g)
{
    printf("  %-32s %3zu activities (%zu registered, %zu under validation), expected %lld t/yr "
           "(%zu publish it), notified %lld t, issued %lld t\n",
           g->name, g->activity_count, g->registered_count, g->under_validation_count,
           (long long)g->expected_annual_tco2e, g->expected_known_count,
           (long long)g->notified_tco2e, (long long)g->issued_tco2e);
}

static void print_portfolio_text(const portfolio_result_t *r)
{
    print_group(&r->all);
    for (int s = ACTIVITY_DRAFT; s < PORTFOLIO_STATE_SLOTS; s++)
        if (r->state_counts[s])
            printf("  %-32s %3zu\n", activity_state_name((activity_state_t)s), r->state_counts[s]);
    printf("by technology:\n");
    for (size_t i = 0; i < r->technology_count; i++)
        print_group(&r->technologies[i]);
    printf("credits by side: host %lld, partner %lld, participants %lld (total %lld t)\n",
           (long long)r->side_tco2e[SIDE_HOST], (long long)r->side_tco2e[SIDE_PARTNER],
           (long long)r->side_tco2e[SIDE_PARTICIPANTS], (long long)r->allocated_tco2e);
    printf("registrations per year:");
    for (size_t i = 0; i < r->year_count; i++)
        printf(" %d:%zu", r->years[i].year, r->years[i].registered_count);
    printf("\npipeline under validation:\n");
    print_group(&r->pipeline);
}

static int analyze_portfolio(const cli_t *cli)
{
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 0, &count, analyze_usage)) return CLI_EXIT_USAGE;
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    analysis_portfolio_t input;
    db_error_t err = {0};
    int rc = analysis_load_portfolio(db, &input, &err);
    db_close(db);
    portfolio_result_t *result = malloc(sizeof *result);
    const char *field = "activities";
    a6_check_t check = A6_CHECK_ANALYSIS_TOO_LARGE;
    if (rc < 0)
        fprintf(stderr, "a6reg: %s\n", err.message);
    else if (result)
        check = portfolio_analyze(input.activities, input.activity_count, input.allocations,
                                  input.allocation_count, result, &field);
    if (rc >= 0 && check != A6_OK) cli_reject(cli, check, field, a6_check_description(check));
    if (check == A6_OK && cli->json)
        cli_print_json(api_portfolio_json(result, input.activities, input.activity_count));
    else if (check == A6_OK)
        print_portfolio_text(result);
    free(result);
    analysis_portfolio_release(&input);
    return check == A6_OK ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}

static void print_scenario(const char *name, const finance_scenario_t *s)
{
    printf("  %-20s cost %12lld (%lld.%02lld per t), first issuance after %lld days, last site "
           "after %lld days, net support %lld\n",
           name, (long long)s->transaction_cost, (long long)(s->cost_per_tco2e_cents / 100),
           (long long)(s->cost_per_tco2e_cents % 100), (long long)s->days_to_first_issuance,
           (long long)s->days_to_last_site_issuance, (long long)s->net_benefit);
}

static void print_finance_text(const finance_result_t *r)
{
    printf("support by replication (investment %lld):\n", (long long)r->params.investment);
    for (int i = 0; i < FINANCE_SCHEDULE_RANKS; i++)
        printf("  project %d: rate %lld bp, support %lld, consulting %lld, net %lld\n",
               (int)r->schedule[i].rank, (long long)r->schedule[i].rate_bp,
               (long long)r->schedule[i].support, (long long)r->schedule[i].consulting,
               (long long)r->schedule[i].net_benefit);
    printf("%lld sites, %lld t CO2e over the crediting period:\n", (long long)r->params.sites,
           (long long)r->poa.reductions_tco2e);
    print_scenario("project by project", &r->project_by_project);
    print_scenario("one PoA", &r->poa);
    printf("the PoA saves %lld in transaction costs and %lld days to the last site's issuance\n",
           (long long)r->poa_saving, (long long)r->poa_days_saved);
}

static void print_finance_help(void)
{
    printf("usage: %s\n\nfinance parameters (whole numbers):\n", analyze_usage);
    for (size_t i = 0; i < finance_param_count; i++) {
        const finance_param_info_t *p = &finance_param_table[i];
        char option[64];
        snprintf(option, sizeof option, "%s", p->name);
        for (char *c = option; *c; c++)
            if (*c == '_') *c = '-';
        printf("  --%-32s %s (%s, %lld..%lld, default %lld)\n", option, p->description, p->unit,
               (long long)p->min, (long long)p->max, (long long)p->default_value);
    }
}

static int analyze_finance(const cli_t *cli)
{
    cli_option_t *options = calloc(finance_param_count + 1, sizeof *options);
    char(*names)[64] = calloc(finance_param_count, sizeof *names);
    int exit_code = CLI_EXIT_USAGE;
    if (!options || !names) goto done;
    for (size_t i = 0; i < finance_param_count; i++) {
        snprintf(names[i], sizeof names[i], "%s", finance_param_table[i].name);
        for (char *c = names[i]; *c; c++)
            if (*c == '_') *c = '-';
        options[i] = (cli_option_t)CLI_OPTION(names[i], true);
    }
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, analyze_usage)) goto done;
    finance_params_t params;
    finance_result_t result;
    const char *field = NULL;
    char message[API_PARAM_MESSAGE_SIZE];
    a6_check_t check = api_finance_params_read(option_lookup, options, &params, &field, message);
    if (check == A6_OK && (check = finance_analyze(&params, &result, &field)) != A6_OK)
        snprintf(message, sizeof message, "%s", a6_check_description(check));
    exit_code = check == A6_OK ? CLI_EXIT_OK : cli_reject(cli, check, field, message);
    if (check == A6_OK && cli->json) cli_print_json(api_finance_json(&result));
    if (check == A6_OK && !cli->json) print_finance_text(&result);
done:
    free(options);
    free(names);
    return exit_code;
}

int cli_cmd_analyze(const cli_t *cli)
{
    if (cli->argc >= 1 && cli->help && strcmp(cli->argv[0], "finance") == 0)
        return print_finance_help(), CLI_EXIT_OK;
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", analyze_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "lag") == 0) return analyze_lag(&sub);
    if (strcmp(cli->argv[0], "portfolio") == 0) return analyze_portfolio(&sub);
    if (strcmp(cli->argv[0], "finance") == 0) return analyze_finance(&sub);
    return cli_usage_error(analyze_usage, "unknown analyze command '%s'", cli->argv[0]);
}
