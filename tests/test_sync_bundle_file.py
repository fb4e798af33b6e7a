"""The bundle file: signed, encrypted, written atomically, streamed, refused in plain words
when it is damaged, foreign, tampered with, unsigned or too new; opened by ``age`` too."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import x25519

from mediator_app.store import open_store
from mediator_app.sync.bundle_file import (
    BUNDLE_FORMAT_VERSION,
    BundleError,
    open_bundle,
    write_bundle,
)
from mediator_app.sync.keys import (
    card_for_this_desk,
    desk_keys,
    enroll,
    recipients_for,
    trusted_signer,
    write_recovery_key,
)

CHANGES = [
    {"table": "resident", "row_id": "r1", "op": "insert", "data": {"first_name": "Hélène"}},
    {"table": "resident", "row_id": "r2", "op": "insert", "data": {"first_name": "Thị"}},
    {"table": "resident", "row_id": "r1", "op": "update", "data": {"notes": "a\nb \u2028"}},
]


@pytest.fixture
def other(tmp_path: Path):
    opened = open_store(tmp_path / "b.db")
    opened.ensure_desk(name="Desk 2", centre_name="Test centre", configured=True)
    yield opened
    opened.close()


@pytest.fixture
def centre(store, other, tmp_path):
    """Two desks of one centre, enrolled on each other, and the centre's recovery key."""
    enroll(other, card_for_this_desk(store))
    enroll(store, card_for_this_desk(other))
    key_file = tmp_path / "recovery-key.txt"
    write_recovery_key(store, key_file)
    enroll(other, _recovery_card(store))
    return store, other, key_file


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch) -> Path:
    """Where the plaintext temporaries go, to check that none is left behind."""
    folder = tmp_path / "private-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _recovery_card(store):
    from mediator_app.sync.keys import DeskCard, peers

    (recovery,) = peers(store, role="recovery")
    return DeskCard(recovery.id, recovery.centre_id, "recovery", recovery.name, None,
                    recovery.age_recipient)  # fmt: skip


def _manifest(store) -> dict:
    return {"origin_desk": store.desk.id, "centre_id": store.desk.centre_id, "schema": 5}


def _recovery_identity(key_file: Path) -> str:
    return key_file.read_text().splitlines()[-1]


def _write(store, path: Path, changes=CHANGES, recipients=None, manifest=None):
    return write_bundle(
        path,
        manifest or _manifest(store),
        iter(changes),
        keys=desk_keys(store),
        recipients=recipients or recipients_for(store),
    )


def _identity(store) -> str:
    return str(desk_keys(store).age_identity)


def _refusal(path: Path, store, trusted=None) -> BundleError:
    with pytest.raises(BundleError) as refused:
        open_bundle(
            path, identities=[_identity(store)], trusted=trusted or trusted_signer(store)
        ).close()
    return refused.value


# --- Round trip -----------------------------------------------------------------------


def test_round_trip_to_three_recipients(centre, tmp_path):
    store, other, key_file = centre
    path = tmp_path / "out" / "bundle.age"
    path.parent.mkdir()
    recipients = recipients_for(store)
    assert len(recipients) == 3
    summary = _write(store, path, recipients=recipients)
    assert summary.path == path
    assert summary.changes == 3
    assert summary.bytes == path.stat().st_size
    assert "Hélène".encode() not in path.read_bytes()
    for who, identity in (
        ("this desk", _identity(store)),
        ("the other desk", _identity(other)),
        ("the recovery key", _recovery_identity(key_file)),
    ):
        trusted = trusted_signer(other if who == "the other desk" else store)
        with open_bundle(path, identities=[identity], trusted=trusted) as opened:
            assert list(opened.changes()) == CHANGES, who
            assert list(opened.changes()) == CHANGES, "changes can be read twice"
            manifest = opened.manifest
            assert opened.signer == store.desk.id
            assert opened.bundle_id == summary.bundle_id
    assert manifest["format"] == "passerelle-bundle"
    assert manifest["format_version"] == BUNDLE_FORMAT_VERSION
    assert manifest["signer"] == manifest["origin_desk"] == store.desk.id
    assert manifest["changes"] == 3
    assert len(manifest["payload_sha256"]) == 64
    assert manifest["schema"] == 5
    assert manifest["bundle_id"] == summary.bundle_id


