"""Where the conversations are kept (the Rasa server's SQL tracker store), for erasure and retention.

The Rasa server writes the conversations (``bot/tracker_store.py``); the console and the retention
command delete them here with plain SQL on Rasa's ``events`` table, because Rasa's own API cannot:
replacing a conversation's events by nothing leaves its rows in a SQL store. No Rasa import, so that
the web server stays light.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Iterable, Optional

import sqlalchemy as sa

from knowledge.db import ROOT  # the project's root, where var/ is

DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'conversations.db'}"
RETENTION_DAYS = 30
_EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))


def store_url(env: Optional[dict] = None) -> str:
    """``TRACKER_STORE_URL``, or the SQLite file under ``var/`` that ``make run`` uses."""
    env = os.environ if env is None else env
    return env.get("TRACKER_STORE_URL") or DEFAULT_URL


def endpoint_section(url: str) -> str:
    """The ``tracker_store`` section of a Rasa endpoints file for the store at ``url``."""
    return f"tracker_store:\n  type: bot.tracker_store.PersistentTrackerStore\n  url: {json.dumps(url)}\n"


def _engine(url: str) -> Optional[sa.engine.Engine]:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return None  # no conversation was ever stored here (and no empty file is made)
    engine = sa.create_engine(url)
    if not sa.inspect(engine).has_table("events"):
        engine.dispose()
        return None  # no conversation was ever stored here
    return engine


def delete_conversations(url: str, sender_ids: Iterable[str]) -> int:
    """Delete every event of these conversations; returns how many conversations had some."""
    ids = sorted({s for s in sender_ids if s})
    engine = _engine(url) if ids else None
    if engine is None:
        return 0
    try:
        with engine.begin() as conn:
            found = conn.execute(sa.select(sa.func.count(sa.distinct(_EVENTS.c.sender_id)))
                                 .where(_EVENTS.c.sender_id.in_(ids))).scalar_one()
            conn.execute(sa.delete(_EVENTS).where(_EVENTS.c.sender_id.in_(ids)))
        return int(found)
    finally:
        engine.dispose()


def erase_conversations(sender_ids: list[str], env: Optional[dict] = None) -> int:
    """Erasure on request: how many of these conversations are gone from the store of ``env`` (all of
    them, or none when that store cannot be reached)."""
    try:
        delete_conversations(store_url(env), sender_ids)
    except sa.exc.SQLAlchemyError:
        return 0
    return len(sender_ids)


def delete_older_than(url: str, days: int = RETENTION_DAYS, now: Optional[float] = None) -> int:
    """Delete the conversations whose last event is older than ``days``; returns how many."""
    engine = _engine(url)
    if engine is None:
        return 0
    limit = (time.time() if now is None else now) - days * 86400
    try:
        with engine.begin() as conn:
            last = sa.select(_EVENTS.c.sender_id).group_by(_EVENTS.c.sender_id) \
                .having(sa.func.max(_EVENTS.c.timestamp) < limit)
            old = [row[0] for row in conn.execute(last)]
            for start in range(0, len(old), 500):
                conn.execute(sa.delete(_EVENTS).where(_EVENTS.c.sender_id.in_(old[start:start + 500])))
        return len(old)
    finally:
        engine.dispose()
