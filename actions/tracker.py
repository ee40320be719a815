"""Reading the tracker: the latest message, earlier slot values, the profile. One home for the
helpers every action uses."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from knowledge.values import BESOINS, FORMES, PUBLICS, STADES, STATUTS

# Slots the orientation engine reads (the contract's, plus optional facts).
PROFILE_KEYS = ("statut", "employeur", "stade", "commune", "departement", "besoins", "innovation_sociale",
                "test_activite", "publics", "forme_envisagee")


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_entities(tracker: Tracker) -> List[dict]:
    return tracker.latest_message.get("entities") or []


def entity_values(tracker: Tracker, entity: str) -> List[Any]:
    return [e.get("value") for e in latest_entities(tracker) if e.get("entity") == entity]


def latest_parse(tracker: Tracker) -> Dict[str, Any]:
    """The NLU result of the latest user message, as the reader takes it."""
    message = tracker.latest_message or {}
    return {"text": latest_text(tracker), "intent": message.get("intent") or {},
            "entities": latest_entities(tracker), "syntaxe": message.get("syntaxe")}


def _only(value: Any, allowed) -> Any:
    return value if isinstance(value, str) and value in allowed else None


def profile_from_tracker(tracker: Tracker, **overrides: Any) -> Dict[str, Any]:
    """The profile the engine reads. Slots only ever hold canonical values (the reader sets them);
    anything else (an old tracker, a hand-made event) is dropped here rather than passed on."""
    besoins = tracker.get_slot("besoins") or []
    publics = tracker.get_slot("publics") or []
    profile = {
        "statut": _only(tracker.get_slot("statut"), STATUTS),
        "employeur": tracker.get_slot("employeur") if isinstance(tracker.get_slot("employeur"), bool) else None,
        "stade": _only(tracker.get_slot("stade"), STADES),
        "commune": tracker.get_slot("commune"),
        "departement": tracker.get_slot("departement"),
        "besoins": [b for b in besoins if b in BESOINS] if isinstance(besoins, list) else [],
        "innovation_sociale": tracker.get_slot("innovation_sociale")
        if isinstance(tracker.get_slot("innovation_sociale"), bool) else None,
        "test_activite": tracker.get_slot("test_activite") if isinstance(tracker.get_slot("test_activite"), bool) else None,
        "publics": [p for p in publics if p in PUBLICS] if isinstance(publics, list) else [],
        "forme_envisagee": _only(tracker.get_slot("forme_envisagee"), FORMES),
        "dispositifs_demandes": [d for d in tracker.get_slot("dispositifs_demandes") or [] if isinstance(d, str)]
        if isinstance(tracker.get_slot("dispositifs_demandes"), list) else [],
    }
    profile.update(overrides)
    return profile


def known_slots(tracker: Tracker, names) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in names}
