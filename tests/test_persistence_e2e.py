"""Conversations survive a restart of the servers, and an unreadable store is said, not hidden.

The whole stack (real Rasa, action and web servers) is started with a conversation store of its
own (a SQLite file, as ``make run`` does under var/), a person gives part of their profile, the
stack is stopped and started again, and the person goes on where they were. Then the store's
table is made unreadable under the running server: the person is told so in French, and once the
store is back the profile is whole. Last, the action server is killed: the supervisor of ``make run``
starts it again alone, and the conversation goes on.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.run import supervise  # noqa: E402
from tests.conftest import Chat  # noqa: E402


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return tmp_path_factory.mktemp("persist") / "conversations.db"


def start(store_path: Path, loaded_db: str, logs: Path):
    from scripts.stack import Settings, Stack, free_port
    from scripts.train import model_path

    settings = Settings(rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
                        database_url=loaded_db, tracker_store_url=f"sqlite:///{store_path}")
    stack = Stack(settings, model_path(), logs)
    stack.start()
    return stack


def test_a_restart_keeps_the_conversation_and_an_unreadable_store_is_said(store_path, loaded_db, tmp_path):
    stack = start(store_path, loaded_db, tmp_path / "logs-1")
    try:
        chat = Chat(stack.settings, sender="persiste-1")
        chat.say("Bonjour, nous sommes une association employeuse à Muret")
        before = chat.slots()
        assert before["statut"] == "association" and before["commune"] == "31395"
    finally:
        stack.stop()
    stack = start(store_path, loaded_db, tmp_path / "logs-2")  # a new Rasa server, the same store
    try:
        chat = Chat(stack.settings, sender="persiste-1")
        slots = chat.slots()
        assert slots["statut"] == "association" and slots["commune"] == "31395"  # nothing lost
        chat.say("nous voulons consolider nos emplois")
        slots = chat.slots()
        assert slots["stade"] == "consolidation" and slots.get("requested_slot") not in ("statut", "commune")
        with sqlite3.connect(store_path) as db:
            db.execute("ALTER TABLE events RENAME TO events_hidden")  # the store cannot be read any more
        told = chat.texts("nous avons besoin d'un accompagnement")
        assert "problème technique" in told and "conservé" in told
        with sqlite3.connect(store_path) as db:
            db.execute("ALTER TABLE events_hidden RENAME TO events")
        after = chat.slots()
        assert (after["statut"], after["commune"], after["stade"]) == ("association", "31395", "consolidation")
        chat.say("nous avons besoin d'un accompagnement")
        assert chat.slots()["besoins"] == ["accompagnement"]  # the conversation goes on
        # The action server crashes: it alone is started again, and the conversation goes on.
        done = threading.Event()
        watcher = threading.Thread(target=supervise, args=(stack, done.is_set), daemon=True)
        watcher.start()
        rasa_pid = stack.pids()["rasa"]
        os.killpg(stack.pids()["actions"], signal.SIGKILL)
        told = chat.texts("nous cherchons aussi un local")  # while it is down: an apology, in French
        assert "momentanément indisponible" in told and "conservé" in told
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and (stack.stopped() or not _ready(stack.settings.actions_url + "/health")):
            time.sleep(0.5)
        assert not stack.stopped() and stack.pids()["rasa"] == rasa_pid  # the Rasa server was not stopped
        chat.say("nous avons aussi besoin d'un financement")
        assert chat.slots()["besoins"] == ["accompagnement", "financement"]
        assert chat.slots()["statut"] == "association"
        done.set()
        watcher.join(5)
    finally:
        stack.stop()


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False
