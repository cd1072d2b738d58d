/* article6.h: Article 6.2 vocabulary: the controlled values of the AEF (spelled exactly as
 * spec/ARTICLE6.md lists them) and the identifiers of Parties, registries, cooperative approaches
 * and ITMOs. Pure: names, strict parsers returning check codes, formatting into caller buffers. */
#ifndef A6_CORE_ARTICLE6_H
#define A6_CORE_ARTICLE6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* ---- controlled values ----
 * Every enum starts at 1: 0 means "not given". name() returns "unknown" outside the enum; parse()
 * accepts only the exact spelling (case, spaces and all) and sets *out only on A6_OK. */

/* Purposes for authorization (2/CMA.3 annex para 1(f)): OIMP is the union of IMP (international
 * mitigation purposes) and OP (other purposes). Parse: A6_CHECK_PURPOSE_INVALID. */
typedef enum a6_purpose {
    A6_PURPOSE_NDC = 1,      /* "NDC" */
    A6_PURPOSE_OIMP,         /* "OIMP" */
    A6_PURPOSE_IMP,          /* "IMP" */
    A6_PURPOSE_OP,           /* "OP" */
    A6_PURPOSE_NDC_AND_OIMP, /* "NDC and OIMP" */
    A6_PURPOSE_NDC_AND_IMP,  /* "NDC and IMP" */
    A6_PURPOSE_NDC_AND_OP,   /* "NDC and OP" */
} a6_purpose_t;
#define A6_PURPOSE_COUNT 7

/* The uses a purpose covers, as bits: a purpose covers another when it has all its bits. */
#define A6_USE_NDC 1u
#define A6_USE_IMP 2u
#define A6_USE_OP 4u
#define A6_USE_OIMP (A6_USE_IMP | A6_USE_OP)

/* AEF action types (T3). Parse: A6_CHECK_ACTION_TYPE_INVALID. */
typedef enum a6_action_type {
    A6_ACTION_AUTHORIZATION = 1,      /* "Authorization" */
    A6_ACTION_FIRST_TRANSFER,         /* "First transfer" */
    A6_ACTION_TRANSFER,               /* "Transfer" */
    A6_ACTION_ACQUISITION,            /* "Acquisition" */
    A6_ACTION_USE,                    /* "Use" */
    A6_ACTION_CANCELLATION,           /* "Cancellation" */
    A6_ACTION_VOLUNTARY_CANCELLATION, /* "Voluntary Cancellation" */
} a6_action_type_t;
#define A6_ACTION_TYPE_COUNT 7

/* AEF action subtypes (T3). Our spelling: the wording of spec/ARTICLE6.md with a capital first
 * letter, as the action types have. The first four say what made a "First transfer" (the NDC
 * first transfer to another Party, or the Party's first transfer definition for OIMP); the rest
 * qualify a "Cancellation" or "Voluntary Cancellation". The other action types take no subtype.
 * Parse: A6_CHECK_ACTION_SUBTYPE_INVALID. */
typedef enum a6_action_subtype {
    A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY = 1, /* "First transfer to another Party" */
    A6_SUBTYPE_AUTHORIZATION,               /* "Authorization" */
    A6_SUBTYPE_ISSUANCE,                    /* "Issuance" */
    A6_SUBTYPE_USE_OR_CANCELLATION,         /* "Use or cancellation" */
    A6_SUBTYPE_AF_MANDATORY,                /* "Mandatory transfer to the Adaptation Fund" */
    A6_SUBTYPE_AF_VOLUNTARY,                /* "Voluntary transfer to the Adaptation Fund" */
    A6_SUBTYPE_OMGE_MANDATORY,              /* "Mandatory cancellation for OMGE" */
    A6_SUBTYPE_OMGE_VOLUNTARY,              /* "Voluntary cancellation for OMGE" */
    A6_SUBTYPE_OTHER_CANCELLATION,          /* "Other cancellation" */
} a6_action_subtype_t;
#define A6_ACTION_SUBTYPE_COUNT 9

/* The host's first transfer definition for OIMP (T2). Parse:
 * A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID. */
typedef enum a6_first_transfer {
    A6_FIRST_TRANSFER_AT_AUTHORIZATION = 1,   /* "authorization" */
    A6_FIRST_TRANSFER_AT_ISSUANCE,            /* "issuance" */
    A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION, /* "use or cancellation" */
} a6_first_transfer_t;
#define A6_FIRST_TRANSFER_COUNT 3

/* Mitigation types (T3, T4), capitalised like the action types. Parse:
 * A6_CHECK_MITIGATION_TYPE_INVALID. */
typedef enum a6_mitigation_type {
    A6_MITIGATION_REDUCTIONS = 1,          /* "Emission reductions" */
    A6_MITIGATION_REMOVALS,                /* "Removals" */
    A6_MITIGATION_REDUCTIONS_AND_REMOVALS, /* "Emission reductions and removals" */
} a6_mitigation_type_t;
#define A6_MITIGATION_TYPE_COUNT 3

/* Underlying unit registries (T3, T4): "JCM", "T-VER", "VCS", "GS", "CAR", "ACR", "ART", "GCC",
 * "Cercarbono", "Isometric", "ISFL", "FCPF". Parse: A6_CHECK_UNIT_REGISTRY_INVALID. */
