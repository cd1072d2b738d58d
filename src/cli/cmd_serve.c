/* cmd_serve.c: `a6reg serve`: runs the HTTP API on the registry database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/server.h"
#include "cli.h"

static const char serve_usage[] =
    "a6reg serve [--db PATH] [--listen HOST:PORT] [--threads N] [--body-max BYTES] "
    "[--connections-max N] [--timeout SECONDS] [--header-memory BYTES] [--four-eyes-above N] "
    "[--access-log FILE|-|off] [--batch-max N] [--reconcile-every SECONDS] [--read-db LOCATION]";

/* Parses a positive number option into *out (unchanged when absent); false after the error. */
static bool number_option(const cli_t *cli, const cli_option_t *options, const char *name,
                          int64_t max, int64_t *out)
{
    const char *text = cli_option(options, name);
    if (!text) return true;
    int64_t value;
    if (!cli_parse_id(cli, text, name, &value)) return false;
    if (value > max) {
        cli_usage_error(serve_usage, "--%s is at most %lld", name, (long long)max);
        return false;
    }
    *out = value;
    return true;
}

int cli_cmd_serve(const cli_t *cli)
{
    if (cli->help) {
        printf("usage: %s\nserves the JSON API until SIGINT or SIGTERM\n", serve_usage);
        return CLI_EXIT_OK;
    }
    cli_option_t options[] = {
        CLI_OPTION("listen", true),          CLI_OPTION("threads", true),
        CLI_OPTION("body-max", true),        CLI_OPTION("connections-max", true),
        CLI_OPTION("timeout", true),         CLI_OPTION("header-memory", true),
        CLI_OPTION("four-eyes-above", true), CLI_OPTION("access-log", true),
        CLI_OPTION("batch-max", true),       CLI_OPTION("reconcile-every", true),
        CLI_OPTION("read-db", true),         {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, serve_usage)) return CLI_EXIT_USAGE;
    server_config_t config;
    server_config_defaults(&config);
    config.db_location = cli->db_path;
    config.read_db_location = cli_option(options, "read-db");
    char host[64] = "";
    const char *listen = cli_option(options, "listen");
    if (listen) {
        const char *colon = strrchr(listen, ':');
        int64_t port = -1;
        char *end = NULL;
        if (colon) port = strtoll(colon + 1, &end, 10);
        if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host || !end || *end ||
            port < 0 || port > 65535)
            return cli_usage_error(serve_usage, "--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
        memcpy(host, listen, (size_t)(colon - listen));
        config.host = host;
        config.port = (unsigned)port;
    }
    int64_t threads = 0, body = (int64_t)config.body_max_bytes,
            connections = config.connections_max, timeout = config.timeout_s,
            memory = (int64_t)config.connection_memory_bytes, four_eyes = config.four_eyes_above,
            batch = 0, reconcile_every = config.reconcile_every_s;
    if (!number_option(cli, options, "threads", 256, &threads) ||
        !number_option(cli, options, "body-max", 64 * 1024 * 1024, &body) ||
        !number_option(cli, options, "connections-max", 100000, &connections) ||
        !number_option(cli, options, "timeout", 3600, &timeout) ||
        !number_option(cli, options, "header-memory", 16 * 1024 * 1024, &memory) ||
        !number_option(cli, options, "four-eyes-above", LEDGER_QUANTITY_MAX, &four_eyes) ||
        !number_option(cli, options, "batch-max", 100000, &batch))
        return CLI_EXIT_USAGE;
    config.threads = (unsigned)threads;
    config.body_max_bytes = (size_t)body;
    config.connections_max = (unsigned)connections;
    config.timeout_s = (unsigned)timeout;
    config.connection_memory_bytes = (size_t)memory;
    config.four_eyes_above = four_eyes;
    config.batch_max = (size_t)batch;
    /* --reconcile-every 0 turns the periodic reconciliation off. */
    const char *every = cli_option(options, "reconcile-every");
    if (every && strcmp(every, "0") == 0)
        reconcile_every = 0;
    else if (!number_option(cli, options, "reconcile-every", 31 * 86400, &reconcile_every))
        return CLI_EXIT_USAGE;
    config.reconcile_every_s = (long)reconcile_every;
    if (cli_option(options, "access-log")) config.access_log = cli_option(options, "access-log");
    return server_run(&config) == 0 ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}
