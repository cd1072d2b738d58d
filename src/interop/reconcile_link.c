/* reconcile_link.c: the network side of reconciliation: the lists from the ledger, the signed
 * queries and their answers, the freezes. The comparison itself is core/reconcile.c's. */
#include "reconcile_link.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../store/clock.h"
#include "../store/ledger_store.h"
#include "../store/itmo_apply.h"
#include "http_client.h"

#define RECON_FANOUT 16
#define RECON_LEAF_BLOCKS 16
#define RECON_NODES_MAX 4096
#define RECON_TOTALS_MAX 65536
#define RECON_DIFFS_MAX 1000

/* ---- the list ---- */

static int block_order(const void *a, const void *b)
{
    const a6_recon_block_t *x = a, *y = b;
    int c = strcmp(x->origin, y->origin);
    if (c) return c;
    return x->first < y->first ? -1 : x->first > y->first;
}

int reconcile_blocks_load(db_t *db, const char *registry_id, const char *partner,
                          a6_recon_block_t **blocks, size_t *count, db_error_t *err)
{
    /* Units in the partner's account here, and units acquired from the partner, wherever they
     * are now: both in their origin registry's serials. */
    static const char sql[] =
        "SELECT COALESCE(i.origin_registry, ?), "
        "b.first_serial + COALESCE(i.origin_first - i.first_serial, 0), "
        "b.last_serial + COALESCE(i.origin_first - i.first_serial, 0), b.vintage "
        "FROM blocks b JOIN issuances i ON i.id = b.issuance_id "
        "JOIN accounts a ON a.id = b.account_id "
        "WHERE ((a.type = 'partner' AND a.holder = ?) OR i.acquired_from = ?) "
        /* units sent back to their origin registry no longer concern the two */
        "AND NOT (a.type = 'partner' AND COALESCE(i.origin_registry, ?) = a.holder)";
    *blocks = NULL;
    *count = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, registry_id);
    db_bind_text(stmt, 2, partner);
    db_bind_text(stmt, 3, partner);
    db_bind_text(stmt, 4, registry_id);
    size_t capacity = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 256;
            a6_recon_block_t *grown = realloc(*blocks, capacity * sizeof *grown);
            if (!grown) {
                db_reset(stmt);
                return db_error_set(err, DB_ERROR, "out of memory");
            }
            *blocks = grown;
        }
        a6_recon_block_t *b = &(*blocks)[(*count)++];
        memset(b, 0, sizeof *b);
        snprintf(b->origin, sizeof b->origin, "%s", db_column_text(stmt, 0));
        b->first = db_column_int64(stmt, 1);
        b->last = db_column_int64(stmt, 2);
        b->vintage = (int32_t)db_column_int64(stmt, 3);
        b->issuance_id = 1; /* issuances are numbered by each registry: not compared */
        b->status = A6_RECON_HELD;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    if (*count) qsort(*blocks, *count, sizeof **blocks, block_order);
    /* Canonical: adjacent blocks of equal attributes merged, however transfers split them. */
    size_t out = 0;
    for (size_t i = 0; i < *count; i++) {
        a6_recon_block_t *last = out ? &(*blocks)[out - 1] : NULL;
        const a6_recon_block_t *b = &(*blocks)[i];
        if (last && strcmp(last->origin, b->origin) == 0 && last->last + 1 == b->first &&
            last->vintage == b->vintage)
            last->last = b->last;
        else
            (*blocks)[out++] = *b;
    }
    *count = out;
    return 0;
}

/* ---- the wire ---- */

static json_t *range_json(const a6_recon_range_t *r)
{
    return json_pack("[sII]", r->origin, (json_int_t)r->lo, (json_int_t)r->hi);
}

static bool range_parse(json_t *item, a6_recon_range_t *r)
{
    const char *origin;
    json_int_t lo, hi;
    if (json_unpack(item, "[sII]", &origin, &lo, &hi) != 0 || strlen(origin) >= sizeof r->origin)
        return false;
    memset(r, 0, sizeof *r);
    snprintf(r->origin, sizeof r->origin, "%s", origin);
    r->lo = lo;
    r->hi = hi;
    return a6_recon_range_check(r) == A6_OK;
}

static void hex(const uint8_t *bytes, size_t size, char *out)
{
    envelope_hex_encode(bytes, size, out);
}

