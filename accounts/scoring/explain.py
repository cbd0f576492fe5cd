"""Scores explained when they are shown: components and reasons computed again from the
inputs a score stores, with the weights of the run that scored its day.

The nightly run stores only the score and what it was computed from, so its write costs
about a bare COPY of the scores; explaining the 30 snapshots of an account page or a page of
the API costs a few milliseconds and one query (the runs' weights).
"""

import datetime
from collections.abc import Sequence

import pandas as pd

from accounts.models import LoyaltyScore, ScoringRun, ScoringWeights

from .components import DATES, INPUTS, component_frame
from .reasons import explanations


def run_weights(days: set[datetime.date]) -> dict[datetime.date, ScoringWeights]:
    """The weights each day was scored with: its run's, else the current ones (a score
    written without a run)."""
    stored = dict(ScoringRun.objects.filter(as_of__in=days).values_list("as_of", "weights"))
    current: ScoringWeights | None = None
    out = {}
    for day in days:
        if stored.get(day):
            out[day] = ScoringWeights(**stored[day])
        else:
            current = current or ScoringWeights.load()
            out[day] = current
    return out


def inputs_frame(scores: Sequence[LoyaltyScore]) -> pd.DataFrame:
    """The INPUTS of `scores` as the nightly run had them (dates as timestamps, NaN for
    missing figures), in their order."""
    df = pd.DataFrame.from_records(
        [[getattr(score, name) for name in INPUTS] for score in scores], columns=list(INPUTS)
    )
    for column in INPUTS:
        if column in DATES:
            df[column] = pd.to_datetime(df[column])
        else:
            df[column] = pd.to_numeric(df[column], errors="coerce")
    return df


def loyalty_scores_explain(scores: Sequence[LoyaltyScore]) -> None:
    """Fill in `explanation` on each of `scores` that has none yet (one query in all)."""
    pending = [score for score in scores if "explanation" not in score.__dict__]
    if not pending:
        return
    weights = run_weights({score.as_of for score in pending})
    inputs = inputs_frame(pending)
    days = pd.Series([score.as_of for score in pending])
    # Runs with the same weights (nearly always all of them) are explained together.
    same = {day: tuple(sorted(w.as_dict().items())) for day, w in weights.items()}
    groups: dict[tuple, list[int]] = {}
    for i, score in enumerate(pending):
        groups.setdefault(same[score.as_of], []).append(i)
    for rows in groups.values():
        frame = component_frame(
            inputs.iloc[rows], as_of=days.iloc[rows], weights=weights[pending[rows[0]].as_of]
        )
        for i, explanation in zip(rows, explanations(frame), strict=True):
            pending[i].__dict__["explanation"] = explanation
