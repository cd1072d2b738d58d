/* svg.c: bar, histogram, line and timeline charts as inline SVG with accessible text. */
#include "svg.h"

#include <inttypes.h>
#include <string.h>

#define SVG_WIDTH 640
#define SVG_HEIGHT 300
#define SVG_LEFT 76
#define SVG_RIGHT 16
#define SVG_TOP 46
#define SVG_BOTTOM 66
#define SVG_PLOT_WIDTH (SVG_WIDTH - SVG_LEFT - SVG_RIGHT)
#define SVG_PLOT_HEIGHT (SVG_HEIGHT - SVG_TOP - SVG_BOTTOM)
#define SVG_TICKS 4
#define SVG_BAR_WIDTH_MAX 56

static const char *const series_class[SVG_SERIES_MAX] = {"s0", "s1", "s2"};

/* The smallest 1, 2 or 5 times a power of ten that is at least value (1 for value <= 1). */
static int64_t nice_step(int64_t value)
{
    int64_t power = 1;
    while (power <= INT64_MAX / 10 && power * 10 <= value)
        power *= 10;
    if (power >= value) return power;
    if (2 * power >= value) return 2 * power;
    if (5 * power >= value) return 5 * power;
    return 10 * power;
}

static int64_t chart_max(const svg_chart_t *c)
{
    int64_t max = c->has_reference ? c->reference : 0;
    for (size_t s = 0; s < c->series_count; s++)
        for (size_t i = 0; i < c->count; i++)
            if (c->series[s].values[i] > max) max = c->series[s].values[i];
    return max;
}

/* The top of the y axis: SVG_TICKS nice steps covering max. */
static int64_t axis_step(const svg_chart_t *c)
{
    int64_t max = chart_max(c);
    return nice_step(max / SVG_TICKS + (max % SVG_TICKS != 0));
}

/* y pixel of value on an axis of SVG_TICKS steps. */
static long y_of(int64_t value, int64_t step)
{
    int64_t top = step * SVG_TICKS;
    if (value < 0) value = 0;
    return SVG_TOP + SVG_PLOT_HEIGHT - (long)((value * SVG_PLOT_HEIGHT) / (top ? top : 1));
}

/* <svg> with its accessible name and a text description of every figure. */
static void open_chart(html_t *h, const svg_chart_t *c)
{
    html_rawf(h, "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" ", SVG_WIDTH,
              SVG_HEIGHT);
    html_raw(h, "aria-labelledby=\"");
    html_text(h, c->id);
    html_raw(h, "-t ");
    html_text(h, c->id);
    html_raw(h, "-d\"><title id=\"");
    html_text(h, c->id);
    html_raw(h, "-t\">");
    html_text(h, c->title);
    html_raw(h, "</title><desc id=\"");
    html_text(h, c->id);
    html_raw(h, "-d\">");
    for (size_t s = 0; s < c->series_count; s++) {
        if (c->series_count > 1) {
            html_text(h, c->series[s].name);
            html_raw(h, ": ");
        }
        for (size_t i = 0; i < c->count; i++) {
            html_text(h, c->labels[i]);
            html_raw(h, " ");
            html_int(h, c->series[s].values[i]);
            html_raw(h, i + 1 < c->count ? "; " : ". ");
        }
    }
    html_raw(h, "</desc>");
    html_rawf(h, "<text class=\"ct\" x=\"%d\" y=\"16\">", 8);
    html_text(h, c->title);
    html_raw(h, "</text>");
}

static void close_chart(html_t *h)
{
    html_raw(h, "</svg></figure>");
}

/* Grid lines, tick labels, axis titles and the legend. */
static void draw_axes(html_t *h, const svg_chart_t *c, int64_t step)
{
    for (int t = 0; t <= SVG_TICKS; t++) {
        long y = y_of(step * t, step);
        html_rawf(h, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%ld\" y2=\"%ld\"/>", SVG_LEFT,
                  SVG_WIDTH - SVG_RIGHT, y, y);
        html_rawf(h, "<text class=\"tick\" x=\"%d\" y=\"%ld\" text-anchor=\"end\">", SVG_LEFT - 6,
                  y + 4);
        html_int(h, step * t);
        html_raw(h, "</text>");
    }
    html_rawf(h,
              "<text class=\"axis\" transform=\"translate(14 %d) rotate(-90)\" "
              "text-anchor=\"middle\">",
              SVG_TOP + SVG_PLOT_HEIGHT / 2);
    html_text(h, c->y_label);
    html_rawf(h, "</text><text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
              SVG_LEFT + SVG_PLOT_WIDTH / 2, SVG_HEIGHT - 6);
    html_text(h, c->x_label);
    html_raw(h, "</text>");
    for (size_t s = 0; c->series_count > 1 && s < c->series_count; s++) {
        int x = SVG_LEFT + 175 * (int)s;
        html_rawf(h, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"10\" height=\"10\"/>",
                  series_class[s], x, 25);
        html_rawf(h, "<text class=\"tick\" x=\"%d\" y=\"%d\">", x + 14, 34);
        html_text(h, c->series[s].name);
        html_raw(h, "</text>");
    }
}

