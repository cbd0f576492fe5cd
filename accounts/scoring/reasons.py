"""A score's explanation: every component with its value, normalised value, weight and
contribution, and the strongest reasons, structured and as sentences in the active language.
Built from a component frame when a score is shown (accounts.scoring.explain), never stored."""

import datetime
import math
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.nps import nps_category

from .components import COMPONENTS, PENALTY, POSITIVE

COMPONENT_LABELS = {
    "nps": _("NPS"),
    "usage": _("Usage"),
    "recency": _("Purchase recency"),
    "frequency": _("Purchase frequency"),
    "monetary": _("Monetary value"),
    "engagement": _("Engagement"),
    "tenure": _("Tenure"),
    "negatives": _("Complaints and losses"),
}
TOP_REASONS = 3
REASON_MIN_POINTS = 1.0  # a component that moves the score less than a point is no reason
NEUTRAL = 50  # a positive component pulls the score up above 50 and down below it


def present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def rounded(value, digits: int = 1):
    return round(float(value), digits) if present(value) else None


def iso(value) -> str | None:
    if not present(value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def component_values(row) -> dict[str, tuple[object, dict]]:
    """Each component's raw value and the details a reason sentence needs."""
    return {
        "nps": (rounded(row.nps_value), {"answered_on": iso(row.nps_answered_on)}),
        "usage": (
            rounded(row.utilisation * 100) if present(row.utilisation) else None,
            {
                "trend_percent": rounded(row.usage_trend * 100)
                if present(row.usage_trend)
                else None,
                "used": rounded(row.used_recently, 2),
                "included": rounded(row.included_usage, 2),
            },
        ),
        "recency": (int(row.recency_days) if present(row.recency_days) else None, {}),
        "frequency": (int(row.purchases), {}),
        "monetary": (int(row.spend), {}),
        "engagement": (int(row.contacts), {"conversations": int(row.conversations)}),
        "tenure": (int(row.tenure_days) if present(row.tenure_days) else None, {}),
        "negatives": (
            int(row.penalty_points),
            {
                "complaints_open": int(row.complaints_open),
                "complaints_resolved": int(row.complaints_resolved),
                "cancellations": int(row.cancellations),
                "downgrades": int(row.downgrades),
            },
        ),
    }


def reason_sentence(component: str, value, detail: dict) -> str:
    """The reason for `component` as a sentence in the active language."""
    if component == "nps":
        category = nps_category(round(value)).label
        return gettext("Latest NPS answer: %(score)s out of 10 (%(category)s).") % {
            "score": f"{value:g}",
            "category": category,
        }
    if component == "usage":
        trend = detail["trend_percent"] or 0
        return gettext(
            "Uses %(utilisation)s%% of the included amount, %(trend)s%% on the previous 30 days."
        ) % {"utilisation": f"{value:g}", "trend": f"{trend:+g}"}
    if component == "recency":
        if value is None:
            return gettext("No purchase yet.")
        return ngettext(
            "Last purchase %(days)s day ago.", "Last purchase %(days)s days ago.", value
        ) % {"days": value}
    if component == "frequency":
        return ngettext(
            "%(count)s purchase in the last 12 months.",
            "%(count)s purchases in the last 12 months.",
            value,
        ) % {"count": value}
    if component == "monetary":
        return gettext("¥%(amount)s spent over the last 12 months.") % {"amount": f"{value:,}"}
    if component == "engagement":
        if value == 0:
            return gettext("No contact with the customer in the last 90 days.")
        return ngettext(
            "%(count)s contact in the last 90 days (%(conversations)s meetings, hearings or QBRs).",
            "%(count)s contacts in the last 90 days "
            "(%(conversations)s meetings, hearings or QBRs).",
            value,
        ) % {"count": value, "conversations": detail["conversations"]}
    if component == "tenure":
        months = value * 12 // 365
        if months < 24:
            return ngettext(
                "Customer for %(months)s month.", "Customer for %(months)s months.", months
            ) % {"months": months}
        return gettext("Customer for %(years)s years.") % {"years": months // 12}
    return gettext(
        "Complaints or escalations in the last 90 days: %(open)s open, %(resolved)s resolved; "
        "in the last 180 days %(cancellations)s cancellations and %(downgrades)s downgrades."
    ) % {
        "open": detail["complaints_open"],
        "resolved": detail["complaints_resolved"],
        "cancellations": detail["cancellations"],
        "downgrades": detail["downgrades"],
    }


def top_reasons(components: dict[str, dict]) -> list[dict]:
    """The components that pull the score furthest from neutral, strongest first."""
    pulls = []
    for name, part in components.items():
        if name == PENALTY:
            pull = part["contribution"]
        else:
            pull = part["weight"] * (part["normalised"] - NEUTRAL)
        if abs(pull) >= REASON_MIN_POINTS:
            pulls.append((abs(pull), COMPONENTS.index(name), name, pull))
    pulls.sort(key=lambda item: (-item[0], item[1]))
    return [
        {
            "component": name,
            "direction": "up" if pull > 0 else "down",
            "points": round(pull, 1),
            "value": components[name]["value"],
            "detail": components[name].get("detail", {}),
        }
        for _strength, _order, name, pull in pulls[:TOP_REASONS]
    ]


@dataclass(frozen=True)
class Explanation:
    """Why a score is what it is: its components and its strongest reasons."""

    components: dict[str, dict]
    reasons: list[dict]

    def sentences(self) -> list[str]:
        """The reasons as sentences in the active language, strongest first."""
        return [
            reason_sentence(reason["component"], reason["value"], reason["detail"])
            for reason in self.reasons
        ]


def explanations(df: pd.DataFrame) -> list[Explanation]:
    """The explanation of every row of a component frame, in its order.

    The per-component figures are taken from whole columns (one tolist each) rather than
    looked up per row.
    """
    parts = {
        name: (
            df[name].notna().tolist() if name in POSITIVE else None,
            df[name].astype(float).tolist(),
            df[f"{name}_weight"].astype(float).tolist(),
            df[f"{name}_contribution"].astype(float).tolist(),
        )
        for name in COMPONENTS
    }
    out = []
    for i, row in enumerate(df.itertuples()):
        values = component_values(row)
        components = {}
        for name in COMPONENTS:
            has, normalised, weight, contribution = parts[name]
            if has is not None and not has[i]:
                continue  # missing: left out, the others were re-weighted
            value, detail = values[name]
            part = {
                "value": value,
                "normalised": round(normalised[i], 1),
                "weight": round(weight[i], 4),
                "contribution": round(contribution[i], 2),
            }
            if detail:
                part["detail"] = detail
            components[name] = part
        out.append(Explanation(components=components, reasons=top_reasons(components)))
    return out
