/* cmd_ledger.c: `a6reg init`, `account`, `issue`, `transfer`, `retire`, `cancel`, `holdings` and
 * `history`: thin wrappers that parse arguments into ledger requests and print the outcome. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/article6.h"
#include "../interop/partners.h"
#include "../store/ledger_store.h"
#include "../store/writer.h"
#include "cli.h"

#define HISTORY_LIMIT_DEFAULT 50

static const char init_usage[] = "a6reg init [--db PATH] [--party VNM] [--registry-id VNM01]";

int cli_cmd_init(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("party", true), CLI_OPTION("registry-id", true), {0}};
    const char *positionals[1];
    int count;
    if (cli->help) return printf("usage: %s\ncreates the registry database\n", init_usage), 0;
    if (!cli_parse(cli, options, positionals, 0, &count, init_usage)) return CLI_EXIT_USAGE;
    const char *party = cli_option(options, "party") ? cli_option(options, "party") : "VNM";
    if (ledger_party_check(party) != A6_OK)
        return cli_reject(cli, A6_CHECK_PARTY_INVALID, "party", "party must be ISO alpha-3");
    char registry_id[8];
    snprintf(registry_id, sizeof registry_id, "%s01", party);
    if (cli_option(options, "registry-id"))
        snprintf(registry_id, sizeof registry_id, "%.7s", cli_option(options, "registry-id"));
    if (a6_registry_id_check(registry_id) != A6_OK ||
        (cli_option(options, "registry-id") && strlen(cli_option(options, "registry-id")) != 5))
        return cli_reject(cli, A6_CHECK_REGISTRY_ID_INVALID, "registry_id",
                          "a registry ID is three capital letters and two digits (VNM01)");
    db_t *db = NULL;
    db_error_t err = {0};
    if (ledger_store_open(cli->db_path, &db, &err) < 0) {
        fprintf(stderr, "a6reg: cannot initialise %s: %s\n", cli->db_path, err.message);
        return CLI_EXIT_REJECTED;
    }
    static const char sql[] = "INSERT INTO registry_meta(name, value) SELECT 'party', ? "
                              "WHERE NOT EXISTS (SELECT 1 FROM registry_meta WHERE name = 'party')";
    db_stmt_t *stmt = db_prepare(db, sql, &err);
    int rc = stmt ? (db_bind_text(stmt, 1, party), db_step_done(stmt, &err)) : DB_ERROR;
    /* The registry's identity for partner messages: its ID and an Ed25519 key pair. */
    if (rc >= 0) rc = registry_identity_ensure(db, registry_id, &err);
    db_close(db);
    if (rc < 0) {
        fprintf(stderr, "a6reg: cannot initialise %s: %s\n", cli->db_path, err.message);
        return CLI_EXIT_REJECTED;
    }
    if (cli->json)
        cli_print_json(json_pack("{ss ss}", "db", cli->db_path, "status", "initialised"));
    else
        printf("initialised %s\n", cli->db_path);
    return CLI_EXIT_OK;
}

static const char account_usage[] =
    "a6reg account open --holder NAME --type TYPE [--party VNM] [--json]\n"
    "       a6reg account list [--json]\n"
    "       a6reg account close ACCOUNT [--json]";

static int account_open(const cli_t *cli)
{
    cli_option_t options[] = {
        CLI_OPTION("holder", true), CLI_OPTION("type", true), CLI_OPTION("party", true), {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, account_usage)) return CLI_EXIT_USAGE;
    const char *holder = cli_option(options, "holder"), *type = cli_option(options, "type");
    if (!holder || !type) return cli_usage_error(account_usage, "--holder and --type are required");
    ledger_request_t request = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                                .actor = cli->actor,
                                .holder = holder,
                                .party = cli_option(options, "party") ? cli_option(options, "party")
                                                                      : "VNM"};
    if (ledger_account_type_parse(type, &request.account_type) != A6_OK)
        return cli_reject(cli, A6_CHECK_ACCOUNT_TYPE_INVALID, "type",
                          "type must be holding, pending, cancellation, voluntary-cancellation, "
                          "retirement, omge or share-of-proceeds");
    ledger_result_t result;
    cli_submit(cli, &request, &result);
    return cli_report_result(cli, &result, "account");
}

