"""The digital passport: read back with pypdf, as the resident would read it."""

from __future__ import annotations

import gettext
import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from mediator_app.domain.skills import LEVEL_RANK, SKILL_LEVELS, Framework, SkillGoal
from mediator_app.paths import resources_dir
from mediator_app.reports import passport as passport_module
from mediator_app.reports.fonts import BOLD, REGULAR
from mediator_app.reports.passport import (
    BODY_FONT_SIZES,
    MIN_BODY_FONT_SIZE,
    Passport,
    PassportSkill,
    filled_boxes,
    passport_from_progress,
    styles,
    write_passport,
)
from mediator_app.store.skills import Progress


@pytest.fixture(scope="module")
def framework() -> Framework:
    return Framework.load(resources_dir() / "frameworks" / "passerelle-beginner-1.0.json")


def _progress(framework: Framework, now: dict[str, str]) -> Progress:
    return Progress(
        framework=framework,
        first={},
        now=now,
        first_scores={},
        now_scores={},
        gained=[],
        assessments=2,
        observed={},
    )


def _goal(framework: Framework, item_id: str, achieved_on: str | None = None) -> SkillGoal:
    return SkillGoal(
        "resident-1", framework.name, framework.version, item_id, "2027-03-01", achieved_on
    )


def _passport(framework: Framework, language: str = "fr", **changes) -> Passport:
    """Two achieved, three in progress (one per level below autonomous), two open goals
    and one achieved goal."""
    ids = [item.id for item in framework.items]
    now = {
        ids[0]: "autonomous",
        ids[1]: "autonomous",
        ids[2]: "not_yet",
        ids[3]: "with_guidance",
        ids[4]: "with_help",
    }
    goals = [
        _goal(framework, ids[10]),
        _goal(framework, ids[11]),
        _goal(framework, ids[12], achieved_on="2026-10-01"),
    ]
    values = {
        "first_name": "Hélène",
        "centre": "Centre social AAGESC",
        "language": language,
        "goals": goals,
        "first_assessed_on": date(2026, 3, 2),
        "last_assessed_on": date(2026, 11, 18),
        "encouragement": "Bravo pour tout ce chemin parcouru",
        "mediator_first_name": "Camille",
    }
    values.update(changes)
    return passport_from_progress(_progress(framework, now), **values)


def _write(passport: Passport) -> tuple[int, str, PdfReader]:
    buffer = io.BytesIO()
    pages = write_passport(passport, buffer)
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    return pages, "\n".join(page.extract_text() for page in reader.pages), reader


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_progress_splits_into_achieved_in_progress_and_open_goals(framework):
    items = framework.items
    passport = _passport(framework)
    assert [skill.label for skill in passport.achieved] == [
        items[0].label("fr"),
        items[1].label("fr"),
    ]
    assert [skill.level for skill in passport.in_progress] == [
        "not_yet",
        "with_guidance",
        "with_help",
    ]
    assert passport.next_steps == (items[10].label("fr"), items[11].label("fr"))


def test_a_goal_the_framework_no_longer_has_is_left_out(framework):
    goals = [_goal(framework, "retired.item"), _goal(framework, framework.items[5].id)]
    passport = _passport(framework, goals=goals)
    assert passport.next_steps == (framework.items[5].label("fr"),)


def test_first_name_only_never_the_last_name(framework):
    resident = {"first_name": "Hélène", "last_name": "D'Aubigné"}
    passport = _passport(framework, first_name=resident["first_name"])
    _, text, reader = _write(passport)
    assert "Hélène" in text
    assert "Aubigné" not in text
    assert "Aubigné" not in str(reader.metadata)


def test_sections_and_their_skills_are_printed(framework):
    items = framework.items
    _, text, _ = _write(_passport(framework, language="en"))
    flat = _flat(text)
    for heading in ("What I can do on my own", "What I am learning", "My next steps"):
        assert heading in flat
    for item in (items[0], items[2], items[4], items[10], items[11]):
        assert item.label("en") in flat
    assert items[12].label("en") not in flat, "an achieved goal is no next step"
    assert "✔" in text
    assert "Centre social AAGESC" in flat
    assert "From 2 March 2026 to 18 November 2026" in flat
    assert "Bravo pour tout ce chemin parcouru" in flat
    assert "Camille" in flat


def test_levels_are_written_in_words_in_the_passport_language(framework):
    _, text, _ = _write(_passport(framework, language="fr"))
    flat = _flat(text)
    assert "Pas encore" in flat
    assert "Avec de l'aide si besoin" in flat
    assert "2 mars 2026" in flat and "18 novembre 2026" in flat


