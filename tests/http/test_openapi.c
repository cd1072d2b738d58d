/* test_openapi.c: the embedded OpenAPI document agrees with the route table: every route is
 * documented with its exact method, pattern, path parameters and roles, nothing else is (but
 * GET /metrics, served outside the API), operationIds are unique and every $ref resolves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/access.h"
#include "core/cycle.h"
#include "http/router.h"

#define NAME_MAX_BYTES 64

static const char *const http_methods[] = {"get",     "put",  "post",  "delete",
                                           "options", "head", "patch", "trace"};

/* The one documented operation that is not in the route table. */
#define EXTRA_PATH "/metrics"
#define EXTRA_METHOD "get"

static json_t *load_document(void)
{
    json_error_t error;
    json_t *doc = json_loads(api_openapi_document, JSON_REJECT_DUPLICATES, &error);
    if (!doc)
        fail_msg("openapi document line %d column %d: %s", error.line, error.column, error.text);
    assert_true(json_is_object(doc));
    return doc;
}

static bool is_http_method(const char *key)
{
    for (size_t i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++)
        if (strcmp(http_methods[i], key) == 0) return true;
    return false;
}

/* Lowercase copy of an HTTP method ("GET" -> "get"). */
static void lowercase(const char *text, char *out, size_t size)
{
    size_t i = 0;
    for (; text[i] && i + 1 < size; i++)
        out[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] - 'A' + 'a' : text[i]);
    out[i] = '\0';
}

/* The operation of route, or NULL. */
static json_t *operation_of(json_t *doc, const route_t *route)
{
    char method[16];
    lowercase(route->method, method, sizeof method);
    return json_object_get(json_object_get(json_object_get(doc, "paths"), route->pattern), method);
}

/* Resolves a local reference "#/a/b" (with ~0 and ~1 escapes) in doc; NULL when it does not. */
static json_t *resolve(json_t *doc, const char *ref)
{
    if (strncmp(ref, "#/", 2) != 0) return NULL;
    json_t *node = doc;
    const char *p = ref + 2;
    while (node && *p) {
        char part[128];
        size_t used = 0;
        for (; *p && *p != '/'; p++) {
            char c = *p;
            if (c == '~' && (p[1] == '0' || p[1] == '1')) c = *++p == '0' ? '~' : '/';
            if (used + 1 >= sizeof part) return NULL;
            part[used++] = c;
        }
        part[used] = '\0';
        if (*p == '/') p++;
        node = json_object_get(node, part);
    }
    return node;
}

/* A parameter object, following a $ref. */
static json_t *parameter_of(json_t *doc, json_t *parameter)
{
    json_t *ref = json_object_get(parameter, "$ref");
    return json_is_string(ref) ? resolve(doc, json_string_value(ref)) : parameter;
}

static void openapi_version(void **state)
{
    json_t *doc = load_document();
    const char *version = json_string_value(json_object_get(doc, "openapi"));
    assert_non_null(version);
    assert_int_equal(strncmp(version, "3.1.", 4), 0);
    json_t *info = json_object_get(doc, "info");
    assert_true(json_is_string(json_object_get(info, "title")));
    assert_true(json_is_string(json_object_get(info, "version")));
    assert_true(json_is_object(json_object_get(doc, "paths")));
    json_t *bearer = json_object_get(
        json_object_get(json_object_get(doc, "components"), "securitySchemes"), "bearer");
    assert_string_equal(json_string_value(json_object_get(bearer, "type")), "http");
    assert_string_equal(json_string_value(json_object_get(bearer, "scheme")), "bearer");
    json_decref(doc);
}

