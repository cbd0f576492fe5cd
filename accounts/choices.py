"""Choice lists for accounts: industries, sizes, growth stages, prefectures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RETAIL = "retail", _("Retail")
    WHOLESALE = "wholesale", _("Wholesale")
    IT_SOFTWARE = "it_software", _("IT / software")
    EDUCATION = "education", _("Education (incl. cram schools)")
    HEALTHCARE = "healthcare", _("Healthcare (incl. clinics)")
    PROFESSIONAL_SERVICES = "professional_services", _("Professional services")
    REAL_ESTATE = "real_estate", _("Real estate")
    FINANCE = "finance", _("Finance and insurance")
    LOGISTICS = "logistics", _("Transport and logistics")
    HOSPITALITY = "hospitality", _("Hospitality and food service")
    MEDIA = "media", _("Media and advertising")
    PUBLIC = "public", _("Public sector and non-profit")
    OTHER = "other", _("Other")


class GrowthStage(models.TextChoices):
    PRE_REVENUE = "pre_revenue", _("Pre-revenue")
    STARTUP = "startup", _("Startup")
    GROWTH = "growth", _("Growth")
    MATURE = "mature", _("Mature")


class RevenueBand(models.TextChoices):
    UNDER_100M = "under_100m", _("Under ¥100M")
    FROM_100M = "100m_1b", _("¥100M–¥1B")
    FROM_1B = "1b_10b", _("¥1B–¥10B")
    OVER_10B = "over_10b", _("Over ¥10B")


class SizeBand(models.TextChoices):
    """Bands of employee count, as Japanese SME statistics group them."""

    MICRO = "micro", _("1–19 employees")
    SMALL = "small", _("20–99 employees")
    MEDIUM = "medium", _("100–299 employees")
    LARGE = "large", _("300–999 employees")
    ENTERPRISE = "enterprise", _("1,000+ employees")


# (band, smallest employee count in it), largest first
SIZE_BAND_FLOORS = [
    (SizeBand.ENTERPRISE, 1000),
    (SizeBand.LARGE, 300),
    (SizeBand.MEDIUM, 100),
    (SizeBand.SMALL, 20),
    (SizeBand.MICRO, 0),
]


def size_band(employee_count: int | None) -> SizeBand | None:
    if employee_count is None:
        return None
    return next(band for band, floor in SIZE_BAND_FLOORS if employee_count >= floor)


class Prefecture(models.TextChoices):
    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


class Month(models.IntegerChoices):
    JANUARY = 1, _("January")
    FEBRUARY = 2, _("February")
    MARCH = 3, _("March")
    APRIL = 4, _("April")
    MAY = 5, _("May")
    JUNE = 6, _("June")
    JULY = 7, _("July")
    AUGUST = 8, _("August")
    SEPTEMBER = 9, _("September")
    OCTOBER = 10, _("October")
    NOVEMBER = 11, _("November")
    DECEMBER = 12, _("December")
