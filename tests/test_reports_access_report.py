"""The right of access in a real database: everything held about one resident (and the
file merged into theirs), nothing about anyone else, as JSON and as a PDF they read."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from mediator_app.app import main
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.skills import SkillAssessment, SkillGoal
from mediator_app.domain.workshop import Workshop, WorkshopOccurrence
from mediator_app.i18n import format_date
from mediator_app.reports.access_report import (
    FORMAT,
    access_data,
    document_language,
    write_access_json,
    write_access_pdf,
)
from mediator_app.store import NotFoundError
from mediator_app.store.mediators import add_mediator

CONSENT = {
    "consent_date": "2026-01-05",
    "consent_version": "2026-1",
    "consent_language": "fr",
    "consent_collected_by": "Nadia Belkacem",
}
SESSION_DAYS = ("2026-02-03", "2026-03-17", "2026-01-20")
LONG_NOTE = (
    "Helped to renew the housing benefit claim on the CAF site; the account was locked "
    "after three wrong passwords, so we reset it together and wrote the steps on paper. "
) * 4


def _session(resident_id: str, day: str, **values) -> SupportSession:
    return SupportSession(date=day, resident_id=resident_id, **values)


@pytest.fixture
def centre(store):
    """Hélène, whose duplicate file (with a session and a workshop place) was merged into
    hers, with sessions, a late arrival at a workshop, an assessment and a goal; and
    Karim, another resident of the same workshop, whom her report must never show."""
    mediator = add_mediator(store, "Nadia Belkacem")
    store.configure_desk(
        name="Accueil", centre_name="Centre social Les Canourgues", country="FR",
        language="fr", mediator_id=mediator.id,
    )  # fmt: skip
    helene = store.residents.create(
        Resident(
            first_name="Hélène", last_name="D'Aubigné", birth_year=1951, gender="feminin",
            social_status="retraite", commune="Salon-de-Provence", postcode="13300",
            phone="06 12 34 56 78", language="fr", notes="Prefers mornings.", **CONSENT,
        )
    )  # fmt: skip
    duplicate = store.residents.create(
        Resident(first_name="Helene", last_name="Daubigne", email="helene@example.org",
                 **CONSENT)
    )  # fmt: skip
    karim = store.residents.create(
        Resident(first_name="Karim", last_name="Ben Saïd", language="fr", **CONSENT)
    )
    store.sessions.create(
        _session(helene.id, SESSION_DAYS[0], duration_min=45,
                 themes=("aide_aux_demarches_administratives", "email"),
                 admin_themes=("logement",), procedure="CAF – aide au logement",
                 autonomy="entierement_accompagne", notes=LONG_NOTE)
    )  # fmt: skip
    store.sessions.create(
        _session(helene.id, SESSION_DAYS[1], duration_min=90,
                 themes=("navigation_sur_internet",), device="tablette",
                 referred=True, referral_to="aide_sociale",
                 follow_up_needed=True, follow_up_date="2026-04-01")
    )  # fmt: skip
    store.sessions.create(
        _session(duplicate.id, SESSION_DAYS[2], themes=("securite_numerique",),
                 notes="Came with her daughter.")
    )  # fmt: skip
    store.sessions.create(
        _session(karim.id, "2026-02-03", themes=("email",), notes="Karim's own note.")
    )
    workshop = store.workshops.create_workshop(
        Workshop(title="Découvrir la tablette", themes=("prendre_en_main_du_materiel",))
    )
    first = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date="2026-03-10", place="FabLab")
    )
    second = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date="2026-03-24", place="FabLab")
    )
    for person in (helene, karim):
        store.workshops.register(first.id, person.id)
    store.workshops.set_attendance(first.id, helene.id, "late", "14:20")
    store.workshops.set_attendance(first.id, karim.id, "present")
    store.workshops.register(second.id, duplicate.id)
    framework = store.skills.current_framework()
    store.skills.record_assessment(
        SkillAssessment(helene.id, framework.name, framework.version, "2026-02-03",
                        {"messages.write_send_email": "autonomous",
                         "device.connect_wifi": "with_help"})
    )  # fmt: skip
    store.skills.record_assessment(
        SkillAssessment(karim.id, framework.name, framework.version, "2026-02-03",
                        {"internet.search_web": "not_yet"})
    )  # fmt: skip
    store.skills.add_goal(
        SkillGoal(helene.id, framework.name, framework.version, "messages.attach_document",
                  (date.today() + timedelta(days=60)).isoformat())
    )  # fmt: skip
    store.residents.merge(duplicate.id, helene.id)
    return store, helene, duplicate, karim


def _pdf_text(source) -> tuple[str, int]:
    reader = PdfReader(source)
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _flat(text: str) -> str:
    """Text extracted from a PDF with its line breaks and odd spaces made single spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


