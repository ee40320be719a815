"""A call-back left through the real Rasa and action servers leaves no personal data in the
conversation store: the request table is the one place that has it (issue 11)."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.test_console_e2e import leave_a_request

pytestmark = pytest.mark.e2e

PERSONAL = ("camille", "durand", "exemple.org", "06 98 76 54 32", "0698765432")


def stored_rows(url: str) -> list[str]:
    """Every row of every table of a database, as text (JSON decoded, accents kept)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = []
            for table in sa.inspect(engine).get_table_names():
                for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                    for cell in row:
                        try:
                            cell = json.dumps(json.loads(cell), ensure_ascii=False)
                        except (TypeError, ValueError):
                            pass
                        rows.append(str(cell))
            return rows
    finally:
        engine.dispose()


def test_a_call_back_leaves_no_email_phone_or_name_in_the_conversations(stack, new_chat, loaded_db):
    chat = new_chat()
    chat.say("au fait mon portable c'est le 06 98 76 54 32 si besoin")
    number = leave_a_request(chat)
    slots = chat.slots()
    assert slots["contact_nom"] is None and slots["contact_coordonnees"] is None  # forgotten once recorded
    stored = " ".join(stored_rows(stack.tracker_store_url)).lower()
    assert chat.sender in stored and "association à muret" in stored  # the conversation itself is kept
    for personal in PERSONAL:
        assert personal not in stored, personal
    engine = sa.create_engine(loaded_db)
    with engine.connect() as conn:
        request = conn.execute(sa.text("SELECT nom, email FROM handoff_request WHERE id = :n"), {"n": number}).one()
        drafts = conn.execute(sa.text("SELECT count(*) FROM contact_draft WHERE conversation_id = :c"),
                              {"c": chat.sender}).scalar_one()
    engine.dispose()
    assert tuple(request) == ("Camille Durand", "camille.durand@exemple.org") and drafts == 0
    logs = " ".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*.log")).lower()
    assert logs  # the servers' logs at their default level: no message text in them
    for said in PERSONAL + ("quel financement demander", "association à muret"):
        assert said not in logs, said
