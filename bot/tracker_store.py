"""Conversations kept in a SQL database, so that a restart of the Rasa server loses none.

``make run`` configures this store (in the endpoints file it writes) with ``TRACKER_STORE_URL``,
by default a SQLite file under ``var/``; a PostgreSQL URL works the same. Two traps of Rasa 3.6's
``SQLTrackerStore`` are closed here:
- its engine has no health check, so the first query after a PostgreSQL restart fails: the engine
  is made again with ``pool_pre_ping``;
- Rasa wraps every store in ``FailSafeTrackerStore``, which turns a failed read into an empty
  conversation (the person's profile silently lost, then overwritten). A failed read returns
  instead a conversation marked unavailable: the assistant says so in French
  (``action_store_unavailable``), and that conversation is never saved, so the stored one is
  found intact at the next message.
Personal data never reaches the store: each event is saved as ``bot/masking.py`` masks it.
This module is imported by the Rasa server: it must stay light (no import of the web server).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.conversation_store import store_url
from bot.masking import masked_events

logger = logging.getLogger(__name__)

UNAVAILABLE_LOOP = "action_store_unavailable"


class PersistentTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, configured by one URL, with a health-checked engine and honest reads."""

    def __init__(self, domain=None, host: Optional[str] = None, event_broker=None, **kwargs: Any) -> None:
        parsed = make_url(host or store_url())  # Rasa passes the endpoint's ``url`` as ``host``
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, dialect=parsed.drivername, host=parsed.host, port=parsed.port,
                         db=parsed.database or "", username=parsed.username, password=parsed.password,
                         event_broker=event_broker, query=dict(parsed.query) or None, **kwargs)
        if parsed.get_backend_name() != "sqlite":
            # A connection that died with a PostgreSQL restart is replaced before use, not failed on.
            self.engine.dispose()
            url = self.engine.url
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
        try:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        except sa.exc.SQLAlchemyError as exc:
            logger.error("conversation store unreadable (%s): the person is told, nothing is overwritten",
                         type(exc).__name__)
            return unavailable_tracker(sender_id, self.domain)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.active_loop_name == UNAVAILABLE_LOOP:
            return  # a stand-in for a conversation that could not be read: the stored one stays as it is
        await super().save(tracker)

    def _additional_events(self, session, tracker: DialogueStateTracker):
        """The events not stored yet, as they may be stored: masked (``bot/masking.py``)."""
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        events = list(tracker.events)
        dicts = [e.as_dict() for e in events]
        for event, original, data in zip(events[stored:], dicts[stored:], masked_events(dicts, start=stored)):
            yield event if data is original else Event.from_parameters(data)  # only a masked one is made again


def unavailable_tracker(sender_id: str, domain) -> DialogueStateTracker:
    """A stand-in conversation whose only step is to say that the store cannot be read."""
    slots = domain.slots if domain is not None else []
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActiveLoop(UNAVAILABLE_LOOP),
              ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events(sender_id, events, slots)