/* The answer to one query over list (a6_recon_answer_*), as the result object. */
static a6_check_t answer_query(const envelope_t *query, const a6_recon_block_t *list, size_t count,
                               json_t **result)
{
    *result = NULL;
    if (strcmp(query->type, "reconcile.totals") == 0) {
        a6_recon_totals_t *totals = calloc(count ? count : 1, sizeof *totals);
        size_t n = 0;
        if (!totals || a6_recon_totals(list, count, totals, count ? count : 1, &n) != A6_OK) {
            free(totals);
            return A6_CHECK_ENVELOPE_INVALID;
        }
        json_t *rows = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                rows, json_pack("[sIIIIIII]", totals[i].origin, (json_int_t)totals[i].issuance_id,
                                (json_int_t)totals[i].blocks, (json_int_t)totals[i].units[0],
                                (json_int_t)totals[i].units[1], (json_int_t)totals[i].units[2],
                                (json_int_t)totals[i].first_min, (json_int_t)totals[i].last_max));
        free(totals);
        *result = json_pack("{so}", "totals", rows);
        return A6_OK;
    }
    json_t *ranges = json_object_get(query->payload, "ranges");
    size_t n = json_array_size(ranges);
    if (!n || n > RECON_NODES_MAX) return A6_CHECK_ENVELOPE_INVALID;
    a6_recon_range_t *asked = calloc(n, sizeof *asked);
    if (!asked) return A6_CHECK_ENVELOPE_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!range_parse(json_array_get(ranges, i), &asked[i])) {
            free(asked);
            return A6_CHECK_ENVELOPE_INVALID;
        }
    a6_check_t check = A6_CHECK_MESSAGE_TYPE_UNKNOWN;
    if (strcmp(query->type, "reconcile.nodes") == 0) {
        a6_recon_node_t *nodes = calloc(n, sizeof *nodes);
        check =
            nodes ? a6_recon_answer_nodes(list, count, asked, n, nodes) : A6_CHECK_ENVELOPE_INVALID;
        if (check == A6_OK) {
            json_t *rows = json_array();
            for (size_t i = 0; i < n; i++) {
                char h[2 * A6_RECON_HASH_BYTES + 1];
                hex(nodes[i].hash, sizeof nodes[i].hash, h);
                json_array_append_new(rows, json_pack("[Is]", (json_int_t)nodes[i].count, h));
            }
            *result = json_pack("{so}", "nodes", rows);
        }
        free(nodes);
    } else if (strcmp(query->type, "reconcile.blocks") == 0) {
        size_t max = count ? count : 1;
        a6_recon_block_t *out = calloc(max, sizeof *out);
        size_t *counts = calloc(n, sizeof *counts);
        check = out && counts ? a6_recon_answer_blocks(list, count, asked, n, out, max, counts)
                              : A6_CHECK_ENVELOPE_INVALID;
        if (check == A6_OK) {
            json_t *sizes = json_array(), *rows = json_array();
            size_t total = 0;
            for (size_t i = 0; i < n; i++) {
                json_array_append_new(sizes, json_integer((json_int_t)counts[i]));
                total += counts[i];
            }
            for (size_t i = 0; i < total; i++) {
                uint8_t bytes[A6_RECON_BLOCK_BYTES];
                char h[2 * A6_RECON_BLOCK_BYTES + 1];
                a6_recon_block_encode(&out[i], bytes);
                hex(bytes, sizeof bytes, h);
                json_array_append_new(rows, json_string(h));
            }
            *result = json_pack("{so so}", "counts", sizes, "blocks", rows);
        }
        free(out);
        free(counts);
    }
    free(asked);
    return check;
}

static const char audit_head_sql[] = "SELECT COALESCE(MAX(seq), 0) FROM audit_log";

struct reconcile_cache {
    pthread_mutex_t lock;
    char partner[8];
    int64_t audit_head; /* the audit log's last seq when the list was built */
    a6_recon_block_t *blocks;
    size_t count;
};

reconcile_cache_t *reconcile_cache_new(void)
{
    reconcile_cache_t *cache = calloc(1, sizeof *cache);
    if (cache) pthread_mutex_init(&cache->lock, NULL);
    return cache;
}

void reconcile_cache_free(reconcile_cache_t *cache)
{
    if (!cache) return;
    pthread_mutex_destroy(&cache->lock);
    free(cache->blocks);
    free(cache);
}

/* The partner's list from the cache when the ledger has not changed since, else built (and
 * cached). The caller answers with it while holding the cache's lock (*locked). */