static void every_route_documented(void **state)
{
    json_t *doc = load_document();
    assert_true(router_route_count > 0);
    for (size_t i = 0; i < router_route_count; i++) {
        const route_t *route = &router_routes[i];
        json_t *operation = operation_of(doc, route);
        if (!json_is_object(operation))
            fail_msg("%s %s is not documented", route->method, route->pattern);
        const char *id = json_string_value(json_object_get(operation, "operationId"));
        if (!id || !*id) fail_msg("%s %s has no operationId", route->method, route->pattern);
        json_t *responses = json_object_get(operation, "responses");
        if (!json_is_object(responses) || json_object_size(responses) == 0)
            fail_msg("%s %s has no responses", route->method, route->pattern);
        bool success = false;
        const char *code;
        json_t *response;
        json_object_foreach(responses, code, response) success |= code[0] == '2';
        if (!success) fail_msg("%s %s has no 2xx response", route->method, route->pattern);
    }
    json_decref(doc);
}

/* The route of method (lowercase) and pattern, or NULL. */
static const route_t *route_of(const char *method, const char *pattern)
{
    for (size_t i = 0; i < router_route_count; i++) {
        char lower[16];
        lowercase(router_routes[i].method, lower, sizeof lower);
        if (strcmp(lower, method) == 0 && strcmp(router_routes[i].pattern, pattern) == 0)
            return &router_routes[i];
    }
    return NULL;
}

static void nothing_undocumented_in_router(void **state)
{
    json_t *doc = load_document();
    const char *path;
    json_t *item;
    bool extra_seen = false;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        const char *key;
        json_t *operation;
        size_t operations = 0;
        json_object_foreach(item, key, operation)
        {
            if (!is_http_method(key)) continue;
            operations++;
            if (strcmp(path, EXTRA_PATH) == 0 && strcmp(key, EXTRA_METHOD) == 0) {
                extra_seen = true;
                continue;
            }
            if (!route_of(key, path)) fail_msg("%s %s is documented but not routed", key, path);
        }
        if (operations == 0) fail_msg("%s has no operation", path);
    }
    assert_true(extra_seen);
    json_decref(doc);
}

/* Checks that the path parameters of operation (and its path item) are exactly the {names} of
 * pattern, each required. */
static void check_path_parameters(json_t *doc, json_t *item, json_t *operation, const char *method,
                                  const char *pattern)
{
    char names[8][NAME_MAX_BYTES];
    bool declared[8] = {false};
    size_t count = 0;
    for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        assert_non_null(close);
        assert_true(count < 8 && (size_t)(close - p - 1) < NAME_MAX_BYTES);
        snprintf(names[count++], NAME_MAX_BYTES, "%.*s", (int)(close - p - 1), p + 1);
    }
    json_t *lists[2] = {json_object_get(item, "parameters"),
                        json_object_get(operation, "parameters")};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *entry;
        json_array_foreach(lists[l], i, entry)
        {
            json_t *parameter = parameter_of(doc, entry);
            if (!parameter) fail_msg("%s %s: unresolved parameter", method, pattern);
            const char *in = json_string_value(json_object_get(parameter, "in"));
            if (!in || strcmp(in, "path") != 0) continue;
            const char *name = json_string_value(json_object_get(parameter, "name"));
            size_t k = 0;
            while (k < count && (!name || strcmp(names[k], name) != 0))
                k++;
            if (k == count)
                fail_msg("%s %s: path parameter %s is not in the pattern", method, pattern,
                         name ? name : "(unnamed)");
            if (!json_is_true(json_object_get(parameter, "required")))
                fail_msg("%s %s: path parameter %s is not required", method, pattern, name);
            declared[k] = true;
        }
    }
    for (size_t k = 0; k < count; k++)
        if (!declared[k])
            fail_msg("%s %s: path parameter %s is not declared", method, pattern, names[k]);
}

static void path_parameters_declared(void **state)
{
    json_t *doc = load_document();
    for (size_t i = 0; i < router_route_count; i++) {
        const route_t *route = &router_routes[i];
        json_t *item = json_object_get(json_object_get(doc, "paths"), route->pattern);
        json_t *operation = operation_of(doc, route);
        assert_non_null(operation);
        check_path_parameters(doc, item, operation, route->method, route->pattern);
    }
    json_decref(doc);
}

