/* cmd_partner.c: `a6reg registry` (this registry's ID and public key, to give to partners) and
 * `a6reg partner add|list|queue|send|ping`: partner registries, the queue of signed messages to
 * them, one delivery pass, and a ping that checks the channel both ways. */
#include <stdio.h>
#include <time.h>
#include <string.h>

#include "../interop/outbox.h"
#include "../interop/partners.h"
#include "../store/ledger_store.h"
#include "cli.h"

static const char registry_usage[] = "a6reg registry [--json]";
static const char partner_usage[] = "a6reg partner add ID URL PUBLIC_KEY\n"
                                    "       a6reg partner list|queue [--json]\n"
                                    "       a6reg partner send [--timeout-ms N]\n"
                                    "       a6reg partner ping ID [--timeout-ms N]\n"
                                    "       a6reg partner resolve MESSAGE [--timeout-ms N]";

/* Loads this registry's identity; false after the error. */
static bool identity(const cli_t *cli, registry_keys_t *keys)
{
    db_t *db = cli_db_open(cli);
    if (!db) return false;
    db_error_t err = {0};
    int found = 0;
    int rc = registry_identity_load(db, keys, &found, &err);
    db_close(db);
    if (rc < 0) return fprintf(stderr, "a6reg: %s\n", err.message), false;
    if (!found)
        return fprintf(stderr, "a6reg: this registry has no identity: run a6reg init "
                               "--registry-id ID\n"),
               false;
    return true;
}

int cli_cmd_registry(const cli_t *cli)
{
    if (cli->help) return printf("usage: %s\n", registry_usage), CLI_EXIT_OK;
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 0, &count, registry_usage)) return CLI_EXIT_USAGE;
    registry_keys_t keys;
    if (!identity(cli, &keys)) return CLI_EXIT_REJECTED;
    char hex[ENVELOPE_KEY_HEX_SIZE];
    envelope_hex_encode(keys.public_key, sizeof keys.public_key, hex);
    if (cli->json)
        cli_print_json(json_pack("{ss ss}", "registry_id", keys.registry_id, "public_key", hex));
    else
        printf("%s %s\n", keys.registry_id, hex);
    return CLI_EXIT_OK;
}

/* One delivery pass; prints what happened. */
/* A running server's delivery thread may send a ping before this process does: its answer is
 * waited for (up to timeout_ms) and counted as answered. */
