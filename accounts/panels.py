"""Panels that apps above accounts put on the account 360 page.

The accounts app must not import the apps that build on it, so they are named in settings
(ACCOUNT_PAGE_PANELS, dotted paths) by the project layer. Each provider is called as
`provider(request=..., account=...)` and returns Panel objects; the page renders each panel's
template in its slot. A provider must use a fixed number of queries, whatever the data.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

SLOTS = ("score", "offers", "opportunities", "hearings", "qbrs")


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.slot not in SLOTS:
            raise ValueError(f"unknown account page slot {self.slot!r}; one of {SLOTS}")


def account_panels(*, request, account) -> dict[str, list[Panel]]:
    """The panels for `account`, by slot, in the order the providers are listed."""
    panels: dict[str, list[Panel]] = defaultdict(list)
    for path in getattr(settings, "ACCOUNT_PAGE_PANELS", []):
        for panel in import_string(path)(request=request, account=account):
            panels[panel.slot].append(panel)
    return dict(panels)
