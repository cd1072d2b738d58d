/* svg.h: charts drawn as inline SVG (bar, histogram, line, timeline/Gantt), with a title, axes
 * with units, and the figures repeated as accessible text (<title>, <desc>) for screen readers.
 * Values are integers (tonnes, days, counts): no floating point reaches a label. */
#ifndef A6_WEB_SVG_H
#define A6_WEB_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "../core/date.h"
#include "html.h"

#define SVG_SERIES_MAX 3
#define SVG_POINTS_MAX 64

typedef struct svg_series {
    const char *name;      /* legend text (already translated) */
    const int64_t *values; /* one per label */
} svg_series_t;

typedef struct svg_chart {
    const char *id;      /* unique on the page: ids of <title> and <desc> derive from it */
    const char *title;   /* shown above the chart and read as its name */
    const char *x_label; /* axis titles, with their unit ("tCO2e", "days") */
    const char *y_label;
    size_t count; /* labels, at most SVG_POINTS_MAX */
    const char *const *labels;
    size_t series_count; /* at most SVG_SERIES_MAX */
    svg_series_t series[SVG_SERIES_MAX];
    int has_reference; /* a dashed horizontal line (a target, a service level) */
    int64_t reference;
    const char *reference_label;
} svg_chart_t;

/* Bars per label (grouped when there are several series). */
void svg_bar_chart(html_t *h, const svg_chart_t *chart);
/* Adjacent bars of one series: a distribution over buckets. */
void svg_histogram(html_t *h, const svg_chart_t *chart);
/* One line per series through the labels. */
void svg_line_chart(html_t *h, const svg_chart_t *chart);

/* One bar of a timeline: a labelled span of dates (end A6_DATE_NONE: still open, drawn to today).
 */
typedef struct svg_span {
    const char *label;
    a6_date_t start;
    a6_date_t end;
    int late; /* drawn in the warning colour */
} svg_span_t;

/* A Gantt chart of spans against a calendar axis in years. */
void svg_timeline(html_t *h, const char *id, const char *title, const svg_span_t *spans,
                  size_t count, a6_date_t today);

#endif