typedef enum a6_unit_registry {
    A6_UNIT_REGISTRY_JCM = 1,
    A6_UNIT_REGISTRY_T_VER,
    A6_UNIT_REGISTRY_VCS,
    A6_UNIT_REGISTRY_GS,
    A6_UNIT_REGISTRY_CAR,
    A6_UNIT_REGISTRY_ACR,
    A6_UNIT_REGISTRY_ART,
    A6_UNIT_REGISTRY_GCC,
    A6_UNIT_REGISTRY_CERCARBONO,
    A6_UNIT_REGISTRY_ISOMETRIC,
    A6_UNIT_REGISTRY_ISFL,
    A6_UNIT_REGISTRY_FCPF,
} a6_unit_registry_t;
#define A6_UNIT_REGISTRY_COUNT 12

/* Corresponding adjustment methods: "trajectory", "budget", "averaging". Parse:
 * A6_CHECK_CA_METHOD_INVALID. */
typedef enum a6_ca_method {
    A6_CA_TRAJECTORY = 1,
    A6_CA_BUDGET,
    A6_CA_AVERAGING,
} a6_ca_method_t;
#define A6_CA_METHOD_COUNT 3

const char *a6_purpose_name(a6_purpose_t purpose);
a6_check_t a6_purpose_parse(const char *name, a6_purpose_t *out);
const char *a6_action_type_name(a6_action_type_t type);
a6_check_t a6_action_type_parse(const char *name, a6_action_type_t *out);
const char *a6_action_subtype_name(a6_action_subtype_t subtype);
a6_check_t a6_action_subtype_parse(const char *name, a6_action_subtype_t *out);
const char *a6_first_transfer_name(a6_first_transfer_t definition);
a6_check_t a6_first_transfer_parse(const char *name, a6_first_transfer_t *out);
const char *a6_mitigation_type_name(a6_mitigation_type_t type);
a6_check_t a6_mitigation_type_parse(const char *name, a6_mitigation_type_t *out);
const char *a6_unit_registry_name(a6_unit_registry_t registry);
a6_check_t a6_unit_registry_parse(const char *name, a6_unit_registry_t *out);
const char *a6_ca_method_name(a6_ca_method_t method);
a6_check_t a6_ca_method_parse(const char *name, a6_ca_method_t *out);

/* The A6_USE_* bits of a purpose; 0 for a value outside the enum. */
unsigned a6_purpose_uses(a6_purpose_t purpose);

/* True when an authorization for `authorized` covers a use for `used` ("NDC and OIMP" covers
 * "NDC", "OIMP", "IMP"...; "OIMP" covers "IMP" and "OP" but not "NDC"). False for invalid values.
 */
bool a6_purpose_covers(a6_purpose_t authorized, a6_purpose_t used);

/* True when subtype may qualify an action of type: the first transfer subtypes only a
 * "First transfer"; the Adaptation Fund, OMGE and other cancellation subtypes only a
 * "Cancellation" or "Voluntary Cancellation". */
bool a6_action_subtype_fits(a6_action_type_t type, a6_action_subtype_t subtype);

/* ---- identifiers ---- */

#define A6_PARTY_SIZE 4       /* "VNM" and the terminator */
#define A6_REGISTRY_ID_SIZE 6 /* "VNM01" */
#define A6_APPROACH_ID_SIZE 7 /* "CA0001" */
/* "CA0001-VNM01-VNM-" + two serials of up to 19 digits + "-" + "-2022" + terminator = 62. */
#define A6_ITMO_ID_SIZE 64

/* Party: ^[A-Z]{3}$ (ISO 3166 alpha-3), else A6_CHECK_PARTY_INVALID (also for NULL). */
a6_check_t a6_party_check(const char *party);
/* Registry ID: ^[A-Z]{3}[0-9]{2}$ ("VNM01"), else A6_CHECK_REGISTRY_ID_INVALID. */
a6_check_t a6_registry_id_check(const char *registry_id);
/* Cooperative approach ID: ^CA[0-9]{4}$ ("CA0001"), else A6_CHECK_APPROACH_ID_INVALID. */
a6_check_t a6_approach_id_check(const char *approach_id);

/* The minimum components of an ITMO unique identifier (6/CMA.4 annex I). */
typedef struct a6_itmo_id {
    char approach_id[A6_APPROACH_ID_SIZE];
    char registry_id[A6_REGISTRY_ID_SIZE];
    char party[A6_PARTY_SIZE]; /* first transferring Party */
    int64_t first;             /* first serial of the block */
    int64_t last;              /* last serial of the block */
    int32_t vintage;
} a6_itmo_id_t;

/* Writes "CA0001-VNM01-VNM-1236500-1237500-2022" into out. Checks each part first and returns the
 * first failure (4003 approach, 4002 registry, 1009 party, 3006 block: 0 < first <= last <=
 * LEDGER_SERIAL_MAX, 1003 vintage) leaving out = ""; A6_OK with the identifier otherwise. */
a6_check_t a6_itmo_id_format(const char *approach_id, const char *registry_id, const char *party,
                             int64_t first, int64_t last, int32_t vintage,
                             char out[A6_ITMO_ID_SIZE]);

/* Strict inverse of a6_itmo_id_format. A6_CHECK_ITMO_ID_INVALID when the text is not six parts
 * separated by '-', a serial is not plain decimal (no sign, no leading zero) or the vintage is not
 * four digits; otherwise the part checks of a6_itmo_id_format. *out is set only on A6_OK. */
a6_check_t a6_itmo_id_parse(const char *text, a6_itmo_id_t *out);

#endif
