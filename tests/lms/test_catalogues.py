"""Every interface string in the code is translated into Kazakh and Russian.

``makemessages`` collects the strings from a copy of the project, as a translator
would, and each one must come out of Django's translation in kk and ru different
from the English (the compiled catalogues of ``make messages``; a string may be
translated in either the project's or an app's catalogue)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.utils import translation

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Words that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"PDF", "Mux", "E-mail"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> list[polib.POEntry]:
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext is required: xgettext not found")
    copy = tmp_path_factory.mktemp("catalogues") / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "var",
            "media",
            "staticfiles",
            "__pycache__",
            "*_cache",
            "*.mo",
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "kk", "-l", "ru"]
        + ["--ignore=.venv", "--ignore=bench", "--no-obsolete", "--verbosity=0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
    )
    entries = {}
    for path in copy.glob("**/locale/kk/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            entries[(entry.msgctxt, entry.msgid)] = entry
    return list(entries.values())


def shown(entry: polib.POEntry, language: str) -> str:
    with translation.override(language):
        if entry.msgid_plural:
            return translation.ngettext(entry.msgid, entry.msgid_plural, 5)
        if entry.msgctxt:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)


def test_the_code_has_strings_to_translate(collected):
    assert len(collected) > 500


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_string_in_the_code_is_translated(collected, language):
    untranslated = [
        entry.msgid
        for entry in collected
        if entry.msgid not in SAME_IN_EVERY_LANGUAGE
        and shown(entry, language) in (entry.msgid, entry.msgid_plural)
    ]
    assert untranslated == []
