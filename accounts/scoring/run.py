"""The scoring run: a ledger row per day, its account-id ranges as chunks, each written once.

A chunk is claimed by locking its ledger row (SELECT … FOR UPDATE SKIP LOCKED) for the
transaction that computes and writes its scores and marks it done. A worker killed midway
loses its connection, PostgreSQL rolls the transaction back and releases the lock, and the
chunk is pending again: nothing half-written, nothing to clean up. Rerunning a day only
works through the chunks not yet done; rescoring it (new weights) upserts the same rows.
"""

import datetime
import logging
import time

import pandas as pd
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.chunks import chunk_ranges, chunks_work, workers_take_chunks
from accounts.models import ScoringChunk, ScoringRun, ScoringWeights

from .components import component_frame, score_inputs
from .sources import ChunkWindow, chunk_sources
from .writer import loyalty_scores_write

logger = logging.getLogger(__name__)

# Measured on PostgreSQL (2 cores, 100k demo accounts with ~50 source rows each,
# docs/benchmarks.md): a chunk of 10,000 accounts reads, scores and writes in ~0.5 s (5.3 s
# for 100k in one process; 6.1 s in chunks of 5,000, whose fixed costs weigh more) with a
# small peak (a score row is 20 numbers). 10 chunks per 100k accounts, 100 per million, are
# enough for several workers to share the night.
CHUNK_SIZE = 10_000


def loyalty_scores_compute(
    *, lo: int, hi: int, as_of: datetime.date, weights: ScoringWeights
) -> pd.DataFrame:
    """The component frame of accounts lo..hi as of `as_of` (six queries, no writes)."""
    window = ChunkWindow(lo=lo, hi=hi, as_of=as_of)
    return component_frame(score_inputs(chunk_sources(window)), as_of=as_of, weights=weights)


@transaction.atomic
def scoring_run_prepare(
    *, as_of: datetime.date, chunk_size: int = CHUNK_SIZE, rescore: bool = False
) -> ScoringRun:
    """The ledger of `as_of`: created with its chunks the first time, reopened after a failure,
    and laid out anew with the current weights when `rescore` is asked."""
    run, created = ScoringRun.objects.select_for_update().get_or_create(
        as_of=as_of,
        defaults={"status": ScoringRun.Status.RUNNING, "chunk_size": chunk_size},
    )
    if created or rescore:
        run.chunks.all().delete()
        run.chunk_size = chunk_size
        run.weights = ScoringWeights.load().as_dict()
        run.started_at = timezone.now()
        run.finished_at = None
        run.accounts_scored = 0
        ScoringChunk.objects.bulk_create(
            ScoringChunk(run=run, lo=lo, hi=hi) for lo, hi in chunk_ranges(chunk_size=chunk_size)
        )
    elif run.status == ScoringRun.Status.DONE:
        return run
    run.status = ScoringRun.Status.RUNNING
    run.error = ""
    run.save()
    return run


def scoring_chunk_execute(*, as_of: datetime.date, lo: int, hi: int) -> int | None:
    """Score, write and mark done the chunk lo..hi of `as_of`; None when it is already done or
    another worker holds it."""
    with transaction.atomic():
        chunk = ScoringChunk.claim(run__as_of=as_of, lo=lo, hi=hi)
        if chunk is None:
            return None
        started = time.perf_counter()
        weights = ScoringWeights(**chunk.run.weights)
        frame = loyalty_scores_compute(lo=lo, hi=hi, as_of=as_of, weights=weights)
        chunk.accounts_scored = loyalty_scores_write(frame=frame, as_of=as_of, lo=lo, hi=hi)
        chunk.finish(started=started, fields=("accounts_scored",))
    logger.info("scored %s accounts %s-%s in %.2fs", as_of, lo, hi, chunk.seconds)
    return chunk.accounts_scored


def scoring_run_execute(
    *,
    as_of: datetime.date,
    chunk_size: int = CHUNK_SIZE,
    rescore: bool = False,
    dispatch: bool = False,
) -> ScoringRun:
    """Score every account as of `as_of`, resuming whatever an earlier attempt left undone.

    With `dispatch`, the pending chunks go out as a Celery group so that every worker takes a
    share (not when tasks are eager: accounts.chunks.workers_take_chunks). The caller then
    works through the chunks too (accounts.chunks.chunks_work) and waits on the ledger, not
    on the group's results: it needs no result backend, it cannot deadlock a worker pool whose
    slots it occupies itself, and a chunk whose worker died is simply taken over once its
    lock is released.
    """
    run = scoring_run_prepare(as_of=as_of, chunk_size=chunk_size, rescore=rescore)
    try:
        pending = run.pending_ranges()
        if pending and dispatch and workers_take_chunks():
            from celery import group

            from accounts.tasks import score_chunk

            group(score_chunk.si(as_of.isoformat(), lo, hi) for lo, hi in pending).apply_async()
        chunks_work(
            pending=run.pending_ranges,
            execute=lambda lo, hi: scoring_chunk_execute(as_of=as_of, lo=lo, hi=hi),
        )
    except Exception as exc:
        ScoringRun.objects.filter(pk=run.pk).update(
            status=ScoringRun.Status.FAILED, error=repr(exc)
        )
        raise
    run.status = ScoringRun.Status.DONE
    run.finished_at = timezone.now()
    run.accounts_scored = run.chunks.aggregate(total=Sum("accounts_scored"))["total"] or 0
    run.save(update_fields=["status", "finished_at", "accounts_scored"])
    return run
