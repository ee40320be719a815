"""Checks of the schemes' contacts by the Department: laid over the catalogue, said to the user."""
from __future__ import annotations

import datetime as _dt
import shutil

import pytest
import requests
from sqlalchemy import select

from actions import knowledge_client, replies
from bot.console.models import AccessEntry
from knowledge import checks
from knowledge.db import make_engine, make_session_factory
from knowledge.engine.orient import members_at, resolve_contact
from knowledge.engine.profile import clean_profile, locate
from tests.test_console import PASSWORD, add_user_cli, csrf_of, db, sign_in, web  # noqa: F401 (fixtures)

DAY = _dt.date(2026, 11, 30)


def _check(scheme_id, resultat, **fields):
    return checks.ContactCheck(id=1, scheme_id=scheme_id, resultat=resultat, verifie_le=DAY, agent="admin@x.fr", **fields)


def test_a_confirmed_or_changed_contact_is_current_and_says_it_was_checked(catalogue):
    first = next(c for c in catalogue.get("realis")["contacts"] if not c.get("ancien"))
    confirmed = checks.apply_checks(catalogue, [_check("realis", "confirme", nom=first["nom"], site=first.get("site"))])
    contacts = confirmed.get("realis")["contacts"]
    assert contacts[0]["verifie_departement"] == "2026-11-30" and not contacts[0]["ancien"]
    assert sum(c["nom"] == first["nom"] for c in contacts) == 1 and catalogue.get("realis")["contacts"][0] == first
    changed = checks.apply_checks(catalogue, [_check("realis", "modifie", nom="REALIS, accueil",
                                                     telephone="05 00 00 00 00")])
    contacts = changed.get("realis")["contacts"]
    assert contacts[0]["telephone"] == "05 00 00 00 00" and len(contacts) == 1  # the changed ones are not shown
    assert "vérifié par le Département le 30/11/2026" in replies.how_to_reach({**contacts[0], "nom": contacts[0]["nom"]})


def test_a_gone_contact_sends_the_person_to_a_desk_that_has_one(catalogue, territories):
    gone = checks.apply_checks(catalogue, [_check("realis", "disparu")])
    assert not [c for c in gone.get("realis")["contacts"] if not c["ancien"]]
    place, _ = locate(clean_profile({"commune": "31555", "departement": "31"})[0], territories)
    contact, via = resolve_contact(gone.get("realis"), gone, place, territories, members_at(gone, place, territories))
    assert contact is not None and via is not None and via["id"] in gone.get("realis")["a_qui_demander"]


def test_a_check_is_validated():
    scheme = {"id": "dla"}
    engine = make_engine("sqlite://")
    checks.Base.metadata.create_all(engine, tables=[checks.ContactCheck.__table__])
    with make_session_factory(engine)() as s:
        for resultat, day, fields, message in [
                ("", DAY, {"nom": "x", "site": "y"}, "résultat"),
                ("confirme", _dt.date.today() + _dt.timedelta(days=2), {"nom": "x", "site": "y"}, "futur"),
                ("modifie", DAY, {"site": "y"}, "nom"),
                ("modifie", DAY, {"nom": "x"}, "moyen de joindre")]:
            with pytest.raises(checks.CheckError, match=message):
                checks.record(s, scheme, "a@x.fr", resultat, day, fields)
        row = checks.record(s, scheme, "a@x.fr", "disparu", DAY, {"nom": "ignoré"}, "appel sans réponse, site fermé")
        assert row.nom is None and row.note == "appel sans réponse, site fermé"


def test_the_assistant_reads_the_checks_of_the_database(loaded_db, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(loaded_db[len("sqlite:///"):], path)
    url = f"sqlite:///{path}"
    client = knowledge_client.KnowledgeClient(url)
    before = client.catalogue.get("dla")["contacts"]
    with make_session_factory(make_engine(url))() as s, s.begin():
        checks.record(s, {"id": "dla"}, "admin@x.fr", "modifie", DAY,
                      {"nom": "DLA de la Haute-Garonne", "email": "dla31@exemple.fr"})
    assert client.catalogue.get("dla")["contacts"] == before  # read again within a minute, not at every turn
    client.forget_checks()
    assert client.catalogue.get("dla")["contacts"][0]["email"] == "dla31@exemple.fr"
    assert client.base_catalogue.get("dla")["contacts"] == before  # the reviewed base is unchanged


def test_an_admin_records_a_check_in_the_console(web):
    server, url, factory = web
    assert add_user_cli(url, "agent@exemple.fr", PASSWORD).returncode == 0
    assert add_user_cli(url, "admin@exemple.fr", PASSWORD, role="admin").returncode == 0
    agent, _ = sign_in(server.url, "agent@exemple.fr", PASSWORD)
    assert agent.get(server.url + "/accueil/contacts").status_code == 403
    admin, _ = sign_in(server.url, "admin@exemple.fr", PASSWORD)
    listing = admin.get(server.url + "/accueil/contacts")
    assert listing.status_code == 200 and "/accueil/contacts/dla" in listing.text
    page = admin.get(server.url + "/accueil/contacts/dla")
    form = {"resultat": "modifie", "verifie_le": "2026-11-30", "nom": "DLA 31", "email": "dla31@exemple.fr",
            "note": "<b>appel</b> du 30/11", "csrf_token": csrf_of(page.text)}
    assert admin.post(server.url + "/accueil/contacts/dla", data={**form, "csrf_token": "faux"}).status_code == 403
    bad = admin.post(server.url + "/accueil/contacts/dla", data={**form, "email": ""})
    assert bad.status_code == 400 and "moyen de joindre" in bad.text and 'value="DLA 31"' in bad.text
    done = admin.post(server.url + "/accueil/contacts/dla", data=form)
    assert done.status_code == 200 and "30/11/2026 – Contact changé (admin@exemple.fr) : DLA 31" in done.text
    assert "&lt;b&gt;appel&lt;/b&gt;" in done.text
    assert admin.get(server.url + "/accueil/contacts/inconnu").status_code == 404
    with factory() as s:
        assert s.scalars(select(AccessEntry).where(AccessEntry.action == "verification_contact")).first() is not None
