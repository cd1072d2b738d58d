/* api.h: the JSON API's request and response types, the handlers, and the helpers they share
 * (strict body parsing, typed fields, errors with check codes, paging). HTTP transport lives in
 * src/http/; handlers only see these structs. */
#ifndef A6_API_API_H
#define A6_API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/article6.h"
#include "../core/check.h"
#include "../core/finance.h"
#include "../core/lag.h"
#include "../core/portfolio.h"
#include "../store/auth_store.h"
#include "../interop/envelope.h"
#include "../store/writer.h"

#define API_JSON_DEPTH_MAX 32
#define API_PAGE_LIMIT_DEFAULT 100
#define API_PAGE_LIMIT_MAX 1000
#define API_REPORT_BYTES_MAX (256u * 1024 * 1024) /* largest AEF report answered over HTTP */

typedef struct api_context {
    writer_t *writer;
    const registry_keys_t *keys; /* this registry's identity; NULL before `a6reg init` made it */
    struct reconcile_cache *reconcile_cache; /* partners' reconciliation queries (may be NULL) */
    const char *db_location;
    int64_t four_eyes_above; /* transfers above this quantity need a second person */
} api_context_t;

typedef struct api_request {
    const api_context_t *context;
    const char *method;
    const char *path;
    const char *params[4]; /* path parameters, in pattern order */
    const char *body;
    size_t body_length;
    const char *idempotency_key;
    const char *authorization;
    const char *(*query)(void *transport, const char *key); /* query string lookup */
    void *transport;
    const auth_user_t *user; /* NULL when anonymous */
    db_t *reader;            /* this thread's read-only connection */
} api_request_t;

typedef struct api_response {
    unsigned status;
    char *body; /* malloc'ed */
    size_t length;
    const char *content_type;
    char *headers; /* malloc'ed extra "Name: value\r\n" lines (the web pages' cookies), or NULL */
} api_response_t;

typedef void (*api_handler_fn)(const api_request_t *request, api_response_t *response);

/* ---- helpers (api_json.c) ---- */

/* The HTTP status a check code answers with. */
unsigned api_status_for(a6_check_t check);
/* {"error": {"code", "check", "message", "field"}} with the check's status. */
void api_error(api_response_t *response, a6_check_t check, const char *field, const char *message);
/* A storage failure: 503 with a JSON error (nothing was applied). */
void api_storage_error(api_response_t *response, const char *message);
/* Serialises value (stolen) with status. */
void api_json(api_response_t *response, unsigned status, json_t *value);
/* Parses the body as one JSON object (strict: UTF-8, no duplicate keys, no trailing data, bounded
 * depth, integers within 64 bits). NULL after answering 400 on failure. */
json_t *api_body_object(const api_request_t *request, api_response_t *response);
/* Rejects keys other than those listed (NULL-terminated); false after answering 400. */
bool api_only_fields(json_t *object, const char *const *allowed, api_response_t *response);
/* Typed fields: false after answering 400 (missing when required, wrong type). present says
 * whether an optional field was given. */
bool api_int_field(json_t *object, const char *key, bool required, int64_t *out, bool *present,
                   api_response_t *response);
bool api_string_field(json_t *object, const char *key, bool required, const char **out,
                      api_response_t *response);
/* Parses a path id; false after answering 400 (1012). */
bool api_id_param(const char *text, const char *field, int64_t *out, api_response_t *response);
/* Answers a page of items (stolen array) keyed by key_field: ?limit= and ?cursor= (opaque,
 * stable: the key of the last item returned). {"items": [...], "next_cursor": ...}. */
void api_page(const api_request_t *request, api_response_t *response, json_t *items,
              const char *key_field);
/* Today's date for the cycle rules. */
int api_today(void);

/* ---- analyses (api_analytics.c), shared with `a6reg analyze` ---- */

#define API_PARAM_MESSAGE_SIZE 200

/* Looks up a parameter by its snake_case name: the query string, or the command line's options. */
typedef const char *(*api_lookup_fn)(void *context, const char *key);

/* Reads as_of (default today), service_level_months, service_level_days and batch_threshold
 * (absent: the defaults of core/lag.h) and checks them. A6_OK, or the check (1013 date-invalid,
 * 1021 field-type, 1027 parameter-invalid) with *field the parameter and message (of
 * API_PARAM_MESSAGE_SIZE bytes) saying what was expected. */
a6_check_t api_lag_params_read(api_lookup_fn lookup, void *context, a6_date_t today,
                               lag_params_t *out, const char **field, char *message);

/* Reads every parameter of finance_param_table by name (absent: its default) and checks its
 * range; as above (1021 or 1027). */
a6_check_t api_finance_params_read(api_lookup_fn lookup, void *context, finance_params_t *out,
                                   const char **field, char *message);

/* The JSON documents of GET /api/v1/analytics/{issuance-lag,portfolio,finance} (new references;
 * the lag rows' activity refs are copied). The portfolio lists the refs of the activities under
 * validation from the input it was computed on. */
json_t *api_lag_json(const lag_result_t *result);
json_t *api_portfolio_json(const portfolio_result_t *result, const portfolio_activity_t *activities,
                           size_t activity_count);
