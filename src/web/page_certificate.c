/* page_certificate.c: the printable certificate of a retirement or cancellation. The registry
 * signs the certificate's facts (Ed25519, canonical JSON); the verification link carries that
 * signature, so anyone who opens it sees whether the ledger still holds exactly these facts. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../store/public_query.h"
#include "pages.h"
#include "table.h"

/* Signs the certificate's facts (with the registry's id) into hex; 0 when the registry has no
 * identity yet. */
static int certificate_sign(const web_request_t *r, json_t *facts,
                            char hex[2 * crypto_sign_BYTES + 1])
{
    const registry_keys_t *keys = r->context->keys;
    if (!keys) return 0;
    json_object_set_new(facts, "registry", json_string(keys->registry_id));
    char *bytes = audit_canonical_json(facts);
    if (!bytes) return 0;
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, NULL, (const unsigned char *)bytes, strlen(bytes),
                         keys->secret_key);
    free(bytes);
    sodium_bin2hex(hex, 2 * crypto_sign_BYTES + 1, signature, sizeof signature);
    return 1;
}

static void certificate_facts(const web_request_t *r, html_t *h, const json_t *c)
{
    const char *type = json_string_value(json_object_get(c, "type"));
    const char *purpose = json_string_value(json_object_get(c, "purpose"));
    const char *entity = json_string_value(json_object_get(c, "using_entity"));
    char quantity[40], transaction[24];
    snprintf(quantity, sizeof quantity, "%lld tCO2e",
             (long long)json_integer_value(json_object_get(c, "quantity")));
    snprintf(transaction, sizeof transaction, "%lld",
             (long long)json_integer_value(json_object_get(c, "id")));
    html_raw(h, "<dl class=\"facts\">");
    layout_fact_text(r, h, N_("Quantity"), quantity);
    layout_fact(r, h, N_("Date"), json_object_get(c, "date"));
    layout_fact_text(r, h, N_("Beneficiary"),
                     entity ? entity : json_string_value(json_object_get(c, "holder")));
    layout_fact_text(r, h, N_("Purpose"),
                     purpose ? purpose
                             : T(r, strcmp(type, "retire") == 0 ? N_("Voluntary retirement")
                                                                : N_("Cancellation")));
    layout_fact_text(r, h, N_("Transaction"), transaction);
    html_raw(h, "</dl>");
}

static void certificate_blocks(const web_request_t *r, html_t *h, const json_t *c)
{
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("First serial"), 1);
    web_table_column(&t, N_("Last serial"), 1);
    web_table_column(&t, N_("Quantity (tCO2e)"), 1);
    web_table_column(&t, N_("Vintage"), 0);
    web_table_column(&t, N_("Unit type"), 0);
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(c, "blocks"), i, b)
    {
        json_int_t first = json_integer_value(json_object_get(b, "first"));
        json_int_t last = json_integer_value(json_object_get(b, "last"));
        web_table_row(&t);
        web_cell_int(&t, first);
        web_cell_int(&t, last);
        web_cell_int(&t, last - first + 1);
        web_cell_json(&t, json_object_get(b, "vintage"));
        web_cell_json(&t, json_object_get(b, "unit_type"));
    }
    web_table_html(r, h, &t, T(r, "Serial blocks"));
    web_table_release(&t);
}

/* The verification box: the link to share and, when opened with a signature, the verdict. */
static void certificate_verification(const web_request_t *r, html_t *h, const char *signature)
{
    const char *given = web_query(r, "signature");
    if (given) {
        int valid = strlen(given) == strlen(signature) &&
                    sodium_memcmp(given, signature, strlen(signature)) == 0;
        html_raw(h, valid ? "<p class=\"notice ok\" role=\"status\">"
                          : "<p class=\"notice error\" role=\"alert\">");
        html_text(h, T(r, valid ? N_("Verified: the registry's ledger holds exactly these facts, "
                                     "signed by this registry.")
                                : N_("Not verified: this signature does not match the facts the "
                                     "registry holds for this transaction.")));
        html_raw(h, "</p>");
    }
    html_raw(h, "<p>");
    html_text(h, T(r, "Verification link"));
    html_raw(h, ": <a href=\"");
    html_text(h, r->path);
    html_raw(h, "?signature=");
    html_raw(h, signature); /* hex digits */
    html_raw(h, "\">");
    html_text(h, r->path);
    html_raw(h, "?signature=");
    html_raw_n(h, signature, 16);
    html_raw(h, "\u2026</a></p>");
}

void page_certificate(web_request_t *r, web_page_t *page)
{
    char *end = NULL;
    long long id = strtoll(r->params[0], &end, 10);
    db_error_t err = {0};
    json_t *c =
        (end && *end == '\0' && id > 0) ? public_query_certificate(r->reader, id, &err) : NULL;
    if (!c) {
        layout_error(r, page, err.code ? 503 : 404,
                     err.code ? N_("The registry could not be read. Please try again.")
                              : N_("There is no retirement or cancellation with this number."));
        return;
    }
    const char *type = json_string_value(json_object_get(c, "type"));
    layout_begin(r, page,
                 T(r, strcmp(type, "retire") == 0 ? N_("Retirement certificate")
                                                  : N_("Cancellation certificate")));
    html_t *h = &page->body;
    char signature[2 * crypto_sign_BYTES + 1] = "";
    json_t *facts = json_deep_copy(c);
    int signed_ok = certificate_sign(r, facts, signature);
    json_decref(facts);
    html_raw(h, "<div class=\"certificate\">");
    certificate_facts(r, h, c);
    certificate_blocks(r, h, c);
    if (signed_ok) certificate_verification(r, h, signature);
    html_raw(h, "</div>");
    layout_end(r, page);
    json_decref(c);
}