static int account_list(const cli_t *cli)
{
    db_error_t err = {0};
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    json_t *accounts = ledger_query_accounts(db, &err);
    db_close(db);
    if (!accounts) {
        fprintf(stderr, "a6reg: %s\n", err.message);
        return CLI_EXIT_REJECTED;
    }
    if (cli->json) {
        cli_print_json(accounts);
        return CLI_EXIT_OK;
    }
    size_t i;
    json_t *a;
    printf("%-6s %-14s %-24s %-5s %s\n", "id", "status", "type", "party", "holder");
    json_array_foreach(accounts, i, a)
    {
        printf("%-6lld %-14s %-24s %-5s %s\n",
               (long long)json_integer_value(json_object_get(a, "id")),
               json_string_value(json_object_get(a, "status")),
               json_string_value(json_object_get(a, "type")),
               json_string_value(json_object_get(a, "party")),
               json_string_value(json_object_get(a, "holder")));
    }
    json_decref(accounts);
    return CLI_EXIT_OK;
}

static int account_close(const cli_t *cli)
{
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 1, &count, account_usage)) return CLI_EXIT_USAGE;
    if (count != 1) return cli_usage_error(account_usage, "account close needs ACCOUNT");
    ledger_request_t request = {.kind = LEDGER_REQUEST_ACCOUNT_CLOSE, .actor = cli->actor};
    if (!cli_parse_id(cli, positionals[0], "account", &request.account_id))
        return CLI_EXIT_REJECTED;
    ledger_result_t result;
    cli_submit(cli, &request, &result);
    return cli_report_result(cli, &result, "account");
}

int cli_cmd_account(const cli_t *cli)
{
    if (cli->argc < 1 || cli->help) {
        printf("usage: %s\n", account_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "open") == 0) return account_open(&sub);
    if (strcmp(cli->argv[0], "list") == 0) return account_list(&sub);
    if (strcmp(cli->argv[0], "close") == 0) return account_close(&sub);
    return cli_usage_error(account_usage, "unknown account command '%s'", cli->argv[0]);
}

static const char *transaction_usage(ledger_tx_type_t type)
{
    switch (type) {
    case LEDGER_TX_ISSUE:
        return "a6reg issue --to ACCOUNT --quantity N --vintage YYYY [--unit-type TYPE] "
               "[--authorization ID] [--idempotency-key K] [--json]";
    case LEDGER_TX_TRANSFER:
        return "a6reg transfer --from ACCOUNT --to ACCOUNT (--quantity N | --blocks F-L,...) "
               "[--vintage YYYY] [--unit-type TYPE] [--idempotency-key K] [--json]";
    case LEDGER_TX_RETIRE:
        return "a6reg retire --from ACCOUNT (--quantity N | --blocks F-L,...) [--to ACCOUNT] "
               "[--vintage YYYY] [--unit-type TYPE] [--idempotency-key K] [--json]\n"
               "       ITMOs: [--action Use|Cancellation|\"Voluntary Cancellation\"] "
               "[--subtype S] [--purpose P] [--using-party ISO3] [--using-entity NAME] "
               "[--ndc-year Y]";
    case LEDGER_TX_CANCEL:
        return "a6reg cancel --from ACCOUNT (--quantity N | --blocks F-L,...) [--to ACCOUNT] "
               "[--vintage YYYY] [--unit-type TYPE] [--idempotency-key K] [--json]\n"
               "       ITMOs: [--action Use|Cancellation|\"Voluntary Cancellation\"] "
               "[--subtype S] [--purpose P] [--using-party ISO3] [--using-entity NAME] "
               "[--ndc-year Y]";
    }
    return "";
}

/* Parses the amount: --quantity or --blocks (exactly one). */
static int parse_amount(const cli_t *cli, const cli_option_t *options, const char *usage,
                        ledger_request_t *request, ledger_range_t **ranges)
{
    const char *quantity = cli_option(options, "quantity");
    const char *blocks = request->tx_type == LEDGER_TX_ISSUE ? NULL : cli_option(options, "blocks");
    if (!quantity == !blocks)
        return cli_usage_error(usage, quantity ? "give --quantity or --blocks, not both"
                                               : "--quantity is required");
    if (quantity) {
        a6_check_t check = ledger_quantity_parse(quantity, &request->quantity);
        if (check != A6_OK) {
            char message[200];
            snprintf(message, sizeof message,
                     "quantity: '%.60s' is not a whole number from 1 to "
                     "%lld",
                     quantity, (long long)LEDGER_QUANTITY_MAX);
            return cli_reject(cli, check, "quantity", message);
        }
        return CLI_EXIT_OK;
    }
    *ranges = malloc(LEDGER_BLOCKS_PER_TX_MAX * sizeof **ranges);
    if (!*ranges) return cli_reject(cli, A6_CHECK_TOO_MANY_BLOCKS, "blocks", "out of memory");
    a6_check_t check =
        ledger_ranges_parse(blocks, *ranges, LEDGER_BLOCKS_PER_TX_MAX, &request->range_count);
    if (check != A6_OK)
        return cli_reject(cli, check, "blocks", "blocks must look like 1-100,250-300");
    request->ranges = *ranges;
    return CLI_EXIT_OK;
}

