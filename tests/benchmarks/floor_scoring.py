"""The floor of the nightly score: the least work that produces the same scores (not a test).

A bare psycopg script, no Django: one SQL aggregate per source table over every account at
once (no chunks, no ORM, no pandas), the score's arithmetic in numpy over whole columns, and
one COPY of (account, day, score, tier, churn risk) into a table of the same shape and key as
accounts_loyaltyscore. It writes none of what the product adds to a score (the components,
the reasons, the sentences in two languages), so it is a lower bound on the scoring step.

`make bench` runs it after the nightly chain and compares: the same accounts, the same score
(to its 0.1 rounding; floats summed in another order may land on the other side of a .x5),
the same tier and churn flag. Any change to the score's maths must be made here too; the
bench smoke test (tests/benchmarks/test_bench_smoke.py) fails until it is.

    python -m tests.benchmarks.floor_scoring postgres://... 2026-06-30   # prints JSON
"""

import datetime
import io
import json
import resource
import sys
import time
from zoneinfo import ZoneInfo

import numpy as np
import psycopg

TABLE = "bench_floor_score"
TIME_ZONE = ZoneInfo("Asia/Tokyo")
# Windows and constants of accounts/scoring (sources.py, components.py), copied: no Django here.
NPS_DAYS, USAGE_DAYS, PURCHASE_DAYS, ENGAGEMENT_DAYS, COMPLAINT_DAYS, LOSS_DAYS = (
    365,
    30,
    365,
    90,
    90,
    180,
)
CONTACT_KINDS = ("call", "email", "meeting", "visit", "hearing", "qbr")
CONVERSATION_KINDS = ("meeting", "visit", "hearing", "qbr")
NEGATIVE_KINDS = ("complaint", "escalation")
USAGE_TREND_SHARE = 0.3
FREQUENCY_FULL = 12
ENGAGEMENT_FULL = 12
CONVERSATION_EXTRA = 1
TENURE_FULL_DAYS = 3 * 365
MONEY_UNIT = 10_000
PENALTY_POINTS = {"complaints_open": 2, "complaints_resolved": 1, "cancellations": 3}
DOWNGRADE_POINTS = 2
NEGATIVE_FULL = 6
DETRACTOR_MAX = 6
POSITIVE = ("nps", "usage", "recency", "frequency", "monetary", "engagement", "tenure")
DEFAULT_WEIGHTS = {  # ScoringWeights' field defaults, when no row was saved
    "nps": 25,
    "usage": 20,
    "recency": 10,
    "frequency": 10,
    "monetary": 10,
    "engagement": 15,
    "tenure": 10,
    "negatives_max_penalty": 30,
    "monetary_reference": 6_000_000,
    "high_tier_min": 70,
    "medium_tier_min": 40,
    "churn_score_below": 40,
    "churn_usage_drop_percent": 30,
    "churn_on_detractor": True,
    "churn_on_open_complaint": True,
}

