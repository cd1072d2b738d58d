/* cmd_authorization.c: `a6reg policy set|show` (the national authorization framework) and
 * `a6reg authorization request|decide|list|show`: requests evaluated rule by rule against the
 * policy and the NDC safeguard, decided by the authority. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/authorization_store.h"
#include "../store/clock.h"
#include "../store/ledger_store.h"
#include "cli.h"

static const char policy_usage[] =
    "a6reg policy set --role authority --sector S... --technology T... --purpose P... "
    "--max-share-bp BP --vintages FIRST-LAST --target-year Y\n"
    "       a6reg policy show [--json]";

static const char authorization_usage[] =
    "a6reg authorization request REF --quantity N --vintages FIRST-LAST --purpose P "
    "[--approach CA0001] [--first-transfer-year Y] [--oimp-first-transfer DEFINITION] "
    "[--entity NAME]... [--terms TEXT] [--mitigation-type TYPE]\n"
    "       a6reg authorization decide ID --approve|--decline --role authority [--date DATE]\n"
    "       a6reg authorization change ID --quantity N --vintages FIRST-LAST --role authority "
    "[--date DATE]\n"
    "       a6reg authorization revoke ID --role authority [--date DATE]\n"
    "       a6reg authorization list|show ID [--json]";

/* "2026-2030" into two years; false after the error. */
static bool parse_years(const cli_t *cli, const char *text, int64_t *first, int64_t *last)
{
    char tail;
    long long a, b;
    if (!text || sscanf(text, "%lld-%lld%c", &a, &b, &tail) != 2 || a < 1990 || b > 2100 || a > b) {
        cli_reject(cli, A6_CHECK_VINTAGE_INVALID, "vintages", "vintages look like 2026-2030");
        return false;
    }
    *first = a;
    *last = b;
    return true;
}

static bool role_option(const cli_t *cli, const cli_option_t *options, a6_role_t *role)
{
    const char *text = cli_option(options, "role");
    if (text && a6_role_parse(text, role) == A6_OK) return true;
    cli_reject(cli, A6_CHECK_ROLE_INVALID, "role", "--role is required (authority decides)");
    return false;
}

static int finish(const cli_t *cli, authorization_result_t *result, const char *done)
{
    if (result->store_error < 0)
        return fprintf(stderr, "a6reg: %s\n", result->message), CLI_EXIT_REJECTED;
    if (result->check != A6_OK)
        return cli_reject(cli, result->check, result->field, result->message);
    if (cli->json)
        cli_print_json(json_pack("{sI ss}", "id", (json_int_t)result->id, "status", "ok"));
    else
        printf("%s %lld\n", done, (long long)result->id);
    return CLI_EXIT_OK;
}

static int policy_set_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("role", true),         CLI_OPTION("sector", true),
                              CLI_OPTION("technology", true),   CLI_OPTION("purpose", true),
                              CLI_OPTION("max-share-bp", true), CLI_OPTION("vintages", true),
                              CLI_OPTION("target-year", true),  {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, policy_usage)) return CLI_EXIT_USAGE;
    if (!cli_option(options, "max-share-bp") || !cli_option(options, "vintages") ||
        !cli_option(options, "target-year"))
        return cli_usage_error(policy_usage,
                               "--max-share-bp, --vintages and --target-year are required");
    a6_role_t role;
    int64_t share, first, last, target;
    if (!role_option(cli, options, &role) ||
        !parse_years(cli, cli_option(options, "vintages"), &first, &last) ||
        !cli_parse_id(cli, cli_option(options, "target-year"), "target_year", &target))
        return CLI_EXIT_REJECTED;
    if (strcmp(cli_option(options, "max-share-bp"), "0") == 0)
        share = 0;
    else if (!cli_parse_id(cli, cli_option(options, "max-share-bp"), "max_share_bp", &share))
        return CLI_EXIT_REJECTED;
    json_t *body = json_pack("{so so so sI sI sI sI}", "sectors", json_array(), "technologies",
                             json_array(), "purposes", json_array(), "max_share_bp",
                             (json_int_t)share, "vintage_first", (json_int_t)first, "vintage_last",
                             (json_int_t)last, "target_year", (json_int_t)target);
    const char *lists[][2] = {
        {"sector", "sectors"}, {"technology", "technologies"}, {"purpose", "purposes"}};
    for (size_t l = 0; l < 3; l++) {
        int n;
        const char *const *values = cli_option_values(options, lists[l][0], &n);
        for (int i = 0; i < n; i++)
            json_array_append_new(json_object_get(body, lists[l][1]), json_string(values[i]));
    }
    writer_t *w = cli_writer_open(cli);
    if (!w) return json_decref(body), CLI_EXIT_REJECTED;
    authorization_result_t result;
    policy_set(w, cli->actor, role, body, &result);
    writer_stop(w);
    json_decref(body);
    return finish(cli, &result, "policy version");
}

