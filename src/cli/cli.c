/* cli.c: option parsing and output helpers shared by every `a6reg` command. */
#include "cli.h"

#include <stdarg.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/date.h"
#include "../store/clock.h"
#include "../store/ledger_store.h"
#include "../store/writer.h"

bool cli_parse(const cli_t *cli, cli_option_t *options, const char **positionals,
               int positional_max, int *positional_count, const char *usage)
{
    *positional_count = 0;
    for (int i = 0; i < cli->argc; i++) {
        const char *arg = cli->argv[i];
        /* A one-letter short option ("-o PATH") is the long option of that one-letter name. */
        bool short_option = arg[0] == '-' && isalpha((unsigned char)arg[1]) && !arg[2];
        if (!short_option && (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')) {
            if (*positional_count == positional_max) {
                cli_usage_error(usage, "unexpected argument '%s'", arg);
                return false;
            }
            positionals[(*positional_count)++] = arg;
            continue;
        }
        const char *name = arg + (short_option ? 1 : 2), *inline_value = strchr(name, '=');
        size_t name_length = inline_value ? (size_t)(inline_value - name) : strlen(name);
        cli_option_t *option = NULL;
        for (cli_option_t *o = options; o && o->name; o++)
            if (strlen(o->name) == name_length && strncmp(o->name, name, name_length) == 0)
                option = o;
        if (!option) {
            cli_usage_error(usage, "unknown option '%s'", arg);
            return false;
        }
        if (!option->takes_value) {
            option->value = "1";
        } else if (inline_value) {
            option->value = inline_value + 1;
        } else if (i + 1 < cli->argc) {
            option->value = cli->argv[++i];
        } else {
            cli_usage_error(usage, "option '--%s' needs a value", option->name);
            return false;
        }
        if (option->count == CLI_VALUES_MAX) {
            cli_usage_error(usage, "option '--%s' given too many times", option->name);
            return false;
        }
        option->values[option->count++] = option->value;
    }
    return true;
}

const char *cli_option(const cli_option_t *options, const char *name)
{
    for (const cli_option_t *o = options; o->name; o++)
        if (strcmp(o->name, name) == 0) return o->value;
    return NULL;
}

const char *const *cli_option_values(const cli_option_t *options, const char *name, int *count)
{
    for (const cli_option_t *o = options; o->name; o++)
        if (strcmp(o->name, name) == 0) {
            *count = o->count;
            return o->values;
        }
    *count = 0;
    return NULL;
}

bool cli_parse_date(const cli_t *cli, const char *text, const char *field, int *out)
{
    if (!text) {
        *out = clock_today();
        return true;
    }
    a6_date_t date;
    if (a6_date_parse(text, &date) != A6_OK) {
        char message[160];
        snprintf(message, sizeof message, "%s: '%.40s' is not a date YYYY-MM-DD", field, text);
        cli_reject(cli, A6_CHECK_DATE_INVALID, field, message);
        return false;
    }
    *out = date;
    return true;
}

int cli_usage_error(const char *usage, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("a6reg: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    fprintf(stderr, "usage: %s\n", usage);
    return CLI_EXIT_USAGE;
}

int cli_reject(const cli_t *cli, a6_check_t check, const char *field, const char *message)
{
    if (cli->json) {
        json_t *error = json_pack("{si ss ss}", "code", (int)check, "check", a6_check_name(check),
                                  "message", message);
        if (field) json_object_set_new(error, "field", json_string(field));
        cli_print_json(json_pack("{so}", "error", error));
    } else {
        fprintf(stderr, "a6reg: rejected: check %d %s%s%s%s: %s\n", (int)check,
                a6_check_name(check), field ? " (field " : "", field ? field : "", field ? ")" : "",
                message);
    }
    return CLI_EXIT_REJECTED;
}

void cli_print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text) puts(text);
    free(text);
    json_decref(value);
}

bool cli_parse_id(const cli_t *cli, const char *text, const char *field, int64_t *out)
{
    int64_t value = 0;
    bool ok = text && *text;
    for (const char *p = text; ok && *p; p++) {
        ok = *p >= '0' && *p <= '9' && value <= (INT64_MAX - 9) / 10;
        value = value * 10 + (*p - '0');
    }
    if (!ok || value <= 0) {
        char message[160];
        snprintf(message, sizeof message, "%s: '%s' is not a positive whole number", field,
                 text ? text : "");
        cli_reject(cli, A6_CHECK_ID_INVALID, field, message);
        return false;
    }
    *out = value;
    return true;
}

db_t *cli_db_open(const cli_t *cli)
{
    db_t *db = NULL;
    db_error_t err = {0};
    if (ledger_store_open(cli->db_path, &db, &err) < 0) {
        fprintf(stderr, "a6reg: cannot open %s: %s\n", cli->db_path, err.message);
        return NULL;
    }
    return db;
}

writer_t *cli_writer_open(const cli_t *cli)
{
    writer_t *writer = NULL;
    db_error_t err = {0};
    if (writer_start(cli->db_path, NULL, &writer, &err) < 0) {
        fprintf(stderr, "a6reg: cannot open %s: %s\n", cli->db_path, err.message);
        return NULL;
    }
    return writer;
}

int cli_submit(const cli_t *cli, const ledger_request_t *request, ledger_result_t *result)
{
    writer_t *writer = cli_writer_open(cli);
    if (!writer) {
        memset(result, 0, sizeof *result);
        result->store_error = DB_ERROR;
        snprintf(result->message, sizeof result->message, "cannot open %s", cli->db_path);
        return -1;
    }
    writer_submit(writer, request, result);
    writer_stop(writer);
    return 0;
}

int cli_report_result(const cli_t *cli, const ledger_result_t *result, const char *what)
{
    if (result->store_error < 0) {
        fprintf(stderr, "a6reg: %s\n", result->message);
        return CLI_EXIT_REJECTED;
    }
    if (result->check != A6_OK)
        return cli_reject(cli, result->check, result->field, result->message);
    if (cli->json) {
        json_t *out = json_pack("{sI ss}", "id", (json_int_t)result->id, "status", "completed");
        if (result->quantity) json_object_set_new(out, "quantity", json_integer(result->quantity));
        if (result->replayed) json_object_set_new(out, "replayed", json_true());
        cli_print_json(out);
    } else if (strcmp(what, "account") == 0) {
        printf("%lld\n", (long long)result->id);
    } else {
        printf("%s %lld completed: %lld units%s\n", what, (long long)result->id,
               (long long)result->quantity, result->replayed ? " (idempotent replay)" : "");
    }
    return CLI_EXIT_OK;
}
