"""What this app shows on the account 360 page (see accounts/panels.py), in three queries."""

from django.utils import timezone

from accounts.panels import Panel

from . import selectors


def account_pipeline_panels(*, request, account) -> list[Panel]:
    """The account's opportunities and follow-ups, and its hearings."""
    data = selectors.account_pipeline(user=request.user, account=account)
    return [
        Panel(
            slot="opportunities",
            template="opportunities/panels/opportunities.html",
            context={"account": account, "opportunities": data["opportunities"]},
        ),
        Panel(
            slot="opportunities",
            template="opportunities/panels/follow_ups.html",
            context={
                "account": account,
                "follow_ups": data["follow_ups"],
                "today": timezone.localdate(),
            },
        ),
        Panel(
            slot="hearings",
            template="opportunities/panels/hearings.html",
            context={"account": account, "hearings": data["hearings"]},
        ),
    ]