SOURCES = {
    "subscriptions": """
        SELECT account_id,
            min(started_on) - %(d)s::date AS first_started,
            max(bought_on) FILTER (WHERE bought) - %(d)s::date AS last_bought,
            count(*) FILTER (WHERE bought AND bought_on > %(purchase_from)s) AS bought_recently,
            sum(monthly_amount) FILTER (WHERE active AND NOT coalesce(trial_ends_on > %(d)s, false))
                AS monthly_amount,
            sum(included_usage) FILTER (WHERE active) AS included_usage,
            count(*) FILTER (WHERE cancelled_on > %(loss_from)s AND cancelled_on <= %(d)s)
                AS cancellations
        FROM (
            SELECT s.*, p.included_usage, coalesce(s.trial_ends_on, s.started_on) AS bought_on,
                coalesce(s.trial_ends_on, s.started_on) <= %(d)s AND (s.cancelled_on IS NULL
                    OR s.cancelled_on > coalesce(s.trial_ends_on, s.started_on)) AS bought,
                s.cancelled_on IS NULL OR s.cancelled_on > %(d)s AS active
            FROM accounts_subscription s JOIN accounts_product p ON p.id = s.product_id
            WHERE s.started_on <= %(d)s
        ) s
        GROUP BY account_id
    """,
    "orders": """
        SELECT account_id, max(ordered_on) - %(d)s::date AS last_ordered,
            count(*) FILTER (WHERE ordered_on > %(purchase_from)s) AS orders_recently,
            sum(total) FILTER (WHERE ordered_on > %(purchase_from)s) AS spend_recently
        FROM accounts_order WHERE ordered_on <= %(d)s GROUP BY account_id
    """,
    "usage": """
        SELECT u.account_id,
            coalesce(sum(CASE WHEN p.usage_measure = 'level'
                THEN u.quantity::float8 / %(usage_days)s ELSE u.quantity::float8 END)
                FILTER (WHERE u.date > %(usage_split)s), 0) AS used_recently,
            coalesce(sum(CASE WHEN p.usage_measure = 'level'
                THEN u.quantity::float8 / %(usage_days)s ELSE u.quantity::float8 END)
                FILTER (WHERE u.date <= %(usage_split)s), 0) AS used_before
        FROM accounts_usagerecord u
        JOIN accounts_subscription s ON s.id = u.subscription_id
        JOIN accounts_product p ON p.id = s.product_id
        WHERE u.date > %(usage_from)s AND u.date <= %(d)s AND p.included_usage IS NOT NULL
        GROUP BY u.account_id
    """,
    # the mean of the answers given on the latest answer day of the last 12 months
    "nps": """
        SELECT account_id, sum(score)::float8 / count(*) AS nps_value
        FROM (
            SELECT account_id, score, answered_on,
                max(answered_on) OVER (PARTITION BY account_id) AS latest
            FROM accounts_npsresponse
            WHERE answered_on > %(nps_from)s AND answered_on <= %(d)s
        ) a
        WHERE answered_on = latest GROUP BY account_id
    """,
    "activities": """
        SELECT account_id,
            count(*) FILTER (WHERE occurred_on > %(engaged_from)s AND kind = ANY(%(contact)s))
                AS contacts,
            count(*) FILTER (WHERE occurred_on > %(engaged_from)s
                AND kind = ANY(%(conversation)s)) AS conversations,
            count(*) FILTER (WHERE occurred_on > %(complaint_from)s AND kind = ANY(%(negative)s)
                AND (resolved_on IS NULL OR resolved_on > %(d)s)) AS complaints_open,
            count(*) FILTER (WHERE occurred_on > %(complaint_from)s AND kind = ANY(%(negative)s)
                AND resolved_on <= %(d)s) AS complaints_resolved
        FROM accounts_activity
        WHERE occurred_on > %(activity_from)s AND occurred_on <= %(d)s
        GROUP BY account_id
    """,
    # a lower tier of the same family, or fewer seats, than the version before it
    "downgrades": """
        SELECT account_id, count(*) AS downgrades
        FROM (
            SELECT h.account_id, h.history_date, h.quantity, p.family_id, p.tier_rank,
                lag(p.family_id) OVER w AS previous_family,
                lag(p.tier_rank) OVER w AS previous_rank,
                lag(h.quantity) OVER w AS previous_quantity
            FROM accounts_historicalsubscription h
            LEFT JOIN accounts_product p ON p.id = h.product_id
            WHERE h.history_date < %(day_end)s
            WINDOW w AS (PARTITION BY h.id ORDER BY h.history_date, h.history_id)
        ) c
        WHERE history_date >= %(loss_since)s
            AND ((family_id = previous_family AND tier_rank < previous_rank)
                OR quantity < previous_quantity)
        GROUP BY account_id
    """,
}


def day_end(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=TIME_ZONE
    )


def parameters(as_of: datetime.date) -> dict:
    def before(days: int) -> datetime.date:
        return as_of - datetime.timedelta(days=days)

    return {
        "d": as_of,
        "purchase_from": before(PURCHASE_DAYS),
        "loss_from": before(LOSS_DAYS),
        "usage_days": float(USAGE_DAYS),
        "usage_split": before(USAGE_DAYS),
        "usage_from": before(2 * USAGE_DAYS),
        "nps_from": before(NPS_DAYS),
        "engaged_from": before(ENGAGEMENT_DAYS),
        "complaint_from": before(COMPLAINT_DAYS),
        "activity_from": before(max(ENGAGEMENT_DAYS, COMPLAINT_DAYS)),
        "contact": list(CONTACT_KINDS),
        "conversation": list(CONVERSATION_KINDS),
        "negative": list(NEGATIVE_KINDS),
        "day_end": day_end(as_of),
        "loss_since": day_end(before(LOSS_DAYS)),
    }