def test_titles_follow_the_passport_language(framework, monkeypatch):
    """The title is looked up in the passport's catalogue (a stand-in French one here,
    so that the test does not wait for the translators)."""
    french = {
        "My digital passport": "Mon passeport numérique",
        "What I can do on my own": "Ce que je sais faire seul",
    }

    class Catalogue(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return french.get(message, message)

    real = passport_module.translations_for
    monkeypatch.setattr(
        passport_module,
        "translations_for",
        lambda language: Catalogue() if language == "fr" else real(language),
    )
    _, french_text, _ = _write(_passport(framework, language="fr"))
    _, english_text, _ = _write(_passport(framework, language="en"))
    assert "Mon passeport numérique" in french_text
    assert "Ce que je sais faire seul" in _flat(french_text)
    assert "My digital passport" not in french_text
    assert "My digital passport" in english_text
    assert "Mon passeport numérique" not in english_text


def test_a_whole_framework_in_progress_fits_two_pages(framework):
    now = {item.id: "with_guidance" for item in framework.items}
    assert len(now) == 34
    goals = [_goal(framework, item.id) for item in framework.items[:3]]
    passport = passport_from_progress(
        _progress(framework, now),
        first_name="Hélène",
        centre="Centre social AAGESC",
        language="fr",
        goals=goals,
        first_assessed_on=date(2026, 3, 2),
        last_assessed_on=date(2026, 11, 18),
        encouragement="Tu as fait un chemin formidable depuis le printemps : continue comme "
        "ça, tu peux maintenant aider tes voisins à faire leurs démarches en ligne !",
        mediator_first_name="Camille",
    )
    pages, text, reader = _write(passport)
    assert pages == len(reader.pages) <= 2
    assert "1 / 2" in reader.pages[0].extract_text()
    assert "Hélène" in reader.pages[1].extract_text(), "later pages say whose they are"
    flat = _flat(text)
    for item in framework.items:
        assert item.label("fr") in flat


def test_a_short_passport_is_one_page_without_page_number(framework):
    pages, text, _ = _write(_passport(framework, encouragement=""))
    assert pages == 1
    assert "1 / 1" not in text


def test_write_to_a_path(framework, tmp_path):
    path = tmp_path / "passport.pdf"
    assert write_passport(_passport(framework), path) == len(PdfReader(path).pages)


def test_only_embedded_dejavu_fonts_are_used(framework):
    _, _, reader = _write(_passport(framework))
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert "DejaVu" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_the_style_sheet_never_goes_below_12_pt():
    assert MIN_BODY_FONT_SIZE >= 12
    for body_size in BODY_FONT_SIZES:
        sheet = styles(body_size)
        assert sheet["body"].fontSize >= 12
        assert all(style.fontSize >= 12 for style in sheet.values())
        assert sheet["heading"].fontSize >= 20
        assert sheet["title"].fontSize >= 20
        assert sheet["body"].fontName == REGULAR
        assert sheet["heading"].fontName == BOLD


def test_printed_text_is_at_least_12_pt(framework):
    """Every font size set in the page content, but the page number's."""
    _, _, reader = _write(_passport(framework))
    sizes: list[float] = []

    def visit(operator, operands, cm, tm):
        if operator == b"Tf":
            sizes.append(float(operands[1]))

    reader.pages[0].extract_text(visitor_operand_before=visit)
    assert sizes
    assert min(sizes) >= 12


@pytest.mark.parametrize("level", SKILL_LEVELS.codes)
def test_the_level_bar_fills_one_box_per_step(level):
    assert filled_boxes(level) == LEVEL_RANK[level] + 1
    assert 1 <= filled_boxes(level) <= len(SKILL_LEVELS)


def test_a_passport_built_by_hand_prints(tmp_path):
    passport = Passport(
        first_name="Karim",
        centre="Biblioteca",
        language="es",
        first_assessed_on=None,
        last_assessed_on=date(2026, 5, 4),
        achieved=(PassportSkill("Encender el móvil", "autonomous"),),
        in_progress=(),
        next_steps=(),
    )
    pages, text, _ = _write(passport)
    assert pages == 1
    assert "Karim" in text and "Encender el móvil" in _flat(text)
    assert "4 de mayo de 2026" in _flat(text)


def test_the_module_draws_nothing_with_qt():
    source = Path(passport_module.__file__).read_text(encoding="utf-8")
    assert "PySide6" not in source
