"""The project package: settings, URLs, the Celery app, role home pages and the users app."""

from .celery import app as celery_app

__all__ = ["celery_app"]
