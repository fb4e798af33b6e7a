"""Country packs: the online procedures of each partner country, as data."""

from __future__ import annotations

import json

import pytest

from mediator_app.domain.country_packs import CountryPackError, load_packs, pack_for
from mediator_app.paths import resources_dir

FOLDER = resources_dir() / "countries"


def test_every_partner_country_has_its_procedures():
    packs = load_packs(FOLDER)
    assert set(packs) == {"FR", "ES", "IT", "PT"}
    assert "FranceConnect" in packs["FR"].procedures
    assert "Cl@ve" in packs["ES"].procedures
    assert "SPID" in packs["IT"].procedures
    assert "Chave Móvel Digital" in packs["PT"].procedures
    assert packs["FR"].export_profile == "lacoop" and packs["IT"].export_profile == "italy"


def test_a_partner_adds_a_country_with_a_file(tmp_path):
    (tmp_path / "BE.json").write_text(
        json.dumps({"country": "be", "procedures": ["itsme", "MyMinfin"]}), encoding="utf-8"
    )
    pack = pack_for("BE", tmp_path)
    assert pack.procedures == ("itsme", "MyMinfin") and pack.export_profile == "generic"
    assert pack_for("DE", tmp_path).procedures == ()


@pytest.mark.parametrize(
    "content",
    ['{"country": "BE"}', '{"country": "BE", "procedures": ["a", "a"]}',
     '{"country": "BE", "procedures": ["a"], "export_profile": "xml"}', "not json"],
)  # fmt: skip
def test_a_broken_pack_is_refused_with_its_name(tmp_path, content):
    (tmp_path / "BE.json").write_text(content, encoding="utf-8")
    with pytest.raises(CountryPackError, match=r"BE\.json"):
        load_packs(tmp_path)


# Found by fuzzing (tests/test_fuzz_importers.py)


def test_a_pack_nested_too_deep_is_refused(tmp_path):
    (tmp_path / "XX.json").write_text("[" * 5000, encoding="utf-8")
    with pytest.raises(CountryPackError):
        load_packs(tmp_path)
