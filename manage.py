#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    # manage.py is the developer's tool: with nothing set it runs in development mode, like
    # `make run`. The servers (gunicorn crm.wsgi, celery -A crm) keep DEBUG off by default;
    # in production set DEBUG=0 for management commands too.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
