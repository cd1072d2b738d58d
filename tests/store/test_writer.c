/* test_writer.c: the single writer against a real SQLite file: concurrent conflicting transfers,
 * idempotency, durability, and bad input that must leave every table unchanged. */
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/ledger_store.h"
#include "store_fixture.h"

#define THREADS 8

typedef struct race {
    writer_t *writer;
    int64_t from;
    int64_t to;
    int64_t quantity;
    const ledger_range_t *ranges;
    size_t range_count;
    int attempts;
    int accepted;
    int rejected_insufficient;
    int rejected_not_held;
    int other;
} race_t;

static void *race_main(void *arg)
{
    race_t *race = arg;
    for (int i = 0; i < race->attempts; i++) {
        ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                              .actor = "race",
                              .tx_type = LEDGER_TX_TRANSFER,
                              .from = race->from,
                              .to = race->to,
                              .quantity = race->ranges ? 0 : race->quantity,
                              .ranges = race->ranges,
                              .range_count = race->range_count};
        ledger_result_t result;
        writer_submit(race->writer, &r, &result);
        if (result.store_error == 0 && result.check == A6_OK)
            race->accepted++;
        else if (result.check == A6_CHECK_INSUFFICIENT_HOLDINGS)
            race->rejected_insufficient++;
        else if (result.check == A6_CHECK_BLOCK_NOT_HELD)
            race->rejected_not_held++;
        else
            race->other++;
    }
    return NULL;
}

/* Eight threads race for the same 1,000 units in lots of 7: exactly 142 lots can move. */
static void test_concurrent_quantity_race(void **state)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t source = fixture_open_account(w, "Source", LEDGER_ACCOUNT_HOLDING);
    fixture_issue(w, source, 600, 2021);
    fixture_issue(w, source, 400, 2022);
    race_t races[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        races[t] = (race_t){.writer = w, .from = source, .quantity = 7, .attempts = 40};
        races[t].to = fixture_open_account(w, "Racer", LEDGER_ACCOUNT_HOLDING);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, race_main, &races[t]);
    int accepted = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        accepted += races[t].accepted;
        assert_int_equal(races[t].other, 0);
        assert_int_equal(races[t].accepted + races[t].rejected_insufficient, 40);
    }
    writer_stop(w);
    assert_int_equal(accepted, 1000 / 7);
    int64_t total = fixture_holdings_total(path, source);
    for (int t = 0; t < THREADS; t++) {
        int64_t held = fixture_holdings_total(path, races[t].to);
        assert_int_equal(held, races[t].accepted * 7);
        total += held;
    }
    assert_int_equal(total, 1000);
    char problem[512];
    assert_true(fixture_verify(path, problem, sizeof problem));
    fixture_db_remove(path);
}

/* Eight threads all ask for the same explicit serial block: exactly one wins. */
static void test_concurrent_explicit_block_race(void **state)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t source = fixture_open_account(w, "Source", LEDGER_ACCOUNT_HOLDING);
    fixture_issue(w, source, 1000, 2021);
    static const ledger_range_t wanted[] = {{101, 200}, {500, 500}};
    race_t races[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        races[t] = (race_t){
            .writer = w, .from = source, .ranges = wanted, .range_count = 2, .attempts = 3};
        races[t].to = fixture_open_account(w, "Racer", LEDGER_ACCOUNT_HOLDING);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, race_main, &races[t]);
    int accepted = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        accepted += races[t].accepted;
        assert_int_equal(races[t].other, 0);
    }
    writer_stop(w);
    assert_int_equal(accepted, 1);
    assert_int_equal(fixture_holdings_total(path, source), 899);
    assert_true(fixture_verify(path, NULL, 0));
    fixture_db_remove(path);
}

static void test_idempotency_key(void **state)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t a, b;
    fixture_two_accounts(w, 100, 2020, &a, &b);
    ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                          .actor = "test",
                          .tx_type = LEDGER_TX_TRANSFER,
                          .from = a,
                          .to = b,
                          .quantity = 10,
                          .idempotency_key = "order-42"};
    ledger_result_t first, second, different;
    writer_submit(w, &r, &first);
    writer_submit(w, &r, &second);
    assert_int_equal(first.check, A6_OK);
    assert_int_equal(second.check, A6_OK);
    assert_int_equal(second.id, first.id);
    assert_true(second.replayed);
    r.quantity = 11;
    writer_submit(w, &r, &different);
    assert_int_equal(different.check, A6_CHECK_IDEMPOTENCY_KEY_REUSED);
    assert_string_equal(different.field, "idempotency_key");
    writer_stop(w);
    assert_int_equal(fixture_holdings_total(path, b), 10);
    assert_true(fixture_verify(path, NULL, 0));
    fixture_db_remove(path);
}

