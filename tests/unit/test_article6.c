/* test_article6.c: unit tests of core/article6: every controlled value spelled exactly (and
 * nothing else accepted), purposes covering uses, subtypes fitting action types, the identifiers
 * of Parties, registries and cooperative approaches, and the ITMO unique identifier. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/article6.h"
#include "core/block.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Every value of a list named and parsed back with the expected spelling; nothing else parses. */
#define ROUND_TRIP(name_f, parse_f, type_t, expected, invalid)                                     \
    do {                                                                                           \
        for (size_t i = 1; i < COUNT_OF(expected); i++) {                                          \
            assert_string_equal(name_f((type_t)i), expected[i]);                                   \
            type_t out = (type_t)0;                                                                \
            assert_int_equal(parse_f(expected[i], &out), A6_OK);                                   \
            assert_int_equal(out, i);                                                              \
        }                                                                                          \
        assert_string_equal(name_f((type_t)0), "unknown");                                         \
        assert_string_equal(name_f((type_t)COUNT_OF(expected)), "unknown");                        \
        type_t untouched = (type_t)0;                                                              \
        assert_int_equal(parse_f(NULL, &untouched), invalid);                                      \
        assert_int_equal(parse_f("", &untouched), invalid);                                        \
        assert_int_equal(untouched, 0);                                                            \
    } while (0)

static void purposes_spelled_exactly(void **state)
{
    (void)state;
    static const char *const expected[] = {
        NULL, "NDC", "OIMP", "IMP", "OP", "NDC and OIMP", "NDC and IMP", "NDC and OP",
    };
    ROUND_TRIP(a6_purpose_name, a6_purpose_parse, a6_purpose_t, expected, A6_CHECK_PURPOSE_INVALID);
    a6_purpose_t out = (a6_purpose_t)0;
    assert_int_equal(a6_purpose_parse("ndc", &out), A6_CHECK_PURPOSE_INVALID);
    assert_int_equal(a6_purpose_parse("NDC and oimp", &out), A6_CHECK_PURPOSE_INVALID);
    assert_int_equal(a6_purpose_parse("NDC ", &out), A6_CHECK_PURPOSE_INVALID);
    assert_int_equal(a6_purpose_parse("NDC  and OIMP", &out), A6_CHECK_PURPOSE_INVALID);
    assert_int_equal(a6_purpose_parse("NDC, OIMP", &out), A6_CHECK_PURPOSE_INVALID);
    assert_int_equal(out, 0);
}

static void action_types_and_subtypes_spelled_exactly(void **state)
{
    (void)state;
    static const char *const types[] = {
        NULL,          "Authorization", "First transfer", "Transfer",
        "Acquisition", "Use",           "Cancellation",   "Voluntary Cancellation",
    };
    ROUND_TRIP(a6_action_type_name, a6_action_type_parse, a6_action_type_t, types,
               A6_CHECK_ACTION_TYPE_INVALID);
    a6_action_type_t type = (a6_action_type_t)0;
    assert_int_equal(a6_action_type_parse("First Transfer", &type), A6_CHECK_ACTION_TYPE_INVALID);
    assert_int_equal(a6_action_type_parse("Voluntary cancellation", &type),
                     A6_CHECK_ACTION_TYPE_INVALID);
    assert_int_equal(a6_action_type_parse("Issuance", &type), A6_CHECK_ACTION_TYPE_INVALID);

    static const char *const subtypes[] = {
        NULL,
        "First transfer to another Party",
        "Authorization",
        "Issuance",
        "Use or cancellation",
        "Mandatory transfer to the Adaptation Fund",
        "Voluntary transfer to the Adaptation Fund",
        "Mandatory cancellation for OMGE",
        "Voluntary cancellation for OMGE",
        "Other cancellation",
    };
    ROUND_TRIP(a6_action_subtype_name, a6_action_subtype_parse, a6_action_subtype_t, subtypes,
               A6_CHECK_ACTION_SUBTYPE_INVALID);
    a6_action_subtype_t subtype = (a6_action_subtype_t)0;
    assert_int_equal(a6_action_subtype_parse("issuance", &subtype),
                     A6_CHECK_ACTION_SUBTYPE_INVALID);
}

