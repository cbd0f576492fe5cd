"""The account page's QBR panel (slot "qbrs"), in one query."""

from accounts.panels import Panel

from . import selectors


def account_qbr_panels(*, request, account) -> list[Panel]:
    return [
        Panel(
            slot="qbrs",
            template="opportunities/panels/qbrs.html",
            context={"account": account, "qbrs": selectors.account_qbrs(account=account)},
        )
    ]