static void draw_reference(html_t *h, const svg_chart_t *c, int64_t step)
{
    if (!c->has_reference) return;
    long y = y_of(c->reference, step);
    html_rawf(h, "<line class=\"ref\" x1=\"%d\" x2=\"%d\" y1=\"%ld\" y2=\"%ld\"/>", SVG_LEFT,
              SVG_WIDTH - SVG_RIGHT, y, y);
    html_rawf(h, "<text class=\"tick\" x=\"%d\" y=\"%ld\" text-anchor=\"end\">",
              SVG_WIDTH - SVG_RIGHT, y - 4);
    html_text(h, c->reference_label);
    html_raw(h, "</text>");
}

/* The label under slot i (every label when few, every n-th when crowded). */
static void draw_label(html_t *h, const svg_chart_t *c, size_t i, long x_center)
{
    size_t every = c->count > 16 ? (c->count + 15) / 16 : 1;
    if (i % every != 0) return;
    html_rawf(h,
              "<text class=\"tick\" x=\"%ld\" y=\"%d\" text-anchor=\"end\" "
              "transform=\"rotate(-35 %ld %d)\">",
              x_center, SVG_TOP + SVG_PLOT_HEIGHT + 14, x_center, SVG_TOP + SVG_PLOT_HEIGHT + 14);
    html_text(h, c->labels[i]);
    html_raw(h, "</text>");
}

static int chart_usable(const svg_chart_t *c)
{
    return c->count > 0 && c->count <= SVG_POINTS_MAX && c->series_count > 0 &&
           c->series_count <= SVG_SERIES_MAX;
}

static void draw_bars(html_t *h, const svg_chart_t *c, int gap)
{
    if (!chart_usable(c)) return;
    int64_t step = axis_step(c);
    open_chart(h, c);
    draw_axes(h, c, step);
    long slot = SVG_PLOT_WIDTH / (long)c->count;
    long bar = (slot - gap) / (long)c->series_count;
    if (bar > SVG_BAR_WIDTH_MAX) bar = SVG_BAR_WIDTH_MAX;
    if (bar < 1) bar = 1;
    long group = bar * (long)c->series_count;
    for (size_t i = 0; i < c->count; i++) {
        long x0 = SVG_LEFT + slot * (long)i + (slot - group) / 2;
        for (size_t s = 0; s < c->series_count; s++) {
            int64_t value = c->series[s].values[i];
            long y = y_of(value, step);
            html_rawf(h, "<rect class=\"%s\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\">",
                      series_class[s], x0 + bar * (long)s, y, bar, SVG_TOP + SVG_PLOT_HEIGHT - y);
            html_raw(h, "<title>");
            html_text(h, c->labels[i]);
            html_raw(h, ": ");
            html_int(h, value);
            html_raw(h, "</title></rect>");
        }
        draw_label(h, c, i, SVG_LEFT + slot * (long)i + slot / 2);
    }
    draw_reference(h, c, step);
    close_chart(h);
}

void svg_bar_chart(html_t *h, const svg_chart_t *chart)
{
    draw_bars(h, chart, 8);
}

void svg_histogram(html_t *h, const svg_chart_t *chart)
{
    draw_bars(h, chart, 1);
}

void svg_line_chart(html_t *h, const svg_chart_t *c)
{
    if (!chart_usable(c)) return;
    int64_t step = axis_step(c);
    open_chart(h, c);
    draw_axes(h, c, step);
    long slot = SVG_PLOT_WIDTH / (long)c->count;
    for (size_t s = 0; s < c->series_count; s++) {
        html_rawf(h, "<polyline class=\"l%s\" points=\"", series_class[s]);
        for (size_t i = 0; i < c->count; i++)
            html_rawf(h, "%ld,%ld ", SVG_LEFT + slot * (long)i + slot / 2,
                      y_of(c->series[s].values[i], step));
        html_raw(h, "\"/>");
    }
    for (size_t i = 0; i < c->count; i++)
        draw_label(h, c, i, SVG_LEFT + slot * (long)i + slot / 2);
    draw_reference(h, c, step);
    close_chart(h);
}

#define TIMELINE_LABEL_WIDTH 190
#define TIMELINE_ROW_HEIGHT 22
#define TIMELINE_ROWS_MAX 40

static long timeline_x(a6_date_t date, a6_date_t first, a6_date_t last)
{
    long span = last > first ? (long)(last - first) : 1;
    long width = SVG_WIDTH - SVG_RIGHT - TIMELINE_LABEL_WIDTH;
    return TIMELINE_LABEL_WIDTH + (long)(date - first) * width / span;
}

/* The calendar range to draw: from the first January before the earliest start to the end of the
 * year of the latest date (today for open spans). */
