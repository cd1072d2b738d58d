/* cmd_migrate.c: `a6reg migrate --from LOCATION --to LOCATION`: copies a registry between
 * databases (a SQLite file and PostgreSQL, either way, or to a new file), showing progress on a
 * terminal, then checks the copy: verify passes and the audit log ends on the same hash. */
#include <stdio.h>
#include <unistd.h>

#include "../store/migrate.h"
#include "cli.h"

static const char migrate_usage[] = "a6reg migrate --from LOCATION --to LOCATION [--json]";

/* One line per table on a terminal, rewritten as rows are copied. */
static void show_progress(void *context, const char *table, int64_t rows_copied, int64_t rows_total)
{
    (void)context;
    fprintf(stderr, "\r%-24s %12lld / %lld rows", table, (long long)rows_copied,
            (long long)rows_total);
    if (rows_copied == rows_total) fputc('\n', stderr);
    fflush(stderr);
}

static int report_outcome(const cli_t *cli, const char *to, const migrate_report_t *report)
{
    if (cli->json) {
        json_t *out =
            json_pack("{sb sI sI sI ss}", "consistent", report->consistent, "tables",
                      (json_int_t)report->tables, "rows", (json_int_t)report->rows, "audit_seq",
                      (json_int_t)report->audit_seq, "audit_hash", report->audit_hash);
        if (!report->consistent) json_object_set_new(out, "problem", json_string(report->problem));
        cli_print_json(out);
    } else if (report->consistent) {
        printf("copied %lld rows of %lld tables into %s; verify passes; the audit log ends at "
               "record %lld, hash %s, as in the source\n",
               (long long)report->rows, (long long)report->tables, to, (long long)report->audit_seq,
               report->audit_hash);
    } else {
        fprintf(stderr, "a6reg: the copy in %s is INCONSISTENT: %s\n", to, report->problem);
    }
    return report->consistent ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}

int cli_cmd_migrate(const cli_t *cli)
{
    if (cli->help) {
        printf("usage: %s\ncopies the registry at --from (a SQLite file or a postgres:// URL) into "
               "the new, empty database at --to, then checks the copy (verify, and the same last "
               "audit record)\n",
               migrate_usage);
        return CLI_EXIT_OK;
    }
    cli_option_t options[] = {CLI_OPTION("from", true), CLI_OPTION("to", true), {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 0, &count, migrate_usage)) return CLI_EXIT_USAGE;
    const char *from = cli_option(options, "from"), *to = cli_option(options, "to");
    if (!from || !to) return cli_usage_error(migrate_usage, "--from and --to are required");
    migrate_report_t report;
    db_error_t err = {0};
    int rc =
        store_migrate(from, to, isatty(STDERR_FILENO) ? show_progress : NULL, NULL, &report, &err);
    if (rc < 0) {
        fprintf(stderr, "a6reg: migrate failed, nothing was copied: %s\n", err.message);
        return CLI_EXIT_REJECTED;
    }
    if (rc == 1) return cli_reject(cli, report.check, report.field, report.problem);
    return report_outcome(cli, to, &report);
}
