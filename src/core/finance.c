/* finance.c: JCM support by replication and project-by-project against PoA costs (finance.h). */
#include "finance.h"

#define PARAM(field, lo, hi, fallback, unit_name, text)                                            \
    {                                                                                              \
        .name = #field, .offset = offsetof(finance_params_t, field), .min = (lo), .max = (hi),     \
        .default_value = (fallback), .unit = (unit_name), .description = (text)                    \
    }

#define MONEY_MAX 10000000000LL /* 10^10 currency units: every product stays within 64 bits */
#define DAYS_MAX 36500

/* Defaults: the JCM rates (50/40/30 %, consulting 10 %) published for Viet Nam; costs and durations
 * are planning assumptions of the same order as JCM practice, to be replaced by real quotes. */
const finance_param_info_t finance_param_table[] = {
    PARAM(sites, 1, 10000, 10, "sites", "sites to develop"),
    PARAM(investment, 1, MONEY_MAX, 1000000, "currency", "initial investment of one site"),
    PARAM(technology_count, 1, 1000, 1, "rank",
          "this is the k-th project of its technology (1 = first)"),
    PARAM(support_first_bp, 0, 10000, 5000, "bp", "support rate of the first project"),
    PARAM(support_second_third_bp, 0, 10000, 4000, "bp",
          "support rate of the second and third projects"),
    PARAM(support_later_bp, 0, 10000, 3000, "bp", "support rate from the fourth project"),
    PARAM(consulting_bp, 0, 10000, 1000, "bp", "technical consulting, share of the support"),
    PARAM(annual_reductions_tco2e, 1, 1000000000, 1000, "tCO2e/year",
          "emission reductions of one site per year"),
    PARAM(crediting_years, 1, 50, 10, "years", "crediting period"),
    PARAM(verification_count, 1, 50, 5, "verifications",
          "verifications (issuances) over the crediting period"),
    PARAM(project_validation_cost, 0, MONEY_MAX, 30000, "currency", "validation of one project"),
    PARAM(project_registration_cost, 0, MONEY_MAX, 5000, "currency", "registration of one project"),
    PARAM(project_verification_cost, 0, MONEY_MAX, 20000, "currency",
          "one verification of one project"),
    PARAM(poa_validation_cost, 0, MONEY_MAX, 60000, "currency",
          "validation of the PoA with its first CPA"),
    PARAM(poa_registration_cost, 0, MONEY_MAX, 5000, "currency", "registration of the PoA"),
    PARAM(cpa_inclusion_cost, 0, MONEY_MAX, 3000, "currency", "inclusion of one CPA"),
    PARAM(poa_verification_cost, 0, MONEY_MAX, 25000, "currency",
          "one verification of the PoA (fixed part)"),
    PARAM(cpa_verification_cost, 0, MONEY_MAX, 1000, "currency", "one verification, added per CPA"),
    PARAM(project_validation_days, 0, DAYS_MAX, 270, "days", "validation of one project"),
    PARAM(project_registration_days, 0, DAYS_MAX, 90, "days", "registration of one project"),
    PARAM(project_stagger_days, 0, DAYS_MAX, 90, "days",
          "project by project: start of one site to the start of the next"),
    PARAM(poa_validation_days, 0, DAYS_MAX, 365, "days", "validation of the PoA"),
    PARAM(poa_registration_days, 0, DAYS_MAX, 90, "days", "registration of the PoA"),
    PARAM(cpa_inclusion_days, 0, DAYS_MAX, 30, "days", "inclusion of the other CPAs"),
    PARAM(monitoring_days, 1, DAYS_MAX, 365, "days", "first monitoring period"),
    PARAM(verification_to_issuance_days, 0, DAYS_MAX, 365, "days", "end of monitoring to issuance"),
};

const size_t finance_param_count = sizeof finance_param_table / sizeof finance_param_table[0];

int64_t *finance_param_slot(finance_params_t *params, const finance_param_info_t *info)
{
    return (int64_t *)((char *)params + info->offset);
}

void finance_params_default(finance_params_t *params)
{
    for (size_t i = 0; i < finance_param_count; i++)
        *finance_param_slot(params, &finance_param_table[i]) = finance_param_table[i].default_value;
}

