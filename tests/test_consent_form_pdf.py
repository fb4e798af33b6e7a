"""The printed consent form, read back: both languages side by side (one when they are
the same), the version on every page, the boxes and signature lines, long texts over
several pages."""

from __future__ import annotations

import copy
import io
from datetime import date

import pytest
from pypdf import PdfReader

from mediator_app.domain.consent import CONSENT_FOLDER_NAME, ConsentTextVersion, load_consent_texts
from mediator_app.paths import resources_dir
from mediator_app.reports.consent_form import ConsentForm, write_consent_form

VERSION = load_consent_texts(resources_dir() / CONSENT_FOLDER_NAME).get("2026-1")


def _pdf(form: ConsentForm) -> tuple[int, list[str], PdfReader]:
    buffer = io.BytesIO()
    pages = write_consent_form(form, buffer)
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    return pages, [page.extract_text() for page in reader.pages], reader


def _flat(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


def test_the_residents_language_is_printed_beside_the_centres():
    form = ConsentForm(VERSION, "pt", "fr", centre_name="Centre social Les Canourgues")
    pages, texts, _reader = _pdf(form)
    whole = _flat(texts)
    assert pages == len(texts) >= 1
    assert form.languages == ("pt", "fr")
    for language in ("pt", "fr"):
        text = VERSION.text(language, "Centre social Les Canourgues")
        assert text.title.split(":")[0] in whole
        assert text.sections[0].heading in whole
        assert text.form.agree.split(".")[0] in whole
        assert text.form.refuse.split(".")[0] in whole
    assert "Centre social Les Canourgues" in whole
    # Nothing of a third language.
    assert VERSION.text("es").sections[0].heading not in whole


def test_the_version_is_printed_on_every_page():
    _pages, texts, _reader = _pdf(ConsentForm(VERSION, "es", "fr"))
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        assert "versión 2026-1" in flat
        assert "version 2026-1" in flat
        assert f"página {number} / {len(texts)}" in flat


def test_one_column_when_both_read_the_same_text():
    form = ConsentForm(VERSION, "it", "it", centre_name="Centro Aurora")
    assert form.languages == ("it",)
    _pages, texts, _reader = _pdf(form)
    whole = _flat(texts)
    assert "Nome e cognome" in whole
    assert "Firma del facilitatore" in whole
    # Labels are not doubled as "a / a" when there is one language.
    assert "Data / Data" not in whole
    # A language without a text prints the French one, once, beside French.
    assert ConsentForm(VERSION, "de", "fr").languages == ("fr",)


def test_the_name_and_date_are_printed_or_left_blank():
    named = _flat(
        _pdf(ConsentForm(VERSION, "fr", "fr", resident_name="Thị Nguyễn",
                         mediator_name="Nadia Belkacem", day=date(2026, 11, 29)))[1]
    )  # fmt: skip
    assert "Thị Nguyễn" in named
    assert "29/11/2026" in named
    assert "Nadia Belkacem" in named
    blank = _flat(_pdf(ConsentForm(VERSION, "fr", "fr"))[1])
    assert "Nom et prénom" in blank
    assert "2026" not in blank.replace("2026-1", "")


def test_the_document_embeds_its_fonts_and_says_its_language():
    _pages, _texts, reader = _pdf(ConsentForm(VERSION, "pt", "fr", centre_name="Centre"))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in name for name in fonts)
    assert reader.trailer["/Root"]["/Lang"] == "pt"
    assert "2026-1" in reader.metadata.subject


def test_a_long_text_flows_over_pages():
    data = copy.deepcopy(_as_data(VERSION))
    for language in ("fr", "pt"):
        sections = data["texts"][language]["sections"]
        sections += [
            {"heading": f"Partie {number}", "text": f"Phrase {number}. " * 60}
            for number in range(1, 15)
        ]
    # And one section longer than a page on its own.
    data["texts"]["fr"]["sections"][-1]["text"] = "Une très longue phrase. " * 500
    long_version = ConsentTextVersion.from_data(data)
    pages, texts, _reader = _pdf(ConsentForm(long_version, "fr", "pt"))
    whole = _flat(texts)
    assert pages >= 4
    assert "Partie 14" in whole
    assert "Phrase 13." in whole
    # The form comes once, after the text.
    assert whole.count("Votre signature") == 1
    assert whole.rindex("Votre signature") > whole.rindex("Partie 14")


@pytest.mark.parametrize(("resident", "centre"), [("fr", "pt"), ("es", "fr"), ("it", "it")])
def test_the_form_fits_two_pages_with_the_shipped_text(resident, centre):
    pages, _texts, _reader = _pdf(
        ConsentForm(VERSION, resident, centre, centre_name="Centre social Les Canourgues",
                    resident_name="Maria da Conceição", day=date(2026, 11, 29))
    )  # fmt: skip
    assert pages == 2


def test_nothing_is_written_when_the_path_cannot_be_written(tmp_path):
    target = tmp_path / "missing" / "form.pdf"
    with pytest.raises(OSError):
        write_consent_form(ConsentForm(VERSION, "fr", "fr"), target)
    assert not target.exists()


def _as_data(version: ConsentTextVersion) -> dict:
    """A version back as the data of its file."""
    return {
        "version": version.version,
        "effective": version.effective.isoformat(),
        "texts": {
            language: {
                "title": text.title,
                "sections": [{"heading": s.heading, "text": s.text} for s in text.sections],
                "form": {name: getattr(text.form, name) for name in text.form.__dataclass_fields__},
            }
            for language, text in version.texts.items()
        },
    }
