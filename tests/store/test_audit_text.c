/* test_audit_text.c: the audit record text the writer builds by hand (no printf, no jansson on
 * its path) is the canonical JSON that audit_canonical_json gives, and the integer formatting it
 * uses is exact at every edge. */
#include <jansson.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "store_fixture.h"

static void test_format_int_edges(void **state)
{
    (void)state;
    static const int64_t values[] = {0, 7, -1, 10, -10, 1234567890123, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char got[AUDIT_INT_SIZE], want[32];
        size_t length = audit_format_int(got, values[i]);
        snprintf(want, sizeof want, "%lld", (long long)values[i]);
        assert_string_equal(got, want);
        assert_int_equal(length, strlen(want));
    }
}

/* Appends past the inline buffer, mixing integers, raw text and JSON strings. */
static void test_text_grows_and_matches_printf(void **state)
{
    (void)state;
    audit_text_t text;
    audit_text_init(&text);
    char want[8192] = "";
    size_t used = 0;
    unsigned seed = 7;
    for (int i = 0; i < 300; i++) {
        int64_t value = (int64_t)rand_r(&seed) * (i % 2 ? -1 : 1) * 1000003;
        assert_true(audit_text_append(&text, ",") && audit_text_append_int(&text, value));
        used += (size_t)snprintf(want + used, sizeof want - used, ",%lld", (long long)value);
    }
    assert_true(audit_text_append_string(&text, "q\"\\é"));
    snprintf(want + used, sizeof want - used, "%s", "\"q\\\"\\\\\\u00E9\"");
    assert_string_equal(text.data, want);
    assert_int_equal(text.length, strlen(want));
    audit_text_release(&text);
}

/* Every record's payload is its own canonical form; actions and objects name the transaction. */
static void test_transaction_payloads_are_canonical(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t a, b;
    fixture_two_accounts(w, 1000, 2021, &a, &b);
    int64_t r = fixture_open_account(w, "Retirement", LEDGER_ACCOUNT_RETIREMENT);
    assert_int_equal(
        fixture_keyed_transfer(w, LEDGER_TX_TRANSFER, a, b, 3, "key\"quoted\"\\x").check, A6_OK);
    assert_int_equal(fixture_transaction(w, LEDGER_TX_TRANSFER, a, b, 9223372036).check,
                     A6_CHECK_INSUFFICIENT_HOLDINGS);
    assert_int_equal(fixture_transaction(w, LEDGER_TX_TRANSFER, a, b, 17).check, A6_OK);
    assert_int_equal(fixture_transaction(w, LEDGER_TX_RETIRE, b, r, 5).check, A6_OK);
    writer_stop(w);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT action, object, payload FROM audit_log "
                                        "WHERE action LIKE 'transaction.%' ORDER BY seq",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    int transactions = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *action = (const char *)sqlite3_column_text(stmt, 0);
        const char *object = (const char *)sqlite3_column_text(stmt, 1);
        const char *payload = (const char *)sqlite3_column_text(stmt, 2);
        json_t *parsed = json_loads(payload, 0, NULL);
        assert_non_null(parsed);
        char *canonical = audit_canonical_json(parsed);
        assert_string_equal(payload, canonical);
        char want_action[64], want_object[64];
        snprintf(want_action, sizeof want_action, "transaction.%s",
                 json_string_value(json_object_get(parsed, "type")));
        snprintf(want_object, sizeof want_object, "transaction/%lld",
                 (long long)json_integer_value(json_object_get(parsed, "id")));
        assert_string_equal(action, want_action);
        assert_string_equal(object, want_object);
        free(canonical);
        json_decref(parsed);
        transactions++;
    }
    assert_int_equal(transactions, 4); /* the issuance, two transfers and the retirement */
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    char problem[256];
    assert_true(fixture_verify(path, problem, sizeof problem));
    fixture_db_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_int_edges),
        cmocka_unit_test(test_text_grows_and_matches_printf),
        cmocka_unit_test(test_transaction_payloads_are_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
