"""A campaign's frozen target list as CSV (UTF-8 with BOM, for Excel in Japan) or .xlsx.

Columns are the values the account had when the list was frozen, not today's.
"""

from django.utils.translation import gettext_lazy as _

from accounts.choices import GrowthStage, Industry, Prefecture, SizeBand
from accounts.exports import Column
from accounts.models import LoyaltyTier

from .models import TargetReason, TargetStatus


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else ""


COLUMNS: list[Column] = [
    (_("Account ID"), lambda t: t.account_id),
    (_("Account name"), lambda t: t.snapshot.get("name", "")),
    (_("Reading (kana)"), lambda t: t.snapshot.get("name_kana", "")),
    (_("Industry"), lambda t: _label(Industry, t.snapshot.get("industry"))),
    (_("Size"), lambda t: _label(SizeBand, t.snapshot.get("size"))),
    (_("Growth stage"), lambda t: _label(GrowthStage, t.snapshot.get("growth_stage"))),
    (_("Prefecture"), lambda t: _label(Prefecture, t.snapshot.get("region"))),
    (_("Owner rep"), lambda t: t.snapshot.get("owner", "")),
    (_("Team"), lambda t: t.snapshot.get("team", "")),
    (_("Loyalty score"), lambda t: t.snapshot.get("score") or ""),
    (_("Loyalty tier"), lambda t: _label(LoyaltyTier, t.snapshot.get("tier"))),
    (_("Utilisation (%)"), lambda t: t.snapshot.get("utilisation") or ""),
    (_("Latest NPS answer"), lambda t: t.snapshot.get("nps")),
    (_("Monthly revenue (¥)"), lambda t: t.snapshot.get("mrr")),
    (_("Next renewal"), lambda t: t.snapshot.get("renewal_on") or ""),
    (_("Assigned rep"), lambda t: str(t.rep) if t.rep else ""),
    (_("Status"), lambda t: TargetStatus(t.status).label),
    (_("Reason"), lambda t: _label(TargetReason, t.reason)),
    (_("Note"), lambda t: t.note),
]
