/* fuzz_csv.c: libFuzzer target for the JCM Viet Nam import. The input is written as each of the
 * three CSV files (methodologies, projects, issuances) of a temporary directory and imported with
 * jcm_import_dir through a writer on a temporary registry that already holds the real public data
 * (so that new issuances find their projects). It must never crash, never fail on storage, and a
 * file that is rejected, or applied with nothing new, must leave the registry unchanged (checked
 * with a cheap fingerprint: row counts and the audit head); after a change, units held must equal
 * units issued and the audit log must replay to the tables (`a6reg verify`). On a failure, every
 * input given to the registry is saved, to replay a failure that depends on earlier inputs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_registry.h"
#include "interop/jcm_import.h"

#ifndef FUZZ_JCM_DIR
#error "FUZZ_JCM_DIR must name the directory of the real JCM CSV files"
#endif

#define FUZZ_RESET_INPUTS 1024


#define FUZZ_ACTOR "fuzz-import"
#define FUZZ_FILE_COUNT 3

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const file_names[FUZZ_FILE_COUNT] = {
    "jcm_vn_methodologies.csv", "jcm_vn_projects.csv", "jcm_vn_issuances.csv"};

typedef struct fixture {
    fuzz_registry_t registry;
    char input_dir[FUZZ_PATH_MAX];  /* where each input is written as the three files */
    fuzz_fingerprint_t fingerprint; /* after the last input */
    fuzz_history_t history;         /* the inputs given to this registry */
    size_t inputs;                  /* handled on this registry */
} fixture_t;

static fixture_t fixture;

/* A registry holding the real public data, imported as `a6reg import jcm` would. */
static void fixture_setup(void)
{
    fuzz_registry_open(&fixture.registry, "csv");
    jcm_import_report_t report;
    int rc = jcm_import_dir(fixture.registry.writer, FUZZ_JCM_DIR, FUZZ_ACTOR, &report);
    if (rc < 0)
        fuzz_fail("setup: cannot import %s: %s", FUZZ_JCM_DIR,
                  report.error_count ? report.errors[0] : "storage error");
    jcm_import_report_release(&report);
    fuzz_registry_fingerprint(&fixture.registry, &fixture.fingerprint);
    fixture.inputs = 0;
}

static void fixture_release(void)
{
    fuzz_history_clear(&fixture.history);
    if (fixture.registry.writer) fuzz_registry_close(&fixture.registry);
    if (fixture.input_dir[0]) fuzz_remove_dir(fixture.input_dir);
}

/* On a failure: what led this registry to its state, to replay it. */
static void save_history(void)
{
    fuzz_history_save(&fixture.history);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_temp_dir("csv-input", fixture.input_dir);
    fixture_setup();
    atexit(fixture_release);
    fuzz_fail_hook = save_history;
    return 0;
}

/* Checks the report and the registry after one import; aborts on any broken invariant. */
static void check_import(int rc, const jcm_import_report_t *report)
{
    if (rc < 0)
        fuzz_fail("storage failure: %s", report->error_count ? report->errors[0] : "(no message)");
    fuzz_fingerprint_t after;
    fuzz_registry_fingerprint(&fixture.registry, &after);
    int changed = !fuzz_fingerprint_equal(&fixture.fingerprint, &after);
    size_t applied = 0, added = 0;
    for (size_t k = 0; k < FUZZ_FILE_COUNT; k++) {
        const jcm_import_file_report_t *f = &report->files[k];
        if (!f->file || strcmp(f->file, file_names[k]) != 0)
            fuzz_fail("the report names file %zu '%s'", k, f->file ? f->file : "(none)");
        if (f->applied) {
            applied++;
            added += f->added;
        } else if (f->added) {
            fuzz_fail("%s was rejected but reports %zu records added", f->file, f->added);
        }
    }
    /* One content cannot carry two headers: at least two of the three files are rejected. */
    if (applied > 1 || rc != 1 || report->error_count == 0)
        fuzz_fail("%zu files applied, result %d, %zu errors", applied, rc, report->error_count);
    if (added == 0 && changed)
        fuzz_fail("the registry changed although nothing was added (%s)",
                  applied ? "file applied with nothing new" : "every file rejected");
    if (added > 0 && !changed) fuzz_fail("%zu records reported added but nothing stored", added);
    if (changed) {
        fuzz_registry_check_units(&fixture.registry);
        fuzz_registry_verify(&fixture.registry);
    }
    fixture.fingerprint = after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fixture.inputs++ == FUZZ_RESET_INPUTS) {
        fuzz_history_add(&fixture.history, data, size); /* a replay of the history resets too */
        fuzz_registry_verify(&fixture.registry);
        fuzz_registry_close(&fixture.registry);
        fuzz_history_clear(&fixture.history);
        fixture_setup();
    }
    fuzz_history_add(&fixture.history, data, size);
    for (size_t k = 0; k < FUZZ_FILE_COUNT; k++) {
        char path[FUZZ_PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", fixture.input_dir, file_names[k]);
        fuzz_write_file(path, data, size);
    }
    jcm_import_report_t report;
    int rc = jcm_import_dir(fixture.registry.writer, fixture.input_dir, FUZZ_ACTOR, &report);
    check_import(rc, &report);
    jcm_import_report_release(&report);
    return 0;
}
