/* reconcile.c: measures the reconciliation of two registries that know 1,000,000 blocks of each
 * other and disagree on ONE deep inside: core/reconcile's protocol (totals, hash tree, blocks)
 * against a naive full exchange. The peer is the other in-memory list behind the callbacks;
 * every question and every answer is serialized to bytes and parsed back (JSON through jansson,
 * or the canonical binary form with --binary), so messages cost what they would on the wire.
 *
 * Usage: reconcile [--blocks N] [--fanout F] [--leaf L] [--binary]
 *        (defaults: 1,000,000 blocks, fan-out 16, leaves of at most 16 blocks, JSON)
 * Prints: reconcile_blocks, reconcile_seconds (target < 2 s), reconcile_round_trips (target
 * < 40), reconcile_bytes_exchanged, reconcile_naive_seconds, reconcile_naive_bytes_exchanged and
 * the ratios; exits 1 unless exactly the planted difference was found, by both methods. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "core/reconcile.h"

#define TOTALS_MAX 65536
#define NODES_MAX 1024

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p) {
        fprintf(stderr, "reconcile: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- messages ---- */

/* One serialized message: JSON text or binary bytes, malloc'd. */
typedef struct message {
    unsigned char *data;
    size_t size;
    size_t capacity;
} message_t;

static void message_release(message_t *m)
{
    free(m->data);
    *m = (message_t){0};
}

static void put(message_t *m, const void *bytes, size_t n)
{
    if (m->size + n > m->capacity) {
        size_t capacity = m->capacity ? m->capacity * 2 : 256;
        while (capacity < m->size + n)
            capacity *= 2;
        unsigned char *data = realloc(m->data, capacity);
        if (!data) {
            fprintf(stderr, "reconcile: out of memory\n");
            exit(1);
        }
        m->data = data;
        m->capacity = capacity;
    }
    memcpy(m->data + m->size, bytes, n);
    m->size += n;
}

static void put_u64(message_t *m, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(m, b, 8);
}

/* A bounds-checked reader of a binary message. */
typedef struct reader {
    const unsigned char *data;
    size_t size;
    size_t at;
    bool failed;
} reader_t;

static const unsigned char *take(reader_t *r, size_t n)
{
    if (r->failed || r->size - r->at < n) {
        r->failed = true;
        return NULL;
    }
    r->at += n;
    return r->data + r->at - n;
}

