"""Data protection: CSV export (formulas neutralised, coordinates for admins only), erasure by
e-mail or phone, retention of closed requests and exports, the privacy notice."""
from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import subprocess
import sys

import requests
from sqlalchemy import select

from bot.console import privacy
from bot.console.models import RequestEvent
from knowledge.db import HandoffRequest
from tests.test_console import ROOT, PASSWORD, add_request, add_user_cli, csrf_of, db, sign_in, web  # noqa: F401


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_formulas_are_neutralised_and_coordinates_only_for_admins(db):
    _url, factory = db
    add_request(factory, nom="=cmd|' /C calc'!A0", email="a@exemple.fr", message="+33 6 12 34 56 78",
                profil={"commune": "31555", "besoins": ["financement"]}, recommandations=[{"id": "dla", "nom": "DLA"}])
    with factory() as s:
        rows = s.scalars(select(HandoffRequest)).all()
        public, personal = privacy.export_csv(rows, personal=False), privacy.export_csv(rows, personal=True)
    head, line = _rows(public)
    assert "email" not in head and "a@exemple.fr" not in public and line[head.index("dispositifs_montres")] == "dla"
    head, line = _rows(personal)
    assert line[head.index("nom")] == "'=cmd|' /C calc'!A0" and line[head.index("message")].startswith("'+33")
    assert privacy.neutralise("@SUM(1)") == "'@SUM(1)" and privacy.neutralise("Toulouse") == "Toulouse"


def test_erasure_finds_the_person_by_email_or_phone_in_any_layout(db):
    _url, factory = db
    first = add_request(factory, conversation_id="c1", email="Marie.D@Exemple.fr")
    add_request(factory, conversation_id="c2", telephone="06 12 34 56 78")
    keep = add_request(factory, conversation_id="c3", telephone="06 99 99 99 99")
    with factory() as s, s.begin():
        s.add(RequestEvent(demande_id=first, email="agent@x.fr", type="commentaire", texte="rappeler lundi"))
    with factory() as s, s.begin():
        assert privacy.erase(s, email="marie.d@exemple.fr", phone="+33 6 12 34 56 78") == ["c1", "c2"]
    with factory() as s:
        assert [r.id for r in s.scalars(select(HandoffRequest))] == [keep]
        assert s.scalars(select(RequestEvent)).all() == []
    with factory() as s:
        assert privacy.erase(s, email="", phone="12") == []  # nothing erased on too little


def test_retention_anonymises_closed_requests_and_deletes_old_exports(db, tmp_path):
    _url, factory = db
    now = _dt.datetime(2026, 12, 1)
    old = add_request(factory, nom="Ancien", email="old@x.fr", statut="cloturee", profil={"departement": "31"},
                      mis_a_jour_le=now - _dt.timedelta(days=400))
    recent = add_request(factory, nom="Récent", email="new@x.fr", statut="cloturee", mis_a_jour_le=now - _dt.timedelta(days=30))
    open_ = add_request(factory, nom="Ouvert", email="open@x.fr", statut="nouvelle", cree_le=now - _dt.timedelta(days=800))
    with factory() as s, s.begin():
        assert privacy.anonymise_closed(s, months=12, now=now) == 1
    with factory() as s:
        rows = {r.id: r for r in s.scalars(select(HandoffRequest))}
    assert rows[old].nom == privacy.ERASED and rows[old].email is None and rows[old].profil == {"departement": "31"}
    assert rows[recent].email == "new@x.fr" and rows[open_].email == "open@x.fr"
    stale, fresh = tmp_path / "a.csv", tmp_path / "b.csv"
    stale.write_text("x"), fresh.write_text("y")
    os.utime(stale, (0, 0))
    assert privacy.purge_exports(tmp_path, days=7) == 1 and fresh.exists() and not stale.exists()


