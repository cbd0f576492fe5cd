"""The kinds of column an import file has, each turning a column of text into typed values.

Every check works on a whole column at once (pandas), so a 100,000-row file is checked in
about the time of a handful of rows checked one by one. A column's `parse` returns the typed
values and, for each row, the error code of its cell (or None).
"""

import decimal
from dataclasses import dataclass

import pandas as pd
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db.models import Choices
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.validators import KANA_RE, validate_corporate_number

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "はい", "○", "◯", "有", "あり"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "いいえ", "×", "無", "なし", ""})


@dataclass(frozen=True)
class Parsed:
    values: pd.Series  # typed values; None where the cell is blank or bad
    errors: pd.Series  # an error code where the cell is bad, else None
    params: dict  # parameters of the error messages (the range, the length…)


@dataclass(frozen=True, kw_only=True)
class Column:
    """A column of an import file: its header, what it means, and how its cells are read."""

    key: str
    label: Promise
    required: bool = False
    example: str = ""
    help: Promise | str = ""

    def parse(self, raw: pd.Series) -> Parsed:
        raw = raw.fillna("").astype(str)
        blank = raw == ""
        values, errors, params = self.convert(raw.where(~blank, None), blank)
        errors = errors.where(~blank, "required" if self.required else None)
        values = values.where(~blank & errors.isna(), self.blank_value)
        return Parsed(values=values.astype(object), errors=errors.astype(object), params=params)

    blank_value = None

    def convert(self, raw: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series, dict]:
        raise NotImplementedError

    @property
    def format_help(self) -> str:
        return ""


def _no_errors(raw: pd.Series) -> pd.Series:
    return pd.Series(None, index=raw.index, dtype=object)


def _nfkc(raw: pd.Series) -> pd.Series:
    """Full-width digits and letters (１２３, ＡＢＣ) as their ASCII forms."""
    return raw.str.normalize("NFKC").str.strip()


@dataclass(frozen=True, kw_only=True)
class Text(Column):
    max_length: int
    blank_value = ""

    def convert(self, raw, blank):
        too_long = raw.str.len() > self.max_length
        return raw, _no_errors(raw).mask(too_long, "too_long"), {"max": self.max_length}

    @property
    def format_help(self):
        return _("up to %(max)s characters") % {"max": self.max_length}


@dataclass(frozen=True, kw_only=True)
class Kana(Text):
    """A reading in hiragana or katakana, checked by the rule forms use (accounts.validators)."""

    def convert(self, raw, blank):
        values, errors, params = super().convert(raw, blank)
        not_kana = ~blank & ~raw.fillna("").str.fullmatch(KANA_RE.pattern)
        return values, errors.mask(not_kana & errors.isna(), "kana"), params


@dataclass(frozen=True, kw_only=True)
class Email(Text):
    max_length: int = 254

    def convert(self, raw, blank):
        values = raw.str.lower()
        validate = EmailValidator()

        def bad(value) -> bool:
            try:
                validate(value)
            except ValidationError:
                return True
            return False

        # Unique addresses only: a usage file names the same few owners thousands of times.
        invalid = {value for value in values.dropna().unique() if bad(value)}
        errors = _no_errors(raw).mask(values.isin(invalid), "email")
        return values, errors.mask(values.str.len() > self.max_length, "too_long"), {}


@dataclass(frozen=True, kw_only=True)
class Code(Text):
    """A key of another record (external id, product code): text compared exactly."""

    max_length: int = 64

    def convert(self, raw, blank):
        return super().convert(_nfkc(raw), blank)


@dataclass(frozen=True, kw_only=True)
class CorporateNumber(Column):
    blank_value = ""

    def convert(self, raw, blank):
        values = _nfkc(raw).str.replace("-", "", regex=False)

        def check(value) -> str | None:
            try:
                validate_corporate_number(value)
            except ValidationError as error:
                return f"corporate_number_{error.code}"
            return None

        codes = {value: check(value) for value in values.dropna().unique()}
        return values, values.map(codes).astype(object), {}