/* Parses the optional --vintage and --unit-type (required vintage for an issuance). */
static int parse_attributes(const cli_t *cli, const cli_option_t *options, const char *usage,
                            ledger_request_t *request)
{
    const char *vintage = cli_option(options, "vintage"), *unit = cli_option(options, "unit-type");
    if (request->tx_type == LEDGER_TX_ISSUE && !vintage)
        return cli_usage_error(usage, "--vintage is required");
    if (vintage) {
        int64_t year = 0;
        if (ledger_quantity_parse(vintage, &year) != A6_OK || ledger_vintage_check(year) != A6_OK)
            return cli_reject(cli, A6_CHECK_VINTAGE_INVALID, "vintage",
                              "vintage must be a year between 1990 and 2100");
        request->vintage = (int32_t)year;
    }
    if (request->tx_type == LEDGER_TX_ISSUE && !unit) unit = "jcm-credit";
    if (unit && ledger_unit_type_parse(unit, &request->unit_type) != A6_OK)
        return cli_reject(cli, A6_CHECK_UNIT_TYPE_INVALID, "unit_type",
                          "unit type must be jcm-credit, domestic-credit or a64-er");
    return CLI_EXIT_OK;
}

/* The Article 6 options: --authorization for an issuance; --action and its details for a
 * retirement or cancellation of ITMOs (the AEF meaning). Sets request->article6 to out when any
 * is given. */
static int parse_article6(const cli_t *cli, const cli_option_t *options, const char *usage,
                          ledger_request_t *request, ledger_article6_t *out)
{
    const char *authorization = cli_option(options, "authorization");
    if (authorization &&
        !cli_parse_id(cli, authorization, "authorization", &request->authorization_id))
        return CLI_EXIT_REJECTED;
    const char *action = cli_option(options, "action"), *subtype = cli_option(options, "subtype");
    const char *purpose = cli_option(options, "purpose"), *year = cli_option(options, "ndc-year");
    const char *party = cli_option(options, "using-party");
    const char *entity = cli_option(options, "using-entity");
    if (!action && !subtype && !purpose && !year && !party && !entity) return CLI_EXIT_OK;
    if (!action) return cli_usage_error(usage, "--action is required with the ITMO options");
    memset(out, 0, sizeof *out);
    if (a6_action_type_parse(action, &out->action) != A6_OK)
        return cli_reject(cli, A6_CHECK_ACTION_TYPE_INVALID, "article6.action",
                          "Use, Cancellation or \"Voluntary Cancellation\"");
    if (subtype && a6_action_subtype_parse(subtype, &out->subtype) != A6_OK)
        return cli_reject(cli, A6_CHECK_ACTION_SUBTYPE_INVALID, "article6.subtype", NULL);
    if (purpose && a6_purpose_parse(purpose, &out->purpose) != A6_OK)
        return cli_reject(cli, A6_CHECK_PURPOSE_INVALID, "article6.purpose", NULL);
    int64_t ndc_year = 0;
    if (year && (!cli_parse_id(cli, year, "article6.ndc_year", &ndc_year) || ndc_year > 9999))
        return ndc_year > 9999
                   ? cli_reject(cli, A6_CHECK_VINTAGE_INVALID, "article6.ndc_year", NULL)
                   : CLI_EXIT_REJECTED;
    out->ndc_year = (int32_t)ndc_year;
    out->using_party = party;
    out->using_entity = entity;
    request->article6 = out;
    return CLI_EXIT_OK;
}

