"""The partner configuration (bot/partners.py, bot/partners.yml), without servers."""
from __future__ import annotations

import json

import pytest

from bot.partners import (DEFAULT_COLOUR, PartnerConfigError, Partners, allowed_origins_from_env,
                          contrast_ratio, normalise_origin)
from scripts.stack import Settings


def write(tmp_path, partners) -> str:
    path = tmp_path / "partners.yml"
    path.write_text(json.dumps({"partenaires": partners}), encoding="utf-8")
    return str(path)


def test_shipped_configuration_is_valid():
    partners = Partners.load()
    cd31 = partners.get("haute-garonne")
    assert cd31 is not None and cd31.departement == "31" and cd31.commune is None
    assert cd31.metadata() == {"partenaire": "haute-garonne", "departement": "31"}
    for partner in partners.by_id.values():
        assert partner.accueil and partner.nom
        assert contrast_ratio(partner.couleur, "#ffffff") >= 4.5
        assert all(o.startswith(("https://", "http://")) for o in partner.origines)


def test_extra_file_adds_and_replaces_partners(tmp_path):
    extra = write(tmp_path, [
        {"id": "mairie-test", "nom": "Mairie", "origines": ["HTTP://127.0.0.1:8123/", "https://a.example:443"],
         "commune": "31395"},
        {"id": "haute-garonne", "nom": "Remplacé", "origines": []},
    ])
    partners = Partners.load(extra)
    test = partners.get("mairie-test")
    assert test.origines == ("http://127.0.0.1:8123", "https://a.example")
    assert test.metadata() == {"partenaire": "mairie-test", "commune": "31395", "departement": "31"}
    assert partners.get("haute-garonne").nom == "Remplacé"
    assert "http://127.0.0.1:8123" in partners.origins()
    assert partners.may_use(test, "http://127.0.0.1:8123", [])
    assert not partners.may_use(test, "http://127.0.0.1:9999", [])
    assert partners.may_use(test, "http://127.0.0.1:8080", ["http://127.0.0.1:8080"])  # our own pages
    assert not partners.may_use(test, None, [])


def test_colour_without_enough_contrast_is_replaced(tmp_path):
    partners = Partners.load(write(tmp_path, [{"id": "pale", "nom": "Pâle", "couleur": "#7fbfff"},
                                              {"id": "limite", "nom": "Limite", "couleur": "#767676"}]),
                             base=tmp_path / "none.yml")
    assert partners.get("pale").couleur == DEFAULT_COLOUR
    assert partners.get("limite").couleur == DEFAULT_COLOUR  # 4.54:1 on white, less on the cards' background


@pytest.mark.parametrize("entry", [
    {"id": "Majuscules"}, {"id": "x", "origines": ["https://a.example/chemin"]}, {"id": "x", "origines": ["ftp://a"]},
    {"id": "x", "commune": "Muret"}, {"id": "x", "departement": "310"}, {"id": "x", "couleur": "bleu"},
])
def test_invalid_entries_are_refused(tmp_path, entry):
    with pytest.raises(PartnerConfigError):
        Partners.load(write(tmp_path, [entry]))


def test_missing_extra_file_is_an_error(tmp_path):
    with pytest.raises(PartnerConfigError):
        Partners.load(tmp_path / "absent.yml")


def test_settings_give_one_list_of_allowed_origins_to_every_process(tmp_path):
    extra = write(tmp_path, [{"id": "p", "nom": "P", "origines": ["http://127.0.0.1:9001"]}])
    settings = Settings(web_port=8999, partners_file=extra)
    allowed = settings.allowed_origins()
    assert allowed[:2] == ["http://127.0.0.1:8999", "http://localhost:8999"]
    assert "https://www.haute-garonne.fr" in allowed and "http://127.0.0.1:9001" in allowed
    env = {"WEB_PORT": "8999", "PARTNERS_FILE": extra}
    assert Settings.from_env(env).allowed_origins() == allowed
    own, computed = allowed_origins_from_env(env)
    assert computed == allowed and own == ["http://127.0.0.1:8999", "http://localhost:8999"]
    # What scripts/stack.py passes to the processes it starts.
    from scripts.stack import Stack

    started = Stack(settings, tmp_path / "model.tar.gz", tmp_path, env={}).env()
    assert started["ESS_ALLOWED_ORIGINS"].split(",") == allowed and started["PARTNERS_FILE"] == extra
    assert allowed_origins_from_env(started) == (own, allowed)


def test_origin_normalisation():
    assert normalise_origin("https://Example.FR") == "https://example.fr"
    assert normalise_origin("http://localhost:80/") == "http://localhost"
    for bad in ("example.fr", "https://a.example/x", "https://user@a.example", "javascript:alert(1)"):
        with pytest.raises(PartnerConfigError):
            normalise_origin(bad)