def weights(cursor) -> dict:
    cursor.execute("SELECT * FROM accounts_scoringweights WHERE id = 1")
    row = cursor.fetchone()
    if row is None:
        return dict(DEFAULT_WEIGHTS)
    names = [column.name for column in cursor.description]
    return {name: value for name, value in zip(names, row, strict=True) if name in DEFAULT_WEIGHTS}


def columns(cursor, sql: str, params: dict) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The account ids of one aggregate and its other columns as float arrays (NaN for NULL)."""
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    names = [column.name for column in cursor.description]
    table = np.array(rows, dtype=float).reshape(len(rows), len(names))
    return table[:, 0].astype(np.int64), {name: table[:, i] for i, name in enumerate(names) if i}


def place(customers: np.ndarray, ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`values` of `ids` laid out on `customers` (sorted), NaN where an account has none."""
    out = np.full(len(customers), np.nan)
    at = np.minimum(np.searchsorted(customers, ids), len(customers) - 1)
    known = customers[at] == ids  # usage or activities of an account that is no customer
    out[at[known]] = values[known]
    return out


def scores(sources: dict, w: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The customers and their score, tier and churn flag, as accounts/scoring/components.py."""
    customers = np.union1d(sources["subscriptions"][0], sources["orders"][0])

    def get(source: str, name: str, fill=np.nan):
        """A column on the customers; `fill` also replaces NULL aggregates (as fillna)."""
        ids, values = sources[source]
        out = place(customers, ids, values[name])
        return out if np.isnan(fill) else np.nan_to_num(out, nan=fill)

    nps_value = get("nps", "nps_value")
    included = get("subscriptions", "included_usage")
    used_recently = get("usage", "used_recently")
    used_before = get("usage", "used_before")
    metered = (included > 0) & ~np.isnan(used_recently)
    with np.errstate(divide="ignore", invalid="ignore"):
        utilisation = np.where(metered, used_recently / included, np.nan)
        trend = np.where(
            used_before > 0,
            (used_recently - used_before) / used_before,
            np.where(used_recently > 0, 1.0, 0.0),
        )
    trend = np.where(metered, trend, np.nan)
    usage = (1 - USAGE_TREND_SHARE) * np.minimum(utilisation, 1) * 100 + (
        USAGE_TREND_SHARE * (50 + 50 * np.clip(trend, -1, 1))
    )
    # dates come as days relative to as_of (negative: in the past)
    last_purchase = np.fmax(get("subscriptions", "last_bought"), get("orders", "last_ordered"))
    recency = np.nan_to_num(np.clip(100 * (1 - -last_purchase / PURCHASE_DAYS), 0, 100), nan=0)
    purchases = get("subscriptions", "bought_recently", 0) + get("orders", "orders_recently", 0)
    frequency = 100 * np.minimum(np.log1p(purchases) / np.log1p(FREQUENCY_FULL), 1)
    spend = get("orders", "spend_recently", 0) + 12 * get("subscriptions", "monthly_amount", 0)
    reference = np.log1p(w["monetary_reference"] / MONEY_UNIT)
    monetary = 100 * np.clip(np.log1p(spend / MONEY_UNIT) / reference, 0, 1)
    touches = get("activities", "contacts", 0) + CONVERSATION_EXTRA * get(
        "activities", "conversations", 0
    )
    engagement = 100 * np.minimum(touches / ENGAGEMENT_FULL, 1)
    tenure = 100 * np.clip(-get("subscriptions", "first_started") / TENURE_FULL_DAYS, 0, 1)
    points = sum(get(source, event, 0) * p for source, event, p in PENALTY_SOURCES) + (
        get("downgrades", "downgrades", 0) * DOWNGRADE_POINTS
    )
    negatives = 100 * np.minimum(points / NEGATIVE_FULL, 1)

    positive = np.column_stack(
        [nps_value * 10, usage, recency, frequency, monetary, engagement, tenure]
    )
    configured = np.array([float(w[name]) for name in POSITIVE])
    weight = ~np.isnan(positive) * configured
    total = weight.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.nan_to_num(weight / np.where(total == 0, np.nan, total)[:, None], nan=0)
    contributions = np.column_stack(
        [weight * np.nan_to_num(positive, nan=0), -(w["negatives_max_penalty"] / 100) * negatives]
    )
    score = np.round(np.clip(contributions.sum(axis=1), 0, 100), 1)
    tier = np.select(
        [score >= w["high_tier_min"], score >= w["medium_tier_min"]],
        ["high", "medium"],
        default="low",
    )
    churn = (score < w["churn_score_below"]) | (
        np.round(trend, 9) <= -w["churn_usage_drop_percent"] / 100
    )
    if w["churn_on_detractor"]:
        churn |= nps_value <= DETRACTOR_MAX
    if w["churn_on_open_complaint"]:
        churn |= get("activities", "complaints_open", 0) > 0
    return customers, score, tier, churn


PENALTY_SOURCES = [
    ("activities", "complaints_open", PENALTY_POINTS["complaints_open"]),
    ("activities", "complaints_resolved", PENALTY_POINTS["complaints_resolved"]),
    ("subscriptions", "cancellations", PENALTY_POINTS["cancellations"]),
]


def floor_run(dsn: str, as_of: datetime.date) -> dict:
    """Aggregate, score and COPY every account as of `as_of`; returns timings and the count."""
    timings = {}
    started = time.perf_counter()
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        params = parameters(as_of)
        w = weights(cursor)
        sources = {}
        for name, sql in SOURCES.items():
            sources[name] = columns(cursor, sql, params)
        timings["aggregate"] = time.perf_counter() - started
        mark = time.perf_counter()
        customers, score, tier, churn = scores(sources, w)
        timings["score"] = time.perf_counter() - mark
        mark = time.perf_counter()
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (account_id bigint, as_of date, "
            "score numeric(4, 1), tier varchar(8), churn_risk boolean, "
            "PRIMARY KEY (account_id, as_of))"
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE as_of = %s", [as_of])  # noqa: S608
        text = io.StringIO()
        day = as_of.isoformat()
        for account, value, level, risk in zip(
            customers.tolist(), score.tolist(), tier.tolist(), churn.tolist(), strict=True
        ):
            text.write(f"{account}\t{day}\t{value:.1f}\t{level}\t{'t' if risk else 'f'}\n")
        with cursor.copy(f"COPY {TABLE} FROM STDIN") as copy:
            copy.write(text.getvalue())
        connection.commit()
        timings["write"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return {"accounts": len(customers), "seconds": timings}


def floor_compare(dsn: str, as_of: datetime.date) -> dict:
    """The floor's rows against accounts_loyaltyscore of the same day."""
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FILTER (WHERE f.account_id IS NULL) AS only_ours,
                count(*) FILTER (WHERE s.account_id IS NULL) AS only_floor,
                count(*) FILTER (WHERE f.score = s.score AND f.tier = s.tier
                    AND f.churn_risk = s.churn_risk) AS identical,
                count(*) FILTER (WHERE f.account_id IS NOT NULL AND s.account_id IS NOT NULL)
                    AS both,
                coalesce(max(abs(f.score - s.score)), 0) AS max_difference,
                count(*) FILTER (WHERE f.tier <> s.tier OR f.churn_risk <> s.churn_risk)
                    AS other_tier_or_flag
            FROM (SELECT * FROM accounts_loyaltyscore WHERE as_of = %(d)s) s
            FULL JOIN (SELECT * FROM {TABLE} WHERE as_of = %(d)s) f USING (account_id)
            """,  # noqa: S608 (our own table name)
            {"d": as_of},
        )
        names = [column.name for column in cursor.description]
        result = dict(zip(names, cursor.fetchone(), strict=True))
    result["max_difference"] = float(result["max_difference"])
    # The same work: every account on both sides, scores within one rounding step, and a tier
    # or flag differing only where such a step crosses a threshold (none in practice).
    result["same"] = (
        result["only_ours"] == 0
        and result["only_floor"] == 0
        and result["max_difference"] <= 0.1
        and result["other_tier_or_flag"] <= max(1, result["both"] // 10_000)
    )
    return result


if __name__ == "__main__":
    dsn, day = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    result = floor_run(dsn, day)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["compare"] = floor_compare(dsn, day)
    print(json.dumps(result))
