"""Wording shared by the forms and the services, and the choice of a bilingual text."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Messages the forms and the services both give, so the wording is one.
PROBABILITY_RANGE = _("Probability must be between 0 and 100.")
NEGATIVE_AMOUNT = _("Amounts cannot be negative.")
THRESHOLD_POSITIVE = _("The threshold must be greater than zero.")


def in_current_language(ja: str, en: str) -> str:
    """The English text when the page is in English, the Japanese one otherwise."""
    return en if translation.get_language() == "en" and en else ja
