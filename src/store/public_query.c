/* public_query.c: the public site's figures on units by vintage and retirement certificates. */
#include "public_query.h"

#include <string.h>

/* Which column an account type's units count in. */
static const char *credit_column(const char *account_type)
{
    if (strcmp(account_type, "holding") == 0 || strcmp(account_type, "pending") == 0) return "held";
    if (strcmp(account_type, "partner") == 0) return "partner";
    if (strcmp(account_type, "retirement") == 0) return "retired";
    return "cancelled"; /* cancellation, voluntary cancellation, OMGE, share of proceeds */
}

static json_t *credit_row(json_t *rows, int64_t vintage, const char *unit_type)
{
    size_t count = json_array_size(rows);
    json_t *last = count ? json_array_get(rows, count - 1) : NULL;
    if (last && json_integer_value(json_object_get(last, "vintage")) == vintage &&
        strcmp(json_string_value(json_object_get(last, "unit_type")), unit_type) == 0)
        return last;
    json_t *row = json_pack("{sI ss sI sI sI sI sI}", "vintage", (json_int_t)vintage, "unit_type",
                            unit_type, "held", (json_int_t)0, "partner", (json_int_t)0, "retired",
                            (json_int_t)0, "cancelled", (json_int_t)0, "total", (json_int_t)0);
    json_array_append_new(rows, row);
    return row;
}

static void credit_add(json_t *row, const char *column, int64_t quantity)
{
    json_object_set_new(row, column,
                        json_integer(json_integer_value(json_object_get(row, column)) + quantity));
    json_object_set_new(row, "total",
                        json_integer(json_integer_value(json_object_get(row, "total")) + quantity));
}

json_t *public_query_credits(db_t *db, db_error_t *err)
{
    static const char sql[] =
        "SELECT b.vintage, b.unit_type, a.type, SUM(b.last_serial - b.first_serial + 1) "
        "FROM blocks b JOIN accounts a ON a.id = b.account_id "
        "GROUP BY b.vintage, b.unit_type, a.type ORDER BY b.vintage, b.unit_type, a.type";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *rows = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        json_t *row = credit_row(rows, db_column_int64(stmt, 0), db_column_text(stmt, 1));
        credit_add(row, credit_column(db_column_text(stmt, 2)), db_column_int64(stmt, 3));
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(rows);
        return NULL;
    }
    return rows;
}

/* The transaction row of a certificate, or NULL. */
static json_t *certificate_head(db_t *db, int64_t transaction_id, db_error_t *err)
{
    static const char sql[] =
        "SELECT t.id, t.type, t.quantity, t.created_at, f.holder, d.type "
        "FROM transactions t JOIN accounts f ON f.id = t.from_account "
        "JOIN accounts d ON d.id = t.to_account "
        "WHERE t.id = ? AND t.type IN ('retire', 'cancel') AND t.status = 'completed'";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_int64(stmt, 1, transaction_id);
    json_t *head = NULL;
    if (db_step(stmt, err) == DB_ROW) {
        char date[11] = "";
        const char *created = db_column_text(stmt, 3);
        if (created) memcpy(date, created, strnlen(created, 10));
        head = json_pack("{sI ss sI ss ss ss}", "id", (json_int_t)db_column_int64(stmt, 0), "type",
                         db_column_text(stmt, 1), "quantity", (json_int_t)db_column_int64(stmt, 2),
                         "date", date, "holder", db_column_text(stmt, 4), "account_type",
                         db_column_text(stmt, 5));
    }
    db_reset(stmt);
    return head;
}

static int certificate_blocks(db_t *db, json_t *certificate, db_error_t *err)
{
    static const char sql[] =
        "SELECT tb.first_serial, tb.last_serial, tb.vintage, i.unit_type "
        "FROM transaction_blocks tb JOIN issuances i ON i.id = tb.issuance_id "
        "WHERE tb.transaction_id = ? ORDER BY tb.first_serial";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, json_integer_value(json_object_get(certificate, "id")));
    json_t *blocks = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW)
        json_array_append_new(blocks, json_pack("{sI sI sI ss}", "first",
                                                (json_int_t)db_column_int64(stmt, 0), "last",
                                                (json_int_t)db_column_int64(stmt, 1), "vintage",
                                                (json_int_t)db_column_int64(stmt, 2), "unit_type",
                                                db_column_text(stmt, 3)));
    db_reset(stmt);
    json_object_set_new(certificate, "blocks", blocks);
    return rc < 0 ? rc : 0;
}

/* The AEF meaning of the transaction's first action, when it has one. */
static int certificate_action(db_t *db, json_t *certificate, db_error_t *err)
{
    static const char sql[] = "SELECT action_type, purpose, using_party, using_entity "
                              "FROM aef_actions WHERE transaction_id = ? ORDER BY id LIMIT 1";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, json_integer_value(json_object_get(certificate, "id")));
    static const char *const keys[] = {"action_type", "purpose", "using_party", "using_entity"};
    int rc = db_step(stmt, err);
    for (int i = 0; i < 4; i++) {
        const char *value = rc == DB_ROW ? db_column_text(stmt, i) : NULL;
        json_object_set_new(certificate, keys[i], value ? json_string(value) : json_null());
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

json_t *public_query_certificate(db_t *db, int64_t transaction_id, db_error_t *err)
{
    err->code = 0;
    json_t *certificate = certificate_head(db, transaction_id, err);
    if (!certificate) return NULL;
    if (certificate_blocks(db, certificate, err) < 0 ||
        certificate_action(db, certificate, err) < 0) {
        json_decref(certificate);
        return NULL;
    }
    return certificate;
}
