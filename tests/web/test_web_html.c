/* test_web_html.c: the web layer's text primitives: HTML escaping, thousands separators,
 * formula-safe CSV cells, and SVG charts that carry their figures as accessible text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web/html.h"
#include "web/svg.h"

static char *render_text(const char *text)
{
    html_t h;
    html_init(&h);
    html_text(&h, text);
    return html_take(&h, NULL);
}

static void escapes_markup(void **state)
{
    (void)state;
    char *out = render_text("<script>alert('x')</script> & \"q\"");
    assert_string_equal(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    free(out);
    out = render_text("Tiếng Việt");
    assert_string_equal(out, "Tiếng Việt"); /* UTF-8 passes through untouched */
    free(out);
}

static void separates_thousands(void **state)
{
    (void)state;
    const struct {
        int64_t value;
        const char *text;
    } cases[] = {{0, "0"},
                 {999, "999"},
                 {1000, "1,000"},
                 {35313, "35,313"},
                 {-1234567, "-1,234,567"},
                 {INT64_MIN, "-9,223,372,036,854,775,808"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        html_t h;
        html_init(&h);
        html_int(&h, cases[i].value);
        char *out = html_take(&h, NULL);
        assert_string_equal(out, cases[i].text);
        free(out);
    }
}

static void csv_cells_are_formula_safe(void **state)
{
    (void)state;
    const struct {
        const char *in;
        const char *out;
    } cases[] = {{"plain", "plain"},
                 {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
                 {"+1", "\"'+1\""},
                 {"-2", "\"'-2\""},
                 {"@SUM(A1)", "\"'@SUM(A1)\""},
                 {"a,b", "\"a,b\""},
                 {"line\nbreak", "\"line\nbreak\""},
                 {"", ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        html_t h;
        html_init(&h);
        csv_cell(&h, cases[i].in);
        char *out = html_take(&h, NULL);
        assert_string_equal(out, cases[i].out);
        free(out);
    }
}

static void charts_describe_their_figures(void **state)
{
    (void)state;
    const char *labels[] = {"2016", "2017"};
    const int64_t values[] = {87, 12345};
    svg_chart_t chart = {.id = "c",
                         .title = "Credits <by> vintage",
                         .x_label = "Vintage",
                         .y_label = "tCO2e",
                         .count = 2,
                         .labels = labels,
                         .series_count = 1,
                         .series = {{"Held", values}}};
    html_t h;
    html_init(&h);
    svg_bar_chart(&h, &chart);
    char *out = html_take(&h, NULL);
    assert_non_null(strstr(out, "role=\"img\""));
    assert_non_null(strstr(out, "<title id=\"c-t\">Credits &lt;by&gt; vintage</title>"));
    assert_non_null(strstr(out, "<desc id=\"c-d\">2016 87; 2017 12,345. </desc>"));
    assert_non_null(strstr(out, ">tCO2e</text>"));
    /* the axis reaches past the largest value: 4 ticks of a nice step (5,000 -> 20,000) */
    assert_non_null(strstr(out, ">20,000</text>"));
    free(out);
}

static void timeline_draws_open_spans_to_today(void **state)
{
    (void)state;
    svg_span_t spans[] = {
        {"Monitoring 1", a6_date_from_civil(2015, 8, 1), a6_date_from_civil(2016, 6, 30), 0},
        {"Wait 1", a6_date_from_civil(2016, 6, 30), A6_DATE_NONE, 1}};
    html_t h;
    html_init(&h);
    svg_timeline(&h, "t", "Cycle", spans, 2, a6_date_from_civil(2017, 10, 10));
    char *out = html_take(&h, NULL);
    assert_non_null(strstr(out, "Monitoring 1: 2015-08-01 \u2013 2016-06-30."));
    assert_non_null(strstr(out, "class=\"late\""));
    assert_non_null(strstr(out, "(467 d)")); /* 2016-06-30 to 2017-10-10 */
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_markup),
        cmocka_unit_test(separates_thousands),
        cmocka_unit_test(csv_cells_are_formula_safe),
        cmocka_unit_test(charts_describe_their_figures),
        cmocka_unit_test(timeline_draws_open_spans_to_today),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