int cli_cmd_policy(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", policy_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "set") == 0) return policy_set_command(&sub);
    if (strcmp(cli->argv[0], "show") != 0)
        return cli_usage_error(policy_usage, "unknown policy command '%s'", cli->argv[0]);
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    json_t *policy = policy_query(db, &err);
    db_close(db);
    if (!policy) return cli_reject(cli, A6_CHECK_POLICY_INVALID, "policy", "no policy is in force");
    cli_print_json(policy);
    return CLI_EXIT_OK;
}

static void print_evaluation(json_t *evaluation)
{
    size_t i;
    json_t *rule;
    json_array_foreach(evaluation, i, rule)
    {
        printf("  %-4s %-20s %s\n", json_is_true(json_object_get(rule, "passed")) ? "ok" : "FAIL",
               json_string_value(json_object_get(rule, "rule")),
               json_string_value(json_object_get(rule, "reason")));
    }
}

static int request_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("quantity", true),
                              CLI_OPTION("vintages", true),
                              CLI_OPTION("purpose", true),
                              CLI_OPTION("approach", true),
                              CLI_OPTION("first-transfer-year", true),
                              CLI_OPTION("oimp-first-transfer", true),
                              CLI_OPTION("entity", true),
                              CLI_OPTION("terms", true),
                              CLI_OPTION("mitigation-type", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, authorization_usage))
        return CLI_EXIT_USAGE;
    if (count != 1 || !cli_option(options, "quantity") || !cli_option(options, "vintages") ||
        !cli_option(options, "purpose"))
        return cli_usage_error(authorization_usage,
                               "request needs REF, --quantity, --vintages, --purpose");
    authorization_input_t in = {.actor = cli->actor,
                                .ref = positionals[0],
                                .approach_id = cli_option(options, "approach")
                                                   ? cli_option(options, "approach")
                                                   : "CA0001"};
    int64_t first, last, year = 0;
    a6_check_t check = ledger_quantity_parse(cli_option(options, "quantity"), &in.quantity_tco2e);
    if (check != A6_OK) return cli_reject(cli, check, "quantity", "a whole number of t CO2e");
    if (a6_purpose_parse(cli_option(options, "purpose"), &in.purpose) != A6_OK)
        return cli_reject(
            cli, A6_CHECK_PURPOSE_INVALID, "purpose",
            "NDC, OIMP, IMP, OP, \"NDC and OIMP\", \"NDC and IMP\" or \"NDC and OP\"");
    if (!parse_years(cli, cli_option(options, "vintages"), &first, &last) ||
        (cli_option(options, "first-transfer-year") &&
         !cli_parse_id(cli, cli_option(options, "first-transfer-year"), "first_transfer_year",
                       &year)))
        return CLI_EXIT_REJECTED;
    in.vintage_first = (int32_t)first;
    in.vintage_last = (int32_t)last;
    const char *definition = cli_option(options, "oimp-first-transfer");
    if (definition && a6_first_transfer_parse(definition, &in.oimp_first_transfer) != A6_OK)
        return cli_reject(cli, A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID, "oimp_first_transfer",
                          "authorization, issuance or \"use or cancellation\"");
    int entity_count;
    in.entities = cli_option_values(options, "entity", &entity_count);
    in.entity_count = (size_t)entity_count;
    in.terms = cli_option(options, "terms");
    in.mitigation_type = cli_option(options, "mitigation-type");
    in.first_transfer_year = (int32_t)(year <= 9999 ? year : 0);
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    authorization_result_t result;
    authorization_request(w, &in, &result);
    writer_stop(w);
    if (result.evaluation && !cli->json) {
        printf("evaluation against the policy in force:\n");
        print_evaluation(result.evaluation);
    }
    int rc;
    if (cli->json && result.evaluation && result.store_error == 0) {
        json_t *out = json_pack("{sO}", "evaluation", result.evaluation);
        if (result.check == A6_OK) {
            json_object_set_new(out, "id", json_integer(result.id));
            json_object_set_new(out, "status", json_string("requested"));
        } else {
            json_object_set_new(out, "error",
                                json_pack("{si ss ss ss}", "code", (int)result.check, "check",
                                          a6_check_name(result.check), "message", result.message,
                                          "field", "policy"));
        }
        cli_print_json(out);
        rc = result.check == A6_OK ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
    } else {
        rc = finish(cli, &result, "authorization requested:");
    }
    json_decref(result.evaluation);
    return rc;
}

