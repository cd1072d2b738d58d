/* aef_columns.c: the five tables of the Agreed Electronic Format (second iteration, 4/CMA.6) with
 * their column names, in the order and wording of spec/ARTICLE6.md (first letter capitalised). */
#include <string.h>

#include "aef_sink.h"

static const char *const t1_columns[] = {
    "Party",
    "Version",
    "Reported year",
    "Date of submission",
    "Review status of the initial report",
    "Result of the consistency check",
    "First year of the NDC period",
    "Last year of the NDC period",
    "Reference to the technical expert review report",
};

static const char *const t2_columns[] = {
    "Authorization ID",
    "Date",
    "Cooperative approach ID",
    "Version of the authorization",
    "Authorized quantity",
    "Metric",
    "Applicable GWP values",
    "Applicable non-GHG metric",
    "Sectors",
    "Activity types",
    "Purposes for authorization",
    "Authorized Parties",
    "Authorized entities",
    "OIMP authorized by the Party",
    "Authorized timeframe",
    "Terms and conditions",
    "Authorization documentation",
    "First transfer definition for OIMP",
    "Additional information",
};

static const char *const t3_columns[] = {
    "Action date",
    "Action type",
    "Action subtype",
    "Cooperative approach ID",
    "Authorization ID",
    "First transferring Party",
    "Party ITMO registry ID",
    "First ID",
    "Last ID",
    "Underlying unit registry ID",
    "First unit ID",
    "Last unit ID",
    "Metric",
    "GWP",
    "Non-GHG metric",
    "Quantity (t CO2 eq)",
    "Quantity (non-GHG)",
    "Mitigation type",
    "Vintage",
    "Transferring Party",
    "Acquiring Party",
    "Purpose used or cancelled for OIMP",
    "Using or cancelling Party",
    "Using or cancelling entity",
    "Calendar year used towards the NDC",
    "Result of the consistency checks",
    "Additional information",
};

/* T4: the block fields of T3, without the action and party fields. */
static const char *const t4_columns[] = {
    "Cooperative approach ID",
    "Authorization ID",
    "First transferring Party",
    "Party ITMO registry ID",
    "First ID",
    "Last ID",
    "Underlying unit registry ID",
    "First unit ID",
    "Last unit ID",
    "Metric",
    "GWP",
    "Non-GHG metric",
    "Quantity (t CO2 eq)",
    "Quantity (non-GHG)",
    "Mitigation type",
    "Vintage",
    "Additional information",
};

static const char *const t5_columns[] = {
    "Date",
    "Name",
    "Country of incorporation",
    "Identification number",
    "Cooperative approach ID",
    "Conditions",
    "Change and revocation conditions",
    "Additional information",
};

#define TABLE(key, title, columns)                                                                 \
    {                                                                                              \
        key, title, columns, sizeof columns / sizeof columns[0]                                    \
    }

static const aef_table_spec_t tables[AEF_TABLE_COUNT] = {
    TABLE("T1", "T1 Submission", t1_columns),
    TABLE("T2", "T2 Authorizations", t2_columns),
    TABLE("T3", "T3 Actions", t3_columns),
    TABLE("T4", "T4 Holdings", t4_columns),
    TABLE("T5", "T5 Authorized entities", t5_columns),
};

const aef_table_spec_t *aef_table_spec(aef_table_id_t table)
{
    return (unsigned)table < AEF_TABLE_COUNT ? &tables[table] : NULL;
}

aef_format_t aef_format_parse(const char *name)
{
    if (!name) return 0;
    if (strcmp(name, "xlsx") == 0) return AEF_FORMAT_XLSX;
    if (strcmp(name, "csv") == 0) return AEF_FORMAT_CSV;
    if (strcmp(name, "json") == 0) return AEF_FORMAT_JSON;
    return 0;
}
