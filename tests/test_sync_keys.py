"""Desk keys, desk cards and their fingerprints, enrolment, the recovery key, recipients."""

from __future__ import annotations

import base64
import json
import re
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pyrage import x25519

from mediator_app.domain.ids import new_id
from mediator_app.domain.resident import Resident
from mediator_app.store import NotFoundError, open_store
from mediator_app.sync import keys
from mediator_app.sync.keys import (
    CardError,
    DeskCard,
    RecoveryKeyError,
    card_for_this_desk,
    desk_keys,
    enroll,
    fingerprint,
    fingerprint_qr_text,
    peer,
    peers,
    recipients_for,
    revoke,
    trusted_signer,
    write_recovery_key,
)


@pytest.fixture
def other(tmp_path: Path):
    """A second desk, set up afresh: its own centre, no data yet."""
    opened = open_store(tmp_path / "b.db")
    opened.ensure_desk(name="Desk 2", centre_name="Test centre", configured=True)
    yield opened
    opened.close()


def _new_desk(tmp_path: Path, file_name: str, name: str):
    opened = open_store(tmp_path / file_name)
    opened.ensure_desk(name=name, centre_name="Elsewhere", configured=True)
    return opened


def _add_resident(store) -> None:
    store.residents.create(
        Resident(first_name="A", last_name="B", consent_date="2026-01-05", consent_version="2026-1")
    )


def _coordinator_card(centre_id: str = "coordination-centre") -> DeskCard:
    return DeskCard(
        desk_id=new_id(),
        centre_id=centre_id,
        role="coordinator",
        name="Coordination",
        signing_key=Ed25519PrivateKey.generate().public_key().public_bytes_raw(),
        age_recipient=str(x25519.Identity.generate().to_public()),
    )


# --- Keys -----------------------------------------------------------------------------


def test_keys_are_made_once_and_survive_reopening(store, db_path):
    first = desk_keys(store)
    again = desk_keys(store)
    assert again.signing_public == first.signing_public
    assert again.age_recipient == first.age_recipient
    store.close()
    reopened = open_store(db_path)
    try:
        assert desk_keys(reopened).signing_public == first.signing_public
        assert desk_keys(reopened).age_recipient == first.age_recipient
        (rows,) = reopened.conn.execute("SELECT COUNT(*) FROM desk_secret").fetchone()
        assert rows == 1
    finally:
        reopened.close()


def test_keys_have_the_expected_shapes_and_sign(store):
    desk = desk_keys(store)
    assert len(desk.signing_public) == 32
    assert desk.age_recipient.startswith("age1")
    assert str(desk.age_identity).startswith("AGE-SECRET-KEY-1")
    signature = desk.sign(b"hello")
    Ed25519PublicKey.from_public_bytes(desk.signing_public).verify(signature, b"hello")
    assert "SECRET" not in repr(desk)


def test_two_desks_have_different_keys(store, other):
    assert desk_keys(store).signing_public != desk_keys(other).signing_public
    assert desk_keys(store).age_recipient != desk_keys(other).age_recipient


# --- Cards ----------------------------------------------------------------------------


def test_card_of_this_desk_round_trips(store):
    card = card_for_this_desk(store)
    desk = store.desk
    assert (card.desk_id, card.centre_id, card.role, card.name) == (
        desk.id,
        desk.centre_id,
        "desk",
        "Desk 1",
    )
    assert card.signing_key == desk_keys(store).signing_public
    data = card.to_bytes()
    fields = json.loads(data)
    assert fields["format"] == "passerelle-desk-card"
    assert fields["version"] == 1
    assert base64.b64decode(fields["signing_key"]) == card.signing_key
    assert DeskCard.from_bytes(data) == card
    assert b"SECRET" not in data


def test_a_recovery_card_round_trips_without_a_signing_key(store, tmp_path):
    card = write_recovery_key(store, tmp_path / "recovery.txt")
    assert card.signing_key is None
    assert json.loads(card.to_bytes())["signing_key"] is None
    assert DeskCard.from_bytes(card.to_bytes()) == card


def _card_fields(store) -> dict:
    return json.loads(card_for_this_desk(store).to_bytes())