@dataclass(frozen=True, kw_only=True)
class Integer(Column):
    min_value: int = 0
    max_value: int | None = None

    def convert(self, raw, blank):
        text = _nfkc(raw).str.replace(",", "", regex=False)
        numbers = pd.to_numeric(text, errors="coerce")
        not_whole = numbers.isna() | (numbers % 1 != 0)
        errors = _no_errors(raw).mask(~blank & not_whole, "integer")
        out_of_range = numbers < self.min_value
        if self.max_value is not None:
            out_of_range |= numbers > self.max_value
        code = "range" if self.max_value is not None else "min"
        errors = errors.mask(errors.isna() & ~blank & out_of_range, code)
        values = numbers.where(errors.isna()).map(lambda n: None if pd.isna(n) else int(n))
        return values, errors, {"min": self.min_value, "max": self.max_value}

    @property
    def format_help(self):
        if self.max_value is None:
            return f"{self.min_value}–"
        return f"{self.min_value}–{self.max_value}"


@dataclass(frozen=True, kw_only=True)
class Decimal(Column):
    """A quantity: digits with up to `places` decimals (what DecimalField stores)."""

    whole_digits: int = 12
    places: int = 2

    def convert(self, raw, blank):
        text = _nfkc(raw).str.replace(",", "", regex=False)
        pattern = rf"\d{{1,{self.whole_digits}}}(\.\d{{1,{self.places}}})?"
        good = text.str.fullmatch(pattern).fillna(False).astype(bool)
        errors = _no_errors(raw).mask(~blank & ~good, "number")
        values = text.where(good).map(lambda t: None if pd.isna(t) else decimal.Decimal(t))
        return values, errors, {"places": self.places}

    @property
    def format_help(self):
        return "0.00"


@dataclass(frozen=True, kw_only=True)
class Date(Column):
    def convert(self, raw, blank):
        text = _nfkc(raw).str.replace("/", "-", regex=False).str.replace(".", "-", regex=False)
        # Only the date part of "2026-04-01 00:00:00", as some exports write dates.
        text = text.str.split(" ", n=1).str[0]
        stamps = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        errors = _no_errors(raw).mask(~blank & stamps.isna(), "date")
        values = stamps.map(lambda s: None if pd.isna(s) else s.date())
        return values, errors, {}

    @property
    def format_help(self):
        return "YYYY-MM-DD"


@dataclass(frozen=True, kw_only=True)
class Boolean(Column):
    blank_value = False

    def convert(self, raw, blank):
        words = _nfkc(raw.fillna("")).str.lower()
        errors = _no_errors(raw).mask(~words.isin(TRUE_WORDS | FALSE_WORDS), "boolean")
        return words.isin(TRUE_WORDS), errors, {}

    @property
    def format_help(self):
        return "1 / 0"


@dataclass(frozen=True, kw_only=True)
class Choice(Column):
    """One of a choice list, given by its code (the codes are listed on the import page)."""

    choices: type[Choices]
    # Codes that are numbers padded with zeros (prefecture "01"): Excel drops the zero.
    zero_pad: int = 0
    blank_value = ""

    def convert(self, raw, blank):
        codes = _nfkc(raw).str.lower()
        if self.zero_pad:
            codes = codes.str.zfill(self.zero_pad).where(codes.str.isdigit().fillna(False), codes)
        known = {str(value) for value, _label in self.choices.choices}
        errors = _no_errors(raw).mask(~blank & ~codes.isin(known), "choice")
        return codes, errors, {}

    @property
    def format_help(self):
        return " / ".join(str(value) for value, _label in self.choices.choices)

    def code_labels(self) -> list[tuple[str, Promise]]:
        return [(str(value), label) for value, label in self.choices.choices]