def test_retention_and_erase_commands(db):
    url, factory = db
    add_request(factory, email="cli@x.fr", statut="cloturee", mis_a_jour_le=_dt.datetime(2020, 1, 1))
    here = {**os.environ, "TRACKER_STORE_URL": url.replace(".db", "-conversations.db")}
    done = subprocess.run([sys.executable, "-m", "bot.console", "retention", "--database-url", url, "--exports-dir",
                           str(ROOT / "var" / "no-exports-here")], capture_output=True, text=True, cwd=ROOT, env=here)
    assert done.returncode == 0 and "1 demande(s) anonymisée(s)" in done.stdout
    add_request(factory, email="gone@x.fr", conversation_id="conv-gone")
    env = {**os.environ, "TRACKER_STORE_URL": "postgresql+psycopg2://rasa@127.0.0.1:9/rasa"}  # unreachable
    done = subprocess.run([sys.executable, "-m", "bot.console", "erase", "--email", "gone@x.fr", "--database-url", url],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    # the request is gone; the conversation store cannot be reached, so the conversation is reported not erased
    assert done.returncode == 4 and "1 demande(s) effacée(s), 0 conversation(s) sur 1" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "bot.console", "erase", "--database-url", url],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert bad.returncode == 2 and "--email" in bad.stderr


def test_export_and_erase_pages(web, tmp_path):
    server, url, factory = web
    add_request(factory, nom="Camille", email="camille@x.fr", message="=HYPERLINK(\"http://x\")")
    assert add_user_cli(url, "agent@exemple.fr", PASSWORD).returncode == 0
    assert add_user_cli(url, "admin@exemple.fr", PASSWORD, role="admin").returncode == 0
    agent, _ = sign_in(server.url, "agent@exemple.fr", PASSWORD)
    csv_text = agent.get(server.url + "/accueil/export.csv?onglet=a_traiter").text
    assert "camille@x.fr" not in csv_text and len(_rows(csv_text)) == 2
    assert agent.get(server.url + "/accueil/effacer").status_code == 403
    admin, _ = sign_in(server.url, "admin@exemple.fr", PASSWORD)
    response = admin.get(server.url + "/accueil/export.csv?onglet=a_traiter")
    assert response.headers["Content-Disposition"].startswith("attachment;") and "'=HYPERLINK" in response.text
    page = admin.get(server.url + "/accueil/effacer")
    assert admin.post(server.url + "/accueil/effacer", data={"email": "camille@x.fr"}).status_code == 403  # no CSRF
    done = admin.post(server.url + "/accueil/effacer", data={"email": "CAMILLE@x.fr", "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "1 demande effacée" in done.text
    with factory() as s:
        assert s.scalars(select(HandoffRequest)).all() == []
    journal = admin.get(server.url + "/accueil/journal").text
    assert "export" in journal and "effacement" in journal


def test_the_privacy_notice_is_served_and_linked_from_the_widget(web):
    server, _url, _factory = web
    page = requests.get(server.url + "/confidentialite")
    assert page.status_code == 200 and "Vos données personnelles" in page.text and "12 mois" in page.text
    assert "/confidentialite" in requests.get(server.url + "/widget.js").text


def test_erasure_reaches_the_export_copies_and_retention_the_agents_texts(db, tmp_path):
    _url, factory = db
    (tmp_path / "a.csv").write_text("numero;email;telephone\n1;marie@x.fr;\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("numero;email;telephone\n2;;06 12 34 56 78\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("numero;email;telephone\n3;autre@x.fr;\n", encoding="utf-8")
    assert privacy.erase_exports("Marie@x.fr", "+33 6 12 34 56 78", tmp_path) == 2
    assert [p.name for p in tmp_path.glob("*.csv")] == ["c.csv"]
    old = add_request(factory, nom="Ancien", email="o@x.fr", statut="cloturee", note_interne="a rappeler au 06 11",
                      mis_a_jour_le=_dt.datetime(2020, 1, 1))
    with factory() as s, s.begin():
        s.add(RequestEvent(demande_id=old, email="a@x.fr", type="cloture", motif="oriente", texte="M. Ancien vers X"))
    with factory() as s, s.begin():
        assert privacy.anonymise_closed(s, months=12) == 1
    with factory() as s:
        row = s.get(HandoffRequest, old)
        closing = s.scalars(select(RequestEvent).where(RequestEvent.demande_id == old)).one()
    assert row.note_interne is None and row.conversation_id == f"efface-{old}"
    assert closing.motif == "oriente" and closing.texte is None