def _encoded(fields: dict) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe not text",
        b"hello",
        b"[1, 2, 3]",
        b'{"format": "something-else", "version": 1}',
        b"%PDF-1.7\n",
        b"{" + b" " * 70_000 + b"}",
    ],
)
def test_something_else_is_not_a_card(data):
    with pytest.raises(CardError) as refused:
        DeskCard.from_bytes(data)
    assert refused.value.message == keys.NOT_A_CARD
    assert refused.value.render() == "This file is not a Passerelle desk card."


def test_a_card_from_a_newer_version_is_refused(store):
    fields = _card_fields(store) | {"version": 2}
    with pytest.raises(CardError) as refused:
        DeskCard.from_bytes(_encoded(fields))
    assert refused.value.message == keys.NEWER_CARD
    assert "newer version" in refused.value.render()


@pytest.mark.parametrize(
    "change",
    [
        {"version": "1"},
        {"version": 0},
        {"desk_id": ""},
        {"desk_id": 12},
        {"role": "admin"},
        {"name": None},
        {"signing_key": "not base64!"},
        {"signing_key": base64.b64encode(b"short").decode()},
        {"signing_key": None},
        {"age_recipient": "age1notarecipient"},
        {"age_recipient": None},
        {"role": "recovery"},  # a recovery card with a signing key
    ],
)
def test_a_damaged_card_is_refused(store, change):
    fields = _card_fields(store) | change
    with pytest.raises(CardError) as refused:
        DeskCard.from_bytes(_encoded(fields))
    assert refused.value.message == keys.DAMAGED_CARD


def test_a_card_missing_a_field_is_damaged(store):
    fields = _card_fields(store)
    del fields["age_recipient"]
    with pytest.raises(CardError) as refused:
        DeskCard.from_bytes(_encoded(fields))
    assert refused.value.message == keys.DAMAGED_CARD


# --- Fingerprints ---------------------------------------------------------------------


def test_fingerprint_is_six_groups_of_five_digits_and_stable(store, db_path):
    card = card_for_this_desk(store)
    shown = fingerprint(card)
    assert re.fullmatch(r"\d{5}( \d{5}){5}", shown)
    assert fingerprint(DeskCard.from_bytes(card.to_bytes())) == shown
    assert fingerprint_qr_text(card) == shown.replace(" ", "")
    store.close()
    reopened = open_store(db_path)
    try:
        assert fingerprint(card_for_this_desk(reopened)) == shown
    finally:
        reopened.close()


def test_fingerprint_differs_between_desks_and_for_any_changed_field(store, other):
    card = card_for_this_desk(store)
    assert fingerprint(card) != fingerprint(card_for_this_desk(other))
    other_card = card_for_this_desk(other)
    for changed in (
        replace(card, name="Desk 9"),
        replace(card, centre_id=new_id()),
        replace(card, role="coordinator"),
        replace(card, signing_key=other_card.signing_key),
        replace(card, age_recipient=other_card.age_recipient),
    ):
        assert fingerprint(changed) != fingerprint(card)


