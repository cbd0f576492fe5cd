"""The reports area: revenue per customer, NPS, loyalty tiers, cohorts, won expansion and
offer acceptance, over the accounts the user may see (project layer: reads every app)."""
