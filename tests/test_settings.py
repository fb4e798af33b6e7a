"""User settings: typed values, atomic saves, damaged or odd files give defaults."""

from __future__ import annotations

import json

import pytest

from mediator_app.settings import REGISTRY, Settings


def test_values_round_trip_through_the_file(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings(path)
    settings["language"] = "fr"
    settings["geometry"] = {"main": "AAAA"}
    settings.save()
    again = Settings(path)
    assert again["language"] == "fr"
    assert again["geometry"] == {"main": "AAAA"}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_wrong_type_is_refused():
    with pytest.raises(TypeError):
        Settings(None)["search_debounce_ms"] = "fast"


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"version": 0, "values": {"language": "fr"}}),
        json.dumps([1, 2]),
        # Found by fuzzing (tests/test_fuzz_importers.py): each used to stop the app.
        '{"version": [1]}',
        '{"version": null}',
        '{"version": 1e400}',
        '{"version": 1, "values": [1, 2]}',
        "[" * 5000,
    ],
)
def test_a_damaged_or_unknown_file_gives_defaults(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_text(content, encoding="utf-8")
    settings = Settings(path)
    assert settings["language"] == REGISTRY["language"].default


def test_unknown_keys_and_wrong_types_in_the_file_are_ignored(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"version": 1, "values": {"language": 3, "colour": "red"}}), encoding="utf-8"
    )
    assert Settings(path)["language"] == ""


def test_a_number_out_of_its_range_in_a_hand_edited_file_gives_the_default(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        '{"version": 1, "values": {"search_debounce_ms": 99999999, "lock_after_minutes": -5,'
        ' "sheet_blank_rows": true}}',
        encoding="utf-8",
    )
    settings = Settings(path)
    assert settings["search_debounce_ms"] == 120
    assert settings["lock_after_minutes"] == 10
    assert settings["sheet_blank_rows"] == 5
    with pytest.raises(TypeError):
        settings["lock_after_minutes"] = 10_000
    settings["lock_after_minutes"] = 0  # never: within the range
    assert settings["lock_after_minutes"] == 0