json_t *api_finance_json(const finance_result_t *result);

/* ---- handlers ---- */
void api_analytics_lag(const api_request_t *r, api_response_t *out);
void api_analytics_portfolio(const api_request_t *r, api_response_t *out);
void api_analytics_finance(const api_request_t *r, api_response_t *out);
void api_health(const api_request_t *r, api_response_t *out);
void api_openapi(const api_request_t *r, api_response_t *out);
void api_session_create(const api_request_t *r, api_response_t *out);
void api_session_delete(const api_request_t *r, api_response_t *out);
void api_audit_verify(const api_request_t *r, api_response_t *out);
void api_audit_checkpoint(const api_request_t *r, api_response_t *out);
void api_ndc_balance(const api_request_t *r, api_response_t *out);
void api_ndc_set(const api_request_t *r, api_response_t *out);
void api_ndc_inventory(const api_request_t *r, api_response_t *out);
void api_policy_get(const api_request_t *r, api_response_t *out);
void api_policy_set(const api_request_t *r, api_response_t *out);
void api_authorizations_list(const api_request_t *r, api_response_t *out);
void api_authorizations_create(const api_request_t *r, api_response_t *out);
void api_authorization_decide(const api_request_t *r, api_response_t *out);
void api_authorization_revoke(const api_request_t *r, api_response_t *out);
void api_authorization_change(const api_request_t *r, api_response_t *out);
void api_interop_message(const api_request_t *r, api_response_t *out);
void api_interop_query(const api_request_t *r, api_response_t *out);
void api_external_transfer_create(const api_request_t *r, api_response_t *out);
void api_external_transfers_list(const api_request_t *r, api_response_t *out);
void api_partners_list(const api_request_t *r, api_response_t *out);
void api_approaches_list(const api_request_t *r, api_response_t *out);
void api_approaches_create(const api_request_t *r, api_response_t *out);
void api_entities_list(const api_request_t *r, api_response_t *out);
void api_entities_create(const api_request_t *r, api_response_t *out);
void api_report_aef(const api_request_t *r, api_response_t *out);
void api_report_aef_submit(const api_request_t *r, api_response_t *out);

void api_accounts_list(const api_request_t *r, api_response_t *out);
void api_accounts_create(const api_request_t *r, api_response_t *out);
void api_account_get(const api_request_t *r, api_response_t *out);
void api_account_holdings(const api_request_t *r, api_response_t *out);
void api_account_transactions(const api_request_t *r, api_response_t *out);
void api_transactions_create(const api_request_t *r, api_response_t *out);

/* POST /api/v1/transactions in two halves, so that the server need not hold a thread while the
 * writer commits: prepare parses, authorizes and validates (false: out is answered, e.g. an
 * error or a transfer held for four-eyes; true: submit pending->request, then answer with
 * api_transactions_answer once pending->result is settled). pending must outlive the writer's
 * answer: request points only into pending itself (ranges, article6 and its strings, actor, key),
 * never into the parsed body, which prepare releases before returning. */
typedef struct api_pending_transaction {
    ledger_request_t request;
    ledger_result_t result;
    ledger_range_t ranges[APPROVAL_BLOCKS_MAX];
    ledger_article6_t article6; /* request.article6 points here when the body has "article6" */
    char using_party[A6_PARTY_SIZE];
    char using_entity[LEDGER_HOLDER_MAX + 1];
    char actor[LEDGER_HOLDER_MAX + 1];
    char idempotency_key[LEDGER_IDEMPOTENCY_KEY_MAX + 1];
} api_pending_transaction_t;

bool api_transactions_prepare(const api_request_t *r, api_response_t *out,
                              api_pending_transaction_t *pending);
void api_transactions_answer(const ledger_result_t *result, api_response_t *out);
void api_transaction_get(const api_request_t *r, api_response_t *out);
void api_approvals_list(const api_request_t *r, api_response_t *out);
void api_approval_approve(const api_request_t *r, api_response_t *out);
void api_approval_reject(const api_request_t *r, api_response_t *out);

void api_methodologies_list(const api_request_t *r, api_response_t *out);
void api_methodologies_create(const api_request_t *r, api_response_t *out);
void api_activities_list(const api_request_t *r, api_response_t *out);
void api_activities_create(const api_request_t *r, api_response_t *out);
void api_activity_get(const api_request_t *r, api_response_t *out);
void api_activity_timeline(const api_request_t *r, api_response_t *out);
void api_activity_event(const api_request_t *r, api_response_t *out);
void api_activity_period(const api_request_t *r, api_response_t *out);
void api_poa_include(const api_request_t *r, api_response_t *out);
void api_period_verify(const api_request_t *r, api_response_t *out);
void api_period_request(const api_request_t *r, api_response_t *out);
void api_period_notify(const api_request_t *r, api_response_t *out);
void api_period_issue(const api_request_t *r, api_response_t *out);

/* The OpenAPI 3.1 document (generated at build time from docs/openapi.json). */
extern const char api_openapi_document[];

#endif