# The data ---------------------------------------------------------------------------------


def test_the_data_holds_every_record_of_the_resident_and_the_merged_file(centre):
    store, helene, duplicate, _karim = centre
    data = access_data(store, helene.id)

    assert data["format"] == FORMAT and data["format_version"] == 1
    assert datetime.fromisoformat(data["made_at"]).date() == date.today()
    assert data["centre"]["name"] == "Centre social Les Canourgues"
    assert data["resident"]["id"] == helene.id
    assert data["resident"]["email"] == "helene@example.org"  # filled in by the merge
    assert data["resident"]["consent_collected_by"] == "Nadia Belkacem"
    assert data["resident"]["consent_version"] == "2026-1"
    assert [merged["id"] for merged in data["merged_records"]] == [duplicate.id]
    assert data["merged_records"][0]["merged_into"] == helene.id

    sessions = data["support_sessions"]
    assert [session["date"] for session in sessions] == sorted(SESSION_DAYS)
    assert {session["resident_id"] for session in sessions} == {helene.id}
    merged_session = sessions[0]
    assert merged_session["themes"] == ["securite_numerique"]
    assert merged_session["notes"] == "Came with her daughter."
    caf = sessions[1]
    assert caf["admin_themes"] == ["logement"]
    assert caf["procedure"] == "CAF – aide au logement"
    assert caf["autonomy"] == "entierement_accompagne"
    assert caf["duration_min"] == 45
    assert caf["mediator_name"] == "Nadia Belkacem"
    assert sessions[2]["referral_to"] == "aide_sociale"
    assert sessions[2]["follow_up_date"] == "2026-04-01"

    registrations = data["workshop_registrations"]
    assert len(registrations) == 2
    assert {r["workshop_title"] for r in registrations} == {"Découvrir la tablette"}
    late = registrations[0]
    assert (late["date"], late["status"], late["attendance"], late["arrival_time"]) == (
        "2026-03-10", "registered", "late", "14:20",
    )  # fmt: skip
    assert registrations[1]["date"] == "2026-03-24"  # the duplicate's place followed her

    (assessment,) = data["skill_assessments"]
    assert assessment["ratings"] == {
        "messages.write_send_email": "autonomous",
        "device.connect_wifi": "with_help",
    }
    (goal,) = data["skill_goals"]
    assert goal["item_id"] == "messages.attach_document" and goal["achieved_on"] is None
    (framework,) = data["frameworks"]
    assert set(framework["skills"]) == {
        "messages.write_send_email", "device.connect_wifi", "messages.attach_document",
    }  # fmt: skip


def test_the_merged_file_leads_to_the_same_report(centre):
    store, helene, duplicate, _karim = centre
    assert access_data(store, duplicate.id)["resident"]["id"] == helene.id