a6_check_t finance_params_check(const finance_params_t *params, const char **field)
{
    for (size_t i = 0; i < finance_param_count; i++) {
        const finance_param_info_t *info = &finance_param_table[i];
        int64_t value = *finance_param_slot((finance_params_t *)params, info);
        if (value < info->min || value > info->max) {
            *field = info->name;
            return A6_CHECK_PARAMETER_INVALID;
        }
    }
    return A6_OK;
}

int64_t finance_support_rate_bp(const finance_params_t *params, int64_t rank)
{
    if (rank <= 1) return params->support_first_bp;
    if (rank <= 3) return params->support_second_third_bp;
    return params->support_later_bp;
}

void finance_support(const finance_params_t *params, int64_t rank, int64_t investment,
                     finance_support_t *out)
{
    out->rank = rank;
    out->rate_bp = finance_support_rate_bp(params, rank);
    out->investment = investment;
    out->support = investment * out->rate_bp / 10000;
    out->consulting = out->support * params->consulting_bp / 10000;
    out->net_benefit = out->support - out->consulting;
    out->own_funds = investment - out->net_benefit;
}

int64_t finance_cents_per_tco2e(int64_t cost, int64_t tco2e)
{
    return (cost * 200 + tco2e) / (2 * tco2e);
}

static void add_support(finance_scenario_t *s, const finance_support_t *support)
{
    s->investment += support->investment;
    s->support += support->support;
    s->consulting += support->consulting;
    s->net_benefit += support->net_benefit;
}

static void finish_scenario(const finance_params_t *p, finance_scenario_t *s)
{
    s->transaction_cost =
        s->validation_cost + s->registration_cost + s->inclusion_cost + s->verification_cost;
    s->reductions_tco2e = p->sites * p->annual_reductions_tco2e * p->crediting_years;
    s->cost_per_tco2e_cents = finance_cents_per_tco2e(s->transaction_cost, s->reductions_tco2e);
}

static void project_by_project(const finance_params_t *p, finance_scenario_t *s)
{
    *s = (finance_scenario_t){0};
    s->validation_cost = p->sites * p->project_validation_cost;
    s->registration_cost = p->sites * p->project_registration_cost;
    s->verification_cost = p->sites * p->verification_count * p->project_verification_cost;
    s->days_to_first_issuance = p->project_validation_days + p->project_registration_days +
                                p->monitoring_days + p->verification_to_issuance_days;
    s->days_to_last_site_issuance =
        s->days_to_first_issuance + (p->sites - 1) * p->project_stagger_days;
    for (int64_t i = 0; i < p->sites; i++) {
        finance_support_t support;
        finance_support(p, p->technology_count + i, p->investment, &support);
        add_support(s, &support);
    }
    finish_scenario(p, s);
}

static void programme_of_activities(const finance_params_t *p, finance_scenario_t *s)
{
    *s = (finance_scenario_t){0};
    s->validation_cost = p->poa_validation_cost;
    s->registration_cost = p->poa_registration_cost;
    s->inclusion_cost = p->sites * p->cpa_inclusion_cost;
    s->verification_cost =
        p->verification_count * (p->poa_verification_cost + p->sites * p->cpa_verification_cost);
    s->days_to_first_issuance = p->poa_validation_days + p->poa_registration_days +
                                p->monitoring_days + p->verification_to_issuance_days;
    s->days_to_last_site_issuance =
        s->days_to_first_issuance + (p->sites > 1 ? p->cpa_inclusion_days : 0);
    finance_support_t support;
    finance_support(p, p->technology_count, p->sites * p->investment, &support);
    add_support(s, &support);
    finish_scenario(p, s);
}

a6_check_t finance_analyze(const finance_params_t *params, finance_result_t *out,
                           const char **field)
{
    a6_check_t check = finance_params_check(params, field);
    if (check != A6_OK) return check;
    *out = (finance_result_t){.params = *params};
    for (int rank = 1; rank <= FINANCE_SCHEDULE_RANKS; rank++)
        finance_support(params, rank, params->investment, &out->schedule[rank - 1]);
    finance_support(params, params->technology_count, params->investment, &out->project);
    project_by_project(params, &out->project_by_project);
    programme_of_activities(params, &out->poa);
    out->poa_saving = out->project_by_project.transaction_cost - out->poa.transaction_cost;
    out->poa_days_saved =
        out->project_by_project.days_to_last_site_issuance - out->poa.days_to_last_site_issuance;
    return A6_OK;
}
