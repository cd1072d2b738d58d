/* main.c: the `a6reg` command: global options (--db, --json, --actor, --help, --version) and
 * dispatch to the commands. Exit codes: 0 ok, 1 rejected by a check, 2 usage error. */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef A6REG_VERSION
#define A6REG_VERSION "0.0.0"
#endif

static const char main_usage[] =
    "usage: a6reg [--db PATH] [--json] [--actor NAME] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  init                      create the registry database\n"
    "  account open|list|close   manage accounts\n"
    "  issue                     issue units into a holding account\n"
    "  transfer                  move units between accounts\n"
    "  retire                    retire units (use)\n"
    "  cancel                    cancel units\n"
    "  holdings ACCOUNT          serial blocks held by an account\n"
    "  history [ACCOUNT]         transactions, newest first\n"
    "  verify                    recompute the audit chain and replay it against the tables\n"
    "  backup PATH               a consistent copy of the registry, taken while it serves\n"
    "  restore PATH              a backup into an empty database, then verify\n"
    "  methodology add|list      methodologies\n"
    "  activity add|list|show|advance   projects, PoAs and CPAs through their cycle\n"
    "  poa include POA CPA       include a component activity in a registered PoA\n"
    "  monitoring add|verify|request|notify|issue   monitoring periods to issuance\n"
    "  timeline REF              an activity's cycle with the days spent in each step\n"
    "  import jcm DIR            import the public JCM CSV files (idempotent)\n"
    "  serve                     serve the JSON API (--listen 127.0.0.1:8080)\n"
    "  user add|passwd|revoke    users, roles, passwords and API tokens\n"
    "  ndc set|inventory|balance the NDC, its inventory and the emissions balance\n"
    "  policy set|show           the national authorization framework (versioned)\n"
    "  authorization request|decide|change|revoke|list|show   Article 6.2 authorizations\n"
    "  approach add|list         cooperative approaches (partner Party, first transfer rule)\n"
    "  entity add|list           entities the host authorizes (AEF T5)\n"
    "  report aef                the UNFCCC AEF report of a year (xlsx, csv, json; check, submit)\n"
    "  registry                  this registry's ID and public key\n"
    "  partner add|list|queue|send|ping   partner registries and signed messages to them\n"
    "  reconcile PARTNER|freezes|resolve  compare with a partner registry; freezes\n"
    "  analyze lag|portfolio|finance      issuance lag, portfolio, support and PoA scaling\n"
    "  migrate --from DB --to DB          copy a registry to a new database (SQLite, PostgreSQL)\n"
    "\n"
    "--db defaults to $A6REG_DB or a6reg.db; every command takes --help.\n";

typedef struct command {
    const char *name;
    int (*run)(const cli_t *cli);
} command_t;

static int run_issue(const cli_t *cli)
{
    return cli_cmd_transaction(cli, LEDGER_TX_ISSUE);
}
static int run_transfer(const cli_t *cli)
{
    return cli_cmd_transaction(cli, LEDGER_TX_TRANSFER);
}
static int run_retire(const cli_t *cli)
{
    return cli_cmd_transaction(cli, LEDGER_TX_RETIRE);
}
static int run_cancel(const cli_t *cli)
{
    return cli_cmd_transaction(cli, LEDGER_TX_CANCEL);
}

static const command_t commands[] = {
    {"init", cli_cmd_init},
    {"account", cli_cmd_account},
    {"issue", run_issue},
    {"transfer", run_transfer},
    {"retire", run_retire},
    {"cancel", run_cancel},
    {"holdings", cli_cmd_holdings},
    {"history", cli_cmd_history},
    {"verify", cli_cmd_verify},
    {"backup", cli_cmd_backup},
    {"restore", cli_cmd_restore},
    {"methodology", cli_cmd_methodology},
    {"activity", cli_cmd_activity},
    {"poa", cli_cmd_poa},
    {"monitoring", cli_cmd_monitoring},
    {"timeline", cli_cmd_timeline},
    {"import", cli_cmd_import},
    {"serve", cli_cmd_serve},
    {"user", cli_cmd_user},
    {"ndc", cli_cmd_ndc},
    {"policy", cli_cmd_policy},
    {"authorization", cli_cmd_authorization},
    {"approach", cli_cmd_approach},
    {"entity", cli_cmd_entity},
    {"report", cli_cmd_report},
    {"registry", cli_cmd_registry},
    {"partner", cli_cmd_partner},
    {"reconcile", cli_cmd_reconcile},
    {"analyze", cli_cmd_analyze},
    {"migrate", cli_cmd_migrate},
};

/* Takes the global options out of argv (they may come before or after the command). */
static int take_globals(int argc, char **argv, cli_t *cli, char **rest, int *rest_count,
                        int *version)
{
    *rest_count = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--json") == 0) {
            cli->json = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            cli->help = true;
        } else if (strcmp(arg, "--version") == 0 && *rest_count == 0) {
            *version = 1; /* after the command, --version is the command's own option */
        } else if (strcmp(arg, "--db") == 0 || strcmp(arg, "--actor") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "a6reg: option '%s' needs a value\n%s", arg, main_usage);
                return CLI_EXIT_USAGE;
            }
            if (arg[2] == 'd')
                cli->db_path = argv[++i];
            else
                cli->actor = argv[++i];
        } else if (strncmp(arg, "--db=", 5) == 0) {
            cli->db_path = arg + 5;
        } else if (strncmp(arg, "--actor=", 8) == 0) {
            cli->actor = arg + 8;
        } else {
            rest[(*rest_count)++] = argv[i];
        }
    }
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    /* libsodium (keys, signatures, hashes) and libcurl (partner messages) start once, here. */
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "a6reg: cannot initialise libsodium or libcurl\n");
        return CLI_EXIT_REJECTED;
    }
    cli_t cli = {.db_path = getenv("A6REG_DB"), .actor = "operator"};
    if (!cli.db_path || !*cli.db_path) cli.db_path = "a6reg.db";
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int rest_count = 0, version = 0;
    if (!rest) return CLI_EXIT_REJECTED;
    int rc = take_globals(argc, argv, &cli, rest, &rest_count, &version);
    if (rc == CLI_EXIT_OK && version) {
        printf("a6reg %s\n", A6REG_VERSION);
    } else if (rc == CLI_EXIT_OK && rest_count == 0) {
        fputs(main_usage, cli.help ? stdout : stderr);
        rc = cli.help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    } else if (rc == CLI_EXIT_OK) {
        const command_t *command = NULL;
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(rest[0], commands[i].name) == 0) command = &commands[i];
        if (!command) {
            fprintf(stderr, "a6reg: unknown command '%s'\n%s", rest[0], main_usage);
            rc = CLI_EXIT_USAGE;
        } else {
            cli.argc = rest_count - 1;
            cli.argv = rest + 1;
            rc = command->run(&cli);
        }
    }
    free(rest);
    return rc;
}
