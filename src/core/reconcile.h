/* reconcile.h: pure reconciliation of the unit blocks two partner registries know of each other:
 * totals per issuance, then a hash tree over the serial space, then the differing blocks. */
#ifndef A6_CORE_RECONCILE_H
#define A6_CORE_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "article6.h"
#include "block.h"
#include "check.h"

/* ---- model ----
 * Each registry lists the blocks it knows that concern the other (units one issued and the
 * other holds or held), in CANONICAL form: sorted by (origin, first), never overlapping within
 * one origin. Two registries in step produce identical lists. A list is compared as it is: a
 * block split in two on one side but whole on the other is a DIFFERENCE here, even when both
 * cover the same units with the same attributes. Callers merge adjacent blocks of equal
 * attributes before comparing (see serial_map_normalize for the ledger's own lists), so that
 * only real disagreements show.
 *
 * Every function below is pure: no I/O, no allocation; memory comes from the caller. */

#define A6_RECON_ORIGIN_LENGTH 5 /* "VNM01": a registry ID, without terminator */
#define A6_RECON_BLOCK_BYTES 34  /* canonical encoding of one block, see a6_recon_block_encode */
#define A6_RECON_HASH_BYTES 32   /* SHA-256 */
#define A6_RECON_FANOUT_MIN 2
#define A6_RECON_FANOUT_MAX 256
#define A6_RECON_LEAF_BLOCKS_MAX 1024 /* blocks a leaf may hold on one side */
#define A6_RECON_NODES_MAX 65536      /* differing nodes followed on one tree level */
#define A6_RECON_TOTALS_MAX 1048576   /* (origin, issuance) totals one side may hold */

typedef enum a6_recon_status {
    A6_RECON_HELD = 0,
    A6_RECON_USED = 1, /* retired or used towards an NDC or OIMP */
    A6_RECON_CANCELLED = 2,
    A6_RECON_STATUS_COUNT = 3,
} a6_recon_status_t;

/* A block [first, last] of one issuance of the origin registry, as one side knows it. Valid when
 * origin is a registry ID (a6_registry_id_check), 0 < first <= last <= LEDGER_SERIAL_MAX,
 * vintage within LEDGER_VINTAGE_MIN..MAX, issuance_id > 0 and status < A6_RECON_STATUS_COUNT. */
typedef struct a6_recon_block {
    char origin[A6_REGISTRY_ID_SIZE]; /* NUL-terminated */
    int64_t first;
    int64_t last;
    int32_t vintage;
    int64_t issuance_id; /* which issuance of the origin registry the units come from */
    uint8_t status;      /* a6_recon_status_t */
} a6_recon_block_t;

/* ---- blocks ---- */

/* A6_OK for a valid block; else, in this order: A6_CHECK_REGISTRY_ID_INVALID (origin, also when
 * not NUL-terminated), A6_CHECK_BLOCK_INVALID (serials), A6_CHECK_VINTAGE_INVALID,
 * A6_CHECK_ID_INVALID (issuance_id), A6_CHECK_STATUS_INVALID. */
a6_check_t a6_recon_block_check(const a6_recon_block_t *block);

/* Checks a canonical list in O(count): every block valid (codes as a6_recon_block_check), then
 * sorted by (origin, first) without overlap, else A6_CHECK_BLOCK_OVERLAP (an unsorted list
 * reports the same code: both break the order the tree relies on). On failure *bad_index (may
 * be NULL) is the index of the first offending block. */
a6_check_t a6_recon_blocks_check(const a6_recon_block_t *blocks, size_t count, size_t *bad_index);

/* True when every field is equal. */
bool a6_recon_block_equal(const a6_recon_block_t *a, const a6_recon_block_t *b);

/* Canonical bytes of a valid block, the input of the node hashes and a compact wire form:
 * origin (5 ASCII bytes), first (8), last (8), vintage (4), issuance_id (8), status (1); every
 * integer little-endian, two's complement. */
void a6_recon_block_encode(const a6_recon_block_t *block, uint8_t out[A6_RECON_BLOCK_BYTES]);
/* Inverse of encode; returns a6_recon_block_check of the result (*out is written in any case). */
a6_check_t a6_recon_block_decode(const uint8_t in[A6_RECON_BLOCK_BYTES], a6_recon_block_t *out);

