"""Settings resolve from the environment: embedded by default, services when configured."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, 'lang': s.LANGUAGE_CODE, "
    "'tz': s.TIME_ZONE, 'hosts': s.ALLOWED_HOSTS, 'cache': s.CACHES['default']}))"
)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p8#vQz!4mR2^kLw9@Xe7&Ty1$Nh6*Uj3%Bc5(Gd0)Fs_Ka+Ol-Zi=Yx~Wq",
    "ALLOWED_HOSTS": "crm.example.co.jp",
    "DATABASE_URL": "postgres://crm:secret@db.internal:5432/crm",
    "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
}


def run_django(code_or_args, env_extra):
    """Run Python under crm.settings with only the given variables set (no .env, no DEBUG)."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "crm.settings", **env_extra}
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def resolved(env_extra):
    result = run_django(PROBE, env_extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_it_runs_embedded():
    values = resolved({"DEBUG": "1"})

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["eager"] is True
    assert (values["lang"], values["tz"]) == ("ja", "Asia/Tokyo")
    assert values["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_services_set_it_uses_postgresql_and_a_real_broker():
    values = resolved(PRODUCTION)

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.internal:6379/0"
    assert values["debug"] is False
    assert values["hosts"] == ["crm.example.co.jp"]
    # the reports' daily figures are shared by every web worker through the broker's Redis,
    # in a database of their own: clearing the cache must not drop the queued tasks
    assert values["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache"]["LOCATION"] == "redis://cache.internal:6379/1"


def test_the_cache_takes_the_database_after_the_brokers():
    values = resolved({**PRODUCTION, "CELERY_BROKER_URL": "redis://:pw@cache.internal:6380/15"})

    assert values["cache"]["LOCATION"] == "redis://:pw@cache.internal:6380/0"


def test_a_cache_url_wins_over_the_broker():
    values = resolved({**PRODUCTION, "CACHE_URL": "redis://cache.internal:6379/5"})

    assert values["cache"]["LOCATION"] == "redis://cache.internal:6379/5"


def test_without_debug_a_secret_key_is_required():
    result = run_django(PROBE, {})

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_check_deploy_is_silent_with_production_variables():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sessions_last_at_most_twelve_hours():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("users:login"))

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    # A nonce is added only for a page that has a script needing one; this one has none.
    assert directives["script-src"].split()[0] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_static_assets_are_served_locally_not_from_a_cdn(client):
    html = client.get(reverse("users:login")).content.decode()

    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
