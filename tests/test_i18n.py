"""Catalogues are complete and consistent; messages go through gettext properly;
formats follow the language."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from mediator_app import i18n
from mediator_app.paths import catalogue_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)")
CATALOGUES = sorted(catalogue_dir().glob("*/LC_MESSAGES/passerelle.po"))
TRANSLATED_LANGUAGES = sorted(set(i18n.LANGUAGES) - {i18n.SOURCE_LANGUAGE})


def _read(path: Path):
    with path.open("rb") as stream:
        return read_po(stream)


def test_every_offered_language_has_a_catalogue():
    found = {path.parent.parent.name for path in CATALOGUES}
    assert set(TRANSLATED_LANGUAGES) <= found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_catalogue_is_complete_without_fuzzy_entries(path):
    catalog = _read(path)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_catalogue_placeholders_match_their_message_ids(path):
    mismatched = []
    for message in _read(path):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != expected:
                mismatched.append((ids[0], string))
    assert mismatched == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_catalogue_covers_the_template(path):
    template = {message.id for message in _read(catalogue_dir() / "passerelle.pot")}
    translated = {message.id for message in _read(path)}
    assert template - translated == set()


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_catalogue_passes_msgfmt_check(path):
    assert shutil.which("msgfmt"), "GNU gettext's msgfmt is needed: apt-get install gettext"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_template_is_up_to_date_with_the_code(tmp_path):
    """Every message in the code is in the template, so catalogues cannot miss one."""
    fresh = tmp_path / "fresh.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel) if pybabel.exists() else "pybabel",
            "extract", "-F", "pyproject.toml", "-k", "N_", "-k", "ngettext:1,2",
            "-k", "pgettext:1c,2", "-o", str(fresh), ".",
        ],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    in_code = {message.id for message in _read(fresh) if message.id}
    in_template = {message.id for message in _read(catalogue_dir() / "passerelle.pot")}
    assert in_code - in_template == set()


def _is_formatted(node: ast.expr) -> bool:
    """An f-string, a ``%`` or ``+`` expression, or a ``.format()`` call."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def test_no_translation_of_a_formatted_string():
    """``_(f"...")`` or ``_("..." % x)`` cannot be looked up in a catalogue: the message
    is translated first, then formatted."""
    translated_arguments = {"_": 1, "N_": 1, "pgettext": 2, "ngettext": 2}
    offenders = []
    for path in (PROJECT_ROOT / "mediator_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            count = translated_arguments.get(node.func.id, 0)
            if any(_is_formatted(arg) for arg in node.args[:count]):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_french_is_used_once_chosen():
    assert i18n.set_language("fr") == "fr"
    assert i18n._("Anonymous visit") == "Passage anonyme"
    assert i18n.format_date(date(2026, 11, 29)) == "29 nov. 2026"
    assert i18n.format_number(1234.5) == "1\u202f234,5"


def test_unknown_language_falls_back_to_english():
    assert i18n.set_language("xx") == "en"
    assert i18n._("Anonymous visit") == "Anonymous visit"
    assert i18n.format_date(date(2026, 11, 29)) == "29 Nov 2026"


@pytest.mark.parametrize(
    ("minutes", "english"), [(15, "15 min"), (60, "1 h"), (90, "1 h 30"), (125, "2 h 05")]
)
def test_durations_read_naturally(minutes, english):
    assert i18n.format_duration(minutes) == english
