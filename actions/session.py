"""Session start: take what partner sites and the widget already know.

A partner site (or any REST client) may send profile values in the message
metadata. Valid ones pre-fill the contract's slots, so the form never asks for
them; invalid ones are ignored.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.values import BESOINS, STADES, STATUTS
from actions.knowledge_client import get_client
from knowledge import events as stats


def slots_from_metadata(metadata: Any) -> Dict[str, Any]:
    """Contract slots that a metadata object sets, validated."""
    if not isinstance(metadata, dict):
        return {}
    out: Dict[str, Any] = {}
    statut = metadata.get("statut")
    if isinstance(statut, str) and statut in STATUTS:
        out["statut"] = statut
    stade = metadata.get("stade")
    if isinstance(stade, str) and stade in STADES:
        out["stade"] = stade
    besoins = metadata.get("besoins")
    if isinstance(besoins, list):
        valid = [b for b in BESOINS if b in besoins]
        if valid:
            out["besoins"] = valid
    if isinstance(metadata.get("employeur"), bool):
        out["employeur"] = metadata["employeur"]
    territories = get_client().territories
    commune = metadata.get("commune")
    if isinstance(commune, str) and territories.commune(commune) is not None:
        found = territories.commune(commune)
        out["commune"] = found.code
        out["departement"] = found.departement
    departement = metadata.get("departement")
    if "departement" not in out and isinstance(departement, str) and territories.departement(departement):
        out["departement"] = territories.departement(departement).code
    partner = metadata.get("partenaire")
    if isinstance(partner, str) and 0 < len(partner) <= 64:
        out["partenaire"] = partner
    return out


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        metadata = tracker.get_slot("session_started_metadata")
        prefill = slots_from_metadata(metadata)
        events += [SlotSet(k, v) for k, v in prefill.items()]
        events.append(ActionExecuted("action_listen"))
        stats.record(get_client().requests_session, "conversation", partenaire=prefill.get("partenaire"))
        return events


class ActionStoreUnavailable(Action):
    """Run when the Rasa server could not read the conversation (bot/tracker_store.py): say so, and ask
    the person to write again; nothing is saved in this turn, so nothing already said is lost."""

    def name(self) -> Text:
        return "action_store_unavailable"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_store_unavailable")
        return []