def test_the_history_says_when_and_where_each_record_was_written(centre):
    store, helene, duplicate, _karim = centre
    data = access_data(store, helene.id)
    history = data["history"]
    created = {(entry["record"], entry["record_id"]) for entry in history
               if entry["change"] == "created"}  # fmt: skip
    expected = {("resident", helene.id), ("resident", duplicate.id)}
    for table, key in (
        ("support_session", "support_sessions"),
        ("registration", "workshop_registrations"),
        ("skill_assessment", "skill_assessments"),
        ("skill_goal", "skill_goals"),
    ):
        expected |= {(table, record["id"]) for record in data[key]}
    assert expected <= created
    assert {entry["desk"] for entry in history} == {"Accueil"}
    assert [entry["at"] for entry in history] == sorted(entry["at"] for entry in history)
    merged = [entry for entry in history
              if entry["record_id"] == duplicate.id and entry["change"] == "changed"]  # fmt: skip
    assert merged and merged[-1]["fields"] == ["merged_into"]
    attendance = [entry for entry in history if entry["record"] == "registration"
                  and entry["change"] == "changed"]  # fmt: skip
    assert any("attendance" in entry["fields"] for entry in attendance)
    # Facts only: the change log's values never come along.
    assert "Prefers mornings" not in json.dumps(history)


def test_a_deleted_session_is_still_named_in_the_history(centre):
    store, helene, _duplicate, _karim = centre
    gone = store.sessions.create(_session(helene.id, "2026-05-05", themes=("email",)))
    store.sessions.delete(gone.id)
    data = access_data(store, helene.id)
    assert gone.id not in {session["id"] for session in data["support_sessions"]}
    changes = [entry["change"] for entry in data["history"] if entry["record_id"] == gone.id]
    assert changes == ["created", "deleted"]


def test_nothing_about_another_resident(centre, tmp_path):
    store, helene, _duplicate, karim = centre
    data = access_data(store, helene.id)
    text = json.dumps(data, ensure_ascii=False)
    for trace in ("Karim", "Ben Saïd", karim.id, "Karim's own note", "internet.search_web"):
        assert trace not in text
    pdf_text, _pages = _pdf_text(_write_pdf(data, tmp_path / "helene.pdf", "fr"))
    assert "Karim" not in pdf_text and "Ben Sa" not in pdf_text


def test_an_unknown_resident_is_refused(store):
    with pytest.raises(NotFoundError):
        access_data(store, "nobody")


def test_the_json_file_is_utf8_pretty_and_whole(centre, tmp_path):
    store, helene, _duplicate, _karim = centre
    data = access_data(store, helene.id)
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "helene.json"
    write_access_json(data, path)
    text = path.read_text(encoding="utf-8")
    assert "Hélène" in text and "\n  " in text
    assert json.loads(text) == data
    assert [child.name for child in folder.iterdir()] == ["helene.json"]  # no leftover
    # The file alone is enough to print the report again.
    assert write_access_pdf(json.loads(text), folder / "again.pdf", language="en") >= 1


# The PDF ----------------------------------------------------------------------------------


def _write_pdf(data, path: Path, language: str | None) -> Path:
    write_access_pdf(data, path, language=language)
    return path


def test_the_pdf_in_french_reads_as_the_resident_reads(centre, tmp_path):
    store, helene, duplicate, _karim = centre
    data = access_data(store, helene.id)
    text, pages = _pdf_text(_write_pdf(data, tmp_path / "fr.pdf", None))  # her language
    flat = _flat(text)
    assert "Hélène" in flat and "Aubigné" in flat
    for day in SESSION_DAYS:
        assert _flat(format_date(date.fromisoformat(day), "long", "fr")) in flat
    for theme in (
        "Aide aux démarches administratives",
        "Navigation sur internet",
        "Prévention en sécurité numérique",
        "Logement",
        "Retraité",
        "Femme",
    ):
        assert theme in flat, theme  # fmt: skip
    assert "Découvrir la tablette" in flat and "En retard" in flat
    assert "Autonome" in flat  # a skill level, in words
    assert "Centre social Les Canourgues" in flat
    assert "page 1 /" in flat and f"page {pages} / {pages}" in flat
    assert "aide_aux_demarches_administratives" not in flat  # labels, never codes
    assert duplicate.id not in flat  # one reference line, hers only
    assert flat.count(helene.id) == 1


