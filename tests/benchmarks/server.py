"""gunicorn serving the app on loopback with production settings, and a logged-in client.

Production settings: DEBUG off, a SECRET_KEY, ALLOWED_HOSTS, compressed manifest static files
(collectstatic first), persistent connections (CONN_MAX_AGE 60); only the HTTPS redirect is
off, as there is no TLS on 127.0.0.1. The API throttle is raised (API_USER_RATE) because the
benchmark and the load test send more than a person would: rate limiting is not what they
measure. Every address is 127.0.0.1; every loop is bounded in count and time.
"""

import contextlib
import re
import socket
import subprocess
import time

import requests

from .database import PYTHON, ROOT, django_env

DEMO_PASSWORD = "demo-pass-2026"  # crm/demo/users.py
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def collectstatic(url: str) -> None:
    """The manifest the production static storage needs. Collecting hashes and compresses
    every file again (minutes on a busy machine), so it is skipped while the manifest is newer
    than everything in static/ and the installed packages."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if manifest.exists():
        newest = max(
            path.stat().st_mtime
            for folder in (ROOT / "static", ROOT / "pyproject.toml")
            for path in ([folder] if folder.is_file() else folder.rglob("*"))
        )
        if manifest.stat().st_mtime > newest:
            return
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=django_env(url),
        check=True,
    )


@contextlib.contextmanager
def gunicorn(url: str, *, workers: int = 3, timeout: int = 60, broker: str | None = None):
    """Yield the base URL of gunicorn serving crm.wsgi on the bench database; stop it after.

    With `broker` (a Redis URL) the workers share the cache beside it, as in production: the
    one the night's warm-up filled when the chain ran beside its workers on that broker."""
    extra = {"CELERY_BROKER_URL": broker} if broker else {}
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "crm.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=django_env(url, API_USER_RATE="1000000/minute", **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {server.stderr.read()[-3000:]}")
            try:
                # an API list answers 401 without a template: ready also before collectstatic,
                # when every page is a 500 (the smoke test times API lists only)
                if requests.get(f"{base}/api/v1/accounts/", timeout=30).status_code == 401:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if match is None:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def logged_in(base: str, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
    """A session logged in through the login form, as a browser would."""
    session = requests.Session()
    page = session.get(f"{base}/users/login/", timeout=30)
    answer = session.post(
        f"{base}/users/login/",
        data={
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        headers={"Referer": f"{base}/users/login/"},
        timeout=60,
        allow_redirects=False,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login as {email} failed: {answer.status_code}")
    return session
