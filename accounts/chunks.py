"""The nightly steps' chunks: account-id ranges, and working through them in one process.

The score step (accounts.scoring.run) and the offers step (opportunities.offers.run) each
keep a ledger of their chunks (accounts.ledgers), claim one by locking its row and send the
pending ones to the Celery workers. What they share is here: how the accounts are cut into
ranges, and how the step's own process works through what is pending, NIGHTLY_THREADS
chunks at once, until the ledger says every chunk is done (some by workers meanwhile).
"""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from celery import current_app
from django.conf import settings
from django.db import connection

from .models import Account

POLL_SECONDS = 0.5

Chunk = tuple[int, int]


def chunk_ranges(*, chunk_size: int) -> list[Chunk]:
    """Account-id ranges of `chunk_size` accounts each (sparse ids still balance)."""
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    return [
        (ids[start], ids[min(start + chunk_size, len(ids)) - 1])
        for start in range(0, len(ids), chunk_size)
    ]


def workers_take_chunks() -> bool:
    """Whether chunks sent as a Celery group go to workers: eager tasks would run them one
    after the other in the sending process, where its threads do better."""
    return not current_app.conf.task_always_eager


def chunk_in_thread(execute: Callable[[int, int], object], chunk: Chunk) -> None:
    try:
        execute(*chunk)
    finally:
        connection.close()  # the thread's own; nobody else would close it


def chunks_work(
    *, pending: Callable[[], list[Chunk]], execute: Callable[[int, int], object]
) -> None:
    """Call `execute(lo, hi)` for the chunks `pending()` lists until it lists none, waiting
    for the ones workers hold. On PostgreSQL NIGHTLY_THREADS chunks run at once, each in a
    thread with its own connection: a chunk spends about half its time waiting on the
    database, so a second thread keeps the other core busy meanwhile."""
    threads = settings.NIGHTLY_THREADS if connection.vendor == "postgresql" else 1
    while chunks := pending():
        if threads > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(lambda chunk: chunk_in_thread(execute, chunk), chunks))
        else:
            for lo, hi in chunks:
                execute(lo, hi)
        if pending():
            time.sleep(POLL_SECONDS)  # the rest are being worked on by workers right now
