"""The at-risk accounts as a file (accounts.exports writes it): one row per account, as the
at-risk list shows it."""

from django.utils.translation import gettext_lazy as _

from accounts.exports import Column

AT_RISK_COLUMNS: list[Column] = [
    (_("ID"), lambda row: row.account.pk),
    (_("Account name"), lambda row: row.account.name),
    (_("Owner rep"), lambda row: str(row.account.owner) if row.account.owner else ""),
    (_("Scored on"), lambda row: row.score.as_of),
    (_("Loyalty score"), lambda row: float(row.score.score)),
    (_("30-day change"), lambda row: row.change),
    (_("Tier"), lambda row: row.score.get_tier_display()),
    (_("Churn risk"), lambda row: _("Yes") if row.score.churn_risk else ""),
    (_("Next renewal"), lambda row: row.next_renewal),
]