def test_a_given_bundle_id_is_kept_and_an_empty_bundle_is_fine(store, tmp_path):
    manifest = _manifest(store) | {"bundle_id": "bundle-42"}
    summary = _write(store, tmp_path / "empty.age", changes=[], manifest=manifest)
    assert (summary.bundle_id, summary.changes) == ("bundle-42", 0)
    with open_bundle(
        summary.path, identities=[_identity(store)], trusted=trusted_signer(store)
    ) as opened:
        assert list(opened.changes()) == []
        assert opened.manifest["bundle_id"] == "bundle-42"


def test_bad_arguments_are_bugs_not_refusals(store, tmp_path):
    with pytest.raises(ValueError):
        _write(store, tmp_path / "a.age", recipients=["age1nope"])
    with pytest.raises(ValueError):
        write_bundle(tmp_path / "b.age", _manifest(store), [], keys=desk_keys(store),
                     recipients=[])  # fmt: skip
    with pytest.raises(ValueError):
        _write(store, tmp_path / "c.age", manifest={"centre_id": "x"})
    assert list(tmp_path.glob("*.age")) == []


# --- Atomic writing and temporary files -----------------------------------------------


def test_writing_leaves_only_the_bundle(store, tmp_path, private_temp):
    folder = tmp_path / "outbox"
    folder.mkdir()
    _write(store, folder / "bundle.age")
    assert [path.name for path in folder.iterdir()] == ["bundle.age"]
    assert list(private_temp.iterdir()) == []


def test_a_failing_changes_iterator_leaves_nothing(store, tmp_path, private_temp):
    folder = tmp_path / "outbox"
    folder.mkdir()
    (folder / "bundle.age").write_bytes(b"the previous file")

    def changes():
        yield from CHANGES
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        _write(store, folder / "bundle.age", changes=changes())
    with pytest.raises(RuntimeError):
        _write(store, folder / "new.age", changes=changes())
    assert [path.name for path in folder.iterdir()] == ["bundle.age"]
    assert (folder / "bundle.age").read_bytes() == b"the previous file"
    assert list(private_temp.iterdir()) == []


def test_an_unserialisable_change_leaves_nothing(store, tmp_path):
    folder = tmp_path / "outbox"
    folder.mkdir()
    with pytest.raises(TypeError):
        _write(store, folder / "bundle.age", changes=[CHANGES[0], {"when": object()}])
    assert list(folder.iterdir()) == []


def test_closing_an_opened_bundle_removes_its_plaintext(store, tmp_path, private_temp):
    path = _write(store, tmp_path / "bundle.age").path
    opened = open_bundle(path, identities=[_identity(store)], trusted=trusted_signer(store))
    assert any(private_temp.rglob("*.tar"))
    opened.close()
    assert list(private_temp.iterdir()) == []
    # A refused bundle leaves nothing either.
    _refusal(path, store, trusted=lambda _signer: None)
    assert list(private_temp.iterdir()) == []


# --- Refusals: damage, foreign files, wrong recipient -----------------------------------


