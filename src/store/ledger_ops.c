/* ledger_ops.c: ledger operations that combine several steps in one writer operation. */
#include <stdio.h>
#include <string.h>

#include "ledger_ops.h"

typedef struct default_account_operation {
    const char *actor;
    ledger_account_type_t type;
    const char *party;
    int64_t id;
} default_account_operation_t;

static int apply_default_account(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char sql[] = "SELECT MIN(id) FROM accounts WHERE type = ? AND status = 'open' "
                              "AND holder = 'Registry'";
    default_account_operation_t *op = context;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, ledger_account_type_name(op->type));
    int rc = db_step(stmt, err);
    op->id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (op->id) return WRITER_ACCEPTED;
    ledger_request_t open = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                             .actor = op->actor,
                             .holder = "Registry",
                             .account_type = op->type,
                             .party = op->party};
    ledger_result_t result;
    if ((rc = ledger_apply(db, state, &open, &result, err)) < 0) return rc;
    if (result.check != A6_OK) return db_error_set(err, DB_ERROR, "%s", result.message);
    op->id = result.id;
    return WRITER_ACCEPTED;
}

int ledger_default_account(writer_t *w, const char *actor, ledger_account_type_t type,
                           const char *party, int64_t *id, db_error_t *err)
{
    default_account_operation_t op = {.actor = actor, .type = type, .party = party};
    int rc = writer_execute(w, apply_default_account, &op, err);
    *id = op.id;
    return rc == WRITER_ACCEPTED ? 0 : rc < 0 ? rc : DB_ERROR;
}