/* Submits r and asserts it is rejected with check on field and that no table changed. */
static void assert_rejected_unchanged(writer_t *w, const char *path, const ledger_request_t *r,
                                      a6_check_t check, const char *field)
{
    char before[65], after[65];
    fixture_fingerprint(path, before);
    ledger_result_t result;
    writer_submit(w, r, &result);
    assert_int_equal(result.store_error, 0);
    assert_int_equal(result.check, check);
    assert_non_null(result.field);
    assert_string_equal(result.field, field);
    fixture_fingerprint(path, after);
    assert_string_equal(before, after);
}

static void test_bad_input_changes_nothing(void **state)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t a = fixture_open_account(w, "A", LEDGER_ACCOUNT_HOLDING);
    int64_t b = fixture_open_account(w, "B", LEDGER_ACCOUNT_HOLDING);
    int64_t closed = fixture_open_account(w, "Closed", LEDGER_ACCOUNT_HOLDING);
    int64_t retired = fixture_open_account(w, "Retired", LEDGER_ACCOUNT_RETIREMENT);
    fixture_issue(w, a, 100, 2020);
    ledger_request_t close = {
        .kind = LEDGER_REQUEST_ACCOUNT_CLOSE, .actor = "t", .account_id = closed};
    ledger_result_t result;
    writer_submit(w, &close, &result);
    assert_int_equal(result.check, A6_OK);
    ledger_request_t keyed = {.kind = LEDGER_REQUEST_TRANSACTION,
                              .actor = "t",
                              .tx_type = LEDGER_TX_TRANSFER,
                              .from = a,
                              .to = b,
                              .quantity = 1,
                              .idempotency_key = "k"};
    writer_submit(w, &keyed, &result);
    assert_int_equal(result.check, A6_OK);

    ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                          .actor = "t",
                          .tx_type = LEDGER_TX_TRANSFER,
                          .from = a,
                          .to = b,
                          .quantity = 5};
    ledger_request_t bad = r;
    bad.to = 999;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_ACCOUNT_NOT_FOUND, "to");
    bad = r;
    bad.from = 998;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_ACCOUNT_NOT_FOUND, "from");
    bad = r;
    bad.unit_type = LEDGER_UNIT_A64_ER;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_UNIT_TYPE_NOT_HELD, "unit_type");
    bad = r;
    bad.quantity = 1000;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_INSUFFICIENT_HOLDINGS, "quantity");
    bad = r;
    bad.quantity = 0;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_QUANTITY_INVALID, "quantity");
    bad.quantity = -5;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_QUANTITY_INVALID, "quantity");
    bad.quantity = INT64_MAX;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_QUANTITY_OVERFLOW, "quantity");
    static const ledger_range_t not_held[] = {{1, 1}}; /* moved to b by the keyed transfer */
    bad = r;
    bad.quantity = 0;
    bad.ranges = not_held;
    bad.range_count = 1;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_BLOCK_NOT_HELD, "blocks");
    static const ledger_range_t overlap[] = {{10, 20}, {15, 30}};
    bad.ranges = overlap;
    bad.range_count = 2;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_BLOCK_OVERLAP, "blocks");
    bad = keyed;
    bad.quantity = 2;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_IDEMPOTENCY_KEY_REUSED, "idempotency_key");
    bad = r;
    bad.to = closed;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_ACCOUNT_CLOSED, "to");
    bad = r;
    bad.from = retired;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED, "from");
    bad = r;
    bad.tx_type = LEDGER_TX_RETIRE;
    assert_rejected_unchanged(w, path, &bad, A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED, "to");
    ledger_request_t close_full = {
        .kind = LEDGER_REQUEST_ACCOUNT_CLOSE, .actor = "t", .account_id = a};
    assert_rejected_unchanged(w, path, &close_full, A6_CHECK_ACCOUNT_NOT_EMPTY, "account");
    writer_stop(w);
    assert_true(fixture_verify(path, NULL, 0));
    fixture_db_remove(path);
}

