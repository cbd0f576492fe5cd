"""The nightly offers step: a ledger row per run date, its account-id ranges as chunks.

Like the score step (accounts.scoring.run): what needs every account (the day of the scores
read, the cross-sell affinity) is learnt once, stored on the ledger, and each chunk reads it
with its own accounts' rows. A chunk is claimed by locking its ledger row (SELECT … FOR
UPDATE SKIP LOCKED) for the transaction that computes and writes its cards and rule hits and
marks it done: a worker killed midway loses its connection, PostgreSQL rolls the transaction
back and releases the lock, and the chunk is pending again.

Calling the step again for a date it finished (a test, a night cleared by hand) learns and
lays the chunks out anew and runs them all again, which adds nothing already there (engine.py:
live cards and the run date's cards are gates); a run left unfinished (a failed chunk, a lost
worker) is resumed with the chunks not yet done.
"""

import datetime
import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accounts.chunks import chunk_ranges, chunks_work, workers_take_chunks

from ..models import OfferChunk, OfferRun
from .affinity import affinity_frame, affinity_rows
from .engine import Night, night_learn, offer_rule_hits_purge, offers_write
from .sources import OfferWindow

logger = logging.getLogger(__name__)

# The score step's size (accounts.scoring.run.CHUNK_SIZE), measured for this step in one
# process at 100k demo accounts (docs/benchmarks.md, "The nightly chain"): a chunk of 10,000
# accounts (~7,500 cards, ~9,800 rule hits) takes the process's peak to 246 MB (124 MB after
# Django's start; one pass over the 100k took 571 MB) for 0.4 s more CPU in all than one
# pass (5.7 s against 5.3 s); chunks of 5,000: 207 MB, 7.0 s; of 20,000: 296 MB, 5.2 s.
# 10 chunks per 100k accounts, 100 per million, for the workers to share.
CHUNK_SIZE = 10_000

# Sends the chunks (run date, [(lo, hi), …]) to the workers; the project layer's
# crm.nightly gives one that sends a Celery group of crm.tasks.offer_chunk.
Dispatch = Callable[[datetime.date, list[tuple[int, int]]], object]


def offer_night(run: OfferRun) -> Night:
    return Night(scores_on=run.scores_on, affinity=affinity_frame(run.affinity))


@transaction.atomic
def offer_run_prepare(*, run_date: datetime.date, chunk_size: int = CHUNK_SIZE) -> OfferRun:
    """The ledger of `run_date`: laid out with the night's learning and its chunks the first
    time and after a finished run, reopened as it was after a failure or a lost worker."""
    run, created = OfferRun.objects.select_for_update().get_or_create(
        run_date=run_date, defaults={"status": OfferRun.Status.RUNNING}
    )
    if created or run.status == OfferRun.Status.DONE:
        night = night_learn(run_date=run_date)
        run.scores_on = night.scores_on
        run.affinity = affinity_rows(night.affinity)
        run.started_at = timezone.now()
        run.finished_at = None
        run.chunks.all().delete()
        OfferChunk.objects.bulk_create(
            OfferChunk(run=run, lo=lo, hi=hi) for lo, hi in chunk_ranges(chunk_size=chunk_size)
        )
        offer_rule_hits_purge(run_date=run_date)
    run.status = OfferRun.Status.RUNNING
    run.error = ""
    run.save()
    return run


def offer_chunk_execute(*, run_date: datetime.date, lo: int, hi: int) -> dict[str, int] | None:
    """Write and mark done the chunk lo..hi of `run_date`; its counts, or None when it is
    already done or another worker holds it."""
    with transaction.atomic():
        chunk = OfferChunk.claim(run__run_date=run_date, lo=lo, hi=hi)
        if chunk is None:
            return None
        started = time.perf_counter()
        window = OfferWindow(run_date=run_date, lo=lo, hi=hi)
        chunk.counts = offers_write(window=window, night=offer_night(chunk.run))
        chunk.finish(started=started, fields=("counts",))
    logger.info(
        "offers %s accounts %s-%s in %.2fs: %s", run_date, lo, hi, chunk.seconds, chunk.counts
    )
    return chunk.counts


def offers_generate(
    *, run_date: datetime.date, chunk_size: int = CHUNK_SIZE, dispatch: Dispatch | None = None
) -> dict[str, int]:
    """Write the cards and rule hits of `run_date` for every account; returns the night's
    counts (cards, rule hits, candidates held back per gate) for the log.

    With `dispatch`, the pending chunks are handed to it to send to the workers (unless tasks
    are eager); this call then works through the chunks too and waits on the ledger, as the
    score step does (accounts.scoring.run.scoring_run_execute says why).
    """
    run = offer_run_prepare(run_date=run_date, chunk_size=chunk_size)
    try:
        pending = run.pending_ranges()
        if pending and dispatch is not None and workers_take_chunks():
            dispatch(run_date, pending)
        chunks_work(
            pending=run.pending_ranges,
            execute=lambda lo, hi: offer_chunk_execute(run_date=run_date, lo=lo, hi=hi),
        )
    except Exception as exc:
        OfferRun.objects.filter(pk=run.pk).update(status=OfferRun.Status.FAILED, error=repr(exc))
        raise
    run.status = OfferRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    totals = {"cards": 0, "rule_hits": 0}
    for counts in run.chunks.values_list("counts", flat=True):
        for name, count in counts.items():
            totals[name] = totals.get(name, 0) + count
    logger.info("offers %s: %s", run_date, totals)
    return totals
