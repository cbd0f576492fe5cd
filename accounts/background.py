"""Background work that survives its infrastructure: the broker down, the database restarting.

Every page, API view or command that hands work to the Celery workers does it with
`enqueue()`: a broker that cannot be reached then costs the user a clear message, not a 500
or a page hanging for minutes (the publish timeouts are in settings, CELERY_BROKER_*). Tasks
that write in the database take `RETRY_ON_DATABASE_LOSS`, so that a restart of PostgreSQL
during a run costs a retry, not the run.
"""

import logging

from celery import Task
from celery.result import AsyncResult
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

# A connection lost or refused (a restart, a failover) raises these; a constraint or a bug
# raises others, which retrying would only repeat.
DATABASE_LOSS = (OperationalError, InterfaceError)

# Measured with tests/faults/test_database_restart.py: `pg_ctl restart -m fast` of a small
# cluster is back within ~1 s; a failover or a restart after a crash takes up to a minute or
# two. The waits double from 5 s up to 2 min, six retries: ~5 minutes before a run gives up.
RETRY_ON_DATABASE_LOSS = {
    "autoretry_for": DATABASE_LOSS,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": False,
    "max_retries": 6,
}


# What a user is told when their work could not be handed to the workers.
NOT_QUEUED = _(
    "The background service is unavailable, so this could not be started. Nothing was "
    "changed; please try again in a few minutes. Administrators were told."
)


def enqueue(task: Task, *args, **kwargs) -> AsyncResult | None:
    """Send `task` to the workers; None (and logged) when the broker cannot take it.

    The caller decides what the user is told (NOT_QUEUED) and what becomes of the work that
    was to run. Run in-process when tasks are eager (the embedded default).
    """
    try:
        return task.apply_async(args=args, kwargs=kwargs)
    except BrokerUnavailable:
        logger.exception("could not queue %s: the broker is unavailable", task.name)
        return None
