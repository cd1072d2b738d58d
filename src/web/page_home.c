/* page_home.c: the dashboard: the portfolio and the units at a glance, with charts. */
#include <stdio.h>
#include <string.h>

#include "../store/cycle_store.h"
#include "../store/public_query.h"
#include "pages.h"
#include "svg.h"

static void card(const web_request_t *r, html_t *h, int64_t value, const char *label,
                 const char *href)
{
    html_raw(h, "<a class=\"card\" href=\"");
    html_raw(h, href);
    html_raw(h, "\"><b>");
    html_int(h, value);
    html_raw(h, "</b><span>");
    html_text(h, T(r, label));
    html_raw(h, "</span></a>");
}

/* Counts the activities per state, returning the total. */
static int64_t count_state(const json_t *activities, const char *state)
{
    int64_t n = 0;
    size_t i;
    json_t *a;
    json_array_foreach(activities, i, a)
    {
        const char *s = json_string_value(json_object_get(a, "state"));
        n += !state || (s && strcmp(s, state) == 0);
    }
    return n;
}

static void unit_cards(const web_request_t *r, html_t *h, const json_t *credits)
{
    int64_t total = 0, retired = 0, partner = 0;
    size_t i;
    json_t *row;
    json_array_foreach(credits, i, row)
    {
        total += json_integer_value(json_object_get(row, "total"));
        retired += json_integer_value(json_object_get(row, "retired")) +
                   json_integer_value(json_object_get(row, "cancelled"));
        partner += json_integer_value(json_object_get(row, "partner"));
    }
    card(r, h, total, N_("tCO2e of credits in this registry"), "/credits");
    card(r, h, partner, N_("tCO2e held for the partner Party"), "/credits");
    card(r, h, retired, N_("tCO2e retired or cancelled"), "/credits");
}

void page_home(web_request_t *r, web_page_t *page)
{
    db_error_t err = {0};
    json_t *activities = cycle_query_activities(r->reader, NULL, NULL, &err);
    json_t *credits = activities ? public_query_credits(r->reader, &err) : NULL;
    if (!activities || !credits) {
        json_decref(activities);
        layout_error(r, page, 503, N_("The registry could not be read. Please try again."));
        return;
    }
    layout_begin(r, page, T(r, "Registry dashboard"));
    html_t *h = &page->body;
    html_raw(h, "<div class=\"cards\">");
    card(r, h, count_state(activities, NULL), N_("activities"), "/activities");
    card(r, h, count_state(activities, "registered"), N_("registered"),
         "/activities?state=registered");
    card(r, h, count_state(activities, "under_validation"), N_("under validation"),
         "/activities?state=under_validation");
    unit_cards(r, h, credits);
    html_raw(h, "</div><div class=\"charts\">");
    dashboard_charts(r, h);
    credits_chart(r, h, credits);
    html_raw(h, "</div>");
    layout_end(r, page);
    json_decref(credits);
    json_decref(activities);
}
