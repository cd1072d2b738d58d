/* metrics.c: atomic counters and their Prometheus rendering. */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bucket_bounds_us[METRICS_BUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

void metrics_record(metrics_t *m, unsigned status, uint64_t latency_us)
{
    unsigned status_class = status / 100;
    if (status_class >= 1 && status_class <= 5)
        __atomic_add_fetch(&m->requests_by_class[status_class], 1, __ATOMIC_RELAXED);
    size_t bucket = 0;
    while (bucket < METRICS_BUCKETS && latency_us > bucket_bounds_us[bucket])
        bucket++;
    __atomic_add_fetch(&m->latency_buckets[bucket], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&m->latency_sum_us, latency_us, __ATOMIC_RELAXED);
    __atomic_add_fetch(&m->requests, 1, __ATOMIC_RELAXED);
}

char *metrics_render(const metrics_t *m, writer_t *writer)
{
    size_t size = 4096;
    char *out = malloc(size);
    if (!out) return NULL;
    size_t used = 0;
    /* once full, the rest is measured but not written, and the text is refused at the end */
#define EMIT(...)                                                                                  \
    used += (size_t)snprintf(used < size ? out + used : NULL, used < size ? size - used : 0,       \
                             __VA_ARGS__)
    EMIT("# HELP a6reg_http_requests_total HTTP requests answered, by status class.\n"
         "# TYPE a6reg_http_requests_total counter\n");
    for (unsigned c = 1; c <= 5; c++)
        EMIT("a6reg_http_requests_total{status=\"%uxx\"} %llu\n", c,
             (unsigned long long)__atomic_load_n(&m->requests_by_class[c], __ATOMIC_RELAXED));
    EMIT("# HELP a6reg_http_request_duration_seconds Time to answer a request.\n"
         "# TYPE a6reg_http_request_duration_seconds histogram\n");
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= METRICS_BUCKETS; b++) {
        cumulative += __atomic_load_n(&m->latency_buckets[b], __ATOMIC_RELAXED);
        if (b < METRICS_BUCKETS)
            EMIT("a6reg_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                 (double)bucket_bounds_us[b] / 1e6, (unsigned long long)cumulative);
        else
            EMIT("a6reg_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                 (unsigned long long)cumulative);
    }
    EMIT("a6reg_http_request_duration_seconds_sum %.6f\n",
         (double)__atomic_load_n(&m->latency_sum_us, __ATOMIC_RELAXED) / 1e6);
    EMIT("a6reg_http_request_duration_seconds_count %llu\n",
         (unsigned long long)__atomic_load_n(&m->requests, __ATOMIC_RELAXED));
    writer_stats_t stats;
    writer_stats_get(writer, &stats);
    EMIT("# HELP a6reg_writer_batches_total Transactions committed by the single writer.\n"
         "# TYPE a6reg_writer_batches_total counter\na6reg_writer_batches_total %llu\n",
         (unsigned long long)stats.batches);
    EMIT("# HELP a6reg_writer_requests_total Changes applied by the writer, by outcome.\n"
         "# TYPE a6reg_writer_requests_total counter\n"
         "a6reg_writer_requests_total{outcome=\"accepted\"} %llu\n"
         "a6reg_writer_requests_total{outcome=\"rejected\"} %llu\n"
         "a6reg_writer_requests_total{outcome=\"failed\"} %llu\n",
         (unsigned long long)stats.accepted, (unsigned long long)stats.rejected,
         (unsigned long long)stats.failed);
    EMIT("# HELP a6reg_writer_batch_size_mean Mean changes per committed batch.\n"
         "# TYPE a6reg_writer_batch_size_mean gauge\na6reg_writer_batch_size_mean %.2f\n",
         stats.batches ? (double)stats.requests / (double)stats.batches : 0.0);
    EMIT("# HELP a6reg_writer_batch_size_last Changes in the last batch.\n"
         "# TYPE a6reg_writer_batch_size_last gauge\na6reg_writer_batch_size_last %zu\n",
         stats.batch_size_last);
    EMIT("# HELP a6reg_writer_queue_depth Changes waiting for the writer.\n"
         "# TYPE a6reg_writer_queue_depth gauge\na6reg_writer_queue_depth %zu\n",
         stats.queue_depth);
    EMIT("# HELP a6reg_writer_commit_seconds_total Time spent committing.\n"
         "# TYPE a6reg_writer_commit_seconds_total counter\na6reg_writer_commit_seconds_total "
         "%.6f\n",
         (double)stats.commit_ns / 1e9);
    EMIT("# HELP a6reg_writer_cpu_seconds_total Processor time the writer thread has used: its "
         "rate near 1 means the single writer is saturated.\n"
         "# TYPE a6reg_writer_cpu_seconds_total counter\na6reg_writer_cpu_seconds_total %.6f\n",
         (double)stats.cpu_ns / 1e9);
#undef EMIT
    if (used >= size) {
        free(out);
        return NULL;
    }
    return out;
}
