"""The staff console: accounts, sessions, CSRF, rate limit, inbox, triage and the JSON of CONTRACT.md.

Unit tests on a real SQLite database, then HTTP tests against the real aiohttp application of
``bot/`` served on a free port (the browser test with the whole stack is test_console_e2e.py).
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.console import accounts, inbox  # noqa: E402
from bot.console.models import LoginAttempt, RequestEvent, StaffSession, create_console_schema  # noqa: E402
from bot.console.transcript import MASK, masked_turns  # noqa: E402
from knowledge.db import HandoffRequest, make_engine, make_session_factory  # noqa: E402

PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'console.db'}"
    engine = make_engine(url)
    create_console_schema(engine)
    return url, make_session_factory(engine)


def add_request(factory, **fields) -> int:
    values = {"conversation_id": "conv", "consentement": True, "profil": {}, "recommandations": [],
              "cree_le": _dt.datetime(2026, 11, 20, 9, 0)}
    values.update(fields)
    with factory() as session, session.begin():
        row = HandoffRequest(**values)
        session.add(row)
        session.flush()
        return row.id


# Accounts ---------------------------------------------------------------------------------------

def test_accounts_are_checked_and_passwords_hashed_with_argon2id(db):
    _url, factory = db
    with factory() as session, session.begin():
        user = accounts.add_user(session, " Agent@Exemple.FR ", PASSWORD, "accueil")
        assert user.email == "agent@exemple.fr" and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        for email, password, role in [("agent@exemple.fr", PASSWORD, "accueil"), ("pas-une-adresse", PASSWORD, "accueil"),
                                      ("b@exemple.fr", "trop-court", "accueil"), ("c@exemple.fr", PASSWORD, "chef")]:
            with pytest.raises(accounts.AccountError):
                accounts.add_user(session, email, password, role)
    with factory() as session, session.begin():
        assert accounts.check_password(session, "agent@exemple.fr", "mauvais-mot-de-passe", "10.0.0.1") is None
        assert accounts.check_password(session, "inconnu@exemple.fr", PASSWORD, "10.0.0.1") is None
        assert accounts.check_password(session, "AGENT@exemple.fr", PASSWORD, "10.0.0.1") is not None
        attempts = session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
        assert [a.reussi for a in attempts] == [False, False, True]


def test_sign_in_is_limited_per_account_and_per_address(db):
    _url, factory = db
    with factory() as session, session.begin():
        accounts.add_user(session, "agent@exemple.fr", PASSWORD)
        for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
            accounts.check_password(session, "agent@exemple.fr", "mauvais-mot-de-passe", "10.0.0.1")
        assert accounts.too_many_failures(session, "agent@exemple.fr", "10.0.0.2")  # the account, from anywhere
        assert not accounts.too_many_failures(session, "autre@exemple.fr", "10.0.0.2")
        for i in range(accounts.MAX_FAILURES_PER_ADDRESS):
            accounts.check_password(session, f"x{i}@exemple.fr", "mauvais-mot-de-passe", "10.0.0.9")
        assert accounts.too_many_failures(session, "autre@exemple.fr", "10.0.0.9")  # the address, any account
        # Old failures no longer count.
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.le -= accounts.ATTEMPT_WINDOW + _dt.timedelta(minutes=1)
        assert not accounts.too_many_failures(session, "agent@exemple.fr", "10.0.0.9")


def test_sessions_are_stored_hashed_and_expire(db):
    _url, factory = db
    with factory() as session, session.begin():
        user = accounts.add_user(session, "agent@exemple.fr", PASSWORD)
        token = accounts.open_session(session, user)
        stored = [r.token_hash for r in session.scalars(select(StaffSession))]
        assert token not in stored and len(stored) == 1 and len(stored[0]) == 64  # only the digest is stored
        staff = accounts.current_staff(session, token)
        assert staff.email == "agent@exemple.fr" and len(staff.csrf_token) > 20
        assert accounts.current_staff(session, token + "x") is None and accounts.current_staff(session, None) is None
        row = session.scalars(select(StaffSession)).one()
        row.vu_le -= accounts.SESSION_IDLE + _dt.timedelta(minutes=1)
        assert accounts.current_staff(session, token) is None  # idle too long
        busy = accounts.open_session(session, user)
        for live in session.scalars(select(StaffSession)):
            live.expire_le = accounts.utcnow() - _dt.timedelta(seconds=1)
            live.vu_le = accounts.utcnow()
        assert accounts.current_staff(session, busy) is None  # used all along, but past its absolute end
        other = accounts.open_session(session, user)
        accounts.close_session(session, other)
        assert accounts.current_staff(session, other) is None


# Inbox and triage -------------------------------------------------------------------------------

def test_triage_follows_the_contract_statuses_and_keeps_a_history(db):
    _url, factory = db
    rid = add_request(factory)
    with factory() as session, session.begin():
        row = session.get(HandoffRequest, rid)
        assert row.statut == "nouvelle"
        with pytest.raises(inbox.TriageError):
            inbox.release(session, row, "a@exemple.fr")
        inbox.claim(session, row, "a@exemple.fr")
        assert (row.statut, row.traite_par) == ("en_cours", "a@exemple.fr")
        with pytest.raises(inbox.TriageError, match="déjà prise en charge"):
            inbox.claim(session, row, "b@exemple.fr")
        with pytest.raises(inbox.TriageError, match="Seule la personne"):
            inbox.release(session, row, "b@exemple.fr")  # not someone else's request
        inbox.comment(session, row, "a@exemple.fr", "Messagerie, rappel demain")
        with pytest.raises(inbox.TriageError):
            inbox.comment(session, row, "a@exemple.fr", "   ")
        with pytest.raises(inbox.TriageError):
            inbox.close(session, row, "a@exemple.fr", "parti_en_vacances")
        with pytest.raises(inbox.TriageError, match="vers quelle structure"):
            inbox.close(session, row, "a@exemple.fr", "oriente", "")
        inbox.close(session, row, "a@exemple.fr", "oriente", "URSCOP Occitanie")
        assert row.statut == "cloturee" and inbox.closing_reason(session, rid) == "oriente"
        with pytest.raises(inbox.TriageError):
            inbox.claim(session, row, "a@exemple.fr")
        inbox.reopen(session, row, "b@exemple.fr")
        assert (row.statut, row.traite_par) == ("nouvelle", None)
    with factory() as session:
        kinds = [(e.type, e.email, e.motif) for e in inbox.history(session, rid)]
    assert kinds == [("prise", "a@exemple.fr", None), ("commentaire", "a@exemple.fr", None),
                     ("cloture", "a@exemple.fr", "oriente"), ("reouverture", "b@exemple.fr", None)]


def test_tabs_filters_and_duplicates(db, loaded_db):
    _url, factory = db
    muret = {"statut": "association", "commune": "31395", "departement": "31", "stade": "creation",
             "besoins": ["financement", "emploi"]}
    old = add_request(factory, profil=muret, email="camille@exemple.org", cree_le=_dt.datetime(2026, 11, 1, 8))
    new = add_request(factory, profil={"departement": "35"}, email="Camille@Exemple.org", partenaire="site-x")
    phone = add_request(factory, profil={"commune": "31555", "departement": "31", "stade": "idee"},
                        telephone="06 12 34 56 78", cree_le=_dt.datetime(2026, 11, 25, 8))
    with factory() as session, session.begin():
        rows = inbox.list_requests(session, "nouvelle", oldest_first=True)
        assert [r.id for r in rows] == [old, new, phone]
        assert inbox.duplicates(session, rows) == {old: [new], new: [old], phone: []}
        inbox.claim(session, session.get(HandoffRequest, phone), "a@exemple.fr")
        assert inbox.counts(session) == {"a_traiter": 2, "en_cours": 1, "cloturees": 0}

        def ids(**query):
            return [r.id for r in inbox.list_requests(session, None, inbox.Filters.from_query(query), oldest_first=True)]

        assert ids(departement="31") == [old, phone]
        assert ids(stade="creation") == [old] and ids(besoin="emploi") == [old] and ids(partenaire="site-x") == [new]
        assert ids(du="2026-11-20") == [new, phone] and ids(au="2026-11-20") == [old, new]
        assert ids(du="pas une date") == [old, new, phone]  # a bad filter is ignored, not an error
    # EPCI: the commune's intercommunality, from the territories of the knowledge base.
    engine = make_engine(loaded_db)
    create_console_schema(engine)
    with make_session_factory(engine)() as session:
        epci = inbox.epci_of(session, ["31395", "31555"])
        assert epci["31395"] and epci["31555"] and epci["31395"] != epci["31555"]


def test_waiting_time_and_json_of_the_contract(db):
    _url, factory = db
    rid = add_request(factory, profil={"statut": "association"}, recommandations=[{"id": "dla", "nom": "DLA"}],
                      partenaire="p1", cree_le=_dt.datetime(2026, 11, 20, 9, 0))
    with factory() as session:
        row = session.get(HandoffRequest, rid)
        assert inbox.waiting(row, _dt.datetime(2026, 11, 22, 12, 30)) == "2 j 3 h"
        assert inbox.waiting(row, _dt.datetime(2026, 11, 20, 9, 45)) == "45 min"
        data = inbox.as_json(row)
    assert data["cree_le"] == "2026-11-20T09:00:00+00:00" and data["recommandations"] == ["dla"]
    assert {k: data[k] for k in ("id", "statut", "conversation_id", "profil", "partenaire")} == {
        "id": rid, "statut": "nouvelle", "conversation_id": "conv", "profil": {"statut": "association"},
        "partenaire": "p1"}


def test_the_transcript_masks_personal_data():
    events = [
        {"event": "user", "text": "bonjour, je suis à Muret, joignable au 06 12 34 56 78"},
        {"event": "bot", "text": "Bonjour ! Quel est votre statut ?"},
        {"event": "user", "text": "/inform{\"statut\": \"association\"}"},
        {"event": "slot", "name": "requested_slot", "value": "contact_nom"},
        {"event": "user", "text": "Camille Durand"},
        {"event": "slot", "name": "requested_slot", "value": "contact_coordonnees"},
        {"event": "user", "text": "camille.durand@exemple.org"},
        {"event": "active_loop", "name": None},
        {"event": "user", "text": "écrivez-moi à c.d@exemple.org ou au +33 6 12 34 56 78"},
        {"event": "user", "text": "ou Prénom.Nom@exemple.fr, ou +33 (0)6 12 34 56 78, ou 06/12/34/56/78"},
        {"event": "user", "text": "nous avons 12 salariés depuis 2015 à 31000 Toulouse"},
    ]
    turns = masked_turns(events)
    text = " ".join(t["texte"] for t in turns)
    assert "Camille" not in text and "exemple.org" not in text and "12 34" not in text
    assert turns[0]["texte"] == f"bonjour, je suis à Muret, joignable au {MASK}"
    assert turns[2]["texte"] == "(bouton) inform" and turns[3]["texte"] == MASK and turns[4]["texte"] == MASK
    assert turns[6]["texte"] == f"ou {MASK}, ou {MASK}, ou {MASK}"
    assert turns[7]["texte"] == "nous avons 12 salariés depuis 2015 à 31000 Toulouse"  # figures are not phones
    assert [t["qui"] for t in turns] == ["personne", "assistant", "personne", "personne", "personne", "personne",
                                         "personne", "personne"]


# The command line ------------------------------------------------------------------------------

def add_user_cli(url: str, email: str, password: str, role: str = "accueil") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.console", "add-user", email, "--role", role,
                           "--database-url", url], input=password + "\n", text=True, capture_output=True,
                          cwd=ROOT, timeout=60)


def test_add_user_command(db):
    url, factory = db
    done = add_user_cli(url, "admin@exemple.fr", PASSWORD, "admin")
    assert done.returncode == 0, done.stderr
    assert add_user_cli(url, "admin@exemple.fr", PASSWORD).returncode != 0  # already exists
    short = add_user_cli(url, "b@exemple.fr", "court")
    assert short.returncode != 0 and "12 caractères" in short.stderr
    assert add_user_cli(url, "c@exemple.fr", PASSWORD, "chef").returncode != 0
    with factory() as session:
        assert accounts.check_password(session, "admin@exemple.fr", PASSWORD, "127.0.0.1").role == "admin"


# Over HTTP --------------------------------------------------------------------------------------

class Server:
    """The web server's application on a free port, in a thread."""

    def __init__(self, env: dict):
        from aiohttp import web

        from bot.server import create_app
        from scripts.stack import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(create_app(env))
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.runner.setup())
            self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(30)

    def stop(self):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def web(db):
    url, factory = db
    conversations = url.replace("console.db", "conversations.db")  # the test's own conversation store
    server = Server({"DATABASE_URL": url, "RASA_PORT": "9",  # no Rasa server: the transcript is unavailable
                     "TRACKER_STORE_URL": conversations})
    yield server, url, factory
    server.stop()


