"""NPS maths, in one place: the category of an answer and the score of a set of answers.

Promoters answer 9–10, passives 7–8, detractors 0–6; NPS = % promoters − % detractors.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

PROMOTER_MIN = 9
PASSIVE_MIN = 7


class NPSCategory(models.TextChoices):
    PROMOTER = "promoter", _("Promoter")
    PASSIVE = "passive", _("Passive")
    DETRACTOR = "detractor", _("Detractor")


def nps_category(score: int) -> NPSCategory:
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS answer is 0-10, not {score}")
    if score >= PROMOTER_MIN:
        return NPSCategory.PROMOTER
    if score >= PASSIVE_MIN:
        return NPSCategory.PASSIVE
    return NPSCategory.DETRACTOR


def nps_score(scores: Iterable[int]) -> float | None:
    """NPS of a set of answers, −100 to 100; None for no answers (not zero: nothing is known)."""
    counts = dict.fromkeys(NPSCategory, 0)
    for score in scores:
        counts[nps_category(score)] += 1
    return nps_from_counts(
        promoters=counts[NPSCategory.PROMOTER],
        passives=counts[NPSCategory.PASSIVE],
        detractors=counts[NPSCategory.DETRACTOR],
    )


def nps_from_counts(*, promoters: int, passives: int, detractors: int) -> float | None:
    total = promoters + passives + detractors
    if total == 0:
        return None
    return round(100 * (promoters - detractors) / total, 1)


def nps_count_aggregates(field: str = "score") -> dict[str, Count]:
    """Aggregate expressions counting each category in SQL, for nps_from_counts()."""
    return {
        "promoters": Count("pk", filter=Q(**{f"{field}__gte": PROMOTER_MIN})),
        "passives": Count(
            "pk", filter=Q(**{f"{field}__gte": PASSIVE_MIN, f"{field}__lt": PROMOTER_MIN})
        ),
        "detractors": Count("pk", filter=Q(**{f"{field}__lt": PASSIVE_MIN})),
    }


def category_score_range(category: str) -> tuple[int, int]:
    """The inclusive score range of an NPS category, for filters."""
    return {
        NPSCategory.PROMOTER: (PROMOTER_MIN, 10),
        NPSCategory.PASSIVE: (PASSIVE_MIN, PROMOTER_MIN - 1),
        NPSCategory.DETRACTOR: (0, PASSIVE_MIN - 1),
    }[NPSCategory(category)]
