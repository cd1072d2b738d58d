/* itmo.h: what happens to authorized units (ITMOs) in the host registry: issuance under an
 * authorization (timeframe and authorized quantity), the first transfer each cooperative
 * approach's rule makes at issuance, and the AEF meaning of a use or cancellation (Use,
 * Cancellation, Voluntary Cancellation), including the OIMP first transfer "at use or
 * cancellation" and the refusal of units that are not authorized for the purpose. Pure. */
#ifndef A6_CORE_ITMO_H
#define A6_CORE_ITMO_H

#include <stdbool.h>
#include <stdint.h>

#include "account.h"
#include "article6.h"
#include "authorization.h"
#include "check.h"
#include "date.h"

/* A cooperative approach's rule for the first transfer of ITMOs authorized for use towards an
 * NDC: the first international transfer, or (as in the JCM) issuance into the partner Party's
 * registry. Parse: A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID. */
typedef enum a6_ndc_first_transfer {
    A6_NDC_FIRST_TRANSFER_INTERNATIONAL = 1, /* "international transfer" */
    A6_NDC_FIRST_TRANSFER_ISSUANCE,          /* "issuance" (into the partner's registry) */
} a6_ndc_first_transfer_t;

const char *a6_ndc_first_transfer_name(a6_ndc_first_transfer_t rule);
a6_check_t a6_ndc_first_transfer_parse(const char *name, a6_ndc_first_transfer_t *out);

/* Issuance of quantity units of vintage under authorization on date `on`, when issued_tco2e
 * units were already issued under it: 4023 not in force (NULL, or `on` before its date), 4024
 * revoked on or before `on`, 4021 vintage outside the authorized timeframe, 1001/1002 quantity,
 * 4020 issued_tco2e + quantity above the authorized quantity. */
a6_check_t a6_itmo_issue_check(const a6_authorization_t *authorization, int32_t vintage,
                               a6_date_t on, int64_t issued_tco2e, int64_t quantity_tco2e);

/* The first transfer an issuance under authorization makes by itself for the units issued into
 * the host's own accounts: the "First transfer" subtype (A6_SUBTYPE_AUTHORIZATION or
 * A6_SUBTYPE_ISSUANCE) when the purpose covers an OIMP use and the Party's first transfer
 * definition for OIMP is at authorization or at issuance (units do not exist before issuance, so
 * a first transfer "at authorization" is recorded as they come into being); 0 otherwise. */
a6_action_subtype_t a6_itmo_issue_first_transfer(const a6_authorization_t *authorization);

/* One block of units as an action finds it. */
typedef struct a6_itmo_block {
    const a6_authorization_t *authorization; /* NULL: not authorized, not an ITMO */
    int32_t vintage;
    bool first_transferred; /* some of its units were already first transferred */
    bool acquired;          /* first transferred to this registry's Party by another Party */
} a6_itmo_block_t;

/* What a retirement or cancellation means under Article 6. */
typedef struct a6_itmo_action {
    a6_action_type_t type;       /* Use, Cancellation or Voluntary Cancellation */
    a6_action_subtype_t subtype; /* Cancellation / Voluntary Cancellation only, optional */
    a6_purpose_t purpose;        /* required for a Use; optional for a cancellation */
} a6_itmo_action_t;

/* The AEF meaning of a retirement or cancellation of ITMOs given no explicit action, by where the
 * units go: a retirement is a Voluntary Cancellation; a cancellation into an OMGE account is a
 * Cancellation "Voluntary cancellation for OMGE", into a share-of-proceeds account "Voluntary
 * transfer to the Adaptation Fund", into a voluntary-cancellation account a Voluntary
 * Cancellation, and otherwise an "Other cancellation". */
a6_itmo_action_t a6_itmo_default_action(ledger_tx_type_t tx_type,
                                        ledger_account_type_t destination);

/* Checks an action on one block on date `on`, in this order:
 *   4004 a type other than Use, Cancellation or Voluntary Cancellation;
 *   4005 a subtype on a Use or one that does not fit the type;
 *   4001 a Use without a purpose;
 *   4023 a block that is not authorized (an unauthorized unit cannot be used or cancelled as an
 *     ITMO);
 *   with a purpose covering the NDC: 4030 a block this Party did not acquire (the host cannot use
 *     towards its own NDC the ITMOs it authorized: they count once, in its inventory), then
 *     a6_authorization_covers (4023, 4024, 4021);
 *   with an OIMP purpose (IMP, OP or OIMP): a6_authorization_covers (4023, 4024, 4021);
 *   without a purpose (cancellations): 4024 when the authorization was revoked on or before `on`.
 * *first_transfer is set when the action is also the block's first transfer: an OIMP purpose on
 * units of this Party not yet first transferred (the definition "use or cancellation"; under the
 * other definitions the issuance already first transferred them, and a unit is never used for
 * OIMP without its corresponding adjustment). */
a6_check_t a6_itmo_action_check(const a6_itmo_block_t *block, const a6_itmo_action_t *action,
                                a6_date_t on, bool *first_transfer);

#endif
