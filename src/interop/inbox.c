/* inbox.c: the checks and the storage of inbound partner messages; handlers by message type. */
#include "inbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../store/ledger_store.h"
#include "partners.h"
#include "reconcile_link.h"
#include "transfer.h"

/* "ping": checks the channel (signatures and sequence both ways); answers the receiver's ID. */
static int handle_ping(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                       const envelope_t *message, json_t **result, a6_check_t *check, char *reason,
                       size_t reason_size, db_error_t *err)
{
    (void)db, (void)state, (void)message, (void)reason, (void)reason_size, (void)err;
    *check = A6_OK;
    *result = json_pack("{ss}", "registry", keys->registry_id);
    return 0;
}

/* "message.cancel": the partner's operator cancelled a message this registry never received (it
 * takes that message's sequence number); nothing to apply here. */
static int handle_cancel(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                         const envelope_t *message, json_t **result, a6_check_t *check,
                         char *reason, size_t reason_size, db_error_t *err)
{
    (void)db, (void)state, (void)keys, (void)reason, (void)reason_size, (void)err;
    *check = A6_OK;
    *result = json_pack("{sO}", "cancelled", json_object_get(message->payload, "cancels"));
    return 0;
}

static const inbox_route_t routes[] = {
    {"message.cancel", handle_cancel},           {"ping", handle_ping},
    {"transfer.proposal", transfer_on_proposal}, {"jcm.issuance", transfer_on_issuance},
    {"reconcile.freeze", reconcile_on_freeze},
};

char *inbox_answer_sign(const registry_keys_t *keys, const envelope_t *message, const char *time,
                        a6_check_t check, const char *reason, json_t *result)
{
    json_t *payload = json_pack("{ss ss}", "in_reply_to", message->id, "status",
                                check == A6_OK ? "accepted" : "rejected");
    if (!payload) return NULL;
    if (check != A6_OK) {
        json_object_set_new(payload, "code", json_integer(check));
        json_object_set_new(payload, "check", json_string(a6_check_name(check)));
        json_object_set_new(payload, "message", json_string(reason ? reason : ""));
    }
    if (result) json_object_set(payload, "result", result);
    char id[ENVELOPE_ID_SIZE];
    envelope_new_id(id);
    char *text = envelope_sign(keys, message->sender, id, 0, "answer", time, payload);
    json_decref(payload);
    return text;
}

typedef struct receive_operation {
    const registry_keys_t *keys;
    const envelope_t *message;
    const char *body;
    inbox_answer_t *answer;
} receive_operation_t;

static int refuse(inbox_answer_t *answer, a6_check_t check, const char *field, const char *why)
{
    answer->check = check;
    answer->field = field;
    snprintf(answer->message, sizeof answer->message, "%s: %s%s%s", field,
             a6_check_description(check), why ? ": " : "", why ? why : "");
    return WRITER_REJECTED;
}

/* The message stored under this id (the same message again: its first answer), if any. */
static int stored_answer(db_t *db, const envelope_t *message, char **answer, int *found, int *same,
                         db_error_t *err)
{
    static const char sql[] = "SELECT envelope, answer FROM messages WHERE id = ?";
    *found = *same = 0;
    *answer = NULL;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, message->id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        *found = 1;
        json_t *stored = json_loads(db_column_text(stmt, 0), 0, NULL);
        const char *a = json_string_value(json_object_get(stored, "signature"));
        const char *b = json_string_value(json_object_get(message->object, "signature"));
        /* Ed25519 signatures are deterministic: the same signature is the same content. */
        *same = a && b && strcmp(a, b) == 0;
        json_decref(stored);
        if (*same && !db_column_is_null(stmt, 1)) *answer = strdup(db_column_text(stmt, 1));
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static inbox_handler_fn handler_of(const char *type)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(routes[i].type, type) == 0) return routes[i].handler;
    return NULL;
}

static int store_inbound(db_t *db, ledger_state_t *state, const envelope_t *message,
                         const char *body, const char *answer, a6_check_t check, db_error_t *err)
{
    static const char sql[] = "INSERT INTO messages(id, direction, partner, sequence, type, "
                              "envelope, status, answer, attempts, created_at, answered_at) "
                              "VALUES (?, 'in', ?, ?, ?, ?, 'processed', ?, 1, ?, ?)";
    static const char sequence_sql[] = "UPDATE partners SET last_in_sequence = ? WHERE id = ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, message->id);
    db_bind_text(stmt, 2, message->sender);
    db_bind_int64(stmt, 3, message->sequence);
    db_bind_text(stmt, 4, message->type);
    db_bind_text(stmt, 5, body);
    db_bind_text(stmt, 6, answer);
    db_bind_text(stmt, 7, state->now);
    db_bind_text(stmt, 8, state->now);
    int rc = db_step_done(stmt, err);
    if (rc < 0) return rc;
    if (!(stmt = db_prepare(db, sequence_sql, err))) return DB_ERROR;
    db_bind_int64(stmt, 1, message->sequence);
    db_bind_text(stmt, 2, message->sender);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    char object[48];
    snprintf(object, sizeof object, "message/%s", message->id);
    json_t *payload = json_pack("{ss ss sI ss}", "partner", message->sender, "type", message->type,
                                "sequence", (json_int_t)message->sequence, "outcome",
                                check == A6_OK ? "accepted" : a6_check_name(check));
    rc = payload ? audit_append(db, &state->chain, state->now, message->sender, "message.receive",
                                object, payload, err)
                 : db_error_set(err, DB_ERROR, "out of memory");
    json_decref(payload);
    return rc;
}