/* The role mask of an x-roles list; fails on unknown or repeated names. */
static unsigned roles_mask(json_t *roles, const route_t *route)
{
    if (!json_is_array(roles)) fail_msg("%s %s has no x-roles list", route->method, route->pattern);
    unsigned mask = 0;
    size_t i;
    json_t *role;
    json_array_foreach(roles, i, role)
    {
        const char *name = json_string_value(role);
        unsigned bit = 0;
        for (a6_role_t r = ROLE_ADMIN; r <= ROLE_OBSERVER && name; r++)
            if (strcmp(a6_role_name(r), name) == 0) bit = A6_ROLE_BIT(r);
        if (!bit)
            fail_msg("%s %s: x-roles has an unknown role %s", route->method, route->pattern,
                     name ? name : "(not a string)");
        if (mask & bit) fail_msg("%s %s: x-roles repeats %s", route->method, route->pattern, name);
        mask |= bit;
    }
    return mask;
}

static void roles_match_route_table(void **state)
{
    json_t *doc = load_document();
    json_t *global_security = json_object_get(doc, "security");
    for (size_t i = 0; i < router_route_count; i++) {
        const route_t *route = &router_routes[i];
        json_t *operation = operation_of(doc, route);
        assert_non_null(operation);
        unsigned mask = roles_mask(json_object_get(operation, "x-roles"), route);
        if (mask != route->roles)
            fail_msg("%s %s: x-roles mask %#x, route table %#x", route->method, route->pattern,
                     mask, route->roles);
        json_t *security = json_object_get(operation, "security");
        if (route->roles == ROUTE_PUBLIC) {
            if (!json_is_array(security) || json_array_size(security) != 0)
                fail_msg("%s %s is public but its security is not []", route->method,
                         route->pattern);
        } else {
            json_t *effective = security ? security : global_security;
            if (json_array_size(effective) == 0)
                fail_msg("%s %s needs a token but declares no security", route->method,
                         route->pattern);
        }
    }
    json_decref(doc);
}

static void operation_ids_unique(void **state)
{
    json_t *doc = load_document();
    json_t *ids = json_object();
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        const char *key;
        json_t *operation;
        json_object_foreach(item, key, operation)
        {
            if (!is_http_method(key)) continue;
            const char *id = json_string_value(json_object_get(operation, "operationId"));
            if (!id || !*id) fail_msg("%s %s has no operationId", key, path);
            if (json_object_get(ids, id)) fail_msg("operationId %s is used twice", id);
            json_object_set_new(ids, id, json_true());
        }
    }
    assert_true(json_object_size(ids) >= router_route_count);
    json_decref(ids);
    json_decref(doc);
}

/* Fails on the first "$ref" under node that does not resolve in doc; returns refs seen. */
static size_t check_refs(json_t *doc, json_t *node)
{
    size_t seen = 0;
    if (json_is_object(node)) {
        json_t *ref = json_object_get(node, "$ref");
        if (json_is_string(ref)) {
            if (!resolve(doc, json_string_value(ref)))
                fail_msg("$ref %s does not resolve", json_string_value(ref));
            seen++;
        }
        const char *key;
        json_t *child;
        json_object_foreach(node, key, child) seen += check_refs(doc, child);
    } else if (json_is_array(node)) {
        size_t i;
        json_t *child;
        json_array_foreach(node, i, child) seen += check_refs(doc, child);
    }
    return seen;
}

static void references_resolve(void **state)
{
    json_t *doc = load_document();
    assert_true(check_refs(doc, doc) > 0);
    assert_non_null(resolve(doc, "#/components/schemas/Error"));
    assert_non_null(resolve(doc, "#/components/schemas/Page"));
    json_decref(doc);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openapi_version),
        cmocka_unit_test(every_route_documented),
        cmocka_unit_test(nothing_undocumented_in_router),
        cmocka_unit_test(path_parameters_declared),
        cmocka_unit_test(roles_match_route_table),
        cmocka_unit_test(operation_ids_unique),
        cmocka_unit_test(references_resolve),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
