import pytest
from django.core.exceptions import ValidationError

from accounts.choices import SizeBand, size_band
from accounts.nps import NPSCategory, nps_category, nps_score
from accounts.validators import validate_corporate_number, validate_kana


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_category_boundaries(score, category):
    assert nps_category(score) == NPSCategory(category)


@pytest.mark.parametrize("score", [-1, 11])
def test_nps_answers_outside_0_to_10_are_refused(score):
    with pytest.raises(ValueError, match="0-10"):
        nps_category(score)


def test_nps_of_a_set_is_percent_promoters_minus_percent_detractors():
    # 5 promoters, 3 passives, 2 detractors of 10: 50 % − 20 % = 30
    assert nps_score([9, 10, 9, 10, 9, 7, 8, 7, 3, 6]) == 30.0
    # 1 promoter, 2 detractors of 3: 33.3 % − 66.7 % = −33.3
    assert nps_score([10, 0, 5]) == -33.3
    assert nps_score([7, 8]) == 0.0


def test_nps_of_no_answers_is_unknown_not_zero():
    assert nps_score([]) is None


@pytest.mark.parametrize("number", ["7000012050002", "1180301018771"])
def test_valid_corporate_numbers_pass(number):
    validate_corporate_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [("8000012050002", "checksum"), ("700001205000", "format"), ("70000120500A2", "format")],
)
def test_invalid_corporate_numbers_are_refused(number, code):
    with pytest.raises(ValidationError) as error:
        validate_corporate_number(number)
    assert error.value.code == code


def test_kana_readings():
    validate_kana("カブシキガイシャ テスト")
    validate_kana("さくらしょうじ")
    with pytest.raises(ValidationError):
        validate_kana("Sakura")


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (1, SizeBand.MICRO),
        (19, SizeBand.MICRO),
        (20, SizeBand.SMALL),
        (999, SizeBand.LARGE),
        (1000, SizeBand.ENTERPRISE),
    ],
)
def test_size_bands(employees, band):
    assert size_band(employees) == band