static void other_value_lists_spelled_exactly(void **state)
{
    (void)state;
    static const char *const definitions[] = {NULL, "authorization", "issuance",
                                              "use or cancellation"};
    ROUND_TRIP(a6_first_transfer_name, a6_first_transfer_parse, a6_first_transfer_t, definitions,
               A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID);
    static const char *const mitigations[] = {NULL, "Emission reductions", "Removals",
                                              "Emission reductions and removals"};
    ROUND_TRIP(a6_mitigation_type_name, a6_mitigation_type_parse, a6_mitigation_type_t, mitigations,
               A6_CHECK_MITIGATION_TYPE_INVALID);
    static const char *const registries[] = {
        NULL,  "JCM", "T-VER",      "VCS",       "GS",   "CAR",  "ACR",
        "ART", "GCC", "Cercarbono", "Isometric", "ISFL", "FCPF",
    };
    ROUND_TRIP(a6_unit_registry_name, a6_unit_registry_parse, a6_unit_registry_t, registries,
               A6_CHECK_UNIT_REGISTRY_INVALID);
    static const char *const methods[] = {NULL, "trajectory", "budget", "averaging"};
    ROUND_TRIP(a6_ca_method_name, a6_ca_method_parse, a6_ca_method_t, methods,
               A6_CHECK_CA_METHOD_INVALID);

    a6_unit_registry_t registry = (a6_unit_registry_t)0;
    assert_int_equal(a6_unit_registry_parse("Verra", &registry), A6_CHECK_UNIT_REGISTRY_INVALID);
    assert_int_equal(a6_unit_registry_parse("TVER", &registry), A6_CHECK_UNIT_REGISTRY_INVALID);
    assert_int_equal(a6_unit_registry_parse("jcm", &registry), A6_CHECK_UNIT_REGISTRY_INVALID);
    a6_ca_method_t method = (a6_ca_method_t)0;
    assert_int_equal(a6_ca_method_parse("Averaging", &method), A6_CHECK_CA_METHOD_INVALID);
}

static void purposes_cover_their_uses(void **state)
{
    (void)state;
    assert_int_equal(a6_purpose_uses(A6_PURPOSE_OIMP), A6_USE_IMP | A6_USE_OP);
    assert_int_equal(a6_purpose_uses((a6_purpose_t)0), 0);
    assert_int_equal(a6_purpose_uses((a6_purpose_t)8), 0);

    assert_true(a6_purpose_covers(A6_PURPOSE_NDC_AND_OIMP, A6_PURPOSE_NDC));
    assert_true(a6_purpose_covers(A6_PURPOSE_NDC_AND_OIMP, A6_PURPOSE_OIMP));
    assert_true(a6_purpose_covers(A6_PURPOSE_NDC_AND_OIMP, A6_PURPOSE_OP));
    assert_true(a6_purpose_covers(A6_PURPOSE_NDC_AND_OIMP, A6_PURPOSE_NDC_AND_IMP));
    assert_true(a6_purpose_covers(A6_PURPOSE_OIMP, A6_PURPOSE_IMP));
    assert_true(a6_purpose_covers(A6_PURPOSE_OIMP, A6_PURPOSE_OP));
    assert_true(a6_purpose_covers(A6_PURPOSE_NDC, A6_PURPOSE_NDC));

    assert_false(a6_purpose_covers(A6_PURPOSE_OIMP, A6_PURPOSE_NDC));
    assert_false(a6_purpose_covers(A6_PURPOSE_NDC, A6_PURPOSE_OIMP));
    assert_false(a6_purpose_covers(A6_PURPOSE_IMP, A6_PURPOSE_OIMP));
    assert_false(a6_purpose_covers(A6_PURPOSE_NDC_AND_IMP, A6_PURPOSE_OP));
    assert_false(a6_purpose_covers(A6_PURPOSE_NDC_AND_OP, A6_PURPOSE_NDC_AND_OIMP));
    assert_false(a6_purpose_covers(A6_PURPOSE_NDC_AND_OIMP, (a6_purpose_t)0));
    assert_false(a6_purpose_covers((a6_purpose_t)0, A6_PURPOSE_NDC));
}

