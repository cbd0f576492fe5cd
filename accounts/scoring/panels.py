"""The loyalty score panel of the account page (registered in settings.ACCOUNT_PAGE_PANELS)."""

from django.utils.translation import gettext as _

from accounts.panels import Panel

from .selectors import loyalty_score_history


def score_panel(*, request, account) -> list[Panel]:
    """Current score, tier, churn risk, reasons, history chart and what moved (one query)."""
    history = loyalty_score_history(account=account)
    chart = {
        "labels": [snapshot.as_of.isoformat() for snapshot in history.snapshots],
        "datasets": [
            {
                "label": str(_("Loyalty score")),
                "data": [float(snapshot.score) for snapshot in history.snapshots],
            }
        ],
    }
    return [
        Panel(
            slot="score",
            template="accounts/_score_panel.html",
            context={"score_history": history, "score_chart": chart},
        )
    ]