static int cached_list(db_t *reader, const registry_keys_t *keys, reconcile_cache_t *cache,
                       const char *partner, bool fresh, a6_recon_block_t **blocks, size_t *count,
                       bool *owned, db_error_t *err)
{
    *owned = true;
    if (!cache)
        return reconcile_blocks_load(reader, keys->registry_id, partner, blocks, count, err);
    int64_t head;
    int rc = db_query_int64(reader, audit_head_sql, &head, err);
    if (rc < 0) return rc;
    if (fresh || !cache->blocks || strcmp(cache->partner, partner) != 0 ||
        cache->audit_head != head) {
        free(cache->blocks);
        cache->blocks = NULL;
        cache->count = 0;
        if ((rc = reconcile_blocks_load(reader, keys->registry_id, partner, &cache->blocks,
                                        &cache->count, err)) < 0)
            return rc;
        if (!cache->blocks) cache->blocks = calloc(1, sizeof *cache->blocks);
        snprintf(cache->partner, sizeof cache->partner, "%s", partner);
        cache->audit_head = head;
    }
    *blocks = cache->blocks;
    *count = cache->count;
    *owned = false;
    return 0;
}

/* "message.status" {id}: whether a message of the asking partner was processed here, with its
 * answer, and the last sequence number taken from that partner (for `partner resolve`). */
static void message_status_answer(db_t *reader, const registry_keys_t *keys,
                                  const envelope_t *query, inbox_answer_t *answer)
{
    static const char sql[] = "SELECT answer FROM messages WHERE id = ? AND partner = ? "
                              "AND direction = 'in'";
    static const char last_sql[] = "SELECT last_in_sequence FROM partners WHERE id = ?";
    const char *id = json_string_value(json_object_get(query->payload, "id"));
    db_error_t err = {0};
    json_t *result = json_object();
    db_stmt_t *stmt = id ? db_prepare(reader, sql, &err) : NULL;
    int rc = DB_ERROR;
    if (stmt) {
        db_bind_text(stmt, 1, id);
        db_bind_text(stmt, 2, query->sender);
        rc = db_step(stmt, &err);
        json_object_set_new(result, "known", json_boolean(rc == DB_ROW));
        json_object_set_new(result, "answer",
                            rc == DB_ROW && !db_column_is_null(stmt, 0)
                                ? json_string(db_column_text(stmt, 0))
                                : json_null());
        db_reset(stmt);
    }
    if (rc >= 0 && (stmt = db_prepare(reader, last_sql, &err))) {
        db_bind_text(stmt, 1, query->sender);
        rc = db_step(stmt, &err);
        json_object_set_new(result, "last_sequence",
                            json_integer(rc == DB_ROW ? db_column_int64(stmt, 0) : 0));
        db_reset(stmt);
    }
    if (rc < 0) {
        json_decref(result);
        answer->store_error = DB_ERROR;
        snprintf(answer->message, sizeof answer->message, "storage error: %s",
                 id ? err.message : "no id");
        return;
    }
    char now[CLOCK_ISO_SIZE];
    clock_now_iso(now);
    answer->body = inbox_answer_sign(keys, query, now, A6_OK, NULL, result);
    json_decref(result);
    answer->check = answer->body ? A6_OK : A6_CHECK_ENVELOPE_INVALID;
}

