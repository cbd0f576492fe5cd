"""Reasons, talking points and timing of a card, as sentences in the reader's language.

Cards store codes and figures; the words are chosen when the card is read, so the same row
reads in Japanese and English. Product and motive ids are named from lookups the caller
prefetches (see selectors.offer_card_lookups), never by a query per card.
"""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RULE_LABELS = {
    "upsell_trial_end": gettext_lazy("Upsell: trial or free plan ending"),
    "upsell_overage": gettext_lazy("Upsell: overage above the next plan"),
    "upsell_utilisation": gettext_lazy("Upsell: near the plan limit"),
    "upsell_growth": gettext_lazy("Upsell: fast growth"),
    "cross_sell_affinity": gettext_lazy("Cross-sell: bought together by loyal customers"),
    "down_sell_renewal": gettext_lazy("Down-sell: at risk near renewal"),
    "watch_condition_met": gettext_lazy("Hearing goal met"),
    "campaign": gettext_lazy("Campaign target"),  # campaigns' cards (campaigns.services)
}


def yen(amount) -> str:
    return f"¥{int(amount):,}"


def day(iso: str) -> str:
    return date_format(datetime.date.fromisoformat(iso), "SHORT_DATE_FORMAT")


def names(ids, lookup) -> str:
    return "、".join(str(lookup[i]) for i in ids if i in lookup)


def sentence(item: dict, *, products=None, motives=None) -> str:
    """One reason or talking point, worded now in the active language."""
    products, motives = products or {}, motives or {}
    code, p = item["code"], item.get("params", {})
    texts = {
        "trial_end": lambda: _("The trial ends on %(date)s.") % {"date": day(p["date"])},
        "overage_spend": lambda: (
            _(
                "Last month they spent %(spend)s with overage; the next plan is %(next_price)s: "
                "%(saving)s a month less."
            )
            % {
                "spend": yen(p["spend"]),
                "next_price": yen(p["next_price"]),
                "saving": yen(p["saving"]),
            }
        ),
        "utilisation": lambda: (
            _("They use %(percent)s%% of the plan (%(used)s of %(included)s) over 30 days.")
            % {"percent": p["percent"], "used": f"{p['used']:,}", "included": f"{p['included']:,}"}
        ),
        "usage_growth": lambda: (
            _("Usage grew %(percent)s%% on the previous 30 days.") % {"percent": p["percent"]}
        ),
        "anchor_share": lambda: (
            _("At %(price)s a month it is %(percent)s%% of their current spend of %(spend)s.")
            % {"price": yen(p["price"]), "percent": p["percent"], "spend": yen(p["spend"])}
        ),
        "affinity": lambda: (
            _("%(confidence)s%% of loyal customers with %(anchor)s also use it (lift %(lift)s).")
            % {
                "confidence": p["confidence"],
                "anchor": products.get(p["anchor_id"], "—"),
                "lift": p["lift"],
            }
        ),
        "motive_match": lambda: (
            _("Matches the buying motives heard: %(motives)s.")
            % {"motives": names(p["motive_ids"], motives)}
        ),
        "renewal_near": lambda: _("The contract renews on %(date)s.") % {"date": day(p["date"])},
        "churn_risk": lambda: _("The account is at risk of churning."),
        "low_loyalty": lambda: _("Loyalty is low."),
        "seats_used": lambda: (
            _("They use %(used)s of the %(paid)s seats they pay for.")
            % {"used": p["used"], "paid": p["paid"]}
        ),
        "goal_met": lambda: (
            _("The goal set in the hearing was met: %(action)s.") % {"action": p["action"]}
        ),
        "keep_setup": lambda: _("Everything set up during the trial keeps working: no migration."),
        "monthly_saving": lambda: (
            _("They save %(saving)s a month at today's usage.") % {"saving": yen(p["saving"])}
        ),
        "headroom": lambda: _("Room to grow without hitting the limit at a busy time."),
        "grow_without_limit": lambda: (
            _("Their volume grows %(percent)s%% a month: the next plan keeps up with it.")
            % {"percent": p["percent"]}
        ),
        "complements": lambda: (
            _("Adds to what they already do with %(anchor)s.")
            % {"anchor": products.get(p["anchor_id"], "—")}
        ),
        "peers_use": lambda: (
            _("%(percent)s%% of loyal customers like them already use it.")
            % {"percent": p["percent"]}
        ),
        "serves_goal": lambda: (
            _("Serves their own goal: %(motives)s.") % {"motives": names(p["motive_ids"], motives)}
        ),
        "keep_essentials": lambda: (
            _("Keep the essentials they use for %(price)s a month.") % {"price": yen(p["price"])}
        ),
        "pay_for_used": lambda: (
            _("Pay for the %(seats)s seats they use: %(price)s a month.")
            % {"seats": p["seats"], "price": yen(p["price"])}
        ),
        "promised": lambda: _("They said they would: %(action)s.") % {"action": p["action"]},
        "campaign": lambda: (
            _("Chosen for the campaign “%(campaign)s”.") % {"campaign": p["campaign"]}
        ),
    }
    return texts[code]() if code in texts else code


def timing_text(timing: dict) -> str:
    """The suggested moment, or "" when there is none."""
    code = timing.get("code")
    if code == "qbr":
        return _("Raise it at the QBR on %(date)s.") % {"date": day(timing["date"])}
    if code == "trial_end":
        return _("Before the trial ends on %(date)s.") % {"date": day(timing["date"])}
    if code == "renewal":
        return _("Before the renewal on %(date)s.") % {"date": day(timing["date"])}
    if code == "fiscal_closing":
        month = datetime.date.fromisoformat(timing["date"])
        return _("Before the fiscal closing month (%(month)s).") % {
            "month": date_format(month, "YEAR_MONTH_FORMAT")
        }
    return ""
