/* cmd_import.c: `a6reg import jcm DIR`: imports the public JCM CSV files and prints what was
 * added, what was already there, what is missing from the public record, and any rejected row. */
#include <stdio.h>
#include <string.h>

#include "../interop/jcm_import.h"
#include "cli.h"

static const char import_usage[] = "a6reg import jcm DIR [--json]";

static void print_json_report(const jcm_import_report_t *report, int rc)
{
    json_t *files = json_array(), *errors = json_array(), *missing = json_array();
    for (size_t i = 0; i < 3; i++) {
        const jcm_import_file_report_t *f = &report->files[i];
        if (!f->file) continue;
        json_array_append_new(files,
                              json_pack("{ss sb sI sI sI}", "file", f->file, "applied", f->applied,
                                        "rows", (json_int_t)f->rows, "added", (json_int_t)f->added,
                                        "existing", (json_int_t)f->existing));
    }
    for (size_t i = 0; i < report->error_count; i++)
        json_array_append_new(errors, json_string(report->errors[i]));
    for (size_t i = 0; i < report->missing_count; i++)
        json_array_append_new(missing, json_string(report->missing[i]));
    cli_print_json(json_pack("{sb so so so}", "ok", rc == 0, "files", files, "errors", errors,
                             "missing", missing));
}

int cli_cmd_import(const cli_t *cli)
{
    if (cli->help) return printf("usage: %s\n", import_usage), CLI_EXIT_OK;
    const char *positionals[2];
    int count;
    if (!cli_parse(cli, NULL, positionals, 2, &count, import_usage)) return CLI_EXIT_USAGE;
    if (count != 2 || strcmp(positionals[0], "jcm") != 0)
        return cli_usage_error(import_usage, "import jcm DIR");
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    jcm_import_report_t report;
    int rc = jcm_import_dir(w, positionals[1], cli->actor, &report);
    writer_stop(w);
    if (cli->json) {
        print_json_report(&report, rc);
    } else {
        for (size_t i = 0; i < 3; i++) {
            const jcm_import_file_report_t *f = &report.files[i];
            if (!f->file) continue;
            printf("%-26s %s: %zu rows, %zu added, %zu already present\n", f->file,
                   f->applied ? "applied " : "REJECTED", f->rows, f->added, f->existing);
        }
        if (report.missing_count)
            printf("missing from the public record (%zu):\n", report.missing_count);
        for (size_t i = 0; i < report.missing_count; i++)
            printf("  %s\n", report.missing[i]);
        for (size_t i = 0; i < report.error_count; i++)
            fprintf(stderr, "a6reg: %s\n", report.errors[i]);
    }
    jcm_import_report_release(&report);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}