void reconcile_answer(db_t *reader, const registry_keys_t *keys, reconcile_cache_t *cache,
                      const char *body, size_t length, inbox_answer_t *answer)
{
    memset(answer, 0, sizeof *answer);
    envelope_t query;
    const char *field;
    a6_check_t check = envelope_parse(body, length, &query, &field);
    partner_t partner;
    int found = 0;
    db_error_t err = {0};
    if (check == A6_OK && strcmp(query.receiver, keys->registry_id) != 0) {
        check = A6_CHECK_RECEIVER_WRONG;
        field = "receiver";
    } else if (check == A6_OK && partner_load(reader, query.sender, &partner, &found, &err) < 0) {
        answer->store_error = DB_ERROR;
        snprintf(answer->message, sizeof answer->message, "storage error: %s", err.message);
        envelope_release(&query);
        return;
    } else if (check == A6_OK && !found) {
        check = A6_CHECK_SENDER_UNKNOWN;
        field = "sender";
    } else if (check == A6_OK && query.sequence != 0) {
        check = A6_CHECK_ENVELOPE_INVALID;
        field = "sequence"; /* queries change nothing and take no sequence number */
    } else if (check == A6_OK && envelope_verify(&query, partner.public_key) != A6_OK) {
        check = A6_CHECK_SIGNATURE_INVALID;
        field = "signature";
    }
    if (check != A6_OK) {
        answer->check = check;
        answer->field = field;
        snprintf(answer->message, sizeof answer->message, "%s: %s", field,
                 a6_check_description(check));
        envelope_release(&query);
        return;
    }
    if (strcmp(query.type, "message.status") == 0) {
        message_status_answer(reader, keys, &query, answer);
        envelope_release(&query);
        return;
    }
    a6_recon_block_t *list = NULL;
    size_t count = 0;
    bool owned = true;
    if (cache) pthread_mutex_lock(&cache->lock);
    /* A reconciliation starts with the totals: its list is read afresh then, and reused for the
     * rest of that run's questions while the ledger does not change. */
    bool fresh = strcmp(query.type, "reconcile.totals") == 0;
    if (cached_list(reader, keys, cache, query.sender, fresh, &list, &count, &owned, &err) < 0) {
        answer->store_error = DB_ERROR;
        snprintf(answer->message, sizeof answer->message, "storage error: %s", err.message);
    } else {
        json_t *result = NULL;
        check = answer_query(&query, list, count, &result);
        char now[CLOCK_ISO_SIZE];
        clock_now_iso(now);
        answer->body = inbox_answer_sign(
            keys, &query, now, check, check == A6_OK ? NULL : a6_check_description(check), result);
        json_decref(result);
        answer->check = answer->body ? A6_OK : A6_CHECK_ENVELOPE_INVALID;
    }
    if (owned) free(list);
    if (cache) pthread_mutex_unlock(&cache->lock);
    envelope_release(&query);
}

/* ---- asking the partner ---- */

typedef struct peer {
    const registry_keys_t *keys;
    partner_t partner;
    long timeout_ms;
    char url[PARTNER_URL_MAX + 64];
    char error[256];
} peer_t;

/* Sends one signed query; returns its result (caller releases) or NULL with peer->error. */
static json_t *ask(peer_t *peer, const char *type, json_t *payload)
{
    char id[ENVELOPE_ID_SIZE], now[CLOCK_ISO_SIZE];
    envelope_new_id(id);
    clock_now_iso(now);
    char *text = envelope_sign(peer->keys, peer->partner.id, id, 0, type, now, payload);
    if (!text) return snprintf(peer->error, sizeof peer->error, "out of memory"), NULL;
    http_buffer_t body = {0};
    long status =
        http_post_json(peer->url, text, peer->timeout_ms, &body, peer->error, sizeof peer->error);
    free(text);
    json_t *result = NULL;
    envelope_t answer = {0};
    const char *field;
    if (status != 200 || !body.data) {
        if (status)
            snprintf(peer->error, sizeof peer->error, "HTTP %ld: %.180s", status,
                     body.data ? body.data : "");
    } else if (envelope_parse(body.data, body.length, &answer, &field) != A6_OK ||
               strcmp(answer.sender, peer->partner.id) != 0 ||
               envelope_verify(&answer, peer->partner.public_key) != A6_OK ||
               strcmp(json_string_value(json_object_get(answer.payload, "in_reply_to"))
                          ? json_string_value(json_object_get(answer.payload, "in_reply_to"))
                          : "",
                      id) != 0) {
        snprintf(peer->error, sizeof peer->error, "the answer is not the partner's signed answer");
    } else if (!json_is_object(json_object_get(answer.payload, "result"))) {
        snprintf(peer->error, sizeof peer->error, "the partner refused: %.180s",
                 json_string_value(json_object_get(answer.payload, "message"))
                     ? json_string_value(json_object_get(answer.payload, "message"))
                     : "");
    } else {
        result = json_incref(json_object_get(answer.payload, "result"));
    }
    envelope_release(&answer);
    free(body.data);
    return result;
}

static a6_check_t ask_totals(void *context, a6_recon_totals_t *totals, size_t totals_max,
                             size_t *totals_count)
{
    peer_t *peer = context;
    json_t *payload = json_object(), *result = ask(peer, "reconcile.totals", payload);
    json_decref(payload);
    if (!result) return A6_CHECK_PARTNER_UNREACHABLE;
    json_t *rows = json_object_get(result, "totals");
    size_t i;
    json_t *row;
    *totals_count = 0;
    a6_check_t check = json_is_array(rows) && json_array_size(rows) <= totals_max
                           ? A6_OK
                           : A6_CHECK_ENVELOPE_INVALID;
    json_array_foreach(rows, i, row)
    {
        const char *origin;
        json_int_t v[7];
        a6_recon_totals_t *t = &totals[i];
        if (check != A6_OK ||
            json_unpack(row, "[sIIIIIII]", &origin, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                        &v[6]) != 0 ||
            strlen(origin) >= sizeof t->origin) {
            check = A6_CHECK_ENVELOPE_INVALID;
            break;
        }
        memset(t, 0, sizeof *t);
        snprintf(t->origin, sizeof t->origin, "%s", origin);
        t->issuance_id = v[0];
        t->blocks = v[1];
        t->units[0] = v[2];
        t->units[1] = v[3];
        t->units[2] = v[4];
        t->first_min = v[5];
        t->last_max = v[6];
        (*totals_count)++;
    }
    json_decref(result);
    return check;
}