int cli_cmd_transaction(const cli_t *cli, ledger_tx_type_t type)
{
    const char *usage = transaction_usage(type);
    if (cli->help) return printf("usage: %s\n", usage), CLI_EXIT_OK;
    cli_option_t options[] = {CLI_OPTION("from", true),
                              CLI_OPTION("to", true),
                              CLI_OPTION("quantity", true),
                              CLI_OPTION("blocks", true),
                              CLI_OPTION("vintage", true),
                              CLI_OPTION("unit-type", true),
                              CLI_OPTION("idempotency-key", true),
                              CLI_OPTION("authorization", true),
                              CLI_OPTION("action", true),
                              CLI_OPTION("subtype", true),
                              CLI_OPTION("purpose", true),
                              CLI_OPTION("using-party", true),
                              CLI_OPTION("using-entity", true),
                              CLI_OPTION("ndc-year", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, usage)) return CLI_EXIT_USAGE;
    ledger_article6_t article6;
    ledger_request_t request = {.kind = LEDGER_REQUEST_TRANSACTION,
                                .actor = cli->actor,
                                .tx_type = type,
                                .idempotency_key = cli_option(options, "idempotency-key")};
    const char *from = cli_option(options, "from"), *to = cli_option(options, "to");
    if (type != LEDGER_TX_ISSUE && !from) return cli_usage_error(usage, "--from is required");
    if (type == LEDGER_TX_ISSUE && from) return cli_usage_error(usage, "issue takes no --from");
    if ((type == LEDGER_TX_ISSUE || type == LEDGER_TX_TRANSFER) && !to)
        return cli_usage_error(usage, "--to is required");
    ledger_range_t *ranges = NULL;
    int rc = parse_amount(cli, options, usage, &request, &ranges);
    if (rc == CLI_EXIT_OK) rc = parse_attributes(cli, options, usage, &request);
    if (rc == CLI_EXIT_OK) rc = parse_article6(cli, options, usage, &request, &article6);
    if (rc == CLI_EXIT_OK && from && !cli_parse_id(cli, from, "from", &request.from))
        rc = CLI_EXIT_REJECTED;
    if (rc == CLI_EXIT_OK && to && !cli_parse_id(cli, to, "to", &request.to))
        rc = CLI_EXIT_REJECTED;
    if (rc == CLI_EXIT_OK) {
        ledger_result_t result;
        cli_submit(cli, &request, &result);
        rc = cli_report_result(cli, &result, "transaction");
    }
    free(ranges);
    return rc;
}

static const char holdings_usage[] = "a6reg holdings ACCOUNT [--json]";

int cli_cmd_holdings(const cli_t *cli)
{
    if (cli->help) return printf("usage: %s\n", holdings_usage), CLI_EXIT_OK;
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 1, &count, holdings_usage)) return CLI_EXIT_USAGE;
    if (count != 1) return cli_usage_error(holdings_usage, "ACCOUNT is required");
    int64_t account = 0;
    if (!cli_parse_id(cli, positionals[0], "account", &account)) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    json_t *holdings = ledger_query_holdings(db, account, &err);
    db_close(db);
    if (!holdings && err.code == 0)
        return cli_reject(cli, A6_CHECK_ACCOUNT_NOT_FOUND, "account", "no account with this id");
    if (!holdings) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (cli->json) {
        cli_print_json(holdings);
        return CLI_EXIT_OK;
    }
    printf("account %lld holds %lld units\n", (long long)account,
           (long long)json_integer_value(json_object_get(holdings, "total")));
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(holdings, "blocks"), i, b)
    {
        printf("  %lld-%lld  %lld units  vintage %lld  %s\n",
               (long long)json_integer_value(json_object_get(b, "first")),
               (long long)json_integer_value(json_object_get(b, "last")),
               (long long)json_integer_value(json_object_get(b, "quantity")),
               (long long)json_integer_value(json_object_get(b, "vintage")),
               json_string_value(json_object_get(b, "unit_type")));
    }
    json_decref(holdings);
    return CLI_EXIT_OK;
}

static const char history_usage[] = "a6reg history [ACCOUNT] [--limit N] [--json]";

int cli_cmd_history(const cli_t *cli)
{
    if (cli->help) return printf("usage: %s\n", history_usage), CLI_EXIT_OK;
    cli_option_t options[] = {CLI_OPTION("limit", true), {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, history_usage)) return CLI_EXIT_USAGE;
    int64_t account = 0, limit = HISTORY_LIMIT_DEFAULT;
    if (count == 1 && !cli_parse_id(cli, positionals[0], "account", &account))
        return CLI_EXIT_REJECTED;
    if (cli_option(options, "limit") &&
        !cli_parse_id(cli, cli_option(options, "limit"), "limit", &limit))
        return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    json_t *history = ledger_query_history(db, account, limit, &err);
    db_close(db);
    if (!history) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (cli->json) {
        cli_print_json(history);
        return CLI_EXIT_OK;
    }
    size_t i;
    json_t *t;
    json_array_foreach(history, i, t)
    {
        json_t *from = json_object_get(t, "from");
        char from_text[24] = "-";
        if (from)
            snprintf(from_text, sizeof from_text, "%lld", (long long)json_integer_value(from));
        printf("%-6lld %-24s %-9s %6s -> %-6lld %lld units\n",
               (long long)json_integer_value(json_object_get(t, "id")),
               json_string_value(json_object_get(t, "created_at")),
               json_string_value(json_object_get(t, "type")), from_text,
               (long long)json_integer_value(json_object_get(t, "to")),
               (long long)json_integer_value(json_object_get(t, "quantity")));
    }
    json_decref(history);
    return CLI_EXIT_OK;
}
