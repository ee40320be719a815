"""Personal data kept out of the stored conversations.

The call-back request table is the one place for a name, an e-mail or a phone number. The
conversation store gets, instead, a copy of each event where:
- what the person typed while the call-back form asked for their name, contact or message is
  replaced by a mark (a name cannot be recognised, so the whole answer goes);
- the slots of these answers hold the mark, never the value (the action server keeps the
  values in a short-lived draft until the request is recorded: ``actions/contact_draft.py``);
- any e-mail or phone number typed elsewhere in the conversation is masked.
Pure functions on Rasa's event dictionaries: no Rasa import, so that they are tested alone.
"""
from __future__ import annotations

import copy
from typing import Any, Iterable, Iterator, Optional

from knowledge.events import MASK, mask_text

# The answers of the call-back form that are personal (consent, a yes or no, is not).
PERSONAL_SLOTS = ("contact_nom", "contact_coordonnees", "contact_message")


# What the reading of a masked message may keep: what was understood, none of the words.
KEPT_PARSE_KEYS = ("intent", "intent_ranking", "response_selector", "message_id")


def _mask_parse_data(parse_data: dict, text: str) -> dict:
    """The parse of a masked message: its intent, and no token, entity or syntax of its words."""
    kept = {k: copy.deepcopy(v) for k, v in (parse_data or {}).items() if k in KEPT_PARSE_KEYS}
    return {**kept, "text": text, "entities": []}


def mask_event(data: dict, requested_slot: Optional[str]) -> dict:
    """One event (``Event.as_dict()``) as it may be stored, given the slot the form was asking for."""
    kind = data.get("event")
    if kind == "user":
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        masked = MASK if requested_slot in PERSONAL_SLOTS else mask_text(text)
        if masked == text:
            return data
        return {**data, "text": masked, "parse_data": _mask_parse_data(data.get("parse_data") or {}, masked)}
    if kind == "slot" and data.get("name") in PERSONAL_SLOTS and data.get("value") is not None:
        return {**data, "value": MASK}
    return data


def masked_events(events: Iterable[dict], start: int = 0) -> Iterator[dict]:
    """The events from index ``start`` on, masked; the ones before are read only to know which
    question of the form each message answered."""
    requested: Any = None
    for index, data in enumerate(events):
        if index >= start:
            yield mask_event(data, requested)
        kind = data.get("event")
        if kind == "slot" and data.get("name") == "requested_slot":
            requested = data.get("value")
        elif kind in ("restart", "session_started"):
            requested = None
