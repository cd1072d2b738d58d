/* metrics.h: request counters and latency histograms, rendered in Prometheus text format with
 * the writer's batch statistics. Lock-free counters updated by every server thread. */
#ifndef A6_HTTP_METRICS_H
#define A6_HTTP_METRICS_H

#include <stdint.h>

#include "../store/writer.h"

#define METRICS_BUCKETS 12

typedef struct metrics {
    uint64_t requests_by_class[6]; /* 1xx..5xx by index status/100, [0] unused */
    uint64_t latency_buckets[METRICS_BUCKETS + 1];
    uint64_t latency_sum_us;
    uint64_t requests;
} metrics_t;

/* Records one answered request. */
void metrics_record(metrics_t *metrics, unsigned status, uint64_t latency_us);

/* Prometheus exposition text (caller frees). */
char *metrics_render(const metrics_t *metrics, writer_t *writer);

#endif
