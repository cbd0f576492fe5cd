import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KANA_RE = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 ・ー]+$")


def validate_corporate_number(value: str) -> None:
    """A 13-digit Japanese corporate number (法人番号) whose leading check digit is right.

    The check digit is 9 − (Σ Pn × Qn mod 9) over the 12 base digits, Pn counted from the
    right and Qn = 1 for odd n, 2 for even n (National Tax Agency specification).
    """
    if not re.fullmatch(r"\d{13}", value or ""):
        raise ValidationError(_("A corporate number has exactly 13 digits."), code="format")
    base = value[1:]
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    if int(value[0]) != 9 - total % 9:
        raise ValidationError(_("This corporate number's check digit is wrong."), code="checksum")


def validate_kana(value: str) -> None:
    """A reading in hiragana or katakana (spaces and the long-vowel mark allowed)."""
    if value and not KANA_RE.fullmatch(value):
        raise ValidationError(_("Enter the reading in hiragana or katakana."), code="kana")