def test_fingerprint_of_a_fixed_card_does_not_change_between_versions():
    card = DeskCard(
        desk_id="0190f3c2-0000-7000-8000-000000000001",
        centre_id="0190f3c2-0000-7000-8000-000000000001",
        role="desk",
        name="Accueil",
        signing_key=bytes(range(32)),
        age_recipient="age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    )
    # A fingerprint printed on paper must stay the same in later versions of Passerelle.
    assert fingerprint(card) == fingerprint(DeskCard.from_bytes(card.to_bytes()))
    assert fingerprint(card) == "19153 68694 73755 83451 69155 80202"


# --- Enrolment ------------------------------------------------------------------------


def test_an_empty_desk_joins_the_centre_of_the_card_it_enrols(store, other):
    centre = store.desk.centre_id
    assert other.desk.centre_id != centre
    enrolled = enroll(other, card_for_this_desk(store))
    assert other.desk.centre_id == centre
    assert enrolled.id == store.desk.id
    assert (enrolled.role, enrolled.name, enrolled.centre_id) == ("desk", "Desk 1", centre)
    assert enrolled.signing_key == desk_keys(store).signing_public
    assert enrolled.revoked_at is None
    assert peer(other, store.desk.id) == enrolled
    # The other way round the centres now agree.
    back = enroll(store, card_for_this_desk(other))
    assert back.centre_id == centre
    assert store.desk.centre_id == centre


def test_a_desk_holding_data_refuses_a_card_of_another_centre(store, other):
    _add_resident(store)
    with pytest.raises(CardError) as refused:
        enroll(store, card_for_this_desk(other))
    assert refused.value.render() == "This card belongs to another centre."
    assert peers(store, include_revoked=True) == []
    assert store.desk.centre_id == store.desk.id


def test_a_desk_holding_data_enrols_a_card_of_its_own_centre(store, other):
    _add_resident(store)
    enroll(other, card_for_this_desk(store))  # other joins store's centre
    assert enroll(store, card_for_this_desk(other)).centre_id == store.desk.centre_id


def test_this_desks_own_card_is_refused(store):
    with pytest.raises(CardError) as refused:
        enroll(store, card_for_this_desk(store))
    assert refused.value.message == keys.OWN_CARD


def test_coordinator_and_recovery_cards_may_belong_to_any_centre(store, other):
    _add_resident(store)
    coordinator = enroll(store, _coordinator_card())
    assert coordinator.role == "coordinator"
    assert coordinator.centre_id == "coordination-centre"
    recovery_card = write_recovery_key(other, other.path.parent / "other-recovery.txt")
    recovery = enroll(store, recovery_card)
    assert recovery.role == "recovery"
    assert recovery.signing_key is None
    assert store.desk.centre_id == store.desk.id  # no centre was joined


def test_enrolling_again_refreshes_the_name(store, other):
    enroll(other, card_for_this_desk(store))
    store.configure_desk(name="Accueil", centre_name="C", country="FR", language="fr")
    refreshed = enroll(other, card_for_this_desk(store))
    assert refreshed.name == "Accueil"
    assert len(peers(other)) == 1


def test_a_card_giving_an_enrolled_desk_other_keys_is_refused(store, other):
    enroll(other, card_for_this_desk(store))
    forged = replace(
        card_for_this_desk(store),
        signing_key=Ed25519PrivateKey.generate().public_key().public_bytes_raw(),
    )
    with pytest.raises(CardError) as refused:
        enroll(other, forged)
    assert refused.value.message == keys.CHANGED_KEYS
    assert "Desk 1" in refused.value.render()
    assert peer(other, store.desk.id).signing_key == desk_keys(store).signing_public


def test_revoke_hides_a_peer_and_keeps_its_first_date(store, other):
    enroll(other, card_for_this_desk(store))
    revoked = revoke(other, store.desk.id)
    assert revoked.revoked_at is not None
    assert revoked.revoked
    assert peers(other) == []
    assert peers(other, include_revoked=True) == [revoked]
    assert revoke(other, store.desk.id).revoked_at == revoked.revoked_at


def test_a_revoked_peer_cannot_be_enrolled_again(store, other):
    enroll(other, card_for_this_desk(store))
    revoke(other, store.desk.id)
    with pytest.raises(CardError) as refused:
        enroll(other, card_for_this_desk(store))
    assert refused.value.message == keys.REVOKED_PEER
    assert peer(other, store.desk.id).revoked


def test_revoking_an_unknown_peer_says_so(store):
    with pytest.raises(NotFoundError):
        revoke(store, "no-such-peer")
    assert peer(store, "no-such-peer") is None


def test_peers_filter_by_role(store, other, tmp_path):
    enroll(other, card_for_this_desk(store))
    coordinator = enroll(other, _coordinator_card())
    write_recovery_key(other, tmp_path / "recovery.txt")
    assert [found.role for found in peers(other)] == ["coordinator", "desk", "recovery"]
    assert peers(other, role="coordinator") == [coordinator]
    assert [found.id for found in peers(other, role="desk")] == [store.desk.id]


# --- Recovery key ---------------------------------------------------------------------


def test_recovery_key_file_is_a_private_standard_age_identity(store, tmp_path, db_path):
    key_file = tmp_path / "keys" / "recovery.txt"
    key_file.parent.mkdir()
    card = write_recovery_key(store, key_file)
    lines = key_file.read_text(encoding="ascii").splitlines()
    assert lines[0].startswith("# created: ")
    assert lines[1] == f"# public key: {card.age_recipient}"
    assert lines[2].startswith("AGE-SECRET-KEY-1")
    assert str(x25519.Identity.from_str(lines[2]).to_public()) == card.age_recipient
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sorted(path.name for path in key_file.parent.iterdir()) == ["recovery.txt"]
    # Enrolled as a recovery peer of this centre, under the file's name.
    enrolled = peer(store, card.desk_id)
    assert (enrolled.role, enrolled.centre_id, enrolled.name) == (
        "recovery",
        store.desk.centre_id,
        "recovery.txt",
    )
    assert enrolled.signing_key is None
    # The secret is nowhere in the database files.
    secret = lines[2].encode()
    for path in db_path.parent.glob(db_path.name + "*"):
        assert secret not in path.read_bytes()


def test_recovery_key_never_overwrites_a_file(store, tmp_path):
    key_file = tmp_path / "recovery.txt"
    key_file.write_text("precious")
    with pytest.raises(RecoveryKeyError):
        write_recovery_key(store, key_file)
    assert key_file.read_text() == "precious"
    assert peers(store) == []


def test_recovery_key_in_a_missing_folder_enrols_nothing(store, tmp_path):
    with pytest.raises(RecoveryKeyError) as refused:
        write_recovery_key(store, tmp_path / "missing" / "recovery.txt")
    assert "could not be written" in refused.value.render()
    assert peers(store, include_revoked=True) == []


# --- Recipients and trust -------------------------------------------------------------


def test_recipients_for_replication_and_coordinator(store, other, tmp_path):
    third = _new_desk(tmp_path, "c.db", "Desk 3")
    try:
        enroll(other, card_for_this_desk(store))  # other joins store's centre
        enroll(store, card_for_this_desk(other))
        coordinator_card = _coordinator_card()
        enroll(store, coordinator_card)
        assert recipients_for(store, "coordinator") == [coordinator_card.age_recipient]
        recovery = write_recovery_key(store, tmp_path / "recovery.txt")
        own = desk_keys(store).age_recipient
        assert recipients_for(store) == [
            own,
            desk_keys(other).age_recipient,
            recovery.age_recipient,
        ]
        assert recipients_for(store, "coordinator") == [
            coordinator_card.age_recipient,
            recovery.age_recipient,
        ]
        # A revoked desk receives nothing more.
        revoke(store, other.desk.id)
        assert recipients_for(store) == [own, recovery.age_recipient]
        # A desk of another centre is never a replication recipient.
        enroll(third, _coordinator_card())  # third holds no data: still its own centre
        assert desk_keys(third).age_recipient not in recipients_for(store)
        with pytest.raises(ValueError):
            recipients_for(store, "everyone")
    finally:
        third.close()


def test_coordinator_recipients_are_empty_without_a_coordinator(store, tmp_path):
    write_recovery_key(store, tmp_path / "recovery.txt")
    assert recipients_for(store, "coordinator") == []
    assert recipients_for(store) == [desk_keys(store).age_recipient, *_recovery(store)]


def _recovery(store) -> list[str]:
    return [found.age_recipient for found in peers(store, role="recovery")]


def test_trusted_signer_knows_this_desk_and_enrolled_desks_of_its_centre(store, other):
    coordinator = _coordinator_card()
    enroll(store, coordinator)
    enroll(other, card_for_this_desk(store))
    enroll(store, card_for_this_desk(other))
    trusted = trusted_signer(store)
    assert trusted(store.desk.id) == desk_keys(store).signing_public
    assert trusted(other.desk.id) == desk_keys(other).signing_public
    assert trusted(coordinator.desk_id) is None
    assert trusted("stranger") is None
    revoke(store, other.desk.id)
    assert trusted(other.desk.id) is None


# Found by fuzzing (tests/test_fuzz_importers.py)


def test_a_card_nested_too_deep_is_not_a_card():
    with pytest.raises(CardError):
        DeskCard.from_bytes(b"[" * 5000)