static json_t *ranges_json(const a6_recon_range_t *ranges, size_t count)
{
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, range_json(&ranges[i]));
    return json_pack("{so}", "ranges", list);
}

static a6_check_t ask_nodes(void *context, const a6_recon_range_t *ranges, size_t range_count,
                            a6_recon_node_t *nodes)
{
    peer_t *peer = context;
    json_t *payload = ranges_json(ranges, range_count);
    json_t *result = ask(peer, "reconcile.nodes", payload);
    json_decref(payload);
    if (!result) return A6_CHECK_PARTNER_UNREACHABLE;
    json_t *rows = json_object_get(result, "nodes");
    a6_check_t check = json_array_size(rows) == range_count ? A6_OK : A6_CHECK_ENVELOPE_INVALID;
    for (size_t i = 0; check == A6_OK && i < range_count; i++) {
        json_int_t n;
        const char *h;
        nodes[i].range = ranges[i];
        if (json_unpack(json_array_get(rows, i), "[Is]", &n, &h) != 0 || n < 0 ||
            !envelope_hex_decode(h, nodes[i].hash, sizeof nodes[i].hash))
            check = A6_CHECK_ENVELOPE_INVALID;
        else
            nodes[i].count = (uint64_t)n;
    }
    json_decref(result);
    return check;
}

static a6_check_t ask_blocks(void *context, const a6_recon_range_t *ranges, size_t range_count,
                             a6_recon_block_t *blocks, size_t blocks_max, size_t *block_counts)
{
    peer_t *peer = context;
    json_t *payload = ranges_json(ranges, range_count);
    json_t *result = ask(peer, "reconcile.blocks", payload);
    json_decref(payload);
    if (!result) return A6_CHECK_PARTNER_UNREACHABLE;
    json_t *counts = json_object_get(result, "counts"), *rows = json_object_get(result, "blocks");
    a6_check_t check = json_array_size(counts) == range_count && json_array_size(rows) <= blocks_max
                           ? A6_OK
                           : A6_CHECK_ENVELOPE_INVALID;
    for (size_t i = 0; check == A6_OK && i < range_count; i++)
        block_counts[i] = (size_t)json_integer_value(json_array_get(counts, i));
    for (size_t i = 0; check == A6_OK && i < json_array_size(rows); i++) {
        uint8_t bytes[A6_RECON_BLOCK_BYTES];
        if (!envelope_hex_decode(json_string_value(json_array_get(rows, i)), bytes, sizeof bytes) ||
            a6_recon_block_decode(bytes, &blocks[i]) != A6_OK)
            check = A6_CHECK_ENVELOPE_INVALID;
    }
    json_decref(result);
    return check;
}

json_t *reconcile_ask_status(db_t *reader, const registry_keys_t *keys, const char *partner,
                             const char *message_id, long timeout_ms, char *error,
                             size_t error_size)
{
    peer_t peer = {.keys = keys, .timeout_ms = timeout_ms};
    int found = 0;
    db_error_t err = {0};
    if (partner_load(reader, partner, &peer.partner, &found, &err) < 0 || !found) {
        snprintf(error, error_size, "no partner %s", partner);
        return NULL;
    }
    snprintf(peer.url, sizeof peer.url, "%s/api/v1/interop/queries", peer.partner.url);
    json_t *payload = json_pack("{ss}", "id", message_id);
    json_t *result = ask(&peer, "message.status", payload);
    json_decref(payload);
    if (!result) snprintf(error, error_size, "%s", peer.error);
    return result;
}

/* ---- freezes ---- */

typedef struct freeze_operation {
    const registry_keys_t *keys;
    const char *partner;
    const a6_recon_block_diff_t *diffs;
    size_t count;
    json_t *list; /* the diffs as JSON, with their freeze ids */
    int64_t frozen;
} freeze_operation_t;