static uint64_t take_u64(reader_t *r)
{
    const unsigned char *b = take(r, 8);
    uint64_t v = 0;
    for (int i = 0; b && i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static void take_origin(reader_t *r, char origin[A6_REGISTRY_ID_SIZE])
{
    const unsigned char *b = take(r, A6_RECON_ORIGIN_LENGTH);
    memset(origin, 0, A6_REGISTRY_ID_SIZE);
    if (b) memcpy(origin, b, A6_RECON_ORIGIN_LENGTH);
}

static void json_to_message(json_t *json, message_t *m)
{
    char *text = json_dumps(json, JSON_COMPACT);
    json_decref(json);
    if (!text) {
        fprintf(stderr, "reconcile: json_dumps failed\n");
        exit(1);
    }
    *m = (message_t){.data = (unsigned char *)text, .size = strlen(text)};
}

static json_t *json_from_message(const message_t *m)
{
    return json_loadb((const char *)m->data, m->size, JSON_REJECT_DUPLICATES, NULL);
}

/* Integer at index i of a JSON array; sets *ok false when absent or not an integer. */
static int64_t json_int_at(const json_t *array, size_t i, bool *ok)
{
    json_t *v = json_array_get(array, i);
    if (!json_is_integer(v)) *ok = false;
    return v ? (int64_t)json_integer_value(v) : 0;
}

static void json_origin_at(const json_t *array, size_t i, char origin[A6_REGISTRY_ID_SIZE],
                           bool *ok)
{
    const char *text = json_string_value(json_array_get(array, i));
    memset(origin, 0, A6_REGISTRY_ID_SIZE);
    if (!text || strlen(text) != A6_RECON_ORIGIN_LENGTH)
        *ok = false;
    else
        memcpy(origin, text, A6_RECON_ORIGIN_LENGTH);
}

/* ---- codecs: one encode and one decode per message kind ---- */

static bool json_mode = true;

/* Questions: ranges (and the largest answer the asker accepts). */
static void encode_ranges(const a6_recon_range_t *ranges, size_t n, size_t max, message_t *m)
{
    if (!json_mode) {
        put_u64(m, n);
        put_u64(m, max);
        for (size_t i = 0; i < n; i++) {
            put(m, ranges[i].origin, A6_RECON_ORIGIN_LENGTH);
            put_u64(m, (uint64_t)ranges[i].lo);
            put_u64(m, (uint64_t)ranges[i].hi);
        }
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("[sII]", ranges[i].origin, (json_int_t)ranges[i].lo,
                                              (json_int_t)ranges[i].hi));
    json_to_message(json_pack("{sosI}", "ranges", list, "max", (json_int_t)max), m);
}

/* Decodes a question into a malloc'd array; NULL when malformed. */
static a6_recon_range_t *decode_ranges(const message_t *m, size_t *n, size_t *max)
{
    a6_recon_range_t *ranges = NULL;
    bool ok = true;
    if (!json_mode) {
        reader_t r = {.data = m->data, .size = m->size};
        *n = (size_t)take_u64(&r);
        *max = (size_t)take_u64(&r);
        if (r.failed || *n > m->size / 21) return NULL;
        ranges = xcalloc(*n, sizeof *ranges);
        for (size_t i = 0; i < *n; i++) {
            take_origin(&r, ranges[i].origin);
            ranges[i].lo = (int64_t)take_u64(&r);
            ranges[i].hi = (int64_t)take_u64(&r);
        }
        ok = !r.failed && r.at == r.size;
    } else {
        json_t *json = json_from_message(m), *list = json_object_get(json, "ranges");
        json_t *max_json = json_object_get(json, "max");
        ok = json_is_array(list) && json_is_integer(max_json) && json_object_size(json) == 2;
        *n = ok ? json_array_size(list) : 0;
        *max = ok ? (size_t)json_integer_value(max_json) : 0;
        ranges = xcalloc(*n, sizeof *ranges);
        for (size_t i = 0; ok && i < *n; i++) {
            json_t *item = json_array_get(list, i);
            json_origin_at(item, 0, ranges[i].origin, &ok);
            ranges[i].lo = json_int_at(item, 1, &ok);
            ranges[i].hi = json_int_at(item, 2, &ok);
            ok = ok && json_array_size(item) == 3;
        }
        json_decref(json);
    }
    if (!ok) free(ranges);
    return ok ? ranges : NULL;
}

static void encode_nodes(const a6_recon_node_t *nodes, size_t n, message_t *m)
{
    if (!json_mode) {
        put_u64(m, n);
        for (size_t i = 0; i < n; i++) {
            put(m, nodes[i].range.origin, A6_RECON_ORIGIN_LENGTH);
            put_u64(m, (uint64_t)nodes[i].range.lo);
            put_u64(m, (uint64_t)nodes[i].range.hi);
            put_u64(m, nodes[i].count);
            put(m, nodes[i].hash, A6_RECON_HASH_BYTES);
        }
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        char hex[2 * A6_RECON_HASH_BYTES + 1];
        sodium_bin2hex(hex, sizeof hex, nodes[i].hash, A6_RECON_HASH_BYTES);
        json_array_append_new(
            list, json_pack("[sIIIs]", nodes[i].range.origin, (json_int_t)nodes[i].range.lo,
                            (json_int_t)nodes[i].range.hi, (json_int_t)nodes[i].count, hex));
    }
    json_to_message(json_pack("{so}", "nodes", list), m);
}

/* Decodes exactly n nodes into out; false when malformed. */
static bool decode_nodes(const message_t *m, a6_recon_node_t *out, size_t n)
{
    if (!json_mode) {
        reader_t r = {.data = m->data, .size = m->size};
        if (take_u64(&r) != n) return false;
        for (size_t i = 0; i < n; i++) {
            take_origin(&r, out[i].range.origin);
            out[i].range.lo = (int64_t)take_u64(&r);
            out[i].range.hi = (int64_t)take_u64(&r);
            out[i].count = take_u64(&r);
            const unsigned char *hash = take(&r, A6_RECON_HASH_BYTES);
            if (hash) memcpy(out[i].hash, hash, A6_RECON_HASH_BYTES);
        }
        return !r.failed && r.at == r.size;
    }
    json_t *json = json_from_message(m), *list = json_object_get(json, "nodes");
    bool ok = json_is_array(list) && json_array_size(list) == n;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *item = json_array_get(list, i);
        json_origin_at(item, 0, out[i].range.origin, &ok);
        out[i].range.lo = json_int_at(item, 1, &ok);
        out[i].range.hi = json_int_at(item, 2, &ok);
        out[i].count = (uint64_t)json_int_at(item, 3, &ok);
        const char *hex = json_string_value(json_array_get(item, 4));
        size_t length = 0;
        ok = ok && hex && json_array_size(item) == 5 &&
             sodium_hex2bin(out[i].hash, A6_RECON_HASH_BYTES, hex, strlen(hex), NULL, &length,
                            NULL) == 0 &&
             length == A6_RECON_HASH_BYTES;
    }
    json_decref(json);
    return ok;
}

/* Blocks, grouped: counts[g] blocks for each of the n_groups groups. */
static void encode_blocks(const a6_recon_block_t *blocks, const size_t *counts, size_t n_groups,
                          message_t *m)
{
    size_t total = 0;
    for (size_t g = 0; g < n_groups; g++)
        total += counts[g];
    if (!json_mode) {
        put_u64(m, n_groups);
        for (size_t g = 0; g < n_groups; g++)
            put_u64(m, counts[g]);
        for (size_t i = 0; i < total; i++) {
            uint8_t bytes[A6_RECON_BLOCK_BYTES];
            a6_recon_block_encode(&blocks[i], bytes);
            put(m, bytes, sizeof bytes);
        }
        return;
    }
    json_t *groups = json_array();
    for (size_t g = 0, at = 0; g < n_groups; g++) {
        json_t *list = json_array();
        for (size_t end = at + counts[g]; at < end; at++) {
            const a6_recon_block_t *b = &blocks[at];
            json_array_append_new(list, json_pack("[sIIiIi]", b->origin, (json_int_t)b->first,
                                                  (json_int_t)b->last, (int)b->vintage,
                                                  (json_int_t)b->issuance_id, (int)b->status));
        }
        json_array_append_new(groups, list);
    }
    json_to_message(json_pack("{so}", "blocks", groups), m);
}

static bool json_block(const json_t *item, a6_recon_block_t *b)
{
    bool ok = json_array_size(item) == 6;
    *b = (a6_recon_block_t){0};
    json_origin_at(item, 0, b->origin, &ok);
    b->first = json_int_at(item, 1, &ok);
    b->last = json_int_at(item, 2, &ok);
    int64_t vintage = json_int_at(item, 3, &ok), status = json_int_at(item, 5, &ok);
    b->issuance_id = json_int_at(item, 4, &ok);
    ok = ok && vintage >= INT32_MIN && vintage <= INT32_MAX && status >= 0 && status <= 255;
    b->vintage = (int32_t)vintage;
    b->status = (uint8_t)status;
    return ok;
}

/* Decodes n_groups groups of at most max blocks in all; false when malformed or too many. */
static bool decode_blocks(const message_t *m, size_t n_groups, a6_recon_block_t *out, size_t max,
                          size_t *counts)
{
    size_t total = 0;
    if (!json_mode) {
        reader_t r = {.data = m->data, .size = m->size};
        if (take_u64(&r) != n_groups) return false;
        for (size_t g = 0; g < n_groups; g++) {
            counts[g] = (size_t)take_u64(&r);
            if (counts[g] > max - total) return false;
            total += counts[g];
        }
        for (size_t i = 0; i < total; i++) {
            const unsigned char *bytes = take(&r, A6_RECON_BLOCK_BYTES);
            if (!bytes) return false;
            a6_recon_block_decode(bytes, &out[i]); /* checked by the caller */
        }
        return !r.failed && r.at == r.size;
    }
    json_t *json = json_from_message(m), *groups = json_object_get(json, "blocks");
    bool ok = json_is_array(groups) && json_array_size(groups) == n_groups;
    for (size_t g = 0; ok && g < n_groups; g++) {
        json_t *list = json_array_get(groups, g);
        counts[g] = json_array_size(list);
        ok = json_is_array(list) && counts[g] <= max - total;
        for (size_t i = 0; ok && i < counts[g]; i++)
            ok = json_block(json_array_get(list, i), &out[total + i]);
        total += ok ? counts[g] : 0;
    }
    json_decref(json);
    return ok;
}

static void encode_totals(const a6_recon_totals_t *totals, size_t n, message_t *m)
{
    if (!json_mode) {
        put_u64(m, n);
        for (size_t i = 0; i < n; i++) {
            const a6_recon_totals_t *t = &totals[i];
            put(m, t->origin, A6_RECON_ORIGIN_LENGTH);
            put_u64(m, (uint64_t)t->issuance_id);
            put_u64(m, (uint64_t)t->blocks);
            for (int s = 0; s < A6_RECON_STATUS_COUNT; s++)
                put_u64(m, (uint64_t)t->units[s]);
            put_u64(m, (uint64_t)t->first_min);
            put_u64(m, (uint64_t)t->last_max);
        }
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const a6_recon_totals_t *t = &totals[i];
        json_array_append_new(list, json_pack("[sIIIIIII]", t->origin, (json_int_t)t->issuance_id,
                                              (json_int_t)t->blocks, (json_int_t)t->units[0],
                                              (json_int_t)t->units[1], (json_int_t)t->units[2],
                                              (json_int_t)t->first_min, (json_int_t)t->last_max));
    }
    json_to_message(json_pack("{so}", "totals", list), m);
}

static bool decode_totals(const message_t *m, a6_recon_totals_t *out, size_t max, size_t *n)
{
    if (!json_mode) {
        reader_t r = {.data = m->data, .size = m->size};
        *n = (size_t)take_u64(&r);
        if (*n > max) return false;
        for (size_t i = 0; i < *n; i++) {
            a6_recon_totals_t *t = &out[i];
            take_origin(&r, t->origin);
            t->issuance_id = (int64_t)take_u64(&r);
            t->blocks = (int64_t)take_u64(&r);
            for (int s = 0; s < A6_RECON_STATUS_COUNT; s++)
                t->units[s] = (int64_t)take_u64(&r);
            t->first_min = (int64_t)take_u64(&r);
            t->last_max = (int64_t)take_u64(&r);
        }
        return !r.failed && r.at == r.size;
    }
    json_t *json = json_from_message(m), *list = json_object_get(json, "totals");
    *n = json_array_size(list);
    bool ok = json_is_array(list) && *n <= max;
    for (size_t i = 0; ok && i < *n; i++) {
        json_t *item = json_array_get(list, i);
        a6_recon_totals_t *t = &out[i];
        json_origin_at(item, 0, t->origin, &ok);
        t->issuance_id = json_int_at(item, 1, &ok);
        t->blocks = json_int_at(item, 2, &ok);
        for (int s = 0; s < A6_RECON_STATUS_COUNT; s++)
            t->units[s] = json_int_at(item, (size_t)(3 + s), &ok);
        t->first_min = json_int_at(item, 6, &ok);
        t->last_max = json_int_at(item, 7, &ok);
        ok = ok && json_array_size(item) == 8;
    }
    json_decref(json);
    return ok;
}

/* ---- the peer: the other registry behind a6_recon_peer_t ---- */

typedef struct bench_peer {
    const a6_recon_block_t *blocks;
    size_t count;
    uint64_t bytes_totals; /* questions and answers, per kind */
    uint64_t bytes_nodes;
    uint64_t bytes_blocks;
    size_t totals_sent;
} bench_peer_t;

/* Their side of a question: parse it, answer from their list, serialize the answer. */
static a6_check_t serve_nodes(bench_peer_t *p, const message_t *question, message_t *answer)
{
    size_t n = 0, max = 0;
    a6_recon_range_t *ranges = decode_ranges(question, &n, &max);
    if (!ranges) return A6_CHECK_JSON_INVALID;
    a6_recon_node_t *nodes = xcalloc(n, sizeof *nodes);
    a6_check_t check = a6_recon_answer_nodes(p->blocks, p->count, ranges, n, nodes);
    if (check == A6_OK) encode_nodes(nodes, n, answer);
    free(nodes);
    free(ranges);
    return check;
}

static a6_check_t ask_nodes(void *context, const a6_recon_range_t *ranges, size_t range_count,
                            a6_recon_node_t *nodes)
{
    bench_peer_t *p = context;
    message_t question = {0}, answer = {0};
    encode_ranges(ranges, range_count, range_count, &question);
    a6_check_t check = serve_nodes(p, &question, &answer);
    p->bytes_nodes += question.size + answer.size;
    if (check == A6_OK && !decode_nodes(&answer, nodes, range_count)) check = A6_CHECK_JSON_INVALID;
    message_release(&question);
    message_release(&answer);
    return check;
}

static a6_check_t serve_blocks(bench_peer_t *p, const message_t *question, message_t *answer)
{
    size_t n = 0, max = 0;
    a6_recon_range_t *ranges = decode_ranges(question, &n, &max);
    if (!ranges) return A6_CHECK_JSON_INVALID;
    size_t *counts = xcalloc(n, sizeof *counts);
    a6_recon_block_t *blocks = xcalloc(max, sizeof *blocks);
    a6_check_t check = a6_recon_answer_blocks(p->blocks, p->count, ranges, n, blocks, max, counts);
    if (check == A6_OK) encode_blocks(blocks, counts, n, answer);
    free(blocks);
    free(counts);
    free(ranges);
    return check;
}

static a6_check_t ask_blocks(void *context, const a6_recon_range_t *ranges, size_t range_count,
                             a6_recon_block_t *blocks, size_t blocks_max, size_t *block_counts)
{
    bench_peer_t *p = context;
    message_t question = {0}, answer = {0};
    encode_ranges(ranges, range_count, blocks_max, &question);
    a6_check_t check = serve_blocks(p, &question, &answer);
    p->bytes_blocks += question.size + answer.size;
    if (check == A6_OK && !decode_blocks(&answer, range_count, blocks, blocks_max, block_counts))
        check = A6_CHECK_JSON_INVALID;
    message_release(&question);
    message_release(&answer);
    return check;
}

static a6_check_t ask_totals(void *context, a6_recon_totals_t *totals, size_t totals_max,
                             size_t *totals_count)
{
    bench_peer_t *p = context;
    message_t question = {0}, answer = {0};
    encode_ranges(NULL, 0, totals_max, &question);
    size_t n = 0, max = 0;
    a6_recon_range_t *none = decode_ranges(&question, &n, &max);
    a6_check_t check = none ? A6_OK : A6_CHECK_JSON_INVALID;
    a6_recon_totals_t *theirs = xcalloc(max, sizeof *theirs);
    if (check == A6_OK) check = a6_recon_totals(p->blocks, p->count, theirs, max, &n);
    if (check == A6_OK) encode_totals(theirs, n, &answer);
    p->totals_sent = n;
    p->bytes_totals += question.size + answer.size;
    if (check == A6_OK && !decode_totals(&answer, totals, totals_max, totals_count))
        check = A6_CHECK_JSON_INVALID;
    free(theirs);
    free(none);
    message_release(&question);
    message_release(&answer);
    return check;
}

/* ---- the two registries ---- */

/* n blocks of two origins (JPN01 then VNM01, 60/40): sizes mostly 1..100 t with a tail up to
 * 100,000 t, some gaps (units this side does not know of), a new issuance every 500 blocks
 * with vintages 2013..2030, statuses mostly held. */
static void generate(a6_recon_block_t *out, size_t n)
{
    uint64_t state = 0x2545f4914f6cdd1du;
    int64_t next = 1;
    size_t split = n / 10 * 6;
    for (size_t i = 0; i < n; i++) {
        if (i == split) next = 1;
        state ^= state >> 12, state ^= state << 25, state ^= state >> 27;
        uint64_t r = state * 0x2545f4914f6cdd1du;
        uint64_t pick = r % 100;
        int64_t size = pick < 80   ? 1 + (int64_t)(r >> 8) % 100
                       : pick < 98 ? 100 + (int64_t)(r >> 8) % 5000
                                   : 5000 + (int64_t)(r >> 8) % 95000;
        int64_t gap = (r >> 40) % 8 == 0 ? 1 + (int64_t)(r >> 44) % 1000 : 0;
        uint64_t s = (r >> 52) % 20;
        a6_recon_block_t *b = &out[i];
        *b = (a6_recon_block_t){.first = next + gap,
                                .last = next + gap + size - 1,
                                .vintage = 2013 + (int32_t)((i / 500) % 18),
                                .issuance_id = 1 + (int64_t)(i / 500),
                                .status = (uint8_t)(s < 14   ? 0
                                                    : s < 19 ? 1
                                                             : 2)};
        memcpy(b->origin, i < split ? "JPN01" : "VNM01", A6_REGISTRY_ID_SIZE);
        next = b->last + 1;
    }
}

/* ---- the naive comparison: all their blocks, compared one by one ---- */

static int run_naive(const a6_recon_block_t *mine, const a6_recon_block_t *theirs, size_t n,
                     size_t planted, double *seconds, uint64_t *bytes)
{
    double start = now_seconds();
    message_t question = {0}, answer = {0};
    a6_recon_range_t all = {.origin = "JPN01", .lo = 1, .hi = LEDGER_SERIAL_MAX + 1};
    encode_ranges(&all, 1, n, &question); /* the shape of "send me everything" */
    size_t count = n;
    encode_blocks(theirs, &count, 1, &answer);
    *bytes = question.size + answer.size;
    a6_recon_block_t *received = xcalloc(n, sizeof *received);
    a6_recon_block_diff_t diffs[4];
    size_t diff_count = 0;
    bool ok = decode_blocks(&answer, 1, received, n, &count);
    a6_check_t check = ok ? a6_recon_diff_blocks(mine, n, received, count, diffs, 4, &diff_count)
                          : A6_CHECK_JSON_INVALID;
    *seconds = now_seconds() - start;
    message_release(&question);
    message_release(&answer);
    free(received);
    if (check != A6_OK || diff_count != 1 || diffs[0].kind != A6_RECON_CHANGED ||
        !a6_recon_block_equal(&diffs[0].mine, &mine[planted]) ||
        !a6_recon_block_equal(&diffs[0].theirs, &theirs[planted])) {
        fprintf(stderr, "reconcile: naive comparison found %zu differences (check %d)\n",
                diff_count, (int)check);
        return -1;
    }
    return 0;
}

/* ---- main ---- */

static int run_protocol(const a6_recon_block_t *mine, const a6_recon_block_t *theirs, size_t n,
                        size_t planted, const a6_recon_config_t *config, a6_recon_report_t *report,
                        double *seconds, bench_peer_t *peer)
{
    *peer = (bench_peer_t){.blocks = theirs, .count = n};
    a6_recon_peer_t interface = {.context = peer,
                                 .ask_totals = ask_totals,
                                 .ask_nodes = ask_nodes,
                                 .ask_blocks = ask_blocks};
    size_t memory_bytes = a6_recon_memory_bytes(config);
    void *memory = xcalloc(1, memory_bytes);
    a6_recon_block_diff_t diffs[4];
    a6_recon_totals_diff_t totals_diffs[4];
    *report = (a6_recon_report_t){.block_diffs = diffs,
                                  .block_diffs_max = 4,
                                  .totals_diffs = totals_diffs,
                                  .totals_diffs_max = 4};
    double start = now_seconds();
    a6_check_t check = a6_recon_run(&interface, mine, n, config, memory, memory_bytes, report);
    *seconds = now_seconds() - start;
    free(memory);
    if (check != A6_OK) {
        fprintf(stderr, "reconcile: run failed: %s (%d)%s\n", a6_check_name(check), (int)check,
                report->peer_at_fault ? ", peer at fault" : "");
        return -1;
    }
    if (report->block_diff_count != 1 || diffs[0].kind != A6_RECON_CHANGED ||
        !a6_recon_block_equal(&diffs[0].mine, &mine[planted]) ||
        !a6_recon_block_equal(&diffs[0].theirs, &theirs[planted])) {
        fprintf(stderr, "reconcile: found %zu differences, not the planted one\n",
                report->block_diff_count);
        return -1;
    }
    return 0;
}

static long parse_option(int argc, char **argv, int *i, long min, long max)
{
    char *end = NULL;
    long value = *i + 1 < argc ? strtol(argv[*i + 1], &end, 10) : 0;
    if (!end || *end || value < min || value > max) {
        fprintf(stderr, "reconcile: %s expects a number in %ld..%ld\n", argv[*i], min, max);
        exit(2);
    }
    (*i)++;
    return value;
}

int main(int argc, char **argv)
{
    long blocks = 1000000, fanout = 16, leaf = 16;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--blocks") == 0)
            blocks = parse_option(argc, argv, &i, 1000, 100000000);
        else if (strcmp(argv[i], "--fanout") == 0)
            fanout = parse_option(argc, argv, &i, A6_RECON_FANOUT_MIN, A6_RECON_FANOUT_MAX);
        else if (strcmp(argv[i], "--leaf") == 0)
            leaf = parse_option(argc, argv, &i, 1, A6_RECON_LEAF_BLOCKS_MAX);
        else if (strcmp(argv[i], "--binary") == 0)
            json_mode = false;
        else {
            fprintf(stderr, "usage: reconcile [--blocks N] [--fanout F] [--leaf L] [--binary]\n");
            return 2;
        }
    }
    size_t n = (size_t)blocks;
    a6_recon_block_t *mine = xcalloc(n, sizeof *mine), *theirs = xcalloc(n, sizeof *theirs);
    generate(mine, n);
    memcpy(theirs, mine, n * sizeof *mine);
    size_t planted = n / 100 * 61 + 7; /* deep inside the second origin */
    theirs[planted].status = (uint8_t)((theirs[planted].status + 1) % A6_RECON_STATUS_COUNT);

    a6_recon_config_t config = {.fanout = (unsigned)fanout,
                                .leaf_blocks_max = (size_t)leaf,
                                .nodes_max = NODES_MAX,
                                .totals_max = TOTALS_MAX};
    a6_recon_report_t report;
    double seconds = 0, naive_seconds = 0;
    uint64_t naive_bytes = 0;
    bench_peer_t peer;
    if (run_protocol(mine, theirs, n, planted, &config, &report, &seconds, &peer) < 0) return 1;
    uint64_t bytes = peer.bytes_totals + peer.bytes_nodes + peer.bytes_blocks;
    if (run_naive(mine, theirs, n, planted, &naive_seconds, &naive_bytes) < 0) return 1;

    printf("reconcile_format %s (fan-out %ld, leaves of at most %ld blocks)\n",
           json_mode ? "json" : "binary", fanout, leaf);
    printf("reconcile_blocks %zu\n", n);
    printf("reconcile_seconds %.3f s (target < 2 s)\n", seconds);
    printf("reconcile_round_trips %u (target < 40)\n", report.round_trips);
    printf("reconcile_bytes_exchanged %llu\n", (unsigned long long)bytes);
    printf("reconcile_bytes_by_step totals %llu (%zu issuances) nodes %llu (%zu asked) blocks %llu "
           "(%zu received)\n",
           (unsigned long long)peer.bytes_totals, peer.totals_sent,
           (unsigned long long)peer.bytes_nodes, report.nodes_asked,
           (unsigned long long)peer.bytes_blocks, report.blocks_received);
    printf("reconcile_naive_seconds %.3f s\n", naive_seconds);
    printf("reconcile_naive_bytes_exchanged %llu\n", (unsigned long long)naive_bytes);
    printf("reconcile_speedup %.1f (naive seconds / reconcile seconds)\n", naive_seconds / seconds);
    printf("reconcile_bytes_ratio %.0f (naive bytes / reconcile bytes)\n",
           (double)naive_bytes / (double)bytes);
    free(mine);
    free(theirs);
    return 0;
}
