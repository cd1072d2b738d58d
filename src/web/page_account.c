/* page_account.c: an account holder's pages: their accounts, one account's holdings and history,
 * and the transfer, retirement and cancellation forms. Forms go through the JSON API's handler
 * (same checks, same four-eyes rule, same audit) with an idempotency key, so a form sent twice
 * moves units once. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/ledger_store.h"
#include "pages.h"
#include "table.h"

static const char *text_of(const json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

void page_accounts(web_request_t *r, web_page_t *page)
{
    unsigned status;
    json_t *answer = web_call_api(r, api_accounts_list, NULL, NULL, &status);
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Account"), 0);
    web_table_column(&t, N_("Holder"), 0);
    web_table_column(&t, N_("Type"), 0);
    web_table_column(&t, N_("Party"), 0);
    web_table_column(&t, N_("Status"), 0);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(answer, "items"), i, a)
    {
        char id[24], href[48];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(a, "id")));
        snprintf(href, sizeof href, "/accounts/%s", id);
        web_table_row(&t);
        web_cell_link(&t, id, href);
        web_cell_json(&t, json_object_get(a, "holder"));
        web_cell_text(&t, T(r, text_of(a, "type") ? text_of(a, "type") : ""));
        web_cell_json(&t, json_object_get(a, "party"));
        web_cell_text(&t, T(r, text_of(a, "status") ? text_of(a, "status") : ""));
    }
    if (strstr(r->path, ".csv")) {
        web_table_csv(page, &t, "accounts.csv");
    } else {
        layout_begin(r, page, T(r, "My accounts"));
        if (status != 200) web_keep_error(r, answer), layout_notice(r, &page->body);
        web_table_csv_link(r, &page->body, "/accounts.csv");
        web_table_html(r, &page->body, &t, T(r, "Accounts"));
        layout_end(r, page);
    }
    web_table_release(&t);
    json_decref(answer);
}

static void holdings_table(const json_t *holdings, web_table_t *t)
{
    web_table_init(t);
    web_table_column(t, N_("First serial"), 1);
    web_table_column(t, N_("Last serial"), 1);
    web_table_column(t, N_("Quantity (tCO2e)"), 1);
    web_table_column(t, N_("Vintage"), 0);
    web_table_column(t, N_("Unit type"), 0);
    web_table_column(t, N_("ITMO"), 0);
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(holdings, "blocks"), i, b)
    {
        json_int_t first = json_integer_value(json_object_get(b, "first"));
        json_int_t last = json_integer_value(json_object_get(b, "last"));
        web_table_row(t);
        web_cell_int(t, first);
        web_cell_int(t, last);
        web_cell_int(t, last - first + 1);
        web_cell_json(t, json_object_get(b, "vintage"));
        web_cell_json(t, json_object_get(b, "unit_type"));
        web_cell_json(t, json_object_get(b, "itmo_id"));
    }
}

static void history_table(const web_request_t *r, html_t *h, const json_t *history)
{
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Transaction"), 0);
    web_table_column(&t, N_("Type"), 0);
    web_table_column(&t, N_("From"), 0);
    web_table_column(&t, N_("To"), 0);
    web_table_column(&t, N_("Quantity (tCO2e)"), 1);
    web_table_column(&t, N_("Time"), 0);
    web_table_column(&t, N_("Certificate"), 0);
    size_t n;
    json_t *tx;
    json_array_foreach(history, n, tx)
    {
        const char *type = text_of(tx, "type") ? text_of(tx, "type") : "";
        char id[24], href[48];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(tx, "id")));
        snprintf(href, sizeof href, "/certificates/%s", id);
        web_table_row(&t);
        web_cell_text(&t, id);
        web_cell_text(&t, T(r, type));
        web_cell_json(&t, json_object_get(tx, "from"));
        web_cell_json(&t, json_object_get(tx, "to"));
        web_cell_json(&t, json_object_get(tx, "quantity"));
        web_cell_json(&t, json_object_get(tx, "created_at"));
        if (strcmp(type, "retire") == 0 || strcmp(type, "cancel") == 0)
            web_cell_link(&t, T(r, "Certificate"), href);
        else
            web_cell_text(&t, NULL);
    }
    html_raw(h, "<h2>");
    html_text(h, T(r, "Transactions"));
    html_raw(h, "</h2>");
    web_table_html(r, h, &t, T(r, "Transactions (newest first)"));
    web_table_release(&t);
}

#define ACCOUNT_HISTORY_SHOWN 50

/* A random idempotency key per form drawn: sending the same form twice moves units once. */
static void idempotency_field(html_t *h)
{
    unsigned char bytes[16];
    char hex[33];
    randombytes_buf(bytes, sizeof bytes);
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    html_rawf(h, "<input type=\"hidden\" name=\"idempotency_key\" value=\"web-%s\">", hex);
}

static void number_input(const web_request_t *r, html_t *h, const char *name, const char *label,
                         int required)
{
    html_raw(h, "<label>");
    html_text(h, T(r, label));
    html_rawf(h, "<input name=\"%s\" inputmode=\"numeric\" pattern=\"[0-9]+\"%s></label>", name,
              required ? " required" : "");
}