/* ---- step 1: totals per (origin, issuance) ---- */

typedef struct a6_recon_totals {
    char origin[A6_REGISTRY_ID_SIZE];
    int64_t issuance_id;
    int64_t blocks;
    int64_t units[A6_RECON_STATUS_COUNT]; /* by a6_recon_status_t */
    int64_t first_min;                    /* lowest serial of the issuance's blocks */
    int64_t last_max;                     /* highest serial */
} a6_recon_totals_t;

/* Totals of a canonical list, sorted by (origin, issuance_id), one per pair present. Cost
 * O(count log t) for t totals (O(t^2) more when issuances interleave in serial order). Writes at
 * most totals_max; sets *totals_count. Codes: those of a6_recon_blocks_check, then
 * A6_CHECK_TOO_MANY_BLOCKS when more than totals_max pairs exist. */
a6_check_t a6_recon_totals(const a6_recon_block_t *blocks, size_t count, a6_recon_totals_t *totals,
                           size_t totals_max, size_t *totals_count);

/* Checks totals received from a partner in O(count): origin (A6_CHECK_REGISTRY_ID_INVALID),
 * issuance_id > 0 (A6_CHECK_ID_INVALID), 0 < first_min <= last_max <= LEDGER_SERIAL_MAX
 * (A6_CHECK_BLOCK_INVALID), blocks >= 1, units >= 0 and blocks <= sum of units <= the span
 * (A6_CHECK_QUANTITY_INVALID), strictly increasing (origin, issuance_id)
 * (A6_CHECK_BLOCK_OVERLAP). *bad_index (may be NULL) names the first offending entry. */
a6_check_t a6_recon_totals_check(const a6_recon_totals_t *totals, size_t count, size_t *bad_index);

/* One (origin, issuance) whose totals differ; the side that lacks it has blocks == 0 and zero
 * units, with origin and issuance_id still set. */
typedef struct a6_recon_totals_diff {
    a6_recon_totals_t mine;
    a6_recon_totals_t theirs;
} a6_recon_totals_diff_t;

/* Compares two checked totals lists in O(n + m) and returns the number of (origin, issuance)
 * pairs that differ in any field or exist on one side only; the first min(that, diffs_max) are
 * written to diffs in (origin, issuance_id) order. */
size_t a6_recon_totals_compare(const a6_recon_totals_t *mine, size_t mine_count,
                               const a6_recon_totals_t *theirs, size_t theirs_count,
                               a6_recon_totals_diff_t *diffs, size_t diffs_max);

/* ---- step 2: hash tree over the serial space ---- */

/* The serials [lo, hi) of one origin. A node covers the blocks whose FIRST serial is in the
 * range. Valid when origin is a registry ID and 1 <= lo < hi <= LEDGER_SERIAL_MAX + 1. */
typedef struct a6_recon_range {
    char origin[A6_REGISTRY_ID_SIZE];
    int64_t lo;
    int64_t hi;
} a6_recon_range_t;

/* A node of the tree: its range, how many blocks it covers and SHA-256 over their canonical
 * bytes in list order (SHA-256 of nothing for an empty node). Two sides agree on a node when
 * count and hash are both equal. */
typedef struct a6_recon_node {
    a6_recon_range_t range;
    uint64_t count;
    uint8_t hash[A6_RECON_HASH_BYTES];
} a6_recon_node_t;

/* A6_OK for a valid range; A6_CHECK_REGISTRY_ID_INVALID or A6_CHECK_BLOCK_INVALID otherwise. */
a6_check_t a6_recon_range_check(const a6_recon_range_t *range);

/* Binary search in a canonical list: sets *begin to the index of the first block of range and
 * returns how many blocks it covers. O(log count). Precondition: range is valid. */
size_t a6_recon_range_find(const a6_recon_block_t *blocks, size_t count,
                           const a6_recon_range_t *range, size_t *begin);

/* Hashes the node of range over a canonical list (precondition: a6_recon_blocks_check passed;
 * only the covered blocks are asserted in order). O(log n + k) for k covered blocks. Codes:
 * those of a6_recon_range_check (the range may come from a partner's question). */