static int apply_receive(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    receive_operation_t *op = context;
    const envelope_t *message = op->message;
    inbox_answer_t *answer = op->answer;
    partner_t partner;
    int found, same, rc = partner_load(db, message->sender, &partner, &found, err);
    if (rc < 0) return rc;
    if (!found) return refuse(answer, A6_CHECK_SENDER_UNKNOWN, "sender", message->sender);
    char *stored = NULL;
    if ((rc = stored_answer(db, message, &stored, &found, &same, err)) < 0) {
        free(stored);
        return rc;
    }
    if (found && same && stored) {
        answer->body = stored; /* the same message again: the same answer, nothing applied */
        return WRITER_REJECTED;
    }
    free(stored);
    if (found) return refuse(answer, A6_CHECK_MESSAGE_REPLAYED, "id", "other content");
    if (message->sequence <= partner.last_in_sequence)
        return refuse(answer, A6_CHECK_MESSAGE_REPLAYED, "sequence", "already used");
    if (message->sequence > partner.last_in_sequence + 1) {
        char why[64];
        snprintf(why, sizeof why, "expected %lld", (long long)partner.last_in_sequence + 1);
        return refuse(answer, A6_CHECK_SEQUENCE_GAP, "sequence", why);
    }
    inbox_handler_fn handler = handler_of(message->type);
    json_t *result = NULL;
    a6_check_t check = A6_CHECK_MESSAGE_TYPE_UNKNOWN;
    char reason[200];
    snprintf(reason, sizeof reason, "type %s", message->type);
    if (handler) {
        /* The handler's changes share this savepoint: a refusal must undo what it wrote, so it
         * runs in a nested savepoint of its own. */
        if ((rc = db_savepoint(db, err)) < 0) return rc;
        ledger_state_t before = *state;
        check = A6_OK;
        reason[0] = '\0';
        rc = handler(db, state, op->keys, message, &result, &check, reason, sizeof reason, err);
        if (rc < 0) {
            json_decref(result);
            return rc;
        }
        if (check != A6_OK) {
            *state = before;
            /* cached accounts may hold what the rollback undoes (history chains) */
            if (state->accounts) ledger_account_cache_clear(state->accounts);
            if ((rc = db_savepoint_rollback(db, err)) < 0) {
                json_decref(result);
                return rc;
            }
        }
        if ((rc = db_savepoint_release(db, err)) < 0) {
            json_decref(result);
            return rc;
        }
    }
    char *text = inbox_answer_sign(op->keys, message, state->now, check, reason, result);
    json_decref(result);
    if (!text) return db_error_set(err, DB_ERROR, "out of memory");
    rc = store_inbound(db, state, message, op->body, text, check, err);
    if (rc < 0) {
        free(text);
        return rc;
    }
    answer->body = text;
    return WRITER_ACCEPTED;
}

void inbox_receive(writer_t *w, db_t *reader, const registry_keys_t *keys, const char *body,
                   size_t length, inbox_answer_t *answer)
{
    memset(answer, 0, sizeof *answer);
    envelope_t message;
    const char *field;
    a6_check_t check = envelope_parse(body, length, &message, &field);
    if (check != A6_OK) {
        refuse(answer, check, field, NULL);
        envelope_release(&message);
        return;
    }
    db_error_t err = {0};
    partner_t partner;
    int found = 0;
    if (strcmp(message.receiver, keys->registry_id) != 0) {
        refuse(answer, A6_CHECK_RECEIVER_WRONG, "receiver", message.receiver);
    } else if (partner_load(reader, message.sender, &partner, &found, &err) < 0) {
        answer->store_error = DB_ERROR;
        snprintf(answer->message, sizeof answer->message, "storage error: %s", err.message);
    } else if (!found) {
        refuse(answer, A6_CHECK_SENDER_UNKNOWN, "sender", message.sender);
    } else if (message.sequence == 0 || envelope_verify(&message, partner.public_key) != A6_OK) {
        refuse(answer,
               message.sequence == 0 ? A6_CHECK_ENVELOPE_INVALID : A6_CHECK_SIGNATURE_INVALID,
               message.sequence == 0 ? "sequence" : "signature", NULL);
    } else {
        /* The body is stored as received, so it must be text. */
        char *text = strndup(body, length);
        receive_operation_t op = {keys, &message, text, answer};
        int rc = text ? writer_execute(w, apply_receive, &op, &err) : DB_ERROR;
        if (rc < 0) {
            answer->store_error = rc;
            snprintf(answer->message, sizeof answer->message, "storage error: %s",
                     text ? err.message : "out of memory");
        } else if (answer->body) {
            answer->check = A6_OK; /* processed now, or the first answer of the same message */
        }
        free(text);
    }
    envelope_release(&message);
}
