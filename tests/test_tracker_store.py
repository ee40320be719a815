"""Where conversations are kept: the Rasa server's SQL store, its honest reads, erasure and retention.

On a real SQLite file with the store the Rasa server uses (``bot/tracker_store.py``); the whole
server, restarted with the same store and with the store made unreadable, is tested in
test_persistence_e2e.py.
"""
from __future__ import annotations

import asyncio
import datetime
import concurrent.futures
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot import conversation_store  # noqa: E402
from bot.tracker_store import UNAVAILABLE_LOOP, PersistentTrackerStore  # noqa: E402


def run(coroutine):
    """Run a coroutine in a thread of its own: the browser tests' session keeps an event loop running."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


def conversation(sender: str, domain, statut: str = "association") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen"), UserUttered("nous sommes une association"), SlotSet("statut", statut)],
        domain.slots)


def test_conversations_are_kept_in_the_file_of_the_url_and_read_back(tmp_path, domain):
    url = f"sqlite:///{tmp_path / 'sous-dossier' / 'conversations.db'}"
    store = PersistentTrackerStore(domain=domain, host=url)  # Rasa passes the endpoint's url as host
    run(store.save(conversation("c-1", domain)))
    again = PersistentTrackerStore(domain=domain, host=url)  # another process, or after a restart
    tracker = run(again.retrieve("c-1"))
    assert tracker.get_slot("statut") == "association"
    assert (tmp_path / "sous-dossier" / "conversations.db").exists()


def test_an_unreadable_store_gives_a_marked_stand_in_that_is_never_saved(tmp_path, domain):
    path = tmp_path / "conversations.db"
    store = PersistentTrackerStore(domain=domain, host=f"sqlite:///{path}")
    run(store.save(conversation("c-1", domain)))
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE events RENAME TO events_hidden")  # the store cannot be read any more
    stand_in = run(store.retrieve("c-1"))
    assert stand_in is not None and stand_in.active_loop_name == UNAVAILABLE_LOOP  # never an empty profile
    stand_in.update(UserUttered("bonjour"))
    run(store.save(stand_in))  # skipped: nothing is written over the real conversation
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE events_hidden RENAME TO events")
    tracker = run(store.retrieve("c-1"))
    assert tracker.get_slot("statut") == "association" and tracker.active_loop_name is None
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["nous sommes une association"]


def test_erasure_and_retention_delete_the_rows(tmp_path, domain):
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store = PersistentTrackerStore(domain=domain, host=url)
    for sender in ("garder", "effacer", "ancienne"):
        run(store.save(conversation(sender, domain)))
    with sqlite3.connect(tmp_path / "conversations.db") as db:
        db.execute("UPDATE events SET timestamp = ? WHERE sender_id = 'ancienne'", (time.time() - 31 * 86400,))
    assert conversation_store.delete_conversations(url, ["effacer", "inconnue"]) == 1
    assert conversation_store.delete_older_than(url, days=30) == 1
    with sqlite3.connect(tmp_path / "conversations.db") as db:
        assert {r[0] for r in db.execute("SELECT DISTINCT sender_id FROM events")} == {"garder"}
    missing = f"sqlite:///{tmp_path / 'jamais.db'}"
    assert conversation_store.delete_conversations(missing, ["x"]) == 0 and not (tmp_path / "jamais.db").exists()


def test_the_retention_and_erase_commands_reach_the_conversations(tmp_path, domain):
    from bot.console.models import create_console_schema
    from knowledge.db import HandoffRequest, make_engine, make_session_factory

    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store = PersistentTrackerStore(domain=domain, host=url)
    run(store.save(conversation("conv-gone", domain)))
    db_url = f"sqlite:///{tmp_path / 'kb.db'}"
    engine = make_engine(db_url)
    create_console_schema(engine)
    with make_session_factory(engine)() as session, session.begin():
        session.add(HandoffRequest(conversation_id="conv-gone", email="gone@x.fr", consentement=True))
    env = {**os.environ, "TRACKER_STORE_URL": url}
    done = subprocess.run([sys.executable, "-m", "bot.console", "erase", "--email", "gone@x.fr", "--database-url",
                           db_url], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0 and "1 conversation(s) sur 1" in done.stdout, done.stdout + done.stderr
    with sqlite3.connect(tmp_path / "conversations.db") as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE sender_id = 'conv-gone'").fetchone()[0] == 0
    # A store that cannot be reached: the erasure says so (exit code 4), nothing is claimed.
    run(store.save(conversation("conv-2", domain)))
    with make_session_factory(engine)() as session, session.begin():
        session.add(HandoffRequest(conversation_id="conv-2", email="deux@x.fr", consentement=True))
    unreachable = {**os.environ, "TRACKER_STORE_URL": "postgresql+psycopg2://rasa@127.0.0.1:9/rasa"}
    done = subprocess.run([sys.executable, "-m", "bot.console", "erase", "--email", "deux@x.fr", "--database-url",
                           db_url], capture_output=True, text=True, cwd=ROOT, env=unreachable)
    assert done.returncode == 4 and "0 conversation(s) sur 1" in done.stdout
    # A call-back form left half-way: its draft goes after a day, a recent one stays.
    from knowledge.db import ContactDraft

    with make_session_factory(engine)() as session, session.begin():
        session.add(ContactDraft(conversation_id="hier", nom="Jeanne", mis_a_jour_le=datetime.datetime(2020, 1, 1)))
        session.add(ContactDraft(conversation_id="maintenant", nom="Paul", mis_a_jour_le=datetime.datetime.utcnow()))
    done = subprocess.run([sys.executable, "-m", "bot.console", "retention", "--database-url", db_url,
                           "--exports-dir", str(tmp_path / "exports"), "--conversation-days", "30"],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0 and "0 conversation(s) de plus de 30 jours" in done.stdout
    assert "1 formulaire(s) de rappel abandonné(s) effacé(s)" in done.stdout
    with make_session_factory(engine)() as session:
        assert [d.conversation_id for d in session.query(ContactDraft)] == ["maintenant"]


POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL not set (see scripts/postgres_test_server.sh)")
def test_on_postgresql_a_dropped_connection_costs_no_message(domain):
    """What a PostgreSQL restart does to the pooled connections: they die. The next read still works."""
    import uuid

    import sqlalchemy as sa

    name = f"conversations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        store = PersistentTrackerStore(domain=domain, host=url)
        run(store.save(conversation("pg-1", domain)))
        with admin.connect() as conn:  # every connection of the store is cut, as by a restart
            cut = conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": name}).fetchall()
        assert cut, "the store kept no connection open"
        tracker = run(store.retrieve("pg-1"))
        assert tracker.get_slot("statut") == "association" and tracker.active_loop_name is None
        assert conversation_store.delete_conversations(url, ["pg-1"]) == 1
        store.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
