/* cmd_reconcile.c: `a6reg reconcile PARTNER` (compare what both registries know of each other;
 * differences listed and the units concerned frozen), `reconcile freezes` and `reconcile resolve
 * ID` (an operator lifts a freeze once the difference is understood). Exit 1 when differences
 * were found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../interop/outbox.h"
#include "../interop/reconcile_link.h"
#include "../store/ledger_store.h"
#include "cli.h"

static const char reconcile_usage[] = "a6reg reconcile PARTNER [--timeout-ms N] [--json]\n"
                                      "       a6reg reconcile freezes [--json]\n"
                                      "       a6reg reconcile resolve FREEZE";

static int run(const cli_t *cli, const char *partner, long timeout_ms)
{
    db_t *db = cli_db_open(cli);
    if (!db) return CLI_EXIT_REJECTED;
    registry_keys_t keys;
    int found = 0;
    db_error_t err = {0};
    int rc = registry_identity_load(db, &keys, &found, &err);
    db_close(db);
    if (rc < 0 || !found)
        return fprintf(stderr, "a6reg: %s\n",
                       rc < 0 ? err.message : "no registry identity: run a6reg init"),
               CLI_EXIT_REJECTED;
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    db_t *reader = NULL;
    reconcile_outcome_t out = {0};
    rc = ledger_store_open_reader(cli->db_path, &reader, &err);
    if (rc == 0) rc = reconcile_run(w, reader, &keys, partner, timeout_ms, &out, &err);
    db_close(reader);
    writer_stop(w);
    if (rc < 0) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (out.check != A6_OK) {
        json_decref(out.diffs);
        return cli_reject(cli, out.check, "partner", out.message);
    }
    if (cli->json) {
        cli_print_json(json_pack(
            "{ss sI sI sI sI so}", "partner", partner, "differences", (json_int_t)out.differences,
            "round_trips", (json_int_t)out.round_trips, "blocks", (json_int_t)out.blocks_mine,
            "frozen", (json_int_t)out.frozen, "diffs", out.diffs ? out.diffs : json_array()));
    } else {
        printf("%s: %zu blocks here, %zu difference(s), %u round trip(s), %lld freeze(s)\n",
               partner, out.blocks_mine, out.differences, out.round_trips, (long long)out.frozen);
        size_t i;
        json_t *d;
        json_array_foreach(out.diffs, i, d)
        {
            char *text = json_dumps(d, JSON_COMPACT);
            printf("  %s\n", text ? text : "");
            free(text);
        }
        json_decref(out.diffs);
    }
    return out.differences ? CLI_EXIT_REJECTED : CLI_EXIT_OK;
}

int cli_cmd_reconcile(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", reconcile_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_option_t options[] = {CLI_OPTION("timeout-ms", true), {0}};
    const char *positionals[2];
    int count;
    if (!cli_parse(cli, options, positionals, 2, &count, reconcile_usage)) return CLI_EXIT_USAGE;
    if (strcmp(positionals[0], "freezes") == 0) {
        db_t *db = cli_db_open(cli);
        if (!db) return CLI_EXIT_REJECTED;
        db_error_t err = {0};
        json_t *list = reconcile_freezes(db, &err);
        db_close(db);
        if (!list) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
        cli_print_json(list);
        return CLI_EXIT_OK;
    }
    if (strcmp(positionals[0], "resolve") == 0) {
        int64_t id;
        if (count != 2) return cli_usage_error(reconcile_usage, "resolve needs FREEZE");
        if (!cli_parse_id(cli, positionals[1], "freeze", &id)) return CLI_EXIT_REJECTED;
        writer_t *w = cli_writer_open(cli);
        if (!w) return CLI_EXIT_REJECTED;
        partner_result_t result;
        reconcile_resolve(w, cli->actor, id, &result);
        writer_stop(w);
        if (result.store_error < 0)
            return fprintf(stderr, "a6reg: %s\n", result.message), CLI_EXIT_REJECTED;
        if (result.check != A6_OK)
            return cli_reject(cli, result.check, result.field, result.message);
        printf("resolved freeze %lld\n", (long long)id);
        return CLI_EXIT_OK;
    }
    if (count != 1) return cli_usage_error(reconcile_usage, "reconcile needs PARTNER");
    int64_t timeout_ms = OUTBOX_TIMEOUT_MS_DEFAULT;
    if (cli_option(options, "timeout-ms") &&
        !cli_parse_id(cli, cli_option(options, "timeout-ms"), "timeout_ms", &timeout_ms))
        return CLI_EXIT_REJECTED;
    return run(cli, positionals[0], (long)timeout_ms);
}
