"""The account page's offer panel (registered in settings.ACCOUNT_PAGE_PANELS)."""

from accounts.panels import Panel

from .selectors import account_offer_cards


def account_offer_panels(*, request, account) -> list[Panel]:
    """The account's live cards, best first (three queries: cards, product and motive names)."""
    cards = account_offer_cards(user=request.user, account=account)
    return [
        Panel(
            slot="offers",
            template="opportunities/offers/panel.html",
            context={"account": account, "offer_cards": cards},
        )
    ]