static void action_form(const web_request_t *r, html_t *h, const char *account, const char *action,
                        const char *title)
{
    html_raw(h, "<h2>");
    html_text(h, T(r, title));
    html_rawf(h,
              "</h2><form class=\"action\" method=\"post\" action=\"/accounts/%s/%s\" "
              "id=\"form-%s\">",
              account, action, action);
    layout_csrf(r, h);
    idempotency_field(h);
    if (strcmp(action, "transfer") == 0) number_input(r, h, "to", N_("To account"), 1);
    number_input(r, h, "quantity", N_("Quantity (tCO2e)"), 1);
    number_input(r, h, "vintage", N_("Vintage (optional)"), 0);
    html_raw(h, "<button class=\"primary\">");
    html_text(h, T(r, title));
    html_raw(h, "</button></form>");
}

void page_account(web_request_t *r, web_page_t *page)
{
    const char *id = r->params[0];
    unsigned status;
    json_t *holdings = web_call_api(r, api_account_holdings, id, NULL, &status);
    if (status != 200) {
        web_keep_error(r, holdings);
        layout_error(r, page, status, r->error);
        json_decref(holdings);
        return;
    }
    web_table_t t;
    holdings_table(holdings, &t);
    if (strstr(r->path, ".csv")) {
        char filename[64];
        snprintf(filename, sizeof filename, "account-%s-holdings.csv", id);
        web_table_csv(page, &t, filename);
        web_table_release(&t);
        json_decref(holdings);
        return;
    }
    json_t *account = web_call_api(r, api_account_get, id, NULL, &status);
    char title[160];
    snprintf(title, sizeof title, "%s %s: %s", T(r, "Account"), id,
             text_of(account, "holder") ? text_of(account, "holder") : "");
    layout_begin(r, page, title);
    html_t *h = &page->body;
    html_raw(h, "<div class=\"cards\"><div class=\"card\"><b>");
    html_int(h, json_integer_value(json_object_get(holdings, "total")));
    html_raw(h, "</b><span>");
    html_text(h, T(r, "tCO2e held"));
    html_raw(h, "</span></div><div class=\"card\"><b>");
    html_text(h, T(r, text_of(account, "type") ? text_of(account, "type") : ""));
    html_raw(h, "</b><span>");
    html_text(h, T(r, "account type"));
    html_raw(h, "</span></div></div><h2>");
    html_text(h, T(r, "Holdings"));
    html_raw(h, "</h2>");
    char csv[64];
    snprintf(csv, sizeof csv, "/accounts/%s/holdings.csv", id);
    web_table_csv_link(r, h, csv);
    web_table_html(r, h, &t, T(r, "Serial blocks held"));
    web_table_release(&t);
    if (strcmp(text_of(account, "status") ? text_of(account, "status") : "", "open") == 0) {
        action_form(r, h, id, "transfer", N_("Transfer"));
        action_form(r, h, id, "retire", N_("Retire"));
        action_form(r, h, id, "cancel", N_("Cancel units"));
    }
    db_error_t err = {0};
    json_t *history =
        ledger_query_history(r->reader, strtoll(id, NULL, 10), ACCOUNT_HISTORY_SHOWN, &err);
    if (history) history_table(r, h, history);
    json_decref(history);
    json_decref(account);
    json_decref(holdings);
    layout_end(r, page);
}

/* A form's number as a JSON integer, or its text when it is not one (the API then names the field
 * and the reason); NULL when empty. */
static json_t *form_number(const web_request_t *r, const char *key)
{
    const char *text = web_form_value(r, key);
    if (!text || !*text) return NULL;
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (end && *end == '\0' && strspn(text, "0123456789") == strlen(text) && strlen(text) < 19)
        return json_integer(value);
    return json_string(text);
}

void page_account_action_post(web_request_t *r, web_page_t *page)
{
    const char *id = r->params[0], *action = r->params[1];
    static const char *const actions[][2] = {
        {"transfer", "transfer"}, {"retire", "retire"}, {"cancel", "cancel"}};
    const char *type = NULL;
    for (size_t i = 0; i < 3; i++)
        if (strcmp(action, actions[i][0]) == 0) type = actions[i][1];
    if (!type) {
        layout_error(r, page, 404, N_("There is no page at this address."));
        return;
    }
    json_t *from = strspn(id, "0123456789") == strlen(id) && strlen(id) < 19
                       ? json_integer(strtoll(id, NULL, 10))
                       : json_string(id);
    json_t *body = json_pack("{ss so}", "type", type, "from", from);
    static const char *const numbers[] = {"to", "quantity", "vintage"};
    for (size_t i = 0; i < 3; i++) {
        json_t *value = form_number(r, numbers[i]);
        if (value) json_object_set_new(body, numbers[i], value);
    }
    unsigned status;
    json_t *answer = web_call_api(r, api_transactions_create, NULL, body, &status);
    if (status == 201 || status == 200) {
        const char *outcome = text_of(answer, "status");
        int held = outcome && strcmp(outcome, "awaiting_approval") == 0;
        char location[96];
        snprintf(location, sizeof location, "/accounts/%s?done=%s&id=%lld", id,
                 held ? "held" : action,
                 (long long)json_integer_value(json_object_get(answer, held ? "approval" : "id")));
        web_redirect(page, location);
    } else {
        web_keep_error(r, answer);
        r->method = "GET";
        page_account(r, page);
        page->status = status;
    }
    json_decref(answer);
}
