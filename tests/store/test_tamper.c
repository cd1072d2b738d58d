/* test_tamper.c: edits the SQLite file behind a6reg's back, one row at a time, and checks that
 * verify reports the first inconsistent record each time (and passes on the untouched copy). */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "store_fixture.h"

static char pristine[256];

/* Builds a registry with accounts, issuances, transfers, a retirement and a closed account. */
static int build_registry(void **state)
{
    fixture_db_path(pristine, sizeof pristine);
    writer_t *w = fixture_writer_start(pristine, NULL);
    int64_t a = fixture_open_account(w, "Government of Viet Nam", LEDGER_ACCOUNT_HOLDING);
    int64_t b = fixture_open_account(w, "Participant", LEDGER_ACCOUNT_HOLDING);
    int64_t r = fixture_open_account(w, "Retirement", LEDGER_ACCOUNT_RETIREMENT);
    int64_t c = fixture_open_account(w, "To close", LEDGER_ACCOUNT_HOLDING);
    fixture_issue(w, a, 500, 2020);
    fixture_issue(w, b, 300, 2021);
    assert_int_equal(fixture_transaction(w, LEDGER_TX_TRANSFER, a, b, 120).check, A6_OK);
    assert_int_equal(fixture_transaction(w, LEDGER_TX_RETIRE, b, r, 50).check, A6_OK);
    ledger_request_t close = {.kind = LEDGER_REQUEST_ACCOUNT_CLOSE, .actor = "t", .account_id = c};
    ledger_result_t result;
    writer_submit(w, &close, &result);
    assert_int_equal(result.check, A6_OK);
    writer_stop(w);
    return 0;
}

static int remove_registry(void **state)
{
    fixture_db_remove(pristine);
    return 0;
}

/* Copies the pristine registry (one file: the writer checkpointed on close), applies one SQL edit
 * and returns verify's problem text (empty when consistent). */
static void tamper(const char *sql, char *problem, size_t size, int *consistent)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    sqlite3 *source = NULL, *copy = NULL;
    assert_int_equal(sqlite3_open(pristine, &source), SQLITE_OK);
    assert_int_equal(sqlite3_open(path, &copy), SQLITE_OK);
    sqlite3_backup *backup = sqlite3_backup_init(copy, "main", source, "main");
    assert_non_null(backup);
    assert_int_equal(sqlite3_backup_step(backup, -1), SQLITE_DONE);
    sqlite3_backup_finish(backup);
    sqlite3_close(source);
    if (sql) {
        char *message = NULL;
        int rc = sqlite3_exec(copy, sql, NULL, NULL, &message);
        if (rc != SQLITE_OK) fail_msg("tamper sql failed: %s", message);
        assert_true(sqlite3_changes(copy) > 0);
    }
    sqlite3_close(copy);
    *consistent = fixture_verify(path, problem, size);
    fixture_db_remove(path);
}

static void expect_problem(const char *sql, const char *needle)
{
    char problem[512];
    int consistent = 1;
    tamper(sql, problem, sizeof problem, &consistent);
    assert_false(consistent);
    if (!strstr(problem, needle)) fail_msg("expected '%s' in: %s", needle, problem);
}

static void test_untouched_copy_is_consistent(void **state)
{
    char problem[512];
    int consistent = 0;
    tamper(NULL, problem, sizeof problem, &consistent);
    assert_true(consistent);
}

static void test_block_moved_to_other_account(void **state)
{
    expect_problem("UPDATE blocks SET account_id = 1 WHERE account_id = 2", "blocks row");
}

static void test_block_range_stretched(void **state)
{
    expect_problem("UPDATE blocks SET last_serial = last_serial + 10 "
                   "WHERE id = (SELECT MAX(id) FROM blocks)",
                   "blocks row");
}

static void test_block_deleted(void **state)
{
    expect_problem("DELETE FROM blocks WHERE id = (SELECT MIN(id) FROM blocks)", "serials");
}

static void test_units_conjured(void **state)
{
    expect_problem("INSERT INTO blocks(id, issuance_id, account_id, first_serial, last_serial, "
                   "vintage, unit_type) VALUES (999, 1, 1, 100000, 100999, 2020, 'jcm-credit')",
                   "blocks row 999");
}

static void test_audit_payload_edited(void **state)
{
    expect_problem("UPDATE audit_log SET payload = replace(payload, '\"quantity\":120', "
                   "'\"quantity\":121') WHERE payload LIKE '%\"quantity\":120%'",
                   "hash mismatch");
}

static void test_audit_record_deleted(void **state)
{
    expect_problem("DELETE FROM audit_log WHERE seq = 3", "audit record 4");
}

static void test_audit_rehashed_by_forger(void **state)
{
    /* A forger who rewrites the last record's actor breaks its own hash. */
    expect_problem("UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT MAX(seq) FROM "
                   "audit_log)",
                   "hash mismatch");
}

static void test_transaction_quantity_edited(void **state)
{
    expect_problem("UPDATE transactions SET quantity = 1 WHERE type = 'transfer'",
                   "transactions row");
}

static void test_history_chain_cut(void **state)
{
    expect_problem("UPDATE transactions SET from_previous = NULL WHERE from_previous IS NOT NULL",
                   "transactions row");
}

static void test_account_reopened(void **state)
{
    expect_problem("UPDATE accounts SET status = 'open' WHERE status = 'closed'", "accounts row 4");
}

static void test_account_holder_renamed(void **state)
{
    expect_problem("UPDATE accounts SET holder = 'Someone else' WHERE id = 2", "accounts row 2");
}

static void test_chain_head_moved(void **state)
{
    expect_problem("UPDATE account_heads SET last_transaction = last_transaction - 1 "
                   "WHERE account_id = 2",
                   "accounts row 2");
}

static void test_chain_head_of_no_account(void **state)
{
    expect_problem("INSERT INTO account_heads(account_id, last_transaction) VALUES (99, 1)",
                   "account_heads row 99");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_untouched_copy_is_consistent),
        cmocka_unit_test(test_block_moved_to_other_account),
        cmocka_unit_test(test_block_range_stretched),
        cmocka_unit_test(test_block_deleted),
        cmocka_unit_test(test_units_conjured),
        cmocka_unit_test(test_audit_payload_edited),
        cmocka_unit_test(test_audit_record_deleted),
        cmocka_unit_test(test_audit_rehashed_by_forger),
        cmocka_unit_test(test_transaction_quantity_edited),
        cmocka_unit_test(test_history_chain_cut),
        cmocka_unit_test(test_account_reopened),
        cmocka_unit_test(test_account_holder_renamed),
        cmocka_unit_test(test_chain_head_moved),
        cmocka_unit_test(test_chain_head_of_no_account),
    };
    return cmocka_run_group_tests(tests, build_registry, remove_registry);
}