a6_check_t a6_recon_node_hash(const a6_recon_block_t *blocks, size_t count,
                              const a6_recon_range_t *range, a6_recon_node_t *out);

/* Splits parent [lo, hi) into min(fanout, hi - lo) non-empty consecutive parts whose widths
 * differ by at most one, in serial order; sets *children_count. children holds fanout entries.
 * Codes: a6_recon_range_check's; A6_CHECK_QUANTITY_INVALID for a fanout outside
 * A6_RECON_FANOUT_MIN..MAX. */
a6_check_t a6_recon_split(const a6_recon_range_t *parent, unsigned fanout,
                          a6_recon_range_t *children, size_t *children_count);

/* The nodes of a6_recon_split(parent, fanout) hashed over a canonical list, in one pass:
 * O(log n + k + fanout) for the k blocks under parent. Codes: those of a6_recon_split. */
a6_check_t a6_recon_children(const a6_recon_block_t *blocks, size_t count,
                             const a6_recon_range_t *parent, unsigned fanout,
                             a6_recon_node_t *children, size_t *children_count);

/* Compares my nodes with theirs index by index in O(count): writes the indexes where count or
 * hash differ to differing (count entries) and sets *differing_count. A6_CHECK_BLOCK_SPEC_INVALID
 * when the two sides do not answer about the same ranges (nothing is written then). */
a6_check_t a6_recon_compare(const a6_recon_node_t *mine, const a6_recon_node_t *theirs,
                            size_t count, size_t *differing, size_t *differing_count);

/* ---- step 3: the differing blocks ---- */

typedef enum a6_recon_diff_kind {
    A6_RECON_ONLY_MINE = 1,   /* mine holds a block starting here, theirs does not */
    A6_RECON_ONLY_THEIRS = 2, /* the reverse */
    A6_RECON_CHANGED = 3,     /* both start a block at (origin, first); some field differs */
} a6_recon_diff_kind_t;

/* One difference; the block of a side without one is zeroed. */
typedef struct a6_recon_block_diff {
    a6_recon_diff_kind_t kind;
    a6_recon_block_t mine;
    a6_recon_block_t theirs;
} a6_recon_block_diff_t;

/* Merges two canonical lists (typically the blocks of one differing leaf on each side) by
 * (origin, first) in O(n + m): blocks on one side only, and blocks starting at the same serial
 * with any different field. Writes the first min(total, diffs_max) to diffs, sets *diff_count to
 * the total. Codes: those of a6_recon_blocks_check for either list (nothing counted then). */
a6_check_t a6_recon_diff_blocks(const a6_recon_block_t *mine, size_t mine_count,
                                const a6_recon_block_t *theirs, size_t theirs_count,
                                a6_recon_block_diff_t *diffs, size_t diffs_max, size_t *diff_count);

/* ---- answering a partner (what its questions cost us) ---- */

/* One node per range, in order (the answer to a6_recon_peer_t.ask_nodes). O(r (log n + k)).
 * Codes: those of a6_recon_node_hash for the first bad range. */
a6_check_t a6_recon_answer_nodes(const a6_recon_block_t *blocks, size_t count,
                                 const a6_recon_range_t *ranges, size_t range_count,
                                 a6_recon_node_t *nodes);

/* The blocks of each range, concatenated in range order, block_counts[i] for range i (the answer
 * to ask_blocks). Codes: a6_recon_range_check's; A6_CHECK_TOO_MANY_BLOCKS past blocks_max. */
a6_check_t a6_recon_answer_blocks(const a6_recon_block_t *blocks, size_t count,
                                  const a6_recon_range_t *ranges, size_t range_count,
                                  a6_recon_block_t *out, size_t out_max, size_t *block_counts);

/* ---- the protocol between two registries ---- */

/* The other side, behind whatever transport. Every call is ONE round trip: a batch of
 * questions answered together. A callback returns A6_OK or a check code, which a6_recon_run
 * returns as is (a transport failure has no check code: keep its reason in context and return
 * any non-A6_OK code). The answers are checked by a6_recon_run, never trusted. */