def sign_in(base: str, email: str, password: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    form = browser.get(f"{base}/accueil/connexion")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    response = browser.post(f"{base}/accueil/connexion", data={"email": email, "password": password,
                                                               "csrf_token": token}, allow_redirects=False)
    return browser, response


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_without_a_session_pages_redirect_and_the_api_answers_401(web):
    server, _url, _factory = web
    for path in ["/accueil/", "/accueil/demandes/1", "/accueil/journal", "/accueil/inconnue"]:
        response = requests.get(server.url + path, allow_redirects=False)
        assert response.status_code in (302, 303) and response.headers["Location"] == "/accueil/connexion", path
    for path in ["/accueil/api/demandes", "/accueil/api/autre"]:
        response = requests.get(server.url + path)
        assert response.status_code == 401 and response.json()["erreur"], path
    page = requests.get(server.url + "/accueil/connexion")
    assert page.status_code == 200 and 'name="email"' in page.text and 'name="password"' in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_sign_in_with_csrf_then_inbox_api_triage_and_sign_out(web):
    server, url, factory = web
    assert add_user_cli(url, "agent@exemple.fr", PASSWORD).returncode == 0
    first = add_request(factory, conversation_id="c-1", nom="Camille", email="camille@exemple.org",
                        profil={"statut": "association", "commune": "31395", "departement": "31"},
                        recommandations=[{"id": "dla", "nom": "DLA"}], cree_le=_dt.datetime(2026, 11, 1, 8))
    second = add_request(factory, conversation_id="c-2", email="camille@exemple.org")
    # No CSRF token, or a wrong password: no session.
    bare = requests.post(f"{server.url}/accueil/connexion", data={"email": "agent@exemple.fr", "password": PASSWORD},
                         allow_redirects=False)
    assert bare.status_code == 403 and "ess_accueil" not in bare.cookies
    _browser, wrong = sign_in(server.url, "agent@exemple.fr", "pas-le-bon-mot-de-passe")
    assert wrong.status_code == 200 and "incorrect" in wrong.text
    browser, response = sign_in(server.url, "agent@exemple.fr", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/accueil/"
    cookie = next(c for c in response.raw.headers.getlist("Set-Cookie") if c.startswith("ess_accueil="))
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    page = browser.get(f"{server.url}/accueil/")
    assert page.status_code == 200 and "À traiter" in page.text and "déjà venue" in page.text
    assert page.text.index(f"n° {first}") < page.text.index(f"n° {second}")  # oldest first
    data = browser.get(f"{server.url}/accueil/api/demandes").json()["demandes"]
    assert [d["id"] for d in data] == [second, first]  # newest first
    assert data[1]["recommandations"] == ["dla"] and data[1]["conversation_id"] == "c-1"
    assert data[1]["profil"]["commune"] == "31395" and data[1]["statut"] == "nouvelle"
    assert browser.get(f"{server.url}/accueil/api/demandes?statut=bizarre").status_code == 400
    # Triage: a form without the token is refused; with it, claimed then closed.
    assert browser.post(f"{server.url}/accueil/demandes/{first}", data={"action": "prendre"},
                        allow_redirects=False).status_code == 403
    detail = browser.get(f"{server.url}/accueil/demandes/{first}")
    assert "Accompagnement (DLA)" in detail.text and "La conversation n'est pas disponible" in detail.text
    token = csrf_of(detail.text)
    browser.post(f"{server.url}/accueil/demandes/{first}", data={"action": "prendre", "csrf_token": token})
    assert [d["id"] for d in browser.get(f"{server.url}/accueil/api/demandes?statut=en_cours").json()["demandes"]] == [first]
    refused = browser.post(f"{server.url}/accueil/demandes/{first}",
                           data={"action": "cloturer", "motif": "oriente", "texte": "", "csrf_token": token})
    assert "vers quelle structure" in refused.text
    browser.post(f"{server.url}/accueil/demandes/{first}",
                 data={"action": "cloturer", "motif": "oriente", "texte": "URSCOP Occitanie", "csrf_token": token})
    closed = browser.get(f"{server.url}/accueil/api/demandes?statut=cloturee").json()["demandes"]
    assert [d["id"] for d in closed] == [first]
    tab = browser.get(f"{server.url}/accueil/?onglet=cloturees")
    assert "Orienté vers une structure" in tab.text
    # Forms without the token are refused; the journal is for administrators; signing out ends the session.
    assert browser.post(f"{server.url}/accueil/deconnexion", data={}).status_code == 403
    assert browser.post(f"{server.url}/accueil/orienter", data={"consentement": "oui", "coordonnees": "06 11 22 33 44"},
                        allow_redirects=False).status_code == 403
    assert browser.get(f"{server.url}/accueil/demandes/{first}?erreur=<b>faux</b>").text.count("faux") == 0
    assert browser.get(f"{server.url}/accueil/journal").status_code == 403
    browser.post(f"{server.url}/accueil/deconnexion", data={"csrf_token": token})
    assert browser.get(f"{server.url}/accueil/api/demandes").status_code == 401
    with factory() as session:
        assert [e.type for e in session.scalars(select(RequestEvent).order_by(RequestEvent.id))] == ["prise", "cloture"]


def test_admin_sees_the_access_journal_and_repeated_failures_are_blocked(web):
    server, url, _factory = web
    assert add_user_cli(url, "admin@exemple.fr", PASSWORD, "admin").returncode == 0
    browser, _response = sign_in(server.url, "admin@exemple.fr", PASSWORD)
    old_cookie = browser.cookies.get("ess_accueil")
    again, _r = sign_in(server.url, "admin@exemple.fr", PASSWORD)  # a new sign-in from another browser…
    stale = requests.get(f"{server.url}/accueil/api/demandes", cookies={"ess_accueil": old_cookie})
    assert stale.status_code == 200  # …does not end the first one
    relogin = requests.Session()
    relogin.cookies.set("ess_accueil", old_cookie)
    form = relogin.get(f"{server.url}/accueil/connexion")
    relogin.post(f"{server.url}/accueil/connexion", data={"email": "admin@exemple.fr", "password": PASSWORD,
                                                          "csrf_token": csrf_of(form.text)})
    assert requests.get(f"{server.url}/accueil/api/demandes", cookies={"ess_accueil": old_cookie}).status_code == 401
    journal = again.get(f"{server.url}/accueil/journal")
    assert journal.status_code == 200 and "connexion" in journal.text and "admin@exemple.fr" in journal.text
    sign_in(server.url, "mot-de-passe-dans-le-mauvais-champ", PASSWORD)
    assert "mot-de-passe-dans-le-mauvais-champ" not in again.get(f"{server.url}/accueil/journal").text
    statuses = [sign_in(server.url, "admin@exemple.fr", "mauvais-mot-de-passe")[1].status_code
                for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT + 1)]
    assert statuses[-1] == 429
    _b, blocked = sign_in(server.url, "admin@exemple.fr", PASSWORD)  # even the right password, for a while
    assert blocked.status_code == 429 and "15 minutes" in blocked.text


def test_orientation_by_phone_gives_the_engine_answer_and_saves_a_request_only_with_consent(web):
    server, url, factory = web
    assert add_user_cli(url, "agent@exemple.fr", PASSWORD).returncode == 0
    browser, _response = sign_in(server.url, "agent@exemple.fr", PASSWORD)
    form = {"statut": "cooperative", "employeur": "oui", "stade": "reprise", "lieu": "Rennes", "orienter": "1"}
    page = browser.get(f"{server.url}/accueil/orienter", params=form)
    assert page.status_code == 200 and "Rennes (35)" in page.text
    shown = page.text.split("Dispositifs écartés")[0]
    assert "URSCOP" in shown  # a takeover as a cooperative: the URSCOP network
    assert "Haute-Garonne" not in shown and "Occitanie" not in shown  # no desk of another territory
    assert "Dispositifs écartés et pourquoi" in page.text
    unknown = browser.get(f"{server.url}/accueil/orienter", params={"lieu": "Xyzzyville", "orienter": "1"})
    assert "introuvable" in unknown.text
    token = csrf_of(page.text)
    save = {k: v for k, v in form.items() if k != "orienter"}
    save.update({"nom": "Alex Martin", "coordonnees": "06 11 22 33 44", "csrf_token": token})
    refused = browser.post(f"{server.url}/accueil/orienter", data=save, allow_redirects=False)
    assert refused.status_code == 400 and "rien n&#39;est enregistré" in refused.text
    bad = browser.post(f"{server.url}/accueil/orienter", data={**save, "consentement": "oui", "coordonnees": "06 11"},
                       allow_redirects=False)
    assert bad.status_code == 400 and "10 chiffres" in bad.text
    done = browser.post(f"{server.url}/accueil/orienter", data={**save, "consentement": "oui"}, allow_redirects=False)
    assert done.status_code == 303
    number = int(done.headers["Location"].rsplit("/", 1)[1])
    with factory() as session:
        row = session.get(HandoffRequest, number)
        assert (row.statut, row.traite_par, row.telephone, row.motif) == ("en_cours", "agent@exemple.fr",
                                                                         "06 11 22 33 44", "telephone")
        assert row.profil["departement"] == "35" and row.profil["stade"] == "reprise"
        assert row.recommandations and "oralement" in row.consentement_texte


def expire_sessions(factory) -> None:
    with factory() as session, session.begin():
        for live in session.scalars(select(StaffSession)):
            live.expire_le = accounts.utcnow() - _dt.timedelta(seconds=1)


def test_an_expired_session_mid_form_loses_nothing_typed(web):
    server, url, factory = web
    assert add_user_cli(url, "agent@exemple.fr", PASSWORD).returncode == 0
    assert add_user_cli(url, "autre@exemple.fr", PASSWORD).returncode == 0
    rid = add_request(factory, conversation_id="c-9", nom="Sam", telephone="06 12 34 56 78")
    browser, _response = sign_in(server.url, "agent@exemple.fr", PASSWORD)
    token = csrf_of(browser.get(f"{server.url}/accueil/demandes/{rid}").text)
    expire_sessions(factory)
    comment = "Rappeler <b>jeudi</b> après 14 h"
    sent = browser.post(f"{server.url}/accueil/demandes/{rid}", allow_redirects=False,
                        data={"action": "commenter", "texte": comment, "csrf_token": token})
    assert sent.status_code == 200 and "session a expiré" in sent.text and 'name="password"' in sent.text
    assert "jeudi" not in sent.text  # the sign-in page carries an id, never what was typed
    draft = re.search(r'name="brouillon" value="([^"]+)"', sent.text).group(1)
    with factory() as session:
        assert not session.scalars(select(RequestEvent)).all()  # nothing was done without a session
    # A wrong password keeps the draft; the right one goes back to the form, filled in.
    login = {"email": "agent@exemple.fr", "csrf_token": csrf_of(sent.text), "brouillon": draft}
    wrong = browser.post(f"{server.url}/accueil/connexion", data={**login, "password": "pas-le-bon-mot"},
                         allow_redirects=False)
    assert f'value="{draft}"' in wrong.text
    back = browser.post(f"{server.url}/accueil/connexion", data={**login, "password": PASSWORD}, allow_redirects=False)
    assert back.status_code == 303 and back.headers["Location"] == f"/accueil/demandes/{rid}?brouillon={draft}"
    stranger, _response = sign_in(server.url, "autre@exemple.fr", PASSWORD)
    assert "jeudi" not in stranger.get(server.url + back.headers["Location"]).text  # bound to the agent's new session
    page = browser.get(server.url + back.headers["Location"])
    assert "voici ce que vous aviez saisi" in page.text
    assert "Rappeler &lt;b&gt;jeudi&lt;/b&gt; après 14 h</textarea>" in page.text  # shown as text
    assert "jeudi" not in browser.get(server.url + back.headers["Location"]).text  # given back once
    # The phone form comes back whole, with its several needs, and is not saved on its own.
    token = csrf_of(page.text)
    expire_sessions(factory)
    phone = [("statut", "association"), ("stade", "creation"), ("lieu", "Muret"), ("besoins", "financement"),
             ("besoins", "hebergement"), ("nom", "Alex Martin"), ("coordonnees", "06 11 22 33 44"),
             ("consentement", "oui"), ("csrf_token", token)]
    sent = browser.post(f"{server.url}/accueil/orienter", data=phone, allow_redirects=False)
    draft = re.search(r'name="brouillon" value="([^"]+)"', sent.text).group(1)
    back = browser.post(f"{server.url}/accueil/connexion", allow_redirects=False,
                        data={**login, "csrf_token": csrf_of(sent.text), "brouillon": draft, "password": PASSWORD})
    assert back.headers["Location"] == f"/accueil/orienter?brouillon={draft}"
    form = browser.get(server.url + back.headers["Location"]).text
    assert 'value="Alex Martin"' in form and 'value="06 11 22 33 44"' in form and 'value="Muret"' in form
    assert re.search(r'value="financement"[^>]*checked', form) and re.search(r'value="hebergement"[^>]*checked', form)
    with factory() as session:
        assert len(session.scalars(select(HandoffRequest)).all()) == 1  # only the first request


def test_a_draft_is_kept_for_a_while_only_and_bounded():
    from bot.console.drafts import MAX_DRAFTS, Drafts

    gone = Drafts(ttl=0)
    draft = gone.keep("/accueil/orienter", [("nom", "Alex")])
    assert gone.bind(draft, "jeton") is None  # expired at once
    kept = Drafts()
    first = kept.keep("/accueil/orienter", [("nom", "Alex"), ("csrf_token", "vieux")])
    for _ in range(MAX_DRAFTS):
        kept.keep("/accueil/orienter", [])
    assert kept.bind(first, "jeton") is None  # the oldest went first
    last = kept.keep("/accueil/orienter", [("nom", "Alex"), ("csrf_token", "vieux")])
    assert kept.bind(last, "jeton") == "/accueil/orienter" and kept.bind(last, "autre") is None
    assert kept.take(last, "jeton", "/accueil/effacer") is None  # only on the page of its form
    fields = kept.take(last, "jeton", "/accueil/orienter")
    assert dict(fields) == {"nom": "Alex"}  # the old session's token is not kept
