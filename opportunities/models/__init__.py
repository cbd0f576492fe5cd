"""The opportunities app's models, one module per part of the sales loop."""

from .follow_ups import FollowUp
from .hearings import (
    Answer,
    ChecklistTemplate,
    ChecklistVersion,
    Hearing,
    Metric,
    Question,
    QuestionKind,
    Signal,
    WatchCondition,
)
from .offers import (
    DismissReason,
    OfferCard,
    OfferChunk,
    OfferGate,
    OfferRuleHit,
    OfferRun,
    OfferSource,
)
from .pipeline import DEFAULT_PROBABILITY, Opportunity, OpportunityType, Source, Stage, StageChange
from .qbr import QBRActionItem, QBRGoal, QBRMeeting, quarter_of
from .texts import NEGATIVE_AMOUNT, PROBABILITY_RANGE, THRESHOLD_POSITIVE, in_current_language

__all__ = [
    "DEFAULT_PROBABILITY",
    "NEGATIVE_AMOUNT",
    "PROBABILITY_RANGE",
    "THRESHOLD_POSITIVE",
    "Answer",
    "ChecklistTemplate",
    "ChecklistVersion",
    "DismissReason",
    "FollowUp",
    "Hearing",
    "Metric",
    "OfferCard",
    "OfferChunk",
    "OfferGate",
    "OfferRuleHit",
    "OfferRun",
    "OfferSource",
    "Opportunity",
    "OpportunityType",
    "QBRActionItem",
    "QBRGoal",
    "QBRMeeting",
    "Question",
    "QuestionKind",
    "Signal",
    "Source",
    "Stage",
    "StageChange",
    "WatchCondition",
    "in_current_language",
    "quarter_of",
]