static json_t *block_json(const a6_recon_block_t *b)
{
    if (!b->first) return json_null();
    return json_pack("{ss sI sI si}", "origin", b->origin, "first", (json_int_t)b->first, "last",
                     (json_int_t)b->last, "vintage", (int)b->vintage);
}

/* Freezes the local units of origin block b (NULL local range when none is held here). */
static int freeze_block(db_t *db, ledger_state_t *state, const char *partner,
                        const a6_recon_block_t *b, const char *reason, json_t *ids, int64_t *frozen,
                        db_error_t *err)
{
    /* The local serials of the part of each issuance that block covers: origin start O, local
     * start first_serial, clipped to [first, last] (CASE keeps the SQL portable). */
    static const char local_sql[] =
        "SELECT i.first_serial + (CASE WHEN ? > o THEN ? ELSE o END) - o, "
        "i.first_serial + (CASE WHEN ? < o + i.quantity - 1 THEN ? ELSE o + i.quantity - 1 END) - "
        "o "
        "FROM (SELECT id, COALESCE(origin_first, first_serial) AS o FROM issuances "
        "WHERE (origin_registry = ? OR (origin_registry IS NULL AND ? = ?))) AS m "
        "JOIN issuances i ON i.id = m.id WHERE o <= ? AND o + i.quantity - 1 >= ?";
    static const char id_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM frozen_blocks";
    static const char sql[] = "INSERT INTO frozen_blocks(id, partner, origin, origin_first, "
                              "origin_last, local_first, local_last, reason, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    itmo_registry_t registry;
    int rc = itmo_registry_load(db, &registry, err);
    if (rc < 0) return rc;
    int64_t ranges[64][2];
    size_t n = 0;
    db_stmt_t *stmt = db_prepare(db, local_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, b->first);
    db_bind_int64(stmt, 2, b->first);
    db_bind_int64(stmt, 3, b->last);
    db_bind_int64(stmt, 4, b->last);
    db_bind_text(stmt, 5, b->origin);
    db_bind_text(stmt, 6, b->origin);
    db_bind_text(stmt, 7, registry.registry_id);
    db_bind_int64(stmt, 8, b->last);
    db_bind_int64(stmt, 9, b->first);
    while ((rc = db_step(stmt, err)) == DB_ROW && n < 64) {
        ranges[n][0] = db_column_int64(stmt, 0);
        ranges[n][1] = db_column_int64(stmt, 1);
        n++;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    for (size_t k = 0; k < (n ? n : 1); k++) {
        int64_t id;
        if (!(stmt = db_prepare(db, id_sql, err))) return DB_ERROR;
        rc = db_step(stmt, err);
        id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
        db_reset(stmt);
        if (rc < 0) return rc;
        if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
        db_bind_int64(stmt, 1, id);
        db_bind_text(stmt, 2, partner);
        db_bind_text(stmt, 3, b->origin);
        db_bind_int64(stmt, 4, b->first);
        db_bind_int64(stmt, 5, b->last);
        if (n) {
            db_bind_int64(stmt, 6, ranges[k][0]);
            db_bind_int64(stmt, 7, ranges[k][1]);
        } else {
            db_bind_null(stmt, 6);
            db_bind_null(stmt, 7);
        }
        db_bind_text(stmt, 8, reason);
        db_bind_text(stmt, 9, state->now);
        if ((rc = db_step_done(stmt, err)) < 0) return rc;
        if (n) {
            state->frozen_active++;
            (*frozen)++;
        }
        json_array_append_new(ids, json_integer(id));
        if ((rc = ledger_audit(db, state, "registry", "reconcile.freeze", "freeze", id,
                               json_pack("{ss ss sI sI ss}", "partner", partner, "origin",
                                         b->origin, "first", (json_int_t)b->first, "last",
                                         (json_int_t)b->last, "reason", reason),
                               err)) < 0)
            return rc;
    }
    return 0;
}

static const char *kind_name(a6_recon_diff_kind_t kind)
{
    return kind == A6_RECON_ONLY_MINE     ? "only here"
           : kind == A6_RECON_ONLY_THEIRS ? "only at the partner"
                                          : "different";
}

static int apply_freeze(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    freeze_operation_t *op = context;
    for (size_t i = 0; i < op->count; i++) {
        const a6_recon_block_diff_t *d = &op->diffs[i];
        json_t *ids = json_array();
        const a6_recon_block_t *b = d->mine.first ? &d->mine : &d->theirs;
        int rc = freeze_block(db, state, op->partner, b, kind_name(d->kind), ids, &op->frozen, err);
        if (rc < 0) {
            json_decref(ids);
            return rc;
        }
        json_array_append_new(op->list, json_pack("{ss so so so}", "kind", kind_name(d->kind),
                                                  "mine", block_json(&d->mine), "theirs",
                                                  block_json(&d->theirs), "freezes", ids));
    }
    /* The partner freezes the same units on its side (its operator resolves them there). */
    json_t *blocks = json_array();
    for (size_t i = 0; i < op->count; i++) {
        const a6_recon_block_diff_t *d = &op->diffs[i];
        const a6_recon_block_t *b = d->mine.first ? &d->mine : &d->theirs;
        json_array_append_new(blocks, json_pack("{ss sI sI ss}", "origin", b->origin, "first",
                                                (json_int_t)b->first, "last", (json_int_t)b->last,
                                                "reason", kind_name(d->kind)));
    }
    json_t *payload = json_pack("{so}", "blocks", blocks);
    char id[ENVELOPE_ID_SIZE];
    int rc = payload ? message_enqueue(db, state, op->keys, op->partner, "reconcile.freeze",
                                       payload, id, err)
                     : db_error_set(err, DB_ERROR, "out of memory");
    json_decref(payload);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

int reconcile_on_freeze(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                        const envelope_t *message, json_t **result, a6_check_t *check, char *reason,
                        size_t reason_size, db_error_t *err)
{
    (void)keys;
    json_t *blocks = json_object_get(message->payload, "blocks");
    if (!json_is_array(blocks) || json_array_size(blocks) == 0 ||
        json_array_size(blocks) > RECON_DIFFS_MAX) {
        *check = A6_CHECK_ENVELOPE_INVALID;
        snprintf(reason, reason_size, "a freeze names 1 to %d blocks", RECON_DIFFS_MAX);
        return 0;
    }
    json_t *ids = json_array();
    int64_t frozen = 0;
    size_t i;
    json_t *item;
    json_array_foreach(blocks, i, item)
    {
        const char *origin, *why;
        json_int_t first, last;
        a6_recon_block_t b = {0};
        if (json_unpack(item, "{s:s, s:I, s:I, s:s}", "origin", &origin, "first", &first, "last",
                        &last, "reason", &why) != 0 ||
            a6_registry_id_check(origin) != A6_OK || first <= 0 || last < first ||
            last > LEDGER_SERIAL_MAX) {
            json_decref(ids);
            *check = A6_CHECK_BLOCK_INVALID;
            snprintf(reason, reason_size, "a frozen block is {origin, first, last, reason}");
            return 0;
        }
        snprintf(b.origin, sizeof b.origin, "%s", origin);
        b.first = first;
        b.last = last;
        char text[96];
        snprintf(text, sizeof text, "partner reconciliation: %.60s", why);
        int rc = freeze_block(db, state, message->sender, &b, text, ids, &frozen, err);
        if (rc < 0) {
            json_decref(ids);
            return rc;
        }
    }
    *check = A6_OK;
    *result = json_pack("{sI so}", "frozen", (json_int_t)frozen, "freezes", ids);
    return 0;
}

int reconcile_run(writer_t *w, db_t *reader, const registry_keys_t *keys, const char *partner,
                  long timeout_ms, reconcile_outcome_t *out, db_error_t *err)
{
    memset(out, 0, sizeof *out);
    peer_t peer = {.keys = keys, .timeout_ms = timeout_ms};
    int found = 0, rc = partner_load(reader, partner, &peer.partner, &found, err);
    if (rc < 0) return rc;
    if (!found) {
        out->check = A6_CHECK_PARTNER_NOT_FOUND;
        snprintf(out->message, sizeof out->message, "no partner %s", partner);
        return 0;
    }
    snprintf(peer.url, sizeof peer.url, "%s/api/v1/interop/queries", peer.partner.url);
    a6_recon_block_t *list = NULL;
    size_t count = 0;
    if ((rc = reconcile_blocks_load(reader, keys->registry_id, partner, &list, &count, err)) < 0)
        return rc;
    a6_recon_config_t config = {RECON_FANOUT, RECON_LEAF_BLOCKS, RECON_NODES_MAX, RECON_TOTALS_MAX};
    size_t bytes = a6_recon_memory_bytes(&config);
    void *memory = malloc(bytes);
    a6_recon_block_diff_t *diffs = calloc(RECON_DIFFS_MAX, sizeof *diffs);
    a6_recon_peer_t callbacks = {&peer, ask_totals, ask_nodes, ask_blocks};
    a6_recon_report_t report = {.block_diffs = diffs, .block_diffs_max = RECON_DIFFS_MAX};
    out->check = memory && diffs
                     ? a6_recon_run(&callbacks, list, count, &config, memory, bytes, &report)
                     : A6_CHECK_QUANTITY_INVALID;
    free(memory);
    free(list);
    out->blocks_mine = count;
    out->round_trips = report.round_trips;
    out->differences = report.block_diff_count;
    out->blocks_theirs_asked = report.blocks_received;
    if (out->check != A6_OK) {
        snprintf(out->message, sizeof out->message, "%s%s%s", a6_check_description(out->check),
                 *peer.error ? ": " : "", peer.error);
        free(diffs);
        return 0;
    }
    freeze_operation_t op = {.keys = keys,
                             .partner = partner,
                             .diffs = diffs,
                             .count = report.block_diff_count < RECON_DIFFS_MAX
                                          ? report.block_diff_count
                                          : RECON_DIFFS_MAX,
                             .list = json_array()};
    rc = op.count ? writer_execute(w, apply_freeze, &op, err) : 0;
    free(diffs);
    if (rc < 0) {
        json_decref(op.list);
        return rc;
    }
    out->diffs = op.list;
    out->frozen = op.frozen;
    return 0;
}

/* ---- resolving ---- */

typedef struct resolve_operation {
    const char *actor;
    int64_t id;
    partner_result_t *result;
} resolve_operation_t;

static int apply_resolve(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char find_sql[] = "SELECT local_first IS NOT NULL FROM frozen_blocks "
                                   "WHERE id = ? AND resolved_at IS NULL";
    static const char sql[] = "UPDATE frozen_blocks SET resolved_at = ?, resolved_by = ? "
                              "WHERE id = ?";
    resolve_operation_t *op = context;
    db_stmt_t *stmt = db_prepare(db, find_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, op->id);
    int rc = db_step(stmt, err);
    int held = rc == DB_ROW ? (int)db_column_int64(stmt, 0) : -1;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (held < 0) {
        op->result->check = A6_CHECK_FREEZE_NOT_FOUND;
        op->result->field = "freeze";
        snprintf(op->result->message, sizeof op->result->message, "freeze: %s",
                 a6_check_description(A6_CHECK_FREEZE_NOT_FOUND));
        return WRITER_REJECTED;
    }
    if (!(stmt = db_prepare(db, sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, state->now);
    db_bind_text(stmt, 2, op->actor);
    db_bind_int64(stmt, 3, op->id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    if (held) state->frozen_active--;
    rc = ledger_audit(db, state, op->actor, "reconcile.resolve", "freeze", op->id,
                      json_pack("{sI}", "freeze", (json_int_t)op->id), err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

void reconcile_resolve(writer_t *w, const char *actor, int64_t freeze, partner_result_t *result)
{
    memset(result, 0, sizeof *result);
    resolve_operation_t op = {actor, freeze, result};
    db_error_t err = {0};
    int rc = writer_execute(w, apply_resolve, &op, &err);
    if (rc < 0) {
        result->store_error = rc;
        snprintf(result->message, sizeof result->message, "storage error: %s", err.message);
    }
}

json_t *reconcile_freezes(db_t *db, db_error_t *err)
{
    static const char sql[] = "SELECT id, partner, origin, origin_first, origin_last, "
                              "local_first, local_last, reason, created_at, resolved_at "
                              "FROM frozen_blocks ORDER BY resolved_at IS NOT NULL, id";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        json_t *row =
            json_pack("{sI ss ss sI sI ss ss}", "id", (json_int_t)db_column_int64(stmt, 0),
                      "partner", db_column_text(stmt, 1), "origin", db_column_text(stmt, 2),
                      "origin_first", (json_int_t)db_column_int64(stmt, 3), "origin_last",
                      (json_int_t)db_column_int64(stmt, 4), "reason", db_column_text(stmt, 7),
                      "created_at", db_column_text(stmt, 8));
        json_object_set_new(row, "local_first",
                            db_column_is_null(stmt, 5) ? json_null()
                                                       : json_integer(db_column_int64(stmt, 5)));
        json_object_set_new(row, "local_last",
                            db_column_is_null(stmt, 6) ? json_null()
                                                       : json_integer(db_column_int64(stmt, 6)));
        json_object_set_new(row, "resolved_at",
                            db_column_is_null(stmt, 9) ? json_null()
                                                       : json_string(db_column_text(stmt, 9)));
        json_array_append_new(list, row);
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}
