"""The information texts: versions, the language shown, the centre named, broken files
refused."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest

from mediator_app.domain.consent import (
    CONSENT_FOLDER_NAME,
    CONSENT_LANGUAGES,
    FORM_FIELDS,
    UNNAMED_CENTRE,
    ConsentTextError,
    ConsentTexts,
    ConsentTextVersion,
    load_consent_texts,
)
from mediator_app.domain.resident import CONSENT_TEXT_VERSION
from mediator_app.paths import resources_dir

FOLDER = resources_dir() / CONSENT_FOLDER_NAME
SHIPPED = json.loads((FOLDER / "2026-1.json").read_text(encoding="utf-8"))


def _version(version: str, effective: str, **changes) -> dict:
    data = copy.deepcopy(SHIPPED)
    data["version"], data["effective"] = version, effective
    data.update(changes)
    return data


def _write(folder: Path, *versions: dict) -> Path:
    folder.mkdir(exist_ok=True)
    for data in versions:
        (folder / f"{data['version']}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


# The shipped texts ----------------------------------------------------------------------


def test_the_shipped_texts_load_in_every_language():
    texts = load_consent_texts(FOLDER)
    assert texts.ids[0] == "2026-1"
    for version in texts.versions:
        assert set(CONSENT_LANGUAGES) <= set(version.languages)
        assert version.version == Path(FOLDER / f"{version.version}.json").stem


def test_the_recorded_default_version_is_a_shipped_one():
    """Imports record ``CONSENT_TEXT_VERSION``: it must be a text the centre can show."""
    assert CONSENT_TEXT_VERSION in load_consent_texts(FOLDER)


@pytest.mark.parametrize("language", CONSENT_LANGUAGES)
def test_each_text_says_what_the_reference_requires(language):
    text = load_consent_texts(FOLDER).text("2026-1", language, "Centre social Les Tilleuls")
    body = text.plain_text()
    assert "Centre social Les Tilleuls" in body
    assert "{" not in body
    assert "24" in body  # months kept after the last contact
    assert "Erasmus+" in body
    # Passwords are never recorded: the word is there in every language.
    password = {"fr": "mots de passe", "en": "password", "es": "contraseña",
                "it": "password", "pt": "palavras-passe"}[language]  # fmt: skip
    assert password in body.casefold()
    assert len(text.sections) >= 6
    for name in FORM_FIELDS:
        assert getattr(text.form, name)


@pytest.mark.parametrize("language", CONSENT_LANGUAGES)
def test_sentences_stay_short_for_readers_with_low_literacy(language):
    text = load_consent_texts(FOLDER).text("2026-1", language, "Centre")
    sentences = [
        sentence
        for section in text.sections
        for sentence in re.split(r"(?<=[.!?])\s+", section.text)
    ]
    longest = max(len(sentence.split()) for sentence in sentences)
    assert longest <= 32, longest


# Versions and languages -----------------------------------------------------------------


def test_the_current_version_is_the_latest_in_force(tmp_path):
    texts = ConsentTexts.from_folder(
        _write(
            tmp_path / "consent",
            _version("2026-1", "2026-01-01"),
            _version("2027-1", "2027-03-01"),
            _version("2026-2", "2026-06-15"),
        )
    )
    assert texts.ids == ("2026-1", "2026-2", "2027-1")
    assert texts.current(date(2026, 6, 14)).version == "2026-1"
    assert texts.current(date(2026, 6, 15)).version == "2026-2"
    assert texts.current(date(2030, 1, 1)).version == "2027-1"
    # Before any is in force, the first one is shown rather than none.
    assert texts.current(date(2025, 1, 1)).version == "2026-1"


def test_an_old_version_stays_readable_after_a_new_one(tmp_path):
    old = _version("2026-1", "2026-01-01")
    new = _version("2027-1", "2027-01-01")
    new["texts"]["fr"]["title"] = "Nouveau titre"
    texts = ConsentTexts.from_folder(_write(tmp_path / "consent", old, new))
    assert texts.text("2026-1", "fr").title == SHIPPED["texts"]["fr"]["title"]
    assert texts.text("2027-1", "fr").title == "Nouveau titre"
    with pytest.raises(KeyError):
        texts.get("1999-1")


def test_a_language_without_a_text_falls_back_to_french_then_english():
    version = load_consent_texts(FOLDER).get("2026-1")
    assert version.text("pt").language == "pt"
    assert version.text("de").language == "fr"
    # A shipped version has the five languages; the order of the fallback, on its own:
    english_only = ConsentTextVersion(
        "x-1", date(2026, 1, 1), {"en": version.texts["en"], "de": version.texts["fr"]}
    )
    assert english_only.language_for("pt") == "en"
    assert english_only.language_for("de") == "de"


def test_the_centre_is_named_or_left_as_a_line_to_fill():
    version = load_consent_texts(FOLDER).get("2026-1")
    named = version.text("en", "  Centre   Les Tilleuls ")
    assert "Responsible for your information: Centre Les Tilleuls." in named.plain_text()
    unnamed = version.text("en", "")
    assert UNNAMED_CENTRE in unnamed.plain_text()
    assert "{centre}" not in unnamed.plain_text()


def test_the_form_fills_its_version_and_pages():
    form = load_consent_texts(FOLDER).text("2026-1", "pt").form
    assert form.version_line("2026-1") == "Texto informativo, versão 2026-1"
    assert form.page_line(2, 3) == "página 2 / 3"


# Broken files are refused -----------------------------------------------------------------


def _refused(tmp_path: Path, data: dict) -> str:
    with pytest.raises(ConsentTextError) as raised:
        ConsentTexts.from_folder(_write(tmp_path / "consent", data))
    return str(raised.value)


def test_a_version_missing_a_language_is_refused(tmp_path):
    data = _version("2026-9", "2026-01-01")
    del data["texts"]["it"]
    assert "it" in _refused(tmp_path, data)


def test_a_text_that_never_names_the_centre_is_refused(tmp_path):
    data = _version("2026-9", "2026-01-01")
    for section in data["texts"]["es"]["sections"]:
        section["text"] = section["text"].replace("{centre}", "el centro")
    assert "{centre}" in _refused(tmp_path, data)


def test_an_unknown_placeholder_is_refused(tmp_path):
    data = _version("2026-9", "2026-01-01")
    data["texts"]["fr"]["sections"][0]["text"] += " {centr}"
    assert "placeholder" in _refused(tmp_path, data)


def test_a_form_without_its_version_placeholder_is_refused(tmp_path):
    data = _version("2026-9", "2026-01-01")
    data["texts"]["pt"]["form"]["version"] = "Texto informativo"
    assert "form version" in _refused(tmp_path, data)


def test_an_empty_section_is_refused(tmp_path):
    data = _version("2026-9", "2026-01-01")
    data["texts"]["en"]["sections"][1]["heading"] = "  "
    assert "empty" in _refused(tmp_path, data)


def test_two_files_with_one_version_are_refused(tmp_path):
    folder = _write(tmp_path / "consent", _version("2026-1", "2026-01-01"))
    (folder / "copy.json").write_text(json.dumps(_version("2026-1", "2026-02-01")))
    with pytest.raises(ConsentTextError, match="twice"):
        ConsentTexts.from_folder(folder)


def test_a_folder_without_texts_is_refused(tmp_path):
    with pytest.raises(ConsentTextError):
        ConsentTexts.from_folder(tmp_path)


def test_a_file_that_is_not_json_names_itself(tmp_path):
    folder = tmp_path / "consent"
    folder.mkdir()
    (folder / "2026-1.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ConsentTextError, match=r"2026-1\.json"):
        ConsentTexts.from_folder(folder)