static void subtypes_fit_their_action_types(void **state)
{
    (void)state;
    for (int s = A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY; s <= A6_SUBTYPE_USE_OR_CANCELLATION; s++) {
        for (int t = A6_ACTION_AUTHORIZATION; t <= A6_ACTION_VOLUNTARY_CANCELLATION; t++)
            assert_int_equal(a6_action_subtype_fits((a6_action_type_t)t, (a6_action_subtype_t)s),
                             t == A6_ACTION_FIRST_TRANSFER);
    }
    for (int s = A6_SUBTYPE_AF_MANDATORY; s <= A6_SUBTYPE_OTHER_CANCELLATION; s++) {
        for (int t = A6_ACTION_AUTHORIZATION; t <= A6_ACTION_VOLUNTARY_CANCELLATION; t++)
            assert_int_equal(a6_action_subtype_fits((a6_action_type_t)t, (a6_action_subtype_t)s),
                             t == A6_ACTION_CANCELLATION || t == A6_ACTION_VOLUNTARY_CANCELLATION);
    }
    /* the known mistake: an issuance reported as an Authorization action */
    assert_false(a6_action_subtype_fits(A6_ACTION_AUTHORIZATION, A6_SUBTYPE_ISSUANCE));
    assert_false(a6_action_subtype_fits(A6_ACTION_FIRST_TRANSFER, (a6_action_subtype_t)0));
}

static void identifiers(void **state)
{
    (void)state;
    assert_int_equal(a6_party_check("VNM"), A6_OK);
    assert_int_equal(a6_party_check("JPN"), A6_OK);
    const char *bad_parties[] = {NULL, "", "VN", "VNMM", "vnm", "VN1", "V M"};
    for (size_t i = 0; i < COUNT_OF(bad_parties); i++)
        assert_int_equal(a6_party_check(bad_parties[i]), A6_CHECK_PARTY_INVALID);

    assert_int_equal(a6_registry_id_check("VNM01"), A6_OK);
    assert_int_equal(a6_registry_id_check("JPN99"), A6_OK);
    const char *bad_registries[] = {NULL,    "",      "VNM1",  "VNM001",
                                    "vnm01", "VN001", "VNM0A", "VNM01 "};
    for (size_t i = 0; i < COUNT_OF(bad_registries); i++)
        assert_int_equal(a6_registry_id_check(bad_registries[i]), A6_CHECK_REGISTRY_ID_INVALID);

    assert_int_equal(a6_approach_id_check("CA0001"), A6_OK);
    assert_int_equal(a6_approach_id_check("CA9999"), A6_OK);
    const char *bad_approaches[] = {NULL,     "",       "CA001",  "CA00001",
                                    "ca0001", "CB0001", "CA00A1", "CA-0001"};
    for (size_t i = 0; i < COUNT_OF(bad_approaches); i++)
        assert_int_equal(a6_approach_id_check(bad_approaches[i]), A6_CHECK_APPROACH_ID_INVALID);
}

static void itmo_id_format(void **state)
{
    (void)state;
    char out[A6_ITMO_ID_SIZE];
    assert_int_equal(a6_itmo_id_format("CA0001", "VNM01", "VNM", 1236500, 1237500, 2022, out),
                     A6_OK);
    assert_string_equal(out, "CA0001-VNM01-VNM-1236500-1237500-2022");

    /* the longest identifier fits */
    assert_int_equal(a6_itmo_id_format("CA9999", "ZZZ99", "ZZZ", LEDGER_SERIAL_MAX - 1,
                                       LEDGER_SERIAL_MAX, 2100, out),
                     A6_OK);
    assert_string_equal(out, "CA9999-ZZZ99-ZZZ-4611686018427387902-4611686018427387903-2100");
    assert_true(strlen(out) < A6_ITMO_ID_SIZE);

    /* each part checked, in the order of the identifier; out left empty */
    assert_int_equal(a6_itmo_id_format("CA01", "VN01", "vn", 0, 0, 1900, out),
                     A6_CHECK_APPROACH_ID_INVALID);
    assert_string_equal(out, "");
    assert_int_equal(a6_itmo_id_format("CA0001", "VN01", "VNM", 1, 2, 2022, out),
                     A6_CHECK_REGISTRY_ID_INVALID);
    assert_int_equal(a6_itmo_id_format("CA0001", "VNM01", "VN", 1, 2, 2022, out),
                     A6_CHECK_PARTY_INVALID);
    assert_int_equal(a6_itmo_id_format("CA0001", "VNM01", "VNM", 0, 2, 2022, out),
                     A6_CHECK_BLOCK_INVALID);
    assert_int_equal(a6_itmo_id_format("CA0001", "VNM01", "VNM", 3, 2, 2022, out),
                     A6_CHECK_BLOCK_INVALID);
    assert_int_equal(
        a6_itmo_id_format("CA0001", "VNM01", "VNM", 1, LEDGER_SERIAL_MAX + 1, 2022, out),
        A6_CHECK_BLOCK_INVALID);
    assert_int_equal(a6_itmo_id_format("CA0001", "VNM01", "VNM", 1, 2, 1989, out),
                     A6_CHECK_VINTAGE_INVALID);
    assert_string_equal(out, "");
    /* a single unit is a block of one */
    assert_int_equal(a6_itmo_id_format("CA0001", "VNM01", "VNM", 7, 7, 2030, out), A6_OK);
    assert_string_equal(out, "CA0001-VNM01-VNM-7-7-2030");
}