static void timeline_range(const svg_span_t *spans, size_t count, a6_date_t today, a6_date_t *first,
                           a6_date_t *last)
{
    a6_date_t low = today, high = today;
    for (size_t i = 0; i < count; i++) {
        if (spans[i].start != A6_DATE_NONE && spans[i].start < low) low = spans[i].start;
        if (spans[i].end != A6_DATE_NONE && spans[i].end > high) high = spans[i].end;
    }
    *first = a6_date_from_civil(a6_date_year(low), 1, 1);
    *last = a6_date_from_civil(a6_date_year(high) + 1, 1, 1);
}

static void timeline_years(html_t *h, a6_date_t first, a6_date_t last, long bottom)
{
    int years = a6_date_year(last) - a6_date_year(first);
    int every = years > 12 ? 2 : 1;
    for (int year = a6_date_year(first); year <= a6_date_year(last); year += every) {
        long x = timeline_x(a6_date_from_civil(year, 1, 1), first, last);
        html_rawf(h, "<line class=\"grid\" x1=\"%ld\" x2=\"%ld\" y1=\"%d\" y2=\"%ld\"/>", x, x,
                  SVG_TOP, bottom);
        html_rawf(h, "<text class=\"tick\" x=\"%ld\" y=\"%ld\" text-anchor=\"middle\">%d</text>", x,
                  bottom + 14, year);
    }
}

static void timeline_row(html_t *h, const svg_span_t *span, size_t row, a6_date_t first,
                         a6_date_t last, a6_date_t today)
{
    long y = SVG_TOP + (long)row * TIMELINE_ROW_HEIGHT;
    html_rawf(h, "<text class=\"tick\" x=\"%d\" y=\"%ld\" text-anchor=\"end\">",
              TIMELINE_LABEL_WIDTH - 6, y + 15);
    html_text(h, span->label);
    html_raw(h, "</text>");
    if (span->start == A6_DATE_NONE) return;
    a6_date_t end = span->end == A6_DATE_NONE ? today : span->end;
    long x0 = timeline_x(span->start, first, last), x1 = timeline_x(end, first, last);
    if (x1 < x0 + 2) x1 = x0 + 2;
    char from[A6_DATE_TEXT_SIZE], to[A6_DATE_TEXT_SIZE];
    a6_date_format(span->start, from);
    a6_date_format(span->end, to);
    html_rawf(h, "<rect class=\"%s\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%d\">",
              span->late ? "late" : (span->end == A6_DATE_NONE ? "open" : "s0"), x0, y + 4, x1 - x0,
              TIMELINE_ROW_HEIGHT - 8);
    html_raw(h, "<title>");
    html_text(h, span->label);
    html_rawf(h, ": %s \u2013 %s (%" PRId32 " d)</title></rect>", from, to[0] ? to : "\u2026",
              a6_date_days_between(span->start, end));
}

void svg_timeline(html_t *h, const char *id, const char *title, const svg_span_t *spans,
                  size_t count, a6_date_t today)
{
    if (count == 0) return;
    if (count > TIMELINE_ROWS_MAX) count = TIMELINE_ROWS_MAX;
    a6_date_t first, last;
    timeline_range(spans, count, today, &first, &last);
    long bottom = SVG_TOP + (long)count * TIMELINE_ROW_HEIGHT;
    html_rawf(h, "<figure class=\"chart\"><svg viewBox=\"0 0 %d %ld\" role=\"img\" ", SVG_WIDTH,
              bottom + 24);
    html_raw(h, "aria-labelledby=\"");
    html_text(h, id);
    html_raw(h, "-t ");
    html_text(h, id);
    html_raw(h, "-d\"><title id=\"");
    html_text(h, id);
    html_raw(h, "-t\">");
    html_text(h, title);
    html_raw(h, "</title><desc id=\"");
    html_text(h, id);
    html_raw(h, "-d\">");
    for (size_t i = 0; i < count; i++) {
        char from[A6_DATE_TEXT_SIZE], to[A6_DATE_TEXT_SIZE];
        a6_date_format(spans[i].start, from);
        a6_date_format(spans[i].end, to);
        html_text(h, spans[i].label);
        html_rawf(h, ": %s \u2013 %s. ", from[0] ? from : "?", to[0] ? to : "\u2026");
    }
    html_raw(h, "</desc>");
    html_rawf(h, "<text class=\"ct\" x=\"%d\" y=\"18\">", 8);
    html_text(h, title);
    html_raw(h, "</text>");
    timeline_years(h, first, last, bottom);
    for (size_t i = 0; i < count; i++)
        timeline_row(h, &spans[i], i, first, last, today);
    long x = timeline_x(today, first, last);
    html_rawf(h, "<line class=\"ref\" x1=\"%ld\" x2=\"%ld\" y1=\"%d\" y2=\"%ld\"/>", x, x, SVG_TOP,
              bottom);
    close_chart(h);
}