/* A rejected request inside a busy batch spoils nothing for its neighbours. */
static void test_rejection_inside_batch(void **state)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_config_t config = {.batch_max = 64};
    writer_t *w = fixture_writer_start(path, &config);
    int64_t a, b;
    fixture_two_accounts(w, 50, 2020, &a, &b);
    race_t races[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        races[t] = (race_t){.writer = w,
                            .from = t % 2 ? a : b,
                            .to = t % 2 ? b : a,
                            .quantity = 3,
                            .attempts = 200};
        pthread_create(&threads[t], NULL, race_main, &races[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(races[t].other, 0);
    }
    writer_stats_t stats;
    writer_stats_get(w, &stats);
    assert_int_equal(stats.failed, 0);
    writer_stop(w);
    assert_int_equal(fixture_holdings_total(path, a) + fixture_holdings_total(path, b), 50);
    assert_true(fixture_verify(path, NULL, 0));
    fixture_db_remove(path);
}

/* A transfer refused after it wrote (its blocks are frozen by a reconciliation) inside a busy
 * batch of transfers that ran without savepoints of their own: the run is replayed request by
 * request, the neighbours keep their outcomes and the refused one leaves nothing. */
static void test_rejection_after_write_inside_batch(void **state)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_config_t config = {.batch_max = 64};
    writer_t *w = fixture_writer_start(path, &config);
    int64_t a, b;
    fixture_two_accounts(w, 1000, 2020, &a, &b);
    writer_stop(w);
    db_t *db = NULL;
    db_error_t err = {0};
    assert_int_equal(db_open(path, DB_OPEN_WRITE, &db, &err), 0);
    assert_int_equal(db_exec(db,
                             "INSERT INTO frozen_blocks(id, partner, origin, origin_first, "
                             "origin_last, local_first, local_last, reason, created_at) VALUES "
                             "(1, 'JPN01', 'VNM01', 500, 500, 500, 500, 'test', "
                             "'2024-01-01T00:00:00Z')",
                             &err),
                     0);
    db_close(db);
    w = fixture_writer_start(path, &config);
    race_t races[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        races[t] = (race_t){.writer = w, .from = a, .to = b, .quantity = 7, .attempts = 20};
        pthread_create(&threads[t], NULL, race_main, &races[t]);
    }
    int accepted = 0, frozen = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        accepted += races[t].accepted;
        frozen += races[t].other; /* every refusal here is the freeze */
    }
    writer_stats_t stats;
    writer_stats_get(w, &stats);
    writer_stop(w);
    /* Oldest first: 71 lots of 7 move serials 1-497, then every lot would take serial 500. */
    assert_int_equal(accepted, 71);
    assert_int_equal(frozen, THREADS * 20 - 71);
    assert_int_equal(stats.failed, 0);
    assert_true(stats.runs_replayed > 0);
    assert_int_equal(fixture_holdings_total(path, b), 497);
    assert_true(fixture_verify(path, NULL, 0));
    fixture_db_remove(path);
}

/* What a queued request or operation reports once settled. */
typedef struct settled {
    sem_t done;
    int outcome;
} settled_t;

static void request_settled(ledger_result_t *result, void *data)
{
    (void)result;
    sem_post(&((settled_t *)data)->done);
}

static void operation_settled(int outcome, const db_error_t *err, void *data)
{
    (void)err;
    settled_t *settled = data;
    settled->outcome = outcome;
    sem_post(&settled->done);
}

/* Keeps the writer inside its batch for a while, so that what is queued meanwhile forms the
 * next batch together. */
static int apply_slowly(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    (void)db, (void)state, (void)context, (void)err;
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    return WRITER_ACCEPTED;
}

/* An operation whose write breaks a constraint: SQLite reports it at once; on PostgreSQL the
 * write is pipelined, its step returns before the server ran it, and the writer's flush after
 * the operation reports it. */
