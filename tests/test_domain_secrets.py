"""A note that looks like a resident's password is pointed out."""

from __future__ import annotations

import pytest

from mediator_app.domain.secrets import looks_like_a_password


@pytest.mark.parametrize(
    "note",
    [
        "mot de passe : Soleil2024!",
        "MDP: chat75",
        "Contraseña: Perro-2020",
        "senha = abc12345",
        "password: hunter2",
        "son code pin: 1234",
        "identifiant: marie.dupond",
        "a oublié Azerty123 encore",
        "Tr0ub4dor&3",
    ],
)
def test_a_password_is_recognised(note):
    assert looks_like_a_password(note)


@pytest.mark.parametrize(
    "note",
    [
        "",
        "Wants to learn how to send photos to her grandson.",
        "Rappeler le 06 12 34 56 78 lundi.",
        "Rendez-vous CAF le 12/01/2027",
        "Site www.ameli.fr à montrer",
        "écrire à marie.dupond@example.org",
        "Numéro allocataire 1234567",
        "Besoin d'aide pour le passe Navigo",
    ],
)
def test_an_ordinary_note_is_not_flagged(note):
    assert not looks_like_a_password(note)
