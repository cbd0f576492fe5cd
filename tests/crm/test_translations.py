"""Both catalogues are complete, compiled, and hold every string the code marks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "staticfiles", "node_modules", ".git"}


def catalogues(language):
    return sorted(
        p
        for p in ROOT.glob(f"**/locale/{language}/LC_MESSAGES/django.po")
        if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts)
    )


def test_there_are_japanese_and_english_catalogues():
    assert catalogues("ja")
    assert [p.parent.parent.parent for p in catalogues("ja")] == [
        p.parent.parent.parent for p in catalogues("en")
    ]


@pytest.mark.parametrize("po_path", catalogues("ja"), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_japanese_message_is_translated(po_path):
    catalogue = polib.pofile(str(po_path))

    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries() if not e.obsolete]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize(
    "po_path", catalogues("ja") + catalogues("en"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_compiled_catalogue_matches_its_source(po_path):
    source = {
        (e.msgctxt, e.msgid): e.msgstr_plural or e.msgstr
        for e in polib.pofile(str(po_path)).translated_entries()
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr_plural or e.msgstr
        for e in polib.mofile(str(po_path.with_suffix(".mo")))
        if e.msgid
    }

    assert compiled == source, "run `make messages` and commit the .mo files"


def test_no_marked_string_is_missing_from_the_catalogues(tmp_path):
    require(shutil.which("xgettext") is not None, "needs gettext (apt-get install gettext)")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP_DIRS, "static", "*.pyc"))
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "ja",
            "--no-obsolete",
            "--ignore",
            "tests/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )

    missing = {}
    for po_path in catalogues("ja"):
        committed = {e.msgid for e in polib.pofile(str(po_path))}
        fresh = {e.msgid for e in polib.pofile(str(copy / po_path.relative_to(ROOT)))}
        if fresh - committed:
            missing[str(po_path.relative_to(ROOT))] = sorted(fresh - committed)

    assert missing == {}, "run `make messages`, translate, and commit"
