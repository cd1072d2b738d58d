/* cmd_verify.c: `a6reg verify`: exit 0 when the audit chain and the tables agree, 1 otherwise. */
#include <stdio.h>

#include "../store/ledger_store.h"
#include "../store/ledger_verify.h"
#include "cli.h"

static const char verify_usage[] = "a6reg verify [--db PATH] [--json]";

int cli_cmd_verify(const cli_t *cli)
{
    if (cli->help) {
        printf("usage: %s\nrecomputes the audit hash chain, replays it and compares the rebuilt "
               "accounts, transactions and holdings with the tables\n",
               verify_usage);
        return CLI_EXIT_OK;
    }
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 0, &count, verify_usage)) return CLI_EXIT_USAGE;
    db_t *db = NULL;
    db_error_t err = {0};
    if (db_open(cli->db_path, DB_OPEN_READ, &db, &err) < 0) {
        fprintf(stderr, "a6reg: cannot open %s: %s\n", cli->db_path, err.message);
        return CLI_EXIT_REJECTED;
    }
    ledger_verify_report_t report;
    int rc = ledger_verify(db, &report, &err);
    db_close(db);
    if (rc < 0) {
        fprintf(stderr, "a6reg: verify could not read the database: %s\n", err.message);
        return CLI_EXIT_REJECTED;
    }
    if (cli->json)
        cli_print_json(cli_verify_json(&report));
    else
        cli_verify_print(&report);
    return report.consistent ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}

json_t *cli_verify_json(const ledger_verify_report_t *report)
{
    json_t *out =
        json_pack("{sb sI sI sI sI sI}", "consistent", report->consistent, "audit_records",
                  (json_int_t)report->audit_records, "accounts", (json_int_t)report->accounts,
                  "transactions", (json_int_t)report->transactions, "blocks",
                  (json_int_t)report->blocks, "units_issued", (json_int_t)report->units_issued);
    if (!report->consistent)
        json_object_set_new(out, "first_problem", json_string(report->first_problem));
    return out;
}

void cli_verify_print(const ledger_verify_report_t *report)
{
    if (report->consistent)
        printf("consistent: %lld audit records, %lld accounts, %lld transactions, %lld blocks, "
               "%lld units issued\n",
               (long long)report->audit_records, (long long)report->accounts,
               (long long)report->transactions, (long long)report->blocks,
               (long long)report->units_issued);
    else
        fprintf(stderr, "a6reg: INCONSISTENT: %s\n", report->first_problem);
}
