/* cli.h: shared context, option parsing and output helpers of the `a6reg` command line. */
#ifndef A6_CLI_CLI_H
#define A6_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/request.h"
#include "../store/ledger_verify.h"
#include "../store/writer.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_REJECTED 1
#define CLI_EXIT_USAGE 2
#define CLI_OPTIONS_MAX 16

/* One command's view of the command line, after global options were taken out. */
typedef struct cli {
    const char *db_path;
    const char *actor;
    bool json;
    bool help;
    int argc; /* arguments after the command name(s) */
    char **argv;
} cli_t;

/* A `--name value` option (or a flag when takes_value is false). */
#define CLI_VALUES_MAX 64

typedef struct cli_option {
    const char *name;
    bool takes_value;
    const char *value;                  /* set by cli_parse (the last one); "1" for a flag */
    const char *values[CLI_VALUES_MAX]; /* every value of a repeated option */
    int count;
} cli_option_t;

#define CLI_OPTION(option_name, option_takes_value)                                                \
    {                                                                                              \
        .name = (option_name), .takes_value = (option_takes_value)                                 \
    }

/* Parses cli->argv into options and up to positional_max positionals. Prints a usage error and
 * returns false on an unknown option, a missing value or too many positionals. */
bool cli_parse(const cli_t *cli, cli_option_t *options, const char **positionals,
               int positional_max, int *positional_count, const char *usage);

const char *cli_option(const cli_option_t *options, const char *name);

/* Prints a usage error naming the problem, and the usage line; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints a rejection (check code, name, field, message) as text on stderr or as the JSON error on
 * stdout; returns CLI_EXIT_REJECTED. */
int cli_reject(const cli_t *cli, a6_check_t check, const char *field, const char *message);

/* Reports the result of a ledger request; returns the exit code. */
int cli_report_result(const cli_t *cli, const ledger_result_t *result, const char *what);

/* Prints a JSON value (indented) and releases it. */
void cli_print_json(json_t *value);

/* Parses a positive id for `field`; false (after printing the rejection) when invalid. */
bool cli_parse_id(const cli_t *cli, const char *text, const char *field, int64_t *out);

/* The registry's database for reads, and a writer on it; both print why they cannot open it and
 * return NULL then. */
db_t *cli_db_open(const cli_t *cli);
writer_t *cli_writer_open(const cli_t *cli);

/* Submits one request through a writer on cli->db_path and reports storage failures. */
int cli_submit(const cli_t *cli, const ledger_request_t *request, ledger_result_t *result);

/* Values of a repeated option (count in *count). */
const char *const *cli_option_values(const cli_option_t *options, const char *name, int *count);

/* Parses an optional --date style value into *out (today when absent); false after printing the
 * rejection when malformed. */
bool cli_parse_date(const cli_t *cli, const char *text, const char *field, int *out);

/* verify's report as the JSON document of `a6reg verify --json`, and as its text (stdout when
 * consistent, the first problem on stderr otherwise). */
json_t *cli_verify_json(const ledger_verify_report_t *report);
void cli_verify_print(const ledger_verify_report_t *report);

/* Command entry points. */
int cli_cmd_init(const cli_t *cli);
int cli_cmd_account(const cli_t *cli);
int cli_cmd_transaction(const cli_t *cli, ledger_tx_type_t type);
int cli_cmd_holdings(const cli_t *cli);
int cli_cmd_history(const cli_t *cli);
int cli_cmd_verify(const cli_t *cli);
int cli_cmd_methodology(const cli_t *cli);
int cli_cmd_activity(const cli_t *cli);
int cli_cmd_poa(const cli_t *cli);
int cli_cmd_monitoring(const cli_t *cli);
int cli_cmd_timeline(const cli_t *cli);
int cli_cmd_import(const cli_t *cli);
int cli_cmd_serve(const cli_t *cli);
int cli_cmd_user(const cli_t *cli);
int cli_cmd_ndc(const cli_t *cli);
int cli_cmd_policy(const cli_t *cli);
int cli_cmd_authorization(const cli_t *cli);
int cli_cmd_approach(const cli_t *cli);
int cli_cmd_entity(const cli_t *cli);
int cli_cmd_report(const cli_t *cli);
int cli_cmd_registry(const cli_t *cli);
int cli_cmd_partner(const cli_t *cli);
int cli_cmd_reconcile(const cli_t *cli);
int cli_cmd_analyze(const cli_t *cli);
int cli_cmd_migrate(const cli_t *cli);
int cli_cmd_backup(const cli_t *cli);
int cli_cmd_restore(const cli_t *cli);

#endif
