/* store_fixture.c: temporary databases, one-line requests and table fingerprints for store tests.
 */
#include "store_fixture.h"

#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/ledger_store.h"
#include "store/ledger_verify.h"

/* In the postgres suite (tests/on-postgres sets A6REG_TESTDB), a new database on the test
 * server, made by tests/testdb; otherwise "<dir>/test.db". */
void fixture_db_path(char *path, size_t size)
{
    const char *testdb = getenv("A6REG_TESTDB");
    if (testdb) {
        char command[512];
        snprintf(command, sizeof command, "'%s' new /tmp store", testdb);
        FILE *out = popen(command, "r");
        assert_non_null(out);
        assert_non_null(fgets(path, (int)size, out));
        assert_int_equal(pclose(out), 0);
        path[strcspn(path, "\n")] = '\0';
        return;
    }
    char dir[] = "/tmp/a6reg-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    snprintf(path, size, "%s/test.db", dir);
}

void fixture_db_remove(const char *path)
{
    if (db_location_is_postgres(path)) return; /* the throwaway cluster goes as a whole */
    char file[512];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
        unlink(file);
    }
    snprintf(file, sizeof file, "%s", path);
    char *slash = strrchr(file, '/');
    if (slash) {
        *slash = '\0';
        rmdir(file);
    }
}

writer_t *fixture_writer_start(const char *path, const writer_config_t *config)
{
    writer_t *w = NULL;
    db_error_t err = {0};
    if (writer_start(path, config, &w, &err) != 0) fail_msg("writer_start: %s", err.message);
    return w;
}

void fixture_two_accounts(writer_t *w, int64_t quantity, int32_t vintage, int64_t *a, int64_t *b)
{
    *a = fixture_open_account(w, "A", LEDGER_ACCOUNT_HOLDING);
    *b = fixture_open_account(w, "B", LEDGER_ACCOUNT_HOLDING);
    fixture_issue(w, *a, quantity, vintage);
}

int64_t fixture_open_account(writer_t *w, const char *holder, ledger_account_type_t type)
{
    ledger_request_t r = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                          .actor = "test",
                          .holder = holder,
                          .account_type = type,
                          .party = "VNM"};
    ledger_result_t result;
    writer_submit(w, &r, &result);
    assert_int_equal(result.store_error, 0);
    assert_int_equal(result.check, A6_OK);
    return result.id;
}

int64_t fixture_issue(writer_t *w, int64_t to, int64_t quantity, int32_t vintage)
{
    ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                          .actor = "test",
                          .tx_type = LEDGER_TX_ISSUE,
                          .to = to,
                          .quantity = quantity,
                          .vintage = vintage,
                          .unit_type = LEDGER_UNIT_JCM_CREDIT};
    ledger_result_t result;
    writer_submit(w, &r, &result);
    assert_int_equal(result.store_error, 0);
    assert_int_equal(result.check, A6_OK);
    return result.id;
}

ledger_result_t fixture_transaction(writer_t *w, ledger_tx_type_t type, int64_t from, int64_t to,
                                    int64_t quantity)
{
    return fixture_keyed_transfer(w, type, from, to, quantity, NULL);
}

ledger_result_t fixture_keyed_transfer(writer_t *w, ledger_tx_type_t type, int64_t from, int64_t to,
                                       int64_t quantity, const char *key)
{
    ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                          .actor = "test",
                          .tx_type = type,
                          .from = from,
                          .to = to,
                          .quantity = quantity,
                          .idempotency_key = key};
    ledger_result_t result;
    writer_submit(w, &r, &result);
    return result;
}

int64_t fixture_holdings_total(const char *path, int64_t account)
{
    db_t *db = NULL;
    db_error_t err = {0};
    assert_int_equal(ledger_store_open_reader(path, &db, &err), 0);
    json_t *holdings = ledger_query_holdings(db, account, &err);
    assert_non_null(holdings);
    int64_t total = json_integer_value(json_object_get(holdings, "total"));
    json_decref(holdings);
    db_close(db);
    return total;
}

void fixture_fingerprint(const char *path, char out[65])
{
    static const char *const queries[] = {
        "SELECT id || '|' || holder || '|' || type || '|' || party || '|' || status FROM accounts "
        "ORDER BY id",
        "SELECT id || '|' || account_id || '|' || first_serial || '|' || last_serial FROM "
        "issuances ORDER BY id",
        "SELECT id || '|' || issuance_id || '|' || account_id || '|' || first_serial || '|' || "
        "last_serial || '|' || vintage || '|' || unit_type FROM blocks ORDER BY id",
        "SELECT id || '|' || type || '|' || quantity || '|' || COALESCE(idempotency_key, '') "
        "FROM transactions ORDER BY id",
        "SELECT transaction_id || '|' || first_serial || '|' || last_serial FROM "
        "transaction_blocks ORDER BY transaction_id, first_serial",
        "SELECT seq || '|' || hash FROM audit_log ORDER BY seq",
    };
    db_t *db = NULL;
    db_error_t err = {0};
    assert_int_equal(ledger_store_open_reader(path, &db, &err), 0);
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        db_stmt_t *stmt = db_prepare(db, queries[q], &err);
        assert_non_null(stmt);
        while (db_step(stmt, &err) == DB_ROW) {
            const char *row = db_column_text(stmt, 0);
            crypto_hash_sha256_update(&sha, (const unsigned char *)row, strlen(row) + 1);
        }
        db_reset(stmt);
        crypto_hash_sha256_update(&sha, (const unsigned char *)"#", 1);
    }
    unsigned char digest[32];
    crypto_hash_sha256_final(&sha, digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
    db_close(db);
}

int fixture_verify(const char *path, char *problem, size_t problem_size)
{
    db_t *db = NULL;
    db_error_t err = {0};
    assert_int_equal(db_open(path, DB_OPEN_READ, &db, &err), 0);
    ledger_verify_report_t report;
    assert_int_equal(ledger_verify(db, &report, &err), 0);
    db_close(db);
    if (problem) snprintf(problem, problem_size, "%s", report.first_problem);
    return report.consistent;
}