static int apply_bad_write(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    (void)state, (void)context;
    static const char sql[] = "INSERT INTO accounts(id, holder, type, party, status, opened_at) "
                              "VALUES (9999, 'bad', 'holding', 'VNM', 'bogus', 'now')";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step_done(stmt, err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

/* In one batch: two transfers by an actor that a unique index (added for the test) allows only
 * once in the audit log, another actor's transfer, an operation whose write fails, and one more
 * transfer. The second transfer's failing write is its last: on PostgreSQL it is reported by the
 * next request's first read. Each failure reaches its own request; the rest are accepted. */
static void test_failed_write_reaches_its_request(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t a, b;
    fixture_two_accounts(w, 100, 2020, &a, &b);
    writer_stop(w);
    db_t *db = NULL;
    db_error_t err = {0};
    assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, &err), 0);
    assert_int_equal(db_exec(db,
                             "CREATE UNIQUE INDEX test_one_poison ON audit_log(actor) "
                             "WHERE actor = 'poison'",
                             &err),
                     0);
    db_close(db);
    w = fixture_writer_start(path, NULL);

    settled_t slow = {0}, bad = {0}, transfers[4];
    sem_init(&slow.done, 0, 0);
    sem_init(&bad.done, 0, 0);
    assert_int_equal(writer_execute_async(w, apply_slowly, NULL, operation_settled, &slow), 0);
    const char *actors[4] = {"poison", "poison", "other", "other"};
    const int64_t quantities[4] = {10, 20, 30, 5};
    ledger_request_t requests[4];
    ledger_result_t results[4];
    for (int i = 0; i < 4; i++) {
        sem_init(&transfers[i].done, 0, 0);
        requests[i] = (ledger_request_t){.kind = LEDGER_REQUEST_TRANSACTION,
                                         .actor = actors[i],
                                         .tx_type = LEDGER_TX_TRANSFER,
                                         .from = a,
                                         .to = b,
                                         .quantity = quantities[i]};
        if (i == 3)
            assert_int_equal(
                writer_execute_async(w, apply_bad_write, NULL, operation_settled, &bad), 0);
        assert_int_equal(
            writer_submit_async(w, &requests[i], &results[i], request_settled, &transfers[i]), 0);
    }
    sem_wait(&slow.done);
    sem_wait(&bad.done);
    for (int i = 0; i < 4; i++)
        sem_wait(&transfers[i].done);
    writer_stats_t stats;
    writer_stats_get(w, &stats);
    writer_stop(w);

    assert_int_equal(slow.outcome, WRITER_ACCEPTED);
    assert_true(bad.outcome < 0);
    for (int i = 0; i < 4; i++) {
        if (i == 1) {
            assert_int_equal(results[i].store_error, DB_CONSTRAINT);
        } else {
            assert_int_equal(results[i].store_error, 0);
            assert_int_equal(results[i].check, A6_OK);
        }
    }
    assert_true(stats.runs_replayed > 0);
    assert_int_equal(fixture_holdings_total(path, b), 10 + 30 + 5);
    assert_int_equal(fixture_holdings_total(path, a), 100 - 45);
    assert_true(fixture_verify(path, NULL, 0));
    fixture_db_remove(path);
}

/* What the writer acknowledged is there after a restart, and ids continue. */
static void test_durable_across_restart(void **state)
{
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t a, b;
    fixture_two_accounts(w, 100, 2020, &a, &b);
    ledger_result_t moved = fixture_transaction(w, LEDGER_TX_TRANSFER, a, b, 30);
    assert_int_equal(moved.check, A6_OK);
    writer_stop(w);
    w = fixture_writer_start(path, NULL);
    int64_t c = fixture_open_account(w, "C", LEDGER_ACCOUNT_HOLDING);
    assert_int_equal(c, b + 1);
    ledger_result_t again = fixture_transaction(w, LEDGER_TX_TRANSFER, b, c, 30);
    assert_int_equal(again.check, A6_OK);
    assert_int_equal(again.id, moved.id + 1);
    int64_t second_issue = fixture_issue(w, a, 5, 2021);
    writer_stop(w);
    assert_true(second_issue > again.id);
    assert_int_equal(fixture_holdings_total(path, c), 30);
    assert_int_equal(fixture_holdings_total(path, a), 75);
    assert_true(fixture_verify(path, NULL, 0));
    fixture_db_remove(path);
}

int main(void)
{
    /* The writer as it runs in production: its block cache is not double-checked by queries,
     * which would flush PostgreSQL's pipeline at points the failing-write test must not. */
    unsetenv("A6REG_CHECK_BLOCK_CACHE");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_quantity_race),
        cmocka_unit_test(test_concurrent_explicit_block_race),
        cmocka_unit_test(test_idempotency_key),
        cmocka_unit_test(test_bad_input_changes_nothing),
        cmocka_unit_test(test_rejection_inside_batch),
        cmocka_unit_test(test_rejection_after_write_inside_batch),
        cmocka_unit_test(test_durable_across_restart),
        cmocka_unit_test(test_failed_write_reaches_its_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
