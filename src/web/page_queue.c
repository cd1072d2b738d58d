/* page_queue.c: the work queues of signed-in users: transfers awaiting a second person's approval
 * (four-eyes) and the authority's authorization requests, each with its decision buttons. The
 * decisions go through the JSON API's handlers, which say who may decide what. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "table.h"

static const char *text_of(const json_t *object, const char *key)
{
    const char *text = json_string_value(json_object_get(object, key));
    return text ? text : "";
}

/* A row of decision buttons, each its own small form. */
static void decision_buttons(const web_request_t *r, html_t *h, const char *base, long long id,
                             const char *const actions[][2], size_t count)
{
    html_raw(h, "<td class=\"noprint\">");
    for (size_t i = 0; i < count; i++) {
        html_rawf(h, "<form class=\"inline\" method=\"post\" action=\"/%s/%lld/%s\">", base, id,
                  actions[i][0]);
        layout_csrf(r, h);
        html_rawf(h, "<button class=\"%s\" name=\"go\" value=\"1\" id=\"%s-%lld\">",
                  i == 0 ? "primary" : "", actions[i][0], id);
        html_text(h, T(r, actions[i][1]));
        html_raw(h, "</button></form> ");
    }
    html_raw(h, "</td>");
}

/* The heading row of a queue's table (headings translated). */
static void queue_table_open(const web_request_t *r, html_t *h, const char *caption,
                             const char *const *headings, size_t count)
{
    html_raw(h, "<div class=\"scroll\"><table><caption>");
    html_text(h, T(r, caption));
    html_raw(h, "</caption><thead><tr>");
    for (size_t k = 0; k < count; k++) {
        html_raw(h, "<th scope=\"col\">");
        html_text(h, T(r, headings[k]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
}

/* A queue page's start: title, what the queue is, its CSV link, or the empty message. Returns
 * whether there are items to list. */
static int queue_page_begin(const web_request_t *r, web_page_t *page, const char *title,
                            const char *intro, const char *csv_path, const char *empty,
                            size_t item_count)
{
    layout_begin(r, page, T(r, title));
    html_t *h = &page->body;
    html_raw(h, "<p>");
    html_text(h, T(r, intro));
    html_raw(h, "</p>");
    web_table_csv_link(r, h, csv_path);
    if (item_count > 0) return 1;
    html_raw(h, "<p class=\"empty\">");
    html_text(h, T(r, empty));
    html_raw(h, "</p>");
    return 0;
}

/* After a decision: to the queue with the fixed notice, or the queue drawn again with the reason
 * the API gave (and its status). */
static void answer_decision(web_request_t *r, web_page_t *page, json_t *answer, unsigned status,
                            const char *location, web_page_fn queue)
{
    if (status == 200 || status == 201) {
        web_redirect(page, location);
    } else {
        web_keep_error(r, answer);
        r->method = "GET";
        queue(r, page);
        page->status = status;
    }
}

static void approvals_table(const json_t *items, web_table_t *t)
{
    web_table_init(t);
    web_table_column(t, N_("Approval"), 1);
    web_table_column(t, N_("Type"), 0);
    web_table_column(t, N_("From"), 1);
    web_table_column(t, N_("To"), 1);
    web_table_column(t, N_("Quantity (tCO2e)"), 1);
    web_table_column(t, N_("Holder"), 0);
    web_table_column(t, N_("Requested at"), 0);
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a)
    {
        web_table_row(t);
        static const char *const keys[] = {"id",       "type",   "from",      "to",
                                           "quantity", "holder", "created_at"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            web_cell_json(t, json_object_get(a, keys[k]));
    }
}

static void approvals_html(const web_request_t *r, html_t *h, const json_t *items)
{
    static const char *const headings[] = {N_("Approval"),     N_("From"),
                                           N_("To"),           N_("Quantity (tCO2e)"),
                                           N_("Requested at"), N_("Decision")};
    queue_table_open(r, h, N_("Transfers awaiting approval"), headings, 6);
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a)
    {
        long long id = (long long)json_integer_value(json_object_get(a, "id"));
        html_rawf(h,
                  "<tr><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
                  "<td class=\"n\">%lld</td><td class=\"n\">",
                  id, (long long)json_integer_value(json_object_get(a, "from")),
                  (long long)json_integer_value(json_object_get(a, "to")));
        html_int(h, json_integer_value(json_object_get(a, "quantity")));
        html_raw(h, "</td><td>");
        html_text(h, text_of(a, "created_at"));
        html_raw(h, "</td>");
        static const char *const actions[][2] = {{"approve", N_("Approve")},
                                                 {"reject", N_("Reject")}};
        decision_buttons(r, h, "approvals", id, actions, 2);
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></div>");
}

void page_approvals(web_request_t *r, web_page_t *page)
{
    unsigned status;
    json_t *answer = web_call_api(r, api_approvals_list, NULL, NULL, &status);
    if (status != 200) {
        web_keep_error(r, answer);
        layout_error(r, page, status, r->error);
        json_decref(answer);
        return;
    }
    const json_t *items = json_object_get(answer, "items");
    web_table_t t;
    approvals_table(items, &t);
    if (strstr(r->path, ".csv")) {
        web_table_csv(page, &t, "approvals.csv");
        web_table_release(&t);
        json_decref(answer);
        return;
    }
    web_table_release(&t);
    if (queue_page_begin(r, page, N_("Transfers awaiting approval"),
                         N_("A transfer above the four-eyes threshold moves only when a second "
                            "person of the same account holder approves it. You cannot approve "
                            "your own."),
                         "/approvals.csv", N_("Nothing is waiting for approval."),
                         json_array_size(items)))
        approvals_html(r, &page->body, items);
    layout_end(r, page);
    json_decref(answer);
}

void page_approval_post(web_request_t *r, web_page_t *page)
{
    const char *action = r->params[1];
    int approve = strcmp(action, "approve") == 0;
    if (!approve && strcmp(action, "reject") != 0) {
        layout_error(r, page, 404, N_("There is no page at this address."));
        return;
    }
    unsigned status;
    json_t *answer = web_call_api(r, approve ? api_approval_approve : api_approval_reject,
                                  r->params[0], NULL, &status);
    char location[96];
    snprintf(location, sizeof location, "/approvals?done=%s&id=%s",
             approve ? "approved" : "rejected", r->params[0]);
    answer_decision(r, page, answer, status, location, page_approvals);
    json_decref(answer);
}

static void authorizations_table(const json_t *items, web_table_t *t)
{
    web_table_init(t);
    web_table_column(t, N_("Authorization"), 1);
    web_table_column(t, N_("Activity"), 0);
    web_table_column(t, N_("Approach"), 0);
    web_table_column(t, N_("Purpose"), 0);
    web_table_column(t, N_("Quantity (tCO2e)"), 1);
    web_table_column(t, N_("Timeframe"), 0);
    web_table_column(t, N_("Status"), 0);
    web_table_column(t, N_("Rules passed"), 0);
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a)
    {
        size_t passed = 0, j;
        json_t *rule;
        json_array_foreach(json_object_get(a, "evaluation"), j, rule) passed +=
            json_is_true(json_object_get(rule, "passed"));
        char rules[32];
        snprintf(rules, sizeof rules, "%zu / %zu", passed,
                 json_array_size(json_object_get(a, "evaluation")));
        web_table_row(t);
        static const char *const keys[] = {"id",       "ref",       "approach", "purpose",
                                           "quantity", "timeframe", "status"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            web_cell_json(t, json_object_get(a, keys[k]));
        web_cell_text(t, rules);
    }
}

/* The failed rules of a request, so the authority sees why before deciding. */
static void failed_rules(const web_request_t *r, html_t *h, const json_t *a)
{
    size_t j;
    json_t *rule;
    json_array_foreach(json_object_get(a, "evaluation"), j, rule)
    {
        if (json_is_true(json_object_get(rule, "passed"))) continue;
        html_raw(h, "<div class=\"late-tag\">");
        html_text(h, T(r, "Failed"));
        html_raw(h, ": ");
        html_text(h, text_of(rule, "rule"));
        html_raw(h, " \u2013 ");
        html_text(h, text_of(rule, "reason"));
        html_raw(h, "</div>");
    }
}

static void authorizations_html(const web_request_t *r, html_t *h, const json_t *items)
{
    static const char *const headings[] = {N_("Authorization"),    N_("Activity"), N_("Purpose"),
                                           N_("Quantity (tCO2e)"), N_("Status"),   N_("Decision")};
    queue_table_open(r, h, N_("Authorization requests"), headings, 6);
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a)
    {
        long long id = (long long)json_integer_value(json_object_get(a, "id"));
        html_rawf(h, "<tr><td class=\"n\">%lld</td><td><a href=\"/activities/", id);
        html_text(h, text_of(a, "ref"));
        html_raw(h, "\">");
        html_text(h, text_of(a, "ref"));
        html_raw(h, "</a></td><td>");
        html_text(h, text_of(a, "purpose"));
        html_raw(h, "</td><td class=\"n\">");
        html_int(h, json_integer_value(json_object_get(a, "quantity")));
        html_raw(h, "</td><td>");
        html_text(h, T(r, text_of(a, "status")));
        failed_rules(r, h, a);
        html_raw(h, "</td>");
        if (strcmp(text_of(a, "status"), "requested") == 0 && r->user->role == ROLE_AUTHORITY) {
            static const char *const actions[][2] = {{"authorize", N_("Authorize")},
                                                     {"decline", N_("Decline")}};
            decision_buttons(r, h, "authorizations", id, actions, 2);
        } else {
            html_raw(h, "<td>\u2014</td>");
        }
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></div>");
}

void page_authorizations(web_request_t *r, web_page_t *page)
{
    unsigned status;
    json_t *answer = web_call_api(r, api_authorizations_list, NULL, NULL, &status);
    if (status != 200) {
        web_keep_error(r, answer);
        layout_error(r, page, status, r->error);
        json_decref(answer);
        return;
    }
    const json_t *items = json_object_get(answer, "items");
    if (strstr(r->path, ".csv")) {
        web_table_t t;
        authorizations_table(items, &t);
        web_table_csv(page, &t, "authorizations.csv");
        web_table_release(&t);
        json_decref(answer);
        return;
    }
    if (queue_page_begin(r, page, N_("Authorization requests"),
                         N_("Each request was evaluated against every rule of the national "
                            "authorization framework in force; the authority decides."),
                         "/authorizations.csv", N_("No authorization requests."),
                         json_array_size(items)))
        authorizations_html(r, &page->body, items);
    layout_end(r, page);
    json_decref(answer);
}

void page_authorization_post(web_request_t *r, web_page_t *page)
{
    const char *action = r->params[1];
    if (strcmp(action, "authorize") != 0 && strcmp(action, "decline") != 0) {
        layout_error(r, page, 404, N_("There is no page at this address."));
        return;
    }
    unsigned status;
    json_t *answer = web_call_api(r, api_authorization_decide, r->params[0],
                                  json_pack("{ss}", "decision", action), &status);
    char location[96];
    snprintf(location, sizeof location, "/authorizations?done=authorized&id=%s", r->params[0]);
    answer_decision(r, page, answer, status, location, page_authorizations);
    json_decref(answer);
}
