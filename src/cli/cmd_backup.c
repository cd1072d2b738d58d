/* cmd_backup.c: `a6reg backup PATH` (a consistent copy of the registry while the server runs) and
 * `a6reg restore PATH` (into an empty database, then verified). The work is in store/backup.c.
 * Neither is audited: a backup changes nothing in the registry, and a restore writes the
 * registry's own audit log back as it was, so that the copy's hash chain stays the original's. */
#include <stdio.h>

#include "../store/backup.h"
#include "cli.h"

static const char backup_usage[] = "a6reg backup PATH [--db LOCATION] [--json]";
static const char restore_usage[] = "a6reg restore PATH [--db LOCATION] [--json]";

/* The one PATH argument of either command; NULL after printing the usage error. */
static const char *path_argument(const cli_t *cli, const char *usage)
{
    const char *positionals[1];
    int count = 0;
    if (!cli_parse(cli, NULL, positionals, 1, &count, usage)) return NULL;
    if (count == 0) {
        cli_usage_error(usage, "PATH is missing: the backup file");
        return NULL;
    }
    return positionals[0];
}

/* A refusal of the arguments with its check code, or a failure of the file system or database. */
static int fail(const cli_t *cli, const char *command, const backup_outcome_t *outcome,
                const db_error_t *err)
{
    if (outcome->check != A6_OK)
        return cli_reject(cli, outcome->check, outcome->field, err->message);
    if (outcome->field)
        fprintf(stderr, "a6reg: %s failed (field %s): %s\n", command, outcome->field, err->message);
    else
        fprintf(stderr, "a6reg: %s failed: %s\n", command, err->message);
    return CLI_EXIT_REJECTED;
}

int cli_cmd_backup(const cli_t *cli)
{
    if (cli->help) {
        printf("usage: %s\n"
               "writes a consistent copy of the registry to PATH while the server runs: SQLite's "
               "online\nbackup API for a file, pg_dump's custom archive for a PostgreSQL URL. "
               "PATH must not exist\n(it is written as PATH.tmp, then renamed); the file is "
               "readable by its owner only.\nA backup changes nothing and is not audited. "
               "Restore it with `a6reg restore PATH`.\n",
               backup_usage);
        return CLI_EXIT_OK;
    }
    const char *path = path_argument(cli, backup_usage);
    if (!path) return CLI_EXIT_USAGE;
    backup_outcome_t outcome;
    db_error_t err = {0};
    if (backup_take(cli->db_path, path, &outcome, &err) < 0)
        return fail(cli, "backup", &outcome, &err);
    if (cli->json)
        cli_print_json(json_pack("{ss ss sI}", "path", path, "format",
                                 backup_format_name(outcome.format), "size_bytes",
                                 (json_int_t)outcome.size_bytes));
    else
        printf("wrote a %s backup of the registry to %s (%lld bytes)\n",
               backup_format_name(outcome.format), path, (long long)outcome.size_bytes);
    return CLI_EXIT_OK;
}

/* Verifies the restored registry at location into report. 0, or CLI_EXIT_REJECTED after
 * printing why it could not be read. */
static int verify_restored(const char *location, ledger_verify_report_t *report)
{
    db_t *db = NULL;
    db_error_t err = {0};
    int rc = db_open(location, DB_OPEN_READ, &db, &err);
    if (rc == 0) rc = ledger_verify(db, report, &err);
    db_close(db);
    if (rc < 0) {
        fprintf(stderr, "a6reg: restored, but verify could not read it: %s\n", err.message);
        return CLI_EXIT_REJECTED;
    }
    return 0;
}

int cli_cmd_restore(const cli_t *cli)
{
    if (cli->help) {
        printf("usage: %s\n"
               "restores a backup of `a6reg backup` into --db, which must be empty: a new SQLite "
               "file,\nor a new PostgreSQL database (createdb, see docs/deploy.md). A live "
               "registry is never\noverwritten; a backup of one backend is not restored into the "
               "other (use `a6reg migrate`).\nThen runs `a6reg verify` on the result: exit 1 "
               "when it is not consistent.\n",
               restore_usage);
        return CLI_EXIT_OK;
    }
    const char *path = path_argument(cli, restore_usage);
    if (!path) return CLI_EXIT_USAGE;
    backup_outcome_t outcome;
    db_error_t err = {0};
    if (backup_restore(path, cli->db_path, &outcome, &err) < 0)
        return fail(cli, "restore", &outcome, &err);
    ledger_verify_report_t report = {0};
    if (verify_restored(cli->db_path, &report) != 0) return CLI_EXIT_REJECTED;
    if (cli->json) {
        cli_print_json(json_pack(
            "{ss ss sI so}", "restored", path, "format", backup_format_name(outcome.format),
            "size_bytes", (json_int_t)outcome.size_bytes, "verify", cli_verify_json(&report)));
    } else {
        printf("restored the %s backup %s (%lld bytes)\n", backup_format_name(outcome.format), path,
               (long long)outcome.size_bytes);
        cli_verify_print(&report);
    }
    return report.consistent ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}