def test_the_pdf_in_english_when_asked(centre, tmp_path):
    store, helene, _duplicate, _karim = centre
    data = access_data(store, helene.id)
    flat = _flat(_pdf_text(_write_pdf(data, tmp_path / "en.pdf", "en"))[0])
    assert "What the centre holds about you" in flat
    assert "3 February 2026" in flat and "17 March 2026" in flat
    assert "Help with online procedures" in flat and "Housing" in flat
    assert "page 1 /" in flat


def test_long_notes_wrap_and_many_sessions_split_across_pages(centre, tmp_path):
    store, helene, _duplicate, _karim = centre
    for day in range(1, 29):
        store.sessions.create(
            _session(helene.id, f"2026-06-{day:02d}", themes=("email",), notes=LONG_NOTE)
        )
    data = access_data(store, helene.id)
    text, pages = _pdf_text(_write_pdf(data, tmp_path / "long.pdf", "en"))
    flat = _flat(text)
    assert pages > 3
    assert f"page {pages} / {pages}" in flat
    assert flat.count("wrote the steps on paper") == 4 * 29


def test_the_document_language_follows_the_resident_then_the_desk(centre):
    store, helene, _duplicate, _karim = centre
    data = access_data(store, helene.id)
    assert document_language(data) == "fr"
    assert document_language(data, "pt") == "pt"
    data["resident"]["language"] = "ar"  # a language the document is not printed in
    data["centre"]["language"] = "es"
    assert document_language(data) == "es"


def test_the_pdf_embeds_only_dejavu_fonts(centre, tmp_path):
    store, helene, _duplicate, _karim = centre
    path = _write_pdf(access_data(store, helene.id), tmp_path / "fonts.pdf", "fr")
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(font.startswith("DejaVuSans") for font in fonts)


# The command line -------------------------------------------------------------------------


def _run(*arguments: str) -> int:
    return main(["--lang", "en", "access-report", *arguments])


def test_the_command_writes_json_and_pdf_by_the_file_ending(centre, db_path, tmp_path, capsys):
    _store, helene, _duplicate, _karim = centre
    json_path, pdf_path = tmp_path / "access.json", tmp_path / "access.pdf"
    assert _run("--db", str(db_path), "--resident", helene.id, "-o", str(json_path)) == 0
    assert _run("--db", str(db_path), "--resident", helene.id, "-o", str(pdf_path),
                "--lang", "en") == 0  # fmt: skip
    written = json.loads(json_path.read_text(encoding="utf-8"))
    assert written["resident"]["first_name"] == "Hélène"
    assert len(written["support_sessions"]) == 3
    assert "What the centre holds about you" in _flat(_pdf_text(pdf_path)[0])
    out = capsys.readouterr().out
    assert str(json_path) in out and str(pdf_path) in out


def test_the_format_option_wins_over_the_file_ending(centre, db_path, tmp_path):
    _store, helene, _duplicate, _karim = centre
    path = tmp_path / "access.txt"
    assert _run("--db", str(db_path), "--resident", helene.id, "-o", str(path),
                "--format", "json") == 0  # fmt: skip
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT


def test_a_file_name_without_a_known_ending_is_refused(centre, db_path, tmp_path, capsys):
    _store, helene, _duplicate, _karim = centre
    path = tmp_path / "access"
    assert _run("--db", str(db_path), "--resident", helene.id, "-o", str(path)) == 2
    assert "--format" in capsys.readouterr().err
    assert not path.exists()


def test_the_command_refuses_an_unknown_resident(store, db_path, tmp_path, capsys):
    path = tmp_path / "access.pdf"
    assert _run("--db", str(db_path), "--resident", "nobody", "-o", str(path)) == 2
    assert "No resident has the id nobody" in capsys.readouterr().err
    assert not path.exists()
