"""The call-back form's answers kept aside, in the database, while the form is filled in.

The conversation store only ever holds a mark for them (``bot/masking.py``), so the request is
made from this draft. It lives from the validated name to the recorded (or dropped) request, and
the retention command deletes what a person left half-way after a day.
"""
from __future__ import annotations

import datetime as _dt
from typing import Optional

from sqlalchemy import delete

from knowledge.db import ContactDraft

FIELDS = {"contact_nom": "nom", "contact_coordonnees": "coordonnees", "contact_message": "message"}
MAX_AGE = _dt.timedelta(days=1)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def keep(session_factory, conversation_id: str, slot: str, value: Optional[str]) -> None:
    """Write one answer (``slot`` of the form) of this conversation's draft."""
    with session_factory() as session, session.begin():
        draft = session.get(ContactDraft, conversation_id)
        if draft is None:
            draft = ContactDraft(conversation_id=conversation_id)
            session.add(draft)
        setattr(draft, FIELDS[slot], value)
        draft.mis_a_jour_le = _now()


def read(session_factory, conversation_id: str) -> dict[str, Optional[str]]:
    """The draft's answers by slot name (empty when there is none)."""
    with session_factory() as session:
        draft = session.get(ContactDraft, conversation_id)
        if draft is None:
            return {}
        return {slot: getattr(draft, field) for slot, field in FIELDS.items()}


def remove(session, conversation_id: str) -> None:
    """Delete the draft in ``session``'s transaction (the one that records the request)."""
    session.execute(delete(ContactDraft).where(ContactDraft.conversation_id == conversation_id))


def drop(session_factory, conversation_id: str) -> None:
    with session_factory() as session, session.begin():
        remove(session, conversation_id)


def remove_older_than(session, age: _dt.timedelta = MAX_AGE) -> int:
    """Delete (in ``session``'s transaction) the drafts not touched for ``age``; returns how many."""
    result = session.execute(delete(ContactDraft).where(ContactDraft.mis_a_jour_le < _now() - age))
    return result.rowcount or 0