static int wait_for_answer(db_t *reader, const char *message_id, long timeout_ms,
                           outbox_stats_t *stats, db_error_t *err)
{
    int answered = 0;
    for (long waited_ms = 0; waited_ms <= timeout_ms; waited_ms += 50) {
        int rc = outbox_message_answered(reader, message_id, &answered, err);
        if (rc < 0) return rc;
        if (answered) break;
        struct timespec pause = {.tv_nsec = 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
    if (answered && stats->answered == 0 && stats->failed == 0) stats->answered = 1;
    return 0;
}

/* One delivery pass; with ping_id, also waits for that message's answer. */
static int send_pass(const cli_t *cli, const registry_keys_t *keys, long timeout_ms,
                     const char *ping_id)
{
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    db_t *reader = NULL;
    db_error_t err = {0};
    outbox_stats_t stats = {0};
    int rc = ledger_store_open_reader(cli->db_path, &reader, &err);
    if (rc == 0) rc = outbox_run_once(w, reader, keys, timeout_ms, &stats, &err);
    if (rc == 0 && ping_id) rc = wait_for_answer(reader, ping_id, timeout_ms, &stats, &err);
    db_close(reader);
    writer_stop(w);
    if (rc < 0) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (cli->json)
        cli_print_json(json_pack("{si si si}", "attempted", stats.attempted, "answered",
                                 stats.answered, "failed", stats.failed));
    else
        printf("sent %d message(s): %d answered, %d to retry\n", stats.attempted, stats.answered,
               stats.failed);
    return stats.failed ? CLI_EXIT_REJECTED : CLI_EXIT_OK;
}

typedef struct ping_operation {
    const registry_keys_t *keys;
    const char *partner;
    char id[ENVELOPE_ID_SIZE];
    int found;
} ping_operation_t;

static int apply_ping(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    ping_operation_t *op = context;
    partner_t partner;
    int rc = partner_load(db, op->partner, &partner, &op->found, err);
    if (rc < 0 || !op->found) return rc < 0 ? rc : WRITER_REJECTED;
    json_t *payload = json_object();
    rc = message_enqueue(db, state, op->keys, op->partner, "ping", payload, op->id, err);
    json_decref(payload);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

static int partner_command(const cli_t *cli, const char *command)
{
    cli_option_t options[] = {CLI_OPTION("timeout-ms", true), {0}};
    const char *positionals[3];
    int count;
    if (!cli_parse(cli, options, positionals, 3, &count, partner_usage)) return CLI_EXIT_USAGE;
    int64_t timeout_ms = OUTBOX_TIMEOUT_MS_DEFAULT;
    if (cli_option(options, "timeout-ms") &&
        !cli_parse_id(cli, cli_option(options, "timeout-ms"), "timeout_ms", &timeout_ms))
        return CLI_EXIT_REJECTED;
    if (strcmp(command, "add") == 0) {
        if (count != 3) return cli_usage_error(partner_usage, "add needs ID URL PUBLIC_KEY");
        writer_t *w = cli_writer_open(cli);
        if (!w) return CLI_EXIT_REJECTED;
        partner_result_t result;
        partner_add(w, cli->actor, ROLE_ADMIN, positionals[0], positionals[1], positionals[2],
                    &result);
        writer_stop(w);
        if (result.store_error < 0)
            return fprintf(stderr, "a6reg: %s\n", result.message), CLI_EXIT_REJECTED;
        if (result.check != A6_OK)
            return cli_reject(cli, result.check, result.field, result.message);
        if (cli->json)
            cli_print_json(json_pack("{ss ss}", "id", positionals[0], "status", "ok"));
        else
            printf("partner %s\n", positionals[0]);
        return CLI_EXIT_OK;
    }
    if (strcmp(command, "list") == 0 || strcmp(command, "queue") == 0) {
        if (count) return cli_usage_error(partner_usage, "%s takes no arguments", command);
        db_t *db = cli_db_open(cli);
        if (!db) return CLI_EXIT_REJECTED;
        db_error_t err = {0};
        json_t *out = command[0] == 'l' ? partner_query_all(db, &err) : outbox_query(db, &err);
        db_close(db);
        if (!out) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
        cli_print_json(out);
        return CLI_EXIT_OK;
    }
    registry_keys_t keys;
    if (strcmp(command, "send") == 0) {
        if (count) return cli_usage_error(partner_usage, "send takes no arguments");
        return identity(cli, &keys) ? send_pass(cli, &keys, (long)timeout_ms, NULL)
                                    : CLI_EXIT_REJECTED;
    }
    if (strcmp(command, "resolve") == 0) {
        if (count != 1) return cli_usage_error(partner_usage, "resolve needs MESSAGE");
        if (!identity(cli, &keys)) return CLI_EXIT_REJECTED;
        writer_t *w = cli_writer_open(cli);
        if (!w) return CLI_EXIT_REJECTED;
        db_t *reader = NULL;
        db_error_t err = {0};
        const char *resolution = NULL;
        char reason[320] = "";
        int rc = ledger_store_open_reader(cli->db_path, &reader, &err);
        if (rc == 0)
            rc = outbox_resolve(w, reader, &keys, positionals[0], (long)timeout_ms, &resolution,
                                reason, sizeof reason);
        else
            snprintf(reason, sizeof reason, "%s", err.message);
        db_close(reader);
        writer_stop(w);
        if (rc < 0)
            return fprintf(stderr, "a6reg: cannot resolve: %s\n", reason), CLI_EXIT_REJECTED;
        if (cli->json)
            cli_print_json(
                json_pack("{ss ss}", "message", positionals[0], "resolution", resolution));
        else
            printf("message %s %s\n", positionals[0], resolution);
        return CLI_EXIT_OK;
    }
    if (strcmp(command, "ping") != 0)
        return cli_usage_error(partner_usage, "unknown partner command '%s'", command);
    if (count != 1) return cli_usage_error(partner_usage, "ping needs ID");
    if (!identity(cli, &keys)) return CLI_EXIT_REJECTED;
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    ping_operation_t op = {.keys = &keys, .partner = positionals[0]};
    db_error_t err = {0};
    int rc = writer_execute(w, apply_ping, &op, &err);
    writer_stop(w);
    if (rc < 0) return fprintf(stderr, "a6reg: %s\n", err.message), CLI_EXIT_REJECTED;
    if (!op.found) return cli_reject(cli, A6_CHECK_PARTNER_NOT_FOUND, "partner", positionals[0]);
    return send_pass(cli, &keys, (long)timeout_ms, op.id);
}

int cli_cmd_partner(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", partner_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    return partner_command(&sub, cli->argv[0]);
}
