/* cmd_approach.c: `a6reg approach add|list` (cooperative approaches: partner Party and registry,
 * first transfer rule) and `a6reg entity add|list` (entities the host authorizes, AEF T5). */
#include <stdio.h>
#include <string.h>

#include "../store/approach_store.h"
#include "cli.h"

static const char approach_usage[] =
    "a6reg approach add CA0001 --name NAME --partner JPN --partner-registry JPN01 "
    "--ndc-first-transfer \"international transfer\"|issuance [--unit-registry JCM] "
    "--role authority\n"
    "       a6reg approach list [--json]";

static const char entity_usage[] =
    "a6reg entity add NAME --country ISO3 --identification ID --approach CA0001 "
    "[--conditions TEXT] [--change-conditions TEXT] [--date DATE] --role authority\n"
    "       a6reg entity list [--json]";

static bool authority(const cli_t *cli, const cli_option_t *options, a6_role_t *role)
{
    const char *text = cli_option(options, "role");
    if (text && a6_role_parse(text, role) == A6_OK) return true;
    cli_reject(cli, A6_CHECK_ROLE_INVALID, "role", "--role is required (the authority sets it)");
    return false;
}

static int finish(const cli_t *cli, const authorization_result_t *result, const char *done,
                  const char *name)
{
    if (result->store_error < 0)
        return fprintf(stderr, "a6reg: %s\n", result->message), CLI_EXIT_REJECTED;
    if (result->check != A6_OK)
        return cli_reject(cli, result->check, result->field, result->message);
    if (cli->json)
        cli_print_json(json_pack("{ss ss}", "id", name, "status", "ok"));
    else
        printf("%s %s\n", done, name);
    return CLI_EXIT_OK;
}

static int list(const cli_t *cli, json_t *(*query)(db_t *, db_error_t *), const char *usage)
{
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 0, &count, usage)) return CLI_EXIT_USAGE;
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    json_t *out = query(db, &err);
    db_close(db);
    if (!out) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    cli_print_json(out);
    return CLI_EXIT_OK;
}

static int approach_add_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("name", true),
                              CLI_OPTION("partner", true),
                              CLI_OPTION("partner-registry", true),
                              CLI_OPTION("ndc-first-transfer", true),
                              CLI_OPTION("unit-registry", true),
                              CLI_OPTION("role", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, approach_usage)) return CLI_EXIT_USAGE;
    if (count != 1 || !cli_option(options, "name") || !cli_option(options, "partner") ||
        !cli_option(options, "partner-registry") || !cli_option(options, "ndc-first-transfer"))
        return cli_usage_error(approach_usage, "add needs ID, --name, --partner, "
                                               "--partner-registry and --ndc-first-transfer");
    approach_input_t in = {.actor = cli->actor,
                           .id = positionals[0],
                           .name = cli_option(options, "name"),
                           .partner_party = cli_option(options, "partner"),
                           .partner_registry = cli_option(options, "partner-registry"),
                           .unit_registry = cli_option(options, "unit-registry")};
    if (!authority(cli, options, &in.role)) return CLI_EXIT_REJECTED;
    if (a6_ndc_first_transfer_parse(cli_option(options, "ndc-first-transfer"),
                                    &in.ndc_first_transfer) != A6_OK)
        return cli_reject(cli, A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID, "ndc_first_transfer",
                          "\"international transfer\" or issuance");
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    authorization_result_t result;
    approach_add(w, &in, &result);
    writer_stop(w);
    return finish(cli, &result, "approach", in.id);
}

int cli_cmd_approach(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", approach_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "add") == 0) return approach_add_command(&sub);
    if (strcmp(cli->argv[0], "list") == 0) return list(&sub, approach_query_all, approach_usage);
    return cli_usage_error(approach_usage, "unknown approach command '%s'", cli->argv[0]);
}

static int entity_add_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("country", true),
                              CLI_OPTION("identification", true),
                              CLI_OPTION("approach", true),
                              CLI_OPTION("conditions", true),
                              CLI_OPTION("change-conditions", true),
                              CLI_OPTION("date", true),
                              CLI_OPTION("role", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, entity_usage)) return CLI_EXIT_USAGE;
    if (count != 1 || !cli_option(options, "country") || !cli_option(options, "identification") ||
        !cli_option(options, "approach"))
        return cli_usage_error(entity_usage,
                               "add needs NAME, --country, --identification and --approach");
    entity_input_t in = {.actor = cli->actor,
                         .name = positionals[0],
                         .country = cli_option(options, "country"),
                         .identification = cli_option(options, "identification"),
                         .approach_id = cli_option(options, "approach"),
                         .conditions = cli_option(options, "conditions"),
                         .change_conditions = cli_option(options, "change-conditions")};
    int on;
    if (!authority(cli, options, &in.role) ||
        !cli_parse_date(cli, cli_option(options, "date"), "date", &on))
        return CLI_EXIT_REJECTED;
    in.on = on;
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    authorization_result_t result;
    entity_add(w, &in, &result);
    writer_stop(w);
    return finish(cli, &result, "entity", in.name);
}

int cli_cmd_entity(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", entity_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "add") == 0) return entity_add_command(&sub);
    if (strcmp(cli->argv[0], "list") == 0) return list(&sub, entity_query_all, entity_usage);
    return cli_usage_error(entity_usage, "unknown entity command '%s'", cli->argv[0]);
}