static int decide_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("approve", false),
                              CLI_OPTION("decline", false),
                              CLI_OPTION("role", true),
                              CLI_OPTION("date", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, authorization_usage))
        return CLI_EXIT_USAGE;
    if (count != 1 || !cli_option(options, "approve") == !cli_option(options, "decline"))
        return cli_usage_error(authorization_usage, "decide needs ID and --approve or --decline");
    int64_t id;
    a6_role_t role;
    int on;
    if (!cli_parse_id(cli, positionals[0], "authorization", &id) ||
        !role_option(cli, options, &role) ||
        !cli_parse_date(cli, cli_option(options, "date"), "date", &on))
        return CLI_EXIT_REJECTED;
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    authorization_result_t result;
    authorization_decide(w, cli->actor, role, id, cli_option(options, "approve") != NULL, on,
                         &result);
    writer_stop(w);
    return finish(cli, &result, cli_option(options, "approve") ? "authorized" : "declined");
}

static int change_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("quantity", true),
                              CLI_OPTION("vintages", true),
                              CLI_OPTION("role", true),
                              CLI_OPTION("date", true),
                              {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, authorization_usage))
        return CLI_EXIT_USAGE;
    if (count != 1 || !cli_option(options, "quantity") || !cli_option(options, "vintages"))
        return cli_usage_error(authorization_usage, "change needs ID, --quantity and --vintages");
    int64_t id, first, last;
    a6_role_t role;
    int on;
    authorization_input_t in = {.actor = cli->actor};
    a6_check_t check = ledger_quantity_parse(cli_option(options, "quantity"), &in.quantity_tco2e);
    if (check != A6_OK) return cli_reject(cli, check, "quantity", "a whole number of t CO2e");
    if (!cli_parse_id(cli, positionals[0], "authorization", &id) ||
        !parse_years(cli, cli_option(options, "vintages"), &first, &last) ||
        !role_option(cli, options, &role) ||
        !cli_parse_date(cli, cli_option(options, "date"), "date", &on))
        return CLI_EXIT_REJECTED;
    in.vintage_first = (int32_t)first;
    in.vintage_last = (int32_t)last;
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    authorization_result_t result;
    authorization_change(w, &in, role, id, on, &result);
    writer_stop(w);
    if (result.evaluation && !cli->json && result.check != A6_OK) {
        printf("evaluation against the policy in force:\n");
        print_evaluation(result.evaluation);
    }
    json_decref(result.evaluation);
    return finish(cli, &result, "changed authorization");
}

static int revoke_command(const cli_t *cli)
{
    cli_option_t options[] = {CLI_OPTION("role", true), CLI_OPTION("date", true), {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, authorization_usage))
        return CLI_EXIT_USAGE;
    if (count != 1) return cli_usage_error(authorization_usage, "revoke needs ID");
    int64_t id;
    a6_role_t role;
    int on;
    if (!cli_parse_id(cli, positionals[0], "authorization", &id) ||
        !role_option(cli, options, &role) ||
        !cli_parse_date(cli, cli_option(options, "date"), "date", &on))
        return CLI_EXIT_REJECTED;
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    authorization_result_t result;
    authorization_revoke(w, cli->actor, role, id, on, &result);
    writer_stop(w);
    return finish(cli, &result, "revoked");
}

int cli_cmd_authorization(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", authorization_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    if (strcmp(cli->argv[0], "request") == 0) return request_command(&sub);
    if (strcmp(cli->argv[0], "decide") == 0) return decide_command(&sub);
    if (strcmp(cli->argv[0], "revoke") == 0) return revoke_command(&sub);
    if (strcmp(cli->argv[0], "change") == 0) return change_command(&sub);
    if (strcmp(cli->argv[0], "list") != 0 && strcmp(cli->argv[0], "show") != 0)
        return cli_usage_error(authorization_usage, "unknown authorization command '%s'",
                               cli->argv[0]);
    const char *positionals[1];
    int count;
    int64_t id = 0;
    if (!cli_parse(&sub, NULL, positionals, 1, &count, authorization_usage)) return CLI_EXIT_USAGE;
    if (strcmp(cli->argv[0], "show") == 0 &&
        (count != 1 || !cli_parse_id(cli, positionals[0], "authorization", &id)))
        return count != 1 ? cli_usage_error(authorization_usage, "show needs ID")
                          : CLI_EXIT_REJECTED;
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    db_error_t err = {0};
    json_t *out = id ? authorization_query(db, id, &err) : authorization_query_all(db, &err);
    db_close(db);
    if (!out && err.code == 0)
        return cli_reject(cli, A6_CHECK_AUTHORIZATION_NOT_FOUND, "authorization", NULL);
    if (!out) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    cli_print_json(out);
    return CLI_EXIT_OK;
}