def _flipped(path: Path, offset: int, target: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    return target


def test_a_flipped_byte_anywhere_is_refused_as_damaged(store, tmp_path):
    path = _write(store, tmp_path / "bundle.age").path
    data = path.read_bytes()
    mac_line = data.index(b"\n--- ") + 1
    payload = data.index(b"\n", mac_line) + 1
    offsets = {
        "age intro": 3,
        "age version": 20,
        "header MAC line": mac_line + 1,
        "header MAC": mac_line + 10,
        "payload nonce": payload,
        "payload start": payload + 20,
        "payload middle": (payload + len(data)) // 2,
        "last byte": len(data) - 1,
    }
    for where, offset in offsets.items():
        refusal = _refusal(_flipped(path, offset, tmp_path / "flipped.age"), store)
        assert refusal.reason == "damaged", where
        assert refusal.render() == "This file is damaged or is not a Passerelle bundle."


@pytest.mark.parametrize("keep", [0, 10, 100, "header", "half", -1, -17])
def test_a_truncated_bundle_is_refused_as_damaged(store, tmp_path, keep):
    path = _write(store, tmp_path / "bundle.age").path
    data = path.read_bytes()
    if keep == "header":
        keep = data.index(b"\n--- ") + 5
    elif keep == "half":
        keep = len(data) // 2
    (tmp_path / "short.age").write_bytes(data[:keep])
    assert _refusal(tmp_path / "short.age", store).reason == "damaged"


@pytest.mark.parametrize(
    "content", [b"", b"hello", b"PK\x03\x04" + bytes(100), b"age-encryption.org/v1\n"]
)
def test_a_file_that_is_not_a_bundle_is_damaged(store, tmp_path, content):
    (tmp_path / "junk.age").write_bytes(content)
    assert _refusal(tmp_path / "junk.age", store).reason == "damaged"


def test_a_missing_file_is_an_error_of_the_environment(store, tmp_path):
    with pytest.raises(FileNotFoundError):
        open_bundle(tmp_path / "gone.age", identities=[_identity(store)],
                    trusted=trusted_signer(store))  # fmt: skip


def test_a_bundle_for_other_desks_is_refused(store, other, tmp_path):
    path = _write(store, tmp_path / "bundle.age", recipients=[desk_keys(store).age_recipient]).path
    refusal = _refusal(path, other, trusted=trusted_signer(store))
    assert refusal.reason == "not_for_this_desk"
    assert refusal.render().startswith("This bundle was not encrypted for this desk")


def test_a_bundle_from_a_desk_not_enrolled_here_is_refused(store, other, tmp_path):
    path = _write(store, tmp_path / "bundle.age", recipients=[desk_keys(other).age_recipient]).path
    refusal = _refusal(path, other)  # store is not enrolled on other
    assert refusal.reason == "unknown_signer"
    assert refusal.signer == store.desk.id
    assert refusal.render() == "This bundle comes from a desk that is not enrolled here."


# --- Refusals: rebuilt with valid encryption but wrong signature, hash or format --------


def _members(path: Path, identity: str) -> dict[str, bytes]:
    plaintext = pyrage.decrypt(path.read_bytes(), [x25519.Identity.from_str(identity)])
    with tarfile.open(fileobj=io.BytesIO(plaintext)) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def _rebuild(path: Path, members: dict[str, bytes], recipients: list[str]) -> Path:
    """Encrypt ``members`` as a tar with the real recipients, as a forger would."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    parsed = [x25519.Recipient.from_str(text) for text in recipients]
    path.write_bytes(pyrage.encrypt(buffer.getvalue(), parsed))
    return path


@pytest.fixture
def genuine(store, tmp_path):
    path = _write(store, tmp_path / "bundle.age").path
    return _members(path, _identity(store)), recipients_for(store)


def test_a_genuine_rebuilt_bundle_is_accepted(store, tmp_path, genuine):
    """The forging helper itself makes readable bundles: the refusals below are real."""
    members, recipients = genuine
    path = _rebuild(tmp_path / "same.age", members, recipients)
    with open_bundle(path, identities=[_identity(store)], trusted=trusted_signer(store)) as b:
        assert list(b.changes()) == CHANGES


def test_a_missing_signature_is_refused(store, tmp_path, genuine):
    members, recipients = genuine
    del members["manifest.sig"]
    refusal = _refusal(_rebuild(tmp_path / "unsigned.age", members, recipients), store)
    assert refusal.reason == "unsigned"


def test_a_manifest_without_signer_is_unsigned(store, tmp_path, genuine):
    members, recipients = genuine
    manifest = json.loads(members["manifest.json"])
    del manifest["signer"]
    members["manifest.json"] = json.dumps(manifest).encode()
    refusal = _refusal(_rebuild(tmp_path / "unsigned.age", members, recipients), store)
    assert refusal.reason == "unsigned"


def test_a_signature_by_another_key_is_refused(store, tmp_path, genuine):
    members, recipients = genuine
    members["manifest.sig"] = Ed25519PrivateKey.generate().sign(members["manifest.json"])
    refusal = _refusal(_rebuild(tmp_path / "resigned.age", members, recipients), store)
    assert refusal.reason == "tampered"
    assert refusal.render() == "This bundle was changed after it was made: it is refused."


def test_a_signature_of_the_wrong_length_is_refused(store, tmp_path, genuine):
    members, recipients = genuine
    members["manifest.sig"] = members["manifest.sig"][:-1]
    refusal = _refusal(_rebuild(tmp_path / "short-sig.age", members, recipients), store)
    assert refusal.reason == "tampered"


def test_a_manifest_edited_after_signing_is_refused(store, tmp_path, genuine):
    members, recipients = genuine
    manifest = json.loads(members["manifest.json"])
    manifest["schema"] = 6
    members["manifest.json"] = json.dumps(manifest).encode()
    refusal = _refusal(_rebuild(tmp_path / "edited.age", members, recipients), store)
    assert refusal.reason == "tampered"


def test_edited_changes_are_refused_before_any_is_read(store, tmp_path, genuine):
    members, recipients = genuine
    members["changes.jsonl"] = members["changes.jsonl"].replace("Hélène".encode(), b"Helene")
    refusal = _refusal(_rebuild(tmp_path / "edited.age", members, recipients), store)
    assert refusal.reason == "tampered"


@pytest.mark.parametrize("edit", ["drop a line", "add a line", "remove the member"])
def test_changes_added_or_removed_are_refused(store, tmp_path, genuine, edit):
    members, recipients = genuine
    lines = [line + b"\n" for line in members["changes.jsonl"].split(b"\n")[:-1]]
    if edit == "drop a line":
        members["changes.jsonl"] = b"".join(lines[:-1])
    elif edit == "add a line":
        members["changes.jsonl"] += lines[0]
    else:
        del members["changes.jsonl"]
    refusal = _refusal(_rebuild(tmp_path / "edited.age", members, recipients), store)
    assert refusal.reason == "tampered"


def test_a_signed_manifest_naming_another_origin_is_refused(store, other, tmp_path):
    enroll(other, card_for_this_desk(store))
    enroll(store, card_for_this_desk(other))
    manifest = _manifest(store) | {"origin_desk": other.desk.id}
    path = _write(store, tmp_path / "bundle.age", manifest=manifest).path
    # Signed with store's key but claiming to be other's: the signature check fails.
    assert _refusal(path, store).reason == "tampered"


def _signed(store, manifest: dict) -> dict[str, bytes]:
    data = json.dumps(manifest).encode()
    return {"manifest.json": data, "manifest.sig": desk_keys(store).sign(data)}


def test_a_bundle_of_a_newer_format_is_refused(store, tmp_path, genuine):
    members, recipients = genuine
    manifest = json.loads(members["manifest.json"]) | {"format_version": 2}
    members |= _signed(store, manifest)
    refusal = _refusal(_rebuild(tmp_path / "newer.age", members, recipients), store)
    assert refusal.reason == "too_new"
    assert refusal.render() == (
        "This bundle was made by a newer version of Passerelle. Update this desk first."
    )


@pytest.mark.parametrize(
    "members",
    [
        {},
        {"notes.txt": b"hello"},
        {"manifest.json": b"not json", "changes.jsonl": b""},
        {"manifest.json": b"[]", "changes.jsonl": b""},
        {"manifest.json": b'{"format": "other", "format_version": 1}'},
        {"manifest.json": b'{"format": "passerelle-bundle", "format_version": "1"}'},
    ],
)
def test_an_encrypted_file_that_is_not_a_bundle_is_damaged(store, tmp_path, members):
    path = _rebuild(tmp_path / "other.age", members, recipients_for(store))
    assert _refusal(path, store).reason == "damaged"


def test_an_encrypted_file_that_is_not_a_tar_is_damaged(store, tmp_path):
    recipient = x25519.Recipient.from_str(desk_keys(store).age_recipient)
    path = tmp_path / "text.age"
    path.write_bytes(pyrage.encrypt(b"just some text\n" * 100, [recipient]))
    assert _refusal(path, store).reason == "damaged"


def test_every_reason_has_its_own_plain_message():
    messages = {reason: BundleError(reason).render() for reason in BundleError.REASONS}
    assert set(messages) == {
        "damaged",
        "not_for_this_desk",
        "unsigned",
        "tampered",
        "unknown_signer",
        "too_new",
    }
    assert len(set(messages.values())) == len(messages)


# --- Size -----------------------------------------------------------------------------


def _many_changes(count: int):
    for index in range(count):
        yield {
            "hlc": 1_700_000_000_000_000 + index,
            "desk_id": "0190f3c2-0000-7000-8000-000000000001",
            "seq": index,
            "table": "resident",
            "row_id": f"0190f3c2-0000-7000-8000-{index:012d}",
            "op": "update",
            "data": {"notes": "Aide à la déclaration en ligne, rendez-vous pris."},
        }


def test_a_hundred_thousand_changes_stream_through(store, tmp_path, capsys):
    count = 100_000
    started = time.perf_counter()
    summary = _write(store, tmp_path / "big.age", changes=_many_changes(count))
    written = time.perf_counter()
    with open_bundle(
        summary.path, identities=[_identity(store)], trusted=trusted_signer(store)
    ) as opened:
        opened_at = time.perf_counter()
        seen = 0
        for change in opened.changes():
            assert change["seq"] == seen
            seen += 1
    read = time.perf_counter()
    assert summary.changes == seen == count
    with capsys.disabled():
        print(
            f"\n100k bundle: {summary.bytes / 1e6:.1f} MB, write {written - started:.2f} s, "
            f"open+verify {opened_at - written:.2f} s, read {read - opened_at:.2f} s"
        )


def test_memory_stays_bounded_whatever_the_bundle_size(store, tmp_path):
    """Python's own allocations (tracemalloc; slow, hence a smaller bundle) stay far
    below the payload's size when writing and reading: nothing holds it whole."""
    identities, trusted = [_identity(store)], trusted_signer(store)
    tracemalloc.start()
    try:
        summary = _write(store, tmp_path / "big.age", changes=_many_changes(40_000))
        _size, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with open_bundle(summary.path, identities=identities, trusted=trusted) as opened:
            seen = sum(1 for _change in opened.changes())
        _size, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 40_000
    assert summary.bytes > 9_000_000
    assert write_peak < 2_000_000
    assert read_peak < 5_000_000


# --- The standard age tool ------------------------------------------------------------


def test_the_age_tool_opens_a_bundle_with_the_recovery_key(centre, tmp_path):
    age = shutil.which("age")
    if age is None:
        pytest.fail("The `age` command is missing: install the Debian package `age`.")
    store, _other, key_file = centre
    path = _write(store, tmp_path / "bundle.age").path
    result = subprocess.run(
        [age, "-d", "-i", str(key_file), str(path)], capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as tar:
        assert sorted(tar.getnames()) == ["changes.jsonl", "manifest.json", "manifest.sig"]
        manifest = json.loads(tar.extractfile("manifest.json").read())
        lines = tar.extractfile("changes.jsonl").read().decode().split("\n")[:-1]
    assert manifest["format"] == "passerelle-bundle"
    assert manifest["origin_desk"] == store.desk.id
    assert manifest["changes"] == 3
    assert [json.loads(line) for line in lines] == CHANGES