static void itmo_id_parse(void **state)
{
    (void)state;
    a6_itmo_id_t id;
    assert_int_equal(a6_itmo_id_parse("CA0001-VNM01-VNM-1236500-1237500-2022", &id), A6_OK);
    assert_string_equal(id.approach_id, "CA0001");
    assert_string_equal(id.registry_id, "VNM01");
    assert_string_equal(id.party, "VNM");
    assert_int_equal(id.first, 1236500);
    assert_int_equal(id.last, 1237500);
    assert_int_equal(id.vintage, 2022);

    /* round trip */
    char out[A6_ITMO_ID_SIZE];
    assert_int_equal(a6_itmo_id_format(id.approach_id, id.registry_id, id.party, id.first, id.last,
                                       id.vintage, out),
                     A6_OK);
    assert_string_equal(out, "CA0001-VNM01-VNM-1236500-1237500-2022");

    const char *malformed[] = {
        NULL,
        "",
        "CA0001-VNM01-VNM-1236500-1237500",
        "CA0001-VNM01-VNM-1236500-1237500-2022-1",
        "CA0001-VNM01-VNM-+1236500-1237500-2022",
        "CA0001-VNM01-VNM-01236500-1237500-2022",
        "CA0001-VNM01-VNM-1236500--2022",
        "CA0001-VNM01-VNM-1236500-1237500-22",
        "CA0001-VNM01-VNM-1236500-1237500-2022 ",
        "CA0001-VNM01-VNM-99999999999999999999-1-2022",
    };
    for (size_t i = 0; i < COUNT_OF(malformed); i++)
        assert_int_equal(a6_itmo_id_parse(malformed[i], &id), A6_CHECK_ITMO_ID_INVALID);

    assert_int_equal(a6_itmo_id_parse("CA001-VNM01-VNM-1-2-2022", &id),
                     A6_CHECK_APPROACH_ID_INVALID);
    assert_int_equal(a6_itmo_id_parse("CA00001-VNM01-VNM-1-2-2022", &id),
                     A6_CHECK_APPROACH_ID_INVALID);
    assert_int_equal(a6_itmo_id_parse("CA0001-VNM001-VNM-1-2-2022", &id),
                     A6_CHECK_REGISTRY_ID_INVALID);
    assert_int_equal(a6_itmo_id_parse("CA0001-VNM01-VNMM-1-2-2022", &id), A6_CHECK_PARTY_INVALID);
    assert_int_equal(a6_itmo_id_parse("CA0001-VNM01-VNM-2-1-2022", &id), A6_CHECK_BLOCK_INVALID);
    assert_int_equal(a6_itmo_id_parse("CA0001-VNM01-VNM-0-1-2022", &id), A6_CHECK_BLOCK_INVALID);
    assert_int_equal(a6_itmo_id_parse("CA0001-VNM01-VNM-1-2-1989", &id), A6_CHECK_VINTAGE_INVALID);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(purposes_spelled_exactly),
        cmocka_unit_test(action_types_and_subtypes_spelled_exactly),
        cmocka_unit_test(other_value_lists_spelled_exactly),
        cmocka_unit_test(purposes_cover_their_uses),
        cmocka_unit_test(subtypes_fit_their_action_types),
        cmocka_unit_test(identifiers),
        cmocka_unit_test(itmo_id_format),
        cmocka_unit_test(itmo_id_parse),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
