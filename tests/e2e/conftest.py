"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Browsers are never downloaded: the build machines cannot. Locally the suite skips with a
message when Chromium is missing; with CI set it fails instead.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import require

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with a loop unless told that this is deliberate. The live server is a real thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")

# Reports CSP violations to the console even where Chromium would only count them.
REPORT_CSP = """
document.addEventListener('securitypolicyviolation', (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(CHROMIUM.exists(), "Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(page):
    """Playwright's page, failing the test on any JavaScript error or CSP violation."""
    problems = []
    page.add_init_script(REPORT_CSP)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.set_default_timeout(10_000)
    yield page
    assert problems == []