typedef struct a6_recon_peer {
    void *context;
    /* Their totals in (origin, issuance_id) order, at most totals_max; sets *totals_count. */
    a6_check_t (*ask_totals)(void *context, a6_recon_totals_t *totals, size_t totals_max,
                             size_t *totals_count);
    /* Their node of each range, in order (a6_recon_answer_nodes on their list). */
    a6_check_t (*ask_nodes)(void *context, const a6_recon_range_t *ranges, size_t range_count,
                            a6_recon_node_t *nodes);
    /* Their blocks of each range (a6_recon_answer_blocks on their list), at most blocks_max. */
    a6_check_t (*ask_blocks)(void *context, const a6_recon_range_t *ranges, size_t range_count,
                             a6_recon_block_t *blocks, size_t blocks_max, size_t *block_counts);
} a6_recon_peer_t;

typedef struct a6_recon_config {
    unsigned fanout;        /* children per node: A6_RECON_FANOUT_MIN..MAX; 16 is a good default */
    size_t leaf_blocks_max; /* a differing node holding at most this many blocks on both sides is
                               settled by exchanging its blocks: 1..A6_RECON_LEAF_BLOCKS_MAX */
    size_t nodes_max;       /* differing nodes on one level, leaves found above included:
                               1..A6_RECON_NODES_MAX */
    size_t totals_max;      /* (origin, issuance) totals per side: 1..A6_RECON_TOTALS_MAX */
} a6_recon_config_t;

/* Bytes of memory a6_recon_run needs for config, 0 when config is outside its limits. About
 * nodes_max * (fanout * 88 + leaf_blocks_max * 48 + 88) + totals_max * 128 on 64-bit. */
size_t a6_recon_memory_bytes(const a6_recon_config_t *config);

typedef struct a6_recon_report {
    /* Set by the caller: where the differences go (either array may be NULL with max 0). */
    a6_recon_block_diff_t *block_diffs;
    size_t block_diffs_max;
    a6_recon_totals_diff_t *totals_diffs;
    size_t totals_diffs_max;
    /* Set by a6_recon_run (also on failure, as far as it went). */
    size_t block_diff_count;  /* differing blocks found; the first block_diffs_max are written,
                                 in (origin, first) order */
    size_t totals_diff_count; /* differing (origin, issuance) totals, likewise */
    unsigned round_trips;     /* calls to the peer */
    unsigned levels;          /* tree levels asked (the roots' children are the first) */
    size_t nodes_asked;       /* node hashes the peer computed for us */
    size_t blocks_received;   /* blocks the peer sent us */
    bool peer_at_fault;       /* the code came from the peer's callback or its answer */
} a6_recon_report_t;

/* Reconciles my canonical list with the peer's. Round trips: 1 for the totals (both sides'
 * serial bounds per origin give the roots, [lowest first, highest last + 1)), 1 per tree level
 * (first the children of every root, then the children of every node that differs, each level
 * in one batch) and 1 at the end for the blocks of every differing leaf, fetched together.
 * Identical lists cost 2 round trips (1 when both are empty); differences among n blocks about
 * 2 + log_fanout(n / leaf_blocks_max) + 1 (7 for 10^6 blocks, fan-out 16, leaves of 16), as
 * long as no level has more than nodes_max differing nodes. Work on each side: one hashing pass
 * over all blocks, then over the blocks under differing nodes, plus O(log n) per node asked.
 *
 * memory: memory_bytes >= a6_recon_memory_bytes(config), any alignment, lent for the call.
 * Codes: A6_CHECK_QUANTITY_INVALID for a config outside its limits or too little memory; those of
 * a6_recon_blocks_check for my list; A6_CHECK_TOO_MANY_BLOCKS when my totals exceed totals_max or
 * more than nodes_max nodes differ on a level or become leaves (retry with larger limits, or
 * compare per issuance); with report->peer_at_fault set: a callback's own code, those of
 * a6_recon_totals_check and a6_recon_blocks_check for their answers, A6_CHECK_BLOCK_SPEC_INVALID
 * for an answer that does not fit the question (other ranges, a count above the width of a
 * range, blocks outside the range asked or not as many as their node said). */
a6_check_t a6_recon_run(const a6_recon_peer_t *peer, const a6_recon_block_t *blocks, size_t count,
                        const a6_recon_config_t *config, void *memory, size_t memory_bytes,
                        a6_recon_report_t *report);

#endif
